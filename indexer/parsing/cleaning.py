"""Raw text → the notice's own text, one title, heading or paragraph per line.

Steps, in order: normalise characters and line breaks; drop page chrome (keeping
the facts it carries); find the title and drop what the page printed around it;
recognise the closing signature; split text flattened onto one line back at its
heading markers; join lines wrapped mid-sentence. Every step works on `Line`
pairs, the text as written plus its simplified shadow, so patterns written in
simplified characters also work on notices in traditional script.
"""

import re
from dataclasses import dataclass, field
from typing import NamedTuple, Optional

from . import boilerplate as bp
from .dates import cn_number, parse_compact
from .headings import MARKER, is_unnumbered_heading, marker_of, split_heading
from .script import simplify
from .title import find_title, strip_decoration, trailing_date

_SPACES = "\t\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
_BREAKS = "\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"
_DROP = "".join(map(chr, [*range(0, 9), *range(14, 28), 31, 127, *range(128, 133), *range(134, 160)]))
_TRANSLATE = {
    **{ord(c): " " for c in _SPACES},
    **{ord(c): "\n" for c in _BREAKS},
    **{ord(c): None for c in _DROP + "\u200b\u200c\u200d\u2060\ufeff\ufffe"},
    **{code: None for code in range(0xD800, 0xE000)},
}

