"""Bytes on disk → text, whatever encoding the notice was saved in.

Notices arrive as UTF-8 (with or without BOM), GB18030/GBK or UTF-16, and now and
then as a stray image or Word file dropped into the folder. The cheap, certain
checks run first (byte-order marks, strict UTF-8); the charset detector is slow,
so it is only asked when those fail.
"""

import os
import stat

import charset_normalizer

from .. import settings
from ..errors import NoticeError

#: File signatures of binary formats people save next to their notices.
_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF87a", "a GIF image"),
    (b"GIF89a", "a GIF image"),
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive (perhaps a .docx or .xlsx)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an old Office document (.doc/.xls)"),
    (b"{\\rtf", "an RTF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x7fELF", "an executable"),
)

_BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32-le"),
    (b"\x00\x00\xfe\xff", "utf-32-be"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

#: Control bytes that never occur in text (tab, newlines, form feed and ESC aside).
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27))
_SAMPLE = 8192


def max_bytes():
    """Files above this size are refused unread (the MAX_FILE_MB setting).

    The largest real notice is about 25 KB; a file of many megabytes is a log or a
    database dump dropped in the folder, and indexing one costs a minute and
    hundreds of MB of memory per 50 MB.
    """
    return settings.get("MAX_FILE_MB") * 1024 * 1024


def read_notice(path):
    """Return (raw bytes, decoded text) of the file at `path`, or raise NoticeError."""
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
        raise NoticeError(path, f"is {_megabytes(max(size, len(data)))}, larger than the "
                                f"{_megabytes(limit)} a notice may be; split it into notices "
                                "or leave it out of the data folder")
    return data, decode(data, path)


def _megabytes(size):
    return f"{size / 1024 / 1024:.1f} MB"


def decode(data, path="<bytes>"):
    """Decode notice bytes to text with newlines normalised; raise NoticeError if impossible."""
    if not data.strip():
        raise NoticeError(path, "is empty")
    for magic, kind in _MAGIC:
        if data.startswith(magic):
            raise NoticeError(path, f"is {kind}, not a text file")
    text = _decode(data, path)
    text = text.replace("\x00", "").replace("\ufeff", "")
    if not text.strip():
        raise NoticeError(path, "is empty (no text after decoding)")
    return text


def _decode(data, path):
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise NoticeError(path, f"starts with a {encoding} byte-order mark but is not valid {encoding}") from None
    sample = data[:_SAMPLE]
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls:
        wide = _bomless_utf16(data)
        if wide:
            return wide
        if controls > max(8, len(sample) // 10):
            raise NoticeError(path, "contains binary data, not text")
    # NUL bytes cannot be part of a UTF-8 or GB18030 multi-byte character, so
    # dropping them before decoding loses nothing of the text around them.
    data = data.replace(b"\x00", b"")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    best = charset_normalizer.from_bytes(data).best()
    # The detector now and then calls short GBK text UTF-16; believe it only if the result reads as text.
    if best is not None and (not best.encoding.startswith(("utf_16", "utf_32")) or _plausible(str(best))):
        return str(best)
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise NoticeError(path, "is not text in a known encoding (tried UTF-8, UTF-16, GB18030 and detection)") from None


def _bomless_utf16(data):
    """UTF-16 without a byte-order mark: its NUL and control bytes come from ASCII and CJK characters."""
    if len(data) % 2:
        return None
    for encoding in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausible(text):
            return text
    return None


def _plausible(text):
    """Does decoded text read as a notice: ASCII, CJK and their punctuation, nearly all of it?"""
    sample = text[:2000]
    good = sum(1 for c in sample if (" " <= c <= "~") or c in "\t\n\r" or "\u4e00" <= c <= "\u9fff"
               or "\u3000" <= c <= "\u303f" or "\uff00" <= c <= "\uffef" or "\u2010" <= c <= "\u2027")
    return good >= 0.95 * len(sample)
