"""The notices file: each notice's JSON a zstd frame with a dictionary trained on real notices, read back whole
with the dictionary of its own generation."""

import json
import zlib

from conftest import NOTICES
from indexer import catalog, store
from indexer.build import rebuild
from indexer.parsing import parse_file
from indexer.store import live_generation


def test_records_are_half_of_zlibs_on_real_notices_and_read_back_whole(tmp_path):
    # The shipped dictionary was trained on these notices among others: this checks it is the one shipped and
    # works; docs/internals.md gives the figures on notices it had not seen.
    notices = [parse_file(p).to_dict() for p in sorted((NOTICES / "web").glob("*.txt"))]
    packed = [catalog.pack(n) for n in notices]
    zlibbed = [zlib.compress(json.dumps(n, ensure_ascii=False).encode("utf-8"), 6) for n in notices]
    assert sum(map(len, packed)) < 0.7 * sum(map(len, zlibbed))
    (tmp_path / store.NOTICES_DICT).write_bytes(catalog.PACKAGED_DICT.read_bytes())
    assert [catalog.unpack(p, tmp_path) for p in packed] == notices


def test_a_generation_reads_its_notices_with_its_own_dictionary(tmp_path, monkeypatch):
    data, index = tmp_path / "data", tmp_path / "index"
    data.mkdir()
    for path in sorted((NOTICES / "complete").glob("*.txt"))[:2]:
        (data / path.name).write_bytes(path.read_bytes())
    rebuild(data, index)
    gen = live_generation(index)
    assert (gen / store.NOTICES_DICT).read_bytes() == catalog.PACKAGED_DICT.read_bytes()
    expected = {parse_file(p).id for p in data.glob("*.txt")}
    # A package with another dictionary still reads this generation: the records name no dictionary, the
    # generation keeps the one they were written with.
    other = tmp_path / "other.zdict"
    catalog.train_dictionary(sorted((NOTICES / "more").glob("*.txt")), out=other)
    assert other.read_bytes() != catalog.PACKAGED_DICT.read_bytes()
    monkeypatch.setattr(catalog, "PACKAGED_DICT", other)
    read = {n["id"]: n for n in catalog.every_notice(gen)}
    assert set(read) == expected and all(n["paragraphs"] for n in read.values())
