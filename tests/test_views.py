"""The HTML pages through Flask's test client: what they show, where they link, what they escape."""

import re
from html import unescape
from urllib.parse import parse_qsl, quote, urlsplit

import pytest
from flask import render_template

from conftest import C2, IMG, OUTSIDE, SCRIPT, T_EIGHT, T_MONEY

#: Markup from the rich corpus's markup notice (and from queries) that must never reach a page raw.
RAW = ("<script>alert", "<img src=x", "<svg onload", "<b>单位", "<i>省")


def html(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    assert response.content_type == "text/html; charset=utf-8"
    return response.get_data(as_text=True)


def hrefs(page, css_class):
    return [unescape(h) for h in re.findall(rf'<a class="{css_class}" href="([^"]*)"', page)]


def args(url):
    return parse_qsl(urlsplit(url).query)


def notice_id(rich, title_start):
    return next(n.id for n in rich["notices"] if (n.title or "").startswith(title_start))


# --- the search page --------------------------------------------------------


def test_search_page_shows_hits_with_highlights_and_counts(client):
    page = html(client, "/?q=差旅费")
    total = client.get("/api/search?q=差旅费").get_json()["total"]
    assert '<html lang="zh-CN">' in page
    assert '<label for="q">检索词</label>' in page
    assert f'共 <strong id="total">{total}</strong> 段' in page
    assert page.count('<li class="hit') == total
    assert "<mark>差旅费</mark>" in page
    assert re.search(r'<p class="hint" id="syntax">空格分隔的词须同时出现', page)


def test_hits_show_breadcrumb_tags_and_notice_details(rich_client):
    page = html(rich_client, "/?q=追回多报销")
    hit = page.split('<li class="hit')[1]
    assert ">中共长春市二道区文旅局党组关于六届区委第四轮巡察整改进展情况的通报</a>" in hit
    assert re.search(r"<span>巡察反馈问题整改落实情况</span>.*›.*<span>聚焦群众身边腐败问题和不正之风方面</span>", hit)
    tags = re.findall(r'<li class="tag tag-(\w+)" title="[^"]+">([^<]+)</li>', hit)
    assert tags == [("category", C2), ("role", "整改成效"), ("type", T_EIGHT), ("type", T_MONEY)]
    for shown in ("中共长春市二道区文旅局党组", "吉林省长春市", "2024-12-20", "原文第 5 段"):
        assert shown in hit


def test_selected_values_become_chips_that_remove_them(rich_client):
    page = html(rich_client, f"/?q=差旅费&problem_type={T_EIGHT}&problem_type={T_MONEY}&province=吉林省&page=1")
    chips = re.findall(r'<span class="chip-facet">([^<]+)</span><span class="chip-value">([^<]+)</span>', page)
    assert sorted(chips) == sorted([("问题类型", T_EIGHT), ("问题类型", T_MONEY), ("省份", "吉林省")])
    removals = [args(h) for h in hrefs(page, "chip")]
    for (facet, value), removal in zip(chips, removals):
        name = {"问题类型": "problem_type", "省份": "province"}[facet]
        assert (name, value) not in removal and ("q", "差旅费") in removal
        assert len(removal) == 3
    assert hrefs(page, "clear") == [f"/?q={quote('差旅费')}"]


def test_facet_values_are_links_marked_when_selected(rich_client):
    page = html(rich_client, "/?province=吉林省")
    selected = re.findall(r'<a class="facet-value selected" href="([^"]*)"', page)
    assert [args(unescape(h)) for h in selected] == [[]]
    assert "（已选，再点取消）" in page
    province = page.split('aria-labelledby="facet-province"')[1].split("</section>")[0]
    assert re.findall(r'<span class="value-label">([^<]+)</span>', province)[0] == "吉林省"


def test_search_box_keeps_the_filters_for_the_next_query(rich_client):
    page = html(rich_client, f"/?q=差旅费&problem_type={T_EIGHT}&sort=newest&group=1")
    form = page.split('<form class="search"')[1].split("</form>")[0]
    hidden = re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)">', form)
    assert hidden == [("problem_type", T_EIGHT), ("sort", "newest"), ("group", "1")]


def test_long_facets_show_ten_then_the_rest_behind_more(rich_app):
    values = [{"value": f"v{i}", "label": f"值{i}", "count": 20 - i, "selected": i == 12,
               "toggle_url": f"/?x=v{i}"} for i in range(13)]
    facets = {"year": {"label": "年份", "values": values, "truncated": True}}
    with rich_app.test_request_context("/"):
        page = render_template("_facets.html", data={"facets": facets}, facet_shown=10)
    shown, more = page.split("<details")
    assert re.findall(r'<span class="value-label">([^<]+)</span>', shown) == [f"值{i}" for i in range(10)]
    assert "<summary>更多（3）</summary>" in more
    assert re.findall(r'<span class="value-label">([^<]+)</span>', more) == ["值10", "值11", "值12"]
    assert '<a class="facet-value selected" href="/?x=v12"' in more
    assert "只列出段落最多的 13 项" in page


