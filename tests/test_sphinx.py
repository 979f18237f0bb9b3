"""The sphinx backend against the embedded one, on real searchd nodes: same matches, same counts, faults.

A fixture starts local clusters of two `searchd` each on 127.0.0.1, with their
configuration and data under the test's temporary folder (`./dev test`
installs Debian's sphinxsearch). Every benchmark query is asked of both
backends over the same notices, the shipped ones and a 1,000-notice bench
corpus; the exact and the partial tier must hold the same paragraphs and
every facet the same counts, also narrowed as people narrow (a role among a
paragraph's roles, a month range, a county and a unit, a find box), and the
pages and CSV exports (grouped too) read the same. Then the faults: a node
killed, a node back, a load killed halfway, a version of another layout.
"""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

import pytest

from indexer import settings
from indexer.build import rebuild
from indexer.errors import IndexUnavailable
from indexer.folding import fold
from indexer.sphinx import cluster, layout, load, versions
from indexer.sphinx.nodes import Cluster
from search_core.backend import open_backend
from search_core.query import parse, term_pattern
from search_core.results import SearchRequest
from search_app import create_app

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from queries import QUERIES  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("searchd") is None,
                                reason="searchd is not installed (./dev test installs Debian's sphinxsearch)")
#: Queries beyond the benchmark's: scopes, a phrase with a space, punctuation, one character.
EXTRA = [("scope", "标题:整改", {}), ("scope", "单位:局 整改", {}), ("phrase", '"整改 措施"', {}),
         ("phrase", '"，"', {}), ("word", "的", {}), ("word", "a", {}), ("word", "2023年", {}),
         ("phrase", '"巡 察 整 改 工 作 领 导 小 组"', {}), ("word", "整改 措施", {})]


def _free_base(count):
    """A port P such that P .. P + 2 * count - 1 are free on 127.0.0.1."""
    for base in range(21000, 40000, 97):
        try:
            for port in range(base, base + 2 * count):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
    raise RuntimeError("no free ports")


@pytest.fixture(scope="module")
def make_cluster(tmp_path_factory):
    """Start a local cluster of two nodes (a folder per call); stop them all at the end."""
    folders = []

    def make():
        folder = tmp_path_factory.mktemp("cluster")
        nodes = cluster.init(folder, 2, _free_base(2))
        folders.append(folder)
        cluster.start(folder)
        return folder, nodes

    yield make
    with ThreadPoolExecutor(len(folders) or 1) as pool:  # at once: each node writes its tables out as it stops
        list(pool.map(cluster.stop, folders))


def _config(nodes, **more):
    return settings.as_dict({"BACKEND": "sphinx", "SPHINX_NODES": ",".join(nodes), **more})


def _client(nodes, data, **more):
    """A test client of the web app on the cluster, with `data` as its data folder (for the originals)."""
    return create_app({**_config(nodes, **more), "TESTING": True, "DATA_DIR": data}).test_client()


@pytest.fixture(scope="module")
def shipped(make_cluster, data_dir, index_dir):
    """A cluster loaded with the shipped notices, and the embedded backend over the same notices."""
    folder, nodes = make_cluster()
    summary = load.rebuild(data_dir, nodes, procs=1)
    assert (summary.notices, summary.skipped) == (5, [])
    return {"folder": folder, "nodes": nodes, "data": data_dir,
            "embedded": open_backend(settings.as_dict({"INDEX_DIR": index_dir})),
            "sphinx": open_backend(_config(nodes))}


@pytest.fixture(scope="module")
def bench(make_cluster, tmp_path_factory):
    """A cluster and an embedded index of the seeded 1,000-notice bench corpus."""
    import corpus

    root = tmp_path_factory.mktemp("bench")
    notices = corpus.generate(root / "corpus", 1000, 1)
    rebuild(notices, root / "index")
    folder, nodes = make_cluster()
    load.rebuild(notices, nodes)
    return {"notices": notices, "nodes": nodes,
            "embedded": open_backend(settings.as_dict({"INDEX_DIR": root / "index"})),
            "sphinx": open_backend(_config(nodes))}


