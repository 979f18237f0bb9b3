"""How well the parser's tags agree with tags annotated by reading (tests/tags/gold.jsonl).

Run from the project folder:  .venv/bin/python bench/tags.py [--details]

Paragraphs are matched by notice id and a hash of their text, so the gold
survives renumbering; a gold paragraph the parser no longer produces is
counted as missed and listed. Notice fields (level, region, dates, counts) are
compared on every annotated notice, a field absent on both sides counting as
agreement, and also on only the notices whose gold states the value.

The gold's primary role of a paragraph that quotes its problem and then its
measures is the measure; the parser lists such a paragraph under 问题 (see
indexer/parsing/roles.py), so the primary role is also scored that way.
"""

import argparse
import hashlib
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.parsing import parse_file  # noqa: E402

GOLD = ROOT / "tests" / "tags" / "gold.jsonl"
NOTICES = ROOT / "tests" / "notices"
DATE_FIELDS = {"published": "published", "feedback": "feedback_date",
               "inspection_start": "inspection_start", "inspection_end": "inspection_end"}
COUNT_FIELDS = ("problems", "problems_done", "measures", "measures_done", "rate")


def paragraph_key(text):
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:12]


def load_gold(path=GOLD):
    notices, paragraphs = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            (paragraphs if "para" in record else notices).append(record)
    return notices, paragraphs


def gold_date(dates):
    """The one date a notice is listed by: published, else the feedback, else the inspection's end."""
    for kind in ("published", "feedback", "inspection_end"):
        if dates.get(kind):
            return dates[kind], kind
    return None, None


class Tally:
    """Counts for accuracy and micro precision/recall."""

    def __init__(self):
        self.c = Counter()

    def hit(self, name, ok):
        self.c[name, "n"] += 1
        self.c[name, "ok"] += bool(ok)

    def sets(self, name, predicted, gold):
        predicted, gold = set(predicted), set(gold)
        self.c[name, "tp"] += len(predicted & gold)
        self.c[name, "fp"] += len(predicted - gold)
        self.c[name, "fn"] += len(gold - predicted)

    def accuracy(self, name):
        n = self.c[name, "n"]
        return (self.c[name, "ok"] / n if n else float("nan")), n

    def prf(self, name):
        tp, fp, fn = self.c[name, "tp"], self.c[name, "fp"], self.c[name, "fn"]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def roles_of(paragraph):
    return list(getattr(paragraph, "roles", None) or ([paragraph.role] if paragraph.role else []))


def notice_date(notice):
    if hasattr(notice, "date"):
        return notice.date, getattr(notice, "date_kind", None)
    return None, None


def rate_of(stats):
    rate = getattr(stats, "rate", None)
    return None if rate is None else round(float(rate), 2)


def evaluate(details=False, gold=GOLD):
    gold_notices, gold_paragraphs = load_gold(gold)
    tally, problems = Tally(), []
    parsed = {}
    for g in gold_notices:
        notice = parse_file(NOTICES / g["file"])
        if notice.id != g["notice"]:
            problems.append(f"{g['file']}: file changed (id {notice.id}, gold {g['notice']})")
        parsed[g["notice"]] = notice
        _notice_fields(tally, g, notice, problems)
    by_key = {(nid, paragraph_key(p.text)): p for nid, n in parsed.items() for p in n.paragraphs}
    files = {g["notice"]: g["file"] for g in gold_notices}
    for g in gold_paragraphs:
        p = by_key.get((g["notice"], g["para"]))
        if p is None:
            tally.hit("matched", False)
            problems.append(f"{files[g['notice']]}: no paragraph «{g['text']}…» any more")
            continue
        tally.hit("matched", True)
        roles = roles_of(p)
        tally.hit("primary role", p.role == g["roles"][0])
        tally.sets("role set", roles, g["roles"])
        tally.hit("role set exact", set(roles) == set(g["roles"]))
        tally.sets("problem types", p.problem_types, g["problem_types"])
        tally.hit("category", p.category == g["category"])
        for role in g["roles"]:
            tally.sets(f"role {role}", [r for r in roles if r == role], [role])
        for role in roles:
            if role not in g["roles"]:
                tally.sets(f"role {role}", [role], [])
        if details:
            wrong = []
            if p.role != g["roles"][0] or set(roles) != set(g["roles"]):
                wrong.append(f"roles {'+'.join(roles)} ≠ {'+'.join(g['roles'])}")
            if set(p.problem_types) != set(g["problem_types"]):
                wrong.append(f"types {','.join(p.problem_types) or '∅'} ≠ {','.join(g['problem_types']) or '∅'}")
            if p.category != g["category"]:
                wrong.append(f"category {p.category} ≠ {g['category']}")
            if wrong:
                problems.append(f"{files[g['notice']]} [{p.n}] «{g['text']}»: " + "; ".join(wrong))
    return tally, problems


