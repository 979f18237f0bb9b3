"""Near-copies (indexer/duplicates.py, search_core/embedded/similar.py): found, clustered, kept by update, counted.

The data: the five shipped notices, and "planted" notices made from them as units
make theirs — notice 003 (公主岭市文联) taken over by another unit with its name
changed throughout, plus a measure of notice 000 (长春市二道区文旅局) with a few
words changed. Which paragraphs are near-copies is decided independently here by
comparing every pair of paragraphs with rapidfuzz.
"""

import shutil

import numpy as np
import pytest
from rapidfuzz.distance import Indel

from conftest import NOTICES
from indexer import duplicates, settings, writers
from indexer.build import rebuild, update
from indexer.folding import fold
from indexer.store import live_generation
from search_core.embedded import similar
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest
from search_app import create_app

SOURCE_000 = NOTICES / "complete" / "000_770efd74347c2cb3.txt"
SOURCE_003 = NOTICES / "complete" / "003_e27e9ae513fad7e5.txt"
#: The measure of notice 000 the planted notice copies, and the copy with its small edits.
COPIED = ("严格落实“第一议题”制度，制定并完善党组理论学习中心组年度学习计划。全面践行习近平总书记关于旅游工作等重要讲话精神，"
          "积极协调推进长拖1958景区1#厂房建设进度，持续开展二道区消夏露营活动，推出长拖1958“厰办营地”、雪驰山生态景区“撒欢露营”等项目。")
EDITED = ("认真落实“第一议题”制度，制定并完善党组理论学习中心组年度学习计划。全面践行习近平总书记关于旅游工作等重要讲话精神，"
          "协调推进长拖1958景区1#厂房建设进度，持续开展消夏露营活动，推出长拖1958“厰办营地”、雪驰山生态景区“撒欢露营”等项目。")
ANCHOR = "整改情况：组织全体干部参加学习了中国"


