"""Time limits and the Debian programs some readers run (antiword, catdoc, pdftoppm, tesseract).

A reader checks its `Deadline` between pages and gives it to every program it
runs as the program's timeout, so one file can hold a rebuild up for at most
READ_SECONDS. A program that is not installed is a `ToolMissing` naming the
Debian package to install: the file is skipped with that sentence, never a
traceback.
"""

import os
import shutil
import subprocess
import time

from .. import settings
from ..errors import NoticeError, ToolMissing

#: The Debian packages that bring each program.
PACKAGES = {
    "antiword": "antiword",
    "catdoc": "catdoc",
    "pdftoppm": "poppler-utils",
    "tesseract": "tesseract-ocr tesseract-ocr-chi-sim",
}


class Deadline:
    """The time left to read one file (the READ_SECONDS setting)."""

    def __init__(self, path, seconds=None):
        self.path = path
        self.seconds = settings.get("READ_SECONDS") if seconds is None else seconds
        self.ends = time.monotonic() + self.seconds

    def remaining(self):
        return self.ends - time.monotonic()

    def check(self):
        if self.remaining() <= 0:
            raise self.expired()

    def expired(self):
        return NoticeError(self.path, f"took more than {self.seconds} seconds to read, the most one file may take "
                                      "(NOTICE_SEARCH_READ_SECONDS); raise it or split the file")


def installed(program):
    return shutil.which(program) is not None


def missing(path, what, programs, needs=None):
    """The ToolMissing error for a file that needs `programs` (said as `needs`), none of which is installed."""
    packages = " ".join(dict.fromkeys(PACKAGES[p] for p in programs))
    return ToolMissing(path, f"{what}; reading it needs {needs or ' or '.join(programs)}, which is not installed "
                             f"here: install the Debian packages {packages} (`./dev run` does so when run as root)")


def run(command, deadline, stdin=None):
    """Run a program within the deadline; (exit status, stdout bytes, stderr text)."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise deadline.expired()
    # One thread each: a rebuild already runs one worker per core.
    env = {**os.environ, "OMP_THREAD_LIMIT": "1", "LC_ALL": "C.UTF-8"}
    try:
        done = subprocess.run(command, input=stdin, capture_output=True, timeout=remaining, env=env,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        raise deadline.expired() from None
    except OSError as exc:
        raise NoticeError(deadline.path, f"could not be read: {command[0]} did not start ({exc.strerror})") from None
    return done.returncode, done.stdout, done.stderr.decode("utf-8", "replace").strip()
