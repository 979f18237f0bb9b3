"""The synonyms file: Solr's format, checked line by line, and what a word expands to."""

import pytest

from indexer import settings, synonyms
from indexer.analysis import words
from indexer.synonyms import SynonymsError, parse


def test_two_way_groups_and_one_way_mappings():
    table = parse("# comment\n公车, 公务用车\n小金库 => 账外资金, 账外账\n小金库, 私设小金库\n")
    assert table.expansions("公车") == ("公务用车",)
    assert table.expansions("公务用车") == ("公车",)
    assert table.expansions("小金库") == ("账外资金", "账外账", "私设小金库")
    assert table.expansions("账外资金") == ()  # one way only
    assert table.keys()[0] in ("公务用车", "私设小金库")  # longest first


def test_words_are_folded_like_the_text():
    table = parse("臺帳, 台帐簿\nＡＢＣ => abc2\n")
    assert table.expansions("台账") == ("台账簿",)  # 臺帳 and 帐 fold to 台账
    assert table.expansions("abc") == ("abc2",)
    with pytest.raises(SynonymsError, match="once folded: 台账"):
        parse("臺帳, 台账\n")


@pytest.mark.parametrize("text, line, says", [
    ("公车, 公务用车\n公车\n", 2, "names one word"),
    ("a, , b\n", 1, "empty word"),
    ("a => \n", 1, "empty word"),
    ("a => b => c\n", 1, "more than one `=>`"),
    ("ok, fine\n公务 用车, 公车\n", 2, "holds a space"),
    ("a, " + "长" * 17 + "\n", 1, "longer than 16"),
    ("形式主义, 形式主义、官僚主义\n", 1, "holds punctuation"),
])
def test_a_line_that_cannot_be_read_names_file_line_and_entry(text, line, says):
    with pytest.raises(SynonymsError) as info:
        parse(text, "my/synonyms.txt")
    message = str(info.value)
    assert message.startswith(f"my/synonyms.txt line {line}: ") and says in message


def test_the_shipped_file_is_valid_and_of_this_domain():
    table = synonyms.get()
    entries = [line for line in settings.get("SYNONYMS").read_text(encoding="utf-8").splitlines()
               if line.split("#")[0].strip()]
    assert len(entries) >= 150
    assert "违规公务接待" in table.expansions("公款吃喝")
    assert "账外资金" in table.expansions("小金库")
    assert "民主集中制" in table.expansions("一言堂")
    assert {"会议多", "文件多"} <= set(table.expansions("文山会海"))
    assert "巡逻" not in table.words()  # a generic thesaurus puts 巡视 with 巡逻


def test_every_synonym_is_cut_whole_by_jieba():
    assert [w for w in synonyms.get().words() if words(w) != [w]] == []
