"""`notice-search serve`: the search site under waitress, the production WSGI server."""

import argparse
import sys

from indexer import config
from indexer.errors import NoticeSearchError


def main(argv=None):
    parser = argparse.ArgumentParser(prog="notice-search", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the search site")
    serve.add_argument("--host", help="address to listen on (default: $NOTICE_SEARCH_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: $NOTICE_SEARCH_PORT or 8000)")
    serve.add_argument("--index", metavar="DIR", help="index folder (default: $NOTICE_SEARCH_INDEX or instance/index)")
    serve.add_argument("--backend", choices=("embedded", "sphinx"),
                       help="embedded (the index folder, the default) or sphinx (a cluster of searchd nodes)")
    serve.add_argument("--nodes", metavar="HOST:PORT,...",
                       help="the sphinx backend's nodes in shard order (default: $NOTICE_SEARCH_SPHINX_NODES)")
    args = parser.parse_args(argv)

    from . import create_app
    from .serving import make_server, share_malloc_arenas

    share_malloc_arenas()  # before the index check's thread and waitress's workers exist

    try:
        values = config.check({"HOST": args.host, "PORT": args.port, "INDEX_DIR": args.index,
                                "BACKEND": args.backend, "SPHINX_NODES": args.nodes})
        app = create_app(values)
    except NoticeSearchError as exc:
        print(f"notice-search: {exc}", file=sys.stderr)
        return 1
    server = make_server(app, values["HOST"], values["PORT"], values["THREADS"], values["MAX_CONNECTIONS"],
                         values["CLIENT_TIMEOUT"])
    print(f"notice-search: serving http://{values['HOST']}:{server.effective_port}/ (Ctrl-C to stop)", flush=True)
    try:
        server.run()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
