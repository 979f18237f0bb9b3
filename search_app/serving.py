"""The production server: waitress, set up so that slow or stalled clients cannot shut others out.

Waitress reads requests and writes responses in one event loop and runs the app
in a few worker threads. What a hostile pass found and how it is met:

* Connections that trickle a header byte a second are cheap for the loop but
  count against waitress's connection limit (100 by default): the limit is the
  MAX_CONNECTIONS setting, and a connection silent for CLIENT_TIMEOUT seconds is closed.
* A response the client does not read would hold a worker thread once it no
  longer fits waitress's buffer: large answers (CSV exports) are handed over as
  files, which the loop sends at the client's pace (`export.py`).
* Waitress answers malformed requests itself (a bad URI, a header too large);
  those answers carry the same security headers and error shape as the app's.
"""

import ctypes
import html
import json

from waitress.channel import HTTPChannel
from waitress.server import create_server
from waitress.task import ErrorTask

from .errors import SENTENCES
from .security import HEADERS

#: What waitress's own errors say, by status, besides the app's SENTENCES.
WAITRESS_SENTENCES = {
    400: "请求格式有误，服务器无法读取；请检查地址。",
    413: "请求过大。",
    431: "请求头过大。",
    501: "服务器不支持这种请求。",
}


#: malloc arenas the server's threads share. glibc gives each thread its own, up to eight per core, and each
#: arena keeps the query arrays its thread freed: after the bench at 100,000 notices a server held 2.0–2.1 GB
#: of anonymous memory with them, 1.27 GB with two and 1.13 GB with one, and answered no slower
#: (`bench/results/2026-12-05-n100000-memory.md`). Numpy allocates a query's large arrays a few at a time, so
#: the threads seldom wait for the one arena's lock.
MALLOC_ARENAS = 1
#: glibc's mallopt parameter for that (malloc.h).
_M_ARENA_MAX = -8


def share_malloc_arenas(arenas=MALLOC_ARENAS):
    """Cap the malloc arenas before the server starts its threads; False where the C library has no such setting."""
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):  # no C library to ask, or not glibc's malloc
        return False
    return mallopt(_M_ARENA_MAX, arenas) == 1


class _ErrorTask(ErrorTask):
    """Waitress's error answer in the app's shape: JSON under /api/, a short page elsewhere, the security headers."""

    def execute(self):
        error = self.request.error
        code = error.code
        sentence = WAITRESS_SENTENCES.get(code) or SENTENCES.get(code) or SENTENCES[400]
        path = getattr(self.request, "path", "") or ""
        if path.startswith("/api/"):
            body = json.dumps({"ok": False, "error": sentence, "status": code}, ensure_ascii=False)
            content_type = "application/json"
        else:
            body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{code} - 巡察通报检索'
                    f'</title></head><body><h1>{code}</h1><p>{html.escape(sentence)}</p></body></html>')
            content_type = "text/html; charset=utf-8"
        body = body.encode("utf-8")
        self.status = f"{code} {error.reason}"
        self.response_headers.extend([("Content-Type", content_type), *HEADERS.items()])
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class _Channel(HTTPChannel):
    error_task_class = _ErrorTask


def make_server(app, host, port, threads, max_connections, client_timeout, **adjustments):
    """A waitress server for `app`, not yet running (`.run()`); `.effective_port` is the port it got.

    `adjustments` are further waitress settings (the tests shrink its buffers).
    Waitress polls its sockets with poll(), not select(): every memory-mapped
    array holds a file descriptor, and at 100,000 notices (62 segments) the
    sockets got numbers past select()'s limit of 1,024 and the server stopped.
    """
    server = create_server(app, host=host, port=port, threads=threads, connection_limit=max_connections,
                           channel_timeout=client_timeout, cleanup_interval=max(1, min(30, client_timeout // 2)),
                           ident="notice-search", asyncore_use_poll=True, **adjustments)
    server.channel_class = _Channel
    return server
