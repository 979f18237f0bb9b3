"""rebuild, update and check on temporary folders: generations, markers, the lock, crashes."""

import io
import json
import os
import re
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from whoosh import index as whoosh_index

from indexer import catalog, settings, store, writers
from indexer.build import check, is_stale, rebuild, update
from indexer.errors import BuildError, ConfigError
from indexer.progress import Progress
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest

NOTICES = Path(__file__).parent / "notices" / "complete"
PROJECT = Path(__file__).resolve().parent.parent
EXTRA = "关于巡察整改进展情况的通报\n\n一、整改落实情况\n\n{}\n"


@pytest.fixture
def index(tmp_path):
    return tmp_path / "index"


def whoosh_counts(index):
    """Paragraphs per notice id in the live Whoosh index, deleted documents left out."""
    gen, _marker = store.open_generation(index)
    ix = whoosh_index.open_dir(str(gen / store.WHOOSH))
    with ix.searcher() as searcher:
        keys = searcher.reader().column_reader("doc_key")
        return Counter(keys[d].split(b":")[0].decode() for d in searcher.reader().all_doc_ids())


def stored_notices(index):
    gen, _marker = store.open_generation(index)
    return {n["id"]: n for n in catalog.every_notice(gen)}


def generations(index):
    return sorted(p.name for p in index.iterdir() if p.name.startswith(("gen-", "building-")))


def test_rebuild_writes_a_verified_marked_generation_and_switches_to_it(data, index):
    summary = rebuild(data, index)
    assert (summary.notices, summary.skipped, summary.generation) == (5, [], "gen-000001")
    assert os.readlink(index / store.CURRENT) == "gen-000001"
    gen, marker = store.open_generation(index)
    assert (marker["notices"], marker["paragraphs"]) == (5, summary.paragraphs)
    assert sum(whoosh_counts(index).values()) == summary.paragraphs
    notices = stored_notices(index)
    assert {n["source"] for n in notices.values()} == {p.name for p in data.iterdir()}
    files = [json.loads(line) for line in (gen / store.FILES).read_text(encoding="utf-8").splitlines()]
    assert [f["source"] for f in files] == sorted(p.name for p in data.iterdir())
    assert {f["notice"]: f["paragraphs"] for f in files} == whoosh_counts(index)
    assert not is_stale(data, index)


def test_each_rebuild_makes_a_new_generation_and_keeps_only_the_previous(data, index):
    for _ in range(3):
        rebuild(data, index)
    assert generations(index) == ["gen-000002", "gen-000003"]
    assert os.readlink(index / store.CURRENT) == "gen-000003"


def test_a_running_engine_picks_up_a_new_generation_without_restart(data, index):
    rebuild(data, index)
    engine = EmbeddedBackend(index)
    assert engine.search(SearchRequest(q="甲乙丙丁戊")).total == 0
    # In traditional script with full-width digits: simplified, half-width queries find it.
    (data / "new.txt").write_text(EXTRA.format("整改措施：黨風廉政甲乙丙丁戊，完成１２項。"), encoding="utf-8")
    rebuild(data, index)
    for query in ("甲乙丙丁戊", '"党风廉政甲乙丙丁戊"', '"完成12项"', '"黨風廉政"'):
        hits = engine.search(SearchRequest(q=query)).hits
        assert [hit.text for hit in hits if "甲乙丙丁戊" in hit.text] == ["整改措施：黨風廉政甲乙丙丁戊，完成１２項。"]


def change_the_data(data):
    """Append to one notice, remove one, add one; return the names."""
    changed, removed = sorted(data.iterdir())[:2]
    changed.write_bytes(changed.read_bytes() + "\n补充说明：本通报的独特词语甲乙丙丁戊。\n".encode())
    removed.unlink()
    (data / "added.txt").write_text(EXTRA.format("新增的整改措施：庚辛壬癸。"), encoding="utf-8")
    return changed.name, removed.name


