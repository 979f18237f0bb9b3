"""The Whoosh schema: one document per paragraph, notice fields copied onto each.

Denormalising the notice onto its paragraphs lets one query filter and count
every facet without a join. Facet fields are sortable, i.e. stored as columns,
so counts over a result set read arrays instead of re-running groupings; the
multi-valued problem_type column holds the comma-joined values.

The classes here are pickled into every index (the analyzers in the schema,
`LeanCodec` in each segment), so they must stay at this import path.
"""

from whoosh.codec.whoosh3 import W3Codec
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

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
FIELD_BOOSTS = {"title": 3.0, "headings": 2.0, "text": 1.0}

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


class RepeatedTEXT(TEXT):
    """A TEXT field whose value repeats on every paragraph of a notice (title, heading path).

    Whoosh analyses each field of each document afresh; these values come back
    dozens of times in a row, so the postings of recent values are reused.
    """

    RECENT = 256

    def index(self, value, **kwargs):
        if kwargs:
            return super().index(value, **kwargs)
        recent = self.__dict__.setdefault("_recent", {})
        if value not in recent:
            if len(recent) >= self.RECENT:
                recent.clear()
            recent[value] = list(super().index(value))
        return iter(recent[value])

    def __getstate__(self):
        return {key: value for key, value in self.__dict__.items() if key != "_recent"}


def make_schema():
    return Schema(
        doc_key=ID(stored=True, unique=True, sortable=True),  # "<notice id>:<n>", read by the engine
        # Looked up by the `notice` facet field; stored here for display, not indexed twice.
        notice_id=STORED(),
        n=STORED(),
        text=TEXT(analyzer=ChineseAnalyzer(), stored=True, phrase=True),
        # Titles and headings are short and repeat on every paragraph: inner words
        # would cost more postings than they add to ranking.
        headings=RepeatedTEXT(analyzer=ChineseAnalyzer(subwords=False), stored=True, phrase=True,
                              field_boost=FIELD_BOOSTS["headings"]),
        title=RepeatedTEXT(analyzer=ChineseAnalyzer(subwords=False), stored=True, phrase=True,
                           field_boost=FIELD_BOOSTS["title"]),
        # The publishing unit, whole: the engine matches 单位: by substring, not through Whoosh.
        issuer=ID(stored=True),
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
