"""Word's automatic numbering: the marker (一、 （一） 1. ①) each numbered paragraph displays.

A numbered paragraph's text does not hold its number: Word draws it from the
numbering part (numbering.xml). A paragraph points, directly or through its
style, at a list instance (w:num) and a level; the instance points at an
abstract list that defines each level's number format (decimal,
chineseCounting, …), its text ("（%1）", "%1.%2") and where it starts. Word
keeps one counter per level of an abstract list, shared by the instances that
point at it; a level restarts after a shallower level unless its w:lvlRestart
says otherwise, and an instance with a w:startOverride starts that level anew
at its first paragraph on that level. A level marked w:isLgl shows every number in
decimal. This module follows those rules; the number formats are Word's (the
Chinese ones as Word writes them in a zh-CN document).
"""

from docx.oxml.ns import qn

_CN_DIGITS = "〇一二三四五六七八九"
_LEGAL_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_BRANCHES = "子丑寅卯辰巳午未申酉戌亥"
_ROMAN = ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
          (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"))
#: Symbol and Wingdings bullets sit in the private use area; shown as what they look like.
_BULLET = "•"


def _counting(n, digits=_CN_DIGITS, ten="十", hundred="百", thousand="千"):
    """一 … 十 十一 … 二十一 … 一百〇一 … (Word's chineseCountingThousand)."""
    if n <= 0 or n >= 10000:
        return str(n)
    parts, zero = [], False
    for value, unit in ((1000, thousand), (100, hundred), (10, ten), (1, "")):
        digit = n // value % 10
        if digit:
            if zero and parts:
                parts.append(digits[0])
            zero = False
            # 十一, not 一十一, when ten is the leading unit
            parts.append(("" if value == 10 and not parts and digit == 1 else digits[digit]) + unit)
        else:
            zero = bool(parts)
    return "".join(parts)


def _chinese_counting(n):
    """Word's chineseCounting: counting words up to 99, then digit by digit (一〇一)."""
    if 100 <= n <= 9999:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    return _counting(n)


def _letters(n, base):
    """A … Z, then AA, BB …: Word repeats the letter."""
    if n <= 0:
        return str(n)
    return chr(base + (n - 1) % 26) * ((n - 1) // 26 + 1)


def _roman(n):
    if not 0 < n < 4000:
        return str(n)
    out = []
    for value, numeral in _ROMAN:
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def _enclosed(first, count):
    return lambda n: chr(first + n - 1) if 1 <= n <= count else str(n)


FORMATS = {
    "decimal": str,
    "decimalZero": lambda n: f"{n:02d}",
    "decimalFullWidth": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalFullWidth2": lambda n: str(n).translate({ord(d): 0xFF10 + int(d) for d in "0123456789"}),
    "decimalHalfWidth": str,
    "decimalEnclosedCircle": _enclosed(0x2460, 20),
    "decimalEnclosedCircleChinese": _enclosed(0x2460, 20),
    "decimalEnclosedFullstop": _enclosed(0x2488, 20),
    "decimalEnclosedParen": _enclosed(0x2474, 20),
    "ideographEnclosedCircle": _enclosed(0x3280, 10),
    "ideographParenthesized": _enclosed(0x3220, 10),
    "chineseCounting": _chinese_counting,
    "chineseCountingThousand": _counting,
    "japaneseCounting": _counting,
    "taiwaneseCounting": _counting,
    "taiwaneseCountingThousand": _counting,
    "koreanCounting": _counting,
    "ideographDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)),
    "taiwaneseDigital": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)),
    "japaneseDigitalTenThousand": lambda n: "".join(_CN_DIGITS[int(d)] for d in str(n)),
    "chineseLegalSimplified": lambda n: _counting(n, _LEGAL_DIGITS, "拾", "佰", "仟").replace("拾", "壹拾", 1)
    if 10 <= n < 20 else _counting(n, _LEGAL_DIGITS, "拾", "佰", "仟"),
    "ideographLegalTraditional": lambda n: _counting(n, "零壹貳參肆伍陸柒捌玖", "拾", "佰", "仟"),
    "ideographTraditional": lambda n: _STEMS[n - 1] if 1 <= n <= 10 else str(n),
    "ideographZodiac": lambda n: _BRANCHES[n - 1] if 1 <= n <= 12 else str(n),
    "upperLetter": lambda n: _letters(n, ord("A")),
    "lowerLetter": lambda n: _letters(n, ord("a")),
    "upperRoman": _roman,
    "lowerRoman": lambda n: _roman(n).lower(),
    "none": lambda n: "",
}


def format_number(n, fmt):
    """`n` in Word's number format `fmt`; formats not listed here show as decimal."""
    return FORMATS.get(fmt, str)(n)


def _val(element, tag, default=None):
    child = element.find(qn(tag)) if element is not None else None
    if child is None:
        return default
    value = child.get(qn("w:val"))
    return default if value is None else value


def _int(value, default=None):
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


