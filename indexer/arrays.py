"""Side-car arrays of a Whoosh segment: what the search engine reads at query time.

Whoosh decodes postings block by block (zlib, then unpickle) and scores in pure
Python; measured at 10,000 notices that made a broad word take seconds and a
server hold gigabytes of per-paragraph objects. So when a segment is written,
the builder also writes, next to it, plain numpy arrays that a server maps into
memory (`np.load(mmap_mode="r")`) in milliseconds:

* the folded text of every paragraph as code points, and a positional index of
  its character bigrams: for each bigram, every position where it starts. A
  string of n ≥ 2 characters occurs at position p exactly when each of its
  bigrams occurs at p + i, so exact substring search is a few sorted-array
  lookups, with no verification pass and nothing jieba could miss;
* the same index over the segment's distinct heading paths (a path repeats on
  every paragraph under it);
* the `text` field's postings read back from Whoosh (word → documents and
  weights), and each document's length, for BM25 without Whoosh's matchers;
* per document: notice, paragraph number, heading path, category, role and
  problem types, as small integer codes into the segment's `meta.json`;
* each paragraph's text and headings as written (`display.bin`), so a result
  page reads twenty short records instead of parsing whole notices.

A segment never changes once written (Whoosh records deletions in its TOC), so
its arrays never change either: an update writes arrays for its new segment and
hard-links the rest, and a server takes deletions from Whoosh.

Layout: ``GEN/arrays/<Whoosh segment id>/`` with the files named in `FILES`,
`text_*` and `headings_*` (`STRING_FILES`), `meta.json`, `display.bin` and `DONE`.
Nothing here is pickled: arrays load with ``allow_pickle=False`` and the rest is JSON.
"""

import json
import mmap
import os
import shutil
from pathlib import Path

import numpy as np

from .analysis import fold
from .schema import HEADING_SEPARATOR

FOLDER = "arrays"
META = "meta.json"
#: Each paragraph's text and headings as written, one JSON array after another, for showing hits.
DISPLAY = "display.bin"
DONE = "DONE"
#: Bits of the second character in a bigram key: every code point fits in 21 bits.
CHAR_BITS = 21
FILES = ("doc_notice", "doc_n", "doc_heading", "doc_category", "doc_role", "doc_types",
         "word_starts", "word_docs", "word_weights", "text_length", "display_starts")
#: The positional bigram index of a list of strings, kept for paragraph texts and for heading paths.
STRING_FILES = ("codes", "starts", "keys", "key_starts", "pos")
#: `Strings.owners` finds a position's string from the one its block of 2**BLOCK_BITS code points begins in.
BLOCK_BITS = 5


class ArraysError(Exception):
    """A segment's side-car arrays are missing or do not fit its Whoosh segment."""


def record(notice, paragraph):
    """What the arrays keep of one paragraph: (notice id, n, text, headings, category, role, problem types)."""
    get = (lambda obj, key: obj.get(key)) if isinstance(paragraph, dict) else getattr
    notice_id = notice["id"] if isinstance(notice, dict) else notice.id
    return (notice_id, get(paragraph, "n"), get(paragraph, "text"), tuple(get(paragraph, "headings") or ()),
            get(paragraph, "category") or "", get(paragraph, "role") or "",
            tuple(get(paragraph, "problem_types") or ()))


def doc_key(notice_id, n):
    return f"{notice_id}:{n}"


def segment_folder(gen, segment):
    return Path(gen) / FOLDER / segment.segment_id()


