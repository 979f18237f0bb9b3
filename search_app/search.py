"""Searching: a request (query, facet selections, sort, page) in, a `SearchResult` out.

Matching and ranking are split on purpose:

* Which paragraphs match is decided by exact substring search over folded text
  held in memory, so a Chinese string that appears in a paragraph always finds
  it, whatever jieba made of the context (the exact-substring guarantee).
* How they rank is BM25F over the jieba-tokenised Whoosh fields, so whole-word
  matches and matches in titles and headings come first; ties are broken by
  notice and paragraph number, so the order is deterministic.

Facet counts come from per-document numpy arrays: each facet's counts are taken
with every other facet's selection applied but not its own (disjunctive
faceting), so a user can add a second value to a facet without clearing it.

The HTML page, the JSON API and `notice-index search` all call `Engine.search`
and render the same `SearchResult`; the CSV export takes `Engine.all_hits`, the
same matches in the same order without paging.
"""

import html
import json
import os
import re
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer import settings, store
from indexer.analysis import fold, words
from indexer.notice import Notice, Paragraph
from indexer.schema import FACETS, HEADING_SEPARATOR

from .query import parse

SORTS = ("relevance", "newest", "oldest")
SCORED_FIELDS = ("text", "headings", "title")
#: Ranking uses at most this many distinct words of a query (matching uses all of it).
MAX_SCORED_WORDS = 24
#: Words found in more than this share of paragraphs are not used for ranking.
COMMON_WORD_SHARE = 0.25
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
    values: list  # [FacetValue], selected first, then by count


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
    snap: "Snapshot"
    query: object  # query.Query
    base: np.ndarray  # matches the query, before facet selections
    selections: dict  # facet name -> mask of its selected values
    order: np.ndarray  # docnums matching query and selections, in result order
    scores: np.ndarray


