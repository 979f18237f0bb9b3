"""Facts about a notice read from its title, intro, overview and closing.

Everything here reads simplified text, and the values used as facets (issuer,
inspector) are returned in simplified script so the same unit groups together
whichever script its notice used. Dates follow `dates`: stated or carried from
the same sentence, never guessed.
"""

import re

from ..notice import Contact, Stats
from .dates import find_dates, find_range, resolve
from .regions import county_level_city

_CN_NUM = "一二三四五六七八九十"
_OWNER = r"党中央|中央|自治区党委|(?:省|市|州|盟|地|县|区|旗)(?:委|党委)"
_INSPECTOR = re.compile(
    rf"(?P<owner>{_OWNER})?(?:第[{_CN_NUM}\d]+轮(?:巡视|巡察)?)?(?P<num>第[{_CN_NUM}\d]{{1,4}})"
    r"(?P<kind>(?:专项|交叉|机动|提级|联动)*)(?P<noun>巡视|巡察)组"
    # 县委巡察第二组: the number after the noun
    rf"|(?P<owner2>{_OWNER})?(?P<noun2>巡视|巡察)(?P<num2>第[{_CN_NUM}\d]{{1,4}})组"
)
_INSPECTOR_UNNUMBERED = re.compile(rf"(?P<owner>{_OWNER})(?P<kind>(?:专项|交叉|机动|提级)*)(?P<noun>巡视|巡察)组")
_DEPLOYER = re.compile(
    rf"(?P<owner>{_OWNER})(?:第[{_CN_NUM}\d]+轮)?(?:巡视|巡察)?(?:工作)?(?:领导小组)?(?:的)?(?:统一)?(?:安排)?部署"
)
_ROUND = re.compile(rf"届(?P<owner>{_OWNER})第[{_CN_NUM}\d]+轮")
_LEVELS = {"党中央": "中央", "中央": "中央", "自治区党委": "省"}
_LEVEL_BY_FIRST = {"省": "省", "市": "市", "州": "市", "盟": "市", "地": "市", "县": "县", "区": "县", "旗": "县"}

_FEEDBACK = re.compile(r"反馈")
_SENTENCE = re.compile(r"[。；;！？\n]")
_INSPECTED = (
    re.compile(r"向(?P<unit>[^，,。；;、]{2,40}?)(?:全面)?(?:反馈|作了反馈|进行了反馈)"),
    re.compile(r"对(?P<unit>[^，,。；;、]{2,40}?)(?:进行|开展)(?:了)?"),
)
_ALIAS = re.compile(r"[（(]以下简称[^）)]*[）)]")
_ORG = re.compile(r"(?:党组|党委|党工委|党总支|党支部|党组织|委员会|联合会|文联|妇联|总工会|工会|局|委|办公室|办|院|中心|馆|会|公司|政府)$")
_TITLE_ISSUER = re.compile(
    r"^(?P<org>.{2,40}?(?:党组|党委|党工委|委员会|党总支|党支部|联合会|文联|妇联|总工会|局|办公室|中心|院|馆))"
    r"(?=对|落实|巡察|巡视|整改)"
)

_PROBLEMS = re.compile(r"(\d+)\s*(?:个|项|条)(?:具体|分项|反馈)?问题")
_PROBLEMS_DONE = re.compile(r"(?:已完成(?:反馈)?(?:问题)?整改|完成整改|已整改到位|已整改|已办结|已销号)\s*(\d+)\s*(?:个|项|条)")
_MEASURES = re.compile(r"(\d+)\s*(?:项|条|个)(?:具体)?整改(?:措施|举措|任务)|整改(?:措施|举措|任务)\s*(\d+)\s*(?:项|条)")
_MEASURES_DONE = re.compile(r"(?:已经?完成落实|已落实到位|已落实|已经?完成)\s*(\d+)\s*(?:项|条)")
#: Figures of work only partly done (阶段性完成14个, 基本完成4个) are no completions.
_PARTLY = re.compile(r"(?:阶段性|基本|部分|正在|未)(?:完成|整改)?[^，,。；;]{0,4}$")
_ALL_DONE = re.compile(r"(?:已|均已|现已)?全部(?:完成整改|整改完成|整改到位|完成)|已全面完成整改|均已(?:完成)?整改(?:到位|完成)")
_RATE = re.compile(r"(?:整改)?(?:完成|办结|销号)率\s*(?:为|达到?|达)?\s*(\d+(?:\.\d+)?)\s*[%％]")

