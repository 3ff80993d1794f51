"""The parts of a source's own structure: where the source turns to a new area, and to what.

A part opens where the source says it turns to a new area, in any of the ways a briefing or a
transcript does it; the openers are phrases of the language of speeches, not of the policy
domain (which area a part is about is learned from the records, in pillar_model.py):
- by counting: "First, ...", "The second is to ...", "一是", "II.", a run of them; or in prose,
  an ordinal with a noun that names a part of a talk ("The first area I would like to talk
  about is ...", "A third focus has been ...", "The last area is transport.");
- by naming a topic with a phrase that introduces one: "In terms of X, ...", "On X, ...",
  "When it comes to X, ...", "As for X", "Regarding X", "Turning to X", "Finally, on X.",
  or in the first person: "Let me turn to X", "I would like to begin with X";
- by a heading line ("## Logistics", "Key industries"), two or more of them;
- by a question put to a speaker (a transcript): the answer that follows is about it.
An opener stands at the head of a paragraph (after a speaker's name, and after a few words of
courtesy that name no zone: "Thank you. On logistics, ..."); a counted run ("the first is to
..., the second is to ...") may stand anywhere. A part runs to the next opener. The openers
between two questions form one enumeration, whose parts are about different areas.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from indexer.drafting.passages import QUESTION, SPEAKER, Sentence

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
            "seventh": 7, "eighth": 8, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5,
            "six": 6, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
            "i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6, "1": 1, "2": 2, "3": 3, "4": 4,
            "5": 5, "6": 6, "finally": 0, "lastly": 0, "last": 0, "final": 0, "首先": 1, "其次": 2,
            "再次": 3, "最后": 0, "begin": 1, "start": 1}
_ORD = "first|second|third|fourth|fifth|sixth|seventh|eighth"
MARKERS = [
    # "the first is to ...", "The second is ...", "One is ..."
    re.compile(rf"(?:^|\b)(?:the\s+)?({_ORD}|one|two|three|four|five|six)\s+(?:is|was|are)\b", re.I),
    # "First, ...", "Secondly: ...", "In the third place, ...", "Finally, ..."
    re.compile(rf"^(?:in\s+the\s+)?({_ORD}|finally|lastly|last)(?:ly)?(?:\s+place|\s+of\s+all|"
               rf"\s+but\s+not\s+least)?\s*[,:;，]", re.I),
    re.compile(r"^(?:to\s+(begin|start)\s+with)\s*[,:;，]", re.I),
    # "一是", "第二，", "首先，"
    re.compile(r"^(?:第)?([一二三四五六七八])(?:是|，|、)"),
    re.compile(r"^(首先|其次|再次|最后)[，,]"),
    # "II. Key industries", "(3) ...", "4. ..."
    re.compile(r"^[(（]?(i{1,3}|iv|v|vi|[1-6])[.)）、]\s", re.I),
]
# nouns that name a part of what is said ("the first area", "a third focus", "my second
# point"): words of the language of talks, like the ordinals themselves
PART_NOUNS = ("area|areas|point|points|focus|aspect|aspects|priority|priorities|theme|themes|topic|"
              "topics|part|parts|task|tasks|field|fields|issue|issues|direction|directions|dimension|"
              "dimensions|front|strand|element|question|highlight|highlights|feature|features|respect|"
              r"emphasis|line\s+of\s+work|area\s+of\s+work")
# within a sentence's first words: "The first area ...", "Industrial upgrading has been our second
# priority", "Another area is ..."
PROSE_ORDINAL = re.compile(
    rf"^(?:[\w'’-]+\s+){{0,5}}?(?P<count>(?:(?:the|a|an|my|our|one|its|their)\s+)?({_ORD}|another|next|other|"
    rf"final|last|further)\s+(?:[a-z-]+\s+)?(?:{PART_NOUNS}))\b", re.I)
# words that may stand before an opener ("Now, the second area ...", "Finally, on X")
LEAD = re.compile(r"^(?:(?:now|next|then|also|so|and|but|finally|lastly|last(?:\s+but\s+not\s+least)?|"
                  r"secondly|thirdly|first(?:ly)?|second|third|fourth|moving\s+on|in\s+addition)\s*,?\s+)+",
                  re.I)
# a phrase that introduces the topic of what follows
TOPIC_LEAD = re.compile(
    r"^(?:in\s+terms\s+of|on|as\s+for|as\s+to|as\s+regards|regarding|concerning|with\s+(?:regard|respect|"
    r"reference)\s+to|when\s+it\s+comes\s+to|turning\s+(?:now\s+)?to|moving\s+on\s+to|coming\s+to|"
    r"in\s+relation\s+to|in\s+the\s+(?:area|field|domain|sphere|realm)\s+of|as\s+far\s+as|"
    r"speaking\s+of|talking\s+(?:of|about)|in\s+respect\s+of)\s+", re.I)
# fixed phrases that open with a topic word but name no topic ("On the other hand, ...")
NOT_A_TOPIC = re.compile(r"^(?:the\s+(?:other|one)\s+hand|behalf|average|balance|the\s+whole|top\s+of|"
                         r"this\s+basis|that\s+basis|the\s+contrary|the\s+same|the\s+day|the\s+eve|"
                         r"this\s+occasion|that\s+note|this\s+note)\b", re.I)
# a speaker saying what they turn to: "Let me turn to X", "I would like to begin with X"
FIRST_PERSON = re.compile(
    r"^(?:let\s+me|let\s+us|let's|allow\s+me\s+to|(?:i|we)\s+(?:would|'d|should|will|shall|want|wish)"
    r"(?:\s+like)?(?:\s+to)?|i'll|we'll|(?:i|we)\s+now|i|we)\s+(?:(?:now|next|then|also|briefly|first|just)\s+)*"
    r"(?:turn|move|come|begin|start|focus|talk|speak|say|add|comment|touch|brief|update|share|"
    r"dwell|elaborate|report)\b.*?\b(?:on|to|with|about|upon|regarding|concerning)\s+(.+)$", re.I)
WHEN = re.compile(r"\d|\b(?:January|February|March|April|May|June|July|August|September|October|"
                  r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b")
# a turn whose speaker is the one asking, with or without a question mark ("Reporter: Please
# tell us about ...")
ASKER = re.compile(r"^(?:q|question|[^:：]{0,40}\b(?:reporter|journalist|correspondent|media)\b[^:：]{0,40})[:：]\s", re.I)
# sentences before an opener in its paragraph: a few words of courtesy ("Thank you.")
COURTESY_WORDS = 12


@dataclass(frozen=True)
class Section:
    """A part of the source's own structure: its opener, what it says it is about, its span."""

    kind: str  # "count", "topic", "heading" or "question"
    ordinal: int | None  # 0 for "finally"; None when the opener does not count
    opener: Sentence
    topic: str  # the opener's words for the part's area
    first: int  # sentence indexes, inclusive
    last: int
    group: int  # the enumeration it belongs to: its parts are about different areas


