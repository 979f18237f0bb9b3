"""Folding: the one normal form that the index, the query and highlighting all match in.

Each character maps to exactly one character: NFKC (full-width → half-width),
traditional → simplified, lower case, then the variant characters people edit
(`variants.txt`: 帐 → 账). Because the length never changes, an offset in folded
text is the same offset in the original, so a match found in folded text marks
the original characters.
"""

import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

from . import settings
from .errors import ConfigError


class VariantsError(ConfigError):
    """The variants file cannot be used; the message names the file and the line."""


def variants(path):
    """{variant: standard} from a variants file: lines `variant standard`, one character each."""
    try:
        lines = Path(path).read_text(encoding="utf-8-sig").splitlines()
    except FileNotFoundError:
        raise VariantsError(f"{path}: variants file not found; set NOTICE_SEARCH_VARIANTS to an existing file.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise VariantsError(f"Cannot read the variants file {path} ({exc}); fix it or point NOTICE_SEARCH_VARIANTS "
                            "elsewhere.") from None
    table = {}
    for number, raw in enumerate(lines, 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        pair = line.split()
        if len(pair) != 2 or any(len(c) != 1 for c in pair):
            raise VariantsError(f"{path} line {number}: {line!r} is not `variant standard`, one character each.")
        variant, standard = (_base_fold(c) for c in pair)
        if variant == standard:
            raise VariantsError(f"{path} line {number}: {line!r} maps a character to itself once folded.")
        if table.get(standard, standard) != standard or variant in table.values():
            raise VariantsError(f"{path} line {number}: {line!r} chains with another line; map every variant "
                                "straight to its standard form.")
        table[variant] = standard
    return table


@lru_cache(maxsize=None)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _base_fold(char):
    nfkc = unicodedata.normalize("NFKC", char)
    if len(nfkc) != 1:
        nfkc = char
    if not nfkc.isascii():
        # One character at a time, so t2s cannot treat neighbours as a phrase.
        simplified = _converter().convert(nfkc)
        if len(simplified) == 1:
            nfkc = simplified
    lower = nfkc.lower()
    return lower if len(lower) == 1 else nfkc


class _FoldTable(dict):
    """ord(char) -> folded char, filled by `str.translate` itself as new characters are met.

    `translate` looks each character up with __getitem__, so a missing one
    reaches __missing__: no separate pass over the text to find new characters
    (that pass cost as much as the translation). Filling is idempotent, so
    threads racing on a new character store the same value.
    """

    def __init__(self, variant_table):
        super().__init__()
        self.variants = variant_table

    def __missing__(self, code):
        base = _base_fold(chr(code))
        folded = self[code] = self.variants.get(base, base)
        return folded


_table = None
_table_lock = threading.Lock()


def _fold_table():
    """The process's table, with the variants the VARIANTS setting names (read on first use)."""
    global _table
    if _table is None:
        with _table_lock:
            if _table is None:
                _table = _FoldTable(variants(settings.get("VARIANTS")))
    return _table


def fold(text):
    """Normalise for matching without changing the length: NFKC, t2s, lower case, variants.

    Characters are converted one by one (cached in a translate table), so the
    result aligns character for character with the input.
    """
    return text.translate(_table if _table is not None else _fold_table())
