"""The shortcuts ranking and facet listing take give exactly what the plain computation gives.

`top` picks a page from a sample-bounded set of candidates, scores are computed
for the matches only, and a long facet builds only the values it shows. Each is
checked here against the obvious way, on inputs built to hit its edges: many
equal scores, equal counts at a facet's cut, two segments.
"""

from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer import writers
from indexer.build import rebuild
from search_core.embedded import engine as embedded_engine
from search_core.embedded.ranking import TOP_SAMPLE, by_rank, top
from search_core.embedded.engine import EmbeddedBackend
from search_core.facets import BY_NAME
from search_core.results import SearchRequest


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


@pytest.fixture(scope="module")
def engine(data_dir, tmp_path_factory):
    """The shipped notices in two segments, so per-segment offsets are exercised."""
    index = tmp_path_factory.mktemp("two-segments")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "FILES_PER_WORKER", 2)
        rebuild(data_dir, index, procs=2)
    engine = EmbeddedBackend(index)
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
    monkeypatch.setattr(embedded_engine, "FACET_LIMIT", 2)
    for facet in engine.search(SearchRequest(q=q)).facets:
        full = every[facet.name]
        key = BY_NAME[facet.name].sort_key
        by_count = BY_NAME[facet.name].by_count
        top = sorted(full.values, key=lambda v: (-v.count, key(v.value)))
        # The two most common values: by count, or (years, levels) in their own order.
        expected = top[:2] if by_count else sorted(top[:2], key=lambda v: key(v.value))
        assert facet.values == expected and facet.available == full.available
        if len(full.values) < 3:
            continue
        chosen = top[-1]  # the least common value, selected: listed with the top 2 others
        narrowed = engine.search(SearchRequest(q=q, filters={facet.name: [chosen.value]}))
        shown = next(f for f in narrowed.facets if f.name == facet.name).values
        others = [v.value for v in top if v.value != chosen.value][:2]
        if by_count:  # the selected value first
            assert shown[0].value == chosen.value and shown[0].selected
            assert [v.value for v in shown[1:]] == others
        else:
            assert [v.value for v in shown] == sorted([chosen.value, *others], key=key)
            assert [v.value for v in shown if v.selected] == [chosen.value]
