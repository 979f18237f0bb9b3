"""`notice-index`: parse notices, build and check the index, search it from a terminal."""

import argparse
import json
import sys

from . import settings
from .build import BuildError, is_stale, rebuild
from .notice import NoticeError
from .parsing import parse_file


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


def cmd_rebuild(args):
    """Build a new index from the data folder and switch to it."""
    data_dir = settings.get("DATA_DIR", {"DATA_DIR": args.data})
    index_dir = settings.get("INDEX_DIR", {"INDEX_DIR": args.index})
    if args.if_stale and not is_stale(data_dir, index_dir):
        print(f"notice-index: index in {index_dir} is up to date with {data_dir}")
        return 0
    try:
        summary = rebuild(data_dir, index_dir)
    except BuildError as exc:
        print(f"notice-index: rebuild failed, the previous index is still live: {exc}", file=sys.stderr)
        return 1
    for line in summary.lines():
        print(f"notice-index: {line}")
    return 2 if summary.skipped else 0


def build_parser():
    parser = argparse.ArgumentParser(prog="notice-index", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("parse", help="print each notice file parsed, as one JSON line")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.set_defaults(func=cmd_parse)

    p = sub.add_parser("rebuild", help="parse and index every notice into a new index, then switch to it")
    p.add_argument("--data", metavar="DIR", help="folder of notice files (default: $NOTICE_SEARCH_DATA or data/notices)")
    p.add_argument("--index", metavar="DIR", help="index folder (default: $NOTICE_SEARCH_INDEX or instance/index)")
    p.add_argument("--if-stale", action="store_true", help="do nothing when the index is up to date with the data folder")
    p.set_defaults(func=cmd_rebuild)
    return parser


def main(argv=None):
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except settings.SettingError as exc:
        print(f"notice-index: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