def ordinal(sentence: Sentence) -> int | None:
    """The number of an enumeration the sentence opens (0 for "finally"), or None."""
    text = without_speaker(sentence.text.strip())
    for pattern in MARKERS:
        m = pattern.search(text)
        if m and (pattern is not MARKERS[0] or m.start() < 60):
            return ORDINALS.get(m.group(1).lower())
    return None


def heading_text(sentence: Sentence) -> str:
    """What a counted part says it is about: the words after its marker ("Second, services for
    firms" -> "services for firms"; "..., the first is to strengthen ..." -> "to strengthen ...")."""
    text = without_speaker(sentence.text.strip())
    for pattern in MARKERS:
        m = pattern.search(text)
        if m and (pattern is not MARKERS[0] or m.start() < 60):
            return text[m.end():].strip(" ,:;，、.") or text
    return text


def is_heading(sentences_: list[Sentence], index: int) -> bool:
    """A paragraph of a few words that does not end like a sentence, or a Markdown heading."""
    s = sentences_[index]
    alone = (index == 0 or sentences_[index - 1].paragraph != s.paragraph) and \
        (index + 1 == len(sentences_) or sentences_[index + 1].paragraph != s.paragraph)
    text = s.text.strip()
    return alone and (text.startswith("#") or (
        len(text.split()) <= 10 and len(text) <= 60 and not re.search(r"[.!?。！？:：;；,，]$", text)))


def without_speaker(text: str) -> str:
    m = SPEAKER.match(text)
    return text[m.end():] if m else text


