"""Progress of a long step: a tqdm bar on a terminal, a plain log line every few seconds otherwise.

A bar is for people watching; log files and CI want lines they can read
afterwards, so off a terminal each step says where it is at most every
`INTERVAL` seconds and once at its end.
"""

import sys
import time

from tqdm import tqdm

INTERVAL = 5.0


class Progress:
    """Reports steps and counts to `stream` (None: report nothing)."""

    def __init__(self, stream=None, prefix="notice-index: ", bar=None):
        self.stream = stream
        self.prefix = prefix
        self.bar = stream is not None and stream.isatty() if bar is None else bar
        self._tqdm = None
        self._label = ""
        self._total = self._done = 0
        self._last = 0.0

    def log(self, message):
        if self.stream is None:
            return
        if self._tqdm is not None:
            self._tqdm.write(self.prefix + message, file=self.stream)
        else:
            print(self.prefix + message, file=self.stream, flush=True)

    def start(self, label, total):
        """Begin counting `total` items of a step called `label`."""
        self.finish()
        self._label, self._total, self._done = label, total, 0
        self._last = time.monotonic()
        if self.stream is None:
            return
        if self.bar:
            self._tqdm = tqdm(total=total, desc=label, unit="file", file=self.stream, leave=False,
                              dynamic_ncols=True)
        else:
            self.log(f"{label}: {_files(total)}")

    def advance(self, count=1):
        self._done += count
        if self._tqdm is not None:
            self._tqdm.update(count)
        elif self.stream is not None and time.monotonic() - self._last >= INTERVAL:
            self._last = time.monotonic()
            self.log(f"{self._label}: {self._done}/{_files(self._total)}")

    def finish(self):
        """End the current step, if any."""
        if self._tqdm is not None:
            self._tqdm.close()
            self._tqdm = None
        elif self._total and self.stream is not None:
            self.log(f"{self._label}: {self._done}/{_files(self._total)}, done")
        self._total = 0


def _files(count):
    return f"{count} file" if count == 1 else f"{count} files"


def for_terminal():
    """Progress on stderr: a bar when stderr is a terminal, log lines otherwise."""
    return Progress(sys.stderr)
