"""The Whoosh schema: one document per paragraph, notice fields copied onto each.

Denormalising the notice onto its paragraphs lets one query filter and count
every facet without a join. Facet fields are sortable, i.e. stored as columns,
so counts over a result set read arrays instead of re-running groupings.
"""

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from .analysis import ChineseAnalyzer

#: Facet fields, in the order the search page shows them: (field, label, multi-valued).
FACETS = (
    ("category", "巡察领域", False),
    ("problem_type", "问题类型", True),
    ("role", "段落类型", False),
    ("notice", "通报", False),
    ("province", "省份", False),
    ("city", "城市", False),
    ("year", "年份", False),
    ("level", "巡察层级", False),
)

#: Extra weight of a match in these fields, over one in the paragraph text (BM25F).
FIELD_BOOSTS = {"title": 3.0, "headings": 2.0, "issuer": 1.5, "text": 1.0}


def make_schema():
    analyzer = ChineseAnalyzer()
    return Schema(
        doc_key=ID(stored=True, unique=True, sortable=True),  # "<notice id>:<n>"
        notice_id=ID(stored=True, sortable=True),
        n=NUMERIC(stored=True, sortable=True),
        text=TEXT(analyzer=analyzer, stored=True, phrase=True),
        headings=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["headings"]),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["title"]),
        issuer=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["issuer"]),
        published=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        problem_type=KEYWORD(stored=True, commas=True),
        role=ID(stored=True, sortable=True),
        notice=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        county=STORED(),
    )


HEADING_SEPARATOR = " › "


def paragraph_documents(notice):
    """The index documents of one notice, one per paragraph."""
    year = notice.year
    for paragraph in notice.paragraphs:
        document = dict(
            doc_key=f"{notice.id}:{paragraph.n}",
            notice_id=notice.id,
            n=paragraph.n,
            text=paragraph.text,
            headings=HEADING_SEPARATOR.join(paragraph.headings),
            title=notice.title or "",
            issuer=notice.issuer or "",
            published=notice.published or "",
            category=paragraph.category or "",
            problem_type=",".join(paragraph.problem_types),
            role=paragraph.role or "",
            notice=notice.id,
            province=notice.region.province or "",
            city=notice.region.city or "",
            county=notice.region.county or "",
            year=str(year) if year else "",
            level=notice.level or "",
            kind=notice.kind,
        )
        # Whoosh cannot index an empty term; a missing field reads back as "" from columns.
        yield {key: value for key, value in document.items() if value != ""}
