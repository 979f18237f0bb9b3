"""The problem-type taxonomy and category signal words, loaded from a TOML file people edit.

A problem type is decided by weighing evidence, not by any word occurring
anywhere: each of a type's `words` is enough evidence by itself, a `weak` word
is half of it (two are needed, or one and another word), the same word counts
at most twice, a word inside a document's name (《…》) counts half, and a word
inside one of the type's `except` phrases (整改主体责任 for 主体责任) does not
count at all. A type needs `min_score` evidence and, in a paragraph's own busy
text, a share `relative` of the best type's, so a passing mention beside the
paragraph's real subject does not tag it.

The file is checked when loaded so a typo shows up as a sentence naming the
file, line and entry, not as a notice quietly losing its labels. It is read once
per path and compiled into one regular expression for all words and one for all
exception phrases, so scoring a paragraph is two scans.
"""

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import settings
from ..errors import TaxonomyError
from ..notice import CATEGORIES

#: Evidence a word of `words` and of `weak` brings; `min_score` defaults to one strong word.
STRONG, WEAK = 2.0, 1.0
_DEFAULTS = {"min_score": STRONG, "relative": 0.6}
_TYPE_KEYS = {"words", "weak", "except", "area", "description"}
_MAX_COUNT = 2
#: Document names: a word in one names a rule or plan rather than saying what the text is about.
_TITLE = re.compile(r"《[^《》]*》")


@dataclass(frozen=True)
class ProblemType:
    name: str
    words: tuple
    weak: tuple = ()
    excepted: tuple = ()
    area: str = None  # the focus area (巡察领域) a problem of this type belongs to


class Taxonomy:
    """Problem types and section categories with the words that signal them."""

    def __init__(self, types, categories, scoring=None):
        self.rules = {t.name: t for t in types}  # in file order
        self.types = {t.name: t.words for t in types}  # {type: (word, ...)}: the words that say it by themselves
        self.categories = categories  # {category: (word, ...)}
        scoring = {**_DEFAULTS, **(scoring or {})}
        self.min_score, self.relative = scoring["min_score"], scoring["relative"]
        self._weights = {}  # word -> [(type, weight)]
        for t in types:
            for words, weight in ((t.words, STRONG), (t.weak, WEAK)):
                for w in words:
                    self._weights.setdefault(w, []).append((t.name, weight))
        self._words_rx = _alternation(self._weights)
        self._except = {}  # phrase -> {type}
        for t in types:
            for phrase in t.excepted:
                self._except.setdefault(phrase, set()).add(t.name)
        self._except_rx = _alternation(self._except)
        self._category_of = {w: c for c, words in categories.items() for w in words}
        self._categories_rx = _alternation(self._category_of)
        self._order = {name: i for i, name in enumerate(self.types)}

    def scores(self, simp):
        """{type: evidence} for the words of each type in `simp`."""
        excepted = [(m.start(), m.end(), self._except[m[0]]) for m in _overlapping(self._except_rx, simp)]
        titles = [(m.start(), m.end()) for m in _TITLE.finditer(simp)]
        counts = {}
        for m in self._words_rx.finditer(simp):
            start, end = m.span()
            in_title = any(a <= start and end <= b for a, b in titles)
            for name, weight in self._weights[m[0]]:
                if any(a <= start and end <= b and name in types for a, b, types in excepted):
                    continue
                seen, score = counts.get((name, m[0]), (0, 0.0))
                if seen < _MAX_COUNT:
                    counts[name, m[0]] = (seen + 1, score + weight * (0.5 if in_title else 1))
        scores = {}
        for (name, _), (_, score) in counts.items():
            scores[name] = scores.get(name, 0) + score
        return scores

    def types_of(self, simp, relative=True):
        """Types with enough evidence in `simp`, in taxonomy order.

        `relative` also drops types far weaker than the best one, for a
        paragraph's own text; a problem statement is short and every type it
        names counts.
        """
        return self.pick(self.scores(simp), relative)

    def pick(self, scores, relative=True):
        """The types of `scores` that pass the thresholds, in taxonomy order."""
        best = max(scores.values(), default=0)
        floor = max(self.min_score, best * self.relative if relative else 0)
        return sorted((t for t, s in scores.items() if s >= floor), key=self._order.get)

    def area_of(self, types, scores=None):
        """The focus area of the strongest of `types` that has one, else None."""
        ranked = sorted(types, key=lambda t: (-(scores or {}).get(t, 0), self._order[t]))
        return next((self.rules[t].area for t in ranked if self.rules[t].area), None)

    def category_of(self, simp, allowed=CATEGORIES):
        """The category (among `allowed`) whose word occurs earliest in `simp`, or None."""
        for m in self._categories_rx.finditer(simp):
            category = self._category_of[m[0]]
            if category in allowed:
                return category
        return None


def _alternation(words):
    if not words:
        return re.compile(r"(?!)")
    # Longest first, so 中央八项规定 wins over 八项规定 at the same place.
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def _overlapping(pattern, text):
    """Every match of `pattern` starting at each position (exception phrases may overlap)."""
    at = 0
    while (m := pattern.search(text, at)) is not None:
        yield m
        at = m.start() + 1


