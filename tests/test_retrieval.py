"""Best-match retrieval on the shipped notices: exact matches first, then partial ones, never an empty page when
a word of the query occurs; heading matches count less the farther up they stand."""

import pytest

from search_core.embedded import engine
from search_core.embedded.engine import ROLE_BOOST, EmbeddedBackend
from search_core.embedded.retrieval import minimum_should_match
from search_core.results import SearchRequest


@pytest.fixture(scope="module")
def backend(index_dir):
    return EmbeddedBackend(index_dir)


def everything(backend, q, **kw):
    return list(backend.all_hits(SearchRequest(q=q, **kw)))


def holds(hit, word):
    return word in hit.text or any(word in h for h in hit.headings)


def test_exact_matches_come_before_partial_ones_whatever_the_sort(backend):
    for sort in ("relevance", "newest", "oldest"):
        hits = everything(backend, "差旅费 报销", sort=sort)
        kinds = [h.match for h in hits]
        assert "exact" in kinds and "partial" in kinds
        assert kinds == sorted(kinds)  # "exact" < "partial"
    exact = [h for h in everything(backend, "差旅费 报销") if h.match == "exact"]
    assert all(holds(h, "差旅费") and holds(h, "报销") for h in exact)


def test_a_query_with_one_word_phrased_differently_still_finds_the_others(backend):
    # No paragraph says 违纪报销 (the notices say 违规…), but the other words are there.
    result = backend.search(SearchRequest(q="差旅费 违纪报销 退还"))
    assert result.exact == 0 and result.total > 0
    top = result.hits[0]
    assert holds(top, "差旅费") and holds(top, "退还")


def test_a_query_whose_words_occur_never_comes_back_empty(backend):
    for q in ("差旅费 纳米材料 量子", "意识形态怎么抓的", "固定资产没入账怎么整改的"):
        assert backend.search(SearchRequest(q=q)).total > 0, q


def test_nothing_is_found_when_no_word_occurs(backend):
    result = backend.search(SearchRequest(q="zqxjv wvktq"))
    assert (result.total, result.exact, result.partial) == (0, 0, 0)


def test_minimum_should_match_grows_with_the_query():
    assert [minimum_should_match(n) for n in range(1, 7)] == [0.5, 1.5, 2, 3, 3, 4]


def test_a_long_query_is_not_flooded_by_one_common_word(backend):
    common = backend.search(SearchRequest(q="整改")).total
    result = backend.search(SearchRequest(q="整改 差旅费 退还 科协"))
    assert result.total < common / 4


def test_synonyms_can_be_switched_off(backend):
    on = backend.search(SearchRequest(q="差旅费"))
    off = backend.search(SearchRequest(q="差旅费", synonyms=False))
    assert on.expansions == [("差旅费", ["差旅"])] and off.expansions == []
    assert off.total == off.exact == on.exact and on.partial > 0


def mean_rank(hits, role):
    """The mean place of the hits that have `role` among their roles."""
    places = [i for i, h in enumerate(hits) if role in h.roles]
    return sum(places) / len(places)


def test_role_words_rank_that_role_first(backend):
    plain = everything(backend, "三重一大")
    measures = everything(backend, "三重一大 整改措施")
    problems = everything(backend, "三重一大 存在问题")
    key = sorted((h.notice_id, h.n) for h in plain)
    assert sorted((h.notice_id, h.n) for h in measures) == sorted((h.notice_id, h.n) for h in problems) == key
    assert measures[0].role == "整改措施" and "问题" in problems[0].roles
    # Every one of these paragraphs holds a measure; fewer state the problem or report results.
    assert all("整改措施" in h.roles for h in plain)
    assert mean_rank(problems, "问题") < mean_rank(plain, "问题")
    # A named role multiplies the score of each paragraph having it, primary or not, and no other.
    before = {(h.notice_id, h.n): h.score for h in plain if h.match == "exact"}
    results = [h for h in everything(backend, "三重一大 整改成效") if h.match == "exact"]
    assert any("整改成效" in h.roles and h.role != "整改成效" for h in results)
    for hit in results:
        factor = ROLE_BOOST if "整改成效" in hit.roles else 1.0
        assert hit.score == pytest.approx(before[hit.notice_id, hit.n] * factor, rel=1e-3), hit.roles


def test_variant_characters_find_each_other(backend):
    for a, b in (("入帐", "入账"), ("台帐", "台账")):
        assert [(h.notice_id, h.n) for h in everything(backend, a)] == [(h.notice_id, h.n) for h in everything(backend, b)]
    hit = next(h for h in everything(backend, "台帐") if h.match == "exact")
    assert any(hit.text[s:e] == "台账" for s, e in hit.spans)  # the original characters are marked


