"""First slice of the parser: lines become headings or paragraphs.

Deliberately simple; the full parser (boilerplate, metadata, heading levels,
classification) replaces it.
"""

import hashlib
import re
from pathlib import Path

from ..notice import Heading, Notice, NoticeError, Paragraph

HEADING = re.compile(r"^\s*(?P<marker>[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)]|\d+[.．、]|[（(]\d+[）)])\s*(?P<text>.+)$")


def parse_file(path, root=None):
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise NoticeError(path, f"cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise NoticeError(path, "is empty")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NoticeError(path, "is not UTF-8 text") from None
    source = path.relative_to(root).as_posix() if root else path.name
    return parse_text(text, source, hashlib.sha256(data).hexdigest()[:16])


def parse_text(text, source="", notice_id=None):
    notice_id = notice_id or hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]
    notice = Notice(id=notice_id, source=source)
    path = []
    for line in (ln.strip() for ln in text.splitlines()):
        if not line:
            continue
        match = HEADING.match(line)
        if match and len(match["text"]) < 60:
            heading = Heading(level=1, marker=match["marker"], text=match["text"].rstrip("。."))
            notice.headings.append(heading)
            path = [heading.text]
            continue
        notice.paragraphs.append(Paragraph(n=len(notice.paragraphs) + 1, text=line, headings=list(path)))
    return notice
