"""Headings: which lines are headings, where a heading ends, and how deep it sits.

A notice numbers its sections with a handful of schemes (一、 （一） 1. （1） ①
…) and each notice combines them in its own order, so a scheme says nothing
about depth by itself. The depth comes from the order they appear in: the first
scheme met is level 1, a scheme not seen before nests one deeper than the
heading before it, and a scheme seen before goes back to the level it had.
Half- and full-width variants of one scheme ((一) and （一）, 1. and 1．) are
the same scheme: captures convert between them at random.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

_CN = "[一二三四五六七八九十]{1,3}"

# Order matters only where one pattern is a prefix of another (问题1： before 1、).
_SCHEMES = (
    ("problem", rf"问题\s*(?:\d{{1,2}}|{_CN})\s*[:：]"),
    ("cn_dun", rf"{_CN}\s*[、.．](?![、.．\d])"),
    ("cn_paren", rf"[（(]\s*{_CN}\s*[）)]"),
    ("cn_half", rf"{_CN}[)）]"),
    ("ar_dun", r"\d{1,2}\s*、"),
    ("ar_dot", r"\d{1,2}\s*[.．](?![\d.．%])"),
    ("ar_paren", r"[（(]\s*\d{1,2}\s*[）)]"),
    ("ar_half", r"\d{1,2}[)）](?![\d])"),
    ("circled", r"[①②③④⑤⑥⑦⑧⑨⑩⑪⑫⑬⑭⑮⑯⑰⑱⑲⑳]"),
)

MARKER = re.compile(
    r"\s*(?:" + "|".join(f"(?P<{name}>{pattern})" for name, pattern in _SCHEMES) + r")\s*"
)

#: Punctuation a heading's text does not keep at its end.
TRAILING = "。.，,；;：:、！!？?…·- \t"

#: Where a heading sentence stops and its body begins (outside quotes).
_STOPS = set("。！？!?：:")
_OPEN = "“‘「『《〈（(【[\""
_STOP_OR_OPEN = re.compile("[" + re.escape("".join(_STOPS) + _OPEN) + "]")
_CLOSE = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]", '"': '"'}

#: Labels that open a body (整改情况：…); never headings themselves, and a
#: heading needs no punctuation before one.
_LABEL_WORDS = ("整改情况", "整改措施", "整改进展情况", "整改进展", "完成情况", "整改成效", "整改结果", "整改举措")
_LABEL = re.compile("(?:" + "|".join(_LABEL_WORDS) + r")\s*[:：]")

#: Headings glued to their body without punctuation (…巩固整改成效目前，…) end in
#: one of these nouns; the body then opens with one of the _OPENER words. In
#: flattened text, where any glue is possible, only the strong nouns end a
#: heading: 关于团结引领文艺工作者… must not end at 工作.
_STRONG_FINAL = re.compile(r"情况|方面|做法|成效|打算|计划")
_WEAK_FINAL = re.compile(r"成果|问题|工作|措施|机制|责任|要求")
_FINAL_NOUN = re.compile(_STRONG_FINAL.pattern + "|" + _WEAK_FINAL.pattern)
_OPENER = re.compile(r"目前|当前|截至|今后|下一步|近年来|一是|首先")
_NOT_AFTER_NOUN = "和与及的、"
_GAP = re.compile(r"(?<=[\u4e00-\u9fff”》）)])\s+(?=[\u4e00-\u9fff“《])")

#: Unnumbered section titles (下一步总体工作打算): a short phrase ending in a section noun.
_UNNUMBERED = re.compile(
    r"[\u4e00-\u9fff“”《》]{2,22}(?:情况|打算|计划|措施|成效|做法|体会|经验|工作|机制|方向|思路|安排|建议|问题|方面)"
)
_UNNUMBERED_START = re.compile(r"下一步|下步|今后|整改|巡察|巡视|主要|总体|基本|存在|组织领导|组织整改|长效")


@dataclass(frozen=True)
class Split:
    """A line cut into heading and body."""

    scheme: str  # numbering scheme, or Levels.UNNUMBERED
    marker: str  # as written
    text: str  # heading text as written, trailing punctuation removed
    simp: str  # the same text, simplified
    body_at: int  # offset in the line where the body starts (the line's length if none)


def marker_of(simp):
    """The numbering scheme a (simplified) line starts with, or None."""
    m = MARKER.match(simp)
    if not m or m.end() == len(simp):
        return None
    return m.lastgroup


def sentence_end(text):
    """Index of the first sentence stop outside quotes and brackets, else -1."""
    first = _STOP_OR_OPEN.search(text)
    if first is None:
        return -1
    if first[0] in _STOPS:
        return first.start()
    closing = []
    for i in range(first.start(), len(text)):
        char = text[i]
        if closing and char == closing[-1]:
            closing.pop()
        elif char in _OPEN:
            closing.append(_CLOSE[char])
        elif not closing and char in _STOPS:
            return i
    return -1


@lru_cache(maxsize=512)
def split_heading(orig, simp, glued=False):
    """Cut a marker line into its heading and the body that follows on the same line.

    `glued` allows a riskier cut at a heading-final noun for lines that come from
    text flattened onto one line, where the break after the heading was lost.
    Returns None when the line is no heading (nothing but a marker and punctuation).
    """
    m = MARKER.match(simp)
    if not m:
        return None
    start = m.end()
    head_len, body_at = _cut(simp[start:], glued)
    head = simp[start:start + head_len]
    end = start + len(head.rstrip(TRAILING))
    if not any(c.isalnum() for c in simp[start:end]):
        return None
    return Split(m.lastgroup, orig[m.start():start].strip(), orig[start:end], simp[start:end], start + body_at)


def unnumbered_heading(orig, simp):
    """A Split for an unnumbered section title line, or None if the line is not one."""
    if not is_unnumbered_heading(simp):
        return None
    return Split(Levels.UNNUMBERED, "", orig, simp, len(simp))


def _cut(rest, glued):
    """(length of the heading, start of the body) in the text after the marker."""
    stop = sentence_end(rest)
    end = stop if stop >= 0 else len(rest)
    label = _LABEL.search(rest, 1, end + 1)
    if label and rest[label.end():].strip():
        return label.start(), label.start()
    for noun in _FINAL_NOUN.finditer(rest, 4, end):
        if len(rest) - noun.end() >= 4 and _OPENER.match(rest, noun.end(), end):
            return noun.end(), noun.end()
    gap = _space_gap(rest, end)
    if gap:
        return gap
    if glued:
        cut = _glued_cut(rest, end)
        if cut:
            return cut, cut
    if stop >= 0 and rest[stop + 1:].strip():
        return stop + 1, stop + 1
    return len(rest), len(rest)


def _space_gap(rest, end):
    """(heading end, body start) when a space parts heading and body (（一）加强组织领导 党组书记…).

    Pages that print the heading in bold inside the paragraph leave only a space
    between them; a space between Chinese characters means nothing else.
    """
    clause = re.search(r"[，,；;]", rest[:end])
    gaps = [m for m in _GAP.finditer(rest, 4, clause.start() if clause else end) if not _inside_quotes(rest, m.start())]
    # The last gap: a two-part heading may use a space where others put a comma.
    if gaps and len(rest) - gaps[-1].end() >= 8:
        return gaps[-1].start(), gaps[-1].end()
    return None


def _inside_quotes(text, at):
    """Is offset `at` inside quotes or brackets?"""
    depth = 0
    for char in text[:at]:
        if char in "“‘「《（(":
            depth += 1
        elif char in "”’」》）)" and depth:
            depth -= 1
    return depth > 0


def _glued_cut(rest, end):
    """Where a heading ends in flattened text that lost the break after it, or None.

    Only a sentence too long or too busy to be a heading is cut, at a strong
    heading noun that neither joins a longer heading (情况和主要做法, 情况方面问题)
    nor ends the sentence.
    """
    sentence = rest[:end]
    if len(sentence) <= 25 and not re.search(r"[，,]", sentence):
        return None
    head = re.split(r"[，,；;]", sentence, maxsplit=1)[0]
    for noun in _STRONG_FINAL.finditer(head, 4):
        after = rest[noun.end():end]
        if len(after) < 4:
            return None
        if "\u4e00" <= after[0] <= "\u9fff" and after[0] not in _NOT_AFTER_NOUN and not _FINAL_NOUN.match(after):
            return noun.end()
    return None


def is_unnumbered_heading(simp):
    """A short unpunctuated line that names a section (下一步总体工作打算)."""
    return (len(simp) <= 24 and simp not in _LABEL_WORDS and bool(_UNNUMBERED_START.match(simp))
            and bool(_UNNUMBERED.fullmatch(simp)))


class Levels:
    """Assigns levels to headings as they come, from the order schemes appear in."""

    UNNUMBERED = "unnumbered"

    def __init__(self):
        self.seen = {}
        self.last = 0

    def level(self, scheme):
        """The level of the next heading, numbered with `scheme`."""
        if scheme == self.UNNUMBERED:
            # An unnumbered section title (下一步总体工作打算) stands beside the
            # top-level sections whatever numbering they use.
            self.last = 1
            return 1
        if scheme not in self.seen:
            self.seen[scheme] = self.last + 1
        self.last = self.seen[scheme]
        return self.last
