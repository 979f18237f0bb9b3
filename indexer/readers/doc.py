"""The Word 97 reader: a .doc → its text, through Debian's antiword (catdoc when antiword fails or is absent).

Both are GPL programs run as commands, never imported. `antiword -w 0` writes
each paragraph on one line; its list numbers are plain digits, and a heading
numbered by its style has none, so a .doc whose headings Word numbered
automatically loses their markers (typed markers, as most 公文 have, are
kept). catdoc keeps no numbers at all.
"""

import re
import tempfile

from ..errors import NoticeError
from . import tools
from .document import Document

_TABLE_RULE = re.compile(r"^[|+\-=\s]*$")


def read(data, path, deadline):
    programs = [p for p in ("antiword", "catdoc") if tools.installed(p)]
    if not programs:
        raise tools.missing(path, "is a Word 97–2003 document (.doc)", ["antiword", "catdoc"])
    with tempfile.NamedTemporaryFile(suffix=".doc") as copy:
        copy.write(data)
        copy.flush()
        failures = []
        for program in programs:
            command = (["antiword", "-w", "0", "-m", "UTF-8.txt", copy.name] if program == "antiword"
                       else ["catdoc", "-d", "utf-8", "-w", copy.name])
            status, out, err = tools.run(command, deadline)
            text = out.decode("utf-8", "replace")
            if status == 0 and text.strip():
                return Document(_lines(text), "")
            failures.append(f"{program}: {_reason(err, copy.name) or 'no text'}")
    raise NoticeError(path, f"is a Word 97–2003 document that could not be read ({'; '.join(failures)}); "
                            "open it in Word or LibreOffice and save it as .docx")


def _lines(text):
    """One line per paragraph; antiword's table rules and picture placeholders dropped."""
    lines = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("|") and line.endswith("|"):
            line = " ".join(cell.strip() for cell in line.strip("|").split("|") if cell.strip())
        if not line or _TABLE_RULE.match(line) or line == "[pic]":
            continue
        lines.append(line)
    return "\n".join(lines)


def _reason(err, temporary_name):
    """The program's complaint without the temporary file's name."""
    return err.replace(temporary_name, "the file").strip().splitlines()[0] if err.strip() else ""
