"""Searching: a request (query, facet selections, sort, page) in, a `SearchResult` out.

Matching and ranking are split on purpose:

* Which paragraphs match is decided by exact substring search over folded text
  (`matching`), so a Chinese string that appears in a paragraph always finds
  it, whatever jieba made of the context (the exact-substring guarantee).
* How they rank is BM25 over the jieba words Whoosh indexed, with boosts for
  matches in headings and titles (`ranking`); ties are broken by notice and
  paragraph number, so the order is deterministic.

Facet counts are numpy bincounts over per-document codes (`snapshot`): each
facet's counts are taken with every other facet's selection applied but not its
own (disjunctive faceting), so a user can add a second value to a facet without
clearing it. Only the first page of hits is sorted and turned into objects.

The HTML page, the JSON API and `notice-index search` all call `Engine.search`
and render the same `SearchResult`; the CSV export takes `Engine.all_hits`, the
same matches in the same order without paging.
"""

import html
import os
import threading
import time
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from indexer import arrays, settings, store
from indexer.analysis import fold, words
from indexer.schema import FACETS

from .matching import term_mask, term_pattern
from .query import parse
from .ranking import Ranker, by_rank, top
from .snapshot import PARAGRAPH_FACETS, Snapshot, facet_sort_key

SORTS = ("relevance", "newest", "oldest")
#: Most values a facet lists besides the selected ones (the 通报 facet has one per notice).
FACET_LIMIT = 100
FACET_LABELS = {name: label for name, label, _ in FACETS}
MULTI_VALUED = {name for name, _, multi in FACETS if multi}
LEVEL_LABELS = {"省": "省级", "市": "市级", "县": "县级"}


class QueryError(ValueError):
    """The request cannot be answered as asked; the message tells the user what to change."""


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> [selected values]
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    group: bool = False


@dataclass
class Hit:
    notice_id: str
    n: int
    title: str
    issuer: str
    published: str
    text: str
    highlight: str  # HTML: the escaped text with <mark> around matches
    headings: list
    category: str
    role: str
    problem_types: list
    province: str
    city: str
    county: str
    level: str
    year: str
    score: float
    more_in_notice: int = 0  # with grouping: other matching paragraphs of this notice
    headings_highlight: list = field(default_factory=list)  # HTML of each heading, as `highlight`


@dataclass
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Facet:
    name: str
    label: str
    values: list  # [FacetValue], selected first, then by count; at most FACET_LIMIT unselected
    available: int = 0  # values with a count or selected, listed or not


