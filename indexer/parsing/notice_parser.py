"""Assemble a `Notice`: clean the text, cut it into headings and paragraphs, read the
metadata, classify. Each step lives in its own module; this one only wires them.
"""

import hashlib
import logging
import re
from pathlib import Path

from .. import readers
from ..errors import ConfigError
from ..notice import Heading, Notice, Paragraph, listing_date
from . import metadata, taxonomy
from .classify import Block, classify
from .sections import ORGANISING
from .cleaning import clean
from .headings import Levels, split_heading, unnumbered_heading
from .regions import infer_region

log = logging.getLogger(__name__)

_INTRO = re.compile(r"巡察|巡视")
_SENTENCE_END = "。！？!?；;…”"
#: How many paragraphs from the end the closing contact paragraph may sit.
_CLOSING_REACH = 3


def parse_file(path, root=None):
    """Parse the notice file at `path`, of any kind `indexer.readers` reads; raise NoticeError naming
    the file if it cannot be read."""
    path = Path(path)
    data, document = readers.read(path)
    source = path.relative_to(root).as_posix() if root else path.name
    notice = parse_text(document.text, source, hashlib.sha256(data).hexdigest()[:16])
    _file_facts(notice, document)
    return notice


def _file_facts(notice, document):
    """Add what the file itself records to what the text gave.

    The text's title wins: a page's <title> carries the site's name, and a Word
    or PDF file's title property is often a template's or "Microsoft Word - …";
    the file's title only fills a gap. The publication date of a web page's
    metadata wins over every date read from the text (a signature or a title
    is dated when it was written, not when it went out; the page's 发布时间
    line, which the text would show, is site chrome the reader removed). The
    source address only the file can give.
    """
    notice.media_type = document.media_type
    notice.ocr = document.ocr
    notice.source_url = document.source_url
    notice.title = notice.title or document.title
    notice.published = document.published or notice.published


def parse_text(text, source="", notice_id=None):
    """Parse decoded notice text. Never raises: a notice it cannot structure keeps its text."""
    notice_id = notice_id or hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    try:
        return build(text, source, notice_id)
    except ConfigError:  # a broken taxonomy is every notice's problem: the command stops
        raise
    except Exception:  # one odd notice must not stop a build of thousands
        log.exception("could not structure %s; indexing its lines as plain paragraphs", source or notice_id)
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        return Notice(id=notice_id, source=source, kind="other",
                      paragraphs=[Paragraph(n=i + 1, text=line) for i, line in enumerate(lines)])


def build(text, source, notice_id, overrides=None):
    """The parse itself, raising on bugs (tests call it directly)."""
    cleaned = clean(text)
    notice = Notice(id=notice_id, source=source)
    title_simp = cleaned.title.simp if cleaned.title else ""
    notice.title = cleaned.title.text if cleaned.title else None
    blocks = _structure(cleaned)
    notice.headings = [b.heading for b in blocks if b.heading]
    notice.paragraphs = [b.paragraph for b in blocks if b.paragraph]

    first_heading = next((i for i, b in enumerate(blocks) if b.heading), len(blocks))
    opening = [b.simp for b in blocks[:first_heading]]
    intro = next((s for s in opening[:3] if _INTRO.search(s)), "")
    _read_metadata(notice, cleaned, blocks, title_simp, intro, opening)

    classify(blocks, taxonomy.get(overrides))
    overview = opening + [b.simp for b in blocks[first_heading:] if b.paragraph and b.paragraph.category == ORGANISING]
    notice.stats = metadata.stats(overview)
    return notice


def _structure(cleaned):
    """Blocks in document order: headings with levels, paragraphs with their heading path."""
    blocks, path, levels = [], [], Levels()
    closing_from = _closing_start(cleaned)
    for i, line in enumerate(cleaned.lines):
        closing = i >= closing_from
        split = None
        if not closing:
            split = split_heading(line.text, line.simp, glued=i in cleaned.glued)
            # An unnumbered section title stands alone: the line before it ended a sentence.
            if split is None and blocks and i and cleaned.lines[i - 1].simp[-1] in _SENTENCE_END:
                split = unnumbered_heading(line.text, line.simp)
        body = line
        if split is not None:
            level = levels.level(split.scheme)
            path = [p for p in path if blocks[p].heading.level < level]
            heading = Heading(level=level, marker=split.marker, text=split.text)
            blocks.append(Block(simp=split.simp, heading=heading, parents=list(path)))
            path.append(len(blocks) - 1)
            body = line.cut(split.body_at).strip()
            if not body.simp:
                continue
        paragraph = Paragraph(n=0, text=body.text, headings=[] if closing else [blocks[p].heading.text for p in path])
        blocks.append(Block(simp=body.simp, paragraph=paragraph, parents=[] if closing else list(path), closing=closing))
    for n, block in enumerate((b for b in blocks if b.paragraph), start=1):
        block.paragraph.n = n
    return blocks


def _closing_start(cleaned):
    """Index of the first closing line: the contact block near the end, or the signature.

    The block may run over several lines (联系电话…, 邮政信箱…, 邮编…), so it is
    found from its last line near the end and followed back to its first.
    """
    lines = cleaned.lines
    end = cleaned.signature if cleaned.signature is not None else len(lines)

    def contact(i):
        return bool(metadata.CLOSING.search(lines[i].simp)) and split_heading(lines[i].text, lines[i].simp) is None

    last = next((i for i in range(end - 1, max(-1, end - 1 - _CLOSING_REACH), -1) if contact(i)), None)
    if last is None:
        return end
    while last > 0 and contact(last - 1):
        last -= 1
    return last


def _read_metadata(notice, cleaned, blocks, title, intro, opening):
    """Fill the notice's metadata from its (simplified) title, intro, opening paragraphs and closing."""
    lead = intro or (opening[0] if opening else "")
    notice.inspector, owner = metadata.inspector(lead, title, "\n".join(b.simp for b in blocks[:12]))
    following = "\n".join(opening[opening.index(lead) + 1:][:2]) if lead in opening else ""
    notice.inspection_start, notice.inspection_end, notice.feedback_date = metadata.inspection_dates(lead, following)
    notice.published = cleaned.page_date or cleaned.title_date or cleaned.signature_date
    notice.date, notice.date_kind = listing_date(notice)
    notice.issuer = metadata.issuer(title, cleaned.signature_org, cleaned.publisher, lead)
    closing = [(b.paragraph.text, b.simp) for b in blocks if b.closing]
    notice.contact = metadata.contact(closing)
    names = [title, notice.issuer, cleaned.signature_org, cleaned.publisher]
    body = "\n".join(b.simp for b in blocks)
    notice.region = infer_region(names, notice.contact.address and _simp_of(closing, notice.contact.address),
                                 "\n".join([lead, cleaned.page_source or ""]), body)
    notice.level = metadata.level(owner, lead, title, notice.region)
    notice.kind = metadata.kind(title, "\n".join(opening), "\n".join(b.simp for b in blocks if b.heading))


def _simp_of(pairs, text):
    """The simplified form of `text`, found in one of the (text, simplified) pairs."""
    for orig, simp in pairs:
        at = orig.find(text)
        if at >= 0:
            return simp[at:at + len(text)]
    return text
