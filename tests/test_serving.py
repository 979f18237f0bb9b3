"""The production server under clients that stall or trickle: the others are still answered, quickly.

Both tests run a real waitress server on 127.0.0.1 as `notice-search serve`
sets it up, and are bounded in time: a failure is a timeout of a few seconds.
"""

import platform
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

from conftest import NOTICES
from indexer.build import rebuild
from search_app import create_app
from search_app.serving import make_server


@pytest.fixture(scope="module")
def big_app(tmp_path_factory):
    """An index whose CSV export of 整改 is a few MB: well past the buffers below."""
    root = tmp_path_factory.mktemp("serving")
    data, index = root / "data", root / "index"
    data.mkdir()
    for path in sorted((NOTICES / "complete").glob("*.txt")):
        raw = path.read_bytes()
        for i in range(40):
            (data / f"{path.stem}-{i:02d}.txt").write_bytes(raw + f"\n附：第{i}号副本。\n".encode())
    rebuild(data, index)
    return create_app({"TESTING": True, "DATA_DIR": data, "INDEX_DIR": index})


def running(app, threads, **adjustments):
    server = make_server(app, "127.0.0.1", 0, threads, app.config["MAX_CONNECTIONS"], app.config["CLIENT_TIMEOUT"],
                         **adjustments)
    threading.Thread(target=server.run, daemon=True).start()
    return server, int(server.effective_port)


def answered_within(port, seconds, path="/api/search?q=" + quote("差旅费")):
    started = time.monotonic()
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=seconds) as response:
        response.read()
        return response.status == 200 and time.monotonic() - started < seconds


def test_stalled_csv_downloads_do_not_take_the_server_offline(big_app):
    # Two worker threads and a 256 kB output buffer: before exports were handed over as
    # files, two clients that never read held both threads and every other request waited.
    server, port = running(big_app, threads=2, outbuf_high_watermark=256 * 1024)
    stalled = []
    try:
        for _ in range(6):
            connection = socket.socket()
            connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            connection.connect(("127.0.0.1", port))
            connection.sendall(b"GET /api/search.csv?q=%E6%95%B4%E6%94%B9 HTTP/1.1\r\nHost: x\r\n\r\n")
            stalled.append(connection)
        time.sleep(1)  # the exports are written and the first bytes sent; nobody reads them
        for _ in range(5):
            assert answered_within(port, 5)
        assert answered_within(port, 5, "/?q=" + quote("三重一大"))
    finally:
        for connection in stalled:
            connection.close()
        server.close()


def test_clients_that_trickle_headers_do_not_lock_others_out(big_app):
    server, port = running(big_app, threads=4)
    slow = []
    try:
        for _ in range(150):  # more than waitress's default limit of 100 connections
            connection = socket.create_connection(("127.0.0.1", port))
            connection.sendall(b"GET / HTTP/1.1\r\nHo")  # and nothing more, for now
            slow.append(connection)
        assert answered_within(port, 3)
        for connection in slow[:50]:
            connection.sendall(b"s")  # one more byte: still no complete request
        assert answered_within(port, 3)
    finally:
        for connection in slow:
            connection.close()
        server.close()


def test_the_server_answers_when_its_sockets_are_numbered_past_1024(app):
    # An index of 100,000 notices maps about 1,500 files, each holding a descriptor; select()
    # cannot watch a socket numbered 1,024 or more, and the server stopped there.
    import os
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1200:
        pytest.skip(f"this process may open only {hard} files")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1200) if hard == resource.RLIM_INFINITY
                                                else min(max(soft, 1200), hard), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1100)]
    try:
        server, port = running(app, threads=2)
        assert server.socket.fileno() >= 1024
        assert answered_within(port, 10)
        server.close()
    finally:
        for fd in held:
            os.close(fd)
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


_ARENAS_SCRIPT = """
import ctypes, sys, threading
from search_app.serving import share_malloc_arenas
if sys.argv[1] == "capped":
    assert share_malloc_arenas(1)
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
barrier = threading.Barrier(4)
def work():
    barrier.wait()  # all four alive at once: each would get an arena of its own
    for _ in range(100):
        libc.malloc(1000)
    barrier.wait()
threads = [threading.Thread(target=work) for _ in range(4)]
for t in threads:
    t.start()
for t in threads:
    t.join()
libc.malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="the arena cap is glibc's")
def test_the_server_threads_share_capped_malloc_arenas():
    """Each thread's arena kept the query arrays it freed (2.1 GB at 100,000 notices); `notice-search serve` caps them."""
    def arenas(mode):
        done = subprocess.run([sys.executable, "-c", _ARENAS_SCRIPT, mode], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parent.parent, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stderr.count("Arena ")

    assert arenas("free") >= 4
    assert arenas("capped") == 1
