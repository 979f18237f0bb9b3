"""`notice-index`: parse notices, build, update and check the index, search it from a terminal.

Exit status of rebuild, update and check: 0 when every file is in the (new)
index, 2 when some files were skipped but the index is live, 1 when nothing
changed because of an error. Of search: 0 when every query was answered, 2 when
some were refused, 1 when there is no index to search.
"""

import argparse
import json
import os
import sys
from itertools import islice

from . import config, settings
from .build import check, is_stale, rebuild, update
from .errors import NoticeError, NoticeSearchError, QueryError
from .parsing import parse_file
from .progress import for_terminal


def cmd_parse(args):
    """Print one JSON line per readable file; name each unreadable one on stderr."""
    status = 0
    for path in args.files:
        try:
            notice = parse_file(path)
        except NoticeError as exc:
            print(f"notice-index: {exc}", file=sys.stderr)
            status = 1
            continue
        print(json.dumps(notice.to_dict(), ensure_ascii=False), flush=True)
    return status


def _folders(args):
    data_dir = settings.get("DATA_DIR", {"DATA_DIR": getattr(args, "data", None)})
    index_dir = settings.get("INDEX_DIR", {"INDEX_DIR": getattr(args, "index", None)})
    return data_dir, index_dir


def _report(summary):
    for line in summary_lines(summary):
        print(f"notice-index: {line}", flush=True)
    return 2 if summary.skipped else 0


def summary_lines(summary):
    """The closing report of a rebuild, update or check (`build.Summary`), a line at a time."""
    totals = f"{summary.notices} notices, {summary.paragraphs} paragraphs"
    yield from summary.notes
    if summary.action == "check":
        yield f"checked: {totals} would be indexed ({summary.seconds:.1f} s)"
    elif summary.action == "update" and not summary.generation:
        yield f"already up to date: {totals} ({summary.seconds:.1f} s)"
    elif summary.action == "update":
        changes = ", ".join(f"{summary.files[k]} {k}" for k in ("added", "changed", "removed") if summary.files[k])
        yield f"updated ({changes}); {summary.generation} is live: {totals} in {summary.seconds:.1f} s"
    else:
        yield f"rebuilt; {summary.generation} is live: {totals} in {summary.seconds:.1f} s"
    for source in sorted(summary.ocr):
        yield f"read by OCR {source}: its text may hold misread characters"
    for source, reason in sorted(summary.skipped):
        yield f"skipped {source}: {reason}"
    for source, sentence in sorted(summary.warnings):
        yield f"warning {source}: {sentence}"


def _nodes(args):
    """The sphinx backend's nodes, when the command is to use it (--backend or NOTICE_SEARCH_BACKEND); else None."""
    backend = settings.get("BACKEND", {"BACKEND": getattr(args, "backend", None)})
    if backend != "sphinx":
        return None
    from .sphinx.nodes import parse_nodes

    given = getattr(args, "nodes", None)
    return parse_nodes(settings.get("SPHINX_NODES", {"SPHINX_NODES": given}), "--nodes" if given else
                       "NOTICE_SEARCH_SPHINX_NODES")


def cmd_rebuild(args):
    """Build a new index from the data folder and switch to it."""
    data_dir, index_dir = _folders(args)
    nodes = _nodes(args)
    if nodes:
        from .sphinx import load

        if args.if_stale and not load.is_stale(data_dir, nodes):
            print(f"notice-index: the nodes' live version is up to date with {data_dir}")
            return 0
        return _report(load.rebuild(data_dir, nodes, for_terminal(), procs=args.procs))
    if args.if_stale and not is_stale(data_dir, index_dir):
        print(f"notice-index: the index in {index_dir} is up to date with {data_dir}")
        return 0
    return _report(rebuild(data_dir, index_dir, for_terminal(), procs=args.procs, wait=args.wait))


def cmd_update(args):
    """Index only the notice files that were added, changed or removed since the live index was built."""
    data_dir, index_dir = _folders(args)
    nodes = _nodes(args)
    if nodes:
        from .sphinx import load

        return _report(load.update(data_dir, nodes, for_terminal(), procs=args.procs))
    return _report(update(data_dir, index_dir, for_terminal(), procs=args.procs, wait=args.wait))


def cmd_check(args):
    """Parse every notice file and report the problems; index nothing."""
    data_dir, _index_dir = _folders(args)
    return _report(check(data_dir, for_terminal(), procs=args.procs))


