"""Facets as data: one dict per facet, carrying each value's toggle URL (Datasette's habit).

The same dicts are the API's "facets" and what `_facets.html` draws, so the page
and the API cannot disagree, and templates never build URLs.
"""

from dataclasses import replace
from functools import lru_cache
from urllib.parse import quote_plus, urlencode

from flask import request, url_for

from search_core.facets import BY_NAME, FACET_LIMIT

from .markup import value_label
from .requests import search_url, state_args

#: Characters url_for leaves unescaped in a query string (werkzeug's, after the WHATWG URL spec).
URL_SAFE = "!$'()*,/:;?@"
FACET_ORDER = {name: i for i, name in enumerate(BY_NAME)}

#: Values a facet lists before the rest go behind 更多.
SHOWN = 10
#: The filters in the order the page shows them: what people narrow by first (time, place,
#: level, problem type, role), the long lists last. The API keeps `search_core.facets` order.
PAGE_ORDER = ("year", "province", "level", "problem_type", "role", "duplicate", "category", "city", "county", "issuer",
              "notice")
#: Long lists, folded shut unless one of their values is chosen, each with a find box.
FOLDED = frozenset({"city", "county", "issuer", "notice"})


def toggled(search, name, value):
    """The filters of `search` with `value` of facet `name` added if absent, removed if present."""
    values = _toggled_values(search.filters.get(name, []), value)
    filters = {k: v for k, v in search.filters.items() if k != name}
    if values:
        filters[name] = values
    return filters


def _toggled_values(values, value):
    """`values` (a facet's selection) with `value` removed if present, appended if not."""
    return [v for v in values if v != value] if value in values else [*values, value]


def toggle_urls(search, name, values):
    """The URL toggling each of `values` of facet `name`: `search_url(search, filters=toggled(...))` for each.

    A result lists a few hundred facet values; building each URL with url_for
    cost more than the search itself. The parameters the values share are
    encoded once, the way url_for encodes them (a test holds the two equal).
    """
    path = url_for(request.endpoint)
    args = state_args(replace(search, filters={k: v for k, v in search.filters.items() if k != name}, page=1))
    keys = list(args)
    position = sum(1 for k in keys if k in FACET_ORDER and FACET_ORDER[k] < FACET_ORDER[name] or k == "q")
    before = _encode([(k, args[k]) for k in keys[:position]])
    after = _encode([(k, args[k]) for k in keys[position:]])
    key = _quoted(name)
    current = search.filters.get(name, [])
    head = f"{path}?{before}&" if before else f"{path}?"
    tail = f"&{after}" if after else ""
    if not current:  # the usual case: each URL adds one value
        return [f"{head}{key}={_quoted(value)}{tail}" for value in values]
    urls = []
    for value in values:
        own = "&".join(f"{key}={_quoted(v)}" for v in _toggled_values(current, value))
        query = "&".join(part for part in (before, own, after) if part)
        urls.append(f"{path}?{query}" if query else path)
    return urls


@lru_cache(maxsize=65536)
def _quoted(text):
    """`text` percent-encoded as url_for encodes a query value; facet values recur on every page."""
    return quote_plus(text, safe=URL_SAFE)


def _encode(pairs):
    items = [(k, v) for k, value in pairs for v in (value if isinstance(value, list) else [value])]
    return urlencode(items, safe=URL_SAFE)


def facet_dicts(result):
    """The result's facets as {name: {label, values, truncated}}, in display order."""
    search = result.request
    facets = {}
    for facet in result.facets:
        kept = [v for v in facet.values if v.selected]
        kept += [v for v in facet.values if not v.selected][:max(0, FACET_LIMIT - len(kept))]
        urls = toggle_urls(search, facet.name, [v.value for v in kept])
        facets[facet.name] = {
            "label": facet.label,
            "values": [
                {"value": v.value, "label": value_label(facet.name, v.value, v.label), "count": v.count,
                 "notices": v.notices, "selected": v.selected, "toggle_url": url}
                for v, url in zip(kept, urls)
            ],
            "truncated": len(kept) < max(facet.available, len(facet.values)),
            "available": facet.available,
            "find": search.find.get(facet.name, ""),
        }
    return facets


def chips(facets, search):
    """The selected values as removable chips, and the URL that clears them all."""
    selected = [{"facet": facet["label"], "label": value["label"], "remove_url": value["toggle_url"]}
                for facet in facets.values() for value in facet["values"] if value["selected"]]
    if search.date_from or search.date_to:
        selected.append({"facet": "日期", "label": date_range_label(search.date_from, search.date_to),
                         "remove_url": search_url(search, date_from="", date_to="")})
    return selected, search_url(search, filters={}, date_from="", date_to="")


def date_range_label(date_from, date_to):
    """A month range as it reads: 2022年3月—2023年6月, 2022年3月起, 至2023年6月."""
    def month(value):
        year, number = value.split("-")
        return f"{year}年{int(number)}月"

    if date_from and date_to:
        return month(date_from) if date_from == date_to else f"{month(date_from)}—{month(date_to)}"
    return f"{month(date_from)}起" if date_from else f"至{month(date_to)}"
