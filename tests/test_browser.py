"""What a person sees and does in a real browser (Debian's chromium through Playwright).

Flows on the shipped notices (`live_server`) and on the rich corpus
(`rich_server`), whose facet values are known; expected counts come from the
API (itself checked against independent counts in test_api.py) or from the
rich corpus's Notice objects.
"""

import csv
import io
import re

from playwright.sync_api import expect

from conftest import IMG, SCRIPT, T_EIGHT, T_MONEY, rich_expected


def total_shown(page):
    return int(page.locator("#total").inner_text())


def facet(page, name):
    return page.locator(f'.facet[data-facet="{name}"]')


def facet_link(page, name, label):
    exact = page.locator(".value-label", has_text=re.compile(f"^{re.escape(label)}$"))
    return facet(page, name).locator("a.facet-value", has=exact)


def shown_counts(page, name):
    """{label: count} as the facet shows them, the hidden 更多 part included."""
    counts = {}
    for link in facet(page, name).locator("a.facet-value").all():
        label = link.locator(".value-label").text_content()
        counts[label] = int(re.match(r"\d+", link.locator(".count").text_content())[0])
    return counts


def test_search_shows_highlighted_hits_and_the_total(page, live_server, tmp_path):
    page.goto(live_server + "/")
    page.get_by_label("检索词").fill("差旅费")
    page.get_by_role("button", name="检索").click()
    expect(page).to_have_url(re.compile(r"\?q=%E5%B7%AE%E6%97%85%E8%B4%B9$"))
    body = page.request.get(live_server + "/api/search?q=差旅费").json()
    hits = page.locator("li.hit")
    expect(hits).to_have_count(body["total"])
    assert total_shown(page) == body["total"]
    expect(page.locator("li.hit:not(.partial)")).to_have_count(body["exact"])
    marks = page.locator("li.hit mark").all_inner_texts()
    assert marks and set(marks) <= {"差旅费", "差旅"}
    for hit in page.locator("li.hit:not(.partial)").all():
        assert "差旅费" in hit.inner_text()
    for hit in page.locator("li.hit.partial").all():
        assert "差旅" in hit.inner_text() and "部分匹配" in hit.inner_text()
    expect(page.locator(".took")).to_contain_text(re.compile(r"用时 [\d.]+ 毫秒"))
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)


def test_two_values_of_one_facet_and_one_of_another(page, rich_server, rich, tmp_path):
    notices = rich["notices"]
    page.goto(rich_server + "/?q=差旅费")
    steps = [("problem_type", T_EIGHT), ("problem_type", T_MONEY), ("province", "吉林省")]
    selections = {}
    for name, value in steps:
        facet_link(page, name, value).click()
        selections.setdefault(name, []).append(value)
        total, counts = rich_expected(notices, "差旅费", selections)
        expect(page.locator("#total")).to_have_text(str(total))
        expect(page.locator("a.chip")).to_have_count(sum(len(v) for v in selections.values()))
        for facet_name in ("problem_type", "province", "role"):
            assert shown_counts(page, facet_name) == {k: v for k, v in counts[facet_name].items()}, facet_name
    # A second value of one facet widens (OR); the other facet narrows (AND).
    hits = page.locator("li.hit")
    expect(hits).to_have_count(3)
    for hit in hits.all():
        tags = hit.locator(".tag-type").all_inner_texts()
        assert {T_EIGHT, T_MONEY} & set(tags)
        assert "吉林省" in hit.locator(".meta").inner_text()
    expect(facet_link(page, "problem_type", T_EIGHT)).to_have_class(re.compile("selected"))
    page.screenshot(path=str(tmp_path / "facets.png"), full_page=True)

    page.locator("a.chip", has_text=T_EIGHT).click()
    expect(page.locator("a.chip")).to_have_count(2)
    total, _ = rich_expected(notices, "差旅费", {"problem_type": [T_MONEY], "province": ["吉林省"]})
    expect(page.locator("#total")).to_have_text(str(total))
    expect(facet_link(page, "problem_type", T_EIGHT)).not_to_have_class(re.compile("selected"))

    page.go_back()
    expect(page.locator("a.chip")).to_have_count(3)
    page.get_by_role("link", name="清除全部").click()
    expect(page.locator("a.chip")).to_have_count(0)
    expect(page.get_by_label("检索词")).to_have_value("差旅费")


def test_facets_work_from_the_keyboard(page, rich_server):
    page.goto(rich_server + "/")
    link = facet_link(page, "province", "湖南省")
    link.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"province=%E6%B9%96%E5%8D%97%E7%9C%81"))
    expect(page.locator("a.chip")).to_have_text(re.compile("省份.*湖南省"))