_PHONE = re.compile(r"(?:电话|热线|手机|座机)[^0-9\n]{0,8}((?:0\d{2,3}\s*[-－—]?\s*)?\d{7,8}|1[3-9]\d{9}|12388)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_ADDRESS = re.compile(
    r"(?:邮政信箱|通信地址|通讯地址|联系地址|来信地址|邮寄地址|信件地址|地址)\s*[:：为]?\s*"
    r"(?P<value>[^；;。，,\n]+?)\s*(?=[；;。，,]|[（(]?\s*邮编|[（(]?\s*邮政编码|电子邮箱|联系电话|$)"
)
_POSTCODE = re.compile(r"(?:邮编|邮政编码)\s*[:：为]?\s*(\d{6})")

#: The closing paragraph: an invitation to supervise and the ways to reach the unit.
CLOSING = re.compile(r"欢迎.{0,30}监督|联系电话|举报电话|监督电话|邮政信箱|电子邮箱|通信地址|联系地址|邮编|邮政编码")
_STATEMENT = re.compile(r"现.{0,12}将.{0,40}(?:公布|公开|通报|报告|公示)|予以(?:公布|公开|通报|公示)|(?:报告|通报|公布)如下")
_NOTICE_TITLE = re.compile(r"(?:巡察|巡视|整改).*(?:通报|报告|情况|公告|公示)$")
_RECTIFYING = re.compile(r"(?:巡察|巡视).{0,10}(?:整改|反馈)|整改.{0,6}(?:情况|落实|措施|进展)")
_WHOLE_ROUND = re.compile(r"\d+个巡[察视]组|\d+家(?:被巡察)?单位|被巡察(?:单位|党组织)(?:共|全面)|向\d+家")


def inspector(intro, title, text):
    """(inspecting body as written, owner) from the intro, else the title, else the text."""
    for source in (intro, title, text[:3000]):
        m = source and _INSPECTOR.search(source)
        if m and m["noun2"]:
            owner = m["owner2"]
            return f"{'中央' if owner == '党中央' else owner or ''}{m['noun2']}{m['num2']}组", owner
        if m:
            return _render(m, m["num"]), m["owner"]
    for source in (intro, title):
        m = source and _INSPECTOR_UNNUMBERED.search(source)
        if m:
            return _render(m, ""), m["owner"]
    return None, None


def _render(m, num):
    owner = "中央" if m["owner"] == "党中央" else m["owner"] or ""
    return f"{owner}{num}{m['kind']}{m['noun']}组"


def level(owner, intro, title, region=None):
    """中央/省/市/县 from the inspector's owner, else from who deployed the round.

    The 市委 of a county-level city (榆树市, a county of 长春市) is of county
    level, unless the text names the prefecture's committee (长春市委).
    """
    for candidate in (owner, _first(_DEPLOYER, intro), _first(_ROUND, title)):
        if candidate:
            found = _LEVELS.get(candidate) or _LEVEL_BY_FIRST.get(candidate[0])
            if found == "市" and candidate[0] == "市" and region is not None and county_level_city(region) \
                    and not (region.city and f"{region.city[:-1]}市委" in f"{intro}\n{title}"):
                return "县"
            return found
    return None


def _first(pattern, text):
    m = text and pattern.search(text)
    return m["owner"] if m else None


def inspection_dates(intro, following=""):
    """(start, end, feedback) ISO dates from the intro; None where not stated.

    The feedback may be told in the paragraph `following` the intro.
    """
    if not intro:
        return None, None, None
    found = find_range(intro)
    start, end, range_end = found if found else (None, None, -1)
    feedback = _feedback(intro, range_end, end or start)
    if feedback is None and following:
        feedback = _feedback(following, -1, end or start)
    return start, end, feedback


def _feedback(intro, range_end, previous):
    """The date of the sentence that reports the feedback, year carried from the date before."""
    for m in _FEEDBACK.finditer(intro):
        begin = max((s.end() for s in _SENTENCE.finditer(intro, 0, m.start())), default=0)
        begin = max(begin, range_end)
        stop = _SENTENCE.search(intro, m.end())
        stop = stop.start() if stop else len(intro)
        before = [d for d in find_dates(intro[begin:m.start()]) if d.day]
        after = [d for d in find_dates(intro[m.end():stop]) if d.day]
        chosen = before[-1] if before else after[0] if after else None
        if chosen:
            at = (begin + chosen.start) if before else (m.end() + chosen.start)
            prior = [d.iso() for d in find_dates(intro[max(range_end, 0):at]) if d.iso()]
            if not prior and previous is None:
                prior = [d.iso() for d in find_dates(intro[:at]) if d.iso()]
            return resolve(chosen, prior[-1] if prior else previous)
    return None


