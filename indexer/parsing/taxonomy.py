"""The problem-type taxonomy and category signal words, loaded from a TOML file people edit.

The file is checked when loaded so a typo shows up as a sentence naming the
file, not as a notice quietly losing its labels. It is read once per path and
compiled into one regular expression per table, so labelling a paragraph is a
single scan.
"""

import re
import tomllib
from functools import lru_cache
from pathlib import Path

from .. import settings
from ..errors import TaxonomyError
from ..notice import CATEGORIES


class Taxonomy:
    """Problem types and section categories with the words that signal them."""

    def __init__(self, types, categories):
        self.types = types  # {type: (word, ...)} in file order
        self.categories = categories  # {category: (word, ...)}
        self._type_of = {w: t for t, words in types.items() for w in words}
        self._types_rx = _alternation(self._type_of)
        self._category_of = {w: c for c, words in categories.items() for w in words}
        self._categories_rx = _alternation(self._category_of)
        self._order = {t: i for i, t in enumerate(types)}

    def types_of(self, simp):
        """Problem types whose words occur in `simp`, in taxonomy order."""
        found = {self._type_of[m[0]] for m in self._types_rx.finditer(simp)}
        return sorted(found, key=self._order.get)

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
    unknown = set(data) - {"types", "categories"}
    if unknown:
        raise TaxonomyError(f"{path}: unknown top-level table(s) {', '.join(sorted(unknown))}; only [types.*] and [categories.*] are read.")
    types = _tables(path, data.get("types", {}), "types")
    if not types:
        raise TaxonomyError(f"{path}: no problem types; add at least one [types.\"name\"] table with words = [...].")
    categories = _tables(path, data.get("categories", {}), "categories")
    wrong = [c for c in categories if c not in CATEGORIES]
    if wrong:
        raise TaxonomyError(f"{_where(path, 'categories', wrong[0])}: unknown categor{'y' if len(wrong) == 1 else 'ies'} "
                            f"{', '.join(wrong)}; use one of {', '.join(CATEGORIES)}.")
    return Taxonomy(types, categories)


def _tables(path, tables, kind):
    if not isinstance(tables, dict):
        raise TaxonomyError(f"{path}: `{kind}` must be tables like [{kind}.\"name\"], not a value.")
    out = {}
    for name, table in tables.items():
        where = _where(path, kind, name)
        if not isinstance(table, dict):
            raise TaxonomyError(f"{where} must be a table with words = [...].")
        extra = set(table) - {"words", "description"}
        if extra:
            raise TaxonomyError(f"{where} has unknown key(s) {', '.join(sorted(extra))}; only `words` and `description` are allowed.")
        words = table.get("words")
        if not isinstance(words, list) or not words:
            raise TaxonomyError(f"{where} needs a non-empty list `words = [\"…\", …]`.")
        bad = [w for w in words if not isinstance(w, str) or not w.strip()]
        if bad:
            raise TaxonomyError(f"{where}: every word must be a non-empty string, got {bad[0]!r}.")
        out[name] = tuple(w.strip() for w in words)
    return out


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
