"""The judged relevance set (bench/relevance/) is whole: its grades point at real paragraphs.

Only the set's integrity is checked here, never a score: the scores are what
bench/relevance/evaluate.py measures.
"""

import hashlib
import json
import tomllib
from pathlib import Path

import pytest

from indexer.parsing import parse_file

ROOT = Path(__file__).resolve().parents[1]
RELEVANCE = ROOT / "bench" / "relevance"
NOTICES = Path(__file__).parent / "notices"
KINDS = {"topic", "colloquial", "reworded", "role", "variant", "typo", "heading_phrase", "operator", "question"}


#: Each set: its folder and the folders of its notices. The held-out set was written and graded after ranking
#: was tuned on the other (bench/relevance/heldout/README.md).
SETS = {"judged": (RELEVANCE, [NOTICES / "complete", NOTICES / "web"]),
        "heldout": (RELEVANCE / "heldout", [RELEVANCE / "heldout" / "notices"])}


@pytest.fixture(scope="module", params=sorted(SETS))
def judged_set(request):
    return SETS[request.param]


@pytest.fixture(scope="module")
def queries(judged_set):
    with open(judged_set[0] / "queries.toml", "rb") as f:
        return tomllib.load(f)["query"]


@pytest.fixture(scope="module")
def judgments(judged_set):
    lines = (judged_set[0] / "judgments.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


@pytest.fixture(scope="module")
def corpus(judged_set):
    """{(notice id, SHA-1 of the text, first 12 hex): text} of the judged notices as parsed today."""
    paths = [path for folder in judged_set[1] for path in sorted(folder.glob("*.txt"))]
    found = {}
    for path in paths:
        notice = parse_file(path)
        for p in notice.paragraphs:
            found[(notice.id, hashlib.sha1(p.text.encode("utf-8")).hexdigest()[:12])] = p.text
    return found


def test_enough_queries_each_with_an_id_a_kind_and_a_need(queries):
    assert len(queries) >= 40
    ids = [q["id"] for q in queries]
    assert len(ids) == len(set(ids))
    assert {q["kind"] for q in queries} <= KINDS
    assert all(q["q"].strip() and q["need"].strip() for q in queries)


def test_every_judged_paragraph_exists_in_the_parsed_corpus(judgments, corpus):
    missing = [(j["qid"], j["source"], j["n"], j["prefix"]) for j in judgments
               if (j["notice_id"], j["key"]) not in corpus]
    assert missing == []
    assert all(corpus[(j["notice_id"], j["key"])].startswith(j["prefix"]) for j in judgments)


def test_grades_are_0_1_or_2_for_known_queries_once_each(queries, judgments):
    by_id = {q["id"]: q["q"] for q in queries}
    assert {j["grade"] for j in judgments} <= {0, 1, 2}
    assert all(j["qid"] in by_id and j["query"] == by_id[j["qid"]] for j in judgments)
    keys = [(j["qid"], j["notice_id"], j["key"]) for j in judgments]
    assert len(keys) == len(set(keys))


def test_each_query_has_a_grade_2_paragraph_unless_marked_no_answer(queries, judgments):
    with_answer = {j["qid"] for j in judgments if j["grade"] == 2}
    lacking = [q["id"] for q in queries if not q.get("no_answer") and q["id"] not in with_answer]
    marked_but_answered = [q["id"] for q in queries if q.get("no_answer") and q["id"] in with_answer]
    assert lacking == []
    assert marked_but_answered == []
