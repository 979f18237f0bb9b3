"""Bad input (issue 7): one data folder holding the good notices and every kind of bad file at once.

The real `notice-index rebuild` runs on it as a subprocess: it must skip exactly the
files that are not notices, each named with its reason, index everything else, and
exit with status 2. Then each kind of file goes through `parse_file` on its own.

Unreadable files and root: tests run as root here, and root reads a chmod 000 file.
So the rebuild subprocess runs under `setpriv` without CAP_DAC_OVERRIDE and
CAP_DAC_READ_SEARCH, which makes root obey file permissions like anyone else. A
second unreadable file fails for everybody: a link to /proc/self/mem, whose
first page is never mapped, so reading it gives EIO.
"""

import io
import os
import re
import shutil
import struct
import subprocess
import sys
import time
import zipfile
import zlib
from pathlib import Path

import pytest

from indexer.errors import NoticeError, ToolMissing
from indexer.parsing import parse_file
from indexer.readers import max_bytes
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
COMPLETE = sorted((TESTS / "notices" / "complete").glob("*.txt"))
NOTICE_INDEX = [sys.executable, "-m", "indexer.cli"]
SETPRIV = shutil.which("setpriv")
AS_ROOT = os.geteuid() == 0
#: Without these capabilities root is refused what file permissions refuse.
NO_DAC = "-dac_override,-dac_read_search"
WEIRD_NAME = "a;b&c|d $(touch PWNED) `id` 'q' \"dq\" *?<>.txt"
CN = "一二三四五六七八九十"


def notice(word, body=""):
    """A small notice whose one paragraph holds `word`, a word no shipped notice contains."""
    return (f"中共某县文旅局党组关于巡察整改进展情况的通报\n\n"
            f"根据县委统一部署，县委第二巡察组对县文旅局党组开展了常规巡察。\n\n"
            f"一、整改落实情况\n\n整改措施：专项清理{word}问题，完成１２项。\n{body}")


