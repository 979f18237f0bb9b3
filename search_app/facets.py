"""Facets as data: one dict per facet, carrying each value's toggle URL (Datasette's habit).

The same dicts are the API's "facets" and what `_facets.html` draws, so the page
and the API cannot disagree, and templates never build URLs.
"""

from .requests import search_url
from .search import FACET_LIMIT as LIMIT

#: Values a facet lists before the rest go behind 更多.
SHOWN = 10


def toggled(search, name, value):
    """The filters of `search` with `value` of facet `name` added if absent, removed if present."""
    values = list(search.filters.get(name, []))
    if value in values:
        values.remove(value)
    else:
        values.append(value)
    filters = {k: v for k, v in search.filters.items() if k != name}
    if values:
        filters[name] = values
    return filters


def facet_dicts(result):
    """The result's facets as {name: {label, values, truncated}}, in display order."""
    search = result.request
    facets = {}
    for facet in result.facets:
        kept = [v for v in facet.values if v.selected]
        kept += [v for v in facet.values if not v.selected][:max(0, LIMIT - len(kept))]
        facets[facet.name] = {
            "label": facet.label,
            "values": [
                {"value": v.value, "label": v.label, "count": v.count, "selected": v.selected,
                 "toggle_url": search_url(search, filters=toggled(search, facet.name, v.value))}
                for v in kept
            ],
            "truncated": len(kept) < max(facet.available, len(facet.values)),
        }
    return facets


def chips(facets, search):
    """The selected values as removable chips, and the URL that clears them all."""
    selected = [{"facet": facet["label"], "label": value["label"], "remove_url": value["toggle_url"]}
                for facet in facets.values() for value in facet["values"] if value["selected"]]
    return selected, search_url(search, filters={})
