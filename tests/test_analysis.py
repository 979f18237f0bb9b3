"""The jieba analysis: positions by word, offsets into the original, folding, the user dictionary."""

import multiprocessing
import unicodedata
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import RamStorage
from whoosh.fields import ID, TEXT, Schema

from indexer import settings
from indexer.analysis import (SUBWORD_BOOST, ChineseAnalyzer, UserDictError, _cut, _is_word, fold, jieba_tokenizer,
                              user_words, word_counts, words)
from indexer.schema import make_schema

NOTICES = Path(__file__).parent / "notices" / "complete"


@pytest.fixture(scope="module")
def notice_texts():
    return [path.read_text(encoding="utf-8-sig") for path in sorted(NOTICES.glob("*.txt"))]


def tokens(text, mode="index", subwords=False):
    return [(t.text, t.pos, t.startchar, t.endchar)
            for t in ChineseAnalyzer(subwords)(text, positions=True, chars=True, mode=mode)]


def test_positions_count_words_and_offsets_point_into_the_original():
    assert tokens("市委第一巡察组，对文联进行了巡察。") == [
        ("市委", 0, 0, 2), ("第一", 1, 2, 4), ("巡察组", 2, 4, 7), ("对", 3, 8, 9),
        ("文联", 4, 9, 11), ("进行", 5, 11, 13), ("了", 6, 13, 14), ("巡察", 7, 14, 16),
    ]


def test_offsets_stay_right_for_traditional_and_full_width_text():
    text = "巡察組對文聯反饋了１２條意見"
    for word, _pos, start, end in tokens(text):
        assert fold(text[start:end]) == word
    assert [w for w, *_ in tokens(text)] == ["巡察组", "对", "文联", "反馈", "了", "12", "条", "意见"]


def test_fold_is_nfkc_then_simplified_then_lower_case_and_keeps_the_length():
    assert fold("ＡＢＣ１２３　（一）") == "abc123 (一)"
    assert fold("巡察組對黨風廉政建設") == "巡察组对党风廉政建设"
    assert fold("⼀把⼿") == "一把手"  # Kangxi radicals, as PDF exports write them
    assert fold("㎡①⑴") == "㎡1⑴"  # characters NFKC would widen stay as they are


def test_fold_maps_every_character_of_the_notices_to_exactly_one(notice_texts):
    for text in notice_texts:
        folded = fold(text)
        assert len(folded) == len(text)
        assert all(len(fold(c)) == 1 for c in set(text))


@pytest.mark.parametrize("traditional, simplified", [
    ("巡察組", "巡察组"), ("黨風廉政", "党风廉政"), ("差旅費", "差旅费"), ("選人用人", "选人用人"),
])
def test_traditional_and_simplified_queries_cut_alike(traditional, simplified):
    assert words(traditional) == words(simplified)


def test_full_width_digits_are_digits():
    assert words("２０２３年") == words("2023年") == ["2023", "年"]


def test_single_characters_digits_and_stop_words_are_kept():
    assert words("的") == ["的"]
    assert words("3") == ["3"]
    assert words("和") == ["和"]
    assert words("完成3项") == ["完成", "3", "项"]


def test_ascii_is_lower_cased_never_stemmed():
    assert words("Testing PDF files") == ["testing", "pdf", "files"]


def test_only_punctuation_and_spaces_are_dropped():
    assert words("“三重一大”、（一）……  ") == ["三重一大", "一"]


def test_every_user_dictionary_word_is_cut_whole():
    entries = user_words(settings.get("USER_DICT"))
    assert len(entries) > 100
    assert [w for w, _, _ in entries if words(w) != [w]] == []


def test_cached_block_cuts_are_exactly_jiebas_cuts(notice_texts):
    for text in notice_texts:
        folded = fold(text)
        assert _cut(folded) == [(w, s, e) for w, s, e in jieba_tokenizer().tokenize(folded) if _is_word(w)]


def test_index_mode_adds_inner_dictionary_words_at_the_same_position_at_half_weight():
    analyzer = ChineseAnalyzer()
    indexed = [(t.text, t.pos, t.boost) for t in analyzer("整改措施", positions=True, mode="index")]
    assert indexed == [("整改措施", 0, 1.0), ("整改", 0, SUBWORD_BOOST), ("措施", 0, SUBWORD_BOOST)]
    assert [t.text for t in analyzer("整改措施", mode="query")] == ["整改措施"]


