"""The domain's synonyms, read from a people-edited file in Solr's synonyms.txt format.

    a, b, c          two-way: each word also searches the others
    a, b => c, d     one-way: a and b also search c and d, not the other way round

People type the everyday or older name of a problem (公款吃喝, 小金库, 一言堂); the
notices use the official one (违规公务接待, 账外资金, 民主集中制). The search
expands what was typed with the words here (`expansions`), and the tokenizer
keeps every word here whole (`words`), so a word found by expansion ranks like
a word typed. The file is checked when loaded: a line that cannot be read stops
the command with a sentence naming the file, the line and the entry.
"""

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import settings
from .errors import ConfigError
from .folding import fold

#: Longest word an entry may hold; longer ones are sentences, not synonyms.
MAX_WORD = 16
_SEPARATORS = re.compile(r"[\s=>,，]")


class SynonymsError(ConfigError):
    """The synonyms file cannot be used; the message names the file, the line and the entry."""


class Synonyms:
    """Every word's expansions, in the order the file gives them."""

    def __init__(self, expansions):
        self._expansions = expansions  # folded word -> (folded word, ...), never the word itself

    def expansions(self, word):
        """The words searched besides `word` (folded), in file order; () when it has none."""
        return self._expansions.get(word, ())

    def words(self):
        """Every word of the file (folded), for the tokenizer's dictionary and for finding keys in a query."""
        found = dict.fromkeys(self._expansions)
        for targets in self._expansions.values():
            found.update(dict.fromkeys(targets))
        return list(found)

    def keys(self):
        """The words that have expansions, longest first (how a query without spaces is read)."""
        return sorted(self._expansions, key=len, reverse=True)


def parse(text, path="synonyms.txt"):
    """The Synonyms of a file's text; raises SynonymsError at the first line that cannot be read."""
    expansions = {}

    def add(source, targets):
        known = list(expansions.get(source, ()))
        known += [t for t in targets if t != source and t not in known]
        if known:
            expansions[source] = tuple(known)

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        where = f"{path} line {number}: {line!r}"
        if line.count("=>") > 1:
            raise SynonymsError(f"{where} has more than one `=>`; write one mapping a line.")
        sides = [_words(side, where) for side in line.split("=>")]
        if len(sides) == 2:
            sources, targets = sides
            for source in sources:
                add(source, targets)
        else:
            (group,) = sides
            if len(group) < 2:
                raise SynonymsError(f"{where} names one word (once folded: {group[0]}); a group needs two or more, "
                                    "separated by commas.")
            for word in group:
                add(word, group)
    return Synonyms(expansions)


def _words(side, where):
    words = [w.strip() for w in re.split(r"[,，]", side)]
    if not all(words):
        raise SynonymsError(f"{where} has an empty word (two commas in a row, or nothing beside `=>`).")
    for word in words:
        if _SEPARATORS.search(word):
            raise SynonymsError(f"{where}: {word!r} holds a space or `=`; separate words with commas.")
        if not all(unicodedata.category(c)[0] in "LN" for c in word):
            raise SynonymsError(f"{where}: {word!r} holds punctuation; a synonym is one word, letters and digits only.")
        if len(word) > MAX_WORD:
            raise SynonymsError(f"{where}: {word!r} is longer than {MAX_WORD} characters; use a shorter word.")
    return list(dict.fromkeys(fold(w) for w in words))


def load(path):
    """Read and check the synonyms file at `path`."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SynonymsError(f"{path}: synonyms file not found; set NOTICE_SEARCH_SYNONYMS to an existing file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SynonymsError(f"Cannot read the synonyms file {path} ({exc}); fix it or point NOTICE_SEARCH_SYNONYMS "
                            "elsewhere.") from None
    return parse(text, path)


@lru_cache(maxsize=4)
def _cached(path):
    return load(path)


def get(overrides=None):
    """The synonyms the SYNONYMS setting names, loaded once per path."""
    return _cached(str(Path(settings.get("SYNONYMS", overrides)).resolve()))
