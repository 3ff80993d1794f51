"""Snippets: the best passage of a text, escaped, with <mark> around the matched words."""

from __future__ import annotations

import re
from html import escape

from functools import lru_cache

from .analysis import has_chinese, stem

WINDOW = 220  # characters of context shown
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_BLOCK_RE = re.compile(r"^[ \t]{0,3}(?:#{1,6}|[-*+]|\d+\.|>)[ \t]+", re.M)
_INLINE_RE = re.compile(r"[*_`]+")
_TAG_RE = re.compile(r"<[^>\n]+>")
_SPACE_RE = re.compile(r"\s+")


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its markup, for snippets.

    Each pattern starts with a literal character class, so the scan is quick: this runs for
    every shown hit of every search."""
    text = markdown
    if "](" in text:
        text = _LINK_RE.sub(r"\1", text)
    text = _BLOCK_RE.sub("", text)
    text = _INLINE_RE.sub("", text)
    if "<" in text:
        text = _TAG_RE.sub("", text)
    return _SPACE_RE.sub(" ", text).strip()


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `text` whose analysed form is a query term.

    A regular expression finds the candidate words (those starting like a term's stem)
    and only those are stemmed and compared: the bodies of the shown hits are scanned
    whole, and most of their words match nothing."""
    finder = _finder(frozenset(terms))
    if finder is None:
        return []
    spans = []
    for match in finder.finditer(text):
        piece = match.group()
        if has_chinese(piece):  # index-time sub-words make any Chinese substring a match
            spans.append((match.start(), match.end(), piece))
            continue
        word = piece.lower()
        analysed = stem(word) if word.isalpha() else word
        if analysed in terms:
            spans.append((match.start(), match.end(), analysed))
    return spans


@lru_cache(maxsize=256)
def _finder(terms: frozenset[str]):
    words, chinese = [], []
    for term in sorted(terms, key=len, reverse=True):
        if has_chinese(term):
            chinese.append(re.escape(term))
        else:
            # Porter turns a final y into i (policy -> polici) and adds an e (trading ->
            # trade): look for the prefix without them, then check the stem
            prefix = term[:-1] if term[-1:] in ("i", "e") and len(term) > 3 else term
            words.append(re.escape(prefix))
    parts = []
    if words:
        parts.append(rf"(?<![^\W_])(?:{'|'.join(words)})[^\W_]*")
    if chinese:
        parts.append("|".join(chinese))
    return re.compile("|".join(parts), re.IGNORECASE) if parts else None


def _best_window(text: str, spans) -> tuple[int, int]:
    if not spans:
        return 0, min(len(text), WINDOW)
    best, best_score = spans[0][0], -1.0
    for i, (start, _end, _term) in enumerate(spans):
        inside = [s for s in spans[i:] if s[1] <= start + WINDOW]
        score = len({s[2] for s in inside}) + 0.1 * len(inside)
        if score > best_score:
            best, best_score = start, score
    lo = max(0, best - WINDOW // 4)
    hi = min(len(text), lo + WINDOW)
    lo = max(0, min(lo, hi - WINDOW))
    # widen to word boundaries so no word is cut in half
    while lo > 0 and text[lo - 1].isalnum() and text[lo - 1].isascii():
        lo -= 1
    while hi < len(text) and text[hi].isalnum() and text[hi].isascii():
        hi += 1
    return lo, hi


def snippet(text: str, terms: set[str]) -> str:
    """Safe HTML: the best passage, everything escaped, matched words in <mark>."""
    spans = matched_spans(text, terms) if terms else []
    lo, hi = _best_window(text, spans)
    out, cursor = [], lo
    for start, end, _term in spans:
        if start < lo or end > hi:
            continue
        out.append(escape(text[cursor:start]))
        out.append(f"<mark>{escape(text[start:end])}</mark>")
        cursor = end
    out.append(escape(text[cursor:hi]))
    html = "".join(out).strip()
    return ("… " if lo > 0 else "") + html + (" …" if hi < len(text) else "")
