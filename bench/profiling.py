"""Where the time goes: cProfile of a build, and a per-phase timing of every benchmark query.

    python bench/profiling.py build --data DIR --index DIR [--top 30]
    python bench/profiling.py query --index DIR [--top 30] [--passes 2]
    python bench/profiling.py open --index DIR
    python bench/profiling.py update --data DIR --index COPY   (it updates COPY: make one with cp -al)

`update` times each step of a one-notice `notice-index update` in this process (`UPDATE_STEPS`),
on an index it changes: give it a copy. `open` times what a server does before its first answer on an existing index, step by
step in this process (opening the snapshot: near-copy arrays, facet arrays, orders; then
the warm-up: page cache, lexicon), and then as `bench/run.py` measures it: a
`notice-search serve` started and asked until it answers (server start to first answer).

`query` wraps the query path's phases that exist in this version (`PHASES`: interpretation, substring
matching, retrieval, BM25 scoring, facet counting, ordering, hit rendering, suggestions) with timers, runs
the queries of bench/queries.py once, cold, and prints each phase's share and the
slowest queries; then a cProfile of a second pass. Nothing in indexer/ or search_app/
is changed on disk: the timers are installed in this process only.
"""

import argparse
import cProfile
import functools
import importlib
import os
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from queries import QUERIES  # noqa: E402

#: (module, name in it, label) of the phases timed; a name missing in this version is skipped. A function is
#: replaced wherever a module of the project bound it (`from .matching import term_mask`). Phases nest: term
#: masks are found inside retrieval and the stand-ins, heading depths inside ranking, so shares add up past 100%.
PHASES = (("search_core.embedded.engine", "EmbeddedBackend.loaded", "open check: file sizes"),
          ("search_core.interpret", "interpret", "interpret: words, concepts, synonyms"),
          ("search_core.embedded.engine", "_stand_in", "stand-ins: typos, inner words"),
          ("search_core.embedded.engine", "_by_parts", "parts of rare words"),
          ("search_core.embedded.matching", "term_mask", "match: term masks (nested)"),
          ("search_core.embedded.matching", "heading_docs", "match: heading paths (nested)"),
          ("search_core.embedded.retrieval", "retrieve", "retrieve: tiers and coverage"),
          ("search_core.embedded.ranking", "Ranker.scores", "rank: BM25, headings, titles"),
          ("search_core.embedded.matching", "heading_depths", "rank: heading depths (nested)"),
          ("search_core.embedded.counting", "FacetCounter.counts", "facet counts"),
          ("search_core.embedded.engine", "EmbeddedBackend._facet", "facet values and labels"),
          ("search_core.embedded.engine", "_Match.ordered", "order: top k"),
          ("search_core.embedded.engine", "EmbeddedBackend._hit", "hits: text, highlight"),
          ("search_core.embedded.engine", "_suggestions", "suggestions"),
          ("search_core.embedded.engine", "_related", "related paragraphs"))


#: (module, name in it, label) of an update's steps, in the order they run; the near-copy step's own parts nest.
UPDATE_STEPS = (("indexer.build", "_cannot_update", "check the live index (hash every file)"),
                ("indexer.datafiles", "scan", "list and hash the data folder"),
                ("indexer.build", "_parse_fresh", "parse the changed files"),
                ("indexer.store", "link_whoosh", "hard-link the live files"),
                ("indexer.writers", "apply_changes", "Whoosh: delete and add"),
                ("indexer.catalog", "rewrite", "rewrite the catalog"),
                ("indexer.writers", "write_new_arrays", "side-car arrays of the new segment"),
                ("indexer.duplicates", "write", "near-copies in all"),
                ("indexer.duplicates", "Paragraphs.__init__", "  near-copies: list the paragraphs"),
                ("indexer.duplicates", "_previous", "  near-copies: load the previous arrays"),
                ("indexer.duplicates", "_touched_both", "  near-copies: pairs of the touched buckets"),
                ("indexer.duplicates", "similarities", "  near-copies: verify new pairs"),
                ("indexer.duplicates", "clusters", "  near-copies: clusters"),
                ("indexer.duplicates", "boilerplate_clusters", "  near-copies: boilerplate"),
                ("indexer.build", "verify", "verify the new generation"),
                ("indexer.datafiles", "write_entries", "write the file list"),
                ("indexer.store", "write_marker", "write the marker (hash new files)"),
                ("indexer.store", "switch_to", "switch to the new generation"))


