"""Dates, places and completion figures as a user meets them: the date range filter, the 区县 facet,
years newest first, the listing date a hit shows (and which date it is), and each notice's figures.

Expected values are read off the rich corpus's Notice objects (tests/conftest.py),
independently of the engine.
"""

import csv
import io

import pytest

from conftest import rich_expected
from indexer.notice import listing_date
from search_app.export import COLUMNS


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    return response.get_json()


def month_of(notice):
    date = listing_date(notice)[0]
    return date[:7] if date else None


def paragraphs_listed_between(rich, first, last):
    """(notice id, n) of every paragraph whose notice's listing month lies in [first, last] (None: open)."""
    return {(n.id, p.n) for n in rich["notices"] for p in n.paragraphs
            if month_of(n) and (first is None or month_of(n) >= first) and (last is None or month_of(n) <= last)}


def all_hits(client, query):
    hits, page = [], 1
    while True:
        body = get_json(client, f"/api/search?{query}&per_page=100&page={page}")
        hits += [h for h in body["hits"] if h["match"] != "related"]
        if page >= body["pages"]:
            return hits
        page += 1


@pytest.mark.parametrize("first, last", [("2023-02", "2023-12"), ("2024-01", None), (None, "2023-02"),
                                         ("2023-12", "2023-12")])
def test_a_date_range_keeps_the_notices_listed_in_it(rich_client, rich, first, last):
    query = "&".join(f"{k}={v}" for k, v in (("date_from", first), ("date_to", last)) if v)
    expected = paragraphs_listed_between(rich, first, last)
    assert expected and len(expected) < sum(len(n.paragraphs) for n in rich["notices"])
    hits = all_hits(rich_client, query)
    assert {(h["notice_id"], h["n"]) for h in hits} == expected
    body = get_json(rich_client, f"/api/search?{query}")
    assert body["total"] == len(expected)
    assert (body["dates"]["from"], body["dates"]["to"]) == (first or "", last or "")
    # Every facet counts within the range: the year facet holds only the range's years.
    years = {v["value"]: v["count"] for v in body["facets"]["year"]["values"]}
    assert sum(years.values()) == len(expected)
    assert all((first or "0")[:4] <= y <= (last or "9999")[:4] for y in years)


def test_a_date_range_and_facets_count_like_a_brute_force(rich_client, rich):
    body = get_json(rich_client, "/api/search?q=差旅费&date_from=2023-01&role=问题")
    inside = {n.id for n in rich["notices"] if month_of(n) and month_of(n) >= "2023-01"}
    notices = [n for n in rich["notices"] if n.id in inside]
    total, counts = rich_expected(notices, "差旅费", {"role": ["问题"]})
    assert body["total"] == total > 0
    for facet in ("role", "county", "problem_type"):
        assert {v["value"]: v["count"] for v in body["facets"][facet]["values"] if v["count"]} == dict(counts[facet])


@pytest.mark.parametrize("typed, month", [("2023-2", "2023-02"), ("2023/02", "2023-02"), ("2023.2", "2023-02"),
                                          ("2023年2月", "2023-02")])
def test_months_can_be_typed_several_ways(rich_client, typed, month):
    body = get_json(rich_client, f"/api/search?date_from={typed}")
    assert body["dates"]["from"] == month


def test_a_bare_year_is_the_whole_year(rich_client, rich):
    body = get_json(rich_client, "/api/search?date_from=2023&date_to=2023")
    assert (body["dates"]["from"], body["dates"]["to"]) == ("2023-01", "2023-12")
    assert body["total"] == len(paragraphs_listed_between(rich, "2023-01", "2023-12"))


@pytest.mark.parametrize("query, words", [
    ("date_from=2023-13", "不是月份"), ("date_to=yesterday", "不是月份"),
    ("date_from=2024-05&date_to=2023-01", "晚于"),
])
def test_a_bad_date_range_is_refused_with_a_sentence(rich_client, query, words):
    body = get_json(rich_client, f"/api/search?{query}", status=400)
    assert body["ok"] is False and words in body["error"]


