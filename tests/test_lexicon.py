"""The lexicon's readings: per character and cached, they are what pypinyin gives the word's characters taken
one by one, for every word of a real notice."""

import itertools
import unicodedata

from pypinyin import Style, pinyin

from conftest import NOTICES
from indexer.analysis import words
from search_core.embedded import lexicon


def _direct(word, style):
    options = pinyin(list(word), style=style, heteronym=True, errors="ignore")
    if len(options) != len(word):
        return []
    return list(itertools.islice(itertools.product(*(dict.fromkeys(o) for o in options)), lexicon.MAX_READINGS))


def test_readings_and_initials_are_pypinyins_of_each_character():
    text = sorted((NOTICES / "complete").glob("*.txt"))[0].read_text(encoding="utf-8")
    vocabulary = sorted(set(words(text))) + ["差旅费", "三重一大", "a差", "𠀀字", "〇", "々"]
    assert len(vocabulary) > 300
    for word in vocabulary:
        assert lexicon.readings(word) == [" ".join(c) for c in _direct(word, Style.NORMAL)], word
        assert lexicon.initials(word) == ["".join(c) for c in _direct(word, Style.FIRST_LETTER)], word
        expected = bool(word) and all(unicodedata.name(c, "").startswith("CJK UNIFIED") for c in word)
        assert lexicon._cjk(word) == expected, word
    assert "szyd" in lexicon.initials("三重一大") and "cha lv fei" in lexicon.readings("差旅费")
