"""Words a search box gets that are not about the content: names of paragraph roles, filler of questions.

`差旅费 整改措施` asks for the measures about travel expenses, not for paragraphs
that happen to say 整改措施; `固定资产没入账怎么整改的` is a question whose 怎么 and
的 are no content at all; `反馈了多少问题` asks for a figure. The search reads role words as a preference for that
role and leaves stop words out of what must match. Both lists live in a
people-edited TOML file, checked when loaded.
"""

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from . import settings
from .errors import ConfigError
from .folding import fold
from .notice import ROLES


class QueryWordsError(ConfigError):
    """The query words file cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class QueryWords:
    roles: dict  # folded word -> role (one of notice.ROLES)
    questions: frozenset  # folded words that make a role word inside a longer word a question
    stopwords: frozenset  # folded words
    figures: frozenset = frozenset()  # folded words that ask how many or how much (多少, 几个)

    @property
    def filler(self):
        """Words that are no content of a query: stop words and figure words."""
        return self.stopwords | self.figures

    def question_phrases(self):
        """The role words that ask something, longest first: those read inside a word typed without spaces."""
        return sorted((w for w in self.roles if any(q in w for q in self.questions)), key=len, reverse=True)


def load(path):
    """Read and check the query words file at `path`."""
    try:
        with open(path, "rb") as data:
            table = tomllib.load(data)
    except FileNotFoundError:
        raise QueryWordsError(f"{path}: query words file not found; set NOTICE_SEARCH_QUERY_WORDS to an existing "
                              "file.") from None
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise QueryWordsError(f"{path}: not valid TOML ({exc}).") from None
    unknown = set(table) - {"roles", "questions", "stopwords", "figures"}
    if unknown:
        raise QueryWordsError(f"{path}: unknown table(s) {', '.join(sorted(unknown))}; only [roles], [questions], "
                              "[stopwords] and [figures] are read.")
    roles = {}
    for role, words in (table.get("roles") or {}).items():
        if role not in ROLES:
            raise QueryWordsError(f"{path}: [roles] names {role!r}, which is not a paragraph role; use one of "
                                  f"{', '.join(ROLES)}.")
        for word in _strings(path, f"[roles] {role!r}", words):
            if roles.get(word, role) != role:
                raise QueryWordsError(f"{path}: [roles] gives {word!r} to both {roles[word]!r} and {role!r}.")
            roles[word] = role
    lists = {}
    for name in ("questions", "stopwords", "figures"):
        table_of = table.get(name) or {}
        if set(table_of) - {"words"}:
            raise QueryWordsError(f"{path}: [{name}] holds only `words = [...]`.")
        lists[name] = frozenset(_strings(path, f"[{name}] words", table_of.get("words", [])))
    return QueryWords(roles, lists["questions"], lists["stopwords"], lists["figures"])


def _strings(path, where, words):
    if not isinstance(words, list) or not all(isinstance(w, str) and w.strip() and " " not in w.strip()
                                              for w in words):
        raise QueryWordsError(f"{path}: {where} must be a list of words without spaces, like [\"整改措施\", \"如何整改\"].")
    return [fold(w.strip()) for w in words]


@lru_cache(maxsize=4)
def _cached(path):
    return load(path)


def get(overrides=None):
    """The query words the QUERY_WORDS setting names, loaded once per path."""
    return _cached(str(Path(settings.get("QUERY_WORDS", overrides)).resolve()))
