"""Page chrome: the lines a web page or word processor adds around a notice.

Each test looks at one stripped, simplified line and says whether it is chrome.
Chrome that carries facts (来源 and dates, the gov-info metadata block) is also
read here, so the date of the page survives the removal of its line.
"""

import re

from .dates import find_dates, parse_date

#: Inline artefacts of word processors and ruby-annotated captures, removed anywhere.
WORD_ARTEFACT = re.compile(r"\[(?:bookmark|image|footnote|endnote|comment)\b[^\]\n]{0,120}\]", re.I)
#: Pinyin after a character, e.g. 根據(jù): a mirror site's ruby text flattened into the page.
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])[(（][a-zü]{0,6}[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]{0,6}[)）]")

_URL = re.compile(r"(?:https?://|www\.)\S+")
_BREADCRUMB = re.compile(
    r"(?:当前位置|您的位置|你的位置|您现在的位置|你现在的位置|您当前的位置|所在位置|当前栏目)\s*[:：]"
    r"|首页\s*[>»/→＞›]"
)
_META_LABEL = (
    r"来源|信息来源|文章来源|发布时间|更新时间|发布日期|发布于|时间|日期|作者|稿件作者|"
    r"责任编辑|编辑|审核|浏览|浏览量|浏览次数|访问量|阅读|阅读量|阅读次数|点击|点击数|点击量|字号|供稿"
)
_META = re.compile(rf"(?:{_META_LABEL})\s*[:：]")
_DATETIME = re.compile(r"(?:19|20)\d\d[-/.年]\d{1,2}[-/.月]\d{1,2}日?(?P<time>\s*\d{1,2}:\d\d(?::\d\d)?)?")
#: What a repost prints after its date stamp: the name of a site or paper.
_SITE = re.compile(r"网|站|来源|纪委|监委|日报|新闻|政府|门户|客户端|融媒|发布")
_SOURCE = re.compile(r"(?:信息来源|文章来源|来源)\s*[:：]\s*([^\s:：]{2,40})")

_CHROME_TOKENS = (
    "打印本页|打印正文|打印|关闭窗口|关闭|朗读|分享到|分享至|分享|收藏|加入收藏|页面|字体|字号|对比度|"
    "放大字体|缩小字体|浏览字体|默认|视力保护色|繁体|简体|无障碍|适老化|长者模式|返回顶部|返回|"
    "微信|微博|QQ空间|QQ|复制链接|纠错|我要纠错|保存|大|中|小|A\\+|A-|A"
)
_CHROME = re.compile(rf"(?:{_CHROME_TOKENS}|[\s:：|｜/·•\-【】\[\]()（）<>〈〉])+")
_CHROME_PREFIX = re.compile(r"(?:上一篇|下一篇|相关链接|相关文章|相关阅读|推荐阅读|附件下载)\s*[:：]")
_QR = re.compile(r"扫码|扫一扫|二维码|微信公众号|关注我们|手机打开")
_FOOTER = re.compile(r"版权所有|主办单位|承办单位|网站标识码|ICP备|公网安备|技术支持|联系我们|网站地图|Copyright|©|浏览器")
_TOC_LEADER = re.compile(r"(?:\.{4,}|…{2,}|·{4,}|-{4,}|_{4,})\s*\d+\s*$")
_SUMMARY = re.compile(r"(?:核心提示|内容提要|导读|摘要)\s*[:：]")

#: The gov-info metadata block: `label:` then the value, on the same line or the next.
META_BLOCK = re.compile(
    r"[•·●▪\-\s]*(?P<label>信息索引号|索引号|文件名称|标题|名称|发布机构|发文机构|发文机关|成文日期|发布日期|"
    r"公开日期|生成日期|公开方式|公开范围|公开时限|主题分类|体裁分类|组配分类|主题词|文号|发文字号|有效性|"
    r"时效性|所属机构|内容概述|关键词)\s*[:：]\s*(?P<value>.*)"
)
#: Labels of that block whose value is worth keeping.
DATE_LABELS = ("发布日期", "公开日期", "成文日期", "生成日期")
TITLE_LABELS = ("文件名称", "标题", "名称")
PUBLISHER_LABELS = ("发布机构", "发文机构", "发文机关", "所属机构")


def is_chrome(simp):
    """True for a line that is page furniture wherever it appears."""
    if len(simp) > 160 or "。" in simp:
        return False
    return bool(
        _URL.fullmatch(simp)
        or _BREADCRUMB.search(simp)
        or _CHROME.fullmatch(simp)
        or _CHROME_PREFIX.match(simp)
        or _TOC_LEADER.search(simp)
    )


def is_edge_chrome(simp):
    """QR-code captions and site footers: chrome above the title or below the signature.

    Only trusted at the edges, because a heading in the body may well say 扫码 or 技术支持.
    """
    return len(simp) <= 40 and bool(_QR.search(simp) or _FOOTER.search(simp))


def page_meta(simp):
    """For a 来源/发布时间/作者… line, (date or None, source or None); None for other lines.

    Also takes a date-time stamp followed by a site name (2021-02-23 12:42:06来源:…,
    2025-06-17 09:00 浙江省纪委省监委网站), the way reposts print their byline.
    """
    if len(simp) > 120 or any(c in simp for c in "。，,"):
        return None
    labels = _META.findall(simp)
    stamp = _DATETIME.match(simp)
    if labels:
        if not (_META.match(simp) or stamp or len(labels) >= 2):
            return None
    elif stamp:
        tail = simp[stamp.end():].strip()
        if not (_SITE.search(tail) and len(tail) <= 30 or not tail and stamp["time"]):
            return None
        return parse_date(simp), tail or None
    else:
        return None
    source = _SOURCE.search(simp)
    return parse_date(simp), source[1] if source else None


def is_summary_of(simp, everything):
    """A portal's auto-summary (核心提示:…) repeating text found again in `everything`."""
    m = _SUMMARY.match(simp)
    if not m:
        return False
    body = simp[m.end():]
    probe = body[len(body) // 3: len(body) // 3 + 16]
    return len(probe) >= 8 and everything.count(probe) >= 2


def date_only(simp):
    """ISO date of a line that is nothing but a date (a signature or page date), else None."""
    text = simp.strip(" ()（）")
    found = find_dates(text)
    if len(found) == 1 and found[0].start == 0 and found[0].end >= len(text) - 8 and found[0].year:
        tail = text[found[0].end:]
        if not tail or re.fullmatch(r"\s*\d{1,2}:\d\d(?::\d\d)?", tail):
            return found[0].iso()
    return None
