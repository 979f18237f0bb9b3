"""One live version of the shards, as a server holds it: the catalog and each paragraph's facet codes.

The nodes hold the text, its n-grams and words, and each paragraph as written;
the server holds, per paragraph, only what facet counting and ordering need
(about 20 bytes): its id, notice, number, category, set of roles and problem
types, read once per version in pages of rows from each node. With these
the snapshot offers what the embedded backend's search logic reads of a
snapshot (`search_core.embedded.snapshot.Snapshot`): document numbers are
positions in the sorted ids, and `live` marks them all.
"""

import json
import threading
from collections import OrderedDict

import numpy as np

from indexer.folding import fold
from indexer.notice import display_title
from indexer.schema import HEADING_SEPARATOR
from indexer.sphinx import layout
from indexer.sphinx.nodes import N_BITS, notice_key, shard_of
from indexer.sphinx.tokens import term_phrases, unpacked

from ..embedded import counting, similar
from ..embedded.lexicon import LazyLexicon, Lexicon
from ..embedded.snapshot import NOTICE_CACHE, Snapshot
from ..facets import FACETS
from ..query import term_pattern

#: Rows per query when a table is read whole (the catalog, the words).
PAGE = 5000
#: Paragraph rows (id and facet codes) per query when a version is loaded.
PARAGRAPHS = 50000
#: Most parts (separated by whitespace) of one quoted term: each gap doubles the phrases asked for.
MAX_PARTS = 7
#: Paragraphs (text, headings, problem types) a snapshot keeps once read, the most recent.
DISPLAYS = 20000
#: The display of a paragraph a shard no longer holds (a version being replaced under a long export).
EMPTY = '["", [], []]'
#: The index fields each query field searches.
FIELDS = {"text": "text", "headings": "headings", "title": "title", "issuer": "issuer"}