def planted_text():
    """Notice 003 as another unit (公主岭市作家协会) would publish it, with a measure of notice 000 added."""
    text = SOURCE_003.read_text(encoding="utf-8-sig")
    text = text.replace("文学艺术界联合会", "作家协会").replace("市文联", "市作协").replace("文联", "作协")
    lines = text.splitlines()
    at = next(i for i, line in enumerate(lines) if line.strip().startswith(ANCHOR))
    lines.insert(at + 1, EDITED)
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def planted_data(tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted-data")
    for path in sorted((NOTICES / "complete").glob("*.txt")):
        shutil.copy(path, folder / path.name)
    (folder / "planted.txt").write_text(planted_text(), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def planted_index(planted_data, tmp_path_factory):
    folder = tmp_path_factory.mktemp("planted-index")
    rebuild(planted_data, folder)
    return folder


def expected_copies(backend):
    """(notice id, n) of every paragraph with a near-copy in another notice, by comparing every pair, boilerplate aside."""
    threshold = settings.get("DUPLICATE_SIMILARITY")
    paragraphs = []
    for entry in backend.notices():
        notice = backend.notice(entry["id"])
        for p in notice["paragraphs"]:
            text = fold(p["text"])
            boilerplate = (p.get("role") in duplicates.BOILERPLATE_ROLES or duplicates.BOILERPLATE.search(text))
            if len(text) >= duplicates.MIN_CHARS and not boilerplate:
                paragraphs.append((entry["id"], p["n"], text))
    found = set()
    for i, (notice_a, n_a, a) in enumerate(paragraphs):
        for notice_b, n_b, b in paragraphs[i + 1:]:
            if notice_a != notice_b and Indel.normalized_similarity(a, b) * 100 >= threshold:
                found |= {(notice_a, n_a), (notice_b, n_b)}
    return found


def copied_paragraphs(backend):
    """(notice id, n) of every paragraph the index counts as a near-copy, read through the engine's arrays."""
    snap = backend.snapshot()
    docs = np.flatnonzero(snap.live & (snap.similar.others > 0))
    return {(snap.catalog[snap.notice_of[d]]["id"], int(snap.n_of[d])) for d in docs}


def paragraph_of(backend, notice_id, text):
    notice = backend.notice(notice_id)
    return next(p["n"] for p in notice["paragraphs"] if p["text"] == text)


def planted_id(backend):
    return next(e["id"] for e in backend.notices() if e["source"] == "planted.txt")


def test_signatures_are_datasketch_minhashes():
    """The numpy signatures equal datasketch.MinHash over the same shingle hashes, for real paragraphs."""
    from datasketch import MinHash

    texts = [fold(COPIED), fold(EDITED), fold(SOURCE_003.read_text(encoding="utf-8-sig").splitlines()[6])]
    codes = np.frombuffer("".join(texts).encode("utf-32-le"), dtype=np.uint32)
    starts = np.cumsum([0] + [len(t) for t in texts])
    a, b = duplicates.permutations()
    assert [a.tolist(), b.tolist()] == MinHash(num_perm=len(a), seed=duplicates.SEED).permutations.tolist()
    ours = duplicates.signatures(codes, starts, a, b)
    for text, signature in zip(texts, ours):
        theirs = MinHash(num_perm=len(a), seed=duplicates.SEED, hashfunc=int)
        theirs.update_batch(duplicates.shingle_hash(np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)).tolist())
        assert signature.tolist() == theirs.hashvalues.tolist()
    # The copy with small edits agrees on far more values than unrelated text does.
    assert (ours[0] == ours[1]).mean() > 0.5 > (ours[0] == ours[2]).mean()


def test_the_shipped_notices_copy_nothing_from_each_other(index_dir):
    backend = EmbeddedBackend(index_dir)
    assert copied_paragraphs(backend) == expected_copies(backend) == set()


def test_planted_copies_with_small_edits_are_found(planted_index):
    backend = EmbeddedBackend(planted_index)
    found = copied_paragraphs(backend)
    assert found == expected_copies(backend)
    planted = planted_id(backend)
    original = backend.notice(next(e["id"] for e in backend.notices() if e["source"] == SOURCE_000.name))
    pair = {(original["id"], paragraph_of(backend, original["id"], COPIED)), (planted, paragraph_of(backend, planted, EDITED))}
    assert pair <= found
    # Every measure of notice 003 reappears, with the unit's name changed, in the planted notice.
    source_003 = next(e["id"] for e in backend.notices() if e["source"] == SOURCE_003.name)
    measures = [p for p in backend.notice(source_003)["paragraphs"]
                if "整改措施" in (p.get("roles") or []) and len(p["text"]) >= duplicates.MIN_CHARS]
    assert measures and all((source_003, p["n"]) in found for p in measures)


def test_boilerplate_is_not_flagged(planted_index):
    """The intro and the closing 欢迎…监督 of 003 are in the planted notice almost word for word: never 雷同."""
    backend = EmbeddedBackend(planted_index)
    snap = backend.snapshot()
    planted = planted_id(backend)
    closing = [p for p in backend.notice(planted)["paragraphs"] if p["text"].startswith("欢迎广大干部群众")]
    intro = [p for p in backend.notice(planted)["paragraphs"] if p["text"].startswith("根据市委统一部署")]
    assert len(closing) == len(intro) == 1
    for p in closing + intro:
        docnum = backend._docnum(snap, planted, p["n"])
        assert snap.similar.cluster[docnum] >= 0  # found as alike ...
        assert snap.similar.boilerplate[docnum]  # ... and recognised as the template
        assert snap.similar.others_of(docnum) == 0


def test_paragraphs_are_compared_in_notice_and_number_order_whatever_order_the_segments_were_written(
        planted_data, tmp_path, monkeypatch):
    """Buckets chain each paragraph to the one before it, so the order decides which pairs are verified: it must
    not be the order in which a build's workers happened to finish their segments."""
    monkeypatch.setattr(writers, "SEGMENT_PARAGRAPHS", 60)  # several segments, in the order of the files
    rebuild(planted_data, tmp_path / "index")
    gen = (tmp_path / "index" / "current").resolve()
    paras = duplicates.Paragraphs(gen)
    assert len(store_segments(gen)) > 2
    assert paras.notice_ids == sorted(paras.notice_ids)
    keys = list(zip(paras.notice.tolist(), paras.n.tolist()))
    assert keys == sorted(keys) and len(set(keys)) == len(keys)
    # Each text is still its own paragraph's.
    backend = EmbeddedBackend(tmp_path / "index")
    for i in (0, len(paras) // 2, len(paras) - 1):
        notice = backend.notice(paras.notice_ids[paras.notice[i]])
        shown = next(p["text"] for p in notice["paragraphs"] if p["n"] == paras.n[i])
        assert paras[i] == fold(shown)


def test_signatures_computed_a_few_paragraphs_at_a_time_are_the_same(planted_index, tmp_path, monkeypatch):
    """A build signs its paragraphs in batches (`SIGNED_AT_ONCE`) to bound memory; the batches change nothing."""
    written = live_generation(planted_index) / duplicates.FOLDER
    monkeypatch.setattr(duplicates, "SIGNED_AT_ONCE", 7)
    gen = tmp_path / "gen"
    shutil.copytree(live_generation(planted_index), gen, ignore=shutil.ignore_patterns(duplicates.FOLDER))
    duplicates.write(gen, settings.get("DUPLICATE_SIMILARITY"))
    assert len(duplicates.Paragraphs(gen)) > 7 * 10
    for name in ("para_bands", "pair_a", "pair_b", "para_cluster"):
        assert np.array_equal(np.load(written / f"{name}.npy"), np.load(gen / duplicates.FOLDER / f"{name}.npy")), name


def test_the_pairs_of_some_buckets_are_the_candidate_pairs_in_them():
    """An update pairs afresh only the buckets its new and removed paragraphs are in (`touched_pairs`): with every
    bucket touched that is all the candidate pairs; with a few, exactly the candidate pairs inside those.

    Keys drawn from a small range, so that buckets are large and texts repeat, as in a corpus of templates.
    """
    rng = np.random.default_rng(5)
    count = 3000
    text = rng.integers(0, 2000, count)  # which text each paragraph has: its hash and its band keys
    hashes = text.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    keys = (rng.integers(0, 400, (2000, duplicates.BANDS)).astype(np.uint64) * np.uint64(0x100000001B3))[text]
    every = duplicates.candidate_pairs(keys, hashes)
    assert len(every) > 3000
    all_keys = [np.unique(keys[:, band]) for band in range(duplicates.BANDS)]
    assert np.array_equal(duplicates.touched_pairs(keys, hashes, np.unique(hashes), all_keys),
                          every[:, 0] * count + every[:, 1])
    # A few paragraphs' buckets: every candidate pair sharing one of those buckets, and no other.
    some = np.arange(0, count, 7)
    touched_hashes = np.unique(hashes[some])
    touched_keys = [np.unique(keys[some, band]) for band in range(duplicates.BANDS)]
    found = set(duplicates.touched_pairs(keys, hashes, touched_hashes, touched_keys).tolist())
    # The same, the slow way: identical texts each with the next; in each touched band bucket of the first
    # paragraphs of their texts, each with the bucket's first and with the one before it.
    same_text = [[i for i in range(count) if hashes[i] == h] for h in touched_hashes.tolist()]
    expected = {x * count + y for group in same_text for x, y in zip(group, group[1:])}
    firsts = sorted({h: i for i, h in reversed(list(enumerate(hashes.tolist())))}.values())
    for band in range(duplicates.BANDS):
        for k in touched_keys[band].tolist():
            bucket = [i for i in firsts if keys[i, band] == k]
            expected |= {x * count + y for at, y in enumerate(bucket[1:], 1) for x in (bucket[0], bucket[at - 1])}
    assert found == expected and len(found) > 500


def store_segments(gen):
    return [p for p in (gen / "arrays").iterdir() if p.is_dir()]


def test_update_keeps_clusters_right(planted_data, tmp_path):
    """A changed and a removed notice update the clusters as a rebuild of the same files would."""
    data = tmp_path / "data"
    shutil.copytree(planted_data, data)
    index = tmp_path / "index"
    rebuild(data, index)
    backend = EmbeddedBackend(index)
    planted = planted_id(backend)
    source_000 = next(e["id"] for e in backend.notices() if e["source"] == SOURCE_000.name)
    copied_n = paragraph_of(backend, source_000, COPIED)
    assert (source_000, copied_n) in copied_paragraphs(backend)

    # Changed: the planted notice drops the paragraph it took from 000.
    (data / "planted.txt").write_text(planted_text().replace(EDITED + "\n", ""), encoding="utf-8")
    assert update(data, index).action == "update"
    backend = EmbeddedBackend(index)
    assert planted_id(backend) != planted
    found = copied_paragraphs(backend)
    assert (source_000, copied_n) not in found
    assert found == expected_copies(backend)
    assert _clusters(backend) == _clusters_rebuilt(data, tmp_path / "rebuilt-1")
    _read_the_same_either_way(backend)
    meta = _meta(index)
    assert meta["reused"] > 0 and meta["signed"] < meta["reused"]  # only the changed notice was signed afresh

    # Removed: nothing is a copy any more.
    (data / "planted.txt").unlink()
    assert update(data, index).action == "update"
    backend = EmbeddedBackend(index)
    assert copied_paragraphs(backend) == expected_copies(backend) == set()

    # Added back: found again.
    (data / "planted.txt").write_text(planted_text(), encoding="utf-8")
    assert update(data, index).action == "update"
    backend = EmbeddedBackend(index)
    assert (source_000, copied_n) in copied_paragraphs(backend)
    assert copied_paragraphs(backend) == expected_copies(backend)
    assert _clusters(backend) == _clusters_rebuilt(data, tmp_path / "rebuilt-2")
    _read_the_same_either_way(backend)


def _read_the_same_either_way(backend):
    """The near-copy arrays found by arithmetic on each notice's run of docnums equal those found by sorting
    (the general way, for a snapshot whose notices are not one run each), deleted documents and all."""
    snap = backend.snapshot()
    assert not snap.live.all()  # an updated index: the old versions' documents are still there
    live = np.flatnonzero(snap.live)
    assert similar._notice_runs(snap, live) is not None
    by_runs = similar.Similar(snap)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(similar, "_notice_runs", lambda snap, live: None)
        by_sorting = similar.Similar(snap)
    for name in ("cluster", "boilerplate", "others", "members", "member_starts"):
        assert np.array_equal(getattr(by_runs, name), getattr(by_sorting, name)), name
    # A notice whose paragraphs are not numbered one by one, or that stands in two runs, is not a run.
    renumbered = _Seen(snap, n_of=snap.n_of.copy())
    renumbered.n_of[live[1]] += 1000
    assert similar._notice_runs(renumbered, live) is None
    swapped = _Seen(snap, notice_of=snap.notice_of.copy())
    swapped.notice_of[live[[1, -1]]] = swapped.notice_of[live[[-1, 1]]]
    assert similar._notice_runs(swapped, live) is None


class _Seen:
    """A snapshot seen with some of its arrays replaced."""

    def __init__(self, snap, **arrays):
        self._snap = snap
        self.__dict__.update(arrays)

    def __getattr__(self, name):
        return getattr(self._snap, name)


def _meta(index):
    import json

    return json.loads((live_generation(index) / duplicates.FOLDER / duplicates.META).read_text(encoding="utf-8"))


def _clusters(backend):
    """The clusters as sets of (notice id, n), boilerplate ones included."""
    snap = backend.snapshot()
    groups = {}
    for d in np.flatnonzero(snap.live & (snap.similar.cluster >= 0)).tolist():
        groups.setdefault(int(snap.similar.cluster[d]), set()).add((snap.catalog[snap.notice_of[d]]["id"], int(snap.n_of[d])))
    return sorted(sorted(g) for g in groups.values())


def _clusters_rebuilt(data, index):
    rebuild(data, index)
    return _clusters(EmbeddedBackend(index))


def test_the_filter_counts_paragraphs_and_notices_with_copies(planted_index):
    backend = EmbeddedBackend(planted_index)
    expected = expected_copies(backend)
    everything = backend.search(SearchRequest(q=""))
    facet = next(f for f in everything.facets if f.name == "duplicate")
    assert [(v.value, v.count, v.notices) for v in facet.values] == \
        [("有雷同", len(expected), len({notice for notice, _ in expected}))]
    chosen = backend.search(SearchRequest(q="", filters={"duplicate": ["有雷同"]}, per_page=100))
    assert chosen.total == len(expected)
    assert {(h.notice_id, h.n) for h in chosen.hits} == expected
    assert all(h.similar == 1 for h in chosen.hits)
    # With a query: the count is of the matching paragraphs that are copies.
    word = backend.search(SearchRequest(q="第一议题", filters={"duplicate": ["有雷同"]}, per_page=100))
    assert word.total == 2
    assert {(h.notice_id, h.n) for h in word.hits if h.match != "related"} == {k for k in expected if "第一议题" in
                                                      next(p["text"] for p in backend.notice(k[0])["paragraphs"]
                                                           if p["n"] == k[1])}


@pytest.fixture(scope="module")
def planted_client(planted_data, planted_index):
    return create_app({"TESTING": True, "DATA_DIR": planted_data, "INDEX_DIR": planted_index}).test_client()


def test_a_hit_and_the_notice_page_say_how_many_notices_hold_a_copy(planted_client):
    page = planted_client.get("/?q=厰办营地").get_data(as_text=True)
    assert page.count("与另 1 份通报表述高度相似") == 2
    api = planted_client.get("/api/search?q=厰办营地").get_json()
    assert sorted(h["similar"] for h in api["hits"]) == [1, 1]
    hit = api["hits"][0]
    notice = planted_client.get(f"/notices/{hit['notice_id']}").get_data(as_text=True)
    assert f'href="/similar/{hit["notice_id"]}/{hit["n"]}"' in notice


def test_the_side_by_side_page_marks_the_differing_characters(planted_client):
    api = planted_client.get("/api/search?q=厰办营地&per_page=100").get_json()
    original = next(h for h in api["hits"] if h["text"] == COPIED)
    data = planted_client.get(f"/api/similar/{original['notice_id']}/{original['n']}").get_json()
    assert data["notices"] == 1 and len(data["copies"]) == 1
    copy = data["copies"][0]
    assert copy["text"] == EDITED
    assert copy["similarity"] == round(Indel.normalized_similarity(COPIED, EDITED) * 100, 1)
    # What 000 says and the copy does not, and the other way round, is marked; the rest is not.
    base_marks = "".join(part.split("</mark>")[0] for part in copy["base_diff"].split("<mark>")[1:])
    copy_marks = "".join(part.split("</mark>")[0] for part in copy["diff"].split("<mark>")[1:])
    assert "积极" in base_marks and "二道区" in base_marks and "第一议题" not in base_marks
    assert "认真" in copy_marks and "第一议题" not in copy_marks
    page = planted_client.get(f"/similar/{original['notice_id']}/{original['n']}").get_data(as_text=True)
    assert "与另 1 份通报表述高度相似" in page and "<mark>" in page
    assert planted_client.get(f"/similar/{original['notice_id']}/9999").status_code == 404
    assert planted_client.get("/api/similar/nosuchnotice/1").status_code == 404


def test_more_like_this_finds_the_same_topic_in_other_words(planted_client):
    api = planted_client.get("/api/search?q=差旅费").get_json()
    hit = api["hits"][0]
    data = planted_client.get(f"/api/more/{hit['notice_id']}/{hit['n']}").get_json()
    assert data["words"] and data["hits"]
    assert all(h["notice_id"] != hit["notice_id"] for h in data["hits"])
    assert all(Indel.normalized_similarity(fold(h["text"]), fold(hit["text"])) * 100 < 80 for h in data["hits"])
    # Its best hit shares the most distinctive words.
    assert set(data["words"]) & set(w for w in data["words"] if w in fold(data["hits"][0]["text"]))
    assert planted_client.get(f"/more/{hit['notice_id']}/{hit['n']}").status_code == 200


def test_the_report_ranks_the_planted_notice_first_with_its_source(planted_client):
    data = planted_client.get("/api/copies").get_json()
    first = data["lines"][0]
    assert first["title"] == "公主岭市作家协会关于巡察整改进展情况的通报" or "作协" in first["title"] or "作家协会" in first["title"]
    assert first["share"] == 1.0 or first["copied"] == first["measures"]
    source_003 = next(line for line in data["lines"] if line["notice_id"] == first["source"]["notice_id"])
    # 003 and the planted notice copy each other: each one's source is the other.
    assert source_003["source"]["notice_id"] == first["notice_id"]
    assert "雷同报告" in planted_client.get("/copies").get_data(as_text=True)
    assert planted_client.get("/api/copies?limit=x").status_code == 400


def test_a_damaged_duplicates_file_is_refused_with_a_sentence(planted_index, tmp_path):
    from indexer.errors import IndexUnavailable

    copy = tmp_path / "index"
    shutil.copytree(planted_index, copy, symlinks=True)
    target = live_generation(copy) / duplicates.FOLDER / "para_cluster.npy"
    target.write_bytes(target.read_bytes()[:-8])
    with pytest.raises(IndexUnavailable, match=r"is damaged \(duplicates/para_cluster\.npy is \d+ bytes instead of \d+\); rebuild it"):
        EmbeddedBackend(copy).open()