def cmd_search(args):
    """Search the live index; print the hits, or one JSON line per query with --json."""
    from search_core.backend import open_backend
    from search_core.results import SearchRequest

    _data_dir, index_dir = _folders(args)
    values = settings.as_dict({"INDEX_DIR": index_dir, "BACKEND": args.backend, "SPHINX_NODES": args.nodes})
    backend = open_backend(values)
    backend.open()  # fail early, once, when there is no index
    status = 0
    for query in _queries(args.queries):
        request = SearchRequest(q=query, per_page=min(args.limit, values["MAX_PER_PAGE"]))
        try:
            result = backend.search(request)
            hits = result.hits if args.limit <= values["MAX_PER_PAGE"] else \
                list(islice(backend.all_hits(request), args.limit))
        except QueryError as exc:
            status = 2
            if args.json:
                print(json.dumps({"query": query, "error": str(exc), "total": 0, "hits": []},
                                 ensure_ascii=False), flush=True)
            else:
                print(f"notice-index: {query!r} was refused: {exc}", file=sys.stderr)
            continue
        if args.json:
            print(json.dumps({"query": query, "total": result.total, "exact": result.exact, "partial": result.partial,
                              "hits": [_hit_json(h) for h in hits]},
                             ensure_ascii=False), flush=True)
        else:
            _print_hits(query, result, hits)
    return status


def cmd_cluster(args):
    """Write, start, stop or show a local cluster of searchd nodes."""
    from .sphinx import cluster

    if args.action == "init":
        nodes = cluster.init(args.dir, args.nodes, args.port_base)
        print(f"notice-index: {len(nodes)} nodes configured in {args.dir}: {','.join(nodes)}")
        print(f"notice-index: start them with `notice-index cluster start --dir {args.dir}`, then load them with "
              f"`notice-index rebuild --backend sphinx --nodes {','.join(nodes)}`")
        return 0
    if args.action == "start":
        nodes = cluster.start(args.dir)
        print(f"notice-index: {len(nodes)} nodes answer: {','.join(nodes)}")
        return 0
    if args.action == "stop":
        cluster.stop(args.dir)
        print(f"notice-index: the nodes of {args.dir} are stopped")
        return 0
    nodes = cluster.nodes_of(args.dir) if args.dir else _nodes(argparse.Namespace(backend="sphinx", nodes=args.nodes))
    status = 0
    for line in cluster.status(nodes):
        print(line)
        status = status or int(line.startswith("  down"))
    return status


def _queries(args):
    """The queries given, `-` standing for each non-blank line of stdin, read as it comes."""
    for arg in args:
        if arg == "-":
            yield from (line.strip() for line in sys.stdin if line.strip())
        else:
            yield arg


def _hit_json(hit):
    return {"notice_id": hit.notice_id, "n": hit.n, "title": hit.title, "text": hit.text,
            "headings": hit.headings, "category": hit.category, "role": hit.role, "roles": hit.roles,
            "problem_types": hit.problem_types, "date": hit.date, "match": hit.match}


def _print_hits(query, result, hits):
    print(f"{query}: {result.total} paragraphs in {result.total_notices} notices "
          f"({result.exact} with every word as typed, {result.partial} with part of the query or a synonym)")
    for note in result.notes:
        print(f"  note: {note}")
    if result.roles:
        print(f"  note: {'、'.join(result.role_words)} read as the paragraph role {'、'.join(result.roles)}, ranked first")
    for word, synonyms in result.expansions:
        print(f"  note: {word} also searched as {'、'.join(synonyms)}")
    for suggestion in result.suggestions:
        print(f"  try: {suggestion.q} ({suggestion.count} paragraphs)")
    for hit in hits:
        labels = " · ".join(x for x in (hit.category, hit.role, "partial" if hit.match == "partial" else "") if x)
        print(f"  {hit.notice_id}:{hit.n}  {hit.title}" + (f"  [{labels}]" if labels else ""))
        text = hit.text if len(hit.text) <= 100 else hit.text[:99] + "…"
        print(f"      {text}")
    sys.stdout.flush()


