"""A short run of bench/load.py: many clients at once against the real `notice-search serve`.

The full run (16 clients for 60 s over 1,000 notices) is in the README's
Reliability section; this one keeps the suite fast and checks the same things:
no request fails, and the server's memory levels off instead of growing.
"""

import json
import subprocess
import sys

from indexer.settings import PROJECT_ROOT

LOAD = PROJECT_ROOT / "bench" / "load.py"


def test_eight_clients_for_five_seconds_among_stalled_and_slow_ones_without_an_error(index_dir, tmp_path):
    figures = tmp_path / "load.json"
    run = subprocess.run(
        [sys.executable, str(LOAD), "--index", str(index_dir), "--clients", "8", "--duration", "5",
         "--timeout", "30", "--stalled", "2", "--slow", "10", "--json", str(figures)],
        capture_output=True, text=True, timeout=180,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    result = json.loads(figures.read_text(encoding="utf-8"))
    assert result["errors"] == 0 and result["error_examples"] == []
    assert result["requests"] >= 40, "eight clients for five seconds answered almost nothing"
    assert "| errors | 0 |" in run.stdout
    rss = result["rss_mb"]
    assert rss["end"] - rss["middle"] < 30, f"server memory still growing: {rss}"
    assert rss["max"] < rss["start"] * 1.5, f"server memory grew under load: {rss}"