def test_sort_links_and_pager_carry_the_state(client):
    page = html(client, "/?q=整改&sort=oldest&page=2")
    assert re.search(r'<a href="[^"]*sort=oldest[^"]*" aria-current="true" class="current">最早</a>', page)
    newest = [unescape(h) for h in re.findall(r'<a href="([^"]*)"[^>]*>最新</a>', page)]
    assert [dict(args(h)) for h in newest] == [{"q": "整改", "sort": "newest"}]
    current = re.findall(r'<a class="current" href="([^"]*)" aria-current="page">(\d+)</a>', page)
    assert [c[1] for c in current] == ["2"]
    prev = dict(args(unescape(re.search(r'<a class="prev" href="([^"]*)"', page)[1])))
    assert prev == {"q": "整改", "sort": "oldest"}


def test_grouping_shows_how_many_more_each_notice_has(client):
    flat = client.get("/api/search?q=整改&per_page=100").get_json()
    page = html(client, "/?q=整改&group=1")
    mores = [int(n) for n in re.findall(r"本通报另有 (\d+) 段", page)]
    assert sum(mores) + page.count('<li class="hit" ') == flat["total"]
    assert re.search(r'<a class="switch on" href="[^"]*">按通报归并<span class="visually-hidden">（已开启', page)


def test_an_odd_query_shows_how_it_was_read(client):
    page = html(client, '/?q="差旅费 OR')
    assert "已按 <code>&#34;差旅费 OR&#34;</code> 检索" in page
    assert "引号未配对" in page


def test_empty_result_suggests_what_to_do(rich_client):
    page = html(rich_client, "/?q=不存在的词语&province=吉林省")
    assert "没有找到符合条件的段落" in page and "清除全部筛选" in page


# --- escaping ---------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/?q=差旅费",
    "/",
    "/?q=" + quote(SCRIPT),
    "/?q=" + quote(IMG),
    "/?problem_type=" + quote("<svg onload=alert(3)>"),
    "/?sort=" + quote(SCRIPT),
])
def test_markup_from_notices_and_queries_is_shown_as_text(rich_client, url):
    response = rich_client.get(url)
    page = response.get_data(as_text=True)
    for raw in RAW:
        assert raw not in page
    assert response.status_code in (200, 400)


def test_markup_notice_reads_as_text_on_every_page(rich_client, rich):
    markup = notice_id(rich, SCRIPT)
    results = html(rich_client, "/?q=差旅费正文")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;关于&#34;&gt;&lt;img src=x onerror=alert(2)&gt;的通报" in results
    assert "<mark>差旅费正文</mark>&lt;script&gt;alert(1)&lt;/script&gt;" in results
    notice = html(rich_client, f"/notices/{markup}?q=" + quote(SCRIPT))
    for raw in RAW:
        assert raw not in notice
    assert "<title>&lt;script&gt;alert(1)&lt;/script&gt;" in notice
    assert "<mark>&lt;script&gt;alert(1)&lt;/script&gt;</mark>" in notice
    missing = html(rich_client, "/notices/" + quote('"><img src=x onerror=alert(1)>'), 404)
    assert "<img src=x" not in missing and "&lt;img src=x onerror=alert(1)&gt;" in missing


# --- the notice page --------------------------------------------------------


def test_notice_page_has_metadata_outline_and_anchored_paragraphs(rich_client, rich):
    notice = rich["notices"][0]
    page = html(rich_client, f"/notices/{notice.id}")
    assert f"<h1>{notice.title}</h1>" in page
    meta = dict(re.findall(r"<dt>([^<]+)</dt><dd>(.*?)</dd>", page))
    assert meta["巡察组"] == "区委第二巡察组"
    assert meta["巡察时间"] == "2024-04-19 至 2024-07-26"
    assert meta["地区"] == "吉林省 · 长春市 · 二道区"
    assert meta["反馈问题"] == "12 个，已完成 10 个"
    assert meta["电话"] == "0431-84600000"
    assert f'href="/notices/{notice.id}/source"' in meta["原文"]
    assert re.findall(r'<div class="para" id="p(\d+)">', page) == [str(p.n) for p in notice.paragraphs]
    outline = page.split('<nav class="outline"')[1].split("</nav>")[0]
    targets = re.findall(r'<a href="#(h\d+)">(?:<span class="marker">[^<]*</span>)?([^<]+)</a>', outline)
    assert [t for _, t in targets] == [h.text for h in notice.headings]
    for anchor, _ in targets:
        assert f'id="{anchor}"' in page
    assert outline.count("<ol>") == 2, "second-level headings nest inside the first level"
    assert "← 检索全部通报" in page


