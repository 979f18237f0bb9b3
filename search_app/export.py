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

COLUMNS = ("notice_id", "n", "title", "issuer", "published", "date", "date_kind", "province", "city", "county",
           "level", "year", "category", "role", "roles", "problem_types", "headings", "text",
           "problems", "problems_done", "measures", "measures_done", "rate")
BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with one
#: Spooled in memory up to this size, then on disk.
IN_MEMORY = 8 << 20
_FORMULA = re.compile(r"^[=+\-@\t\r]")


def row(hit):
    figures = hit.completion
    return (hit.notice_id, hit.n, hit.title, hit.issuer, hit.published, hit.date, hit.date_kind, hit.province,
            hit.city, hit.county, hit.level, hit.year, hit.category, hit.role, "；".join(hit.roles),
            "；".join(hit.problem_types), HEADING_SEPARATOR.join(hit.headings), hit.text,
            *(figures.get(k) for k in ("problems", "problems_done", "measures", "measures_done", "rate")))


def neutralised(cell):
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + cell if isinstance(cell, str) and _FORMULA.match(cell) else cell


def csv_file(hits, max_rows):
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
        writer.writerow([neutralised(cell) for cell in row(hit)])
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
