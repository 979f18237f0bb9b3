"""Near-duplicate paragraphs across notices (整改措施雷同): found when a generation is built, kept as side-car arrays.

Units copy their rectification measures from each other or from a template.
Every paragraph long enough to say something (`MIN_CHARS` folded characters)
gets a MinHash signature over its character 3-grams, computed with numpy for
all paragraphs at once (the permutations and the hashing scheme are
`datasketch`'s, so `datasketch.MinHash` over the same shingles gives the same
signature; `tests/test_duplicates.py` checks it). Paragraphs whose signatures
agree on one of `BANDS` bands of `ROWS` values are candidates (LSH); a
candidate pair is a near-duplicate when the `rapidfuzz` ratio of the two folded
texts is at least the `DUPLICATE_SIMILARITY` setting (percent). Identical texts
are one candidate among themselves. Near-duplicate pairs are grouped into
clusters (connected components).

Boilerplate is part of every notice (the standard intro 根据…统一部署…予以公布,
the closing 欢迎…监督 with its phone number) and is no sign of copying: a
paragraph is boilerplate by its role (概述, 联系方式) or its wording
(`BOILERPLATE`), and a cluster is boilerplate when most of its paragraphs are,
or when it spans at least `BOILERPLATE_SHARE` of all notices (a stock sentence
every notice has). Boilerplate clusters are kept, marked, and never counted.

Layout: ``GEN/duplicates/`` with the arrays named in `FILES` and `meta.json`
(the notice ids the arrays index, the parameters, the clusters' boilerplate
marks) and `DONE`. Paragraphs are named by (notice id, paragraph number), which
do not change between generations, so an `update` reuses the band keys of every
paragraph of an unchanged notice and computes only the new ones. Candidate
pairs change only in the buckets a new or a removed paragraph is in
(`touched_pairs`): there it verifies the pairs that became candidates, drops
those that stopped being one, and keeps every other pair whose two paragraphs
are still there before it clusters again. The reading side is
`search_core.embedded.similar`.
"""

import hashlib
import json
import re
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from . import arrays, store
from .errors import ArraysError
from .folding import fold

FOLDER = "duplicates"
META = "meta.json"
DONE = "DONE"
#: Per paragraph (of those signed): its notice (index into meta "notices"), number, flags, text hash, band keys;
#: per near-duplicate pair: its two paragraphs and their similarity; per paragraph its cluster (-1: none).
FILES = ("para_notice", "para_n", "para_flags", "para_hash", "para_bands", "pair_a", "pair_b", "pair_score",
         "para_cluster")
#: Shortest paragraph, in folded characters, that is compared at all: shorter ones say too little to be copied.
MIN_CHARS = 30
#: Characters per shingle.
SHINGLE = 3
#: LSH: the signature is BANDS × ROWS MinHash values; two paragraphs are candidates when one band agrees.
BANDS, ROWS = 10, 4
#: Paragraphs whose signatures are computed together (their texts joined as code points: ~40 MB each time).
SIGNED_AT_ONCE = 200_000
SEED = 1
#: A cluster spanning at least this share of all notices is boilerplate, once the index has BOILERPLATE_MIN_NOTICES.
BOILERPLATE_SHARE = 0.3
BOILERPLATE_MIN_NOTICES = 20
#: Roles whose paragraphs are boilerplate: the standard intro and the closing contact paragraph.
BOILERPLATE_ROLES = ("概述", "联系方式")
#: Wording of boilerplate, matched on the folded text.
BOILERPLATE = re.compile(r"^根据.{0,30}统一部署.*(予以公布|情况通报如下|公布如下)|欢迎.{0,30}监督|联系电话|电子邮箱|邮政编码")
#: para_flags bits.
FLAG_BOILERPLATE = 1
#: Fewest candidate pairs scored per call to rapidfuzz (its C loop; a Python loop per pair cost seconds).
CHUNK = 200_000
#: `_among` looks values up by their low bits first.
_LOW_BITS = 20
_LOW = np.uint64((1 << _LOW_BITS) - 1)

_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