def test_user_dictionary_lines_are_checked(tmp_path):
    path = tmp_path / "userdict.txt"
    path.write_text("# comment\n巡察组 10 n\n\n整改措施  # trailing comment\n巡察 组\n", encoding="utf-8")
    with pytest.raises(UserDictError, match=r"userdict.txt line 5: '巡察 组'"):
        user_words(path)
    path.write_text("巡察組 5\nＡＢＣ\n", encoding="utf-8")
    assert user_words(path) == [("巡察组", 5, None), ("abc", None, None)]


def _words_in_fresh_process(text, queue):
    queue.put(words(text))


def test_a_spawned_process_loads_the_user_dictionary_from_the_settings(tmp_path, monkeypatch):
    made_up = "甲乙丙丁戊己"
    assert words(made_up) != [made_up]
    userdict = tmp_path / "userdict.txt"
    userdict.write_text(made_up + "\n", encoding="utf-8")
    monkeypatch.setenv(settings.BY_NAME["USER_DICT"].env, str(userdict))
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_words_in_fresh_process, args=(made_up + "的", queue))
    process.start()
    assert queue.get(timeout=60) == [made_up, "的"]
    process.join()


def test_whoosh_phrase_queries_match_by_word_position():
    # The index keeps no positions (matching is by substring), but the analyzer must
    # still number words, not characters, for anyone who indexes with phrases.
    schema = Schema(key=ID(stored=True), text=TEXT(analyzer=ChineseAnalyzer(), phrase=True))
    ix = RamStorage().create_index(schema)
    with ix.writer() as writer:
        writer.add_document(key="a:1", text="市委第一巡察组对文联进行了巡察，反馈了意见。")
        writer.add_document(key="b:1", text="巡察组的意见，市委第一时间反馈。")
    with ix.searcher() as searcher:
        def found(phrase, field="text"):
            hits = searcher.search(wq.Phrase(field, words(phrase)), limit=None)
            return sorted(hit["key"] for hit in hits)

        assert found("第一巡察组") == ["a:1"]
        assert found("巡察组对文联") == ["a:1"]
        assert found("反馈了意见") == ["a:1"]
        assert found("市委第一") == ["a:1", "b:1"]
        assert found("巡察组反馈") == []
        assert found("巡察組對文聯") == ["a:1"]  # a traditional query finds simplified text


def test_traditional_text_is_indexed_under_simplified_words():
    ix = RamStorage().create_index(make_schema())
    with ix.writer() as writer:
        writer.add_document(doc_key=b"t:1", text="黨風廉政建設主體責任落實不到位")
        writer.add_document(doc_key=b"s:1", text="主体责任落实不到位")
    with ix.searcher() as searcher:
        assert len(list(searcher.docs_for_query(wq.Term("text", "党风廉政")))) == 1
        assert len(list(searcher.docs_for_query(wq.Term("text", "主体责任")))) == 2


def test_the_index_fields_count_words_exactly_as_the_analyzer_does(notice_texts):
    # JiebaTEXT skips Whoosh's token objects; its postings must be the analyzer's.
    for subwords in (True, False):
        analyzer = ChineseAnalyzer(subwords=subwords)
        for text in notice_texts[:3]:
            expected = {}
            for token in analyzer(text, mode="index", boosts=True):
                freq, weight = expected.get(token.text, (0, 0.0))
                expected[token.text] = (freq + 1, weight + token.boost)
            assert word_counts(text, subwords) == expected


def test_schema_and_analyzers_survive_pickling_into_an_index(tmp_path):
    schema = make_schema()
    whoosh_index.create_in(str(tmp_path), schema)
    reopened = whoosh_index.open_dir(str(tmp_path)).schema
    assert reopened.names() == schema.names()
    assert reopened["text"] == make_schema()["text"]
    assert reopened["text"].index("差旅費超標") == schema["text"].index("差旅费超标")
    assert [t.text for t in reopened["text"].analyzer("差旅費", mode="query")] == ["差旅费"]


def test_fold_leaves_no_full_width_forms_or_upper_case(notice_texts):
    folded = fold("".join(notice_texts))
    assert not [c for c in set(folded) if unicodedata.name(c, "").startswith("FULLWIDTH")]
    assert folded == folded.lower()
