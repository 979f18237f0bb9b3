"""The 22 partial web captures: each parses, with the title, inspector, dates,
region and opening headings a reader of the capture would give it."""

from pathlib import Path

import pytest

from indexer.parsing import parse_file

WEB = Path(__file__).parent / "notices" / "web"

# file: (title, inspector, level, inspection start, end, feedback, published)
EXPECTED = {
    "001": ("中共金华市婺城区文化和旅游体育局党组关于巡察整改情况的通报", "区委第二巡察组", "县",
            "2022-09-16", "2022-10-18", "2023-01-17", "2023-05-04"),
    "003": ("中共怀化市卫生健康委员会关于巡察整改进展情况的通报", "市委第五巡察组", "市",
            "2024-09-10", "2024-11-20", "2024-12-30", "2025-08-18"),
    "005": (None, "区委第一巡察组", "县", "2024-03-15", "2024-06-12", "2024-08-13", None),
    "006": (None, None, "县", "2021-11-08", "2021-12-20", "2022-01-27", None),
    "007": ("中共武汉市市场监督管理局党组关于十四届第五轮巡察集中整改进展情况的通报", "市委第五巡察组", "市",
            "2023-07-13", "2023-08-31", "2023-10-20", "2024-06-24"),
    "008": ("中共湖北省司法厅委员会关于十二届省委第八轮巡视整改进展情况的通报", "省委第三巡视组", "省",
            "2024-11-07", "2024-12-31", "2025-02-17", None),
    "010": ("中共金华市农业农村局委员会关于市委巡察组反馈意见整改进展情况的通报", "市委第四巡察组", "市",
            "2023-07-06", "2023-09-06", "2023-10-19", "2024-01-18"),
    "011": (None, "市委第四巡察组", "市", None, None, "2023-02-22", None),  # 8月下旬至10月下旬: no days
    "013": ("潮州市湘桥区农业农村局党组关于落实专项巡察第五交叉巡察组反馈意见集中整改进展情况的通报",
            "第五交叉巡察组", "市", None, None, "2023-02-17", "2023-12-08"),
    "014": (None, "市委第八巡察组", "市", "2020-05-17", "2020-08-07", "2020-10-27", "2021-02-23"),
    "015": (None, "市委第四巡察组", "市", "2024-04-28", "2024-06-14", "2024-09-11", None),
    "018": ("中共梅州市交通运输局党组关于巡察整改情况的通报", "市委第三巡察组", "市",
            "2022-03-08", "2022-05-07", "2022-08-02", "2023-02-09"),
    "020": (None, None, "县", None, None, None, None),  # the intro names no group and no dates
    "022": ("中共东营市民政局党组关于市委第六巡察组反馈意见集中整改进展情况的通报", "市委第六巡察组", "市",
            "2025-03-21", "2025-06-28", "2025-08-26", None),
    "024": (None, "市委第二巡察组", "市", "2022-08-29", "2022-10-28", "2023-01-11", None),
    "026": (None, "省委第六巡视组", "省", "2024-03-18", "2024-05-20", "2024-08-08", "2025-06-17"),
    "027": (None, "区委第二巡察组", "县", "2023-12-08", "2024-01-26", "2024-03-28", None),
    "028": (None, "市委第三巡察组", "市", "2023-10-11", "2023-12-01", "2024-01-17", None),
    "030": (None, "市委第三巡察组", "市", "2025-03-18", "2025-06-06", "2025-07-31", None),
    "032": ("中共武汉市文化和旅游局委员会关于十四届市委第四轮巡察集中整改进展情况的通报", "市委第七巡察组", "市",
            "2023-03-14", "2023-05-14", "2023-07-04", None),
    "033": ("中共中国文联党组关于十九届中央第四轮巡视整改进展情况的通报", "中央第六巡视组", "中央",
            "2019-09-08", "2019-11-25", "2020-01-06", "2020-11-06"),
    "035": (None, "第一巡察组", "县", "2025-03-24", "2025-06-13", "2025-08-07", None),
}