def permutations(num_perm=BANDS * ROWS, seed=SEED):
    """(a, b): datasketch's affine permutations for its default scheme (affine32), as uint32 arrays.

    Drawn as `datasketch.MinHash._init_permutations` draws them (the test compares): importing
    datasketch loads scipy.integrate and took 0.6 s of every one-notice update.
    """
    draw = np.random.RandomState(seed)
    a = draw.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    return a, draw.randint(0, 1 << 32, num_perm, dtype=np.uint32)


def fmix32(hv):
    """MurmurHash3's 32-bit finalizer, as datasketch applies it before permuting (uint32 in, uint32 out)."""
    s1, m1, s2, m2, s3 = _FMIX32
    hv = hv ^ (hv >> np.uint32(s1))
    hv = hv * np.uint32(m1)
    hv = hv ^ (hv >> np.uint32(s2))
    hv = hv * np.uint32(m2)
    return hv ^ (hv >> np.uint32(s3))


def shingle_hash(codes):
    """32-bit hashes of every 3-gram of a code point array (the i-th starts at codes[i])."""
    codes = np.asarray(codes, dtype=np.uint64)
    key = (codes[:-2] << np.uint64(42)) | (codes[1:-1] << np.uint64(21)) | codes[2:]
    mixed = key * np.uint64(0x9E3779B97F4A7C15)
    return (mixed >> np.uint64(32)).astype(np.uint32)


def signatures(codes, starts, a, b, chunk=4_000_000):
    """MinHash signatures (len(starts) - 1, len(a)) uint32 of the strings codes[starts[i]:starts[i+1]].

    Each string must hold at least SHINGLE characters. What `datasketch.MinHash`
    (scheme affine32) gives for `update_batch` of the same shingle hashes with an
    identity hashfunc, for all strings at once.
    """
    codes = np.asarray(codes, dtype=np.uint32)
    starts = np.asarray(starts, dtype=np.int64)
    count = len(starts) - 1
    sigs = np.empty((count, len(a)), dtype=np.uint32)
    if not count:
        return sigs
    # Shingles of string i start at starts[i] .. starts[i+1] - SHINGLE.
    lengths = starts[1:] - starts[:-1] - (SHINGLE - 1)
    if (lengths < 1).any():
        raise ValueError("every string needs at least SHINGLE characters")
    done = 0
    while done < count:  # strings in chunks of about `chunk` shingles, to bound memory
        total = np.cumsum(lengths[done:])
        stop = done + max(1, int(np.searchsorted(total, chunk)))
        lo, hi = int(starts[done]), int(starts[stop])
        hv = shingle_hash(codes[lo:hi])
        # Drop the 3-grams that straddle two strings.
        inside = np.ones(len(hv), dtype=bool)
        for k in range(1, SHINGLE):
            cut = starts[done + 1:stop] - lo - k
            inside[cut[cut >= 0]] = False
        hv = fmix32(hv[inside])
        offsets = np.concatenate(([0], np.cumsum(lengths[done:stop])[:-1]))
        for k in range(len(a)):
            sigs[done:stop, k] = np.minimum.reduceat(hv * a[k] + b[k], offsets)
        done = stop
    return sigs


def band_keys(sigs, bands=BANDS, rows=ROWS):
    """One uint64 key per band of each signature: equal keys mean (almost surely) an equal band."""
    sigs = sigs.astype(np.uint64).reshape(len(sigs), bands, rows)
    keys = np.zeros((len(sigs), bands), dtype=np.uint64)
    for r in range(rows):
        keys = (keys ^ sigs[:, :, r]) * np.uint64(0x100000001B3) + np.uint64(r + 1)
    return keys