def _positive(text):
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def build_parser():
    parser = argparse.ArgumentParser(prog="notice-index", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    data_help = "folder of notice files (default: $NOTICE_SEARCH_DATA or data/notices)"
    index_help = "index folder (default: $NOTICE_SEARCH_INDEX or instance/index)"
    wait_help = "if another rebuild or update is running, wait for it instead of stopping"
    procs_help = "worker processes for parsing and indexing (default: one per CPU)"

    p = sub.add_parser("parse", help="print each notice file parsed, as one JSON line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_parse)

    backend_help = "embedded (an index folder, the default) or sphinx (a cluster of searchd nodes)"
    nodes_help = "the sphinx backend's nodes, host:port,host:port in shard order (default: $NOTICE_SEARCH_SPHINX_NODES)"

    p = sub.add_parser("rebuild", help="parse and index every notice into a new index, verify it, switch to it")
    p.add_argument("--data", metavar="DIR", help=data_help)
    p.add_argument("--index", metavar="DIR", help=index_help)
    p.add_argument("--backend", choices=("embedded", "sphinx"), help=backend_help)
    p.add_argument("--nodes", metavar="HOST:PORT,...", help=nodes_help)
    p.add_argument("--if-stale", action="store_true",
                   help="do nothing when the index is up to date with the data folder")
    p.add_argument("--wait", action="store_true", help=wait_help)
    p.add_argument("--procs", type=_positive, metavar="N", help=procs_help)
    p.set_defaults(func=cmd_rebuild)

    p = sub.add_parser("update", help="add, replace and remove only the notices whose files changed")
    p.add_argument("--data", metavar="DIR", help=data_help)
    p.add_argument("--index", metavar="DIR", help=index_help)
    p.add_argument("--backend", choices=("embedded", "sphinx"), help=backend_help)
    p.add_argument("--nodes", metavar="HOST:PORT,...", help=nodes_help)
    p.add_argument("--wait", action="store_true", help=wait_help)
    p.add_argument("--procs", type=_positive, metavar="N", help=procs_help + ", when it rebuilds")
    p.set_defaults(func=cmd_update)

    p = sub.add_parser("check", help="parse every notice file and report problems; index nothing")
    p.add_argument("--data", metavar="DIR", help=data_help)
    p.add_argument("--procs", type=_positive, metavar="N", help=procs_help)
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("search", help="search the live index from a terminal or a script")
    p.add_argument("queries", nargs="+", metavar="QUERY",
                   help="a query as typed in the search box; - reads one per line from stdin")
    p.add_argument("--index", metavar="DIR", help=index_help)
    p.add_argument("--backend", choices=("embedded", "sphinx"), help=backend_help)
    p.add_argument("--nodes", metavar="HOST:PORT,...", help=nodes_help)
    p.add_argument("--limit", type=_positive, default=10, metavar="N", help="hits to show per query (default: 10)")
    p.add_argument("--json", action="store_true",
                   help='one JSON line per query: {"query", "total", "hits": [{"notice_id", "n", "title", "text", '
                        '"headings", "category", "role", "problem_types"}]}')
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("cluster", help="a local cluster of searchd nodes for the sphinx backend: init, start, stop, status")
    p.add_argument("action", choices=("init", "start", "stop", "status"))
    p.add_argument("--dir", metavar="DIR", help="the cluster's folder (required but for status, which may use --nodes)")
    p.add_argument("--nodes", metavar="N", help="init: how many nodes; status: their addresses, host:port,...")
    p.add_argument("--port-base", type=_positive, default=9306, metavar="P",
                   help="init: node i listens on P + 2i (SphinxQL) and P + 2i + 1 (agents); default 9306")
    p.set_defaults(func=cmd_cluster)
    return parser


def main(argv=None):
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "cluster":
        if args.action != "status" and not args.dir:
            parser.error(f"cluster {args.action} needs --dir")
        if args.action == "init":
            try:
                args.nodes = _positive(args.nodes or "")
            except argparse.ArgumentTypeError as exc:
                parser.error(f"cluster init --nodes: {exc}")
    try:
        config.check()
        return args.func(args)
    except NoticeSearchError as exc:
        if args.command in ("rebuild", "update"):
            print(f"notice-index: {args.command} failed, nothing changed: {exc}", file=sys.stderr)
        else:
            print(f"notice-index: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `| head`); say nothing more on the closed pipe.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except KeyboardInterrupt:
        if args.command in ("rebuild", "update"):
            print(f"notice-index: {args.command} interrupted, nothing changed.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
