"""The parser's rules one at a time, on small texts shaped like real notices."""

from pathlib import Path

import pytest

from indexer.parsing import clean_text, parse_text
from indexer.notice import Region
from indexer.parsing.dates import find_dates, find_range, parse_compact, parse_date
from indexer.parsing.headings import split_heading
from indexer.parsing.metadata import inspector, level, stats
from indexer.parsing.regions import infer_region

INTRO = "根据县委统一部署，2023年3月1日至4月30日，县委第二巡察组对县文旅局党组进行了巡察。2023年6月1日，反馈了巡察意见。现将巡察整改进展情况予以公布。"


def headings(text):
    return [(h.level, h.marker, h.text) for h in parse_text(text).headings]


# --- cleaning ---------------------------------------------------------------

def test_page_chrome_removed_and_its_date_kept():
    text = "\n".join([
        "当前位置: 首页 > 信息公开 > 巡察整改", "中共XX县文旅局党组关于巡察整改进展情况的通报",
        "来源:XX县纪委 更新时间:2023-12-15 10:58 作者:佚名 责任编辑:张三", "【字体：大 中 小】【打印】【关闭】", "分享到:",
        INTRO, "扫一扫在手机打开当前页", "版权所有：XX县人民政府",
    ])
    assert clean_text(text) == "中共XX县文旅局党组关于巡察整改进展情况的通报\n" + INTRO
    assert parse_text(text).published == "2023-12-15"


def test_word_artefacts_and_pinyin_debris_removed():
    assert clean_text(INTRO + "\n[bookmark: _GoBack]落实落细“三会一课”制度。") == INTRO + "\n落实落细“三会一课”制度。"
    assert clean_text("根據(jù)區(qū)委統(tǒng)一部署，巡察組進行了巡察。") == "根據區委統一部署，巡察組進行了巡察。"


def test_title_split_over_lines_joined_and_repeated_title_dropped():
    text = "XX局党组 关于巡察整改情况的通报\n\nXX局党组\n\n关于巡察整改情况的通报\n\n" + INTRO
    notice = parse_text(text)
    assert notice.title == "XX局党组关于巡察整改情况的通报"
    assert clean_text(text).count("通报") == 1


def test_title_prefix_and_trailing_date_dropped():
    notice = parse_text("【巡察整改】中共XX县文旅局党组关于巡察整改进展情况的通报（2023年6月21日）\n" + INTRO)
    assert notice.title == "中共XX县文旅局党组关于巡察整改进展情况的通报"
    assert notice.published == "2023-06-21"


def test_no_title_means_null():
    assert parse_text(INTRO).title is None


@pytest.mark.parametrize("toc", [
    "目录\n一、组织整改落实情况……………1\n二、巡察反馈问题整改情况……………2",
    "目录\n一、组织整改落实情况\n二、巡察反馈问题整改情况",
])
def test_table_of_contents_before_the_title_is_no_heading(toc):
    text = toc + "\n中共XX县文旅局党组关于巡察整改进展情况的通报\n" + INTRO + "\n一、组织整改落实情况\n党组高度重视。"
    assert headings(text) == [(1, "一、", "组织整改落实情况")]


def test_wrapped_lines_joined_but_headings_and_items_kept_apart():
    text = INTRO + "\n一、组织落实情况\n一是认真分析本单位人员实际，有针对性地发展党员。二是\n加强学习教育。\n三是巩固成果。"
    assert [p.text for p in parse_text(text).paragraphs[1:]] == [
        "一是认真分析本单位人员实际，有针对性地发展党员。二是加强学习教育。", "三是巩固成果。"]


def test_blank_line_ends_a_paragraph_even_without_punctuation():
    assert [p.text for p in parse_text(INTRO + "\n\n甲乙丙丁\n\n戊己庚辛。").paragraphs[1:]] == ["甲乙丙丁", "戊己庚辛。"]


def test_flattened_text_split_at_heading_markers():
    flat = (INTRO + "一、组织整改落实情况局党组高度重视，将整改作为首要政治任务抓紧抓实。（一）提高政治站位，统一思想认识。"
            "巡察是政治体检。（二）加强组织领导，抓实责任分解。成立领导小组。二、具体整改情况（一）聚焦党中央决策部署方面"
            "1.学习不深入（1）理论学习中心组学习未按规定开展。整改情况：严格规范学习。（2）学习笔记不全。整改情况：已补齐。")
    assert headings(flat) == [
        (1, "一、", "组织整改落实情况"), (2, "（一）", "提高政治站位，统一思想认识"), (2, "（二）", "加强组织领导，抓实责任分解"),
        (1, "二、", "具体整改情况"), (2, "（一）", "聚焦党中央决策部署方面"), (3, "1.", "学习不深入"),
        (4, "（1）", "理论学习中心组学习未按规定开展"), (4, "（2）", "学习笔记不全")]
    assert parse_text(flat).paragraphs[1].text == "局党组高度重视，将整改作为首要政治任务抓紧抓实。"