def test_a_match_in_the_paragraphs_own_heading_outranks_one_far_above(backend):
    # 中央八项规定精神 stands in the top-level section title above many paragraphs, and in the
    # own heading of a few: those few come first among paragraphs that do not say it themselves.
    hits = [h for h in everything(backend, "八项规定") if "八项规定" not in h.text]
    depth = [min(len(h.headings) - 1 - i for i, x in enumerate(h.headings) if "八项规定" in x) for h in hits]
    assert depth == sorted(depth)
    texts = [h for h in everything(backend, "八项规定") if "八项规定" in h.text]
    assert min(h.score for h in texts) > max(h.score for h in hits if h.headings and "八项规定" not in h.headings[-1])


def test_a_typo_offers_the_word_of_the_index(backend):
    result = backend.search(SearchRequest(q="差旅废"))
    assert [s.q for s in result.suggestions if s.kind == "spelling"][:1] == ["差旅费"]
    assert result.total > 0  # 差旅 is there


def test_a_phrase_only_in_headings_offers_to_drop_the_quotes(backend):
    heading_only = next(h for h in everything(backend, "巡察整改")
                        for h in [h] if h.headings)  # any heading text is fine
    phrase = heading_only.headings[-1][:6]
    result = backend.search(SearchRequest(q=f'"{phrase}"'))
    if result.total == 0:
        (suggestion,) = [s for s in result.suggestions if s.kind == "unquote"]
        assert suggestion.q == phrase and suggestion.count > 0


def test_a_dead_end_offers_the_query_without_one_word(backend):
    result = backend.search(SearchRequest(q='"差旅费" "纳米材料"'))
    assert result.exact == 0
    drops = [s for s in result.suggestions if s.kind == "drop"]
    assert drops and drops[0].word == "纳米材料" and drops[0].q == '"差旅费"' and drops[0].count > 0


def test_a_word_few_paragraphs_hold_is_also_read_as_its_parts(backend, monkeypatch):
    # 整改台账 stands whole in one paragraph; others keep a 台账 of the rectification by another name.
    hits = everything(backend, "整改台账")
    synonyms = ("整改台账", "问题清单", "任务清单", "责任清单")
    whole = [h for h in hits if any(holds(h, s) for s in synonyms)]
    by_parts = [h for h in hits if not any(holds(h, s) for s in synonyms)]
    assert whole and by_parts
    # 整改 is in nearly every paragraph: it stands for nothing, so only 台账 had to be held.
    assert all(holds(h, "台账") and h.match == "partial" for h in by_parts)
    assert hits[0].match == "exact"
    result = backend.search(SearchRequest(q="整改台账"))
    assert any("台账" in note and "整改台账" in note for note in result.notes)
    # Without synonyms, no other reading either.
    assert [h for h in everything(backend, "整改台账", synonyms=False) if not holds(h, "整改台账")] == []
    # A word found on enough paragraphs to fill a page is not split.
    monkeypatch.setattr(engine, "FEW_MATCHES", 1)
    assert [(h.notice_id, h.n) for h in everything(backend, "整改台账")] == [(h.notice_id, h.n) for h in whole]


def test_a_word_is_split_into_the_longest_words_that_tile_it():
    assert engine._tiling("整改领导小组") == ["整改", "领导小组"]
    assert engine._tiling("专题民主生活会") == ["专题", "民主生活会"]
    assert engine._tiling("整改台账") == ["整改", "台账"]


@pytest.mark.parametrize("q", ["差旅费", "整改 台账 销号", "公车私用 整改", '"召开专题会议" 整改', "三重一大 -决策",
                               "巡察组反馈了多少问题", "整改台账", "干部 OR 党员"])
def test_the_tiers_are_the_same_over_the_candidates_alone_or_over_every_paragraph(backend, q, monkeypatch):
    """Retrieval works over the paragraphs some mask holds, or over all of them once most are candidates
    (`SPARSE_SHARE`): the matches, their tier and coverage, and the paragraphs kept aside are the same either way."""
    from search_core.embedded import retrieval

    answers = []
    for share in (1e-9, 1e9):  # never, then always, over every paragraph
        monkeypatch.setattr(retrieval, "SPARSE_SHARE", share)
        found = []
        original = retrieval.retrieve
        monkeypatch.setattr(engine, "retrieve", lambda *a: found.append(original(*a)) or found[-1])
        result = backend.search(SearchRequest(q=q, per_page=50))
        got = found[0]
        answers.append((got.docs.tolist(), got.exact.tolist(), got.coverage.tolist(), got.below.tolist(),
                        got.below_coverage.tolist(), [(h.notice_id, h.n, h.match) for h in result.hits]))
    assert answers[0] == answers[1]
    assert answers[0][0] or answers[0][3]
