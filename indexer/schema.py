"""The Whoosh schema: one document per paragraph, notice fields copied onto each.

Denormalising the notice onto its paragraphs lets one query filter and count
every facet without a join. Facet fields are sortable, i.e. stored as columns,
so counts over a result set read arrays instead of re-running groupings; the
multi-valued problem_type column holds the comma-joined values.

The classes here are pickled into every index (the analyzers in the schema,
`LeanCodec` in each segment), so they must stay at this import path.
"""

from whoosh.codec.whoosh3 import W3Codec
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

HEADING_SEPARATOR = " › "


class LeanCodec(W3Codec):
    """Whoosh's codec without per-block length statistics, which cost 40% of a commit.

    Whoosh looks up every posting's field length (a disk read, or a file stat
    for fields without lengths) to record the shortest and longest document of
    each postings block. Those figures only let a top-N search skip blocks; the
    search engine scores every match, so they buy nothing here. Document
    lengths for BM25 are still stored as usual.
    """

    length_stats = False


def make_schema():
    analyzer = ChineseAnalyzer()
    return Schema(
        doc_key=ID(stored=True, unique=True, sortable=True),  # "<notice id>:<n>"
        notice_id=ID(stored=True, sortable=True),
        # One term per number instead of eight: nobody asks for a range of paragraph numbers.
        n=NUMERIC(stored=True, sortable=True, shift_step=32),
        text=TEXT(analyzer=analyzer, stored=True, phrase=True),
        headings=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["headings"]),
        title=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["title"]),
        issuer=TEXT(analyzer=analyzer, stored=True, phrase=True, field_boost=FIELD_BOOSTS["issuer"]),
        published=ID(stored=True, sortable=True),
        category=ID(stored=True, sortable=True),
        problem_type=KEYWORD(stored=True, commas=True, sortable=True),
        role=ID(stored=True, sortable=True),
        notice=ID(stored=True, sortable=True),
        province=ID(stored=True, sortable=True),
        city=ID(stored=True, sortable=True),
        year=ID(stored=True, sortable=True),
        level=ID(stored=True, sortable=True),
        kind=ID(stored=True, sortable=True),
        county=STORED(),
    )


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
