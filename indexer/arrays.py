"""Side-car arrays of a Whoosh segment: their format, and writing them when a segment is written.

Whoosh decodes postings block by block (zlib, then unpickle) and scores in pure
Python; measured at 10,000 notices that made a broad word take seconds and a
server hold gigabytes of per-paragraph objects. So when a segment is written,
the builder also writes, next to it, plain numpy arrays that a server maps into
memory (`np.load(mmap_mode="r")`) in milliseconds:

* a positional index of the folded text's character bigrams: for each bigram,
  every position where it starts in the paragraphs' folded text laid end to
  end. A string of n ≥ 2 characters occurs at position p exactly when each of
  its bigrams occurs at p + i, so exact substring search is a few sorted-array
  lookups, with no verification pass and nothing jieba could miss. The folded
  text itself is not kept (it was a tenth of the index): where a check needs a
  paragraph's characters, it folds the displayed text again;
* the same index over the segment's distinct heading paths (a path repeats on
  every paragraph under it), and where one heading of a path ends and the next
  begins (`heading_breaks`), for how far up a match is;
* the `text` field's postings read back from Whoosh (word → documents and
  weights), and each document's length, for BM25 without Whoosh's matchers;
* per document: notice, paragraph number, heading path, category, roles (the
  primary one first) and problem types, as small integer codes into the
  segment's `meta.json` (a set of roles or types is coded as one combination;
  the heading paths are listed there as written, for showing);
* each paragraph's text as written (`display.bin`), and each distinct heading
  path as written (`paths.bin`), each compressed alone with zstd and a
  dictionary trained on the segment's own texts (`display.dict`, `paths.dict`):
  a hit decompresses its own paragraph (about 10 µs) and nothing else, and the
  text takes a quarter of its size (zlib over blocks of 32 paragraphs took half,
  and a page of hits paid for 32 paragraphs each).

A segment never changes once written (Whoosh records deletions in its TOC), so
its arrays never change either: an update writes arrays for its new segment and
hard-links the rest, and a server takes deletions from Whoosh. The reading side
is `search_core.embedded.segment`.

Layout: ``GEN/arrays/<Whoosh segment id>/`` with the files named in `FILES`,
`text_*` and `headings_*` (`STRING_FILES`), `meta.json`, `display.bin` and `DONE`.
Nothing here is pickled: arrays load with ``allow_pickle=False`` and the rest is JSON.
"""

import json
import sys
from pathlib import Path

import numpy as np

if sys.version_info >= (3, 14):
    from compression import zstd
else:
    from backports import zstd

from .folding import fold
from .errors import ArraysError
from .schema import HEADING_SEPARATOR

FOLDER = "arrays"
META = "meta.json"
#: Each paragraph's text as written, a zstd frame each, for showing hits (`write_compressed`): display.bin,
#: display.dict, and `display_starts` where each frame starts.
DISPLAY = "display"
#: Each distinct heading path as written (its headings joined by PATH_JOINER), stored the same way.
PATHS = "paths"
PATH_JOINER = "\x1f"
#: The dictionary trained for a stored list: 64 kB took the paragraphs to 24% of their size (32 kB: 28%).
DICT_SIZE = 64 * 1024
#: At most this many of a list's values train its dictionary: 4,000 of 24,600 paragraphs trained one in 0.8 s that
#: compressed them to 24.3%; 8,000 took 1.6 s for 23.9%.
DICT_SAMPLES = 4_000
#: zstd's level: 3 (its default) compressed a segment's paragraphs in 0.05 s; 9 saved 7% more in 14 times the time.
ZSTD_LEVEL = 3
DONE = "DONE"
#: Bits of the second character in a bigram key: every code point fits in 21 bits.
CHAR_BITS = 21
FILES = ("doc_notice", "doc_n", "doc_heading", "doc_category", "doc_role", "doc_types",
         "word_starts", "word_docs", "word_weights", "text_length", "display_starts", "path_starts", "heading_breaks")
#: The positional bigram index of a list of strings, kept for the paragraph texts and the heading paths; their
#: code points are not kept (`segment.SegmentArrays` folds the text shown where a check needs them).
STRING_FILES = ("starts", "keys", "key_starts", "pos")
#: `Strings.owners` finds a position's string from the one its block of 2**BLOCK_BITS code points begins in.
BLOCK_BITS = 5


def record(notice, paragraph):
    """What the arrays keep of one paragraph: (notice id, n, text, headings, category, roles, problem types).

    The roles are a tuple, the primary role first.
    """
    get = (lambda obj, key: obj.get(key)) if isinstance(paragraph, dict) else getattr
    notice_id = notice["id"] if isinstance(notice, dict) else notice.id
    role = get(paragraph, "role") or ""
    roles = tuple(get(paragraph, "roles") or ((role,) if role else ()))
    return (notice_id, get(paragraph, "n"), get(paragraph, "text"), tuple(get(paragraph, "headings") or ()),
            get(paragraph, "category") or "", roles, tuple(get(paragraph, "problem_types") or ()))


