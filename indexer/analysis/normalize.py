"""One reading of text for records and queries alike: NFKC, and traditional Chinese as simplified.

NFKC folds what looks the same into one form: full-width letters and digits (ｂｏｎｄｅｄ,
２０２３), the ideographic space, compatibility ideographs. Traditional characters are read
as simplified with OpenCC's tables (海關 is 海关, 稅 is 税), so that a reader in Hong Kong,
Macao or Taiwan finds the records, which are written in simplified Chinese. Both ends go
through the same function (schema.measure_document for records, querying for queries).
"""

from __future__ import annotations

import re
import threading
import unicodedata

from indexer.analysis.cjk import has_cjk

# A lone surrogate (U+D800-U+DFFF) is no character: a str can hold one, UTF-8 cannot, and
# OpenCC (which encodes its input) raised UnicodeEncodeError on it. Read as U+FFFD.
_SURROGATE = re.compile("[\ud800-\udfff]")
_converter = None
_lock = threading.Lock()


def _t2s():
    global _converter
    if _converter is None:
        with _lock:
            if _converter is None:
                import opencc

                _converter = opencc.OpenCC("t2s")
    return _converter


def normalize(text: str) -> str:
    """The text as the search reads it: NFKC, traditional characters as simplified."""
    if not text:
        return text
    if not text.isascii():
        text = _SURROGATE.sub("\ufffd", text)
        text = unicodedata.normalize("NFKC", text)
        if has_cjk(text):
            text = _t2s().convert(text)
    return text
