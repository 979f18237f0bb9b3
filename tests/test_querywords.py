"""The query words file (roles, question words, stop words, figure words): read as shipped, refused with the file and
the entry named when it cannot be used."""

import pytest

from indexer import querywords
from indexer.querywords import QueryWordsError, load


def test_the_shipped_file_loads_with_every_table():
    words = querywords.get()
    assert words.roles["如何整改"] == "整改措施" and "怎么" in words.stopwords
    assert {"多少", "几人"} <= words.figures
    # A figure word is its own reading, not a role: 多少 asks for a figure, not for an overview paragraph.
    assert "多少" not in words.roles


@pytest.mark.parametrize("text, message", [
    ("[roles]\n\"问题\" = [\"存在问题\"]\n[figure]\nwords = [\"多少\"]\n", "unknown table(s) figure"),
    ("[roles]\n\"办法\" = [\"怎么办\"]\n", "'办法', which is not a paragraph role"),
    ("[roles]\n\"问题\" = [\"情况\"]\n\"整改措施\" = [\"情况\"]\n", "gives '情况' to both"),
    ("[figures]\nwords = [\"多 少\"]\n", "[figures] words must be a list of words without spaces"),
    ("[figures]\nlist = [\"多少\"]\n", "[figures] holds only `words = [...]`"),
    ("[figures\nwords = 1\n", "not valid TOML"),
])
def test_a_bad_query_words_file_is_refused_naming_file_and_entry(tmp_path, text, message):
    path = tmp_path / "querywords.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(QueryWordsError) as info:
        load(path)
    assert str(path) in str(info.value) and message in str(info.value)


def test_a_missing_query_words_file_names_the_setting(tmp_path):
    with pytest.raises(QueryWordsError, match="NOTICE_SEARCH_QUERY_WORDS"):
        load(tmp_path / "absent.toml")
