"""The backend seam: the web app and the command line reach every backend through one interface."""

import subprocess
import sys

from indexer import settings
from search_core.backend import BACKENDS, Backend, open_backend
from search_core.embedded.engine import EmbeddedBackend
from search_core.results import SearchRequest, SearchResult


def test_the_setting_offers_exactly_the_backends_there_are():
    assert settings.BY_NAME["BACKEND"].choices == tuple(BACKENDS)
    assert settings.BY_NAME["BACKEND"].default in BACKENDS


def test_the_embedded_backend_is_the_default_and_implements_the_interface(index_dir):
    backend = open_backend(settings.as_dict({"INDEX_DIR": index_dir}))
    assert isinstance(backend, EmbeddedBackend) and isinstance(backend, Backend)
    result = backend.search(SearchRequest(q="整改"))
    assert isinstance(result, SearchResult) and result.total > 0
    first = result.hits[0]
    assert backend.notice(first.notice_id)["id"] == first.notice_id
    assert first.notice_id in {entry["id"] for entry in backend.notices()}
    assert [(h.notice_id, h.n) for h in backend.all_hits(SearchRequest(q="整改"))][:len(result.hits)] == \
        [(h.notice_id, h.n) for h in result.hits]


def test_a_hit_says_where_its_terms_match_without_markup(index_dir):
    hit = open_backend(settings.as_dict({"INDEX_DIR": index_dir})).search(SearchRequest(q="整改 报告")).hits[0]
    assert hit.spans and all(hit.text[a:b] in ("整改", "报告") for a, b in hit.spans)
    assert "<" not in repr(hit.spans)


def test_the_search_core_and_the_command_line_load_no_web_framework():
    code = ("import sys, indexer.cli, search_core.backend, search_core.embedded.engine; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'werkzeug', 'jinja2', 'search_app')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
