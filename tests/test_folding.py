"""Folding: one character for one, NFKC, traditional to simplified, lower case, and the variants people list."""

import pytest

from indexer import folding
from indexer.folding import VariantsError, fold, variants


def test_folding_keeps_the_length_and_maps_variants():
    for text in ("入帐", "入帳", "台帐", "ＡＢＣ１２３", "巡察組"):
        assert len(fold(text)) == len(text)
    assert fold("入帐") == fold("入帳") == fold("入账") == "入账"
    assert fold("ＡＢＣ１２３巡察組") == "abc123巡察组"


@pytest.mark.parametrize("text, says", [
    ("帐\n", "is not `variant standard`"),
    ("帐 账 账\n", "is not `variant standard`"),
    ("帐帐 账\n", "is not `variant standard`"),
    ("帳 帐\n", "maps a character to itself"),  # 帳 folds to 帐 by t2s
    ("甲 乙\n乙 丙\n", "chains"),
])
def test_a_variants_line_that_cannot_be_used_names_file_and_line(tmp_path, text, says):
    path = tmp_path / "variants.txt"
    path.write_text("# variants\n" + text, encoding="utf-8")
    with pytest.raises(VariantsError) as info:
        variants(path)
    assert str(info.value).startswith(f"{path} line ") and says in str(info.value)


def test_the_shipped_variants_are_read():
    assert folding.variants(folding.settings.get("VARIANTS")) == {"帐": "账"}
