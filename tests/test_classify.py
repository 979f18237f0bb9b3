"""Section categories, paragraph roles, problem types, and the taxonomy file behind them."""

import pytest

from indexer.notice import CATEGORIES
from indexer.parsing import parse_text, taxonomy
from indexer.parsing.taxonomy import TaxonomyError, load

INTRO = "根据市委统一部署，2023年3月1日至4月30日，市委第二巡察组对市文旅局党组进行了巡察。2023年6月1日，反馈了巡察意见。现将巡察整改进展情况予以公布。"

NOTICE = "\n".join([
    "中共XX市文旅局党组关于巡察整改进展情况的通报",
    INTRO,
    "市文旅局党组高度重视，成立巡察整改工作领导小组。",
    "一、组织整改落实情况",
    "（一）加强组织领导。党组书记负总责，制定整改方案。",
    "二、巡察反馈问题整改情况",
    "（一）聚焦群众身边腐败问题和不正之风方面",
    "1.关于“违规发放津补贴”问题",
    "整改情况：一是组织学习财经纪律。二是建立台账。",
    "完成情况：已全部退还，追回资金3.2万元，完善制度2项。",
    "2.关于“形式主义依然存在”的问题整改情况",
    "针对“党课讲稿网络抄袭”问题。一是查实原因。二是立行立改。",
    "一是严格审核党课讲稿。",
    "（二）聚焦基层党组织建设方面",
    "组织建设滞后。召开支部会议，选举支部委员。",
    "三、下一步工作打算",
    "持续巩固整改成果，防止问题反弹。",
    "欢迎广大干部群众对巡察整改落实情况进行监督。联系电话：0431-12345678。",
])


@pytest.fixture(scope="module")
def notice():
    return parse_text(NOTICE)


def by_start(notice, start):
    return next(p for p in notice.paragraphs if p.text.startswith(start))


def test_heading_categories_inherited(notice):
    assert [(h.text, h.category) for h in notice.headings] == [
        ("组织整改落实情况", "整改组织推进"),
        ("加强组织领导", "整改组织推进"),
        ("巡察反馈问题整改情况", None),
        ("聚焦群众身边腐败问题和不正之风方面", "群众身边腐败和不正之风"),
        ("关于“违规发放津补贴”问题", "群众身边腐败和不正之风"),
        ("关于“形式主义依然存在”的问题整改情况", "群众身边腐败和不正之风"),
        ("聚焦基层党组织建设方面", "基层党组织建设"),
        ("下一步工作打算", "下一步工作"),
    ]


@pytest.mark.parametrize("start, roles, category", [
    ("根据市委统一部署", ["概述"], None),
    ("市文旅局党组高度重视", ["组织推进"], "整改组织推进"),
    ("党组书记负总责", ["组织推进"], "整改组织推进"),
    ("整改情况：一是组织学习", ["整改措施"], "群众身边腐败和不正之风"),
    ("完成情况：已全部退还", ["整改成效"], "群众身边腐败和不正之风"),
    # The problem quoted, then the measures: mostly a measure, stating the problem too.
    ("针对“党课讲稿网络抄袭”问题", ["整改措施", "问题"], "群众身边腐败和不正之风"),
    ("组织建设滞后", ["整改措施", "问题"], "基层党组织建设"),
    ("持续巩固整改成果", ["下一步计划"], "下一步工作"),
    ("欢迎广大干部群众", ["联系方式"], None),
])
def test_roles(notice, start, roles, category):
    paragraph = by_start(notice, start)
    assert (paragraph.roles, paragraph.role, paragraph.category) == (roles, roles[0], category)


def test_problem_heading_types_reach_its_measures_and_results(notice):
    # 津补贴 paid out wrongly: the eight rules, and the money (财经纪律, 追回资金).
    assert by_start(notice, "整改情况：一是组织学习").problem_types == ["中央八项规定精神", "财务与资产管理"]
    assert by_start(notice, "完成情况：已全部退还").problem_types == ["中央八项规定精神", "财务与资产管理"]


