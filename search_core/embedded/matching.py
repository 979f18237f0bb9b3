"""Which paragraphs a query term matches: exact substrings of the folded text, never jieba's cuts.

A term is folded (NFKC, traditional → simplified, lower case) and split at
whitespace into parts; it matches where its parts appear in that order with
only whitespace between them. Each field is searched its own way:

* paragraph text: the positional bigram index of `indexer.arrays`. A part of
  n ≥ 2 characters starts at p exactly when its i-th bigram starts at p + i for
  every i, so the rarest bigram gives the candidates and each other bigram is
  one sorted lookup (`np.searchsorted`); what survives is an exact match, with
  no verification pass. One character is every bigram that starts with it.
  Parts separated by whitespace are found one by one and the few paragraphs
  holding all of them are checked with the same pattern the highlighter uses;
* heading paths repeat on every paragraph under them: each segment indexes its
  distinct paths the same way, and a matching path marks its paragraphs;
* titles and units belong to notices: the same index over them is built when
  the index is opened, and a matching notice marks its paragraphs.
"""

import numpy as np

from indexer.folding import fold
from indexer.arrays import CHAR_BITS

from ..query import term_pattern

#: `intersect` merges two lists unless one is this many times longer than the other.
MERGE_RATIO = 12


def term_mask(snap, term, memo=None):
    """Boolean mask over document numbers: the live documents whose fields hold the term.

    `memo` (a dict, one per query) keeps heading matches for ranking to reuse.
    """
    parts = fold(term.text).split()
    if not parts:
        return snap.live.copy()
    pattern = term_pattern(term.text)
    mask = np.zeros(snap.size, dtype=bool)
    for name in term.fields:
        if name == "text":
            for seg, offset in zip(snap.segments, snap.offsets):
                mask[offset:offset + seg.size][string_hits(seg.text, parts, pattern)] = True
        elif name == "headings":
            for i, (seg, offset) in enumerate(zip(snap.segments, snap.offsets)):
                mask[offset:offset + seg.size][heading_docs(seg, parts, pattern, memo, i)] = True
        else:
            notices = np.zeros(len(snap.catalog) + 1, dtype=bool)
            notices[string_hits(snap.notice_fields[name], parts, pattern)] = True
            mask |= notices[snap.notice_of]
    return mask & snap.live


def string_hits(strings, parts, pattern):
    """Indexes of the `segment.Strings` that hold the term's parts in order (any order, maybe repeated)."""
    if len(parts) == 1:
        return strings.owners(positions(strings, parts[0]))
    found = None
    for part in sorted(parts, key=len, reverse=True):
        held = strings.holding(positions(strings, part))
        found = held if found is None else np.intersect1d(found, held, assume_unique=True)
        if not len(found):
            return found
    return np.array([i for i in found.tolist() if pattern.search(strings.string(i))], dtype=np.int64)


def positions(strings, part):
    """Every position in the strings' code points where `part` (no whitespace) starts."""
    if len(part) == 1:
        return strings.starting_with(part)
    keys = [np.uint64((ord(a) << CHAR_BITS) | ord(b)) for a, b in zip(part, part[1:])]
    lists = [strings.bigram(key) for key in keys]
    order = sorted(range(len(lists)), key=lambda i: len(lists[i]))
    rarest = order[0]
    # int32 throughout: numpy would otherwise convert the larger array on every call.
    found = lists[rarest] - np.int32(rarest)
    for i in order[1:]:
        if not len(found):
            break
        found = intersect(found + np.int32(i), lists[i]) - np.int32(i)
    return found


def intersect(small, large):
    """The values two ascending lists of distinct int32 share, ascending.

    Merging (a stable sort of the two runs, linear for timsort) is three to four
    times faster than a binary search per value once the lists are of similar
    length; a short list in a long one is still best searched.
    """
    if len(small) > len(large):
        small, large = large, small
    if len(large) > MERGE_RATIO * len(small):
        return small[common(small, large)[0]]
    merged = np.concatenate([small, large])
    merged.sort(kind="stable")
    return merged[:-1][merged[1:] == merged[:-1]]


def common(wanted, among):
    """Where two ascending lists of distinct values agree: (indexes into `wanted`, indexes into `among`).

    The shorter list is looked up in the longer one, so the cost follows the
    smaller: ranking's matches against a word's postings, or `intersect`'s short list.
    """
    if len(wanted) <= len(among):
        at = np.searchsorted(among, wanted)
        np.minimum(at, len(among) - 1, out=at)
        held = np.flatnonzero(among[at] == wanted) if len(among) else np.zeros(0, np.int64)
        return held, at[held]
    at = np.searchsorted(wanted, among)
    np.minimum(at, len(wanted) - 1, out=at)
    found = np.flatnonzero(wanted[at] == among)
    return at[found], found


def heading_positions(seg, part, memo=None, segment_index=0):
    """(positions, paths): where `part` (no whitespace) starts in one segment's distinct heading paths, ascending,
    and the path holding each. Found once per query (`memo`): matching asks which paths hold a word, ranking how
    far up them it stands, and most words of a query are asked both."""
    key = ("heading positions", segment_index, part)
    if memo is not None and key in memo:
        return memo[key]
    found = positions(seg.headings, part)
    if len(part) == 1:
        found = np.sort(found)  # `starting_with` gives them in no order
    located = (found, seg.headings.owners(found))
    if memo is not None:
        memo[key] = located
    return located


def heading_hits(seg, parts, pattern, memo=None, segment_index=0):
    """Which of one segment's distinct heading paths hold the term: a boolean per path.

    Matching turns these into the paragraphs under them; ranking looks up only
    the matches' own paths. `memo` (one dict per query) keeps them for both.
    """
    key = ("headings", segment_index, tuple(parts))
    if memo is not None and key in memo:
        return memo[key]
    held = np.zeros(seg.headings.count, dtype=bool)
    if len(parts) == 1:
        held[heading_positions(seg, parts[0], memo, segment_index)[1]] = True
    else:
        held[string_hits(seg.headings, parts, pattern)] = True
    if memo is not None:
        memo[key] = held
    return held


def heading_docs(seg, parts, pattern, memo=None, segment_index=0):
    """Local document numbers (distinct, in no order) of one segment whose heading path holds the term."""
    return seg.docs_under(np.flatnonzero(heading_hits(seg, parts, pattern, memo, segment_index)))


def heading_depths(seg, word, memo=None, segment_index=0):
    """For each distinct heading path of a segment, how far up it the word stands: 0 in the paragraph's
    own heading, 1 in its parent, and so on; -1 where the path does not hold it.

    A path is its headings joined outermost first, so the depth of a match is
    the number of heading breaks between it and the path's end.
    """
    key = ("depth", segment_index, word)
    if memo is not None and key in memo:
        return memo[key]
    depths = np.full(seg.headings.count, -1, dtype=np.int32)
    if word and not any(c.isspace() for c in word):
        found, owner = heading_positions(seg, word, memo, segment_index)
        if len(found):
            # Positions ascend, so the last match in each path is the one nearest its end: the least depth.
            last = np.flatnonzero(np.append(owner[1:] != owner[:-1], True))
            owner, found = owner[last], found[last]
            breaks = seg.heading_breaks
            depths[owner] = np.searchsorted(breaks, seg.headings.starts[owner + 1]) - np.searchsorted(breaks, found)
    if memo is not None:
        memo[key] = depths
    return depths