class Snapshot:
    """One index generation loaded for searching: Whoosh plus in-memory arrays."""

    def __init__(self, gen):
        self.gen = gen
        self.ix = whoosh_index.open_dir(str(Path(gen) / store.WHOOSH))
        self._searcher = None
        self._whoosh_lock = threading.Lock()
        self.notices = {}
        with open(Path(gen) / store.NOTICES, encoding="utf-8") as lines:
            for line in lines:
                notice = Notice.from_dict(json.loads(line))
                self.notices[notice.id] = notice
        # An updated index keeps deleted documents until a merge: their docnums stay
        # in the arrays (so arrays index by docnum) but never match (`live`).
        with self.ix.reader() as reader:
            column = reader.column_reader("doc_key")
            keys = [None if reader.is_deleted(d) else column[d] for d in range(reader.doc_count_all())]
        self.size = len(keys)
        self.live = np.array([key is not None for key in keys], dtype=bool)
        self.docs = []  # docnum -> (Notice, Paragraph); a blank pair for a deleted document
        for key in keys:
            if key is None:
                self.docs.append(_DELETED)
                continue
            notice_id, n = key.rsplit(":", 1)
            notice = self.notices[notice_id]
            self.docs.append((notice, notice.paragraphs[int(n) - 1]))
        self._build_arrays()

    def _build_arrays(self):
        notice_ids = sorted(self.notices, key=lambda i: (_sort_date(self.notices[i]), i))
        notice_rank = {nid: r for r, nid in enumerate(notice_ids)}
        self.notice_of = np.array([notice_rank.get(n.id, 0) for n, _ in self.docs], dtype=np.int32)
        self.notice_order = notice_ids
        order = sorted(range(self.size), key=lambda d: (self.docs[d][0].id, self.docs[d][1].n))
        self.tiebreak = np.empty(self.size, dtype=np.int64)
        self.tiebreak[order] = np.arange(self.size)
        # Notices are ranked by date already; within a notice, paragraphs stay in reading order.
        self.oldest_first = np.lexsort((self.tiebreak, self.notice_of))
        self.newest_first = np.lexsort((self.tiebreak, -self.notice_of.astype(np.int64)))
        self.fields = {
            "text": _Blob([fold(p.text) for _, p in self.docs]),
            "headings": _Blob([fold(HEADING_SEPARATOR.join(p.headings)) for _, p in self.docs]),
        }
        self.notice_fields = {
            "title": _Blob([fold(self.notices[i].title or "") for i in notice_ids]),
            "issuer": _Blob([fold(self.notices[i].issuer or "") for i in notice_ids]),
        }
        self.facet_values, self.facet_codes = {}, {}
        for name, _, multi in FACETS:
            raw = [_facet_raw(name, notice, paragraph) for notice, paragraph in self.docs]
            if multi:
                values = sorted({v for vs in raw for v in vs})
                index = {v: i for i, v in enumerate(values)}
                codes = np.zeros((self.size, max(1, len(values))), dtype=bool)
                for d, vs in enumerate(raw):
                    for v in vs:
                        codes[d, index[v]] = True
            else:
                values = sorted({v for v in raw if v})
                index = {v: i for i, v in enumerate(values)}
                codes = np.array([index.get(v, -1) for v in raw], dtype=np.int32)
            self.facet_values[name] = values
            self.facet_codes[name] = codes

    def searcher(self):
        """The generation's one Whoosh searcher; hold `_whoosh_lock` while using it.

        One searcher per waitress thread cost about 800 MB each at 10,000 notices,
        and bought no speed: Whoosh scores in pure Python, under the GIL anyway.
        """
        if self._searcher is None:
            self._searcher = self.ix.searcher(weighting=BM25F())
        return self._searcher

    def term_mask(self, term):
        """Documents whose folded fields contain the term (whitespace-insensitive)."""
        pattern = _term_pattern(term.text)
        mask = np.zeros(self.size, dtype=bool)
        for name in term.fields:
            if name in self.fields:
                mask[self.fields[name].matching(pattern)] = True
            else:
                notices = np.zeros(len(self.notice_order), dtype=bool)
                notices[self.notice_fields[name].matching(pattern)] = True
                mask |= notices[self.notice_of]
        return mask

    def scores(self, terms):
        """BM25F scores by docnum for the distinct jieba words of the positive terms.

        Scoring looks at the title and headings too (boosted in the schema), even
        where matching did not, so paragraphs of a notice about the query rank first.
        Each distinct word is scored once, as a plain term: matching has already
        checked phrases exactly, and a repeated or phrase-matched common word made
        Whoosh decode the same postings over and over (200 × 的 took 98 s).
        """
        with self._whoosh_lock:
            return self._scores(self.searcher(), terms)

    def _scores(self, searcher, terms):
        common = COMMON_WORD_SHARE * searcher.doc_count()
        distinct = dict.fromkeys(token for term in terms for token in words(term.text))
        frequency = {token: searcher.doc_frequency("text", token) for token in distinct}
        # A word in a quarter of all paragraphs barely changes BM25 next to rarer words
        # (its idf is near zero) but costs Whoosh a pass over a quarter of the index:
        # rank by the rarer words, or by the rarest alone when all are that common.
        tokens = [t for t in distinct if frequency[t] <= common][:MAX_SCORED_WORDS]
        if not tokens and distinct:
            tokens = [min(distinct, key=frequency.get)]
        scores = np.zeros(self.size, dtype=np.float64)
        if tokens:
            subqueries = [wq.Term(name, token) for token in tokens for name in SCORED_FIELDS]
            results = searcher.search(wq.Or(subqueries), limit=None)
            for docnum, score in results.items():
                scores[docnum] = score
        return scores


_DELETED = (Notice(id="", source=""), Paragraph(n=0, text=""))


class _Blob:
    """Many folded strings joined by NUL, for one regex scan over all of them."""

    def __init__(self, values):
        self.text = "\0".join(values)
        lengths = np.fromiter((len(v) + 1 for v in values), dtype=np.int64, count=len(values))
        self.starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(values) else np.zeros(0, np.int64)

    def matching(self, pattern):
        positions = np.fromiter((m.start() for m in pattern.finditer(self.text)), dtype=np.int64)
        if not len(positions):
            return positions
        return np.unique(np.searchsorted(self.starts, positions, side="right") - 1)


def _term_pattern(text):
    parts = fold(text).split()
    return re.compile(r"\s*".join(re.escape(p) for p in parts))


def _sort_date(notice):
    return notice.published or notice.feedback_date or notice.inspection_end or notice.inspection_start or ""