def test_update_adds_replaces_and_removes_only_the_changed_notices(data, index, tmp_path):
    rebuild(data, index)
    old_gen, _marker = store.open_generation(index)
    old_counts = whoosh_counts(index)
    change_the_data(data)
    summary = update(data, index)
    assert summary.files == Counter(added=1, changed=1, removed=1, unchanged=3)
    assert (summary.action, summary.generation, summary.skipped) == ("update", "gen-000002", [])
    fresh = tmp_path / "fresh"
    rebuild(data, fresh)
    assert whoosh_counts(index) == whoosh_counts(fresh)
    assert stored_notices(index) == stored_notices(fresh)
    gen, _marker = store.open_generation(index)
    assert (gen / store.FILES).read_text(encoding="utf-8") == \
        (store.open_generation(fresh)[0] / store.FILES).read_text(encoding="utf-8")
    # The live generation was never written to: it still holds what it held.
    assert whoosh_index.open_dir(str(old_gen / store.WHOOSH)).doc_count() == sum(old_counts.values())
    shared = {p.stat().st_ino for p in (old_gen / store.WHOOSH).glob("*.seg")}
    assert shared & {p.stat().st_ino for p in (gen / store.WHOOSH).glob("*.seg")}


def test_a_running_engine_serves_an_update(data, index):
    rebuild(data, index)
    engine = EmbeddedBackend(index)
    engine.search(SearchRequest(q="巡察"))
    change_the_data(data)
    update(data, index)
    assert engine.search(SearchRequest(q="甲乙丙丁戊")).total == 1
    assert engine.search(SearchRequest(q="庚辛壬癸")).total == 1
    assert engine.search(SearchRequest(q="")).total == sum(whoosh_counts(index).values())


def test_an_update_with_nothing_changed_keeps_the_live_generation(data, index):
    rebuild(data, index)
    path = next(data.iterdir())
    os.utime(path, ns=(time.time_ns(), time.time_ns()))
    assert is_stale(data, index)
    summary = update(data, index)
    assert (summary.generation, summary.notices) == ("", 5)
    assert generations(index) == ["gen-000001"]
    assert not is_stale(data, index)


def test_an_update_of_a_renamed_file_only_changes_its_source(data, index):
    rebuild(data, index)
    counts = whoosh_counts(index)
    first = sorted(data.iterdir())[0]
    first.rename(data / "renamed.txt")
    summary = update(data, index)
    assert summary.files == Counter(added=1, removed=1, unchanged=4)
    assert whoosh_counts(index) == counts
    assert "renamed.txt" in {n["source"] for n in stored_notices(index).values()}


def test_an_update_rebuilds_when_the_parser_or_dictionaries_changed(data, index):
    rebuild(data, index)
    gen, marker = store.open_generation(index)
    store.write_marker(gen, **{**marker, "version": "an older parser"})
    summary = update(data, index)
    assert summary.action == "rebuild"
    assert summary.notes == ["the parser, the tokenizer or the data files they use changed since the "
                             "last rebuild: rebuilt everything"]
    assert summary.generation == "gen-000002"


def test_an_update_rebuilds_when_most_files_changed_using_worker_processes(data, index, monkeypatch):
    rebuild(data, index)
    monkeypatch.setattr(writers, "FILES_PER_WORKER", 1)
    for path in sorted(data.iterdir())[:3]:
        path.write_bytes(path.read_bytes() + "\n补充说明。\n".encode())
    summary = update(data, index, procs=2)
    assert (summary.action, summary.notes) == ("rebuild", ["3 of 5 files are new or changed: rebuilt everything"])
    assert len(whoosh_counts(index)) == 5


def test_the_same_notice_under_two_names_is_indexed_once_and_reported(data, index):
    original = sorted(data.iterdir())[0]
    (data / "copy.txt").write_bytes(original.read_bytes())
    summary = rebuild(data, index)
    assert summary.skipped == [("copy.txt", f"same content as {original.name}, which is indexed instead")]
    assert summary.notices == 5
    original.unlink()
    summary = update(data, index)
    assert summary.skipped == []
    assert whoosh_counts(index).keys() == stored_notices(index).keys()
    assert "copy.txt" in {n["source"] for n in stored_notices(index).values()}


