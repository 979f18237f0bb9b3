"""The nodes of a cluster as SphinxQL sees them: addresses, connections, and a node that does not answer.

Clients speak SphinxQL over the MySQL protocol (PyMySQL). Every connection is
opened with `autocommit=True`: without it Sphinx takes inserts into a
transaction that PyMySQL never commits, and they are silently lost.
Connections are kept per thread and per node and reopened after an error, so
a node that comes back is used again without restarting anything.
"""

import threading

import pymysql

from ..errors import ConfigError, NodeUnavailable

#: Seconds to wait for a node to accept a connection.
CONNECT_TIMEOUT = 2
#: Seconds to wait for a node's answer (a load's large inserts included).
READ_TIMEOUT = 600


def parse_nodes(text, what="NOTICE_SEARCH_SPHINX_NODES"):
    """[\"host:port\", …] of a comma-separated list of SphinxQL addresses, in shard order."""
    nodes = [part.strip() for part in str(text or "").split(",") if part.strip()]
    if not nodes:
        raise ConfigError(f"{what} lists no nodes; give the SphinxQL addresses as host:port,host:port.")
    for node in nodes:
        host, _, port = node.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ConfigError(f"{what}: {node!r} is not host:port (e.g. 127.0.0.1:9306).")
    if len(set(nodes)) != len(nodes):
        raise ConfigError(f"{what} lists a node twice; each node holds its own shard.")
    return nodes


def shard_of(notice_id, shards):
    """The shard a notice's paragraphs live in: a stable hash (the notice id is one already)."""
    return int(notice_id, 16) % shards


def notice_key(notice_id):
    """A notice's integer key: its id's first 47 bits, so keys order as ids do."""
    return int(notice_id[:12], 16) >> 1


#: Bits of a paragraph's number in its row id (the notice key above them).
N_BITS = 16


def row_id(notice_id, n):
    """The row id of paragraph n of a notice: ordered by notice id, then paragraph number, as results tie-break."""
    return (notice_key(notice_id) << N_BITS) | n


class Cluster:
    """The nodes of one cluster, in shard order, with a connection per thread and node."""

    def __init__(self, nodes):
        self.nodes = list(nodes)
        self._local = threading.local()

    def __len__(self):
        return len(self.nodes)

    def _connection(self, shard):
        cache = self._local.__dict__.setdefault("connections", {})
        connection = cache.get(shard)
        if connection is None:
            host, _, port = self.nodes[shard].rpartition(":")
            try:
                connection = pymysql.connect(host=host, port=int(port), autocommit=True, charset="utf8mb4",
                                             connect_timeout=CONNECT_TIMEOUT, read_timeout=READ_TIMEOUT,
                                             write_timeout=READ_TIMEOUT)
            except pymysql.err.MySQLError as exc:
                raise self.unavailable(shard, exc) from None
            cache[shard] = connection
        return connection

    def unavailable(self, shard, exc):
        reason = exc.args[1] if isinstance(exc, pymysql.err.MySQLError) and len(exc.args) > 1 else str(exc)
        return NodeUnavailable(self.nodes[shard], shard, str(reason).split("(")[0].strip() or type(exc).__name__)

    def execute(self, shard, sql, args=None, many=None):
        """Run one statement on a node; its rows (tuples), and the warnings the node gave.

        A connection that fails is dropped. A question (SELECT, SHOW) that
        fails on a connection kept from before is asked once more on a new
        one: the node may have restarted since. A node that cannot be reached
        raises NodeUnavailable naming it.
        """
        kept = shard in self._local.__dict__.get("connections", {})
        try:
            return self._execute(shard, sql, args, many)
        except (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError) as exc:
            self._drop(shard)
            if kept and many is None and sql.lstrip()[:4].upper() in ("SELE", "SHOW"):
                try:
                    return self._execute(shard, sql, args, many)
                except (pymysql.err.OperationalError, pymysql.err.InterfaceError, OSError) as again:
                    self._drop(shard)
                    raise self.unavailable(shard, again) from None
            raise self.unavailable(shard, exc) from None
        except pymysql.err.MySQLError:
            self._drop(shard)
            raise

    def _execute(self, shard, sql, args, many):
        connection = self._connection(shard)
        with connection.cursor() as cursor:
            if many is not None:
                cursor.executemany(sql, many)
            else:
                cursor.execute(sql, args)
            rows = cursor.fetchall()
            warnings = ()
            # A distributed table reports an agent that failed as a warning, not an error; PyMySQL keeps the
            # warning count of the last result only on it (pinned in setup.cfg).
            if cursor._result is not None and cursor._result.warning_count:
                cursor.execute("SHOW WARNINGS")
                warnings = tuple(row[2] for row in cursor.fetchall())
            return rows, warnings

    def rows(self, shard, sql, args=None):
        return self.execute(shard, sql, args)[0]

    def meta(self, shard):
        """SHOW META of the node's last query on this thread: {name: value}."""
        return dict(self.rows(shard, "SHOW META"))

    def _drop(self, shard):
        connection = self._local.__dict__.get("connections", {}).pop(shard, None)
        if connection is not None:
            try:
                connection.close()
            except Exception:  # closing a broken connection may fail in any way; it is gone either way
                pass

    def close(self):
        for shard in list(self._local.__dict__.get("connections", {})):
            self._drop(shard)
