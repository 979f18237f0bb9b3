"""What the nodes index: folded text as one token per character, and jieba words as opaque tokens.

Exact substrings come from character n-grams (`ngram_len = 1`): every
character of the folded text (`indexer.folding.fold`) is a token of its own,
so a string is found exactly where its characters stand as a phrase. Sphinx
reads ASCII punctuation in a query as operators (`"`, `-`, `|`, `@`…) and
treats characters outside its character table as separators, so before
indexing and querying alike, `characters` maps what the table cannot hold to
private-use code points: ASCII punctuation, control characters and
whitespace (a run of whitespace is one token, because a term's parts match
with any whitespace between them, none included), and the few characters
beyond U+2FFFF, which Sphinx 2.2 cannot index, to one shared token.

jieba words rank; they never decide a match. Each is indexed as a token of 16
letters A–P (a 64-bit hash): upper-case ASCII is in the character table but
never in folded text and never n-grammed, so a word is one token whatever
characters it holds.
"""

import base64
import hashlib
import json
import re
import zlib

from indexer.folding import fold

#: Private-use code points standing for ASCII punctuation and control characters (base + code).
PUNCTUATION_BASE = 0xE000
#: The token of a run of whitespace.
SPACE = chr(PUNCTUATION_BASE + 0x20)
#: The token of any character Sphinx 2.2 cannot index (beyond U+2FFFF).
BEYOND = chr(PUNCTUATION_BASE + 0x7F)
#: Characters each indexed as a token of its own: what `characters` leaves.
NGRAM_CHARS = "0..9, a..z, U+A1..U+2FFFF"
#: The character table: the n-gram characters, and A–P for word tokens.
CHARSET_TABLE = "0..9, a..z, A..Z, U+A1..U+2FFFF"

_SPACES = re.compile(r"\s+")
_TABLE = {code: chr(PUNCTUATION_BASE + code) for code in range(0xA1)
          if not (chr(code).isascii() and chr(code).isalnum() and chr(code).islower() or chr(code).isdigit())}


def characters(folded):
    """Folded text as the nodes index it: one token per character (see the module docstring)."""
    text = _SPACES.sub(SPACE, folded).translate(_TABLE)
    if any(ord(c) > 0x2FFFF for c in text):
        text = "".join(BEYOND if ord(c) > 0x2FFFF else c for c in text)
    return text


def indexed(text):
    """A field's text as indexed: folded, then one token per character."""
    return characters(fold(text))


def phrase(part):
    """The MATCH phrase of one part of a term (folded, no whitespace inside): its characters, quoted."""
    return '"' + characters(part) + '"'


def term_phrases(folded_parts):
    """The phrases a term of several parts matches as: its parts with no whitespace or one run between each two.

    A term's parts match in order with any whitespace between them
    (`search_core.query.term_pattern`); whitespace runs are one token, so the
    alternatives are finite: 2 ** (parts - 1) phrases.
    """
    chars = [characters(p) for p in folded_parts]
    variants = [chars[0]]
    for part in chars[1:]:
        variants = [v + gap + part for v in variants for gap in ("", SPACE)]
    return ['"' + v + '"' for v in variants]


def word_token(word):
    """The token of one jieba word: 16 letters A–P of its 64-bit hash."""
    digest = hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest()
    return "".join(chr(65 + (b >> 4)) + chr(65 + (b & 15)) for b in digest)


def packed(data):
    """A JSON-able value as a string attribute holds it: compressed (nodes keep string attributes in memory)."""
    return base64.b64encode(zlib.compress(json.dumps(data, ensure_ascii=False).encode("utf-8"), 6)).decode("ascii")


def unpacked(text):
    return json.loads(zlib.decompress(base64.b64decode(text)))
