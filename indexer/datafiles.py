"""The data folder: which files are notices, their hashes, and the record of what became of each.

Only regular files that are inside the data folder once links are followed are
read: a link to /proc/self/environ or /etc/passwd named like a notice would
otherwise make the indexer's environment searchable. Links that lead out, and
files with other hard links (which may be a file from anywhere on the same disk),
are reported and skipped. A name that is not UTF-8 (a zip made on Windows holds
GBK names) is read as GB18030 for the report and the record, and kept as bytes
to find the file again.

Every generation keeps `files.jsonl`, one line per data file (its size, time,
SHA-256 and whether it became a notice or why not), so that `update` re-reads
only files whose size or time changed, and knows a file by its content when it
was renamed. `fingerprint` digests names, sizes and times only: cheap enough for
every `./dev run` to ask whether the index is stale.
"""

import hashlib
import json
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from . import readers, store
from .errors import BuildError
from .writers import Job

#: What a data file must be named to be read as a notice: every kind `indexer.readers` reads.
SUFFIXES, NAMED = readers.SUFFIXES, readers.NAMED
#: A data folder holding this file was made by `bench/corpus.py` (a demo or a benchmark): its
#: notices are generated, not real, and every page of a server on its index says so.
GENERATED = "GENERATED.md"


def generated(data_dir):
    """Whether the notices of `data_dir` are generated ones (it holds GENERATED)."""
    return (Path(data_dir) / GENERATED).is_file()


@dataclass(frozen=True)
class DataFile:
    """A notice file as the walk of the data folder found it."""

    path: str
    source: str  # relative to the data folder, "/"-separated, as people read it
    size: int
    mtime_ns: int
    problem: str = ""  # why it is not read, when that is known from the walk alone
    raw: str = None  # the source's bytes in hex, when the file system's name is not UTF-8


def readable(name):
    """(the name as people read it, its bytes in hex or None when it is plain UTF-8) of a file system name."""
    data = os.fsencode(name)
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = data.decode("utf-8", "backslashreplace")
    return text, data.hex()


def _outside(path, root):
    """Where the link `path` points, as written, when it leads outside `root` (a real path); else None."""
    target = os.path.realpath(path)
    if target == root or target.startswith(root + os.sep):
        return None
    try:
        return os.readlink(path)
    except OSError:
        return target


def _page_resources(name, names):
    """Is `name` the folder of images and frames a browser saved beside a web page (页面_files next to 页面.html)?

    Its pictures would be read by OCR and its frames as notices of their own.
    """
    stem = name[:-len("_files")] if name.endswith("_files") else None
    return bool(stem) and (stem + ".html" in names or stem + ".htm" in names)


def data_files(data_dir):
    """Every notice file under the data folder, hidden files and folders left out, sorted by source.

    One os.scandir walk (an update of thousands of files must not spend its
    second in pathlib); folders linked twice are read once.
    """
    if not os.path.isdir(data_dir):
        raise BuildError(f"Data folder {data_dir} does not exist or is not a folder; "
                         "give another with --data or NOTICE_SEARCH_DATA.")
    root = os.path.realpath(data_dir)
    found, seen, folders = [], set(), [(str(data_dir), "")]
    while folders:
        folder, prefix = folders.pop()
        try:
            info = os.stat(folder)
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as scan:
                entries = list(scan)
                names = {entry.name for entry in entries}
                for entry in entries:
                    if entry.name.startswith(".") or _page_resources(entry.name, names):
                        continue
                    try:
                        is_dir = entry.is_dir()
                    except OSError:  # a link loop or a link to nowhere: not a folder to walk
                        is_dir = False
                    leads_to = _outside(entry.path, root) if entry.is_symlink() else None
                    source, raw = readable(prefix + entry.name)
                    if is_dir and not leads_to:
                        folders.append((entry.path, prefix + entry.name + "/"))
                    elif is_dir:
                        found.append(DataFile(entry.path, source + "/", -1, 0,
                                              f"is a link to the folder {leads_to}, outside the data folder; "
                                              "it was not read"))
                    elif entry.name.lower().endswith(SUFFIXES):
                        # Anything named like a notice is handed to the parser, which names the
                        # file and the reason when it cannot be read (a loop, a pipe, a dead link).
                        try:
                            info = entry.stat()
                            size, mtime, links = info.st_size, info.st_mtime_ns, info.st_nlink
                        except OSError:
                            size, mtime, links = -1, 0, 1
                        problem = ""
                        if leads_to:
                            problem = (f"is a link to {leads_to}, outside the data folder; copy the file into the "
                                       "folder to index it")
                        elif links > 1 and entry.is_file(follow_symlinks=False):
                            problem = (f"has {links} hard links, so it may be a file from outside the data folder; "
                                       "copy it into the folder to index it")
                        found.append(DataFile(entry.path, source, size, mtime, problem, raw))
        except OSError as exc:
            raise BuildError(f"Cannot read the folder {folder} ({exc.strerror}); fix its permissions "
                             "or move it out of the data folder.") from None
    return sorted(found, key=lambda f: f.source)


def fingerprint(files):
    """A digest of the files' names, sizes and times (no contents read)."""
    digest = hashlib.sha256()
    for f in files:
        digest.update(f"{f.source}\0{f.size}\0{f.mtime_ns}\n".encode())
    return digest.hexdigest()


def scan(files, summary, entries, known=None):
    """A Job for each distinct notice file; unreadable files and duplicates go to `summary` and `entries`.

    A file whose size and time are those `known` (source -> files.jsonl entry
    of the live generation) keeps its recorded hash instead of being read again.
    """
    known = known or {}
    jobs, first = [], {}
    for f in files:
        if f.problem:
            summary.skipped.append((f.source, f.problem))
            entries.append(entry(f, None, skipped=f.problem))
            continue
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
                entries.append(entry(f, None, skipped=reason))
                continue
        if sha in first:
            reason = f"same content as {first[sha]}, which is indexed instead"
            summary.skipped.append((f.source, reason))
            entries.append(entry(f, sha, skipped=reason, duplicate_of=first[sha]))
            continue
        first[sha] = f.source
        jobs.append(Job(f.path, f.source, sha, f.raw))
    return jobs


def entry(file, sha, notice=None, paragraphs=0, skipped=None, duplicate_of=None):
    """One line of files.jsonl: a data file, its hash and what became of it."""
    return {"source": file.source, "size": file.size, "mtime_ns": file.mtime_ns, "sha256": sha,
            "notice": notice, "paragraphs": paragraphs, "skipped": skipped, "duplicate_of": duplicate_of}


def content(entries):
    """The entries without file sizes and times: what the index depends on."""
    return sorted((e["source"], e["sha256"], e["notice"], e["paragraphs"], e["skipped"]) for e in entries)


def read_entries(path):
    with open(path, encoding="utf-8") as lines:
        return [json.loads(line) for line in lines]


def write_entries(path, entries):
    """Write files.jsonl whole or not at all (it is rewritten in a live generation when only times changed)."""
    lines = (json.dumps(e, ensure_ascii=False) + "\n" for e in sorted(entries, key=lambda e: e["source"]))
    store.write_atomically(path, "".join(lines))
