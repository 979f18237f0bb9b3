"""Someone probing the site: hostile markup, expensive or malformed requests, path tricks, writes.

Most tests run on `hostile`, a small index built by the real parser from a notice
whose file name, title, headings and paragraphs are full of markup, plus notices
whose recorded original lies outside the data folder in every way we could think
of. Path tricks are sent byte for byte with http.client to a real waitress server,
because a test client or a browser would normalise them first.
"""

import http.client
import json
import re
import socket
import time
from html import unescape
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from playwright.sync_api import expect

from conftest import serving
from search_app.security import HEADERS, ORIGINAL_CSP
from indexer import writers
from indexer.build import rebuild
from search_app import create_app

SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(1)>'
JS = "javascript:alert(1)"
#: Text of a file outside the data folder: it must never appear in an answer.
SECRET = "机密：数据目录之外的文件"
HOSTILE_NAME = IMG + ".txt"
HOSTILE_TEXT = f"""中共{IMG}区文旅局党组
关于{SCRIPT}巡察整改进展情况的通报

根据区委统一部署，2024年4月19日至7月26日，区委第二巡察组对文旅局党组开展了常规巡察。详见{JS}。
一、 履行整改主体责任{SCRIPT}情况
（一）高度重视统筹推进。党组书记负总责，{IMG}分管领导牵头推进整改。
二、 巡察反馈问题整改落实情况
（一）聚焦{IMG}方面
1.关于“违规报销差旅费{SCRIPT}”的问题。整改情况：已追回差旅费{JS}，按第*条规定处理，是否?到位，约~3000元。
"""
#: Notices whose recorded `source` tries to leave the data folder, by file name; one
#: more, ABSOLUTE, records the secret file's absolute path.
CRAFTED_SOURCES = {"dotdot.txt": "sub/../../secret.txt", "folder.txt": "."}
ABSOLUTE = "absolute.txt"
#: Indexed as ordinary files, then replaced by symlinks to outside the data folder
#: (afterwards, so that the build itself never reads outside).
LINKED = ("link.txt", "linked-dir/notice.txt")

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
       "base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}
JAVASCRIPT_HREF = re.compile(r"""href\s*=\s*["']?\s*javascript:""", re.I)


def short_notice(title):
    return f"{title}\n根据区委统一部署，区委巡察组开展了常规巡察。\n一、 整改落实情况\n已完成整改，建立长效机制。\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """The hostile corpus through the real parser and `rebuild`; sources rewritten where crafted."""
    root = tmp_path_factory.mktemp("hostile")
    data, index, outside = root / "data", root / "index", root / "outside"
    data.mkdir()
    outside.mkdir()
    secret = root / "secret.txt"
    secret.write_text(SECRET, encoding="utf-8")
    (outside / "notice.txt").write_text(SECRET, encoding="utf-8")
    (data / HOSTILE_NAME).write_text(HOSTILE_TEXT, encoding="utf-8")
    sources = {**CRAFTED_SOURCES, ABSOLUTE: str(secret)}
    for number, name in enumerate([*sources, *LINKED]):
        (data / name).parent.mkdir(exist_ok=True)
        (data / name).write_text(short_notice(f"关于第{number}轮巡察整改进展情况的通报"), encoding="utf-8")
    real_parse = writers.parse_file

    def parse(path, root=None):
        notice = real_parse(path, root=root)
        notice.source = sources.get(Path(path).name, notice.source)
        return notice

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "parse_file", parse)
        rebuild(data, index, procs=1)
    (data / "link.txt").unlink()
    (data / "link.txt").symlink_to(secret)
    linked_dir = data / "linked-dir"
    (linked_dir / "notice.txt").unlink()
    linked_dir.rmdir()
    linked_dir.symlink_to(outside, target_is_directory=True)
    app = create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index})
    ids = {n["source"]: n["id"] for n in app.extensions["backend"].notices()}
    return {"app": app, "ids": ids, "secret": secret}


@pytest.fixture()
def hostile_client(hostile):
    return hostile["app"].test_client()


@pytest.fixture(scope="module")
def hostile_server(hostile):
    with serving(hostile["app"]) as url:
        yield url


def raw_get(base_url, path):
    """Send `path` exactly as written (no normalising); return (status, headers, body text)."""
    host, port = base_url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode("utf-8", "replace")
    finally:
        connection.close()


def hostile_notice(hostile):
    return hostile["app"].extensions["backend"].notice(hostile["ids"][HOSTILE_NAME])


# --- response headers -------------------------------------------------------


@pytest.mark.parametrize("url, status", [
    ("/", 200),
    ("/?q=差旅费&sort=newest", 200),
    ("/notices/{id}", 200),
    ("/notices/{id}/source", 200),
    ("/api/search?q=差旅费", 200),
    ("/api/search.csv?q=差旅费", 200),
    ("/api/notices/{id}", 200),
    ("/static/style.css", 200),
    ("/static/app.js", 200),
    ("/?page=0", 400),
    ("/api/search?page=0", 400),
    ("/no/such/page", 404),
    ("/static/no-such-file.css", 404),
])
def test_every_response_carries_the_security_headers(hostile_client, hostile, url, status):
    response = hostile_client.get(url.format(id=hostile["ids"][HOSTILE_NAME]))
    assert response.status_code == status
    expected = dict(SECURITY_HEADERS)
    if url.endswith("/source"):  # an original file: stricter still, a sandbox that runs and loads nothing
        expected["Content-Security-Policy"] = ORIGINAL_CSP
    assert {name: response.headers.get(name) for name in SECURITY_HEADERS} == expected


def test_refused_methods_carry_the_security_headers_too(hostile_client):
    response = hostile_client.post("/")
    assert response.status_code == 405
    assert response.headers["Content-Security-Policy"] == CSP


def test_pages_work_under_the_policy_without_a_single_violation(browser, hostile_server, hostile):
    """Every page, in a phone-sized window so app.js has work to do, reports no CSP violation."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    problems = watch_for_violations(page)
    notice = hostile["ids"][HOSTILE_NAME]
    for path in ("/", "/?q=差旅费&group=1", f"/notices/{notice}?q=差旅费", f"/notices/{notice}/source",
                 "/?page=0", "/no/such/page"):
        page.goto(hostile_server + path)
    page.goto(hostile_server + "/?q=整改")
    # app.js folds the filters on a phone: it ran, from its own file, under the policy.
    expect(page.locator("details.filters")).not_to_have_attribute("open", "")
    assert problems == []
    context.close()


