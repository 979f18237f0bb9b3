"""What a query asks for, beyond its literal words: roles, synonyms, and the parts of a long word.

People type `差旅费 整改措施` meaning "the measures about travel expenses",
`公款吃喝` where notices say 违规公务接待, and whole questions without spaces
(`固定资产没入账怎么整改的`). `interpret` reads a parsed `Query` into a `Plan`:

* **role words** (整改措施, 如何整改, 存在问题…) become a preference for that
  paragraph role instead of text that must match, as long as something else is
  left to search for; inside a word typed without spaces, those that ask
  something (怎么整改) split it;
* each remaining clause keeps its terms as typed (the literal match: paragraphs
  holding every clause as typed are the exact matches) and, unless it is a
  quoted phrase or a scoped term, is read into **concepts**: the synonym keys it
  holds (longest first) and the jieba words of the rest, stop words left out;
  each concept is searched with its synonyms (`indexer.synonyms`).

A paragraph that does not hold a clause as typed still covers part of it
through its concepts; the search ranks such paragraphs below the exact ones.
Nothing here touches an index.
"""

from dataclasses import dataclass, field

from indexer import querywords, synonyms
from indexer.analysis import word_spans, words
from indexer.folding import fold

from . import figures
from .query import WORD_FIELDS, Query, Term


@dataclass(frozen=True)
class Concept:
    """One thing a clause asks for: the words as they stand in the query, and the synonyms searched besides."""

    text: str  # folded
    alternatives: tuple = ()  # folded synonyms


@dataclass
class Clause:
    terms: list  # [query.Term], ORed: the literal match
    concepts: list = field(default_factory=list)  # per term, its [Concept]s; [] for a strict clause
    fallback: list = field(default_factory=list)  # a strict clause's concepts, for a phrase no text holds
    parts: dict = field(default_factory=dict)  # Concept -> [Concept]: a word also read as its parts, all needed

    @property
    def strict(self):
        """Matched as typed only: a quoted phrase or a scoped term is in it."""
        return not self.concepts


@dataclass
class Plan:
    query: Query  # as parsed, notes included
    clauses: list  # [Clause], all required for an exact match
    excluded: list  # [query.Term]
    roles: list = field(default_factory=list)  # preferred paragraph roles, from role words
    role_words: list = field(default_factory=list)  # the words read as roles, as typed
    figures: tuple = None  # (figure word, thing counted or "") when the query asks how many (`figures`)
    notes: list = field(default_factory=list)

    @property
    def empty(self):
        return not self.clauses

    def expansions(self):
        """[(concept text, its synonyms)] for the concepts that have synonyms, in query order, once each."""
        seen, out = set(), []
        for clause in self.clauses:
            for concept in (c for concepts in clause.concepts for c in concepts):
                if concept.alternatives and concept.text not in seen:
                    seen.add(concept.text)
                    out.append((concept.text, list(concept.alternatives)))
        return out

    def literal_terms(self):
        return [term for clause in self.clauses for term in clause.terms]

    def describe(self):
        """The query as understood, in the box syntax, without the role words."""
        return Query([c.terms for c in self.clauses], self.excluded).describe()


