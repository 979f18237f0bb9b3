"""Every search as an Atom feed (RFC 4287) of the newest matching notices: subscribe to a topic or a place."""

from dataclasses import replace
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, request, url_for

from .requests import backend, search_request, state_args

bp = Blueprint("feed", __name__, url_prefix="/api")

ATOM = "http://www.w3.org/2005/Atom"
#: Notices one feed lists, newest first.
ENTRIES = 20
#: Characters of the matching paragraph an entry's summary shows.
SUMMARY_CHARS = 300
#: What a notice without any date is dated, so that it still is a valid entry (it sorts last anyway).
UNDATED = "1970-01-01"


def _timestamp(date):
    """An Atom date (RFC 3339) of a notice's YYYY-MM-DD date."""
    return f"{date or UNDATED}T00:00:00Z"


def _add(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def atom(search, result):
    """The feed's XML: one entry per notice of `result` (the newest first), its best matching paragraph as the summary.

    `search` is the search the feed is of: its links lead back to it.
    """
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "zh-CN"})
    what = search.q or "全部通报"
    chosen = "；".join(f"{'、'.join(values)}" for values in search.filters.values() if values)
    _add(feed, "title", f"巡察通报检索：{what}{'（' + chosen + '）' if chosen else ''}")
    self_url = url_for("feed.search_atom", **state_args(search), _external=True)
    _add(feed, "id", self_url)
    _add(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(feed, "link", rel="alternate", type="text/html",
         href=url_for("views.search", **state_args(replace(search, sort="newest", group=True)), _external=True))
    # Paragraphs shown after a short result page only to read on ("related") do not match the search.
    hits = [hit for hit in result.hits if hit.match != "related"]
    dates = [hit.date for hit in hits if hit.date]
    _add(feed, "updated", _timestamp(max(dates) if dates else None))
    author = _add(feed, "author")
    _add(author, "name", "巡察通报检索")
    _add(feed, "generator", "notice-search")
    args = state_args(replace(search, sort="relevance", group=False, page=1))
    for hit in hits:
        entry = _add(feed, "entry")
        url = url_for("views.notice", notice_id=hit.notice_id, _external=True)
        _add(entry, "id", url)
        _add(entry, "title", hit.title)
        _add(entry, "updated", _timestamp(hit.date))
        if hit.date:
            _add(entry, "published", _timestamp(hit.date))
        _add(entry, "link", rel="alternate", type="text/html",
             href=url_for("views.notice", notice_id=hit.notice_id, **args, _external=True, _anchor=f"p{hit.n}"))
        if hit.issuer:
            _add(_add(entry, "author"), "name", hit.issuer)
        text = hit.text if len(hit.text) <= SUMMARY_CHARS else hit.text[:SUMMARY_CHARS] + "…"
        more = f"（本通报另有 {hit.more_in_notice} 段符合）" if hit.more_in_notice else ""
        _add(entry, "summary", f"{text}{more}", type="text")
        for value in (hit.province, hit.level, *hit.problem_types):
            if value:
                _add(entry, "category", term=value)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


@bp.get("/search.atom")
def search_atom():
    """The search's newest matching notices as an Atom feed, one entry per notice."""
    asked = search_request(request.args)
    result = backend().search(replace(asked, sort="newest", group=True, page=1, per_page=ENTRIES))
    # As the backend read it (unknown facet values dropped), but as asked otherwise.
    search = replace(result.request, sort=asked.sort, group=asked.group, page=1, per_page=asked.per_page)
    return Response(atom(search, result), content_type="application/atom+xml; charset=utf-8")
