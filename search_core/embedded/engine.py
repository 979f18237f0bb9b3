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
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from indexer import settings, store
from indexer.analysis import inner_words, words
from indexer.folding import fold
from indexer.parsing import taxonomy
from indexer.errors import IndexUnavailable, QueryError

from .. import figures
from ..backend import Backend
from ..facets import BY_NAME, FACET_LIMIT, FACETS
from ..highlight import heading_spans, spans
from ..interpret import Concept, interpret
from ..months import month_range
from ..query import WORD_FIELDS, Query, Term, parse
from ..results import (CompareResult, CompareRow, FacetResult, FacetValue, Hit, SearchRequest, SearchResult,
                       StatsResult, Suggestion)
from . import pagecache, statistics
from .counting import DATE_RANGE, FacetCounter, NoticeRuns
from .ranking import COMMON_WORD_SHARE, Ranker, by_rank, top
from .retrieval import MIN_RESULTS, Masks, retrieve
from .similar import Copy, DuplicateReport, MoreLikeThis, ReportLine, SimilarResult, differences, more_like_this
from .similar import report as copy_report
from .similar import similarity as text_similarity
from .snapshot import Snapshot

SORTS = ("relevance", "newest", "oldest")
#: How a comparison may order its notices.
COMPARE_SORTS = ("relevance", "newest", "oldest", "place", "completion")
#: Most notices one comparison shows; each cell shows at most COMPARE_CELL paragraphs.
COMPARE_LIMIT = 50
COMPARE_CELL = 5
#: The columns of a comparison, and the paragraph roles each holds.
COMPARE_GROUPS = ("问题", "整改措施", "整改成效", "其他")
COMPARE_OF_ROLE = {"问题": "问题", "整改措施": "整改措施", "整改成效": "整改成效"}


#: Hits an export reads at a time (`all_hits`).
HIT_BATCH = 1000

#: Most near-copies the side-by-side page compares with a paragraph.
SIMILAR_LIMIT = 100

#: What a page says where the backend holds no near-copy data (雷同).
NO_NEAR_COPIES = "雷同段落检测只在嵌入式后端（NOTICE_SEARCH_BACKEND=embedded）提供，Sphinx 集群不计算它"

#: Ranking weight of a synonym's words, against 1 for the words as typed.
SYNONYM_WEIGHT = 0.6
#: Score factor of a paragraph whose role the query named (整改措施, 存在问题…).
ROLE_BOOST = 2.0
#: Added to an exact match's score, so that every exact match ranks above every partial one.
EXACT_FIRST = 1e6
#: A word of the query found in fewer paragraphs than this is also searched as its parts (`_by_parts`).
FEW_MATCHES = MIN_RESULTS


@dataclass
class _Match:
    request: SearchRequest  # as asked, less the facet values the index does not have
    snap: Snapshot
    plan: object  # interpret.Plan
    masks: Masks  # the query's match masks, kept for the suggestions
    retrieved: object  # retrieval.Retrieved: the matches before facet selections, and what covers too little
    selections: dict  # facet name -> selected values
    docs: np.ndarray  # docnums matching query and selections, ascending
    exact: np.ndarray  # bool, aligned with docs: an exact match (every clause as typed)
    scores: np.ndarray  # the score of each of `docs`, exact matches first; zeros when the order is by date
    by_relevance: bool

    @property
    def rank(self):
        """With a date sort: the rank array to order by (made on first use, `Snapshot.oldest_rank`)."""
        return self.snap.oldest_rank if self.request.sort == "oldest" else self.snap.newest_rank

    def ordered(self, limit=None):
        """Indexes into `docs` (and `scores`) of the first `limit` matches (all for None), in result order."""
        if self.by_relevance:
            return top(self.snap, self.docs, self.scores, limit)
        # By date, exact matches still come first.
        keys = self.rank[self.docs] + np.where(self.exact, 0, len(self.rank))
        return by_rank(np.arange(len(self.docs)), keys, limit)

    def highlighted(self):
        """The terms whose matches a hit marks: as typed, their concepts and the synonyms searched; the figures a
        how-many question asks for."""
        terms = list(self.plan.literal_terms())
        for clause in self.plan.clauses:
            for concept in (c for concepts in clause.concepts for c in concepts):
                terms += [Term(text, WORD_FIELDS) for text in (concept.text, *concept.alternatives)]
            terms += [Term(part.text, WORD_FIELDS) for parts in clause.parts.values() for part in parts]
        if self.plan.figures:
            terms.append(figures.MARK)
        return list(dict.fromkeys(terms))