# file: (level, marker) of its headings, in order
HEADINGS = {
    "001": [(1, "(一)"), (2, "1."), (3, "(1)")],
    "003": [(1, "一、"), (2, "(一)"), (2, "(二)")],
    "005": [(1, "一、"), (1, "二、"), (2, "1.")],
    "006": [],
    "007": [(1, "一、"), (1, "二、"), (2, "1."), (2, "2.")],
    "008": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)")],
    "010": [],
    "011": [(1, "一、"), (2, "(一)"), (2, "(二)")],
    "013": [(1, "一、")],
    "014": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)")],
    "015": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)"), (1, "二、"), (2, "(一)")],
    "018": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)")],
    "020": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)"), (1, "二、"), (2, "(一)"), (3, "1.")],
    "022": [(1, "一、"), (2, "(一)"), (2, "(二)"), (2, "(三)"), (2, "(四)")],
    "024": [(1, "一、"), (2, "(一)"), (2, "(二)")],
    "026": [(1, "一、"), (2, "(一)")],
    "027": [(1, "一、")],
    "028": [(1, "一、"), (1, "二、"), (2, "(一)"), (3, "1."), (3, "2."), (3, "3.")],
    "030": [(1, "一、")],
    "032": [(1, "一、")],
    "033": [(1, "一、")],
    "035": [(1, "(一)"), (1, "(二)")],
}

# file: (province, city, county)
REGIONS = {
    "001": ("浙江省", "金华市", "婺城区"), "003": ("湖南省", "怀化市", None), "007": ("湖北省", "武汉市", None),
    "008": ("湖北省", None, None), "010": ("浙江省", "金华市", None), "011": ("广东省", "湛江市", None),
    "013": ("广东省", "潮州市", "湘桥区"), "014": ("广东省", "广州市", None), "015": ("安徽省", "安庆市", None),
    "018": ("广东省", "梅州市", None), "022": ("山东省", "东营市", None), "026": ("浙江省", None, None),
    "027": ("江苏省", "无锡市", "新吴区"), "028": ("湖南省", "湘潭市", None), "032": ("湖北省", "武汉市", None),
    "035": ("辽宁省", "盘锦市", "大洼区"),
    # These captures name no place of their own (区总工会, 区民政局, 市民政局, 中国文联).
    "005": (None, None, None), "006": (None, None, None), "020": (None, None, None),
    "024": (None, None, None), "030": (None, None, None), "033": (None, None, None),
}


def parse(name):
    return parse_file(WEB / f"{name}.txt")


def test_every_capture_is_covered():
    assert sorted(p.stem for p in WEB.glob("*.txt")) == sorted(EXPECTED) == sorted(HEADINGS) == sorted(REGIONS)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata(name):
    n = parse(name)
    got = (n.title, n.inspector, n.level, n.inspection_start, n.inspection_end, n.feedback_date, n.published)
    assert got == EXPECTED[name]


@pytest.mark.parametrize("name", sorted(HEADINGS))
def test_headings(name):
    assert [(h.level, h.marker) for h in parse(name).headings] == HEADINGS[name]


@pytest.mark.parametrize("name", sorted(REGIONS))
def test_region(name):
    r = parse(name).region
    assert (r.province, r.city, r.county) == REGIONS[name]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_text_is_clean(name):
    """No page furniture survives, every paragraph has a role, and the intro comes first."""
    n = parse(name)
    furniture = ("当前位置", "来源:", "发布时间", "浏览量", "分享", "朗读", "扫码", "信息索引号", "核心提示", "字号", "http")
    for p in n.paragraphs:
        assert not any(p.text.startswith(f) for f in furniture), p.text
        assert p.role is not None
    assert n.paragraphs[0].role == "概述"
    assert n.kind == ("other" if name == "006" else "notice")


def test_001_metadata_block_and_counts():
    n = parse("001")
    assert n.paragraphs[0].text.startswith("根据区委统一部署,2022年9月16日至10月18日")
    assert (n.stats.problems, n.stats.problems_done) == (25, 19)
    assert n.issuer == "中共金华市婺城区文化和旅游体育局党组"
    assert n.headings[0].text == "在“贯彻落实上级决策部署不够有力,党组领导核心作用发挥不足”方面"
    assert n.headings[0].category == "党中央决策部署落实"


