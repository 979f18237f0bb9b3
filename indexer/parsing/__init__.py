"""Parsing: a messy notice text file in, a structured `Notice` out.

The public entry points are `parse_file` (bytes on disk → Notice, raising
`NoticeError` naming the file and the reason), `parse_text` (already-decoded
text → Notice, never raising) and `clean_text` (the notice's own text, which the
title, headings and paragraphs of the parsed notice add up to).
"""

from .cleaning import clean_text  # noqa: F401
from .notice_parser import parse_file, parse_text  # noqa: F401