def _notice_fields(tally, g, notice, problems):
    def compare(name, predicted, expected):
        tally.hit(name, predicted == expected)
        if expected is not None:
            tally.hit(name + " (stated)", predicted == expected)
        if predicted != expected:
            problems.append(f"{g['file']}: {name} {predicted} ≠ {expected}")

    compare("level", notice.level, g["level"])
    region = notice.region
    for part in ("province", "city", "county"):
        compare(f"region {part}", getattr(region, part), g["region"][part])
    tally.hit("region (all three)", all(getattr(region, k) == v for k, v in g["region"].items()))
    for key, attr in DATE_FIELDS.items():
        compare(f"date {key}", getattr(notice, attr), g["dates"][key])
    expected_date, expected_kind = gold_date(g["dates"])
    date, kind = notice_date(notice)
    compare("date (listing)", date, expected_date)
    compare("date kind", kind, expected_kind)
    compare("year", notice.year, int(expected_date[:4]) if expected_date else None)
    for key in COUNT_FIELDS:
        value = rate_of(notice.stats) if key == "rate" else getattr(notice.stats, key, None)
        compare(f"count {key}", value, g["counts"][key])


def report(tally):
    rows = []

    def acc(name, label=None):
        value, n = tally.accuracy(name)
        rows.append((label or name, f"{value:.3f}", f"n={n}"))

    acc("matched", "paragraphs matched")
    acc("primary role")
    p, r, f = tally.prf("role set")
    rows.append(("role-set F1", f"{f:.3f}", f"P {p:.3f} R {r:.3f}"))
    acc("role set exact", "role set exact")
    p, r, f = tally.prf("problem types")
    rows.append(("problem types F1", f"{f:.3f}", f"P {p:.3f} R {r:.3f}"))
    acc("category")
    acc("level")
    for part in ("province", "city", "county"):
        acc(f"region {part}")
    acc("region (all three)")
    for name in ("date (listing)", "date kind", "year", *(f"date {k}" for k in DATE_FIELDS),
                 *(f"count {k}" for k in COUNT_FIELDS)):
        value, n = tally.accuracy(name)
        stated, m = tally.accuracy(name + " (stated)")
        rows.append((name, f"{value:.3f}", f"n={n}; where stated {stated:.3f} (n={m})"))
    roles = sorted({k[0][5:] for k in tally.c if k[0].startswith("role ") and k[0] != "role set"
                    and not k[0].startswith("role set")})
    for role in roles:
        p, r, f = tally.prf(f"role {role}")
        rows.append((f"  role {role}", f"{f:.3f}", f"P {p:.3f} R {r:.3f}"))
    width = max(len(r[0]) for r in rows)
    lines = [f"| {'measure'.ljust(width)} | value | detail |", f"|{'-' * (width + 2)}|-------|--------|"]
    lines += [f"| {name.ljust(width)} | {value} | {detail} |" for name, value, detail in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every paragraph and field that disagrees")
    parser.add_argument("--gold", type=Path, default=GOLD, help="the gold file (default: tests/tags/gold.jsonl)")
    args = parser.parse_args(argv)
    tally, problems = evaluate(details=args.details, gold=args.gold)
    print(report(tally))
    if args.details and problems:
        print("\nDisagreements:")
        print("\n".join(problems))


if __name__ == "__main__":
    main()
