"""Every parameter of every route, fuzzed: an answer is a page, JSON or a 4xx sentence, never a 500."""

from urllib.parse import urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search_core.facets import FACETS

PARAMETERS = ["q", "sort", "page", "per_page", "group", "synonyms", "limit", "order", "pick", *(f.name for f in FACETS),
              "x"]
VALUES = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", "0", "-1", "1_0", "٣", "1e3", "9" * 40, "relevance", "newest", "2023", "x", "县", "吉林省",
                     '"', "OR", "-", "%", "\x00", "\u200b", "标题:", "差旅费", "三重一大 如何整改"]),
    st.integers(-10**6, 10**6).map(str),
)
QUERIES = st.lists(st.tuples(st.sampled_from(PARAMETERS), VALUES), max_size=8)


def routes(app):
    notice = app.extensions["backend"].notices()[0]["id"]
    return ["/", "/api/search", "/api/search.csv", "/api/suggest", f"/notices/{notice}", f"/api/notices/{notice}",
            f"/notices/{notice}/source", "/stats", "/api/stats", "/compare", "/api/compare", "/api/compare.csv"]


@pytest.mark.parametrize("index", range(12))
def test_no_parameter_makes_a_500(app, index):
    client = app.test_client()
    route = routes(app)[index]

    @settings(max_examples=120, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(QUERIES)
    def check(params):
        url = route + "?" + urlencode(params)
        response = client.get(url)
        assert response.status_code in (200, 400, 404), (route, params, response.status_code)
        if url.startswith(("/api/search?", "/api/suggest", "/api/stats", "/api/compare?")) or response.status_code != 200 and "/api/" in route:
            body = response.get_json()
            assert body is not None and body["ok"] is (response.status_code == 200)

    check()


@given(st.text(min_size=1, max_size=30))
@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)
def test_no_notice_id_makes_a_500(app, notice_id):
    from urllib.parse import quote

    for route in ("/notices/{}", "/api/notices/{}", "/notices/{}/source"):
        assert app.test_client().get(route.format(quote(notice_id, safe=""))).status_code in (200, 404)


def test_the_year_that_once_made_a_500(client):
    assert client.get("/api/search?year=x&year=1999").status_code == 200