def print_stats(profile, top):
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    print(out.getvalue())


def cmd_build(args):
    import inspect

    from indexer.build import rebuild
    from indexer.cli import summary_lines

    # In this process, so cProfile sees the parsing and indexing, not a wait for workers.
    kwargs = {"procs": 1} if "procs" in inspect.signature(rebuild).parameters else {}
    profile = cProfile.Profile()
    started = time.perf_counter()
    profile.enable()
    summary = rebuild(args.data, args.index, **kwargs)
    profile.disable()
    print(f"rebuild: {time.perf_counter() - started:.1f} s (under cProfile); " + " / ".join(summary_lines(summary)))
    print_stats(profile, args.top)


def time_calls(owner, name, label, *totals):
    """Replace `owner.name` with a wrapper that adds each call's seconds to `label` in every dict of `totals`;
    return what puts the original back.

    A module-level function is also replaced in every module of the project that imported it by name.
    """
    method = getattr(owner, name)

    @functools.wraps(method)
    def wrapper(*a, **kw):
        started = time.perf_counter()
        try:
            return method(*a, **kw)
        finally:
            for spent in totals:
                spent[label] = spent.get(label, 0.0) + time.perf_counter() - started
    replaced = [owner]
    if isinstance(owner, type(sys)):
        replaced += [module for module in list(sys.modules.values()) if module is not owner
                     and getattr(module, "__name__", "").startswith(("search_core", "indexer"))
                     and getattr(module, name, None) is method]
    for where in replaced:
        setattr(where, name, wrapper)

    def undo():
        for where in replaced:
            setattr(where, name, method)
    return undo


def time_steps(steps, *totals):
    """`time_calls` for each (module, dotted name, label) of `steps` that exists; return what undoes them all."""
    undos = []
    for module_name, dotted, label in steps:
        *owner_path, name = dotted.split(".")
        owner = importlib.import_module(module_name)
        for part in owner_path:
            owner = getattr(owner, part, None)
        if owner is not None and hasattr(owner, name):
            undos.append(time_calls(owner, name, label, *totals))

    def undo():
        for one in reversed(undos):
            one()
    return undo


def cmd_query(args):
    spent, current = {}, {}  # seconds per phase: over the timed pass, and over the query being timed
    undo = time_steps(PHASES, spent, current)
    try:
        _profile_queries(args, spent, current)
    finally:
        undo()


def _profile_queries(args, spent, current):
    from search_core.embedded import engine as search
    from search_core.results import SearchRequest

    t0 = time.perf_counter()
    engine = search.EmbeddedBackend(args.index)
    engine.warm()  # as the server and bench/ours.py open it: the arrays read, jieba loaded
    print(f"open: {time.perf_counter() - t0:.2f} s")
    for _ in range(args.passes - 1):  # untimed passes first: the last one is timed
        for kind, q, filters in QUERIES:
            engine.search(SearchRequest(q=q, filters=filters))
    spent.clear()
    rows, total = [], 0.0
    for kind, q, filters in QUERIES:
        current.clear()
        t0 = time.perf_counter()
        result = engine.search(SearchRequest(q=q, filters=filters))
        ms = (time.perf_counter() - t0) * 1000
        total += ms
        rows.append((ms, kind, q, filters, result.total, {k: v * 1000 for k, v in current.items()}))
    timings = sorted(r[0] for r in rows)
    print(f"\n{len(QUERIES)} queries, pass {args.passes} ({'cold' if args.passes == 1 else 'warm'}): {total:.0f} ms "
          f"in all, p50 {timings[len(timings) // 2]:.1f} ms, p95 {timings[int(len(timings) * 0.95)]:.1f} ms")
    print(f"  {'phase':40s} {'in all':>8s}  {'share':>6s}  {'a query':>8s}")
    for label, seconds in sorted(spent.items(), key=lambda kv: -kv[1]):
        print(f"  {label:40s} {seconds * 1000:5.0f} ms  {100 * seconds * 1000 / total:5.1f}%  "
              f"{seconds * 1000 / len(QUERIES):5.2f} ms")
    print("\nslowest queries (ms: phase breakdown):")
    for ms, kind, q, filters, hits, phases in sorted(rows, key=lambda r: -r[0])[:args.slowest]:
        parts = ", ".join(f"{k} {v:.0f}" for k, v in sorted(phases.items(), key=lambda kv: -kv[1]) if v >= 0.5)
        print(f"  {ms:7.1f}  {kind:6s} {q} {filters or ''} ({hits} hits): {parts}")
    profile = cProfile.Profile()
    profile.enable()
    for kind, q, filters in QUERIES:
        engine.search(SearchRequest(q=q, filters=filters))
    profile.disable()
    print("\ncProfile of a second pass:")
    print_stats(profile, args.top)


