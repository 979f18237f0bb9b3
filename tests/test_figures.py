"""How-many questions: paragraphs that state a figure of the thing asked about rank first among the best matches."""

import pytest

from indexer.folding import fold
from search_core import figures
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest


@pytest.mark.parametrize("text, counted, expected", [
    # Sentences of the shipped notices.
    ("制定的28项整改措施，已完成落实28项；反馈的14个具体问题，已完成整改14个", "问题", figures.COUNTED_BOOST),
    ("已完成整改15个", "问题", figures.FIGURE_BOOST),
    ("健身中心购买打印机支付 3200元", "", figures.FIGURE_BOOST),
    ("占比76%；市博物馆在职20人", "人", figures.COUNTED_BOOST),
    # Dates, ordinals and slogans are no figures.
    ("2023年8月24日至10月23日，市委第一巡察组对文广旅局党组进行了巡察", "问题", 1.0),
    ("力争2023年底前解决问题", "问题", 1.0),
    ("增强“四个意识”、坚定“四个自信”、做到“两个维护”", "", 1.0),
    ("全角数字也算：反馈问题２５个", "问题", figures.COUNTED_BOOST),
])
def test_a_paragraph_answers_a_how_many_question_by_its_figures(text, counted, expected):
    assert figures.boost(fold(text), counted) == expected


@pytest.fixture(scope="module")
def backend(index_dir):
    return EmbeddedBackend(index_dir)


def test_a_how_many_question_ranks_paragraphs_stating_that_figure_first(backend):
    # The same concepts (反馈; 多少 and 问题 are no content), once as a question of how many.
    asked = backend.search(SearchRequest(q="反馈了多少问题", per_page=50))
    plain = {(h.notice_id, h.n): h.score for h in backend.search(SearchRequest(q="反馈了问题", per_page=50)).hits}
    assert asked.total == backend.search(SearchRequest(q="反馈了问题")).total
    assert any("多少" in note for note in asked.notes)
    first = asked.hits[0]
    assert figures.boost(fold(first.text), "问题") == figures.COUNTED_BOOST
    boosted = 0
    for hit in asked.hits:
        factor = figures.boost(fold(hit.text), "问题")
        boosted += factor > 1
        assert hit.score == pytest.approx(plain[hit.notice_id, hit.n] * factor, rel=1e-3)
    assert 0 < boosted < len(asked.hits)


def test_a_how_many_question_marks_the_figures_in_its_hits(backend):
    hit = backend.search(SearchRequest(q="反馈了多少问题")).hits[0]
    marked = [hit.text[a:b] for a, b in hit.spans]
    assert any(figures.FIGURE.fullmatch(fold(m)) for m in marked), marked
    plain = backend.search(SearchRequest(q="反馈了问题")).hits
    assert not any(figures.FIGURE.fullmatch(fold(h.text[a:b])) for h in plain for a, b in h.spans)
