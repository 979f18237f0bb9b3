"""Line shapes: text flattened onto one line, and text hard-wrapped mid-sentence.

Copies of notices come with too few line breaks (a page's paragraphs run
together, headings and all) or too many (a PDF or e-mail copy broken at a
fixed width). `unflatten` splits the first kind back at its heading markers;
`join_wrapped` joins the second kind back into paragraphs without gluing a
heading to its body.
"""

import re
from collections import Counter

from .dates import cn_number
from .headings import MARKER, is_unnumbered_heading, marker_of, split_heading
from .metadata import CLOSING

_TERMINAL = set("。！？!?；;：:…")
_FULL_STOP = set("。！？!?…")
#: A paragraph that opens by quoting the problem (针对“…”) after a heading-like line starts anew.
_QUOTED_PROBLEM = re.compile(r"(?:针对|关于)[“\"]")
_SENTENCE_PUNCT = re.compile(r"[，,。；;：:]")
_HEADING_TAIL = re.compile(r"(?:方面|情况|问题|工作|措施|成效|打算|计划|建设|落实|责任)[。：:]?$")
#: Lines that start a new paragraph whatever the line before them looks like.
_ENUMERATOR = re.compile(r"(?:[一二三四五六七八九十]+是|第[一二三四五六七八九十]+[，,、]|首先|其次|最后|此外|同时|另外)")
_LABEL_LINE = re.compile(r"(?:整改情况|整改措施|整改进展情况|整改进展|完成情况|整改成效|整改结果|存在问题|问题表现)\s*[:：]")
#: Heading markers inside a line, for splitting flattened text; the groups give scheme and number.
_INLINE_MARKER = re.compile(
    r"(?P<cn_dun>[一二三四五六七八九十]{1,3})、|[（(](?P<cn_paren>[一二三四五六七八九十]{1,3})[）)]"
    r"|(?<![\d.．])(?P<ar_dot>\d{1,2})[.．](?!\d)|(?<![\d.．])(?P<ar_dun>\d{1,2})、|[（(](?P<ar_paren>\d{1,2})[）)]"
)
_CN_SPLIT = re.compile(r"(?<=[。！？；;])\s*(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])")
#: A heading-final noun right before a marker: the heading before it lost its punctuation.
_FINAL_BEFORE = re.compile(r"(?:情况|方面|问题|工作|措施|做法|成效|打算|计划|机制|责任)$")
#: The signature ending a flattened text (…。中共XX局党组2023621), cut off so it is recognised.
_SIGNATURE_TAIL = re.compile(
    r"(?<=[。！？；;])\s*(?P<org>[^。！？；;\d]{2,40}?(?:党组|党委|委员会|联合会|文联|妇联|总工会|局|委|办公室|中心))?"
    r"\s*(?P<date>(?:19|20)\d\d年\d{1,2}月\d{1,2}日|(?:19|20)\d{5,6})\s*$"
)


def unflatten(rows):
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
        if number and _starts_heading(simp[:m.start()].rstrip(), scheme, number, last.get(scheme, 0)):
            last[scheme] = number
            if m.start() > 0:
                cuts.append(m.start())
    return cuts


def _starts_heading(before, scheme, number, previous):
    """Does a marker (its scheme and number, after text `before`) start a heading in flattened text?"""
    if not before or before[-1] in "。！？；;：:":
        return scheme.startswith("cn") or number in (1, previous + 1)
    if number > 1:
        return number == previous + 1
    return bool(_FINAL_BEFORE.search(before)) or (scheme.endswith("paren") and before[-1] not in "第按见如附及和与或")


def join_wrapped(rows, glued):
    """Join lines broken mid-sentence; a blank line, a heading or a new item ends a paragraph.

    Returns the lines and the indexes of those that came from flattened text.
    """
    wrap = _wrap_width(rows)
    gaps = [b - a for (a, _), (b, _) in zip(rows, rows[1:])]
    # Double-spaced copies put a blank line after every line; then only two blanks part paragraphs.
    step = 2 if wrap and gaps and gaps.count(2) >= 0.8 * len(gaps) else 1
    lines, flags = [], set()
    prev_n = prev = None
    for i, (n, line) in enumerate(rows):
        if lines and _continues(lines[-1], line, prev_n is not None and n - prev_n <= step, wrap, prev):
            lines[-1] = lines[-1] + line
        else:
            if i in glued:
                flags.add(len(lines))
            lines.append(line)
        prev_n, prev = n, line
    return lines, flags


def _display_width(simp):
    """Columns a line takes, counting every non-ASCII character as wide (close enough for Chinese)."""
    return 2 * len(simp) - len(simp.encode("ascii", "ignore"))


def _wrap_width(rows):
    """How text was hard-wrapped (PDF and e-mail copies): (measure, width), or None if it was not.

    Wrapped text has many lines of one width, in characters or in columns
    (give or take one wide character); text with one line per paragraph has
    lines of every length.
    """
    lines = [line.simp for _, line in rows if len(line.simp) >= 12]
    best = None
    for measure, slack in ((len, 1), (_display_width, 2)):
        widths = Counter(measure(simp) for simp in lines)
        if not widths:
            return None
        width = max(widths, key=lambda w: (sum(widths.get(w - k, 0) for k in range(slack + 1)), w))
        near = sum(widths.get(width - k, 0) for k in range(slack + 1))
        if near >= 4 and near >= 0.3 * len(lines) and (best is None or near > best[0]):
            best = near, measure, width - slack
    return best[1:] if best else None


def _continues(prev, line, adjacent, wrap=None, physical=None):
    """Does `line` continue `prev`, which was broken off mid-sentence?

    In hard-wrapped text (`wrap` = (measure, width)) a line continues when the
    `physical` line before it is full and did not end a sentence; elsewhere it
    does unless the line before ended a sentence or reads as a heading.
    """
    if _LABEL_LINE.fullmatch(prev.simp):
        return True  # a label alone on its line (整改情况：) introduces the next one
    last = (physical or prev).simp
    if not adjacent or last[-1] in _FULL_STOP or (last[-1] in "”’" and last[-2:-1] in _FULL_STOP):
        return False
    simp = line.simp
    if (marker_of(simp) or _ENUMERATOR.match(simp) or _LABEL_LINE.match(simp) or CLOSING.match(simp)
            or is_unnumbered_heading(simp) or (_QUOTED_PROBLEM.match(simp) and _FINAL_BEFORE.search(last))):
        return False
    if wrap:
        measure, width = wrap
        return measure(last) >= width
    if last[-1] in _TERMINAL or is_unnumbered_heading(prev.simp):
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
