"""Where a query's terms match in a text: character spans, for the web layer to mark.

Matching works on folded text, and folding keeps every character in place
(`indexer.folding.fold`), so a span found in the folded text marks the same
characters of the original, traditional script and full-width forms included.
"""

from functools import lru_cache

from indexer.folding import fold

from .query import term_pattern


def spans(text, terms, field="text"):
    """[(start, end)] of every match in `text` of the terms that search `field`, merged where they overlap.

    A term may also be a pattern to mark (`figures.Mark`: the figures a how-many question asks for).
    """
    folded = fold(text)
    found = []
    for term in terms:
        if field in term.fields:
            pattern = term.pattern if hasattr(term, "pattern") else term_pattern(term.text)
            found += [m.span() for m in pattern.finditer(folded) if m.end() > m.start()]
    found.sort()
    merged = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [tuple(span) for span in merged]


@lru_cache(maxsize=4096)
def heading_spans(heading, terms):
    """A heading's spans, once per query (`terms` a tuple): the hits of one page share a few heading paths."""
    return spans(heading, terms, field="headings")
