"""Golden tests for the five complete notices.

Every expectation here was checked by reading the notice itself; the golden
JSON files hold the full heading lists and metadata, and the key facts are
repeated below as literal asserts so a failure reads as a plain diff.
"""

import json
from pathlib import Path

import pytest

from indexer.parsing import parse_file

HERE = Path(__file__).parent
COMPLETE = sorted((HERE / "notices" / "complete").glob("*.txt"))


def parse(name):
    return parse_file(HERE / "notices" / "complete" / f"{name}.txt")


def _headings(notice):
    return [[h.level, h.marker, h.text, h.category] for h in notice.headings]


@pytest.mark.parametrize("path", COMPLETE, ids=lambda p: p.stem[:3])
def test_matches_golden(path):
    golden = json.loads((HERE / "golden" / f"{path.stem}.json").read_text(encoding="utf-8"))
    notice = parse_file(path).to_dict()
    assert {k: notice[k] for k in golden["metadata"]} == golden["metadata"]
    assert _headings(parse_file(path)) == golden["headings"]
    assert len(notice["paragraphs"]) == golden["paragraphs"]


def test_000_erdao_title_split_over_three_lines_and_mixed_numbering():
    n = parse("000_770efd74347c2cb3")
    assert n.title == "中共长春市二道区文旅局党组关于六届区委第四轮巡察整改进展情况的通报"
    assert (n.inspector, n.level) == ("区委第二巡察组", "县")
    assert (n.inspection_start, n.inspection_end, n.feedback_date, n.published) == ("2024-04-19", "2024-07-26", "2024-09-11", None)
    assert (n.region.province, n.region.city, n.region.county) == ("吉林省", "长春市", "二道区")
    assert (n.contact.phone, n.contact.email, n.contact.postcode) == ("0431-84648916", "EDWLJZC@126.com", "130022")
    # 1、 opens, （一） nests, 2、 closes back, （1） nests anew, 1. deeper, and （三） returns to （一）'s level.
    assert [(h.level, h.marker) for h in n.headings[:7]] == [
        (1, "1、"), (2, "（一）"), (2, "（二）"), (2, "（三）"), (1, "2、"), (2, "（1）"), (3, "1.")]
    assert (n.headings[13].level, n.headings[13].marker, n.headings[13].text) == (2, "（三）", "聚焦基层党组织建设方面")
    first = n.paragraphs[1]
    assert (first.text, first.headings) == ("党组书记负总责，其他分管领导按工作职责分别牵头，确保高起点、高标准、高质量推进。",
                                            ["履行整改主体责任情况", "高度重视统筹推进"])
    assert not any("bookmark" in p.text for p in n.paragraphs)
    assert n.paragraphs[26].text.startswith("落实落细“三会一课”制度。")


def test_000_erdao_classification():
    n = parse("000_770efd74347c2cb3")
    by_start = {p.text[:6]: p for p in n.paragraphs}
    assert (n.paragraphs[0].role, n.paragraphs[0].category) == ("概述", None)
    assert (n.paragraphs[1].role, n.paragraphs[1].category) == ("组织推进", "整改组织推进")
    # First 第一议题 and the study plan, then the scenic-area project pushed on: two subjects.
    theory = by_start["严格落实“第"]
    assert (theory.role, theory.category, theory.problem_types) == (
        "整改措施", "党中央决策部署落实", ["理论学习", "履职尽责与事业发展"])
    # Seals and documents under a heading about work style: the paragraph's own subject, not the heading's.
    stamps = by_start["一是规范印章"]
    assert (stamps.category, stamps.problem_types) == ("群众身边腐败和不正之风", ["保密与档案公文"])
    assert by_start["三是严格人员"].problem_types == ["选人用人与干部队伍"]  # 考勤
    # 28 complaints, all settled, 100%: mostly results, and the measure they come from.
    complaints = by_start["一是提升投诉"]
    assert (complaints.role, complaints.roles) == ("整改成效", ["整改成效", "整改措施"])
    last_round = by_start["推动上轮发现"]
    # The last round's problem was the public fitness equipment, which the paragraph is about.
    assert (last_round.category, last_round.problem_types) == ("巡视巡察审计整改", ["服务群众与民生", "上轮问题整改"])
    assert (n.paragraphs[-1].role, n.paragraphs[-1].headings) == ("联系方式", [])


