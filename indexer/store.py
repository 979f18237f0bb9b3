"""Index folders on disk: the marker, generations, the lock and the atomic switch.

Layout of the index folder (the `INDEX_DIR` setting)::

    INDEX_DIR/
      NOTICE_SEARCH_INDEX        marker: this folder belongs to notice-index
      current -> gen-000007      symlink, replaced atomically to switch
      gen-000007/                one complete index, never modified once live
        NOTICE_SEARCH_INDEX      marker: JSON written last, after verification
        whoosh/                  the Whoosh segment files
        arrays/<segment id>/     side-car arrays of each segment (indexer.arrays)
        notices.zst              every indexed notice, each its JSON compressed alone, for the notice page
        notices.zdict            the zstd dictionary those records were compressed with
        catalog.json             a short entry per notice and its record's place in notices.zst
        files.jsonl              every data file: its hash and what became of it
      gen-000006/                the previous generation, kept while servers switch
      building-…/                a rebuild in progress (or left by a crash)
      .lock                      held (flock) while a rebuild or update runs

Why generations and a symlink: a rebuild never touches the live folder, so a
failed or killed rebuild leaves the previous index serving, and a server notices
a new index by the symlink's target changing. Why markers: Whoosh unpickles the
schema of whatever it opens, and a rebuild deletes stale `gen-*` folders, so
this tool only opens, writes into or cleans folders it wrote itself.
"""

import hashlib
import json
import os
import re
import shutil
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import IndexBusy, IndexUnavailable

MARKER = "NOTICE_SEARCH_INDEX"
FORMAT = 8
CURRENT = "current"
LOCK = ".lock"
WHOOSH = "whoosh"
NOTICES = "notices.zst"
NOTICES_DICT = "notices.zdict"
FILES = "files.jsonl"
#: Files `check_hashes` reads at once when something waits for it (an update's check of the live index).
HASH_THREADS = 4

_OURS = re.compile(r"^(NOTICE_SEARCH_INDEX(\.tmp)?|current|\.lock|\.current-\d+|gen-\d{6}|building-[\d-]+)$")


def write_atomically(path, data):
    """Replace the file at `path` with `data` (str or bytes) whole or not at all, durably.

    Written to a temporary file beside it, flushed to disk, then renamed over
    it: a full disk or a crash midway leaves the old file as it was.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    sync_folder_entry(path.parent)


def sync_folder_entry(folder):
    """Make a rename or a new file in `folder` durable (fsync of the folder itself)."""
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _write_json(path, data):
    write_atomically(path, json.dumps(data, ensure_ascii=False, indent=1))


def _read_json(path):
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("tool") == "notice-search" else None


def claim_root(root):
    """Make sure `root` is an index folder of ours, creating and marking it if new or empty.

    A folder holding only what this tool writes (an index from before the root
    marker existed) is adopted; anything else is refused, because a rebuild
    deletes `gen-*` and `building-*` folders it finds there.
    """
    root = Path(root)
    marker = _read_json(root / MARKER)
    if marker is not None:
        if marker.get("role") == "generation":
            raise IndexUnavailable(
                f"{root} is one generation inside an index folder, not the index folder itself; "
                f"point --index (or NOTICE_SEARCH_INDEX) at {root.parent}.")
        return
    if root.exists() and not root.is_dir():
        raise IndexUnavailable(f"{root} is a file, not an index folder; point --index (or NOTICE_SEARCH_INDEX) "
                               "at a new or empty folder.")
    if root.is_dir():
        foreign = sorted(p.name for p in root.iterdir() if not _OURS.match(p.name))
        if foreign:
            raise IndexUnavailable(
                f"{root} holds files notice-index did not write ({', '.join(foreign[:3])}"
                f"{', …' if len(foreign) > 3 else ''}) and has no {MARKER} marker; refusing to use it. "
                "Point --index (or NOTICE_SEARCH_INDEX) at a new or empty folder.")
    root.mkdir(parents=True, exist_ok=True)
    _write_json(root / MARKER, {"tool": "notice-search", "role": "index", "format": FORMAT})


def live_generation(root):
    """The path of the live generation, or None when no index was built yet."""
    link = Path(root) / CURRENT
    if not link.is_symlink():
        return None
    return (Path(root) / os.readlink(link)).resolve()


def open_generation(root):
    """Check the index folder and its live generation are ours; return (path, marker dict)."""
    root = Path(root)
    gen = live_generation(root)
    if gen is None:
        raise IndexUnavailable(f"No index in {root}: build one with `notice-index rebuild`.")
    if _read_json(root / MARKER) is None:
        raise IndexUnavailable(f"{root} has no {MARKER} marker, so notice-index did not write it; "
                               "refusing to open it. Rebuild with `notice-index rebuild`.")
    return gen, read_marker(gen)


def read_marker(gen):
    data = _read_json(Path(gen) / MARKER)
    if data is None or data.get("role") != "generation":
        raise IndexUnavailable(
            f"{gen} was not written by notice-index (no valid {MARKER} marker); "
            "refusing to open it. Rebuild with `notice-index rebuild`."
        )
    if data.get("format") != FORMAT:
        raise IndexUnavailable(f"{gen} has an index format this version cannot read; "
                               "rebuild it with `notice-index rebuild`.")
    return data


def write_marker(gen, previous=None, **info):
    """Mark a verified generation as ours and complete: the last file written into it.

    The marker lists every file of the generation with its size and SHA-256
    (`check_sizes`, `check_hashes`), so a damaged file is refused before Whoosh
    unpickles anything from it or numpy maps it. Every file is flushed to disk
    first. With `previous` (the generation an update started from), a file that
    is a hard link of one it listed is not hashed again.
    """
    gen = Path(gen)
    known = {}
    if previous is not None:
        try:
            known = read_marker(previous).get("files") or {}
        except IndexUnavailable:
            known = {}
    files = {}
    for relative in generation_files(gen):
        path = gen / relative
        status = path.stat()
        earlier = Path(previous) / relative if previous is not None else None
        if relative in known and known[relative][0] == status.st_size and _same_file(earlier, status):
            files[relative] = list(known[relative])
            continue
        with open(path, "rb") as data:
            os.fsync(data.fileno())
            files[relative] = [status.st_size, hashlib.file_digest(data, "sha256").hexdigest()]
    for folder in {(gen / relative).parent for relative in files} | {gen}:
        sync_folder_entry(folder)
    _write_json(gen / MARKER, {"tool": "notice-search", "role": "generation", "format": FORMAT,
                               "created": time.strftime("%Y-%m-%dT%H:%M:%S"), **info, "files": files})


def refresh_marker(gen, marker, changed, **info):
    """Rewrite a live generation's marker with new `info`, after its small file `changed` was rewritten."""
    gen = Path(gen)
    files = dict(marker["files"])
    with open(gen / changed, "rb") as data:
        files[changed] = [os.fstat(data.fileno()).st_size, hashlib.file_digest(data, "sha256").hexdigest()]
    _write_json(gen / MARKER, {**marker, **info, "files": files})


