"""The notice catalog: one small entry per indexed notice, and where its full record is.

The notices file (`store.NOTICES`) holds every parsed notice in full, each as
its JSON compressed on its own (as JSON lines it was 284 MB at 10,000 notices,
a quarter of the index; compressed one by one, a notice still reads alone in a
fraction of a millisecond). One notice is too short for a compressor to learn
the JSON keys and the genre's phrases, so records are zstd frames with a
dictionary trained on real notices (`PACKAGED_DICT`, `train_dictionary`):
half the size of zlib's records, on real notices the dictionary had not seen
and on the benchmark corpus (610 MB at 100,000 notices with zlib). Each
generation keeps the dictionary its records were written with
(`store.NOTICES_DICT`), and a different one in the package changes the
index version, so an update never mixes two. Loading all of it into objects
took a server 25 s and 2 GB, so the catalog holds only what facets and result
lists need of a notice (title, unit, dates, region, level) plus the byte
offset and length of its record, so a server loads it in milliseconds and reads
a whole notice only to show it.
"""

import functools
import json
import os
import shutil
from pathlib import Path

from . import store
from .arrays import zstd
from .notice import listing_date
from .store import NOTICES, NOTICES_DICT

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


#: The dictionary new notice records are compressed with (`train_dictionary` over tests/notices' real notices).
PACKAGED_DICT = Path(__file__).resolve().parent / "dictionaries" / "notices.zdict"
#: zstd's level for a notice record: 9 wrote half the bytes of zlib's 6 in a third more time (0.52 against 0.39 ms
#: a benchmark notice); 6 took as long as zlib for 54%.
LEVEL = 9
#: The dictionary's size: about a quarter of the JSON it is trained on.
DICT_SIZE = 64 * 1024


@functools.lru_cache(maxsize=8)
def _dictionary(path):
    return zstd.ZstdDict(Path(path).read_bytes())


def pack(notice_dict):
    """One notice's record in the notices file: its JSON, compressed with the packaged dictionary."""
    data = json.dumps(notice_dict, ensure_ascii=False).encode("utf-8")
    return zstd.compress(data, level=LEVEL, zstd_dict=_dictionary(str(PACKAGED_DICT)))


def unpack(record, gen):
    """The parser's dict of one notice from its record, with the dictionary of its generation `gen`."""
    return json.loads(zstd.decompress(record, zstd_dict=_dictionary(str(Path(gen) / NOTICES_DICT))))


def train_dictionary(paths, out=PACKAGED_DICT):
    """Train the records' dictionary on the parsed JSON of the notice files `paths`, and write it to `out`.

    The shipped one: `train_dictionary(sorted(Path("tests/notices").glob("*/*.txt")))`, the 35 real notices
    of the tests (training is deterministic: the same files give the same bytes).
    """
    from .parsing import parse_file

    samples = [json.dumps(parse_file(path).to_dict(), ensure_ascii=False).encode("utf-8") for path in paths]
    trained = zstd.train_dict(samples, min(DICT_SIZE, sum(map(len, samples)) // 4))
    Path(out).write_bytes(trained.dict_content)


class NoticeLines:
    """Writes the notices file record by record and remembers each record's place, for the catalog."""

    def __init__(self, path):
        self.file = open(path, "wb")
        self.entries = []
        # The dictionary `pack` compresses with goes beside the records, for readers of this generation.
        shutil.copyfile(PACKAGED_DICT, Path(path).parent / NOTICES_DICT)

    def add(self, data, meta):
        """Append one record (`pack`'s bytes) with its catalog entry."""
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


def read_notice(gen, entry):
    """The parser's dict of one notice, read from its record in the notices file of generation `gen`."""
    with open(Path(gen) / NOTICES, "rb") as records:
        return unpack(os.pread(records.fileno(), entry["length"], entry["offset"]), gen)


def every_notice(gen):
    """The parser's dict of every notice of a generation, in catalog order (for checks and tools)."""
    gen = Path(gen)
    with open(gen / NOTICES, "rb") as records:
        for entry in read(gen / CATALOG):
            yield unpack(os.pread(records.fileno(), entry["length"], entry["offset"]), gen)


def rewrite(live, building, removed, moved, added):
    """An update's notices file and catalog: the live ones without `removed`, `moved` ones with their new
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
            data = unpack(os.pread(old.fileno(), kept["length"], kept["offset"]), live)
            data["source"] = moved[kept["id"]]
            meta = {k: v for k, v in kept.items() if k not in ("offset", "length")}
            lines.add(pack(data), {**meta, "source": data["source"]})
        lines.copy(old, unchanged)
    for notice in added:
        lines.add(pack(notice.to_dict()), entry(notice))
    lines.close(Path(building) / CATALOG)
