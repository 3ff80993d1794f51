"""Propose draft records from a held source: one per concrete measure its text describes.

What a draft can take from the text it takes verbatim (the quote) or derives from data (zones
from zones.yaml and places.yaml, the pillar from the source's own enumeration or the records'
wording, tags from the records' and the dictionary's terms, the date and source from the
source). What it cannot know (a Chinese title for an English source, the body) it leaves as
a marked blank for the editor. A draft that repeats a record says so instead of passing as new.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis.cjk import CJK, CJK_RE
from indexer.records.catalog import load_catalog
from indexer.errors import FtzError, ValidationFailed
from indexer.records.fields import TAG_RE
from indexer.records.lexicon import load_lexicon
from indexer.records.model import ID_RE, Measure, Taxonomy
from indexer.records.places import load_places
from indexer.drafting.extract import Found, analyse
from indexer.drafting.overlap import Overlap
from indexer.drafting.passages import sentences
from indexer.drafting.pillar_model import Guess, PillarModel
from indexer.drafting.section_pillars import assign
from indexer.drafting.sections import sections
from indexer.drafting.zonefinder import ZoneFinder

SLUG_WORDS = 6
SLUG_STOP = {"a", "an", "the", "of", "for", "and", "in", "to", "with", "on", "at", "by", "from",
             "up", "its", "their", "over", "under", "into"}


class SourceNotDraftable(FtzError):
    """The source is unknown, or the project does not hold its text."""


class SourceBroken(ValidationFailed):
    """The source's own file has problems: a draft would inherit them."""

    def __init__(self, problems):
        super().__init__(problems)
        FtzError.__init__(self, f"{len(self.problems)} problem(s) in the source; fix them "
                                "(`ftz check` lists them) before drafting; nothing was drafted")


@dataclass
class Draft:
    id: str
    title: str | None  # None: a blank for the editor
    title_zh: str | None
    zones: list[str]
    zones_note: str | None
    pillar: str | None
    date: str
    tags: list[str]
    source: str
    quote: str
    duplicate_of: str | None = None
    passage: str = ""  # the words of the quote that describe this measure
    why: dict[str, str] = field(default_factory=dict)  # how each field was found

    @property
    def blanks(self) -> list[str]:
        names = [("title", self.title), ("title_zh", self.title_zh), ("pillar", self.pillar),
                 ("tags", self.tags)]
        return [name for name, value in names if not value] + ["body"]

    def to_dict(self) -> dict:
        return {"id": self.id, "title": self.title, "title_zh": self.title_zh,
                "zones": self.zones, "zones_note": self.zones_note, "pillar": self.pillar,
                "quote": self.quote, "tags": self.tags, "date": self.date, "source": self.source,
                "duplicate_of": self.duplicate_of, "blanks": self.blanks,
                "passage": self.passage, "why": self.why}


@dataclass
class Proposal:
    source: str
    drafts: list[Draft]
    skipped: list[Found]  # passages naming a zone that were not drafted, with the reason


class Drafter:
    """Everything a draft is made from, loaded once from the measures directory."""

    def __init__(self, measures_dir: Path, use_parts: bool = True):
        self.use_parts = use_parts  # False: every pillar from the wording (to measure it alone)
        catalog = load_catalog(measures_dir)
        self.problems = catalog.problems
        self.taxonomy: Taxonomy = catalog.taxonomy
        self.measures: dict[str, Measure] = catalog.measures
        self.root = Path(measures_dir)
        lexicon = load_lexicon(self.root, _Discard())
        self.places = load_places(self.root, self.taxonomy.zones, _Discard())
        self.finder = ZoneFinder(self.taxonomy.zones, self.places, lexicon.synonyms)
        self.model = PillarModel(self.taxonomy.pillars, self.measures.values())
        names = [n for z in self.taxonomy.zones.values() for n in (z.name, z.name_zh, z.short, z.short_zh)]
        names += [n for p in self.places.values() for n in p.names + p.places]
        self.overlap = Overlap(self.measures.values(), names)
        self.tagger = Tagger(lexicon, self.measures.values(), self.taxonomy, self.finder)

    def propose(self, source_id: str, taken_ids: set[str] = frozenset()) -> Proposal:
        source = self.taxonomy.sources.get(source_id)
        if source is None:
            raise SourceNotDraftable(f"no source {source_id!r} in {self.root / 'sources'}")
        broken = [p for p in self.problems if Path(p.path).parts[-2:] == ("sources", f"{source_id}.md")]
        if broken:  # a draft takes its date and source from the source: fix it first
            raise SourceBroken(broken)
        if not source.held:
            raise SourceNotDraftable(f"{source_id} is a cited source: the project does not hold "
                                     "its text, so there is nothing to draft from")
        sents = sentences(source.text)
        pillar_of = self._parts(sents, source.text) if self.use_parts else {}
        drafts, skipped, previous, paragraph = [], [], (), -1
        for s in sents:
            if s.paragraph != paragraph:
                previous, paragraph = (), s.paragraph
            found = analyse(s, self.finder, previous)
            # "It", "They" point back to the sentence just before, not to one further back
            previous = next((f.zones for f in reversed(found) if f.zones), ())
            for f in found:
                if f.skipped:
                    if f.zones:
                        skipped.append(f)
                    continue
                drafts.append(self._draft(f, source, pillar_of.get(s.index)))
        repeats = self.overlap.match([(d.quote, f"{d.title or ''} {d.passage}", tuple(d.zones))
                                      for d in drafts])
        ids = set(self.measures) | set(taken_ids)
        for d, repeat in zip(drafts, repeats):
            d.duplicate_of = repeat
            d.id = unique_id(d, ids)
            ids.add(d.id)
        return Proposal(source_id, drafts, skipped)

    def _parts(self, sents, document: str) -> dict[int, Guess]:
        """The pillar of every sentence inside a part of the source's own structure."""
        out: dict[int, Guess] = {}
        found = sections(sents, names_zone=lambda text: bool(self.finder.find(text)))
        for group in sorted({s.group for s in found}):
            run = [s for s in found if s.group == group]
            texts = [(part.topic, " ".join(s.text for s in sents[part.first:part.last + 1])) for part in run]
            for part, guess in zip(run, assign(self.model, texts, document)):
                if guess.pillar is None:
                    continue
                for i in range(part.first, part.last + 1):
                    out[i] = Guess(guess.pillar, guess.score, f"{guess.how}: {part.topic[:80]!r}")
        return out

    def _draft(self, f: Found, source, part: Guess | None) -> Draft:
        guess = part or self.model.classify(f"{f.title} {f.text}")
        english = not CJK_RE.search(f.title) if f.title else source.language == "en"
        zones = list(f.zones)
        why = {"zones": self._zone_reason(f), "pillar": guess.how,
               "title": "the measure's own words in the quote, to be reviewed"}
        return Draft(id="", title=f.title if english else None,
                     title_zh=None if english else f.title,
                     zones=zones, zones_note=self._zones_note(f), pillar=guess.pillar,
                     date=source.date, tags=self.tagger.tags(f"{f.title} {f.text}"),
                     source=source.id, quote=" ".join(f.sentence.text.split()),
                     passage=" ".join(f.text.split()), why=why)

    def _zone_reason(self, f: Found) -> str:
        if not f.zones:
            return f"the source counts the zones ({f.counted!r}) without naming them"
        named = [m for m in self.finder.find(f.sentence.text) if m.zone in f.zones]
        said = "; ".join(dict.fromkeys(f"{m.text!r} -> {m.zone}" for m in named))
        return said or "named in the sentence before (\"it\", \"the zone\")"

    def _zones_note(self, f: Found) -> str | None:
        """What the source says of the zones it does not name, in its own counting word."""
        if not f.counted:
            return None
        if not f.zones:
            return f"The source attributes this to {f.counted} pilot free trade zones it does not name."
        shorts = ", ".join(self.taxonomy.zones[z].short for z in f.zones)
        return f"The source attributes this to {shorts} and other pilot free trade zones it does not name."


