"""Properties of the parser on any input: it never raises, and it loses nothing.

"Nothing lost" means: the title, then the headings and paragraphs in document
order, reproduce the cleaned text exactly, whitespace aside. Headings are
compared as marker + text; the punctuation a heading text drops at its end
(the 。 of （一）高度重视统筹推进。) is the only thing allowed in between.
"""

import sys
from functools import lru_cache
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from indexer.parsing import clean_text, parse_text
from indexer.parsing.headings import TRAILING
from indexer.parsing.notice_parser import build
from indexer.parsing.script import simplify

NOTICES = sorted(Path(__file__).parent.joinpath("notices").glob("*/*.txt"))


def _squeeze(text):
    return "".join(text.split())


def assert_reproduces(notice, cleaned):
    """Consume the cleaned text with the title, then headings and paragraphs interleaved.

    Which piece comes next, and how much of a heading's dropped punctuation to
    skip, is found by search, so a wrong guess never hides a real loss.
    """
    rest = _squeeze(cleaned)
    if notice.title:
        title = _squeeze(notice.title)
        assert rest.startswith(title), f"title {notice.title!r} does not open the cleaned text"
        rest = rest[len(title):]
    headings = [_squeeze(h.marker + h.text) for h in notice.headings]
    paragraphs = [_squeeze(p.text) for p in notice.paragraphs]
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 4 * (len(headings) + len(paragraphs)) + 100))

    @lru_cache(maxsize=None)
    def walk(at, h, p):
        if h == len(headings) and p == len(paragraphs):
            return at == len(rest)
        if h < len(headings) and rest.startswith(headings[h], at):
            end = at + len(headings[h])
            skip = end
            while True:
                if walk(skip, h + 1, p):
                    return True
                if skip < len(rest) and rest[skip] in TRAILING:
                    skip += 1
                else:
                    break
        return p < len(paragraphs) and rest.startswith(paragraphs[p], at) and walk(at + len(paragraphs[p]), h, p + 1)

    assert walk(0, 0, 0), f"title, headings and paragraphs do not add up to the cleaned text {cleaned[:200]!r}"


@pytest.mark.parametrize("path", NOTICES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_real_notices_lose_nothing(path):
    text = path.read_text(encoding="utf-8")
    assert_reproduces(build(text, path.name, "0" * 16), clean_text(text))


# Pieces of real notices, so random texts hit the parser's rules, not just its edges.
_PIECES = [
    "一、", "（一）", "(二)", "1.", "2、", "（3）", "①", "问题1：", "一是", "整改情况：", "。", "，", "：", "“", "”",
    "\n", "\n\n", " ", "\u3000", "根据区委统一部署，", "2023年8月24日至10月23日，", "市委第一巡察组", "反馈了巡察意见。",
    "关于巡察整改进展情况的通报", "中共XX局党组", "当前位置：首页 > 新闻", "来源:本网 更新时间:2023-12-15", "朗读",
    "欢迎广大干部群众监督。联系电话：0431-84648916", "2023621", "下一步工作打算", "[bookmark: _GoBack]", "根據(jù)",
    "高度重视统筹推进", "目前", "情况", "方面", "问题", "。一、", "。（二）", "核心提示:", "•", "【巡察整改】",
]
_text = st.lists(st.one_of(st.sampled_from(_PIECES), st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
@example("")
@example("\x00\ud800\r\n\u2028一、")
@example("一、\n（一）。\n1.")
def test_parse_text_never_raises_and_loses_nothing(text):
    notice = build(text, "t.txt", "0" * 16)
    assert_reproduces(notice, clean_text(text))
    assert parse_text(text).id


@settings(max_examples=200, deadline=None)
@given(st.text())
def test_parse_text_survives_any_string(text):
    notice = parse_text(text)
    assert notice.to_dict()["id"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=80))
def test_simplified_shadow_is_aligned(text):
    assert len(simplify(text)) == len(text)


def test_simplified_shadow_of_traditional_text():
    assert simplify("根據區委統一部署，第一巡察組進行了巡察") == "根据区委统一部署，第一巡察组进行了巡察"