def issuer(title, signature_org, publisher, intro):
    """The publishing Party organisation: named in the title, the signature, the page, or the intro."""
    if title:
        at = title.find("关于")
        if at >= 2:
            return _tidy(title[:at])
        m = _TITLE_ISSUER.match(title)
        if m:
            return _tidy(m["org"])
    if signature_org:
        return _tidy(signature_org)
    if publisher and _ORG.search(publisher):
        return _tidy(publisher)
    return inspected_unit(intro)


def inspected_unit(intro):
    """The unit the intro says was inspected (…对区文联进行了巡察), preferring a Party body."""
    if not intro:
        return None
    units = []
    for pattern in _INSPECTED:
        for m in pattern.finditer(_ALIAS.sub("", intro)):
            unit = m["unit"]
            if _ORG.search(unit) and "巡察组" not in unit and "巡视组" not in unit:
                units.append(unit)
    party = [u for u in units if re.search(r"党组|党委|党组织|党总支|党支部", u)]
    return _tidy((party or units or [None])[0])


def _tidy(name):
    return re.sub(r"\s+", "", name).strip("，,。:：") or None if name else None


def stats(texts):
    """Completion figures stated in the overview: problems fed back and rectified, measures planned and done.

    Problems count at the finest level given (3方面13个问题…细化为24个分项问题 → 24).
    已全部完成整改 means every problem is done; a figure of phased or partial
    completion is not a completion. The rate is the one stated, else problems
    done over problems.
    """
    result = Stats()
    problems, problems_done, measures, measures_done, rates = [], [], [], [], []
    all_done = False
    for text in texts:
        for clause in re.split(r"[。；;]", text):
            problems += [int(n) for n in _PROBLEMS.findall(clause)]
            problems_done += [int(m[1]) for m in _PROBLEMS_DONE.finditer(clause) if not _PARTLY.search(clause[:m.start()])]
            found = [int(a or b) for a, b in _MEASURES.findall(clause)]
            measures += found
            if found or re.search(r"措施|举措|任务", clause):
                measures_done += [int(n) for n in _MEASURES_DONE.findall(clause)]
            rates += [float(n) for n in _RATE.findall(clause)]
            all_done = all_done or bool(_ALL_DONE.search(clause))
    result.problems = max(problems, default=None)
    result.problems_done = max(problems_done, default=None)
    if all_done and result.problems and result.problems_done is None:
        result.problems_done = result.problems
    result.measures = max(measures, default=None)
    result.measures_done = max(measures_done, default=None)
    if rates:
        result.rate = rates[0]
    elif result.problems and result.problems_done is not None:
        result.rate = round(100 * result.problems_done / result.problems, 2)
    return result


def contact(pairs):
    """Phone, e-mail, address and postcode from the closing paragraphs ((text, simplified) pairs)."""
    result = Contact()
    for text, simp in pairs:
        if result.phone is None and (m := _PHONE.search(simp)):
            result.phone = re.sub(r"\s+", "", m[1]).replace("－", "-").replace("—", "-")
        if result.email is None and (m := _EMAIL.search(simp)):
            result.email = m[0]
        if result.address is None and (m := _ADDRESS.search(simp)):
            result.address = text[m.start("value"): m.end("value")].strip() or None
        if result.postcode is None and (m := _POSTCODE.search(simp)):
            result.postcode = m[1]
    return result


def kind(title, opening, headings=""):
    """`notice` for a rectification notice or report, `other` for anything else.

    A notice says it is publishing its rectification (现将…予以公布), has a
    notice's title, or has headings about rectifying what an inspection found
    (a capture that starts mid-way); a summary of a whole round (40家被巡察单位)
    is `other` even so.
    """
    if _WHOLE_ROUND.search(opening):
        return "other"
    if (title and _NOTICE_TITLE.search(title)) or _STATEMENT.search(opening) or _RECTIFYING.search(headings):
        return "notice"
    return "other"
