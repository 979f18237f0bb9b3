"""The embedded backend: searches the index folder on this machine, from memory-mapped arrays.

Matching and ranking are split on purpose:

* Which paragraphs match is decided by exact substring search over folded text
  (`matching`), so a Chinese string that appears in a paragraph always finds
  it, whatever jieba made of the context (the exact-substring guarantee).
* How they rank is BM25 over the jieba words Whoosh indexed, with boosts for
  matches in headings and titles (`ranking`); ties are broken by notice and
  paragraph number, so the order is deterministic.

Facet counts are numpy bincounts over per-document codes (`counting`). Only the
first page of hits is sorted and turned into objects. The backend reopens the
index when a rebuild switches generations (the `current` link changes).
"""

import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer import settings, store
from indexer.analysis import words
from indexer.errors import IndexUnavailable, QueryError

from ..backend import Backend
from ..facets import BY_NAME, FACET_LIMIT, FACETS
from ..highlight import heading_spans, spans
from ..query import parse
from ..results import FacetResult, FacetValue, Hit, SearchResult
from . import pagecache
from .counting import FacetCounter
from .matching import term_mask
from .ranking import Ranker, by_rank, top
from .snapshot import Snapshot

SORTS = ("relevance", "newest", "oldest")


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


class EmbeddedBackend(Backend):
    """Searches the live index of an index folder; reopens it when a rebuild switches generations."""

    def __init__(self, index_dir, config=None):
        self.index_dir = Path(index_dir)
        self.config = config or settings.as_dict()
        self._loaded = None  # (Snapshot, Ranker)
        self._target = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config):
        return cls(config["INDEX_DIR"], config)

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
                        raise IndexUnavailable(
                            f"{gen} cannot be read ({type(exc).__name__}: {exc}); "
                            "rebuild it with `notice-index rebuild`.") from exc
                    self._target = target
        return self._loaded

    def snapshot(self):
        return self.loaded()[0]

    def open(self):
        self.loaded()

    def notice(self, notice_id):
        return self.snapshot().notice(notice_id)

    def notices(self):
        return list(self.snapshot().catalog)

    def warm(self):
        """Load the live index and jieba now, and read its arrays, so the first search is as fast as the rest."""
        for seg in self.snapshot().segments:
            pagecache.read_through(seg.folder)
        words("预热")

    def search(self, request):
        started = time.perf_counter()
        match = self._match(request)
        snap, query = match.snap, match.query
        counter = FacetCounter(snap, match.base, match.selections)
        facets = [self._facet(snap, facet, counter.counts(facet.name), request.filters.get(facet.name, []))
                  for facet in FACETS]
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
            docs = docs[snap.facets[name].selected(docs, values)]
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
        unknown = set(request.filters) - set(BY_NAME)
        if unknown:
            raise QueryError(f"未知的筛选项：{'、'.join(sorted(unknown))}。")

    def _label(self, snap, facet, value):
        """How a facet value reads: a notice by its title, every other value as it is."""
        if facet.name == "notice":
            index = snap.by_id.get(value)
            return snap.titles[index] if index is not None else value
        return value

    def _facet(self, snap, facet, counts, selected):
        codes = snap.facets[facet.name]
        values = codes.values
        listed = np.flatnonzero(counts)
        available = len(listed) + sum(1 for v in selected if v not in codes.index or not counts[codes.index[v]])
        if len(listed) > FACET_LIMIT:
            # Only the values shown become objects: a phrase found once in each of
            # hundreds of notices would otherwise build hundreds for the notice facet.
            # Selected values are shown anyway (below), so the top FACET_LIMIT of the others.
            if selected:
                listed = listed[~np.isin(listed, codes.codes(selected))]
            listed = listed[np.lexsort((codes.rank[listed], -counts[listed]))[:FACET_LIMIT]]
        entries = [FacetValue(values[i], self._label(snap, facet, values[i]), int(counts[i]), values[i] in selected)
                   for i in listed.tolist()]
        shown = {e.value for e in entries}
        # Selected values stay visible even at zero so they can be removed.
        entries += [FacetValue(v, self._label(snap, facet, v),
                               int(counts[codes.index[v]]) if v in codes.index else 0, True)
                    for v in selected if v not in shown]
        entries.sort(key=lambda e: (not e.selected, -e.count, facet.sort_key(e.value)))
        chosen = [e for e in entries if e.selected]
        chosen += [e for e in entries if not e.selected][:FACET_LIMIT]
        return FacetResult(facet.name, facet.label, chosen, available)

    def _hit(self, snap, docnum, score, query, more):
        entry, text, headings, category, role, problem_types = snap.paragraph(docnum)
        terms = query.positive_terms()
        return Hit(
            notice_id=entry["id"], n=int(snap.n_of[docnum]), title=snap.titles[int(snap.notice_of[docnum])],
            issuer=entry["issuer"] or "", published=entry["published"] or "",
            text=text, headings=list(headings), category=category, role=role, problem_types=problem_types,
            province=entry["province"] or "", city=entry["city"] or "",
            county=entry["county"] or "", level=entry["level"] or "",
            year=str(entry["year"] or ""), score=round(float(score), 4), more_in_notice=more,
            spans=spans(text, terms), heading_spans=[heading_spans(h, tuple(terms)) for h in headings],
        )


def _group(snap, order, start, per_page):
    """Of the docnums in result order, where each notice's best paragraph is on this page, and how many more it has."""
    notices = snap.notice_of[order]
    _, first_index, counts = np.unique(notices, return_index=True, return_counts=True)
    by_position = np.argsort(first_index)[start:start + per_page]
    return first_index[by_position], (counts[by_position] - 1).tolist()