def write(folder, reader, records):
    """Write the arrays of the segment `reader` reads; `records` maps each doc key to its `record`.

    The documents are taken in the segment's own order (its `doc_key` column), so
    the arrays line up with Whoosh's document numbers whoever filled the segment.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    keys = [k.decode() if isinstance(k, bytes) else k for k in reader.column_reader("doc_key")]
    try:
        docs = [records[k] for k in keys]
    except KeyError as exc:
        raise ArraysError(f"segment document {exc} has no record") from None
    size = len(docs)
    notices, categories, roles, types, headings = {}, {"": -1}, {"": -1}, {}, {}

    def code(table, value):
        return table.setdefault(value, len(table) - (1 if "" in table else 0))

    # One translate over everything: folding keeps lengths, so the pieces split back apart.
    texts = _split(fold("\0".join(d[2] for d in docs)), size)
    paths = _split(fold("\0".join(HEADING_SEPARATOR.join(d[3]) for d in docs)), size)
    display = [json.dumps([d[2], d[3]], ensure_ascii=False).encode("utf-8") for d in docs]
    arrays = {
        "doc_notice": np.array([notices.setdefault(d[0], len(notices)) for d in docs], dtype=np.int32),
        "doc_n": np.array([d[1] for d in docs], dtype=np.int32),
        "doc_heading": np.array([headings.setdefault(path, len(headings)) for path in paths], dtype=np.int32),
        "doc_category": np.array([code(categories, d[4]) for d in docs], dtype=np.int32),
        "doc_role": np.array([code(roles, d[5]) for d in docs], dtype=np.int32),
        "doc_types": np.array([types.setdefault(d[6], len(types)) for d in docs], dtype=np.int32),
    }
    arrays["display_starts"] = np.concatenate(([0], np.cumsum([len(b) for b in display]))).astype(np.int64)
    (folder / DISPLAY).write_bytes(b"".join(display))
    for prefix, strings in (("text", texts), ("headings", list(headings))):
        arrays.update({f"{prefix}_{name}": array for name, array in _bigram_index(strings).items()})
    arrays.update(_postings(reader, "text", size))
    terms = arrays.pop("terms")
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array, allow_pickle=False)
    meta = {"docs": size, "notices": list(notices), "headings": list(headings),
            "categories": [c for c in categories if c], "roles": [r for r in roles if r],
            "types": [list(t) for t in types], "terms": terms}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / DONE).write_text("")


def _split(joined, count):
    return joined.split("\0") if count else []


def _bigram_index(texts):
    """Code points of the texts (each followed by 0) and the positional bigram index over them."""
    joined = "".join(t + "\0" for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32) if joined else np.zeros(0, np.uint32)
    lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
    starts = np.zeros(len(texts) + 1, dtype=np.int64)
    np.cumsum(lengths, out=starts[1:])
    # Every character but the separators starts exactly one bigram (the last of a
    # paragraph pairs with its 0), so a one-character string finds its positions too.
    positions = np.flatnonzero(codes[:-1]).astype(np.int32) if len(codes) > 1 else np.zeros(0, np.int32)
    keys = (codes[positions].astype(np.uint64) << np.uint64(CHAR_BITS)) | codes[positions + 1].astype(np.uint64)
    order = np.argsort(keys, kind="stable")  # stable: positions stay ascending within a bigram
    keys, positions = keys[order], positions[order]
    first = np.flatnonzero(np.concatenate(([True], keys[1:] != keys[:-1]))) if len(keys) else np.zeros(0, np.int64)
    return {"codes": codes, "starts": starts, "keys": keys[first],
            "key_starts": np.append(first, len(keys)).astype(np.int64), "pos": positions}


def _postings(reader, field, size):
    """The field's postings as CSR arrays by word, and each document's length (its total weight)."""
    terms, starts, docs, weights = [], [0], [], []
    if field in reader.indexed_field_names():
        for term in reader.lexicon(field):
            ids, ws = _read_matcher(reader.postings(field, term))
            terms.append(term.decode("utf-8") if isinstance(term, bytes) else term)
            docs.append(ids)
            weights.append(ws)
            starts.append(starts[-1] + len(ids))
    docs = np.concatenate(docs) if docs else np.zeros(0, np.int32)
    weights = np.concatenate(weights) if weights else np.zeros(0, np.float32)
    length = np.bincount(docs, weights=weights, minlength=size).astype(np.float32)
    return {"terms": terms, "word_starts": np.array(starts, dtype=np.int64), "word_docs": docs,
            "word_weights": weights, "text_length": length}


def _read_matcher(matcher):
    """All (docnums, weights) of one term's postings, a block at a time.

    Reads the blocks of Whoosh's W3 matcher directly (its `_read_ids` family):
    going posting by posting through the public `id()`/`weight()` costs a Python
    call each, and this runs over every posting of the index.
    """
    if not hasattr(matcher, "_read_ids"):  # few postings, inlined in the term info (a ListMatcher)
        ids = np.asarray(matcher._ids, dtype=np.int32)
        weights = matcher._weights
        if weights is None:
            weights = np.ones(len(ids), dtype=np.float32)
        return ids, np.asarray(weights, dtype=np.float32)
    ids, weights = [], []
    while matcher.is_active():
        matcher._read_ids()
        matcher._read_weights()
        ids.append(np.asarray(matcher._ids, dtype=np.int32))
        weights.append(np.asarray(matcher._weights, dtype=np.float32))
        matcher._next_block()
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float32)
    return np.concatenate(ids), np.concatenate(weights)


def documents_in(folder):
    """How many documents a finished arrays folder describes (what verification needs, cheaply)."""
    folder = Path(folder)
    if not (folder / DONE).is_file():
        raise ArraysError(f"{folder} is missing or incomplete")
    starts = _load(folder, "display_starts")
    notices = _load(folder, "doc_notice")
    if len(starts) != len(notices) + 1:
        raise ArraysError(f"{folder} holds arrays of different lengths")
    return len(notices)


class SegmentArrays:
    """One segment's side-car arrays, memory-mapped, and its `meta.json`."""

    def __init__(self, folder):
        folder = self.folder = Path(folder)
        if not (folder / DONE).is_file():
            raise ArraysError(f"{folder} is missing or incomplete")
        self.meta = json.loads((folder / META).read_text(encoding="utf-8"))
        for name in FILES:
            setattr(self, name, _load(folder, name))
        self.size = self.meta["docs"]
        self.text = Strings(folder, "text")
        self.headings = Strings(folder, "headings")
        if len(self.doc_notice) != self.size or self.text.count != self.size \
                or self.headings.count != len(self.meta["headings"]):
            raise ArraysError(f"{folder} does not describe {self.size} documents")
        self.terms = {term: i for i, term in enumerate(self.meta["terms"])}
        # Mapped like the arrays: a hit's text is then a slice of memory the kernel keeps
        # mapped, not a read that misses whenever the page cache was reclaimed.
        _prefetch(folder / DISPLAY)
        with open(folder / DISPLAY, "rb") as data:
            size = os.fstat(data.fileno()).st_size
            if size != int(self.display_starts[-1]):
                raise ArraysError(f"{folder / DISPLAY} is not as long as its index says")
            self._display = mmap.mmap(data.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        # Heading path -> its documents (CSR), so a matching path costs its own paragraphs only.
        self.heading_order = np.argsort(np.asarray(self.doc_heading), kind="stable").astype(np.int32)
        self.heading_starts = np.searchsorted(np.asarray(self.doc_heading)[self.heading_order],
                                              np.arange(self.headings.count + 1)).astype(np.int64)

    def display(self, doc):
        """(text, headings) of one document as written in the notice."""
        start, end = int(self.display_starts[doc]), int(self.display_starts[doc + 1])
        text, headings = json.loads(self._display[start:end])
        return text, headings

    def docs_under(self, headings):
        """Documents (in no particular order) whose heading path is one of the distinct `headings`."""
        headings = np.asarray(headings, dtype=np.int64)
        lo, counts = self.heading_starts[headings], self.heading_starts[headings + 1] - self.heading_starts[headings]
        if not counts.sum():
            return np.zeros(0, dtype=np.int64)
        # The k-th index of the whole is lo[j] + (k - first[j]) for the range j it falls in.
        first = np.cumsum(counts) - counts
        indexes = np.arange(int(counts.sum())) - np.repeat(first - lo, counts)
        return self.heading_order[indexes]

    def word(self, word):
        """(documents, weights) of a jieba word in the `text` field, or None."""
        i = self.terms.get(word)
        if i is None:
            return None
        lo, hi = self.word_starts[i], self.word_starts[i + 1]
        return self.word_docs[lo:hi], self.word_weights[lo:hi]


class Strings:
    """A list of folded strings as code points, with the positional index of their bigrams."""

    def __init__(self, folder, prefix):
        for name in STRING_FILES:
            setattr(self, name, _load(folder, f"{prefix}_{name}"))
        self.count = len(self.starts) - 1
        self._index_blocks()

    @classmethod
    def build(cls, texts):
        """The same index built in memory, for a few short strings (notice titles and units)."""
        strings = cls.__new__(cls)
        for name, array in _bigram_index(texts).items():
            setattr(strings, name, array)
        strings.count = len(texts)
        strings._index_blocks()
        return strings

    def _index_blocks(self):
        """The string each block of 2**BLOCK_BITS code points begins in, for `owners`.

        A binary search of the starts per position was a third of a query's time at
        10,000 notices; from here a position is at most a few strings away (a block
        holds about one string start, on average a paragraph is ~70 characters).
        Computed at load from the starts, not stored: 2 MB per segment there.
        """
        blocks = (int(self.starts[-1]) >> BLOCK_BITS) + 1
        self._block_owner = (np.searchsorted(self.starts, np.arange(blocks, dtype=np.int64) << BLOCK_BITS,
                                             side="right") - 1).astype(np.int64)

    def bigram(self, key):
        """Ascending positions where the bigram with this key starts."""
        i = int(np.searchsorted(self.keys, key))
        if i == len(self.keys) or self.keys[i] != key:
            return self.pos[:0]
        return self.pos[self.key_starts[i]:self.key_starts[i + 1]]

    def starting_with(self, char):
        """Positions (in no particular order) of every bigram whose first character is `char`."""
        low = np.uint64(ord(char) << CHAR_BITS)
        high = np.uint64((ord(char) + 1) << CHAR_BITS)
        lo, hi = np.searchsorted(self.keys, [low, high])
        return self.pos[self.key_starts[lo]:self.key_starts[hi]]

    def owners(self, positions):
        """The string holding each of these character positions (the same as a binary search of the starts)."""
        positions = np.asarray(positions)
        owner = self._block_owner[positions >> BLOCK_BITS]
        behind = np.flatnonzero(self.starts[owner + 1] <= positions)
        while len(behind):  # at most as often as strings start in one block
            owner[behind] += 1
            behind = behind[self.starts[owner[behind] + 1] <= positions[behind]]
        return owner

    def holding(self, positions):
        """The strings (ascending, distinct) holding these character positions."""
        found = self.owners(positions)
        mark = np.zeros(self.count, dtype=bool)
        mark[found] = True
        return np.flatnonzero(mark)

    def string(self, i):
        return self.codes[self.starts[i]:self.starts[i + 1] - 1].tobytes().decode("utf-32-le")


def _load(folder, name):
    path = Path(folder) / f"{name}.npy"
    _prefetch(path)
    # A plain ndarray over the mapping: np.memmap's Python-level __getitem__ cost
    # 0.45 ms per query at 10,000 notices, over a few hundred slices.
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))