def cmd_open(args):
    from search_core.embedded import counting, engine, lexicon, pagecache, similar, snapshot

    spent = {}
    for label, owner, name in (("open: near-copy arrays", similar, "load"),
                               ("open: facet arrays", counting, "load"),
                               ("open: orders by date and id", snapshot.Snapshot, "_load_orders"),
                               ("open: snapshot in all", snapshot.Snapshot, "__init__"),
                               ("warm: page cache", pagecache, "read_through"),
                               ("warm: lexicon (completions, did-you-mean)", lexicon.LazyLexicon, "get")):
        time_calls(owner, name, label, spent)
    started = time.perf_counter()
    backend = engine.EmbeddedBackend(args.index)
    backend.warm()
    print(f"in this process: {time.perf_counter() - started:.2f} s to open and warm up")
    for label, seconds in spent.items():
        print(f"  {label:45s} {seconds:6.2f} s")
    import run

    answered = run.http_run(lambda port: [run.PY, "-m", "search_app.cli", "serve", "--index", args.index,
                                          "--port", port], 1, lambda h: f"{h['notice_id']}:{h['n']}")
    status = answered["status"]
    print(f"notice-search serve: first answer after {answered['first_answer_s']:.2f} s; after "
          f"{len(answered['passes'][0])} queries its VmRSS is {status['VmRSS'] / 2**20:.0f} MB "
          f"(RssAnon {status['RssAnon'] / 2**20:.0f} MB)")


def cmd_update(args):
    """Time one `notice-index update` step by step, in this process: one notice file of --data (the middle one,
    as `bench/run.py` picks it) gets a new last paragraph, the index at --index is updated, the file is put back."""
    import run

    from indexer.build import update

    spent = {}
    undo = time_steps(UPDATE_STEPS, spent)
    files = sorted(p for p in Path(args.data).rglob("*.txt") if p.is_file())
    target = files[len(files) // 2]
    original, stat = target.read_bytes(), target.stat()
    try:
        target.write_bytes(original + f"{run.UPDATE_MARK}（剖析）\n".encode())
        started = time.perf_counter()
        summary = update(args.data, args.index)
        total = time.perf_counter() - started
    finally:
        target.write_bytes(original)
        os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        undo()
    print(f"update of {target.name}: {total:.2f} s in this process ({summary.action}, {summary.generation}), "
          "after the imports and before jieba is loaded")
    for _module, _dotted, label in UPDATE_STEPS:
        if label in spent:
            print(f"  {label:45s} {spent[label]:6.2f} s")
    print(f"  {'the rest':45s} {total - sum(v for k, v in spent.items() if not k.startswith(' ')):6.2f} s")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("build")
    p.add_argument("--data", required=True)
    p.add_argument("--index", required=True)
    p.add_argument("--top", type=int, default=30)
    p.set_defaults(func=cmd_build)
    p = sub.add_parser("query")
    p.add_argument("--index", required=True)
    p.add_argument("--top", type=int, default=30)
    p.add_argument("--slowest", type=int, default=15)
    p.add_argument("--passes", type=int, default=1, help="passes over the queries; the last is timed (default 1: cold)")
    p.set_defaults(func=cmd_query)
    p = sub.add_parser("update", help="step by step; it changes --index: give it a copy (cp -al)")
    p.add_argument("--data", required=True)
    p.add_argument("--index", required=True)
    p.set_defaults(func=cmd_update)
    p = sub.add_parser("open")
    p.add_argument("--index", required=True)
    p.set_defaults(func=cmd_open)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
