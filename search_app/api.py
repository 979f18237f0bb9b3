"""The JSON API: the same searches as the page, as data, and as CSV."""

from flask import Blueprint, Response, abort, current_app, jsonify, request, url_for
from werkzeug.wsgi import wrap_file

from indexer.errors import QueryError

from .export import content_disposition, csv_file
from .requests import backend, search_request
from .results import paragraph_links, result_dict

#: Most completions `/api/suggest` lists.
MAX_SUGGESTIONS = 20

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.get("/search")
def search():
    """Search paragraphs; answer with hits and facet counts."""
    return jsonify(result_dict(backend().search(search_request(request.args))))


@bp.get("/search.csv")
def search_csv():
    """Every matching paragraph as CSV that Excel opens, written first, then sent as a file."""
    search = search_request(request.args)
    hits = backend().all_hits(search, highlight=False)
    data = csv_file(hits, current_app.config["EXPORT_MAX_ROWS"], {"link": paragraph_links(search), "grouped": search.group})
    return Response(wrap_file(request.environ, data), content_type="text/csv; charset=utf-8",
                    direct_passthrough=True, headers={"Content-Disposition": content_disposition(search.q)})


@bp.get("/suggest")
def suggest():
    """Complete what is typed in the search box: words of the index, problem types, units, titles."""
    prefix = request.args.get("q", "")
    if len(prefix) > current_app.config["MAX_QUERY_LENGTH"]:
        raise QueryError(f"查询过长：最多 {current_app.config['MAX_QUERY_LENGTH']} 个字符。")
    try:
        limit = min(max(int(request.args.get("limit", 10)), 1), MAX_SUGGESTIONS)
    except ValueError:
        raise QueryError("参数 limit 须为整数。") from None
    found = backend().suggest(prefix, limit) if prefix.strip() else []
    return jsonify(ok=True, query=prefix, suggestions=[dict(text=c.text, kind=c.kind, count=c.count,
                                                            url=_completion_url(c)) for c in found])


def _completion_url(completion):
    """The search a completion leads to: the word, the problem type's filter, the unit or the title."""
    if completion.kind == "problem_type":
        return url_for("views.search", problem_type=completion.text)
    if completion.kind == "issuer":
        return url_for("views.search", q=f"单位:{completion.text}")
    if completion.kind == "title":
        return url_for("views.search", q=f'标题:"{completion.text}"')
    return url_for("views.search", q=completion.text)


@bp.get("/notices/<notice_id>")
def notice(notice_id):
    """Return one notice as the parser wrote it."""
    data = backend().notice(notice_id)
    if data is None:
        abort(404, description=f"没有编号为 {notice_id} 的通报：请检查编号，或重新检索。")
    return jsonify(data)
