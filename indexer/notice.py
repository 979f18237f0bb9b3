"""The structure a parsed notice has: the contract between parser, index and search.

`Notice.to_dict()` is exactly the JSON that `notice-index parse` prints and that
`/api/notices/<id>` returns, key for key and in this order, so scripts can rely on
it. The parser (`indexer.parsing`) fills it; the index (`indexer.build`) flattens
its paragraphs into documents; the web app reads it back for the notice page.
"""

from dataclasses import dataclass, field, is_dataclass
from typing import Optional

#: The section categories (巡察领域) a heading and its paragraphs may carry.
CATEGORIES = (
    "党中央决策部署落实",
    "群众身边腐败和不正之风",
    "基层党组织建设",
    "巡视巡察审计整改",
    "整改组织推进",
    "下一步工作",
)

#: Paragraph roles (段落类型).
ROLES = ("问题", "整改措施", "整改成效", "组织推进", "下一步计划", "概述", "联系方式")

#: Inspection levels (巡察层级), from the inspecting body.
LEVELS = ("中央", "省", "市", "县")

#: Which date a notice's `date` is, in the order they are preferred.
DATE_KINDS = ("published", "feedback", "inspection_end", "inspection_start")

#: Notice kinds: a rectification notice, or anything else that was found in the folder.
KINDS = ("notice", "other")


@dataclass
class Region:
    province: Optional[str] = None
    city: Optional[str] = None
    county: Optional[str] = None


@dataclass
class Stats:
    """Completion figures as the notice states them (None where it does not)."""

    problems: Optional[int] = None  # problems fed back, at the finest count given (24 分项 of 13)
    problems_done: Optional[int] = None  # of those, rectified (phased completions are not)
    measures: Optional[int] = None  # rectification measures planned
    measures_done: Optional[int] = None
    rate: Optional[float] = None  # completion rate in percent: stated, else problems_done / problems


@dataclass
class Contact:
    phone: Optional[str] = None
    email: Optional[str] = None
    address: Optional[str] = None
    postcode: Optional[str] = None


@dataclass
class Heading:
    level: int
    marker: str  # the numbering as written, e.g. "（一）", "1." ; "" for an unnumbered heading
    text: str  # without marker and trailing punctuation, in the script it was written in
    category: Optional[str] = None


@dataclass
class Paragraph:
    n: int  # 1-based position among the notice's paragraphs
    text: str
    headings: list = field(default_factory=list)  # heading texts from the outermost in
    category: Optional[str] = None
    role: Optional[str] = None  # the primary role, shown with a hit: roles[0]
    problem_types: list = field(default_factory=list)
    roles: list = field(default_factory=list)  # every role its sentences play, the primary one first


@dataclass
class Notice:
    id: str  # first 16 hex digits of the SHA-256 of the file's bytes
    source: str  # path relative to the data folder, with "/" separators, as people read it
    kind: str = "notice"
    title: Optional[str] = None
    issuer: Optional[str] = None
    inspector: Optional[str] = None
    level: Optional[str] = None
    inspection_start: Optional[str] = None  # ISO dates, or None when not in the text
    inspection_end: Optional[str] = None
    feedback_date: Optional[str] = None
    published: Optional[str] = None
    date: Optional[str] = None  # the date the notice is listed, counted and sorted by: see listing_date
    date_kind: Optional[str] = None  # which date `date` is: one of DATE_KINDS
    region: Region = field(default_factory=Region)
    stats: Stats = field(default_factory=Stats)
    contact: Contact = field(default_factory=Contact)
    headings: list = field(default_factory=list)  # [Heading]
    paragraphs: list = field(default_factory=list)  # [Paragraph]
    source_raw: Optional[str] = None  # the path's bytes in hex when the file system's name is not UTF-8
    media_type: str = "text/plain"  # of the original file (a page serving it names this type)
    source_url: Optional[str] = None  # where the notice was published, when the file records it (a web page)
    ocr: bool = False  # its text, or some of it, was read from page images by OCR and may hold misread characters

    def to_dict(self):
        # dataclasses.asdict deep-copies every value and took a tenth of a rebuild's time.
        return _plain(self)

    @classmethod
    def from_dict(cls, data):
        """Rebuild a Notice from `to_dict()` output (the index stores notices this way)."""
        data = dict(data)
        data["region"] = Region(**data.get("region") or {})
        data["stats"] = Stats(**data.get("stats") or {})
        data["contact"] = Contact(**data.get("contact") or {})
        data["headings"] = [Heading(**h) for h in data.get("headings") or []]
        data["paragraphs"] = [Paragraph(**p) for p in data.get("paragraphs") or []]
        return cls(**data)

    @property
    def year(self):
        """Year of the listing date: the 年份 facet, so a hit's year is the year of the date it shows."""
        date = self.date or listing_date(self)[0]
        return int(date[:4]) if date else None


def listing_date(notice):
    """(date, kind): published when known, else the feedback date, else the inspection's end, else its start.

    Readers meet a notice when it is published; a capture without its page date
    still says when the feedback came, which is months before publication but in
    the same rectification round.
    """
    for kind, attr in zip(DATE_KINDS, ("published", "feedback_date", "inspection_end", "inspection_start")):
        value = getattr(notice, attr)
        if value:
            return value, kind
    return None, None


def _plain(value):
    """A dataclass tree as dicts and lists, in field order (what dataclasses.asdict gives)."""
    if is_dataclass(value):
        return {key: _plain(item) for key, item in vars(value).items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def display_title(notice):
    """How a notice is named in lists: its title, or for a notice printed without one, a title built from its unit.

    `notice` is a Notice, the parser's dict of one, or a catalog entry.
    """
    get = notice.get if isinstance(notice, dict) else lambda key: getattr(notice, key)
    if get("title"):
        return get("title")
    if get("issuer"):
        return f"{get('issuer')}巡察整改情况（原文无标题）"
    return get("source")
