"""The statistics and comparison pages in a real browser: charts drawn from the site's own script, tables,
links from a bar to the search it counts, and no Content-Security-Policy violation."""

import re
from urllib.parse import quote

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => window.__csp.push(e.violatedDirective + " " + e.blockedURI));
"""


def test_statistics_draw_charts_beside_their_tables_and_a_bar_leads_to_its_search(page, live_server, tmp_path):
    page.add_init_script(WATCH_CSP)
    page.emulate_media(reduced_motion="reduce")  # bars drawn at once: a click lands on a bar, not on its growth
    page.goto(live_server + "/stats?q=" + quote("整改"))
    section = page.locator("#table-type_province_paragraphs")
    expect(section.locator("table tbody tr").first).to_be_visible()
    chart = section.locator(".chart svg")
    expect(chart).to_be_visible()
    bars = chart.locator("path")
    assert bars.count() > 5  # bars and axes drawn, not an empty frame
    page.screenshot(path=str(tmp_path / "stats.png"), full_page=False)
    assert page.evaluate("window.__csp") == []
    first_cell = section.locator("tbody tr").first.locator("td a").first
    expected = int(first_cell.inner_text())
    first_cell.click()
    expect(page).to_have_url(re.compile(r"problem_type="))
    assert int(page.locator("#total").inner_text()) == expected
    # A click on a bar goes to the same kind of search.
    page.go_back()
    # The page fetches its numbers again after going back: wait until the bars are drawn, then click
    # along the first row until one click navigates (the first row's bar may be short).
    redrawn = page.locator("#chart-type_province_paragraphs svg path")
    expect(redrawn.nth(5)).to_be_attached()
    box = page.locator("#chart-type_province_paragraphs").bounding_box()
    for x in range(int(box["x"] + box["width"] * 0.2), int(box["x"] + box["width"] * 0.9), 12):
        page.mouse.click(x, box["y"] + 48)
        try:
            page.wait_for_url(re.compile(r"/\?.*problem_type="), timeout=700)
            break
        except PlaywrightTimeout:
            continue
    assert "problem_type=" in page.url and "province=" in page.url
    assert int(page.locator("#total").inner_text()) > 0


def test_the_comparison_shows_each_notice_in_a_row_and_can_be_narrowed(page, live_server, tmp_path):
    page.add_init_script(WATCH_CSP)
    page.goto(live_server + "/?q=" + quote("三重一大"))
    page.get_by_role("link", name="按通报对比").click()
    rows = page.locator("table.compare tbody tr")
    expect(rows.first).to_be_visible()
    count = rows.count()
    assert count >= 2
    assert page.locator("table.compare mark").count() > 0
    page.screenshot(path=str(tmp_path / "compare.png"), full_page=True)
    rows.nth(0).locator("input[type=checkbox]").check()
    rows.nth(1).locator("input[type=checkbox]").check()
    page.get_by_role("button", name="只对比所选通报").click()
    expect(page).to_have_url(re.compile(r"pick="))
    expect(rows).to_have_count(2)
    page.emulate_media(media="print")
    assert page.locator("table.compare input[type=checkbox]").first.is_hidden()
    page.emulate_media(media="screen")
    assert page.evaluate("window.__csp") == []
