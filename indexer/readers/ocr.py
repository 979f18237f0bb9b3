"""OCR: scanned pages and images → lines with positions, read by Tesseract's Chinese model.

Tesseract (Debian tesseract-ocr with tesseract-ocr-chi-sim, Apache-2.0) runs as
a command on each page image, reading it as one column of text (a notice's
page is one; page segmentation mode 6 misreads fewer characters than the
automatic mode), and reports every word with its box (TSV); the
words of each line are joined the way `layout` joins a PDF's characters, and
`layout` then builds paragraphs and drops headers and page numbers, as for a
PDF with a text layer. PDF pages are rendered at 300 dpi by pdfplumber's
renderer (pypdfium2), so no other program is needed.

When Tesseract or its Chinese model is not installed, the file is skipped with
a sentence saying which Debian packages to install.
"""

import csv
import io
import tempfile
from functools import lru_cache

import numpy as np
import pdfplumber
from PIL import Image

from ..errors import NoticeError
from . import layout, tools
from .document import Document

DPI = 300
LANGUAGE = "chi_sim"
#: The height of a line of characters, in pixels, that Tesseract's Chinese model reads best: pages
#: are scaled to it (a 16 pt line at 300 dpi is twice as tall, and misread more often).
LINE_PIXELS = 36
#: An image whose OCR holds fewer Chinese characters than this is a picture, not a notice.
MIN_CHINESE = 20


def read(data, path, deadline):
    """An image file (PNG, JPEG, TIFF) of a notice."""
    _require(path, "is an image")
    try:
        with Image.open(io.BytesIO(data)) as opened:
            picture = opened.convert("L")
    except Image.DecompressionBombError:
        raise NoticeError(path, "is an image of more pixels than a scanned page has (perhaps a decompression "
                                "bomb); it was not read") from None
    except (OSError, ValueError):
        raise NoticeError(path, "is an image that cannot be opened (damaged or cut short)") from None
    page = _read_picture(picture, path, deadline)
    text = layout.paragraphs([page])
    if sum("\u4e00" <= c <= "\u9fff" for c in text) < MIN_CHINESE:
        raise NoticeError(path, "is an image in which OCR found no Chinese text to index")
    return Document(text, "", ocr=True)


def pdf_pages(data, numbers, path, deadline):
    """layout.Pages of the given (0-based) pages of a PDF, read by OCR, in their PDF coordinates."""
    _require(path, f"is a scanned PDF ({len(numbers)} of its pages are images)")
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for number in numbers:
            deadline.check()
            page = pdf.pages[number]
            read_page = _read_picture(page.to_image(resolution=DPI).original.convert("L"), path, deadline)
            scale = float(page.width) / read_page.width
            yield layout.Page(float(page.width), float(page.height), [
                layout.Line(line.text, line.x0 * scale, line.x1 * scale, line.top * scale, line.bottom * scale,
                            line.size * scale) for line in read_page.lines])
            page.close()


def _require(path, what):
    if not tools.installed("tesseract"):
        raise tools.missing(path, what, ["tesseract"], "OCR (Tesseract with its Chinese model)")
    if LANGUAGE not in _languages():
        raise tools.missing(path, what, ["tesseract"], "OCR's Chinese model (chi_sim)")


def _read_picture(picture, path, deadline):
    """A greyscale page picture → a layout.Page in the picture's pixels, read at the best scale."""
    scale = LINE_PIXELS / _line_height(picture)
    scale = min(2.5, max(0.3, scale))
    scaled = picture.resize((max(1, round(picture.width * scale)), max(1, round(picture.height * scale))),
                            Image.LANCZOS) if abs(scale - 1) > 0.1 else picture
    with tempfile.NamedTemporaryFile(suffix=".png") as image:
        scaled.save(image.name)
        page = _recognise(image.name, path, deadline)
    back = picture.width / scaled.width
    return layout.Page(picture.width, picture.height, [
        layout.Line(line.text, line.x0 * back, line.x1 * back, line.top * back, line.bottom * back, line.size * back)
        for line in page.lines])


def _line_height(picture):
    """The usual height of a printed line, from the rows of the picture that hold ink."""
    pixels = np.asarray(picture)
    inked = (pixels < 128).sum(axis=1) > max(2, pixels.shape[1] // 200)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], inked.astype(np.int8), [0]))))
    runs = edges[1::2] - edges[::2]
    runs = runs[runs >= 4]
    return float(np.median(runs)) if len(runs) else LINE_PIXELS


@lru_cache(maxsize=1)
def _languages():
    status, out, _err = tools.run(["tesseract", "--list-langs"], tools.Deadline("tesseract", 30))
    return set(out.decode("utf-8", "replace").split()) if status == 0 else set()


def _recognise(image_path, path, deadline):
    """One page image → a layout.Page in pixels."""
    status, out, err = tools.run(["tesseract", image_path, "stdout", "-l", LANGUAGE, "--psm", "6",
                                  "-c", "preserve_interword_spaces=1", "tsv"], deadline)
    if status != 0:
        raise NoticeError(path, f"could not be read by OCR ({err.splitlines()[-1] if err else 'tesseract failed'})")
    rows = list(csv.DictReader(io.StringIO(out.decode("utf-8", "replace")), delimiter="\t",
                               quoting=csv.QUOTE_NONE))
    width = height = 0
    words = []
    for row in rows:
        if row.get("level") == "1":
            width, height = int(row["width"]), int(row["height"])
        elif row.get("level") == "5" and (row.get("text") or "").strip():
            left, top, w, h = (int(row[k]) for k in ("left", "top", "width", "height"))
            words.append((row["text"].strip(), left, left + w, top, top + h, h))
    # Lines are rebuilt from the words' boxes: Tesseract may cut one printed line into blocks.
    return layout.Page(width or 1, height or 1, layout.lines_of(words, box_size=True))
