"""How matches rank: BM25 over the jieba words Whoosh indexed, plus heading and title boosts; a fixed tie-break.

The `text` field's postings are read once from Whoosh into numpy arrays when a
segment is written (`indexer.arrays`); scoring a word is then a few vectorised
operations over its postings instead of Whoosh decoding them block by block.
Scores use Whoosh's BM25F constants (B = 0.75, K1 = 1.2) and a Lucene-style
idf that stays positive. A word found in a heading above the paragraph adds
a share of its idf that falls with the heading's distance (`HEADING_WEIGHTS`):
the paragraph's own heading says most about it, a distant section title that
lists many topics little, and any of them less than the word in the text. A
word in the notice's title adds a small share for every paragraph of it.

Each distinct word of the query is scored once; words in more than
`COMMON_WORD_SHARE` of the paragraphs are left out when rarer ones are there
(their idf is near zero, their postings are long). Ties are broken by notice
id, then paragraph number, so the order of results never depends on timing.
"""

import math

import numpy as np

from ..query import term_pattern
from .matching import common, heading_depths, string_hits

B, K1 = 0.75, 1.2
#: A word's idf times these, for a match in the paragraph's own heading, its parent, and any heading above.
HEADING_WEIGHTS = (0.5, 0.3, 0.15)
#: A word's idf times this, for every paragraph of a notice whose title holds the word.
TITLE_WEIGHT = 0.15
#: Ranking uses at most this many distinct words of a query (matching uses all of it).
MAX_SCORED_WORDS = 24
#: Words found in more than this share of paragraphs are not used for ranking.
COMMON_WORD_SHARE = 0.25
#: `top` finds the score a result page needs from a sample of about this many matches.
TOP_SAMPLE = 1024


class Ranker:
    """BM25 statistics of one snapshot: collection size and the mean paragraph length."""

    def __init__(self, snap):
        self.snap = snap
        # Statistics of live paragraphs only, so an updated index ranks exactly as a rebuilt one.
        self.complete = [bool(snap.live[offset:offset + seg.size].all())
                         for seg, offset in zip(snap.segments, snap.offsets)]
        total = sum(float(np.asarray(seg.text_length, dtype=np.float64)[snap.live[offset:offset + seg.size]].sum())
                    for seg, offset in zip(snap.segments, snap.offsets))
        self.avg_length = (total / snap.live_count) if snap.live_count else 1.0

    def doc_frequency(self, word):
        """Live paragraphs holding the word (a deleted paragraph's postings stay until a merge)."""
        found = 0
        for seg, offset, complete in zip(self.snap.segments, self.snap.offsets, self.complete):
            postings = seg.word(word)
            if postings is not None:
                docs = postings[0]
                found += len(docs) if complete else int(self.snap.live[offset + docs].sum())
        return found

    def idf(self, frequency):
        n = max(1, self.snap.live_count)
        return math.log(1 + (n - frequency + 0.5) / (frequency + 0.5))

    def scored_words(self, weighted):
        """{word: (weight, document frequency)} of the words ranking uses, of `weighted` ({word: weight})."""
        frequency = {word: self.doc_frequency(word) for word in weighted}
        too_common = COMMON_WORD_SHARE * self.snap.live_count
        chosen = [w for w in weighted if frequency[w] <= too_common][:MAX_SCORED_WORDS]
        if not chosen and weighted:
            chosen = [min(weighted, key=frequency.get)]
        return {w: (weighted[w], frequency[w]) for w in chosen}

    def scores(self, weighted, docs, memo=None):
        """Score of each of `docs` (ascending document numbers), aligned with them; 0 where no scored word appears.

        `weighted` maps each jieba word to its weight (1 for a typed word, less
        for a synonym's). Only the matches are scored: a phrase's or an AND's few
        matches do not pay for every paragraph holding one of its common words.
        `memo` holds what matching already found for this query.
        """
        snap = self.snap
        scores = np.zeros(len(docs), dtype=np.float32)
        if not len(docs):
            return scores
        bounds = np.searchsorted(docs, snap.offsets + [snap.size]).tolist()
        heading_weights = np.array((0.0, *HEADING_WEIGHTS), dtype=np.float32)
        notices = None
        for word, (weight, frequency) in self.scored_words(weighted).items():
            idf = self.idf(frequency) * weight
            for i, (seg, offset) in enumerate(zip(snap.segments, snap.offsets)):
                lo, hi = bounds[i], bounds[i + 1]
                if lo == hi:
                    continue
                local = docs[lo:hi] - offset
                postings = seg.word(word)
                if postings is not None:
                    held, at = common(local, postings[0])
                    weights = postings[1][at]
                    norm = np.float32(K1 * (1 - B)) + np.float32(K1 * B / self.avg_length) * seg.text_length[local[held]]
                    scores[lo + held] += np.float32(idf * (K1 + 1)) * weights / (weights + norm)
                depth = heading_depths(seg, word, memo, i)[seg.doc_heading[local]]
                if (depth >= 0).any():
                    scores[lo:hi] += np.float32(idf) * heading_weights[np.minimum(depth + 1, len(HEADING_WEIGHTS))]
            titled = string_hits(snap.notice_fields["title"], [word], term_pattern(word))
            if len(titled):
                boost = np.zeros(len(snap.catalog) + 1, dtype=np.float32)
                boost[titled] = TITLE_WEIGHT * idf
                notices = snap.notice_of[docs] if notices is None else notices
                scores += boost[notices]
        return scores


def top(snap, docs, scores, limit):
    """Indexes into `docs` of the best `limit` (all for None) by score (aligned with docs), then by the tie-break, in order."""
    everything = np.arange(len(docs))
    if limit is not None and len(docs) > limit:
        # np.partition slows down tenfold on the many equal scores BM25 gives
        # (7.5 ms for 133,000 matches), so the k-th score comes from sorting the
        # few candidates that can reach it: those at or above the limit-th best
        # of a strided sample, which at least `limit` matches reach.
        candidates = everything
        if len(scores) >= TOP_SAMPLE * 4 and limit <= TOP_SAMPLE // 4:
            sample = np.sort(scores[::len(scores) // TOP_SAMPLE])
            candidates = np.flatnonzero(scores >= sample[len(sample) - limit])
        picked = scores[candidates]
        kth = np.sort(picked)[len(picked) - limit]
        above = candidates[picked > kth]
        ties = candidates[picked == kth]
        need = limit - len(above)
        if len(ties) > need:
            ties = ties[np.argpartition(snap.tiebreak[docs[ties]], need - 1)[:need]]
        everything = np.concatenate([above, ties])
    return everything[np.lexsort((snap.tiebreak[docs[everything]], -scores[everything]))]


def by_rank(docs, rank, limit):
    """Indexes into `docs` of the first `limit` (all for None) in the order a fixed rank array gives."""
    keys = rank[docs]
    everything = np.arange(len(docs))
    if limit is not None and len(docs) > limit:
        everything = np.argpartition(keys, limit - 1)[:limit]
        keys = keys[everything]
    return everything[np.argsort(keys, kind="stable")]