def _facet_raw(name, notice, paragraph):
    if name == "problem_type":
        return paragraph.problem_types
    if name in ("category", "role"):
        return getattr(paragraph, name) or ""
    if name == "notice":
        return notice.id
    if name in ("province", "city"):
        return getattr(notice.region, name) or ""
    if name == "year":
        return str(notice.year or "")
    return getattr(notice, name) or ""


class Engine:
    """Searches the live index; reopens it when a rebuild switches generations."""

    def __init__(self, index_dir, config=None):
        self.index_dir = Path(index_dir)
        self.config = config or settings.as_dict()
        self._snapshot = None
        self._target = None
        self._lock = threading.Lock()

    def snapshot(self):
        """The loaded live generation, reloaded if `current` now points elsewhere."""
        link = self.index_dir / store.CURRENT
        try:
            target = os.readlink(link)
        except OSError:
            target = None
        if target != self._target or self._snapshot is None:
            with self._lock:
                if target != self._target or self._snapshot is None:
                    gen, marker = store.open_generation(self.index_dir)
                    store.check_files(gen, marker)
                    try:
                        self._snapshot = Snapshot(gen)
                    except Exception as exc:  # whatever a damaged file makes Whoosh or json raise
                        raise store.IndexUnavailable(
                            f"{gen} cannot be read ({type(exc).__name__}: {exc}); "
                            "rebuild it with `notice-index rebuild`.") from exc
                    self._target = target
        return self._snapshot

    def notice(self, notice_id):
        """The parsed notice as a dict (the parser's JSON), or None."""
        # Built on demand: keeping every notice both as objects and as dicts doubled the memory.
        notice = self.snapshot().notices.get(notice_id)
        return notice.to_dict() if notice else None

    def facet_label(self, name, value):
        """How a facet value reads to a person: a notice by its title, a level as 县级."""
        if name == "notice":
            notice = self.snapshot().notices.get(value)
            return display_title(notice) if notice else value
        if name == "level":
            return LEVEL_LABELS.get(value, value)
        return value

    def warm(self):
        """Load the live index and jieba now, so the first search is as fast as the rest."""
        self.snapshot()
        words("预热")

    def search(self, request):
        started = time.perf_counter()
        match = self._match(request)
        snap, query = match.snap, match.query
        facets = [self._facet(snap, name, match.base, match.selections, request.filters.get(name, []))
                  for name, _, _ in FACETS]
        total_notices = len(np.unique(snap.notice_of[match.order]))
        start = (request.page - 1) * request.per_page
        if request.group:
            page_docs, more = _group(snap, match.order, start, request.per_page)
        else:
            page_docs = match.order[start:start + request.per_page]
            more = {}
        hits = [self._hit(snap, d, match.scores[d], query, more.get(int(d), 0)) for d in page_docs]
        return SearchResult(
            request=request, query=query.describe(), notes=query.notes, total=int(len(match.order)),
            total_notices=int(total_notices), hits=hits, facets=facets,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
        )

    def all_hits(self, request):
        """Every matching paragraph in result order, ignoring paging and grouping (the CSV export).

        The request is checked before this returns, so a bad one raises here and
        not halfway through a streamed response.
        """
        match = self._match(request)
        return (self._hit(match.snap, d, match.scores[d], match.query, 0) for d in match.order)

    def _match(self, request):
        """The matching documents of a request in result order, before paging."""
        self._check(request)
        snap = self.snapshot()
        query = parse(request.q)
        if len(query.positive_terms()) + len(query.excluded) > self.config["MAX_QUERY_TERMS"]:
            raise QueryError(f"查询词过多：最多 {self.config['MAX_QUERY_TERMS']} 个词、短语或排除词。")
        masks = {}  # a term repeated in one query is scanned once

        def mask_of(term):
            if term not in masks:
                masks[term] = snap.term_mask(term)
            return masks[term]

        base = snap.live.copy()
        for clause in query.clauses:
            clause_mask = np.zeros(snap.size, dtype=bool)
            for term in clause:
                clause_mask |= mask_of(term)
            base &= clause_mask
        for term in query.excluded:
            base &= ~mask_of(term)
        selections = {name: self._selection_mask(snap, name, values)
                      for name, values in request.filters.items() if values}
        matched = base.copy()
        for mask in selections.values():
            matched &= mask
        docnums = np.flatnonzero(matched)
        by_relevance = request.sort == "relevance" and not query.empty
        # Scores only order results; a date sort does not pay for them.
        scores = snap.scores(query.positive_terms()) if by_relevance else np.zeros(snap.size)
        if by_relevance:
            order = docnums[np.lexsort((snap.tiebreak[docnums], -scores[docnums]))]
        else:
            ranked = snap.oldest_first if request.sort == "oldest" else snap.newest_first
            order = ranked[matched[ranked]]
        return _Match(snap, query, base, selections, order, scores)

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

    def _selection_mask(self, snap, name, values):
        codes, known = snap.facet_codes[name], snap.facet_values[name]
        wanted = [known.index(v) for v in values if v in known]
        if name in MULTI_VALUED:
            return codes[:, wanted].any(axis=1) if wanted else np.zeros(snap.size, dtype=bool)
        return np.isin(codes, wanted)

    def _facet(self, snap, name, base, selections, selected):
        mask = base.copy()
        for other, other_mask in selections.items():
            if other != name:
                mask &= other_mask
        codes, values = snap.facet_codes[name], snap.facet_values[name]
        if name in MULTI_VALUED:
            counts = codes[mask].sum(axis=0) if values else np.zeros(0, dtype=np.int64)
        else:
            picked = codes[mask]
            counts = np.bincount(picked[picked >= 0], minlength=len(values))
        entries = [FacetValue(v, self.facet_label(name, v), int(c), v in selected)
                   for v, c in zip(values, counts) if c or v in selected]
        # Selected values stay visible even at zero so they can be removed.
        entries += [FacetValue(v, self.facet_label(name, v), 0, True)
                    for v in selected if v not in values]
        entries.sort(key=lambda e: (not e.selected, -e.count, _facet_sort_key(name, e.value)))
        return Facet(name, FACET_LABELS[name], entries)

    def _hit(self, snap, docnum, score, query, more):
        notice, paragraph = snap.docs[docnum]
        terms = query.positive_terms()
        return Hit(
            notice_id=notice.id, n=paragraph.n, title=display_title(notice),
            issuer=notice.issuer or "", published=notice.published or "",
            text=paragraph.text, highlight=highlight(paragraph.text, terms),
            headings=list(paragraph.headings), category=paragraph.category or "",
            role=paragraph.role or "", problem_types=list(paragraph.problem_types),
            province=notice.region.province or "", city=notice.region.city or "",
            county=notice.region.county or "", level=notice.level or "",
            year=str(notice.year or ""), score=round(float(score), 4), more_in_notice=more,
            headings_highlight=[highlight(h, terms, field="headings") for h in paragraph.headings],
        )


