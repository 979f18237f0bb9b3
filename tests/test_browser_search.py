"""Searching in a person's words, in a real browser: completions while typing, the ways out of a dead end,
and how the page says what it read."""

import re
from urllib.parse import quote

from playwright.sync_api import expect


def csp_violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text) if "Content Security Policy" in message.text else None)
    return found


def test_typing_offers_completions_that_arrow_keys_and_enter_pick(page, live_server, tmp_path):
    violations = csp_violations(page)
    page.goto(live_server + "/")
    box = page.get_by_label("检索词")
    box.press_sequentially("三重", delay=50)
    listbox = page.get_by_role("listbox", name="检索建议")
    expect(listbox).to_be_visible()
    options = listbox.get_by_role("option")
    expect(options.first).to_contain_text("三重")
    expect(box).to_have_attribute("aria-expanded", "true")
    page.screenshot(path=str(tmp_path / "completions.png"))
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", "q-completion-0")
    picked = options.first.locator(".text").inner_text()
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"\?q="))
    expect(box).to_have_value(picked)
    assert int(page.locator("#total").inner_text()) > 0
    assert violations == []


def test_escape_closes_the_completions_and_enter_then_searches_what_was_typed(page, live_server):
    page.goto(live_server + "/")
    box = page.get_by_label("检索词")
    box.press_sequentially("差旅", delay=50)
    listbox = page.get_by_role("listbox", name="检索建议")
    expect(listbox).to_be_visible()
    box.press("Escape")
    expect(listbox).to_be_hidden()
    box.press("Enter")
    expect(box).to_have_value("差旅")


def test_pinyin_initials_complete_too(page, live_server):
    page.goto(live_server + "/")
    page.get_by_label("检索词").press_sequentially("szyd", delay=50)
    expect(page.get_by_role("option").first).to_contain_text("三重一大")
    page.get_by_role("option").first.click()
    expect(page.get_by_label("检索词")).to_have_value("三重一大")


def test_a_typo_is_answered_with_what_the_notices_say(page, live_server, tmp_path):
    page.goto(live_server + "/?q=差旅废")
    notes = page.locator(".notes")
    expect(notes.locator(".did-you-mean")).to_contain_text("您是不是要找")
    page.screenshot(path=str(tmp_path / "did-you-mean.png"), full_page=True)
    notes.locator(".did-you-mean a", has_text=re.compile("^差旅费$")).click()
    expect(page.get_by_label("检索词")).to_have_value("差旅费")
    assert page.locator("li.hit:not(.partial)").count() > 0


def test_a_zero_result_page_offers_a_way_out(page, live_server, tmp_path):
    page.goto(live_server + "/?q=" + quote("差旅费") + "&province=" + quote("吉林省"))  # 差旅费 is in 云南's notice
    empty = page.locator(".empty")
    expect(empty).to_contain_text("没有找到符合条件的段落")
    way_out = empty.get_by_role("link", name="在全部通报中检索")
    expect(way_out).to_be_visible()
    page.screenshot(path=str(tmp_path / "way-out.png"), full_page=True)
    way_out.click()
    expect(page.locator("li.hit").first).to_be_visible()
    assert int(page.locator("#total").inner_text()) > 0 and page.locator(".chips").count() == 0


def test_the_page_says_what_it_added_and_how_to_undo_it(page, live_server):
    page.goto(live_server + "/?q=" + "三重一大 如何整改")
    expect(page.locator(".notes .roles")).to_contain_text("整改措施段落排在前面")
    page.locator(".notes .roles a").click()
    expect(page.locator(".chips")).to_contain_text("整改措施")
    expect(page.get_by_label("检索词")).to_have_value("三重一大")
    page.goto(live_server + "/?q=差旅费")
    expect(page.locator(".notes .expansions")).to_contain_text("同时检索：差旅费（差旅）")
    exact = page.locator("li.hit:not(.partial)").count()
    page.locator(".notes .expansions a", has_text="不用同义词").click()
    expect(page.locator("li.hit.partial")).to_have_count(0)
    expect(page.locator("li.hit")).to_have_count(exact)
