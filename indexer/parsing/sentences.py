"""Sentences of a paragraph, cut where a reader would stop: after 。！？；, never inside quotes.

A quoted problem (针对“…有差距。部分党员…”问题。) is one sentence however many
stops it quotes; quotes nest (“执行“三重一大”制度”). A quote or bracket that is
never closed protects nothing, so one stray “ does not glue a paragraph into
a single sentence.
"""

_STOPS = set("。！？!?；;")
_PAIRS = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》", "〈": "〉", "（": "）", "(": ")", "【": "】", "[": "]"}
_TOGGLES = {'"'}  # the same character opens and closes


def _protected(text):
    """Per character: is it inside a quote or bracket that closes?"""
    inside = [False] * len(text)
    stack = []  # (expected closer, position of the opener)
    for i, char in enumerate(text):
        if stack and char == stack[-1][0]:
            _, start = stack.pop()
            for k in range(start + 1, i):
                inside[k] = True
            continue
        if char in _TOGGLES:
            stack.append((char, i))
        elif char in _PAIRS:
            stack.append((_PAIRS[char], i))
        else:
            # A closer that closes an outer quote: the quotes between never closed.
            for depth in range(len(stack) - 2, -1, -1):
                if char == stack[depth][0]:
                    _, start = stack[depth]
                    del stack[depth:]
                    for k in range(start + 1, i):
                        inside[k] = True
                    break
    return inside


def spans(text):
    """[(start, end)] of the sentences of `text`, stops included, blank ones left out."""
    inside = _protected(text)
    found, start = [], 0
    for i, char in enumerate(text):
        if char in _STOPS and not inside[i]:
            if text[start:i + 1].strip(" \u3000" + "".join(_STOPS)):
                found.append((start, i + 1))
            start = i + 1
    if text[start:].strip():
        found.append((start, len(text)))
    return found


def split(text):
    """The sentences of `text`, as strings."""
    return [text[a:b] for a, b in spans(text)]