def test_nul_and_control_characters_removed():
    assert clean_text("一、组织\x00落实\x07情况\r\n" + INTRO) == "一、组织落实情况\n" + INTRO


# --- headings ---------------------------------------------------------------

def test_levels_follow_the_order_schemes_appear_in():
    text = INTRO + "\n" + "\n".join([
        "1、 履行整改主体责任情况", "（一）高度重视。甲。", "2、 巡察反馈问题整改情况", "（1） 聚焦党中央决策部署方面",
        "1.深入学习。", "乙。", "（三）聚焦基层党组织建设方面", "① 规范支部建设", "问题1：理论学习不深入。整改情况：已整改。",
    ])
    assert headings(text) == [
        (1, "1、", "履行整改主体责任情况"), (2, "（一）", "高度重视"), (1, "2、", "巡察反馈问题整改情况"),
        (2, "（1）", "聚焦党中央决策部署方面"), (3, "1.", "深入学习"), (2, "（三）", "聚焦基层党组织建设方面"),
        (3, "①", "规范支部建设"), (4, "问题1：", "理论学习不深入")]


def test_half_and_full_width_variants_are_one_scheme():
    assert [h[0] for h in headings(INTRO + "\n(一)甲方面\n1.乙\n（二）丙方面\n2．丁")] == [1, 2, 1, 2]


@pytest.mark.parametrize("line", ["一是加强学习。二是完善制度。", "整改情况：已完成整改。", "完成情况：已完成。", "2023年3月召开会议。", "1.5万元已退还。"])
def test_not_headings(line):
    assert headings(INTRO + "\n" + line) == []


@pytest.mark.parametrize("line, marker, text, body", [
    ("（一）高度重视统筹推进。党组书记负总责。", "（一）", "高度重视统筹推进", "党组书记负总责。"),
    ("1.关于“学习不深。笔记潦草”问题整改情况", "1.", "关于“学习不深。笔记潦草”问题整改情况", ""),
    ("(12)两馆民意反映渠道不畅。", "(12)", "两馆民意反映渠道不畅", ""),
    ("1.关于理论学习不深入的问题整改情况:一是加强学习。", "1.", "关于理论学习不深入的问题", "整改情况:一是加强学习。"),
    ("三、建立长效机制,巩固整改成效目前,整改工作取得成效。", "三、", "建立长效机制,巩固整改成效", "目前,整改工作取得成效。"),
    ("一、 组织整改落实情况", "一、", "组织整改落实情况", ""),
])
def test_inline_heading_split(line, marker, text, body):
    split = split_heading(line, line)
    assert (split.marker, split.text, line[split.body_at:].strip()) == (marker, text, body)


def test_unnumbered_section_title_is_a_top_level_heading():
    text = INTRO + "\n一、整改情况\n（一）甲方面\n乙。\n\n下一步工作打算\n\n一是持续整改。"
    assert headings(text)[-1] == (1, "", "下一步工作打算")
    assert parse_text(text).paragraphs[-1].role == "下一步计划"


# --- dates ------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("2023621", "2023-06-21"), ("20230621", "2023-06-21"), ("202361", "2023-06-01"),
    ("2023111", None),  # 1月11日 or 11月1日
    ("2023", None),
])
def test_compact_dates_decoded_only_when_unambiguous(text, expected):
    assert parse_compact(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("2024年4月19日至7月26日", ("2024-04-19", "2024-07-26")),
    ("2023年7月6日-9月6日", ("2023-07-06", "2023-09-06")),
    ("2024年3月1日至15日", ("2024-03-01", "2024-03-15")),
    ("2023年11月8日至1月20日", ("2023-11-08", "2024-01-20")),
    ("二〇二三年三月二十三日至五月十一日", ("2023-03-23", "2023-05-11")),
    ("2023年，市委巡察组于8月24日至10月23日进驻", ("2023-08-24", "2023-10-23")),
])
def test_inspection_ranges(text, expected):
    assert find_range(text)[:2] == expected


def test_dates_whose_year_and_month_characters_the_page_lost():
    text = "根据市委统一部署,2024717日至830日,市委第六巡察组对市卫健委党委进行了巡察。914日,巡察组向市卫健委党委反馈了巡察意见。"
    notice = parse_text(text)
    assert (notice.inspection_start, notice.inspection_end, notice.feedback_date) == ("2024-07-17", "2024-08-30", "2024-09-14")
    assert [(d.month, d.day) for d in find_dates("111日至1125日")] == [(11, 25)]  # 1月11日 or 11月1日: no date


