"""Bounded segments and the lean index format (issue 21): an index cut into many small segments answers exactly
as one written in a single segment, notice counts per facet value agree with counting by hand, and the stored
forms (compressed notices, text blocks, float16 weights) read back what was written.
"""

import shutil

import numpy as np
import pytest

from conftest import NOTICES
from indexer import arrays, catalog, store, writers
from indexer.build import rebuild
from indexer.parsing import parse_file
from search_core.embedded.counting import NoticeRuns, value_bits
from search_core.embedded.engine import EmbeddedBackend
from search_core.facets import FACETS
from search_core.results import SearchRequest

QUERIES = ["整改", "差旅费", "三重一大", '"整改 措施"', "公款吃喝 如何整改", "巡察 -差旅费", "问题 OR 措施"]


@pytest.fixture(scope="module")
def notices_folder(tmp_path_factory):
    folder = tmp_path_factory.mktemp("segments") / "data"
    folder.mkdir()
    for path in sorted((NOTICES / "complete").glob("*.txt")) + sorted((NOTICES / "more").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    return folder


@pytest.fixture(scope="module")
def one_segment(notices_folder, tmp_path_factory):
    index = tmp_path_factory.mktemp("one")
    rebuild(notices_folder, index, procs=1)
    return index


@pytest.fixture(scope="module")
def many_segments(notices_folder, tmp_path_factory):
    index = tmp_path_factory.mktemp("many")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(writers, "SEGMENT_PARAGRAPHS", 60)  # a new segment after every notice of 60 paragraphs
        rebuild(notices_folder, index, procs=1)
    return index


def segment_count(index):
    return len(list((store.live_generation(index) / arrays.FOLDER).iterdir()))


def answer(backend, q, **filters):
    result = backend.search(SearchRequest(q=q, filters=filters, per_page=50))
    hits = [(h.notice_id, h.n, h.text, tuple(h.headings), round(h.score, 4)) for h in result.hits]
    facets = {f.name: [(v.value, v.count, v.notices) for v in f.values] for f in result.facets}
    return result.total, hits, facets


def test_a_build_closes_a_segment_once_it_holds_enough_paragraphs(one_segment, many_segments):
    assert segment_count(one_segment) == 1
    assert segment_count(many_segments) >= 3


@pytest.mark.parametrize("q", QUERIES)
def test_many_small_segments_answer_exactly_as_one(one_segment, many_segments, q):
    one, many = EmbeddedBackend(one_segment), EmbeddedBackend(many_segments)
    total, hits, facets = answer(one, q)
    assert hits, q
    assert answer(many, q) == (total, hits, facets)
    # And with a paragraph facet and a notice facet selected.
    role = next(v.value for f in one.search(SearchRequest(q="整改")).facets if f.name == "role" for v in f.values)
    assert answer(many, q, role=[role]) == answer(one, q, role=[role])


def test_notice_counts_per_value_agree_with_counting_by_hand(many_segments):
    snap = EmbeddedBackend(many_segments).snapshot()
    rng = np.random.default_rng(7)
    for name in [f.name for f in FACETS if f.kind in ("paragraph", "paragraph_set")]:
        codes = snap.facets[name]
        for share in (0, 0.05, 0.5, 1.0):
            docs = np.flatnonzero(snap.live & (rng.random(snap.size) < share))
            by_hand = [set() for _ in codes.values]
            for doc, notice in zip(docs.tolist(), snap.notice_of[docs].tolist()):
                value = codes.value(doc)
                for v in (value if isinstance(value, list) else [value] if value else []):
                    by_hand[codes.index[v]].add(notice)
            expected = [len(s) for s in by_hand]
            assert codes.notice_counts(docs, NoticeRuns(snap.notice_of[docs])).tolist() == expected
            shuffled = rng.permutation(docs)  # a notice's documents no longer in one run
            assert codes.notice_counts(shuffled, NoticeRuns(snap.notice_of[shuffled])).tolist() == expected


def test_the_stored_forms_read_back_what_was_written(many_segments, notices_folder):
    gen = store.live_generation(many_segments)
    stored = {n["id"]: n for n in catalog.every_notice(gen)}
    snap = EmbeddedBackend(many_segments).snapshot()
    shown = {}  # (notice id, n) -> (text, headings) as the engine reads them from the compressed blocks
    for docnum in np.flatnonzero(snap.live).tolist():
        seg, local = snap.locate(docnum)
        entry, text, headings, *_tags = snap.paragraph(docnum)
        shown[entry["id"], int(seg.doc_n[local])] = (text, list(headings))
    paragraphs = 0
    for path in sorted(notices_folder.glob("*.txt")):
        notice = parse_file(path, root=notices_folder)
        assert stored[notice.id]["paragraphs"] == notice.to_dict()["paragraphs"]
        for paragraph in notice.paragraphs:
            assert shown[notice.id, paragraph.n] == (paragraph.text, list(paragraph.headings))
            paragraphs += 1
    assert paragraphs == len(shown)
    for folder in (gen / arrays.FOLDER).iterdir():
        weights = np.load(folder / "word_weights.npy")
        assert weights.dtype == np.float16 and not (folder / "text_codes.npy").exists()


def test_notice_counts_of_values_past_one_word_of_bits():
    # No facet of the shipped notices has more than 64 values; a taxonomy that grows past them keeps its counts.
    values = [(0,), (63,), (64,), (70, 0), ()]
    bits = value_bits(values, 71)
    assert bits.shape == (6, 2)
    codes = np.array([0, 2, 3, 3, 1, 4, 2, 5])  # documents' codes (5: the row of no value)
    notices = np.array([0, 0, 0, 1, 1, 1, 2, 2])
    expected = np.zeros(71, np.int64)
    expected[[0, 63, 64, 70]] = [2, 1, 2, 2]
    assert NoticeRuns(notices).count(bits[codes], 71).tolist() == expected.tolist()
    order = np.array([7, 3, 0, 5, 1, 6, 2, 4])  # the same documents in no order
    assert NoticeRuns(notices[order]).count(bits[codes[order]], 71).tolist() == expected.tolist()
