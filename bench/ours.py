"""Our engine measured in-process, through the backend seam's `search` (the embedded backend, or with --nodes
the sphinx backend on those nodes).

    python bench/ours.py query  --index DIR [--passes 2]   (JSON timings on stdout)
    python bench/ours.py recall --index DIR                (JSON matching keys on stdout)
    python bench/ours.py check  --index DIR --q QUERY      (number of matches)

Run as a subprocess of `bench/run.py`, so its memory is its own. The first pass is
cold: nothing of a query was computed before (the engine has no result cache); later
passes show what warm operating-system and Whoosh caches add.
"""

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from queries import QUERIES  # noqa: E402
from indexer import settings  # noqa: E402
from search_core.backend import open_backend  # noqa: E402
from search_core.results import SearchRequest  # noqa: E402

ALL = 10 ** 7


def status():
    """VmRSS and VmHWM of this process, in bytes."""
    fields = {}
    with open("/proc/self/status") as lines:
        for line in lines:
            if line.startswith(("VmRSS", "VmHWM", "RssAnon", "RssFile")):
                key, value = line.split(":")
                fields[key] = int(value.split()[0]) * 1024
    return fields


#: The sphinx backend's nodes (host:port,...) when --nodes is given; None for the embedded backend.
NODES = None


def open_engine(index_dir, config=None):
    """The engine as `notice-search serve` starts it: index loaded, arrays read, jieba's dictionary loaded."""
    config = dict(config or settings.as_dict(), INDEX_DIR=index_dir)
    if NODES:
        config.update(BACKEND="sphinx", SPHINX_NODES=NODES)
    engine = open_backend(config)
    engine.warm()
    return engine


def cmd_query(args):
    started = time.perf_counter()
    engine = open_engine(args.index)
    opened = time.perf_counter() - started
    passes = []
    for _ in range(args.passes):
        timings = []
        for kind, q, filters in QUERIES:
            t0, c0 = time.perf_counter(), time.process_time()
            result = engine.search(SearchRequest(q=q, filters=filters, per_page=20))
            timings.append({"kind": kind, "q": q, "filters": filters, "ms": (time.perf_counter() - t0) * 1000,
                            "cpu_ms": (time.process_time() - c0) * 1000,
                            "total": result.total, "top": [f"{h.notice_id}:{h.n}" for h in result.hits]})
        passes.append(timings)
    print(json.dumps({"open_s": opened, "passes": passes, "status": status()}, ensure_ascii=False))


def cmd_recall(args):
    """Every paragraph each unfiltered query matches, as source#n (the harness compares with a scan)."""
    engine = open_engine(args.index, dict(settings.as_dict(), MAX_PER_PAGE=ALL))
    sources = {entry["id"]: entry["source"] for entry in engine.notices()}
    out = {}
    for kind, q, filters in QUERIES:
        if filters:
            continue
        # Matching is the exact tier (every word as typed); partial matches are best-match extras.
        hits = engine.all_hits(SearchRequest(q=q), highlight=False)
        out[q] = sorted(f"{sources[hit.notice_id]}#{hit.n}" for hit in hits if hit.match == "exact")
    print(json.dumps(out, ensure_ascii=False))


def cmd_check(args):
    """Print how many paragraphs match --q, or fail if the index cannot be opened (after an update)."""
    print(open_engine(args.index).search(SearchRequest(q=args.q)).total)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name, func in (("query", cmd_query), ("recall", cmd_recall), ("check", cmd_check)):
        p = sub.add_parser(name)
        p.add_argument("--index", required=True)
        p.add_argument("--nodes", help="the sphinx backend's nodes, host:port,... (default: the embedded backend)")
        if name == "check":
            p.add_argument("--q", required=True)
        if name == "query":
            p.add_argument("--passes", type=int, default=2)
        p.set_defaults(func=func)
    args = parser.parse_args(argv)
    global NODES
    NODES = args.nodes
    args.func(args)


if __name__ == "__main__":
    main()