def test_the_policy_is_enforced_and_a_violation_would_be_seen(page, hostile_server):
    problems = watch_for_violations(page)
    page.goto(hostile_server + "/")
    ran = page.evaluate("""() => {
        const s = document.createElement("script");
        s.textContent = "window.inlineRan = true";
        document.body.append(s);
        return window.inlineRan === true;
    }""")
    deadline = time.monotonic() + 5
    while not problems and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # the browser reports the violation after the call returns
    assert ran is False
    assert any("script-src" in p for p in problems)


def watch_for_violations(page):
    """Collect CSP violations (as events and as console messages) and script errors on `page`."""
    problems = []
    page.add_init_script("""document.addEventListener("securitypolicyviolation",
        e => console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI));""")
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" and (
        "Content Security Policy" in m.text or "Refused to" in m.text or "CSP violation" in m.text) else None)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return problems


# --- markup from notices, file names and the address bar ---------------------


def test_the_hostile_notice_kept_its_markup(hostile):
    """The parser keeps markup as text, so the tests below really show it to a browser."""
    notice = hostile_notice(hostile)
    assert notice["source"] == HOSTILE_NAME
    assert SCRIPT in notice["title"]
    assert any(SCRIPT in h["text"] for h in notice["headings"])
    assert any(IMG in h["text"] for h in notice["headings"])
    assert any(JS in p["text"] for p in notice["paragraphs"])
    assert any(IMG in p["text"] for p in notice["paragraphs"])


def test_hostile_notice_is_escaped_on_the_search_and_notice_pages(hostile_client, hostile):
    notice = hostile_notice(hostile)
    results = hostile_client.get("/?q=差旅费").get_data(as_text=True)
    page = hostile_client.get(f"/notices/{notice['id']}?q=" + quote(SCRIPT)).get_data(as_text=True)
    for html in (results, page):
        assert "<script>alert" not in html and "<img src=x" not in html
        assert not JAVASCRIPT_HREF.search(html)
        assert notice["title"] in shown_text(html)
    for text in [HOSTILE_NAME] + [h["text"] for h in notice["headings"]] + [p["text"] for p in notice["paragraphs"]]:
        assert text in shown_text(page)
    assert f'href="/notices/{notice["id"]}/source"' in page, "the original is linked by id, never by file name"


def shown_text(html):
    """What a reader sees of `html`: the tags dropped, the entities decoded."""
    return unescape(re.sub(r"<[^>]*>", "", html))


