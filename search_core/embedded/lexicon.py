"""The index's own vocabulary, for did-you-mean and autocomplete.

Every jieba word the paragraphs hold, with how many paragraphs hold it (from
the postings in the arrays), plus the problem types, issuing units and titles.
Two lookups serve a person who does not know the notices' words:

* `corrections`: words of the index that sound the same (a homophone typed
  with a pinyin input method: 差旅废 for 差旅费) or are one edit away (a wrong,
  missing or extra character), most common first;
* `complete`: entries that start with what was typed, or whose pinyin
  initials do (`slyd` for 三重一大), most common first.

Built once per snapshot on first use (a server builds it while warming up).
"""

import bisect
import functools
import itertools
import re
import threading

import numpy as np
from pypinyin import Style, pinyin

from indexer.folding import fold

from ..results import Completion

#: Readings combined per word at most, for words whose characters have several (差: cha, chai, ci…).
MAX_READINGS = 8
#: Longest word corrected or indexed for corrections.
MAX_CORRECTED = 8


#: The blocks of CJK Unified Ideographs (the base block and extensions A to H).
_CJK = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\U00020000-\U0002ebef\U00030000-\U000323af]+")


def _cjk(text):
    """Whether the text is Chinese characters only (a regex: unicodedata.name per character cost a second at
    100,000 notices' words)."""
    return _CJK.fullmatch(text) is not None


def readings(word):
    """The word's toneless pinyin spellings, one per combination of its characters' readings (at most MAX_READINGS).

    Each character's readings are taken on their own, not as the phrase reads:
    someone typing with a pinyin method may have picked 差 for chai or for cha.
    """
    return [" ".join(combo) for combo in _combinations(word, Style.NORMAL)]


def initials(word):
    """The pinyin initials of a word's characters, every reading tried (三重一大: scyd and szyd)."""
    return ["".join(combo) for combo in _combinations(word, Style.FIRST_LETTER)]


def _combinations(word, style):
    options = [_readings_of(c, style) for c in word]
    if not all(options):
        return []
    return list(itertools.islice(itertools.product(*options), MAX_READINGS))


@functools.lru_cache(maxsize=65536)
def _readings_of(character, style):
    """A character's readings in a style, each once (pypinyin per character, once: a word's readings are its
    characters' taken on their own, and a lexicon's 28,000 words hold a few thousand characters)."""
    found = pinyin(character, style=style, heteronym=True, errors="ignore")
    return tuple(dict.fromkeys(found[0])) if len(found) == 1 else ()


def _deletions(word):
    return {word[:i] + word[i + 1:] for i in range(len(word))}


class Lexicon:
    def __init__(self, snap, counts=None):
        """The lexicon of a snapshot; `counts` ({word: paragraphs}) for one whose words are not in segments."""
        if counts is None:
            counts = {}
            for seg in snap.segments:
                lengths = np.diff(np.asarray(seg.word_starts)).tolist()
                for word, count in zip(seg.meta["terms"], lengths):
                    counts[word] = counts.get(word, 0) + count
        self.counts = counts  # word -> paragraphs holding it (deleted ones until a merge)
        self._sounds, self._near = {}, {}
        for word in counts:
            if 2 <= len(word) <= MAX_CORRECTED and _cjk(word):
                for key in readings(word):
                    self._sounds.setdefault(key, []).append(word)
                for shorter in _deletions(word) | {word}:
                    self._near.setdefault(shorter, []).append(word)
        entries = [Completion(w, "word", c) for w, c in counts.items() if len(w) >= 2 and _cjk(w[0])]
        types = snap.facets["problem_type"]
        type_counts = types.counts(np.flatnonzero(snap.live), None)
        entries += [Completion(v, "problem_type", int(c)) for v, c in zip(types.values, type_counts.tolist()) if c]
        live_notices = np.bincount(snap.notice_of[snap.live], minlength=len(snap.catalog))
        for field, kind in (("issuer", "issuer"), ("title", "title")):
            per = {}
            for entry, alive in zip(snap.catalog, live_notices.tolist()):
                if entry.get(field) and alive:
                    per[entry[field]] = per.get(entry[field], 0) + 1
            entries += [Completion(text, kind, count) for text, count in per.items()]
        self._by_text = sorted(((fold(e.text), e) for e in entries), key=lambda pair: pair[0])
        self._text_keys = [key for key, _ in self._by_text]
        by_initials = [(key, e) for e in entries if e.kind != "title" and _cjk(e.text) and len(e.text) <= 12
                       for key in set(initials(e.text))]
        by_initials.sort(key=lambda pair: pair[0])
        self._by_initials = by_initials
        self._initial_keys = [key for key, _ in by_initials]

    def corrections(self, word, limit=3):
        """Index words that sound like `word` or, for words of three characters or more, are one character
        away from it; most common first.

        A two-character word is one character away from hundreds of others
        (漏记: 书记, 登记…), so only its homophones are offered.
        """
        word = fold(word)
        if not (_cjk(word) and 2 <= len(word) <= MAX_CORRECTED):
            return []
        sounds = set(readings(word))
        found = {w for key in sounds for w in self._sounds.get(key, ())}
        if len(word) >= 3:
            for shorter in _deletions(word) | {word}:
                found.update(self._near.get(shorter, ()))
                if shorter in self.counts and len(shorter) >= 2:
                    found.add(shorter)
        found.discard(word)
        # Same length and sound first (what a pinyin input method gets wrong), then one character off.
        return sorted((w for w in found if abs(len(w) - len(word)) <= 1),
                      key=lambda w: (len(w) != len(word), not sounds & set(readings(w)), -self.counts.get(w, 0), w)
                      )[:limit]

    def complete(self, prefix, limit=10):
        """Entries starting with `prefix`, or whose pinyin initials do, most common first."""
        prefix = fold(prefix.strip())
        if not prefix:
            return []
        matches = self._range(self._by_text, self._text_keys, prefix)
        if prefix.isascii() and prefix.isalpha():
            matches += self._range(self._by_initials, self._initial_keys, prefix.lower())
        best = {}
        for entry in matches:
            key = (entry.text, entry.kind)
            if key not in best:
                best[key] = entry
        return sorted(best.values(), key=lambda e: (-e.count, -len(e.text), e.text))[:limit]

    @staticmethod
    def _range(pairs, keys, prefix, cap=5000):
        lo = bisect.bisect_left(keys, prefix)
        hi = bisect.bisect_left(keys, prefix + "\U0010ffff")
        if hi - lo > cap:  # a one-letter prefix: only the most common of its entries can make the list
            chosen = sorted(range(lo, hi), key=lambda i: -pairs[i][1].count)[:cap]
            return [pairs[i][1] for i in chosen]
        return [entry for _, entry in pairs[lo:hi]]


class LazyLexicon:
    """A snapshot's lexicon, built once, by whichever thread asks first."""

    def __init__(self, snap):
        self._snap, self._lexicon, self._lock = snap, None, threading.Lock()

    def get(self):
        if self._lexicon is None:
            with self._lock:
                if self._lexicon is None:
                    self._lexicon = self.build(self._snap)
        return self._lexicon

    def build(self, snap):
        return Lexicon(snap)
