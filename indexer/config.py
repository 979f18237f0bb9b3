"""Checking the configuration once, before a command starts: every setting and every file people edit.

A taxonomy with a typo or a dictionary line jieba cannot read would otherwise
surface thousands of times, once per notice, or worse, quietly cost every
notice its tags. So commands and the web app call `check` first, and a problem
stops them with one sentence naming the setting or the file and line.
"""

from . import analysis, folding, querywords, settings, synonyms
from .parsing import taxonomy

#: The settings that name a people-edited file the index depends on (`edited_files`).
EDITED = ("USER_DICT", "TAXONOMY", "SYNONYMS", "VARIANTS")


def check(overrides=None):
    """Every setting resolved (a dict, as `settings.as_dict`), after loading each edited file; raises ConfigError."""
    values = settings.as_dict(overrides)
    folding.variants(values["VARIANTS"])
    taxonomy.get(overrides)
    analysis.user_words(values["USER_DICT"])
    synonyms.get(overrides)
    querywords.get(overrides)
    if values["BACKEND"] == "sphinx":
        from .sphinx.nodes import parse_nodes

        parse_nodes(values["SPHINX_NODES"])
    return values


def edited_files(overrides=None):
    """The paths of the people-edited files the index depends on, besides code and notices.

    The query words are read by searches only, so changing them needs no rebuild.
    """
    return [settings.get(name, overrides) for name in EDITED]
