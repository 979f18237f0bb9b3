"""How matches rank: BM25 over the jieba words Whoosh indexed, plus heading and title boosts; a fixed tie-break.

The `text` field's postings are read once from Whoosh into numpy arrays when a
segment is written (`indexer.arrays`); scoring a word is then a few vectorised
operations over its postings instead of Whoosh decoding them block by block.
Scores use Whoosh's BM25F constants (B = 0.75, K1 = 1.2) and a Lucene-style
idf that stays positive. A word found in the heading path or in the notice's
title adds its idf times the field's boost (`schema.FIELD_BOOSTS`): those are
short, and a match there says the paragraph sits in a section, or a notice,
about the query.

Each distinct word of the query is scored once; words in more than
`COMMON_WORD_SHARE` of the paragraphs are left out when rarer ones are there
(their idf is near zero, their postings are long). Ties are broken by notice
id, then paragraph number, so the order of results never depends on timing.
"""

import math

import numpy as np

from indexer.analysis import words
from indexer.schema import FIELD_BOOSTS

from .matching import heading_docs, string_hits, term_pattern

B, K1 = 0.75, 1.2
#: Ranking uses at most this many distinct words of a query (matching uses all of it).
MAX_SCORED_WORDS = 24
#: Words found in more than this share of paragraphs are not used for ranking.
COMMON_WORD_SHARE = 0.25


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

    def scored_words(self, terms):
        """The distinct jieba words of the terms that ranking uses, with their document frequencies."""
        distinct = dict.fromkeys(token for term in terms for token in words(term.text))
        frequency = {token: self.doc_frequency(token) for token in distinct}
        common = COMMON_WORD_SHARE * self.snap.live_count
        chosen = [t for t in distinct if frequency[t] <= common][:MAX_SCORED_WORDS]
        if not chosen and distinct:
            chosen = [min(distinct, key=frequency.get)]
        return {t: frequency[t] for t in chosen}

    def scores(self, terms, memo=None):
        """Score of every document number (float32); 0 where no scored word appears.

        `memo` holds what matching already found for this query (heading matches).
        """
        snap = self.snap
        scores = np.zeros(snap.size, dtype=np.float32)
        for word, frequency in self.scored_words(terms).items():
            idf = self.idf(frequency)
            pattern = term_pattern(word)
            for i, (seg, offset) in enumerate(zip(snap.segments, snap.offsets)):
                postings = seg.word(word)
                if postings is not None:
                    docs, weights = postings
                    norm = np.float32(K1 * (1 - B)) + np.float32(K1 * B / self.avg_length) * seg.text_length[docs]
                    scores[offset + docs] += np.float32(idf * (K1 + 1)) * weights / (weights + norm)
                headed = heading_docs(seg, [word], pattern, memo, i)
                if len(headed):
                    scores[offset + headed] += np.float32(FIELD_BOOSTS["headings"] * idf)
            titled = string_hits(snap.notice_fields["title"], [word], pattern)
            if len(titled):
                boost = np.zeros(len(snap.catalog) + 1, dtype=np.float32)
                boost[titled] = FIELD_BOOSTS["title"] * idf
                scores += boost[snap.notice_of]
        return scores


def top(snap, docs, scores, limit):
    """The best `limit` of `docs` (or all, for None) by score, then by the tie-break, in order."""
    if limit is not None and len(docs) > limit:
        picked = scores[docs]
        kth = np.partition(picked, len(picked) - limit)[len(picked) - limit]
        above = docs[picked > kth]
        ties = docs[picked == kth]
        need = limit - len(above)
        if len(ties) > need:
            ties = ties[np.argpartition(snap.tiebreak[ties], need - 1)[:need]]
        docs = np.concatenate([above, ties])
    return docs[np.lexsort((snap.tiebreak[docs], -scores[docs]))]


def by_rank(docs, rank, limit):
    """The first `limit` of `docs` (or all, for None) in the order a fixed rank array gives."""
    keys = rank[docs]
    if limit is not None and len(docs) > limit:
        keep = np.argpartition(keys, limit - 1)[:limit]
        docs, keys = docs[keep], keys[keep]
    return docs[np.argsort(keys, kind="stable")]