def matched(backend, request):
    """(exact, partial): the (notice id, n) of the paragraphs of each tier."""
    match = backend._match(request)
    snap = match.snap
    keys = [(snap.catalog[int(snap.notice_of[d])]["id"], int(snap.n_of[d])) for d in match.docs.tolist()]
    return (sorted(k for k, e in zip(keys, match.exact.tolist()) if e),
            sorted(k for k, e in zip(keys, match.exact.tolist()) if not e))


def counted(backend, request):
    """Totals and every facet's counts; not 雷同, which a cluster does not compute (the test below)."""
    result = backend.search(replace(request, per_page=1))
    return ((result.total, result.exact, result.partial, result.total_notices, result.date_span),
            [(f.name, [(v.value, v.count, v.notices, v.selected) for v in f.values], f.available)
             for f in result.facets if f.name != "duplicate"])


def _compare(pair, queries):
    """The queries ((kind, q, filters) or SearchRequests) whose matches or counts differ between the backends."""
    differ = []
    for query in queries:
        request = query if isinstance(query, SearchRequest) else SearchRequest(q=query[1], filters=query[2])
        if matched(pair["embedded"], request) != matched(pair["sphinx"], request) \
                or counted(pair["embedded"], request) != counted(pair["sphinx"], request):
            differ.append(request)
    return differ


