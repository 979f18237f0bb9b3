"""The two systems under measurement, each answering a list of queries with ranked paragraphs.

Ours is run only through its command line (`notice-index rebuild` and `notice-index
search --json`, the interface the README promises), from the bin folder of the Python
running this script, on copies of the judged notices in a temporary folder: the
project's own data/ and instance/ are never touched.
"""

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from baseline_fts5 import Baseline
from relset import ROOT, corpus_files, text_key

BIN = Path(sys.executable).parent


class OursError(RuntimeError):
    """Our command line failed; the message says which command and why."""


def run_ours(queries, limit=20, root=ROOT):
    """{query text: [(notice_id, n, text), ...]} from our index of the judged corpus, best first.

    A query the command refuses (exit status 2) has a line with no hits.
    """
    with tempfile.TemporaryDirectory(prefix="relevance-") as tmp:
        data, index = Path(tmp) / "data", Path(tmp) / "index"
        for path in corpus_files(root):
            target = data / path.parent.relative_to(root) / path.name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, target)
        build = subprocess.run([BIN / "notice-index", "rebuild", "--data", data, "--index", index],
                               capture_output=True, text=True)
        if build.returncode != 0:
            raise OursError(f"notice-index rebuild failed (exit {build.returncode}): {build.stderr.strip()}")
        search = subprocess.run([BIN / "notice-index", "search", "--index", index, "--json", "--limit", str(limit), "-"],
                                input="".join(q + "\n" for q in queries), capture_output=True, text=True)
        if search.returncode not in (0, 2):
            raise OursError(f"notice-index search failed (exit {search.returncode}): {search.stderr.strip()}")
    lines = [json.loads(line) for line in search.stdout.splitlines() if line.strip()]
    if [row["query"] for row in lines] != list(queries):
        raise OursError("notice-index search did not answer the queries one line each, in order.")
    return {row["query"]: [(h["notice_id"], h["n"], h["text"]) for h in row["hits"]] for row in lines}


def run_baseline(queries, paras, limit=20):
    """{query text: [(notice_id, n, text), ...]} from the FTS5 baseline, best first."""
    baseline = Baseline(paras)
    return {q: [(p.notice_id, p.n, p.text) for p in baseline.search(q, limit)] for q in queries}


def resolve(hits, paras):
    """Each hit as the corpus paragraph it is: by its text's hash, else by (notice id, number).

    The fallback covers a system that shows a paragraph's text differently from the
    parser (it is reported, since a grade is then matched by position only).
    """
    by_key = {p.ident: p for p in paras}
    by_n = {(p.notice_id, p.n): p for p in paras}
    out, fallbacks = [], 0
    for notice_id, n, text in hits:
        para = by_key.get((notice_id, text_key(text)))
        if para is None:
            para = by_n.get((notice_id, n))
            fallbacks += 1
        out.append(para)
    return out, fallbacks