def test_no_page_links_to_javascript(hostile_client, hostile):
    notice = hostile["ids"][HOSTILE_NAME]
    for url in ("/", "/?q=" + quote(JS), f"/?problem_type={quote(JS)}", f"/notices/{notice}?q={quote(JS)}",
                "/?q=" + quote(JS) + "&page=0"):
        html = hostile_client.get(url).get_data(as_text=True)
        assert not JAVASCRIPT_HREF.search(html), url


def test_markup_runs_nowhere_in_a_real_browser(page, hostile_server, hostile):
    notice = hostile_notice(hostile)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(hostile_server + "/?q=" + quote("差旅费"))
    hit = page.locator("li.hit", has_text="已追回")
    expect(hit.locator("a.title")).to_have_text(notice["title"])
    expect(hit.locator(".text")).to_contain_text(JS)
    hit.locator("a.title").click()
    expect(page.locator("h1")).to_have_text(notice["title"])
    expect(page.locator(".meta-panel")).to_contain_text(HOSTILE_NAME)
    for heading in notice["headings"]:
        expect(page.locator("nav.outline")).to_contain_text(heading["text"])
    page.locator(".meta-panel a", has_text=HOSTILE_NAME).click()
    expect(page.locator("body")).to_contain_text(SCRIPT)
    # Facet values the index does not hold are ignored and named, as text, in a note.
    page.goto(hostile_server + "/?" + urlencode([("province", SCRIPT), ("category", IMG), ("problem_type", JS)]))
    notes = page.locator(".notes li")
    expect(notes).to_have_count(3)
    for value in (SCRIPT, IMG, JS):
        expect(page.locator(".notes")).to_contain_text(value)
    expect(page.locator(".chip-value")).to_have_count(0)
    expect(page.get_by_label("检索词")).to_have_value("")
    assert page.locator('a[href^="javascript:" i], img, svg, iframe, script:not([src])').count() == 0
    assert dialogs == []


# --- query limits -------------------------------------------------------------


@pytest.mark.parametrize("q, expected", [
    ("第*条", 1), ("是否?", 1), ("约~3000", 1), ("*", 1), ("?", 1), ("~", 1),
    ("差*", 0), ("差旅?", 0), ("差旅费~2", 0), ("整*改", 0), ("*改", 0),
])
def test_wildcard_and_fuzzy_characters_are_literal(hostile_client, hostile, q, expected):
    """`*`, `?` and `~` are characters to find, never operators that expand into many words."""
    engine = hostile["app"].extensions["backend"]
    containing = sum(q in p["text"] or any(q in h for h in p["headings"])
                     for n in engine.notices() for p in engine.notice(n["id"])["paragraphs"])
    body = hostile_client.get("/api/search?per_page=100&q=" + quote(q)).get_json()
    assert (body["exact"], containing) == (expected, expected)
    exact = [hit for hit in body["hits"] if hit["match"] == "exact"]
    assert all(q in hit["text"] or any(q in h for h in hit["headings"]) for hit in exact)
    # What else comes back holds a word of the query, never a word the sign would stand for.
    words = [w for w in re.split(r"[*?~\d]+", q) if len(w) > 1]
    partial = [hit for hit in body["hits"] if hit["match"] == "partial"]
    assert all(any(w in hit["text"] or any(w in h for h in hit["headings"]) for w in words) for hit in partial)


#: Allowed by every limit but as costly as a query may be: the most and commonest terms,
#: the longest phrase, many ORs; and requests stuffed with parameters.
COSTLY = [
    "q=" + quote(" ".join(["的"] * 16)),
    "q=" + quote(" OR ".join("的了是在和有不这为中一人我整改作")),
    "q=" + quote(" ".join(["整改"] * 16)),
    "q=" + quote('"' + "整改" * 99 + '"'),
    "q=" + quote('"' + " ".join("的" * 99) + '"'),
    "q=" + quote("的" * 200),
    "q=" + quote("-的 " * 16),
    "q=" + quote("的" * 100) + "&sort=newest&group=1&per_page=100",
    urlencode([("province", "吉林省")] * 500),
    urlencode([(f"x{i}", "y" * 5) for i in range(1000)]),
    "q=" + quote("差旅费") + "&" + urlencode([("notice", f"{i:016x}") for i in range(50)]),
]


@pytest.mark.parametrize("path", ["/", "/api/search"])
@pytest.mark.parametrize("params", COSTLY)
def test_a_costly_request_answers_well_under_a_second(client, path, params):
    started = time.perf_counter()
    response = client.get(f"{path}?{params}")
    assert time.perf_counter() - started < 1.0
    assert response.status_code == 200


