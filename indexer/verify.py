"""Checking a new generation before it goes live: it holds exactly the paragraphs the parse produced.

A rebuild or update that lost documents (a worker's segment missing, a delete
that took too much) must not replace the live index, so every new generation is
counted against what was indexed, and its side-car arrays against its segments.
"""

from collections import Counter
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq

from . import arrays, duplicates
from .errors import ArraysError, BuildError


def verify(whoosh_dir, total, counts, every_notice=False):
    """Check the new index holds `total` documents and each notice in `counts` that many paragraphs.

    With `every_notice`, `counts` must list every notice in the index, and the
    check reads them all from the notice column; otherwise each listed notice
    is counted by a search (updates list only the notices they added or removed).
    """
    ix = whoosh_index.open_dir(str(whoosh_dir))
    with ix.searcher() as searcher:
        problem = arrays_problem(Path(whoosh_dir).parent, ix)
        if problem:
            pass
        elif searcher.doc_count() != total:
            problem = f"it holds {searcher.doc_count()} paragraphs instead of {total}"
        elif every_notice:
            found = Counter(key.split(b":")[0].decode() for key in searcher.reader().column_reader("doc_key"))
            wrong = next((i for i in counts.keys() | found.keys() if counts.get(i, 0) != found[i]), None)
            if wrong:
                problem = f"notice {wrong} has {found[wrong]} paragraphs instead of {counts.get(wrong, 0)}"
        else:
            for notice_id, count in counts.items():
                found = len(list(searcher.docs_for_query(wq.Term("notice", notice_id))))
                if found != count:
                    problem = f"notice {notice_id} has {found} paragraphs instead of {count}"
                    break
    if problem:
        raise BuildError(f"The new index failed verification ({problem}); it was discarded.")


def arrays_problem(gen, ix):
    """Why the side-car arrays do not fit the Whoosh segments of `gen`, or None."""
    for segment in ix._segments():
        try:
            size = arrays.documents_in(arrays.segment_folder(gen, segment))
        except (ArraysError, OSError, ValueError) as exc:
            return f"the side-car arrays of segment {segment.segment_id()} cannot be read ({exc})"
        if size != segment.doc_count_all():
            return (f"the side-car arrays of segment {segment.segment_id()} hold {size} paragraphs "
                    f"instead of {segment.doc_count_all()}")
    try:
        duplicates.check(gen)
    except (ArraysError, OSError, ValueError) as exc:
        return f"its near-duplicate paragraphs cannot be read ({exc})"
    return None
