"""Tokenising: jieba word cuts in Whoosh's tokenizer/filter style, over folded text.

Why not jieba's own `ChineseAnalyzer`: it numbers positions by character (phrase
queries never match), drops single characters, digits and stop words, and stems
ASCII. Here positions count words, offsets point into the original text (for
highlighting), and nothing is dropped but whitespace and punctuation.

jieba cuts folded text (`indexer.folding`: one character for one, so offsets
in folded text are offsets in the original).

Matching does not depend on these cuts (the engine scans folded text for the
exact substring); ranking does. jieba cuts the same word differently in
different contexts, and the user dictionary keeps compounds such as 整改措施
whole, so in paragraph text each long word also yields the dictionary words
inside it (整改, 措施) at the same position, at half weight: a query for 整改
still scores paragraphs that only say 整改措施, below those that use the word on
its own.

The analyzer classes are pickled into the index schema, so they must stay at
this import path. Nothing machine-specific is pickled: the jieba dictionary is
loaded lazily in whichever process first tokenises (spawned writers included),
from the `USER_DICT` setting, and every word of the synonyms file (`SYNONYMS`)
is added to it, so a word a search expands to is cut whole like a typed one.
"""

import logging
import marshal
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

import jieba
from whoosh.analysis import Filter, Token, Tokenizer

from . import settings, synonyms
from .errors import UserDictError
from .folding import fold

#: Weight of a dictionary word found inside a longer word, relative to a whole word.
SUBWORD_BOOST = 0.5

_jieba = None
_jieba_lock = threading.Lock()


def jieba_tokenizer():
    """The process's one jieba tokenizer, with the project's user dictionary loaded."""
    global _jieba
    if _jieba is None:
        with _jieba_lock:
            if _jieba is None:
                jieba.setLogLevel(logging.WARNING)
                jieba.marshal = _WholeFileMarshal
                tokenizer = jieba.Tokenizer()
                tokenizer.initialize()
                entries = user_words(settings.get("USER_DICT"))
                for word, freq, tag in entries:
                    tokenizer.add_word(word, freq, tag)
                listed = {word for word, _freq, _tag in entries}
                for word in synonyms.get().words():
                    if word not in listed:
                        tokenizer.add_word(word)  # with the frequency that keeps it whole
                _jieba = tokenizer
    return _jieba


class _WholeFileMarshal:
    """`marshal` for jieba, reading its dictionary cache in one piece.

    jieba (0.42.1) loads its prefix dictionary with `marshal.load(file)`, which
    reads the 9 MB cache in small pieces: 0.9 s here, against 0.3 s for
    `marshal.loads` of the whole file. That half second is paid by every
    process that cuts text, and was a quarter of `notice-index update`'s time.
    """

    dump = staticmethod(marshal.dump)
    dumps = staticmethod(marshal.dumps)
    loads = staticmethod(marshal.loads)

    @staticmethod
    def load(file):
        return marshal.loads(file.read())


_USER_LINE = re.compile(r"^(?P<word>\S+)(?:\s+(?P<freq>\S+))?(?:\s+(?P<tag>[A-Za-z]+))?$")


def user_words(path):
    """(word, frequency or None, tag or None) for each entry of a user dictionary file.

    The format is jieba's (`word [frequency] [tag]`, one a line) plus blank lines
    and `#` comments. Words are folded, because jieba cuts folded text.
    """
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise UserDictError(f"{path}: jieba user dictionary not found; set NOTICE_SEARCH_USER_DICT "
                            "to an existing file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserDictError(f"Cannot read the jieba user dictionary {path} ({exc}); "
                            "fix the file or point NOTICE_SEARCH_USER_DICT elsewhere.") from None
    entries = []
    for number, line in enumerate(lines, 1):
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        match = _USER_LINE.match(line)
        freq = match and match["freq"]
        if not match or (freq and not freq.isdigit()):
            raise UserDictError(f"{path} line {number}: {line!r} is not `word [frequency] [tag]` "
                                "(a word without spaces, then an optional whole number and "
                                "part-of-speech tag); fix or remove the line.")
        entries.append((fold(match["word"]), int(freq) if freq else None, match["tag"]))
    return entries