def _prefetch(path):
    """Ask the kernel to read a file into its page cache now, in the background.

    Arrays are memory-mapped, so after a reboot the first searches would wait on
    random disk reads page by page; read-ahead of whole files at load shortens
    that and costs no process memory (the page cache is not the server's RSS).
    A server start waits for the read itself (`read_through`).
    """
    try:
        with open(path, "rb") as data:
            os.posix_fadvise(data.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
    except (AttributeError, OSError):  # no fadvise here: the first searches are just slower
        pass


def read_through(folder):
    """Read every file of an arrays folder once, so the page cache holds it before the first search.

    `_prefetch` only asks, and the kernel reads in the background: a search
    right after start-up (or after a machine reclaimed idle page cache) still
    waited on disk, 100 ms for the first query at 10,000 notices. A server calls
    this once at start-up (`Engine.warm`): for the 634 MB of arrays at 10,000
    notices, 0.3 s after the load's read-ahead, 13 s once when this machine's
    disk itself was cold.
    """
    buffer = bytearray(1 << 20)
    try:
        for path in sorted(Path(folder).iterdir()):
            with open(path, "rb", buffering=0) as data:
                while data.readinto(buffer):
                    pass
    except OSError:  # a generation removed under us: only a warm-up is lost; searches report it
        pass


def link_or_copy(source, target):
    """Give `target` the arrays folder `source`: hard links where possible (segments never change)."""
    target.mkdir(parents=True, exist_ok=True)
    for path in Path(source).iterdir():
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)
