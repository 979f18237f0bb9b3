"""Prototype: the same search without Whoosh at query time, to measure what the fixes would give.

Three changes to `search_app/search.py`, prototyped side by side with the real engine
on the same loaded index and checked against it query by query:

1. Matching: a character-bigram → docnum index (numpy CSR) narrows each term to the
   paragraphs holding all its bigrams; only those are verified with the same regex
   the engine uses. A two-character word needs no verification at all. The exact-
   substring guarantee is kept: every candidate is checked against the text itself.
2. Ranking: BM25F contributions precomputed per (field, term, docnum) from Whoosh's
   postings, read once into numpy arrays; a query adds a few arrays instead of
   decoding zlib+pickle posting blocks and matching phrases position by position.
   Multi-word terms are scored as the sum of their words (matching already
   guarantees the phrase), so only their order can differ from the engine's.
3. Facets: counts with np.bincount on the matching docnums; only the top values of
   each facet (plus the selected ones) become Python objects, instead of one per
   notice for the 通报 facet.

    python bench/experiments/fastpath.py --index bench/work/run-n10000/ours [--sidecar bench/work/sidecar-n10000]

Prints load time and memory of the side-car arrays, latency p50/p95/max of the
engine and of the prototype over bench/queries.py, and how often they agree.
"""

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(1, str(BENCH.parent))

from queries import QUERIES  # noqa: E402
from search_app.query import parse  # noqa: E402
from search_app.search import FACETS, MULTI_VALUED, Engine, SearchRequest  # noqa: E402
from indexer.analysis import fold, words  # noqa: E402

DOC_BITS = 21  # docnums below 2,097,152 (the 10,000-notice corpus has ~490,000)
SCORED = (("text", 1.0), ("headings", 2.0), ("title", 3.0))
FACET_TOP = 20


class BigramIndex:
    """Docnums holding each character bigram of a field's folded text (CSR over sorted bigrams)."""

    def __init__(self, texts):
        codes = np.frombuffer("\0".join(texts).encode("utf-32-le"), dtype=np.uint32)
        lengths = np.fromiter((len(t) + 1 for t in texts), dtype=np.int64, count=len(texts))
        doc = np.repeat(np.arange(len(texts), dtype=np.uint64), lengths)[:len(codes)]
        left, right = codes[:-1].astype(np.uint64), codes[1:].astype(np.uint64)
        keep = (left != 0) & (right != 0) & (left != 32) & (right != 32)
        # Sort and drop repeats by hand: np.unique on tens of millions of uint64 is 20x slower (numpy 2.4).
        pairs = np.sort((((left << np.uint64(21)) | right) << np.uint64(DOC_BITS) | doc[:-1])[keep])
        pairs = pairs[np.concatenate(([True], pairs[1:] != pairs[:-1]))]
        bigrams = pairs >> np.uint64(DOC_BITS)
        self.docs = (pairs & np.uint64((1 << DOC_BITS) - 1)).astype(np.int32)
        first = np.flatnonzero(np.concatenate(([True], bigrams[1:] != bigrams[:-1])))
        self.keys = bigrams[first]
        self.starts = np.append(first, len(bigrams)).astype(np.int64)

    def postings(self, a, b):
        key = np.uint64((ord(a) << 21) | ord(b))
        i = np.searchsorted(self.keys, key)
        if i == len(self.keys) or self.keys[i] != key:
            return self.docs[:0]
        return self.docs[self.starts[i]:self.starts[i + 1]]

    def candidates(self, parts):
        """Docnums holding every bigram of every part (None when a part is one character)."""
        lists = []
        for part in parts:
            if len(part) < 2:
                return None
            lists += [self.postings(part[i], part[i + 1]) for i in range(len(part) - 1) if part[i:i + 2].strip()]
        if not lists:
            return None
        lists.sort(key=len)
        found = lists[0]
        for other in lists[1:]:
            if not len(found):
                break
            found = intersect(found, other)
        return found

    def nbytes(self):
        return self.docs.nbytes + self.keys.nbytes + self.starts.nbytes

    def save(self, folder):
        for name in ("keys", "starts", "docs"):
            np.save(folder / f"{name}.npy", getattr(self, name))

    @classmethod
    def load(cls, folder):
        index = cls.__new__(cls)
        for name in ("keys", "starts", "docs"):
            setattr(index, name, np.load(folder / f"{name}.npy", mmap_mode="r"))
        return index


_scratch = {}


