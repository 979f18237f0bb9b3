"""The judged relevance set: its corpus, its queries and its grades, read the same way by every script.

A paragraph is known by its notice id (a hash of the file's bytes) and the SHA-1 of
its text, so a grade stays attached to the paragraph it was given to when a parser
change renumbers paragraphs; its number and the start of its text are kept only for
people reading the files.
"""

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
#: Each judged set: its folder (queries.toml, judgments.jsonl) and its corpus (folders of the project, patterns).
#: `judged`, the set ranking was tuned on: the shipped complete notices and the real web captures;
#: `heldout`, notices and queries written and graded after that, never tuned to (heldout/README.md).
SETS = {"judged": (HERE, (("data/notices", "*.txt"), ("tests/notices/web", "*.txt"))),
        "heldout": (HERE / "heldout", (("bench/relevance/heldout/notices", "*.txt"),))}


def select(name):
    """Make the scripts read the set `name` of SETS (the judged one unless told)."""
    global QUERIES, JUDGMENTS, CORPUS_GLOBS
    folder, CORPUS_GLOBS = SETS[name]
    QUERIES, JUDGMENTS = folder / "queries.toml", folder / "judgments.jsonl"


select("judged")
KINDS = ("topic", "colloquial", "reworded", "role", "variant", "typo", "heading_phrase", "operator", "question")
PREFIX = 24


def text_key(text):
    """The first 12 hex digits of the SHA-1 of a paragraph's text (UTF-8)."""
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


@dataclass(frozen=True)
class Para:
    """One paragraph of the judged corpus, as the parser reads it today."""

    notice_id: str
    key: str
    n: int
    source: str  # the file, relative to the project
    text: str
    headings: tuple
    role: str

    @property
    def ident(self):
        return (self.notice_id, self.key)


def corpus_files(root=ROOT):
    """The judged notice files, in a fixed order."""
    return [path for folder, pattern in CORPUS_GLOBS for path in sorted((root / folder).glob(pattern))]


def load_corpus(root=ROOT):
    """Every paragraph of the judged corpus, parsed by the project's parser, in file order."""
    from indexer.parsing import parse_file

    paras = []
    for path in corpus_files(root):
        notice = parse_file(path)
        for p in notice.paragraphs:
            paras.append(Para(notice.id, text_key(p.text), p.n, path.relative_to(root).as_posix(),
                              p.text, tuple(p.headings), p.role or ""))
    return paras


@dataclass(frozen=True)
class Query:
    id: str
    q: str
    kind: str
    need: str
    no_answer: bool = False


def load_queries(path=None):
    with open(path or QUERIES, "rb") as f:
        data = tomllib.load(f)
    return [Query(item["id"], item["q"], item["kind"], item["need"], item.get("no_answer", False))
            for item in data["query"]]


def load_judgments(path=None):
    """{query id: {(notice_id, key): grade}} and the raw lines, in file order."""
    grades, lines = {}, []
    with open(path or JUDGMENTS, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            row = json.loads(line)
            row["_line"] = number
            lines.append(row)
            grades.setdefault(row["qid"], {})[(row["notice_id"], row["key"])] = row["grade"]
    return grades, lines


def judgment_line(query, para, grade):
    """One line of judgments.jsonl, keys in a fixed order so the file diffs cleanly."""
    return json.dumps({"qid": query.id, "query": query.q, "notice_id": para.notice_id, "key": para.key,
                       "source": para.source, "n": para.n, "prefix": para.text[:PREFIX], "grade": grade},
                      ensure_ascii=False)
