"""The JSON API: the same searches as the page, as data, and as CSV."""

from flask import Blueprint, Response, abort, jsonify, request, stream_with_context

from .export import csv_chunks, content_disposition
from .requests import backend, search_request
from .results import result_dict

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    """Search paragraphs; answer with hits and facet counts."""
    return jsonify(result_dict(backend().search(search_request(request.args))))


@bp.get("/search.csv")
def search_csv():
    """Stream every matching paragraph as CSV that Excel opens."""
    search = search_request(request.args)
    hits = backend().all_hits(search)
    return Response(stream_with_context(csv_chunks(hits)), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition(search.q)})


@bp.get("/notices/<notice_id>")
def notice(notice_id):
    """Return one notice as the parser wrote it."""
    data = backend().notice(notice_id)
    if data is None:
        abort(404, description=f"没有编号为 {notice_id} 的通报：请检查编号，或重新检索。")
    return jsonify(data)
