"""Facet values, selections and counts over a snapshot, one class per kind of facet (`search_core.facets`).

Every kind turns its values into small integer codes when a snapshot loads, so
a selection is an `np.isin` and a count is a `np.bincount` over the matching
documents, with no Python loop over paragraphs:

* `ParagraphCodes`: a code per document (category), from the segments' arrays
  (or, for a backend whose paragraphs live elsewhere, from its own codes);
* `ParagraphSets`: a code per document for its combination of values (problem
  types, roles); a combination is counted once, then spread over its values;
* `NoticeCodes`: a code per notice, from the catalog; documents are counted per
  notice first, and that count is shared by every notice facet of a request.
"""

import functools

import numpy as np

from ..facets import FACETS
from ..months import month_number
from . import similar

#: Where a paragraph facet's values live in each segment: (meta.json key, per-document array).
SEGMENT_FIELDS = {"category": ("categories", "doc_category"), "role": ("roles", "doc_role"),
                  "problem_type": ("types", "doc_types")}


def _concat(parts, dtype=np.int32):
    return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)


def value_bits(codes, n_values):
    """Per code (a tuple of value indexes each), its values as bits; the last row, 0, is what code -1 (no value)
    picks. One uint64 per code while the values fit in one (every facet so far), else a row of them."""
    words = max(1, -(-n_values // 64))
    bits = np.zeros((len(codes) + 1, words), dtype=np.uint64)
    for row, values in enumerate(codes):
        for v in values:
            bits[row, v // 64] |= np.uint64(1) << np.uint64(v % 64)
    return np.ascontiguousarray(bits[:, 0]) if words == 1 else bits


class NoticeRuns:
    """Matching documents grouped by notice, found once per set of documents: for the paragraph facets' notice
    counts, the statistics' notice × type table and the comparison's best paragraph of each notice.

    A notice's paragraphs are consecutive documents, so each run of one notice
    is a `reduceat` slice (linear in the matches); a notice seen in more than
    one run (documents in no order) is merged after a sort of the runs (few).
    No notice × value table is ever made: at 100,000 notices one costs notices ×
    combinations of memory per request, most of a broad query's time.
    """

    def __init__(self, notices):
        """`notices`: the catalog index of each matching document."""
        self.empty = not len(notices)
        self.order = self.firsts = None
        self.owners = np.zeros(0, np.int64)
        if self.empty:
            return
        self.starts = np.flatnonzero(np.concatenate(([True], notices[1:] != notices[:-1])))
        self.sizes = np.diff(np.append(self.starts, len(notices)))  # documents in each run
        owners = notices[self.starts]
        if len(owners) > 1 and not (owners[1:] > owners[:-1]).all():
            self.order = np.argsort(owners, kind="stable")
            owners = owners[self.order]
            self.firsts = np.flatnonzero(np.concatenate(([True], owners[1:] != owners[:-1])))
            owners = owners[self.firsts]
        self.owners = owners

    def reduce(self, ufunc, values):
        """`ufunc` (np.bitwise_or, np.minimum…) reduced over each matching notice's documents' `values`, aligned
        with `owners` (the distinct notices, ascending)."""
        if self.empty:
            return values[:0]
        held = ufunc.reduceat(values, self.starts, axis=0)  # per run, then per notice
        if self.order is not None:
            held = ufunc.reduceat(held[self.order], self.firsts, axis=0)
        return held

    def union(self, bits):
        """Each matching notice's values: the OR of its documents' value bits (`value_bits`), aligned with `owners`."""
        return self.reduce(np.bitwise_or, bits)

    def owner_of_documents(self):
        """For each matching document, the index of its notice in `owners`."""
        if self.empty:
            return np.zeros(0, np.int64)
        owner_of_run = np.arange(len(self.starts))
        if self.order is not None:
            is_first = np.zeros(len(self.starts), dtype=bool)
            is_first[self.firsts] = True
            owner_of_run[self.order] = np.cumsum(is_first) - 1
        return np.repeat(owner_of_run, self.sizes)

    def count(self, bits, n_values):
        """How many distinct notices have each value, from each matching document's value bits (`value_bits`)."""
        counts = np.zeros(n_values, np.int64)
        if self.empty or not n_values:
            return counts
        held = self.union(bits)
        held = held.reshape(len(held), -1)
        for word in range(held.shape[1]):
            column = np.ascontiguousarray(held[:, word])
            present = int(np.bitwise_or.reduce(column))
            while present:  # only the values some match holds: a handful of a facet's dozens
                bit = (present & -present).bit_length() - 1
                present &= present - 1
                if word * 64 + bit < n_values:
                    counts[word * 64 + bit] = np.count_nonzero(column & np.uint64(1 << bit))
        return counts


def bits_table(bits, n_values):
    """Value bits (`value_bits`, one row per item) as a bool table, item × value."""
    rows = bits.reshape(len(bits), -1)
    return np.unpackbits(np.ascontiguousarray(rows).view(np.uint8), axis=1, bitorder="little")[:, :n_values] \
        .astype(bool)


class _Codes:
    """What every kind has: the facet, its sorted values, and the rank of each among values of equal count."""

    def __init__(self, facet, values):
        self.facet = facet
        self.values = values
        self.index = {value: i for i, value in enumerate(values)}
        self.rank = np.zeros(len(values), dtype=np.int64)
        self.rank[sorted(range(len(values)), key=lambda i: facet.sort_key(values[i]))] = np.arange(len(values))

    def codes(self, values):
        """The codes of the known ones among `values`."""
        return np.array([self.index[v] for v in values if v in self.index], dtype=np.int64)


class ParagraphCodes(_Codes):
    def __init__(self, facet, values, of_doc):
        """`values` sorted; `of_doc` each document's index into them (-1: none)."""
        super().__init__(facet, values)
        self.of_doc = of_doc

    @classmethod
    def from_segments(cls, facet, snap):
        key, array = SEGMENT_FIELDS[facet.name]
        values = sorted({v for s in snap.segments for v in s.meta[key]})
        index = {v: i for i, v in enumerate(values)}
        return cls(facet, values, _concat([np.array([index[v] for v in s.meta[key]] + [-1], dtype=np.int32)
                                           [getattr(s, array)] for s in snap.segments]))

    def selected(self, docs, values):
        return np.isin(self.of_doc[docs], self.codes(values))

    def counts(self, docs, per_notice):
        codes = self.of_doc[docs]
        return np.bincount(codes[codes >= 0], minlength=len(self.values))

    def value(self, doc):
        code = self.of_doc[doc]
        return self.values[code] if code >= 0 else ""

    def notice_counts(self, docs, runs):
        """Notices with a matching paragraph of each value (`runs`: `docs` by notice, a `NoticeRuns`)."""
        return runs.count(self.bits[self.of_doc[docs]], len(self.values))

    @functools.cached_property
    def bits(self):
        """Each code's value as bits (`value_bits`), for the notice counts."""
        return value_bits([(i,) for i in range(len(self.values))], len(self.values))


class ParagraphSets(_Codes):
    def __init__(self, facet, combos, combo_of):
        """`combos` the combinations of values paragraphs hold (tuples, a role set's primary role first);
        `combo_of` each document's index into them."""
        self.combos = combos
        super().__init__(facet, sorted({v for c in self.combos for v in c}))
        self.combo_of = combo_of
        self.members = np.zeros((max(1, len(self.combos)), max(1, len(self.values))), dtype=np.int64)
        for c, combo in enumerate(self.combos):
            for v in combo:
                self.members[c, self.index[v]] = 1

    @classmethod
    def from_segments(cls, facet, snap):
        key, array = SEGMENT_FIELDS[facet.name]
        combos = sorted({tuple(c) for s in snap.segments for c in s.meta[key]})
        combo_index = {c: i for i, c in enumerate(combos)}
        return cls(facet, combos, _concat([np.array([combo_index[tuple(c)] for c in s.meta[key]] + [-1],
                                                    dtype=np.int32)[getattr(s, array)] for s in snap.segments]))

    def selected(self, docs, values):
        wanted = self.codes(values)
        if not len(wanted):
            return np.zeros(len(docs), dtype=bool)
        return self.members[:, wanted].any(axis=1)[self.combo_of[docs]]

    def counts(self, docs, per_notice):
        if not self.values:
            return np.zeros(0, np.int64)
        combos = np.bincount(self.combo_of[docs], minlength=len(self.combos))
        return (combos @ self.members)[:len(self.values)]

    def value(self, doc):
        return list(self.combos[self.combo_of[doc]])

    def notice_counts(self, docs, runs):
        """Notices with a matching paragraph of each value (`runs`: `docs` by notice, a `NoticeRuns`)."""
        return runs.count(self.bits[self.combo_of[docs]], len(self.values))

    @functools.cached_property
    def holding(self):
        """Per value, the combinations that hold it (their indexes, ascending)."""
        return [np.flatnonzero(self.members[:, i]) for i in range(len(self.values))]

    @functools.cached_property
    def bits(self):
        """Each combination's values as bits (`value_bits`), for the notice counts and statistics."""
        return value_bits([[self.index[v] for v in combo] for combo in self.combos], len(self.values))


class DuplicateCodes(ParagraphCodes):
    """The 雷同 facet: its one value held by every paragraph with a near-copy in another notice."""

    def __init__(self, facet, snap):
        _Codes.__init__(self, facet, [similar.VALUE])
        self.of_doc = np.where(snap.similar.others > 0, 0, -1).astype(np.int32)


class NoticeCodes(_Codes):
    def __init__(self, facet, snap):
        raw = [facet.value_of(entry) for entry in snap.catalog]
        super().__init__(facet, sorted({v for v in raw if v}))
        self.of_notice = np.array([self.index.get(v, -1) for v in raw], dtype=np.int32)
        self.snap = snap

    def selected(self, docs, values):
        return np.isin(self.of_notice[self.snap.notice_of[docs]], self.codes(values))

    def counts(self, docs, per_notice):
        known = self.of_notice >= 0
        return np.bincount(self.of_notice[known], weights=per_notice()[known],
                           minlength=len(self.values)).astype(np.int64)

    def notice_counts(self, per_notice):
        """Notices with a matching paragraph, of each value."""
        held = (self.of_notice >= 0) & (per_notice() > 0)
        return np.bincount(self.of_notice[held], minlength=len(self.values)).astype(np.int64)


class MonthRange:
    """The date range filter, applied like a facet selection but never counted: each notice's listing month."""

    def __init__(self, snap):
        self.of_notice = np.array([month_number(entry.get("date")) for entry in snap.catalog] + [-1], dtype=np.int64)
        self.snap = snap
        dated = self.of_notice[self.of_notice >= 0]
        self.span = (int(dated.min()), int(dated.max())) if len(dated) else None

    def selected(self, docs, bounds):
        """Which of `docs` belong to a notice listed within `bounds`, (first, last) month numbers, None open."""
        first, last = bounds
        months = self.of_notice[self.snap.notice_of[docs]]
        keep = months >= (0 if first is None else first)
        return keep if last is None else keep & (months <= last)


#: The name the date range takes among a request's selections.
DATE_RANGE = "date"
#: How each kind of facet is read from a snapshot's segments and catalog.
KINDS = {"paragraph": ParagraphCodes.from_segments, "paragraph_set": ParagraphSets.from_segments,
         "notice": NoticeCodes, "duplicate": DuplicateCodes}


def load(snap):
    """{facet name: its codes} for a snapshot whose segments, catalog and `notice_of` are loaded, and the date range."""
    return {**{facet.name: KINDS[facet.kind](facet, snap) for facet in FACETS}, DATE_RANGE: MonthRange(snap)}


class FacetCounter:
    """Counts of every facet's values over a request's matches, each with the other facets' selections applied."""

    def __init__(self, snap, base, selections):
        self.snap, self.base, self.selections = snap, base, selections
        self._docs = {}  # frozenset of applied facets -> docnums
        self._per_notice = {}  # same key -> matches per notice
        self._runs = {}  # same key -> the matches by notice (`NoticeRuns`)

    def _docs_for(self, name):
        applied = frozenset(n for n in self.selections if n != name)
        if applied not in self._docs:
            docs = self.base
            for other in sorted(applied):
                docs = docs[self.snap.facets[other].selected(docs, self.selections[other])]
            self._docs[applied] = docs
        return applied, self._docs[applied]

    def counts(self, name):
        """(paragraphs, notices) of each value of facet `name`: two arrays aligned with its values."""
        applied, docs = self._docs_for(name)

        def per_notice():
            if applied not in self._per_notice:
                self._per_notice[applied] = np.bincount(self.snap.notice_of[docs],
                                                        minlength=len(self.snap.catalog))[:len(self.snap.catalog)]
            return self._per_notice[applied]

        codes = self.snap.facets[name]
        paragraphs = codes.counts(docs, per_notice)
        if isinstance(codes, NoticeCodes):
            return paragraphs, codes.notice_counts(per_notice)
        if applied not in self._runs:
            self._runs[applied] = NoticeRuns(self.snap.notice_of[docs])
        return paragraphs, codes.notice_counts(docs, self._runs[applied])
