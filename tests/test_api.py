"""The JSON and CSV API: its shape, facet arithmetic, export and error bodies.

Expected numbers are computed here, independently of the engine: from the
notices as the parser wrote them (/api/notices/<id>), from the rich corpus's
Notice objects, or from the API's own hits fetched page by page.
"""

import csv
import io
from collections import Counter
import json
from urllib.parse import quote, unquote

import pytest

from conftest import C2, IMG, NOTICES, SCRIPT, T_EIGHT, T_MONEY, rich_expected
from indexer.build import rebuild
from indexer.notice import Notice
from search_core.facets import FACETS
from search_app import create_app
from search_app.export import COLUMNS

HIT_KEYS = {"notice_id", "n", "title", "issuer", "published", "text", "highlight", "headings",
            "category", "role", "roles", "problem_types", "province", "city", "county", "place", "date",
            "date_kind", "completion", "url"}
#: Facet name -> how to read its value(s) off a hit.
HIT_FIELD = {"category": "category", "problem_type": "problem_types", "role": "roles", "notice": "notice_id",
             "issuer": "issuer",
             "province": "province", "city": "city", "county": "county", "year": "year", "level": "level"}


def get_json(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.content_type == "application/json"
    return response.get_json()


def all_hits(client, params):
    """Every hit of a search, fetched page by page through the API."""
    hits, page = [], 1
    while True:
        body = client.get("/api/search", query_string=[*params, ("per_page", "100"), ("page", str(page))]).get_json()
        hits += body["hits"]
        if page >= body["pages"]:
            return hits
        page += 1


def hit_values(hit, facet):
    value = hit[HIT_FIELD[facet]]
    return value if isinstance(value, list) else [value] if value else []


def counts_from_hits(hits, facet):
    return Counter(v for hit in hits for v in hit_values(hit, facet))


def facet_counts(body, facet):
    return {v["value"]: v["count"] for v in body["facets"][facet]["values"] if v["count"]}


# --- shape -----------------------------------------------------------------


def test_search_body_has_the_documented_keys(client):
    body = get_json(client, "/api/search?q=差旅费")
    assert {"ok", "query", "total", "page", "per_page", "took_ms", "hits", "facets"} <= set(body)
    assert body["ok"] is True
    assert body["query"] == "差旅费"
    assert (body["page"], body["per_page"]) == (1, 20)
    assert isinstance(body["took_ms"], float) and body["took_ms"] >= 0
    assert body["hits"], "the shipped notices mention 差旅费"
    for hit in body["hits"]:
        assert HIT_KEYS <= set(hit)
        assert isinstance(hit["n"], int) and isinstance(hit["headings"], list)
        assert isinstance(hit["problem_types"], list)
        if hit["match"] == "exact":
            assert "<mark>差旅费</mark>" in hit["highlight"] or any("差旅费" in h for h in hit["headings"])
        assert hit["url"].startswith(f"/notices/{hit['notice_id']}?") and hit["url"].endswith(f"#p{hit['n']}")


def test_facets_come_in_table_order_with_labels(client):
    body = get_json(client, "/api/search")
    assert [(name, facet["label"]) for name, facet in body["facets"].items()] == \
        [(facet.name, facet.label) for facet in FACETS]
    for facet in body["facets"].values():
        assert facet["truncated"] is False
        for value in facet["values"]:
            assert {"value", "count", "selected", "label", "toggle_url"} <= set(value)
            assert value["selected"] is False and value["count"] > 0


def test_notice_json_is_the_parsers_json_key_for_key(rich_client, rich):
    notice = rich["notices"][0]
    response = rich_client.get(f"/api/notices/{notice.id}")
    assert response.status_code == 200
    assert response.get_json() == notice.to_dict()
    assert list(response.get_json()) == list(notice.to_dict())
    assert Notice.from_dict(response.get_json()) == notice


# --- matching and counting on the shipped notices --------------------------


def parsed_paragraphs(client):
    notices = get_json(client, "/api/search")["facets"]["notice"]["values"]
    for value in notices:
        notice = get_json(client, f"/api/notices/{value['value']}")
        for paragraph in notice["paragraphs"]:
            yield notice["id"], paragraph


def test_exact_matches_are_the_paragraphs_containing_the_word(client):
    expected = {(nid, p["n"]) for nid, p in parsed_paragraphs(client)
                if "差旅费" in p["text"] or any("差旅费" in h for h in p["headings"])}
    hits = all_hits(client, [("q", "差旅费"), ("synonyms", "0")])
    assert {(h["notice_id"], h["n"]) for h in hits if h["match"] == "exact"} == expected
    body = get_json(client, "/api/search?q=差旅费")
    assert body["exact"] == len(expected) and body["total"] == body["exact"] + body["partial"]
    # The rest (a synonym, 差旅; or, to fill a short answer, the problem type's other
    # paragraphs) are listed after every exact match.
    hits = all_hits(client, [("q", "差旅费")])
    assert [h["match"] for h in hits] == sorted(h["match"] for h in hits)
    assert {(h["notice_id"], h["n"]) for h in hits if h["match"] == "exact"} == expected


def test_empty_query_browses_every_paragraph(client):
    expected = {(nid, p["n"]) for nid, p in parsed_paragraphs(client)}
    body = get_json(client, "/api/search")
    assert body["total"] == len(expected)
    assert sum(v["count"] for v in body["facets"]["notice"]["values"]) == len(expected)
    assert {(h["notice_id"], h["n"]) for h in all_hits(client, [])} == expected


def check_disjunctive(client, params):
    """Each facet's counts equal counts over the hits of the same search without that facet's selection."""
    body = client.get("/api/search", query_string=params).get_json()
    hits = all_hits(client, params)
    assert len(hits) == body["total"]
    for facet in HIT_FIELD:
        without = [(k, v) for k, v in params if k != facet]
        assert facet_counts(body, facet) == dict(counts_from_hits(all_hits(client, without), facet)), facet
        selected = [v for k, v in params if k == facet]
        for hit in hits:
            assert not selected or set(hit_values(hit, facet)) & set(selected)
        listed = {v["value"] for v in body["facets"][facet]["values"] if v["selected"]}
        assert listed == set(selected)
    return body


def test_disjunctive_counts_on_the_shipped_notices(client):
    body = get_json(client, "/api/search")
    for facet in HIT_FIELD:
        assert facet_counts(body, facet) == dict(counts_from_hits(all_hits(client, []), facet))
    # Two values of the richest facet, one of another facet when the parser fills one.
    ranked = sorted(body["facets"], key=lambda f: -len(body["facets"][f]["values"]))
    first, *others = [f for f in ranked if len(body["facets"][f]["values"]) >= 2] + \
                     [f for f in ranked if len(body["facets"][f]["values"]) == 1]
    params = [(first, v["value"]) for v in body["facets"][first]["values"][:2]]
    if others:
        params.append((others[0], body["facets"][others[0]]["values"][0]["value"]))
    narrowed = check_disjunctive(client, params)
    # A paragraph may carry both values of a multi-valued facet (two problem types): count it once.
    chosen = {params[0][1], params[1][1]}
    either = [h for h in all_hits(client, [p for p in params if p[0] != first]) if set(hit_values(h, first)) & chosen]
    assert narrowed["total"] == len(either)


# --- the rich corpus: expectations from the Notice objects ------------------


@pytest.mark.parametrize("q, selections", [
    ("", {}),
    ("差旅费", {}),
    ("差旅费", {"problem_type": [T_EIGHT, T_MONEY]}),
    ("差旅费", {"problem_type": [T_EIGHT, T_MONEY], "province": ["吉林省"]}),
    ("", {"category": [C2, "基层党组织建设"], "level": ["县"], "role": ["问题"]}),
], ids=["everything", "word", "word-two-types", "word-two-types-province", "three-facets"])
def test_rich_counts_match_a_brute_force_count(rich_client, rich, q, selections):
    params = [("q", q)] + [(f, v) for f, vs in selections.items() for v in vs]
    body = get_json(rich_client, "/api/search?" + "&".join(f"{k}={v}" for k, v in params))
    total, counts = rich_expected(rich["notices"], q, selections)
    _, notices = rich_expected(rich["notices"], q, selections, unit="notices")
    assert body["total"] == total
    for facet in HIT_FIELD:
        assert facet_counts(body, facet) == dict(counts[facet]), facet
        shown = {v["value"]: v["notices"] for v in body["facets"][facet]["values"] if v["count"]}
        assert shown == dict(notices[facet]), facet


def test_values_of_one_facet_are_ored_and_facets_anded(rich_client, rich):
    one = get_json(rich_client, f"/api/search?problem_type={T_EIGHT}")["total"]
    other = get_json(rich_client, f"/api/search?problem_type={T_MONEY}")["total"]
    both_tagged = sum(1 for n in rich["notices"] for p in n.paragraphs
                      if {T_EIGHT, T_MONEY} <= set(p.problem_types))
    either = get_json(rich_client, f"/api/search?problem_type={T_EIGHT}&problem_type={T_MONEY}")
    assert either["total"] == one + other - both_tagged
    anded = get_json(rich_client, f"/api/search?problem_type={T_EIGHT}&problem_type={T_MONEY}&province=湖南省")
    assert anded["total"] == sum(1 for h in either["hits"] if h["province"] == "湖南省") == 1


def test_toggle_urls_add_and_remove_a_value_and_reset_the_page(rich_client):
    body = get_json(rich_client, f"/api/search?problem_type={T_EIGHT}&per_page=2&page=2")
    values = {v["value"]: v for v in body["facets"]["problem_type"]["values"]}
    removed = get_json(rich_client, values[T_EIGHT]["toggle_url"])
    assert unquote(values[T_EIGHT]["toggle_url"]) == "/api/search?per_page=2"
    assert removed["total"] == get_json(rich_client, "/api/search")["total"]
    added = unquote(values[T_MONEY]["toggle_url"])
    assert added == f"/api/search?problem_type={T_EIGHT}&problem_type={T_MONEY}&per_page=2"
    assert get_json(rich_client, values[T_MONEY]["toggle_url"])["page"] == 1


def test_a_selected_value_with_no_matches_stays_listed(rich_client):
    body = get_json(rich_client, "/api/search?q=追回&province=云南省&synonyms=0")
    assert body["total"] == 0
    assert body["facets"]["province"]["values"][0] == {
        "value": "云南省", "label": "云南省", "count": 0, "notices": 0, "selected": True,
        "toggle_url": "/api/search?q=%E8%BF%BD%E5%9B%9E&synonyms=0"}


def test_a_value_the_index_does_not_hold_is_ignored_and_said_so(rich_client):
    made_up = ["不存在的省份" + str(i) * 90 for i in range(10)]
    query = "&".join(f"province={quote(v)}" for v in made_up)
    body = get_json(rich_client, f"/api/search?q=差旅费&{query}")
    assert body["total"] == get_json(rich_client, "/api/search?q=差旅费")["total"] > 0
    assert sum("不在索引中，已忽略" in note for note in body["notes"]) == 10
    answer = rich_client.get(f"/?q=差旅费&{query}").get_data(as_text=True)
    assert answer.count("不存在的省份") == 10 and quote("不存在的省份") not in answer  # in the notes, never in a link
    assert "不存在的省份" not in json.dumps([f["values"] for f in body["facets"].values()], ensure_ascii=False)


# --- sorting, paging, grouping ---------------------------------------------


def test_newest_and_oldest_order_by_date(rich_client, rich):
    dates = {n.id: n.published for n in rich["notices"]}
    newest = [dates[h["notice_id"]] for h in get_json(rich_client, "/api/search?sort=newest&per_page=100")["hits"]]
    oldest = [dates[h["notice_id"]] for h in get_json(rich_client, "/api/search?sort=oldest&per_page=100")["hits"]]
    dated = [d for d in newest if d]
    assert dated == sorted(dated, reverse=True) and len(set(dated)) == 5
    assert [d for d in oldest if d] == sorted(dated)


def test_pages_partition_the_results(client):
    total = get_json(client, "/api/search")["total"]
    seen = []
    pages = -(-total // 20)
    for page in range(1, pages + 1):
        body = get_json(client, f"/api/search?page={page}")
        assert body["pages"] == pages and body["page"] == page
        seen += [(h["notice_id"], h["n"]) for h in body["hits"]]
    assert len(seen) == len(set(seen)) == total
    assert get_json(client, f"/api/search?page={pages + 1}")["hits"] == []


def test_grouping_keeps_the_best_paragraph_per_notice(client):
    flat = all_hits(client, [("q", "整改")])
    grouped = get_json(client, "/api/search?q=整改&group=1&per_page=100")
    firsts = {}
    for hit in flat:
        firsts.setdefault(hit["notice_id"], (hit["n"], 0))
        firsts[hit["notice_id"]] = (firsts[hit["notice_id"]][0], firsts[hit["notice_id"]][1] + 1)
    assert [(h["notice_id"], h["n"], h["more_in_notice"] + 1) for h in grouped["hits"]] == \
        [(nid, n, count) for nid, (n, count) in firsts.items()]
    assert grouped["total"] == len(flat) and grouped["total_notices"] == len(firsts)


# --- CSV --------------------------------------------------------------------


def read_csv(response):
    raw = response.get_data()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))


