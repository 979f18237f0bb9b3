"""The package as users install it: a wheel in a fresh virtual environment, run from another folder.

A checkout hides what a wheel lacks (the dictionaries sit next to the code
anyway), so this builds the wheel, installs it into a new venv whose only other
packages are this project's dependencies, and runs the commands from a folder
that has nothing of the project: parse, rebuild and search must give what the
checkout gives.
"""

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest

from indexer.settings import PROJECT_ROOT

NOTICE = PROJECT_ROOT / "tests" / "notices" / "complete" / "000_770efd74347c2cb3.txt"


def run(command, cwd, env):
    result = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin folder of a venv with the wheel installed, a folder outside the project, its environment)."""
    root = tmp_path_factory.mktemp("install")
    # Built from a copy, so the build leaves nothing (build/, *.egg-info) in the checkout.
    source = root / "source"
    shutil.copytree(PROJECT_ROOT, source, ignore=shutil.ignore_patterns(
        ".*", "build", "*.egg-info", "instance", "bench", "tests", "docs", "__pycache__"))
    wheels = root / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "--disable-pip-version-check",
                    "-w", str(wheels), str(source)], check=True, capture_output=True, timeout=600)
    (wheel,) = wheels.glob("notice_search-*.whl")
    target = root / "venv"
    venv.create(target, with_pip=True)
    pip = [target / "bin" / "python", "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
           "--disable-pip-version-check"]
    subprocess.run([*pip, str(wheel)], check=True, capture_output=True, timeout=300)
    # The dependencies come from the test run's own environment, appended after the wheel's
    # site-packages; .pth files there (an editable install of this checkout) are not run.
    site = next((target / "lib").glob("python3.*/site-packages"))
    (site / "zz-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    elsewhere = root / "elsewhere"
    elsewhere.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith(("NOTICE_SEARCH_", "PYTHON"))}
    env["HOME"] = str(root / "home")
    env.pop("XDG_DATA_HOME", None)
    return target / "bin", elsewhere, env


def test_the_wheel_carries_the_dictionaries_and_not_the_checkout(installed):
    bin_dir, elsewhere, env = installed
    code = ("import indexer, indexer.settings as s; print(indexer.__file__); print(s.get('TAXONOMY')); "
            "print(s.get('USER_DICT')); print(s.get('DATA_DIR')); print(s.get('INDEX_DIR'))")
    package, taxonomy, userdict, data, index = run([bin_dir / "python", "-c", code], elsewhere, env).split()
    assert not Path(package).is_relative_to(PROJECT_ROOT)
    assert Path(taxonomy).is_file() and Path(userdict).is_file()
    assert Path(taxonomy).is_relative_to(Path(package).parent) and Path(userdict).is_relative_to(Path(package).parent)
    assert Path(taxonomy).read_bytes() == (PROJECT_ROOT / "indexer" / "dictionaries" / "taxonomy.toml").read_bytes()
    home = Path(env["HOME"]) / ".local" / "share" / "notice-search"
    assert (Path(data), Path(index)) == (home / "notices", home / "index")


def test_installed_commands_parse_rebuild_and_search_like_the_checkout(installed, tmp_path):
    bin_dir, elsewhere, env = installed
    here = [sys.executable, "-m", "indexer.cli"]
    there = [bin_dir / "notice-index"]
    checkout_env = {key: value for key, value in os.environ.items() if not key.startswith("NOTICE_SEARCH_")}

    parsed = run([*there, "parse", NOTICE], elsewhere, env)
    assert parsed == run([*here, "parse", NOTICE], PROJECT_ROOT, checkout_env)
    notice = json.loads(parsed)
    assert notice["title"] and notice["headings"] and any(p["problem_types"] for p in notice["paragraphs"])

    data = tmp_path / "data"
    data.mkdir()
    shutil.copy(NOTICE, data / NOTICE.name)
    queries = ["意识形态", "三重一大 整改", '"理论学习中心组"']
    answers = []
    for command, cwd, environment, index in ((there, elsewhere, env, tmp_path / "installed-index"),
                                             (here, PROJECT_ROOT, checkout_env, tmp_path / "checkout-index")):
        run([*command, "rebuild", "--data", data, "--index", index], cwd, environment)
        answers.append(run([*command, "search", "--index", index, "--json", *queries], cwd, environment))
    assert answers[0] == answers[1]
    assert all(json.loads(line)["total"] for line in answers[0].splitlines())