def test_003_column_prefix_dropped_from_title():
    n = parse("003")
    assert not n.title.startswith("【")
    assert n.issuer == "中共怀化市卫生健康委员会"


def test_006_whole_round_summary_is_other():
    n = parse("006")
    assert n.kind == "other"
    assert (n.stats.problems, n.stats.problems_done) == (697, 688)


def test_011_long_sentence_heading():
    n = parse("011")
    assert n.headings[0].text == ("认真学习贯彻党的二十大精神,深入贯彻习近平总书记关于巡视工作的重要论述,坚决扛起政治责任,"
                                  "切实增强抓好巡视整改的思想自觉、政治自觉、行动自觉")
    assert n.headings[0].category == "整改组织推进"
    assert n.headings[1].text == "坚持高位部署,强力推进巡察整改工作"
    assert n.paragraphs[1].text.startswith("吴国雄副市长高度重视")


def test_013_and_014_counts():
    assert (parse("013").stats.problems, parse("013").stats.problems_done) == (24, 5)
    stats = parse("014").stats
    assert (stats.problems, stats.measures) == (39, 157)


def test_018_title_printed_twice_and_site_path_dropped():
    n = parse("018")
    assert n.title == "中共梅州市交通运输局党组关于巡察整改情况的通报"
    assert n.paragraphs[0].text.startswith("根据市委的统一部署")
    assert n.headings[1].text == "坚持凝聚共识、增强自觉"


def test_020_compact_problem_answer_pairs():
    n = parse("020")
    last = n.paragraphs[-1]
    assert last.text.startswith("整改情况:一是于2023年10月10日")
    assert (last.role, last.category, last.headings[-1]) == ("整改措施", "党中央决策部署落实", "关于理论学习不深入的问题")
    assert last.problem_types == ["理论学习"]
    assert (n.stats.problems, n.stats.measures) == (34, 95)


def test_026_zhejiang_template_figures_paragraph_is_results():
    n = parse("026")
    # 在巡视整改工作中,教育提醒4人;建立完善制度15项。 reports results only.
    assert [p.roles for p in n.paragraphs[:3]] == [["概述"], ["组织推进"], ["整改成效"]]
    assert [p.category for p in n.paragraphs[:3]] == [None, "整改组织推进", None]
    assert n.headings[0].text.startswith("关于“学习贯彻习近平总书记关于妇女儿童和妇联工作的重要论述")


def test_028_problem_heading_then_measures():
    n = parse("028")
    first = next(p for p in n.paragraphs if p.headings[-1:] == ["贯彻落实第一议题不到位"])
    assert (first.role, first.category, first.problem_types) == ("整改措施", "党中央决策部署落实", ["理论学习"])


def test_032_duplicated_title_once():
    n = parse("032")
    assert n.paragraphs[0].text.startswith("根据市委统一部署,市委第七巡察组")


def test_033_news_headline_and_summary_dropped():
    n = parse("033")
    assert n.paragraphs[0].text.startswith("根据党中央统一部署")
    assert len(n.headings) == 1
    assert (n.headings[0].text, n.headings[0].category) == ("巡视整改的总体情况和主要做法", "整改组织推进")
    assert (n.stats.problems, n.stats.measures) == (62, 221)


def test_035_traditional_script_kept_and_pinyin_dropped():
    n = parse("035")
    assert n.headings[0].text == "在學習貫徹黨中央決策部署和省市區委工作要求存在差距方面"
    assert n.headings[0].category == "党中央决策部署落实"
    assert n.paragraphs[0].text.startswith("根據區委統一部署,2025年3月24日至6月13日,第一巡察組進行了巡察。")
    assert not any("(" in p.text and "ù" in p.text for p in n.paragraphs)
    problem = n.paragraphs[1]
    assert problem.text.startswith("學習貫徹落實習近平文化思想重要指示精神不到位。")
    # The problem sentence, then what was done about it.
    assert (problem.role, problem.roles) == ("整改措施", ["整改措施", "问题"])
    assert problem.problem_types[0] == "理论学习"
    assert n.issuer == "区文联党组织"  # facets are simplified
