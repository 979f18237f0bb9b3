"""The Word reader: a .docx → its text in document order, numbering and tables included.

python-docx (MIT) opens the package; the body is walked here in the order it
reads: paragraphs, tables (a row on one line, its cells side by side; a row of
one cell, a table used as a frame, gives its paragraphs their own lines),
content controls, and text boxes (before the paragraph that anchors them).
A numbered paragraph starts with the marker Word shows for it (`numbering`),
so a heading numbered by its style reads "一、总体情况" as it does on screen.
Deleted revisions, hidden text, field codes and the running headers and
footers are left out.

A .docx is a ZIP archive, and a small one can unpack to gigabytes: the sizes
its directory declares are checked before anything is unpacked (at most ten
times the largest file a notice may be).
"""

import io
import zipfile

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml import etree

from .. import settings
from ..errors import NoticeError
from .document import Document
from .numbering import Numbering, Styles

#: How much larger than the file limit the unpacked parts may be (text compresses about tenfold).
UNPACKED = 10
_MAX_PARTS = 5000

_SKIPPED = {qn("w:del"), qn("w:moveFrom"), qn("w:pPr"), qn("w:rPr"), qn("w:txbxContent"), qn("w:instrText"),
            qn("w:delText"), "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"}
_CHARS = {qn("w:tab"): "\t", qn("w:br"): "\n", qn("w:cr"): "\n", qn("w:noBreakHyphen"): "-"}
_WRAPPERS = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:smartTag")}


def read(data, path, deadline):
    _check_archive(data, path, UNPACKED * settings.get("MAX_FILE_MB") * 1024 * 1024)
    try:
        document = docx.Document(io.BytesIO(data))
        body = document.element.body
        numbering = Numbering(_numbering_element(document), Styles(document.styles.element))
        title = (document.core_properties.title or "").strip() or None
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError, etree.XMLSyntaxError, EOFError) as exc:
        raise NoticeError(path, f"is a damaged Word file ({_why(exc)}); open it in Word and save it again, "
                                "or download it again") from None
    lines = []
    _blocks(body, numbering, lines)
    deadline.check()
    return Document("\n".join(lines), "", title=_plausible_title(title))


def _check_archive(data, path, limit):
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise NoticeError(path, f"is a damaged or incomplete Word file ({_why(exc)}); it may have been cut short "
                                "while downloading: download it again") from None
    unpacked = sum(info.file_size for info in infos)
    if unpacked > limit or len(infos) > _MAX_PARTS:
        raise NoticeError(path, f"is a Word file that would unpack to {unpacked / 1024 / 1024:,.0f} MB in "
                                f"{len(infos):,} parts, more than the {limit / 1024 / 1024:,.0f} MB a notice may "
                                "(perhaps a ZIP bomb); it was not unpacked")


def _why(exc):
    if isinstance(exc, etree.XMLSyntaxError):
        return "a part of it is not well-formed XML"
    return str(exc).strip("'\" ") or type(exc).__name__


def _numbering_element(document):
    try:
        return document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return None  # a document without lists


def _plausible_title(title):
    """A title property worth keeping: not a template's or a converter's ("Microsoft Word - 文档1.docx")."""
    if not title or title.lower().startswith(("microsoft word", "untitled")) or "." in title[-6:]:
        return None
    return title if any("\u4e00" <= c <= "\u9fff" for c in title) else None


def _blocks(parent, numbering, lines):
    for child in parent:
        if child.tag == qn("w:p"):
            _paragraph(child, numbering, lines)
        elif child.tag == qn("w:tbl"):
            _table(child, numbering, lines)
        elif child.tag in _WRAPPERS:
            _blocks(child, numbering, lines)


def _paragraph(p, numbering, lines):
    for box in p.iter(qn("w:txbxContent")):
        if _owner(box) is p and not _inside_fallback(box, p):
            _blocks(box, numbering, lines)
    ppr = p.find(qn("w:pPr"))
    style = ppr.find(qn("w:pStyle")) if ppr is not None else None
    text = "".join(_text(p)).replace("\t", " ")
    marker = numbering.marker(ppr, style.get(qn("w:val")) if style is not None else None)
    parts = (marker + text).split("\n")
    lines.extend(part.strip() for part in parts if part.strip())


def _owner(box):
    """The paragraph a text box is anchored in (a box may sit in a paragraph of another box)."""
    parent = box.getparent()
    while parent is not None and parent.tag != qn("w:p"):
        parent = parent.getparent()
    return parent


def _inside_fallback(element, stop):
    parent = element.getparent()
    while parent is not None and parent is not stop:
        if parent.tag == "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback":
            return True
        parent = parent.getparent()
    return False


def _text(element):
    """The visible characters of a paragraph's runs, in order."""
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == qn("w:r") and _hidden(child):
            continue
        if tag == qn("w:t"):
            yield child.text or ""
        elif tag in _CHARS:
            if not (tag == qn("w:br") and child.get(qn("w:type")) == "page"):
                yield _CHARS[tag]
        else:
            yield from _text(child)


def _hidden(run):
    rpr = run.find(qn("w:rPr"))
    vanish = rpr.find(qn("w:vanish")) if rpr is not None else None
    return vanish is not None and vanish.get(qn("w:val")) not in ("0", "false", "off")


def _table(table, numbering, lines):
    for row in table.iter(qn("w:tr")):
        if _nearest_table(row) is not table:
            continue
        cells = []
        for cell in row.iter(qn("w:tc")):
            if _nearest_table(cell) is table:
                content = []
                _blocks(cell, numbering, content)
                if content:
                    cells.append(content)
        if len(cells) == 1:
            lines.extend(cells[0])  # a table used as a frame around text
        elif cells:
            lines.append(" ".join(" ".join(content) for content in cells))


def _nearest_table(element):
    parent = element.getparent()
    while parent is not None and parent.tag != qn("w:tbl"):
        parent = parent.getparent()
    return parent