class EmbeddedBackend(Backend):
    """Searches the live index of an index folder; reopens it when a rebuild switches generations."""

    def __init__(self, index_dir, config=None):
        self.index_dir = Path(index_dir)
        self.config = config or settings.as_dict()
        self._loaded = None  # (Snapshot, Ranker, generation path, marker)
        self._target = None
        self._damaged = {}  # generation path -> why it is refused, found after it was opened
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config):
        return cls(config["INDEX_DIR"], config)

    def loaded(self):
        """(Snapshot, Ranker) of the live generation, reloaded if `current` now points elsewhere.

        Every call checks that no file of the generation changed size (a
        truncated array under a memory map would crash the process on its next
        read) and that the background check of its contents found nothing.
        """
        link = self.index_dir / store.CURRENT
        try:
            target = os.readlink(link)
        except OSError:
            target = None
        if target != self._target or self._loaded is None:
            with self._lock:
                if target != self._target or self._loaded is None:
                    self._loaded = self._open()
                    self._target = target
        snap, ranker, gen, marker = self._loaded
        if gen in self._damaged:
            raise IndexUnavailable(self._damaged[gen])
        store.check_sizes(gen, marker)
        return snap, ranker

    def _open(self):
        gen, marker = store.open_generation(self.index_dir)
        store.check_sizes(gen, marker)
        # Whoosh unpickles its TOC and segment records when opened: those are read after their hash is.
        store.check_hashes(gen, marker, where=lambda relative: relative.startswith(store.WHOOSH + "/"))
        try:
            snap = Snapshot(gen)
            loaded = (snap, Ranker(snap), gen, marker)
        except Exception as exc:  # whatever a damaged file makes Whoosh, numpy or json raise
            raise IndexUnavailable(f"{gen} cannot be read ({type(exc).__name__}: {exc}); "
                                   "rebuild it with `notice-index rebuild`.") from exc
        threading.Thread(target=self._check_contents, args=(gen, marker), name="index check", daemon=True).start()
        return loaded

    def _check_contents(self, gen, marker):
        """Hash every other file of a newly opened generation; a difference makes every later search a 503."""
        try:
            # One file at a time: with four, the warm-up beside it took 11.8 s instead of 9.4 at 100,000 notices.
            store.check_hashes(gen, marker, where=lambda relative: not relative.startswith(store.WHOOSH + "/"),
                               threads=1)
        except IndexUnavailable as exc:
            self._damaged[gen] = str(exc)

    def snapshot(self):
        return self.loaded()[0]

    def describe(self):
        """What the live index is: {"generated": True} when its notices were made by the corpus generator."""
        with self._lock:
            loaded = self._loaded
        return {"generated": bool(loaded and loaded[3].get("generated"))}

    def verified(self):
        """Wait until the background check of the live generation's files is done; raise IndexUnavailable if it failed."""
        for thread in threading.enumerate():
            if thread.name == "index check":
                thread.join()
        self.loaded()

    def open(self):
        self.loaded()

    def notice(self, notice_id):
        return self.snapshot().notice(notice_id)

    def notices(self):
        return list(self.snapshot().catalog)

    def suggest(self, prefix, limit=10):
        return self.snapshot().lexicon.get().complete(prefix, limit)

    def warm(self):
        """Load the live index, jieba and the lexicon now, and read the arrays, so the first search is as fast as the rest."""
        snap = self.snapshot()
        for seg in snap.segments:
            pagecache.read_through(seg.folder)
        words("预热")
        snap.lexicon.get()

    def search(self, request):
        started = time.perf_counter()
        match = self._match(request)
        request = match.request
        snap, plan = match.snap, match.plan
        counter = FacetCounter(snap, match.retrieved.docs, match.selections)
        facets = [self._facet(snap, facet, *counter.counts(facet.name), request.filters.get(facet.name, []),
                              request.find.get(facet.name, ""))
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
        terms = match.highlighted()
        snap.prefetch(match.docs[page])
        hits = [_snippet(self._hit(snap, match.docs[i], match.scores[i], bool(match.exact[i]), terms, m))
                for i, m in zip(page.tolist(), more)]
        room = min(request.per_page, MIN_RESULTS) - len(match.docs)
        if request.page == 1 and not request.group and room > 0 and not plan.empty and match.by_relevance:
            for docnum in _related(snap, self.loaded()[1], match, match.retrieved, room):
                hit = _snippet(self._hit(snap, docnum, 0.0, False, terms, 0))
                hit.match = "related"
                hits.append(hit)
        exact = int(match.exact.sum())
        suggestions = _suggestions(snap, plan, match.masks, request.q, exact)
        if not len(match.docs) and match.selections and len(match.retrieved.docs):
            suggestions.append(Suggestion("unfiltered", request.q, "", int(len(match.retrieved.docs))))
        return SearchResult(
            request=request, query=plan.describe(), notes=plan.notes, total=int(len(match.docs)),
            total_notices=int(notices.sum()), hits=hits, facets=facets,
            took_ms=round((time.perf_counter() - started) * 1000, 1),
            exact=exact, partial=int(len(match.docs)) - exact, expansions=plan.expansions(),
            roles=list(plan.roles), role_words=list(plan.role_words), suggestions=suggestions,
            date_span=_date_span(snap),
        )

    def stats(self, request):
        started = time.perf_counter()
        match = self._match(replace(request, sort="newest"))  # counts need no ranking
        notices = len(np.unique(match.snap.notice_of[match.docs])) if len(match.docs) else 0
        return StatsResult(match.request, match.plan.describe(), int(len(match.docs)), notices,
                           statistics.tables(match.snap, match.docs), round((time.perf_counter() - started) * 1000, 1))

    def compare(self, request, chosen=(), sort="relevance", limit=COMPARE_LIMIT):
        started = time.perf_counter()
        if sort not in COMPARE_SORTS:
            raise QueryError(f"对比的排序方式“{sort}”无效，可用：{'、'.join(COMPARE_SORTS)}。")
        match = self._match(request)
        snap, docs = match.snap, match.docs
        runs = NoticeRuns(snap.notice_of[docs])
        owner_of = runs.owner_of_documents()
        ranked = runs.owners[_by_best_paragraph(match, runs, owner_of)].tolist()
        if chosen:
            wanted = {snap.by_id[i] for i in chosen if i in snap.by_id}
            ranked = [i for i in ranked if i in wanted]
        ranked = _compare_order(snap, ranked, sort)[:limit]
        # The documents of each notice, grouped: those of owner j are grouped[bounds[j]:bounds[j + 1]].
        grouped = np.argsort(owner_of, kind="stable")  # one sorted run, unless a notice's documents are split
        bounds = np.searchsorted(owner_of[grouped], np.arange(len(runs.owners) + 1))
        terms = match.highlighted()
        rows = []
        for index in ranked:
            j = int(np.searchsorted(runs.owners, index))
            own = grouped[bounds[j]:bounds[j + 1]]
            own = own[np.argsort(snap.n_of[docs[own]], kind="stable")]  # in the notice's order
            cells, more = {group: [] for group in COMPARE_GROUPS}, {group: 0 for group in COMPARE_GROUPS}
            for i in own.tolist():
                roles = snap.facets["role"].value(docs[i])  # a hit's role, read before the hit is made
                group = COMPARE_OF_ROLE.get(roles[0] if roles else "", "其他")
                if len(cells[group]) < COMPARE_CELL:  # only the hits shown are made (read, marked)
                    cells[group].append(_snippet(self._hit(snap, docs[i], match.scores[i], bool(match.exact[i]),
                                                           terms, 0)))
                else:
                    more[group] += 1
            entry = snap.catalog[index]
            rows.append(CompareRow(entry, snap.titles[index], cells, more, len(own), _completion(entry)))
        return CompareResult(match.request, rows, len(runs.owners), sort, list(chosen),
                             round((time.perf_counter() - started) * 1000, 1))

    def all_hits(self, request, highlight=True):
        match = self._match(request)
        terms = match.highlighted() if highlight else []
        order = match.ordered()
        more = np.zeros(len(order), dtype=np.int64)
        if request.group:  # each notice's best paragraph, with how many more of it match
            notices = match.snap.notice_of[match.docs[order]]
            _, first, counts = np.unique(notices, return_index=True, return_counts=True)
            by_position = np.argsort(first)  # the notices in the order of their best paragraph
            order, more = order[first[by_position]], (counts - 1)[by_position]
        snap = match.snap

        def hits():  # read in batches, each fetched at once where paragraphs live elsewhere (`Snapshot.prefetch`)
            for start in range(0, len(order), HIT_BATCH):
                chunk, counts = order[start:start + HIT_BATCH], more[start:start + HIT_BATCH]
                snap.prefetch(match.docs[chunk])
                for i, m in zip(chunk.tolist(), counts.tolist()):
                    hit = self._hit(snap, match.docs[i], match.scores[i], bool(match.exact[i]), terms, int(m))
                    yield _snippet(hit) if highlight else hit

        return hits()

    def _docnum(self, snap, notice_id, n):
        """The live document of paragraph `n` of a notice, or None."""
        index = snap.by_id.get(notice_id)
        if index is None:
            return None
        found = np.flatnonzero((snap.notice_of == index) & (snap.n_of == n) & snap.live)
        return int(found[0]) if len(found) else None

    def similar(self, notice_id, n, limit=SIMILAR_LIMIT):
        started = time.perf_counter()
        snap = self.snapshot()
        docnum = self._docnum(snap, notice_id, n)
        if docnum is None:
            return None
        base = self._hit(snap, docnum, 0.0, True, [], 0)
        copies = snap.similar.copies(docnum)
        # The earliest listed first when there are too many to compare; then by how alike they are.
        copies = copies[np.argsort(snap.oldest_rank[copies], kind="stable")]
        rows = []
        for other in copies[:limit].tolist():
            hit = self._hit(snap, other, 0.0, True, [], 0)
            mine, theirs = differences(base.text, hit.text)
            rows.append(Copy(hit, text_similarity(base.text, hit.text), mine, theirs))
        rows.sort(key=lambda c: (-c.similarity, snap.date_rank[snap.by_id[c.hit.notice_id]], c.hit.notice_id, c.hit.n))
        notices = len(set(snap.notice_of[copies].tolist()))
        return SimilarResult(base, rows, notices, max(0, len(copies) - limit), snap.similar.similarity,
                             bool(snap.similar.boilerplate[docnum]), round((time.perf_counter() - started) * 1000, 1))

    def notice_copies(self, notice_id):
        snap = self.snapshot()
        index = snap.by_id.get(notice_id)
        if index is None:
            return {}
        docs = np.flatnonzero((snap.notice_of == index) & snap.live & (snap.similar.others > 0))
        return dict(zip(snap.n_of[docs].tolist(), snap.similar.others[docs].tolist()))

    def more_like_this(self, notice_id, n, limit=10):
        started = time.perf_counter()
        snap, ranker = self.loaded()
        docnum = self._docnum(snap, notice_id, n)
        if docnum is None:
            return None
        found, weighted = more_like_this(snap, ranker, docnum, limit)
        terms = [Term(w, WORD_FIELDS) for w in weighted]
        hits = [_snippet(self._hit(snap, d, 0.0, True, terms, 0)) for d in found.tolist()]
        return MoreLikeThis(self._hit(snap, docnum, 0.0, True, terms, 0), list(weighted), hits,
                            round((time.perf_counter() - started) * 1000, 1))

    def duplicate_report(self, limit=100):
        started = time.perf_counter()
        snap = self.snapshot()
        rows = copy_report(snap)
        lines = [ReportLine(snap.catalog[r.index], snap.titles[r.index], r.measures, r.copied, r.share,
                            snap.catalog[r.source] if r.source >= 0 else None,
                            snap.titles[r.source] if r.source >= 0 else "", r.from_source)
                 for r in rows[:limit]]
        return DuplicateReport(lines, len(rows), sum(1 for r in rows if r.copied), snap.similar.similarity,
                               round((time.perf_counter() - started) * 1000, 1))

    def _match(self, request):
        """The matching documents of a request, before ordering and paging."""
        self._check(request)
        snap, ranker = self.loaded()
        request, unknown = _known_filters(snap, request)
        dropped = []
        if request.filters.get("duplicate") and not snap.similar.available:
            request = replace(request, filters={k: v for k, v in request.filters.items() if k != "duplicate"})
            dropped.append(f"{NO_NEAR_COPIES}：筛选“雷同”已忽略。")
        query = parse(request.q)
        if len(query.positive_terms()) + len(query.excluded) > self.config["MAX_QUERY_TERMS"]:
            raise QueryError(f"查询词过多：最多 {self.config['MAX_QUERY_TERMS']} 个词、短语或排除词。")
        plan = interpret(query, use_synonyms=request.synonyms)
        plan.notes += [f"筛选值“{value}”（{BY_NAME[name].label}）不在索引中，已忽略。"
                       for name, values in unknown.items() for value in values] + dropped
        memo = {}  # heading matches, found once for matching and ranking
        masks = self._masks(snap, memo)
        _stand_in(plan, masks, snap.lexicon.get())
        if request.synonyms:
            _by_parts(plan, masks, snap)
        retrieved = retrieve(snap, plan, masks)
        selections = {name: values for name, values in request.filters.items() if values}
        if request.date_from or request.date_to:
            selections[DATE_RANGE] = month_range(request.date_from, request.date_to)
        keep = np.ones(len(retrieved.docs), dtype=bool)
        for name, values in selections.items():
            keep[keep] = snap.facets[name].selected(retrieved.docs[keep], values)
        docs, exact, coverage = retrieved.docs[keep], retrieved.exact[keep], retrieved.coverage[keep]
        by_relevance = request.sort == "relevance" and not plan.empty
        # Scores only order results; a date sort does not pay for them.
        if by_relevance:
            scores = ranker.scores(_weighted_words(plan), docs, memo).astype(np.float64)
            scores *= np.where(exact, 1.0, coverage / max(1, retrieved.clauses))
            if plan.roles:  # any of a paragraph's roles: one stating a problem and its measures is both
                scores[snap.facets["role"].selected(docs, plan.roles)] *= ROLE_BOOST
            if plan.figures:
                _prefer_figures(snap, plan.figures[1], docs, scores, exact)
            scores[exact] += EXACT_FIRST
        else:
            scores = np.zeros(len(docs), np.float64)
        return _Match(request, snap, plan, masks, retrieved, selections, docs, exact, scores, by_relevance)

    def _masks(self, snap, memo):
        """Where each string of a query matches (`retrieval.Masks`), found once per query."""
        return Masks(snap, memo)

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
        month_range(request.date_from, request.date_to)

    def _label(self, snap, facet, value):
        """How a facet value reads: a notice by its title, every other value as it is."""
        if facet.name == "notice":
            index = snap.by_id.get(value)
            return snap.titles[index] if index is not None else value
        return value

    def _facet(self, snap, facet, counts, notice_counts, selected, find=""):
        codes = snap.facets[facet.name]
        values = codes.values
        listed = np.flatnonzero(counts)
        if find:  # only the values whose label holds the text: how a long list is searched
            wanted = fold(find)
            listed = listed[[wanted in fold(self._label(snap, facet, values[i])) or wanted in fold(values[i])
                             for i in listed.tolist()]] if len(listed) else listed
        available = len(listed) + sum(1 for v in selected if v not in codes.index or not counts[codes.index[v]])
        if len(listed) > FACET_LIMIT:
            # Only the values shown become objects: a phrase found once in each of
            # hundreds of notices would otherwise build hundreds for the notice facet.
            # Selected values are shown anyway (below), so the top FACET_LIMIT of the others.
            if selected:
                listed = listed[~np.isin(listed, codes.codes(selected))]
            listed = listed[np.lexsort((codes.rank[listed], -counts[listed]))[:FACET_LIMIT]]
        entries = [FacetValue(values[i], self._label(snap, facet, values[i]), int(counts[i]), values[i] in selected,
                              int(notice_counts[i]))
                   for i in listed.tolist()]
        shown = {e.value for e in entries}
        # Selected values stay visible even at zero so they can be removed.
        entries += [FacetValue(v, self._label(snap, facet, v), int(counts[codes.index[v]]) if v in codes.index else 0,
                               True, int(notice_counts[codes.index[v]]) if v in codes.index else 0)
                    for v in selected if v not in shown]
        if facet.by_count:
            entries.sort(key=lambda e: (not e.selected, -e.count, facet.sort_key(e.value)))
        else:  # years newest first, levels from the top: a selected value stays in its place
            entries.sort(key=lambda e: facet.sort_key(e.value))
        chosen = [e for e in entries if e.selected]
        chosen += [e for e in entries if not e.selected][:FACET_LIMIT]
        if not facet.by_count:
            chosen.sort(key=lambda e: facet.sort_key(e.value))
        return FacetResult(facet.name, facet.label, chosen, available)

    def _hit(self, snap, docnum, score, exact, terms, more):
        entry, text, headings, category, roles, problem_types = snap.paragraph(docnum)
        return Hit(
            notice_id=entry["id"], n=int(snap.n_of[docnum]), title=snap.titles[int(snap.notice_of[docnum])],
            issuer=entry["issuer"] or "", published=entry["published"] or "",
            text=text, headings=list(headings), category=category, role=roles[0] if roles else "",
            problem_types=problem_types,
            province=entry["province"] or "", city=entry["city"] or "",
            county=entry["county"] or "", level=entry["level"] or "",
            year=str(entry["year"] or ""), score=round(float(score % EXACT_FIRST if exact else score), 4),
            more_in_notice=more, match="exact" if exact else "partial",
            spans=spans(text, terms) if terms else [],
            heading_spans=[heading_spans(h, tuple(terms)) for h in headings] if terms else [[] for _ in headings],
            roles=roles, date=entry.get("date") or "", date_kind=entry.get("date_kind") or "",
            inspector=entry.get("inspector") or "",
            completion=completion_figures(entry), similar=snap.similar.others_of(docnum),
        )


def completion_figures(entry):
    """The completion figures a notice states, from its catalog entry: {figure: number}, stated ones only."""
    return {k: v for k, v in (entry.get("stats") or {}).items() if v is not None}


def _weighted_words(plan):
    """{jieba word: ranking weight} of a plan: the words as typed and of their concepts at 1, of synonyms less."""
    weighted = {}
    for clause in plan.clauses:
        typed = [term.text for term in clause.terms]
        typed += [c.text for concepts in clause.concepts for c in concepts]
        for word in (w for text in typed for w in words(text)):
            weighted[word] = 1.0
        for concept in (c for concepts in clause.concepts for c in concepts):
            for word in (w for text in concept.alternatives for w in words(text)):
                weighted.setdefault(word, SYNONYM_WEIGHT)
        for word in (w for parts in clause.parts.values() for part in parts for w in words(part.text)):
            weighted.setdefault(word, SYNONYM_WEIGHT)
    return weighted


def _prefer_figures(snap, counted, docs, scores, exact):
    """Raise, in place, the scores of the best matches whose text states a figure (`figures.boost`)."""
    pool = top(snap, docs, scores + np.where(exact, EXACT_FIRST, 0.0), figures.POOL)
    snap.prefetch(docs[pool])
    for i in pool.tolist():
        scores[i] *= figures.boost(fold(snap.paragraph(docs[i])[1]), counted)


def _stand_in(plan, masks, lexicon):
    """Give what no paragraph holds something that stands in for it, in place.

    A word typed with a wrong character (末尾表态, 差吕费, 一岗双则) is searched
    as the index's word that sounds or looks like it, and said so in a note;
    a word the notices never use whole (虚报冒领) is searched as the dictionary
    words inside it (虚报, 冒领), each covering its share of the clause.
    """
    for clause in plan.clauses:
        if clause.strict and not masks.any(clause.terms):
            quoted = "、".join(f"“{t.text}”" for t in clause.terms)
            plan.notes.append(f"正文中没有{quoted}：已列出标题中有它的段落，再列出含其中词语的段落。")
        read = clause.fallback if clause.strict else clause.concepts
        for i, (term, concepts) in enumerate(zip(clause.terms, read)):
            if masks.term(term).any():
                continue
            typed = fold(term.text)
            correction = _correction(typed, masks, lexicon)
            if correction:
                read[i] = [Concept(typed, (correction,))]
                plan.notes.append(f"通报中没有“{term.text}”，已同时检索“{correction}”。")
                continue
            replaced = []
            for concept in concepts:
                if masks.concept(concept).any():
                    replaced.append(concept)
                    continue
                correction = _correction(concept.text, masks, lexicon)
                if correction:
                    replaced.append(Concept(concept.text, (*concept.alternatives, correction)))
                    plan.notes.append(f"通报中没有“{concept.text}”，已同时检索“{correction}”。")
                    continue
                parts = [w for w in inner_words(concept.text) if masks.concept(Concept(w)).any()]
                replaced += [Concept(w) for w in parts] or [concept]
            read[i] = list(dict.fromkeys(replaced))


def _by_parts(plan, masks, snap):
    """Also read, in place, a word too few paragraphs hold as its parts (整改台账: 台账; 长效机制: 长效 and 机制).

    People name a thing by a compound the notices write otherwise (总台账 for
    整改台账). A concept found in fewer paragraphs than a first page holds
    (`FEW_MATCHES`) is split into the dictionary words that tile it, less
    those found nearly everywhere (整改 stands for nothing); a paragraph
    holding all of them covers part of that word (`retrieval.PARTS_COVERAGE`),
    less than one holding the word or a synonym.
    """
    common = COMMON_WORD_SHARE * snap.live_count
    for clause in plan.clauses:
        if clause.strict:
            continue
        # Only a word typed alone: in a longer term (固定资产没入账) the other words already make partial matches.
        for concept in dict.fromkeys(concepts[0] for concepts in clause.concepts if len(concepts) == 1):
            held_whole = np.count_nonzero(masks.concept(concept)) if len(concept.text) >= 3 else FEW_MATCHES
            if held_whole >= FEW_MATCHES:
                continue
            parts = [p for p in _tiling(concept.text) if np.count_nonzero(masks.concept(Concept(p))) <= common]
            if not parts:
                continue
            clause.parts[concept] = [Concept(p) for p in parts]
            together = masks.parts(clause.parts[concept]) & ~masks.concept(concept)
            for term in plan.excluded:
                together &= ~masks.term(term)
            if together.any():
                held = "”“".join(parts)
                plan.notes.append(f"“{concept.text}”只见于 {held_whole} 段："
                                  f"也列出含“{held}”的段落。")


def _tiling(word):
    """The longest dictionary words inside `word` that do not overlap, in their order (整改领导小组: 整改, 领导小组)."""
    taken, spans = [False] * len(word), []
    for inner in inner_words(word):
        start = word.find(inner)
        while start >= 0:
            if not any(taken[start:start + len(inner)]):
                taken[start:start + len(inner)] = [True] * len(inner)
                spans.append((start, inner))
            start = word.find(inner, start + 1)
    return [inner for _, inner in sorted(spans) if inner != word]


def _completion(entry):
    """The notice's completion rate as a share: as stated, else problems done / fed back; None if neither."""
    stats = entry.get("stats") or {}
    if stats.get("rate") is not None:
        return round(stats["rate"] / 100, 4)
    problems, done = stats.get("problems"), stats.get("problems_done")
    return round(done / problems, 4) if problems and done is not None else None


def _compare_order(snap, ranked, sort):
    """Catalog indexes of the notices to compare, in the order the comparison asks for."""
    if sort == "relevance":
        return ranked
    if sort in ("newest", "oldest"):
        return sorted(ranked, key=lambda i: int(snap.date_rank[i]), reverse=sort == "newest")
    if sort == "place":
        return sorted(ranked, key=lambda i: tuple(snap.catalog[i].get(k) or "\uffff"
                                                  for k in ("province", "city", "county")))
    rate = {i: _completion(snap.catalog[i]) for i in ranked}
    return sorted(ranked, key=lambda i: (rate[i] is None, -(rate[i] or 0)))


def _by_best_paragraph(match, runs, owner_of):
    """Indexes into `runs.owners` (the matching notices) in the order their best paragraphs have in the results.

    A notice's best paragraph is its first in `_Match.ordered`: the least key, then the least tie-break. Found
    per notice in one pass over the matches, not by ordering them all (1.3 M of them at 100,000 notices for a
    broad word).
    """
    snap, docs = match.snap, match.docs
    if match.by_relevance:
        key = -match.scores
    else:  # as `_Match.ordered` orders by date: exact matches first
        key = match.rank[docs] + np.where(match.exact, 0, len(match.rank))
    tiebreak = snap.tiebreak[docs]
    best = runs.reduce(np.minimum, key)
    tied = np.flatnonzero(key == best[owner_of])
    tied = tied[np.argsort(tiebreak[tied], kind="stable")]
    _, first = np.unique(owner_of[tied], return_index=True)  # every notice has one: its least tie-break
    return np.lexsort((tiebreak[tied[first]], best))


def _related(snap, ranker, match, retrieved, room):
    """Up to `room` paragraphs to read after a short result: first the best of those that cover too little of
    the query to count as matches, then paragraphs of the problem type its words signal, best first.

    档案 held by three paragraphs leaves room for the paragraphs tagged 保密与档案公文
    that say 印章 or 会议记录. They are never counted as results, only shown
    after them on the first page; facet selections hold for them too.
    """
    plan, memo = match.plan, match.masks.memo
    found = []
    below = _selected(snap, match.selections, retrieved.below)
    if len(below):
        scores = ranker.scores(_weighted_words(plan), below, memo)
        found += below[top(snap, below, scores, room)].tolist()
    signals = taxonomy.get().types
    words = [c.text for clause in plan.clauses for concepts in clause.concepts for c in concepts]
    words += [a for clause in plan.clauses for concepts in clause.concepts for c in concepts for a in c.alternatives]
    types = [t for t, signal in signals.items() if any(w in signal for w in words)]
    if types and len(found) < room:
        listed = np.zeros(snap.size, dtype=bool)
        listed[retrieved.docs] = True
        listed[found] = True
        candidates = np.flatnonzero(retrieved.eligible & ~listed)
        candidates = _selected(snap, match.selections, candidates)
        candidates = candidates[snap.facets["problem_type"].selected(candidates, types)]
        if len(candidates):
            scores = ranker.scores({w: 1.0 for t in types for w in signals[t]}, candidates, memo)
            found += candidates[top(snap, candidates, scores, room - len(found))].tolist()
    return found


def _date_span(snap):
    """("YYYY-MM", "YYYY-MM"): the first and last month any notice of the index is listed in; ("", "") if none."""
    span = snap.facets[DATE_RANGE].span
    return tuple(f"{m // 12}-{m % 12 + 1:02d}" for m in span) if span else ("", "")


def _selected(snap, selections, docs):
    for name, values in selections.items():
        docs = docs[snap.facets[name].selected(docs, values)]
    return docs


def _correction(word, masks, lexicon):
    """The index's word that stands in for `word` (a homophone, or one character off), or None."""
    return next((w for w in lexicon.corrections(word) if masks.concept(Concept(w)).any()), None)


#: Longest text a hit shows; a longer paragraph shows this much around its first match.
HIT_CHARS = 1000


def _snippet(hit):
    """The hit with its text cut to HIT_CHARS around the first match, when longer (a notice printed on one line)."""
    if len(hit.text) <= HIT_CHARS:
        return hit
    first = hit.spans[0][0] if hit.spans else 0
    start = max(0, min(first - HIT_CHARS // 5, len(hit.text) - HIT_CHARS))
    end = start + HIT_CHARS
    hit.spans = [(a - start, b - start) for a, b in hit.spans if a >= start and b <= end]
    hit.text, hit.truncated = hit.text[start:end], (start > 0, end < len(hit.text))
    return hit


#: Most suggestions of each kind a result offers.
SUGGESTIONS = 3


def _suggestions(snap, plan, masks, q, exact):
    """Ways out of a dead end: a word of the index for a word none holds, the phrase without quotes, a word less."""
    found = []
    for clause in plan.clauses:
        if masks.any(clause.terms) or len(clause.terms) != 1:
            continue
        (term,) = clause.terms
        if clause.strict and term.phrase:
            count = masks.count([Term(term.text, WORD_FIELDS)])
            if count:
                found.append(Suggestion("unquote", _replaced(q, f'"{term.text}"', term.text), term.text, count))
        elif not clause.strict:
            for word in snap.lexicon.get().corrections(term.text)[:SUGGESTIONS]:
                count = masks.count([Term(word, WORD_FIELDS)])
                if count:
                    found.append(Suggestion("spelling", _replaced(q, term.text, word), word, count))
    if not exact and len(plan.clauses) > 1:
        drops = []
        for i, clause in enumerate(plan.clauses):
            rest = [c for j, c in enumerate(plan.clauses) if j != i]
            count = masks.count_all([c.terms for c in rest])
            if count:
                word = " OR ".join(t.text for t in clause.terms)
                drops.append(Suggestion("drop", Query([c.terms for c in rest], plan.excluded).describe(), word, count))
        found += sorted(drops, key=lambda s: -s.count)[:SUGGESTIONS]
    return found


def _replaced(q, old, new):
    """The query text with one occurrence of `old` replaced (as typed, else folded)."""
    return q.replace(old, new, 1) if old in q else fold(q).replace(fold(old), new, 1)


def _known_filters(snap, request):
    """The request without facet values the index does not hold, and those values ({facet: [values]}).

    A made-up value selects nothing, and every link of the answer would repeat it.
    """
    known, unknown = {}, {}
    for name, values in request.filters.items():
        index = snap.facets[name].index
        known[name] = [v for v in values if v in index]
        unknown[name] = [v for v in values if v not in index]
    return (replace(request, filters={k: v for k, v in known.items() if v}),
            {k: v for k, v in unknown.items() if v})


def _group(snap, order, start, per_page):
    """Of the docnums in result order, where each notice's best paragraph is on this page, and how many more it has."""
    notices = snap.notice_of[order]
    _, first_index, counts = np.unique(notices, return_index=True, return_counts=True)
    by_position = np.argsort(first_index)[start:start + per_page]
    return first_index[by_position], (counts[by_position] - 1).tolist()