class SphinxSnapshot:
    """The version `version` of the cluster `shards` serves, loaded for searching."""

    _load_orders = Snapshot._load_orders  # the same fixed orders: by date, and (notice id, n) for ties
    oldest_rank, newest_rank = Snapshot.oldest_rank, Snapshot.newest_rank

    def __init__(self, shards, version):
        self.shards, self.version, self.slot = shards, version, version.slot
        cluster = shards.cluster
        self.catalog = []
        for shard in range(len(cluster)):
            self.catalog += [json.loads(entry) for entry in _read_all(cluster, shard, layout.notices(self.slot),
                                                                      "entry")]
        self.catalog.sort(key=lambda entry: entry["id"])
        self.by_id = {entry["id"]: i for i, entry in enumerate(self.catalog)}
        self.titles = [display_title(entry) for entry in self.catalog]
        keys = np.array([notice_key(entry["id"]) for entry in self.catalog], dtype=np.int64)
        codes = {}  # (kind, code) -> label
        for kind, code, label in cluster.rows(0, f"SELECT kind, code, label FROM {layout.facet_values(self.slot)} "
                                                 "LIMIT 100000 OPTION max_matches=100000"):
            codes[(kind, int(code))] = label
        rows = []
        for shard in range(len(cluster)):
            rows += _read_all(cluster, shard, layout.paragraphs(self.slot), "category, role, types", page=PARAGRAPHS,
                              with_id=True)
        rows.sort(key=lambda row: row[0])
        self.ids = np.array([row[0] for row in rows], dtype=np.int64)
        self.size = len(self.ids)
        self.live = np.ones(self.size, dtype=bool)
        self.live_count = self.size
        self.notice_of = np.searchsorted(keys, self.ids >> N_BITS).astype(np.int32)
        self.n_of = (self.ids & ((1 << N_BITS) - 1)).astype(np.int32)
        self.shard_of = np.array([shard_of(entry["id"], len(cluster)) for entry in self.catalog] + [0],
                                 dtype=np.int32)[self.notice_of]
        self.similar = similar.Absent(self)  # near-copies are not computed on a load onto the nodes
        self.facets = {facet.name: counting.NoticeCodes(facet, self) if facet.kind == "notice"
                       else counting.DuplicateCodes(facet, self) if facet.kind == "duplicate"
                       else _paragraph_codes(facet, rows, codes) for facet in FACETS}
        self.facets[counting.DATE_RANGE] = counting.MonthRange(self)
        self._load_orders()
        self._notices = OrderedDict()
        self._displays = {}
        self._cache_lock = threading.Lock()
        self.lexicon = _LazyLexicon(self)

    # --- matching and ranking, asked of the shards ---

    def term_mask(self, term):
        """Boolean mask over document numbers: the paragraphs whose fields hold the term (an exact substring)."""
        parts = fold(term.text).split()
        if not parts:
            return self.live.copy()
        if len(parts) > MAX_PARTS:
            # Beyond this the phrases asked for would be too many; the pattern decides among those holding each part.
            candidates = self.live.copy()
            for part in parts:
                candidates &= self.term_mask(type(term)(part, term.fields, term.phrase))
            return candidates & self._verified(candidates, term)
        fields = ",".join(FIELDS[name] for name in term.fields)
        mask = np.zeros(self.size, dtype=bool)
        expression = f"@({fields}) ({' | '.join(term_phrases(parts))})"
        mask[self._docnums(self.shards.ids(self.slot, expression, len(self.catalog)))] = True
        return mask & self.live

    def _docnums(self, ids):
        """The document numbers of row ids (ids the snapshot does not hold are left out)."""
        at = np.minimum(np.searchsorted(self.ids, ids), max(0, self.size - 1))
        return at[self.ids[at] == ids] if self.size else at[:0]

    def _verified(self, candidates, term):
        """Which candidates hold a long term as its pattern says, read from the nodes."""
        pattern = term_pattern(term.text)
        held = np.zeros(self.size, dtype=bool)
        docs = np.flatnonzero(candidates)
        self.prefetch(docs)
        for doc in docs.tolist():
            entry, text, headings, *_ = self.paragraph(doc)
            strings = {"text": text, "headings": HEADING_SEPARATOR.join(headings), "title": entry.get("title") or "",
                       "issuer": entry.get("issuer") or ""}
            held[doc] = any(pattern.search(fold(strings[name])) for name in term.fields)
        return held

    def word_weights(self, expression):
        """Weight per document number (0 where none) of the paragraphs matching an expression over the word fields."""
        ids, weights = self.shards.weights(self.slot, expression, len(self.catalog))
        scores = np.zeros(self.size, dtype=np.float32)
        at = np.minimum(np.searchsorted(self.ids, ids), max(0, self.size - 1))
        keep = self.ids[at] == ids if self.size else at[:0] > 0
        scores[at[keep]] = weights[keep].astype(np.float32) / 1000
        return scores

    # --- documents ---

    def notice_at(self, index):
        """The whole notice (the parser's dict) at this catalog index, read from its shard."""
        with self._cache_lock:
            if index in self._notices:
                self._notices.move_to_end(index)
                return self._notices[index]
        entry = self.catalog[index]
        shard = shard_of(entry["id"], len(self.shards.cluster))
        rows = self.shards.cluster.rows(shard, f"SELECT notice FROM {layout.notices(self.slot)} WHERE id = %s",
                                        (notice_key(entry["id"]),))
        notice = unpacked(rows[0][0]) if rows else None
        with self._cache_lock:
            self._notices[index] = notice
            while len(self._notices) > NOTICE_CACHE:
                self._notices.popitem(last=False)
        return notice

    def notice(self, notice_id):
        index = self.by_id.get(notice_id)
        return None if index is None else self.notice_at(index)

    def prefetch(self, docnums):
        """Read the text and headings of these documents from their shards (a query per shard and 1,000), and keep
        the most recent ones."""
        wanted = [d for d in dict.fromkeys(int(d) for d in np.asarray(docnums).tolist()) if d not in self._displays]
        self._fetch(wanted)

    def _fetch(self, docs):
        """{document number: its display JSON}, read from the shards and kept."""
        by_shard, found = {}, {}
        for doc in docs:
            by_shard.setdefault(int(self.shard_of[doc]), []).append(doc)
        for shard, docs_of_shard in by_shard.items():
            for start in range(0, len(docs_of_shard), 1000):
                chunk = docs_of_shard[start:start + 1000]
                ids = ", ".join(str(int(self.ids[d])) for d in chunk)
                rows = self.shards.cluster.rows(shard, f"SELECT id, display FROM {layout.paragraphs(self.slot)} "
                                                       f"WHERE id IN ({ids}) LIMIT 1000 OPTION max_matches=1000")
                by_id = {int(i): display for i, display in rows}
                found.update((doc, by_id.get(int(self.ids[doc]), EMPTY)) for doc in chunk)
        with self._cache_lock:
            self._displays.update(found)
            while len(self._displays) > DISPLAYS:
                self._displays.pop(next(iter(self._displays)))
        return found

    def paragraph(self, docnum):
        """(catalog entry, text, headings, category, role, problem types) of a document."""
        docnum = int(docnum)
        display = self._displays.get(docnum)
        if display is None:
            display = self._fetch([docnum])[docnum]
        text, headings, types = json.loads(display)
        return (self.catalog[int(self.notice_of[docnum])], text, headings, self.facets["category"].value(docnum),
                self.facets["role"].value(docnum), types)


