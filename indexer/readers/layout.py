"""Printed pages → paragraphs: lines with their positions in, one line per paragraph out.

A PDF and a scan both give lines where the page wrapped them, with the
running header and the page number (— 1 —, 第 1 页 共 3 页) printed on every
page. What a reader sees on paper decides here too:

* A line in the top or bottom band of the page is a running header or footer
  when it is a page number, or when the same words (numbers aside) stand in
  that band on at least half the pages; it is dropped.
* Lines in type larger than the body's, one under the other, are one title.
* A paragraph starts at a line that is indented (Chinese paragraphs open two
  characters in), that follows a short line (a paragraph's last line stops
  before the right margin), that follows a wider gap than the lines around it,
  whose type is another size (titles, headings), or that opens with a heading
  number (一、 （一） 1.) after a line that ended a sentence or after a
  numbered line standing alone (a one-line heading). Otherwise the line
  continues the paragraph above, also across a page break, unless the
  paragraphs are set apart by space rather than indents and the page ended
  a sentence.

Every measure is relative to the body text's own character size and line
spacing, so the same rules read a 16 pt 公文 and a 10 pt scan at 300 dpi.
"""

import re
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

#: The top and bottom share of a page where running headers and footers stand.
EDGE = 0.12
_PAGE_NUMBER = re.compile(r"^[-—–－―~·•\s]*(?:第?\s*\d{1,4}\s*页?\s*(?:[/／]\s*\d{1,4}|共\s*\d{1,4}\s*页)?"
                          r"|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?|[ivxlc]{1,6})[-—–－―~·•\s]*$", re.I)
_DIGITS = re.compile(r"\d+")
#: Numbered headings and list items (一、 （一） 1. （1） ①): after a finished sentence they open a paragraph.
_MARKER = re.compile(r"[（(]\s*(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*[）)]|[一二三四五六七八九十]{1,3}\s*、"
                     r"|\d{1,2}\s*[、.．](?![\d.．%])|[①-⑳]|第[一二三四五六七八九十百]{1,4}[章节条部分]")
_SENTENCE_END = tuple("。！？；!?;")
_LATIN = re.compile(r"[A-Za-z0-9]")


@dataclass
class Line:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float  # the height of its characters


@dataclass
class Page:
    width: float
    height: float
    lines: list = field(default_factory=list)  # [Line], top to bottom


