"""The page for an empty search: what the collection holds, with a link into each part of it.

A newcomer meets the search box with nothing typed; rather than the paragraphs
of whichever notice is newest, the page says what is there (notices, units,
places, years, the commonest problem types) and where to start. Everything is
read off the empty search's own facet counts, so it costs no extra counting.
"""

#: Searches shown as a way in: everyday words for problems the notices often report.
EXAMPLES = ("差旅费", "三重一大", "固定资产", "公务用车", "意识形态", "形式主义 整改措施")
#: How many values of a facet the overview lists.
TOP = 8


def home_dict(data, newest):
    """The overview of the collection: `data` is the empty search's API dict, `newest` the newest notices'."""
    facets = data["facets"]

    def top(name, limit=TOP, by_notices=True):
        values = [v for v in facets[name]["values"] if v["count"]]
        if by_notices:
            values = sorted(values, key=lambda v: -v["notices"])
        return [{"label": v["label"], "notices": v["notices"], "count": v["count"], "url": v["toggle_url"]}
                for v in values[:limit]]

    years = [v["value"] for v in facets["year"]["values"] if v["count"]]
    return {
        "notices": data["total_notices"], "paragraphs": data["total"],
        "units": facets["issuer"].get("available", len(facets["issuer"]["values"])),
        "provinces": facets["province"].get("available", len(facets["province"]["values"])),
        "first_year": years[-1] if years else None, "last_year": years[0] if years else None,
        "years": top("year", limit=None, by_notices=False),
        "problem_types": top("problem_type"), "places": top("province"), "levels": top("level", by_notices=False),
        "examples": EXAMPLES,
        "newest": [{"title": h["title"], "place": h["place"], "date": h["date"], "date_kind": h["date_kind"],
                    "url": h["url"].split("#")[0]} for h in newest["hits"]],
    }