def test_001_yushu_no_title_counts_and_year_carried_to_feedback():
    n = parse("001_3cbbc2c57dacf04c")
    assert n.title is None
    # 榆树市 is a county-level city: its 市委's inspection is of county level.
    assert (n.issuer, n.inspector, n.level) == ("文广旅局党组", "市委第一巡察组", "县")
    # "12月1日，反馈了巡察意见" takes its year from the inspection period before it.
    assert (n.inspection_start, n.inspection_end, n.feedback_date) == ("2023-08-24", "2023-10-23", "2023-12-01")
    assert (n.stats.problems, n.stats.problems_done, n.stats.measures, n.stats.measures_done) == (14, 14, 28, 28)
    assert n.stats.rate == 100.0  # not stated: 14 of 14
    # No page date: the notice is listed by its feedback date.
    assert (n.date, n.date_kind, n.year) == ("2023-12-01", "feedback", 2023)
    # The region comes from the contact address alone: 榆树市 is a county-level city of 长春.
    assert (n.region.province, n.region.city, n.region.county) == ("吉林省", "长春市", "榆树市")
    assert (n.contact.address, n.contact.postcode) == ("榆树市政府行政办公楼12楼（文广旅局）", "130400")
    assert [(h.level, h.marker, h.category) for h in n.headings if h.level == 1] == [
        (1, "一、", "整改组织推进"), (1, "二、", None), (1, "三、", "下一步工作")]


def test_001_yushu_problem_paragraphs_quote_the_feedback():
    n = parse("001_3cbbc2c57dacf04c")
    # Each quotes the problem, then says how it was rectified: mostly a measure, stating a problem too.
    ideology = next(p for p in n.paragraphs if p.text.startswith("针对“意识形态领导小组"))
    assert (ideology.role, ideology.roles, ideology.category) == ("整改措施", ["整改措施", "问题"], "党中央决策部署落实")
    assert ideology.problem_types == ["意识形态"]
    decisions = next(p for p in n.paragraphs if p.text.startswith("针对“基层单位执行“三重一大”"))
    assert (decisions.roles, decisions.problem_types) == (["整改措施", "问题"], ["民主集中制与三重一大"])
    assets = next(p for p in n.paragraphs if p.text.startswith("针对“2021年9月6日"))
    assert assets.problem_types == ["财务与资产管理"]
    assert assets.headings == ["强化执行能力，全力推进整改任务落实",
                               "关于“聚焦群众身边腐败问题和不正之风以及群众反映强烈的问题”方面",
                               "关于“财务业务不够规范”问题整改情况"]
    outlook = n.paragraphs[-2]
    assert (outlook.role, outlook.category) == ("下一步计划", "下一步工作")


def test_002_tianyuan_duplicate_title_signature_and_compact_date():
    n = parse("002_d6dfadf123e246ba")
    assert n.title == "天元区文化旅游广电体育局党组关于巡察整改情况的社会通报"
    assert (n.inspector, n.level, n.feedback_date) == ("区委第四巡察组", "县", "2023-02-22")
    assert n.published == "2023-06-21"  # the signature's "2023621"
    assert (n.region.province, n.region.city, n.region.county) == ("湖南省", "株洲市", "天元区")
    assert n.contact.address == "湖南省株洲市天元区株洲大道北1号高新大厦"
    assert n.contact.postcode == "412000"
    assert not any("当前位置" in p.text for p in n.paragraphs)
    assert n.paragraphs[-1].text == "中共株洲市天元区文化旅游广电体育局党组 2023621"
    assert [h.level for h in n.headings[:9]] == [1, 2, 2, 2, 2, 1, 2, 3, 4]
    assert (n.headings[8].marker, n.headings[8].text) == ("(1)", "理论学习中心组学习未按规定开展")
    assert (n.headings[-3].level, n.headings[-3].marker, n.headings[-3].text, n.headings[-3].category) == (
        2, "(一)", "严格履行从严治党责任", "下一步工作")


