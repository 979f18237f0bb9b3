"""What a reader gives the parser: the text, and what the file itself says about the notice."""

from dataclasses import dataclass
from typing import Optional


@dataclass
class Document:
    """A file read as a notice.

    `text` holds one title, heading or paragraph per line, as a notice saved as
    plain text does; the parser reads it the same whatever the file was. The
    other fields are what the file records apart from its text: a web page's
    title, publication date and address in its metadata.
    """

    text: str
    media_type: str  # of the original file, e.g. "application/pdf"
    title: Optional[str] = None
    published: Optional[str] = None  # ISO date
    source_url: Optional[str] = None
    ocr: bool = False  # some of the text was read from page images by OCR
