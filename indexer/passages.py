"""Cut a source's text into paragraphs and sentences, and find the parts of its own structure.

Every sentence keeps its offsets in the text, so that a quote taken from it is the source's
text verbatim. A part starts where the source counts ("First, ...", "The second is to ...",
"一是", "II.", a run of short heading lines) and runs to the next part, or to a paragraph where a
new speaker takes the floor ("Reporter: ...?"), which ends the speaker's enumeration.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Abbreviations after which a full stop does not end a sentence.
ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "no", "nos", "co", "ltd", "inc", "st", "vs", "etc",
                 "e.g", "i.e", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept",
                 "oct", "nov", "dec", "u.s", "u.k", "p.r", "approx", "fig", "art"}
LATIN_END = re.compile(r"""[.!?]+["'”’)\]]*(?=\s+["“‘(\[]?[A-Z0-9\u4e00-\u9fff]|\s*$)""")
CJK_END = re.compile(r"[。！？；]+[”’」）)]*")

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
            "six": 6, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
            "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "1": 1, "2": 2, "3": 3, "4": 4,
            "5": 5, "6": 6, "finally": 0, "lastly": 0, "last": 0, "首先": 1, "其次": 2, "再次": 3, "最后": 0}
_ORD = "first|second|third|fourth|fifth|sixth|seventh|eighth"
MARKERS = [
    # "the first is to ...", "The second is ...", "One is ..."
    re.compile(rf"(?:^|\b)(?:the\s+)?({_ORD}|one|two|three|four|five|six)\s+(?:is|was|are)\b", re.I),
    # "First, ...", "Secondly: ...", "In the third place, ...", "Finally, ..."
    re.compile(rf"^(?:in\s+the\s+)?({_ORD}|finally|lastly|last)(?:ly)?(?:\s+place|\s+of\s+all|"
               rf"\s+but\s+not\s+least)?\s*[,:;，]", re.I),
    # "一是", "第二，", "首先，"
    re.compile(r"^(?:第)?([一二三四五六七八])(?:是|，|、)"),
    re.compile(r"^(首先|其次|再次|最后)[，,]"),
    # "II. Key industries", "(3) ...", "4. ..."
    re.compile(r"^[(（]?(i{1,3}|iv|v|vi|[1-6])[.)）、]\s", re.I),
]
SPEAKER = re.compile(r"^[\w .'’()\-]{2,60}[:：]\s")
QUESTION = re.compile(r"[?？]\s*$")


@dataclass(frozen=True)
class Sentence:
    index: int
    paragraph: int
    start: int  # offsets in the source text
    end: int
    text: str


@dataclass(frozen=True)
class Part:
    """A part of the source's own enumeration: its heading sentence and its sentences."""

    ordinal: int
    heading: Sentence
    first: int  # sentence indexes, inclusive
    last: int


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
    return bool(word) and (word.group(1).lower().rstrip(".") in ABBREVIATIONS
                           or len(word.group(1)) == 1)


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


def ordinal(sentence: Sentence) -> int | None:
    """The number of an enumeration the sentence opens (0 for "finally"), or None."""
    text = sentence.text.strip()
    for pattern in MARKERS:
        m = pattern.search(text)
        if m and (pattern is not MARKERS[0] or m.start() < 60):
            return ORDINALS.get(m.group(1).lower())
    return None


def is_heading(sentences_: list[Sentence], index: int) -> bool:
    """A paragraph of a few words that does not end like a sentence, or a Markdown heading."""
    s = sentences_[index]
    alone = (index == 0 or sentences_[index - 1].paragraph != s.paragraph) and \
        (index + 1 == len(sentences_) or sentences_[index + 1].paragraph != s.paragraph)
    text = s.text.strip()
    return alone and (text.startswith("#") or (
        len(text.split()) <= 10 and len(text) <= 60 and not re.search(r"[.!?。！？:：;；,，]$", text)))


def breaks_enumeration(sentences_: list[Sentence], index: int) -> bool:
    """A sentence that opens a paragraph with a new speaker or a question ends a part."""
    s = sentences_[index]
    opens = index == 0 or sentences_[index - 1].paragraph != s.paragraph
    return opens and (bool(SPEAKER.match(s.text)) or bool(QUESTION.search(s.text)))


def parts(sentences_: list[Sentence]) -> list[list[Part]]:
    """The source's own enumerations: runs of numbered sentences counting up from one
    ("finally" closes a run), each sentence starting a part."""
    runs: list[list[tuple[int, int]]] = []
    for i, s in enumerate(sentences_):
        n = ordinal(s)
        if n is None:
            continue
        if n == 1:
            runs.append([(i, 1)])
        elif runs and (n == runs[-1][-1][1] + 1 or (n == 0 and runs[-1][-1][1] >= 1)):
            runs[-1].append((i, n or runs[-1][-1][1] + 1))
    numbered = {i for run in runs for i, _ in run}
    headings = [i for i, s in enumerate(sentences_) if i not in numbered and is_heading(sentences_, i)]
    if len(headings) >= 2:  # a run of heading lines: "## Logistics", "Key industries"
        runs.append([(i, k + 1) for k, i in enumerate(headings)])
    starts = sorted(i for run in runs for i, _ in run)
    out = []
    for run in runs:
        if len(run) < 2:  # "First, ..." alone is a way of speaking, not an enumeration
            continue
        current = []
        for i, n in run:
            later = [j for j in starts if j > i]
            stop = later[0] - 1 if later else len(sentences_) - 1
            last = i
            while last < stop and not breaks_enumeration(sentences_, last + 1):
                last += 1
            current.append(Part(n, sentences_[i], i, last))
        out.append(current)
    return out


def heading_text(sentence: Sentence) -> str:
    """The heading from its marker on ("the first is to strengthen ..." in a longer sentence)."""
    m = MARKERS[0].search(sentence.text)
    return sentence.text[m.start():] if m and m.start() < 60 else sentence.text
