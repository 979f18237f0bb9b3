"""Files as notices are published → the text the parser reads, and what the file says about the notice.

A notice arrives as plain text, a web page saved from the browser, a Word file
(.docx, or Word 97's .doc), a PDF with a text layer, or a scan (a PDF of page
images, or an image). `read` checks the file is one to read, lets `kinds`
choose the reader from its first bytes and its name, and returns the bytes
(the notice's id is their hash) and a `Document`: the text, one title, heading
or paragraph per line, and the title, date and address the file records. Each
reader is a module with `read(data, path, deadline) -> Document`, imported when
the first file of its kind comes, so a folder of text files never loads the
PDF or Word libraries. The parser never learns which kind a file was.
"""

import importlib
import os
import stat

from .. import settings
from ..errors import NoticeError
from .document import Document  # noqa: F401
from .kinds import NAMED, SUFFIXES, Refused, kind_of  # noqa: F401
from .tools import Deadline


def max_bytes():
    """Files above this size are refused unread (the MAX_FILE_MB setting).

    The largest real notice is about 25 KB as text and a few MB as a scan; a
    file of many megabytes is a log or a database dump dropped in the folder,
    and indexing one costs a minute and hundreds of MB of memory per 50 MB.
    """
    return settings.get("MAX_FILE_MB") * 1024 * 1024


def read(path):
    """(raw bytes, Document) of the notice file at `path`; raise NoticeError naming it and the reason."""
    data = read_bytes(path)
    try:
        kind = kind_of(data, os.path.basename(path))
    except Refused as exc:
        raise NoticeError(path, str(exc)) from None
    reader = importlib.import_module(f"{__name__}.{kind.reader}")
    document = reader.read(data, path, Deadline(path))
    document.media_type = kind.media_type
    if not document.text.strip():
        raise NoticeError(path, "holds no text")
    return data, document


def read_bytes(path):
    """The bytes of a regular file no larger than the limit, or NoticeError."""
    try:
        mode = os.stat(path).st_mode
        if stat.S_ISDIR(mode):
            raise NoticeError(path, "is a folder, not a file")
        # Opening a named pipe would wait for a writer forever, reading a device might never end.
        if not stat.S_ISREG(mode):
            raise NoticeError(path, "is not a regular file (perhaps a named pipe or a device)")
        # Read one byte past the limit rather than trust the size: the file may be growing.
        limit = max_bytes()
        with open(path, "rb") as file:
            data = file.read(limit + 1)
            size = os.fstat(file.fileno()).st_size
    except OSError as exc:
        raise NoticeError(path, f"cannot be read ({exc.strerror or exc})") from None
    if len(data) > limit:
        raise NoticeError(path, f"is {megabytes(max(size, len(data)))}, larger than the "
                                f"{megabytes(limit)} a notice may be; split it into notices "
                                "or leave it out of the data folder")
    return data


def megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"