@pytest.mark.parametrize("published, expected", [
    ("\n中共XX县文旅局党组\n2024年5月6日", ("2024-05-06", "published", 2024)),
    ("", ("2023-06-01", "feedback", 2023)),
])
def test_one_listing_date_and_its_year(published, expected):
    notice = parse_text(INTRO + "\n欢迎广大干部群众监督。联系电话：0870-2832012。" + published)
    assert (notice.date, notice.date_kind, notice.year) == expected


def test_listing_date_falls_back_to_the_inspection():
    notice = parse_text("根据县委统一部署，2023年3月1日至4月30日，县委第二巡察组对县文旅局党组进行了巡察。现将巡察整改进展情况予以公布。")
    assert (notice.date, notice.date_kind) == ("2023-04-30", "inspection_end")


def test_month_without_day_is_no_date():
    notice = parse_text("根据市委统一部署，2022年8月下旬至10月下旬，市委第四巡察组开展了专项巡察。2023年2月22日，反馈了巡察意见。")
    assert (notice.inspection_start, notice.inspection_end, notice.feedback_date) == (None, None, "2023-02-22")


def test_feedback_year_turns_over():
    notice = parse_text("根据市委统一部署，2023年10月8日至11月20日，市委第三巡察组进行了巡察。1月25日，反馈了巡察意见。")
    assert notice.feedback_date == "2024-01-25"


def test_chinese_numeral_signature_date():
    assert parse_date("二〇二三年六月二十一日") == "2023-06-21"
    text = INTRO + "\n欢迎广大干部群众监督。联系电话：0870-2832012。\n中共XX县文旅局党组\n二〇二三年六月二十一日"
    notice = parse_text(text)
    assert notice.published == "2023-06-21"
    assert notice.paragraphs[-1].role == "联系方式"


# --- metadata ---------------------------------------------------------------

@pytest.mark.parametrize("text, expected, lvl", [
    ("市委第一巡察组对", "市委第一巡察组", "市"), ("县委第二巡察组对", "县委第二巡察组", "县"),
    ("中央第十二巡视组对", "中央第十二巡视组", "中央"), ("市委第一专项巡察组对", "市委第一专项巡察组", "市"),
    ("省委第三巡视组对", "省委第三巡视组", "省"), ("市委第二轮第二巡察组", "市委第二巡察组", "市"),
    ("县委巡察第二组对", "县委巡察第二组", "县"), ("州委第一巡察组对", "州委第一巡察组", "市"),
])
def test_inspectors_and_levels(text, expected, lvl):
    name, owner = inspector(text, "", "")
    assert name == expected
    assert level(owner, "", "") == lvl


@pytest.mark.parametrize("intro, region, lvl", [
    # A county-level city's 市委 is of county level; a prefecture's, of city level.
    ("根据市委统一部署，市委第一巡察组对文广旅局党组进行了巡察。", Region("吉林省", "长春市", "榆树市"), "县"),
    ("根据长春市委统一部署，市委第一巡察组对榆树市文广旅局党组进行了巡察。", Region("吉林省", "长春市", "榆树市"), "市"),
    ("按照市委统一部署，市委第二巡察组对民和镇党委开展了巡察。", Region("江西省", "南昌市", "进贤县"), "市"),
    ("根据市委统一部署，市委第六巡察组对市卫健委党委进行了巡察。", Region("江苏省", "宿迁市", None), "市"),
    ("根据市委统一部署，市委第二巡察组对市文旅局进行了巡察。", Region("湖北省", None, "仙桃市"), "县"),
])
def test_level_from_the_division_table(intro, region, lvl):
    _, owner = inspector(intro, "", "")
    assert level(owner, intro, "", region) == lvl


def test_level_from_who_deployed_when_the_group_has_no_owner():
    name, owner = inspector("根据区委统一部署，第一巡察组进行了巡察。", "", "")
    assert (name, level(owner, "根据区委统一部署，第一巡察组进行了巡察。", "")) == ("第一巡察组", "县")


def test_counts_and_contact():
    text = (INTRO + "\n一、整改责任落实情况\n截至目前，制定的12项整改措施，已经完成落实12项；反馈的15个具体问题，已完成整改15个。"
            "\n欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0431-76212566；邮政信箱：XX市政务大厅十四楼；"
            "邮编：136100；电子邮箱：abc@126.com。")
    notice = parse_text(text)
    assert (notice.stats.problems, notice.stats.problems_done, notice.stats.measures, notice.stats.measures_done) == (15, 15, 12, 12)
    assert (notice.contact.phone, notice.contact.email, notice.contact.address, notice.contact.postcode) == (
        "0431-76212566", "abc@126.com", "XX市政务大厅十四楼", "136100")