def interpret(query, use_synonyms=True, overrides=None):
    """The `Plan` of a parsed query: its clauses, concepts, role preference and notes."""
    vocabulary = querywords.get(overrides)
    thesaurus = synonyms.get(overrides) if use_synonyms else None
    plan = Plan(query=query, clauses=[], excluded=list(query.excluded), notes=list(query.notes))
    plan.figures = next((found for clause in query.clauses for term in clause if _loose(term)
                         for found in [figures.asked(fold(term.text), vocabulary.figures)] if found), None)
    pieces = []  # the clauses' terms once role words are taken out
    for clause in query.clauses:
        if len(clause) == 1 and _loose(clause[0]):
            pieces += [[term] for term in _split_roles(clause[0], vocabulary, plan)]
        else:
            pieces.append(clause)
    content = [terms for terms in pieces if not _only_stopwords(terms, vocabulary)]
    if not content:  # nothing but role, stop or figure words: search them as typed
        content, plan.roles, plan.role_words, plan.figures = [list(c) for c in query.clauses], [], [], None
    if plan.figures:
        word, counted = plan.figures
        first = f"，写明{counted}数目的最先" if counted else ""
        plan.notes.append(f"“{word}”按问数目理解：写明数目（如 25个、7.1万元）的段落排在前面{first}。")
    for terms in content:
        read = [_concepts(fold(t.text), vocabulary, thesaurus) or [Concept(fold(t.text))] for t in terms]
        if all(_loose(t) for t in terms):
            plan.clauses.append(Clause(terms, read))
        else:
            plan.clauses.append(Clause(terms, fallback=read))
    return plan


def _loose(term):
    """A term that may be read beyond its letters: a plain word, not a quoted phrase or a scoped one."""
    return not term.phrase and term.fields == WORD_FIELDS


def _split_roles(term, vocabulary, plan):
    """The term without the role words in it, as the pieces between them; the roles go to `plan`.

    A term that is a role word is one whole; inside a longer term only a role
    word that asks something counts (三重一大怎么整改), since the notices' own
    phrases hold role words too (对照问题清单).
    """
    text = fold(term.text)
    found = []
    phrases = [text] if text in vocabulary.roles else vocabulary.question_phrases()
    for phrase in phrases:
        start = text.find(phrase)
        while start >= 0:
            if not any(start < end and begin < start + len(phrase) for begin, end, _ in found):
                found.append((start, start + len(phrase), phrase))
            start = text.find(phrase, start + 1)
    if not found:
        return [term]
    found.sort()
    pieces, last = [], 0
    for begin, end, phrase in found:
        pieces.append(term.text[last:begin])
        last = end
        role = vocabulary.roles[phrase]
        if role not in plan.roles:
            plan.roles.append(role)
        plan.role_words.append(term.text[begin:end])
    pieces.append(term.text[last:])
    pieces = [_trimmed(p, vocabulary) for p in pieces]
    return [Term(p, term.fields) for p in pieces if p]


def _trimmed(text, vocabulary):
    """A piece left between role words, without filler words at its ends (意识形态有|哪些问题 -> 意识形态)."""
    cuts = word_spans(text)
    content = [i for i, (word, _, _) in enumerate(cuts) if word not in vocabulary.stopwords]
    return text[cuts[content[0]][1]:cuts[content[-1]][2]].strip() if content else ""


def _only_stopwords(terms, vocabulary):
    """A clause of filler words only (的, 怎么): left out of a query that has content."""
    return all(_loose(t) and all(w in vocabulary.filler for w in words(t.text)) for t in terms)


def _concepts(text, vocabulary, thesaurus):
    """The concepts of a folded word: synonym keys it holds (longest first), then the jieba words of the rest."""
    keys = thesaurus.keys() if thesaurus else []
    spans = []  # (start, end, key) of the synonym keys found, non-overlapping
    for key in keys:
        start = text.find(key)
        while start >= 0:
            if not any(start < end and begin < start + len(key) for begin, end, _ in spans):
                spans.append((start, start + len(key), key))
            start = text.find(key, start + len(key))
    spans.sort()
    concepts, last = [], 0
    for begin, end, key in spans:
        concepts += _word_concepts(text[last:begin], vocabulary)
        concepts.append(Concept(key, tuple(thesaurus.expansions(key))))
        last = end
    concepts += _word_concepts(text[last:], vocabulary)
    return list(dict.fromkeys(concepts))


def _word_concepts(text, vocabulary):
    """The content words of a stretch of text: jieba's cuts without stop words and single characters.

    A single character matches too much to stand for part of a query; a term
    that is one character is still searched, as typed.
    """
    return [Concept(w) for w in words(text)
            if w not in vocabulary.filler and len(w) > 1]
