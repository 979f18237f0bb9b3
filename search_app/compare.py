"""The comparison: how each unit answered one problem, a notice per row, side by side.

`/compare?…` takes the search's own parameters plus `order` (how the rows are
sorted) and `pick` (repeated notice ids: the notices to compare, chosen with the
checkboxes; none means every matching notice, up to 50). Every cell links to its
paragraph in the notice; the same rows are JSON at `/api/compare` and CSV at
`/api/compare.csv`, and the page prints as a table.
"""

import csv
import io

from flask import Blueprint, Response, jsonify, render_template, request, url_for

from indexer.errors import QueryError

from .export import BOM, content_disposition, neutralised
from .markup import marked, place, value_label
from .requests import backend, search_request, search_url, state_args

bp = Blueprint("compare", __name__)

ORDERS = {"relevance": "相关度", "newest": "最新", "oldest": "最早", "place": "地区", "completion": "完成率"}
#: The columns of a row's paragraphs, as the page titles them.
GROUPS = {"问题": "存在的问题", "整改措施": "整改措施", "整改成效": "整改成效", "其他": "其他相关段落"}
#: Most notices a comparison may pick.
MAX_PICKED = 50


def _compare():
    search = search_request(request.args)
    order = request.args.get("order", "relevance").strip() or "relevance"
    picked = list(dict.fromkeys(v.strip() for v in request.args.getlist("pick") if v.strip()))
    if len(picked) > MAX_PICKED:
        raise QueryError(f"一次最多对比 {MAX_PICKED} 份通报，请少选一些。")
    if order not in ORDERS:
        raise QueryError(f"对比的排序方式“{order}”无效，可用：{'、'.join(ORDERS)}。")
    return backend().compare(search, picked, order), order, picked


@bp.get("/compare")
def page():
    """Show the matching notices side by side: problems, measures, results and completion figures."""
    result, order, picked = _compare()
    search = result.request
    return render_template(
        "compare.html", data=compare_dict(result), search=search, order=order, picked=picked,
        orders=[{"label": label, "url": compare_url(search, name, picked), "current": name == order}
                for name, label in ORDERS.items()],
        all_url=compare_url(search, order, []), csv_url=compare_url(search, order, picked, "compare.csv_export"),
        search_link=search_url(search, "views.search"), stats_link=search_url(search, "stats.page"),
        groups=GROUPS, hidden=state_args(search))


@bp.get("/api/compare")
def api():
    """The comparison as data."""
    return jsonify(compare_dict(_compare()[0]))


@bp.get("/api/compare.csv")
def csv_export():
    """The comparison as CSV, a notice per row, that Excel opens."""
    result = _compare()[0]
    out = io.StringIO()
    writer = csv.writer(out)
    out.write(BOM)
    writer.writerow(["单位", "标题", "省份", "城市", "区县", "层级", "日期", "匹配段落", "反馈问题", "已整改", "整改率",
                     *GROUPS.values(), "链接"])
    for row in compare_dict(result)["rows"]:
        notice = row["notice"]
        stats = notice.get("stats") or {}
        cells = ["\n".join(p["text"] for p in row["cells"][group]) for group in GROUPS]
        writer.writerow([neutralised(c) if isinstance(c, str) else c for c in (
            notice.get("issuer") or "", row["title"], notice.get("province") or "", notice.get("city") or "",
            notice.get("county") or "", notice.get("level_label") or "", notice.get("date") or "", row["matches"],
            stats.get("problems"), stats.get("problems_done"),
            "" if row["completion"] is None else f"{row['completion'] * 100:.1f}%", *cells,
            request.host_url.rstrip("/") + row["url"])])
    return Response(out.getvalue(), content_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": content_disposition("对比-" + result.request.q)})


def compare_url(search, order, picked, endpoint="compare.page"):
    """The comparison of `search` ordered by `order`, narrowed to `picked` notices."""
    args = state_args(search)
    args.pop("page", None)
    if order != "relevance":
        args["order"] = order
    if picked:
        args["pick"] = list(picked)
    return url_for(endpoint, **args)


def compare_dict(result):
    """The CompareResult as the API's body, which the page renders too."""
    search = result.request
    args = state_args(search)
    rows = []
    for row in result.rows:
        notice = dict(row.notice)
        notice.pop("offset", None)
        notice.pop("length", None)
        notice["level_label"] = value_label("level", notice.get("level") or "")
        notice["place"] = place(notice.get("province"), notice.get("city"), notice.get("county"))
        url = url_for("views.notice", notice_id=notice["id"], **args)
        rows.append({
            "notice": notice, "title": row.title, "url": url, "matches": row.matches, "completion": row.completion,
            "cells": {group: [{"n": hit.n, "text": hit.text, "highlight": marked(hit.text, hit.spans, hit.truncated),
                               "role": hit.role, "match": hit.match, "url": f"{url}#p{hit.n}"}
                              for hit in hits] for group, hits in row.cells.items()},
            "more": row.more,
        })
    return {"ok": True, "query": search.q, "notices": result.notices, "shown": len(rows), "order": result.sort,
            "picked": result.chosen, "took_ms": result.took_ms, "rows": rows}