def load(path):
    """Read and check the taxonomy file at `path`."""
    path = Path(path)
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise TaxonomyError(f"{path}: taxonomy file not found; set NOTICE_SEARCH_TAXONOMY to an existing file.") from None
    except tomllib.TOMLDecodeError as exc:
        raise TaxonomyError(f"{path}: not valid TOML ({exc}); quote non-ASCII table names, e.g. [types.\"理论学习\"].") from None
    unknown = set(data) - {"types", "categories", "scoring"}
    if unknown:
        raise TaxonomyError(f"{path}: unknown top-level table(s) {', '.join(sorted(unknown))}; "
                            "only [scoring], [types.*] and [categories.*] are read.")
    types = [_problem_type(path, name, table) for name, table in _tables(path, data.get("types", {}), "types").items()]
    if not types:
        raise TaxonomyError(f"{path}: no problem types; add at least one [types.\"name\"] table with words = [...].")
    categories = {name: _category(path, name, table)
                  for name, table in _tables(path, data.get("categories", {}), "categories").items()}
    wrong = [c for c in categories if c not in CATEGORIES]
    if wrong:
        raise TaxonomyError(f"{_where(path, 'categories', wrong[0])}: unknown categor{'y' if len(wrong) == 1 else 'ies'} "
                            f"{', '.join(wrong)}; use one of {', '.join(CATEGORIES)}.")
    return Taxonomy(types, categories, _scoring(path, data.get("scoring", {})))


def _tables(path, tables, kind):
    if not isinstance(tables, dict):
        raise TaxonomyError(f"{path}: `{kind}` must be tables like [{kind}.\"name\"], not a value.")
    for name, table in tables.items():
        if not isinstance(table, dict):
            raise TaxonomyError(f"{_where(path, kind, name)} must be a table with words = [...].")
    return tables


def _problem_type(path, name, table):
    extra = set(table) - _TYPE_KEYS
    if extra:
        raise TaxonomyError(f"{_where(path, 'types', name)} has unknown key(s) {', '.join(sorted(extra))}; "
                            f"allowed are {', '.join(sorted(_TYPE_KEYS))}.")
    words = _words(path, "types", name, table, "words", required=True)
    weak = _words(path, "types", name, table, "weak")
    excepted = _words(path, "types", name, table, "except")
    both = sorted(set(words) & set(weak))
    if both:
        raise TaxonomyError(f"{_where(path, 'types', name)}: {both[0]!r} is in both `words` and `weak`; keep it in one.")
    lone = [p for p in excepted if not any(w in p for w in words + weak)]
    if lone:
        raise TaxonomyError(f"{_where(path, 'types', name)}: the exception {lone[0]!r} contains none of the type's words, "
                            "so it excepts nothing; an exception is a longer phrase around one of its words.")
    area = table.get("area")
    if area is not None and area not in CATEGORIES[:4]:
        raise TaxonomyError(f"{_where(path, 'types', name)}: unknown area {area!r}; use one of {', '.join(CATEGORIES[:4])}.")
    return ProblemType(name, words, weak, excepted, area)


def _category(path, name, table):
    extra = set(table) - {"words", "description"}
    if extra:
        raise TaxonomyError(f"{_where(path, 'categories', name)} has unknown key(s) {', '.join(sorted(extra))}; "
                            "only `words` and `description` are allowed.")
    return _words(path, "categories", name, table, "words", required=True)


def _words(path, kind, name, table, key, required=False):
    where = _where(path, kind, name)
    words = table.get(key)
    if words is None and not required:
        return ()
    if not isinstance(words, list) or (required and not words):
        raise TaxonomyError(f"{where} needs a non-empty list `{key} = [\"…\", …]`." if required
                            else f"{where}: `{key}` must be a list of strings.")
    bad = [w for w in words if not isinstance(w, str) or not w.strip()]
    if bad:
        raise TaxonomyError(f"{where}: every word must be a non-empty string, got {bad[0]!r}.")
    return tuple(w.strip() for w in words)


def _scoring(path, table):
    if not isinstance(table, dict):
        raise TaxonomyError(f"{path}: `scoring` must be a table [scoring] with min_score and relative.")
    extra = set(table) - set(_DEFAULTS)
    if extra:
        raise TaxonomyError(f"{path}: [scoring] has unknown key(s) {', '.join(sorted(extra))}; "
                            f"allowed are {', '.join(_DEFAULTS)}.")
    for key, value in table.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
            raise TaxonomyError(f"{path}: [scoring] {key} must be a number ≥ 0, got {value!r}.")
    if table.get("relative", 0) > 1:
        raise TaxonomyError(f"{path}: [scoring] relative is a share of the best type's evidence, between 0 and 1.")
    return dict(table)


def _where(path, kind, name):
    """`path: line N: [kind."name"]`, the line of that table's header, for messages (no line if not found)."""
    header = re.compile(rf"""^\s*\[\s*{kind}\s*\.\s*["']?{re.escape(name)}["']?\s*\]""")
    lines = Path(path).read_text(encoding="utf-8").splitlines()
    number = next((i for i, line in enumerate(lines, 1) if header.match(line)), None)
    return f"{path}: line {number}: [{kind}.\"{name}\"]" if number else f"{path}: [{kind}.\"{name}\"]"


@lru_cache(maxsize=4)
def _cached(path):
    return load(path)


def get(overrides=None):
    """The taxonomy named by the TAXONOMY setting, loaded once per path."""
    return _cached(str(Path(settings.get("TAXONOMY", overrides)).resolve()))