def intersect(a, b):
    """Sorted docnums in both sorted arrays, by marking the larger one: O(len(a) + len(b)), no sort."""
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    size = int(max(small[-1] if len(small) else 0, large[-1] if len(large) else 0)) + 1
    mark = _scratch.get("mark")
    if mark is None or len(mark) < size:
        mark = _scratch["mark"] = np.zeros(max(size, 1 << 20), dtype=bool)
    mark[large] = True
    out = small[mark[small]]
    mark[large] = False
    return out


class TermScores:
    """BM25F contribution of every (field, term) posting, read once from Whoosh into CSR arrays."""

    def __init__(self, searcher, field):
        from whoosh.scoring import BM25F

        reader = searcher.reader()
        weighting = BM25F()
        size = reader.doc_count_all()
        lengths = np.array([reader.doc_field_length(d, field, 1) for d in range(size)], dtype=np.float32)
        avg = searcher.avg_field_length(field) or 1.0
        norm = 1.2 * (0.25 + 0.75 * lengths / avg)  # BM25 with Whoosh's B=0.75, K1=1.2
        parts = {}  # term -> [(docnums, weights)] over the segments
        for leaf, offset in reader.leaf_readers():
            if field not in leaf.indexed_field_names():
                continue
            for term in leaf.lexicon(field):
                ids, weights = _read_postings(leaf.postings(field, term))
                parts.setdefault(term, []).append((ids + offset, weights))
        terms, starts, docs, scores = {}, [0], [], []
        for term, chunks in parts.items():
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            ids = np.concatenate([c[0] for c in chunks])
            weights = np.concatenate([c[1] for c in chunks])
            idf = weighting.scorer(searcher, field, text).idf
            terms[text] = len(terms)
            docs.append(ids)
            scores.append(idf * weights * 2.2 / (weights + norm[ids]))
            starts.append(starts[-1] + len(ids))
        self.terms = terms
        self.starts = np.array(starts, dtype=np.int64)
        self.docs = np.concatenate(docs) if docs else np.zeros(0, np.int32)
        self.scores = np.concatenate(scores).astype(np.float32) if scores else np.zeros(0, np.float32)

    def add(self, out, term):
        i = self.terms.get(term)
        if i is not None:
            lo, hi = self.starts[i], self.starts[i + 1]
            out[self.docs[lo:hi]] += self.scores[lo:hi]

    def term_docs(self, term):
        """Sorted docnums whose field has this jieba word (or a dictionary word inside a longer one)."""
        i = self.terms.get(term)
        return None if i is None else self.docs[self.starts[i]:self.starts[i + 1]]

    def nbytes(self):
        return self.docs.nbytes + self.scores.nbytes + self.starts.nbytes

    def save(self, folder):
        for name in ("starts", "docs", "scores"):
            np.save(folder / f"{name}.npy", getattr(self, name))
        (folder / "terms.json").write_text(json.dumps(list(self.terms), ensure_ascii=False), encoding="utf-8")

    @classmethod
    def load(cls, folder):
        scorer = cls.__new__(cls)
        for name in ("starts", "docs", "scores"):
            setattr(scorer, name, np.load(folder / f"{name}.npy", mmap_mode="r"))
        scorer.terms = {t: i for i, t in enumerate(json.loads((folder / "terms.json").read_text(encoding="utf-8")))}
        return scorer


def _read_postings(matcher):
    """All (docnums, weights) of a Whoosh leaf matcher, a block at a time (private W3 API, prototype only)."""
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


