"""The search state in the URL: query-string parameters to a SearchRequest and back.

The page, the API and the CSV export read the same parameters, and every link
the page draws (facet toggles, chips, sort, pages, hits) is written back from a
SearchRequest here, so any state can be shared or bookmarked and the back
button steps through it.
"""

import re
from dataclasses import replace

from flask import current_app, request, url_for

from indexer.errors import QueryError
from search_core.facets import BY_NAME as FACETS
from search_core.months import parse_month
from search_core.results import SearchRequest

TRUE = ("1", "true", "on", "yes")
FALSE = ("0", "false", "off", "no")
#: Longer than any real facet value (a notice id, a region, a problem type). Every
#: link on the page repeats the selected values, so one long value would be copied
#: hundreds of times into the answer.
MAX_VALUE_LENGTH = 100


#: `find_notice=榆树` lists only the 通报 values whose title holds 榆树 (a long list's find box).
#: Not part of the state links carry: a value chosen from the found ones shows anyway, being selected.
FIND_PREFIX = "find_"

#: What a number in the address may look like: ASCII digits only (int() also takes ٣ and 1_0).
_NUMBER = re.compile(r"-?[0-9]+")


def _int(args, name, default):
    raw = args.get(name, "").strip()
    if not raw:
        return default
    if not _NUMBER.fullmatch(raw):
        raise QueryError(f"参数 {name}={raw[:20]!r} 不是整数，请改为正整数或去掉它。")
    return int(raw) if len(raw) <= 18 else (-1 if raw.startswith("-") else 1) * 10 ** 18  # beyond any limit


def _values(args, name):
    """The distinct non-empty values of a repeated parameter, in the order given."""
    values = list(dict.fromkeys(v.strip() for v in args.getlist(name) if v.strip()))
    if any(len(v) > MAX_VALUE_LENGTH for v in values):
        raise QueryError(f"参数 {name} 的值过长：每个值最多 {MAX_VALUE_LENGTH} 个字符，请检查地址。")
    return values


def search_request(args):
    """Build a SearchRequest from query-string `args`; unknown parameters are ignored.

    A too-large `per_page` is clamped (the MAX_PER_PAGE setting says so); too
    many or too long facet values are refused here, because every link the page
    draws repeats them; other out-of-range values are left for the backend
    to refuse with a sentence.
    """
    config = current_app.config
    filters = {name: _values(args, name) for name in FACETS}
    if sum(map(len, filters.values())) > config["MAX_FILTER_VALUES"]:
        raise QueryError(f"筛选条件过多：一次最多选 {config['MAX_FILTER_VALUES']} 项，请去掉一些。")
    return SearchRequest(
        q=args.get("q", "").strip(),
        filters={name: values for name, values in filters.items() if values},
        sort=args.get("sort", "").strip() or "relevance",
        page=_int(args, "page", 1),
        per_page=min(_int(args, "per_page", config["PER_PAGE"]), config["MAX_PER_PAGE"]),
        group=args.get("group", "").strip().lower() in TRUE,
        synonyms=args.get("synonyms", "").strip().lower() not in FALSE,
        date_from=parse_month(args.get("date_from"), "date_from"),
        date_to=parse_month(args.get("date_to"), "date_to", end=True),
        find={name: text[:MAX_VALUE_LENGTH] for name in FACETS
              if (text := args.get(FIND_PREFIX + name, "").strip())},
    )


def state_args(search):
    """The query-string parameters that reproduce `search`, leaving out defaults."""
    args = {}
    if search.q:
        args["q"] = search.q
    for name in FACETS:
        if search.filters.get(name):
            args[name] = list(search.filters[name])
    if search.date_from:
        args["date_from"] = search.date_from
    if search.date_to:
        args["date_to"] = search.date_to
    if search.sort != "relevance":
        args["sort"] = search.sort
    if search.group:
        args["group"] = "1"
    if not search.synonyms:
        args["synonyms"] = "0"
    if search.per_page != current_app.config["PER_PAGE"]:
        args["per_page"] = search.per_page
    if search.page != 1:
        args["page"] = search.page
    return args


def search_url(search, endpoint=None, **changes):
    """The URL of `search` with `changes` applied, on `endpoint` (default: the current one).

    Any change other than a page number goes back to page 1: the old page of a
    different result set means nothing.
    """
    if "page" not in changes:
        changes["page"] = 1
    return url_for(endpoint or request.endpoint, **state_args(replace(search, **changes)))


def backend():
    """The app's search backend (`search_core.backend`)."""
    return current_app.extensions["backend"]
