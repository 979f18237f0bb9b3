"""`notice-index` as operators and scripts run it: exit statuses, messages, JSON lines, settings."""

import hashlib
import io
import json
import re
import os
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import pytest

from indexer import cli, settings, store
from indexer.progress import Progress

NOTICES = Path(__file__).parent / "notices" / "complete"
PROJECT = Path(__file__).resolve().parent.parent
HIT_KEYS = ["notice_id", "n", "title", "text", "headings", "category", "role", "roles", "problem_types", "date", "match"]


def run(*args, stdin=None, **env):
    """Run notice-index with the NOTICE_SEARCH_* environment given, and only that."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NOTICE_SEARCH_")}
    return subprocess.run([sys.executable, "-m", "indexer.cli", *map(str, args)], cwd=PROJECT, input=stdin,
                          env={**clean, **env}, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A data folder and an index built from it by the command, shared by the search tests."""
    root = tmp_path_factory.mktemp("cli")
    data, index = root / "data", root / "index"
    data.mkdir()
    for path in sorted(NOTICES.glob("*.txt")):
        (data / path.name).write_bytes(path.read_bytes())
    result = run("rebuild", "--data", data, "--index", index)
    assert result.returncode == 0, result.stderr
    return data, index


def test_rebuild_exits_0_when_all_is_indexed_2_when_files_were_skipped_1_when_nothing_changed(data, tmp_path):
    index = tmp_path / "index"
    first = run("rebuild", "--data", data, "--index", index)
    assert first.returncode == 0, first.stderr
    assert first.stdout.startswith("notice-index: rebuilt; gen-000001 is live: 5 notices, ")
    assert "indexing: 5 files" in first.stderr  # plain log lines: stderr is not a terminal

    (data / "empty.txt").write_bytes(b"")
    second = run("rebuild", "--data", data, "--index", index)
    assert second.returncode == 2
    assert "notice-index: skipped empty.txt: is empty\n" in second.stdout

    third = run("rebuild", "--data", tmp_path / "nowhere", "--index", index)
    assert third.returncode == 1
    assert third.stderr == (f"notice-index: rebuild failed, nothing changed: Data folder {tmp_path / 'nowhere'} "
                            "does not exist or is not a folder; give another with --data or NOTICE_SEARCH_DATA.\n")
    assert os.readlink(index / store.CURRENT) == "gen-000002"


def test_rebuild_if_stale_does_nothing_when_the_index_is_up_to_date(built):
    data, index = built
    result = run("rebuild", "--if-stale", "--data", data, "--index", index)
    assert (result.returncode, result.stdout) == (0, f"notice-index: the index in {index} is up to date with {data}\n")


def test_update_and_check_report_what_they_did(data, tmp_path):
    index = tmp_path / "index"
    assert run("rebuild", "--data", data, "--index", index).returncode == 0
    (data / "added.txt").write_text("关于巡察整改进展情况的通报\n\n一、整改情况\n\n新增的整改措施：甲乙丙丁。\n",
                                    encoding="utf-8")
    updated = run("update", "--data", data, "--index", index)
    assert updated.returncode == 0, updated.stderr
    assert updated.stdout.startswith("notice-index: updated (1 added); gen-000002 is live: 6 notices, ")

    assert run("check", "--data", data).returncode == 0
    (data / "empty.txt").write_bytes(b"")
    checked = run("check", "--data", data)
    assert checked.returncode == 2
    first, last = checked.stdout.splitlines()
    assert first.startswith("notice-index: checked: 6 notices, ")
    assert last == "notice-index: skipped empty.txt: is empty"


def test_search_json_prints_one_line_per_query_in_the_documented_shape(built):
    _data, index = built
    result = run("search", "巡察组", '"整改措施"', "--index", index, "--limit", 2, "--json")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    keys = ["query", "total", "exact", "partial", "hits"]
    assert [(line["query"], list(line)) for line in lines] == [("巡察组", keys), ('"整改措施"', keys)]
    for line in lines:
        assert line["total"] == line["exact"] + line["partial"] >= len(line["hits"]) == 2
        assert all(list(hit) == HIT_KEYS for hit in line["hits"])
    assert all("巡察组" in hit["text"] + "".join(hit["headings"]) for hit in lines[0]["hits"] if hit["match"] == "exact")