def test_measure_inherits_the_problem_paragraph_before_it(notice):
    assert by_start(notice, "针对“党课讲稿网络抄袭”问题").problem_types == ["形式主义官僚主义"]
    assert by_start(notice, "一是严格审核党课讲稿").problem_types == ["形式主义官僚主义"]


def test_paragraphs_outside_problem_sections_have_no_problem_types(notice):
    for start in ("根据市委统一部署", "党组书记负总责", "持续巩固整改成果", "欢迎广大干部群众"):
        assert by_start(notice, start).problem_types == []


def test_closing_paragraph_has_no_heading_path(notice):
    assert by_start(notice, "欢迎广大干部群众").headings == []
    assert by_start(notice, "持续巩固整改成果").headings == ["下一步工作打算"]


def test_paragraph_numbers_run_in_order(notice):
    assert [p.n for p in notice.paragraphs] == list(range(1, len(notice.paragraphs) + 1))


# --- the taxonomy file ----------------------------------------------------

def test_shipped_taxonomy_is_valid_and_covers_every_category():
    tax = taxonomy.get()
    assert "理论学习" in tax.types and "上轮问题整改" in tax.types
    assert "差旅费" in tax.types["中央八项规定精神"]  # {type: the words that say it by themselves}, as the search reads it
    assert set(tax.categories) == set(CATEGORIES)
    assert taxonomy.get() is tax  # loaded once


def test_types_and_categories_lookup():
    tax = taxonomy.get()
    assert tax.types_of("违规领取评审费，多报差旅费") == ["中央八项规定精神"]
    assert tax.types_of("天气很好") == []
    assert tax.category_of("聚焦基层党组织建设，落实全面从严治党") == "基层党组织建设"  # the earliest word wins
    assert tax.category_of("组织领导情况", allowed=("党中央决策部署落实",)) is None


@pytest.mark.parametrize("content, message", [
    ('[types."甲"]\nwords = []\n', 'needs a non-empty list'),
    ('[types."甲"]\nwords = ["a", ""]\n', "every word must be a non-empty string"),
    ('[types."甲"]\nwords = ["a"]\ncolour = "red"\n', "unknown key(s) colour"),
    ('[types."甲"]\nwords = ["a"]\n[categories."乙"]\nwords = ["b"]\n', "unknown category 乙"),
    ('[kinds."甲"]\nwords = ["a"]\n', "unknown top-level table(s) kinds"),
    ('[categories."下一步工作"]\nwords = ["a"]\n', "no problem types"),
    ("[types.甲]\nwords = ['a']\n", "not valid TOML"),
    ('types = "x"\n', "must be tables"),
])
def test_bad_taxonomy_files_are_reported_with_their_name(tmp_path, content, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)


def test_missing_taxonomy_file(tmp_path):
    with pytest.raises(TaxonomyError, match="taxonomy file not found; set NOTICE_SEARCH_TAXONOMY"):
        load(tmp_path / "nope.toml")


def test_taxonomy_setting_chooses_the_file(tmp_path, monkeypatch):
    path = tmp_path / "mine.toml"
    path.write_text('[types."财务"]\nwords = ["津补贴"]\n', encoding="utf-8")
    monkeypatch.setenv("NOTICE_SEARCH_TAXONOMY", str(path))
    assert list(taxonomy.get().types) == ["财务"]
    assert by_start(parse_text(NOTICE), "整改情况：一是组织学习").problem_types == ["财务"]


# --- roles, sentence by sentence ---------------------------------------------

def paragraph_of(body, heading="1.关于“违规发放津补贴”问题"):
    """The first paragraph under `heading` in a focus area, as the parser tags it."""
    text = "\n".join([INTRO, "一、巡察反馈问题整改情况", "（一）聚焦群众身边腐败问题和不正之风方面", heading, body])
    return by_start(parse_text(text), body[:8])