def test_pages_and_the_back_button(page, live_server):
    total = page.request.get(live_server + "/api/search").json()["total"]
    page.goto(live_server + "/?sort=newest")  # the bare address is the page about the collection
    first = page.locator("li.hit").first.inner_text()
    expect(page.locator("li.hit")).to_have_count(20)
    page.get_by_role("link", name="下一页").click()
    expect(page).to_have_url(re.compile(r"page=2"))
    expect(page.locator(".pager [aria-current=page]")).to_have_text("2")
    assert page.locator("li.hit").first.inner_text() != first
    last = -(-total // 20)
    page.locator(".pager").get_by_role("link", name=str(last), exact=True).click()
    expect(page.locator("li.hit")).to_have_count(total - 20 * (last - 1))
    expect(page.get_by_role("link", name="下一页")).to_have_count(0)
    page.go_back()
    expect(page.locator(".pager [aria-current=page]")).to_have_text("2")


def test_sorting_by_date_both_ways(page, rich_server):
    page.goto(rich_server + "/?q=差旅费")
    page.get_by_role("link", name="最新").click()
    expect(page).to_have_url(re.compile(r"sort=newest"))
    newest = page.locator("li.hit time").all_inner_texts()
    assert newest == sorted(newest, reverse=True) and len(set(newest)) > 2
    page.get_by_role("link", name="最早").click()
    expect(page.locator(".sorts .current")).to_have_text("最早")
    assert page.locator("li.hit time").all_inner_texts() == sorted(newest)


def test_a_hit_opens_its_notice_at_the_paragraph(page, live_server, tmp_path):
    page.goto(live_server + "/?q=差旅费")
    hit = page.locator("li.hit").first
    n = re.search(r"原文第 (\d+) 段", hit.inner_text())[1]
    hit.get_by_role("link", name=f"原文第 {n} 段").click()
    expect(page).to_have_url(re.compile(rf"/notices/\w+\?q=.*#p{n}$"))
    paragraph = page.locator(f"#p{n}")
    expect(paragraph).to_be_in_viewport()
    expect(paragraph.locator("mark").first).to_have_text("差旅费")
    assert page.evaluate("getComputedStyle(document.querySelector(':target')).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.screenshot(path=str(tmp_path / "notice.png"))
    expect(page.locator("nav.outline")).to_be_visible()
    page.get_by_role("link", name="返回检索结果").click()
    expect(page.get_by_label("检索词")).to_have_value("差旅费")


def test_csv_download_has_every_hit(page, live_server, tmp_path):
    page.goto(live_server + "/?q=整改")
    with page.expect_download() as info:
        page.get_by_role("link", name="导出 CSV").click()
    download = info.value
    assert download.suggested_filename == "巡察通报检索-整改.csv"
    raw = (tmp_path / "export.csv")
    download.save_as(raw)
    data = raw.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["单位", "通报标题"]
    assert len(rows) - 1 == total_shown(page)
    text, headings = rows[0].index("正文"), rows[0].index("所在标题")
    assert all("整改" in row[text] or "整改" in row[headings] for row in rows[1:])


def test_markup_in_a_notice_or_a_query_renders_as_text(page, rich_server, rich, tmp_path):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(rich_server + "/")
    page.get_by_label("检索词").fill(SCRIPT)
    page.get_by_label("检索词").press("Enter")
    expect(page.get_by_label("检索词")).to_have_value(SCRIPT)
    page.get_by_label("检索词").fill("差旅费正文")
    page.get_by_label("检索词").press("Enter")
    hit = page.locator("li.hit:not(.partial)")
    expect(hit).to_have_count(1)
    expect(hit.locator("a.title")).to_have_text(f"{SCRIPT}关于{IMG}的通报")
    expect(hit.locator(".text")).to_have_text(f"差旅费正文{SCRIPT}与{IMG}结束。")
    expect(facet(page, "problem_type")).to_contain_text("<svg onload=alert(3)>")
    page.screenshot(path=str(tmp_path / "markup-search.png"), full_page=True)
    hit.locator("a.title").click()
    expect(page.locator("h1")).to_have_text(f"{SCRIPT}关于{IMG}的通报")
    expect(page.locator("#p1 p")).to_have_text(f"差旅费正文{SCRIPT}与{IMG}结束。")
    assert page.locator("img").count() == 0 and page.locator("svg").count() == 0
    assert page.locator("script:not([src])").count() == 0
    assert dialogs == []


def test_phone_layout_folds_the_filters(browser, rich_server, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(rich_server + "/?q=差旅费")
    filters = page.locator("details.filters")
    expect(filters).not_to_have_attribute("open", "")
    expect(page.locator("li.hit").first).to_be_in_viewport()
    page.locator("details.filters > summary").click()
    expect(facet(page, "province")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=True)
    context.close()


def test_a_month_range_and_a_county_narrow_the_page(page, live_server, tmp_path):
    page.goto(live_server + "/?q=整改")
    everything = total_shown(page)
    counties = shown_counts(page, "county")
    assert {"二道区", "榆树市"} <= set(counties)
    facet(page, "county").locator("summary").click()  # a long list, folded until opened
    facet_link(page, "county", "榆树市").click()
    expect(page).to_have_url(re.compile("county="))
    assert total_shown(page) == counties["榆树市"]
    facet_link(page, "county", "榆树市").click()  # off again
    dates = page.locator("section.date-range")
    dates.get_by_label("从").fill("2024-01")
    dates.get_by_role("button", name="应用").click()
    expect(page).to_have_url(re.compile(r"date_from=2024-01"))
    expect(page.locator(".chips")).to_contain_text("2024年1月起")
    expect(page.get_by_label("检索词")).to_have_value("整改")  # the search came along
    narrowed = total_shown(page)
    assert 0 < narrowed < everything
    years = shown_counts(page, "year")
    assert set(years) <= {str(y) for y in range(2024, 2100)}
    page.screenshot(path=str(tmp_path / "dates.png"), full_page=True)
    page.locator(".chips a.chip", has_text="2024年1月起").click()
    expect(page).not_to_have_url(re.compile("date_from"))
    assert total_shown(page) == everything
