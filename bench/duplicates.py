"""Near-copies (雷同, issue #20): what finding them costs a build, their recall and precision, more-like-this speed.

    python bench/duplicates.py build --data DIR --index DIR        # full build, then the near-copy step alone
    python bench/duplicates.py recall --index DIR                  # against every pair compared exhaustively
    python bench/duplicates.py sample --index DIR --out FILE       # pairs to label by reading, across similarity bands
    python bench/duplicates.py precision --labels FILE             # precision of the labelled pairs, per band
    python bench/duplicates.py mlt --index DIR                     # more-like-this timings

Each prints a markdown table. `build` runs `python -m indexer.cli rebuild` as a
subprocess (wall time, peak RSS of its largest process), then
`duplicates.write` alone on the new generation in a fresh process: the extra a
build pays is that step. `recall` compares every pair of distinct paragraph texts
long enough to be signed with rapidfuzz (blocks of rows, `score_cutoff`), expands
them to paragraph pairs of different notices and counts how many the clusters
join. `sample` draws pairs of paragraphs of different notices that the index puts
in one cluster, stratified by their rapidfuzz ratio, for a person to label.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(ROOT))

#: Similarity bands the labelled sample is stratified over (lower bound inclusive, percent).
BANDS = ((0, 60), (60, 70), (70, 80), (80, 85), (85, 90), (90, 95), (95, 100), (100, 101))


def run(cmd, **kwargs):
    started = time.monotonic()
    process = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT, **kwargs)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    return time.monotonic() - started, usage.ru_maxrss * 1024, os.waitstatus_to_exitcode(status), output


def build(args):
    seconds, peak, rc, output = run([sys.executable, "-m", "indexer.cli", "rebuild", "--data", args.data,
                                     "--index", args.index])
    if rc:
        sys.exit(output)
    step = ("import json, sys, time; from indexer import duplicates, settings, store; "
            "gen = store.live_generation(sys.argv[1]); t = time.monotonic(); "
            "meta = duplicates.write(gen, settings.get('DUPLICATE_SIMILARITY')); "
            "print(json.dumps({'seconds': time.monotonic() - t, 'pairs': meta['pairs'], 'signed': meta['signed']}))")
    _, dup_peak, rc, out = run([sys.executable, "-c", step, args.index])
    if rc:
        sys.exit(out)
    dup = json.loads(out.strip().splitlines()[-1])
    from indexer import store
    gen = store.live_generation(args.index)
    size = sum(p.stat().st_size for p in (gen / "duplicates").iterdir())
    paragraphs = json.loads((gen / store.MARKER).read_text())["paragraphs"]
    print(f"| build at {paragraphs:,} paragraphs | value |\n|---|---|")
    print(f"| full build with near-copies, s | {seconds:.1f} |")
    print(f"| of which near-copies (the step alone, in its own process), s | {dup['seconds']:.1f} |")
    print(f"| extra over the build without it | {dup['seconds'] / (seconds - dup['seconds']):.1%} |")
    print(f"| build peak RSS (largest process), MB | {peak / 2**20:.0f} |")
    print(f"| near-copy step peak RSS, MB | {dup_peak / 2**20:.0f} |")
    print(f"| paragraphs signed / near-copy pairs kept | {dup['signed']:,} / {dup['pairs']:,} |")
    print(f"| duplicates/ on disk, MB | {size / 2**20:.1f} |")


def _paragraphs(index):
    from indexer import duplicates, store
    gen = store.live_generation(index)
    paras = duplicates.Paragraphs(gen)
    folder = gen / duplicates.FOLDER
    cluster = np.load(folder / "para_cluster.npy")
    meta = json.loads((folder / duplicates.META).read_text())
    boilerplate = np.zeros(int(cluster.max()) + 2, dtype=bool)
    boilerplate[meta["boilerplate"]] = True
    return paras, cluster, boilerplate[cluster], meta


def recall(args):
    from rapidfuzz import fuzz, process

    paras, cluster, boiler, meta = _paragraphs(args.index)
    threshold = meta["similarity"]
    texts, inverse = np.unique(np.array(paras.texts, dtype=object), return_inverse=True)
    texts = list(texts)
    members = [[] for _ in texts]
    for i, t in enumerate(inverse.tolist()):
        members[t].append(i)
    started = time.monotonic()
    found = total = found_copy = total_copy = 0
    block = 1000

    def count(a_list, b_list):
        nonlocal found, total, found_copy, total_copy
        a = np.repeat(a_list, len(b_list))
        b = np.tile(b_list, len(a_list))
        keep = (paras.notice[a] != paras.notice[b]) & (a < b) if a_list is b_list else paras.notice[a] != paras.notice[b]
        a, b = a[keep], b[keep]
        joined = (cluster[a] == cluster[b]) & (cluster[a] >= 0)
        total += len(a)
        found += int(joined.sum())
        copy = ~boiler[a] & ~boiler[b] & ~(paras.flags[a] > 0) & ~(paras.flags[b] > 0)
        total_copy += int(copy.sum())
        found_copy += int((joined & copy).sum())

    for i in range(len(texts)):  # identical texts
        if len(members[i]) > 1:
            m = np.array(members[i])
            count(m, m)
    for lo in range(0, len(texts), block):
        scores = process.cdist(texts[lo:lo + block], texts[lo:], scorer=fuzz.ratio, score_cutoff=threshold,
                               dtype=np.uint8, workers=args.workers)
        rows, cols = np.nonzero(scores)
        cols = cols + lo
        for r, c in zip((rows + lo).tolist(), cols.tolist()):
            if c > r:
                count(np.array(members[r]), np.array(members[c]))
    print(f"| recall against every pair (ratio ≥ {threshold}) | value |\n|---|---|")
    print(f"| paragraphs signed (≥ {meta['min_chars']} characters) / distinct texts | {len(paras):,} / {len(texts):,} |")
    print(f"| pairs of different notices at ratio ≥ {threshold} (exhaustive) | {total:,} |")
    print(f"| of them in one cluster (recall) | {found / max(1, total):.4f} |")
    print(f"| the same, boilerplate aside: pairs / recall | {total_copy:,} / {found_copy / max(1, total_copy):.4f} |")
    print(f"| exhaustive comparison took, s | {time.monotonic() - started:.0f} |")


def sample(args):
    from rapidfuzz.distance import Indel

    paras, cluster, boiler, meta = _paragraphs(args.index)
    rng = random.Random(args.seed)
    inside = np.flatnonzero((cluster >= 0) & ~boiler)
    by_cluster = {}
    for i in inside.tolist():
        by_cluster.setdefault(int(cluster[i]), []).append(i)
    groups = [g for g in by_cluster.values() if len({int(paras.notice[i]) for i in g}) > 1]
    wanted = {band: [] for band in BANDS}
    tries = 0
    while any(len(v) < args.per_band for v in wanted.values()) and tries < 200_000:
        tries += 1
        group = rng.choice(groups)
        a, b = rng.sample(group, 2)
        if paras.notice[a] == paras.notice[b]:
            continue
        score = Indel.normalized_similarity(paras[a], paras[b]) * 100
        band = next(band for band in BANDS if band[0] <= score < band[1])
        if len(wanted[band]) < args.per_band:
            wanted[band].append((a, b, round(score, 1)))
    with open(args.out, "w", encoding="utf-8") as out:
        for band, pairs in wanted.items():
            for a, b, score in pairs:
                out.write(json.dumps({"band": f"{band[0]}-{band[1]}", "similarity": score,
                                      "a": {"notice": paras.notice_ids[paras.notice[a]], "n": int(paras.n[a]),
                                            "text": paras[a]},
                                      "b": {"notice": paras.notice_ids[paras.notice[b]], "n": int(paras.n[b]),
                                            "text": paras[b]},
                                      "copy": None}, ensure_ascii=False) + "\n")
    print(f"wrote {sum(len(v) for v in wanted.values())} pairs to {args.out}: "
          + ", ".join(f"{b[0]}-{b[1]}: {len(v)}" for b, v in wanted.items()))


def precision(args):
    rows = [json.loads(line) for line in open(args.labels, encoding="utf-8") if line.strip()]
    labelled = [r for r in rows if r["copy"] is not None]
    print("| similarity band, % | pairs labelled | copies | precision |\n|---|---|---|---|")
    bands = {}
    for r in labelled:
        bands.setdefault(r["band"], []).append(r["copy"])
    for band in sorted(bands, key=lambda b: float(b.split("-")[0])):
        v = bands[band]
        print(f"| {band} | {len(v)} | {sum(v)} | {sum(v) / len(v):.2f} |")
    shown = [r["copy"] for r in labelled]
    print(f"| all shown pairs (one cluster) | {len(shown)} | {sum(shown)} | {sum(shown) / max(1, len(shown)):.3f} |")
    direct = [r["copy"] for r in labelled if r["similarity"] >= args.threshold]
    print(f"| pairs at ratio ≥ {args.threshold} | {len(direct)} | {sum(direct)} | {sum(direct) / max(1, len(direct)):.3f} |")
    if args.index:  # weigh each band by how often a random pair of one cluster falls in it
        share = _band_shares(args.index, args.seed)
        weighted = sum(share[b] * sum(v) / len(v) for b, v in bands.items())
        print(f"| all shown pairs, bands weighed as they occur ({', '.join(f'{b}: {share[b]:.0%}' for b in bands)}) "
              f"| | | {weighted:.3f} |")


def _band_shares(index, seed, count=5000):
    from rapidfuzz.distance import Indel

    paras, cluster, boiler, _ = _paragraphs(index)
    rng = np.random.default_rng(seed)
    inside = np.flatnonzero((cluster >= 0) & ~boiler)
    order = inside[np.argsort(cluster[inside], kind="stable")]
    starts = np.searchsorted(cluster[order], cluster[order])
    ends = np.searchsorted(cluster[order], cluster[order], side="right")
    # A random pair of one cluster: every pair equally likely (its first paragraph weighed by its cluster's size).
    weights = (ends - starts - 1).astype(np.float64)
    found = {f"{b[0]}-{b[1]}": 0 for b in BANDS}
    drawn = 0
    for first in rng.choice(len(order), size=count * 3, p=weights / weights.sum()).tolist():
        second = int(rng.integers(starts[first], ends[first]))
        a, b = order[first], order[second]
        if a == b or paras.notice[a] == paras.notice[b]:
            continue
        score = Indel.normalized_similarity(paras[a], paras[b]) * 100
        band = next(band for band in BANDS if band[0] <= score < band[1])
        found[f"{band[0]}-{band[1]}"] += 1
        drawn += 1
        if drawn == count:
            break
    return {k: v / max(1, drawn) for k, v in found.items()}


def mlt(args):
    from search_core.embedded.engine import EmbeddedBackend

    backend = EmbeddedBackend(args.index)
    backend.warm()
    snap = backend.snapshot()
    rng = np.random.default_rng(args.seed)
    docs = rng.choice(np.flatnonzero(snap.live), args.count, replace=False)
    times = []
    for d in docs.tolist():
        notice_id, n = snap.catalog[snap.notice_of[d]]["id"], int(snap.n_of[d])
        started = time.perf_counter()
        backend.more_like_this(notice_id, n)
        times.append((time.perf_counter() - started) * 1000)
    similar = []
    for d in docs.tolist()[:200]:
        notice_id, n = snap.catalog[snap.notice_of[d]]["id"], int(snap.n_of[d])
        started = time.perf_counter()
        backend.similar(notice_id, n)
        similar.append((time.perf_counter() - started) * 1000)
    started = time.perf_counter()
    backend.duplicate_report()
    report = (time.perf_counter() - started) * 1000
    print(f"| at {snap.live_count:,} paragraphs, ms | p50 | p95 | max |\n|---|---|---|---|")
    print(f"| more-like-this ({len(times)} random paragraphs) | {np.percentile(times, 50):.1f} | "
          f"{np.percentile(times, 95):.1f} | {max(times):.1f} |")
    print(f"| side by side ({len(similar)} random paragraphs) | {np.percentile(similar, 50):.1f} | "
          f"{np.percentile(similar, 95):.1f} | {max(similar):.1f} |")
    print(f"| the report (first call; then cached) | {report:.0f} | | |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--data", required=True)
    p.add_argument("--index", required=True)
    p = sub.add_parser("recall")
    p.add_argument("--index", required=True)
    p.add_argument("--workers", type=int, default=2)
    p = sub.add_parser("sample")
    p.add_argument("--index", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--per-band", type=int, default=15)
    p.add_argument("--seed", type=int, default=20)
    p = sub.add_parser("precision")
    p.add_argument("--labels", required=True)
    p.add_argument("--threshold", type=int, default=80)
    p.add_argument("--index", help="weigh the bands as pairs of one cluster fall in them in this index")
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("mlt")
    p.add_argument("--index", required=True)
    p.add_argument("--count", type=int, default=500)
    p.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    {"build": build, "recall": recall, "sample": sample, "precision": precision, "mlt": mlt}[args.command](args)


if __name__ == "__main__":
    main()
