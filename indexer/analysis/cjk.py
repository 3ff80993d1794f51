"""What counts as a Chinese character, defined once for the records, the analysis and the drafter.

The CJK Unified Ideographs (U+4E00-U+9FFF), Extension A (U+3400-U+4DBF) and the
Compatibility Ideographs (U+F900-U+FAFF; NFKC reads most of them as unified ones, see
normalize.py). This module imports nothing of the project: records, analysis and drafting
all build on it.
"""

from __future__ import annotations

import re

# for use inside a character class: f"[{CJK}]", f"[^a-z{CJK}]"
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RE = re.compile(f"[{CJK}]")  # one Chinese character
CJK_RUN_RE = re.compile(f"[{CJK}]+")  # a run of them


def has_cjk(text: str) -> bool:
    """True when the text holds a Chinese character."""
    return CJK_RE.search(text) is not None
