"""`notice-index parse FILE...`: one JSON line per readable file, one stderr line per unreadable one."""

import json
import subprocess
import sys
from pathlib import Path

from indexer.notice import Notice

HERE = Path(__file__).parent
CLI = Path(sys.executable).with_name("notice-index")


def run(*files):
    return subprocess.run([str(CLI), "parse", *map(str, files)], capture_output=True, text=True, encoding="utf-8")


def test_prints_one_json_object_per_file_with_the_notice_keys(tmp_path):
    gbk = tmp_path / "gbk.txt"
    gbk.write_bytes((HERE / "notices" / "web" / "035.txt").read_text(encoding="utf-8").encode("gb18030"))
    result = run(HERE / "notices" / "complete" / "003_e27e9ae513fad7e5.txt", gbk)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    first = json.loads(lines[0])
    assert list(first) == list(Notice(id="", source="").to_dict())
    assert first["title"] == "公主岭市文学艺术界联合会关于巡察整改进展情况的通报"
    assert "公主岭市" in lines[0]  # UTF-8, not \\u-escaped
    assert json.loads(lines[1])["inspector"] == "第一巡察组"


def test_unreadable_files_are_named_on_stderr_and_the_rest_still_parsed(tmp_path):
    png = tmp_path / "scan.png"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run(png, HERE / "notices" / "web" / "005.txt", empty)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 1
    errors = result.stderr.splitlines()
    assert len(errors) == 2
    assert f"{png}: is an image that cannot be opened (damaged or cut short)" in errors[0]
    assert f"{empty}: is empty" in errors[1]
