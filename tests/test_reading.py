"""Bytes on disk → text: encodings, binary files, empty files, and parse_file's errors."""

import hashlib
from pathlib import Path

import pytest

from indexer.errors import NoticeError
from indexer.parsing import parse_file
from indexer.readers.text import decode

NOTICE = Path(__file__).parent / "notices" / "complete" / "002_d6dfadf123e246ba.txt"
TEXT = NOTICE.read_text(encoding="utf-8").replace("\xa0", " ")  # GBK has no no-break space
SHORT = "根据区委统一部署，区委第二巡察组对文旅局党组开展了常规巡察。"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_decodes_every_supported_encoding(encoding):
    assert decode(TEXT.encode(encoding)) == TEXT


@pytest.mark.parametrize("encoding", ["gbk", "utf-16-le"])
def test_decodes_short_text(encoding):
    assert decode(SHORT.encode(encoding)) == SHORT


def test_strips_nul_bytes_inside_text():
    data = SHORT.encode("utf-8")
    assert decode(data[:9] + b"\x00" + data[9:] + b"\x00") == SHORT


@pytest.mark.parametrize("data, reason", [
    (b"", "is empty"),
    (b"  \n\r\n\t ", "is empty"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "is a PNG image, not a text file"),
    (b"%PDF-1.7\n" + bytes(200), "is a PDF document, not a text file"),
    (b"PK\x03\x04" + bytes(100), "is a ZIP archive (perhaps a .docx or .xlsx), not a text file"),
    (bytes(range(32)) * 20, "contains binary data, not text"),
    (b"\xef\xbb\xbf", "is empty (no text after decoding)"),
])
def test_refuses_what_is_not_text(data, reason):
    with pytest.raises(NoticeError) as info:
        decode(data, "x.txt")
    assert info.value.reason == reason
    assert str(info.value) == f"x.txt: {reason}"


def test_undecodable_bytes_name_the_file():
    with pytest.raises(NoticeError) as info:
        decode(b"\xfe\xff\xd8\x00", "bad.txt")
    assert info.value.path == "bad.txt"
    assert "not valid utf-16-be" in info.value.reason


def test_parse_file_id_and_source(tmp_path):
    folder = tmp_path / "2023"
    folder.mkdir()
    path = folder / "notice.txt"
    data = TEXT.encode("gb18030")
    path.write_bytes(data)
    notice = parse_file(path, root=tmp_path)
    assert notice.id == hashlib.sha256(data).hexdigest()[:16]
    assert notice.source == "2023/notice.txt"
    assert parse_file(path).source == "notice.txt"
    assert notice.inspector == "区委第四巡察组"


def test_parse_file_errors_name_the_file(tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(NoticeError, match="missing.txt: cannot be read"):
        parse_file(missing)
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(NoticeError, match="empty.txt: is empty"):
        parse_file(empty)
    with pytest.raises(NoticeError, match="is a folder"):
        parse_file(tmp_path)
