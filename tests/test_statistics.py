"""Statistics and the comparison, against counts made by brute force from the notices themselves.

The rich corpus (conftest.py) is written out field by field, so every problem
type, place, year, role and completion figure is known without the parser.
"""

import csv
import io
from collections import Counter, defaultdict
from urllib.parse import urlencode

import numpy as np
import pytest

from conftest import rich_values
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest

SEARCHES = {
    "everything": ("", {}),
    "word": ("差旅费", {}),
    "word-in-吉林": ("差旅费", {"province": ["吉林省"]}),
    "type": ("", {"problem_type": ["中央八项规定精神"]}),
}


def api(client, path, q, selections, **extra):
    params = [("q", q), ("synonyms", "0")] + [(f, v) for f, vs in selections.items() for v in vs] + list(extra.items())
    response = client.get(f"{path}?{urlencode(params)}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def matching(rich, q, selections):
    """(notice, paragraph) pairs matching exactly, by brute force."""
    def holds(notice, paragraph):
        if q and q not in paragraph.text and not any(q in h for h in paragraph.headings):
            return False
        return all(set(rich_values(notice, paragraph, f)) & set(vs) for f, vs in selections.items())
    return [(n, p) for n in rich["notices"] for p in n.paragraphs if holds(n, p)]


def table(body, name):
    found = next(t for t in body["tables"] if t["name"] == name)
    return {(row, column): cell for row, cells in zip(found["row_values"], found["cells"])
            for column, cell in zip(found["column_values"], cells) if cell}


@pytest.mark.parametrize("name", list(SEARCHES))
@pytest.mark.parametrize("facet", ["province", "year", "city"])
def test_types_by_place_and_year_are_the_brute_force_counts(rich_client, rich, name, facet):
    q, selections = SEARCHES[name]
    body = api(rich_client, "/api/stats", q, selections)
    pairs = matching(rich, q, selections)
    assert body["total"] == len(pairs) and body["total_notices"] == len({n.id for n, _ in pairs})
    paragraphs = Counter((t, v) for n, p in pairs for t in p.problem_types for v in rich_values(n, p, facet))
    notices = Counter((t, v) for t, v, _ in {(t, v, n.id) for n, p in pairs for t in p.problem_types
                                             for v in rich_values(n, p, facet)})
    assert table(body, f"type_{facet}_paragraphs") == dict(paragraphs)
    assert table(body, f"type_{facet}_notices") == dict(notices)


@pytest.mark.parametrize("name", list(SEARCHES))
def test_roles_by_type_and_units_are_the_brute_force_counts(rich_client, rich, name):
    q, selections = SEARCHES[name]
    body = api(rich_client, "/api/stats", q, selections)
    pairs = matching(rich, q, selections)
    # A paragraph counts under each of its roles, as under each of its types.
    assert table(body, "type_role_paragraphs") == dict(Counter((t, r) for n, p in pairs for t in p.problem_types
                                                               for r in (p.roles or [p.role])))
    units = Counter(n.issuer for n in {n.id: n for n, _ in pairs}.values() if n.issuer)
    assert {row: cells[0] for row, cells in zip(*(lambda t: (t["row_values"], t["cells"]))(
        next(t for t in body["tables"] if t["name"] == "issuers")))} == dict(units)


def test_completion_sums_the_figures_of_the_matching_notices(rich_client, rich):
    body = api(rich_client, "/api/stats", "", {"province": ["吉林省"]})
    found = next(t for t in body["tables"] if t["name"] == "completion_province")
    row = dict(zip(found["columns"], found["cells"][found["row_values"].index("吉林省")]))
    stated = [n.stats for n in rich["notices"] if n.region.province == "吉林省" and n.stats.problems is not None]
    assert row["通报"] == sum(n.region.province == "吉林省" for n in rich["notices"])
    assert row["反馈问题"] == sum(s.problems for s in stated) and row["已整改"] == sum(s.problems_done for s in stated)
    assert row["整改率"] == round(100 * sum(s.problems_done for s in stated) / sum(s.problems for s in stated), 1)


def test_every_cell_links_to_the_search_it_counts(rich_client):
    body = api(rich_client, "/api/stats", "差旅费", {})
    for found in body["tables"]:
        if not found["name"].startswith("type_"):
            continue
        for cells, links in zip(found["cells"], found["links"]):
            for cell, link in zip(cells, links):
                landing = rich_client.get(link.replace("/?", "/api/search?")).get_json()
                unit = "total" if found["unit"] == "段" else "total_notices"
                assert landing[unit] == cell, (found["name"], link)


def test_compare_rows_are_the_matching_paragraphs_by_notice_and_role(rich_client, rich):
    body = api(rich_client, "/api/compare", "差旅费", {})
    pairs = matching(rich, "差旅费", {})
    expected = defaultdict(lambda: defaultdict(list))
    for notice, paragraph in pairs:
        group = paragraph.role if paragraph.role in ("问题", "整改措施", "整改成效") else "其他"
        expected[notice.id][group].append(paragraph.n)
    got = {row["notice"]["id"]: {g: [p["n"] for p in ps] for g, ps in row["cells"].items() if ps} for row in body["rows"]}
    assert got == {i: dict(groups) for i, groups in expected.items()}
    assert body["notices"] == len(expected)
    assert all(row["matches"] == sum(len(v) for v in expected[row["notice"]["id"]].values()) for row in body["rows"])


def test_compare_orders_and_picks(rich_client, rich):
    by_date = [r["notice"]["id"] for r in api(rich_client, "/api/compare", "差旅费", {}, order="newest")["rows"]]
    dates = {n.id: n.published for n in rich["notices"]}
    assert [dates[i] for i in by_date] == sorted((dates[i] for i in by_date), reverse=True)
    by_completion = api(rich_client, "/api/compare", "差旅费", {}, order="completion")["rows"]
    assert by_completion[0]["completion"] == pytest.approx(10 / 12, abs=1e-4)
    chosen = by_date[-1]
    picked = api(rich_client, "/api/compare", "差旅费", {}, pick=chosen)
    assert [r["notice"]["id"] for r in picked["rows"]] == [chosen] and picked["picked"] == [chosen]
    assert rich_client.get("/api/compare?q=x&order=sideways").status_code == 400


def test_compare_exports_a_notice_per_row(rich_client):
    response = rich_client.get("/api/compare.csv?q=差旅费&synonyms=0")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).removeprefix("\ufeff"))))
    assert rows[0][:3] == ["单位", "标题", "省份"] and rows[0][-1] == "链接"
    assert len(rows) - 1 == api(rich_client, "/api/compare", "差旅费", {})["notices"]
    assert all(not row[0].startswith(("=", "+", "@")) for row in rows[1:])