def test_002_tianyuan_problem_headings_give_their_types_to_the_measures():
    n = parse("002_d6dfadf123e246ba")
    by_heading = {p.headings[-1]: p for p in n.paragraphs if p.headings}
    safety = by_heading["两馆安全生产机制不健全"]
    assert (safety.role, safety.category, safety.problem_types) == ("整改措施", "党中央决策部署落实", ["安全生产"])
    # 文风 and 把关不严: the second measure reviews written materials and 公文 writing.
    assert by_heading["文风不实把关不严"].problem_types == ["形式主义官僚主义", "保密与档案公文"]
    assert by_heading["“三重一大”集体决策程序依然不到位"].problem_types == ["民主集中制与三重一大"]
    assert by_heading["上一轮审计指出固定资产未入账问题未整改"].problem_types == ["财务与资产管理", "上轮问题整改"]
    assert by_heading["下一步工作计划"].role == "下一步计划"


def test_003_gongzhuling_unnumbered_section_title():
    n = parse("003_e27e9ae513fad7e5")
    assert n.title == "公主岭市文学艺术界联合会关于巡察整改进展情况的通报"
    assert (n.issuer, n.inspector, n.feedback_date) == ("公主岭市文学艺术界联合会", "市委第三巡察组", "2024-01-25")
    assert (n.region.province, n.region.city, n.region.county) == ("吉林省", "长春市", "公主岭市")
    assert (n.stats.problems, n.stats.problems_done, n.stats.measures, n.stats.measures_done) == (15, 15, 12, 12)
    assert n.contact.email == "gzlwenlian@126.com"
    last = n.headings[-1]
    assert (last.level, last.marker, last.text, last.category) == (1, "", "下一步总体工作打算", "下一步工作")
    assert [p.role for p in n.paragraphs[-4:]] == ["下一步计划", "下一步计划", "下一步计划", "联系方式"]
    # A label is not a heading: 整改情况： stays the start of its paragraph.
    assert n.paragraphs[2].text.startswith("整改情况：组织全体干部")
    # The problem: 运用党的创新理论指引文艺事业发展的举措不够有力 (theory, and the federation's own work).
    assert (n.paragraphs[2].role, n.paragraphs[2].problem_types) == ("整改措施", ["理论学习", "履职尽责与事业发展"])
    # 公主岭市 is a county-level city of 长春: county level.
    assert n.level == "县"


def test_004_zhaoyang_page_line_wrapped_lines_and_glued_heading():
    n = parse("004_3285782bd5727c11")
    assert n.title is None
    assert (n.issuer, n.inspector, n.level) == ("昭阳区文联", "区委第一巡察组", "县")
    assert (n.inspection_start, n.inspection_end, n.feedback_date) == ("2023-03-23", "2023-05-11", "2023-06-16")
    assert n.published == "2023-12-15"  # the page's 更新时间, not the signature's 2023年12月14日
    assert (n.region.province, n.region.city, n.region.county) == ("云南省", "昭通市", "昭阳区")
    assert (n.contact.phone, n.contact.email, n.contact.address) == ("0870-2832012", "460602891@qq.com", "昭阳区龙泉路47号")
    assert not any(p.text.startswith("来源") for p in n.paragraphs)
    members = next(p for p in n.paragraphs if p.text.startswith("一是认真分析本单位人员实际"))
    assert "二是加强非党同志" in members.text  # "二是\n加强…" joined
    last = n.headings[-1]
    assert (last.level, last.marker, last.text, last.category) == (1, "三、", "建立长效机制,巩固整改成效", "下一步工作")
    outlook = next(p for p in n.paragraphs if p.headings == ["建立长效机制,巩固整改成效"])
    assert outlook.text.startswith("目前,巡察整改落实工作虽然取得了一定成效,但与全面从严治党的要求")
    assert outlook.role == "下一步计划"
    assert n.paragraphs[-1].text == "昭阳区文联 2023年12月14日"


def test_004_zhaoyang_eight_rules_types():
    n = parse("004_3285782bd5727c11")
    travel = next(p for p in n.paragraphs if p.headings[-1:] == ["关于“多报差旅费”的问题整改进展情况"])
    # Travel money claimed twice and refunded to the unit's account: eight rules, and finance.
    assert (travel.role, travel.category, travel.problem_types) == (
        "整改措施", "群众身边腐败和不正之风", ["中央八项规定精神", "财务与资产管理"])
    assert travel.roles == ["整改措施", "整改成效"]  # 全部退还
    car = next(p for p in n.paragraphs if p.headings[-1:] == ["关于“未执行公车管理制度”的问题整改进展情况"])
    assert car.problem_types == ["中央八项规定精神"]
