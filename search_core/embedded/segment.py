"""One segment's side-car arrays, as the search engine reads them: memory-mapped, never unpickled.

`indexer.arrays` writes them and documents the format; this is the reading
side. A server maps every array (`np.load(mmap_mode="r")`), so opening an index
of hundreds of thousands of paragraphs takes about a second and the arrays live
in the page cache, not in the process.
"""

import json
import mmap
import os
from pathlib import Path

import numpy as np

from indexer.arrays import (BLOCK_BITS, CHAR_BITS, DISPLAY, DONE, FILES, META, PATH_JOINER, PATHS, STRING_FILES,
                            bigram_index, zstd)
from indexer.errors import ArraysError
from indexer.folding import fold
from indexer.schema import HEADING_SEPARATOR

from . import pagecache


class Compressed:
    """A list of strings stored a zstd frame each, with the dictionary they were compressed with
    (`indexer.arrays.write_compressed`).

    The file is memory-mapped, like the arrays: reading a value is a slice of
    memory the kernel keeps mapped, not a read that misses whenever the page
    cache was reclaimed, and it decompresses that value alone.
    """

    def __init__(self, folder, name, starts, count):
        path = Path(folder) / f"{name}.bin"
        pagecache.prefetch(path)
        with open(path, "rb") as data:
            size = os.fstat(data.fileno()).st_size
            if size != int(starts[-1]) or len(starts) != count + 1:
                raise ArraysError(f"{path} is not as long as its index says")
            self._data = mmap.mmap(data.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        content = (Path(folder) / f"{name}.dict").read_bytes()
        self._dict = zstd.ZstdDict(content).as_digested_dict if content else None
        self.starts = starts

    def get(self, i):
        return zstd.decompress(self._data[int(self.starts[i]):int(self.starts[i + 1])],
                               zstd_dict=self._dict).decode("utf-8")


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
        self.text = Strings(folder, "text", string=lambda i: fold(self.display(i)[0]))
        self.headings = Strings(folder, "headings", string=lambda i: fold(self.paths.get(i).replace(PATH_JOINER, HEADING_SEPARATOR)))
        if len(self.doc_notice) != self.size or self.text.count != self.size \
                or self.headings.count != self.meta["headings"]:
            raise ArraysError(f"{folder} does not describe {self.size} documents")
        self.terms = {term: i for i, term in enumerate(self.meta["terms"])}
        self.texts = Compressed(folder, DISPLAY, self.display_starts, self.size)
        self.paths = Compressed(folder, PATHS, self.path_starts, self.headings.count)
        # Heading path -> its documents (CSR), so a matching path costs its own paragraphs only.
        self.heading_order = np.argsort(np.asarray(self.doc_heading), kind="stable").astype(np.int32)
        self.heading_starts = np.searchsorted(np.asarray(self.doc_heading)[self.heading_order],
                                              np.arange(self.headings.count + 1)).astype(np.int64)

    def display(self, doc):
        """(text, headings) of one document as written in the notice."""
        path = self.paths.get(int(self.doc_heading[doc]))
        return self.texts.get(int(doc)), path.split(PATH_JOINER) if path else []

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

    def __init__(self, folder, prefix, string):
        """Map the arrays of `prefix`; `string(i)` gives string i, folded (the code points are not kept)."""
        for name in STRING_FILES:
            setattr(self, name, _load(folder, f"{prefix}_{name}"))
        self._string = string
        self.count = len(self.starts) - 1
        self._index_blocks()

    @classmethod
    def build(cls, texts):
        """The same index built in memory, for a few short strings (notice titles and units)."""
        strings = cls.__new__(cls)
        for name, array in bigram_index(texts).items():
            setattr(strings, name, array)
        strings.count = len(texts)
        strings._string = None  # `string` reads the code points kept in memory
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
        """String i, folded."""
        if self._string is not None:
            return self._string(i)
        return self.codes[self.starts[i]:self.starts[i + 1] - 1].tobytes().decode("utf-32-le")


def _load(folder, name):
    path = Path(folder) / f"{name}.npy"
    pagecache.prefetch(path)
    # A plain ndarray over the mapping: np.memmap's Python-level __getitem__ cost
    # 0.45 ms per query at 10,000 notices, over a few hundred slices.
    return np.asarray(np.load(path, mmap_mode="r", allow_pickle=False))
