"""Filling a new Whoosh index from notice files, in this process or in several.

Parsing and cutting Chinese text with jieba are pure Python and take most of a
rebuild, so a large rebuild runs one worker process per CPU: each parses files
from a shared queue and indexes them into its own segment of the same Whoosh
index, and one commit then lists all the segments (what Whoosh's own MpWriter
does with multisegment=True, with the parsing moved into the workers too).

Workers are started with "spawn", so they inherit no open file of the rebuild,
in particular not its flock on the index folder, and each exits by itself when
the rebuild that started it dies: a killed rebuild leaves neither a stuck lock
nor stray processes. A spawned worker loads jieba and the user dictionary
itself, through the same settings as any other process.
"""

import gc
import multiprocessing
import os
import queue
import sys
import threading
import time
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.reading import SegmentReader
from whoosh.writing import SegmentWriter

from . import arrays, catalog, store
from .errors import ConfigError, NoticeError, WorkerFailed
from .parsing import parse_file
from .schema import LeanCodec, paragraph_documents

#: Below this many files per worker, starting one (about two seconds) costs more than it saves.
FILES_PER_WORKER = 60
#: Whoosh's in-memory posting pool per writer before it spills sorted runs to disk
#: (at 10,000 notices a smaller pool spilled and merged runs for a good part of the build).
LIMITMB = 4096
#: Paragraphs per segment a build writes (about 1,700 notices): measured at 10,000 notices, a worker
#: writing one segment of 5,000 notices peaked at 3.2 GB; memory grows with the segment, not the corpus.
SEGMENT_PARAGRAPHS = 80_000
#: Files between two garbage collections in a writer (see `fill`).
GC_EVERY = 50
#: Segments with fewer documents than this are "small": updates add one each.
SMALL_SEGMENT = 5000
#: Once an update would leave this many small segments, it merges them into its own.
MAX_SMALL_SEGMENTS = 8


@dataclass(frozen=True)
class Job:
    path: str
    source: str  # relative to the data folder, "/"-separated, as people read it
    sha256: str
    raw: str = None  # the name's bytes on disk in hex, when they are not UTF-8 (datafiles.DataFile.raw)


def available_cpus():
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def parse(job, data_dir):
    """(Notice, None) for a file that parses, (None, the reason) for one that does not."""
    try:
        notice = parse_file(job.path, root=data_dir)
    except NoticeError as exc:
        return None, exc.reason
    except ConfigError:
        raise
    except Exception as exc:  # a parser bug must cost one file, not the whole rebuild
        return None, f"the parser failed on it ({type(exc).__name__}: {exc}); please report this file"
    if notice.id != job.sha256[:16]:
        return None, (f"the parser gave it id {notice.id!r}, not the first 16 hex digits of its SHA-256; "
                      "please report this")
    if [p.n for p in notice.paragraphs] != list(range(1, len(notice.paragraphs) + 1)):
        return None, "the parser numbered its paragraphs out of order; please report this file"
    if job.raw:  # a name that is not UTF-8: recorded as read, found again by its bytes
        notice.source, notice.source_raw = job.source, job.raw
    return notice, None


def fill(whoosh_dir, data_dir, jobs, emit, limitmb=LIMITMB, segment_paragraphs=None):
    """Parse and index `jobs` into new segments of the index, with their side-car arrays; return them.

    A segment is closed once it holds `segment_paragraphs` paragraphs (default
    `SEGMENT_PARAGRAPHS`) and the next file starts another: a writer's memory
    (Whoosh's posting pool, the records, the arrays being sorted) grows with its
    segment, so bounded segments bound a build's peak memory at any corpus size.
    `emit` receives ("notice", source, id, paragraphs, its record (`catalog.pack`), catalog entry, read by OCR?)
    or ("skipped", source, reason) for each job, as soon as it is done. The
    segments are not committed: `commit` lists the segments of all writers at once.
    """
    limit = segment_paragraphs or SEGMENT_PARAGRAPHS
    ix = whoosh_index.open_dir(str(whoosh_dir))
    segments = []
    writer, written, records = None, 0, {}
    try:
        for count, job in enumerate(jobs, 1):
            if count % GC_EVERY == 0:
                # The posting pool holds millions of tuples, and every full garbage
                # collection would scan them all again: collect what the last files
                # left, then set everything alive aside until the segment is written.
                gc.collect()
                gc.freeze()
            notice, reason = parse(job, data_dir)
            if notice is None:
                emit(("skipped", job.source, reason))
                continue
            if writer is None:
                # _lk=False: several writers fill one index at once; the rebuild lock serialises rebuilds.
                writer, written, records = SegmentWriter(ix, _lk=False, limitmb=limitmb, codec=LeanCodec()), 0, {}
            for document in paragraph_documents(notice):
                writer.add_document(**document)
            records.update(arrays.records(notice))
            written += len(notice.paragraphs)
            emit(("notice", job.source, notice.id, len(notice.paragraphs),
                  catalog.pack(notice.to_dict()), catalog.entry(notice), notice.ocr))
            if written >= limit:
                gc.unfreeze()
                segments.append(_finish_segment(whoosh_dir, ix, writer, records))
                writer, records = None, None
                gc.collect()
    except BaseException:
        if writer is not None:
            writer.cancel()
        raise
    finally:
        gc.unfreeze()
    if writer is not None:
        segments.append(_finish_segment(whoosh_dir, ix, writer, records))
    return segments


def _finish_segment(whoosh_dir, ix, writer, records):
    """Write a filled writer's segment and its side-car arrays (what Whoosh's MpWriter does with its sub-writers')."""
    segment = writer._finalize_segment()
    write_arrays(whoosh_dir, ix, segment, records)
    return segment