def selections(backend):
    """Requests narrowed as people narrow them, with values the corpus holds: any of a paragraph's roles, a month
    range, a county and a unit, a find box over a long list."""
    whole = backend.search(SearchRequest(q="整改"))
    first, last = whole.date_span
    middle = sorted({e["date"][:7] for e in backend.notices() if e["date"]})
    middle = middle[len(middle) // 3: 2 * len(middle) // 3 + 1]
    top = {f.name: [v.value for v in f.values] for f in whole.facets}
    unit = next(e["issuer"] for e in backend.notices() if e["county"] == top["county"][0] and e["issuer"])
    return [SearchRequest(q="整改", filters={"role": ["问题"]}),
            SearchRequest(q="整改", filters={"role": ["整改成效", "下一步计划"], "category": top["category"][:1]}),
            SearchRequest(q="存在问题 整改措施"),  # role words: those roles ranked first
            SearchRequest(q="整改", date_from=middle[0], date_to=middle[-1]),
            SearchRequest(q="整改", date_from=middle[-1], filters={"role": ["问题"]}),
            SearchRequest(q="", date_to=first),
            SearchRequest(q="意见", date_from=last, date_to=last, sort="oldest"),
            SearchRequest(q="整改", filters={"county": top["county"][:2], "issuer": [unit, top["issuer"][-1]]}),
            SearchRequest(q="整改", find={"issuer": top["issuer"][0][-2:], "notice": "整改", "county": "区"}),
            SearchRequest(q="整改", filters={"problem_type": top["problem_type"][:1]}, find={"county": "市"})]


def test_every_bench_query_matches_and_counts_as_the_embedded_backend_on_the_shipped_notices(shipped):
    assert _compare(shipped, QUERIES + tuple(EXTRA)) == []
    assert counted(shipped["sphinx"], SearchRequest(q="整改"))[0][0] > 100


def test_every_bench_query_matches_and_counts_as_the_embedded_backend_on_1000_notices(bench):
    assert _compare(bench, QUERIES + tuple(EXTRA)) == []
    totals = [counted(bench["sphinx"], SearchRequest(q=q, filters=f))[0][0] for _, q, f in QUERIES]
    assert sum(1 for t in totals if t) > len(QUERIES) * 3 // 4  # the comparison is about real matches


@pytest.mark.parametrize("corpus", ["shipped", "bench"])
def test_roles_month_ranges_counties_units_and_find_boxes_narrow_as_in_the_embedded_backend(corpus, request):
    pair = request.getfixturevalue(corpus)
    asked = selections(pair["embedded"])
    assert _compare(pair, asked) == []
    sphinx = pair["sphinx"]
    # The comparison is about selections that narrow: each keeps some matches and drops others.
    whole = sphinx.search(SearchRequest(q="整改")).total
    for narrowed in (asked[0], asked[3], asked[7]):
        assert 0 < sphinx.search(narrowed).total < whole, narrowed
    # A role selects a paragraph having it among its roles, primary or not (a set, not one code).
    problems = list(sphinx.all_hits(asked[0], highlight=False))
    assert all("问题" in h.roles for h in problems) and any(h.role != "问题" for h in problems)
    # A month range keeps the notices listed within it, to the month.
    ranged = list(sphinx.all_hits(asked[3], highlight=False))
    assert {h.date[:7] for h in ranged} <= {m for m in {e["date"][:7] for e in sphinx.notices()}
                                            if asked[3].date_from <= m <= asked[3].date_to}
    # A find box lists only the values holding its text, and the 区县 facet is there to find in.
    counties = next(f for f in sphinx.search(asked[8]).facets if f.name == "county")
    assert counties.values and all("区" in v.value for v in counties.values)


def test_grouped_exports_list_each_notice_once_with_its_other_matches_as_the_embedded_backend(shipped):
    request = SearchRequest(q="整改 措施", group=True, sort="newest")  # by date: the same best paragraph in both

    def grouped(backend):
        return [(h.notice_id, h.n, h.more_in_notice, h.roles, h.match, h.county, h.date)
                for h in backend.all_hits(request, highlight=False)]

    rows = grouped(shipped["sphinx"])
    assert rows == grouped(shipped["embedded"])
    result = shipped["sphinx"].search(replace(request, group=False))
    assert len(rows) == result.total_notices > 1 and sum(1 + row[2] for row in rows) == result.total


def test_quoted_phrases_find_exactly_the_paragraphs_holding_them(bench):
    sphinx = bench["sphinx"]
    snap = sphinx.snapshot()
    texts = {}
    for entry in snap.catalog:
        for p in sphinx.notice(entry["id"])["paragraphs"]:
            texts[(entry["id"], p["n"])] = fold(p["text"])
    phrases = [q for kind, q, filters in QUERIES if kind == "phrase" and not filters] + ['"，"', '"整改 措施"']
    for q in phrases:
        pattern = term_pattern(parse(q).clauses[0][0].text)  # its folded parts, any whitespace between them
        want = sorted(key for key, text in texts.items() if pattern.search(text))
        exact, _partial = matched(sphinx, SearchRequest(q=q))
        assert exact == want, q


def test_hits_and_exports_read_the_same_paragraphs_and_marks(shipped):
    request = SearchRequest(q="差旅费 报销 退还", per_page=5)
    a, b = shipped["embedded"].search(request), shipped["sphinx"].search(request)
    matches = [h for h in b.hits if h.match != "related"]  # related paragraphs follow a short page, uncounted
    assert {(h.notice_id, h.n, h.text, tuple(h.spans), h.match, tuple(h.roles), h.county, h.date) for h in matches} <= \
        {(h.notice_id, h.n, h.text, tuple(h.spans), h.match, tuple(h.roles), h.county, h.date)
         for h in shipped["embedded"].all_hits(request)}
    assert len(matches) == len([h for h in a.hits if h.match != "related"]) > 0
    exported = list(shipped["sphinx"].all_hits(SearchRequest(q="整改"), highlight=False))
    assert sorted((h.notice_id, h.n, h.text) for h in exported) == \
        sorted((h.notice_id, h.n, h.text) for h in shipped["embedded"].all_hits(SearchRequest(q="整改"), False))
    notice = shipped["sphinx"].notice(b.hits[0].notice_id)
    assert notice == shipped["embedded"].notice(b.hits[0].notice_id)
    assert [c.text for c in shipped["sphinx"].suggest("szyd")] == [c.text for c in shipped["embedded"].suggest("szyd")]


def test_a_node_down_is_a_503_naming_it_or_flagged_partial_results_and_whole_again_when_back(shipped):
    folder, nodes, data = shipped["folder"], shipped["nodes"], shipped["data"]
    strict = _client(nodes, data)
    partial = _client(nodes, data, SPHINX_PARTIAL_RESULTS=True)
    whole = strict.get("/api/search?q=整改").get_json()
    assert whole["ok"] and whole["missing_shards"] == [] and whole["total"] > 0
    cluster.kill(folder, 1)
    try:
        answer = strict.get("/api/search?q=整改")
        assert answer.status_code == 503
        assert nodes[1] in answer.get_json()["error"] and "分片" in answer.get_json()["error"]
        flagged = partial.get("/api/search?q=整改").get_json()
        assert flagged["missing_shards"] == [{"shard": 2, "node": nodes[1]}]
        assert 0 < flagged["total"] < whole["total"]
        assert any(nodes[1] in note for note in flagged["notes"])
    finally:
        cluster.start(folder)
    for client in (strict, partial):
        again = client.get("/api/search?q=整改").get_json()
        assert (again["total"], again["missing_shards"]) == (whole["total"], [])


def test_a_load_killed_halfway_leaves_the_old_version_serving(shipped, bench):
    nodes, sphinx = shipped["nodes"], shipped["sphinx"]
    before = versions.require_live(Cluster(nodes))
    total = sphinx.search(SearchRequest(q="整改")).total
    command = [sys.executable, "-m", "indexer.cli", "rebuild", "--backend", "sphinx", "--nodes", ",".join(nodes),
               "--data", str(bench["notices"]), "--procs", "1"]
    process = subprocess.Popen(command, cwd=ROOT, start_new_session=True, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    loading = "b" if before.slot == "a" else "a"
    probe = Cluster(nodes)
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:  # until the new version holds some rows
            probe.rows(0, f"SELECT id FROM {layout.paragraphs(loading)} LIMIT 1")
            if int(probe.meta(0).get("total_found", 0)) > 500:
                break
            time.sleep(0.2)
        else:
            pytest.fail("the load wrote nothing within two minutes")
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    assert versions.require_live(Cluster(nodes)) == before
    assert sphinx.search(SearchRequest(q="整改")).total == total
    status = "\n".join(cluster.status(nodes))
    assert f"live: version {before.generation}" in status and "loading or failed" in status
    assert load.update(shipped["data"], nodes, procs=1).generation == ""  # nothing changed: nothing to load
    after = load.rebuild(shipped["data"], nodes, procs=1)
    assert after.generation and versions.require_live(Cluster(nodes)).generation > before.generation
    assert sphinx.search(SearchRequest(q="整改")).total == total


def test_nodes_listed_out_of_order_are_refused_with_the_reason(shipped):
    backend = open_backend(_config(list(reversed(shipped["nodes"]))))
    with pytest.raises(Exception, match="listed"):
        backend.open()


def test_the_cluster_commands(tmp_path):
    base = _free_base(1)
    run = [sys.executable, "-m", "indexer.cli", "cluster"]
    out = subprocess.run(run + ["init", "--dir", str(tmp_path / "c"), "--nodes", "1", "--port-base", str(base)],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and f"127.0.0.1:{base}" in out.stdout
    try:
        assert subprocess.run(run + ["start", "--dir", str(tmp_path / "c")], cwd=ROOT).returncode == 0
        status = subprocess.run(run + ["status", "--dir", str(tmp_path / "c")], capture_output=True, text=True,
                                cwd=ROOT)
        assert status.returncode == 0
        assert status.stdout.splitlines()[0] == "live: no version is complete on every node"
        assert f"up    node 1 127.0.0.1:{base}: empty" in status.stdout
    finally:
        subprocess.run(run + ["stop", "--dir", str(tmp_path / "c")], cwd=ROOT)
    down = subprocess.run(run + ["status", "--dir", str(tmp_path / "c")], capture_output=True, text=True, cwd=ROOT)
    assert down.returncode == 1 and f"down  node 1 127.0.0.1:{base}" in down.stdout


def test_an_update_loads_added_changed_and_removed_notices_as_a_rebuild_would(make_cluster, data, tmp_path):
    _folder, nodes = make_cluster()
    load.rebuild(data, nodes, procs=1)
    first = sorted(data.glob("*.txt"))
    first[0].unlink()
    shutil.copy(ROOT / "tests" / "notices" / "web" / "001.txt", data / "web-001.txt")
    (data / "moved").mkdir()
    first[1].rename(data / "moved" / first[1].name)
    summary = load.update(data, nodes, procs=1)
    assert (summary.files["added"], summary.files["removed"]) == (2, 2)  # a move is a removal and an addition
    rebuild(data, tmp_path / "index")
    pair = {"embedded": open_backend(settings.as_dict({"INDEX_DIR": tmp_path / "index"})),
            "sphinx": open_backend(_config(nodes))}
    assert _compare(pair, [q for q in QUERIES if q[0] in ("word", "phrase")][:12]) == []
    moved = next(e for e in pair["sphinx"].notices() if e["source"].startswith("moved/"))
    assert pair["sphinx"].notice(moved["id"])["source"] == f"moved/{first[1].name}"


def test_notice_index_search_answers_from_the_cluster(shipped):
    import json

    run = [sys.executable, "-m", "indexer.cli", "search", "差旅费", '"整改措施"', "--json", "--limit", "3"]
    embedded = subprocess.run(run, capture_output=True, text=True, cwd=ROOT,
                              env={**os.environ, "NOTICE_SEARCH_INDEX": str(shipped["embedded"].index_dir)})
    sphinx = subprocess.run(run + ["--backend", "sphinx", "--nodes", ",".join(shipped["nodes"])],
                            capture_output=True, text=True, cwd=ROOT)
    assert sphinx.returncode == 0, sphinx.stderr
    totals = [[(line["total"], line["exact"]) for line in map(json.loads, out.stdout.splitlines())]
              for out in (embedded, sphinx)]
    assert totals[0] == totals[1] and totals[1][0][0] > 0


def test_a_file_the_parser_cannot_read_is_reported_and_not_read_again_by_each_update(make_cluster, data):
    _folder, nodes = make_cluster()
    (data / "empty.txt").write_bytes(b"   \n")
    first = load.rebuild(data, nodes, procs=1)
    assert [source for source, _ in first.skipped] == ["empty.txt"] and first.notices == 5
    again = load.update(data, nodes, procs=1)
    assert (again.generation, again.skipped) == ("", first.skipped)


def test_statistics_and_comparisons_count_as_the_embedded_backend(shipped):
    for q in ("整改", "差旅费 报销", "意识形态 存在问题"):
        request = SearchRequest(q=q)
        a, b = shipped["embedded"].stats(request), shipped["sphinx"].stats(request)
        a.took_ms = b.took_ms = 0
        assert a == b, q

        def rows(result):
            return sorted((row.notice["id"], row.matches, repr(row.more),
                           {k: sorted((h.notice_id, h.n) for h in v) for k, v in row.cells.items()}.items().__repr__())
                          for row in result.rows)

        ca, cb = shipped["embedded"].compare(request), shipped["sphinx"].compare(request)
        assert (rows(ca), ca.notices) == (rows(cb), cb.notices) and cb.notices > 0, q


def test_generated_notices_are_labelled_on_the_page_and_real_ones_not(shipped, bench):
    for pair, generated in ((shipped, False), (bench, True)):
        for backend in (pair["embedded"], pair["sphinx"]):
            backend.open()
            assert backend.describe().get("generated") is generated
    demo, real = _client(bench["nodes"], bench["notices"]), _client(shipped["nodes"], shipped["data"])
    assert "演示数据" in demo.get("/?q=整改").get_data(as_text=True)
    assert "演示数据" not in real.get("/?q=整改").get_data(as_text=True)


def test_every_page_and_export_answers_from_the_cluster_as_from_the_index_folder(shipped):
    sphinx = _client(shipped["nodes"], shipped["data"])
    embedded = create_app({"TESTING": True, "DATA_DIR": shipped["data"],
                           "INDEX_DIR": shipped["embedded"].index_dir}).test_client()
    notice = sphinx.get("/api/search?q=整改").get_json()["hits"][0]["notice_id"]
    for url in ("/", "/?q=整改&role=问题&date_from=2023-12&date_to=2024-01&group=1", "/stats?q=整改",
                "/compare?q=整改", f"/notices/{notice}?q=整改", f"/notices/{notice}/source"):
        assert sphinx.get(url).status_code == 200, url
    # The CSV in date order (a ranking order within a tier is the nodes' own): the same rows, columns and all.
    for url in ("/api/search.csv?q=整改&role=问题&sort=newest", "/api/search.csv?q=整改&group=1&sort=oldest"
                "&county=二道区&county=榆树市&date_from=2023-01"):
        rows = sphinx.get(url).get_data(as_text=True)
        assert rows == embedded.get(url).get_data(as_text=True) and rows.count("\n") > 2, url


def test_a_version_of_another_layout_is_refused_in_one_sentence_and_an_update_loads_everything(make_cluster, data):
    _folder, nodes = make_cluster()
    load.rebuild(data, nodes, procs=1)
    probe = Cluster(nodes)
    live = versions.require_live(probe)
    for shard, rows in versions.states(probe).items():  # as if an older notice-index had loaded it
        row = next(r for r in rows if r["generation"] == live.generation)
        versions.mark_complete(probe, shard, live.slot, live.generation, row["token"], row["paragraphs"],
                               row["notices"], {**live.info, "format": layout.FORMAT - 1})
    with pytest.raises(IndexUnavailable, match="rebuild --backend sphinx"):
        open_backend(_config(nodes)).open()
    searched = subprocess.run([sys.executable, "-m", "indexer.cli", "search", "整改", "--backend", "sphinx",
                               "--nodes", ",".join(nodes)], capture_output=True, text=True, cwd=ROOT)
    assert searched.returncode != 0 and "Traceback" not in searched.stderr
    assert len(searched.stderr.strip().splitlines()) == 1 and "rebuild --backend sphinx" in searched.stderr
    summary = load.update(data, nodes, procs=1)
    assert summary.action == "rebuild" and any("loaded everything" in note for note in summary.notes)
    assert open_backend(_config(nodes)).search(SearchRequest(q="整改")).total > 100


def test_near_copies_are_said_to_be_absent_on_a_cluster_in_one_sentence(shipped):
    sphinx = _client(shipped["nodes"], shipped["data"])
    embedded = create_app({"TESTING": True, "DATA_DIR": shipped["data"],
                           "INDEX_DIR": shipped["embedded"].index_dir}).test_client()
    hit = sphinx.get("/api/search?q=整改").get_json()["hits"][0]
    for url in ("/copies", f"/similar/{hit['notice_id']}/{hit['n']}", f"/more/{hit['notice_id']}/{hit['n']}",
                "/api/copies", f"/api/similar/{hit['notice_id']}/{hit['n']}"):
        assert embedded.get(url).status_code == 200, url
        answer = sphinx.get(url)
        assert answer.status_code == 501 and "嵌入式后端" in answer.get_data(as_text=True), url
    assert sphinx.get("/api/copies").get_json()["ok"] is False
    # The search page offers no copy report; a 雷同 selection is dropped with a note, not answered with nothing.
    assert "雷同报告" in embedded.get("/?q=整改").get_data(as_text=True)
    assert "雷同报告" not in sphinx.get("/?q=整改").get_data(as_text=True)
    narrowed = sphinx.get("/api/search?q=整改&duplicate=有雷同").get_json()
    assert narrowed["total"] == sphinx.get("/api/search?q=整改").get_json()["total"] > 0
    assert any("嵌入式后端" in note for note in narrowed["notes"])
    notice = sphinx.get(f"/notices/{hit['notice_id']}").get_data(as_text=True)
    assert "内容相近的段落" not in notice and "高度相似" not in notice
