"""Reading what people type: role words as a role preference, long words as concepts with synonyms."""

import pytest

from search_core.interpret import interpret
from search_core.query import parse


def read(text, synonyms=True):
    plan = interpret(parse(text), use_synonyms=synonyms)
    clauses = [[t.text for t in c.terms] for c in plan.clauses]
    concepts = [[[(c.text, c.alternatives) for c in concepts] for concepts in clause.concepts]
                for clause in plan.clauses]
    return plan, clauses, concepts


@pytest.mark.parametrize("text, clauses, role", [
    ("差旅费 整改措施", [["差旅费"]], "整改措施"),
    ("三重一大 如何整改", [["三重一大"]], "整改措施"),
    ("三重一大怎么整改", [["三重一大"]], "整改措施"),
    ("意识形态 存在问题", [["意识形态"]], "问题"),
    ("理论学习 下一步", [["理论学习"]], "下一步计划"),
    ("固定资产没入账怎么整改的", [["固定资产没入账"]], "整改措施"),
    ("差旅费 整改成效", [["差旅费"]], "整改成效"),
])
def test_role_words_become_a_preference_not_text(text, clauses, role):
    plan, got, _ = read(text)
    assert got == clauses and plan.roles == [role]
    assert plan.role_words


def test_a_role_word_alone_is_searched_as_typed():
    plan, clauses, _ = read("整改措施")
    assert clauses == [["整改措施"]] and plan.roles == []


def test_filler_words_of_a_question_are_left_out():
    _, clauses, concepts = read("差旅费 的")
    assert clauses == [["差旅费"]]
    _, _, concepts = read("哪些单位的三重一大")
    assert [c for c, _ in concepts[0][0]] == ["三重一大"]


def test_a_colloquial_word_brings_the_official_ones():
    _, clauses, concepts = read("公款吃喝")
    assert clauses == [["公款吃喝"]]
    [[[(text, alternatives)]]] = concepts
    assert text == "公款吃喝" and "违规公务接待" in alternatives


def test_a_long_word_is_read_as_its_concepts():
    _, _, concepts = read("固定资产没入账")
    assert [c for c, _ in concepts[0][0]] == ["固定资产", "没入账"]
    assert "未入账" in dict(concepts[0][0])["没入账"]


def test_without_synonyms_nothing_is_added():
    plan, _, concepts = read("公款吃喝 小金库", synonyms=False)
    assert plan.expansions() == [] and all(not alt for clause in concepts for term in clause for _, alt in term)


def test_quoted_phrases_and_scoped_words_are_taken_as_typed():
    plan, clauses, concepts = read('"公款吃喝" 标题:文联 差旅费')
    assert clauses == [["公款吃喝"], ["文联"], ["差旅费"]]
    assert concepts[0] == [] and concepts[1] == [] and concepts[2]
    assert [c.strict for c in plan.clauses] == [True, True, False]


def test_expansions_list_each_concept_once_in_query_order():
    plan, _, _ = read("小金库 公车 小金库")
    assert [word for word, _ in plan.expansions()] == ["小金库", "公车"]


@pytest.mark.parametrize("text, figures, concepts", [
    ("巡察组反馈了多少问题", ("多少", "问题"), ["巡察组", "反馈"]),
    ("差旅费退回多少个问题", ("多少", "问题"), ["差旅费", "退回"]),
    ("处分了几人", ("几人", ""), ["处分"]),
])
def test_a_figure_word_asks_for_figures_and_is_not_text(text, figures, concepts):
    plan, _, read_concepts = read(text)
    assert plan.figures == figures
    assert [c for c, _ in read_concepts[0][0]] == concepts
    assert any(figures[0] in note for note in plan.notes)


def test_a_query_without_a_figure_word_asks_for_none():
    plan, _, _ = read("差旅费 整改措施")
    assert plan.figures is None and not plan.notes


def test_figure_words_alone_are_searched_as_typed_and_the_first_one_typed_is_read():
    plan, clauses, _ = read("多少")
    assert clauses == [["多少"]] and plan.figures is None and not plan.notes
    plan, _, _ = read("差旅费比例金额多少")
    assert plan.figures[0] == "比例"