@pytest.mark.parametrize("params, words", [
    ("q=" + quote("的" * 201), "查询过长"),
    ("q=" + quote(" ".join("的" * 17)), "查询词过多"),
    (urlencode([("notice", f"{i:016x}") for i in range(51)]), "筛选条件过多：一次最多选 50 项"),
    (urlencode([("province", f"省{i}") for i in range(500)]), "筛选条件过多"),
    (urlencode([("province", "省" * 101)]), "参数 province 的值过长"),
    ("page=501", "页码"),
])
def test_a_request_over_a_limit_is_refused_at_once(client, params, words):
    for path in ("/", "/api/search", "/api/search.csv"):
        started = time.perf_counter()
        response = client.get(f"{path}?{params}")
        assert time.perf_counter() - started < 0.5
        assert response.status_code == 400
        assert words in response.get_data(as_text=True)


def test_values_at_the_limits_are_still_answered(client):
    assert client.get("/api/search?" + urlencode([("notice", f"{i:016x}") for i in range(50)])).status_code == 200
    assert client.get("/api/search?" + urlencode([("province", "省" * 100)])).status_code == 200


@pytest.mark.parametrize("params", [
    "page=" + "9" * 5000, "page=1.5", "page=-1", "page=%00", "page=", "per_page=-1", "per_page=1e9",
    "per_page=" + "9" * 30, "sort=%00", "sort=" + quote(SCRIPT), "q=%00", "q=%ED%A0%80", "q=a&q=b",
    "province=%00", "group=" + quote(SCRIPT), "notice=../../etc/passwd", "q=" + quote("标题:" * 50),
    "q=" + quote('"' * 200), "q=" + quote("OR " * 60), "q=" + quote("-" * 200), "colour=red&size=" + "x" * 5000,
])
def test_malformed_values_get_a_400_or_a_clamp_never_a_500(client, params):
    for path in ("/", "/api/search", "/api/search.csv", "/notices/0123456789abcdef"):
        response = client.get(f"{path}?{params}")
        assert response.status_code in (200, 400, 404), (path, params)
        if response.status_code == 400 and path.startswith("/api/"):
            assert list(response.get_json()) == ["ok", "error", "status"]


def test_an_oversized_request_line_is_refused_by_the_server(live_server):
    status, headers, body = raw_get(live_server, "/api/search?x=" + "a" * 300_000)
    assert status == 431 and "请求头过大" in body and "max_header" not in body
    assert all(headers.get(name) == value for name, value in HEADERS.items())


