"""The verbs of a sentence, found by its structure: which word is finite, in what tense, voice
and modality, and what a zone set out to do ("worked with ... to launch").

No list of verbs: a word is a verb where the lexicon (wordclass.py) allows a verb form and its
place in the sentence wants one: after the subject (a name, a noun, a pronoun, an adverb) and
not after a determiner or a preposition ("the release of" is a noun); after an auxiliary
("has drawn up", "are released", "can now complete"); not as a participle that only qualifies
a noun ("engineers registered in Hong Kong", ", first tried in ...").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from indexer.drafting import cues
from indexer.drafting.wordclass import base_form, classify

WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+(?:[.,]\d+)*%?")
QUOTED = re.compile(r'"[^"\n]{2,}?"|“[^”\n]{2,}?”|‘[^’\n]{2,}?’|「[^」\n]{2,}?」')
PARTICLES = {"up", "out"}
# particles that make a phrasal verb only before a new object ("brought in a procedure",
# "put forward a plan"), not before a place ("opened in the Lingang area")
NEW_OBJECT_PARTICLES = {"in", "forward", "on", "off", "down", "through"}


@dataclass(frozen=True)
class Verb:
    start: int  # offsets in the sentence of the verb word (with its particle: "set up")
    end: int
    lemma: str
    finite: bool
    passive: bool
    past: bool  # a past tense or a perfect: something done
    infinitive: bool = False  # what a zone set out to do: "to launch", "in launching"
    group: int = -1  # where the verb group starts ("has" of "has drawn up")
    modal: str = ""  # "will", "can", "should", ...
    copula: bool = False  # "is", "was", "has" without a participle: what something is or has
    relative: bool = False  # in a clause that qualifies a noun (", which was launched in 2021,")


@dataclass
class _Token:
    start: int
    end: int
    word: str  # lowercased
    kind: str  # NAME, DET, PREP, CONJ, SUB, PRON, AUX, TO, NUM, WORD


def _tokens(text: str, start: int, end: int, blocked) -> list[_Token]:
    out: list[_Token] = []
    for m in WORD.finditer(text, start, end):
        span = next(((s, e) for s, e in blocked if s <= m.start() < e or m.start() <= s < m.end()), None)
        if span:  # a zone, an FTZ term or a quoted name: one name
            if out and out[-1].kind == "NAME" and out[-1].end >= span[0]:
                out[-1].end = max(out[-1].end, m.end())
                continue
            out.append(_Token(m.start(), max(m.end(), min(span[1], end)), m.group(0).lower(), "NAME"))
            if re.search(r"['’]s$", m.group(0)) and m.end() > span[1]:
                out.append(_Token(m.end() - 2, m.end(), "'s", "DET"))  # "Hainan's exports": a noun follows
            continue
        if out and m.start() < out[-1].end:
            continue
        w = m.group(0).lower().replace("’", "'")
        if w in ("s", "'s") and text[m.start() - 1:m.start()] in "'’":
            out.append(_Token(m.start(), m.end(), "'s", "DET"))  # a possessive: a noun follows
            continue
        out.append(_Token(m.start(), m.end(), w, _kind(w, m, text, start)))
    return out


def _kind(w: str, m: re.Match, text: str, start: int) -> str:
    if w[0].isdigit():
        return "NUM"
    if w in cues.AUXILIARIES or w in cues.MODALS:
        return "AUX"
    if w == "to":
        return "TO"
    if w == "of":
        return "PREP"
    for kind, words in (("SUB", cues.SUBORDINATORS), ("DET", cues.DETERMINERS), ("PREP", cues.PREPOSITIONS),
                        ("CONJ", cues.CONJUNCTIONS), ("PRON", cues.PRONOUNS)):
        if w in words:
            return kind
    if w in cues.NUMBER_WORDS:
        return "NUM"
    if m.group(0)[0].isupper() and m.start() > start and text[:m.start()].rstrip()[-1:] not in ".!?\"“":
        return "NAME"  # a proper name inside the sentence: "Ministry", "Kazakhstan"
    return "WORD"


def verbs(text: str, start: int, end: int, blocked) -> list[Verb]:
    """The verbs in text[start:end], in order: finite ones with their tense, voice and
    modality, and the infinitives and gerunds that say what a zone set out to do."""
    toks = _tokens(text, start, end, blocked)
    out: list[Verb] = []
    prev = None  # kind of the token before, "COMMA" after punctuation, "ADV" after an adverb
    before = None  # kind before the adverbs
    relative = None  # after "which", "who", "that": the next verb (this index) qualifies a noun
    i = 0
    while i < len(toks):
        if relative is not None and len(out) > relative:
            out[relative] = replace(out[relative], relative=True)
            relative = None
        t = toks[i]
        gap = text[toks[i - 1].end:t.start] if i else ""
        if re.search(r"[,;:(—–]", gap):
            prev = before = "COMMA"
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        if t.kind == "AUX" and prev not in ("DET", "PREP"):
            verb, i = _group(text, toks, i)
            out.append(verb)
            prev = before = "VERB"
            continue
        if t.kind == "TO" and nxt and nxt.kind == "WORD" and base_form(nxt.word):
            out.append(_verb(text, toks, i + 1, finite=False, past=False, infinitive=True))
            i += 2 + _particle(toks, i + 1)
            prev = before = "VERB"
            continue
        if t.word in cues.FLOATING and prev == "NAME" and nxt is not None and nxt.kind == "WORD":
            prev, i = "ADV", i + 1  # "the Shandong and Jiangsu zones each attracted": an adverb
            continue
        if t.word == "no" and nxt is not None and nxt.word == "longer":
            prev, i = "ADV", i + 2  # "no longer need to": an adverb
            continue
        if t.kind != "WORD":
            if t.kind == "SUB" and t.word in cues.RELATIVES:
                relative = len(out)
            prev = before = t.kind
            i += 1
            continue
        wc = classify(t.word)
        if "VBG" in wc.forms and prev == "PREP" and toks[i - 1].word in ("in", "by"):
            # "took the lead in launching", "by introducing": what was set out to be done
            out.append(_verb(text, toks, i, finite=False, past=False, infinitive=True))
            prev = before = "VERB"
            i += 1
            continue
        subject_seen = any(x.kind in ("NAME", "WORD") for x in toks[:i])
        if _finite(wc, prev, before, nxt, bool(out), subject_seen):
            past = bool(wc.forms & {"VBD"}) and not wc.forms & {"VBZ", "VBP"}
            verb = _verb(text, toks, i, finite=True, past=past)
            # "has become a gateway": a linking verb says what something is, like "is"
            out.append(replace(verb, copula=verb.lemma in cues.LINKING_VERBS))
            prev = before = "VERB"
            i += 1
            continue
        if wc.adverb or t.word in cues.ADVERBS:
            prev = "ADV"  # `before` keeps what came before the adverbs
        else:
            prev = before = "VBG" if wc.forms == {"VBG"} or (wc.forms and t.word.endswith("ing")) else "WORD"
        i += 1
    if relative is not None and len(out) > relative:
        out[relative] = replace(out[relative], relative=True)
    return out


def _finite(wc, prev, before, nxt, found_one: bool, subject_seen: bool = False) -> bool:
    """Is this word, where it stands, a finite verb?"""
    forms = wc.forms
    object_next = nxt is not None and (nxt.kind in ("DET", "NUM", "NAME", "PRON") or nxt.word in PARTICLES)
    prep_next = nxt is not None and nxt.kind in ("PREP", "TO")
    if not forms & {"VBD", "VBZ", "VBP"} or prev in ("DET", "PREP", "TO", "NUM", "VBG"):
        return False
    if prev == "ADV":
        # an adverb before a word makes it a verb ("now passes", "jointly launched"), unless
        # the adverb follows a determiner ("the newly built park") or, for a participle, a
        # comma (", first tried in ...": set off by commas; ", now issues" still acts)
        if before == "COMMA":
            return bool(forms & {"VBZ", "VBP"}) and not forms & {"VBD", "VBN"}
        return before not in ("DET", "PREP", "TO", "NUM", "VBG")
    if prev == "COMMA":
        # "The measure, piloted in Hubei since 2022, cuts ...": a present verb after an aside
        # acts; a past one is the participle of another aside
        return not found_one and subject_seen and bool(forms & {"VBZ"}) and \
            not forms & {"VBD", "VBN"} and (wc.only_verb or object_next)
    if prev is None or prev == "CONJ":
        # a clause's first word: the second predicate of a subject already given
        # ("..., and introduced the first batch"), never a modifier ("simplified procedures")
        return (wc.only_verb or object_next) and "VBD" in forms and (prev is None or found_one)
    if prev == "SUB":
        return wc.only_verb or object_next
    if "VBD" in forms or "VBN" in forms and "VBZ" not in forms:
        if prev in ("NAME", "PRON", "ADV"):
            return True
        # after a common noun: "firms signed up" acts, "goods imported from" qualifies
        if "VBN" in forms and prep_next:
            return False
        return wc.only_verb or object_next
    if "VBZ" in forms:
        if prev in ("NAME", "PRON", "ADV"):
            return wc.only_verb or not prep_next
        return object_next and (wc.only_verb or nxt.kind != "NAME")
    # a base form ("cooperate"): after a plural name, a pronoun or an adverb; after a name or
    # a plural noun with its object next ("trucks at Qinzhou Port pass the gate")
    return prev in ("PRON", "ADV") or (prev == "NAME" and (wc.only_verb or object_next and nxt.kind != "NAME"))


def _particle(toks, i: int) -> bool:
    """"set up", "carried out", "brought in a": a particle, not the preposition of what
    follows ("up to", "opened in the area")."""
    word = toks[i + 1].word if i + 1 < len(toks) else ""
    nxt = toks[i + 2] if i + 2 < len(toks) else None
    if word in NEW_OBJECT_PARTICLES:
        return nxt is not None and nxt.word in ("a", "an")
    return word in PARTICLES and not (nxt and nxt.kind == "TO")


def _verb(text, toks, i, finite, past, passive=False, infinitive=False, group=-1, modal="") -> Verb:
    t = toks[i]
    end = t.end
    if _particle(toks, i):
        end = toks[i + 1].end
    return Verb(t.start, end, classify(t.word).lemma, finite, passive, past, infinitive,
                group if group >= 0 else t.start, modal)


def _group(text: str, toks: list[_Token], i: int) -> tuple[Verb, int]:
    """An auxiliary and what it governs: "has drawn up", "are released", "can now complete",
    "will work", "has been adopted"; an auxiliary alone is the verb ("is", "has")."""
    first = toks[i]
    auxes, j, modal = [], i, ""
    while j < len(toks) and (toks[j].kind == "AUX" or toks[j].word in cues.ADVERBS or toks[j].word == "not"
                             or (toks[j].kind == "WORD" and classify(toks[j].word).adverb)):
        if toks[j].kind == "AUX":
            auxes.append(toks[j].word)
            if toks[j].word in cues.MODALS:
                modal = modal or toks[j].word
        j += 1
    last = auxes[-1]
    head = toks[j] if j < len(toks) else None
    wc = classify(head.word) if head is not None and head.kind == "WORD" else None
    past = any(a in cues.PAST_AUX for a in auxes)
    if wc and last in cues.AUX_BE and "VBN" in wc.forms:
        return _verb(text, toks, j, True, past, passive=True, group=first.start, modal=modal), j + 1
    if wc and last in cues.AUX_BE and "VBG" in wc.forms:
        return _verb(text, toks, j, True, past, group=first.start, modal=modal), j + 1
    if wc and last in cues.AUX_HAVE and "VBN" in wc.forms:
        verb = _verb(text, toks, j, True, True, group=first.start, modal=modal)
        return replace(verb, copula=verb.lemma in cues.LINKING_VERBS), j + 1
    if wc and (last in cues.MODALS or last in cues.AUX_DO) and wc.forms & {"VB", "VBP"}:
        return _verb(text, toks, j, True, last in ("did",), group=first.start, modal=modal), j + 1
    # "is a pilot", "was 71.9 billion yuan", "has 120 enterprises": the auxiliary is the verb
    aux = toks[j - 1] if toks[j - 1].kind == "AUX" else next(t for t in reversed(toks[i:j]) if t.kind == "AUX")
    verb = Verb(aux.start, aux.end, "be" if last in cues.AUX_BE else last, True, False,
                last in cues.PAST_AUX, group=first.start, modal=modal, copula=True)
    return verb, j


def main_verb(vs: list[Verb]) -> Verb | None:
    """The first finite verb outside a relative clause; failing one, what a zone set out to
    do ("to launch")."""
    finite = [v for v in vs if v.finite and not v.relative] or [v for v in vs if v.finite]
    if finite:
        return finite[0]
    return next((v for v in vs if v.infinitive), None)


def object_verb(vs: list[Verb], text: str) -> Verb | None:
    """The verb whose object is the measure: the main verb, or, when that verb has none
    ("worked with the Hunan FTZ to launch ...", "cooperate with ... to promote ..."), what
    the zone set out to do."""
    main = main_verb(vs)
    if main is None or not main.finite:
        return main
    after = text[main.end:]
    aim = next((v for v in vs if v.infinitive and v.start > main.end), None)
    if aim is None:
        return main
    if re.match(r"\s+(?:with|together|jointly|to)\b", after) or main.copula:
        return aim
    # "has taken the lead in launching", "made efforts to build": the aim is the measure
    between = [w.lower() for w in WORD.findall(text[main.end:aim.start])]
    if between and all(w in cues.GENERIC or w in cues.DETERMINERS or w in cues.PREPOSITIONS
                       or w in cues.AIM_NOUNS or w == "to" for w in between):
        return aim
    return main