def prose_opener(text: str, names_zone) -> tuple[int | None, str] | None:
    """(ordinal, topic) when a sentence opens a part in prose, or None. `names_zone(text)`
    tells whether words name a zone: "In Qianhai, ..." and "On Hainan, ..." are places."""
    body = without_speaker(text).strip()
    lead = LEAD.match(body)
    rest = body[lead.end():] if lead else body
    number = None
    if lead:
        words = re.findall(r"[a-z]+", lead.group(0).lower())
        stems = [w if w in ORDINALS else w[:-2] if w.endswith("ly") else w for w in words]
        number = next((ORDINALS[w] for w in stems if w in ORDINALS), None)
    m = PROSE_ORDINAL.match(rest)
    if m:
        # the topic without the words that count ("our second priority"): "focus", "area"
        # would read as a pillar's words
        topic = f"{rest[:m.start('count')]} {rest[m.end():]}"
        return ORDINALS.get(m.group(2).lower(), number), " ".join(topic.split())
    m = TOPIC_LEAD.match(rest)
    if m:
        topic = re.split(r"[,;:.]|\s+is\s+concerned\b", rest[m.end():], maxsplit=1)[0].strip()
        if topic and len(topic.split()) <= 12 and not NOT_A_TOPIC.match(topic) \
                and not WHEN.search(topic) and not names_zone(topic):
            return number, topic
        return None
    m = FIRST_PERSON.match(rest)
    if m and not names_zone(m.group(1)):
        return number, m.group(1).rstrip(" .")
    if number is not None and len(rest.split()) <= 8 and not names_zone(rest):
        return number, rest.rstrip(" .")  # "Lastly, logistics.": the count and its topic
    return None


def _counted_runs(sentences_: list[Sentence]) -> list[list[tuple[int, int]]]:
    """Runs of numbered sentences counting up from one ("finally" closes a run)."""
    runs: list[list[tuple[int, int]]] = []
    for i, s in enumerate(sentences_):
        n = ordinal(s)
        if n is None:
            continue
        if n == 1:
            runs.append([(i, 1)])
        elif runs and (n == runs[-1][-1][1] + 1 or (n == 0 and runs[-1][-1][1] >= 1)):
            runs[-1].append((i, n or runs[-1][-1][1] + 1))
    return [run for run in runs if len(run) >= 2]  # "First, ..." alone is a way of speaking


def _paragraph_heads(sentences_: list[Sentence]) -> dict[int, int]:
    """For each sentence, how many sentences of its paragraph stand before it."""
    out, count, paragraph = {}, 0, -1
    for s in sentences_:
        count = 0 if s.paragraph != paragraph else count + 1
        paragraph = s.paragraph
        out[s.index] = count
    return out


def _questions(sentences_: list[Sentence]) -> dict[int, str]:
    """The first sentence of each paragraph that puts a question to a speaker, with the
    question's words (the paragraph without the speaker's name)."""
    by_paragraph: dict[int, list[Sentence]] = {}
    for s in sentences_:
        by_paragraph.setdefault(s.paragraph, []).append(s)
    out = {}
    asker_line = False  # "Reporter:" alone on its line: the next paragraph is the question
    for group in by_paragraph.values():
        text = " ".join(s.text for s in group)
        asks = any(QUESTION.search(s.text) for s in group) or bool(ASKER.match(group[0].text))
        if asker_line or (asks and (SPEAKER.match(group[0].text) or QUESTION.search(group[-1].text))):
            out[group[0].index] = without_speaker(text)
        asker_line = bool(ASKER.match(text.strip() + " ")) and bool(re.fullmatch(r"[^:：]{1,60}[:：]", text.strip()))
    return out


def sections(sentences_: list[Sentence], names_zone=lambda text: False) -> list[Section]:
    """The parts of the source's own structure, in order (see the module's docstring)."""
    openers: dict[int, tuple[str, int | None, str]] = {}
    for run in _counted_runs(sentences_):
        for i, n in run:
            openers[i] = ("count", n, heading_text(sentences_[i]))
    heads = _paragraph_heads(sentences_)
    questions = _questions(sentences_)
    for s in sentences_:
        if s.index in openers or s.index in questions:
            continue
        before = sentences_[s.index - heads[s.index]:s.index]
        courtesy = all(len(b.text.split()) <= COURTESY_WORDS and not names_zone(b.text)
                       and not QUESTION.search(b.text) for b in before)
        if heads[s.index] > 2 or not courtesy:
            continue
        found = prose_opener(s.text, names_zone)
        if found is not None:
            openers[s.index] = ("topic", found[0], found[1])
    headings = [s.index for s in sentences_ if s.index not in openers and is_heading(sentences_, s.index)]
    if len(headings) >= 2:  # a run of heading lines: "## Logistics", "Key industries"
        for k, i in enumerate(headings):
            openers[i] = ("heading", k + 1, sentences_[i].text)
    for i, words in questions.items():
        openers[i] = ("question", None, words)
    starts = sorted(openers)
    out, group = [], 0
    for k, i in enumerate(starts):
        kind, number, topic = openers[i]
        last = (starts[k + 1] - 1) if k + 1 < len(starts) else len(sentences_) - 1
        if kind == "question" or (out and out[-1].kind == "question"):
            group += 1  # a question and its answer are one part; a new enumeration follows
        out.append(Section(kind, number, sentences_[i], topic, i, last, group))
    return out
