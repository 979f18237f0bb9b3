"""How each cost grows with the number of notices: one row per corpus size, from the latest run of each.

`bench/run.py` writes `results/<date>-n<N>.json` for every size it measures;
this reads the newest one of each N and prints (and writes to
`results/growth.md`) one table, so a reader sees at a glance whether build
time and size grow linearly and query time no faster than the matches. Rows
from different runs say which commit and day they were measured on.

    .venv/bin/python bench/growth.py
"""

import json
import re
import statistics
import sys
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
MB = 1e6
NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-n(\d+)\.json$")


def latest_runs(folder=RESULTS):
    """{N: (path, raw results)} of the newest run of each size that measured our engine."""
    found = {}
    for path in sorted(folder.glob("*.json")):
        match = NAME.match(path.name)
        if match:
            found[int(match.group(2))] = path  # sorted by date: the last one wins
    runs = {}
    for n, path in sorted(found.items()):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if "ours" in raw.get("systems", {}):
            runs[n] = (path, raw)
    return runs


def _percentiles(values):
    ordered = sorted(values)
    if not ordered:
        return None
    return statistics.median(ordered), ordered[max(0, -(-95 * len(ordered) // 100) - 1)]


def _lat(ours, which):
    if which not in ours:
        return "—"
    p = _percentiles([t["ms"] for t in ours[which]["passes"][0]])
    return f"{p[0]:.1f} / {p[1]:.1f}" if p else "—"


def rows(runs):
    out = []
    for n, (path, raw) in runs.items():
        info, ours = raw["info"], raw["systems"]["ours"]
        build, http = ours["build"], ours.get("http", {})
        hits = statistics.median(t["total"] for t in ours["inprocess"]["passes"][0])
        server = http.get("status", {}).get("VmRSS")
        update = ours.get("update", {}).get("seconds")
        out.append([f"{n:,}", f"{info['bytes'] / MB:,.0f}", f"{info['paragraphs']:,}",
                    f"{build['seconds']:,.0f}", f"{build['peak_rss'] / MB:,.0f}",
                    f"{ours['size'] / MB:,.0f}", f"{ours['size'] / MB / (n / 1000):.1f}",
                    f"{server / MB:,.0f}" if server else "—",
                    _lat(ours, "inprocess"), _lat(ours, "http"), f"{hits:,.0f}",
                    f"{update:.2f}" if update is not None else "—",
                    f"{http['first_answer_s']:.1f}" if "first_answer_s" in http else "—",
                    f"{info['when'][:10]} · {info['commit']}"])
    return out


def table(runs):
    head = ["notices", "text, MB", "paragraphs", "build, s", "build peak RSS, MB", "index, MB",
            "index MB per 1,000 notices", "server RSS after the run, MB", "in-process p50 / p95, ms",
            "HTTP p50 / p95, ms", "median matches per query", "update one notice, s", "first answer, s", "measured"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(r) + " |" for r in rows(runs)]
    return "\n".join(lines) + "\n"


def main():
    runs = latest_runs()
    if not runs:
        sys.exit("No results yet: run ./dev bench first (its JSON files go to bench/results/).")
    text = "### Growth: the newest run of each size\n\n" + table(runs)
    (RESULTS / "growth.md").write_text(text, encoding="utf-8")
    print(text, end="")


if __name__ == "__main__":
    main()
