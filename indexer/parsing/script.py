"""A simplified-script shadow of the text, aligned character for character.

Some notices are mirrored in traditional script (區委第一巡察組). Stored text keeps
the script it was written in, but every pattern in the parser is written in
simplified characters, so the parser matches on a simplified copy and cuts the
original at the same offsets. That only works if both copies have the same
length at every position, which OpenCC's phrase conversion does not promise.
"""

from functools import lru_cache

import opencc


@lru_cache(maxsize=1)
def _converter():
    return opencc.OpenCC("t2s")


def simplify(text):
    """Return `text` in simplified script, with exactly one character per original character."""
    convert = _converter().convert
    simple = convert(text)
    if len(simple) == len(text):
        return simple
    # Rare phrase conversions change length; fall back to character by character,
    # keeping any character the converter turns into something of another length.
    out = []
    for char in text:
        mapped = convert(char) if char > "\x7f" else char
        out.append(mapped if len(mapped) == 1 else char)
    return "".join(out)
