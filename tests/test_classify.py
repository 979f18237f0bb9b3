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
    # The problem quoted, then the measures: the measure first, the problem second.
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
