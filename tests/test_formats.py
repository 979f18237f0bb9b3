"""Notices as they are published (issue 17): each format fixture parses to what its .txt parses to.

The fixtures (tests/fixtures/formats/, made by make_formats.py from the five
complete notices) are compared with the .txt they were made from by
tests/fixtures/accuracy.py, the script that prints the README's table:
headings (level, marker, text) F1 at least 0.98, paragraphs equal apart from
whitespace; for scans read by OCR, F1 at least 0.90 and 97 % of characters.
"""

import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from indexer.parsing import parse_file
from search_core.embedded.engine import EmbeddedBackend

TESTS = Path(__file__).parent
sys.path.insert(0, str(TESTS / "fixtures"))

import accuracy  # noqa: E402

#: Kinds read by Debian programs: `./dev test` installs them as root; elsewhere their tests are skipped.
NO_WORD97 = pytest.mark.skipif(not (shutil.which("antiword") or shutil.which("catdoc")),
                               reason="antiword and catdoc are not installed (./dev test installs them as root)")
NO_OCR = pytest.mark.skipif(not shutil.which("tesseract"),
                            reason="Tesseract is not installed (./dev test installs it as root)")
EXACT = [pytest.param(*pair, marks=[NO_WORD97] if suffix == ".doc" else [], id=pair[0].name)
         for suffix in (".docx", ".doc", ".pdf", ".html") for pair in accuracy.fixtures(suffix)]
SCANS = accuracy.fixtures(".scan.pdf")
NOTICE_INDEX = [sys.executable, "-m", "indexer.cli"]


def test_every_format_has_a_fixture_of_every_notice():
    for suffix in (".docx", ".doc", ".pdf", ".html"):
        assert len(accuracy.fixtures(suffix)) == 5, suffix
    assert len(SCANS) >= 2
    assert all(path.stat().st_size < 1024 * 1024 for path, _ in SCANS)


@pytest.mark.parametrize("fixture, txt", EXACT)
def test_a_document_parses_to_what_its_text_parses_to(fixture, txt):
    scores = accuracy.compare(fixture, txt)
    assert not scores.ocr
    assert scores.headings_f1 >= 0.98
    assert scores.paragraphs_equal == scores.paragraphs
    assert scores.title_equal


@pytest.fixture(scope="module")
def scan_scores():
    # OCR runs Tesseract as a program: two scans at once use both cores.
    with ThreadPoolExecutor(2) as pool:
        return dict(zip([f.name for f, _ in SCANS], pool.map(lambda pair: accuracy.compare(*pair), SCANS)))


@NO_OCR
@pytest.mark.parametrize("fixture", [f.name for f, _ in SCANS])
def test_a_scan_read_by_ocr_keeps_its_headings_and_nearly_every_character(scan_scores, fixture):
    scores = scan_scores[fixture]
    assert scores.ocr
    assert scores.headings_f1 >= 0.90
    assert scores.characters >= 0.97


def test_the_page_gives_its_date_and_address_and_the_text_its_title():
    notice = parse_file(accuracy.FORMATS / "003_e27e9ae513fad7e5.html")
    assert (notice.title, notice.published, notice.source_url, notice.media_type) == (
        "公主岭市文学艺术界联合会关于巡察整改进展情况的通报", "2024-03-05",
        "http://news.example.gov.cn/xxgk/tzgg/202403/t20240305_3.html", "text/html")
    # A page whose title is only its column and site (通知公告_某某网) gives no title.
    assert parse_file(accuracy.FORMATS / "001_3cbbc2c57dacf04c.html").title is None


def test_a_page_date_wins_over_the_dates_in_the_text():
    txt = parse_file(accuracy.NOTICES / "002_d6dfadf123e246ba.txt")
    page = parse_file(accuracy.FORMATS / "002_d6dfadf123e246ba.html")
    assert txt.published == "2023-06-21" and page.published == "2023-06-21"
    signed_only = parse_file(accuracy.FORMATS / "000_770efd74347c2cb3.html")
    assert signed_only.published == "2024-03-05"


def run(*args):
    return subprocess.run([*NOTICE_INDEX, *map(str, args)], capture_output=True, text=True, timeout=300)


@NO_WORD97
def test_update_notices_a_changed_file_of_every_kind(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for suffix in (".docx", ".doc", ".pdf", ".html"):
        shutil.copy(accuracy.FORMATS / f"000_770efd74347c2cb3{suffix}", data / f"notice{suffix}")
    index = tmp_path / "index"
    assert run("rebuild", "--data", data, "--index", index).returncode == 0
    for suffix in (".docx", ".doc", ".pdf", ".html"):
        shutil.copy(accuracy.FORMATS / f"003_e27e9ae513fad7e5{suffix}", data / f"notice{suffix}")
    result = run("update", "--data", data, "--index", index)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "updated (4 changed)" in result.stdout
    titles = {n["source"]: n["title"] for n in EmbeddedBackend(index).notices()}
    assert set(titles.values()) == {"公主岭市文学艺术界联合会关于巡察整改进展情况的通报"}


def test_the_folder_a_browser_saves_beside_a_page_is_not_read(tmp_path):
    data = tmp_path / "data"
    (data / "通报_files").mkdir(parents=True)
    shutil.copy(accuracy.FORMATS / "002_d6dfadf123e246ba.html", data / "通报.html")
    shutil.copy(accuracy.FORMATS / "004_3285782bd5727c11.html", data / "通报_files" / "frame.html")
    shutil.copy(accuracy.FORMATS / "003_e27e9ae513fad7e5.scan.pdf", data / "通报_files" / "logo.pdf")
    result = run("check", "--data", data)
    assert result.returncode == 0, result.stdout
    assert "checked: 1 notices" in result.stdout