_WS = re.compile(r"\s+")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff，。；：、“”（）])\s+(?=[\u4e00-\u9fff，。；：、“”（）])")
_TERMINAL = set("。！？!?；;：:…")
_SENTENCE_PUNCT = re.compile(r"[，,。；;：:]")
_HEADING_TAIL = re.compile(r"(?:方面|情况|问题|工作|措施|成效|打算|计划|建设|落实|责任)[。：:]?$")
_ENUMERATOR = re.compile(r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|首先|其次|最后|此外|同时|另外)")
_LABEL_LINE = re.compile(r"(?:整改情况|整改措施|整改进展情况|整改进展|完成情况|整改成效|整改结果|存在问题|问题表现)\s*[:：]")
CLOSING = re.compile(r"欢迎.{0,30}监督|联系电话|举报电话|监督电话|邮政信箱|电子邮箱|通信地址|联系地址|邮编|邮政编码")
_INTRO = re.compile(r"^(?:根据|按照|依据|遵照)|巡[察视]组.{0,30}(?:对|向)|(?:巡察|巡视)(?:工作)?(?:统一)?部署")
_TITLE_GLUED = re.compile(r".{6,80}?(?:通报|报告)(?=根据|按照|依据|近期|日前|(?:19|20)\d\d年)")
_ORG_END = re.compile(r"(?:党组|党委|党工委|党总支|党支部|委员会|联合会|文联|妇联|总工会|工会|局|委|办公室|院|中心|馆|协会|公司|政府|街道|镇|乡)$")
#: Heading markers inside a line, for splitting flattened text; the groups give scheme and number.
_INLINE_MARKER = re.compile(
    r"(?P<cn_dun>[一二三四五六七八九十]{1,3})、|[（(](?P<cn_paren>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?<![\d.．])(?P<ar_dot>\d{1,2})[.．](?!\d)|(?<![\d.．])(?P<ar_dun>\d{1,2})、|[（(](?P<ar_paren>\d{1,2})[）)]"
)
_CN_SPLIT = re.compile(r"(?<=[。！？；;])\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
#: A heading-final noun right before a marker: the heading before it lost its punctuation.
_FINAL_BEFORE = re.compile(r"(?:情况|方面|问题|工作|措施|做法|成效|打算|计划|机制|责任)$")
_SIGNATURE_TAIL = re.compile(
    r"(?<=[。！？；;])\s*(?P<org>[^。！？；;\d]{2,40}?(?:党组|党委|委员会|联合会|文联|妇联|总工会|局|委|办公室|中心))?"
    r"\s*(?P<date>(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d{5,6})\s*$"
)

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
        # Wrapped Chinese needs no space at the join; wrapped Latin words do.
        gap = " " if self.simp[-1:].isascii() and self.simp[-1:].isalnum() and other.simp[:1].isascii() and other.simp[:1].isalnum() else ""
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
    rows, glued = _unflatten(rows)
    rows, signature = _take_signature(rows, out)
    out.lines, out.glued = _join_wrapped(rows, glued)
    if signature is not None:
        out.signature = len(out.lines)
        out.lines.append(signature)
    return out


def _lines(text):
    """(line number, Line) for every line, blank lines included as None."""
    text = text.replace("\r\n", "\n").translate(_TRANSLATE)
    text = bp.PINYIN.sub("", bp.WORD_ARTEFACT.sub("", text))
    simp = simplify(text)
    rows = []
    at = 0
    for number, raw in enumerate(text.split("\n")):
        line = Line(raw, simp[at:at + len(raw)]).strip().sub(_WS, " ")
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
    while end and (bp.is_edge_chrome(rows[end - 1][1].simp) or bp.is_chrome(rows[end - 1][1].simp)):
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


def _unflatten(rows):
    """Split lines holding many paragraphs (text flattened onto one line) at their heading markers.

    Returns the rows and the indexes of the pieces cut out of flattened lines.
    """
    out, glued = [], set()
    for n, line in rows:
        if len(line.simp) < 200 or len(_CN_SPLIT.findall(line.simp)) < 2:
            out.append((n, line))
            continue
        cuts = [0] + _flattened_cuts(line.simp)
        tail = _SIGNATURE_TAIL.search(line.simp)
        if tail:
            cuts += [tail.start(g) for g in ("org", "date") if tail[g]]
        cuts.append(len(line.simp))
        for start, end in zip(cuts, cuts[1:]):
            piece = line.cut(start, end).strip()
            if piece.simp:
                glued.add(len(out))
                out.append((n, piece))
    return out, glued


def _flattened_cuts(simp):
    """Offsets where headings start in flattened text.

    After a full stop a Chinese-numeral marker starts a heading, and so does an
    Arabic one that starts or continues its count. Elsewhere a marker must
    continue its scheme's count (…不到位（2）…), or start a count after a
    heading-final noun (…整改情况（一）…) or, for bracketed numbers, after any
    word but 第: so 统一、规范 and 第（1）项 stay whole.
    """
    cuts, last = [], {}
    for m in _INLINE_MARKER.finditer(simp):
        scheme = m.lastgroup
        number = int(m[scheme]) if m[scheme].isdigit() else cn_number(m[scheme])
        before = simp[:m.start()].rstrip()
        after_stop = not before or before[-1] in "。！？；;：:"
        if after_stop and (scheme.startswith("cn") or number == 1 or number == last.get(scheme, 0) + 1):
            pass
        elif number == last.get(scheme, 0) + 1 and number > 1:
            pass
        elif number == 1 and (_FINAL_BEFORE.search(before) or (scheme.endswith("paren") and before[-1] not in "第按见如附及和与或")):
            pass
        else:
            continue
        last[scheme] = number
        if m.start() > 0:
            cuts.append(m.start())
    return cuts


def _join_wrapped(rows, glued):
    """Join lines broken mid-sentence; a blank line, a heading or a new item ends a paragraph.

    Returns the lines and the indexes of those that came from flattened text.
    """
    lines, flags = [], set()
    prev_n = None
    for i, (n, line) in enumerate(rows):
        if lines and _continues(lines[-1], line, prev_n is not None and n - prev_n == 1):
            lines[-1] = lines[-1] + line
        else:
            if i in glued:
                flags.add(len(lines))
            lines.append(line)
        prev_n = n
    return lines, flags


def _continues(prev, line, adjacent):
    """Does `line` continue `prev`, which was broken off mid-sentence?"""
    if _LABEL_LINE.fullmatch(prev.simp):
        return True  # a label alone on its line (整改情况：) introduces the next one
    if not adjacent or prev.simp[-1] in _TERMINAL or (prev.simp[-1] in "”’" and prev.simp[-2:-1] in _TERMINAL):
        return False
    simp = line.simp
    if marker_of(simp) or _ENUMERATOR.match(simp) or _LABEL_LINE.match(simp) or CLOSING.match(simp) or is_unnumbered_heading(simp):
        return False
    if is_unnumbered_heading(prev.simp):
        return False
    if MARKER.match(prev.simp):
        split = split_heading(prev.text, prev.simp)
        if split is None:
            return True  # a marker alone on its line
        if split.body_at >= len(prev.simp) and len(split.text) <= 40:
            # A heading without punctuation ends its line, unless the next line is
            # the short rest of a heading wrapped in two (…党中央决策部署 / 方面).
            return len(simp) <= 12 and not _SENTENCE_PUNCT.search(simp[:-1]) and bool(_HEADING_TAIL.search(simp))
    return True
