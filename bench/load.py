"""A bounded load test: C clients searching at once against the real `notice-search serve`.

Starts `notice-search serve --index DIR` (its entry point, run from this checkout)
on a free loopback port, or uses a running server (--url); asks each query once
through the API (warm-up), then runs C client threads for D seconds, each with its
own keep-alive connection, round-robin over a fixed mix: the benchmark queries of
`bench/queries.py` (words, phrases, OR, exclusions, with and without facet
selections) on the JSON API and on the HTML page, sorted, grouped, on page 2, and
notice pages. Every loop is bounded by the deadline, the total request cap and a
per-request timeout, so the run always ends by itself.

Hostile company can run at the same time: --stalled N clients that ask for a
CSV export and never read it, and --slow N clients that trickle a request's
header a byte a second and never finish it. They are not measured; the other
clients must still be answered.

It prints a markdown table (requests, errors, throughput, latency p50/p95/max,
and the server's VmRSS at the start, middle and end, from /proc), optionally
writes the figures as JSON, and exits 1 if any request failed.

    .venv/bin/python bench/corpus.py --n 1000 --out /tmp/load/corpus
    .venv/bin/notice-index rebuild --data /tmp/load/corpus/notices --index /tmp/load/index
    .venv/bin/python bench/load.py --index /tmp/load/index --clients 16 --duration 60
    .venv/bin/python bench/load.py --index /tmp/load/index --clients 16 --duration 60 --stalled 8 --slow 50
"""

import argparse
import http.client
import json
import math
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH))

from queries import QUERIES  # noqa: E402

#: Ways each query is asked, so the mix covers the page, the API, sorting, grouping and paging.
VARIANTS = (
    ("/api/search", {}),
    ("/", {}),
    ("/api/search", {"sort": "newest"}),
    ("/", {"group": "1"}),
    ("/api/search", {"page": "2"}),
)
#: Notice pages in the mix, taken from the warm-up's hits.
NOTICE_PAGES = 10


def query_string(q, filters, extra=None):
    params = [("q", q)] + [(name, v) for name, values in filters.items() for v in values]
    return urllib.parse.urlencode(params + list((extra or {}).items()))


def query_urls():
    """Every (query, variant) pair as a path with its query string."""
    return [f"{path}?{query_string(q, filters, extra)}" for _kind, q, filters in QUERIES for path, extra in VARIANTS]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve_command(index, port):
    """`notice-search serve` as its entry point module, so the server runs this checkout's code."""
    return [sys.executable, "-m", "search_app.cli", "serve", "--index", str(index),
            "--host", "127.0.0.1", "--port", str(port)]


def rss_mb(pid):
    """The process's resident memory (VmRSS) in MB, or None where /proc cannot say."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    line = next((ln for ln in status.splitlines() if ln.startswith("VmRSS:")), None)
    return int(line.split()[1]) / 1024 if line else None


def fetch(connection, url):
    """GET `url` on a keep-alive connection; return (status, body)."""
    connection.request("GET", url, headers={"Accept-Encoding": "identity"})
    response = connection.getresponse()
    return response.status, response.read()


def wait_until_ready(host, port, process, timeout):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the server exited with status {process.returncode} before answering")
        try:
            connection = http.client.HTTPConnection(host, port, timeout=timeout)
            status, _ = fetch(connection, "/api/search?q=" + urllib.parse.quote("巡察"))
            connection.close()
            if status == 200:
                return time.monotonic() - started
            raise RuntimeError(f"the server answered {status} to its first search")
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server did not answer within {timeout} s")


def warm_up(host, port, timeout):
    """Ask every query once through the API; return notice pages for the mix, and any failures."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout)
    notices, failures = [], []
    for _kind, q, filters in QUERIES:
        url = "/api/search?" + query_string(q, filters)
        status, body = fetch(connection, url)
        if status != 200:
            failures.append(f"warm-up {url}: HTTP {status}")
        else:
            notices += [f"/notices/{h['notice_id']}" for h in json.loads(body)["hits"]]
    connection.close()
    return list(dict.fromkeys(notices))[:NOTICE_PAGES], failures


