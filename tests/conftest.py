"""Shared fixtures: small indexes built once, the apps, live servers, a browser.

Two corpora: `index_dir` holds the five shipped complete notices as the parser
reads them (what users see); `rich` holds a few notices written out field by
field below, so facet tests know every category, role, problem type, region,
year and level without depending on what the parser makes of a text. One of
them is full of markup, to check that nothing from a notice runs.

Tests never read ../shared: the notices they need are copied under tests/notices/.
"""

import hashlib
import shutil
import threading
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest

from indexer import writers
from indexer.build import rebuild
from indexer.notice import Contact, Heading, Notice, Paragraph, Region, Stats
from search_core.facets import FACETS
from search_app import create_app

TESTS = Path(__file__).parent
NOTICES = TESTS / "notices"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]

FACET_NAMES = [facet.name for facet in FACETS]
SCRIPT = "<script>alert(1)</script>"
IMG = '"><img src=x onerror=alert(2)>'


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory):
    """The five complete notices, as a data folder."""
    folder = tmp_path_factory.mktemp("data")
    for path in sorted((NOTICES / "complete").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture
def data(tmp_path):
    """The five complete notices, in a folder the test may change."""
    folder = tmp_path / "data"
    folder.mkdir()
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


@contextmanager
def serving(app):
    """Run `app` under waitress, as `notice-search serve` sets it up, on a free loopback port; yield its base URL."""
    from search_app.serving import make_server

    server = make_server(app, "127.0.0.1", 0, 4, app.config["MAX_CONNECTIONS"], app.config["CLIENT_TIMEOUT"])
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        server.close()


@pytest.fixture(scope="session")
def live_server(app):
    """The app under waitress on a free loopback port, for the browser tests."""
    with serving(app) as url:
        yield url


def _p(text, headings=(), category=None, role=None, types=()):
    """A paragraph's fields; `role` is one role or a list of roles, the primary first."""
    roles = [role] if isinstance(role, str) else list(role or [])
    return dict(text=text, headings=list(headings), category=category, role=roles[0] if roles else None,
                roles=roles, problem_types=list(types))


H_ORG, H_PROB = "履行整改主体责任情况", "巡察反馈问题整改落实情况"
H_C1, H_C2, H_C3 = "聚焦党中央决策部署落实方面", "聚焦群众身边腐败问题和不正之风方面", "聚焦基层党组织建设方面"
C1, C2, C3, C4 = "党中央决策部署落实", "群众身边腐败和不正之风", "基层党组织建设", "整改组织推进"
T_EIGHT, T_MONEY, T_STUDY, T_THREE = "中央八项规定精神", "财务与资产管理", "理论学习", "民主集中制与三重一大"

#: (file name, notice fields, headings [(level, marker, text, category)], paragraphs)
RICH = [
    ("2024-长春市二道区文旅局.txt",
     dict(title="中共长春市二道区文旅局党组关于六届区委第四轮巡察整改进展情况的通报",
          issuer="中共长春市二道区文旅局党组", inspector="区委第二巡察组", level="县",
          inspection_start="2024-04-19", inspection_end="2024-07-26", feedback_date="2024-09-11",
          published="2024-12-20", region=Region("吉林省", "长春市", "二道区"), stats=Stats(12, 10, 30, 28),
          contact=Contact("0431-84600000", "wl@example.cn", "长春市二道区吉林大路1号", "130031")),
     [(1, "一、", H_ORG, C4), (1, "二、", H_PROB, None), (2, "（一）", H_C1, C1), (2, "（二）", H_C2, C2)],
     [_p("党组书记负总责，其他分管领导按工作职责分别牵头推进整改。", [H_ORG], C4, "组织推进", [T_STUDY]),
      _p("关于“理论学习中心组学习不到位”的问题。", [H_PROB, H_C1], C1, "问题", [T_STUDY]),
      _p("整改情况：制定理论学习中心组年度学习计划，已完成。", [H_PROB, H_C1], C1, "整改成效", [T_STUDY]),
      _p("关于“违规报销差旅费”的问题。", [H_PROB, H_C2], C2, "问题", [T_EIGHT, T_MONEY]),
      _p("整改情况：已追回多报销的差旅费3200元，修订差旅费管理办法。", [H_PROB, H_C2], C2, ["整改成效", "整改措施"],
         [T_EIGHT, T_MONEY]),
      _p("一是严格执行三重一大集体决策制度；二是规范公务接待。", [H_PROB, H_C2], C2, "整改措施", [T_EIGHT, T_THREE])]),
    ("2023-榆树市文广旅局.txt",
     dict(title="榆树市文广旅局党组关于巡察整改进展情况的通报", issuer="榆树市文广旅局党组",
          inspector="市委第一巡察组", level="市", inspection_start="2023-08-24", inspection_end="2023-10-23",
          published="2024-03-01", region=Region("吉林省", "长春市", "榆树市")),
     [(1, "一、", H_C3, C3)],
     [_p("关于“三会一课制度落实不严格”的问题。", [H_C3], C3, "问题", []),
      _p("整改情况：按月召开支部党员大会，差旅费报销一律经集体审核。", [H_C3], C3, ["整改措施", "问题"], [T_MONEY]),
      _p("关于“固定资产账实不符”的问题。", [H_C3], C3, "问题", [T_MONEY])]),
    ("2022-株洲市天元区文旅广体局.txt",
     dict(title="中共株洲市天元区文化旅游广电体育局党组关于巡察整改进展情况的通报",
          issuer="中共株洲市天元区文化旅游广电体育局党组", inspector="区委第四巡察组", level="县",
          inspection_start="2022-09-01", inspection_end="2022-10-30", published="2023-02-15",
          region=Region("湖南省", "株洲市", "天元区")),
     [(1, "一、", H_C1, C1)],
     [_p("关于“第一议题制度落实不到位”的问题。", [H_C1], C1, "问题", [T_STUDY]),
      _p("整改情况：已将第一议题纳入党组会议必学内容，差旅费问题一并自查。", [H_C1], C1, "整改措施",
         [T_STUDY, T_EIGHT])]),
    ("2023-昭通市昭阳区文联.txt",
     dict(title="中共昭通市昭阳区文联党组关于巡察整改进展情况的通报", issuer="中共昭通市昭阳区文联党组",
          inspector="区委第一巡察组", level="县", inspection_start="2023-03-23", inspection_end="2023-05-11",
          published="2023-12-15", region=Region("云南省", "昭通市", "昭阳区")),
     [],
     [_p("下一步，将持续巩固整改成果，建立长效机制。", [], None, "下一步计划", [])]),
    ("markup.txt",
     dict(title=f"{SCRIPT}关于{IMG}的通报", issuer=f"<b>单位</b>{IMG}", level="县",
          published="2021-06-01", inspection_start="2021-03-01", region=Region("<i>省</i>", None, None)),
     [(1, "一、", f"标题{SCRIPT}", None)],
     [_p(f"差旅费正文{SCRIPT}与{IMG}结束。", [f"标题{SCRIPT}"], C2, "问题", ["<svg onload=alert(3)>"])]),
]

#: A notice whose recorded source lies outside the data folder: its original must not be served.
OUTSIDE = "../outside-secret.txt"


def rich_notices():
    """The rich corpus as (file name, file bytes, Notice); ids are the files' hashes, as the parser's are."""
    files = [(name, "\n".join([fields["title"]] + [p["text"] for p in paragraphs]), fields, headings, paragraphs)
             for name, fields, headings, paragraphs in RICH]
    out = []
    for name, text, fields, headings, paragraphs in files:
        data = text.encode("utf-8")
        notice = Notice(id=hashlib.sha256(data).hexdigest()[:16], source=name, **fields)
        notice.headings = [Heading(level, marker, text, category) for level, marker, text, category in headings]
        notice.paragraphs = [Paragraph(n=i, **p) for i, p in enumerate(paragraphs, 1)]
        out.append((name, data, notice))
    data = "原文在数据目录之外的通报\n这一段只为检查原文链接。".encode("utf-8")
    stray = Notice(id=hashlib.sha256(data).hexdigest()[:16], source=OUTSIDE, title="原文在数据目录之外的通报",
                   paragraphs=[Paragraph(1, "这一段只为检查原文链接。")])
    out.append(("stray.txt", data, stray))
    return out


def rich_values(notice, paragraph, facet):
    """A paragraph's values of `facet`, read straight off the Notice objects."""
    value = {
        "category": paragraph.category, "notice": notice.id, "issuer": notice.issuer,
        "province": notice.region.province,
        "city": notice.region.city, "county": notice.region.county, "level": notice.level,
        "year": str(notice.year) if notice.year else None,
    }.get(facet)
    if facet == "role":
        return list(paragraph.roles) or ([paragraph.role] if paragraph.role else [])
    return list(paragraph.problem_types) if facet == "problem_type" else [value] if value else []


def rich_expected(notices, q, selections, unit="paragraphs"):
    """(total, {facet: Counter}) for a query word and selections, by brute force.

    The counters count matching paragraphs, or with `unit="notices"` the notices that have one.
    """
    def matches(notice, paragraph, skip=None):
        if q and q not in paragraph.text and not any(q in h for h in paragraph.headings):
            return False
        return all(set(rich_values(notice, paragraph, f)) & set(vs) for f, vs in selections.items() if f != skip)

    pairs = [(n, p) for n in notices for p in n.paragraphs]
    total = sum(matches(n, p) for n, p in pairs)
    if unit == "notices":
        counts = {f: Counter(v for v, _ in {(v, n.id) for n, p in pairs if matches(n, p, skip=f)
                                            for v in rich_values(n, p, f)}) for f in FACET_NAMES}
    else:
        counts = {f: Counter(v for n, p in pairs if matches(n, p, skip=f) for v in rich_values(n, p, f))
                  for f in FACET_NAMES}
    return total, counts


@pytest.fixture(scope="session")
def rich(tmp_path_factory):
    """The rich corpus: its notices, data folder and index folder.

    The files are indexed by the real `rebuild`, with the parser's answer for each
    file replaced by the Notice written above.
    """
    root = tmp_path_factory.mktemp("rich")
    data, index = root / "data", root / "index"
    data.mkdir()
    (root / "outside-secret.txt").write_text("不该被读到的文件", encoding="utf-8")
    corpus = rich_notices()
    for name, raw, _ in corpus:
        (data / name).write_bytes(raw)
    by_name = {name: notice for name, _, notice in corpus}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "parse_file", lambda path, root=None: by_name[Path(path).name])
        rebuild(data, index, procs=1)
    return {"notices": [notice for _, _, notice in corpus], "data_dir": data, "index_dir": index}


@pytest.fixture(scope="session")
def rich_app(rich):
    return create_app({"TESTING": True, "DATA_DIR": rich["data_dir"], "INDEX_DIR": rich["index_dir"]})


@pytest.fixture()
def rich_client(rich_app):
    return rich_app.test_client()


@pytest.fixture(scope="session")
def rich_server(rich_app):
    with serving(rich_app) as url:
        yield url


@pytest.fixture()
def no_index_client(tmp_path):
    """An app whose index folder holds no index yet."""
    return create_app({"TESTING": True, "DATA_DIR": tmp_path, "INDEX_DIR": tmp_path / "index"}).test_client()


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
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    yield page
    page.screenshot(path=str(tmp_path / "last.png"), full_page=True)
    context.close()
