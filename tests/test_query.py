"""The search box syntax: how `search_core.query.parse` reads what people type, and never raises."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search_core.query import PHRASE_FIELDS, WORD_FIELDS, Term, parse, term_pattern


def shape(query):
    """The query as plain data: clauses of (text, fields, phrase), exclusions, notes."""
    def term(t):
        return (t.text, t.fields, t.phrase)
    return [[term(t) for t in clause] for clause in query.clauses], [term(t) for t in query.excluded], query.notes


def test_words_are_anded_and_search_text_and_headings():
    assert shape(parse("差旅费  报销")) == (
        [[("差旅费", WORD_FIELDS, False)], [("报销", WORD_FIELDS, False)]], [], [])


def test_a_quoted_phrase_searches_the_text_only_and_keeps_its_spaces():
    assert shape(parse('"固定资产 未入账" 台账')) == (
        [[("固定资产 未入账", PHRASE_FIELDS, True)], [("台账", WORD_FIELDS, False)]], [], [])
    assert shape(parse("“三重一大”")) == ([[("三重一大", PHRASE_FIELDS, True)]], [], [])


def test_or_joins_neighbours_into_one_clause():
    clauses, _, notes = shape(parse("差旅费 OR 公务用车 OR 公车 报销"))
    assert [[t[0] for t in clause] for clause in clauses] == [["差旅费", "公务用车", "公车"], ["报销"]]
    assert notes == []


def test_a_minus_excludes_a_word_or_phrase():
    assert shape(parse('意识形态 -舆情 －"网络阵地"')) == (
        [[("意识形态", WORD_FIELDS, False)]],
        [("舆情", WORD_FIELDS, False), ("网络阵地", PHRASE_FIELDS, True)], [])


def test_scopes_search_the_title_or_the_unit():
    clauses, _, notes = shape(parse("标题:文联 单位：文旅局 title:巡察"))
    assert clauses == [[("文联", ("title",), False)], [("文旅局", ("issuer",), False)], [("巡察", ("title",), False)]]
    assert notes == []


@pytest.mark.parametrize("text, note", [
    ('"三重一大', "引号未配对"),
    ("OR 差旅费", "开头的 OR 已忽略"),
    ("差旅费 OR", "末尾的 OR 已忽略"),
    ("差旅费 OR -报销", "OR 后面是排除词"),
    ("标题:", "后面没有词"),
    ("作者:张三", "不是可用的范围"),
    ("-舆情", "只有排除词时"),
])
def test_odd_input_is_read_and_explained(text, note):
    query = parse(text)
    assert any(note in sentence for sentence in query.notes), query.notes


def test_a_colon_that_is_no_scope_stays_in_the_word():
    clauses, _, _ = shape(parse("9:00"))
    assert clauses == [[("9:00", WORD_FIELDS, False)]]


def test_describe_writes_the_query_back_in_the_box_syntax():
    assert parse('差旅费 OR 公车 "固定 资产" 标题:文联 -舆情').describe() == '差旅费 OR 公车 "固定 资产" 标题:文联 -舆情'


def test_an_empty_box_is_an_empty_query():
    assert parse("   ").empty and parse(None).empty


def test_a_term_pattern_allows_any_whitespace_between_its_parts_and_folds():
    pattern = term_pattern("固定資產 未入賬")
    assert pattern.search("固定资产未入账")
    assert pattern.search("固定资产 \u3000 未入账")
    assert pattern.search("固定资产，未入账") is None
    assert term_pattern("ＡＢＣ").pattern == "abc"


@given(st.text(alphabet='差旅费 "“”-－OR:：标题单位', max_size=40))
def test_parsing_never_raises_and_every_term_has_text(text):
    query = parse(text)
    assert all(isinstance(t, Term) and t.text.strip() for t in query.positive_terms() + query.excluded)
