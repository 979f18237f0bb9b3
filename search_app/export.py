"""Every matching paragraph as CSV: written to a spooled file first, then handed to the server.

A CSV of a broad search is tens of MB. Streamed from a generator, a client that
stops reading holds one of the server's few worker threads until it times out,
and eight of them took the site offline; written out first and handed over as
a file (`wsgi.file_wrapper`), the thread is free as soon as the file is written
and the server sends it at the client's pace. Rows are capped (the
EXPORT_MAX_ROWS setting) and a capped file says so in its last row.

Cells that a spreadsheet would read as a formula (starting with =, +, -, @, a
tab or a carriage return) get a leading apostrophe, as OWASP advises against
CSV injection: Excel then shows the text as it is.
"""

import csv
import io
import re
import tempfile
from urllib.parse import quote

from indexer.schema import HEADING_SEPARATOR

from .markup import DATE_KIND_LABELS, value_label

#: The columns a researcher needs, headed as the page names them: (header, the cell of a hit).
#: `link` is the paragraph's address on the site, `more` counts a grouped notice's other matches.
FIELDS = (
    ("单位", lambda hit, ctx: hit.issuer),
    ("通报标题", lambda hit, ctx: hit.title),
    ("省份", lambda hit, ctx: hit.province),
    ("城市", lambda hit, ctx: hit.city),
    ("区县", lambda hit, ctx: hit.county),
    ("巡察层级", lambda hit, ctx: value_label("level", hit.level)),
    ("巡察组", lambda hit, ctx: hit.inspector),
    ("日期", lambda hit, ctx: hit.date),
    ("日期类型", lambda hit, ctx: DATE_KIND_LABELS.get(hit.date_kind, "")),
    ("发布日期", lambda hit, ctx: hit.published),
    ("年份", lambda hit, ctx: hit.year),
    ("段落号", lambda hit, ctx: hit.n),
    ("巡察领域", lambda hit, ctx: hit.category),
    ("段落类型", lambda hit, ctx: LIST_SEPARATOR.join(hit.roles or ([hit.role] if hit.role else []))),
    ("问题类型", lambda hit, ctx: LIST_SEPARATOR.join(hit.problem_types)),
    ("所在标题", lambda hit, ctx: HEADING_SEPARATOR.join(hit.headings)),
    ("正文", lambda hit, ctx: hit.text),
    ("匹配", lambda hit, ctx: MATCH_LABELS.get(hit.match, hit.match)),
    ("本通报其他匹配段落", lambda hit, ctx: hit.more_in_notice if ctx.get("grouped") else ""),
    ("反馈问题数", lambda hit, ctx: hit.completion.get("problems")),
    ("已整改问题数", lambda hit, ctx: hit.completion.get("problems_done")),
    ("整改措施数", lambda hit, ctx: hit.completion.get("measures")),
    ("已完成措施数", lambda hit, ctx: hit.completion.get("measures_done")),
    ("整改完成率（%）", lambda hit, ctx: hit.completion.get("rate")),
    ("链接", lambda hit, ctx: ctx["link"](hit) if ctx.get("link") else ""),
    ("通报编号", lambda hit, ctx: hit.notice_id),
)
COLUMNS = tuple(header for header, _ in FIELDS)
LIST_SEPARATOR = "；"
MATCH_LABELS = {"exact": "完全匹配", "partial": "部分匹配"}
BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with one
#: Spooled in memory up to this size, then on disk.
IN_MEMORY = 8 << 20
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def row(hit, ctx=None):
    """The cells of one hit, in COLUMNS order; `ctx` may give `link` (hit -> URL) and `grouped`."""
    ctx = ctx or {}
    return [cell(hit, ctx) for _, cell in FIELDS]


def neutralised(cell):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if isinstance(cell, str) and _FORMULA.match(cell) else cell


def csv_file(hits, max_rows, ctx=None):
    """A file object (at its start) holding the BOM, the header and the rows of up to `max_rows` hits."""
    out = tempfile.SpooledTemporaryFile(max_size=IN_MEMORY, mode="w+b")
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = csv.writer(text)
    text.write(BOM)
    writer.writerow(COLUMNS)
    written = 0
    for hit in hits:
        if written == max_rows:
            writer.writerow([f"（只导出了前 {max_rows} 行：结果更多，请加筛选条件缩小范围后再导出。）"])
            break
        writer.writerow([neutralised(cell) for cell in row(hit, ctx)])
        written += 1
    text.flush()
    text.detach()
    out.seek(0)
    return out


def content_disposition(query):
    """An attachment header naming the CSV file after the query."""
    words = re.sub(r'[\\/:*?"<>|\s]+', "_", query).strip("_")[:40]
    return attachment(f"巡察通报检索-{words}.csv" if words else "巡察通报检索.csv", "notice-search.csv")


def attachment(name, fallback=None):
    """A Content-Disposition header that downloads the body as `name` (RFC 5987 for the Chinese).

    `fallback` is the plain-ASCII name for clients that do not read filename*:
    by default `name` with everything but letters, digits, dots and dashes dropped.
    """
    plain = fallback or re.sub(r"[^A-Za-z0-9.-]+", "", name).lstrip(".") or "notice"
    return f"attachment; filename=\"{plain}\"; filename*=UTF-8''{quote(name)}"