def raw_request(base_url, data):
    """Send raw bytes; return (status, headers, body text) of the answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(data)
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers, body.decode("utf-8", "replace")


@pytest.mark.parametrize("path, json_shape", [("/api/search?q=a", True), ("/?q=a", False)])
def test_a_request_waitress_cannot_read_is_answered_in_the_apps_shape(live_server, path, json_shape):
    request = f"GET {path} HTTP/1.1\r\nHost: x\r\nContent-Length: many\r\n\r\n".encode()
    status, headers, body = raw_request(live_server, request)
    assert status == 400
    assert all(headers.get(name) == value for name, value in HEADERS.items())
    if json_shape:
        assert json.loads(body) == {"ok": False, "error": "请求格式有误，服务器无法读取；请检查地址。", "status": 400}
    else:
        assert "请求格式有误" in body and "generated by" not in body


def test_a_redirect_never_points_at_the_host_a_client_names(live_server):
    host, port = live_server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=10)
    try:
        connection.request("GET", "/api//search?q=a", headers={"Host": "evil.example"})
        response = connection.getresponse()
        assert "evil.example" not in (response.getheader("Location") or "")
        assert response.status in (400, 404)
    finally:
        connection.close()


# --- paths ------------------------------------------------------------------


@pytest.mark.parametrize("path", [
    "/notices/..%2F..%2Fetc%2Fpasswd",
    "/notices/../../etc/passwd",
    "/notices/..%2F..%2Fetc%2Fpasswd/source",
    "/notices/..%2Fsecret.txt/source",
    "/notices/%2Fetc%2Fpasswd/source",
    "/notices/..%5C..%5Csecret.txt/source",
    "/notices/x%00/source",
    "/notices/%00/source",
    "/notices/..%252F..%252Fsecret.txt/source",
    "/api/notices/..%2F..%2Fetc%2Fpasswd",
    "/static/../__init__.py",
    "/static/..%2F__init__.py",
    "/static/%2e%2e/%2e%2e/indexer/settings.py",
    "/static/..%5C__init__.py",
    "/static/style.css%00.py",
    "/static/%2Fetc%2Fpasswd",
    "/static//etc/passwd",
])
def test_path_tricks_reach_nothing_outside(hostile_server, path):
    status, headers, body = raw_get(hostile_server, path)
    if status == 308:  # a doubled slash is merged: follow it once
        status, headers, body = raw_get(hostile_server, headers["Location"].removeprefix(hostile_server))
    assert status == 404
    for leaked in (SECRET, "root:x:0", "create_app", "SETTINGS"):
        assert leaked not in body


@pytest.mark.parametrize("source", [ABSOLUTE, *CRAFTED_SOURCES, *LINKED])
def test_an_original_outside_the_data_folder_is_refused(hostile_client, hostile, source):
    recorded = hostile["secret"] if source == ABSOLUTE else CRAFTED_SOURCES.get(source, source)
    response = hostile_client.get(f"/notices/{hostile['ids'][str(recorded)]}/source")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert "不在数据目录中" in page and SECRET not in page


def test_an_original_inside_the_data_folder_is_served(hostile_client, hostile):
    response = hostile_client.get(f"/notices/{hostile['ids'][HOSTILE_NAME]}/source")
    assert response.status_code == 200
    assert response.get_data(as_text=True) == HOSTILE_TEXT
    assert response.content_type == "text/plain; charset=utf-8"


# --- read-only, no debug ------------------------------------------------------

ROUTES = ["/", "/api/compare", "/api/compare.csv", "/api/copies", "/api/more/<notice_id>/<int:n>",
          "/api/notices/<notice_id>", "/api/search", "/api/search.atom", "/api/search.csv",
          "/api/similar/<notice_id>/<int:n>", "/api/stats", "/api/suggest", "/compare", "/copies", "/favicon.ico",
          "/more/<notice_id>/<int:n>", "/notices/<notice_id>", "/notices/<notice_id>/source",
          "/similar/<notice_id>/<int:n>", "/static/<path:filename>", "/stats"]


def route_urls(app):
    notice = app.extensions["backend"].notices()[0]["id"]
    return [rule.replace("<notice_id>", notice).replace("<path:filename>", "style.css").replace("<int:n>", "2")
            for rule in ROUTES]


def test_every_route_only_reads(app):
    """A new route fails this test on purpose: check that it writes nothing and shows no config."""
    assert sorted(rule.rule for rule in app.url_map.iter_rules()) == ROUTES
    for rule in app.url_map.iter_rules():
        assert rule.methods <= {"GET", "HEAD", "OPTIONS"}, rule.rule


@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_writing_methods_are_refused_in_the_error_shape(app, client, method):
    for url in route_urls(app):
        response = client.open(url, method=method)
        assert response.status_code == 405, url
        if url.startswith("/api/"):
            assert response.get_json() == {"ok": False, "error": "这个地址不接受这种请求方式。", "status": 405}
        else:
            assert "这个地址不接受这种请求方式。" in response.get_data(as_text=True)


def test_no_page_shows_the_configuration(app, client, data_dir, index_dir):
    for url in route_urls(app):
        for extra in ("", "?debug=1&config=1&env=1"):
            body = client.get(url + extra).get_data().decode("utf-8", "replace")  # the favicon is binary
            for secret in (str(data_dir), str(index_dir), "NOTICE_SEARCH_", "INDEX_DIR", "SECRET_KEY"):
                assert secret not in body, url


def test_serve_never_runs_in_debug(monkeypatch, index_dir, data_dir, capsys):
    """Even with FLASK_DEBUG=1 the served app is not in debug, and a crash shows no traceback."""
    from search_app import cli, serving

    served = {}

    class NotRun:
        effective_port = 8765

        def run(self):
            pass

    def make_server(app, host, port, *options):
        served.update(app=app, port=port)
        return NotRun()

    monkeypatch.setenv("FLASK_DEBUG", "1")
    monkeypatch.setattr(serving, "make_server", make_server)
    assert cli.main(["serve", "--index", str(index_dir), "--port", "8765"]) == 0
    app = served["app"]
    assert app.debug is False and served["port"] == 8765

    def broken(request):
        raise RuntimeError(f"{data_dir} exploded")

    monkeypatch.setattr(app.extensions["backend"], "search", broken)
    response = app.test_client().get("/?q=差旅费")
    page = response.get_data(as_text=True)
    assert response.status_code == 500 and "服务器内部出错" in page
    for leaked in ("Traceback", "RuntimeError", "exploded", str(data_dir)):
        assert leaked not in page
