"""A notice's original file, served so that nothing in it can run on this site.

A text file is shown as the parser read it (decoded, as UTF-8 plain text). Any
other kind (a web page, Word, PDF, a scan) is sent as a download under its own
media type: a browser never renders it on this origin, so a web page's scripts
or a PDF's links cannot act as the site.
"""

from indexer.errors import NoticeError
from indexer.readers.text import decode

TEXT = "text/plain"


def read_original(path, media_type=TEXT):
    """(body, content type, inline?) of the original file at `path`, of the kind the parser found."""
    data = path.read_bytes()
    if (media_type or TEXT) == TEXT:
        try:
            return decode(data, path), "text/plain; charset=utf-8", True
        except NoticeError:
            return data, "text/plain", True
    return data, media_type, False
