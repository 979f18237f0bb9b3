"""The notice catalog: one small entry per indexed notice, and where its full JSON line is.

notices.jsonl holds every parsed notice in full (hundreds of MB at 10,000
notices); loading it into objects took a server 25 s and 2 GB. The catalog
holds only what facets and result lists need of a notice (title, unit, dates,
region, level) plus the byte offset and length of its line in notices.jsonl, so
a server loads it in milliseconds and reads a whole notice only to show it.
"""

import json
import os
from pathlib import Path

from . import store
from .notice import listing_date
from .store import NOTICES

CATALOG = "catalog.json"


def entry(notice):
    """The catalog entry of a Notice (without its place in notices.jsonl)."""
    date, date_kind = (notice.date, notice.date_kind) if notice.date else listing_date(notice)
    return {"id": notice.id, "source": notice.source, "kind": notice.kind, "title": notice.title,
            "issuer": notice.issuer, "inspector": notice.inspector, "published": notice.published, "level": notice.level,
            "province": notice.region.province, "city": notice.region.city, "county": notice.region.county,
            "year": notice.year,
            "date": date or "", "date_kind": date_kind or "",
            "stats": {key: value for key, value in vars(notice.stats).items()}}


class NoticeLines:
    """Writes notices.jsonl line by line and remembers each line's place, for the catalog."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.entries = []

    def add(self, line, meta):
        data = (line.rstrip("\n") + "\n").encode("utf-8") if isinstance(line, str) else line
        offset = self.file.tell()
        self.file.write(data)
        self.entries.append({**meta, "offset": offset, "length": len(data)})

    def copy(self, source, entries):
        """Append the lines of `entries` (in file order) from the notices file `source`, unchanged.

        Consecutive lines are copied as one range inside the kernel
        (`os.copy_file_range`): an update keeps all but a few of hundreds of MB.
        """
        self.file.flush()
        run = []
        for entry in entries:
            if run and entry["offset"] != run[-1]["offset"] + run[-1]["length"]:
                self._copy_run(source, run)
                run = []
            run.append(entry)
        if run:
            self._copy_run(source, run)

    def _copy_run(self, source, run):
        start = run[0]["offset"]
        length = run[-1]["offset"] + run[-1]["length"] - start
        offset = self.file.tell()
        copied = 0
        while copied < length:
            done = os.copy_file_range(source.fileno(), self.file.fileno(), length - copied, start + copied)
            if not done:
                raise OSError(f"{source.name} ended before offset {start + length}")
            copied += done
        self.file.seek(offset + length)
        for entry in run:
            meta = {k: v for k, v in entry.items() if k not in ("offset", "length")}
            self.entries.append({**meta, "offset": offset + entry["offset"] - start, "length": entry["length"]})

    def close(self, catalog_path):
        self.file.close()
        write(catalog_path, self.entries)


def write(path, entries):
    store.write_atomically(path, json.dumps(entries, ensure_ascii=False))


def read(path):
    return json.loads(Path(path).read_text(encoding="utf-8"))


def read_notice(notices_path, entry):
    """The parser's dict of one notice, read from its line of notices.jsonl."""
    with open(notices_path, "rb") as lines:
        lines.seek(entry["offset"])
        return json.loads(lines.read(entry["length"]))


def rewrite(live, building, removed, moved, added):
    """An update's notices.jsonl and catalog: the live ones without `removed`, `moved` ones with their new
    source ({id: source}), and the `added` Notices at the end.

    Unchanged notices are copied as byte ranges (`NoticeLines.copy`), never parsed.
    """
    old_entries = sorted(read(Path(live) / CATALOG), key=lambda e: e["offset"])
    lines = NoticeLines(Path(building) / NOTICES)
    with open(Path(live) / NOTICES, "rb") as old:
        unchanged = []
        for kept in old_entries:
            if kept["id"] in removed:
                continue
            if kept["id"] not in moved:
                unchanged.append(kept)
                continue
            lines.copy(old, unchanged)
            unchanged = []
            old.seek(kept["offset"])
            data = json.loads(old.read(kept["length"]))
            data["source"] = moved[kept["id"]]
            meta = {k: v for k, v in kept.items() if k not in ("offset", "length")}
            lines.add(json.dumps(data, ensure_ascii=False), {**meta, "source": data["source"]})
        lines.copy(old, unchanged)
    for notice in added:
        lines.add(json.dumps(notice.to_dict(), ensure_ascii=False), entry(notice))
    lines.close(Path(building) / CATALOG)
