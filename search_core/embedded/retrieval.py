"""Best-match retrieval: which paragraphs answer a query plan, in two tiers, and how much of it each covers.

* **Exact** (完全匹配): the paragraph holds every clause as typed, in its text or
  the headings above it (a quoted phrase in its text). This is the
  exact-substring guarantee: such a paragraph is always found, and first.
* **Partial** (部分匹配): it covers enough of the query through the clauses'
  concepts (`interpret`): a clause counts 1 when held as typed or when every
  concept of one of its terms is there (a concept by its own words or a
  synonym), else the share of that term's concepts that are there. A paragraph
  is listed when its clauses add up to at least `minimum_should_match`, so a
  long query is not flooded by paragraphs that share one common word with it;
  when no paragraph reaches that, the ones that cover the most are listed, so a
  query whose words occur anywhere never comes back empty. Those that cover
  less are kept aside (`below`): a short first page shows the best of them as
  related reading, outside the count. A word few paragraphs hold may also be
  read as its parts (`Clause.parts`): a paragraph holding all of them covers
  `PARTS_COVERAGE` of that word. A quoted phrase or a scoped term
  (标题:…) is what the person insists on: partial matches hold it too.

Every string is matched as an exact substring of the folded text (the same
masks as the literal match), never through jieba's cuts.
"""

import math
from dataclasses import dataclass

import numpy as np

from ..query import WORD_FIELDS, Term
from .matching import term_mask


@dataclass
class Retrieved:
    docs: np.ndarray  # document numbers, ascending: the exact and the partial matches
    exact: np.ndarray  # bool, aligned with docs
    coverage: np.ndarray  # float32, aligned with docs: clauses covered (the number of clauses for an exact match)
    clauses: int
    eligible: np.ndarray = None  # bool per document: not excluded, and holding every quoted phrase
    below: np.ndarray = None  # documents that cover part of the query, too little to be listed
    below_coverage: np.ndarray = None  # their coverage, aligned




#: How much of a word a paragraph covers by holding all its parts but not the word (总台账 for 整改台账): less than
#: the word or a synonym, enough to be listed for a one-word query.
PARTS_COVERAGE = np.float32(0.75)


def minimum_should_match(clauses):
    """How many clauses a partial match must cover: all but half of one up to two clauses, three quarters beyond."""
    return clauses - 0.5 if clauses <= 2 else math.floor(0.75 * clauses)


class Masks:
    """Each string's match mask, computed once per query (a synonym may serve several clauses)."""

    def __init__(self, snap, memo):
        self.snap, self.memo, self._masks, self._concepts = snap, memo, {}, {}

    def term(self, term):
        if term not in self._masks:
            self._masks[term] = term_mask(self.snap, term, self.memo)
        return self._masks[term]

    def any(self, terms):
        """Whether any live paragraph holds one of the terms."""
        return any(self.term(t).any() for t in terms)

    def either(self, terms):
        """Where one of the terms matches (a new mask)."""
        mask = np.zeros(self.snap.size, dtype=bool)
        for term in terms:
            mask |= self.term(term)
        return mask

    def count(self, terms):
        """Live paragraphs holding one of the terms."""
        return int(self.either(terms).sum())

    def count_all(self, clauses):
        """Live paragraphs holding one term of every clause ([[Term]])."""
        mask = self.snap.live.copy()
        for terms in clauses:
            mask &= self.either(terms)
        return int(mask.sum())

    def headings_instead(self, terms):
        """Where the terms stand in a heading above the paragraph, for phrases that no text holds."""
        return self.either([Term(term.text, ("headings",)) for term in terms])

    def parts(self, parts):
        """Where every one of the concepts stands."""
        key = tuple(parts)
        if key not in self._concepts:
            together = self.concept(parts[0]).copy()
            for part in parts[1:]:
                together &= self.concept(part)
            self._concepts[key] = together
        return self._concepts[key]

    def concept(self, concept):
        """Where the concept or one of its synonyms stands, as a word does (text or headings).

        A string that holds another of them (中央八项规定 holds 八项规定) adds no
        paragraph, so only the others are looked up.
        """
        if concept not in self._concepts:
            strings = (concept.text, *concept.alternatives)
            needed = [s for s in strings if not any(o != s and o in s for o in strings)]
            mask = self.term(Term(needed[0], WORD_FIELDS)).copy()
            for string in needed[1:]:
                mask |= self.term(Term(string, WORD_FIELDS))
            self._concepts[concept] = mask
        return self._concepts[concept]


