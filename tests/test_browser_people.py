"""The search page for people (issue 19), walked in a real browser as a person would: filters where they
look, the place kept when a filter changes, the keyboard, a screen reader's headings, a phone, the pager,
the notice page's match keys and way back, print, and an automated accessibility check (axe-core).

Screenshots go to each test's tmp_path (pytest keeps the last three runs).
"""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from search_core.embedded import engine as embedded_engine

AXE = Path(__file__).parent / "vendor" / "axe-core" / "axe.min.js"


def total_shown(page):
    return int(page.locator("#total").inner_text())


def facet(page, name):
    return page.locator(f'.facet[data-facet="{name}"]')


def console_errors(page):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors


def test_the_filters_people_use_come_first_and_long_lists_fold(page, live_server, tmp_path):
    page.goto(live_server + "/?q=整改")
    order = page.locator("aside .facet").evaluate_all("els => els.map(e => e.getAttribute('data-facet'))")
    assert order[:3] == ["year", None, "province"]  # 年份, then the date range, then 省份
    assert order.index("problem_type") < order.index("city") and order[-4:] == ["city", "county", "issuer", "notice"]
    # In the first screen at 1280×900: time, place and level.
    for name in ("year", "province", "level"):
        assert facet(page, name).bounding_box()["y"] < 900, name
    for name in ("city", "county", "issuer", "notice"):
        fold = facet(page, name)
        expect(fold).not_to_have_attribute("open", "")
        expect(fold.locator("input[type=search]")).to_be_hidden()
    page.screenshot(path=str(tmp_path / "filters.png"))


def test_a_filter_change_keeps_the_scroll_position_and_the_focus(page, live_server):
    page.set_viewport_size({"width": 1280, "height": 700})
    page.goto(live_server + "/?q=整改")
    link = facet(page, "role").locator("a.facet-value").nth(1)
    link.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, 150)")  # synchronous, unlike a wheel event that scrolls later
    value = link.get_attribute("data-value")
    before = page.evaluate("window.scrollY")
    assert before > 300
    link.click()
    expect(page).to_have_url(re.compile("role="))
    page.wait_for_function("window.scrollY > 0")
    assert abs(page.evaluate("window.scrollY") - before) < 30
    focused = page.evaluate("[document.activeElement.getAttribute('data-value'), "
                            "document.activeElement.closest('[data-facet]').getAttribute('data-facet')]")
    assert focused == [value, "role"]
    # A second press of Enter on the focused value takes it off again, still in place.
    page.keyboard.press("Enter")
    expect(page).not_to_have_url(re.compile("role="))
    assert abs(page.evaluate("window.scrollY") - before) < 30


def test_a_long_list_is_found_in_and_stays_open(page, live_server, tmp_path, monkeypatch):
    monkeypatch.setattr(embedded_engine, "FACET_LIMIT", 2)  # five notices, two listed: the rest must be found
    page.goto(live_server + "/?q=整改")
    notices = facet(page, "notice")
    notices.locator("summary").click()
    expect(notices.locator("a.facet-value")).to_have_count(2)
    expect(notices.locator(".truncated")).to_contain_text("共 5 项")
    notices.locator("input[type=search]").fill("昭阳")
    expect(notices.locator("a.facet-value")).to_have_count(1)
    expect(notices.locator(".found")).to_contain_text("1 项")
    assert page.url.endswith("/?q=%E6%95%B4%E6%94%B9")  # found in place, without leaving the page
    page.screenshot(path=str(tmp_path / "find.png"))
    notices.locator("a.facet-value").click()
    expect(page).to_have_url(re.compile("notice="))
    expect(notices).to_have_attribute("open", "")
    expect(notices.locator("a.facet-value.selected")).to_contain_text("昭阳")
    assert page.evaluate("document.activeElement.classList.contains('selected')")


def test_the_find_box_works_without_javascript(browser, live_server, monkeypatch):
    monkeypatch.setattr(embedded_engine, "FACET_LIMIT", 2)
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server + "/?q=整改")
    notices = facet(page, "notice")
    notices.locator("summary").click()
    notices.locator("input[type=search]").fill("昭阳")
    notices.get_by_role("button", name="查找").click()
    expect(page).to_have_url(re.compile("find_notice="))
    expect(notices.locator("a.facet-value")).to_have_count(1)
    expect(page.get_by_label("检索词")).to_have_value("整改")
    context.close()


def test_the_keyboard_reaches_the_results_in_three_presses(page, live_server):
    page.goto(live_server + "/?q=差旅费")
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("跳到检索结果")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    first = page.locator("li.hit h3 a").first
    expect(first).to_be_focused()
    # Visible focus: an outline is drawn around the focused link.
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"


def test_headings_give_the_page_its_outline(page, live_server):
    page.goto(live_server + "/?q=差旅费")
    assert page.locator("h1").count() == 1
    expect(page.locator("h1")).to_have_text("“差旅费”的检索结果")
    hits = page.locator("ol.hits > li.hit")
    assert hits.count() > 0 and hits.locator("h3").count() == hits.count()
    levels = page.locator("h1, h2, h3").evaluate_all("els => els.map(e => +e.tagName[1])")
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:]))  # no level skipped