def test_csv_has_every_matching_paragraph_in_result_order(client):
    response = client.get("/api/search.csv?sort=oldest")
    assert response.status_code == 200
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.is_streamed
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "filename*=UTF-8''" in disposition
    header, *rows = read_csv(response)
    assert header == list(COLUMNS) and header[0] == "单位" and "正文" in header  # headed as the page names things
    hits = all_hits(client, [("sort", "oldest")])
    assert len(rows) == get_json(client, "/api/search")["total"] == len(hits)
    key = [COLUMNS.index(c) for c in ("通报编号", "段落号", "正文")]
    assert [(r[key[0]], int(r[key[1]]), r[key[2]]) for r in rows] == [(h["notice_id"], h["n"], h["text"]) for h in hits]
    # Each row links to its paragraph on the site.
    link = COLUMNS.index("链接")
    assert all(r[link].startswith("http://localhost/notices/" + r[key[0]]) and r[link].endswith(f"#p{r[key[1]]}")
               for r in rows)


def test_csv_joins_lists_spells_out_codes_and_names_the_file_after_the_query(rich_client, rich):
    response = rich_client.get("/api/search.csv?q=差旅费")
    header, *rows = read_csv(response)
    assert len(rows) == get_json(rich_client, "/api/search?q=差旅费")["total"]
    by_text = {r[header.index("正文")]: dict(zip(header, r)) for r in rows}
    row = by_text["整改情况：已追回多报销的差旅费3200元，修订差旅费管理办法。"]
    assert row["问题类型"] == f"{T_EIGHT}；{T_MONEY}"
    assert row["段落类型"] == "整改成效；整改措施"
    assert row["所在标题"] == "巡察反馈问题整改落实情况 › 聚焦群众身边腐败问题和不正之风方面"
    assert (row["省份"], row["城市"], row["区县"], row["巡察层级"], row["年份"]) == ("吉林省", "长春市", "二道区", "县级", "2024")
    assert (row["巡察组"], row["日期"], row["日期类型"]) == ("区委第二巡察组", "2024-12-20", "发布")
    assert (row["反馈问题数"], row["已整改问题数"], row["匹配"]) == ("12", "10", "完全匹配")
    assert row["链接"].endswith("#p5") and "q=%E5%B7%AE%E6%97%85%E8%B4%B9" in row["链接"]
    assert by_text[f"差旅费正文{SCRIPT}与{IMG}结束。"]["单位"] == f"<b>单位</b>{IMG}"
    assert unquote(response.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == "巡察通报检索-差旅费.csv"


def test_a_grouped_csv_has_each_notices_best_paragraph_and_counts_the_rest(client):
    grouped = get_json(client, "/api/search?q=整改&group=1&per_page=100")
    header, *rows = read_csv(client.get("/api/search.csv?q=整改&group=1"))
    ids, more = COLUMNS.index("通报编号"), COLUMNS.index("本通报其他匹配段落")
    assert len(rows) == grouped["total_notices"] == len({r[ids] for r in rows})
    # The same notices, in the same order, with the same best paragraph, as the grouped page.
    assert [(r[ids], int(r[COLUMNS.index("段落号")]), int(r[more])) for r in rows] == \
        [(h["notice_id"], h["n"], h["more_in_notice"]) for h in grouped["hits"]]
    assert sum(int(r[more]) + 1 for r in rows) == grouped["total"]


# --- errors -----------------------------------------------------------------


@pytest.mark.parametrize("url, status, words", [
    ("/api/search?page=-1", 400, "页码"),
    ("/api/search?page=0", 400, "页码"),
    ("/api/search?page=abc", 400, "page"),
    ("/api/search?page=100000", 400, "页码"),
    ("/api/search?sort=x", 400, "排序"),
    ("/api/search?per_page=0", 400, "每页"),
    ("/api/search?per_page=many", 400, "per_page"),
    ("/api/search?q=" + "差" * 201, 400, "查询过长"),
    ("/api/search?q=" + " ".join("词" * i for i in range(1, 18)), 400, "查询词过多"),
    ("/api/search.csv?sort=x", 400, "排序"),
    ("/api/notices/0123456789abcdef", 404, "0123456789abcdef"),
    ("/api/no-such-thing", 404, "没有这个页面"),
])
def test_errors_have_one_shape(client, url, status, words):
    body = get_json(client, url, status)
    assert list(body) == ["ok", "error", "status"]
    assert body["ok"] is False and body["status"] == status
    assert words in body["error"] and body["error"].endswith("。")


def test_wrong_method_is_a_json_405(client):
    response = client.post("/api/search")
    assert response.status_code == 405
    assert response.get_json()["status"] == 405


def test_no_index_is_a_503_that_says_how_to_build_one(no_index_client):
    for url in ("/api/search?q=差旅费", "/api/search.csv", "/api/notices/0123456789abcdef"):
        body = get_json(no_index_client, url, 503)
        assert body["ok"] is False and body["status"] == 503
        assert "notice-index rebuild" in body["error"]
        assert "/index" not in body["error"], "server paths stay in the log"


def test_an_unexpected_failure_is_a_500_that_leaks_nothing(app, monkeypatch):
    def broken(request):
        raise RuntimeError("/secret/path exploded")

    monkeypatch.setattr(app.extensions["backend"], "search", broken)
    body = get_json(app.test_client(), "/api/search", 500)
    assert body["status"] == 500 and "secret" not in body["error"]


def test_bad_values_are_clamped_or_ignored_where_harmless(client):
    body = get_json(client, "/api/search?per_page=100000&colour=red&category=&group=yes")
    assert body["per_page"] == 100 and body["group"] is True
    assert body["total"] == get_json(client, "/api/search")["total"]


def test_an_odd_query_is_read_and_explained(client):
    body = get_json(client, '/api/search?q="差旅费')
    assert body["understood"] == '"差旅费"'
    assert body["notes"] == ["引号未配对，已按到行末的短语理解。"]
    assert body["total"] > 0


def test_a_rebuild_is_picked_up_without_a_restart(tmp_path):
    data, index = tmp_path / "data", tmp_path / "index"
    data.mkdir()
    files = sorted((NOTICES / "complete").glob("*.txt"))
    (data / files[0].name).write_bytes(files[0].read_bytes())
    rebuild(data, index)
    client = create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index}).test_client()
    assert len(get_json(client, "/api/search")["facets"]["notice"]["values"]) == 1
    (data / files[1].name).write_bytes(files[1].read_bytes())
    rebuild(data, index)
    assert len(get_json(client, "/api/search")["facets"]["notice"]["values"]) == 2


