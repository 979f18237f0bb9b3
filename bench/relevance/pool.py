"""Print the paragraphs a query's judge must read: the pool of both systems' top 20 and of words found by hand.

For each query it lists every candidate with its file, number, role, heading path and
whole text, and the grade it already has, so grades are given by reading the
paragraph in its place in the notice. Grades are then written to judgments.jsonl with
`grade`; nothing here decides a grade.

    .venv/bin/python bench/relevance/pool.py show [--unjudged] [--grep WORD ...] QUERY_ID...
    .venv/bin/python bench/relevance/pool.py grade QUERY_ID SOURCE#N GRADE [SOURCE#N GRADE ...]

`show --grep` adds every paragraph whose text or headings contain one of the words
(the judge's own search for the concept: synonyms, related wording). `grade` adds or
replaces lines of judgments.jsonl for the paragraphs named by file and number
(e.g. `data/notices/2023-榆树市文广旅局.txt#11 2`, or `web/001.txt#2 0`, a unique
suffix of the file is enough).
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[2]))

import relset  # noqa: E402
from relset import judgment_line, load_corpus, load_judgments, load_queries  # noqa: E402
from systems import resolve, run_baseline, run_ours  # noqa: E402


def cmd_show(args, queries, paras):
    unknown = set(args.ids) - {q.id for q in queries}
    if unknown:
        sys.exit(f"pool.py: no query with id {', '.join(sorted(unknown))} in queries.toml.")
    chosen = [q for q in queries if q.id in args.ids] if args.ids else queries
    grades, _ = load_judgments() if relset.JUDGMENTS.exists() else ({}, [])
    ours = run_ours([q.q for q in chosen])
    base = run_baseline([q.q for q in chosen], paras)
    for query in chosen:
        sources = {}
        for name, hits in (("ours", ours[query.q]), ("fts5", base[query.q])):
            for rank, para in enumerate(resolve(hits, paras)[0], 1):
                sources.setdefault(para.ident, []).append(f"{name}#{rank}")
        for para in paras:
            hay = para.text + "\n" + "\n".join(para.headings)
            if any(word in hay for word in args.grep):
                sources.setdefault(para.ident, []).append("grep")
        judged = grades.get(query.id, {})
        print(f"\n==== {query.id}  {query.q}  [{query.kind}]  need: {query.need}")
        for para in paras:
            if para.ident not in sources or (args.unjudged and para.ident in judged):
                continue
            grade = judged.get(para.ident, "-")
            print(f"[{grade}] {para.source}#{para.n} <{para.role}> ({' '.join(sources[para.ident])})")
            print(f"      H: {' > '.join(para.headings)}")
            print(f"      {para.text}")


def cmd_grade(args, queries, paras):
    query = next((q for q in queries if q.id == args.id), None)
    if query is None:
        sys.exit(f"pool.py: no query with id {args.id} in queries.toml.")
    if len(args.pairs) % 2:
        sys.exit("pool.py: give each paragraph as SOURCE#N followed by its grade.")
    new, count = {}, len(args.pairs) // 2
    for name, grade in zip(args.pairs[::2], args.pairs[1::2]):
        source, _, n = name.rpartition("#")
        found = [p for p in paras if p.source.endswith(source) and str(p.n) == n]
        if len(found) != 1 or grade not in ("0", "1", "2"):
            sys.exit(f"pool.py: {name} {grade}: name one paragraph as FILE#N and a grade 0, 1 or 2.")
        new[found[0].ident] = judgment_line(query, found[0], int(grade))
    rows = [line for line in (relset.JUDGMENTS.read_text(encoding="utf-8").splitlines() if relset.JUDGMENTS.exists() else [])
            if line.strip()]
    out = []
    for line in rows:
        row = json.loads(line)
        ident = (row["notice_id"], row["key"])
        out.append(new.pop(ident) if row["qid"] == query.id and ident in new else line)
    relset.JUDGMENTS.write_text("\n".join(out + list(new.values())) + "\n", encoding="utf-8")
    print(f"pool.py: {count} grades for {query.id} written to {relset.JUDGMENTS}.")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--set", choices=sorted(relset.SETS), default="judged", help="which judged set")
    sub = parser.add_subparsers(dest="command", required=True)
    show = sub.add_parser("show", help="print the pooled candidates of the queries (all when none is named)")
    show.add_argument("ids", nargs="*", metavar="QUERY_ID")
    show.add_argument("--unjudged", action="store_true", help="only candidates without a grade")
    show.add_argument("--grep", nargs="+", default=[], metavar="WORD", help="also every paragraph holding a word")
    grade = sub.add_parser("grade", help="write grades to judgments.jsonl")
    grade.add_argument("id", metavar="QUERY_ID")
    grade.add_argument("pairs", nargs="+", metavar="SOURCE#N GRADE")
    args = parser.parse_args(argv)
    relset.select(args.set)
    queries, paras = load_queries(), load_corpus()
    (cmd_show if args.command == "show" else cmd_grade)(args, queries, paras)


if __name__ == "__main__":
    main()