def test_headings_come_before_their_first_paragraph(rich_client, rich):
    notice = rich["notices"][0]
    page = html(rich_client, f"/notices/{notice.id}")
    order = re.findall(r'id="(h\d+|p\d+)"', page.split('<article class="document">')[1])
    assert order == ["h1", "p1", "h2", "h3", "p2", "p3", "h4", "p4", "p5", "p6"]


def test_arriving_from_a_search_highlights_and_leads_back(rich_client, rich):
    results = html(rich_client, "/?q=差旅费&province=吉林省&sort=newest")
    link = unescape(re.search(r'<a class="title" href="([^"]*)"', results)[1])
    page = html(rich_client, link)
    assert "<mark>差旅费</mark>" in page
    back = unescape(re.search(r'<a href="([^"]*)">← 返回检索结果</a>', page)[1])
    assert dict(args(back)) == {"q": "差旅费", "province": "吉林省", "sort": "newest"}
    assert urlsplit(back).path == "/"


def test_original_text_is_served_as_plain_text(rich_client, rich):
    notice = rich["notices"][1]
    response = rich_client.get(f"/notices/{notice.id}/source")
    assert response.status_code == 200
    assert response.content_type == "text/plain; charset=utf-8"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.get_data() == (rich["data_dir"] / notice.source).read_bytes()


def test_original_outside_the_data_folder_is_refused(rich_client, rich):
    stray = next(n for n in rich["notices"] if n.source == OUTSIDE)
    page = html(rich_client, f"/notices/{stray.id}/source", 404)
    assert "不在数据目录中" in page and "不该被读到" not in page


# --- error pages ------------------------------------------------------------


def test_unknown_notice_and_page_are_404_pages(client):
    assert "没有编号为 0123456789abcdef 的通报" in html(client, "/notices/0123456789abcdef", 404)
    page = html(client, "/no/such/page", 404)
    assert "没有这个页面" in page and '<form class="search"' in page


def test_bad_parameters_are_400_pages_that_keep_the_query(client):
    page = html(client, "/?q=差旅费&page=0", 400)
    assert "页码须在 1 到" in page and 'value="差旅费"' in page


def test_no_index_is_a_503_page(no_index_client):
    page = html(no_index_client, "/?q=差旅费", 503)
    assert "notice-index rebuild" in page


def test_browsing_without_words_says_it_lists_newest_first(client):
    page = html(client, "/")
    assert re.findall(r'aria-current="true" class="current">(\w+)</a>', page) == ["最新"]


@pytest.mark.parametrize("url", ["/?q=整改", "/api/search?q=整改", "/stats?q=整改"])
def test_pages_and_json_are_sent_compressed(client, url):
    import gzip

    plain = client.get(url)
    packed = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    timeless = lambda data: re.sub(rb'(took_ms":|\xe7\x94\xa8\xe6\x97\xb6 )[0-9.]+', b"", data)  # 用时 differs
    assert timeless(gzip.decompress(packed.get_data())) == timeless(plain.get_data())
    assert len(packed.get_data()) * 3 < len(plain.get_data())


def test_static_files_are_compressed_for_browsers_and_the_csv_never(client):
    import brotli

    style = client.get("/static/style.css", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert style.headers["Content-Encoding"] == "br"
    assert brotli.decompress(style.get_data()) == client.get("/static/style.css").get_data()
    export = client.get("/api/search.csv?q=整改", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert "Content-Encoding" not in export.headers  # handed to the server as a file, as it was written


def test_the_favicon_is_there(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.mimetype == "image/vnd.microsoft.icon"
    assert icon.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    page = html(client, "/")
    assert 'rel="icon" href="/static/favicon.svg"' in page


def test_generated_notices_are_labelled_as_such_on_every_page(tmp_path, data_dir, client):
    import shutil

    from indexer.build import rebuild
    from indexer.datafiles import GENERATED
    from search_app import create_app

    data = tmp_path / "data"
    shutil.copytree(data_dir, data)
    (data / GENERATED).write_text("generated by bench/corpus.py", encoding="utf-8")
    rebuild(data, tmp_path / "index")
    demo = create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": tmp_path / "index"}).test_client()
    notice = demo.get("/api/search").get_json()["hits"][0]["notice_id"]
    for url in ("/", "/?q=整改", f"/notices/{notice}", "/stats?q=整改", "/compare?q=整改"):
        assert "演示数据" in html(demo, url), url
        assert "演示数据" not in html(client, url.replace(notice, client.get("/api/search").get_json()["hits"][0]["notice_id"]))