@pytest.mark.parametrize("url", [
    "/api/search",
    "/api/search?q=整改",
    "/api/search?q=%22巡察+整改%22+-差旅费&sort=oldest&per_page=7&page=2",
    "/api/search?category=基层党组织建设&role=问题&role=整改措施&year=2023&group=1",
    "/?q=干部+-a%26b%3Dc&problem_type=意识形态&level=县",
    "/api/search?q=整改&date_from=2023-01&date_to=2024-12&role=整改措施&county=榆树市&county=昭阳区&sort=oldest",
])
def test_facet_toggle_urls_are_those_url_for_builds(app, url):
    """Toggle and hit URLs are encoded in bulk; each must equal what `url_for` would have built."""
    from search_app.facets import toggled
    from search_app.requests import backend, search_request, search_url
    from search_app.results import result_dict

    with app.test_request_context(url):
        from flask import request

        search = search_request(request.args)
        data = result_dict(backend().search(search))
        compared = 0
        for name, facet in data["facets"].items():
            for value in facet["values"]:
                assert value["toggle_url"] == search_url(search, filters=toggled(search, name, value["value"]))
                compared += 1
        assert compared > 10
        from flask import url_for

        from search_app.requests import state_args
        for hit in data["hits"]:  # hit links are encoded in bulk too
            assert hit["url"] == url_for("views.notice", notice_id=hit["notice_id"], **state_args(search),
                                         _anchor=f"p{hit['n']}")


