"""Reading a search request from URL parameters, the same for the page, the API and CSV."""

from flask import current_app

from .search import FACET_LABELS, QueryError, SearchRequest


def _int(args, name, default):
    raw = args.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError:
        raise QueryError(f"参数 {name}={raw!r} 不是整数。") from None


def search_request(args):
    """Build a SearchRequest from query-string `args`; unknown parameters are ignored."""
    config = current_app.config
    return SearchRequest(
        q=args.get("q", "").strip(),
        filters={name: args.getlist(name) for name in FACET_LABELS if args.getlist(name)},
        sort=args.get("sort") or "relevance",
        page=_int(args, "page", 1),
        per_page=min(_int(args, "per_page", config["PER_PAGE"]), config["MAX_PER_PAGE"]),
        group=args.get("group") in ("1", "true", "on"),
    )


def engine():
    return current_app.extensions["engine"]
