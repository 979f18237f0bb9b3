"""A SearchResult as data: the API's body, which the search page renders too."""

import re

from flask import current_app, request, url_for

from .facets import facet_dicts
from .markup import marked, place
from .requests import search_url, state_args

#: Stands for the notice id in a hit's link while the rest of it is encoded once.
ID_SLOT = "0notice0id0"
PLAIN_ID = re.compile(r"[0-9A-Za-z_-]+")


def result_dict(result):
    """The JSON body of `result`; the page template reads the same dict."""
    search = result.request
    args = state_args(search)
    # The notice link carries the search, so the notice page can highlight and lead
    # back. The search's part is encoded once for the page, not once per hit.
    notice_url = url_for("views.notice", notice_id=ID_SLOT, **args)
    hits, seen = [], set()
    for hit in result.hits:
        data = hit_dict(hit)
        # The notice page's way back lands on the notice's first hit: /?q=…#notice-<id>.
        data["anchor"] = None if hit.notice_id in seen else f"notice-{hit.notice_id}"
        seen.add(hit.notice_id)
        if PLAIN_ID.fullmatch(hit.notice_id):  # ids this tool makes: nothing in them is escaped
            data["url"] = f"{notice_url.replace(ID_SLOT, hit.notice_id, 1)}#p{hit.n}"
        else:
            data["url"] = url_for("views.notice", notice_id=hit.notice_id, **args, _anchor=f"p{hit.n}")
        if hit.more_in_notice:
            data["more_url"] = search_url(search, group=False,
                                          filters={**search.filters, "notice": [hit.notice_id]})
        hits.append(data)
    return {
        "ok": True, "query": search.q, "understood": result.query, "notes": result.notes,
        "total": result.total, "exact": result.exact, "partial": result.partial,
        "total_notices": result.total_notices,
        "page": search.page, "per_page": search.per_page, "pages": result.pages,
        "sort": search.sort, "group": search.group, "took_ms": result.took_ms,
        "dates": {"from": search.date_from, "to": search.date_to,
                  "first": result.date_span[0], "last": result.date_span[1],
                  "clear_url": search_url(search, date_from="", date_to="")
                  if search.date_from or search.date_to else None},
        "hits": hits, "facets": facet_dicts(result), "missing_shards": result.missing, **understanding(result),
    }


def paragraph_links(search):
    """A function giving each hit's absolute address on the site, its query marked (for the CSV's 链接)."""
    base = request.host_url.rstrip("/")
    args = {"q": search.q} if search.q else {}
    template = base + url_for("views.notice", notice_id=ID_SLOT, **args)

    def link(hit):
        if PLAIN_ID.fullmatch(hit.notice_id):
            return f"{template.replace(ID_SLOT, hit.notice_id, 1)}#p{hit.n}"
        return base + url_for("views.notice", notice_id=hit.notice_id, **args, _anchor=f"p{hit.n}")
    return link


def understanding(result):
    """How the query was read beyond its words, each with the link that undoes or narrows it."""
    search = result.request
    expansions = [{"word": word, "synonyms": synonyms} for word, synonyms in result.expansions]
    roles = None
    if result.roles:
        # The strict filter: the query as understood (without the role words) and the roles selected.
        roles = {"roles": result.roles, "words": result.role_words,
                 "strict_url": search_url(search, q=result.query, filters={**search.filters, "role": result.roles})}
    return {
        "synonyms": search.synonyms, "expansions": expansions,
        "without_synonyms_url": search_url(search, synonyms=False) if expansions else None,
        "with_synonyms_url": search_url(search, synonyms=True) if not search.synonyms else None,
        "role_preference": roles,
        "suggestions": [{"kind": s.kind, "q": s.q, "word": s.word, "count": s.count,
                         "url": search_url(search, q=s.q, **_unfiltered(s, search))}
                        for s in result.suggestions],
    }


def _unfiltered(suggestion, search):
    """The changes that take a suggestion's search out of every filter, when it suggests that."""
    if suggestion.kind != "unfiltered":
        return {"filters": search.filters}
    return {"filters": {}, "date_from": "", "date_to": ""}


def hit_dict(hit):
    """A hit as the API shows it: its fields, with the matches marked in its text and headings."""
    return {
        "notice_id": hit.notice_id, "n": hit.n, "title": hit.title, "issuer": hit.issuer,
        "published": hit.published, "text": hit.text, "highlight": marked(hit.text, hit.spans, hit.truncated),
        "headings": list(hit.headings), "category": hit.category, "role": hit.role, "roles": list(hit.roles),
        "problem_types": list(hit.problem_types), "province": hit.province, "city": hit.city,
        "county": hit.county, "place": place(hit.province, hit.city, hit.county), "level": hit.level, "year": hit.year, "date": hit.date, "date_kind": hit.date_kind,
        "inspector": hit.inspector, "completion": dict(hit.completion), "score": hit.score,
        "more_in_notice": hit.more_in_notice,
        "headings_highlight": [marked(h, s) for h, s in zip(hit.headings, hit.heading_spans)],
        "match": hit.match, "truncated": any(hit.truncated), "similar": hit.similar,
    }


def page_links(result, around=2):
    """Links to the first, last and nearby pages, with None where pages are skipped."""
    search = result.request
    last = min(result.pages, current_app.config["MAX_PAGE"])
    wanted = {1, last, *range(search.page - around, search.page + around + 1)}
    links, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number > previous + 1:
            links.append(None)
        links.append({"number": number, "url": search_url(search, page=number),
                      "current": number == search.page})
        previous = number
    return {
        "pages": links if last > 1 else [],
        "prev": search_url(search, page=min(search.page - 1, last)) if search.page > 1 else None,
        "next": search_url(search, page=search.page + 1) if search.page < last else None,
        "last": last, "current": search.page,
    }
