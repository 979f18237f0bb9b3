"""Indexing: rebuild, update and check, each leaving the live index serving until a verified new one replaces it.

`rebuild` parses every notice file into a new generation (see `indexer.store`),
verifies it, marks it and switches to it. `update` makes a new generation from
the live one instead: it hard-links the live Whoosh files, deletes the notices
whose files changed or went away, adds the new ones and reuses the stored parse
of every unchanged file (known by its content hash), so changing one notice of
thousands takes about a second. `check` parses everything and indexes nothing.

A file that cannot be read as a notice is reported and skipped; the same content
under two names is indexed once and reported. Whatever fails, the live index is
left as it was.
"""

import hashlib
import json
import os
import shutil
import stat
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.reading import SegmentReader

from . import analysis, arrays, catalog, settings, store, writers
from .notice import Notice
from .progress import Progress
from .schema import LeanCodec, make_schema, paragraph_documents
from .writers import Job

#: `update` rebuilds everything instead when more than this share of the files changed.
UPDATE_SHARE = 0.25
#: Segments with fewer documents than this are "small": updates add one each.
SMALL_SEGMENT = 5000
#: Once an update would leave this many small segments, it merges them into its own.
MAX_SMALL_SEGMENTS = 8


class BuildError(Exception):
    """The new index could not be built; the live index is untouched."""


@dataclass
class Summary:
    """What a rebuild, update or check did, for the closing report and the exit status."""

    action: str = "rebuild"
    notices: int = 0
    paragraphs: int = 0
    skipped: list = field(default_factory=list)  # [(source, reason)]: files not in the index
    warnings: list = field(default_factory=list)  # [(source, sentence)]: indexed, but worth a look
    files: Counter = field(default_factory=Counter)  # update: added, changed, removed, unchanged files
    notes: list = field(default_factory=list)  # sentences about how the work was done
    generation: str = ""  # the generation made live; "" when none was
    seconds: float = 0.0

    def lines(self):
        totals = f"{self.notices} notices, {self.paragraphs} paragraphs"
        yield from self.notes
        if self.action == "check":
            yield f"checked: {totals} would be indexed ({self.seconds:.1f} s)"
        elif self.action == "update" and not self.generation:
            yield f"already up to date: {totals} ({self.seconds:.1f} s)"
        elif self.action == "update":
            changes = ", ".join(f"{self.files[k]} {k}" for k in ("added", "changed", "removed") if self.files[k])
            yield f"updated ({changes}); {self.generation} is live: {totals} in {self.seconds:.1f} s"
        else:
            yield f"rebuilt; {self.generation} is live: {totals} in {self.seconds:.1f} s"
        for source, reason in sorted(self.skipped):
            yield f"skipped {source}: {reason}"
        for source, sentence in sorted(self.warnings):
            yield f"warning {source}: {sentence}"


@dataclass(frozen=True)
class DataFile:
    """A notice file as the walk of the data folder found it."""

    path: str
    source: str  # relative to the data folder, "/"-separated
    size: int
    mtime_ns: int


