"""The first end-to-end slice in a real browser: type a query, see the matching paragraphs."""

from playwright.sync_api import expect


def test_search_box_finds_travel_expenses(page, live_server, tmp_path):
    page.goto(live_server + "/")
    box = page.get_by_label("检索词")
    box.fill("差旅费")
    box.press("Enter")
    hits = page.locator("li.hit")
    expect(hits.first).to_be_visible()
    marks = page.locator("li.hit mark")
    expect(marks.first).to_have_text("差旅费")
    exact = page.locator("li.hit:not(.partial)").all_inner_texts()
    assert exact and all("差旅费" in t for t in exact)
    assert page.locator("#summary strong").inner_text() == str(len(hits.all_inner_texts()))
    page.screenshot(path=str(tmp_path / "search.png"), full_page=True)
    assert (tmp_path / "search.png").stat().st_size > 10_000