def _is_word(text):
    """True when a cut holds at least one letter, digit or CJK character."""
    return any(unicodedata.category(c)[0] in "LN" for c in text)


def _cut(folded):
    """jieba's words of folded text with their offsets, punctuation and spaces left out.

    jieba cuts each run of CJK characters, letters and digits on its own (its
    `re_han_default` blocks) and yields every other character singly; this does
    the same, but remembers the cuts of recent blocks. Notices are formulaic
    (一是, 整改情况：已完成, 针对“…”问题, the closing address), and cutting is the
    slowest step of indexing.
    """
    words, done = [], 0
    for block in jieba.re_han_default.finditer(folded):
        words += _singles(folded, done, block.start())
        start = block.start()
        words += [(word, start + s, start + e) for word, s, e in _cut_block(block.group())]
        done = block.end()
    words += _singles(folded, done, len(folded))
    return words


def _singles(text, start, end):
    return [(c, i, i + 1) for i, c in enumerate(text[start:end], start) if _is_word(c)]


@lru_cache(maxsize=1 << 17)
def _cut_block(block):
    return tuple((word, s, e) for word, s, e in jieba_tokenizer().tokenize(block) if _is_word(word))


class JiebaTokenizer(Tokenizer):
    """Cut folded text with jieba; positions count words, offsets point into the original."""

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
        for pos, (word, start, end) in enumerate(_cut(folded), start_pos):
            token.text = word
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = value[start:end]
            if positions:
                token.pos = pos
            if chars:
                token.startchar, token.endchar = start_char + start, start_char + end
            yield token


class SubwordFilter(Filter):
    """At index time, follow each long word with the dictionary words inside it.

    The inner words take the outer word's position (so phrases of whole words
    still match) and `SUBWORD_BOOST` as weight (so a whole-word match ranks
    higher). Queries are not expanded: a query word is looked up as cut.
    """

    def __eq__(self, other):
        return type(self) is type(other)

    def __call__(self, tokens):
        for token in tokens:
            yield token
            if token.mode != "index" or len(token.text) < 3:
                continue
            start = token.startchar if token.chars else 0
            for sub, offset in _subwords(token.text):
                token.text = sub
                token.boost = SUBWORD_BOOST
                if token.chars:
                    token.startchar, token.endchar = start + offset, start + offset + len(sub)
                yield token


@lru_cache(maxsize=65536)
def _subwords(word):
    """(dictionary word, offset) for every shorter dictionary word of two or more characters inside `word`."""
    freq = jieba_tokenizer().FREQ
    return tuple((word[i:j], i) for i in range(len(word) - 1) for j in range(i + 2, len(word) + 1)
                 if j - i < len(word) and freq.get(word[i:j]))


def inner_words(word):
    """The shorter dictionary words inside `word` (虚报冒领: 虚报, 冒领), longest first, each once."""
    found = dict.fromkeys(sub for sub, _ in _subwords(fold(word)))
    return sorted(found, key=len, reverse=True)


def ChineseAnalyzer(subwords=True):
    """jieba words of folded text, nothing stemmed or stopped; with `subwords`, long words' inner words too."""
    return JiebaTokenizer() | SubwordFilter() if subwords else JiebaTokenizer()


def word_spans(text):
    """[(word, start, end)] of `text` as a query is cut: jieba's words of the folded text, with their offsets."""
    return _cut(fold(text))


def words(text):
    """The jieba words of `text` as a query is cut (no inner words added)."""
    return [t.text for t in JiebaTokenizer()(text, mode="query")]


def word_counts(text, subwords=True):
    """{word: (frequency, weight)} of `text` as `ChineseAnalyzer(subwords)` indexes it.

    The same cuts, inner words and weights as the analyzer chain, counted
    directly: the index's fields call this instead of making a Token per word.
    """
    counts = {}
    for word, _start, _end in _cut(fold(text)):
        freq, weight = counts.get(word, (0, 0.0))
        counts[word] = (freq + 1, weight + 1.0)
        if subwords and len(word) >= 3:
            for sub, _offset in _subwords(word):
                freq, weight = counts.get(sub, (0, 0.0))
                counts[sub] = (freq + 1, weight + SUBWORD_BOOST)
    return counts