def test_search_reads_one_query_per_line_from_stdin(built):
    _data, index = built
    result = run("search", "-", "--index", index, "--json", "--limit", 1, stdin="巡察组\n\n差旅費\n")
    assert result.returncode == 0, result.stderr
    queries = [json.loads(line)["query"] for line in result.stdout.splitlines()]
    assert queries == ["巡察组", "差旅費"]


def test_search_prints_hits_for_people_and_refuses_bad_queries(built):
    _data, index = built
    result = run("search", "巡察组", "--index", index, "--limit", 1)
    lines = result.stdout.splitlines()
    assert result.returncode == 0 and lines[0].startswith("巡察组: ")
    hit = [i for i, line in enumerate(lines) if re.match(r"  [0-9a-f]{16}:\d+  ", line)]
    assert len(hit) == 1 and lines[hit[0] + 1].startswith("      ")
    refused = run("search", "巡" * 500, "--index", index, "--json")
    assert refused.returncode == 2
    assert json.loads(refused.stdout)["error"].startswith("查询过长")


def test_search_without_an_index_says_how_to_build_one(tmp_path):
    result = run("search", "巡察", "--index", tmp_path / "none")
    assert (result.returncode, result.stderr) == (
        1, f"notice-index: No index in {tmp_path / 'none'}: build one with `notice-index rebuild`.\n")


def test_settings_come_from_flags_then_environment_then_defaults(data, tmp_path, monkeypatch):
    index = tmp_path / "index"
    from_env = run("rebuild", NOTICE_SEARCH_DATA=str(data), NOTICE_SEARCH_INDEX=str(index))
    assert from_env.returncode == 0, from_env.stderr
    flags_win = run("rebuild", "--data", data, "--index", index,
                    NOTICE_SEARCH_DATA=str(tmp_path / "nowhere"), NOTICE_SEARCH_INDEX=str(tmp_path / "elsewhere"))
    assert flags_win.returncode == 0, flags_win.stderr
    assert os.readlink(index / store.CURRENT) == "gen-000002"
    assert not (tmp_path / "elsewhere").exists()

    for setting in ("DATA_DIR", "INDEX_DIR"):
        monkeypatch.delenv(settings.BY_NAME[setting].env, raising=False)
    assert cli._folders(Namespace()) == (settings.PROJECT_ROOT / "data" / "notices",
                                         settings.PROJECT_ROOT / "instance" / "index")


def test_a_second_rebuild_stops_with_a_clear_message(built):
    data, index = built
    with store.lock(index):
        result = run("rebuild", "--data", data, "--index", index)
    assert result.returncode == 1
    assert f"is running in process {os.getpid()} (since " in result.stderr
    assert "run again with --wait to wait for it" in result.stderr


def test_parse_prints_json_lines_and_names_unreadable_files(tmp_path):
    path = sorted(NOTICES.glob("*.txt"))[0]
    result = run("parse", path, tmp_path / "missing.txt")
    assert result.returncode == 1
    assert json.loads(result.stdout)["id"] == hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    assert str(tmp_path / "missing.txt") in result.stderr


def test_progress_is_a_bar_on_a_terminal_and_plain_lines_otherwise():
    lines = io.StringIO()
    progress = Progress(lines, bar=False)
    progress.start("indexing", 2)
    progress.advance()
    progress.advance()
    progress.finish()
    progress.log("verifying the new index")
    assert lines.getvalue() == ("notice-index: indexing: 2 files\n"
                                "notice-index: indexing: 2/2 files, done\n"
                                "notice-index: verifying the new index\n")
    terminal = io.StringIO()
    progress = Progress(terminal, bar=True)
    progress.start("indexing", 2)
    progress.advance(2)
    progress.finish()
    assert terminal.getvalue().startswith("\rindexing:   0%|")  # a bar, cleared when done
