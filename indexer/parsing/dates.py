"""Dates as notices write them → ISO `YYYY-MM-DD`.

Notices write 2024年4月19日, 2023-05-04, 2023.5.4, 二〇二三年六月二十一日, and in
signatures sometimes 2023621 with the separators lost. Some pages lose 年 and 月
but keep 日 (2024717日至830日, 914日): such a date is read when its digits split
into a month and a day one way only. A date missing its year takes the year of
the nearest earlier date (or of the same sentence); nothing else is ever
guessed, so a month without a day (8月下旬) is no date at all.
"""

import re
from datetime import date

_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "Ｏ": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4,
              "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# One alternation so a scan finds every date in reading order; the group names say
# which form matched.
DATE = re.compile(
    r"(?P<y>(?:19|20)\d\d)\s*年\s*(?P<m>\d{1,2})\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?"
    r"|(?<!\d)(?P<iy>(?:19|20)\d\d)(?P<sep>[-/.．])(?P<im>\d{1,2})(?P=sep)(?P<id>\d{1,2})(?!\d)"
    r"|(?P<cy>[〇○零Ｏ一二三四五六七八九]{4})年(?P<cm>[一二三四五六七八九十]{1,3})月(?:(?P<cd>[一二三四五六七八九十]{1,3})日)?"
    r"|(?<![\d.年])(?P<m2>\d{1,2})\s*月\s*(?P<d2>\d{1,2})\s*[日号]"
    r"|(?<![〇○零Ｏ一二三四五六七八九十年])(?P<cm2>[一二三四五六七八九十]{1,3})月(?P<cd2>[一二三四五六七八九十]{1,3})日"
    # 年 and 月 lost: 2024717日, 830日
    r"|(?<![\d.．/-])(?P<ly>(?:19|20)\d\d)(?P<lmd>\d{3,4})日"
    r"|(?<![\d.．/年月-])(?P<lmd2>\d{3,4})日"
)
_YEAR = re.compile(r"((?:19|20)\d\d)\s*年")

#: What may join the two ends of a range; the end may drop its year, or its year and month.
_RANGE_SEP = re.compile(r"\s*(?:至|到|—+|－+|-|～|~)\s*")
_BARE_DAY = re.compile(r"(\d{1,2})\s*[日号]")

_COMPACT = re.compile(r"((?:19|20)\d\d)(\d{2,4})")


class Found:
    """One date mention: where it is, and the parts it states (None where not stated)."""

    __slots__ = ("start", "end", "year", "month", "day")

    def __init__(self, start, end, year, month, day):
        self.start, self.end, self.year, self.month, self.day = start, end, year, month, day

    def iso(self, year=None, month=None):
        """ISO date, borrowing the year/month given when this mention lacks them."""
        return iso(self.year or year, self.month or month, self.day)


def iso(year, month, day):
    """`YYYY-MM-DD`, or None when a part is missing or the day does not exist."""
    if not (year and month and day):
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def cn_number(text):
    """一 → 1, 十二 → 12, 二十一 → 21 (the numbers dates and headings need); None if not a number."""
    if "十" not in text:
        return _CN_DIGITS.get(text)
    tens, _, ones = text.partition("十")
    return (_CN_DIGITS.get(tens, 0) if tens else 1) * 10 + (_CN_DIGITS.get(ones, 0) if ones else 0)


def _month_day(digits):
    """(month, day) for digits that lost the 月 between them, when only one split is a date."""
    readings = {(int(digits[:i]), int(digits[i:])) for i in range(1, len(digits))
                if digits[i] != "0" and iso(2000, int(digits[:i]), int(digits[i:]))}
    return readings.pop() if len(readings) == 1 else None


def find_dates(text):
    """Every date mention in `text`, in order."""
    found = []
    for m in DATE.finditer(text):
        if m["ly"] or m["lmd2"]:
            parts = _month_day(m["lmd"] or m["lmd2"])
            if parts is None:
                continue
            found.append(Found(m.start(), m.end(), int(m["ly"]) if m["ly"] else None, *parts))
            continue
        if m["y"]:
            parts = int(m["y"]), int(m["m"]), int(m["d"]) if m["d"] else None
        elif m["iy"]:
            parts = int(m["iy"]), int(m["im"]), int(m["id"])
        elif m["cy"]:
            year = int("".join(str(_CN_DIGITS[c]) for c in m["cy"]))
            parts = year, cn_number(m["cm"]), cn_number(m["cd"]) if m["cd"] else None
        elif m["m2"]:
            parts = None, int(m["m2"]), int(m["d2"])
        else:
            parts = None, cn_number(m["cm2"]), cn_number(m["cd2"])
        found.append(Found(m.start(), m.end(), *parts))
    return found


def resolve(found, previous=None):
    """ISO for a mention, carrying year (and month) from `previous`, the ISO date before it.

    If carrying the year puts the date before the earlier one (feedback on 1月25日
    after an inspection ending 11月20日), the year has turned: take the next one.
    """
    if found.year:
        return found.iso()
    if not previous:
        return None
    year, month = int(previous[:4]), int(previous[5:7])
    result = found.iso(year, month)
    if result and result < previous and found.month:
        result = found.iso(year + 1, month)
    return result


def find_range(text):
    """The first `start至end` range in `text`: (start ISO, end ISO, end offset), or None.

    The end may leave out its year, or year and month, which it then takes from
    the start. An end that is no whole date makes that bound None.
    """
    for found in find_dates(text):
        if not found.year:
            # 2023年，…于8月24日至10月23日: the year stated earlier in the sentence.
            year = _YEAR.findall(re.split(r"[。；;]", text[:found.start])[-1])
            if not year or not found.month:
                continue
            found.year = int(year[-1])
        sep = _RANGE_SEP.match(text, found.end)
        if not sep:
            continue
        m = DATE.match(text, sep.end())
        ends = find_dates(m[0]) if m else []
        if ends:
            end = ends[0]
            end_pos = m.end()
        else:
            m = _BARE_DAY.match(text, sep.end())
            if not m:
                continue
            end = Found(m.start(), m.end(), None, None, int(m[1]))
            end_pos = m.end()
        start = found.iso()
        return start, resolve(end, start) if start else end.iso(), end_pos
    return None


def parse_date(text):
    """The first complete date in `text` as ISO, or None."""
    for found in find_dates(text):
        if found.year and found.day:
            return found.iso()
    return None


def parse_compact(text):
    """Decode a separator-less date like 2023621, only when one reading exists."""
    m = _COMPACT.fullmatch(text.strip())
    if not m:
        return None
    year, rest = int(m[1]), m[2]
    readings = {iso(year, int(rest[:i]), int(rest[i:])) for i in range(1, len(rest))}
    readings.discard(None)
    # 20230621 → "0621": a zero-padded month must keep its padding in the split.
    readings = {r for r in readings if len(rest) != 4 or r[5:7] + r[8:10] == rest}
    return readings.pop() if len(readings) == 1 else None
