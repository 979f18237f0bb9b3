"""Parsing: a messy notice text file in, a structured `Notice` out.

The public entry points are `parse_file` (bytes on disk → Notice, raising
`NoticeError` naming the file and the reason) and `parse_text` (already-decoded
text → Notice, never raising).
"""

from .notice_parser import parse_file, parse_text  # noqa: F401
