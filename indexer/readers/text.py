"""The plain-text reader: bytes → text, whatever encoding the notice was saved in.

Notices arrive as UTF-8 (with or without BOM), GB18030/GBK or UTF-16. The cheap,
certain checks run first (byte-order marks, strict UTF-8); the charset detector
is slow, so it is only asked when those fail. `decode` also refuses binary files
by their signature: it is what serves an original as text, and a binary file
never reaches it as a notice (`kinds` sends it to its own reader first).
"""

import charset_normalizer

from ..errors import NoticeError
from .document import Document

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


def read(data, path, deadline):
    """A plain-text notice: its decoded text as it is."""
    return Document(decode(data, path), "text/plain")


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