def write_arrays(whoosh_dir, ix, segment, records):
    """Write the side-car arrays of a finished segment into the generation holding `whoosh_dir`."""
    reader = SegmentReader(ix.storage, ix.schema, segment)
    try:
        arrays.write(arrays.segment_folder(Path(whoosh_dir).parent, segment), reader, records)
    finally:
        reader.close()


def write_new_arrays(gen, previous, records):
    """Give every segment of `gen`'s Whoosh index its side-car arrays.

    Segments that `previous` (the live generation, for an update) already has
    arrays for are hard-linked: a segment never changes. The others are written
    from `records` (doc key -> arrays.record).
    """
    ix = whoosh_index.open_dir(str(Path(gen) / store.WHOOSH))
    for segment in ix._segments():
        folder = arrays.segment_folder(gen, segment)
        old = arrays.segment_folder(previous, segment) if previous else None
        if old is not None and (old / arrays.DONE).is_file():
            store.link_files(old, folder)
        else:
            write_arrays(Path(gen) / store.WHOOSH, ix, segment, records)


def apply_changes(whoosh_dir, removed, notices):
    """Delete the removed notices and add the new ones, in one Whoosh commit (an update)."""
    ix = whoosh_index.open_dir(str(whoosh_dir))
    writer = ix.writer(codec=LeanCodec(), limitmb=LIMITMB)
    try:
        for notice_id in removed:
            writer.delete_by_term("notice", notice_id)
        for notice in notices:
            for document in paragraph_documents(notice):
                writer.add_document(**document)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=merge_small_segments)


def merge_small_segments(writer, segments):
    """Whoosh merge policy for updates: leave big segments alone, merge small ones once they pile up.

    Each update adds one small segment; left alone they would slow every search
    down. Merging them (and dropping their deleted documents) costs little
    because they are small; the big segments of the last rebuild are never
    rewritten, so an update stays fast however large the index.
    """
    small = [s for s in segments if s.doc_count_all() - s.deleted_count() < SMALL_SEGMENT]
    if len(small) + 1 < MAX_SMALL_SEGMENTS:
        return list(segments)
    for segment in small:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in small]


def commit(whoosh_dir, segments):
    """Make the finished segments the content of the index, in one Whoosh commit."""
    ix = whoosh_index.open_dir(str(whoosh_dir))
    writer = ix.writer()
    writer.commit(mergetype=lambda _writer, existing: list(existing) + list(segments))


def index_files(whoosh_dir, data_dir, jobs, emit, procs=None):
    """Parse and index every job into the empty index at `whoosh_dir`, then commit it.

    Uses up to `procs` worker processes (default: one per CPU) when there are
    enough files to be worth it; `emit` is always called in this process.
    """
    procs = max(1, min(procs or available_cpus(), len(jobs) // FILES_PER_WORKER))
    if procs == 1:
        segments = fill(whoosh_dir, data_dir, jobs, emit, limitmb=2 * LIMITMB)
    else:
        segments = _in_workers(whoosh_dir, data_dir, jobs, emit, procs)
    commit(whoosh_dir, segments)


def parse_all(jobs, data_dir, procs=None):
    """(paragraphs, None, read by OCR?) or (0, reason, False) for each job, in order, parsing in worker processes
    when worth it."""
    procs = max(1, min(procs or available_cpus(), len(jobs) // FILES_PER_WORKER))
    if procs == 1:
        yield from (_parse_counted(job, data_dir) for job in jobs)
        return
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(procs, mp_context=context, initializer=_exit_with, initargs=(os.getpid(),)) as pool:
        yield from pool.map(_parse_counted, jobs, [data_dir] * len(jobs), chunksize=8)


def _parse_counted(job, data_dir):
    notice, reason = parse(job, data_dir)
    return (len(notice.paragraphs), None, notice.ocr) if notice else (0, reason, False)


def _in_workers(whoosh_dir, data_dir, jobs, emit, procs):
    context = multiprocessing.get_context("spawn")
    tasks, results = context.Queue(), context.Queue()
    for job in jobs:
        tasks.put(job)
    for _ in range(procs):
        tasks.put(None)
    workers = [context.Process(target=_worker, name=f"notice-index worker {i + 1}", daemon=True,
                               args=(str(whoosh_dir), str(data_dir), tasks, results, os.getpid()))
               for i in range(procs)]
    for worker in workers:
        worker.start()
    segments, finished = [], 0
    try:
        while finished < procs:
            try:
                message = results.get(timeout=1)
            except queue.Empty:
                for worker in workers:
                    if worker.exitcode not in (None, 0):
                        raise WorkerFailed(f"{worker.name} stopped unexpectedly (exit code {worker.exitcode}).")
                continue
            if message[0] == "segments":
                finished += 1
                segments.extend(message[1])
            elif message[0] == "failed":
                raise WorkerFailed(message[1])
            else:
                emit(message)
    finally:
        for worker in workers:
            if worker.is_alive():
                worker.terminate()
            worker.join()
    return segments


def _worker(whoosh_dir, data_dir, tasks, results, parent):
    _exit_with(parent)
    try:
        segments = fill(whoosh_dir, data_dir, iter(tasks.get, None), results.put)
    except BaseException as exc:
        traceback.print_exc(file=sys.stderr)
        results.put(("failed", f"{multiprocessing.current_process().name} failed: {type(exc).__name__}: {exc}"))
        return
    results.put(("segments", segments))


def _exit_with(parent):
    """End this process as soon as `parent` is gone, e.g. after kill -9 of the rebuild."""
    def watch():
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="parent watch", daemon=True).start()
