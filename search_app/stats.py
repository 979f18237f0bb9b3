"""The statistics page and its API: any search, counted by problem type, place, year, level, unit and role.

`/stats?…` takes the search's own parameters, so every search can be counted.
Each table is drawn as a chart by `static/stats.js` (ECharts, from this site)
and printed as a table beside it, for readers without JavaScript; every cell
and bar links to the search it counts.
"""

from flask import Blueprint, jsonify, render_template, request

from .markup import value_label
from .requests import backend, search_request, search_url

bp = Blueprint("stats", __name__)


@bp.get("/stats")
def page():
    """Show the counts of a search as tables and charts."""
    result = backend().stats(search_request(request.args))
    return render_template("stats.html", data=stats_dict(result), search=result.request,
                           search_link=search_url(result.request, "views.search"),
                           compare_link=search_url(result.request, "compare.page"),
                           api_url=search_url(result.request, "stats.api"))


@bp.get("/api/stats")
def api():
    """Answer with the counts of a search, each table with the link of every cell."""
    return jsonify(stats_dict(backend().stats(search_request(request.args))))


def stats_dict(result):
    """The StatsResult as the API's body, which the page renders too."""
    search = result.request
    return {
        "ok": True, "query": search.q, "understood": result.query, "total": result.total,
        "total_notices": result.total_notices, "took_ms": result.took_ms,
        "tables": [_table(search, table) for table in result.tables],
    }


def _table(search, table):
    def link(row, column=None):
        filters = dict(search.filters)
        if table.row_facet:
            filters[table.row_facet] = [row]
        if table.column_facet and column is not None:
            filters[table.column_facet] = [column]
        q = f'{search.q} {table.row_query}:"{row}"'.strip() if table.row_query else search.q
        if not (table.row_facet or table.row_query):
            return None
        return search_url(search, "views.search", q=q, filters=filters)

    return {
        "name": table.name, "title": table.title, "unit": table.unit,
        "rows": [value_label(table.row_facet, r) for r in table.rows], "row_values": table.rows,
        "columns": [value_label(table.column_facet, c) for c in table.columns], "column_values": table.columns,
        "cells": table.cells,
        "row_links": [link(r) for r in table.rows],
        "links": [[link(r, c) if table.column_facet else link(r) for c in table.columns] for r in table.rows],
    }
