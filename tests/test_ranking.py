"""The shortcuts ranking, matching and facets take give exactly what the plain computation gives.

`top` picks a page from a sample-bounded set of candidates, `common` and
`intersect` join sorted lists by search or by merge, `Strings.owners` finds a
position's paragraph from a block table, scores are computed for the matches
only, and a long facet builds only the values it shows. Each is checked here
against the obvious way, on inputs built to hit its edges: many equal scores,
tiny and empty lists, one-character strings, equal counts at a facet's cut.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import writers
from indexer.arrays import BLOCK_BITS, Strings
from indexer.build import rebuild
from search_app.matching import common, intersect
from search_app.ranking import TOP_SAMPLE, by_rank, top
from search_app import search
from search_app.search import Engine, SearchRequest
from search_app.snapshot import facet_sort_key


def reference_top(docs, scores, tiebreak, limit):
    order = np.lexsort((tiebreak[docs], -scores))
    return order if limit is None else order[:limit]


@settings(max_examples=60, deadline=None)
@given(size=st.integers(0, TOP_SAMPLE * 6), distinct=st.integers(1, 50), limit=st.sampled_from([None, 1, 20, 60, 400]),
       seed=st.integers(0, 2**32 - 1))
def test_top_returns_the_best_by_score_then_tie_break_whatever_the_ties(size, distinct, limit, seed):
    rng = np.random.default_rng(seed)
    docs = np.sort(rng.choice(size * 3 + 1, size=size, replace=False))
    # Few distinct values: most scores tie, as BM25's do for a common word.
    scores = rng.integers(0, distinct, size=size).astype(np.float32) / 7
    tiebreak = rng.permutation(size * 3 + 1).astype(np.int64)
    snap = SimpleNamespace(tiebreak=tiebreak)
    assert np.array_equal(top(snap, docs, scores, limit), reference_top(docs, scores, tiebreak, limit))


@settings(max_examples=40, deadline=None)
@given(size=st.integers(0, 3000), limit=st.sampled_from([None, 1, 20, 500]), seed=st.integers(0, 2**32 - 1))
def test_by_rank_returns_the_first_by_the_rank_array(size, limit, seed):
    rng = np.random.default_rng(seed)
    rank = rng.permutation(size * 2 + 1)
    docs = np.sort(rng.choice(size * 2 + 1, size=size, replace=False))
    expected = np.argsort(rank[docs], kind="stable")
    assert np.array_equal(by_rank(docs, rank, limit), expected if limit is None else expected[:limit])


sorted_sets = st.lists(st.integers(0, 500), max_size=300).map(lambda xs: np.array(sorted(set(xs)), dtype=np.int64))


@given(wanted=sorted_sets, postings=sorted_sets)
def test_common_finds_where_two_sorted_lists_agree_from_either_side(wanted, postings):
    held, at = common(wanted, postings)
    assert np.array_equal(wanted[held], postings[at])
    assert wanted[held].tolist() == sorted(set(wanted.tolist()) & set(postings.tolist()))


@given(small=sorted_sets, large=sorted_sets)
def test_intersect_merges_or_searches_to_the_same_values(small, large):
    small, large = small.astype(np.int32), large.astype(np.int32)
    assert intersect(small, large).tolist() == np.intersect1d(small, large).tolist()
    assert intersect(small[:3], large).tolist() == np.intersect1d(small[:3], large).tolist()  # searched


texts = st.lists(st.text(alphabet="巡察整改台账a，", max_size=3 << BLOCK_BITS), max_size=60)


@given(texts=texts, seed=st.integers(0, 2**32 - 1))
def test_owners_finds_the_string_holding_each_position(texts, seed):
    strings = Strings.build(texts)
    length = int(strings.starts[-1])
    if not length:
        return
    positions = np.random.default_rng(seed).integers(0, length, size=200)
    expected = np.searchsorted(strings.starts, positions, side="right") - 1
    assert np.array_equal(strings.owners(positions), expected)
    assert np.array_equal(strings.holding(np.sort(positions)), np.unique(expected))


@pytest.fixture(scope="module")
def engine(data_dir, tmp_path_factory):
    """The shipped notices in two segments, so per-segment offsets are exercised."""
    index = tmp_path_factory.mktemp("two-segments")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "FILES_PER_WORKER", 2)
        rebuild(data_dir, index, procs=2)
    engine = Engine(index)
    assert len(engine.snapshot().segments) == 2
    return engine


@pytest.mark.parametrize("q", ["整改", "巡察 整改", '"整改措施"', "台账 OR 差旅费", "整改 -台账"])
def test_a_paragraph_scores_the_same_whatever_else_matches(engine, q):
    """Scores are computed for the matches only: narrowing them must not change any score."""
    everything = {(h.notice_id, h.n): h.score for h in engine.all_hits(SearchRequest(q=q))}
    assert everything
    for facet in engine.search(SearchRequest(q=q)).facets:
        for value in facet.values[:2]:
            narrowed = list(engine.all_hits(SearchRequest(q=q, filters={facet.name: [value.value]})))
            assert narrowed and all(everything[(h.notice_id, h.n)] == h.score for h in narrowed)


@pytest.mark.parametrize("group", [False, True])
def test_pages_follow_the_order_of_all_hits(engine, group):
    request = dict(q="整改", per_page=7, group=group)
    order = [(h.notice_id, h.n) for h in engine.all_hits(SearchRequest(q="整改"))]
    if group:  # each notice's best paragraph, in the order notices first appear
        best = {}
        for notice, n in order:
            best.setdefault(notice, (notice, n))
        order = list(best.values())
    first = engine.search(SearchRequest(**request))
    paged = [(h.notice_id, h.n) for page in range(1, first.pages + 1)
             for h in engine.search(SearchRequest(page=page, **request)).hits]
    assert paged == order


@pytest.mark.parametrize("q", ["会议", "台账", "巡察"])  # each has facets with equal counts at the cut
def test_a_long_facet_lists_its_top_values_by_count_then_value(engine, q, monkeypatch):
    every = {f.name: f for f in engine.search(SearchRequest(q=q)).facets}
    monkeypatch.setattr(search, "FACET_LIMIT", 2)
    for facet in engine.search(SearchRequest(q=q)).facets:
        full = every[facet.name]
        expected = sorted(full.values, key=lambda v: (-v.count, facet_sort_key(facet.name, v.value)))[:2]
        assert facet.values == expected and facet.available == full.available
        if len(full.values) < 3:
            continue
        chosen = full.values[-1]  # the least common value, selected: listed first, then the top 2 others
        narrowed = engine.search(SearchRequest(q=q, filters={facet.name: [chosen.value]}))
        shown = next(f for f in narrowed.facets if f.name == facet.name).values
        assert shown[0].value == chosen.value and shown[0].selected
        assert [v.value for v in shown[1:]] == [v.value for v in full.values if v.value != chosen.value][:2]
