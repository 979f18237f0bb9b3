"""The HTML pages: the search page, a notice's own page and its original text."""

import os
from dataclasses import replace
from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for

from indexer.errors import QueryError
from indexer.notice import display_title
from search_core.embedded.engine import SORTS
from search_core.highlight import spans
from search_core.query import parse

from .export import attachment
from .facets import FOLDED, PAGE_ORDER, SHOWN, chips
from .home import home_dict
from .markup import marked
from .outline import Section, blocks, count_matches, outline
from .requests import backend, search_request, search_url, state_args
from .results import page_links, result_dict
from .security import ORIGINAL_CSP
from .sources import read_original

bp = Blueprint("views", __name__)

SORT_LABELS = dict(zip(SORTS, ("相关度", "最新", "最早")))
#: Newest notices the page for an empty search lists.
HOME_NEWEST = 8


@bp.get("/")
def search():
    """Show the search box, the hits and the facets."""
    result = backend().search(search_request(request.args))
    search = result.request  # as the backend read it: values the index does not hold are dropped
    data = result_dict(result)
    selected, clear_url = chips(data["facets"], search)
    # Without query words there is no relevance: the engine lists newest first, so say so.
    shown = "newest" if search.sort == "relevance" and not data["understood"] else search.sort
    sorts = [{"label": SORT_LABELS[s], "url": search_url(search, sort=s), "current": s == shown}
             for s in SORTS]
    home = None
    if not (search.q or search.filters or search.date_from or search.date_to or search.group) \
            and search.page == 1 and search.sort == "relevance":  # the bare address
        newest = backend().search(replace(search, group=True, sort="newest", per_page=HOME_NEWEST))
        home = home_dict(data, result_dict(newest))
    return render_template(
        "search.html", search=search, data=data, chips=selected, clear_url=clear_url, home=home,
        pager=page_links(result), sorts=sorts, facet_shown=SHOWN, group=search.group,
        group_url=search_url(search, group=not search.group),
        csv_url=search_url(search, "api.search_csv"), feed_url=search_url(search, "feed.search_atom"),
        compare_url=search_url(search, "compare.page"), stats_url=search_url(search, "stats.page"),
        date_form=state_form(search, date_from="", date_to=""), page_state=state_form(search),
        facet_order=PAGE_ORDER, folded=FOLDED,
    )


def state_form(search, **cleared):
    """Where a form of the page goes, and the search's state (less `cleared`) it carries as hidden fields."""
    args = state_args(replace(search, page=1, **cleared))
    hidden = [(name, v) for name, value in args.items() for v in (value if isinstance(value, list) else [value])]
    return {"action": url_for(request.endpoint), "hidden": hidden}


@bp.get("/favicon.ico")
def favicon():
    """The icon browsers ask for at the root whatever the page says (the page links the SVG one)."""
    return send_from_directory(current_app.static_folder, "favicon.ico", mimetype="image/vnd.microsoft.icon",
                               max_age=86400)


def _notice_or_404(notice_id):
    data = backend().notice(notice_id)
    if data is None:
        abort(404, description=f"没有编号为 {notice_id} 的通报：它可能已在重建索引时移除，请重新检索。")
    return data


@bp.get("/notices/<notice_id>")
def notice(notice_id):
    """Show one notice: metadata, outline, every paragraph anchored, the query highlighted."""
    data = _notice_or_404(notice_id)
    try:
        search = search_request(request.args)
    except QueryError:
        search = None  # a mangled search state should not hide the notice itself
    if search and len(search.q) > current_app.config["MAX_QUERY_LENGTH"]:
        search = None
    terms = parse(search.q).positive_terms() if search else []
    hits = _hits_in(notice_id, search)
    document = []
    for block in blocks(data):
        if isinstance(block, Section):
            block.html = marked(block.text, spans(block.text, terms, field="headings"))
        else:
            block = dict(block, html=marked(block["text"], spans(block["text"], terms)), matched=block["n"] in hits)
        document.append(block)
    count_matches(document)
    back = state_args(search) if search else {}
    return render_template(
        "notice.html", notice=data, title=display_title(data), document=document,
        outline=outline(b for b in document if isinstance(b, Section)),
        matches=sum(1 for b in document if not isinstance(b, Section) and b["matched"]),
        first_match=next((f"p{b['n']}" for b in document if not isinstance(b, Section) and b["matched"]), ""),
        query=search.q if search else "",
        back_url=url_for("views.search", **back, _anchor=f"notice-{notice_id}") if back else None,
        copies=backend().notice_copies(notice_id),
    )


def _hits_in(notice_id, search):
    """The numbers of the notice's paragraphs that `search` finds: what the page marks and steps through."""
    if not search or not search.q:
        return set()
    within = replace(search, filters={**search.filters, "notice": [notice_id]}, group=False, page=1)
    try:
        return {hit.n for hit in backend().all_hits(within, highlight=False)}
    except QueryError:
        return set()


@bp.get("/notices/<notice_id>/source")
def source(notice_id):
    """Serve the notice's original file from the data folder: text inline, anything else as a download."""
    data = _notice_or_404(notice_id)
    root = Path(current_app.config["DATA_DIR"]).resolve()
    # A name that is not UTF-8 on disk is shown readable and kept as bytes (`datafiles.readable`).
    relative = os.fsdecode(bytes.fromhex(data["source_raw"])) if data.get("source_raw") else data["source"]
    path = (root / relative).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        abort(404, description="这份通报的原文文件不在数据目录中（可能已移动或删除）。")
    body, content_type, inline = read_original(path, data.get("media_type"))
    headers = {"X-Content-Type-Options": "nosniff", "Content-Security-Policy": ORIGINAL_CSP}
    if not inline:
        headers["Content-Disposition"] = attachment(path.name)
    return Response(body, content_type=content_type, headers=headers)