def test_the_phone_panel_stays_open_while_choosing(browser, rich_server, tmp_path):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True)
    page = context.new_page()
    page.goto(rich_server + "/?q=差旅费")
    panel = page.locator("details.filters")
    expect(panel).not_to_have_attribute("open", "")
    page.locator("details.filters > summary").click()
    facet(page, "province").locator("a.facet-value").first.click()
    expect(page).to_have_url(re.compile("province="))
    expect(panel).to_have_attribute("open", "")
    facet(page, "problem_type").locator("a.facet-value").first.click()
    expect(page).to_have_url(re.compile("problem_type="))
    expect(panel).to_have_attribute("open", "")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=str(tmp_path / "phone-filters.png"), full_page=True)
    # A fresh visit starts folded again, the hits first.
    page.goto(rich_server + "/?q=整改")
    expect(panel).not_to_have_attribute("open", "")
    context.close()


def test_the_pager_reaches_any_page(page, live_server):
    total = page.request.get(live_server + "/api/search").json()["total"]
    last = -(-total // 20)
    assert last > 7
    page.goto(live_server + "/?sort=newest")
    jump = page.locator("form.jump")
    jump.get_by_label("跳到第").fill(str(last - 1))
    jump.get_by_role("button", name="跳转").click()
    expect(page).to_have_url(re.compile(f"page={last - 1}"))
    expect(page.locator(".pager [aria-current=page]")).to_have_text(str(last - 1))
    expect(page.locator("li.hit")).to_have_count(20)


def test_the_bare_address_says_what_the_collection_holds(page, live_server, tmp_path):
    errors = console_errors(page)
    body = page.request.get(live_server + "/api/search").json()
    page.goto(live_server + "/")
    home = page.locator("section.home")
    expect(home).to_contain_text(f"共 {body['total_notices']} 份巡察整改通报、{body['total']} 段")
    years = [v["value"] for v in body["facets"]["year"]["values"]]
    expect(home).to_contain_text(f"{years[-1]}—{years[0]} 年")
    expect(home.locator(".newest li")).to_have_count(body["total_notices"])
    page.screenshot(path=str(tmp_path / "home.png"), full_page=True)
    home.get_by_role("link", name="差旅费").click()
    expect(page.get_by_label("检索词")).to_have_value("差旅费")
    page.go_back()
    home.locator(".home-grid a").first.click()
    expect(page.locator(".chips")).to_be_visible()
    assert errors == []


def test_the_notice_page_steps_through_its_matches_and_leads_back_to_the_place(page, live_server, tmp_path):
    page.goto(live_server + "/?q=差旅费&group=1")
    hit = page.locator("li.hit").last
    notice_id = hit.get_attribute("id").removeprefix("notice-")
    hit.locator("h3 a").click()
    bar = page.locator(".match-bar")
    count = int(bar.locator("strong").inner_text())
    matches = page.locator(".para.has-match")
    expect(matches).to_have_count(count)
    assert page.locator(".outline .match-count").count() > 0
    # The hit's link landed on one match; n goes on to the next one (round to the first after the last).
    ids = matches.evaluate_all("els => els.map(e => e.id)")
    landed = ids.index(page.url.split("#")[1])
    page.keyboard.press("n")
    expect(page.locator(".para.current-match")).to_have_count(1)
    first = page.locator(".para.current-match").get_attribute("id")
    assert first == ids[(landed + 1) % count] and page.url.endswith("#" + first)
    expect(bar.locator(".match-pos")).to_contain_text(f"第 {(landed + 1) % count + 1} / {count} 处")
    if count > 1:
        page.keyboard.press("n")
        assert page.locator(".para.current-match").get_attribute("id") != first
        page.keyboard.press("p")
    expect(page.locator(".para.current-match")).to_have_attribute("id", first)
    page.screenshot(path=str(tmp_path / "notice-matches.png"))
    page.get_by_role("link", name="← 返回检索结果").click()
    expect(page).to_have_url(re.compile(f"#notice-{notice_id}$"))
    expect(page.locator(f"#notice-{notice_id}")).to_be_in_viewport()


def test_a_notice_prints_without_the_navigation(page, live_server, tmp_path):
    page.goto(live_server + "/?q=差旅费")
    page.locator("li.hit h3 a").first.click()
    page.emulate_media(media="print")
    for hidden in ("header.site", ".outline", ".match-bar", ".back"):
        expect(page.locator(hidden)).to_be_hidden()
    expect(page.locator("article.document h1")).to_be_visible()
    width = page.locator("article.document").bounding_box()["width"]
    assert width > 1000  # the text takes the page, no outline column beside it
    page.screenshot(path=str(tmp_path / "print.png"), full_page=True)


PAGES = ["/", "/?q=差旅费", "/?q=差旅费&group=1&sort=newest", "/?q=没有这个词语", "/stats?q=差旅费",
         "/compare?q=三重一大"]


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 900}, {"width": 390, "height": 844}],
                         ids=["desktop", "phone"])
def test_no_serious_accessibility_violations_and_no_console_errors(browser, live_server, viewport):
    """axe-core on every kind of page; injected past the CSP, which would (rightly) refuse it."""
    context = browser.new_context(locale="zh-CN", viewport=viewport, bypass_csp=True)
    page = context.new_page()
    errors = console_errors(page)
    notice = page.request.get(live_server + "/api/search?q=差旅费").json()["hits"][0]["notice_id"]
    found = {}
    for path in PAGES + [f"/notices/{notice}?q=差旅费"]:
        page.goto(live_server + path)
        page.wait_for_load_state("networkidle")
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
        assert result["testEngine"]["name"] == "axe-core" and isinstance(result["violations"], list)
        serious = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
                   if v["impact"] in ("serious", "critical")]
        if serious:
            found[path] = serious
    assert found == {}
    assert errors == []
    context.close()
