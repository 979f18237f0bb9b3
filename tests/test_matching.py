"""Matching: the exact-substring guarantee, and the sorted-list joins it is built on.

For any string of CJK characters or digits: a quoted query returns exactly the
paragraphs whose folded text contains it, and a plain word finds every one of
them (and may add paragraphs whose headings contain it), checked against a
plain scan of the indexed paragraphs. Samples are drawn from the shipped
notices, whatever jieba made of their context. Below, the shortcuts matching
takes (`common` and `intersect` join sorted lists by search or by merge,
`Strings.owners` finds a position's paragraph from a block table) are checked
against the obvious way, on inputs built to hit their edges.
"""

import unicodedata
from itertools import groupby

import numpy as np
import opencc
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from indexer import catalog, store
from indexer.analysis import words
from indexer.folding import fold
from indexer.arrays import BLOCK_BITS
from indexer.schema import HEADING_SEPARATOR
from search_core.embedded.engine import EmbeddedBackend
from search_core.embedded.matching import common, intersect
from search_core.embedded.segment import Strings
from search_core.results import SearchRequest


def is_cjk_or_digit(char):
    return char.isdigit() or unicodedata.name(char, "").startswith("CJK UNIFIED IDEOGRAPH")


@pytest.fixture(scope="module")
def engine(index_dir):
    return EmbeddedBackend(index_dir)


@pytest.fixture(scope="module")
def indexed(index_dir):
    """The paragraphs of the live generation, read from its notices file, not through the engine."""
    gen, _marker = store.open_generation(index_dir)
    return [(notice["id"], p) for notice in catalog.every_notice(gen) for p in notice["paragraphs"]]


@pytest.fixture(scope="module")
def paragraphs(indexed):
    """(notice id, n, folded text, folded headings) of every indexed paragraph."""
    return [(i, p["n"], fold(p["text"]), fold(HEADING_SEPARATOR.join(p["headings"]))) for i, p in indexed]


@pytest.fixture(scope="module")
def originals(indexed):
    """Every maximal run of CJK characters and digits in the paragraphs' text, as written."""
    return ["".join(run) for _i, p in indexed for is_run, run in groupby(p["text"], is_cjk_or_digit) if is_run]


def scan(paragraphs, query, headings=False):
    needle = fold(query)
    return {(i, n) for i, n, text, heads in paragraphs if needle in text or (headings and needle in heads)}


def found(engine, query):
    """The paragraphs that match the query exactly (partial matches are the best-match tier, not matching)."""
    request = SearchRequest(q=query, per_page=100)
    keys = {(hit.notice_id, hit.n) for hit in engine.all_hits(request) if hit.match == "exact"}
    assert engine.search(request).exact == len(keys)
    return keys


@st.composite
def substrings(draw, originals):
    run = draw(st.sampled_from(originals))
    length = draw(st.integers(1, min(6, len(run))))
    start = draw(st.integers(0, len(run) - length))
    return run[start:start + length]


TO_TRADITIONAL = opencc.OpenCC("s2t")
FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def test_quoted_substrings_return_exactly_the_paragraphs_containing_them(engine, paragraphs, originals):
    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(substrings(originals))
    def check(sub):
        assert found(engine, f'"{sub}"') == scan(paragraphs, sub)

    check()


def test_any_quoted_slice_of_a_paragraph_returns_exactly_the_paragraphs_containing_it(engine, paragraphs,
                                                                                        indexed):
    """Any 1–8 characters of a paragraph as written (punctuation, Latin, digits and all) find exactly its like."""
    texts = [p["text"] for _i, p in indexed]

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(st.data())
    def check(data):
        text = texts[data.draw(st.integers(0, len(texts) - 1), label="paragraph")]
        length = data.draw(st.integers(1, min(8, len(text))), label="length")
        start = data.draw(st.integers(0, len(text) - length), label="start")
        sub = text[start:start + length]
        assume(not any(c.isspace() or c in '"“”' for c in sub))
        assert found(engine, f'"{sub}"') == scan(paragraphs, sub)

    check()


def test_traditional_and_full_width_spellings_find_the_same_paragraphs(engine, paragraphs, originals):
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(substrings(originals))
    def check(sub):
        for spelling in (TO_TRADITIONAL.convert(sub), sub.translate(FULL_WIDTH)):
            assert found(engine, f'"{spelling}"') == scan(paragraphs, spelling)
            if fold(spelling) == fold(sub):
                assert scan(paragraphs, spelling) == scan(paragraphs, sub)

    check()


def test_plain_words_find_every_paragraph_containing_them(engine, paragraphs, originals):
    @settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(substrings(originals))
    def check(sub):
        hits = found(engine, sub)
        assert scan(paragraphs, sub) <= hits <= scan(paragraphs, sub, headings=True)

    check()


@pytest.mark.parametrize("query", ["巡察组", "的", "3", "和", "整改", "三重一大", "2023年", "反馈"])
def test_words_jieba_cuts_differently_in_context_are_always_found(engine, paragraphs, query):
    expected = scan(paragraphs, query)
    assert expected
    assert found(engine, f'"{query}"') == expected


def test_a_traditional_query_finds_simplified_text_and_back(engine, paragraphs):
    assert found(engine, '"巡察組"') == found(engine, '"巡察组"') == scan(paragraphs, "巡察组") != set()
    assert found(engine, '"１２"') == found(engine, '"12"') != set()


def test_ranking_puts_a_whole_word_match_first(engine):
    result = engine.search(SearchRequest(q="整改", per_page=100))
    scores = [hit.score for hit in result.hits]
    assert scores == sorted(scores, reverse=True) and scores[0] > scores[-1]
    top = result.hits[0]
    assert "整改" in words(top.text) + words(" ".join(top.headings)) + words(top.title)


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
