"""Cut a source's text into paragraphs and sentences, each a verbatim slice of the text.

Every sentence keeps its offsets in the text, so that a quote taken from it is the source's
text verbatim. The parts of the source's own structure are found in sections.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.analysis.cjk import CJK

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "no", "nos", "co", "ltd", "inc", "st", "vs", "etc",
                 "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                 "oct", "nov", "dec", "u.s", "u.k", "p.r", "approx", "fig", "art"}
LATIN_END = re.compile(rf"""[.!?]+["'”’)\]]*(?=\s+["“‘(\[]?[A-Z0-9{CJK}]|\s*$)""")
CJK_END = re.compile(r"[。！？；]+[”’」）)]*")

# a turn of a transcript: "Reporter from Xinhua: ...", "Q: ...", "A reporter asked: ..."
SPEAKER = re.compile(r"^[\w .'’()\-]{1,60}[:：]\s")
QUESTION = re.compile(r"[?？]\s*$")


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int  # offsets in the source text
    end: int
    text: str


def paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph: blocks between blank lines when the text has any (a
    line break inside a block only wraps the line; a Markdown heading stands alone), and
    every non-empty line otherwise (a text held one paragraph per line)."""
    lines, pos = [], 0
    for line in text.split("\n"):
        lines.append((pos, line))
        pos += len(line) + 1
    blocks = bool(re.search(r"\n[ \t]*\n\s*\S", text.strip()))
    spans: list[tuple[int, int]] = []
    joining = False
    for start, line in lines:
        stripped = line.strip()
        if not stripped:
            joining = False
            continue
        lead = len(line) - len(line.lstrip())
        span = (start + lead, start + lead + len(stripped))
        if blocks and joining and spans and not stripped.startswith("#"):
            spans[-1] = (spans[-1][0], span[1])
        else:
            spans.append(span)
        joining = blocks and not stripped.startswith("#")
    return spans


def _is_abbreviation(text: str, stop: int) -> bool:
    if text[stop] != ".":
        return False
    word = re.search(r"([A-Za-z.]+)$", text[:stop])
    # "II. Trade and logistics": a heading's numeral at the paragraph's start
    numeral = bool(word) and word.start() == 0 and re.fullmatch(r"(?i)(?:i{1,3}|iv|vi{0,3}|ix|x)", word.group(1))
    return bool(word) and (word.group(1).lower().rstrip(".") in ABBREVIATIONS
                           or len(word.group(1)) == 1 or numeral)


def sentences(text: str) -> list[Sentence]:
    out: list[Sentence] = []
    for p, (start, end) in enumerate(paragraphs(text)):
        chunk = text[start:end]
        cuts = [m.end() for m in CJK_END.finditer(chunk)]
        cuts += [m.end() for m in LATIN_END.finditer(chunk) if not _is_abbreviation(chunk, m.start())]
        begin = 0
        for cut in sorted(set(cuts)) + [len(chunk)]:
            piece = chunk[begin:cut]
            if piece.strip():
                lead = len(piece) - len(piece.lstrip())
                s = start + begin + lead
                e = start + begin + len(piece.rstrip())
                out.append(Sentence(len(out), p, s, e, text[s:e]))
            begin = cut
    return out
