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


# characters that IGNORECASE matches to an ASCII letter and lower() does not make it (found
# over all of Unicode): İ and ı to i, ſ to s. A text without them (and whose lower() keeps
# its length) is matched exactly by the lower-case pattern over its lower-case copy
_FOLDED_APART = re.compile("[\u0130\u0131\u017f]")


def matched_spans(text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every word of `text` whose analysed form is a query term.

    A regular expression finds the candidate words (those starting like a term's stem)
    and only those are stemmed and compared: the bodies of the shown hits are scanned
    whole, and most of their words match nothing. The scan is the same pattern in lower
    case over the text in lower case where that finds the same words (half the time of a
    scan ignoring case); the pattern ignoring case otherwise (scan_ignoring_case)."""
    finders = _finder(frozenset(terms))
    if finders is None:
        return []
    folded = text.lower()
    if finders[1] is not None and len(folded) == len(text) and not _FOLDED_APART.search(text):
        found = finders[1].finditer(folded)
    else:
        found = finders[0].finditer(text)
    return _spans(text, terms, (match.span() for match in found))


def scan_ignoring_case(text: str, terms: set[str]) -> list[tuple[int, int, str]]:
    """matched_spans by the pattern ignoring case alone: its reference (tests)."""
    finders = _finder(frozenset(terms))
    if finders is None:
        return []
    return _spans(text, terms, (match.span() for match in finders[0].finditer(text)))


def _spans(text: str, terms: set[str], found) -> list[tuple[int, int, str]]:
    spans = []
    for start, end in found:
        piece = text[start:end]
        # index-time sub-words make any Chinese substring a match
        if not piece.isascii() and has_cjk(piece):
            spans.append((start, end, piece))
            continue
        word = piece.lower()
        analysed = stem(word) if word.isalpha() else word
        if analysed in terms:
            spans.append((start, end, analysed))
    return spans


@lru_cache(maxsize=256)
def _finder(terms: frozenset[str]):
    """(the pattern ignoring case; the same words' pattern in lower case, for a text in
    lower case, or None where a term is neither ASCII nor Chinese without case); None when
    no term makes one."""
    words, chinese, lower = [], [], True
    for term in sorted(terms, key=len, reverse=True):
        if has_cjk(term):
            chinese.append(re.escape(term))
            lower = lower and term.lower() == term == term.upper()
        else:
            # Porter turns a final y into i (policy -> polici) and adds an e (trading ->
            # trade): look for the prefix without them, then check the stem
            prefix = term[:-1] if term[-1:] in ("i", "e") and len(term) > 3 else term
            words.append(prefix)
            lower = lower and prefix.isascii()
    if not (words or chinese):
        return None
    parts = [rf"(?<![^\W_])(?:{'|'.join(map(re.escape, words))})[^\W_]*"] if words else []
    ignoring_case = re.compile("|".join(parts + chinese), re.IGNORECASE)
    if not lower:
        return ignoring_case, None
    # the same, with the test that no letter or digit comes before a word asked after its
    # first character (`b(?<![^\W_].)ond`): the scan looks for that character first
    starts = [re.escape(w[0]) + r"(?<![^\W_].)" + re.escape(w[1:])
              for w in map(str.lower, words)]
    parts = [rf"(?:{'|'.join(starts)})[^\W_]*"] if words else []
    return ignoring_case, re.compile("|".join(parts + chinese))


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