def records(notice):
    """{doc key: record} of every paragraph of a Notice."""
    return {doc_key(notice.id, p.n): record(notice, p) for p in notice.paragraphs}


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
    notices, categories, roles, types, headings = {}, {"": -1}, {}, {}, {}

    def code(table, value):
        return table.setdefault(value, len(table) - (1 if "" in table else 0))

    # One translate over everything: folding keeps lengths, so the pieces split back apart.
    texts = _split(fold("\0".join(d[2] for d in docs)), size)
    arrays = {
        "doc_notice": np.array([notices.setdefault(d[0], len(notices)) for d in docs], dtype=np.int32),
        "doc_n": np.array([d[1] for d in docs], dtype=np.int32),
        "doc_heading": np.array([headings.setdefault(d[3], len(headings)) for d in docs], dtype=np.int32),
        "doc_category": np.array([code(categories, d[4]) for d in docs], dtype=np.int32),
        "doc_role": np.array([roles.setdefault(d[5], len(roles)) for d in docs], dtype=np.int32),
        "doc_types": np.array([types.setdefault(d[6], len(types)) for d in docs], dtype=np.int32),
    }
    arrays["display_starts"] = write_compressed(folder, DISPLAY, [d[2] for d in docs])
    arrays["path_starts"] = write_compressed(folder, PATHS, [PATH_JOINER.join(path) for path in headings])
    arrays.update({f"text_{name}": array for name, array in bigram_index(texts).items() if name in STRING_FILES})
    del texts
    paths = _split(fold("\0".join(HEADING_SEPARATOR.join(path) for path in headings)), len(headings))
    index = bigram_index(paths)
    arrays["heading_breaks"] = np.flatnonzero(index["codes"] == ord(HEADING_SEPARATOR.strip())).astype(np.int64)
    arrays.update({f"headings_{name}": array for name, array in index.items() if name in STRING_FILES})
    arrays.update(_postings(reader, "text", size))
    terms = arrays.pop("terms")
    for name, array in arrays.items():
        np.save(folder / f"{name}.npy", array, allow_pickle=False)
    meta = {"docs": size, "notices": list(notices), "headings": len(headings),
            "categories": [c for c in categories if c], "roles": [list(r) for r in roles],
            "types": [list(t) for t in types], "terms": terms}
    (folder / META).write_text(json.dumps(meta, ensure_ascii=False), encoding="utf-8")
    (folder / DONE).write_text("")


def write_compressed(folder, name, values):
    """Write the strings `values` as `name`.bin, each a zstd frame of its own, and the dictionary that
    compressed them as `name`.dict (empty when there was too little text to train one); return where each
    frame starts, and the end."""
    data = [v.encode("utf-8") for v in values]
    sample = data[::max(1, len(data) // DICT_SAMPLES)]
    size = min(DICT_SIZE, sum(map(len, sample)) // 100)  # zstd wants ~100 times the dictionary in samples
    trained = None
    if size >= 1024:
        try:
            trained = zstd.train_dict(sample, size)
        except zstd.ZstdError:  # too few or too alike samples: no dictionary, frames on their own
            trained = None
    compressor = zstd.ZstdCompressor(level=ZSTD_LEVEL, zstd_dict=trained.as_digested_dict if trained else None)
    frames = [compressor.compress(d, mode=zstd.ZstdCompressor.FLUSH_FRAME) for d in data]
    (Path(folder) / f"{name}.dict").write_bytes(trained.dict_content if trained else b"")
    (Path(folder) / f"{name}.bin").write_bytes(b"".join(frames))
    return np.concatenate(([0], np.cumsum([len(f) for f in frames]))).astype(np.int64)


def shown_texts(folder, docs):
    """The texts as written of documents `docs` of a segment's arrays folder (what `write_compressed` stored)."""
    folder = Path(folder)
    starts = np.asarray(load(folder, "display_starts"))
    content = (folder / f"{DISPLAY}.dict").read_bytes()
    trained = zstd.ZstdDict(content).as_digested_dict if content else None
    data = (folder / f"{DISPLAY}.bin").read_bytes()
    return [zstd.decompress(data[starts[d]:starts[d + 1]], zstd_dict=trained).decode("utf-8") for d in docs]


def _split(joined, count):
    return joined.split("\0") if count else []


def bigram_index(texts):
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
    # Weights are sums of 1 and SUBWORD_BOOST (0.5): float16 holds them exactly up to 1,024, in half the
    # space; a segment with a word repeated more often in one paragraph keeps float32.
    exact = np.float16 if not len(weights) or weights.max() <= F16_EXACT else np.float32
    return {"terms": terms, "word_starts": np.array(starts, dtype=np.int64), "word_docs": docs,
            "word_weights": weights.astype(exact), "text_length": length}


#: Up to here float16 holds every multiple of 0.5 exactly.
F16_EXACT = 1024


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
    starts = load(folder, "display_starts")
    notices = load(folder, "doc_notice")
    if len(starts) != len(notices) + 1:
        raise ArraysError(f"{folder} holds arrays of different lengths")
    return len(notices)


def load(folder, name):
    """One array of an arrays folder, memory-mapped; never unpickled."""
    return np.load(Path(folder) / f"{name}.npy", mmap_mode="r", allow_pickle=False)
