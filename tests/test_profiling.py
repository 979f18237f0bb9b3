"""bench/profiling.py: the profiles the README's explanations of the costs rest on time the code that runs.

A phase whose function was renamed used to be skipped without a word, and the
profile then gave its time to no phase; these tests fail instead.
"""

import importlib
import sys

from conftest import TESTS
from indexer.build import rebuild
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest

sys.path.insert(0, str(TESTS.parent / "bench"))
import profiling  # noqa: E402


def _resolve(module_name, dotted):
    owner = importlib.import_module(module_name)
    for part in dotted.split("."):
        owner = getattr(owner, part)
    return owner


def test_every_phase_and_step_the_profiler_times_exists():
    for module_name, dotted, _label in profiling.PHASES + profiling.UPDATE_STEPS:
        assert callable(_resolve(module_name, dotted)), (module_name, dotted)


def test_a_timed_function_is_timed_where_another_module_imported_it_and_put_back_after():
    spent = {}
    ranking = importlib.import_module("search_core.embedded.ranking")
    matching = importlib.import_module("search_core.embedded.matching")
    original = matching.heading_depths
    undo = profiling.time_calls(matching, "heading_depths", "depths", spent)
    try:
        assert ranking.heading_depths is matching.heading_depths is not original
    finally:
        undo()
    assert ranking.heading_depths is matching.heading_depths is original


def test_the_update_profile_times_each_step_of_a_real_update(data, tmp_path, capsys):
    index = tmp_path / "index"
    rebuild(data, index)
    files = sorted(data.glob("*.txt"))
    target = files[len(files) // 2]
    before = target.read_bytes(), target.stat().st_mtime_ns
    steps = {(name, dotted): _resolve(name, dotted) for name, dotted, _label in profiling.UPDATE_STEPS}
    profiling.main(["update", "--data", str(data), "--index", str(index)])
    assert {key: _resolve(*key) for key in steps} == steps  # the timers are gone again
    out = capsys.readouterr().out
    assert "(update, gen-000002)" in out
    for _module, _dotted, label in profiling.UPDATE_STEPS:
        line = next(line for line in out.splitlines() if line.strip().startswith(label.strip()))
        assert float(line.split()[-2]) >= 0, line
    # The file is back as it was, and the index holds the paragraph the profile added, once.
    assert (target.read_bytes(), target.stat().st_mtime_ns) == before
    assert EmbeddedBackend(index).search(SearchRequest(q='"本通报已于发布后更新（剖析）"')).total == 1


def test_the_query_profile_gives_each_phase_a_share(index_dir, capsys):
    phases = {(name, dotted): _resolve(name, dotted) for name, dotted, _label in profiling.PHASES}
    profiling.main(["query", "--index", str(index_dir), "--top", "3", "--slowest", "2"])
    assert {key: _resolve(*key) for key in phases} == phases
    out = capsys.readouterr().out
    for label in ("match: term masks", "rank: BM25, headings, titles", "facet counts", "hits: text, highlight"):
        line = next(line for line in out.splitlines() if line.strip().startswith(label))
        assert line.endswith(" ms") and float(line.split()[-2]) > 0, line