def data_files(data_dir):
    """Every *.txt file under the data folder, hidden files and folders left out, sorted by source.

    One os.scandir walk (an update of thousands of files must not spend its
    second in pathlib); folders linked twice are read once.
    """
    if not os.path.isdir(data_dir):
        raise BuildError(f"Data folder {data_dir} does not exist or is not a folder; "
                         "give another with --data or NOTICE_SEARCH_DATA.")
    found, seen, folders = [], set(), [(str(data_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    try:
                        is_dir = entry.is_dir()
                    except OSError:  # a link loop or a link to nowhere: not a folder to walk
                        is_dir = False
                    if is_dir:
                        folders.append((entry.path, prefix + entry.name + "/"))
                    elif entry.name.lower().endswith(".txt"):
                        # Anything named *.txt is handed to the parser, which names the file
                        # and the reason when it cannot be read (a loop, a pipe, a dead link).
                        try:
                            info = entry.stat()
                            size, mtime = info.st_size, info.st_mtime_ns
                        except OSError:
                            size, mtime = -1, 0
                        found.append(DataFile(entry.path, prefix + entry.name, size, mtime))
        except OSError as exc:
            raise BuildError(f"Cannot read the folder {folder} ({exc.strerror}); fix its permissions "
                             "or move it out of the data folder.") from None
    return sorted(found, key=lambda f: f.source)


def fingerprint(data_dir):
    """A digest of the data folder's file names, sizes and times.

    Cheap enough to compute on every `./dev run`: it reads no file contents.
    """
    return _fingerprint(data_files(data_dir))


def _fingerprint(files):
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.source}\0{f.size}\0{f.mtime_ns}\n".encode())
    return digest.hexdigest()


def index_version():
    """A digest of everything besides the notices that decides what the index holds.

    The index format, the code that parses, tokenises and lays out documents,
    and the files people edit in data/ (user dictionary, taxonomy, …). When it
    differs from the live index's, `update` cannot reuse stored parses and
    rebuilds, and `rebuild --if-stale` rebuilds.
    """
    package = Path(__file__).resolve().parent
    paths = [package / "notice.py", package / "analysis.py", package / "schema.py", package / "arrays.py",
             *sorted((package / "parsing").rglob("*.py")),
             *sorted(p for p in (settings.PROJECT_ROOT / "data").glob("*") if p.is_file() and p.suffix != ".md"),
             settings.get("USER_DICT"), settings.get("TAXONOMY")]
    digest = hashlib.sha256(f"format {store.FORMAT}\n".encode())
    for path in dict.fromkeys(paths):
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            digest.update(path.name.encode() + b"\0missing\0")
    return digest.hexdigest()


def is_stale(data_dir, index_dir):
    """True when there is no usable index, or it was built from other files or by other code."""
    try:
        _gen, marker = store.open_generation(index_dir)
    except store.IndexUnavailable:
        return True
    return marker.get("fingerprint") != fingerprint(data_dir) or marker.get("version") != index_version()


def scan(files, summary, entries, known=None):
    """A Job for each distinct notice file; unreadable files and duplicates go to `summary` and `entries`.

    A file whose size and time are those `known` (source -> files.jsonl entry
    of the live generation) keeps its recorded hash instead of being read again.
    """
    known = known or {}
    jobs, first = [], {}
    for f in files:
        old = known.get(f.source)
        if old and old["sha256"] and (old["size"], old["mtime_ns"]) == (f.size, f.mtime_ns):
            sha = old["sha256"]
        else:
            try:
                # Opening a named pipe would wait for a writer for ever: look before reading.
                if stat.S_ISREG(os.stat(f.path).st_mode):
                    with open(f.path, "rb") as data:
                        sha = hashlib.file_digest(data, "sha256").hexdigest()
                else:
                    sha, reason = None, "is not a regular file (perhaps a named pipe or a device)"
            except OSError as exc:
                sha, reason = None, f"cannot be read ({exc.strerror})"
            if sha is None:
                summary.skipped.append((f.source, reason))
                entries.append(_entry(f, None, skipped=reason))
                continue
        if sha in first:
            reason = f"same content as {first[sha]}, which is indexed instead"
            summary.skipped.append((f.source, reason))
            entries.append(_entry(f, sha, skipped=reason, duplicate_of=first[sha]))
            continue
        first[sha] = f.source
        jobs.append(Job(f.path, f.source, sha))
    return jobs


def _entry(file, sha, notice=None, paragraphs=0, skipped=None, duplicate_of=None):
    """One line of files.jsonl: a data file, its hash and what became of it."""
    return {"source": file.source, "size": file.size, "mtime_ns": file.mtime_ns, "sha256": sha,
            "notice": notice, "paragraphs": paragraphs, "skipped": skipped, "duplicate_of": duplicate_of}


def _content(entries):
    """The entries without file sizes and times: what the index depends on."""
    return sorted((e["source"], e["sha256"], e["notice"], e["paragraphs"], e["skipped"]) for e in entries)


def _read_entries(gen):
    with open(Path(gen) / store.FILES, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def _write_entries(path, entries):
    _write_lines(path, (json.dumps(e, ensure_ascii=False) for e in sorted(entries, key=lambda e: e["source"])))


def _locked(action, data_dir, index_dir, progress, wait, work):
    """Run `work(summary, data_dir, index_dir, progress)` holding the index folder's lock."""
    started = time.monotonic()
    data_dir, index_dir = Path(data_dir), Path(index_dir)
    progress = progress or Progress()
    summary = Summary(action)
    try:
        analysis.user_words(settings.get("USER_DICT"))
    except analysis.UserDictError as exc:
        raise BuildError(str(exc)) from None
    store.claim_root(index_dir)
    with store.lock(index_dir, wait=wait, on_wait=progress.log):
        store.remove_stale(index_dir)
        work(summary, data_dir, index_dir, progress)
        store.remove_stale(index_dir)
    summary.seconds = time.monotonic() - started
    return summary


def rebuild(data_dir, index_dir, progress=None, procs=None, wait=False):
    """Build a complete new index generation from `data_dir` and make it live."""
    return _locked("rebuild", data_dir, index_dir, progress, wait,
                   lambda summary, data, index, prog: _rebuild(summary, data, index, prog, procs))


def _rebuild(summary, data_dir, index_dir, progress, procs):
    files = data_files(data_dir)
    if not files:
        raise BuildError(f"No notice files (*.txt) in {data_dir}; nothing was indexed. "
                         "Give the right folder with --data or NOTICE_SEARCH_DATA.")
    entries = []
    jobs = scan(files, summary, entries)
    by_source = {f.source: f for f in files}
    sha = {job.source: job.sha256 for job in jobs}
    expected = {}
    building = store.new_building_folder(index_dir)
    try:
        whoosh_dir = building / store.WHOOSH
        whoosh_dir.mkdir()
        whoosh_index.create_in(str(whoosh_dir), make_schema())
        notices = catalog.NoticeLines(building / store.NOTICES)
        try:
            def collect(message):
                if message[0] == "notice":
                    _, source, notice_id, count, line, meta = message
                    notices.add(line, meta)
                    expected[notice_id] = count
                    entries.append(_entry(by_source[source], sha[source], notice_id, count))
                else:
                    _, source, reason = message
                    summary.skipped.append((source, reason))
                    entries.append(_entry(by_source[source], sha[source], skipped=reason))
                progress.advance()
                if len(entries) == len(files):
                    progress.finish()
                    progress.log("all files parsed; writing the index")

            progress.start("indexing", len(jobs))
            try:
                writers.index_files(whoosh_dir, data_dir, jobs, collect, procs)
            except writers.WorkerFailed as exc:
                raise BuildError(str(exc)) from None
            finally:
                progress.finish()
        finally:
            notices.close(building / catalog.CATALOG)
        if not expected:
            raise BuildError(f"None of the {len(files)} files in {data_dir} could be read as a notice "
                             "(reasons below); nothing was indexed.")
        progress.log("verifying the new index")
        _verify(whoosh_dir, sum(expected.values()), expected, every_notice=True)
        _finish(summary, index_dir, building, entries, expected, _fingerprint(files))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def write_generation(folder, notices, summary, **marker_info):
    """Write a complete, verified and marked generation into `folder` from notices already parsed.

    For tests and tools that make their notices themselves; `rebuild` parses
    files in worker processes instead. Switch to the folder with `store.switch_to`.
    """
    folder = Path(folder)
    whoosh_dir = folder / store.WHOOSH
    whoosh_dir.mkdir()
    ix = whoosh_index.create_in(str(whoosh_dir), make_schema())
    writer = ix.writer(codec=LeanCodec(), limitmb=writers.LIMITMB)
    expected, records = {}, {}
    for notice in notices:
        expected[notice.id] = 0
        for document in paragraph_documents(notice):
            writer.add_document(**document)
            expected[notice.id] += 1
        records.update(_records(notice))
    writer.commit()
    _write_new_arrays(folder, None, records)
    lines = catalog.NoticeLines(folder / store.NOTICES)
    for notice in notices:
        lines.add(json.dumps(notice.to_dict(), ensure_ascii=False), catalog.entry(notice))
    lines.close(folder / catalog.CATALOG)
    _write_entries(folder / store.FILES, [_entry(DataFile("", n.source, 0, 0), None, n.id, expected[n.id])
                                         for n in notices])
    _verify(whoosh_dir, sum(expected.values()), expected, every_notice=True)
    summary.notices, summary.paragraphs = len(expected), sum(expected.values())
    store.write_marker(folder, notices=summary.notices, paragraphs=summary.paragraphs, **marker_info)


def _records(notice):
    return {arrays.doc_key(notice.id, p.n): arrays.record(notice, p) for p in notice.paragraphs}


def _write_new_arrays(gen, previous, records):
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
            arrays.link_or_copy(old, folder)
        else:
            writers.write_arrays(Path(gen) / store.WHOOSH, ix, segment, records)


def _finish(summary, index_dir, building, entries, expected, stamp, previous=None):
    """Write the file list and the marker into a verified `building` folder and switch to it."""
    _write_entries(building / store.FILES, entries)
    summary.notices, summary.paragraphs = len(expected), sum(expected.values())
    store.write_marker(building, previous=previous, notices=summary.notices, paragraphs=summary.paragraphs,
                       fingerprint=stamp, version=index_version())
    summary.generation = store.switch_to(index_dir, building).name


def _write_lines(path, lines):
    with open(path, "w", encoding="utf-8") as out:
        for line in lines:
            out.write(line + "\n")


def _verify(whoosh_dir, total, counts, every_notice=False):
    """Check the new index holds `total` documents and each notice in `counts` that many paragraphs.

    With `every_notice`, `counts` must list every notice in the index, and the
    check reads them all from the notice column; otherwise each listed notice
    is counted by a search (updates list only the notices they added or removed).
    """
    ix = whoosh_index.open_dir(str(whoosh_dir))
    with ix.searcher() as searcher:
        problem = _arrays_problem(Path(whoosh_dir).parent, ix)
        if problem:
            pass
        elif searcher.doc_count() != total:
            problem = f"it holds {searcher.doc_count()} paragraphs instead of {total}"
        elif every_notice:
            found = Counter(key.split(b":")[0].decode() for key in searcher.reader().column_reader("doc_key"))
            wrong = next((i for i in counts.keys() | found.keys() if counts.get(i, 0) != found[i]), None)
            if wrong:
                problem = f"notice {wrong} has {found[wrong]} paragraphs instead of {counts.get(wrong, 0)}"
        else:
            for notice_id, count in counts.items():
                found = len(list(searcher.docs_for_query(wq.Term("notice", notice_id))))
                if found != count:
                    problem = f"notice {notice_id} has {found} paragraphs instead of {count}"
                    break
    if problem:
        raise BuildError(f"The new index failed verification ({problem}); it was discarded.")


def _arrays_problem(gen, ix):
    """Why the side-car arrays do not fit the Whoosh segments of `gen`, or None."""
    for segment in ix._segments():
        try:
            size = arrays.documents_in(arrays.segment_folder(gen, segment))
        except (arrays.ArraysError, OSError, ValueError) as exc:
            return f"the side-car arrays of segment {segment.segment_id()} cannot be read ({exc})"
        if size != segment.doc_count_all():
            return (f"the side-car arrays of segment {segment.segment_id()} hold {size} paragraphs "
                    f"instead of {segment.doc_count_all()}")
    return None


def update(data_dir, index_dir, progress=None, procs=None, wait=False):
    """Bring the live index up to date with `data_dir`, touching only the files that changed."""
    return _locked("update", data_dir, index_dir, progress, wait,
                   lambda summary, data, index, prog: _update(summary, data, index, prog, procs))


def _update(summary, data_dir, index_dir, progress, procs):
    reason = _cannot_update(index_dir)
    if reason:
        summary.notes.append(f"{reason}: rebuilt everything")
        summary.action = "rebuild"
        return _rebuild(summary, data_dir, index_dir, progress, procs)
    live, marker = store.open_generation(index_dir)
    old_entries = _read_entries(live)
    files = data_files(data_dir)
    if not files:
        raise BuildError(f"No notice files (*.txt) in {data_dir}; the live index was left as it was. "
                         "Give the right folder with --data or NOTICE_SEARCH_DATA.")
    entries = []
    jobs = scan(files, summary, entries, known={e["source"]: e for e in old_entries})
    old_sha = {e["source"]: e["sha256"] for e in old_entries}
    summary.files.update("unchanged" if old_sha.get(job.source) == job.sha256 else
                         "changed" if job.source in old_sha else "added" for job in jobs)
    summary.files["removed"] = len(old_sha.keys() - {f.source for f in files})
    parsed = {e["sha256"]: e for e in old_entries if e["sha256"] and not e["duplicate_of"]}
    fresh = [job for job in jobs if job.sha256 not in parsed]
    if len(fresh) > max(writers.FILES_PER_WORKER, UPDATE_SHARE * len(jobs)):
        summary.notes.append(f"{len(fresh)} of {len(jobs)} files are new or changed: rebuilt everything")
        summary.action, summary.skipped, summary.files = "rebuild", [], Counter()
        return _rebuild(summary, data_dir, index_dir, progress, procs)

    by_source = {f.source: f for f in files}
    kept = {}  # notice id -> source, for the notices whose stored parse is reused
    for job in jobs:
        old = parsed.get(job.sha256)
        if old and old["notice"]:
            kept[old["notice"]] = job.source
            entries.append(_entry(by_source[job.source], job.sha256, old["notice"], old["paragraphs"]))
        elif old:
            summary.skipped.append((job.source, old["skipped"]))
            entries.append(_entry(by_source[job.source], job.sha256, skipped=old["skipped"]))
    added = {}  # notice id -> Notice
    if fresh:
        progress.start("parsing new and changed files", len(fresh))
    for job in fresh:
        notice, reason = writers.parse(job, data_dir)
        if notice is None:
            summary.skipped.append((job.source, reason))
            entries.append(_entry(by_source[job.source], job.sha256, skipped=reason))
        else:
            added[notice.id] = notice
            entries.append(_entry(by_source[job.source], job.sha256, notice.id, len(notice.paragraphs)))
        progress.advance()
    progress.finish()
    expected = {e["notice"]: e["paragraphs"] for e in entries if e["notice"]}
    if not expected:
        raise BuildError(f"None of the files in {data_dir} could be read as a notice (reasons below); "
                         "the live index was left as it was.")
    summary.notices, summary.paragraphs = len(expected), sum(expected.values())
    stamp = _fingerprint(files)
    if _content(entries) == _content(old_entries):
        if marker.get("fingerprint") != stamp:
            # Only sizes and times changed (files touched, or copied back): record them,
            # so the next update need not hash those files again and `rebuild --if-stale`
            # does not rebuild. Metadata only; the index itself is not touched.
            _write_entries(live / store.FILES, entries)
            store.write_marker(live, **{**marker, "fingerprint": stamp})
        return

    old_sources = {e["notice"]: e["source"] for e in old_entries if e["notice"]}
    removed = old_sources.keys() - kept.keys() - added.keys()
    moved = {i: source for i, source in kept.items() if old_sources[i] != source}
    building = store.new_building_folder(index_dir)
    try:
        whoosh_dir = store.link_whoosh(live, building)
        if added or removed:
            _apply(whoosh_dir, removed, added.values())
        _rewrite_notices(live, building, removed, moved, added.values())
        try:
            _write_new_arrays(building, live, _LazyRecords(building, added))
        except arrays.ArraysError as exc:
            raise BuildError(f"The side-car arrays of the updated index could not be written ({exc}); "
                             "the live index was left as it was. Run `notice-index rebuild`.") from None
        progress.log("verifying the new index")
        _verify(whoosh_dir, sum(expected.values()),
                {**{i: 0 for i in removed}, **{i: len(n.paragraphs) for i, n in added.items()}})
        _finish(summary, index_dir, building, entries, expected, stamp, previous=live)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _cannot_update(index_dir):
    """Why the live index cannot be updated in place of a rebuild, or None."""
    try:
        _gen, marker = store.open_generation(index_dir)
    except store.IndexUnavailable:
        return "there was no usable index"
    if marker.get("version") != index_version():
        return "the parser, the tokenizer or the data files they use changed since the last rebuild"
    return None


def _apply(whoosh_dir, removed, notices):
    """Delete the removed notices and add the new ones, in one Whoosh commit."""
    ix = whoosh_index.open_dir(str(whoosh_dir))
    writer = ix.writer(codec=LeanCodec(), limitmb=writers.LIMITMB)
    try:
        for notice_id in removed:
            writer.delete_by_term("notice", notice_id)
        for notice in notices:
            for document in paragraph_documents(notice):
                writer.add_document(**document)
    except BaseException:
        writer.cancel()
        raise
    writer.commit(mergetype=_merge_small_segments)


def _merge_small_segments(writer, segments):
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


class _LazyRecords:
    """Doc key -> arrays.record for an update's new segment: the added notices, else read from notices.jsonl.

    A new segment holds the added notices and, when small segments were merged
    into it, paragraphs of notices indexed before; those are read from the new
    generation's notices.jsonl only when asked for.
    """

    def __init__(self, gen, added):
        self.gen = Path(gen)
        self.records = {}
        for notice in added.values():
            self.records.update(_records(notice))
        self.places = None

    def __getitem__(self, key):
        if key not in self.records:
            if self.places is None:
                self.places = {e["id"]: e for e in catalog.read(self.gen / catalog.CATALOG)}
            place = self.places.get(key.rsplit(":", 1)[0])
            if place is None:
                raise KeyError(key)
            with open(self.gen / store.NOTICES, "rb") as lines:
                lines.seek(place["offset"])
                notice = Notice.from_dict(json.loads(lines.read(place["length"])))
            self.records.update(_records(notice))
        return self.records[key]


def _rewrite_notices(live, building, removed, moved, added):
    """Copy notices.jsonl and the catalog without the removed notices, with new sources for moved ones, plus the added."""
    old_entries = sorted(catalog.read(Path(live) / catalog.CATALOG), key=lambda e: e["offset"])
    lines = catalog.NoticeLines(Path(building) / store.NOTICES)
    with open(Path(live) / store.NOTICES, "rb") as old:
        unchanged = []
        for entry in old_entries:
            if entry["id"] in removed:
                continue
            if entry["id"] not in moved:
                unchanged.append(entry)
                continue
            lines.copy(old, unchanged)
            unchanged = []
            old.seek(entry["offset"])
            data = json.loads(old.read(entry["length"]))
            data["source"] = moved[entry["id"]]
            meta = {k: v for k, v in entry.items() if k not in ("offset", "length")}
            lines.add(json.dumps(data, ensure_ascii=False), {**meta, "source": data["source"]})
        lines.copy(old, unchanged)
    for notice in added:
        lines.add(json.dumps(notice.to_dict(), ensure_ascii=False), catalog.entry(notice))
    lines.close(Path(building) / catalog.CATALOG)


def check(data_dir, progress=None, procs=None):
    """Parse every notice file and report what a rebuild would skip; index nothing."""
    started = time.monotonic()
    progress = progress or Progress()
    summary = Summary("check")
    files = data_files(data_dir)
    if not files:
        raise BuildError(f"No notice files (*.txt) in {data_dir}; give the right folder with --data "
                         "or NOTICE_SEARCH_DATA.")
    jobs = scan(files, summary, [])
    progress.start("checking", len(jobs))
    for job, (paragraphs, reason) in zip(jobs, writers.parse_all(jobs, data_dir, procs)):
        if reason:
            summary.skipped.append((job.source, reason))
        else:
            summary.notices += 1
            summary.paragraphs += paragraphs
            if not paragraphs:
                summary.warnings.append((job.source, "has no paragraphs, so no search can find it"))
        progress.advance()
    progress.finish()
    summary.seconds = time.monotonic() - started
    return summary
