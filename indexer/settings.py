"""The one settings table: every knob, its environment variable, default and meaning.

Both the `notice-index` command and the web app read their settings here, so the
two can never disagree about where the data or the index live. The README's
configuration table is checked against this table by `tests/test_docs.py`.

Precedence, highest first: command-line flag or test config, then the
environment variable, then the default. Relative paths given by a user are taken
from the current directory.

Where things live by default: the files people edit (taxonomy, dictionaries)
ship inside the package (`indexer/dictionaries/`, found with importlib.resources)
and settings may point at the user's own copies. The notices and the index are
the user's: in a checkout of the project they default to its `data/notices` and
`instance/index`; an installed package has no project folder, so they default
to `$XDG_DATA_HOME/notice-search/` (`~/.local/share/notice-search/notices` and
`.../index`), never inside site-packages.
"""

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from .errors import SettingError

PROJECT_ROOT = Path(__file__).resolve().parent.parent
#: A checkout holds the project's setup.cfg next to the package; an installed package does not.
IN_CHECKOUT = (PROJECT_ROOT / "setup.cfg").is_file() and (PROJECT_ROOT / "indexer").is_dir()


def _user_data_home():
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "notice-search"


#: Where the notices and the index live unless a setting says otherwise.
USER_HOME = PROJECT_ROOT if IN_CHECKOUT else _user_data_home()
DEFAULT_DATA = PROJECT_ROOT / "data" / "notices" if IN_CHECKOUT else USER_HOME / "notices"
DEFAULT_INDEX = PROJECT_ROOT / "instance" / "index" if IN_CHECKOUT else USER_HOME / "index"


def packaged(name):
    """The path of a people-edited file shipped with the package (`indexer/dictionaries/NAME`)."""
    return Path(str(resources.files("indexer").joinpath("dictionaries", name)))


@dataclass(frozen=True)
class Setting:
    name: str
    env: str
    default: object
    help: str
    choices: tuple = ()  # the values allowed, when only a few are

    def convert(self, raw):
        """Turn a raw string from the environment into the default's type."""
        if self.choices and raw not in self.choices:
            raise SettingError(f"{self.env}={raw!r} is not one of {', '.join(self.choices)}; unset it or give one.")
        if isinstance(self.default, bool):
            return str(raw).strip().lower() in {"1", "true", "yes", "on"}
        if isinstance(self.default, int):
            try:
                return int(raw)
            except ValueError:
                raise SettingError(
                    f"{self.env}={raw!r} is not a whole number; unset it or give e.g. {self.default}."
                ) from None
        if isinstance(self.default, Path):
            return Path(raw).expanduser().resolve()
        return raw


