"""Local clusters for trials and tests: N `searchd` nodes on this machine, each in its own folder.

`init` writes `DIR/node-<i>/searchd.conf` (and a `cluster.json` listing the
nodes); `start` runs every node's searchd and waits until each answers;
`stop` stops them; `status` says, per node, whether it answers, which version
each slot holds and how many paragraphs and notices its shard has. A cluster
on several machines uses the same configuration, written per machine
(docs/deployment-sphinx.md).
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

from ..errors import ConfigError, NoticeSearchError
from . import layout

CLUSTER = "cluster.json"
#: Seconds a node may take to start answering, or to stop.
WAIT = 30


def searchd():
    """The searchd program, or a sentence saying how to install it."""
    found = shutil.which("searchd")
    if not found:
        raise ConfigError("searchd is not installed; install Debian's sphinxsearch (apt-get install sphinxsearch) "
                          "or Manticore Search.")
    return found


def init(folder, count, port_base=9306, host="127.0.0.1"):
    """Write the configuration of `count` local nodes under `folder`; return their SphinxQL addresses."""
    folder = Path(folder).resolve()
    if count < 1:
        raise ConfigError("A cluster needs at least one node (--nodes 1 or more).")
    if port_base < 1024 or port_base + 2 * count > 65535:
        raise ConfigError(f"--port-base {port_base} leaves no room for {count} nodes (two ports each) "
                          "between 1024 and 65535.")
    sql_ports = [port_base + 2 * i for i in range(count)]
    api_ports = [port + 1 for port in sql_ports]
    hosts = [host] * count
    for i in range(count):
        node = folder / f"node-{i}"
        (node / "data").mkdir(parents=True, exist_ok=True)
        text = layout.node_config(i, hosts, api_ports, sql_ports, node)
        (node / "searchd.conf").write_text(text, encoding="utf-8")
    nodes = [f"{host}:{port}" for port in sql_ports]
    (folder / CLUSTER).write_text(json.dumps({"nodes": nodes}, indent=1), encoding="utf-8")
    return nodes


def _read(folder):
    folder = Path(folder).resolve()
    try:
        return folder, json.loads((folder / CLUSTER).read_text(encoding="utf-8"))["nodes"]
    except (OSError, ValueError, KeyError):
        raise ConfigError(f"{folder} holds no cluster made by `notice-index cluster init` "
                          f"({CLUSTER} is missing or unreadable).") from None


def nodes_of(folder):
    """The SphinxQL addresses of a local cluster's nodes, in shard order."""
    return _read(folder)[1]


def _answers(address, timeout=0.5):
    host, _, port = address.rpartition(":")
    try:
        with socket.create_connection((host, int(port)), timeout=timeout):
            return True
    except OSError:
        return False


def _pid(node):
    try:
        return int((node / "searchd.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


def start(folder, only=None):
    """Start every node (or node `only`) that is not running, and wait until each answers."""
    folder, nodes = _read(folder)
    program = searchd()
    for i, address in enumerate(nodes):
        if only is not None and i != only or _answers(address):
            continue
        node = folder / f"node-{i}"
        result = subprocess.run([program, "--config", str(node / "searchd.conf")], capture_output=True, text=True)
        if result.returncode != 0:
            raise NoticeSearchError(f"searchd of node {i} ({address}) did not start: "
                                    f"{(result.stdout + result.stderr).strip().splitlines()[-1:]}; see {node}/searchd.log.")
    deadline = time.monotonic() + WAIT
    for i, address in enumerate(nodes):
        if only is not None and i != only:
            continue
        while not _answers(address):
            if time.monotonic() > deadline:
                raise NoticeSearchError(f"node {i} ({address}) did not answer within {WAIT} s; "
                                        f"see {folder}/node-{i}/searchd.log.")
            time.sleep(0.1)
    return nodes


def stop(folder, only=None):
    """Stop every node (or node `only`) of a local cluster, all at once; wait until each has exited."""
    folder, nodes = _read(folder)
    stopping = []
    for i, address in enumerate(nodes):
        pid = _pid(folder / f"node-{i}")
        if pid is None or only is not None and i != only:
            continue
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            continue
        stopping.append((i, address, pid))
    deadline = time.monotonic() + WAIT
    for i, address, pid in stopping:
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        if _alive(pid):
            raise NoticeSearchError(f"node {i} ({address}, process {pid}) did not stop within {WAIT} s.")


def kill(folder, index):
    """Kill node `index` at once (SIGKILL of its searchd and its watchdog): what a crash does, for tests."""
    folder, nodes = _read(folder)
    node = folder / f"node-{index}"
    pid = _pid(node)
    if pid is None:
        return
    for target in (pid, *_watchdogs(pid)):
        try:
            os.kill(target, signal.SIGKILL)
        except ProcessLookupError:
            pass
    deadline = time.monotonic() + WAIT
    while _answers(nodes[index]) and time.monotonic() < deadline:
        time.sleep(0.05)
    (node / "searchd.pid").unlink(missing_ok=True)


def _watchdogs(pid):
    """The parent of a searchd process when it is searchd's watchdog (which would restart it)."""
    try:
        parent = int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])
        name = Path(f"/proc/{parent}/comm").read_text().strip()
    except (OSError, ValueError, IndexError):
        return []
    return [parent] if name == "searchd" else []


def _alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie has exited; only its parent has not read its status yet
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def status(nodes):
    """Lines saying, per node, whether it answers, what each slot holds and which version is live."""
    from .nodes import Cluster
    from .versions import live, states

    cluster = Cluster(nodes)
    found, lines = {}, []
    for shard, address in enumerate(nodes):
        try:
            found.update(states(cluster, [shard]))
        except NoticeSearchError as exc:
            lines.append(f"  down  node {shard + 1} {address}: {getattr(exc, 'reason', exc)}")
    version = live(found, len(nodes)) if len(found) == len(nodes) else None
    head = (f"live: version {version.generation} (slot {version.slot}), {version.total_paragraphs:,} paragraphs, "
            f"{sum(version.notices):,} notices on {len(nodes)} nodes" if version else
            "live: no version is complete on every node" + ("" if len(found) == len(nodes) else " that answers"))
    for shard in sorted(found):
        slots = []
        for row in sorted(found[shard], key=lambda r: r["slot"]):
            what = "complete" if row["complete"] else "loading or failed"
            mark = " (live)" if version and row["generation"] == version.generation else ""
            slots.append(f"slot {layout.SLOTS[row['slot'] - 1]}: version {row['generation']} {what}{mark}, shard "
                         f"{row['shard'] + 1} of {row['shards']}, {row['paragraphs']:,} paragraphs, "
                         f"{row['notices']:,} notices")
        lines.append(f"  up    node {shard + 1} {nodes[shard]}: " + ("; ".join(slots) or "empty"))
    cluster.close()
    return [head] + sorted(lines, key=lambda line: int(line.split("node ")[1].split()[0]))
