"""The JSON API: the same searches as the page, as data."""

from dataclasses import asdict

from flask import Blueprint, jsonify, request, url_for

from .requests import engine, search_request

bp = Blueprint("api", __name__, url_prefix="/api")


def result_json(result):
    """The API body of a SearchResult (the page renders the same object)."""
    hits = []
    for hit in result.hits:
        data = asdict(hit)
        data["url"] = url_for("views.notice", notice_id=hit.notice_id, _anchor=f"p{hit.n}")
        hits.append(data)
    facets = {
        facet.name: {"label": facet.label,
                     "values": [{"value": v.value, "label": v.label, "count": v.count, "selected": v.selected}
                                for v in facet.values]}
        for facet in result.facets
    }
    return {"ok": True, "query": result.query, "notes": result.notes, "total": result.total,
            "total_notices": result.total_notices, "page": result.request.page,
            "per_page": result.request.per_page, "took_ms": result.took_ms, "hits": hits, "facets": facets}


@bp.get("/search")
def search():
    """Search paragraphs; answer with hits and facet counts."""
    return jsonify(result_json(engine().search(search_request(request.args))))
