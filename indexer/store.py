"""Index folders on disk: generations, the marker, the lock and the atomic switch.

Layout of the index folder (the `INDEX_DIR` setting)::

    INDEX_DIR/
      current -> gen-000007      symlink, replaced atomically to switch
      gen-000007/                one complete index, never modified once live
        NOTICE_SEARCH_INDEX      marker: JSON written last, after verification
        whoosh/                  the Whoosh segment files
        notices.jsonl            every parsed notice, for the notice page
      building-…/                a rebuild in progress (or left by a crash)
      .lock                      held (flock) while a rebuild runs

Why generations and a symlink: a rebuild never touches the live folder, so a
failed or killed rebuild leaves the previous index serving, and a server notices
a new index by the symlink's target changing. Why a marker: Whoosh unpickles the
schema of whatever it opens, so only folders this tool wrote are ever opened.
"""

import json
import os
import shutil
import time
from pathlib import Path

from filelock import FileLock, Timeout

MARKER = "NOTICE_SEARCH_INDEX"
FORMAT = 1
CURRENT = "current"


class IndexUnavailable(Exception):
    """The index folder is missing, foreign or damaged; the message says which and what to do."""


def live_generation(root):
    """The path of the live generation, or None when no index was built yet."""
    link = Path(root) / CURRENT
    if not link.is_symlink():
        return None
    return (Path(root) / os.readlink(link)).resolve()


def open_generation(root):
    """Check the live generation is ours and return (path, marker dict)."""
    gen = live_generation(root)
    if gen is None:
        raise IndexUnavailable(f"No index in {root}: build one with `notice-index rebuild`.")
    return gen, read_marker(gen)


def read_marker(gen):
    marker = Path(gen) / MARKER
    try:
        data = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise IndexUnavailable(
            f"{gen} was not written by notice-index (no valid {MARKER} marker); "
            "refusing to open it. Rebuild with `notice-index rebuild`."
        ) from None
    if data.get("tool") != "notice-search" or data.get("format") != FORMAT:
        raise IndexUnavailable(f"{gen} has an index format this version cannot read; rebuild it.")
    return data


def write_marker(gen, **info):
    data = {"tool": "notice-search", "format": FORMAT, "created": time.strftime("%Y-%m-%dT%H:%M:%S"), **info}
    tmp = Path(gen) / (MARKER + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, Path(gen) / MARKER)


def new_building_folder(root):
    root = Path(root)
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"building-{os.getpid()}-{time.time_ns()}"
    path.mkdir()
    return path


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


def remove_stale(root, keep=2):
    """Delete leftover building folders and all but the newest `keep` generations.

    The previous generation is kept because a server may still be answering from it
    while it reopens the new one. Only call this while holding the rebuild lock.
    """
    root = Path(root)
    live = live_generation(root)
    for path in root.glob("building-*"):
        shutil.rmtree(path, ignore_errors=True)
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    for path in gens[:-keep]:
        if path != live:
            shutil.rmtree(path, ignore_errors=True)


def rebuild_lock(root, wait=False):
    """The lock two rebuilds share. flock is released by the kernel when a process dies."""
    Path(root).mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(Path(root) / ".lock"), timeout=-1 if wait else 0)
    return lock


__all__ = [
    "IndexUnavailable", "Timeout", "live_generation", "open_generation", "read_marker",
    "write_marker", "new_building_folder", "switch_to", "remove_stale", "rebuild_lock",
]
