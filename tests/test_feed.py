"""Every search as an Atom feed (search_app/feed.py): valid Atom, newest notices first, links back to them."""

import feedparser
from xml.etree import ElementTree as ET

ATOM = "{http://www.w3.org/2005/Atom}"


def parsed(client, query):
    response = client.get(f"/api/search.atom?{query}")
    assert response.status_code == 200
    assert response.content_type == "application/atom+xml; charset=utf-8"
    feed = feedparser.parse(response.data)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed, ET.fromstring(response.data)


def test_a_search_feed_lists_the_newest_matching_notices(client):
    feed, root = parsed(client, "q=整改")
    page = client.get("/api/search?q=整改&group=1&sort=newest&per_page=20").get_json()
    assert [e.link.split("?")[0].rsplit("/", 1)[1] for e in feed.entries] == [h["notice_id"] for h in page["hits"]]
    assert len(feed.entries) == page["total_notices"] >= 2
    dates = [e.updated for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert feed.feed.title == "巡察通报检索：整改"
    assert feed.feed.updated == dates[0]
    for entry, hit in zip(feed.entries, page["hits"]):
        assert entry.title == hit["title"]
        assert entry.id == f"http://localhost/notices/{hit['notice_id']}"
        assert entry.link.endswith(f"#p{hit['n']}") and "q=%E6%95%B4%E6%94%B9" in entry.link
        assert entry.summary.startswith(hit["text"][:50])
        assert entry.author == hit["issuer"]
        # The link leads back to the notice, the matching paragraph marked.
        notice = client.get(entry.link.replace("http://localhost", "").split("#")[0]).get_data(as_text=True)
        assert f'id="p{hit["n"]}"' in notice and "<mark>整改</mark>" in notice
    # Every entry carries what Atom requires of it (RFC 4287 4.1.2).
    for entry in root.iter(f"{ATOM}entry"):
        assert {child.tag for child in entry} >= {f"{ATOM}id", f"{ATOM}title", f"{ATOM}updated", f"{ATOM}link"}
    assert root.find(f"{ATOM}link[@rel='self']").get("href") == "http://localhost/api/search.atom?q=%E6%95%B4%E6%94%B9"


def test_a_feed_honours_the_filters_and_can_be_empty(client):
    page = client.get("/api/search?q=整改&group=1&per_page=20").get_json()
    province = next(v["value"] for v in page["facets"]["province"]["values"])
    feed, _ = parsed(client, f"q=整改&province={province}")
    expected = client.get(f"/api/search?q=整改&province={province}&group=1&per_page=20").get_json()["total_notices"]
    assert len(feed.entries) == expected >= 1
    assert all(any(t.term == province for t in e.tags) for e in feed.entries)
    empty, root = parsed(client, "q=%22犇骉猋%22")
    assert empty.entries == [] and root.find(f"{ATOM}updated").text == "1970-01-01T00:00:00Z"


def test_the_search_page_offers_its_feed(client):
    page = client.get("/?q=整改").get_data(as_text=True)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    assert 'href="/api/search.atom?q=%E6%95%B4%E6%94%B9"' in page


def test_a_bad_feed_request_is_a_400_sentence(client):
    response = client.get("/api/search.atom?q=" + "整" * 201)
    assert response.status_code == 400 and response.get_json()["ok"] is False