def test_the_range_reaches_the_csv_stats_and_comparison(rich_client, rich):
    expected = paragraphs_listed_between(rich, "2024-01", None)
    response = rich_client.get("/api/search.csv?date_from=2024-01")
    header, *rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    ids, ns = header.index("通报编号"), header.index("段落号")
    assert {(r[ids], int(r[ns])) for r in rows} == expected
    stats = get_json(rich_client, "/api/stats?date_from=2024-01")
    assert stats["total"] == len(expected)
    compare = get_json(rich_client, "/api/compare?date_from=2024-01")
    assert {row["notice"]["id"] for row in compare["rows"]} == {nid for nid, _ in expected}


def test_the_page_has_a_month_form_and_a_removable_chip(rich_client):
    page = rich_client.get("/?q=差旅费&date_from=2023-02&date_to=2024-06&role=问题").get_data(as_text=True)
    assert 'type="month" name="date_from" value="2023-02"' in page
    assert 'type="month" name="date_to" value="2024-06"' in page
    # The form carries the rest of the search along, and the chip reads as months.
    assert '<input type="hidden" name="q" value="差旅费">' in page
    assert '<input type="hidden" name="role" value="问题">' in page
    assert "2023年2月—2024年6月" in page
    chip_off = rich_client.get("/?q=差旅费&role=问题").get_data(as_text=True)
    assert "2023年2月—2024年6月" not in chip_off


def test_years_list_newest_first_and_levels_from_the_top(client, rich_client):
    for c in (client, rich_client):
        years = [v["value"] for v in get_json(c, "/api/search")["facets"]["year"]["values"]]
        assert years == sorted(years, reverse=True) and len(years) >= 2
    levels = [v["value"] for v in get_json(rich_client, "/api/search")["facets"]["level"]["values"]]
    assert levels == sorted(levels, key=["中央", "省", "市", "县"].index)


def test_hits_show_the_listing_date_and_say_which_date_it_is(client):
    """Two shipped notices state no publication date: they are listed by their feedback date, and say so."""
    hits = get_json(client, "/api/search?per_page=100&group=1")["hits"]
    kinds = {h["date_kind"] for h in hits}
    assert {"published", "feedback"} <= kinds
    for hit in hits:
        assert hit["year"] == hit["date"][:4]
        if hit["date_kind"] == "published":
            assert hit["date"] == hit["published"]
    page = client.get("/?group=1&per_page=100").get_data(as_text=True)
    assert "（反馈日期）" in page


def test_every_hit_names_its_county_and_the_county_facet_narrows(client):
    body = get_json(client, "/api/search?per_page=100")
    counties = {v["value"]: v["count"] for v in body["facets"]["county"]["values"]}
    assert {"二道区", "榆树市", "天元区", "公主岭市", "昭阳区"} <= set(counties)
    for hit in body["hits"]:
        assert hit["county"] and hit["place"].endswith(hit["county"])
    narrowed = get_json(client, "/api/search?county=榆树市&county=天元区")
    assert narrowed["total"] == counties["榆树市"] + counties["天元区"]
    assert {h["county"] for h in narrowed["hits"]} <= {"榆树市", "天元区"}


def test_completion_figures_travel_with_each_hit_and_into_the_csv(rich_client, rich):
    stated = {n.id: n.stats for n in rich["notices"] if n.stats.problems is not None}
    assert stated
    hits = get_json(rich_client, "/api/search?per_page=100")["hits"]
    for hit in hits:
        figures = stated.get(hit["notice_id"])
        expected = {k: v for k, v in vars(figures).items() if v is not None} if figures else {}
        assert hit["completion"] == expected
    response = rich_client.get("/api/search.csv")
    header, *rows = list(csv.reader(io.StringIO(response.get_data().decode("utf-8-sig"))))
    assert header == list(COLUMNS)
    for row in rows:
        figures = stated.get(row[header.index("通报编号")])
        assert row[header.index("反馈问题数")] == (str(figures.problems) if figures else "")
        assert row[header.index("已整改问题数")] == (str(figures.problems_done) if figures else "")