def png():
    """A real 1×1 PNG image."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00")) + chunk(b"IEND", b""))


def many_headings():
    """Ten chapters of ten sections of thirty numbered items: 3,110 headings."""
    parts = ["中共某县审计局党组关于巡察整改进展情况的通报", "根据县委统一部署，县委第三巡察组开展了巡察。"]
    for a in range(10):
        parts.append(f"{CN[a]}、第{a + 1}方面的问题")
        for b in range(10):
            parts.append(f"（{CN[b]}）第{a + 1}-{b + 1}类问题")
            for c in range(1, 31):
                parts += [f"{c}.关于问题{a}-{b}-{c}的整改", f"整改情况：已完成问题{a}{b}{c}的整改。"]
    parts.append("整改情况：千条标题末尾词。")
    return "\n".join(parts) + "\n"


def deeply_nested():
    """Every marker scheme, nested in a chain thousands deep, on lines and run together."""
    markers = ["一、", "（一）", "1.", "（1）", "①", "A.", "(a)", "i.", "第一条", "1)"]
    lines = ["关于巡察整改进展情况的通报"]
    lines += [markers[i % len(markers)] + f"第{i}层的整改" for i in range(3000)]
    lines += ["一、（一）1.（1）①" * 2000 + "整改", "整改情况：深层嵌套末尾词。"]
    return "\n".join(lines) + "\n"


#: name -> (bytes, a word to search for); the words appear in no other file.
def good_files():
    text = COMPLETE[2].read_text(encoding="utf-8").replace("\xa0", " ")  # GBK has no no-break space
    nul = notice("空字节之间").encode("utf-8")
    return {
        "gb18030.txt": ((text + notice("国标扩展㐀䶵")).encode("gb18030"), "国标扩展"),
        "gbk.txt": ((text + notice("汉字内码扩展")).encode("gbk"), "汉字内码扩展"),
        "utf16.txt": (notice("双字节编码").encode("utf-16"), "双字节编码"),
        "utf8bom.txt": (notice("字节顺序标记").encode("utf-8-sig"), "字节顺序标记"),
        "nul.txt": (b"\x00" + nul[:60] + b"\x00\x00" + nul[60:] + b"\x00", "空字节之间"),
        "one-line.txt": (("关于巡察整改进展情况的通报\n整改情况：" + "已完成相关工作，" * 43_700
                          + "超长单行末尾词。\n").encode("utf-8"), "超长单行末尾词"),
        "no-headings.txt": (("县文旅局党组整改工作总结\n\n今年以来我们持续推进整改。\n\n"
                             "无标题段落专用词已经写入制度。\n").encode("utf-8"), "无标题段落专用词"),
        "headings.txt": (many_headings().encode("utf-8"), "千条标题末尾词"),
        "nested.txt": (deeply_nested().encode("utf-8"), "深层嵌套末尾词"),
        "名单 有 空格.txt": (notice("空格文件名").encode("utf-8"), "空格文件名"),
        WEIRD_NAME: (notice("元字符文件名").encode("utf-8"), "元字符文件名"),
        "sub/子目录.txt": (notice("子目录里的").encode("utf-8"), "子目录里的"),
    }


def huge():
    """50 MB of real paragraphs."""
    block = b"".join(path.read_bytes() for path in COMPLETE)
    return block * (50 * 1024 * 1024 // len(block) + 1)


TOO_BIG = (f"is 50.0 MB, larger than the {max_bytes() / 1024 / 1024:.1f} MB a notice may be; "
           "split it into notices or leave it out of the data folder")


@pytest.fixture(scope="module")
def bad_data(tmp_path_factory):
    """(data folder, {skipped source: reason}, {source: searchable word}) with everything at once."""
    root = tmp_path_factory.mktemp("bad")
    data = root / "data"
    (data / "sub").mkdir(parents=True)
    for path in COMPLETE:
        shutil.copy(path, data / path.name)
    words = {}
    for name, (raw, word) in good_files().items():
        (data / name).write_bytes(raw)
        words[name] = word
    (data / "empty.txt").write_bytes(b"")
    (data / "image.txt").write_bytes(png())
    (data / "huge.txt").write_bytes(huge())
    (data / "副本 copy.txt").write_bytes(COMPLETE[0].read_bytes())
    (data / "mem.txt").symlink_to("/proc/self/mem")
    (data / "sub" / "back").symlink_to("..")  # a loop: sub/back/sub/back/…
    skipped = {
        "empty.txt": "is empty",
        "image.txt": "is an image in which OCR found no Chinese text to index",
        "huge.txt": TOO_BIG,
        "副本 copy.txt": f"same content as {COMPLETE[0].name}, which is indexed instead",
        "mem.txt": "is a link to /proc/self/mem, outside the data folder; copy the file into the folder to index it",
    }
    if not AS_ROOT or SETPRIV:
        locked = data / "locked.txt"
        locked.write_bytes(notice("不可读文件").encode("utf-8"))
        locked.chmod(0)
        skipped["locked.txt"] = "cannot be read (Permission denied)"
    return data, skipped, {**{p.name: None for p in COMPLETE}, **words}


def run(*args, cwd=PROJECT):
    """`notice-index ARGS` as a subprocess; as root, without the capabilities that bypass permissions."""
    command = [*NOTICE_INDEX, *map(str, args)]
    if AS_ROOT and SETPRIV:
        command = [SETPRIV, f"--inh-caps={NO_DAC}", f"--bounding-set={NO_DAC}", *command]
    return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=120)


def reported(output):
    """{source: reason} of the `skipped` lines of a report."""
    return dict(re.findall(r"^notice-index: skipped (.+?): (.+)$", output, re.M))


@pytest.fixture(scope="module")
def rebuilt(bad_data, tmp_path_factory):
    data, _skipped, _words = bad_data
    index = tmp_path_factory.mktemp("bad-index") / "index"
    started = time.monotonic()
    result = run("rebuild", "--data", data, "--index", index, cwd=data)
    return result, index, time.monotonic() - started


def test_rebuild_skips_each_bad_file_with_its_reason_and_exits_2(bad_data, rebuilt):
    _data, skipped, words = bad_data
    result, _index, seconds = rebuilt
    assert result.returncode == 2, result.stderr
    assert reported(result.stdout) == skipped
    assert f"{len(words)} notices" in result.stdout
    assert seconds < 40
    assert "Traceback" not in result.stderr


def test_every_good_and_decodable_file_is_indexed_once(bad_data, rebuilt):
    _data, _skipped, words = bad_data
    _result, index, _seconds = rebuilt
    engine = EmbeddedBackend(index)
    sources = sorted(n["source"] for n in engine.notices())
    assert sources == sorted(words)


@pytest.mark.parametrize("name", sorted(good_files()))
def test_a_word_of_each_decodable_file_finds_it(bad_data, rebuilt, name):
    word = bad_data[2][name]
    engine = EmbeddedBackend(rebuilt[1])
    hits = engine.search(SearchRequest(q=word, per_page=50)).hits
    found = {engine.notice(hit.notice_id)["source"] for hit in hits if word in hit.text}
    assert found == {name}
    assert not any("\x00" in hit.text or "\ufffd" in hit.text for hit in hits)


def test_encodings_are_decoded_exactly(bad_data, rebuilt):
    engine = EmbeddedBackend(rebuilt[1])
    texts = {engine.notice(hit.notice_id)["source"]: hit.text
             for word in ("国标扩展", "汉字内码扩展", "双字节编码", "字节顺序标记", "空字节之间")
             for hit in engine.search(SearchRequest(q=word)).hits if word in hit.text}
    assert texts == {
        "gb18030.txt": "整改措施：专项清理国标扩展㐀䶵问题，完成１２项。",
        "gbk.txt": "整改措施：专项清理汉字内码扩展问题，完成１２项。",
        "utf16.txt": "整改措施：专项清理双字节编码问题，完成１２项。",
        "utf8bom.txt": "整改措施：专项清理字节顺序标记问题，完成１２项。",
        "nul.txt": "整改措施：专项清理空字节之间问题，完成１２项。",
    }


def test_the_structure_of_odd_notices_survives(rebuilt):
    engine = EmbeddedBackend(rebuilt[1])
    by_source = {n["source"]: engine.notice(n["id"]) for n in engine.notices()}
    assert len(by_source["headings.txt"]["headings"]) == 3110
    assert len(by_source["one-line.txt"]["paragraphs"]) == 1
    assert by_source["no-headings.txt"]["headings"] == []
    assert by_source["nested.txt"]["paragraphs"]


def test_names_with_shell_metacharacters_run_nothing(bad_data, rebuilt):
    data = bad_data[0]
    assert not (data / "PWNED").exists() and not (PROJECT / "PWNED").exists()
    assert WEIRD_NAME in {n["source"] for n in EmbeddedBackend(rebuilt[1]).notices()}


def test_check_reports_the_same_files_and_indexes_nothing(bad_data, tmp_path):
    data, skipped, words = bad_data
    result = run("check", "--data", data, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert reported(result.stdout) == skipped
    assert f"checked: {len(words)} notices" in result.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_a_data_folder_that_does_not_exist_changes_nothing(tmp_path):
    result = run("rebuild", "--data", tmp_path / "nowhere", "--index", tmp_path / "index")
    assert result.returncode == 1
    assert result.stderr == (f"notice-index: rebuild failed, nothing changed: Data folder {tmp_path / 'nowhere'} "
                             "does not exist or is not a folder; give another with --data or NOTICE_SEARCH_DATA.\n")
    # The index folder is claimed (created and marked) before the data folder is looked at; no index is made.
    assert not (tmp_path / "index" / "current").exists()


def test_a_self_looping_symlink_is_reported_and_the_rest_indexed(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(COMPLETE[0], data)
    (data / "loop.txt").symlink_to("loop.txt")
    result = run("rebuild", "--data", data, "--index", tmp_path / "index")
    assert (result.returncode, reported(result.stdout)) == \
        (2, {"loop.txt": "cannot be read (Too many levels of symbolic links)"})


def test_a_named_pipe_is_reported_not_waited_on(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(COMPLETE[0], data)
    os.mkfifo(data / "pipe.txt")
    result = run("rebuild", "--data", data, "--index", tmp_path / "index")
    assert (result.returncode, reported(result.stdout)) == \
        (2, {"pipe.txt": "is not a regular file (perhaps a named pipe or a device)"})


# parse_file, one kind of file at a time

@pytest.mark.parametrize("name, raw, reason", [
    ("empty.txt", b"", "is empty"),
    ("blank.txt", b" \r\n\t\n", "is empty"),
    ("image.txt", png(), "is an image in which OCR found no Chinese text to index"),
    ("binary.txt", bytes(range(256)) * 64, "contains binary data, not text"),
])
def test_parse_file_refuses_what_is_not_a_notice(tmp_path, name, raw, reason):
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(NoticeError) as info:
        parse_file(path)
    assert (info.value.reason, str(info.value)) == (reason, f"{path}: {reason}")


@pytest.mark.parametrize("name", sorted(good_files()))
def test_parse_file_reads_each_decodable_kind(tmp_path, name):
    raw, word = good_files()[name]
    path = tmp_path / Path(name).name
    path.write_bytes(raw)
    parsed = parse_file(path)
    assert [p.text for p in parsed.paragraphs if word in p.text]
    assert parsed.source == path.name


def test_parse_file_refuses_a_file_above_the_size_limit_quickly(tmp_path):
    path = tmp_path / "huge.txt"
    path.write_bytes(huge())
    started = time.monotonic()
    with pytest.raises(NoticeError) as info:
        parse_file(path)
    assert info.value.reason == TOO_BIG
    assert time.monotonic() - started < 2


def test_parse_file_reads_a_file_just_under_the_size_limit(tmp_path):
    path = tmp_path / "big.txt"
    block = COMPLETE[2].read_bytes()
    path.write_bytes(block * (max_bytes() // len(block)))
    assert parse_file(path).paragraphs


@pytest.mark.skipif(AS_ROOT, reason="root reads a chmod 000 file; the rebuild test covers it under setpriv, "
                                    "and test_parse_file_names_a_file_that_fails_to_read covers root")
def test_parse_file_names_an_unreadable_file(tmp_path):
    path = tmp_path / "locked.txt"
    path.write_bytes(notice("不可读文件").encode("utf-8"))
    path.chmod(0)
    with pytest.raises(NoticeError, match=re.escape(f"{path}: cannot be read (Permission denied)")):
        parse_file(path)


def test_parse_file_names_a_file_that_fails_to_read(tmp_path):
    path = tmp_path / "mem.txt"
    path.symlink_to("/proc/self/mem")  # fails for root too: reading its offset 0 gives EIO
    with pytest.raises(NoticeError, match=re.escape(f"{path}: cannot be read (Input/output error)")):
        parse_file(path)


def test_parse_file_does_not_wait_on_a_named_pipe(tmp_path):
    path = tmp_path / "fifo.txt"
    os.mkfifo(path)
    with pytest.raises(NoticeError, match=re.escape(f"{path}: is not a regular file")):
        parse_file(path)


def test_parse_file_names_a_folder_and_a_symlink_loop(tmp_path):
    (tmp_path / "folder.txt").mkdir()
    (tmp_path / "loop.txt").symlink_to("loop.txt")
    with pytest.raises(NoticeError, match="folder.txt: is a folder, not a file"):
        parse_file(tmp_path / "folder.txt")
    with pytest.raises(NoticeError, match=re.escape("loop.txt: cannot be read (Too many levels of symbolic links)")):
        parse_file(tmp_path / "loop.txt")


# --- what the data folder may hold (a hostile pass, round two) -----------------------------------


@pytest.fixture
def folder_with_links(tmp_path):
    """Two real notices, and names that lead out of the data folder in every way a folder can."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(notice("不该被索引的秘密"), encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    for path in COMPLETE[:2]:
        shutil.copy(path, data / path.name)
    (data / "environ.txt").symlink_to("/proc/self/environ")
    (data / "passwd.txt").symlink_to("/etc/passwd")
    (data / "secret.txt").symlink_to(outside / "secret.txt")
    (data / "elsewhere").symlink_to(outside)
    os.link(outside / "secret.txt", data / "hardlinked.txt")
    (data / "inside.txt").symlink_to(data / COMPLETE[0].name)  # inside: read, then a duplicate
    return data


