"""The PDF reader: pages with a text layer through pdfplumber (MIT), pages that are pictures through OCR.

pdfplumber gives every character with its position and size; `layout` turns
the lines they form back into paragraphs and drops running headers and page
numbers. A page with (almost) no characters but an image on it is a scan: it
is read by OCR (`ocr`), so a PDF of scans and a PDF with a few scanned pages
(a signed last page) both come out whole.

Refused with a sentence: a file cut short (no %%EOF at its end), one that
needs a password to open (one with only an owner password, which merely
forbids printing or copying, opens), one pdfminer cannot parse, and one of
more pages than MAX_PDF_PAGES, which is checked from the page tree before any
page is read. READ_SECONDS is checked between pages.
"""

import io
import logging

import pdfplumber
from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdftypes import resolve1
from pdfminer.psparser import PSException
from pdfplumber.utils.exceptions import PdfminerException

from .. import settings
from ..errors import NoticeError
from . import layout, ocr
from .document import Document

#: A page with fewer characters than this and an image is a scanned page.
SCANNED_BELOW = 10

# pdfminer warns about every odd object it repairs; the reader reports per file itself.
logging.getLogger("pdfminer").setLevel(logging.ERROR)


def read(data, path, deadline):
    if b"%%EOF" not in data[-8192:]:
        raise NoticeError(path, "is a PDF that was cut short (it has no end-of-file marker); download it again")
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        raise _refusal(path, exc.args[0] if exc.args else exc) from None
    except (PDFPasswordIncorrect, PDFEncryptionError, PSException, ValueError, KeyError, TypeError) as exc:
        raise _refusal(path, exc) from None
    with pdf:
        count = _page_count(pdf)
        limit = settings.get("MAX_PDF_PAGES")
        if count > limit:
            raise NoticeError(path, f"is a PDF of {count:,} pages, more than the {limit:,} a notice may have "
                                    "(NOTICE_SEARCH_MAX_PDF_PAGES); split it, or raise the limit")
        pages, scanned = [], []
        try:
            for number, page in enumerate(pdf.pages):
                deadline.check()
                lines = _lines(page)
                if sum(len(line.text) for line in lines) < SCANNED_BELOW and page.images:
                    scanned.append(number)
                pages.append(layout.Page(float(page.width), float(page.height), lines))
                page.close()
        except (PdfminerException, PSException, ValueError, KeyError, TypeError, AssertionError) as exc:
            raise NoticeError(path, f"is a damaged PDF (page {len(pages) + 1}: {exc or type(exc).__name__}); "
                                    "open it and save it again, or download it again") from None
    if scanned:
        for number, page in zip(scanned, ocr.pdf_pages(data, scanned, path, deadline)):
            pages[number] = page
    text = layout.paragraphs(pages)
    if not text.strip():
        raise NoticeError(path, "is a PDF with no text on any page")
    return Document(text, "", ocr=bool(scanned))


def _refusal(path, exc):
    if isinstance(exc, (PDFPasswordIncorrect, PDFEncryptionError)):
        return NoticeError(path, "is a password-protected PDF; save a copy without the password to index it")
    return NoticeError(path, f"is a damaged PDF ({str(exc) or type(exc).__name__}); open it and save it again, "
                             "or download it again")


def _page_count(pdf):
    """The page count the page tree declares, read without loading the pages."""
    try:
        return int(resolve1(resolve1(pdf.doc.catalog["Pages"])["Count"]))
    except (KeyError, TypeError, ValueError):
        return len(pdf.pages)


def _lines(page):
    """The page's characters grouped into lines, top to bottom."""
    chars = page.dedupe_chars().chars
    return layout.lines_of([(c["text"], c["x0"], c["x1"], c["top"], c["bottom"], c["size"])
                            for c in chars if c.get("upright", True) and c["text"].strip()])
