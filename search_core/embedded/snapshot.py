"""One index generation loaded for searching: the catalog, the segments' arrays, per-document codes.

Loading maps each segment's side-car arrays (`segment`) into memory and turns
their segment-local codes into index-wide ones, so a document number (Whoosh's,
across segments) indexes every per-document array directly. Nothing is built
per paragraph in Python.

Deleted documents (an update deletes a changed notice's paragraphs; Whoosh
keeps their numbers until a merge) stay in the arrays and are never `live`.
"""

import functools
import os
import resource
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np
from whoosh import index as whoosh_index

from indexer import arrays, catalog, store
from indexer.folding import fold
from indexer.errors import ArraysError
from indexer.notice import display_title

from . import counting, similar
from .lexicon import LazyLexicon
from .segment import SegmentArrays, Strings

#: Whole notices kept parsed for showing hits (a document cache; results are never cached).
NOTICE_CACHE = 256


def allow_open_files():
    """Raise this process's soft limit on open files to its hard limit.

    Each memory-mapped array keeps a file descriptor (Python's mmap holds a
    duplicate); at 100,000 notices an index maps about 1,500 files, past the
    soft limit of 1,024 many systems start processes with.
    """
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or soft < hard:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
        except (ValueError, OSError):
            pass  # as many as we may; a failed open then names its file


class Snapshot:
    def __init__(self, gen):
        allow_open_files()
        self.gen = Path(gen)
        self.catalog = catalog.read(self.gen / catalog.CATALOG)
        self.by_id = {entry["id"]: i for i, entry in enumerate(self.catalog)}
        self.titles = [display_title(entry) for entry in self.catalog]
        self._notices = open(self.gen / store.NOTICES, "rb")  # read with pread; closed with the snapshot
        self._cache = OrderedDict()
        self._cache_lock = threading.Lock()
        ix = whoosh_index.open_dir(str(self.gen / store.WHOOSH))
        self.segments, self.offsets, live = [], [], []
        offset = 0
        for segment in ix._segments():
            seg = SegmentArrays(arrays.segment_folder(self.gen, segment))
            if seg.size != segment.doc_count_all():
                raise ArraysError(f"arrays of segment {segment.segment_id()} do not fit it")
            alive = np.ones(seg.size, dtype=bool)
            alive[list(segment.deleted_docs())] = False
            self.segments.append(seg)
            self.offsets.append(offset)
            live.append(alive)
            offset += seg.size
        self.size = offset
        self._load_documents(live)
        self.similar = similar.load(self)
        self.facets = counting.load(self)
        self._load_orders()
        self.lexicon = LazyLexicon(self)

    def _load_documents(self, live):
        """Each document's notice (a catalog index; -1 for one whose notice is gone, never live) and number."""
        segs = self.segments

        def concat(parts, dtype=np.int32):
            return np.concatenate(parts).astype(dtype) if parts else np.zeros(0, dtype)

        self.notice_of = concat([np.array([self.by_id.get(i, -1) for i in s.meta["notices"]] + [-1],
                                          dtype=np.int32)[s.doc_notice] for s in segs])
        self.n_of = concat([s.doc_n for s in segs])
        self.live = concat(live, bool) & (self.notice_of >= 0)
        self.live_count = int(self.live.sum())
        self.notice_fields = {"title": Strings.build([fold(e["title"] or "") for e in self.catalog]),
                              "issuer": Strings.build([fold(e["issuer"] or "") for e in self.catalog])}

    def _load_orders(self):
        """The fixed orders: notices by date, paragraphs by (notice id, n) for ties."""
        notices = len(self.catalog)
        by_date = sorted(range(notices), key=lambda i: (self.catalog[i]["date"] or "", self.catalog[i]["id"]))
        self.date_rank = np.zeros(notices + 1, dtype=np.int64)
        self.date_rank[by_date] = np.arange(notices)
        by_id = sorted(range(notices), key=lambda i: self.catalog[i]["id"])
        self.id_rank = np.zeros(notices + 1, dtype=np.int64)
        self.id_rank[by_id] = np.arange(notices)
        # Unique per document: notice (by id), then paragraph number.
        self.tiebreak = self.id_rank[self.notice_of] * (1 << 20) + self.n_of

    @functools.cached_property
    def oldest_rank(self):
        """Each document's place when sorted oldest notice first; made when a search first sorts by date (two
        sorts of every document: a second of a server's start at 100,000 notices)."""
        rank = np.empty(self.size, dtype=np.int64)
        rank[np.lexsort((self.tiebreak, self.date_rank[self.notice_of]))] = np.arange(self.size)
        return rank

    @functools.cached_property
    def newest_rank(self):
        rank = np.empty(self.size, dtype=np.int64)
        rank[np.lexsort((self.tiebreak, -self.date_rank[self.notice_of]))] = np.arange(self.size)
        return rank

    # --- documents ---

    def locate(self, docnum):
        """(segment arrays, local document number) of an index-wide document number."""
        i = int(np.searchsorted(self.offsets, docnum, side="right")) - 1
        return self.segments[i], int(docnum) - self.offsets[i]

    def notice_at(self, index):
        """The whole notice (the parser's dict) at this catalog index, read from the notices file."""
        with self._cache_lock:
            if index in self._cache:
                self._cache.move_to_end(index)
                return self._cache[index]
        entry = self.catalog[index]
        notice = catalog.unpack(os.pread(self._notices.fileno(), entry["length"], entry["offset"]), self.gen)
        with self._cache_lock:
            self._cache[index] = notice
            while len(self._cache) > NOTICE_CACHE:
                self._cache.popitem(last=False)
        return notice

    def notice(self, notice_id):
        index = self.by_id.get(notice_id)
        return None if index is None else self.notice_at(index)

    def prefetch(self, docnums):
        """Nothing to fetch ahead: every paragraph is in the mapped arrays."""

    def paragraph(self, docnum):
        """(catalog entry, text, headings, category, roles (primary first), problem types) of a document."""
        seg, local = self.locate(docnum)
        text, headings = seg.display(local)
        return (self.catalog[int(self.notice_of[docnum])], text, headings, self.facets["category"].value(docnum),
                self.facets["role"].value(docnum), self.facets["problem_type"].value(docnum))