def test_names_that_lead_out_of_the_data_folder_are_skipped_and_reported(folder_with_links, tmp_path):
    index = tmp_path / "index"
    result = run("rebuild", "--data", folder_with_links, "--index", index)
    assert result.returncode == 2, result.stderr
    skipped = reported(result.stdout)
    assert skipped["environ.txt"].startswith("is a link to /proc/self/environ, outside the data folder")
    assert skipped["passwd.txt"].startswith("is a link to /etc/passwd, outside the data folder")
    assert skipped["secret.txt"].startswith(f"is a link to {tmp_path / 'outside' / 'secret.txt'}, outside")
    assert skipped["elsewhere/"].startswith(f"is a link to the folder {tmp_path / 'outside'}, outside")
    assert skipped["hardlinked.txt"].startswith("has 2 hard links")
    assert skipped["inside.txt"].startswith("same content as")
    assert "2 notices" in result.stdout
    backend = EmbeddedBackend(index)
    for word in ("不该被索引的秘密", "PATH=", "root:x:0"):
        result = backend.search(SearchRequest(q=f'"{word}"'))
        assert result.exact == 0 and not any(word in hit.text for hit in result.hits)


def test_check_and_update_skip_them_too(folder_with_links, tmp_path):
    checked = run("check", "--data", folder_with_links)
    assert checked.returncode == 2 and "environ.txt" in reported(checked.stdout)
    index = tmp_path / "index"
    run("rebuild", "--data", folder_with_links, "--index", index)
    updated = run("update", "--data", folder_with_links, "--index", index)
    assert updated.returncode == 2 and "passwd.txt" in reported(updated.stdout)


