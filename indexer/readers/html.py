"""The web-page reader: a page saved from the browser → its article text, without the site around it.

trafilatura (Apache-2.0) finds the article among the navigation, breadcrumbs,
浏览次数 counters, share links, related-article lists and footers; its tree of
the article is turned into lines here, one per heading, paragraph, list item
or table row, and a line break inside a paragraph (<br>) starts a new line, as
it does on the page. The page's metadata gives the title (put into the text,
for the parser to judge), the publication date (only from the page's own date
tags, never guessed from the text) and the canonical address; a page saved by
the browser also records where it came from in a "saved from url" comment.

The text is decoded here, not by the extractor: the charset the page declares
(gb2312 pages hold GBK characters, so GB charsets decode as GB18030), and when
there is none or it is wrong, the plain-text reader's detection.
"""

import logging
import re

import trafilatura
from lxml import etree

from ..errors import NoticeError
from .document import Document
from .text import decode

#: An article shorter than this is not a notice: what the extractor kept is navigation.
MIN_CHARS = 30

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""",
                      re.I)
_SUPERSETS = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030", "euc-cn": "gb18030",
              "big5": "big5hkscs", "iso-8859-1": "cp1252", "latin1": "cp1252", "ascii": "utf-8", "us-ascii": "utf-8"}
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_SAVED_FROM = re.compile(r"<!--\s*saved from url=\(\d+\)(\S+?)\s*-->", re.I)
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
#: Section headings below the title: read as paragraphs (see `read`).
_SUBHEADING = re.compile(r"<(/?)h[2-6](?=[\s>/])", re.I)
_BLOCKS = {"p", "head", "item", "row", "quote", "code", "list", "table", "main", "div", "cell"}
_SPACE = re.compile(r"[ \t\r\n\u3000\xa0]+")

# trafilatura says at INFO and WARNING level what it tried; a rebuild reports per file itself.
logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def read(data, path, deadline):
    page = _decode(data, path)
    # When the extractor finds no article container it gathers the page's paragraphs
    # and skips <h2>…<h6>; the parser finds headings by their numbers, not their tags.
    markup = _SUBHEADING.sub(r"<\1p", _XML_DECLARATION.sub("", page))
    found = trafilatura.bare_extraction(
        markup, include_comments=False, include_tables=True, include_images=False,
        include_formatting=False, include_links=False, with_metadata=True, deduplicate=False, favor_recall=True,
        date_extraction_params={"extensive_search": False, "original_date": True})
    lines = _lines(found.body) if found is not None and found.body is not None else []
    if sum(len(line) for line in lines) < MIN_CHARS:
        raise NoticeError(path, "is a web page with no article text (only the site's navigation, or nothing); "
                                "save the page again once it has loaded, or save its text as .txt")
    title = _clean(found.title) if found.title else None
    if title and not any(_bare(title) in _bare(line) for line in lines[:3]):
        # The extractor takes the <h1> out as the title. It goes back in as the first line, where
        # the parser judges it as any title line: a page title that is only the column and
        # site name (通知公告_某某网) is dropped there as the page's header.
        lines.insert(0, title)
    return Document("\n".join(lines), "text/html", published=found.date or None,
                    source_url=_web_address(found.url) or _saved_from(page))


def _decode(data, path):
    """The page as text: in its declared charset when that decodes it, else as the text reader would."""
    if not data.startswith(_BOMS):
        m = _CHARSET.search(data[:4096])
        if m:
            declared = (m[1] or m[2]).decode("ascii").lower()
            try:
                return data.decode(_SUPERSETS.get(declared, declared))
            except (LookupError, UnicodeDecodeError):
                pass  # a wrong or unknown declaration: detect instead
    return decode(data, path)


def _lines(body):
    """The article tree as lines: each block element its own line, <lb/> a break within one."""
    lines, current = [], []

    def flush():
        line = _clean("".join(current))
        if line:
            lines.append(line)
        current.clear()

    def walk(element):
        block = element.tag in _BLOCKS
        if element.tag == "cell":
            current.append(" ")
        elif block:
            flush()
        if element.tag == "lb":
            flush()
        elif element.text:
            current.append(element.text)
        for child in element:
            walk(child)
        if block and element.tag != "cell":
            flush()
        if element.tail:
            current.append(element.tail)

    if not isinstance(body, etree._Element):
        return []
    walk(body)
    flush()
    return lines


def _clean(text):
    return _SPACE.sub(" ", text).strip()


def _bare(text):
    return _SPACE.sub("", text)


def _web_address(url):
    """A page address worth linking to: absolute http(s) only (never javascript: or a local file)."""
    if url and re.match(r"https?://[^\s/]+", url, re.I) and not any(c in url for c in "<>\"'\\ "):
        return url
    return None


def _saved_from(page):
    m = _SAVED_FROM.search(page[:4096])
    return _web_address(m[1]) if m else None
