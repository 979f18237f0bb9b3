"""Near-duplicate paragraphs (雷同) and more-like-this, as a search reads them.

`indexer.duplicates` writes, per generation, the clusters of near-duplicate
paragraphs, naming paragraphs by (notice id, number). Loading turns them into
per-document arrays of this snapshot: each document's cluster and how many
other notices that cluster reaches (`others`, 0 for boilerplate and for
paragraphs copied from nowhere else), which the 雷同 facet counts like any
other per-document code.

More like this ranks paragraphs by BM25 over the paragraph's most distinctive
words (highest idf × frequency), from the same arrays a search ranks with.
"""

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from indexer import duplicates
from indexer.analysis import words
from indexer.errors import ArraysError
from indexer.folding import fold

from .ranking import B, COMMON_WORD_SHARE, K1, top

#: The one value of the 雷同 facet.
VALUE = "有雷同"
#: Distinctive words more-like-this ranks by.
MLT_WORDS = 12
#: More-like-this ranks this many times the paragraphs it shows, to leave near-copies out.
MLT_POOL = 4
#: Words shorter than this say little about what a paragraph is about (的, 和, 一是…).
MLT_MIN_WORD = 2
#: Measures a notice must have for the report to rank it.
REPORT_MIN_MEASURES = 3
MEASURE = "整改措施"


