"""The backend seam: what the web app and the command line ask of whatever holds the index.

A backend answers searches over the indexed paragraphs and hands out whole
notices. The embedded backend (`search_core.embedded`) reads an index folder
on this machine; another backend (a cluster of search servers) implements the
same methods, and nothing above this interface knows which one runs. Every
method raises `QueryError` for a request it cannot answer as asked and
`IndexUnavailable` when there is nothing to search.
"""

import importlib
from abc import ABC, abstractmethod


class Backend(ABC):
    """One search backend, opened once per process and shared by every request (thread-safe)."""

    @classmethod
    @abstractmethod
    def from_config(cls, config):
        """The backend as the settings (a dict of `indexer.settings`) describe it."""

    @abstractmethod
    def search(self, request):
        """A `SearchRequest` answered: a `SearchResult` with one page of hits and every facet's counts."""

    @abstractmethod
    def all_hits(self, request, highlight=True):
        """Every matching paragraph of `request`, as `Hit`s in result order, ignoring paging.

        With `request.group`, each notice's best paragraph only, its `more_in_notice` counting the rest.

        Checks the request before it returns, so a bad request raises here and
        not halfway through a streamed export. An export that shows no marks
        passes `highlight=False` and the hits carry no spans.
        """

    @abstractmethod
    def notice(self, notice_id):
        """The whole parsed notice (the parser's dict, as `notice-index parse` prints it), or None."""

    @abstractmethod
    def notices(self):
        """The catalog entry of every indexed notice: id, source, title, unit, dates, region, level."""

    @abstractmethod
    def stats(self, request):
        """Counts over the request's matches (facet selections applied): a `StatsResult` of `StatsTable`s."""

    @abstractmethod
    def compare(self, request, chosen=(), sort="relevance", limit=50):
        """The request's matching notices side by side: a `CompareResult`, one row per notice (at most `limit`),
        its matching paragraphs by role; `chosen` (notice ids) narrows it to those notices."""

    @abstractmethod
    def suggest(self, prefix, limit=10):
        """What the search box may complete `prefix` to: [`Completion`], most common first."""

    @abstractmethod
    def similar(self, notice_id, n):
        """A paragraph and its near-copies in other notices (雷同): a `SimilarResult`, or None for no such paragraph."""

    @abstractmethod
    def notice_copies(self, notice_id):
        """{paragraph number: other notices holding a near-copy of it} for the notice's copied paragraphs."""

    @abstractmethod
    def more_like_this(self, notice_id, n, limit=10):
        """The paragraphs of other notices most like this one in content: a `MoreLikeThis`, or None."""

    @abstractmethod
    def duplicate_report(self, limit=100):
        """Notices ranked by the share of their measures that are near-copies: a `DuplicateReport`."""

    @abstractmethod
    def open(self):
        """Open the index now, so that a missing or damaged one is reported here, once (IndexUnavailable)."""

    def describe(self):
        """What the index is, for the page to say: {"generated": bool} (generated demo notices, not real ones),
        {"near_copies": False} when `similar`, `more_like_this` and `duplicate_report` are not offered."""
        return {}

    def warm(self):
        """`open`, and get ready to answer at full speed (a server calls this before it listens)."""
        self.open()


#: Each value of the BACKEND setting (`indexer.settings` lists them), and where it lives (imported only when chosen).
BACKENDS = {"embedded": "search_core.embedded.engine:EmbeddedBackend",
            "sphinx": "search_core.sphinx.engine:SphinxBackend"}


def open_backend(config):
    """The backend the BACKEND setting names, opened on `config` (the settings dict)."""
    module, cls = BACKENDS[config.get("BACKEND", "embedded")].split(":")
    return getattr(importlib.import_module(module), cls).from_config(config)
