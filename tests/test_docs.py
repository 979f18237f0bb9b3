"""The README documents every setting with its real default (Datasette's test_docs habit)."""

import re
from pathlib import Path

from indexer.settings import PROJECT_ROOT, SETTINGS

README = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")


def readme_settings():
    rows = re.findall(r"^\| `(NOTICE_SEARCH_[A-Z_]+)` \| `([^`]*)` \| (.+?) \|$", README, re.M)
    return {env: (default, meaning) for env, default, meaning in rows}


def shown(default):
    return default.relative_to(PROJECT_ROOT).as_posix() if isinstance(default, Path) else str(default)


def test_readme_lists_every_setting_with_its_default_and_meaning():
    documented = readme_settings()
    assert sorted(documented) == sorted(s.env for s in SETTINGS)
    for setting in SETTINGS:
        assert documented[setting.env] == (shown(setting.default), setting.help)


def test_quick_start_has_exactly_the_two_commands():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    commands = re.findall(r"^\./dev \w+", section, re.M)
    assert commands == ["./dev run", "./dev test"]
    ci = (PROJECT_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "exec ./dev test" in ci
