"""Crashes and concurrency (issue 7): kill -9 of a rebuild at several points, searches during a
rebuild and its switch, corrupted and foreign index folders.

Early points are hit by polling the index folder while a rebuild of 200 notices runs;
the points around the commit and the marker last milliseconds, so there the rebuild runs with
the Whoosh commit, `store.write_marker` or `store.switch_to` wrapped to SIGSTOP the process on entry or
exit, and the test kills it once it is stopped. (test_build kills one rebuild while
its workers index; these are the other points.)
"""

import json
import os
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import numpy as np
import pytest
from whoosh import index as whoosh_index
from whoosh.filedb.filestore import FileStorage

from indexer import arrays, store
from indexer.build import rebuild
from indexer.parsing import parse_file
from indexer.schema import make_schema
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest

TESTS = Path(__file__).parent
PROJECT = TESTS.parent
COMPLETE = sorted((TESTS / "notices" / "complete").glob("*.txt"))

#: Run the real CLI with one store function wrapped to stop the process at `when` ("before"/"after") it.
STOPPING = """
import os, signal, sys
import importlib
from indexer.cli import main
name, when = sys.argv.pop(1), sys.argv.pop(1)
module, name = name.rsplit(".", 1)
module = importlib.import_module(module)
real = getattr(module, name)
def stopping(*args, **kwargs):
    if when == "before":
        os.kill(os.getpid(), signal.SIGSTOP)
    result = real(*args, **kwargs)
    if when == "after":
        os.kill(os.getpid(), signal.SIGSTOP)
    return result
setattr(module, name, stopping)
sys.exit(main())
"""


def copies(folder, n):
    """`n` distinct notices per shipped one, each with its own closing line."""
    folder.mkdir()
    for path in COMPLETE:
        raw = path.read_bytes()
        for i in range(n):
            (folder / f"{path.stem}-{i:03d}.txt").write_bytes(raw + f"\n附：第{i}号副本。\n".encode())
    return folder


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    return copies(tmp_path_factory.mktemp("small") / "data", 1)


@pytest.fixture(scope="module")
def big(tmp_path_factory):
    """Enough notices for a rebuild to run two worker processes (`writers.FILES_PER_WORKER`)."""
    return copies(tmp_path_factory.mktemp("big") / "data", 26)


