"""The HTML pages: the search page and a notice's own page."""

from flask import Blueprint, abort, render_template, request

from .requests import engine, search_request

bp = Blueprint("views", __name__)


@bp.get("/")
def search():
    """Show the search box, the hits and the facets."""
    result = engine().search(search_request(request.args))
    return render_template("search.html", result=result)


@bp.get("/notices/<notice_id>")
def notice(notice_id):
    """Show one notice with every paragraph anchored."""
    data = engine().notice(notice_id)
    if data is None:
        abort(404)
    return render_template("notice.html", notice=data, q=request.args.get("q", ""))
