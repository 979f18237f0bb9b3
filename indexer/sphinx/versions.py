"""Which version of the shards is live: the `state` table of every node, and the atomic switch.

A load writes a new version (a generation number) into the slot that is not
live, on every node. Each node's `state` table has a row per slot: the
generation it holds, whether it is complete, and which shard of how many.
The live version is the highest generation that every node holds complete:

* a load first marks its slot "loading" on every node (so nothing stale in
  that slot can count as complete), then fills it, verifies the counts, and
  marks it complete node by node. Only the last mark makes the new version
  live, and one row written on one node is atomic: readers see the old
  version or the new one, never a mix;
* a load that fails or is killed leaves its slot incomplete somewhere, so the
  old version stays live; the next load takes a higher generation number;
* each load writes a random token with its "loading" mark and checks it is
  still there before marking complete, so of two loads run at once at most
  one can finish.
"""

import json
from dataclasses import dataclass, field

from ..errors import IndexUnavailable
from . import layout

COLUMNS = ("id", "slot", "generation", "complete", "shard", "shards", "paragraphs", "notices", "token", "info")


@dataclass(frozen=True)
class Version:
    generation: int
    slot: str
    paragraphs: tuple  # per shard
    notices: tuple  # per shard
    info: dict = field(default_factory=dict, compare=False, hash=False)

    @property
    def total_paragraphs(self):
        return sum(self.paragraphs)


def slot_row(slot):
    return layout.SLOTS.index(slot) + 1


def states(cluster, shards=None):
    """{shard: [state row dict]} of the nodes `shards` (default all); a node that does not answer raises."""
    found = {}
    for shard in (range(len(cluster)) if shards is None else shards):
        rows = cluster.rows(shard, f"SELECT {', '.join(COLUMNS)} FROM {layout.STATE} LIMIT 10")
        found[shard] = [dict(zip(COLUMNS, row)) for row in rows]
    return found


def live(found, shards):
    """The live `Version` of a cluster of `shards` nodes, from `states`; None when no version is complete everywhere."""
    complete = {}
    for shard, rows in found.items():
        for row in rows:
            if row["complete"] and row["shards"] == shards and row["shard"] == shard:
                complete.setdefault(row["generation"], {})[shard] = row
    whole = [g for g, by_shard in complete.items() if len(by_shard) == shards]
    if not whole:
        return None
    generation = max(whole)
    rows = [complete[generation][shard] for shard in range(shards)]
    slot = layout.SLOTS[rows[0]["slot"] - 1]
    return Version(generation, slot, tuple(r["paragraphs"] for r in rows), tuple(r["notices"] for r in rows),
                   json.loads(rows[0]["info"] or "{}"))


def require_live(cluster):
    """The live version of a cluster whose every node answers; IndexUnavailable when there is none."""
    found = states(cluster)
    version = live(found, len(cluster))
    if version is None:
        raise IndexUnavailable(why_none(cluster, found))
    return version


def why_none(cluster, found):
    """Why no version is live on nodes that all answer: nodes listed out of order, or nothing loaded yet."""
    for shard, rows in found.items():
        for row in rows:
            if row["complete"] and (row["shard"], row["shards"]) != (shard, len(cluster)):
                return (f"Node {cluster.nodes[shard]} holds shard {row['shard'] + 1} of {row['shards']}, but is listed "
                        f"as node {shard + 1} of {len(cluster)}; list the nodes (--nodes or NOTICE_SEARCH_SPHINX_NODES) "
                        "in the order they were loaded, or load them again with `notice-index rebuild --backend sphinx`.")
    return (f"No complete index on the nodes {', '.join(cluster.nodes)}: load one with "
            "`notice-index rebuild --backend sphinx --nodes …`.")


def mark_loading(cluster, shard, slot, generation, token):
    cluster.execute(shard, f"REPLACE INTO {layout.STATE} ({', '.join(COLUMNS)}) VALUES "
                    "(%s, %s, %s, 0, %s, %s, 0, 0, %s, '{}')",
                    (slot_row(slot), slot_row(slot), generation, shard, len(cluster), token))


def still_ours(cluster, slot, token):
    """Whether every node's slot still carries this load's token (no other load started meanwhile)."""
    for shard, rows in states(cluster).items():
        row = next((r for r in rows if r["id"] == slot_row(slot)), None)
        if row is None or row["token"] != token or row["complete"]:
            return False
    return True


def mark_complete(cluster, shard, slot, generation, token, paragraphs, notices, info):
    cluster.execute(shard, f"REPLACE INTO {layout.STATE} ({', '.join(COLUMNS)}) VALUES "
                    "(%s, %s, %s, 1, %s, %s, %s, %s, %s, %s)",
                    (slot_row(slot), slot_row(slot), generation, shard, len(cluster), paragraphs, notices, token,
                     json.dumps(info, ensure_ascii=False)))
