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
    synonyms: bool = True  # also search the synonyms of what was typed
    date_from: str = ""  # "YYYY-MM": only notices listed in this month or later (`search_core.months`)
    date_to: str = ""  # "YYYY-MM": only notices listed in this month or earlier
    find: dict = field(default_factory=dict)  # facet name -> text: list only that facet's values containing it


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
    match: str = "exact"  # "exact": every word as typed; "partial": part of the query, or a synonym;
    #                       "related": shown after a short first page, not counted among the results
    truncated: tuple = (False, False)  # text cut at its (start, end): a snippet of a very long paragraph
    spans: list = field(default_factory=list)  # [(start, end)] where the terms match the text
    heading_spans: list = field(default_factory=list)  # the same for each heading
    roles: list = field(default_factory=list)  # every role of the paragraph, `role` (the primary one) first
    date: str = ""  # the notice's listing date: published, else feedback, else the inspection's end or start
    date_kind: str = ""  # which of those `date` is: published, feedback, inspection_end, inspection_start
    inspector: str = ""  # the inspecting body (巡察组) that fed the problems back
    completion: dict = field(default_factory=dict)  # the notice's stated figures: problems, problems_done,
    #                                                 measures, measures_done, rate (percent)
    similar: int = 0  # other notices holding a near-copy of this paragraph (雷同), boilerplate aside


@dataclass
class FacetValue:
    value: str
    label: str  # how the value reads: a notice by its title, the rest as they are
    count: int  # matching paragraphs
    selected: bool
    notices: int = 0  # notices with a matching paragraph


@dataclass
class FacetResult:
    name: str
    label: str
    values: list  # [FacetValue], selected first, then by count; at most FACET_LIMIT unselected
    available: int = 0  # values with a count or selected, listed or not


@dataclass
class Suggestion:
    """A way out of few or no results: another query, and how many paragraphs hold it as typed."""

    kind: str  # "spelling": a word of the index that sounds or looks alike; "unquote": the phrase without
    #            quotes (it stands in a heading); "drop": the query without one word; "unfiltered": the
    #            query without the facet selections that left nothing
    q: str  # the query to search instead, in the box syntax
    word: str  # the word it is about: the correction, the phrase, or the word left out
    count: int


@dataclass(frozen=True)
class Completion:
    """What the search box may complete to: a word of the index, a problem type, a unit or a title."""

    text: str
    kind: str  # "word", "problem_type", "issuer", "title"
    count: int  # paragraphs holding a word or of a type; notices of a unit or with a title


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
    exact: int = 0  # paragraphs that hold every word as typed (they come first)
    partial: int = 0  # paragraphs that hold part of the query, or a synonym of a word
    expansions: list = field(default_factory=list)  # [(word, [synonyms searched besides it])]
    roles: list = field(default_factory=list)  # paragraph roles the query asked for by name, ranked first
    role_words: list = field(default_factory=list)  # the words read as those roles
    suggestions: list = field(default_factory=list)  # [Suggestion]: ways out of few or no results
    missing: list = field(default_factory=list)  # [{"shard", "node"}]: shards that did not answer; counts leave them out
    date_span: tuple = ("", "")  # ("YYYY-MM", "YYYY-MM"): the months the index's notices are listed in

    @property
    def pages(self):
        count = self.total_notices if self.request.group else self.total
        return max(1, -(-count // self.request.per_page))


@dataclass
class CompareRow:
    """One notice's answer to a query, side by side with others': its matching paragraphs by what they say."""

    notice: dict  # the catalog entry: id, title, issuer, inspector, level, place, date, stats
    title: str
    cells: dict  # "问题" / "整改措施" / "整改成效" / "其他" -> [Hit], in the notice's order
    more: dict  # the same keys -> matching paragraphs not shown in the cell
    matches: int  # matching paragraphs of the notice
    completion: object = None  # problems done / problems fed back, when the notice states both


@dataclass
class CompareResult:
    request: SearchRequest
    rows: list  # [CompareRow]
    notices: int  # notices with a matching paragraph, chosen or not
    sort: str
    chosen: list  # notice ids the comparison was narrowed to ([] for all)
    took_ms: float


@dataclass
class StatsTable:
    """A count table: its rows and columns are values of facets (or of a notice field), each cell a count.

    `row_facet`/`column_facet` name the facets a cell's link selects (None: no facet, e.g. a column
    of figures); `cells[i][j]` is a number; `unit` says what it counts.
    """

    name: str
    title: str
    rows: list  # row labels (facet values)
    columns: list  # column labels
    cells: list  # [[number]]
    unit: str  # "段", "份", "%", "个"
    row_facet: object = None
    column_facet: object = None
    row_query: object = None  # a query scope for rows that are not a facet: "单位" (rows are units)


@dataclass
class StatsResult:
    request: SearchRequest
    query: str
    total: int  # matching paragraphs
    total_notices: int
    tables: list  # [StatsTable]
    took_ms: float
