"""A search as asked and as answered: the request, its hits and its facet counts.

These are plain data, the same whichever backend answered, so the web page, the
JSON API, the CSV export and `notice-index search` render one object and cannot
disagree. Nothing here is markup: a hit carries where its terms match as
character spans, and the web layer marks them.
"""

from dataclasses import dataclass, field


@dataclass
class SearchRequest:
    q: str = ""
    filters: dict = field(default_factory=dict)  # facet name -> [selected values]
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20
    group: bool = False


@dataclass
class Hit:
    notice_id: str
    n: int
    title: str
    issuer: str
    published: str
    text: str
    headings: list
    category: str
    role: str
    problem_types: list
    province: str
    city: str
    county: str
    level: str
    year: str
    score: float
    more_in_notice: int = 0  # with grouping: other matching paragraphs of this notice
    spans: list = field(default_factory=list)  # [(start, end)] where the terms match the text
    heading_spans: list = field(default_factory=list)  # the same for each heading


@dataclass
class FacetValue:
    value: str
    label: str  # how the value reads: a notice by its title, the rest as they are
    count: int
    selected: bool


@dataclass
class FacetResult:
    name: str
    label: str
    values: list  # [FacetValue], selected first, then by count; at most FACET_LIMIT unselected
    available: int = 0  # values with a count or selected, listed or not


@dataclass
class SearchResult:
    request: SearchRequest
    query: str  # the query as understood
    notes: list  # sentences about how odd input was read
    total: int  # matching paragraphs
    total_notices: int
    hits: list
    facets: list  # [FacetResult], in the order of `facets.FACETS`
    took_ms: float

    @property
    def pages(self):
        count = self.total_notices if self.request.group else self.total
        return max(1, -(-count // self.request.per_page))