SETTINGS = (
    Setting("DATA_DIR", "NOTICE_SEARCH_DATA", DEFAULT_DATA,
            "Folder of notice files (.txt, .html, .docx, .doc, .pdf and scanned images, searched recursively) "
            "to index and to serve as originals."),
    Setting("INDEX_DIR", "NOTICE_SEARCH_INDEX", DEFAULT_INDEX,
            "Folder holding the live index; rebuilds are written beside it and switched in atomically."),
    Setting("USER_DICT", "NOTICE_SEARCH_USER_DICT", packaged("userdict.txt"),
            "jieba user dictionary: words the tokenizer keeps whole."),
    Setting("TAXONOMY", "NOTICE_SEARCH_TAXONOMY", packaged("taxonomy.toml"),
            "Problem-type taxonomy: each type and the words that signal it."),
    Setting("SYNONYMS", "NOTICE_SEARCH_SYNONYMS", packaged("synonyms.txt"),
            "Synonyms and abbreviations a search expands (Solr's synonyms.txt format); also kept whole by jieba."),
    Setting("VARIANTS", "NOTICE_SEARCH_VARIANTS", packaged("variants.txt"),
            "Variant characters folded to one form for matching (帐 → 账)."),
    Setting("QUERY_WORDS", "NOTICE_SEARCH_QUERY_WORDS", packaged("querywords.toml"),
            "Words a search reads as a paragraph role (整改措施, 如何整改…), drops from questions (怎么, 哪些…) or reads "
            "as asking for a figure (多少, 几人…)."),
    Setting("BACKEND", "NOTICE_SEARCH_BACKEND", "embedded",
            "Search backend: `embedded` reads the index folder on this machine; `sphinx` a cluster of Sphinx or "
            "Manticore nodes (`NOTICE_SEARCH_SPHINX_NODES`).", choices=("embedded", "sphinx")),
    Setting("SPHINX_NODES", "NOTICE_SEARCH_SPHINX_NODES", "127.0.0.1:9306",
            "The sphinx backend's nodes: their SphinxQL addresses, host:port, comma-separated, in shard order."),
    Setting("SPHINX_PARTIAL_RESULTS", "NOTICE_SEARCH_SPHINX_PARTIAL_RESULTS", False,
            "With the sphinx backend, answer from the nodes that answer when one does not, naming the missing "
            "shard; otherwise such a search is a 503 naming the node."),
    Setting("MAX_FILE_MB", "NOTICE_SEARCH_MAX_FILE_MB", 10,
            "Largest notice file, in MB (a Word file unpacked: ten times this); larger files are skipped "
            "with a message."),
    Setting("MAX_PDF_PAGES", "NOTICE_SEARCH_MAX_PDF_PAGES", 200,
            "Most pages a PDF may have; a longer one is skipped with a message (a notice runs to a few dozen)."),
    Setting("READ_SECONDS", "NOTICE_SEARCH_READ_SECONDS", 300,
            "Longest time, in seconds, reading one file may take (OCR of a scan, a PDF, a Word 97 converter); "
            "a file that takes longer is skipped with a message."),
    Setting("DUPLICATE_SIMILARITY", "NOTICE_SEARCH_DUPLICATE_SIMILARITY", 80,
            "How alike two paragraphs of different notices must be, in percent (the rapidfuzz ratio of their "
            "folded texts), to count as near-copies (雷同); a change takes effect at the next rebuild."),
    Setting("HOST", "NOTICE_SEARCH_HOST", "127.0.0.1",
            "Address `notice-search serve` listens on."),
    Setting("PORT", "NOTICE_SEARCH_PORT", 8000,
            "Port `notice-search serve` listens on."),
    Setting("THREADS", "NOTICE_SEARCH_THREADS", 8,
            "waitress worker threads, i.e. searches answered at once."),
    Setting("MAX_CONNECTIONS", "NOTICE_SEARCH_MAX_CONNECTIONS", 500,
            "Most client connections `notice-search serve` keeps open at once; slow clients count here, not in threads."),
    Setting("CLIENT_TIMEOUT", "NOTICE_SEARCH_CLIENT_TIMEOUT", 30,
            "Seconds a client connection may stay silent (not sending, not reading) before it is closed."),
    Setting("PER_PAGE", "NOTICE_SEARCH_PER_PAGE", 20,
            "Hits per page when the request does not say."),
    Setting("MAX_PER_PAGE", "NOTICE_SEARCH_MAX_PER_PAGE", 100,
            "Largest `per_page` a request may ask for; larger values are clamped."),
    Setting("MAX_QUERY_LENGTH", "NOTICE_SEARCH_MAX_QUERY_LENGTH", 200,
            "Longest query, in characters, before it is refused with a 400."),
    Setting("MAX_QUERY_TERMS", "NOTICE_SEARCH_MAX_QUERY_TERMS", 16,
            "Most words, phrases and exclusions in one query before it is refused with a 400."),
    Setting("MAX_PAGE", "NOTICE_SEARCH_MAX_PAGE", 500,
            "Deepest result page a request may ask for."),
    Setting("EXPORT_MAX_ROWS", "NOTICE_SEARCH_EXPORT_MAX_ROWS", 50000,
            "Most paragraphs one CSV export holds; a longer one ends with a row saying it was cut."),
    Setting("MAX_FILTER_VALUES", "NOTICE_SEARCH_MAX_FILTER_VALUES", 50,
            "Most facet values one request may select, all facets together, before it is refused with a 400."),
)

BY_NAME = {s.name: s for s in SETTINGS}


def get(name, overrides=None):
    """Return a setting's value: `overrides` (flags, test config) first, then env, then default."""
    setting = BY_NAME[name]
    if overrides and overrides.get(name) is not None:
        value = overrides[name]
        return setting.convert(value) if isinstance(value, str) else value
    raw = os.environ.get(setting.env)
    if raw not in (None, ""):
        return setting.convert(raw)
    return setting.default


def as_dict(overrides=None):
    """Every setting resolved, keyed by name (the Flask config uses these keys)."""
    return {s.name: get(s.name, overrides) for s in SETTINGS}
