"""A notice's original file as the site serves it: text inline, every other kind as a download that never
runs on this origin; the notice page names where the notice was published and says when OCR read it."""

import shutil
from pathlib import Path

import pytest

from indexer.build import rebuild
from search_app import create_app
from search_app.security import ORIGINAL_CSP

FORMATS = Path(__file__).parent / "fixtures" / "formats"
COMPLETE = Path(__file__).parent / "notices" / "complete"
NO_OCR = pytest.mark.skipif(not shutil.which("tesseract"),
                            reason="Tesseract is not installed (./dev test installs it as root)")
FILES = {"page.html": FORMATS / "003_e27e9ae513fad7e5.html", "word.docx": FORMATS / "000_770efd74347c2cb3.docx",
         "print.pdf": FORMATS / "002_d6dfadf123e246ba.pdf", "plain.txt": COMPLETE / "001_3cbbc2c57dacf04c.txt"}
SCAN = FORMATS / "000_770efd74347c2cb3.scan.pdf"


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    root = tmp_path_factory.mktemp("originals")
    data, index = root / "data", root / "index"
    data.mkdir()
    for name, path in FILES.items():
        shutil.copy(path, data / name)
    if shutil.which("tesseract"):
        shutil.copy(SCAN, data / "scan.pdf")
    rebuild(data, index)
    return create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index}).test_client()


def notice_of(client, source):
    for value in client.get("/api/search?per_page=1").get_json()["facets"]["notice"]["values"]:
        notice = client.get(f"/api/notices/{value['value']}").get_json()
        if notice["source"] == source:
            return notice
    raise AssertionError(f"{source} is not indexed")


@pytest.mark.parametrize("source, media_type", [
    ("page.html", "text/html"), ("print.pdf", "application/pdf"),
    ("word.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_an_original_that_is_not_text_is_a_download_of_its_own_bytes(client, source, media_type):
    notice = notice_of(client, source)
    assert notice["media_type"] == media_type
    response = client.get(f"/notices/{notice['id']}/source")
    assert response.status_code == 200
    assert response.mimetype == media_type
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert source in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    # Were a browser to render it anyway, a sandboxed page without scripts or subresources.
    assert response.headers["Content-Security-Policy"] == ORIGINAL_CSP
    assert response.get_data() == FILES[source].read_bytes()


def test_a_text_original_is_shown_as_decoded_text(client):
    notice = notice_of(client, "plain.txt")
    response = client.get(f"/notices/{notice['id']}/source")
    assert response.content_type == "text/plain; charset=utf-8"
    assert "Content-Disposition" not in response.headers
    assert response.get_data(as_text=True).replace("\r\n", "\n").strip() == \
        FILES["plain.txt"].read_text(encoding="utf-8").replace("\r\n", "\n").strip()


def test_the_notice_page_links_the_page_it_was_published_on(client):
    notice = notice_of(client, "page.html")
    page = client.get(f"/notices/{notice['id']}").get_data(as_text=True)
    assert notice["source_url"].startswith("http")
    assert f'<a class="source-url" href="{notice["source_url"]}" rel="noopener noreferrer nofollow">' in page
    assert "（网页，下载）" in page and "OCR" not in page


@NO_OCR
def test_the_notice_page_says_when_ocr_read_the_text(client):
    notice = notice_of(client, "scan.pdf")
    assert notice["ocr"] is True
    page = client.get(f"/notices/{notice['id']}").get_data(as_text=True)
    assert "由扫描图片识别（OCR）" in page and "（PDF，下载）" in page
