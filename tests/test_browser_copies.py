"""From a hit to its near-copies in a real browser: the 雷同 filter, the side-by-side page, back to the notice."""

import re

from playwright.sync_api import expect

from conftest import serving
from test_duplicates import COPIED, EDITED, planted_data, planted_index  # noqa: F401  (the fixtures)
from search_app import create_app


def test_from_a_hit_to_its_near_copies_and_back(page, planted_data, planted_index, tmp_path):  # noqa: F811
    violations = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    app = create_app({"TESTING": True, "DATA_DIR": planted_data, "INDEX_DIR": planted_index})
    with serving(app) as url:
        page.goto(url + "/")
        page.get_by_label("检索词").fill("厰办营地")
        page.get_by_role("button", name="检索").click()
        # The 雷同 filter counts the two paragraphs; choosing it keeps them.
        facet = page.locator('[data-facet="duplicate"]')
        expect(facet).to_contain_text("雷同")
        value = facet.locator('a.facet-value[data-value="有雷同"]')
        expect(value).to_contain_text("2")
        value.click()
        expect(page).to_have_url(re.compile(r"duplicate=%E6%9C%89%E9%9B%B7%E5%90%8C"))
        hits = page.locator("li.hit")
        expect(hits).to_have_count(2)
        page.screenshot(path=str(tmp_path / "filtered.png"), full_page=True)
        original = hits.filter(has_text="严格落实")
        link = original.get_by_role("link", name="与另 1 份通报表述高度相似")
        expect(link).to_be_visible()
        link.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("与另 1 份通报表述高度相似")
        copy = page.locator("li.copy")
        expect(copy).to_have_count(1)
        sides = copy.locator(".side p.diff")
        expect(sides.nth(0)).to_have_text(COPIED)
        expect(sides.nth(1)).to_have_text(EDITED)
        assert "积极" in sides.nth(0).locator("mark").all_inner_texts()
        assert "认真" in "".join(sides.nth(1).locator("mark").all_inner_texts())
        # Marked characters are set apart by their colour (the style sheet, not an inline style).
        background = sides.nth(0).locator("mark").first.evaluate("m => getComputedStyle(m).backgroundColor")
        assert background == "rgb(255, 216, 168)"
        page.screenshot(path=str(tmp_path / "side-by-side.png"), full_page=True)
        # The copy's title leads to its notice, at the copied paragraph, which links back.
        copy.locator("h2 a").click()
        expect(page).to_have_url(re.compile(r"/notices/[0-9a-f]{16}#p\d+$"))
        anchor = page.url.rsplit("#", 1)[1]
        paragraph = page.locator(f"#{anchor}")
        expect(paragraph).to_contain_text(EDITED)
        expect(paragraph.get_by_role("link", name="与另 1 份通报表述高度相似")).to_be_visible()
        paragraph.get_by_role("link", name="内容相近的段落").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("内容相近的段落")
        page.screenshot(path=str(tmp_path / "more.png"), full_page=True)
    assert violations == []