@pytest.mark.parametrize("text, expected", [
    # 已全部完成整改: every problem is done; the rate follows.
    ("对应34个具体问题清单制定了95条具体整改措施。截至目前，已全部完成整改。", (34, 34, 95, None, 100.0)),
    # Phased completions are no completions; the finest count of problems is the one completed against.
    ("指出我局存在3方面13个问题，细化分解为24个分项问题。截至目前，已完成反馈问题整改5个，阶段性完成整改14个，整改中的5个。",
     (24, 5, None, None, 20.83)),
    ("巡察反馈25个问题，已完成整改19个、正在整改6个，整改完成率76%。", (25, 19, None, None, 76.0)),
])
def test_completion_figures(text, expected):
    s = stats([text])
    assert (s.problems, s.problems_done, s.measures, s.measures_done, s.rate) == expected


def test_news_article_is_other():
    assert parse_text("3月15日，区纪委召开巡察整改推进会，部署下一阶段工作。会议强调，要压实整改责任。").kind == "other"


def test_capture_starting_mid_notice_is_still_a_notice():
    assert parse_text("一、组织整改落实情况\n局党组高度重视。\n二、巡察反馈问题整改情况\n整改情况：已完成。").kind == "notice"


# --- regions ----------------------------------------------------------------

@pytest.mark.parametrize("names, address, expected", [
    (["中共长春市二道区文旅局党组"], "", ("吉林省", "长春市", "二道区")),
    (["株洲市天元区文旅局"], "", ("湖南省", "株洲市", "天元区")),
    (["朝阳区文联"], "", (None, None, None)),  # 北京 or 长春: not guessed
    (["长春市朝阳区文联"], "", ("吉林省", "长春市", "朝阳区")),
    (["区委", "区文联"], "", (None, None, None)),
    (["北京市朝阳区文联"], "", ("北京市", "北京市", "朝阳区")),
    (["中共湖北省司法厅委员会"], "", ("湖北省", None, None)),
    (["吉林省文联"], "", ("吉林省", None, None)),  # 吉林 alone is the province, not 吉林市
    ([], "榆树市政府行政办公楼12楼", ("吉林省", "长春市", "榆树市")),
    (["昭阳区文联"], "中山路47号", ("云南省", "昭通市", "昭阳区")),  # road names are not places
])
def test_regions(names, address, expected):
    r = infer_region(names, address)
    assert (r.province, r.city, r.county) == expected


@pytest.mark.parametrize("body, expected", [
    ("市委第七提级交叉巡察组向通渭县委宣传部反馈巡察情况", ("甘肃省", "定西市", "通渭县")),
    ("印发了《中共进贤县民和镇党委关于认真做好整改工作的通知》", ("江西省", "南昌市", "进贤县")),
    ("推动沭阳中医院创成三甲医院，支持宿迁市卫生健康领域改革", ("江苏省", "宿迁市", None)),
])
def test_region_from_a_unit_named_in_the_body(body, expected):
    r = infer_region([], "", "", body)
    assert (r.province, r.city, r.county) == expected


# --- the complete notices copied badly ------------------------------------------

COMPLETE = sorted(Path(__file__).parent.joinpath("notices", "complete").glob("*.txt"))


def _headings_of(text):
    return [(h.level, h.marker, h.text) for h in parse_text(text).headings]


def _hard_wrap(text, width, blank=False):
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    pieces = [line[i:i + width] for line in lines for i in range(0, len(line), width)]
    return ("\n\n" if blank else "\n").join(pieces)


@pytest.mark.parametrize("width, blank", [(30, False), (46, False), (36, True)])
@pytest.mark.parametrize("path", COMPLETE, ids=lambda p: p.stem[:3])
def test_hard_wrapped_copies_keep_their_headings(path, width, blank):
    text = path.read_text(encoding="utf-8")
    original = parse_text(text)
    wrapped = parse_text(_hard_wrap(text, width, blank))
    assert _headings_of(_hard_wrap(text, width, blank)) == [(h.level, h.marker, h.text) for h in original.headings]
    assert (wrapped.title, wrapped.inspector, wrapped.feedback_date) == (original.title, original.inspector, original.feedback_date)


@pytest.mark.parametrize("name", ["002_d6dfadf123e246ba", "004_3285782bd5727c11"])
def test_flattened_copies_keep_their_headings(name):
    text = (Path(__file__).parent / "notices" / "complete" / f"{name}.txt").read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    body = next(i for i, line in enumerate(lines) if line.startswith(("根据", "按照")))
    flat = "\n".join(lines[:body]) + "\n" + "".join(lines[body:])
    assert _headings_of(flat) == _headings_of(text)
