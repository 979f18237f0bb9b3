"""Checking the configuration once, before a command starts: every setting and every file people edit.

A taxonomy with a typo or a dictionary line jieba cannot read would otherwise
surface thousands of times, once per notice, or worse, quietly cost every
notice its tags. So commands and the web app call `check` first, and a problem
stops them with one sentence naming the setting or the file and line.
"""

from . import analysis, settings
from .parsing import taxonomy

#: The settings that name a file people edit; `edited_files` lists them, `check` loads them.
EDITED = ("USER_DICT", "TAXONOMY")


def check(overrides=None):
    """Every setting resolved (a dict, as `settings.as_dict`), after loading each edited file; raises ConfigError."""
    values = settings.as_dict(overrides)
    taxonomy.get(overrides)
    analysis.user_words(values["USER_DICT"])
    return values


def edited_files(overrides=None):
    """The paths of the people-edited files in use: what an index depends on besides code and notices."""
    return [settings.get(name, overrides) for name in EDITED]
