"""The issue's twenty-line baseline: plain jieba words, OR-ed, ranked by SQLite FTS5's bm25().

Each paragraph's text (not its headings: the issue's baseline indexed paragraphs) is cut
with `jieba.lcut_for_search` and its default dictionary (no user dictionary, no folding),
the words joined by spaces into an FTS5 table whose unicode61 tokenizer splits on them.
A query is cut the same way; every word that holds a letter or digit becomes a quoted
FTS5 term (so AND, OR, | and quotes are words like any other), and the terms are OR-ed.
Hits are ordered by bm25() and then by corpus order, so a run is repeatable.

    .venv/bin/python bench/relevance/baseline_fts5.py [--limit N] QUERY...   (JSON lines like notice-index search --json)
"""

import argparse
import json
import sqlite3
import sys
from pathlib import Path

import jieba

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

from relset import load_corpus  # noqa: E402

jieba.setLogLevel(60)


def words(text):
    """Search-mode jieba words that hold a letter or digit (CJK characters count as letters)."""
    return [w for w in jieba.lcut_for_search(text) if any(ch.isalnum() for ch in w)]


class Baseline:
    """An in-memory FTS5 index of the given paragraphs."""

    def __init__(self, paras):
        self.paras = list(paras)
        self.db = sqlite3.connect(":memory:")
        self.db.execute("CREATE VIRTUAL TABLE p USING fts5(words, tokenize='unicode61')")
        self.db.executemany("INSERT INTO p(rowid, words) VALUES (?, ?)",
                            ((i, " ".join(words(p.text))) for i, p in enumerate(self.paras)))

    def search(self, query, limit=20):
        """The top `limit` paragraphs for `query`, best first."""
        terms = sorted(set(words(query)), key=words(query).index)
        if not terms:
            return []
        match = " OR ".join('"' + t.replace('"', '""') + '"' for t in terms)
        rows = self.db.execute("SELECT rowid FROM p WHERE p MATCH ? ORDER BY bm25(p), rowid LIMIT ?",
                               (match, limit)).fetchall()
        return [self.paras[rowid] for (rowid,) in rows]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("queries", nargs="+", metavar="QUERY")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args(argv)
    baseline = Baseline(load_corpus())
    for q in args.queries:
        hits = baseline.search(q, args.limit)
        print(json.dumps({"query": q, "hits": [{"notice_id": p.notice_id, "n": p.n, "text": p.text} for p in hits]},
                         ensure_ascii=False))


if __name__ == "__main__":
    main()
