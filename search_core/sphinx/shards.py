"""Questions to the shards: which paragraphs hold a string, and how they rank; which nodes answer.

Each question is one SphinxQL statement to the distributed table of an entry
node, which asks every other node as an agent and merges. The ids come back
as `GROUP_CONCAT` lists, one row per notice: measured at 10,000 notices, the
469,274 ids of 整改 took 0.6 s so, 5.7 s as a row each, and 16.5 s as a few
long lists (Sphinx builds a list by copying it whole at every id it adds). A node that does not answer makes a question
fail with `NodeUnavailable` naming it; with partial results allowed, the
questions of that request go to the other nodes' own tables instead, and the
request is told which shards it misses.
"""

import itertools
import threading

import numpy as np

from indexer.errors import NodeUnavailable
from indexer.sphinx import layout, versions

#: Ranking over the jieba-word fields: tf·idf summed over fields, each field weighted.
RANKER = "expr('sum(tf_idf*user_weight)*1000')"
FIELD_WEIGHTS = "words=100, heading_words=40, title_words=15"
#: Plain idf (log N/n) never turns negative for a word most paragraphs hold.
IDF = "'plain,tfidf_unnormalized'"


class Shards:
    """The cluster as one search: questions to its shards, with the policy for a node that does not answer."""

    def __init__(self, cluster, partial_ok):
        self.cluster, self.partial_ok = cluster, partial_ok
        self._request = threading.local()
        self._turns = itertools.count()

    # --- per request: which nodes answer ---

    def states(self):
        """({shard: state rows} of the nodes that answer, [NodeUnavailable] of those that do not).

        Without partial results allowed, the first node that does not answer raises.
        """
        found, missing = {}, []
        for shard in range(len(self.cluster)):
            try:
                found.update(versions.states(self.cluster, [shard]))
            except NodeUnavailable as exc:
                if not self.partial_ok:
                    raise
                missing.append(exc)
        self._request.missing = missing
        return found, missing

    def missing(self):
        """The nodes this thread's request goes without: [NodeUnavailable]."""
        return list(getattr(self._request, "missing", []))

    # --- questions ---

    def _ask(self, slot, sql, args):
        """Rows of a question about paragraphs, from every shard that answers."""
        missing = {exc.shard for exc in self.missing()}
        if not missing:
            entry = self._entry()
            rows, warnings = self.cluster.execute(entry, sql.format(table=layout.all_paragraphs(slot)), args)
            if warnings:
                raise self._down(warnings)
            return rows
        rows = []
        for shard in range(len(self.cluster)):
            if shard not in missing:
                rows += self.cluster.execute(shard, sql.format(table=layout.paragraphs(slot)), args)[0]
        return rows

    def _entry(self):
        """The node whose distributed table this thread's questions go to: each new thread takes the next node."""
        turn = getattr(self._request, "turn", None)
        if turn is None:
            turn = self._request.turn = next(self._turns) % len(self.cluster)
        return turn

    def _down(self, warnings):
        """A NodeUnavailable for an agent that failed a question: the node that does not answer now."""
        for shard in range(len(self.cluster)):
            try:
                versions.states(self.cluster, [shard])
            except NodeUnavailable as exc:
                return exc
        return NodeUnavailable(", ".join(self.cluster.nodes), 0, "; ".join(warnings))

    def ids(self, slot, expression, notices):
        """Ids (int64, in no order) of the paragraphs matching a MATCH expression; `notices` the most there are."""
        groups = max(1000, notices)
        rows = self._ask(slot, "SELECT GROUPBY(), GROUP_CONCAT(id) FROM {table} WHERE MATCH(%s) "
                               f"GROUP BY notice LIMIT {groups} OPTION ranker=none, max_matches={groups}",
                         (expression,))
        return _numbers([row[1] for row in rows], np.int64)

    def weights(self, slot, expression, notices):
        """(ids, weights) of the paragraphs matching a MATCH expression over the word fields."""
        groups = max(1000, notices)
        rows = self._ask(slot, "SELECT GROUPBY(), GROUP_CONCAT(id), GROUP_CONCAT(WEIGHT()) FROM {table} "
                               f"WHERE MATCH(%s) GROUP BY notice LIMIT {groups} OPTION ranker={RANKER}, "
                               f"field_weights=({FIELD_WEIGHTS}), idf={IDF}, max_matches={groups}", (expression,))
        return _numbers([r[1] for r in rows], np.int64), _numbers([r[2] for r in rows], np.int64)


def _numbers(lists, dtype):
    """The numbers of comma-separated lists, as one array."""
    text = ",".join(part for part in lists if part)
    if not text:
        return np.zeros(0, dtype)
    return np.array(text.split(","), dtype=dtype)
