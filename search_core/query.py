"""The search box syntax: words (all must match), "phrases", OR, -exclusions, 标题:/单位: scopes.

Operators people type from other search boxes are understood and said so in a
note: `or`, `|` and `｜` are OR; `AND`, `and` and `&` are what a space already
means; `、` separates words like a space (so does the full-width space).

Parsing never raises on user input. Anything odd (an unclosed quote, a dangling
OR, a scope with nothing after it) is read in the closest sensible way and a
`notes` sentence tells the user how it was read, the way Whoosh's own parser
degrades to an error node instead of failing.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from indexer.folding import fold

#: Field scopes a user may write before a word, and the index fields they search.
SCOPES = {"标题": ("title",), "单位": ("issuer",), "title": ("title",), "issuer": ("issuer",)}
#: A plain word matches a paragraph's text or the headings it sits under (a paragraph
#: under 关于“虚报差旅费”问题 is about 差旅费); a quoted phrase matches the text only,
#: so "…" returns exactly the paragraphs that contain it.
WORD_FIELDS = ("text", "headings")
PHRASE_FIELDS = ("text",)

_TOKEN = re.compile(
    r"""(?P<op>[|｜、])|(?P<neg>[-－])?(?:(?P<scope>[^\s:："“”|｜、]+)[:：])?"""
    r"""(?:["“](?P<phrase>[^"“”]*)["”]?|(?P<word>[^\s"“”|｜、]+))"""
)
#: Words and signs read as OR, and as AND (which a space already means).
OR_WORDS = {"OR", "or", "Or", "|", "｜", "||"}
AND_WORDS = {"AND", "and", "And", "&", "&&", "＆"}


@dataclass(frozen=True)
class Term:
    text: str  # as typed (without quotes), matched as a substring after folding
    fields: tuple = WORD_FIELDS
    phrase: bool = False


@dataclass
class Query:
    """AND of clauses; each clause is an OR of terms. `excluded` terms must not match."""

    clauses: list = field(default_factory=list)  # [[Term, ...], ...]
    excluded: list = field(default_factory=list)  # [Term]
    notes: list = field(default_factory=list)  # sentences about how odd input was read

    @property
    def empty(self):
        return not self.clauses

    def positive_terms(self):
        return [term for clause in self.clauses for term in clause]

    def describe(self):
        """The query as it was understood, in the syntax a user would type."""
        def show(term):
            text = f'"{term.text}"' if term.phrase or " " in term.text else term.text
            scope = next((k for k, v in SCOPES.items() if v == term.fields and not k.isascii()), None)
            return f"{scope}:{text}" if scope else text

        parts = [" OR ".join(show(t) for t in clause) for clause in self.clauses]
        parts += ["-" + show(t) for t in self.excluded]
        return " ".join(parts)


def parse(text):
    """Read the search box into a `Query`."""
    query = Query()
    # Invisible format characters (zero-width spaces, BOMs, soft hyphens, bidi marks) ride
    # along in text pasted from web pages; the notices' own text is cleaned of them too.
    text = "".join(c for c in (text or "") if unicodedata.category(c) != "Cf").strip()
    if text.count('"') % 2 or text.count("“") != text.count("”"):
        query.notes.append("引号未配对，已按到行末的短语理解。")
    pending_or = False
    for match in _TOKEN.finditer(text):
        phrase, word, scope = match["phrase"], match["word"], match["scope"]
        operator = match["op"] or (word if not match["neg"] and not scope else None)
        if operator == "、":
            _note(query, "“、”按空格理解：各词都要出现（都出现的段落排在前面）。")
            continue
        if operator in OR_WORDS:
            if operator != "OR":
                _note(query, f"“{operator}”按 OR 理解：两边的词出现一个即可。")
            if not query.clauses:
                query.notes.append("开头的 OR 已忽略。")
            else:
                pending_or = True
            continue
        if operator in AND_WORDS:
            _note(query, f"“{operator}”可以不写：空格隔开的词默认都要出现。")
            continue
        fields = PHRASE_FIELDS if phrase is not None else WORD_FIELDS
        if scope is not None:
            if scope in SCOPES:
                fields = SCOPES[scope]
            else:
                # Not a known scope: the colon belongs to the word (e.g. a time 9:00).
                word, phrase = re.sub(r'["“”]', "", match.group(0).lstrip("-－")), None
                if scope.isalpha():
                    query.notes.append(f"“{scope}:”不是可用的范围（可用：标题:、单位:），已按普通词处理。")
        value = (phrase if phrase is not None else word or "").strip()
        if phrase is None and value[-1:] in ":：" and value[:-1] in SCOPES:
            value, scope = "", value[:-1]
        if not value:
            if scope:
                query.notes.append(f"“{scope}:”后面没有词，已忽略。")
            continue
        term = Term(value, fields, phrase=phrase is not None)
        if match["neg"]:
            query.excluded.append(term)
            if pending_or:
                query.notes.append("OR 后面是排除词，OR 已忽略。")
                pending_or = False
        elif pending_or:
            query.clauses[-1].append(term)
            pending_or = False
        else:
            query.clauses.append([term])
    if pending_or:
        query.notes.append("末尾的 OR 已忽略。")
    if query.excluded and not query.clauses:
        query.notes.append("只有排除词时，在全部段落中排除。")
    return query


def _note(query, sentence):
    if sentence not in query.notes:
        query.notes.append(sentence)


@lru_cache(maxsize=4096)
def term_pattern(text):
    """The compiled pattern of a term over folded text: its parts with any whitespace between them.

    What a term means, for every field: it matches where its folded parts
    appear in order with only whitespace between them.
    """
    parts = fold(text).split()
    return re.compile(r"\s*".join(re.escape(p) for p in parts))