class Load:
    """The client threads' shared tally; every loop stops at the deadline or the request cap."""

    def __init__(self, host, port, urls, deadline, max_requests, timeout):
        self.host, self.port, self.urls = host, port, urls
        self.deadline, self.max_requests, self.timeout = deadline, max_requests, timeout
        self.lock = threading.Lock()
        self.started = 0
        self.finished = time.monotonic()
        self.latencies = []
        self.errors = []

    def _claim(self):
        with self.lock:
            if self.started >= self.max_requests or time.monotonic() >= self.deadline:
                return False
            self.started += 1
            return True

    def client(self, offset):
        connection = None
        i = offset
        while self._claim():
            url = self.urls[i % len(self.urls)]
            i += 1
            t0 = time.perf_counter()
            try:
                if connection is None:
                    connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
                status, _ = fetch(connection, url)
                problem = None if status == 200 else f"HTTP {status}"
            except (OSError, http.client.HTTPException) as exc:
                problem = f"{type(exc).__name__}: {exc}"
                connection.close()
                connection = None
            elapsed = (time.perf_counter() - t0) * 1000
            with self.lock:
                self.finished = time.monotonic()
                self.latencies.append(elapsed)
                if problem:
                    self.errors.append(f"{url}: {problem}")
        if connection is not None:
            connection.close()


def stall(host, port, deadline, count):
    """`count` connections asking for a large CSV export, never reading the answer, until the deadline."""
    connections = []
    for _ in range(count):
        connection = socket.socket()
        connection.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        connection.connect((host, port))
        connection.sendall(b"GET /api/search.csv?q=%E6%95%B4%E6%94%B9 HTTP/1.1\r\nHost: load\r\n\r\n")
        connections.append(connection)
    while time.monotonic() < deadline:
        time.sleep(0.5)
    for connection in connections:
        connection.close()


def trickle(host, port, deadline, count):
    """`count` connections sending a request header one byte a second, never finishing it."""
    connections = []
    for _ in range(count):
        try:
            connections.append(socket.create_connection((host, port), timeout=5))
        except OSError:
            break
    header = b"GET / HTTP/1.1\r\nHost: load\r\nX-Slow: " + b"a" * 10_000
    sent = 0
    while time.monotonic() < deadline and connections:
        for connection in list(connections):
            try:
                connection.send(header[sent % len(header):][:1])
            except OSError:  # closed by the server, as it may: open another
                connections.remove(connection)
                try:
                    connections.append(socket.create_connection((host, port), timeout=5))
                except OSError:
                    pass
        sent += 1
        time.sleep(1)
    for connection in connections:
        connection.close()


def percentile(values, p):
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)] if ordered else float("nan")


