"""Tokenising: jieba word cuts in Whoosh's tokenizer/filter style, over folded text.

Why not jieba's own `ChineseAnalyzer`: it numbers positions by character (phrase
queries never match), drops single characters, digits and stop words, and stems
ASCII. Here positions count tokens, offsets point into the original text (for
highlighting), and nothing is dropped but whitespace and punctuation.

Folding (`fold`) maps each character to one character: NFKC (full-width →
half-width), traditional → simplified, lower case. Because it never changes the
length, an offset in folded text is the same offset in the stored original, and
the same function serves the index, the query and the exact-substring scan.

The analyzer classes are pickled into the index schema, so they must stay at
this import path. Nothing machine-specific is pickled: the jieba dictionary is
loaded lazily in whichever process first tokenises (spawned writers included).
"""

import logging
import threading
import unicodedata
from functools import lru_cache

import jieba
from whoosh.analysis import Filter, Token, Tokenizer

from . import settings

_jieba = None
_jieba_lock = threading.Lock()


def jieba_tokenizer():
    """The process's one jieba tokenizer, with the project's user dictionary loaded."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                user_dict = settings.get("USER_DICT")
                if user_dict.exists():
                    tokenizer.load_userdict(str(user_dict))
                _jieba = tokenizer
    return _jieba


@lru_cache(maxsize=None)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


_fold_table = {}  # ord(char) -> folded char, filled as new characters are met


def _fold_char(char):
    folded = unicodedata.normalize("NFKC", char)
    if len(folded) != 1:
        folded = char
    return folded.lower() if len(folded.lower()) == 1 else folded


def fold(text):
    """Normalise for matching without changing the length: NFKC, t2s, lower case.

    Characters are converted one by one (cached in a translate table), so the
    result aligns character for character with the input.
    """
    missing = {c for c in set(text) if ord(c) not in _fold_table}
    if missing:
        chars = sorted(missing)
        nfkc = [_fold_char(c) for c in chars]
        # One character per line, so t2s cannot merge neighbours into a phrase;
        # line breaks themselves must stay out of the batch.
        batch = [n for n in nfkc if n != "\n"]
        simplified = dict(zip(batch, _converter().convert("\n".join(batch)).split("\n")))
        for char, n in zip(chars, nfkc):
            s = simplified.get(n, n)
            _fold_table[ord(char)] = s if len(s) == 1 else n
    return text.translate(_fold_table)


def _is_word(text):
    """True when a token holds at least one letter, digit or CJK character."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


class JiebaTokenizer(Tokenizer):
    """Cut folded text with jieba; positions by token, offsets into the original."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, value, positions=False, chars=False, keeporiginal=False,
                 removestops=True, start_pos=0, start_char=0, tokenize=True,
                 mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        folded = fold(value)
        if not tokenize:
            token.original = token.text = folded
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar, token.endchar = start_char, start_char + len(value)
            yield token
            return
        pos = start_pos
        for word, start, end in jieba_tokenizer().tokenize(folded, HMM=True):
            if not _is_word(word):
                continue
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            pos += 1
            yield token


class StripFilter(Filter):
    """Drop surrounding whitespace jieba sometimes leaves on mixed tokens."""

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            token.text = token.text.strip()
            if token.text:
                yield token


def ChineseAnalyzer():
    """The analyzer of every full-text field: jieba cuts of folded text, nothing stemmed or stopped."""
    return JiebaTokenizer() | StripFilter()


def words(text):
    """The jieba words of `text` as the index sees them (used to analyse queries)."""
    return [t.text for t in ChineseAnalyzer()(text)]