class FastPath:
    """Engine._match + facets on numpy side-car arrays; hits rendered by the engine's own code."""

    def __init__(self, engine, sidecar=None):
        self.engine = engine
        snap = self.snap = engine.snapshot()
        self.texts = {name: blob.text.split("\0") for name, blob in snap.fields.items()}
        t0 = time.perf_counter()
        if sidecar and (Path(sidecar) / "DONE").exists():
            self.bigrams = {name: BigramIndex.load(Path(sidecar) / f"bigrams-{name}") for name in self.texts}
            self.scorers = {field: TermScores.load(Path(sidecar) / f"bm25-{field}") for field, _ in SCORED}
            self.bigram_seconds, self.score_seconds = time.perf_counter() - t0, 0.0
            self.loaded = True
        else:
            self.bigrams = {name: BigramIndex(texts) for name, texts in self.texts.items()}
            self.bigram_seconds = time.perf_counter() - t0
            t0 = time.perf_counter()
            searcher = snap.searcher()
            self.scorers = {field: TermScores(searcher, field) for field, _ in SCORED}
            self.score_seconds = time.perf_counter() - t0
            self.loaded = False
            if sidecar:
                for name, index in self.bigrams.items():
                    (Path(sidecar) / f"bigrams-{name}").mkdir(parents=True, exist_ok=True)
                    index.save(Path(sidecar) / f"bigrams-{name}")
                for field, scorer in self.scorers.items():
                    (Path(sidecar) / f"bm25-{field}").mkdir(parents=True, exist_ok=True)
                    scorer.save(Path(sidecar) / f"bm25-{field}")
                (Path(sidecar) / "DONE").write_text("")
        # Single-valued facets as int codes (as the engine has them); multi-valued as CSR rows.
        self.multi = {}
        for name in MULTI_VALUED:
            codes = snap.facet_codes[name]
            rows, cols = np.nonzero(codes)
            self.multi[name] = (rows.astype(np.int32), cols.astype(np.int32))

    def nbytes(self):
        return (sum(b.nbytes() for b in self.bigrams.values()) + sum(s.nbytes() for s in self.scorers.values()))

    def term_docs(self, term, within=None):
        """Sorted docnums whose folded fields contain the term: bigram candidates, then verified.

        With `within` (sorted docnums already required by the rest of the query), only
        candidates among them are verified: an AND or an exclusion costs what it narrows.
        """
        parts = fold(term.text).split()
        pattern = re.compile(r"\s*".join(re.escape(p) for p in parts))
        found = []
        for name in term.fields:
            if name not in self.bigrams:  # title/issuer scopes: few notices, scan them as the engine does
                found.append(np.flatnonzero(self.snap.term_mask(type(term)(term.text, (name,), term.phrase))))
                continue
            cands = self.bigrams[name].candidates(parts)
            if cands is not None and within is not None:
                cands = intersect(cands, within)
            if cands is None:
                found.append(self.snap.fields[name].matching(pattern))
            elif len(parts) == 1 and len(parts[0]) == 2:
                found.append(cands)  # the bigram is the whole term: nothing to verify
            else:
                texts, needle = self.texts[name], parts[0] if len(parts) == 1 else None
                sure = None
                if needle is not None and name in self.scorers and words(needle) == [needle]:
                    # A paragraph indexed with the word itself holds the string: only the rest need a look.
                    sure = self.scorers[name].term_docs(needle)
                if sure is not None and len(sure):
                    mark = np.zeros(self.snap.size, dtype=bool)
                    mark[sure] = True
                    sure_here = cands[mark[cands]]
                    rest = cands[~mark[cands]]
                    extra = [d for d in rest.tolist() if needle in texts[d]]
                    found.append(np.sort(np.concatenate([sure_here, np.array(extra, dtype=np.int32)]))
                                 if extra else sure_here)
                elif needle is not None:
                    found.append(np.array([d for d in cands.tolist() if needle in texts[d]], dtype=np.int32))
                else:
                    found.append(np.array([d for d in cands.tolist() if pattern.search(texts[d])], dtype=np.int32))
        return found[0] if len(found) == 1 else union(found, self.snap.size)

    def search(self, request):
        """(total, top docnums, {facet: [(value, count)]}) like Engine.search, to compare and time."""
        snap = self.snap
        query = parse(request.q)
        base = None
        for clause in query.clauses:
            docs = [self.term_docs(t, base) for t in clause]
            clause_docs = docs[0] if len(docs) == 1 else union(docs, snap.size)
            base = clause_docs if base is None else intersect(base, clause_docs)
        if base is None:
            base = np.arange(snap.size, dtype=np.int32)
        for term in query.excluded:
            drop = np.zeros(snap.size, dtype=bool)
            drop[self.term_docs(term, base)] = True
            base = base[~drop[base]]
        selections = {name: self.engine._selection_mask(snap, name, values)
                      for name, values in request.filters.items() if values}
        matched = base
        for mask in selections.values():
            matched = matched[mask[matched]]
        facets = {name: self.facet(name, base, selections, request.filters.get(name, [])) for name, _, _ in FACETS}
        scores = np.zeros(snap.size, dtype=np.float32)
        for term in query.positive_terms():
            for token in words(term.text):
                for field, _ in SCORED:
                    self.scorers[field].add(scores, token)
        k = request.page * request.per_page
        picked = scores[matched]
        if len(matched) > k:
            # Only the first page needs sorting: everything scoring at least the k-th best, ties included.
            kth = np.partition(picked, len(picked) - k)[len(picked) - k]
            keep = picked >= kth
            matched_top, picked = matched[keep], picked[keep]
        else:
            matched_top = matched
        order = matched_top[np.lexsort((snap.tiebreak[matched_top], -picked))]
        top = order[(request.page - 1) * request.per_page:k]
        hits = [self.engine._hit(snap, d, scores[d], query, 0) for d in top]
        return len(matched), top, facets, hits

    def facet(self, name, base, selections, selected):
        docs = base
        for other, mask in selections.items():
            if other != name:
                docs = docs[mask[docs]]
        values = self.snap.facet_values[name]
        if name in self.multi:
            rows, cols = self.multi[name]
            hit = np.zeros(self.snap.size, dtype=bool)
            hit[docs] = True
            counts = np.bincount(cols[hit[rows]], minlength=len(values))
        else:
            codes = self.snap.facet_codes[name][docs]
            counts = np.bincount(codes[codes >= 0], minlength=len(values))
        top = np.argsort(-counts, kind="stable")[:FACET_TOP]
        out = [(values[i], int(counts[i])) for i in top if counts[i]]
        out += [(v, int(counts[values.index(v)]) if v in values else 0) for v in selected
                if v not in dict(out)]
        return out