def start(data, index, tag, *wrap):
    """The rebuild CLI in a subprocess; it and its workers carry `tag` in their environment."""
    command = [sys.executable, "-m", "indexer.cli", "rebuild", "--data", str(data), "--index", str(index)]
    if wrap:
        command = [sys.executable, "-c", STOPPING, *wrap, *command[3:]]
    env = {**os.environ, "NOTICE_SEARCH_TEST_TAG": tag}
    return subprocess.Popen(command, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def tagged_processes(tag):
    """The processes whose environment holds `tag`: a rebuild started by `start` and its workers."""
    found = []
    for environ in Path("/proc").glob("[0-9]*/environ"):
        try:
            if tag.encode() in environ.read_bytes():
                found.append(int(environ.parent.name))
        except OSError:
            pass
    return found


def indexing_started(index):
    """True once a rebuild's workers have sent back their first notices."""
    return any(p.stat().st_size for p in index.glob("building-*/" + store.NOTICES))


def stopped(proc):
    try:
        return Path(f"/proc/{proc.pid}/stat").read_text().split(") ")[1][0] == "T"
    except OSError:
        return False


def wait_for(condition, proc, what):
    deadline = time.monotonic() + 60
    while not condition() and time.monotonic() < deadline:
        assert proc.poll() is None, f"the rebuild ended before {what}: {proc.stderr.read().decode()}"
        time.sleep(0.01)
    assert condition(), f"{what} did not happen within 60 s"


def leftovers(index):
    return sorted(p.name for p in index.iterdir() if p.name.startswith(("gen-", "building-", ".current-")))


def total(index):
    return EmbeddedBackend(index).search(SearchRequest(q="")).total


# Each point: (wrap for the subprocess or None, condition on the index folder to kill at, what).
POINTS = {
    "right after start": (None, lambda index: True),
    "once the building folder appears": (None, lambda index: any(index.glob("building-*"))),
    "midway through indexing, its workers running": (None, indexing_started),
    "just after the Whoosh commit": (("indexer.writers.commit", "after"), None),
    "just before the marker is written": (("indexer.store.write_marker", "before"), None),
    "just after the marker is written": (("indexer.store.write_marker", "after"), None),
    "just after the switch": (("indexer.store.switch_to", "after"), None),
}


@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux /proc")
@pytest.mark.parametrize("point", list(POINTS))
def test_a_rebuild_killed_at_any_point_leaves_a_complete_index_serving(point, small, big, tmp_path):
    index = tmp_path / "index"
    before = rebuild(small, index, procs=1)
    wrap, condition = POINTS[point]
    data = big if condition else small_plus_one(small, tmp_path)
    tag = f"notice-index-test-{uuid.uuid4()}"
    proc = start(data, index, tag, *(wrap or ()))
    if condition:
        wait_for(lambda: condition(index), proc, point)
    else:
        wait_for(lambda: stopped(proc), proc, point)
    if condition is indexing_started:
        assert len(tagged_processes(tag)) >= 3  # the rebuild and its two workers
    proc.kill()
    proc.wait()
    deadline = time.monotonic() + 10
    while tagged_processes(tag) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert tagged_processes(tag) == []  # its worker processes went with it

    switched = point == "just after the switch"
    extra = len(parse_file(data / "extra.txt").paragraphs) if switched else 0
    expected = before.paragraphs + extra
    assert total(index) == expected
    assert os.readlink(index / store.CURRENT) == ("gen-000002" if switched else "gen-000001")

    started = time.monotonic()
    result = subprocess.run([sys.executable, "-m", "indexer.cli", "rebuild", "--data", str(small),
                             "--index", str(index)], cwd=PROJECT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr  # no stale lock: not IndexBusy, no --wait needed
    assert time.monotonic() - started < 20
    live = os.readlink(index / store.CURRENT)
    assert live == ("gen-000003" if switched else "gen-000002")
    assert leftovers(index) == sorted(["gen-000001" if not switched else "gen-000002", live])
    assert total(index) == before.paragraphs


def small_plus_one(small, tmp_path):
    """The small data folder and one more notice."""
    folder = tmp_path / "plus"
    folder.mkdir()
    for path in small.iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    (folder / "extra.txt").write_text("关于巡察整改进展情况的通报\n\n一、整改落实情况\n\n整改措施：甲。\n\n"
                                      "整改措施：乙。\n\n整改措施：丙。\n\n整改措施：丁。\n", encoding="utf-8")
    return folder


def test_searches_during_rebuilds_and_their_switches_all_succeed(small, big, tmp_path):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    engine = EmbeddedBackend(index)
    few = engine.search(SearchRequest(q="巡察")).total
    done, totals, errors = threading.Event(), [], []

    def search():
        while not done.is_set():
            try:
                totals.append(engine.search(SearchRequest(q="巡察")).total)
                engine.search(SearchRequest(q="", page=2))
            except Exception as exc:  # any exception is a failed search
                errors.append(repr(exc))

    threads = [threading.Thread(target=search) for _ in range(3)]
    for thread in threads:
        thread.start()
    try:
        # The third rebuild also deletes gen-000002, which searches may still be reading.
        for data in (big, small, big):
            result = subprocess.run([sys.executable, "-m", "indexer.cli", "rebuild", "--data", str(data),
                                     "--index", str(index)], cwd=PROJECT, capture_output=True, text=True,
                                    timeout=120)
            assert result.returncode == 0, result.stderr
            time.sleep(0.3)
    finally:
        done.set()
        for thread in threads:
            thread.join()
    many = engine.search(SearchRequest(q="巡察")).total
    assert errors == []
    assert engine.snapshot().gen.name == "gen-000004"
    assert many > few and set(totals) == {few, many}
    assert len(totals) > 100


# Corrupted and foreign index folders

def search_cli(index):
    return subprocess.run([sys.executable, "-m", "indexer.cli", "search", "--json", "--index", str(index), "巡察"],
                          cwd=PROJECT, capture_output=True, text=True, timeout=60)


def refused(index, message, monkeypatch):
    """The embedded backend and `notice-index search` both refuse `index` with `message`, never opening Whoosh."""
    def unpickling(*args, **kwargs):
        raise AssertionError("Whoosh was asked to open (unpickle) an index that should be refused")

    with monkeypatch.context() as patch:
        patch.setattr(FileStorage, "open_index", unpickling)
        with pytest.raises(store.IndexUnavailable) as info:
            EmbeddedBackend(index).search(SearchRequest(q="巡察"))
    assert message in str(info.value)
    result = search_cli(index)
    assert (result.returncode, result.stdout) == (1, "")
    assert message in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def built(small, tmp_path):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    return index, store.live_generation(index)


def test_a_generation_without_its_marker_is_refused(built, monkeypatch):
    index, gen = built
    (gen / store.MARKER).unlink()
    refused(index, "was not written by notice-index", monkeypatch)


def test_a_generation_whose_marker_is_garbage_is_refused(built, monkeypatch):
    index, gen = built
    (gen / store.MARKER).write_bytes(b"\x80\x04garbage{")
    refused(index, "was not written by notice-index", monkeypatch)


def test_an_index_folder_whose_marker_is_garbage_is_refused(built, monkeypatch):
    index, _gen = built
    (index / store.MARKER).write_text(json.dumps({"tool": "something else"}), encoding="utf-8")
    refused(index, "has no NOTICE_SEARCH_INDEX marker", monkeypatch)


def test_a_foreign_whoosh_index_without_a_marker_is_refused(tmp_path, monkeypatch):
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    whoosh_index.create_in(str(foreign), make_schema()).writer().commit()
    refused(foreign, "No index in", monkeypatch)
    # The same, laid out like ours but with no markers at all.
    (foreign / "gen-000001").mkdir()
    os.rename(foreign / "_MAIN_1.toc", foreign / "toc")
    (foreign / "gen-000001" / store.WHOOSH).mkdir()
    os.symlink("gen-000001", foreign / store.CURRENT)
    refused(foreign, "has no NOTICE_SEARCH_INDEX marker", monkeypatch)


@pytest.mark.parametrize("damage", ["truncate the TOC", "garble a segment file"])
def test_a_generation_with_damaged_whoosh_files_is_refused(built, damage):
    index, gen = built
    whoosh = gen / store.WHOOSH
    if damage == "truncate the TOC":
        toc = next(whoosh.glob("_MAIN_*.toc"))
        toc.write_bytes(toc.read_bytes()[:40])
    else:
        segment = max(whoosh.glob("*.seg"), key=lambda p: p.stat().st_size)
        raw = bytearray(segment.read_bytes())
        raw[len(raw) // 3: len(raw) // 3 + 64] = b"\xff" * 64
        segment.write_bytes(bytes(raw))
    with pytest.raises(store.IndexUnavailable):
        EmbeddedBackend(index).search(SearchRequest(q="巡察"))
    result = search_cli(index)
    assert result.returncode == 1 and "Traceback" not in result.stderr


@pytest.mark.parametrize("damage", ["truncate the bigram positions", "remove the display store",
                                    "an unfinished segment folder", "a pickled array"])
def test_a_generation_with_damaged_side_car_arrays_is_refused(built, damage):
    index, gen = built
    folder = next((gen / arrays.FOLDER).iterdir())
    if damage == "truncate the bigram positions":
        path = folder / "text_pos.npy"
        path.write_bytes(path.read_bytes()[:1000])
    elif damage == "remove the display store":
        (folder / f"{arrays.DISPLAY}.bin").unlink()
    elif damage == "an unfinished segment folder":
        (folder / arrays.DONE).unlink()
    else:
        np.save(folder / "doc_n.npy", np.array([{"x": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(store.IndexUnavailable, match=str(gen.name)):
        EmbeddedBackend(index).search(SearchRequest(q="巡察"))
    result = search_cli(index)
    assert result.returncode == 1 and "Traceback" not in result.stderr and "rebuild" in result.stderr


# --- writes that fail halfway, files damaged under a running server -----------------------------


def limited_update(data, index, max_bytes):
    """`notice-index update` with files larger than `max_bytes` refused, as a full disk refuses them."""
    import resource
    import signal as signals

    def limit():
        signals.signal(signals.SIGXFSZ, signals.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))

    return subprocess.run([sys.executable, "-m", "indexer.cli", "update", "--data", str(data), "--index", str(index)],
                          cwd=PROJECT, capture_output=True, text=True, timeout=120, preexec_fn=limit)


def test_an_update_that_cannot_write_leaves_the_live_index_whole(small, tmp_path):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    gen = store.live_generation(index)
    before = {p.name: p.read_bytes() for p in (gen / store.FILES, gen / store.MARKER)}
    for path in small.iterdir():  # touched, not changed: the update rewrites only files.jsonl and the marker
        os.utime(path, ns=(time.time_ns(), time.time_ns()))
    result = limited_update(small, index, max_bytes=300)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "File too large" in result.stderr and "left as it was" in result.stderr
    assert {p.name: p.read_bytes() for p in (gen / store.FILES, gen / store.MARKER)} == before
    assert not [p for p in gen.iterdir() if p.name.endswith(".tmp")]
    again = subprocess.run([sys.executable, "-m", "indexer.cli", "update", "--data", str(small), "--index", str(index)],
                           cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert total(index) > 0


def app_on(index, data):
    from search_app import create_app

    return create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index})


@pytest.mark.parametrize("damage", ["truncate", "garble"])
def test_an_array_damaged_under_a_running_server_is_a_503_not_a_crash(small, tmp_path, damage):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    app = app_on(index, small)
    client = app.test_client()
    assert client.get("/api/search?q=整改").status_code == 200
    array = next((store.live_generation(index) / arrays.FOLDER).iterdir()) / "text_pos.npy"
    raw = array.read_bytes()
    if damage == "truncate":
        array.write_bytes(raw[:len(raw) // 2])
    else:
        array.write_bytes(raw[:-64] + bytes(reversed(raw[-64:])))  # same size: only its hash tells
        backend = app.extensions["backend"]
        backend._loaded = None  # as a server that opens this generation now
        client.get("/api/search?q=整改")
        with pytest.raises(store.IndexUnavailable, match="text_pos.npy changed since it was built"):
            backend.verified()  # the contents are checked in the background
    response = client.get("/api/search?q=整改")
    assert response.status_code == 503 and response.get_json()["ok"] is False


def test_rebuild_if_stale_repairs_a_damaged_index(small, tmp_path):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    display = next((store.live_generation(index) / arrays.FOLDER).iterdir()) / f"{arrays.DISPLAY}.bin"
    data = bytearray(display.read_bytes())
    data[len(data) // 2] ^= 0xFF  # the same size, one byte different
    display.write_bytes(bytes(data))
    result = subprocess.run([sys.executable, "-m", "indexer.cli", "rebuild", "--if-stale", "--data", str(small),
                             "--index", str(index)], cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0 and "rebuilt" in result.stdout, result.stdout + result.stderr
    gen, marker = store.open_generation(index)
    store.check_files(gen, marker)


def test_damage_to_files_shared_by_two_generations_is_found_in_both(small, tmp_path):
    index = tmp_path / "index"
    rebuild(small, index, procs=1)
    first = store.live_generation(index)
    (small / "extra-for-update.txt").write_text("关于巡察整改进展情况的通报\n\n一、整改落实情况\n\n整改措施：戊。\n",
                                                encoding="utf-8")
    try:
        from indexer.build import update

        update(small, index)
    finally:
        (small / "extra-for-update.txt").unlink()
    second = store.live_generation(index)
    shared = [p for p in (first / store.WHOOSH).iterdir() if (second / store.WHOOSH / p.name).exists()
              and os.path.samefile(p, second / store.WHOOSH / p.name) and p.suffix == ".seg"]
    assert shared, "an update hard-links the segments it keeps"
    shared[0].write_bytes(shared[0].read_bytes()[:-10])
    for gen in (first, second):
        with pytest.raises(store.IndexUnavailable, match="is damaged"):
            store.check_files(gen, store.read_marker(gen))
