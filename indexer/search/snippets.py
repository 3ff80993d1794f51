"""Snippets: the best passage of a text, escaped, with <mark> around the matched words."""

from __future__ import annotations

import re
from html import escape

from functools import lru_cache

from indexer.analysis.analyser import stem
from indexer.analysis.cjk import has_cjk

WINDOW = 220  # characters of context shown
_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_LINK_PART_RE = re.compile(r"\]\([^)\s]*\)|!?\[(?=[^\]]*$)")  # a link cut by a highlighted word
_BLOCK_RE = re.compile(r"^[ \t]{0,3}(?:#{1,6}|[-*+]|\d+\.|>)[ \t]+", re.M)
_INLINE_RE = re.compile(r"[*_`]+")
_TAG_RE = re.compile(r"<[^>\n]+>")
_SPACE_RE = re.compile(r"\s+")


def plain_text(markdown: str, keep_edges: bool = False) -> str:
    """The words of a Markdown text without its markup; `keep_edges` keeps a leading or
    trailing space (the text is a piece between two highlighted words)."""
    text = markdown
    if "](" in text or "[" in text:
        text = _LINK_PART_RE.sub("", _LINK_RE.sub(r"\1", text))
    text = _BLOCK_RE.sub("", text)
    text = _INLINE_RE.sub("", text)
    if "<" in text:
        text = _TAG_RE.sub("", text)
    text = _SPACE_RE.sub(" ", text)
    return text if keep_edges else text.strip()


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
        if has_cjk(piece):  # index-time sub-words make any Chinese substring a match
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
        if has_cjk(term):
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
    """The WINDOW characters with the most distinct matched terms (then the most matches)."""
    if not spans:
        return 0, min(len(text), WINDOW)
    best, best_score = spans[0][0], -1.0
    counts: dict[str, int] = {}
    j = 0
    for i, (start, _end, _term) in enumerate(spans):  # two pointers: spans[i:j] fit
        while j < len(spans) and spans[j][1] <= start + WINDOW:
            counts[spans[j][2]] = counts.get(spans[j][2], 0) + 1
            j += 1
        score = len(counts) + 0.1 * (j - i)
        if score > best_score:
            best, best_score = start, score
        if i < j:
            term = spans[i][2]
            counts[term] -= 1
            if not counts[term]:
                del counts[term]
    lo = max(0, best - WINDOW // 4)
    hi = min(len(text), lo + WINDOW)
    lo = max(0, min(lo, hi - WINDOW))
    # widen to word boundaries so no word is cut in half
    while lo > 0 and text[lo - 1].isalnum() and text[lo - 1].isascii():
        lo -= 1
    while hi < len(text) and text[hi].isalnum() and text[hi].isascii():
        hi += 1
    return lo, hi


def snippet(markdown: str, terms: set[str], spans=None) -> str:
    """Safe HTML: the best passage of a Markdown text, its markup taken out, everything
    escaped, matched words in <mark>.

    Words are found in the Markdown as written and the markup is taken out of the chosen
    passage only: a search shows twenty snippets, each from a body of up to 500 words."""
    if spans is None:  # (first_snippet has them already)
        spans = matched_spans(markdown, terms) if terms else []
    lo, hi = _best_window(markdown, spans)
    out, cursor = [], lo
    for start, end, _term in spans:
        if start < cursor or end > hi:
            continue
        out.append(escape(plain_text(markdown[cursor:start], keep_edges=True)))
        out.append(f"<mark>{escape(markdown[start:end])}</mark>")
        cursor = end
    out.append(escape(plain_text(markdown[cursor:hi], keep_edges=True)))
    html = "".join(out).strip()
    return ("… " if lo > 0 else "") + html + (" …" if hi < len(markdown) else "")


def first_snippet(texts, terms: set[str]) -> str:
    """The snippet of the first of `texts` (a record's texts, those in the query's language
    first) that holds a matched word; of the first text when none does."""
    texts = [text for text in texts if text]
    if not texts:
        return ""
    for text in texts:
        spans = matched_spans(text, terms) if terms else []
        if spans:
            return snippet(text, terms, spans)
    return snippet(texts[0], terms, [])  # none of the texts holds a matched word
