"""Keeping a generation's arrays in the page cache, so searches do not wait on the disk.

Arrays are memory-mapped: after a reboot, or once this machine has reclaimed
page cache left untouched for a minute, the first searches would wait on random
disk reads page by page.
"""

import os
from pathlib import Path


def prefetch(path):
    """Ask the kernel to read a file into its page cache now, in the background.

    Read-ahead of whole files at load costs no process memory (the page cache is
    not the server's RSS); a server start waits for the read itself (`read_through`).
    """
    try:
        with open(path, "rb") as data:
            os.posix_fadvise(data.fileno(), 0, 0, os.POSIX_FADV_WILLNEED)
    except (AttributeError, OSError):  # no fadvise here: the first searches are just slower
        pass


def read_through(folder):
    """Read every file of an arrays folder once, so the page cache holds it before the first search.

    `prefetch` only asks, and the kernel reads in the background, so a search
    right after start-up could still wait on the disk. A server calls this once
    at start-up (`EmbeddedBackend.warm`); bench/README.md has what it costs.
    """
    buffer = bytearray(1 << 20)
    try:
        for path in sorted(Path(folder).iterdir()):
            with open(path, "rb", buffering=0) as data:
                while data.readinto(buffer):
                    pass
    except OSError:  # a generation removed under us: only a warm-up is lost; searches report it
        pass