class Level:
    """One level of a list: how its number looks and when it restarts."""

    def __init__(self, element):
        self.start = _int(_val(element, "w:start"), 1)
        self.fmt = _val(element, "w:numFmt", "decimal")
        self.text = _val(element, "w:lvlText", "")
        self.restart = _int(_val(element, "w:lvlRestart"))
        legal = element.find(qn("w:isLgl"))
        self.legal = legal is not None and legal.get(qn("w:val")) not in ("0", "false", "off")
        self.suffix = _val(element, "w:suff", "tab")
        self.style = _val(element, "w:pStyle")


class Numbering:
    """The lists of one document, and the counters that number its paragraphs in order."""

    def __init__(self, numbering, styles):
        self.styles = styles
        self.abstract = {}  # abstractNumId -> (levels {ilvl: Level}, numStyleLink or None)
        self.nums = {}  # numId -> (abstractNumId, {ilvl: start override}, {ilvl: Level override})
        if numbering is not None:
            for element in numbering.findall(qn("w:abstractNum")):
                levels = {_int(lvl.get(qn("w:ilvl")), 0): Level(lvl) for lvl in element.findall(qn("w:lvl"))}
                self.abstract[element.get(qn("w:abstractNumId"))] = (levels, _val(element, "w:numStyleLink"))
            for element in numbering.findall(qn("w:num")):
                starts, levels = {}, {}
                for override in element.findall(qn("w:lvlOverride")):
                    ilvl = _int(override.get(qn("w:ilvl")), 0)
                    start = _int(_val(override, "w:startOverride"))
                    if start is not None:
                        starts[ilvl] = start
                    if override.find(qn("w:lvl")) is not None:
                        levels[ilvl] = Level(override.find(qn("w:lvl")))
                self.nums[element.get(qn("w:numId"))] = (_val(element, "w:abstractNumId"), starts, levels)
        self.counters = {}  # abstractNumId -> {ilvl: current number}
        self.used = set()  # numIds whose start override was applied

    def _abstract_of(self, num_id, depth=0):
        """The abstract list a list instance draws from, following a numbering style's link."""
        abstract_id = self.nums[num_id][0]
        levels, link = self.abstract.get(abstract_id, ({}, None))
        if link and depth < 5:
            linked = self.styles.numbering_of(link)
            if linked and linked[0] in self.nums and linked[0] != num_id:
                return self._abstract_of(linked[0], depth + 1)
        return abstract_id, levels

    def marker(self, paragraph_properties, style_id):
        """The marker text of a paragraph (with the space Word puts after it), or "" when it is not numbered."""
        num_id, ilvl = None, None
        num_pr = paragraph_properties.find(qn("w:numPr")) if paragraph_properties is not None else None
        if num_pr is not None:
            num_id, ilvl = _val(num_pr, "w:numId"), _int(_val(num_pr, "w:ilvl"))
        if num_id is None:
            linked = self.styles.numbering_of(style_id)
            if linked:
                num_id, ilvl = linked[0], ilvl if ilvl is not None else linked[1]
        if num_id is None or num_id not in self.nums:  # numId 0 takes a style's numbering away
            return ""
        abstract_id, levels = self._abstract_of(num_id)
        _, starts, overrides = self.nums[num_id]
        if ilvl is None:  # a style linked to a list level names the level in the list, not in itself
            ilvl = next((i for i, level in levels.items() if level.style == style_id), 0)
        definition = {**levels, **overrides}
        level = definition.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(abstract_id, {})
        if ilvl in starts and num_id not in self.used:
            self.used.add(num_id)
            counters[ilvl] = starts[ilvl]
        else:
            counters[ilvl] = counters[ilvl] + 1 if ilvl in counters else level.start
        for deeper in [i for i in counters if i > ilvl]:
            restart = definition[deeper].restart if deeper in definition else None
            if restart is None or (restart > 0 and ilvl < restart):
                del counters[deeper]
        text = level.text
        for i in range(9):
            if f"%{i + 1}" in text:
                shown = definition.get(i)
                number = counters.get(i, shown.start if shown else 1)
                fmt = "decimal" if level.legal and shown and shown.fmt != "none" else (shown.fmt if shown else "decimal")
                text = text.replace(f"%{i + 1}", format_number(number, fmt))
        text = "".join(_BULLET if "\ue000" <= c <= "\uf8ff" else c for c in text)
        if not text:
            return ""
        return text + ("" if level.suffix == "nothing" else " ")


class Styles:
    """Paragraph styles: the list a style (or a style it is based on) numbers its paragraphs with."""

    def __init__(self, styles):
        self.based_on, self.num_pr = {}, {}
        if styles is None:
            return
        for style in styles.findall(qn("w:style")):
            style_id = style.get(qn("w:styleId"))
            self.based_on[style_id] = _val(style, "w:basedOn")
            ppr = style.find(qn("w:pPr"))
            num_pr = ppr.find(qn("w:numPr")) if ppr is not None else None
            if num_pr is not None:
                self.num_pr[style_id] = (_val(num_pr, "w:numId"), _int(_val(num_pr, "w:ilvl")))

    def numbering_of(self, style_id):
        """(numId, ilvl or None) a style numbers with, inherited through w:basedOn; None if it does not."""
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.num_pr:
                return self.num_pr[style_id]
            style_id = self.based_on.get(style_id)
        return None
