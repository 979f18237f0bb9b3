"""Raw text → the notice's own text, one title, heading or paragraph per line.

Steps, in order: normalise characters and line breaks; drop page chrome (keeping
the facts it carries); find the title and drop what the page printed around it;
split text flattened onto one line back at its heading markers; recognise the
closing signature; join lines wrapped mid-sentence (the two line-shape steps
live in `wrapping`). Every step works on `Line` pairs, the text as written plus
its simplified shadow, so patterns written in simplified characters also work
on notices in traditional script.
"""

import html
import re
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from . import boilerplate as bp
from .dates import parse_compact
from .headings import MARKER, marker_of
from .metadata import CLOSING
from .script import simplify
from .title import find_title, strip_decoration, trailing_date
from .wrapping import join_wrapped, unflatten

_SPACES = "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_DROP = "".join(map(chr, [*range(0, 9), *range(14, 28), 31, 127, *range(128, 133), *range(134, 160)]))
_REPLACE = {
    **{c: " " for c in _SPACES},
    **{c: "\n" for c in _BREAKS},
    **{c: "" for c in _DROP + "\u200b\u200c\u200d\u2060\ufeff\ufffe"},
}
# A regex visits only the odd characters; str.translate with a table this size
# costs a dictionary look-up for every character of the notice.
_ODD = re.compile("[" + re.escape("".join(_REPLACE)) + "\ud800-\udfff]")

_WS = re.compile(r"\s+")
_LATIN = re.compile(r"[A-Za-z]")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。；：、“”（）])\s+(?=[\u4e00-\u9fff，。；：、“”（）])")
_INTRO = re.compile(r"^(?:根据|按照|依据|遵照)|巡[察视]组.{0,30}(?:对|向)|(?:巡察|巡视)(?:工作)?(?:统一)?部署")
_TITLE_GLUED = re.compile(r".{6,80}?(?:通报|报告)(?=根据|按照|依据|近期|日前|(?:19|20)\d\d年)")
_ORG_END = re.compile(r"(?:党组|党委|党工委|党总支|党支部|委员会|联合会|文联|妇联|总工会|工会|局|委|办公室|院|中心|馆|协会|公司|政府|街道|镇|乡)$")


class Line(NamedTuple):
    """A line as written and its simplified shadow; both always have the same length."""

    text: str
    simp: str

    def cut(self, start, end=None):
        return Line(self.text[start:end], self.simp[start:end])

    def strip(self):
        simp = self.simp
        start = len(simp) - len(simp.lstrip())
        return self.cut(start, start + len(simp.strip()))

    def sub(self, pattern, repl=""):
        """Replace matches of `pattern` (found in the simplified shadow) in both copies."""
        text, simp, at = [], [], 0
        for m in pattern.finditer(self.simp):
            text += [self.text[at:m.start()], repl]
            simp += [self.simp[at:m.start()], repl]
            at = m.end()
        if not at:
            return self
        text.append(self.text[at:])
        simp.append(self.simp[at:])
        return Line("".join(text), "".join(simp))

    def __add__(self, other):
        # Wrapped Chinese and numbers (2024年9月1 / 1日) join as they are; Latin words need a space.
        gap = " " if _LATIN.match(self.simp[-1:]) and _LATIN.match(other.simp[:1]) else ""
        return Line(self.text + gap + other.text, self.simp + gap + other.simp)


@dataclass
class Cleaned:
    """The cleaned notice: its title, its lines, and the facts the removed chrome carried."""

    title: Optional[Line] = None
    lines: list = field(default_factory=list)  # [Line]: intro, headings, paragraphs, closing
    signature: Optional[int] = None  # index in `lines` of the signature (issuer and/or date)
    glued: set = field(default_factory=set)  # indexes of lines cut out of flattened text
    page_date: Optional[str] = None  # from 来源/发布时间 lines or the metadata block
    title_date: Optional[str] = None
    signature_date: Optional[str] = None
    signature_org: Optional[str] = None
    page_source: Optional[str] = None  # 来源 of the page (often a site, not the issuer)
    publisher: Optional[str] = None  # 发布机构 of the metadata block, or an organisation line above the text

    def text(self):
        """The cleaned text: the title line, then one line per heading or paragraph."""
        lines = ([self.title] if self.title else []) + self.lines
        return "\n".join(line.text for line in lines)


def clean_text(text):
    """The notice's own text, cleaned: what title, headings and paragraphs add up to."""
    return clean(text).text()


def clean(text):
    """Clean raw notice text (see the module docstring)."""
    out = Cleaned()
    rows = _lines(text)
    rows = _drop_chrome(rows, out)
    rows = _take_header(rows, out)
    rows, glued = unflatten(rows)
    rows, signature = _take_signature(rows, out)
    out.lines, out.glued = join_wrapped(rows, glued)
    if signature is not None:
        out.signature = len(out.lines)
        out.lines.append(signature)
    return out


def _lines(text):
    """(line number, Line) for every line, blank lines included as None."""
    if "&" in text:
        text = html.unescape(text)  # captures that kept &nbsp; and &ldquo;
    text = _ODD.sub(lambda m: _REPLACE.get(m[0], ""), text.replace("\r\n", "\n"))
    text = bp.PINYIN.sub("", bp.WORD_ARTEFACT.sub("", text))
    simp = simplify(text)
    rows = []
    at = 0
    for number, raw in enumerate(text.split("\n")):
        line = Line(raw, simp[at:at + len(raw)]).strip()
        if "  " in line.simp:
            line = line.sub(_WS, " ")
        at += len(raw) + 1
        rows.append((number, line if line.simp else None))
    return rows