GBK_NAME = "巡察整改通报（第一轮）.txt".encode("gbk")


def test_a_name_that_is_not_utf8_is_indexed_and_its_original_served(tmp_path):
    data, index = tmp_path / "data", tmp_path / "index"
    data.mkdir()
    shutil.copy(COMPLETE[0], data / COMPLETE[0].name)
    with open(os.fsencode(data) + b"/" + GBK_NAME, "wb") as out:
        out.write(notice("编码为国标的文件名").encode("utf-8"))
    for command in ("rebuild", "update"):
        result = run(command, "--data", data, "--index", index)
        assert result.returncode == 0, result.stderr
    backend = EmbeddedBackend(index)
    (hit,) = backend.search(SearchRequest(q="编码为国标的文件名")).hits
    record = backend.notice(hit.notice_id)
    assert record["source"] == "巡察整改通报（第一轮）.txt" and bytes.fromhex(record["source_raw"]) == GBK_NAME
    from search_app import create_app

    client = create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index}).test_client()
    original = client.get(f"/notices/{hit.notice_id}/source")
    assert original.status_code == 200 and "编码为国标的文件名" in original.get_data(as_text=True)


# Bad files of every kind the readers read (issue 17): each skipped with its reason, the rest indexed

FORMATS = TESTS / "fixtures" / "formats"
BAD = TESTS / "fixtures" / "bad"
SITE_CHROME = ('<div class="nav"><a href="/">首页</a> <a href="/xxgk/">政务公开</a> <a href="/tzgg/">通知公告</a></div>'
               '<div class="footer">主办单位：某某市人民政府办公室　版权所有</div>')


