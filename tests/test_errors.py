"""One error family, and what a user sees when something they can fix is wrong: a sentence, never a traceback.

Configuration problems (a setting, the taxonomy, the user dictionary) are
checked before any work starts and stop every command with exit status 1 and
one line naming the file (and line) or the variable; problems with one notice
file stay that file's.
"""

import inspect
import os
import subprocess
import sys
from pathlib import Path

import pytest

from indexer import errors
from indexer.settings import PROJECT_ROOT

NOTICE = PROJECT_ROOT / "tests" / "notices" / "complete" / "000_770efd74347c2cb3.txt"


def test_every_error_class_is_one_of_the_family():
    classes = [c for _, c in inspect.getmembers(errors, inspect.isclass) if issubclass(c, Exception)]
    assert len(classes) >= 10
    assert all(issubclass(c, errors.NoticeSearchError) for c in classes)
    config = {errors.SettingError, errors.TaxonomyError, errors.UserDictError}
    assert all(issubclass(c, errors.ConfigError) for c in config)


def cli(module, *args, env=None, cwd=None):
    environ = {k: v for k, v in os.environ.items() if not k.startswith("NOTICE_SEARCH_")}
    environ.update(env or {})
    return subprocess.run([sys.executable, "-m", module, *map(str, args)], cwd=cwd or PROJECT_ROOT, env=environ,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    root = tmp_path_factory.mktemp("config")
    data = root / "data"
    data.mkdir()
    (data / NOTICE.name).write_bytes(NOTICE.read_bytes())
    bad_taxonomy = root / "taxonomy.toml"
    bad_taxonomy.write_text('[types."理论学习"]\nwords = ["理论学习"]\n\n[types."财务"]\nwords = []\n', encoding="utf-8")
    broken_toml = root / "broken.toml"
    broken_toml.write_text('[types."理论学习"]\nwords = ["理论学习"\n', encoding="utf-8")
    bad_dict = root / "userdict.txt"
    bad_dict.write_text("巡察组\n巡察 组 n x\n", encoding="utf-8")
    return {"root": root, "data": data, "index": root / "index", "taxonomy": bad_taxonomy, "toml": broken_toml,
            "userdict": bad_dict}


#: (environment, what the one line must say)
CONFIG_PROBLEMS = {
    "taxonomy with an empty type": ({"NOTICE_SEARCH_TAXONOMY": "taxonomy"}, ["taxonomy.toml: line 4", "财务"]),
    "taxonomy that is not TOML": ({"NOTICE_SEARCH_TAXONOMY": "toml"}, ["broken.toml", "not valid TOML"]),
    "taxonomy that does not exist": ({"NOTICE_SEARCH_TAXONOMY": "/nonexistent/t.toml"}, ["/nonexistent/t.toml"]),
    "user dictionary line": ({"NOTICE_SEARCH_USER_DICT": "userdict"}, ["userdict.txt line 2"]),
    "user dictionary that does not exist": ({"NOTICE_SEARCH_USER_DICT": "/nonexistent/u.txt"}, ["/nonexistent/u.txt"]),
    "a number that is not one": ({"NOTICE_SEARCH_MAX_FILE_MB": "ten"}, ["NOTICE_SEARCH_MAX_FILE_MB='ten'"]),
    "an unknown backend": ({"NOTICE_SEARCH_BACKEND": "elastic"}, ["NOTICE_SEARCH_BACKEND='elastic'"]),
}

COMMANDS = {
    "parse": lambda f: ("indexer.cli", "parse", NOTICE),
    "check": lambda f: ("indexer.cli", "check", "--data", f["data"]),
    "rebuild": lambda f: ("indexer.cli", "rebuild", "--data", f["data"], "--index", f["index"]),
    "update": lambda f: ("indexer.cli", "update", "--data", f["data"], "--index", f["index"]),
    "search": lambda f: ("indexer.cli", "search", "--index", f["index"], "差旅费"),
    "serve": lambda f: ("search_app.cli", "serve", "--index", f["index"], "--port", "1"),
}


@pytest.mark.parametrize("command", list(COMMANDS))
@pytest.mark.parametrize("problem", list(CONFIG_PROBLEMS))
def test_a_configuration_problem_stops_every_command_with_one_sentence(files, problem, command):
    env, says = CONFIG_PROBLEMS[problem]
    env = {k: str(files.get(v, v)) for k, v in env.items()}
    result = cli(*COMMANDS[command](files), env=env)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert all(word in lines[0] for word in says), lines[0]
    assert result.stdout == ""
    assert not files["index"].exists()  # nothing was written


def test_a_port_that_is_not_a_number_is_one_sentence(files):
    result = cli("search_app.cli", "serve", "--index", files["index"], env={"NOTICE_SEARCH_PORT": "abc"})
    assert (result.returncode, result.stderr.strip()) == (
        1, "notice-search: NOTICE_SEARCH_PORT='abc' is not a whole number; unset it or give e.g. 8000.")


@pytest.mark.parametrize("args, says", [
    (("rebuild", "--data", "/nonexistent/folder"), "/nonexistent/folder does not exist"),
    (("check", "--data", "/nonexistent/folder"), "/nonexistent/folder does not exist"),
    (("search", "--index", "/nonexistent/index", "差旅费"), "No index in /nonexistent/index"),
    (("parse", "/nonexistent/notice.txt"), "/nonexistent/notice.txt"),
])
def test_other_failures_are_sentences_too(args, says):
    result = cli("indexer.cli", *args)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert says in result.stderr


def test_a_broken_taxonomy_is_not_taken_for_notices_that_could_not_be_structured(files):
    """The parser keeps going past one odd notice, but never past a broken taxonomy."""
    result = cli("indexer.cli", "check", "--data", files["data"], env={"NOTICE_SEARCH_TAXONOMY": str(files["taxonomy"])})
    assert result.returncode == 1
    assert "could not structure" not in result.stderr and "would be indexed" not in result.stdout


def test_the_default_files_are_found_from_any_folder(tmp_path):
    result = cli("indexer.cli", "parse", NOTICE, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert Path(NOTICE).name in result.stdout or '"title"' in result.stdout
