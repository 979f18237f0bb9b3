"""The date range filter: months as people type them, and a notice's listing date as a month number.

A range narrows by the date each notice is listed under (published, else the
feedback date, else the inspection's end or start: `indexer.notice.listing_date`),
to the month: 2022-03 to 2023-06 keeps notices dated 2022-03-01 to 2023-06-30.
A notice with no date at all is outside every range.
"""

import re

from indexer.errors import QueryError

_MONTH = re.compile(r"(\d{4})(?:\s*[-/.年]\s*(\d{1,2})\s*月?)?")


def parse_month(text, name, end=False):
    """"YYYY-MM" of a month typed as 2022-03, 2022/3, 2022.3, 2022年3月 or 2022; "" for nothing.

    A bare year is its first month, or its last when it ends a range (`end`).
    """
    text = (text or "").strip()
    if not text:
        return ""
    found = _MONTH.fullmatch(text)
    month = int(found[2]) if found and found[2] else (12 if end else 1)
    if not found or not 1 <= month <= 12 or not 1900 <= int(found[1]) <= 2100:
        raise QueryError(f"参数 {name}={text[:20]!r} 不是月份，请写成 2023-06 这样的年-月。")
    return f"{found[1]}-{month:02d}"


def month_number(value):
    """A month as a number that orders (year * 12 + month - 1), from "YYYY-MM…"; -1 when there is none."""
    found = re.match(r"(\d{4})-(\d{2})", value or "")
    return int(found[1]) * 12 + int(found[2]) - 1 if found else -1


def month_range(date_from, date_to):
    """(first, last) month numbers of a range; either end may be open (None)."""
    first = month_number(date_from) if date_from else None
    last = month_number(date_to) if date_to else None
    if first is not None and last is not None and first > last:
        raise QueryError(f"日期范围的起始月份 {date_from} 晚于截止月份 {date_to}，请交换或修改。")
    return first, last