class Similar:
    """A snapshot's near-duplicate clusters, as per-document arrays (docnums of the snapshot)."""

    available = True

    def __init__(self, snap):
        folder = Path(snap.gen) / duplicates.FOLDER
        if not (folder / duplicates.DONE).is_file():
            raise ArraysError(f"{folder} is missing or incomplete")
        meta = json.loads((folder / duplicates.META).read_text(encoding="utf-8"))
        load = {name: np.load(folder / f"{name}.npy", allow_pickle=False)
                for name in ("para_notice", "para_n", "para_cluster", "pair_a", "pair_b", "pair_score")}
        self.similarity = meta["similarity"]
        boilerplate = np.zeros(int(load["para_cluster"].max(initial=-1)) + 1, dtype=bool)
        boilerplate[meta["boilerplate"]] = True
        self.boilerplate_clusters = int(boilerplate.sum())
        # Each paragraph of the table -> its docnum in this snapshot (-1 if it is not a live one).
        catalog = np.array([snap.by_id.get(i, -1) for i in meta["notices"]] + [-1], dtype=np.int64)
        para_index = catalog[load["para_notice"]]
        live = np.flatnonzero(snap.live)
        runs = _notice_runs(snap, live)
        para_doc, found = (_docs_by_runs if runs is not None else _docs_by_sorting)(
            snap, live, runs, para_index, load["para_n"])
        cluster = np.where(found, load["para_cluster"], -1)
        size = len(boilerplate)
        self.cluster = np.full(snap.size, -1, dtype=np.int32)
        self.cluster[para_doc[found]] = cluster[found]
        self.boilerplate = np.zeros(snap.size, dtype=bool)
        inside = self.cluster >= 0
        self.boilerplate[inside] = boilerplate[self.cluster[inside]]
        # Members of each cluster, as docnums (CSR), for the side-by-side page.
        docs = np.flatnonzero(inside & ~self.boilerplate)
        by_cluster = docs[np.argsort(self.cluster[docs], kind="stable")]
        self.members = by_cluster
        self.member_starts = np.searchsorted(self.cluster[by_cluster], np.arange(size + 1)).astype(np.int64)
        # Notices each cluster reaches; a paragraph's others are the rest.
        member_cluster = self.cluster[by_cluster].astype(np.int64)
        if runs is not None:
            # A notice's live paragraphs are one run of docnums, and each cluster's members ascend: the members
            # of one notice stand together, so a cluster's notices are where the notice changes (no np.unique).
            member_notice = snap.notice_of[by_cluster]
            new = np.ones(len(by_cluster), dtype=bool)
            new[1:] = (member_cluster[1:] != member_cluster[:-1]) | (member_notice[1:] != member_notice[:-1])
            spans = np.bincount(member_cluster[new], minlength=size)
        else:
            notices = len(snap.catalog) + 1
            pairs = np.unique(member_cluster * notices + snap.notice_of[by_cluster])
            spans = np.bincount(pairs // notices, minlength=size)
        self.others = np.zeros(snap.size, dtype=np.int32)
        self.others[docs] = spans[self.cluster[docs]] - 1
        self.pairs = int(len(load["pair_a"]))
        self.length = np.concatenate([np.diff(np.asarray(s.text.starts)) - 1 for s in snap.segments]) \
            if snap.segments else np.zeros(0, np.int64)
        self.snap = snap

    def others_of(self, docnum):
        """How many other notices hold a near-copy of this paragraph (0: none, or boilerplate)."""
        return int(self.others[docnum])

    def copies(self, docnum):
        """The docnums of this paragraph's near-copies in other notices (its cluster, less its own notice)."""
        cluster = int(self.cluster[docnum])
        if cluster < 0 or self.boilerplate[docnum]:
            return np.zeros(0, dtype=np.int64)
        members = self.members[self.member_starts[cluster]:self.member_starts[cluster + 1]]
        return members[self.snap.notice_of[members] != self.snap.notice_of[docnum]]


def load(snap):
    return Similar(snap)


def _notice_runs(snap, live):
    """(first live docnum, its paragraph number, live paragraphs) of each catalog index, when every notice's live
    paragraphs are consecutive docnums numbered one by one (how segments are written); else None."""
    if not len(live):
        return None
    notices, n = snap.notice_of[live], snap.n_of[live]
    boundary = notices[1:] != notices[:-1]
    if not np.all((np.diff(n) == 1) | boundary):
        return None
    starts = np.concatenate(([0], np.flatnonzero(boundary) + 1))
    size = len(snap.catalog) + 1
    count = np.zeros(size, dtype=np.int64)
    np.add.at(count, notices[starts], np.diff(np.append(starts, len(live))))
    if np.count_nonzero(count) != len(starts):  # a notice in two runs
        return None
    first_doc = np.full(size, -1, dtype=np.int64)
    first_at = np.zeros(size, dtype=np.int64)
    first_doc[notices[starts]] = live[starts]
    first_at[notices[starts]] = n[starts]
    return first_doc, first_at, count


def _docs_by_runs(snap, live, runs, para_index, para_n):
    """(docnum, found) of each table paragraph (catalog index, paragraph number), by arithmetic on the runs."""
    first_doc, first_at, count = runs
    offset = para_n.astype(np.int64) - first_at[para_index]
    found = (para_index >= 0) & (first_doc[para_index] >= 0) & (offset >= 0) & (offset < count[para_index])
    return np.where(found, first_doc[para_index] + offset, -1), found


def _docs_by_sorting(snap, live, runs, para_index, para_n):
    """(docnum, found) of each table paragraph, by sorting the live documents' (notice, number) keys."""
    doc_key = snap.notice_of[live].astype(np.int64) * (1 << 20) + snap.n_of[live]
    order = np.argsort(doc_key)
    para_key = para_index * (1 << 20) + para_n
    at = np.minimum(np.searchsorted(doc_key[order], para_key), max(0, len(order) - 1))
    found = (para_index >= 0) & (doc_key[order][at] == para_key) if len(order) else np.zeros(len(para_key), bool)
    return np.where(found, live[order][at] if len(order) else -1, -1), found


class Absent:
    """No near-copy data (a backend that does not compute it): no paragraph has a copy, and `available` says so.

    Only what searching reads (the 雷同 facet, hits, a notice's marks); such a backend does not offer the copy pages.
    """

    available = False

    def __init__(self, snap):
        self.others = np.zeros(snap.size, dtype=np.int32)

    def others_of(self, docnum):
        return 0


@dataclass
class ReportRow:
    index: int  # catalog index of the notice
    measures: int  # its measure paragraphs (整改措施) long enough to compare
    copied: int  # of them, near-copies of a paragraph of another notice
    source: int  # catalog index of the notice it most resembles (-1: none)
    from_source: int  # of its copied measures, how many the source holds too

    @property
    def share(self):
        return self.copied / self.measures if self.measures else 0.0


def report(snap):
    """Notices ranked by the share of their measures that are near-copies, each with the notice it most resembles.

    A copied measure's source is the earliest listed notice of its cluster besides
    its own; a notice's source is the notice most of its copied measures come from
    (the earliest listed of those that tie). Computed once per snapshot.
    """
    if getattr(snap, "_copy_report", None) is not None:
        return snap._copy_report
    similar = snap.similar
    roles = snap.facets["role"]
    docs = np.flatnonzero(snap.live)
    measures = docs[roles.selected(docs, [MEASURE])] if MEASURE in roles.index else docs[:0]
    signed = measures[similar.length[measures] >= duplicates.MIN_CHARS]
    notices = len(snap.catalog)
    counted = np.bincount(snap.notice_of[signed], minlength=notices)[:notices]
    copied_docs = signed[similar.others[signed] > 0]
    copied = np.bincount(snap.notice_of[copied_docs], minlength=notices)[:notices]
    # Each cluster's two earliest listed notices: a copy's source is the first unless that is its own.
    members = similar.members
    cluster_of = similar.cluster[members].astype(np.int64)
    notice_of = snap.notice_of[members].astype(np.int64)
    order = np.lexsort((snap.id_rank[notice_of], snap.date_rank[notice_of], cluster_of))
    cluster_of, notice_of = cluster_of[order], notice_of[order]
    size = len(similar.member_starts) - 1
    first = np.full(size, -1, dtype=np.int64)
    second = np.full(size, -1, dtype=np.int64)
    head = np.flatnonzero(np.concatenate(([True], cluster_of[1:] != cluster_of[:-1]))) if len(order) else order
    first[cluster_of[head]] = notice_of[head]
    differs = notice_of != first[cluster_of]
    later = np.flatnonzero(differs)
    if len(later):
        _, at = np.unique(cluster_of[later], return_index=True)
        second[cluster_of[later[at]]] = notice_of[later[at]]
    own = snap.notice_of[copied_docs].astype(np.int64)
    cluster = similar.cluster[copied_docs]
    source = np.where(first[cluster] == own, second[cluster], first[cluster])
    keys, counts = np.unique(own * (notices + 1) + source, return_counts=True)
    by_notice = {}
    for key, count in zip(keys.tolist(), counts.tolist()):
        mine, theirs = divmod(key, notices + 1)
        best = by_notice.get(mine)
        if best is None or (-count, int(snap.date_rank[theirs])) < (-best[1], int(snap.date_rank[best[0]])):
            by_notice[mine] = (theirs, count)
    rows = [ReportRow(i, int(counted[i]), int(copied[i]), *by_notice.get(i, (-1, 0)))
            for i in np.flatnonzero(counted >= REPORT_MIN_MEASURES).tolist()]
    rows.sort(key=lambda r: (-r.share, -r.copied, snap.catalog[r.index]["id"]))
    snap._copy_report = rows
    return rows


def distinctive_words(snap, ranker, text, limit=MLT_WORDS):
    """{word: weight} of the paragraph's `limit` most distinctive words: frequency × idf, ties by the word."""
    counts = {}
    for word in words(fold(text)):
        if len(word) >= MLT_MIN_WORD and not word.isdigit():
            counts[word] = counts.get(word, 0) + 1
    frequency = {w: ranker.doc_frequency(w) for w in counts}
    too_common = COMMON_WORD_SHARE * snap.live_count
    scored = sorted((-tf * ranker.idf(frequency[w]), w) for w, tf in counts.items()
                    if 0 < frequency[w] <= too_common)
    return {w: 1.0 for _, w in scored[:limit]}


def more_like_this(snap, ranker, docnum, limit):
    """Docnums of the paragraphs most like this one in content, best first: BM25 over its distinctive words.

    The paragraph itself, the rest of its notice and its near-copies are left
    out: what is wanted is how others handled the same problem in other words.
    Scores are summed into one array over all documents straight from each
    word's postings (a dozen words: no matching, no heading boosts to find).
    """
    seg, local = snap.locate(docnum)
    text, _ = seg.display(local)
    weighted = distinctive_words(snap, ranker, text)
    scores = np.zeros(snap.size, dtype=np.float32)
    for word in weighted:
        idf = np.float32(ranker.idf(ranker.doc_frequency(word)) * (K1 + 1))
        for segment, offset in zip(snap.segments, snap.offsets):
            postings = segment.word(word)
            if postings is not None:
                docs, weights = postings
                norm = np.float32(K1 * (1 - B)) + np.float32(K1 * B / ranker.avg_length) * segment.text_length[docs]
                scores[offset + docs] += idf * weights / (weights + norm)
    candidates = np.flatnonzero(scores > 0)
    candidates = candidates[snap.live[candidates] & (snap.notice_of[candidates] != snap.notice_of[docnum])]
    candidates = candidates[~np.isin(candidates, snap.similar.copies(docnum))]
    # Near-copies the clusters missed (too short to compare, or joined by none) are not "other words" either.
    found = []
    for doc in candidates[top(snap, candidates, scores[candidates], MLT_POOL * limit)].tolist():
        other = snap.locate(doc)[0].display(snap.locate(doc)[1])[0]
        if similarity(text, other) < snap.similar.similarity:
            found.append(doc)
            if len(found) == limit:
                break
    return np.array(found, dtype=np.int64), weighted


def differences(base, other):
    """Where two texts differ, as character spans: ([(start, end)] in `base`, [(start, end)] in `other`)."""
    from rapidfuzz.distance import Indel

    mine, theirs = [], []
    for tag, i1, i2, j1, j2 in Indel.opcodes(base, other):
        if tag == "equal":
            continue
        if i2 > i1:
            mine.append((i1, i2))
        if j2 > j1:
            theirs.append((j1, j2))
    return mine, theirs


def similarity(base, other):
    """The rapidfuzz ratio of two paragraphs' folded texts, in percent, as the build measured it."""
    from rapidfuzz.distance import Indel

    return round(Indel.normalized_similarity(fold(base), fold(other)) * 100, 1)


@dataclass
class Copy:
    hit: object  # results.Hit of the near-copy
    similarity: float  # percent, as the build measured it
    base_spans: list  # [(start, end)] of the paragraph's characters this copy lacks or has otherwise
    spans: list  # [(start, end)] of this copy's characters the paragraph lacks or has otherwise


@dataclass
class SimilarResult:
    hit: object  # the paragraph asked about
    copies: list  # [Copy], most alike first
    notices: int  # other notices holding a near-copy
    more: int  # near-copies not compared (beyond the limit)
    threshold: int  # the similarity, in percent, a near-copy has at least
    boilerplate: bool  # the paragraph is boilerplate every notice shares: not counted as copied
    took_ms: float = 0.0


@dataclass
class MoreLikeThis:
    hit: object  # the paragraph asked about
    words: list  # the distinctive words ranked by
    hits: list  # [Hit], most alike first
    took_ms: float = 0.0


@dataclass
class ReportLine:
    entry: dict  # the notice's catalog entry
    title: str
    measures: int
    copied: int
    share: float
    source: dict  # catalog entry of the notice it most resembles, or None
    source_title: str
    from_source: int


@dataclass
class DuplicateReport:
    lines: list  # [ReportLine], highest share first
    notices: int  # notices with enough measures to rank
    copying: int  # of them, with at least one copied measure
    threshold: int
    took_ms: float = 0.0
