"""Every matching paragraph as CSV, streamed row batch by row batch."""

import csv
import io
import re
from urllib.parse import quote

from indexer.schema import HEADING_SEPARATOR

COLUMNS = ("notice_id", "n", "title", "issuer", "published", "province", "city", "level", "year",
           "category", "role", "problem_types", "headings", "text")
BOM = "\ufeff"  # Excel reads a CSV file as UTF-8 only when it starts with one
BATCH = 200


def row(hit):
    return (hit.notice_id, hit.n, hit.title, hit.issuer, hit.published, hit.province, hit.city,
            hit.level, hit.year, hit.category, hit.role, "；".join(hit.problem_types),
            HEADING_SEPARATOR.join(hit.headings), hit.text)


def csv_chunks(hits):
    """The BOM and header, then the rows of `hits` in chunks of BATCH rows."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(BOM)
    writer.writerow(COLUMNS)
    for count, hit in enumerate(hits, 1):
        writer.writerow(row(hit))
        if count % BATCH == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def content_disposition(query):
    """An attachment header naming the file after the query (RFC 5987 for the Chinese)."""
    words = re.sub(r'[\\/:*?"<>|\s]+', "_", query).strip("_")[:40]
    name = f"巡察通报检索-{words}.csv" if words else "巡察通报检索.csv"
    return f"attachment; filename=\"notice-search.csv\"; filename*=UTF-8''{quote(name)}"
