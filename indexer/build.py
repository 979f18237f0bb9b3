"""Indexing: rebuild, update and check, each leaving the live index serving until a verified new one replaces it.

`rebuild` parses every notice file into a new generation (see `indexer.store`),
verifies it, marks it and switches to it. `update` makes a new generation from
the live one instead: it hard-links the live Whoosh files, deletes the notices
whose files changed or went away, adds the new ones and reuses the stored parse
of every unchanged file (known by its content hash), so changing one notice of
thousands stays cheap. `check` parses everything and indexes nothing.

A file that cannot be read as a notice is reported and skipped; the same content
under two names is indexed once and reported. Whatever fails, the live index is
left as it was.
"""

import hashlib
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from . import arrays, catalog, config, datafiles, duplicates, settings, store, writers
from .errors import ArraysError, BuildError, IndexUnavailable
from .notice import Notice
from .progress import Progress
from .schema import make_schema
from .verify import verify

#: `update` rebuilds everything instead when more than this share of the files changed.
UPDATE_SHARE = 0.25


@dataclass
class Summary:
    """What a rebuild, update or check did, for the closing report and the exit status."""

    action: str = "rebuild"
    notices: int = 0
    paragraphs: int = 0
    skipped: list = field(default_factory=list)  # [(source, reason)]: files not in the index
    warnings: list = field(default_factory=list)  # [(source, sentence)]: indexed, but worth a look
    ocr: list = field(default_factory=list)  # sources read (wholly or partly) by OCR in this run
    files: Counter = field(default_factory=Counter)  # update: added, changed, removed, unchanged files
    notes: list = field(default_factory=list)  # sentences about how the work was done
    generation: str = ""  # the generation made live; "" when none was
    seconds: float = 0.0


def index_version():
    """A digest of everything besides the notices that decides what the index holds.

    The index format, the code that parses, tokenises and lays out documents,
    and the files people edit (user dictionary, taxonomy, …) that the settings
    name. When it differs from the live index's, `update` cannot reuse stored
    parses and rebuilds, and `rebuild --if-stale` rebuilds.
    """
    package = Path(__file__).resolve().parent
    paths = [package / "notice.py", package / "analysis.py", package / "schema.py", package / "arrays.py",
             package / "duplicates.py", catalog.PACKAGED_DICT,
             *sorted((package / "parsing").rglob("*.py")), *sorted((package / "readers").rglob("*.py")),
             *config.edited_files()]
    digest = hashlib.sha256(f"format {store.FORMAT}\nsimilarity {_similarity()}\n".encode())
    for path in dict.fromkeys(paths):
        try:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        except OSError:
            digest.update(path.name.encode() + b"\0missing\0")
    return digest.hexdigest()


def is_stale(data_dir, index_dir):
    """True when there is no usable index, it is damaged, or it was built from other files or by other code."""
    try:
        gen, marker = store.open_generation(index_dir)
        store.check_files(gen, marker)
    except IndexUnavailable:
        return True
    stamp = datafiles.fingerprint(datafiles.data_files(data_dir))
    return marker.get("fingerprint") != stamp or marker.get("version") != index_version()


def _locked(action, data_dir, index_dir, progress, wait, work):
    """Run `work(summary, data_dir, index_dir, progress)` holding the index folder's lock."""
    started = time.monotonic()
    data_dir, index_dir = Path(data_dir), Path(index_dir)
    progress = progress or Progress()
    summary = Summary(action)
    config.check()
    store.claim_root(index_dir)
    with store.lock(index_dir, wait=wait, on_wait=progress.log):
        store.remove_stale(index_dir)
        try:
            work(summary, data_dir, index_dir, progress)
        except OSError as exc:  # a full disk, a file too large, a folder that went away
            raise BuildError(f"Writing the index into {index_dir} failed ({exc.strerror or exc}"
                             f"{': ' + str(exc.filename) if exc.filename else ''}); the live index was left "
                             "as it was. Free some space or fix the folder, then run again.") from None
        store.remove_stale(index_dir)
    summary.seconds = time.monotonic() - started
    return summary


def _notice_files(data_dir, what_then):
    """The data folder's notice files; none at all is an error, which says `what_then`."""
    files = datafiles.data_files(data_dir)
    if not files:
        raise BuildError(f"No notice files ({datafiles.NAMED}) in {data_dir}; "
                         f"{what_then}give the right folder with --data or NOTICE_SEARCH_DATA.")
    return files