def candidate_pairs(keys, hashes):
    """Candidate pairs (i < j) of paragraphs: a band key in common, or the same text.

    Pairs are what clustering needs, not every pair: the paragraphs sharing a
    band key are each paired with the first of them (a star) and with the one
    before them (a chain), and identical texts each with the next. So the cost
    grows with the paragraphs, not with the square of a template copied a
    thousand times, and the transitive closure still joins what is alike.
    """
    found = []
    order = np.lexsort((np.arange(len(hashes)), hashes))
    same = hashes[order][1:] == hashes[order][:-1]
    found.append(np.stack([order[:-1][same], order[1:][same]], axis=1))
    # One paragraph per distinct text goes through the bands: the first.
    first = np.ones(len(hashes), dtype=bool)
    first[order[1:][same]] = False
    reps = np.flatnonzero(first)
    for band in range(keys.shape[1]):
        key = keys[reps, band]
        by_key = np.argsort(key, kind="stable")
        sorted_keys = key[by_key]
        same_key = np.flatnonzero(sorted_keys[1:] == sorted_keys[:-1]) + 1  # positions with an equal key before
        if not len(same_key):
            continue
        head = np.concatenate(([0], np.cumsum(sorted_keys[1:] != sorted_keys[:-1])))
        bucket_first = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
        star = bucket_first[head[same_key]]
        found.append(np.stack([reps[by_key[star]], reps[by_key[same_key]]], axis=1))
        chain = same_key[star != same_key - 1]
        found.append(np.stack([reps[by_key[chain - 1]], reps[by_key[chain]]], axis=1))
    pairs = np.sort(np.concatenate(found), axis=1).astype(np.int64) if found else np.zeros((0, 2), np.int64)
    if not len(pairs):
        return pairs.reshape(0, 2)
    joined = np.unique(pairs[:, 0] * len(hashes) + pairs[:, 1])
    return np.stack([joined // len(hashes), joined % len(hashes)], axis=1)


def touched_pairs(keys, hashes, touched_hashes, touched_keys):
    """The candidate pairs `candidate_pairs` makes inside some buckets only, as sorted codes (`pair_codes`).

    The buckets are the identical texts whose hash is in `touched_hashes` and, per
    band, the band keys in `touched_keys[band]` (both ascending). An update asks for
    the buckets its new and removed paragraphs belong to, in the old generation and
    in the new: every other bucket holds the same paragraphs in the same order in
    both, so its pairs are the old ones. The cost follows those buckets, not the
    48 M band keys of 100,000 notices.
    """
    count = len(hashes)
    found = []
    held = np.flatnonzero(_among(hashes, touched_hashes))  # ascending
    by_hash = held[np.argsort(hashes[held], kind="stable")]
    same = hashes[by_hash][1:] == hashes[by_hash][:-1]
    found.append(np.stack([by_hash[:-1][same], by_hash[1:][same]], axis=1))
    members = [np.flatnonzero(_among(keys[:, band], touched_keys[band])) for band in range(keys.shape[1])]
    # Only the first paragraph of each text goes through the bands (`candidate_pairs`).
    involved = np.zeros(count, dtype=bool)
    for inside in members:
        involved[inside] = True
    texts = _distinct(hashes[involved])
    with_text = np.flatnonzero(_among(hashes, texts))
    order = with_text[np.argsort(hashes[with_text], kind="stable")]
    starts = np.flatnonzero(np.concatenate(([True], hashes[order][1:] != hashes[order][:-1])))[:len(order)]
    first = np.zeros(count, dtype=bool)
    first[order[starts]] = True
    for band, inside in enumerate(members):
        inside = inside[first[inside]]
        by_key = inside[np.argsort(keys[inside, band], kind="stable")]
        key = keys[by_key, band]
        same_key = np.flatnonzero(key[1:] == key[:-1]) + 1
        bucket_first = np.flatnonzero(np.concatenate(([True], key[1:] != key[:-1])))
        head = np.cumsum(np.concatenate(([0], key[1:] != key[:-1])))
        found.append(np.stack([by_key[bucket_first[head[same_key]]], by_key[same_key]], axis=1))
        found.append(np.stack([by_key[same_key - 1], by_key[same_key]], axis=1))
    return pair_codes(np.concatenate(found), count)


def pair_codes(pairs, count):
    """Pairs (i, j) as distinct sorted codes min(i, j) * count + max(i, j)."""
    pairs = np.sort(np.asarray(pairs, dtype=np.int64).reshape(-1, 2), axis=1)
    return _distinct(pairs[:, 0] * count + pairs[:, 1])


def _touched_both(keys, hashes, reused, where, touched_hashes, touched_keys):
    """(`touched_pairs` of the new generation, those of the old one renumbered as the new one's, less the removed)."""
    count, old_count = len(hashes), len(reused["hash"])
    now = touched_pairs(keys, hashes, touched_hashes, touched_keys)
    before = touched_pairs(reused["bands"], reused["hash"], touched_hashes, touched_keys)
    a, b = where[before // old_count], where[before % old_count]
    return now, pair_codes(np.stack([a, b], axis=1)[(a >= 0) & (b >= 0)], count)


def _among(values, wanted):
    """Whether each value (uint64) is one of `wanted` (ascending, distinct).

    A table of the wanted values' low bits rules out almost every value with
    one look-up; only the few left are searched. (A binary search of all 4.8 M
    values took 0.17 s a call, np.isin sorts them all.)
    """
    out = np.zeros(len(values), dtype=bool)
    if not len(wanted):
        return out
    table = np.zeros(1 << _LOW_BITS, dtype=bool)
    table[_low_bits(wanted)] = True
    maybe = np.flatnonzero(table[_low_bits(values)])
    at = np.minimum(np.searchsorted(wanted, values[maybe]), len(wanted) - 1)
    out[maybe] = wanted[at] == values[maybe]
    return out


def _low_bits(values):
    return (values.astype(np.uint64, copy=False) & _LOW).astype(np.intp)


def _distinct(values):
    """The distinct values, ascending (np.unique hashes large arrays first: several times slower here)."""
    values = np.sort(values)
    return values[np.concatenate(([True], values[1:] != values[:-1]))] if len(values) else values


def similarities(texts, pairs):
    """The rapidfuzz ratio (0–100) of each pair of texts."""
    from rapidfuzz import process
    from rapidfuzz.distance import Indel

    scores = np.empty(len(pairs), dtype=np.float32)
    for lo in range(0, len(pairs), CHUNK):
        part = pairs[lo:lo + CHUNK]
        scores[lo:lo + CHUNK] = process.cpdist([texts[i] for i in part[:, 0]], [texts[j] for j in part[:, 1]],
                                               scorer=Indel.normalized_similarity, workers=1) * 100
    return scores


def clusters(count, pair_a, pair_b):
    """Connected components of the pairs: a cluster number per paragraph, -1 for a paragraph in no pair."""
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    graph = coo_matrix((np.ones(len(pair_a), dtype=np.int8), (pair_a, pair_b)), shape=(count, count))
    _, labels = connected_components(graph, directed=False)
    paired = np.zeros(count, dtype=bool)
    paired[pair_a] = paired[pair_b] = True
    # Renumber: clusters 0..k-1 in order of their first paragraph; singletons -1.
    out = np.full(count, -1, dtype=np.int32)
    _, first, inverse = np.unique(labels[paired], return_index=True, return_inverse=True)
    rank = np.argsort(np.argsort(first))
    out[paired] = rank[inverse]
    return out


def _hashes(texts):
    return np.fromiter((text_hash(t) for t in texts), dtype=np.uint64, count=len(texts))


def text_hash(text):
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "little")


class Paragraphs:
    """Every live paragraph of a generation long enough to compare: its notice, number and role flag, and its folded
    text, read only when asked for (`texts_of`): an update reads the text of its new paragraphs and of the
    candidates they pair with, not of the whole index (reading and folding all of it took 9.5 s at 10,000 notices).
    """

    def __init__(self, gen):
        gen = Path(gen)
        ix = whoosh_index.open_dir(str(gen / store.WHOOSH))
        notice_ids, notices, numbers, flags = {}, [], [], []
        self._parts = []  # (segment folder, its kept docs), in paragraph order
        for segment in ix._segments():
            folder = arrays.segment_folder(gen, segment)
            meta = json.loads((folder / arrays.META).read_text(encoding="utf-8"))
            seg_starts = np.asarray(arrays.load(folder, "text_starts"))
            lengths = np.diff(seg_starts) - 1
            keep = lengths >= MIN_CHARS
            keep[list(segment.deleted_docs())] = False
            docs = np.flatnonzero(keep)
            local = np.array([notice_ids.setdefault(i, len(notice_ids)) for i in meta["notices"]] + [-1],
                             dtype=np.int32)
            notices.append(local[np.asarray(arrays.load(folder, "doc_notice"))[docs]])
            numbers.append(np.asarray(arrays.load(folder, "doc_n"))[docs])
            by_role = np.array([any(r in BOILERPLATE_ROLES for r in roles[:1]) for roles in meta["roles"]] + [False])
            flags.append(by_role[np.asarray(arrays.load(folder, "doc_role"))[docs]].astype(np.uint8))
            self._parts.append((folder, docs))
        # Paragraphs in (notice id, number) order, not in the order the build's workers wrote their segments:
        # buckets pair each paragraph with the one before it, so the clusters depend on this order, and two
        # rebuilds of the same files must find the same ones.
        ranks = np.argsort(np.argsort(np.array(list(notice_ids), dtype=object)))
        self.notice_ids = sorted(notice_ids)
        notice = np.concatenate(notices) if notices else np.zeros(0, np.int32)
        n = np.concatenate(numbers).astype(np.int32) if numbers else np.zeros(0, np.int32)
        self._stored = np.lexsort((n, ranks[notice])) if len(n) else np.zeros(0, np.int64)  # ours -> written order
        self.notice = ranks[notice][self._stored].astype(np.int32)
        self.n = n[self._stored]
        self.flags = (np.concatenate(flags) if flags else np.zeros(0, np.uint8))[self._stored]  # role; see `mark`
        self._part_starts = np.cumsum([0] + [len(docs) for _, docs in self._parts])
        self._texts = {}  # paragraph index -> folded text, once read

    def __len__(self):
        return len(self.n)

    @property
    def texts(self):
        """Every paragraph's folded text."""
        return self.texts_of(np.arange(len(self)))

    def __getitem__(self, index):
        return self._texts[index] if index in self._texts else self.texts_of(np.array([index]))[0]

    def texts_of(self, indexes):
        """The folded texts of the paragraphs at `indexes` (an array), in that order; read once, then kept."""
        indexes = np.asarray(indexes, dtype=np.int64)
        missing = np.unique(indexes[[i not in self._texts for i in indexes.tolist()]]) if len(indexes) else indexes
        stored = self._stored[missing]
        parts = np.searchsorted(self._part_starts, stored, side="right") - 1
        for part in np.unique(parts).tolist():
            wanted, at = missing[parts == part], stored[parts == part]
            folder, docs = self._parts[part]
            local = docs[at - self._part_starts[part]]
            # Folding keeps lengths and maps no character to 0, so the joined texts split back one for one.
            folded = fold("\0".join(arrays.shown_texts(folder, local.tolist()))).split("\0")
            self._texts.update(zip(wanted.tolist(), folded))
        return [self._texts[i] for i in indexes.tolist()]

    def mark(self, indexes):
        """Set the boilerplate-wording flag of the paragraphs at `indexes` from their text; return those texts."""
        texts = self.texts_of(indexes)
        self.flags[indexes] |= np.array([FLAG_BOILERPLATE if BOILERPLATE.search(t) else 0 for t in texts],
                                        dtype=np.uint8)
        return texts


def write(gen, similarity, previous=None):
    """Find the near-duplicate paragraphs of generation `gen` and write them into GEN/duplicates.

    With `previous` (the generation an update started from), reuse what it found
    for the paragraphs both generations hold.
    """
    gen = Path(gen)
    paras = Paragraphs(gen)
    count = len(paras)
    keys = np.zeros((count, BANDS), dtype=np.uint64)
    new = np.ones(count, dtype=bool)
    old_pairs = np.zeros((0, 2), np.int64)
    old_scores = np.zeros(0, np.float32)
    reused = _previous(previous, similarity) if previous is not None else None
    if reused is not None:
        index = {notice_id: i for i, notice_id in enumerate(paras.notice_ids)}
        old_notice = np.array([index.get(i, -1) for i in reused["notices"]] + [-1], dtype=np.int64)
        old_key = np.where(old_notice[reused["notice"]] >= 0,
                           old_notice[reused["notice"]] * (1 << 20) + reused["n"], -1)
        key = paras.notice.astype(np.int64) * (1 << 20) + paras.n
        order = np.argsort(old_key, kind="stable")
        found = order[np.minimum(np.searchsorted(old_key[order], key), len(old_key) - 1)] if len(old_key) else \
            np.zeros(count, np.int64)
        # A notice id is its file's hash: a paragraph of a notice still here is the same text.
        match = old_key[found] == key if len(old_key) else np.zeros(count, bool)
        keys[match] = reused["bands"][found[match]]
        hashes = np.zeros(count, dtype=np.uint64)
        hashes[match] = reused["hash"][found[match]]
        paras.flags[match] = reused["flags"][found[match]]  # the same text and role: the same flags
        hashes[~match] = _hashes(paras.mark(np.flatnonzero(~match)))
        new = ~match
        # Pairs between paragraphs both still here, renumbered.
        where = np.full(len(old_key), -1, dtype=np.int64)
        where[found[match]] = np.flatnonzero(match)
        a, b = where[reused["pair_a"]], where[reused["pair_b"]]
        kept = (a >= 0) & (b >= 0)
        old_pairs = np.sort(np.stack([a[kept], b[kept]], axis=1), axis=1)
        old_scores = reused["pair_score"][kept].astype(np.float32)
    else:
        hashes = _hashes(paras.mark(np.arange(count)))
    if new.any():
        a, b = permutations()
        sub = np.flatnonzero(new)
        # A few hundred thousand paragraphs at a time: all of them joined as one string and as UTF-32 took
        # 2 GB at 100,000 notices, the build's peak; a signature depends on its own text only.
        for start in range(0, len(sub), SIGNED_AT_ONCE):
            some = sub[start:start + SIGNED_AT_ONCE]
            codes, starts = _code_points(paras.texts_of(some))
            keys[some] = band_keys(signatures(codes, starts, a, b))
    if reused is None:
        pairs = candidate_pairs(keys, hashes)
    else:
        # Which pairs are candidates changed only in the buckets a new or a removed paragraph is in: there the
        # old candidates are dropped and the new ones added, and only the new ones are verified.
        gone = np.flatnonzero(where < 0)
        touched_hashes = np.unique(np.concatenate([hashes[new], reused["hash"][gone]]))
        touched_keys = [np.unique(np.concatenate([keys[new, band], reused["bands"][gone, band]]))
                        for band in range(BANDS)]
        now, before = _touched_both(keys, hashes, reused, where, touched_hashes, touched_keys)
        lost = np.setdiff1d(before, now, assume_unique=True)
        if len(lost):
            # A pair no longer a candidate in these buckets may still be one in another bucket of its paragraphs:
            # with every bucket of theirs looked at, `now` holds every candidate pair of theirs.
            ends = np.unique(np.concatenate([lost // count, lost % count]))
            touched_hashes = np.union1d(touched_hashes, hashes[ends])
            touched_keys = [np.union1d(touched_keys[band], keys[ends, band]) for band in range(BANDS)]
            now, before = _touched_both(keys, hashes, reused, where, touched_hashes, touched_keys)
        kept_codes = old_pairs[:, 0] * count + old_pairs[:, 1]
        stale = _among(kept_codes, np.setdiff1d(before, now, assume_unique=True))
        old_pairs, old_scores = old_pairs[~stale], old_scores[~stale]
        fresh = np.setdiff1d(now, before, assume_unique=True)
        pairs = np.stack([fresh // count, fresh % count], axis=1)
    paras.texts_of(np.unique(pairs))  # read at once, segment by segment
    scores = similarities(paras, pairs)
    near = scores >= similarity
    pairs = np.concatenate([old_pairs, pairs[near]])
    scores = np.concatenate([old_scores, scores[near]])
    if len(pairs):
        # The kept pairs are in order already (renumbering keeps it), so a stable sort of the codes is a merge.
        codes = pairs[:, 0].astype(np.int64) * count + pairs[:, 1]
        order = np.argsort(codes, kind="stable")
        first = np.concatenate(([True], codes[order][1:] != codes[order][:-1]))
        pairs, scores = pairs[order[first]], scores[order[first]]
    cluster = clusters(count, pairs[:, 0], pairs[:, 1]) if count else np.zeros(0, np.int32)
    boilerplate = boilerplate_clusters(cluster, paras.notice, paras.flags, len(paras.notice_ids))
    folder = gen / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    out = {"para_notice": paras.notice.astype(np.int32), "para_n": paras.n, "para_flags": paras.flags,
           "para_hash": hashes, "para_bands": keys, "pair_a": pairs[:, 0].astype(np.int32),
           "pair_b": pairs[:, 1].astype(np.int32), "pair_score": np.round(scores).astype(np.uint8),
           "para_cluster": cluster}
    for name, array in out.items():
        np.save(folder / f"{name}.npy", array, allow_pickle=False)
    meta = {"notices": paras.notice_ids, "similarity": similarity, "bands": BANDS, "rows": ROWS, "seed": SEED,
            "shingle": SHINGLE, "min_chars": MIN_CHARS, "boilerplate": np.flatnonzero(boilerplate).tolist(),
            "reused": int((~new).sum()), "signed": int(new.sum()), "pairs": int(len(pairs))}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / DONE).write_text("")
    return meta


def boilerplate_clusters(cluster, notice, flags, notices):
    """Which clusters are boilerplate: most paragraphs flagged, or spanning BOILERPLATE_SHARE of all notices."""
    size = int(cluster.max()) + 1 if len(cluster) and cluster.max() >= 0 else 0
    inside = cluster >= 0
    members = np.bincount(cluster[inside], minlength=size)
    flagged = np.bincount(cluster[inside], weights=(flags[inside] & FLAG_BOILERPLATE) > 0, minlength=size)
    pairs = _distinct(cluster[inside].astype(np.int64) * (notices + 1) + notice[inside])
    spans = np.bincount(pairs // (notices + 1), minlength=size)
    wide = spans >= BOILERPLATE_SHARE * notices if notices >= BOILERPLATE_MIN_NOTICES else np.zeros(size, bool)
    return (flagged * 2 > members) | wide


def _code_points(texts):
    """(code points, starts) of the texts joined, as `signatures` takes them."""
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    return codes, np.concatenate(([0], np.cumsum([len(t) for t in texts]))).astype(np.int64)


def _previous(previous, similarity):
    """What a previous generation found, if it was found the same way; None otherwise."""
    folder = Path(previous) / FOLDER
    try:
        meta = json.loads((folder / META).read_text(encoding="utf-8"))
        if (meta["similarity"], meta["bands"], meta["rows"], meta["seed"], meta["shingle"], meta["min_chars"]) != \
                (similarity, BANDS, ROWS, SEED, SHINGLE, MIN_CHARS) or not (folder / DONE).is_file():
            return None
        loaded = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in FILES if name != "para_cluster"}
    except (OSError, ValueError, KeyError):
        return None
    return {"notices": meta["notices"], "notice": loaded["para_notice"], "n": loaded["para_n"].astype(np.int64),
            "hash": loaded["para_hash"], "flags": loaded["para_flags"],
            "bands": loaded["para_bands"], "pair_a": loaded["pair_a"].astype(np.int64),
            "pair_b": loaded["pair_b"].astype(np.int64), "pair_score": loaded["pair_score"]}


def check(gen):
    """Refuse a generation whose duplicates folder is missing or does not fit together."""
    folder = Path(gen) / FOLDER
    if not (folder / DONE).is_file():
        raise ArraysError(f"{folder} is missing or incomplete")
    count = len(np.load(folder / "para_n.npy", mmap_mode="r", allow_pickle=False))
    for name in ("para_notice", "para_flags", "para_hash", "para_bands", "para_cluster"):
        if len(np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)) != count:
            raise ArraysError(f"{folder}/{name}.npy does not describe {count} paragraphs")