# --- how the query was read -----------------------------------------------------

def test_expansions_are_shown_and_can_be_switched_off(client):
    body = get_json(client, "/api/search?q=差旅费")
    assert body["synonyms"] is True
    assert body["expansions"] == [{"word": "差旅费", "synonyms": ["差旅"]}]
    off = get_json(client, body["without_synonyms_url"].replace("/?", "/api/search?"))
    assert off["synonyms"] is False and off["expansions"] == [] and off["exact"] == body["exact"]
    assert not any(h["match"] == "partial" and "差旅" in h["text"] and "差旅费" not in h["text"] for h in off["hits"])
    back = get_json(client, off["with_synonyms_url"].replace("/?", "/api/search?"))
    assert back["total"] == body["total"]


def test_role_words_are_a_preference_with_a_strict_filter_one_click_away(client):
    body = get_json(client, "/api/search?q=三重一大 如何整改")
    assert body["role_preference"]["roles"] == ["整改措施"] and body["role_preference"]["words"] == ["如何整改"]
    assert body["hits"][0]["role"] == "整改措施"
    # 问题 is one role among the measures' here: the filter keeps only paragraphs that state a problem.
    body = get_json(client, "/api/search?q=三重一大 存在问题")
    assert body["role_preference"]["roles"] == ["问题"] and "问题" in body["hits"][0]["roles"]
    strict = get_json(client, body["role_preference"]["strict_url"].replace("/?", "/api/search?"))
    assert strict["query"] == "三重一大" and all("问题" in h["roles"] for h in strict["hits"])
    assert 0 < strict["total"] < body["total"]


