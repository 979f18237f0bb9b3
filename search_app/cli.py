"""`notice-search serve`: the search site under waitress, the production WSGI server."""

import argparse
import sys

from indexer import settings


def main(argv=None):
    parser = argparse.ArgumentParser(prog="notice-search", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve the search site")
    serve.add_argument("--host", help="address to listen on (default: $NOTICE_SEARCH_HOST or 127.0.0.1)")
    serve.add_argument("--port", type=int, help="port (default: $NOTICE_SEARCH_PORT or 8000)")
    serve.add_argument("--index", metavar="DIR", help="index folder (default: $NOTICE_SEARCH_INDEX or instance/index)")
    args = parser.parse_args(argv)

    import waitress

    from . import create_app

    overrides = {"HOST": args.host, "PORT": args.port, "INDEX_DIR": args.index}
    config = settings.as_dict(overrides)
    app = create_app({k: v for k, v in config.items()})
    print(f"notice-search: serving http://{config['HOST']}:{config['PORT']}/ (Ctrl-C to stop)", flush=True)
    waitress.serve(app, host=config["HOST"], port=config["PORT"], threads=config["THREADS"], ident="notice-search")
    return 0


if __name__ == "__main__":
    sys.exit(main())