@pytest.mark.parametrize("body, roles", [
    # A measure that reports what it achieved: the result is its second role.
    ("一是严格执行报销制度，退还违规发放资金。二是已全部退还，追回资金3.2万元。", ["整改措施", "整改成效"]),
    # Figures make up most of it: the result first.
    ("一是提升投诉办理效能。全年投诉28件，全部办结，办结率100%。", ["整改成效", "整改措施"]),
    # Rules made and counted are a result; rules merely named are a measure.
    ("一是健全制度，先后制定完善12项制度。二是组织培训16人次。", ["整改措施", "整改成效"]),
    ("一是制定《财务管理制度》，严格审批程序。", ["整改措施"]),
    # What is to be achieved is no result.
    ("一是压实责任，确保问题整改到位。", ["整改措施"]),
    ("针对“津补贴发放不规范”问题。已全部退还。", ["整改成效", "问题"]),
    # A problem with nothing done about it is a problem only.
    ("针对“津补贴发放不规范”问题。", ["问题"]),
])
def test_roles_from_sentences(body, roles):
    assert paragraph_of(body).roles == roles


def test_a_quoted_problem_is_one_sentence_however_many_stops_it_quotes():
    body = "针对“执行“三重一大”制度不严格。支委会未研究重大支出”问题。进一步压实主体责任。"
    assert paragraph_of(body).roles == ["整改措施", "问题"]
    assert paragraph_of(body).problem_types == ["民主集中制与三重一大"]


def test_organising_section_recognised_from_its_paragraphs():
    text = "\n".join([
        INTRO,
        "一、强化政治自觉，全力以赴抓好巡察整改",
        "局党组把巡察整改作为重要政治任务，成立巡察整改工作领导小组，制定整改方案，建立问题清单、任务清单、责任清单。",
        "召开巡察整改专题民主生活会，班子成员主动认领问题，实行台账管理、销号管理。截至目前，已完成整改15个，完善制度4项。",
        "二、巡察反馈问题整改情况",
        "1.关于“理论学习不扎实”的问题",
        "整改情况：严格落实“第一议题”制度，制定理论学习中心组学习计划。",
    ])
    notice = parse_text(text)
    assert [h.category for h in notice.headings[:1]] == ["整改组织推进"]
    assert [(p.roles, p.category) for p in notice.paragraphs[1:3]] == [
        (["组织推进"], "整改组织推进"), (["组织推进", "整改成效"], "整改组织推进")]


def test_a_section_holding_problems_is_never_organising():
    text = "\n".join([INTRO, "一、全力以赴抓好巡察反馈问题整改", "针对“意识形态工作责任制落实不到位”问题。成立意识形态工作领导小组。"])
    paragraph = parse_text(text).paragraphs[1]
    assert (paragraph.roles, paragraph.category) == (["整改措施", "问题"], "党中央决策部署落实")


# --- problem types -------------------------------------------------------------

def test_types_come_from_the_paragraph_not_from_a_measure_heading():
    body = "一是规范印章使用，制定公章使用审批表和公文登记台账。"
    assert paragraph_of(body, "1.不断改进工作作风").problem_types == ["保密与档案公文"]
    # With nothing of its own to say, the measure's heading names its subject.
    assert paragraph_of("一是召开专题会议研究部署。", "1.严格落实财经制度").problem_types == ["财务与资产管理"]
    assert paragraph_of("一是召开专题会议研究部署。", "1.不断改进工作作风").problem_types == []  # 作风 alone is weak


def test_never_from_the_focus_area_heading():
    text = "\n".join([INTRO, "（一）聚焦全面从严治党和八项规定精神落实方面", "一是召开专题会议研究部署。"])
    assert parse_text(text).paragraphs[1].problem_types == []