def _drop_chrome(rows, out):
    """Remove chrome lines anywhere, reading the page date and source from them."""
    kept = []
    everything = "\n".join(line.simp for _, line in rows if line)
    for number, line in rows:
        if line is None:
            kept.append((number, None))
            continue
        simp = line.simp
        meta = bp.page_meta(simp)
        if meta:
            out.page_date = out.page_date or meta[0]
            out.page_source = out.page_source or meta[1]
            continue
        if bp.is_chrome(simp) or bp.is_summary_of(simp, everything):
            continue
        kept.append((number, line))
    return kept


def _is_sentence(simp):
    return (len(simp) >= 20 and any(c in simp for c in "，,、") and any(c in simp for c in "。；;")) or len(simp) >= 80 or (
        len(simp) >= 12 and bool(_INTRO.search(simp)))


def _take_header(rows, out):
    """Find the title; drop the page's own header (everything above the title, and
    site furniture between it and the text), keeping the facts it states."""
    content = [(n, line) for n, line in rows if line]
    first = next((i for i, (_, line) in enumerate(content) if _is_sentence(line.simp)), None)
    if first is None:
        return content  # no sentence, so no page around one: nothing to strip
    glued_title = _TITLE_GLUED.match(content[first][1].simp)
    if glued_title and "关于" in glued_title[0] and first < 3:
        n, line = content[first]
        content[first:first + 1] = [(n, line.cut(0, glued_title.end())), (n, line.cut(glued_title.end()))]
        first += 1
    used, title_hint = _read_meta_block(content[:first], out)
    header = [(n, line) for n, line in content[:first] if n not in used]
    plain = [(n, line) for n, line in header if marker_of(line.simp) is None]
    stripped = [line.simp[slice(*strip_decoration(line.simp))].strip() for _, line in plain]
    block = find_title(stripped, [n for n, _ in plain])
    after = -1
    if block:
        title = None
        for i in block:
            part = plain[i][1].cut(*strip_decoration(plain[i][1].simp)).strip()
            title = part if title is None else Line(title.text + " " + part.text, title.simp + " " + part.simp)
        out.title = title.sub(_CJK_GAP)
        out.title_date = trailing_date(plain[block[-1]][1].simp)
        after = plain[block[-1]][0]
    elif title_hint:
        out.title = title_hint
    body = []
    for n, line in header:
        if n <= after:
            continue
        if body or marker_of(line.simp) is not None or not _header_furniture(line, out):
            body.append((n, line))
    return body + content[first:]


def _read_meta_block(header, out):
    """Read the gov-info block (发布机构: …, 成文日期: …).

    Returns the line numbers the block used and the title it names, if any.
    """
    used, title = set(), None
    for i, (n, line) in enumerate(header):
        m = bp.META_BLOCK.fullmatch(line.simp)
        if not m:
            continue
        used.add(n)
        value = line.cut(m.start("value")).strip()
        if not value.simp and i + 1 < len(header) and not bp.META_BLOCK.fullmatch(header[i + 1][1].simp):
            used.add(header[i + 1][0])
            value = header[i + 1][1]
        label = m["label"]
        if label in bp.DATE_LABELS:
            out.page_date = out.page_date or bp.date_only(value.simp)
        elif label in bp.PUBLISHER_LABELS and value.simp:
            out.publisher = out.publisher or value.simp
        elif label in bp.TITLE_LABELS and value.simp:
            title = value.cut(*strip_decoration(value.simp)).strip()
    return used, title


def _header_furniture(line, out):
    """Is this header line furniture? Keep addressees; note dates and publishers on the way."""
    simp = line.simp
    if simp.endswith(("：", ":")) and len(simp) <= 30:
        return False  # an addressee (各位干部群众：)
    out.page_date = out.page_date or bp.date_only(simp)
    if len(simp) <= 30 and _ORG_END.search(simp):
        out.publisher = out.publisher or simp
    return True


def _take_signature(rows, out):
    """Split off the closing signature (issuer and/or date) and the footer below it.

    Returns the remaining rows and the signature as one Line, or None.
    """
    end = len(rows)
    while end and bp.is_edge_chrome(rows[end - 1][1].simp):
        end -= 1
    rows = rows[:end]
    if len(rows) < 3:
        return rows, None
    start = len(rows)
    date = bp.date_only(rows[-1][1].simp) or parse_compact(rows[-1][1].simp)
    if date:
        start -= 1
        out.signature_date = date
    org = rows[start - 1][1].simp
    if _signature_org(org) and (date or CLOSING.search(rows[start - 2][1].simp)):
        start -= 1
        out.signature_org = org
    if start == len(rows):
        return rows, None
    sign = rows[start][1]
    for _, part in rows[start + 1:]:
        sign = Line(sign.text + " " + part.text, sign.simp + " " + part.simp)
    return rows[:start], sign


def _signature_org(simp):
    return (len(simp) <= 40 and not any(c in simp for c in "，。；：,;:") and MARKER.match(simp) is None
            and bool(_ORG_END.search(simp)))
