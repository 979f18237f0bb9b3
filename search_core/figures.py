"""Questions of how many or how much, and the paragraphs that answer them with a figure.

`巡察组反馈了多少问题` is answered by 反馈问题25个、已完成整改19个 or 指出3方面13个问题,
not by the opening paragraph that says the inspection group fed back its
opinions. Nothing in the words 多少问题 tells those apart, but the figure does:
a number with a measure word (25个, 7.132万元, 76%). A query holding a figure
word ([figures] in the query words file) therefore ranks paragraphs that state
figures above those that do not, and a figure of the thing asked about
(多少问题: 25个问题, 问题25个) above any figure. Only the best matches are read
for it (`POOL`), so the cost does not grow with the index.
"""

import functools
import re
from dataclasses import dataclass

from indexer.analysis import words

#: A figure: Arabic digits (after folding), maybe with decimals, and a measure word or a percent sign.
#: Chinese numerals are left out: 四个意识 and 两个维护 are slogans, not counts.
NUMBER = r"\d+(?:\.\d+)?\s*"
MEASURE = r"(?:%|％|个|项|条|名|人|次|件|家|笔|起|批|户|处|份|篇|场|期|万元|亿元|元|余)"
FIGURE = re.compile(NUMBER + MEASURE)
#: Characters that may stand between a figure and the thing counted (34个具体问题, 问题整改5个).
GAP = r"[^，。；、,.;\d]{0,6}?"
#: Words between a figure word and the thing counted that are not it (多少个问题).
FILLER = {"的", "了", "个", "项", "条"}
#: How many of the best matches are read for figures.
POOL = 200
#: The score of a match stating a figure of the thing asked about, and of one stating any figure, times these.
COUNTED_BOOST, FIGURE_BOOST = 3.0, 1.5


def asked(text, figure_words):
    """(figure word, the thing counted or "") of a folded query word that asks how many, else None.

    The thing counted is the first jieba word after the figure word, filler
    left out (多少问题 -> 问题, 多少个问题 -> 问题).
    """
    found = sorted((text.find(word), -len(word), word) for word in figure_words if word in text)
    if not found:
        return None
    at, _, word = found[0]  # the first in the text, the longest there
    after = [w for w in words(text[at + len(word):]) if w not in FILLER]
    return word, (after[0] if after and after[0].isalnum() else "")


def boost(text, counted):
    """How much a paragraph's folded text answers a how-many question: COUNTED_BOOST, FIGURE_BOOST or 1."""
    if not FIGURE.search(text):
        return 1.0
    return COUNTED_BOOST if counted and _counted(counted).search(text) else FIGURE_BOOST


@functools.lru_cache(maxsize=64)
def _counted(thing):
    """A figure of `thing`: 25个问题, 34个具体问题, 20人 (the thing its own measure), 问题整改5个."""
    thing = re.escape(thing)
    return re.compile(f"{NUMBER}(?:{MEASURE}{GAP})?{thing}|{thing}{GAP}{FIGURE.pattern}")


@dataclass(frozen=True)
class Mark:
    """What a hit marks besides the query's words when the query asks how many: every figure of its text
    (`highlight.spans` reads `pattern` where a query term has a text)."""

    pattern: re.Pattern = FIGURE
    fields: tuple = ("text",)


MARK = Mark()
