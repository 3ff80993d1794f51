"""Checks of a record's words against its held source: the nearest passage to a quote that is
not verbatim, where the two differ, and figures the source does not give."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from difflib import SequenceMatcher

from indexer.records.fields import squash

_WORD_RE = re.compile(r"\S+")
_EDGE_PUNCT = "\"'“”‘’«»()[]{}<>,.;:!?*_`"
# 1,234.5 / 6.6 / 2023 / 7 in "7th"; a comma followed by three digits separates thousands
_DIGIT_RE = re.compile(r"\d")
# a figure starts after anything but a Latin letter, a digit or a point: in Chinese text a
# figure follows a character (共24项, 2023年6月) that \w would count as part of a word
_NUMBER_RE = re.compile(r"(?<![A-Za-z0-9_.])\d+(?:,\d{3})*(?:\.\d+)?")
# markup is no statement of a figure: link targets, addresses, HTML tags, code
_MARKUP_RE = re.compile(r"\]\([^)]*\)|https?://\S+|<[^>\n]*>|`[^`\n]*`")


@dataclass(frozen=True)
class Passage:
    start: int  # character offsets in the source text
    end: int
    text: str


def _words(text: str) -> list[re.Match]:
    return list(_WORD_RE.finditer(text))


def _key(word: str) -> str:
    return word.strip(_EDGE_PUNCT).lower()


def nearest_passage(quote: str, text: str) -> Passage | None:
    """The stretch of `text` most like `quote`: the window of the quote's length sharing
    most words with it, then trimmed to the words that align with the quote."""
    quote_words = [_key(m.group()) for m in _words(quote)]
    matches = _words(text)
    if not quote_words or not matches:
        return None
    keys = [_key(m.group()) for m in matches]
    size = min(len(quote_words), len(keys))
    wanted = Counter(quote_words)
    window = Counter(keys[:size])
    shared = sum(min(c, wanted[w]) for w, c in window.items())
    best, best_at = shared, 0
    for i in range(1, len(keys) - size + 1):  # slide by one word, updating the overlap
        out, new = keys[i - 1], keys[i + size - 1]
        if window[out] <= wanted[out]:
            shared -= 1
        window[out] -= 1
        window[new] += 1
        if window[new] <= wanted[new]:
            shared += 1
        if shared > best:
            best, best_at = shared, i
    if best == 0:
        return None
    # widen by half a quote each side, then keep what aligns with the quote
    lo = max(0, best_at - size // 2)
    hi = min(len(keys), best_at + size + size // 2)
    blocks = [b for b in SequenceMatcher(None, keys[lo:hi], quote_words, autojunk=False)
              .get_matching_blocks() if b.size]
    if not blocks:
        return None
    first, last = lo + blocks[0].a, lo + blocks[-1].a + blocks[-1].size - 1
    start, end = matches[first].start(), matches[last].end()
    return Passage(start, end, text[start:end])


def differences(quote: str, passage: str, limit: int = 3) -> list[str]:
    """Where the quote departs from the passage, word by word, as short phrases."""
    q = [m.group() for m in _words(quote)]
    p = [m.group() for m in _words(passage)]
    out = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, p, q, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        source_part, quote_part = " ".join(p[i1:i2]), " ".join(q[j1:j2])
        if op == "replace":
            out.append(f"the quote has {quote_part!r} where the source has {source_part!r}")
        elif op == "insert":
            out.append(f"the quote adds {quote_part!r}")
        else:
            out.append(f"the quote leaves out {source_part!r}")
    if len(out) > limit:
        out = out[:limit] + [f"{len(out) - limit} more difference(s)"]
    return out


def numbers(text: str) -> dict[str, None]:
    """The figures written in a text in order, normalised (1,000 = 1000; 05 = 5); markup aside."""
    if not _DIGIT_RE.search(text):
        return {}  # most bodies: no figure to find
    text = _MARKUP_RE.sub(" ", text)
    out: dict[str, None] = {}
    for raw in _NUMBER_RE.findall(text):
        value = raw.replace(",", "")
        if "." in value:
            whole, frac = value.split(".")
            value = f"{int(whole)}.{frac.rstrip('0')}".rstrip(".")
        else:
            value = str(int(value))
        out[value] = None
    return out


_MONTHS = {name: n for n, full in enumerate(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"), 1) for name in (full, full[:3])}
_MONTH_RE = re.compile(r"\b(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\b")


def month_numbers(text: str) -> dict[str, None]:
    """The months an English text names in words, as the figures a date in Chinese makes of
    them ("1 August 2019" gives 8, as 2019年8月1日 writes it)."""
    return {str(_MONTHS[name]): None for name in _MONTH_RE.findall(text)}


def shorten(text: str, limit: int = 240) -> str:
    text = squash(text)
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