class _LazyLexicon(LazyLexicon):
    """A version's lexicon (did-you-mean, completions), built on first use from every shard's word counts."""

    def build(self, snap):
        counts = {}
        for shard in range(len(snap.shards.cluster)):
            for word, count in _read_all(snap.shards.cluster, shard, layout.words(snap.slot), "value, paragraphs"):
                counts[word] = counts.get(word, 0) + int(count)
        return Lexicon(snap, counts)


def _read_all(cluster, shard, table, columns, page=PAGE, with_id=False):
    """Every row of a table of one node, read in pages by id: its columns (a lone column as itself), or with
    `with_id` the whole rows, id first."""
    found, last = [], 0
    while True:
        rows = cluster.rows(shard, f"SELECT id, {columns} FROM {table} WHERE id > %s ORDER BY id ASC "
                                   f"LIMIT {page} OPTION max_matches={page}", (last,))
        found += rows if with_id else [row[1] if len(row) == 2 else row[1:] for row in rows]
        if len(rows) < page:
            return found
        last = rows[-1][0]


#: Where each paragraph facet's codes are in a paragraph row as `SphinxSnapshot` reads it (id, category, role, types).
COLUMNS = {"category": 1, "role": 2, "problem_type": 3}


def _paragraph_codes(facet, rows, labels):
    """The codes of a paragraph facet over the rows (in document order), `labels` {(kind, code): label}.

    A category is a code; a paragraph's roles are one code for their
    combination, labelled as a JSON list with the primary role first
    (`layout.role_label`); its problem types an MVA, read as "3,5".
    """
    column = COLUMNS[facet.name]
    if facet.kind == "paragraph":
        values = sorted({labels[(facet.name, int(row[column]))] for row in rows if row[column]})
        index = {value: i for i, value in enumerate(values)}
        of_doc = np.array([index[labels[(facet.name, int(row[column]))]] if row[column] else -1 for row in rows],
                          dtype=np.int32)
        return counting.ParagraphCodes(facet, values, of_doc)
    if facet.name == "role":
        def combo(key):
            return layout.roles_of(labels[("role", int(key))]) if key else ()
    else:
        def combo(key):
            return tuple(labels[(facet.name, int(code))] for code in str(key).split(",") if code)
    combos, at = [], {}
    combo_of = np.empty(len(rows), dtype=np.int32)
    for docnum, row in enumerate(rows):
        key = row[column]
        if key not in at:
            at[key] = len(combos)
            combos.append(combo(key))
        combo_of[docnum] = at[key]
    return counting.ParagraphSets(facet, combos, combo_of)
