"""The Whoosh schema: one document per paragraph, notice fields copied onto each.

Whoosh holds each paragraph's jieba words, its heading path (the section) and
its tags (category, role, problem types), and does what it is good at: writing
segments in parallel, deleting a changed notice's paragraphs, merging. Facets,
display text and exact-substring matching come from the side-car arrays written
next to each segment (`indexer.arrays`) and the notice catalog.

The classes here are pickled into every index (the analyzers and `JiebaTEXT`
in the schema, `LeanCodec` in each segment), so they must stay at this import path.
"""

from whoosh.codec.whoosh3 import W3Codec
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, TEXT, Schema
from whoosh.system import pack_uint

from .analysis import ChineseAnalyzer, word_counts

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


class JiebaTEXT(TEXT):
    """A TEXT field indexed straight from jieba's cuts, without Whoosh's token objects.

    Whoosh's generic path builds a Token per word and runs it through the
    analyzer chain and the format's counting loop: that bookkeeping cost more
    than jieba itself in a profile of a rebuild. `index` computes the same
    (word, frequency, weight) postings from `analysis.word_counts` (a test holds
    the two equal), and the analyzer stays in the schema for query parsing and
    any other use of the index through Whoosh.
    """

    def __init__(self, subwords=True, **kwargs):
        super().__init__(analyzer=ChineseAnalyzer(subwords=subwords), **kwargs)
        self.subwords = subwords

    def index(self, value, **kwargs):
        if kwargs:
            return super().index(value, **kwargs)
        boost = self.format.field_boost
        return [(word.encode("utf-8"), freq, weight * boost, pack_uint(freq))
                for word, (freq, weight) in word_counts(value, self.subwords).items()]


def make_schema():
    """One document per paragraph: its words, its section and its tags; the rest lives in side-car arrays.

    Nothing is stored and no positions are kept: the search engine matches
    exact substrings and reads display text itself (see `indexer.arrays`), so
    stored values and positions would only slow the build (measured: without
    them a rebuild took less than half the time).
    """
    return Schema(
        doc_key=COLUMN(VarBytesColumn()),  # b"<notice id>:<n>": lines the side-car arrays up with docnums
        notice=ID(),  # an update deletes a notice's paragraphs by this term
        text=JiebaTEXT(phrase=False),
        # The section: its category is indexed here; the heading path itself lives in the
        # side-car arrays, where it is matched and boosted (as Whoosh postings it repeated
        # on every paragraph and cost a third of the build).
        category=ID(),
        role=ID(),
        problem_type=KEYWORD(commas=True),
    )


def paragraph_documents(notice):
    """The index documents of one notice, one per paragraph."""
    for paragraph in notice.paragraphs:
        document = dict(
            doc_key=f"{notice.id}:{paragraph.n}".encode(),
            notice=notice.id,
            text=paragraph.text,
            category=paragraph.category or "",
            role=paragraph.role or "",
            problem_type=",".join(paragraph.problem_types),
        )
        # Whoosh cannot index an empty term; a missing field reads back as "" from columns.
        yield {key: value for key, value in document.items() if value != ""}