@pytest.mark.parametrize("sort", ["relevance", "newest", "oldest"])
@pytest.mark.parametrize("q", ["差旅费", "整改", "整改 措施", "", "公款吃喝", "\"召开专题会议\""])
def test_compare_lists_notices_in_the_order_of_their_best_paragraph_among_the_results(rich, index_dir, q, sort):
    # The comparison finds each notice's best paragraph without ordering every match; the reference orders them.
    for index in (rich["index_dir"], index_dir):
        backend = EmbeddedBackend(index)
        request = SearchRequest(q=q, sort=sort)
        match = backend._match(request)
        ordered = match.snap.notice_of[match.docs[match.ordered()]]
        _, first = np.unique(ordered, return_index=True)
        expected = [match.snap.catalog[i]["id"] for i in ordered[np.sort(first)].tolist()]
        result = backend.compare(request, limit=10_000)
        assert [row.notice["id"] for row in result.rows] == expected
        assert result.notices == len(expected)
        for row in result.rows:  # a notice's matching paragraphs, each group in the notice's order
            notice = match.snap.by_id[row.notice["id"]]
            mine = match.snap.n_of[match.docs[match.snap.notice_of[match.docs] == notice]].tolist()
            assert row.matches == len(mine) == sum(len(c) for c in row.cells.values()) + sum(row.more.values())
            for cell in row.cells.values():
                shown = [hit.n for hit in cell]
                assert shown == sorted(shown) and set(shown) <= set(mine)