def union(arrays, size):
    """Sorted docnums in any of the arrays, through one mask instead of a sort."""
    mark = np.zeros(size, dtype=bool)
    for docs in arrays:
        mark[docs] = True
    return np.flatnonzero(mark).astype(np.int32)


def percentiles(ms):
    ordered = sorted(ms)
    return statistics.median(ordered), ordered[max(0, -(-95 * len(ordered) // 100) - 1)], ordered[-1]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", required=True, help="an index folder built by notice-index")
    parser.add_argument("--sidecar", help="folder to save the side-car arrays to, or load them from when there")
    args = parser.parse_args(argv)
    t0 = time.perf_counter()
    engine = Engine(args.index)
    engine.snapshot()
    words("巡察")
    print(f"engine load: {time.perf_counter() - t0:.1f} s")
    fast = FastPath(engine, args.sidecar)
    how = "loaded (memory-mapped)" if fast.loaded else "built"
    print(f"side-car arrays {how}: bigrams {fast.bigram_seconds:.1f} s, BM25 postings {fast.score_seconds:.1f} s, "
          f"{fast.nbytes() / 1e6:.0f} MB")
    engine_ms, fast_ms, agree_total, agree_top, agree_facets, rows = [], [], 0, 0, 0, []
    engine_cpu, fast_cpu = [], []
    for kind, q, filters in QUERIES:
        request = SearchRequest(q=q, filters=filters, per_page=20)
        t0, c0 = time.perf_counter(), time.process_time()
        result = engine.search(request)
        engine_ms.append((time.perf_counter() - t0) * 1000)
        engine_cpu.append((time.process_time() - c0) * 1000)
        t0, c0 = time.perf_counter(), time.process_time()
        total, top, facets, _hits = fast.search(request)
        fast_ms.append((time.perf_counter() - t0) * 1000)
        fast_cpu.append((time.process_time() - c0) * 1000)
        same_total = total == result.total
        same_top = [f"{h.notice_id}:{h.n}" for h in result.hits] == [
            f"{fast.snap.docs[d][0].id}:{fast.snap.docs[d][1].n}" for d in top]
        engine_counts = {f.name: {v.value: v.count for v in f.values} for f in result.facets}
        same_facets = all(engine_counts[name].get(v, 0) == c for name, vs in facets.items() for v, c in vs)
        agree_total += same_total
        agree_top += same_top
        agree_facets += same_facets
        rows.append((kind, q, filters, result.total, engine_cpu[-1], fast_cpu[-1], same_total, same_top, same_facets))
    for row in rows:
        kind, q, filters, total, e, f, st, sp, sf = row
        print(f"{kind:6s} {q:28s} {str(filters or ''):40s} {total:7d}  engine {e:7.1f}  fast {f:6.1f} CPU ms  "
              f"total {'=' if st else '≠'} top20 {'=' if sp else '≠'} facets {'=' if sf else '≠'}")
    n = len(QUERIES)
    print(f"\nengine    p50 / p95 / max: {' / '.join(f'{x:.1f}' for x in percentiles(engine_ms))} ms")
    print(f"prototype p50 / p95 / max: {' / '.join(f'{x:.1f}' for x in percentiles(fast_ms))} ms")
    print(f"engine    CPU ms p50 / p95 / max: {' / '.join(f'{x:.1f}' for x in percentiles(engine_cpu))}")
    print(f"prototype CPU ms p50 / p95 / max: {' / '.join(f'{x:.1f}' for x in percentiles(fast_cpu))}")
    with open("/proc/self/status") as status:
        memory = {k: int(v.split()[0]) // 1024 for k, v in (line.split(":") for line in status)
                  if k in ("VmRSS", "VmHWM", "RssAnon", "RssFile")}
    print(f"process memory, MB: {memory}")
    print(f"agreement: totals {agree_total}/{n}, top-20 order {agree_top}/{n}, facet counts {agree_facets}/{n}")


if __name__ == "__main__":
    main()