def lines_of(words, box_size=False):
    """Words or characters anywhere on a page → its lines, top to bottom: [(text, x0, x1, top, bottom, size)].

    A word joins the line whose height it shares for the most part (a full stop
    sits low, a scan's lines slope a little); each line is read left to right.
    A line's size is its characters' usual size, or with `box_size` the height
    of the line's box (OCR's word boxes are as tall as their characters, and 一
    is a flat one).
    """
    rows = []  # [top, bottom, words]
    for word in sorted(words, key=lambda w: (w[3], w[1])):
        top, bottom = word[3], word[4]
        best, overlap = None, 0.5 * max(bottom - top, 1e-6)
        for row in rows[-8:]:
            shared = min(bottom, row[1]) - max(top, row[0])
            if shared > overlap:
                best, overlap = row, shared
        if best is None:
            rows.append([top, bottom, [word]])
        else:
            best[0], best[1] = min(best[0], top), max(best[1], bottom)
            best[2].append(word)
    lines = []
    for top, bottom, row in sorted(rows, key=lambda r: r[0]):
        row.sort(key=lambda w: w[1])
        sizes = sorted(w[5] for w in row)
        lines.append(Line(join_words([(w[0], w[1], w[2], w[5]) for w in row]), row[0][1],
                          max(w[2] for w in row), top, bottom, bottom - top if box_size else sizes[len(sizes) // 2]))
    return lines


def join_words(words):
    """Characters or words of one line, in reading order, as text: [(text, x0, x1, size)].

    A gap becomes a space only between Latin letters or digits: Chinese is written
    without spaces, and justified lines spread their characters apart.
    """
    out, last = [], None
    for text, x0, x1, size in words:
        if last and x0 - last[2] > 0.25 * max(size, last[3]) and _LATIN.match(last[0][-1:]) and _LATIN.match(text[:1]):
            out.append(" ")
        out.append(text)
        last = (text, x0, x1, size)
    return "".join(out).strip()


def paragraphs(pages):
    """The pages' body text, one paragraph per line."""
    pages = [Page(p.width, p.height, [line for line in p.lines if line.text.strip()]) for p in pages]
    _drop_running(pages)
    body = [(n, line) for n, page in enumerate(pages) for line in page.lines]
    if not body:
        return ""
    size = median(line.size for _, line in body)
    left = Counter(round(line.x0) for _, line in body).most_common(1)[0][0]
    right = _right_margin([line for _, line in body], size)
    spacing = _spacing(pages, size)
    # Do paragraphs open with an indent here? Then a tenth of the lines or more are indented.
    indented = sum(line.x0 > left + 0.8 * size for _, line in body) >= 0.1 * len(body)
    out, current, count = [], None, 0
    for i, (page, line) in enumerate(body):
        previous = body[i - 1] if i else None
        # A numbered line that stood alone so far, then another: a one-line heading, then the next.
        numbered = count == 1 and bool(_MARKER.match(current)) and bool(_MARKER.match(line.text))
        if current is not None and not numbered and not _starts_paragraph(previous, (page, line), left, right,
                                                                             size, spacing, indented):
            current = current + (" " if _LATIN.match(current[-1]) and _LATIN.match(line.text[0]) else "") + line.text
            count += 1
            continue
        if current is not None:
            out.append(current)
        current, count = line.text, 1
    out.append(current)
    return "\n".join(out)


def _drop_running(pages):
    """Drop page numbers and lines repeated in the page's top or bottom band."""
    def edge(page, line):
        return line.bottom < page.height * EDGE or line.top > page.height * (1 - EDGE)

    def shape(line):
        return _DIGITS.sub("#", "".join(line.text.split()))

    seen = Counter()
    for page in pages:
        seen.update({shape(line) for line in page.lines if edge(page, line)})
    repeated = {s for s, count in seen.items() if len(pages) >= 2 and count >= max(2, len(pages) / 2)}
    for page in pages:
        page.lines = [line for line in page.lines
                      if not (edge(page, line) and (shape(line) in repeated or _PAGE_NUMBER.match(line.text)))]


def _right_margin(lines, size):
    """Where full lines end: the right edge most lines reach."""
    ends = sorted(line.x1 for line in lines)
    return ends[int(0.9 * (len(ends) - 1))] if len(ends) > 1 else ends[0] + size


def _spacing(pages, size):
    """The usual distance from one line's top to the next within a paragraph."""
    steps = [b.top - a.top for page in pages for a, b in zip(page.lines, page.lines[1:])
             if 0 < b.top - a.top < 4 * size]
    return median(steps) if steps else 1.5 * size


def _starts_paragraph(previous, current, left, right, size, spacing, indented):
    (page_a, a), (page_b, b) = previous, current
    if (a.size > 1.15 * size and abs(a.size - b.size) <= 0.05 * a.size and page_a == page_b
            and b.top - a.top < 2 * a.size and not _MARKER.match(b.text)):
        return False  # a title in large type, wrapped or broken over centred lines
    if abs(a.size - b.size) > 0.15 * size and min(len(a.text), len(b.text)) >= 6:
        return True  # a title or heading in its own size (the size of a line of a few characters is rough)
    if b.x0 > left + 0.8 * size:
        return True  # indented: a first line, or a centred or right-aligned line
    if a.x1 < right - 1.5 * size:
        return True  # the line above stopped short: it ended its paragraph
    if page_a == page_b and b.top - a.top > 1.3 * spacing:
        return True  # space between paragraphs
    if page_a != page_b and not indented and a.text.endswith(_SENTENCE_END):
        return True  # paragraphs set apart by space, not indents: a page that ends a sentence ends its paragraph
    # A sentence that happened to fill its last line, then a numbered heading set flush left.
    return a.text.endswith(_SENTENCE_END) and bool(_MARKER.match(b.text))