class Tagger:
    """Tags from the terms the records already use and the dictionary's terms (through the
    synonym groups for an English passage), as found in the passage."""

    def __init__(self, lexicon, measures, taxonomy: Taxonomy, finder: ZoneFinder):
        skip = {z.short.lower() for z in taxonomy.zones.values()} | \
            {z.short_zh for z in taxonomy.zones.values()}
        skip |= _ftz_group(lexicon, finder)
        self.dictionary = [w for w, _ in lexicon.dictionary if w not in skip]
        self.terms: dict[str, str] = {}  # English phrase -> tag
        for m in measures:
            for tag in m.tags:
                if not CJK_RE.search(tag) and tag not in skip:
                    self.terms.setdefault(tag.replace("-", " "), tag)
        self.groups = [g for g in lexicon.synonyms if not any(t in skip for t in g)]

    def tags(self, passage: str) -> list[str]:
        plain = " ".join(re.sub(r"[-‐]", " ", passage.lower()).split())
        found: list[str] = []
        for phrase, tag in self.terms.items():
            if _has(plain, phrase):
                found.append(tag)
        for group in self.groups:
            if any(_has(plain, t) for t in group if not CJK_RE.search(t)):
                english = _as_tag(group[0])
                if english and not CJK_RE.search(english) and not any(english in f for f in found):
                    found.append(english)
                found += [t for t in group if CJK_RE.search(t) and t in self.dictionary]
        found += [w for w in self.dictionary if w in passage]
        return [t for t in dict.fromkeys(found) if TAG_RE.match(t)]


def _ftz_group(lexicon, finder: ZoneFinder) -> set[str]:
    """The synonym group of "pilot free trade zone": every record would carry it."""
    return {t for g in lexicon.synonyms if any(finder.ftz.fullmatch(t) for t in g) for t in g}


def _has(text: str, phrase: str) -> bool:
    words = phrase.split()
    pattern = r"\b" + r"\s+".join(re.escape(w) for w in words) + r"(?:s|es)?\b"
    return re.search(pattern, text) is not None


def _as_tag(term: str) -> str | None:
    tag = re.sub(rf"[^a-z0-9{CJK}]+", "-", term.lower()).strip("-")
    return tag if tag and TAG_RE.match(tag) else None


def slug(title: str | None, fallback: str) -> str:
    words = [w for w in re.findall(r"[a-z0-9]+", (title or "").lower()) if w not in SLUG_STOP]
    return "-".join(words[:SLUG_WORDS]) or fallback


def unique_id(d: Draft, taken: set[str]) -> str:
    """`<zone>-<slug>`, the zone first when there is one zone; never an id already taken."""
    base = slug(d.title, "measure")
    if len(d.zones) == 1 and not base.startswith(d.zones[0]):
        base = f"{d.zones[0]}-{base}"
    base = base[:80].strip("-")
    assert ID_RE.match(base), base
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


class _Discard:
    """A report that keeps nothing: `ftz check` reports these files' problems, not the drafter."""

    problems: list = []

    def add(self, *args) -> None:
        pass
