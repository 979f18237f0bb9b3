"""`notice-index rebuild|update --backend sphinx`: fill a new version of the shards, verify it, switch to it.

Notices are parsed (and their text folded and cut by jieba) in worker
processes, exactly as for the embedded index; each notice goes whole to the
shard its id hashes to (`nodes.shard_of`). Rows are written into the slot
that is not live (`versions`), so searches keep being answered from the live
version until the new one is complete on every node. An update parses only
the files whose content is new and takes every other notice's parse from the
live version, but writes every row again: Sphinx 2.2 can copy no table, and a
version is a slot of its own.
"""

import json
import multiprocessing
import os
import queue
import secrets
import threading
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from .. import catalog, config, datafiles, writers
from ..analysis import word_counts
from ..build import Summary, index_version
from ..errors import BuildError, IndexUnavailable, NodeUnavailable
from ..notice import Notice
from ..progress import Progress
from ..schema import HEADING_SEPARATOR
from . import layout, versions
from .nodes import Cluster, N_BITS, notice_key, row_id, shard_of
from .tokens import indexed, packed, unpacked, word_token

#: Rows per INSERT statement.
BATCH = 400
#: Batches waiting for a node's writer thread before the loader waits for it.
QUEUED = 8
#: Notices read from the live version per query, for an update.
READ_BATCH = 200
PARAGRAPH_COLUMNS = ("id", *layout.TEXT_FIELDS, *layout.WORD_FIELDS, "notice", "n", "category", "role", "types",
                     "display")


def _words(text):
    """The jieba words of a text as a field of word tokens, each as often as it occurs; and the set of words."""
    counts = word_counts(text, subwords=True)
    return " ".join(" ".join([word_token(w)] * freq) for w, (freq, _weight) in counts.items()), set(counts)


def prepare(notice):
    """What the shards hold of one Notice: its catalog entry, its JSON and its paragraphs' field values."""
    title, issuer = notice.title or "", notice.issuer or ""
    title_words, _ = _words(title)
    paragraphs = []
    for p in notice.paragraphs:
        if p.n >= 1 << N_BITS:
            raise ValueError(f"has more than {(1 << N_BITS) - 1} paragraphs")
        path = HEADING_SEPARATOR.join(p.headings)
        words, held = _words(p.text)
        heading_words, _ = _words(path)
        roles = list(p.roles or ([p.role] if p.role else []))  # the primary role first, as the embedded arrays
        paragraphs.append((p.n, indexed(p.text), indexed(path), words, heading_words, p.category or "",
                           roles, list(p.problem_types),
                           json.dumps([p.text, p.headings, p.problem_types], ensure_ascii=False), sorted(held)))
    return {"id": notice.id, "json": packed(notice.to_dict()), "entry": catalog.entry(notice), "ocr": notice.ocr,
            "title": indexed(title), "issuer": indexed(issuer), "title_words": title_words, "paragraphs": paragraphs}


def _parse_job(job, data_dir):
    notice, reason = writers.parse(job, data_dir)
    if notice is None:
        return job.source, None, reason
    try:
        return job.source, prepare(notice), None
    except ValueError as exc:
        return job.source, None, str(exc)


def _prepare_dict(data):
    return None, prepare(Notice.from_dict(data)), None