def _same_file(path, info):
    try:
        other = os.stat(path)
    except (OSError, TypeError):
        return False
    return (other.st_dev, other.st_ino) == (info.st_dev, info.st_ino)


def generation_files(gen):
    """The files of a generation that its marker lists: every one but the marker and Whoosh's lock, "/"-separated."""
    gen = Path(gen)
    return sorted(path.relative_to(gen).as_posix() for path in gen.rglob("*")
                  if path.is_file() and path.name != MARKER and not path.name.endswith("WRITELOCK"))


def check_sizes(gen, marker):
    """Refuse a generation a file of which is missing, or not as long as when it was built (cheap: stats only).

    A file truncated under a server that maps it would crash the server on its
    next read (SIGBUS); checked before each search, it answers 503 instead.
    """
    if "files" not in marker:
        raise IndexUnavailable(f"{gen} was built by an older notice-index that did not record its files; "
                               "rebuild it with `notice-index rebuild`.")
    for path, relative, size in _sized_paths(gen, marker):
        try:
            found = os.stat(path).st_size
        except OSError:
            found = None
        if found != size:
            raise IndexUnavailable(_damaged(Path(gen), relative, "is missing" if found is None else
                                            f"is {found} bytes instead of {size}"))


#: (path as a string, relative path, size) of each file of a marker, kept per marker: joining paths with
#: pathlib cost 14 µs a file, 2.4 ms a search at 10,000 notices and ten times that at 100,000.
_SIZED = {}


def _sized_paths(gen, marker):
    key = (str(gen), id(marker))
    kept = _SIZED.get(key)
    if kept is None or kept[0] is not marker:
        base = os.fspath(gen)
        kept = (marker, [(os.path.join(base, relative), relative, size)
                         for relative, (size, _digest) in marker["files"].items()])
        if len(_SIZED) > 16:
            _SIZED.clear()
        _SIZED[key] = kept
    return kept[1]


def check_hashes(gen, marker, where=None, threads=HASH_THREADS):
    """Refuse a generation a file of which differs from what it held when built; `where` picks the files to read.

    Files are hashed `threads` at a time (hashlib lets go of the GIL): the 5 GB
    of 100,000 notices took 4.3 s in one thread, and an update waits for them.
    A server checks in the background with one, not to slow the warm-up beside
    it. The first damaged file in the marker's order is the one named.
    """
    gen = Path(gen)
    wanted = [(relative, digest) for relative, (_size, digest) in marker["files"].items()
              if where is None or where(relative)]
    with ThreadPoolExecutor(max_workers=threads) as pool:
        for (relative, digest), found in zip(wanted, pool.map(lambda item: _digest(gen / item[0]), wanted)):
            if isinstance(found, OSError):
                raise IndexUnavailable(_damaged(gen, relative, f"cannot be read ({found.strerror})")) from None
            if found != digest:
                raise IndexUnavailable(_damaged(gen, relative, "changed since it was built"))


