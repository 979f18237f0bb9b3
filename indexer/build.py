"""Indexing: parse every notice in the data folder into a new generation, verify, switch.

A rebuild never writes into the live index: it fills a fresh folder, checks that
the documents it meant to add are there, writes the marker, and only then swaps
the `current` symlink (see `indexer.store`). One unreadable file is reported and
skipped; the rest are indexed.
"""

import hashlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as whoosh_index

from . import store
from .notice import NoticeError
from .parsing import parse_file
from .schema import make_schema, paragraph_documents


@dataclass
class Summary:
    notices: int = 0
    paragraphs: int = 0
    skipped: list = field(default_factory=list)  # [(path, reason)]
    seconds: float = 0.0
    generation: str = ""

    def lines(self):
        yield f"{self.notices} notices, {self.paragraphs} paragraphs indexed in {self.seconds:.1f} s"
        for path, reason in self.skipped:
            yield f"skipped {path}: {reason}"


class BuildError(Exception):
    """The new index could not be built; the live index is untouched."""


def notice_files(data_dir):
    """Every *.txt file under the data folder, in a stable order."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise BuildError(f"Data folder {data_dir} does not exist or is not a folder.")
    return sorted(p for p in data_dir.rglob("*.txt") if p.is_file())


def fingerprint(data_dir):
    """A digest of the data folder's file names, sizes and times, plus the index format.

    Cheap enough to compute on every `./dev run`: it reads no file contents.
    """
    digest = hashlib.sha256(f"format {store.FORMAT}".encode())
    for path in notice_files(data_dir):
        stat = path.stat()
        digest.update(f"{path.relative_to(data_dir)}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def is_stale(data_dir, index_dir):
    """True when there is no usable index, or it was built from different files."""
    try:
        _gen, marker = store.open_generation(index_dir)
    except store.IndexUnavailable:
        return True
    return marker.get("fingerprint") != fingerprint(data_dir)


def parse_all(data_dir, summary, progress=None):
    """Parse every notice file, recording failures in `summary` instead of stopping."""
    notices = []
    for path in notice_files(data_dir):
        try:
            notices.append(parse_file(path, root=data_dir))
        except NoticeError as exc:
            summary.skipped.append((str(path), exc.reason))
        if progress:
            progress(path)
    return notices


def rebuild(data_dir, index_dir, progress=None):
    """Build a complete new index generation from `data_dir` and make it live."""
    started = time.monotonic()
    summary = Summary()
    with store.rebuild_lock(index_dir):
        store.remove_stale(index_dir)
        stamp = fingerprint(data_dir)
        notices = parse_all(data_dir, summary, progress)
        building = store.new_building_folder(index_dir)
        write_generation(building, notices, summary, fingerprint=stamp)
        summary.generation = store.switch_to(index_dir, building).name
        store.remove_stale(index_dir)
    summary.seconds = time.monotonic() - started
    return summary


def write_generation(folder, notices, summary, **marker_info):
    """Write the Whoosh index and the notices file into `folder`, then verify and mark it."""
    whoosh_dir = Path(folder) / "whoosh"
    whoosh_dir.mkdir()
    ix = whoosh_index.create_in(str(whoosh_dir), make_schema())
    writer = ix.writer(limitmb=512)
    with open(Path(folder) / "notices.jsonl", "w", encoding="utf-8") as out:
        for notice in notices:
            for document in paragraph_documents(notice):
                writer.add_document(**document)
                summary.paragraphs += 1
            out.write(json.dumps(notice.to_dict(), ensure_ascii=False) + "\n")
            summary.notices += 1
    writer.commit()
    with ix.searcher() as searcher:
        if searcher.doc_count() != summary.paragraphs:
            raise BuildError(
                f"verification failed: wrote {summary.paragraphs} paragraphs but the index holds "
                f"{searcher.doc_count()}; the live index was left as it was."
            )
    store.write_marker(folder, notices=summary.notices, paragraphs=summary.paragraphs, **marker_info)
