"""Finding the notice's title among the lines above its first sentence.

Above the intro sit the title and whatever the page put there: site names, news
headlines, the title a second time, a title split over three lines. Candidates
are the lines that end like a title (…的通报) or name the subject (巡察, 整改);
a candidate that starts with 关于 or lacks it altogether is the tail of a title
split over lines, so the short lines above it are joined on. The best-scoring
candidate wins, the last one on a tie: pages print their own header first.
"""

import re

from .dates import find_dates

_END = re.compile(r"(?:通报|报告|公告|公示|情况|说明)$")
_SUBJECT = re.compile(r"巡察|巡视|整改")
_PREFIX = re.compile(r"^[•·●▪\s]*(?:【[^】]{1,12}】|\[[^\]]{1,12}\])?\s*")
_TRAILING_DATE = re.compile(r"[\s(（]*(?:(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)[)）]?$")
_SENTENCE = re.compile(r"[，。；,;！？]")


def strip_decoration(simp):
    """(start, end) of the title proper in a line: no bullet or 【栏目】 prefix, no trailing date."""
    start = _PREFIX.match(simp).end()
    date = _TRAILING_DATE.search(simp, start)
    end = date.start() if date and date.start() > start else len(simp)
    return start, end


def trailing_date(simp):
    """ISO date printed after a title (…的通报（2023年6月21日）), else None."""
    m = _TRAILING_DATE.search(simp)
    if not m:
        return None
    found = find_dates(m[0])
    return found[0].iso() if found else None


def _is_candidate(simp):
    if len(simp) > 100 or _SENTENCE.search(simp):
        return False
    # A news headline about an inspection (…开展巡察整改专项督查) is a title too.
    return bool(_END.search(simp)) or bool(_SUBJECT.search(simp)) and len(simp) <= 60


def _complete(simp):
    """A title that names its issuer before 关于 needs nothing joined above it."""
    at = simp.find("关于")
    return at > 0 or (at < 0 and simp.startswith("中共"))


def _fragment(simp, ending=False):
    """A short line that can be the upper part of a title split over lines.

    It must not end like a title itself unless `ending` allows it.
    """
    if not simp or len(simp) > 40 or _SENTENCE.search(simp) or (_END.search(simp) and not ending):
        return False
    cjk = sum("\u4e00" <= c <= "\u9fff" for c in simp)
    return cjk >= 0.6 * len(simp.replace(" ", ""))


def _score(simp):
    return (2 * ("关于" in simp) + 2 * bool(re.search(r"(?:通报|报告)$", simp))
            + bool(re.search(r"巡察|巡视", simp)) + ("整改" in simp))


def find_title(lines, numbers):
    """Pick the title among header lines.

    `lines` are the simplified header lines (decoration stripped); `numbers` their
    line numbers in the file, used to join only lines at most one blank line apart.
    Returns (indexes of the lines forming the title, in order) or None.
    """
    best, best_score = None, -1
    for i, simp in enumerate(lines):
        if not _is_candidate(simp):
            continue
        block = [i]
        text = simp
        while not _complete(text) and len(block) < 4:
            j = block[0] - 1
            # A tail like 的通报 or 情况的通报 was cut off whatever its upper part ends with.
            tail = text.startswith("的") or len(text) <= 5
            if j < 0 or numbers[block[0]] - numbers[j] > 2 or not (_fragment(lines[j]) or tail and _fragment(lines[j], ending=True)):
                break
            block.insert(0, j)
            text = lines[j] + text
        score = _score(text)
        if score >= best_score:
            best, best_score = block, score
    return best