def _digest(path):
    """A file's SHA-256, or the OSError reading it raised."""
    try:
        with open(path, "rb") as data:
            return hashlib.file_digest(data, "sha256").hexdigest()
    except OSError as exc:
        return exc


def check_files(gen, marker):
    """Refuse a damaged generation: every file's size and SHA-256 as the marker lists them."""
    check_sizes(gen, marker)
    check_hashes(gen, marker)


def _damaged(gen, relative, what):
    return f"{gen} is damaged ({relative} {what}); rebuild it with `notice-index rebuild`."


def new_building_folder(root):
    """A new folder to build a generation in, inside the index folder (claimed first if new)."""
    claim_root(root)
    path = Path(root) / f"building-{os.getpid()}-{time.time_ns()}"
    path.mkdir()
    return path


def link_whoosh(source_gen, building):
    """Give `building` a Whoosh folder sharing the files of `source_gen`'s, for an update.

    Safe because Whoosh never rewrites a segment or TOC file: a commit writes new
    files and a new TOC, and deletions are recorded in that TOC. Whoosh's lock
    file is not shared.
    """
    target = Path(building) / WHOOSH
    link_files(Path(source_gen) / WHOOSH, target, skip="WRITELOCK")
    return target


def link_files(source, target, skip=None):
    """Give `target` (created if need be) every file of `source`, as hard links where possible.

    Only for files that are never rewritten once written (segments, their
    arrays): then a link makes this instant whatever the index size. Falls
    back to copying where hard links are not possible; names ending in `skip`
    are left out.
    """
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    for path in Path(source).iterdir():
        if not path.is_file() or (skip and path.name.endswith(skip)):
            continue
        try:
            os.link(path, target / path.name)
        except OSError:
            shutil.copy2(path, target / path.name)


def switch_to(root, building):
    """Make `building` the live generation: rename it, then swap the symlink atomically."""
    root = Path(root)
    numbers = [int(p.name[4:]) for p in root.glob("gen-*") if p.name[4:].isdigit()]
    gen = root / f"gen-{max(numbers, default=0) + 1:06d}"
    os.rename(building, gen)
    tmp_link = root / f".current-{os.getpid()}"
    if tmp_link.is_symlink() or tmp_link.exists():
        tmp_link.unlink()
    os.symlink(gen.name, tmp_link)
    os.replace(tmp_link, root / CURRENT)
    return gen


def remove_stale(root):
    """Delete what a crashed or finished rebuild left: building folders and old generations.

    Keeps the live generation and the one before it, because a server may still
    be answering from that while it reopens the new one. Generations numbered
    above the live one were renamed by a rebuild that died before switching.
    Only call this while holding the lock.
    """
    root = Path(root)
    live = live_generation(root)
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir() and p.name[4:].isdigit())
    older = [p for p in gens if live is not None and p.name < live.name]
    keep = {live, older[-1] if older else None}
    for path in [*root.glob("building-*"), *(p for p in gens if p not in keep)]:
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".current-*"):
        if path.is_symlink():
            path.unlink()


def lock(root, wait=False, on_wait=None):
    """The lock rebuilds and updates of one index folder share, held with flock.

    The kernel releases flock when the holding process dies, so a killed rebuild
    never leaves it stuck; a soft (lock-file-exists) fallback is refused for that
    reason. The holder writes its process id into the file so that a second
    rebuild can say whom it waits for. When the lock is taken, raises IndexBusy,
    or with `wait` calls `on_wait(sentence)` and blocks until it is free.
    """
    return _Lock(Path(root) / LOCK, wait, on_wait)


class _Lock:
    def __init__(self, path, wait, on_wait):
        self.path, self.wait, self.on_wait = path, wait, on_wait
        self.filelock = FileLock(str(path), thread_local=False, fallback_to_soft=False,
                                 preserve_lock_file=True, on_acquired=self._record_holder)

    @staticmethod
    def _record_holder(fd):
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {time.strftime('%Y-%m-%dT%H:%M:%S')}\n".encode(), 0)

    def holder(self):
        """'process N (since T)': the holder of the lock, as it recorded itself."""
        try:
            pid, since = self.path.read_text(encoding="utf-8").split()
        except (OSError, ValueError):
            return "another process"
        return f"process {pid} (since {since})"

    def __enter__(self):
        try:
            try:
                self.filelock.acquire(timeout=0)
            except Timeout:
                busy = f"another rebuild or update of {self.path.parent} is running in {self.holder()}"
                if not self.wait:
                    raise IndexBusy(f"{busy[0].upper()}{busy[1:]}; wait for it to finish, "
                                    "or run again with --wait to wait for it.") from None
                if self.on_wait:
                    self.on_wait(f"{busy}; waiting for it to finish")
                self.filelock.acquire(timeout=-1)
        except OSError as exc:
            raise IndexUnavailable(f"Cannot lock {self.path} ({exc.strerror or exc}); put the index folder "
                                   "on a local file system that supports file locks.") from None
        return self

    def __exit__(self, *exc_info):
        self.filelock.release()