@dataclass
class SearchResult:
    request: SearchRequest
    query: str  # the query as understood
    notes: list  # sentences about how odd input was read
    total: int  # matching paragraphs
    total_notices: int
    hits: list
    facets: list
    took_ms: float

    @property
    def pages(self):
        count = self.total_notices if self.request.group else self.total
        return max(1, -(-count // self.request.per_page))


@dataclass
class _Match:
    snap: Snapshot
    query: object  # query.Query
    base: np.ndarray  # docnums matching the query, before facet selections
    selections: dict  # facet name -> selected values
    docs: np.ndarray  # docnums matching query and selections, ascending
    scores: np.ndarray  # the score of each of `docs`; zeros when the order is by date
    by_relevance: bool
    rank: np.ndarray  # with a date sort: the rank array to order by

    def ordered(self, limit=None):
        """Indexes into `docs` (and `scores`) of the first `limit` matches (all for None), in result order."""
        if self.by_relevance:
            return top(self.snap, self.docs, self.scores, limit)
        return by_rank(self.docs, self.rank, limit)


class Engine:
    """Searches the live index; reopens it when a rebuild switches generations."""

    def __init__(self, index_dir, config=None):
        self.index_dir = Path(index_dir)
        self.config = config or settings.as_dict()
        self._loaded = None  # (Snapshot, Ranker)
        self._target = None
        self._lock = threading.Lock()

    def loaded(self):
        """(Snapshot, Ranker) of the live generation, reloaded if `current` now points elsewhere."""
        link = self.index_dir / store.CURRENT
        try:
            target = os.readlink(link)
        except OSError:
            target = None
        if target != self._target or self._loaded is None:
            with self._lock:
                if target != self._target or self._loaded is None:
                    gen, marker = store.open_generation(self.index_dir)
                    store.check_files(gen, marker)
                    try:
                        snap = Snapshot(gen)
                        self._loaded = (snap, Ranker(snap))
                    except Exception as exc:  # whatever a damaged file makes Whoosh, numpy or json raise
                        raise store.IndexUnavailable(
                            f"{gen} cannot be read ({type(exc).__name__}: {exc}); "
                            "rebuild it with `notice-index rebuild`.") from exc
                    self._target = target
        return self._loaded

    def snapshot(self):
        return self.loaded()[0]

    def notice(self, notice_id):
        """The parsed notice as a dict (the parser's JSON), or None."""
        return self.snapshot().notice(notice_id)

    def notices(self):
        """The catalog entry of every indexed notice: id, source, title, unit, dates, region, level."""
        return list(self.snapshot().catalog)

    def facet_label(self, name, value, snap=None):
        """How a facet value reads to a person: a notice by its title, a level as 县级."""
        if name == "notice":
            snap = snap or self.snapshot()
            index = snap.by_id.get(value)
            return snap.titles[index] if index is not None else value
        if name == "level":
            return LEVEL_LABELS.get(value, value)
        return value

    def warm(self):
        """Load the live index and jieba now, and read its arrays, so the first search is as fast as the rest."""
        for seg in self.snapshot().segments:
            arrays.read_through(seg.folder)
        words("预热")

    def search(self, request):
        started = time.perf_counter()
        match = self._match(request)
        snap, query = match.snap, match.query
        counter = _FacetCounter(snap, match.base, match.selections)
        facets = [self._facet(snap, name, counter.counts(name), request.filters.get(name, []))
                  for name, _, _ in FACETS]
        notices = np.zeros(len(snap.catalog) + 1, dtype=bool)
        notices[snap.notice_of[match.docs]] = True
        start = (request.page - 1) * request.per_page
        if request.group:
            order = match.ordered()
            page, more = _group(snap, match.docs[order], start, request.per_page)
            page = order[page]
        else:
            page = match.ordered(start + request.per_page)[start:]
            more = [0] * len(page)
        hits = [self._hit(snap, match.docs[i], match.scores[i], query, m) for i, m in zip(page.tolist(), more)]
        return SearchResult(
            request=request, query=query.describe(), notes=query.notes, total=int(len(match.docs)),
            total_notices=int(notices.sum()), hits=hits, facets=facets,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def all_hits(self, request):
        """Every matching paragraph in result order, ignoring paging and grouping (the CSV export).

        The request is checked before this returns, so a bad one raises here and
        not halfway through a streamed response.
        """
        match = self._match(request)
        return (self._hit(match.snap, match.docs[i], match.scores[i], match.query, 0) for i in match.ordered().tolist())

    def _match(self, request):
        """The matching documents of a request, before ordering and paging."""
        self._check(request)
        snap, ranker = self.loaded()
        query = parse(request.q)
        if len(query.positive_terms()) + len(query.excluded) > self.config["MAX_QUERY_TERMS"]:
            raise QueryError(f"查询词过多：最多 {self.config['MAX_QUERY_TERMS']} 个词、短语或排除词。")
        masks, memo = {}, {}  # a term repeated in one query is searched once

        def mask_of(term):
            if term not in masks:
                masks[term] = term_mask(snap, term, memo)
            return masks[term]

        base = snap.live.copy()
        for clause in query.clauses:
            clause_mask = np.zeros(snap.size, dtype=bool)
            for term in clause:
                clause_mask |= mask_of(term)
            base &= clause_mask
        for term in query.excluded:
            base &= ~mask_of(term)
        base = np.flatnonzero(base)
        selections = {name: values for name, values in request.filters.items() if values}
        docs = base
        for name, values in selections.items():
            docs = docs[_selected(snap, name, values, docs)]
        by_relevance = request.sort == "relevance" and not query.empty
        # Scores only order results; a date sort does not pay for them.
        scores = ranker.scores(query.positive_terms(), docs, memo) if by_relevance else np.zeros(len(docs), np.float32)
        rank = snap.oldest_rank if request.sort == "oldest" else snap.newest_rank
        return _Match(snap, query, base, selections, docs, scores, by_relevance, rank)

    def _check(self, request):
        if len(request.q or "") > self.config["MAX_QUERY_LENGTH"]:
            raise QueryError(f"查询过长：最多 {self.config['MAX_QUERY_LENGTH']} 个字符。")
        if request.sort not in SORTS:
            raise QueryError(f"排序方式“{request.sort}”无效，可用：relevance、newest、oldest。")
        if not 1 <= request.page <= self.config["MAX_PAGE"]:
            raise QueryError(f"页码须在 1 到 {self.config['MAX_PAGE']} 之间。")
        if not 1 <= request.per_page <= self.config["MAX_PER_PAGE"]:
            raise QueryError(f"每页条数须在 1 到 {self.config['MAX_PER_PAGE']} 之间。")
        unknown = set(request.filters) - set(FACET_LABELS)
        if unknown:
            raise QueryError(f"未知的筛选项：{'、'.join(sorted(unknown))}。")

    def _facet(self, snap, name, counts, selected):
        values = snap.facet_values[name]
        listed = np.flatnonzero(counts)
        available = len(listed) + sum(1 for v in selected if v not in values or not counts[values.index(v)])
        if len(listed) > FACET_LIMIT:
            # Only the values shown become objects: a phrase in 870 notices once each
            # made 870 of them for the notice facet (2 ms), to show 100. Selected
            # values are shown anyway (below), so the top FACET_LIMIT of the others.
            if selected:
                listed = listed[~np.isin(listed, [values.index(v) for v in selected if v in values])]
            rank = snap.facet_rank[name]
            listed = listed[np.lexsort((rank[listed], -counts[listed]))[:FACET_LIMIT]]
        entries = [FacetValue(values[i], self.facet_label(name, values[i], snap), int(counts[i]),
                              values[i] in selected)
                   for i in listed.tolist()]
        shown = {e.value for e in entries}
        # Selected values stay visible even at zero so they can be removed.
        entries += [FacetValue(v, self.facet_label(name, v, snap),
                               int(counts[values.index(v)]) if v in values else 0, True)
                    for v in selected if v not in shown]
        entries.sort(key=lambda e: (not e.selected, -e.count, facet_sort_key(name, e.value)))
        chosen = [e for e in entries if e.selected]
        chosen += [e for e in entries if not e.selected][:FACET_LIMIT]
        return Facet(name, FACET_LABELS[name], chosen, available)

    def _hit(self, snap, docnum, score, query, more):
        entry, text, headings, category, role, problem_types = snap.paragraph(docnum)
        terms = query.positive_terms()
        return Hit(
            notice_id=entry["id"], n=int(snap.n_of[docnum]), title=snap.titles[int(snap.notice_of[docnum])],
            issuer=entry["issuer"] or "", published=entry["published"] or "",
            text=text, highlight=highlight(text, terms),
            headings=list(headings), category=category, role=role, problem_types=problem_types,
            province=entry["province"] or "", city=entry["city"] or "",
            county=entry["county"] or "", level=entry["level"] or "",
            year=str(entry["year"] or ""), score=round(float(score), 4), more_in_notice=more,
            headings_highlight=[_heading_highlight(h, tuple(terms)) for h in headings],
        )


class _FacetCounter:
    """Counts of every facet's values over the matches, each with the other facets' selections applied."""

    def __init__(self, snap, base, selections):
        self.snap, self.base, self.selections = snap, base, selections
        self._docs = {}  # frozenset of applied facets -> docnums
        self._per_notice = {}  # same key -> matches per notice

    def _docs_for(self, name):
        applied = frozenset(n for n in self.selections if n != name)
        if applied not in self._docs:
            docs = self.base
            for other in sorted(applied):
                docs = docs[_selected(self.snap, other, self.selections[other], docs)]
            self._docs[applied] = docs
        return applied, self._docs[applied]

    def counts(self, name):
        snap = self.snap
        applied, docs = self._docs_for(name)
        values = snap.facet_values[name]
        if name in PARAGRAPH_FACETS:
            codes = snap.doc_codes[name][docs]
            return np.bincount(codes[codes >= 0], minlength=len(values))
        if name == "problem_type":
            combos = np.bincount(snap.combo_of[docs], minlength=len(snap.combo_types))
            return (combos @ snap.combo_types)[:len(values)] if values else np.zeros(0, np.int64)
        if applied not in self._per_notice:
            self._per_notice[applied] = np.bincount(snap.notice_of[docs], minlength=len(snap.catalog))
        per_notice = self._per_notice[applied][:len(snap.catalog)]
        codes = snap.notice_codes[name]
        known = codes >= 0
        return np.bincount(codes[known], weights=per_notice[known], minlength=len(values)).astype(np.int64)


def _selected(snap, name, values, docs):
    """Boolean array over `docs`: which have one of the selected values of facet `name`."""
    known = snap.facet_values[name]
    wanted = np.array([known.index(v) for v in values if v in known], dtype=np.int64)
    if name in PARAGRAPH_FACETS:
        return np.isin(snap.doc_codes[name][docs], wanted)
    if name == "problem_type":
        if not len(wanted):
            return np.zeros(len(docs), dtype=bool)
        has = snap.combo_types[:, wanted].any(axis=1)
        return has[snap.combo_of[docs]]
    return np.isin(snap.notice_codes[name][snap.notice_of[docs]], wanted)


def _group(snap, order, start, per_page):
    """Of the docnums in result order, where each notice's best paragraph is on this page, and how many more it has."""
    notices = snap.notice_of[order]
    _, first_index, counts = np.unique(notices, return_index=True, return_counts=True)
    by_position = np.argsort(first_index)[start:start + per_page]
    return first_index[by_position], (counts[by_position] - 1).tolist()


@lru_cache(maxsize=4096)
def _heading_highlight(heading, terms):
    """A heading's highlight, once per query: the hits of one page share a few heading paths."""
    return highlight(heading, terms, field="headings")


def highlight(text, terms, field="text"):
    """HTML of `text` with every match of the terms that search `field` in <mark>; all else escaped."""
    folded = fold(text)
    spans = []
    for term in terms:
        if field in term.fields:
            spans += [m.span() for m in term_pattern(term.text).finditer(folded) if m.end() > m.start()]
    spans.sort()
    merged = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, last = [], 0
    for start, end in merged:
        out.append(html.escape(text[last:start]))
        out.append("<mark>" + html.escape(text[start:end]) + "</mark>")
        last = end
    out.append(html.escape(text[last:]))
    return "".join(out)
