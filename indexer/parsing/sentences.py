"""Sentences of a paragraph, cut where a reader would stop: after 。！？；, never inside quotes.

A quoted problem (针对“…有差距。部分党员…”问题。) is one sentence however many
stops it quotes; quotes nest (“执行“三重一大”制度”). A quote or bracket that is
never closed protects nothing, so one stray “ does not glue a paragraph into
a single sentence.
"""

import re
from functools import lru_cache

_STOPS = "。！？!?；;"
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
_TOGGLES = '"'  # the same character opens and closes
_CLOSERS = set(_PAIRS.values())
_SPECIAL = re.compile("[" + re.escape(_STOPS + "".join(_PAIRS) + "".join(_CLOSERS) + _TOGGLES) + "]")


def _quoted(text):
    """(stop positions, [(start, end)] of the quotes and brackets that close), from the special characters only."""
    stack, quoted, stops = [], [], []
    for m in _SPECIAL.finditer(text):
        char, at = m[0], m.start()
        if char in _STOPS:
            stops.append(at)
        elif stack and char == stack[-1][0]:
            quoted.append((stack.pop()[1], at))
        elif char in _TOGGLES:
            stack.append((char, at))
        elif char in _PAIRS:
            stack.append((_PAIRS[char], at))
        else:
            # A closer that closes an outer quote: the quotes opened since never closed.
            for depth in range(len(stack) - 2, -1, -1):
                if char == stack[depth][0]:
                    quoted.append((stack[depth][1], at))
                    del stack[depth:]
                    break
    return stops, quoted


@lru_cache(maxsize=4096)
def spans(text):
    """((start, end), ...) of the sentences of `text`, stops included, blank ones left out."""
    stops, quoted = _quoted(text)
    found, start = [], 0
    for at in stops:
        if any(a < at < b for a, b in quoted):
            continue
        if text[start:at + 1].strip(" \u3000" + _STOPS):
            found.append((start, at + 1))
        start = at + 1
    if text[start:].strip():
        found.append((start, len(text)))
    return tuple(found)


def split(text):
    """The sentences of `text`, as strings."""
    return [text[a:b] for a, b in spans(text)]