def display_title(notice):
    """The notice's title, or for a notice printed without one, a title built from its unit.

    `notice` is a Notice or the parser's dict of one.
    """
    get = notice.get if isinstance(notice, dict) else lambda key: getattr(notice, key)
    if get("title"):
        return get("title")
    if get("issuer"):
        return f"{get('issuer')}巡察整改情况（原文无标题）"
    return get("source")


def _facet_sort_key(name, value):
    # Years read best newest first; everything else alphabetically after count.
    return (-int(value),) if name == "year" and value.isdigit() else (value,)


def _group(snap, order, start, per_page):
    """The best paragraph of each notice, in result order, and how many more each has."""
    notices = snap.notice_of[order]
    _, first_index, counts = np.unique(notices, return_index=True, return_counts=True)
    firsts = np.sort(first_index)
    more_by_notice = dict(zip(notices[first_index].tolist(), (counts - 1).tolist()))
    page = order[firsts[start:start + per_page]]
    return page, {int(d): more_by_notice[int(snap.notice_of[d])] for d in page}


def highlight(text, terms, field="text"):
    """HTML of `text` with every match of the terms that search `field` in <mark>; all else escaped."""
    folded = fold(text)
    spans = []
    for term in terms:
        if field in term.fields:
            spans += [m.span() for m in _term_pattern(term.text).finditer(folded) if m.end() > m.start()]
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
