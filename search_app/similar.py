"""Near-copies (雷同): a paragraph beside its near-copies, more like it, and the report of notices that copy."""

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from indexer.errors import QueryError

from .markup import marked, place
from .requests import backend
from .results import hit_dict

bp = Blueprint("similar", __name__)

#: Most notices the report lists.
REPORT_LIMIT = 200
#: Paragraphs more-like-this lists.
MORE_LIMIT = 10


def _paragraph_url(hit):
    return url_for("views.notice", notice_id=hit.notice_id, _anchor=f"p{hit.n}")


def similar_dict(result):
    """The side-by-side comparison as data: the paragraph, then each near-copy with the characters that differ marked."""
    base = dict(hit_dict(result.hit), url=_paragraph_url(result.hit))
    copies = []
    for copy in result.copies:
        data = dict(hit_dict(copy.hit), url=_paragraph_url(copy.hit), similarity=copy.similarity,
                    similar_url=url_for("similar.page", notice_id=copy.hit.notice_id, n=copy.hit.n))
        data["base_diff"] = marked(result.hit.text, copy.base_spans)
        data["diff"] = marked(copy.hit.text, copy.spans)
        copies.append(data)
    return {"ok": True, "paragraph": base, "copies": copies, "notices": result.notices, "more": result.more,
            "threshold": result.threshold, "boilerplate": result.boilerplate, "took_ms": result.took_ms,
            "more_like_this_url": url_for("similar.more", notice_id=result.hit.notice_id, n=result.hit.n)}


def more_dict(result):
    return {"ok": True, "paragraph": dict(hit_dict(result.hit), url=_paragraph_url(result.hit)),
            "words": result.words, "took_ms": result.took_ms,
            "hits": [dict(hit_dict(h), url=_paragraph_url(h)) for h in result.hits]}


def report_dict(report):
    lines = []
    for line in report.lines:
        entry, source = line.entry, line.source
        lines.append({
            "notice_id": entry["id"], "title": line.title, "issuer": entry.get("issuer") or "",
            "place": place(entry.get("province"), entry.get("city"), entry.get("county")),
            "date": entry.get("date") or "", "measures": line.measures, "copied": line.copied,
            "share": round(line.share, 4), "url": url_for("views.notice", notice_id=entry["id"]),
            "copied_url": url_for("views.search", notice=entry["id"], duplicate="有雷同", role="整改措施"),
            "source": None if source is None else {
                "notice_id": source["id"], "title": line.source_title, "date": source.get("date") or "",
                "url": url_for("views.notice", notice_id=source["id"]), "shared": line.from_source},
        })
    return {"ok": True, "notices": report.notices, "copying": report.copying, "threshold": report.threshold,
            "took_ms": report.took_ms, "lines": lines}


def _found(result, notice_id, n):
    if result is None:
        abort(404, description=f"没有编号为 {notice_id} 的通报的第 {n} 段：它可能已在重建索引时移除，请重新检索。")
    return result


@bp.get("/similar/<notice_id>/<int:n>")
def page(notice_id, n):
    """Show a paragraph beside its near-copies in other notices, the differing characters marked."""
    data = similar_dict(_found(backend().similar(notice_id, n), notice_id, n))
    return render_template("similar.html", data=data)


@bp.get("/more/<notice_id>/<int:n>")
def more(notice_id, n):
    """Show the paragraphs of other notices most like this one in content, in other words."""
    data = more_dict(_found(backend().more_like_this(notice_id, n, MORE_LIMIT), notice_id, n))
    return render_template("more.html", data=data)


@bp.get("/copies")
def report():
    """Show the notices whose measures are most often near-copies, each with the notice it most resembles."""
    return render_template("copies.html", data=report_dict(backend().duplicate_report(_limit())))


def _limit():
    raw = request.args.get("limit", str(REPORT_LIMIT))
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise QueryError("参数 limit 须为正整数。")
    return min(max(int(raw), 1), REPORT_LIMIT)


@bp.get("/api/similar/<notice_id>/<int:n>")
def api_similar(notice_id, n):
    """A paragraph and its near-copies, as JSON."""
    return jsonify(similar_dict(_found(backend().similar(notice_id, n), notice_id, n)))


@bp.get("/api/more/<notice_id>/<int:n>")
def api_more(notice_id, n):
    """The paragraphs most like this one in content, as JSON."""
    return jsonify(more_dict(_found(backend().more_like_this(notice_id, n, MORE_LIMIT), notice_id, n)))


@bp.get("/api/copies")
def api_report():
    """The notices ranked by the share of their measures that are near-copies, as JSON."""
    return jsonify(report_dict(backend().duplicate_report(_limit())))