#: The tiers are computed over the candidate paragraphs alone while they are fewer than 1 / SPARSE_SHARE of all.
SPARSE_SHARE = 4

#: A first page shorter than this is filled with related paragraphs (`search_core.embedded.engine`).
MIN_RESULTS = 20


def retrieve(snap, plan, masks):
    """The `Retrieved` paragraphs of a plan (`interpret.Plan`): exact matches, then enough partial ones."""
    allowed = snap.live.copy()
    for term in plan.excluded:
        allowed &= ~masks.term(term)
    if plan.empty:
        docs = np.flatnonzero(allowed)
        return Retrieved(docs, np.ones(len(docs), bool), np.zeros(len(docs), np.float32), 0, allowed,
                         np.zeros(0, np.int64), np.zeros(0, np.float32))
    required = allowed.copy()  # a quoted phrase or a scoped term holds for partial matches too
    # Only the paragraphs some mask holds can match: the tiers are computed over those alone, not over every
    # paragraph (at 100,000 notices, 4.8 M of them against a few hundred thousand candidates), unless so many
    # are candidates that gathering them costs more than working on every paragraph.
    union, dense = np.zeros(snap.size, dtype=bool), False

    def add(mask):
        nonlocal dense
        if not dense:
            np.logical_or(union, mask, out=union)
            dense = np.count_nonzero(union) * SPARSE_SHARE > snap.size

    literals, concepts_of = [], []  # per clause: where it is held as typed; the concepts that cover it
    for clause in plan.clauses:
        literals.append(masks.either(clause.terms))
        add(literals[-1])
        unheld = clause.strict and not literals[-1].any()  # a phrase no paragraph's text holds
        if clause.strict and not unheld:
            required &= literals[-1]
        elif unheld:
            add(masks.headings_instead(clause.terms))
        concepts_of.append(clause.fallback if unheld else clause.concepts)
        for concept in (c for concepts in concepts_of[-1] for c in concepts):
            add(masks.concept(concept))
            if concept in clause.parts:
                add(masks.parts(clause.parts[concept]))
    at = slice(None) if dense else np.flatnonzero(union & allowed)
    size = snap.size if dense else len(at)
    exact = allowed.copy() if dense else np.ones(size, dtype=bool)
    coverage = np.zeros(size, dtype=np.float32)
    for clause, literal, concepts_of_clause in zip(plan.clauses, literals, concepts_of):
        unheld = clause.strict and not literal.any()
        literal = literal[at]
        exact &= literal
        if unheld:
            # A phrase no paragraph's text holds (a quoted problem title): the paragraphs under a
            # heading holding it first, then those holding its words, as if it were not quoted.
            covered = masks.headings_instead(clause.terms)[at].astype(np.float32)
        else:
            covered = literal.astype(np.float32)
        for concepts in concepts_of_clause:
            present = np.zeros(size, dtype=np.float32)
            for concept in concepts:
                if concept in clause.parts:
                    present += np.maximum(masks.concept(concept)[at],
                                          masks.parts(clause.parts[concept])[at] * PARTS_COVERAGE)
                else:
                    present += masks.concept(concept)[at]
            np.maximum(covered, present / len(concepts), out=covered)
        coverage += covered
    n = len(plan.clauses)
    candidates = required[at] & ~exact & (coverage > 0)
    threshold = minimum_should_match(n)
    if not exact.any() and candidates.any():
        threshold = min(threshold, float(coverage[candidates].max()))
    partial = candidates & (coverage >= threshold - 1e-6)
    listed = exact | partial
    kept_below = candidates & ~partial
    docs, below = (np.flatnonzero(listed), np.flatnonzero(kept_below)) if dense else (at[listed], at[kept_below])
    return Retrieved(docs, exact[listed], np.where(exact[listed], np.float32(n), coverage[listed]), n,
                     required, below, coverage[kept_below])