def rebuild(data_dir, index_dir, progress=None, procs=None, wait=False):
    """Build a complete new index generation from `data_dir` and make it live."""
    return _locked("rebuild", data_dir, index_dir, progress, wait,
                   lambda summary, data, index, prog: _rebuild(summary, data, index, prog, procs))


def _rebuild(summary, data_dir, index_dir, progress, procs):
    files = _notice_files(data_dir, "nothing was indexed; ")
    entries = []
    jobs = datafiles.scan(files, summary, entries)
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
                    _, source, notice_id, count, line, meta, ocr = message
                    notices.add(line, meta)
                    if ocr:
                        summary.ocr.append(source)
                    expected[notice_id] = count
                    entries.append(datafiles.entry(by_source[source], sha[source], notice_id, count))
                else:
                    _, source, reason = message
                    summary.skipped.append((source, reason))
                    entries.append(datafiles.entry(by_source[source], sha[source], skipped=reason))
                progress.advance()
                if len(entries) == len(files):
                    progress.finish()
                    progress.log("all files parsed; writing the index")

            progress.start("indexing", len(jobs))
            try:
                writers.index_files(whoosh_dir, data_dir, jobs, collect, procs)
            finally:
                progress.finish()
        finally:
            notices.close(building / catalog.CATALOG)
        if not expected:
            raise BuildError(f"None of the {len(files)} files in {data_dir} could be read as a notice "
                             "(reasons below); nothing was indexed.")
        _find_duplicates(building, progress)
        progress.log("verifying the new index")
        verify(whoosh_dir, sum(expected.values()), expected, every_notice=True)
        _finish(summary, index_dir, building, entries, expected, datafiles.fingerprint(files),
                generated=datafiles.generated(data_dir))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _similarity():
    return settings.get("DUPLICATE_SIMILARITY")


def _find_duplicates(building, progress, previous=None):
    """Find the near-duplicate paragraphs of a new generation whose segments and arrays are written."""
    progress.log("finding near-duplicate paragraphs")
    try:
        duplicates.write(building, _similarity(), previous=previous)
    except ArraysError as exc:
        raise BuildError(f"The near-duplicate paragraphs of the new index could not be found ({exc}); "
                         "the live index was left as it was. Run `notice-index rebuild`.") from None


def _finish(summary, index_dir, building, entries, expected, stamp, previous=None, generated=False):
    """Write the file list and the marker into a verified `building` folder and switch to it."""
    datafiles.write_entries(building / store.FILES, entries)
    summary.notices, summary.paragraphs = len(expected), sum(expected.values())
    store.write_marker(building, previous=previous, notices=summary.notices, paragraphs=summary.paragraphs,
                       fingerprint=stamp, version=index_version(), generated=generated)
    summary.generation = store.switch_to(index_dir, building).name


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
    old_entries = datafiles.read_entries(live / store.FILES)
    files = _notice_files(data_dir, "the live index was left as it was; ")
    entries = []
    jobs = datafiles.scan(files, summary, entries, known={e["source"]: e for e in old_entries})
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
            entries.append(datafiles.entry(by_source[job.source], job.sha256, old["notice"], old["paragraphs"]))
        elif old:
            summary.skipped.append((job.source, old["skipped"]))
            entries.append(datafiles.entry(by_source[job.source], job.sha256, skipped=old["skipped"]))
    added = _parse_fresh(fresh, data_dir, by_source, summary, entries, progress)
    expected = {e["notice"]: e["paragraphs"] for e in entries if e["notice"]}
    if not expected:
        raise BuildError(f"None of the files in {data_dir} could be read as a notice (reasons below); "
                         "the live index was left as it was.")
    summary.notices, summary.paragraphs = len(expected), sum(expected.values())
    stamp = datafiles.fingerprint(files)
    if datafiles.content(entries) == datafiles.content(old_entries):
        if marker.get("fingerprint") != stamp:
            # Only sizes and times changed (files touched, or copied back): record them,
            # so the next update need not hash those files again and `rebuild --if-stale`
            # does not rebuild. Metadata only; the index itself is not touched.
            datafiles.write_entries(live / store.FILES, entries)
            store.refresh_marker(live, marker, store.FILES, fingerprint=stamp)
        return
    old_sources = {e["notice"]: e["source"] for e in old_entries if e["notice"]}
    removed = old_sources.keys() - kept.keys() - added.keys()
    moved = {i: source for i, source in kept.items() if old_sources[i] != source}
    building = store.new_building_folder(index_dir)
    try:
        whoosh_dir = store.link_whoosh(live, building)
        if added or removed:
            writers.apply_changes(whoosh_dir, removed, added.values())
        catalog.rewrite(live, building, removed, moved, added.values())
        try:
            writers.write_new_arrays(building, live, _LazyRecords(building, added))
        except ArraysError as exc:
            raise BuildError(f"The side-car arrays of the updated index could not be written ({exc}); "
                             "the live index was left as it was. Run `notice-index rebuild`.") from None
        _find_duplicates(building, progress, previous=live)
        progress.log("verifying the new index")
        verify(whoosh_dir, sum(expected.values()),
               {**{i: 0 for i in removed}, **{i: len(n.paragraphs) for i, n in added.items()}})
        _finish(summary, index_dir, building, entries, expected, stamp, previous=live,
                generated=datafiles.generated(data_dir))
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise


def _parse_fresh(jobs, data_dir, by_source, summary, entries, progress):
    """Parse an update's new and changed files in this process: {notice id: Notice}."""
    added = {}
    if jobs:
        progress.start("parsing new and changed files", len(jobs))
    for job in jobs:
        notice, reason = writers.parse(job, data_dir)
        if notice is None:
            summary.skipped.append((job.source, reason))
            entries.append(datafiles.entry(by_source[job.source], job.sha256, skipped=reason))
        else:
            added[notice.id] = notice
            if notice.ocr:
                summary.ocr.append(job.source)
            entries.append(datafiles.entry(by_source[job.source], job.sha256, notice.id, len(notice.paragraphs)))
        progress.advance()
    progress.finish()
    return added


def _cannot_update(index_dir):
    """Why the live index cannot be updated in place of a rebuild, or None."""
    try:
        gen, marker = store.open_generation(index_dir)
    except IndexUnavailable:
        return "there was no usable index"
    try:
        # An update hard-links the live files: a damaged one would carry over.
        store.check_files(gen, marker)
    except IndexUnavailable as exc:
        return f"the live index is damaged ({exc})"
    if marker.get("version") != index_version():
        return "the parser, the tokenizer or the data files they use changed since the last rebuild"
    return None


class _LazyRecords:
    """Doc key -> arrays.record for an update's new segment: the added notices, else read from the notices file.

    A new segment holds the added notices and, when small segments were merged
    into it, paragraphs of notices indexed before; those are read from the new
    generation's notices file only when asked for.
    """

    def __init__(self, gen, added):
        self.gen = Path(gen)
        self.records = {}
        for notice in added.values():
            self.records.update(arrays.records(notice))
        self.places = None

    def __getitem__(self, key):
        if key not in self.records:
            if self.places is None:
                self.places = {e["id"]: e for e in catalog.read(self.gen / catalog.CATALOG)}
            place = self.places.get(key.rsplit(":", 1)[0])
            if place is None:
                raise KeyError(key)
            notice = Notice.from_dict(catalog.read_notice(self.gen, place))
            self.records.update(arrays.records(notice))
        return self.records[key]


def check(data_dir, progress=None, procs=None):
    """Parse every notice file and report what a rebuild would skip; index nothing."""
    started = time.monotonic()
    progress = progress or Progress()
    summary = Summary("check")
    config.check()
    files = _notice_files(data_dir, "")
    jobs = datafiles.scan(files, summary, [])
    progress.start("checking", len(jobs))
    for job, (paragraphs, reason, ocr) in zip(jobs, writers.parse_all(jobs, data_dir, procs)):
        if reason:
            summary.skipped.append((job.source, reason))
        else:
            summary.notices += 1
            if ocr:
                summary.ocr.append(job.source)
            summary.paragraphs += paragraphs
            if not paragraphs:
                summary.warnings.append((job.source, "has no paragraphs, so no search can find it"))
        progress.advance()
    progress.finish()
    summary.seconds = time.monotonic() - started
    return summary