def _in_workers(function, items, extra, procs):
    """function(item, *extra) for each item, in order, in worker processes when there are enough items."""
    procs = max(1, min(procs or writers.available_cpus(), len(items) // writers.FILES_PER_WORKER))
    if procs == 1:
        yield from (function(item, *extra) for item in items)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(procs, mp_context=context, initializer=writers._exit_with,
                             initargs=(os.getpid(),)) as pool:
        yield from pool.map(function, items, *[[e] * len(items) for e in extra], chunksize=4)


class _Writer:
    """Rows for the nodes' tables of one slot, written in batches by a thread per node."""

    def __init__(self, cluster, slot):
        self.cluster, self.slot = cluster, slot
        self.buffers = [[] for _ in range(len(cluster))]
        self.queues = [queue.Queue(QUEUED) for _ in range(len(cluster))]
        self.failures = []
        self.threads = [threading.Thread(target=self._run, args=(shard,), daemon=True, name=f"load shard {shard}")
                        for shard in range(len(cluster))]
        for thread in self.threads:
            thread.start()

    def _run(self, shard):
        while True:
            item = self.queues[shard].get()
            if item is None:
                return
            if self.failures:
                continue
            sql, args = item
            try:
                self.cluster.execute(shard, sql, args)
            except NodeUnavailable as exc:
                self.failures.append(exc)
            except Exception as exc:  # reported by the loader's thread, which stops the load
                self.failures.append(BuildError(f"Node {self.cluster.nodes[shard]} refused rows of the new version "
                                                f"({exc}); the live version was left as it was."))

    def put(self, shard, sql, args):
        if self.failures:
            raise self.failures[0]
        self.queues[shard].put((sql, args))

    def close(self):
        for q in self.queues:
            q.put(None)
        for thread in self.threads:
            thread.join()
        if self.failures:
            raise self.failures[0]


def _insert(table, columns, rows, literal=()):
    """One INSERT of `rows`; the columns named in `literal` hold SQL literals (MVA lists), not parameters."""
    shapes = ", ".join("%s" if c not in literal else "{}" for c in columns)
    values, args = [], []
    for row in rows:
        lits = [v for c, v in zip(columns, row) if c in literal]
        values.append("(" + shapes.format(*lits) + ")")
        args += [v for c, v in zip(columns, row) if c not in literal]
    return f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join(values)}", args


class _Load:
    """One load of a new version: codes, counts and rows of every notice, sent to the nodes."""

    def __init__(self, cluster, slot):
        self.cluster, self.slot = cluster, slot
        self.codes = {"category": {}, "role": {}, "problem_type": {}}
        self.rows = [[] for _ in range(len(cluster))]
        self.notice_rows = [[] for _ in range(len(cluster))]
        self.paragraphs = [0] * len(cluster)
        self.notices = [0] * len(cluster)
        self.words = [Counter() for _ in range(len(cluster))]
        self.keys = {}
        self.writer = _Writer(cluster, slot)

    def code(self, facet, value):
        if not value:
            return 0
        table = self.codes[facet]
        return table.setdefault(value, len(table) + 1)

    def add(self, prepared):
        notice_id = prepared["id"]
        key = notice_key(notice_id)
        if key in self.keys and self.keys[key] != notice_id:
            raise BuildError(f"Notices {self.keys[key]} and {notice_id} share the first 47 bits of their ids, which "
                             "this backend uses as keys; nothing was switched. Please report this.")
        self.keys[key] = notice_id
        shard = shard_of(notice_id, len(self.cluster))
        for n, text, headings, words, heading_words, category, roles, types, display, held in prepared["paragraphs"]:
            codes = "(" + ",".join(str(self.code("problem_type", t)) for t in types) + ")"
            # A paragraph's roles are one code for their combination, in their order (an MVA would sort them and
            # lose which is primary); its label is the combination as a JSON list (`layout.role_label`).
            role = self.code("role", layout.role_label(roles)) if roles else 0
            self.rows[shard].append((row_id(notice_id, n), text, headings, prepared["title"], prepared["issuer"],
                                     words, heading_words, prepared["title_words"], key, n,
                                     self.code("category", category), role, codes, display))
            self.words[shard].update(held)
        self.paragraphs[shard] += len(prepared["paragraphs"])
        self.notices[shard] += 1
        self.notice_rows[shard].append((key, "", json.dumps(prepared["entry"], ensure_ascii=False), prepared["json"]))
        self.flush(shard, BATCH)

    def flush(self, shard, at_least=1):
        if len(self.rows[shard]) >= at_least:
            self.writer.put(shard, *_insert(layout.paragraphs(self.slot), PARAGRAPH_COLUMNS, self.rows[shard],
                                            literal=("types",)))
            self.rows[shard] = []
        if len(self.notice_rows[shard]) >= max(1, at_least // 8):
            self.writer.put(shard, *_insert(layout.notices(self.slot), ("id", "title", "entry", "notice"),
                                            self.notice_rows[shard]))
            self.notice_rows[shard] = []

    def finish(self):
        for shard in range(len(self.cluster)):
            self.flush(shard)
            words = sorted(self.words[shard].items())
            for start in range(0, len(words), BATCH * 4):
                chunk = [(i + 1, "", w, c) for i, (w, c) in enumerate(words[start:start + BATCH * 4], start)]
                self.writer.put(shard, *_insert(layout.words(self.slot), ("id", "word", "value", "paragraphs"), chunk))
            values = [(i, "", facet, code, value) for i, (facet, value, code) in
                      enumerate(((f, v, c) for f, table in self.codes.items() for v, c in table.items()), 1)]
            if values:
                self.writer.put(shard, *_insert(layout.facet_values(self.slot),
                                                ("id", "value", "kind", "code", "label"), values))
        self.writer.close()


def _count(cluster, shard, table):
    cluster.rows(shard, f"SELECT id FROM {table} LIMIT 1")
    return int(cluster.meta(shard).get("total_found", 0))


def _live_notices(cluster, version):
    """{notice id: source} of the live version, from every shard."""
    found = {}
    for shard in range(len(cluster)):
        last = 0
        while True:
            rows = cluster.rows(shard, f"SELECT id, entry FROM {layout.notices(version.slot)} WHERE id > %s "
                                       f"ORDER BY id ASC LIMIT {READ_BATCH * 10} OPTION max_matches={READ_BATCH * 10}",
                                (last,))
            for key, entry in rows:
                entry = json.loads(entry)
                found[entry["id"]] = entry["source"]
            if len(rows) < READ_BATCH * 10:
                break
            last = rows[-1][0]
    return found


def _live_json(cluster, version, ids):
    """The parser's dicts of live notices, read from their shards in batches, with their source as given."""
    by_shard = {}
    for notice_id, source in ids.items():
        by_shard.setdefault(shard_of(notice_id, len(cluster)), []).append((notice_id, source))
    for shard, wanted in by_shard.items():
        for start in range(0, len(wanted), READ_BATCH):
            chunk = dict(wanted[start:start + READ_BATCH])
            keys = ", ".join(str(notice_key(i)) for i in chunk)
            rows = cluster.rows(shard, f"SELECT notice FROM {layout.notices(version.slot)} WHERE id IN ({keys}) "
                                       f"LIMIT {READ_BATCH} OPTION max_matches={READ_BATCH}")
            for (text,) in rows:
                data = unpacked(text)
                data["source"] = chunk[data["id"]]
                yield data


def rebuild(data_dir, nodes, progress=None, procs=None):
    """Parse every notice of `data_dir` into a new version on the cluster's nodes and switch to it."""
    return _load("rebuild", data_dir, nodes, progress, procs, incremental=False)


def update(data_dir, nodes, progress=None, procs=None):
    """A new version from the live one: new and changed files parsed, the rest taken from the live version."""
    return _load("update", data_dir, nodes, progress, procs, incremental=True)


def _load(action, data_dir, nodes, progress, procs, incremental):
    started = time.monotonic()
    progress = progress or Progress()
    summary = Summary(action)
    config.check()
    data_dir = Path(data_dir)
    cluster = Cluster(nodes)
    found = versions.states(cluster)
    current = versions.live(found, len(cluster))
    files = datafiles.data_files(data_dir)
    if not files:
        raise BuildError(f"No notice files ({datafiles.NAMED}) in {data_dir}; "
                         "nothing was loaded; give the right folder with --data or NOTICE_SEARCH_DATA.")
    jobs = datafiles.scan(files, summary, [])
    kept = {}
    unreadable = {}  # sha256 -> why the parser could not read it, kept in the version for the next update
    if incremental and current is None:
        summary.notes.append("there was no complete version on the nodes: loaded everything")
        summary.action = "rebuild"
    elif incremental and (current.info.get("version") != index_version()
                          or current.info.get("format") != layout.FORMAT):
        # The live parses are stale: the embedded index rebuilds everything in this case too (`build._cannot_update`).
        summary.notes.append("the parser, the tokenizer, the data files they use or the nodes' layout changed since "
                             "the live version was loaded: loaded everything")
        summary.action = "rebuild"
    elif incremental:
        live_ids = _live_notices(cluster, current)
        failed = current.info.get("skipped", {})  # files the live version's load could not read, by hash
        unreadable.update((job.sha256, failed[job.sha256]) for job in jobs if job.sha256 in failed)
        summary.skipped += [(job.source, failed[job.sha256]) for job in jobs if job.sha256 in failed]
        jobs = [job for job in jobs if job.sha256 not in failed]
        kept = {job.sha256[:16]: job.source for job in jobs if job.sha256[:16] in live_ids}
        summary.files.update(added=sum(1 for j in jobs if j.source not in live_ids.values()),
                             changed=sum(1 for j in jobs if j.source in live_ids.values()
                                         and j.sha256[:16] not in live_ids),
                             removed=len(set(live_ids.values()) - {f.source for f in files}))
        jobs = [job for job in jobs if job.sha256[:16] not in kept]
        if not jobs and kept == live_ids:
            summary.notices, summary.paragraphs = len(kept), current.total_paragraphs
            summary.seconds = time.monotonic() - started
            return summary
    slot = "b" if current is not None and current.slot == "a" else "a"
    generation = 1 + max((row["generation"] for rows in found.values() for row in rows), default=0)
    token = secrets.token_hex(8)
    for shard in range(len(cluster)):
        versions.mark_loading(cluster, shard, slot, generation, token)
        for table in layout.local_tables(slot):
            cluster.execute(shard, f"TRUNCATE RTINDEX {table}")
    load = _Load(cluster, slot)
    progress.start("loading", len(jobs) + len(kept))
    try:
        sha = {job.source: job.sha256 for job in jobs}
        for source, prepared, reason in _in_workers(_parse_job, jobs, (data_dir,), procs):
            if prepared is None:
                summary.skipped.append((source, reason))
                unreadable[sha[source]] = reason
            else:
                load.add(prepared)
                if prepared["ocr"]:
                    summary.ocr.append(source)
            progress.advance()
        if kept:
            for _, prepared, _ in _in_workers(_prepare_dict, list(_live_json(cluster, current, kept)), (), procs):
                load.add(prepared)
                progress.advance()
        load.finish()
    finally:
        progress.finish()
    if not sum(load.notices):
        raise BuildError(f"None of the {len(files)} files in {data_dir} could be read as a notice (reasons below); "
                         "nothing was switched.")
    progress.log("verifying the new version")
    for shard in range(len(cluster)):
        cluster.execute(shard, f"FLUSH RTINDEX {layout.paragraphs(slot)}")
        got = (_count(cluster, shard, layout.paragraphs(slot)), _count(cluster, shard, layout.notices(slot)))
        if got != (load.paragraphs[shard], load.notices[shard]):
            raise BuildError(f"Node {cluster.nodes[shard]} holds {got[0]} paragraphs and {got[1]} notices of the new "
                             f"version instead of {load.paragraphs[shard]} and {load.notices[shard]}; the live version "
                             "was left as it was. Run the load again.")
    if not versions.still_ours(cluster, slot, token):
        raise BuildError("Another load of the same nodes started meanwhile; this one stopped without switching, "
                         "and the live version was left as it was.")
    info = {"created": time.strftime("%Y-%m-%dT%H:%M:%S"), "version": index_version(), "format": layout.FORMAT,
            "skipped": unreadable, "fingerprint": datafiles.fingerprint(files),
            "generated": datafiles.generated(data_dir)}  # generated demo notices: every page says so
    for shard in range(len(cluster)):
        versions.mark_complete(cluster, shard, slot, generation, token, load.paragraphs[shard], load.notices[shard],
                               info)
    summary.notices, summary.paragraphs = sum(load.notices), sum(load.paragraphs)
    summary.generation = f"version {generation} (slot {slot}) on {len(cluster)} nodes"
    summary.seconds = time.monotonic() - started
    cluster.close()
    return summary


def is_stale(data_dir, nodes):
    """True when the nodes hold no live version, or one loaded from other files or by other code."""
    try:
        version = versions.require_live(Cluster(nodes))
    except NodeUnavailable:
        raise
    except IndexUnavailable:  # no version is live yet
        return True
    stamp = datafiles.fingerprint(datafiles.data_files(data_dir))
    return (version.info.get("fingerprint") != stamp or version.info.get("version") != index_version()
            or version.info.get("format") != layout.FORMAT)
