"""Score our search and the FTS5 baseline on the judged relevance set, side by side.

    .venv/bin/python bench/relevance/evaluate.py [--json PATH] [--set heldout]

Builds our index of the judged notices in a temporary folder (`notice-index rebuild`),
runs every query of queries.toml through `notice-index search --json --limit 20` and
through baseline_fts5.py, and prints one markdown table: nDCG@10 (gains 0/1/2, the
ideal from every judged paragraph of the query), P@10 and recall@20 (grade 1 or 2 is
relevant), the queries with no hits, and those with no hits although a word of the
query occurs in the notices; then the same per kind of query, and every paragraph in
either system's top 10 that nobody has judged for that query, to be judged by reading.
An unjudged paragraph scores 0. Queries without any paragraph graded 1 or 2 count only
in the hit rows. `--json` also writes every query's numbers and hits.
"""

import argparse
import json
import math
import subprocess
import sys
import unicodedata
from pathlib import Path

import jieba
import opencc

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

import relset  # noqa: E402
from relset import KINDS, ROOT, load_corpus, load_judgments, load_queries  # noqa: E402
from systems import OursError, resolve, run_baseline, run_ours  # noqa: E402

jieba.setLogLevel(60)
SYSTEMS = ("ours", "fts5")
LABELS = {"ours": "ours (`notice-index search`)", "fts5": "FTS5 baseline"}
OPERATORS = {"and", "or", "not"}
_T2S = opencc.OpenCC("t2s")


def fold(text):
    """NFKC, simplified characters, lower case: how 'occurs in the notices' is checked."""
    return _T2S.convert(unicodedata.normalize("NFKC", text)).lower()


def query_words(q):
    """The words of a query that could occur in a notice: search-mode jieba words of two or more characters."""
    return [w for w in jieba.lcut_for_search(fold(q))
            if len(w) >= 2 and any(ch.isalnum() for ch in w) and w not in OPERATORS]


def dcg(gains):
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def score(query_grades, ranked):
    """nDCG@10, P@10, recall@20 of one ranked list of paragraph idents; None when nothing is relevant."""
    relevant = sum(1 for g in query_grades.values() if g >= 1)
    if not relevant:
        return {"ndcg10": None, "p10": None, "r20": None}
    gains = [query_grades.get(ident, 0) for ident in ranked]
    ideal = sorted(query_grades.values(), reverse=True)[:10]
    return {"ndcg10": dcg(gains[:10]) / dcg(ideal),
            "p10": sum(1 for g in gains[:10] if g >= 1) / 10,
            "r20": sum(1 for g in gains[:20] if g >= 1) / relevant}


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else float("nan")


def evaluate():
    queries, paras = load_queries(), load_corpus()
    grades, _ = load_judgments()
    haystack = "\n".join(fold(p.text + "\n" + "\n".join(p.headings)) for p in paras)
    answers = {"ours": run_ours([q.q for q in queries]), "fts5": run_baseline([q.q for q in queries], paras)}
    rows, unjudged, fallbacks = [], [], {name: 0 for name in SYSTEMS}
    for query in queries:
        judged = grades.get(query.id, {})
        words = query_words(query.q)
        row = {"id": query.id, "q": query.q, "kind": query.kind, "no_answer": query.no_answer,
               "word_in_corpus": any(w in haystack for w in words)}
        for name in SYSTEMS:
            hits, fell_back = resolve(answers[name][query.q], paras)
            fallbacks[name] += fell_back
            ranked = [p.ident if p else None for p in hits]
            row[name] = {**score(judged, ranked), "hits": len(ranked),
                         "top": [f"{p.source}#{p.n}" if p else "?" for p in hits]}
            for rank, para in enumerate(hits[:10], 1):
                if para is not None and para.ident not in judged:
                    unjudged.append((query, name, rank, para))
        rows.append(row)
    return rows, unjudged, fallbacks


