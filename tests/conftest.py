"""Shared fixtures: a small index built once from the shipped notices, the app, a live server, a browser.

Tests never read ../shared: the notices they need are copied under tests/notices/.
"""

import shutil
import threading
from pathlib import Path

import pytest

from indexer.build import rebuild
from search_app import create_app

TESTS = Path(__file__).parent
NOTICES = TESTS / "notices"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The five complete notices, as a data folder."""
    folder = tmp_path_factory.mktemp("data")
    for path in sorted((NOTICES / "complete").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="session")
def index_dir(data_dir, tmp_path_factory):
    folder = tmp_path_factory.mktemp("index")
    rebuild(data_dir, folder)
    return folder


@pytest.fixture(scope="session")
def app(data_dir, index_dir):
    return create_app({"TESTING": True, "DATA_DIR": data_dir, "INDEX_DIR": index_dir})


@pytest.fixture()
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(app):
    """The app under waitress on a free loopback port, for the browser tests."""
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.effective_port}"
    server.close()


@pytest.fixture(scope="session")
def browser():
    """Debian's chromium driven by Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture()
def page(browser, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()