@pytest.mark.parametrize("workers", [1, 2])
def test_check_reports_problems_per_file_and_indexes_nothing(data, index, monkeypatch, workers):
    monkeypatch.setattr(writers, "FILES_PER_WORKER", 1)
    (data / "empty.txt").write_bytes(b"")
    (data / "copy.txt").write_bytes(sorted(data.iterdir())[0].read_bytes())
    summary = check(data, procs=workers)
    assert summary.notices == 5
    assert sorted(summary.skipped) == [("copy.txt", f"same content as {sorted(data.iterdir())[0].name}, "
                                                    "which is indexed instead"),
                                       ("empty.txt", "is empty")]
    assert not index.exists()


def test_a_folder_that_is_not_an_index_folder_is_refused(data, tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(store.IndexUnavailable, match=r"holds files notice-index did not write \(notes.txt\)"):
        rebuild(data, foreign)
    assert sorted(p.name for p in foreign.iterdir()) == ["notes.txt"]
    with pytest.raises(store.IndexUnavailable, match="No index"):
        EmbeddedBackend(foreign).search(SearchRequest(q="巡察"))


def test_a_generation_without_its_marker_is_never_opened(data, index):
    rebuild(data, index)
    gen, _marker = store.open_generation(index)
    (gen / store.MARKER).unlink()
    with pytest.raises(store.IndexUnavailable, match="was not written by notice-index"):
        EmbeddedBackend(index).search(SearchRequest(q="巡察"))


def test_pointing_at_a_generation_instead_of_its_index_folder_is_refused(data, index):
    rebuild(data, index)
    gen, _marker = store.open_generation(index)
    with pytest.raises(store.IndexUnavailable, match=re.escape(f"(or NOTICE_SEARCH_INDEX) at {gen.parent}.")):
        rebuild(data, gen)


def test_an_index_folder_from_before_the_root_marker_is_adopted(data, index):
    rebuild(data, index)
    (index / store.MARKER).unlink()
    assert rebuild(data, index).generation == "gen-000002"
    assert (index / store.MARKER).exists()


def test_a_second_rebuild_stops_with_a_message_naming_the_first(data, index):
    rebuild(data, index)
    with store.lock(index):
        with pytest.raises(store.IndexBusy, match=rf"running in process {os.getpid()} .*--wait"):
            rebuild(data, index)
    assert generations(index) == ["gen-000001"]


def test_a_waiting_rebuild_runs_when_the_first_is_done(data, index):
    rebuild(data, index)
    held, release = threading.Event(), threading.Event()

    def hold():
        with store.lock(index):
            held.set()
            release.wait(10)

    holder = threading.Thread(target=hold)
    holder.start()
    held.wait(10)
    log = io.StringIO()
    threading.Timer(0.5, release.set).start()
    summary = rebuild(data, index, progress=Progress(log, bar=False), wait=True)
    holder.join()
    assert summary.generation == "gen-000002"
    assert "waiting for it to finish" in log.getvalue()


def test_missing_or_empty_data_folders_are_errors_that_name_the_folder(data, index, tmp_path):
    rebuild(data, index)
    with pytest.raises(BuildError, match=rf"Data folder {tmp_path / 'nowhere'} does not exist.*--data"):
        rebuild(tmp_path / "nowhere", index)
    (tmp_path / "empty").mkdir()
    with pytest.raises(BuildError, match=r"No notice files \(\.txt, \.html, .* or scanned images\) in"):
        update(tmp_path / "empty", index)
    assert generations(index) == ["gen-000001"]


def test_a_parser_crash_costs_one_file_not_the_rebuild(data, index, monkeypatch):
    real = writers.parse_file

    def fragile(path, root=None):
        if Path(path).name.startswith("000"):
            raise IndexError("list index out of range")
        return real(path, root=root)

    monkeypatch.setattr(writers, "parse_file", fragile)
    summary = rebuild(data, index, procs=1)
    assert summary.notices == 4
    assert summary.skipped == [(sorted(p.name for p in data.iterdir())[0],
                                "the parser failed on it (IndexError: list index out of range); "
                                "please report this file")]


def test_a_broken_user_dictionary_stops_the_rebuild_before_anything_is_written(data, index, tmp_path,
                                                                               monkeypatch):
    userdict = tmp_path / "userdict.txt"
    userdict.write_text("巡察组\n巡察 组 n x\n", encoding="utf-8")
    monkeypatch.setenv(settings.BY_NAME["USER_DICT"].env, str(userdict))
    with pytest.raises(ConfigError, match="line 2"):
        rebuild(data, index)
    assert not index.exists()


def test_worker_processes_load_the_user_dictionary(data, index, tmp_path, monkeypatch):
    made_up = "甲乙丙丁戊己"
    (data / "made-up.txt").write_text(EXTRA.format(f"整改中提到{made_up}的做法。"), encoding="utf-8")
    userdict = tmp_path / "userdict.txt"
    userdict.write_text(made_up + "\n", encoding="utf-8")
    monkeypatch.setenv(settings.BY_NAME["USER_DICT"].env, str(userdict))
    monkeypatch.setattr(writers, "FILES_PER_WORKER", 1)
    rebuild(data, index, procs=2)
    gen, _marker = store.open_generation(index)
    ix = whoosh_index.open_dir(str(gen / store.WHOOSH))
    assert len(ix.reader().leaf_readers()) == 2  # one segment per worker
    with ix.searcher() as searcher:
        assert searcher.doc_frequency("text", made_up) == 1


def search_everything(engine, queries):
    """Every query's hits as (notice id, n, text), in result order, with the facet counts."""
    out = {}
    for q in queries:
        result = engine.search(SearchRequest(q=q, per_page=100))
        out[q] = ([(h.notice_id, h.n, h.text, h.headings, h.category, h.role, h.problem_types) for h in result.hits],
                  {f.name: [(v.value, v.count) for v in f.values] for f in result.facets})
    return out


def test_updates_that_merge_small_segments_search_exactly_like_a_fresh_rebuild(data, index, tmp_path, monkeypatch):
    # Every update adds a segment with its own side-car arrays; the third merges the
    # small ones (and drops their deleted paragraphs) into a new segment.
    monkeypatch.setattr("indexer.writers.MAX_SMALL_SEGMENTS", 3)
    monkeypatch.setattr("indexer.writers.SMALL_SEGMENT", 100)
    rebuild(data, index)
    for step in range(4):
        target = sorted(p for p in data.iterdir() if p.suffix == ".txt")[step % 3]
        target.write_bytes(target.read_bytes() + f"\n补充说明第{step}次：整改台账已更新。\n".encode())
        (data / f"added-{step}.txt").write_text(EXTRA.format(f"新增第{step}项整改措施：差旅费已退还。"),
                                                encoding="utf-8")
        assert update(data, index).action == "update"
    gen, _marker = store.open_generation(index)
    ix = whoosh_index.open_dir(str(gen / store.WHOOSH))
    assert 1 < len(ix._segments()) < 5  # merged, not one per update
    # The arrays line up with Whoosh's documents, segment by segment.
    engine = EmbeddedBackend(index)
    snap = engine.snapshot()
    with ix.reader() as reader:
        keys = reader.column_reader("doc_key")
        for docnum in range(reader.doc_count_all()):
            if not reader.is_deleted(docnum):
                notice_id, n = keys[docnum].decode().split(":")
                assert (snap.catalog[snap.notice_of[docnum]]["id"], snap.n_of[docnum]) == (notice_id, int(n))
                assert snap.live[docnum]
            else:
                assert not snap.live[docnum]
    fresh = tmp_path / "fresh"
    rebuild(data, fresh)
    queries = ["", "差旅费", '"整改台账已更新"', "补充说明", "巡察 整改", "新增 -差旅费", '"第3次"', "的"]
    assert search_everything(engine, queries) == search_everything(EmbeddedBackend(fresh), queries)


def test_an_engine_following_many_rebuilds_does_not_keep_old_generations_open(data, index):
    import gc

    rebuild(data, index)
    engine = EmbeddedBackend(index)
    engine.search(SearchRequest(q="巡察"))

    def open_files():
        gc.collect()
        return len(os.listdir("/proc/self/fd"))

    before = open_files()
    for _ in range(4):
        rebuild(data, index)
        assert engine.search(SearchRequest(q="巡察")).total
    assert open_files() <= before
