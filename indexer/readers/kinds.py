"""Which reader reads a file: its signature (first bytes) first, its name's suffix second.

The signature decides wherever a format has one, because files arrive misnamed:
a "附件.doc" downloaded from a government site is as often a .docx, a web
page or RTF as a Word 97 file, and a scan is saved as .pdf or as an image. The
suffix only decides between the formats that have no signature: a web page
(.html, .htm) and plain text (anything else that decodes). A web page saved
under another name is still known by its opening tag.
"""

import io
import re
import zipfile
from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    """A kind of notice file and the module (in this package) that reads it."""

    name: str
    media_type: str
    suffixes: tuple  # names the data-folder walk picks up
    reader: str


TEXT = Kind("text", "text/plain", (".txt",), "text")
HTML = Kind("html", "text/html", (".html", ".htm"), "html")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "docx")
DOC = Kind("doc", "application/msword", (".doc",), "doc")
PDF = Kind("pdf", "application/pdf", (".pdf",), "pdf")
PNG = Kind("png", "image/png", (".png",), "ocr")
JPEG = Kind("jpeg", "image/jpeg", (".jpg", ".jpeg"), "ocr")
TIFF = Kind("tiff", "image/tiff", (".tif", ".tiff"), "ocr")

KINDS = (TEXT, HTML, DOCX, DOC, PDF, PNG, JPEG, TIFF)

#: Every suffix a notice file may have: what the data-folder walk reads.
SUFFIXES = tuple(suffix for kind in KINDS for suffix in kind.suffixes)
#: The same, as said to people.
NAMED = ".txt, .html, .docx, .doc, .pdf or scanned images"

#: Signatures of the formats that are read, at the very start of the file.
_SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"II*\x00", TIFF),
    (b"MM\x00*", TIFF),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", DOC),
)

#: Signatures of formats that are not read, with what to do instead.
_REFUSED = (
    (b"GIF8", "is a GIF image; OCR reads scans saved as PDF, PNG, JPEG or TIFF"),
    (b"{\\rtf", "is an RTF document; open it in Word or LibreOffice and save it as .docx to index it"),
    (b"MIME-Version:", "is a web archive (MHT); open it in a browser and save it as a web page (.html) to index it"),
    (b"\x1f\x8b", "is a gzip archive, not a notice; unpack it into the data folder"),
    (b"Rar!", "is a RAR archive, not a notice; unpack it into the data folder"),
    (b"7z\xbc\xaf\x27\x1c", "is a 7-Zip archive, not a notice; unpack it into the data folder"),
    (b"\x7fELF", "is an executable, not a notice"),
)

#: A PDF may carry a few bytes of junk before its header; readers accept 1 KB of it.
_PDF_HEADER = re.compile(rb"%PDF-\d")
_HTML_START = re.compile(rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|meta|body)\b",
                         re.I | re.S)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


class Refused(Exception):
    """The file's signature is of a format no reader reads; the message says what to do."""


def kind_of(data, name):
    """The Kind of a file from its bytes and its name; raise Refused for a format that is not read."""
    for signature, kind in _SIGNATURES:
        if data.startswith(signature):
            if kind is DOC and "WordDocument".encode("utf-16-le") not in data:
                raise Refused("is an Office 97–2003 file that is not a Word document (perhaps .xls or .ppt)")
            return kind
    if _PDF_HEADER.search(data[:1024]):
        return PDF
    if data.startswith(b"PK\x03\x04"):
        return _zip_kind(data)
    for signature, reason in _REFUSED:
        if data.startswith(signature):
            raise Refused(reason)
    suffix = name.lower().rpartition(".")[2]
    if suffix in ("htm", "html") or _looks_like_html(data):
        return HTML
    if suffix in ("docx", "doc", "pdf", "png", "jpg", "jpeg", "tif", "tiff") and data.strip():
        raise Refused(f"is named .{suffix} but is not such a file (it does not start the way one does); "
                      "it may be damaged or cut short: download it again")
    return TEXT


def _zip_kind(data):
    """A ZIP container is read as Word when it holds word/document.xml (whatever its name says)."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        # A Word file cut short loses the directory at its end: the first entry tells.
        if b"[Content_Types].xml" in data[:200] or b"word/" in data[:4096]:
            return DOCX
        raise Refused("is a damaged ZIP archive, not a notice") from None
    if "word/document.xml" in names:
        return DOCX
    if "mimetype" in names and b"opendocument.text" in data[:200]:
        raise Refused("is an OpenDocument text (.odt); open it in LibreOffice or Word and save it as .docx "
                      "to index it")
    raise Refused("is a ZIP archive, not a notice; unpack it into the data folder")


def _looks_like_html(data):
    head = data[:2048]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head[:2] in (b"<\x00", b"\x00<"):  # UTF-16 without a BOM
        head = head.replace(b"\x00", b"")
    return bool(_HTML_START.match(head))