def summary(rows, name):
    return {"queries": len(rows),
            "scored": sum(1 for r in rows if r[name]["ndcg10"] is not None),
            "ndcg10": mean(r[name]["ndcg10"] for r in rows),
            "p10": mean(r[name]["p10"] for r in rows),
            "r20": mean(r[name]["r20"] for r in rows),
            "zero": sum(1 for r in rows if r[name]["hits"] == 0),
            "zero_with_word": sum(1 for r in rows if r[name]["hits"] == 0 and r["word_in_corpus"])}


def measured_code():
    """The commit whose code was measured, marked when the work tree differs from it."""
    def git(*args):
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + (" + uncommitted changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def render(rows, unjudged, fallbacks):
    which = "judged set" if relset.QUERIES.parent == relset.HERE else "held-out set"
    out = [f"Relevance on the {which} ({relset.QUERIES.relative_to(ROOT).parent}/), code at {measured_code()}\n"]
    total = {name: summary(rows, name) for name in SYSTEMS}
    scored = total["ours"]["scored"]
    out.append(f"{len(rows)} queries ({scored} with a relevant paragraph are scored; "
               f"{len(rows) - scored} only count in the hit rows)\n")
    out.append(f"| measure | {LABELS['ours']} | {LABELS['fts5']} |")
    out.append("|---|---|---|")
    for key, label in (("ndcg10", "nDCG@10"), ("p10", "P@10"), ("r20", "recall@20")):
        out.append(f"| {label} | {total['ours'][key]:.3f} | {total['fts5'][key]:.3f} |")
    out.append(f"| queries with 0 hits | {total['ours']['zero']} | {total['fts5']['zero']} |")
    out.append(f"| … of them although a query word occurs in the notices | {total['ours']['zero_with_word']} | "
               f"{total['fts5']['zero_with_word']} |")
    out.append("\nPer kind (nDCG@10 · P@10 · recall@20 · queries with 0 hits; ours / FTS5):\n")
    out.append("| kind | queries | nDCG@10 | P@10 | recall@20 | 0 hits |")
    out.append("|---|---|---|---|---|---|")
    for kind in KINDS:
        part = [r for r in rows if r["kind"] == kind]
        if not part:
            continue
        s = {name: summary(part, name) for name in SYSTEMS}
        cells = [f"{s['ours'][k]:.3f} / {s['fts5'][k]:.3f}" for k in ("ndcg10", "p10", "r20")]
        out.append(f"| {kind} | {len(part)} | " + " | ".join(cells) + f" | {s['ours']['zero']} / {s['fts5']['zero']} |")
    zero = [r for r in rows if r["ours"]["hits"] == 0]
    if zero:
        out.append("\nQueries ours answers with no hits: " + ", ".join(
            f"`{r['q']}`" + (" (a word occurs)" if r["word_in_corpus"] else "") for r in zero))
    for name in SYSTEMS:
        if fallbacks[name]:
            out.append(f"\n{fallbacks[name]} hits of {name} had a text unlike the parser's; matched by notice and number.")
    out.append(f"\nUnjudged paragraphs in a top 10 ({len(unjudged)}; they scored 0: judge them by reading, "
               "see README.md):\n")
    for query, name, rank, para in unjudged:
        out.append(f"- `{query.id}` {query.q} · {name} #{rank} · {para.source}#{para.n} "
                   f"({para.key}) {para.text[:30]}")
    if not unjudged:
        out.append("- none")
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", metavar="PATH", help="also write every query's numbers and hits to PATH")
    parser.add_argument("--set", choices=sorted(relset.SETS), default="judged",
                        help="the judged set ranking was tuned on (default), or the held-out one")
    args = parser.parse_args(argv)
    relset.select(args.set)
    try:
        rows, unjudged, fallbacks = evaluate()
    except OursError as exc:
        sys.exit(f"evaluate.py: {exc}")
    print(render(rows, unjudged, fallbacks))
    if args.json:
        Path(args.json).write_text(json.dumps({"summary": {name: summary(rows, name) for name in SYSTEMS},
                                               "queries": rows}, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