def test_the_nearest_problem_heading_not_the_problem_group_above_it():
    text = "\n".join([
        INTRO, "（一）聚焦党中央决策部署落实方面",
        "1.关于“党组织领导作用弱化，统筹推动行业管理、行业自律用力不足”的问题",
        "（1）关于“议事规则执行不严”的问题",
        "一是完善议事规则，严格执行“三重一大”决策程序。",
        "（2）关于“推进新型婚育文化建设”的措施",
        "一是召开专题会议研究部署。",
    ])
    notice = parse_text(text)
    assert notice.paragraphs[1].problem_types == ["民主集中制与三重一大"]
    assert notice.paragraphs[2].problem_types == []  # 行业管理 is the group's word, not this problem's


def test_a_measure_heading_passes_over_to_the_problem_it_answers():
    text = "\n".join([
        INTRO, "一、关于“学习贯彻习近平总书记重要论述不够深入”问题的整改情况",
        "（一）推进新型婚育文化建设", "一是召开专题会议研究部署。",
    ])
    assert parse_text(text).paragraphs[1].problem_types == ["理论学习"]


def test_a_word_in_passing_does_not_tag_the_paragraph():
    body = "一是严格落实意识形态工作责任制，每年两次专题研究意识形态工作，召开“三会一课”时通报舆情。"
    assert paragraph_of(body, "1.关于“意识形态工作责任制落实不到位”问题").problem_types == ["意识形态"]


def test_a_problem_without_an_area_heading_takes_the_area_of_its_types():
    text = "\n".join([INTRO, "二、整改进展情况及成效", "1.关于“政治理论学习不扎实”问题的整改", "一是组织理论学习中心组集中学习12次。"])
    paragraph = parse_text(text).paragraphs[1]
    assert (paragraph.problem_types, paragraph.category) == (["理论学习"], "党中央决策部署落实")


def test_weighed_evidence():
    tax = taxonomy.get()
    assert tax.types_of("压实整改主体责任") == []  # an exception: rectification responsibility is no 党风廉政 one
    assert tax.types_of("落实主体责任，开展警示教育") == ["主体责任与党风廉政"]
    assert tax.types_of("加强宣传") == []  # one weak word is not enough
    assert tax.types_of("加强宣传阵地管理") == ["意识形态"]
    assert tax.types_of("修订《意识形态工作制度》") == []  # a document's name counts half
    assert tax.types_of("财务管理，财务审批，财务人员，财务报销，意识形态") == ["财务与资产管理"]  # far weaker than the best
    assert tax.types_of("财务管理，财务审批，财务人员，财务报销，意识形态", relative=False) == [
        "意识形态", "财务与资产管理"]
    assert tax.area_of(["理论学习"]) == "党中央决策部署落实"


@pytest.mark.parametrize("content, message", [
    ('[types."甲"]\nwords = ["a"]\nweak = ["a"]\n', 'line 1: [types."甲"]: \'a\' is in both `words` and `weak`'),
    ('[types."甲"]\nwords = ["a"]\nexcept = ["bc"]\n', "line 1: [types.\"甲\"]: the exception 'bc' contains none"),
    ('[types."甲"]\nwords = ["a"]\narea = "别处"\n', 'line 1: [types."甲"]: unknown area \'别处\''),
    ('[types."甲"]\nwords = ["a"]\nweak = "b"\n', 'line 1: [types."甲"]: `weak` must be a list of strings'),
    ('[scoring]\nminimum = 2\n[types."甲"]\nwords = ["a"]\n', "[scoring] has unknown key(s) minimum"),
    ('[scoring]\nrelative = 2\n[types."甲"]\nwords = ["a"]\n', "[scoring] relative is a share"),
    ('[scoring]\nmin_score = "x"\n[types."甲"]\nwords = ["a"]\n', "[scoring] min_score must be a number"),
])
def test_bad_weights_are_reported_with_file_and_entry(tmp_path, content, message):
    path = tmp_path / "taxonomy.toml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(TaxonomyError) as info:
        load(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