def run(host, port, pid, clients, duration, max_requests, timeout, stalled=0, slow=0):
    notices, failures = warm_up(host, port, timeout)
    urls = query_urls() + notices
    samples = []  # (seconds since start, RSS MB)
    load_before = os.getloadavg()[0]
    t_start = time.monotonic()
    hostile = [threading.Thread(target=stall, args=(host, port, t_start + duration, stalled), daemon=True),
               threading.Thread(target=trickle, args=(host, port, t_start + duration, slow), daemon=True)]
    for thread in hostile:
        thread.start()
    time.sleep(1 if stalled or slow else 0)  # they are in place before the measured clients start
    load = Load(host, port, urls, t_start + duration, max_requests, timeout)
    threads = [threading.Thread(target=load.client, args=(k * len(urls) // clients,), daemon=True)
               for k in range(clients)]
    for thread in threads:
        thread.start()
    # The clients stop at the deadline; this bound only covers a last request that hangs.
    hard_stop = t_start + duration + timeout + 5
    while any(t.is_alive() for t in threads) and time.monotonic() < hard_stop:
        if pid is not None:
            samples.append((time.monotonic() - t_start, rss_mb(pid)))
        time.sleep(0.5)
    if pid is not None:
        samples.append((time.monotonic() - t_start, rss_mb(pid)))
    elapsed = load.finished - t_start
    stuck = sum(t.is_alive() for t in threads)
    errors = failures + load.errors + [f"{stuck} clients still waiting after the deadline"] * bool(stuck)
    middle = min(samples, key=lambda s: abs(s[0] - elapsed / 2)) if samples else (None, None)
    return {
        "clients": clients, "stalled": stalled, "slow": slow,
        "duration_s": round(elapsed, 1), "urls": len(urls), "cores": os.cpu_count(),
        "load_average": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "requests": len(load.latencies), "errors": len(errors), "error_examples": errors[:10],
        "throughput_rps": round(len(load.latencies) / elapsed, 1),
        "p50_ms": round(percentile(load.latencies, 50), 1), "p95_ms": round(percentile(load.latencies, 95), 1),
        "max_ms": round(max(load.latencies, default=float("nan")), 1),
        "rss_mb": {"start": samples[0][1] if samples else None, "middle": middle[1],
                   "end": samples[-1][1] if samples else None,
                   "max": max((s[1] for s in samples if s[1] is not None), default=None)},
    }


def table(result):
    def mb(value):
        return "—" if value is None else f"{value:.0f}"

    rss = result["rss_mb"]
    rows = [
        ("clients × duration", f"{result['clients']} × {result['duration_s']} s"),
        ("alongside: stalled CSV readers, slow clients", f"{result['stalled']}, {result['slow']}"),
        ("machine: cores, load average before / after", f"{result['cores']}, "
         f"{result['load_average'][0]} / {result['load_average'][1]}"),
        ("distinct URLs in the mix", result["urls"]),
        ("requests", result["requests"]),
        ("errors", result["errors"]),
        ("throughput, requests/s", result["throughput_rps"]),
        ("latency p50 / p95 / max, ms", f"{result['p50_ms']} / {result['p95_ms']} / {result['max_ms']}"),
        ("server RSS start / middle / end (max), MB",
         f"{mb(rss['start'])} / {mb(rss['middle'])} / {mb(rss['end'])} ({mb(rss['max'])})"),
    ]
    lines = ["| measure | value |", "|---|---|"] + [f"| {name} | {value} |" for name, value in rows]
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--index", help="index folder: start `notice-search serve` on it")
    target.add_argument("--url", help="base URL of a server already running (no memory figures)")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load (default 60)")
    parser.add_argument("--max-requests", type=int, default=200_000, help="stop after this many requests")
    parser.add_argument("--timeout", type=float, default=60, help="per-request timeout, s; a timeout is an error")
    parser.add_argument("--json", help="also write the figures to this file")
    parser.add_argument("--stalled", type=int, default=0, help="clients that ask for a CSV export and never read it")
    parser.add_argument("--slow", type=int, default=0, help="clients that trickle a header a byte a second")
    args = parser.parse_args(argv)

    process = None
    with tempfile.TemporaryFile() as log:
        try:
            if args.url:
                parts = urllib.parse.urlsplit(args.url)
                host, port, pid = parts.hostname, parts.port or 80, None
            else:
                host, port = "127.0.0.1", free_port()
                env = dict(os.environ, PYTHONUNBUFFERED="1")
                process = subprocess.Popen(serve_command(args.index, port), stdout=log,
                                           stderr=subprocess.STDOUT, env=env, cwd=BENCH.parent)
                pid = process.pid
            ready = wait_until_ready(host, port, process, timeout=max(args.timeout, 120))
            print(f"server ready in {ready:.1f} s; {args.clients} clients for {args.duration:g} s", flush=True)
            result = run(host, port, pid, args.clients, args.duration, args.max_requests, args.timeout,
                         args.stalled, args.slow)
        except (RuntimeError, OSError) as exc:
            log.seek(0)
            print(f"load: {exc}\n{log.read().decode('utf-8', 'replace')[-3000:]}", file=sys.stderr)
            return 2
        finally:
            if process is not None:
                process.terminate()
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
    print(table(result))
    for example in result["error_examples"]:
        print(f"error: {example}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
