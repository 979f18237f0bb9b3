"""A notice's original text file, decoded the way the parser read it."""

from indexer.errors import NoticeError

try:
    from indexer.readers.text import decode
except ImportError:  # a parser without its own reader: serve the bytes as they are
    decode = None


def read_original(path):
    """Return (text, "utf-8") when the file decodes as the parser would, else (bytes, None)."""
    data = path.read_bytes()
    if decode is not None:
        try:
            return decode(data, path), "utf-8"
        except NoticeError:
            pass
    return data, None