def zip_bytes(parts):
    """A ZIP archive of {name: bytes}, deflated."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def docx_parts():
    with zipfile.ZipFile(FORMATS / "000_770efd74347c2cb3.docx") as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def zip_bomb():
    """A Word file's parts with a document.xml of 150 MB of spaces: about 150 KB packed."""
    return zip_bytes({**docx_parts(), "word/document.xml": b" " * (150 * 1024 * 1024)})


def pages_pdf(count):
    """A valid PDF of `count` empty pages."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Count %d /Kids [%s] >>" % (count, b" ".join(b"%d 0 R" % (i + 3) for i in range(count)))]
    objects += [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"] * count
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def bad_kinds():
    """name -> (bytes, the reason a rebuild gives for skipping it)."""
    docx = (FORMATS / "000_770efd74347c2cb3.docx").read_bytes()
    pdf = (FORMATS / "004_3285782bd5727c11.pdf").read_bytes()
    return {
        "cut short.docx": (docx[:len(docx) // 2], "is a damaged or incomplete Word file (File is not a zip file); "
                                                  "it may have been cut short while downloading: download it again"),
        "garbled.docx": (zip_bytes({**docx_parts(), "word/document.xml": b"<w:document><w:body><w:p>"}),
                         "is a damaged Word file (a part of it is not well-formed XML); open it in Word and save it "
                         "again, or download it again"),
        "bomb.docx": (zip_bomb(), "is a Word file that would unpack to 151 MB in 19 parts, more than the 100 MB a "
                                  "notice may (perhaps a ZIP bomb); it was not unpacked"),
        "cut short.pdf": (pdf[:len(pdf) * 3 // 5], "is a PDF that was cut short (it has no end-of-file marker); "
                                                   "download it again"),
        "garbled.pdf": (b"%PDF-1.7\n" + bytes(range(256)) * 40 + b"\n%%EOF\n",
                        "is a damaged PDF (No /Root object! - Is this really a PDF?); open it and save it again, "
                        "or download it again"),
        "encrypted.pdf": ((BAD / "encrypted.pdf").read_bytes(),
                          "is a password-protected PDF; save a copy without the password to index it"),
        "5000 pages.pdf": (pages_pdf(5000), "is a PDF of 5,000 pages, more than the 200 a notice may have "
                                            "(NOTICE_SEARCH_MAX_PDF_PAGES); split it, or raise the limit"),
        "no body.html": (b"<!DOCTYPE html><html><head><title>x</title></head><body></body></html>",
                         "is a web page with no article text (only the site's navigation, or nothing); save the page "
                         "again once it has loaded, or save its text as .txt"),
        "only chrome.html": (f"<html><head><meta charset='utf-8'><title>通知公告</title></head><body>{SITE_CHROME}"
                             "</body></html>".encode(),
                             "is a web page with no article text (only the site's navigation, or nothing); save the page "
                             "again once it has loaded, or save its text as .txt"),
    }


#: The rebuild of every kind needs the Debian programs `./dev test` installs as root.
NO_PROGRAMS = pytest.mark.skipif(not (shutil.which("antiword") and shutil.which("tesseract")),
                                 reason="antiword or Tesseract is not installed (./dev test installs them as root)")
GOOD_KINDS = {"公主岭.docx": FORMATS / "003_e27e9ae513fad7e5.docx", "榆树.doc": FORMATS / "001_3cbbc2c57dacf04c.doc",
              "二道.pdf": FORMATS / "000_770efd74347c2cb3.pdf", "株洲.html": FORMATS / "002_d6dfadf123e246ba.html",
              "公主岭 扫描.pdf": FORMATS / "003_e27e9ae513fad7e5.scan.pdf"}


@pytest.fixture(scope="module")
def bad_formats(tmp_path_factory):
    """A data folder with the five notices, one good file of each kind and one bad file of each kind, rebuilt."""
    root = tmp_path_factory.mktemp("bad-formats")
    data = root / "data"
    data.mkdir()
    for path in COMPLETE:
        shutil.copy(path, data / path.name)
    for name, path in GOOD_KINDS.items():
        shutil.copy(path, data / name)
    skipped = {}
    for name, (raw, reason) in bad_kinds().items():
        (data / name).write_bytes(raw)
        skipped[name] = reason
    result = run("rebuild", "--data", data, "--index", root / "index", cwd=data)
    return result, root / "index", skipped


@NO_PROGRAMS
def test_rebuild_skips_each_bad_file_of_every_kind_and_indexes_the_rest(bad_formats):
    result, index, skipped = bad_formats
    assert result.returncode == 2, result.stderr
    assert reported(result.stdout) == skipped
    assert "Traceback" not in result.stderr
    engine = EmbeddedBackend(index)
    sources = {n["source"]: n for n in engine.notices()}
    assert sorted(sources) == sorted([p.name for p in COMPLETE] + list(GOOD_KINDS))
    media = {name: engine.notice(sources[name]["id"])["media_type"] for name in GOOD_KINDS}
    assert media == {"公主岭.docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "榆树.doc": "application/msword", "二道.pdf": "application/pdf", "株洲.html": "text/html",
                     "公主岭 扫描.pdf": "application/pdf"}


@NO_PROGRAMS
def test_the_report_names_the_files_read_by_ocr(bad_formats):
    result, _index, _skipped = bad_formats
    ocr = re.findall(r"^notice-index: read by OCR (.+?): its text may hold misread characters$", result.stdout, re.M)
    assert ocr == ["公主岭 扫描.pdf"]


@pytest.mark.parametrize("name", sorted(bad_kinds()))
def test_parse_file_names_each_bad_file_and_its_reason(tmp_path, name):
    raw, reason = bad_kinds()[name]
    path = tmp_path / name
    path.write_bytes(raw)
    with pytest.raises(NoticeError) as info:
        parse_file(path)
    assert str(info.value) == f"{path}: {reason}"


@pytest.mark.parametrize("fixture, reason", [
    ("001_3cbbc2c57dacf04c.doc", "is a Word 97–2003 document (.doc); reading it needs antiword or catdoc, which is not "
                                 "installed here: install the Debian packages antiword catdoc (`./dev run` does so "
                                 "when run as root)"),
    ("003_e27e9ae513fad7e5.scan.pdf", "is a scanned PDF (5 of its pages are images); reading it needs OCR (Tesseract "
                                      "with its Chinese model), which is not installed here: install the Debian "
                                      "packages tesseract-ocr tesseract-ocr-chi-sim (`./dev run` does so when run as "
                                      "root)"),
])
def test_a_kind_whose_program_is_not_installed_is_skipped_with_what_to_install(tmp_path, monkeypatch, fixture, reason):
    monkeypatch.setenv("PATH", str(tmp_path))  # no antiword, catdoc or tesseract on it
    with pytest.raises(ToolMissing) as info:
        parse_file(FORMATS / fixture)
    assert info.value.reason == reason


@NO_PROGRAMS
def test_a_file_that_takes_longer_than_the_limit_is_skipped(monkeypatch):
    monkeypatch.setenv("NOTICE_SEARCH_READ_SECONDS", "1")
    started = time.monotonic()
    with pytest.raises(NoticeError) as info:
        parse_file(FORMATS / "003_e27e9ae513fad7e5.scan.pdf")
    assert info.value.reason == ("took more than 1 seconds to read, the most one file may take "
                                 "(NOTICE_SEARCH_READ_SECONDS); raise it or split the file")
    assert time.monotonic() - started < 4
