"""The facets: one table of what a search can be narrowed by, and where each facet's values live.

Three kinds, after where a value belongs:

* `ParagraphFacet`: one value per paragraph (its section category, its role);
* `ParagraphSetFacet`: several values per paragraph (its problem types, its
  roles: a paragraph stating a problem and its measures is both);
* `NoticeFacet`: a value of the paragraph's notice, read from the notice's
  catalog entry (the notice itself, its province, city, year, level).

Counting is disjunctive whatever the kind: each facet is counted with every
other facet's selection applied but not its own, so a user can add a second
value to a facet without clearing it. A backend counts each kind its own way
(`search_core.embedded.counting`); the page, the API and the CSV read names,
labels and the order of values from this table.
"""

from dataclasses import dataclass
from typing import ClassVar

from indexer.notice import LEVELS, ROLES

#: Most values a facet lists besides the selected ones (the 通报 facet has one per notice).
FACET_LIMIT = 100


@dataclass(frozen=True)
class Facet:
    name: str  # the request parameter and the API key
    label: str  # the heading people see
    kind: ClassVar[str] = ""
    order: tuple = ()  # values in their natural order (roles as a notice tells them), if they have one
    by_count: bool = True  # listed by count, most first; False: in their natural order (years, levels)

    def sort_key(self, value):
        """Where a value lists among values of equal count: in the natural order, else alphabetically."""
        return (0, self.order.index(value), value) if value in self.order else (1, 0, value)


@dataclass(frozen=True)
class ParagraphFacet(Facet):
    kind: ClassVar[str] = "paragraph"


@dataclass(frozen=True)
class ParagraphSetFacet(Facet):
    kind: ClassVar[str] = "paragraph_set"


@dataclass(frozen=True)
class DuplicateFacet(Facet):
    """Paragraphs with a near-copy in another notice (`search_core.embedded.similar`): one value."""

    kind: ClassVar[str] = "duplicate"


@dataclass(frozen=True)
class NoticeFacet(Facet):
    kind: ClassVar[str] = "notice"
    key: str = ""  # the catalog entry's key holding the value

    def value_of(self, entry):
        """The notice's value as a facet value: a string, "" when the notice has none."""
        value = entry.get(self.key)
        return "" if value is None else str(value)


@dataclass(frozen=True)
class YearFacet(NoticeFacet):
    by_count: bool = False

    def sort_key(self, value):
        """Years newest first; anything else after them, alphabetically."""
        return (0, -int(value), value) if value.isdigit() else (1, 0, value)


FACETS = (
    ParagraphFacet("category", "巡察领域"),
    ParagraphSetFacet("problem_type", "问题类型"),
    ParagraphSetFacet("role", "段落类型", order=ROLES),
    DuplicateFacet("duplicate", "雷同"),
    NoticeFacet("notice", "通报", key="id"),
    NoticeFacet("issuer", "单位", key="issuer"),
    NoticeFacet("province", "省份", key="province"),
    NoticeFacet("city", "城市", key="city"),
    NoticeFacet("county", "区县", key="county"),
    YearFacet("year", "年份", key="year"),
    NoticeFacet("level", "巡察层级", key="level", order=LEVELS, by_count=False),
)
BY_NAME = {facet.name: facet for facet in FACETS}