def test_suggestions_lead_somewhere(client):
    body = get_json(client, "/api/search?q=差旅废")
    spelling = [s for s in body["suggestions"] if s["kind"] == "spelling"]
    assert spelling[0]["q"] == "差旅费"
    assert get_json(client, spelling[0]["url"].replace("/?", "/api/search?"))["exact"] == spelling[0]["count"] > 0


def test_completions_come_from_the_index_by_prefix_and_pinyin_initials(client):
    body = get_json(client, "/api/suggest?q=三重")
    assert body["ok"] and any(s["text"] == "三重一大" and s["kind"] == "word" for s in body["suggestions"])
    counts = [s["count"] for s in body["suggestions"]]
    assert counts == sorted(counts, reverse=True)
    by_initials = get_json(client, "/api/suggest?q=szyd")["suggestions"]
    assert by_initials and by_initials[0]["text"] == "三重一大"
    for s in get_json(client, "/api/suggest?q=财务")["suggestions"]:
        landing = get_json(client, s["url"].replace("/?", "/api/search?"))
        assert landing["total"] > 0, s


@pytest.mark.parametrize("url", ["/api/suggest", "/api/suggest?q=", "/api/suggest?q=%20"])
def test_an_empty_prefix_completes_to_nothing(client, url):
    assert get_json(client, url) == {"ok": True, "query": url.partition("q=")[2].replace("%20", " "), "suggestions": []}


