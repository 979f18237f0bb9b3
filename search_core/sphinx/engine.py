"""The Sphinx backend: the embedded backend's search logic over a snapshot whose matching the shards do.

What a search answers is decided exactly as by the embedded backend: the
query is interpreted (`search_core.interpret`), the exact and partial tiers
come from `search_core.embedded.retrieval.retrieve` over each string's
matches, facets are counted disjunctively by the same classes, and paging,
grouping and suggestions are the same code. Only where a string matches and
how words rank is asked of the nodes: each string's paragraphs come back as
an id set from the distributed table (`shards`), so the matching sets and
counts equal the embedded backend's by construction, while the ranking is
Sphinx's tf·idf over the jieba-word fields (the order within a tier may differ).

A node that does not answer: a 503 naming it, or with
`NOTICE_SEARCH_SPHINX_PARTIAL_RESULTS` the answer of the other shards, with
the missing shard named in its notes and in `missing`. Nothing is kept of a
node's failure: the next request asks it again.
"""

import threading

import numpy as np

from indexer import settings
from indexer.analysis import words
from indexer.errors import IndexUnavailable, NotOffered
from indexer.sphinx import layout, versions
from indexer.sphinx.nodes import Cluster, parse_nodes
from indexer.sphinx.tokens import word_token

from ..embedded.engine import NO_NEAR_COPIES, EmbeddedBackend
from ..embedded.ranking import COMMON_WORD_SHARE, MAX_SCORED_WORDS
from ..embedded.retrieval import Masks
from .shards import Shards
from .snapshot import SphinxSnapshot

class SphinxMasks(Masks):
    """Each string's matches, asked of the shards once per query."""

    def term(self, term):
        if term not in self._masks:
            self._masks[term] = self.snap.term_mask(term)
        return self._masks[term]


class SphinxRanker:
    """Scores from the nodes' tf·idf over the jieba-word fields (text, headings, title)."""

    def __init__(self, snap):
        self.snap = snap

    def scores(self, weighted, docs, memo=None):
        """Score of each of `docs` (ascending document numbers); words in over a quarter of the paragraphs are
        left out when rarer ones are there, as the embedded ranking does."""
        scores = np.zeros(len(docs), dtype=np.float32)
        if not len(docs) or not weighted:
            return scores
        counts = self.snap.lexicon.get().counts
        too_common = COMMON_WORD_SHARE * self.snap.live_count
        chosen = [w for w in weighted if counts.get(w, 0) <= too_common][:MAX_SCORED_WORDS]
        if not chosen:
            chosen = [min(weighted, key=lambda w: counts.get(w, 0))]
        expression = "@(words,heading_words,title_words) (" + " | ".join(word_token(w) for w in chosen) + ")"
        return self.snap.word_weights(expression)[docs]


class _Partial:
    """A snapshot as seen while some shards do not answer: their paragraphs are not live."""

    def __init__(self, snap, live):
        self._snap, self.live, self.live_count = snap, live, int(live.sum())

    def __getattr__(self, name):
        return getattr(self._snap, name)


class SphinxBackend(EmbeddedBackend):
    """Searches the live version on a cluster of searchd nodes; follows a new version when one is switched in."""

    def __init__(self, nodes, config=None):
        self.config = config or settings.as_dict()
        self.shards = Shards(Cluster(nodes), bool(self.config.get("SPHINX_PARTIAL_RESULTS")))
        self._loaded = None  # (SphinxSnapshot, SphinxRanker)
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config):
        return cls(parse_nodes(config["SPHINX_NODES"]), config)

    def loaded(self):
        """(snapshot, ranker) of the live version, reloaded when another version went live.

        Every call asks each node which version it holds: that is how a new
        version, a node that stopped and a node that came back are noticed.
        """
        found, missing = self.shards.states()
        if missing:
            if self._loaded is None:
                raise missing[0]
            snap, ranker = self._loaded
            gone = [exc.shard for exc in missing]
            return _Partial(snap, snap.live & ~np.isin(snap.shard_of, gone)), ranker
        version = versions.live(found, len(self.shards.cluster))
        if version is None:
            raise IndexUnavailable(versions.why_none(self.shards.cluster, found))
        if version.info.get("format") != layout.FORMAT:
            raise IndexUnavailable(f"The nodes' live version {version.generation} was loaded by a notice-index whose "
                                   "rows this one cannot read; load it again with "
                                   "`notice-index rebuild --backend sphinx`.")
        if self._loaded is None or self._loaded[0].version != version:
            with self._lock:
                if self._loaded is None or self._loaded[0].version != version:
                    snap = SphinxSnapshot(self.shards, version)
                    self._loaded = (snap, SphinxRanker(snap))
        return self._loaded

    def _masks(self, snap, memo):
        return SphinxMasks(snap, memo)

    def open(self):
        self.loaded()

    def describe(self):
        """What the live version is: {"generated": True} when its notices were made by the corpus generator."""
        with self._lock:
            loaded = self._loaded
        return {"generated": bool(loaded and loaded[0].version.info.get("generated")), "near_copies": False}

    # Near-copies (雷同) are computed from a whole index folder's text when it is built; a load onto the nodes
    # does not compute them, so the snapshot's `similar` is `Absent` and these say so in one sentence (a 501).

    def similar(self, notice_id, n, limit=None):
        raise NotOffered(NO_NEAR_COPIES + "。")

    def more_like_this(self, notice_id, n, limit=10):
        raise NotOffered(NO_NEAR_COPIES + "。")

    def duplicate_report(self, limit=100):
        raise NotOffered(NO_NEAR_COPIES + "。")

    def warm(self):
        """Load the live version's catalog and codes, jieba and the lexicon, so the first search is as fast as the rest."""
        snap = self.snapshot()
        words("预热")
        snap.lexicon.get()

    def search(self, request):
        result = super().search(request)
        missing = self.shards.missing()
        if missing:
            result.missing = [{"shard": exc.shard + 1, "node": exc.node} for exc in missing]
            result.notes += [f"第 {exc.shard + 1} 个分片（节点 {exc.node}）未应答：结果和计数不含其中的段落。"
                             for exc in missing]
        return result
