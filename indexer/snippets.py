"""Snippets: the best passage of a text, escaped, with <mark> around the matched words."""

from __future__ import annotations

import re
from html import escape

WINDOW = 220  # characters of context shown
_MD_RE = [
    (re.compile(r"!\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"\[([^\]]*)\]\([^)]*\)"), r"\1"),
    (re.compile(r"^\s{0,3}(#{1,6}|[-*+]|\d+\.|>)\s+", re.M), ""),
    (re.compile(r"(\*\*|__|`)"), ""),
    (re.compile(r"(?<!\w)[*_](?=\S)|(?<=\S)[*_](?!\w)"), ""),
    (re.compile(r"<[^>]+>"), ""),
    (re.compile(r"\s+"), " "),
]


def plain_text(markdown: str) -> str:
    """The words of a Markdown text without its markup, for snippets."""
    text = markdown
    for pattern, repl in _MD_RE:
        text = pattern.sub(repl, text)
    return text.strip()


def matched_spans(text: str, analyzer, terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every token of `text` whose analysed form is a query term."""
    spans = []
    for token in analyzer(text, positions=False, chars=True, mode="index", removestops=False):
        if token.text in terms:
            spans.append((token.startchar, token.endchar, token.text))
    spans.sort()
    merged: list[tuple[int, int, str]] = []
    for start, end, term in spans:  # a Chinese word and its sub-words overlap: keep the union
        if merged and start < merged[-1][1]:
            prev = merged[-1]
            merged[-1] = (prev[0], max(prev[1], end), prev[2])
        else:
            merged.append((start, end, term))
    return merged


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


def snippet(text: str, analyzer, terms: set[str]) -> str:
    """Safe HTML: the best passage, everything escaped, matched words in <mark>."""
    spans = matched_spans(text, analyzer, terms) if terms else []
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