def test_completion_limits(client):
    assert len(get_json(client, "/api/suggest?q=整&limit=3")["suggestions"]) <= 3
    assert client.get("/api/suggest?q=整&limit=x").status_code == 400
    assert client.get("/api/suggest?q=" + "整" * 500).status_code == 400


def test_a_huge_paragraph_is_shown_as_a_snippet_around_its_match(tmp_path):
    data, index = tmp_path / "data", tmp_path / "index"
    data.mkdir()
    filler = "整改工作持续推进。" * 40_000  # one paragraph of 360,000 characters, on one line
    (data / "one-line.txt").write_text(f"关于巡察整改进展情况的通报\n{filler}发现独一无二的差旅费问题。{filler}\n",
                                       encoding="utf-8")
    rebuild(data, index)
    client = create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index}).test_client()
    response = client.get("/api/search?q=独一无二")
    (hit,) = response.get_json()["hits"]
    assert len(hit["text"]) <= 1000 and "独一无二" in hit["text"] and hit["truncated"] is True
    assert "<mark>独一无二</mark>" in hit["highlight"] and hit["highlight"].startswith("…")
    assert len(response.data) < 20_000
    page = client.get(hit["url"].split("#")[0]).get_data(as_text=True)
    assert filler in page  # the notice page shows it whole
