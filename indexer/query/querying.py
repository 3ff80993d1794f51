"""Turn what a user types into a Whoosh query: field values, synonyms and the glossary, phrases.

The surface of the query language (what it accepts, what it takes off with a note) is in
syntax.py; a facet's values (zone:, year: ...) are read in fieldvalues.py; what a query is read
into (Unit, ParsedQuery) is in parsed.py. Here a query becomes its parts ("units"): a plain word, or a run of plain words
that a synonym group or the bilingual glossary knows (`certificate of origin`, 跨境电商), or
an explicit part (a "phrase", a field, NOT something). Chinese written without spaces is cut
into its words first (known terms, then the segmenter's words), so that 跨境贸易 is two words
as "cross-border trade" is. A query of units only (no AND, OR or brackets) is their AND, and
the search (indexer/search/fallback.py) may leave out some of its plain units when no record holds them all (relax.py).

Each group of synonyms and glossary terms is one set: a query for any term searches all of
them, the term typed scoring fully and the others at their weights (boosts.group_weight: a
synonym, a translation). Terms are matched by their analysed words, so `certificates of
origin`, `cross border` and `R&D` find the groups of "certificate of origin", "cross-border"
and "r-and-d"; groups sharing a term are one group.
"""

from __future__ import annotations

import re

from whoosh import qparser, query as Q

from indexer.analysis.cjk import CJK, has_cjk
from indexer.analysis.normalize import normalize
from indexer.notes import Note
from indexer.engine.scoring import TEXT_FIELDS
from indexer.query.boosts import group_weight, phrase_boost, place_boost, weighted
from indexer.query.fieldvalues import field_value, place_note, zone_note
from indexer.query.parsed import ParsedQuery, Unit, with_units
from indexer.query.syntax import (BINARY_OPERATORS, FIELD_ALIASES, OPERATORS, SEGMENT_RE, is_bare,
                                  joined, plain_words, syntax_problem, unsupported)
from indexer.query.vocabulary import QueryVocabulary

_CJK_RUN_RE = re.compile(rf"[{CJK}]+|[^{CJK}]+")
AREA_WORDS = ("片区", "area")
# What Whoosh's parser raises on a query that syntax.syntax_problem() lets through; the query
# is then searched as plain words, with a note ("unparsable"), never failed:
# - IndexError: an operator left with nothing to apply to (NOT NOT oil, ... NOT NOT id:x: the
#   inner NOT's node has no operand; found by fuzzing the parser with operator chains);
# - qparser.QueryParserError: the parser's own error class.
# Anything else is a bug, and fails loudly rather than being read as plain words.
PARSER_ERRORS = (IndexError, qparser.QueryParserError)


class QueryBuilder:
    """Builds queries for one index: its schema, and the vocabulary of its taxonomy, synonyms
    and glossary."""

    def __init__(self, schema, vocabulary: QueryVocabulary):
        self.schema = schema
        self.vocabulary = vocabulary
        self.analyzer = schema["body"].analyzer
        self._group_of: dict = {}  # term key -> index in self.groups
        self.groups: list[tuple[str, ...]] = []
        self._merge(vocabulary.groups)
        # places inside a zone (places.yaml), by their analysed words or Chinese as written
        self._place_of: dict = {}
        for name, zone in vocabulary.place_zone.items():
            k = self.key(name)
            if k:
                self._place_of.setdefault(k, (name, zone))
        # zones named as zones (vocabulary.zone_forms: 浙江自贸区, 中国（浙江）自由贸易试验区)
        self._zone_of: dict = {}
        for form, zone in vocabulary.zone_forms.items():
            k = self.key(form)
            if k:
                self._zone_of.setdefault(k, (form, zone))
        known = (*self._group_of, *self._place_of, *self._zone_of)
        self.max_words = max((len(k) for k in known if isinstance(k, tuple)), default=1)
        self.cjk_terms = sorted((k for k in known if isinstance(k, str)), key=len, reverse=True)
        # the words that follow a place to say it is an area of the zone: 舟山片区, Nansha Area
        self._area_keys = {self.key(w) for w in AREA_WORDS} - {None}
        self.parser = self._parser(syntax=True)
        self.plain_parser = self._parser(syntax=False)

    # -- synonym groups ----------------------------------------------------------------
    def key(self, term: str):
        """How a term is recognised in a query: Chinese as written, anything else by its
        analysed words (stemmed, stop words out)."""
        if has_cjk(term):
            return term.lower()
        return tuple(t.text for t in self.analyzer(term, mode="query")) or None

    def _merge(self, groups) -> None:
        parent: dict = {}

        def find(k):
            while parent.setdefault(k, k) != k:
                k = parent[k]
            return k

        keyed = []
        for group in groups:
            keys = [k for k in (self.key(t) for t in group) if k]
            keyed.append((group, keys))
            for k in keys[1:]:
                parent[find(k)] = find(keys[0])
        merged: dict = {}
        for group, keys in keyed:
            if keys:
                merged.setdefault(find(keys[0]), []).extend(group)
        for root, terms in merged.items():
            self.groups.append(tuple(dict.fromkeys(terms)))
        for i, terms in enumerate(self.groups):
            for term in terms:
                k = self.key(term)
                if k:
                    self._group_of[k] = i

    def group(self, words: str) -> tuple[str, ...] | None:
        found = self._group_of.get(self.key(words) or ())
        return None if found is None else self.groups[found]

    # -- parsing -----------------------------------------------------------------------
    def _parser(self, syntax: bool):
        # no field boosts here: a field's weight is the scorer's (BM25F, scoring.py); a
        # query's boosts only multiply
        parser = qparser.MultifieldParser(list(TEXT_FIELDS), self.schema, group=qparser.AndGroup)
        if syntax:
            aliases = {}
            for alias, real in FIELD_ALIASES.items():
                if alias != real:
                    aliases.setdefault(real, []).append(alias)
            parser.add_plugin(qparser.FieldAliasPlugin(aliases))
            parser.remove_plugin_class(qparser.RangePlugin)
            # the BoostPlugin stays: it reads a synonym's weight (boosts.weighted); a user's
            # `oil^5` is taken off, with a note, before the parser sees it (syntax.unsupported)
        else:
            for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.PhrasePlugin,
                           qparser.RangePlugin, qparser.GroupPlugin, qparser.OperatorsPlugin,
                           qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin):
                parser.remove_plugin_class(plugin)
        return parser

    def parse(self, text: str) -> ParsedQuery:
        text = self.vocabulary.canonical(" ".join(normalize(text).split()))
        result = ParsedQuery(None, text)
        if not text:
            return result
        text = unsupported(text, result.notes)
        problem = syntax_problem(text)
        if problem:
            result.notes.append(Note("syntax", problem=problem))
            text = plain_words(text)
        result.text = text
        if not text:
            return result
        first = list(result.notes)  # what reading the text's surface found
        segments = [field_value(self.vocabulary, s, result) for s in SEGMENT_RE.findall(text)]
        result.zones_named = self.vocabulary.zones_named(text)
        noted = {n.params["place"].lower() for n in result.notes
                 if getattr(n, "code", "") == "place_zone"}
        for zone, words in result.zones_named:
            key = " ".join(words.lower().split())
            if key in self.vocabulary.place_zone and key not in noted:
                result.notes.append(place_note(self.vocabulary, "place_word", words, zone))
        self._finish(result, self._read(result, segments))
        if result.noted("unparsable") and plain_words(text) != text:
            # searched as plain words (`oil NOT NOT gas`): read afresh as those words, so that
            # relaxation, synonyms, fixes and suggestions are about what was searched
            fresh = self.parse(plain_words(text))
            fresh.notes = first + [n for n in fresh.notes if n not in first] + [Note("unparsable")]
            return fresh
        return result

    def _read(self, result: ParsedQuery, segments: list[str]) -> list[Unit]:
        """The query's units from its segments; kept on the result unless AND, OR or brackets
        stand at the top (such a query is never relaxed)."""
        result.structured = any(s in BINARY_OPERATORS or s in "()" for s in segments)
        units = self._units(segments, result)
        result.words = [w for u in units if u.plain for w in u.words]
        result.units = [] if result.structured else units
        return units

    def subquery(self, parsed: ParsedQuery, keep: list[Unit]) -> ParsedQuery:
        """The same query with only the units in `keep` (relaxation)."""
        return self._finish(with_units(parsed, keep), keep)

    def ranked(self, parsed: ParsedQuery, explicit: list[Unit], plain: list[Unit]) -> ParsedQuery:
        """The query with its explicit parts required and its plain words as optional clauses
        (any of them matches; each adds its score): the ranking of a relaxed search, whose
        matches the search limits to those relax.py allows."""
        result = with_units(parsed, explicit + plain)
        clauses = [q for q in (self.unit_query(u) for u in plain)
                   if q is not None and q is not Q.NullQuery]
        words = [w for u in plain for w in u.words]
        anyof = phrase_boost(self.schema, Q.Or(clauses), words) if clauses else None
        if explicit:
            required = self.subquery(parsed, explicit).query
            result.query = Q.AndMaybe(required, anyof) if anyof is not None else required
        elif anyof is not None:
            result.query = anyof
        else:  # the units' query as a whole (parsed only here: otherwise it goes unused)
            self._finish(result, explicit + plain)
        result.query = place_boost(result.query, plain, self.unit_query)
        return result

    def unit_query(self, unit: Unit) -> Q.Query:
        """The unit's query, parsed once for the unit's life (one search): relaxation, the
        relaxed ranking and the words each record holds all ask for it. compile_query does
        not change a Whoosh query, so one parse serves them all."""
        if unit.parsed is None:
            unit.parsed = self.parser.parse(unit.query)
        return unit.parsed

    def named_query(self, unit: Unit) -> Q.Query:
        """A place unit's own words (`named`) as a query, parsed once for the unit's life:
        which records name the place (search/explanations.py)."""
        if unit.named_parsed is None:
            unit.named_parsed = self.parser.parse(unit.named)
        return unit.named_parsed

    def _finish(self, result: ParsedQuery, units: list[Unit]) -> ParsedQuery:
        try:
            parsed = self._whole(result, units)
        except PARSER_ERRORS:  # fall back to plain words, never fail the search
            result.notes.append(Note("unparsable"))
            parsed = self.plain_parser.parse(plain_words(result.text))
        if parsed is Q.NullQuery:
            result.notes.append(Note("only_common"))
            result.query = Q.NullQuery
            return result
        words = [w for u in units for w in u.words] if all(u.plain for u in units) else []
        result.query = place_boost(phrase_boost(self.schema, parsed, words), units,
                                   self.unit_query)
        return result

    def _whole(self, result: ParsedQuery, units: list[Unit]) -> Q.Query:
        """The query of all the units. A query of units side by side (no AND, OR or
        brackets at the top) is the conjunction of the units' queries, each parsed once and
        kept on its unit (unit_query), which relaxation, the relaxed ranking and the words
        each record holds read again: the text goes to the project's nodes once
        (tests/test_query_parsing.py holds it equal to a parse of the whole text). A
        structured query is parsed whole: its operators bind across units."""
        if result.structured:
            return self.parser.parse(joined(u.query for u in units))
        if any(u.query in OPERATORS for u in units):  # `oil NOT NOT gas`: NOT binds nothing,
            raise IndexError("an operator with nothing to bind")  # as the parser finds
        clauses = [q for q in (self.unit_query(u) for u in units)
                   if q is not None and q is not Q.NullQuery]
        if not clauses:
            return Q.NullQuery
        return clauses[0] if len(clauses) == 1 else Q.And(clauses).normalize()

    def _short_names(self, zone_id: str) -> tuple[str, ...]:
        zone = self.vocabulary.zones[zone_id]
        return tuple(dict.fromkeys(n for n in (zone.get("short_zh"), zone["short"]) if n))


    # -- units -------------------------------------------------------------------------
    def _units(self, segments: list[str], result: ParsedQuery) -> list[Unit]:
        """The query's parts. Plain words, Chinese ones cut into theirs, are matched against
        the synonym groups across segments (`certificate of origin`); in a query with
        operators, or after NOT, the words of one Chinese segment stay one bracketed part,
        so that 保税仓库 OR 油品 keeps its meaning."""
        structured = any(s in BINARY_OPERATORS or s in "()" for s in segments)
        pieces: list[str | Unit] = []
        for i, seg in enumerate(segments):
            whole = structured or (i and segments[i - 1] == "NOT")
            if is_bare(seg) and has_cjk(seg):
                pieces.extend([self._one(seg, result)] if whole else self._split_chinese(seg))
            else:
                pieces.append(seg)
        units: list[Unit] = []
        i = 0
        while i < len(pieces):
            piece = pieces[i]
            if isinstance(piece, Unit):
                units.append(piece)
                i += 1
                continue
            after = pieces[i + 1] if i + 1 < len(pieces) else None
            if piece == "NOT" and after is not None and (isinstance(after, Unit)
                                                          or after not in OPERATORS | {"("}):
                inner = after if isinstance(after, Unit) else self._one(after, result)
                units.append(Unit(f"NOT {inner.text}", f"NOT {inner.query}", False))
                i += 2
                continue
            if not is_bare(piece):
                units.append(Unit(piece, piece, False))
                i += 1
                continue
            n, unit = self._term_at(pieces, i, result)
            if units and units[-1].place and unit.plain and self.key(unit.text) in self._area_keys:
                units[-1] = self._with_area_word(units[-1], unit)
            else:
                units.append(unit)
            i += n
        return units

    @staticmethod
    def _with_area_word(place: Unit, area: Unit) -> Unit:
        """舟山片区, "Nansha area": the area word names the place, it is no word to require
        (no record need say 片区 to be about Zhoushan); it stays among the words that rank."""
        joiner = "" if has_cjk(place.text[-1:] + area.text[:1]) else " "
        return Unit(place.text + joiner + area.text, place.query, True, place.words + area.words,
                    place.place, named=place.named)

    def _term_at(self, pieces: list, i: int, result: ParsedQuery) -> tuple[int, Unit]:
        """The longest run of plain words from pieces[i] that a synonym group knows, as one
        unit searching the whole group; else the single word."""
        for n in range(min(self.max_words, len(pieces) - i), 0, -1):
            window = pieces[i:i + n]
            if n > 1 and not (all(isinstance(p, str) and is_bare(p) for p in window)
                              and self._edges_count(window)):
                continue
            unit = (self._zone_unit(window, result) or self._place_unit(window, result)
                    or (self._group_unit(window, result) if n > 1 else None))
            if unit:
                return n, unit
        return 1, self._group_unit([pieces[i]], result) or Unit(pieces[i], pieces[i], True, (pieces[i],))

    def _zone_unit(self, window: list[str], result: ParsedQuery) -> Unit | None:
        """A zone named as a zone (浙江自贸区, 中国（浙江）自由贸易试验区, 自贸港): the zone's
        records, and the others that name it by its short names, the zone's first
        (boosts.place_boost); the note offers the filter that keeps only the zone's."""
        text = " ".join(window)
        found = self._zone_of.get(self.key(text) or ())
        if not found:
            return None
        zone_id = found[1]
        if not any(getattr(n, "code", "") == "zone_word" and n.params["zone_id"] == zone_id
                   for n in result.notes):
            result.notes.append(zone_note(self.vocabulary, text, zone_id))
        names = " OR ".join(_quoted(n, self) for n in self._short_names(zone_id))
        return Unit(text, f"(zones:{zone_id} OR {names})", True, tuple(window), zone=zone_id)

    def _place_unit(self, window: list[str], result: ParsedQuery) -> Unit | None:
        """A place inside a zone (Zhoushan, 洋山): the records naming it (or its synonyms) and,
        scoring nothing for the place, the zone's other records: measures are recorded by
        zone, and a place's measure need not spell the place."""
        text = " ".join(window)
        found = self._place_of.get(self.key(text) or ())
        if not found:
            return None
        named = self._group_unit(window, result)
        words = named.query if named else _quoted(text, self)
        return Unit(text, f"({words} OR zones:{found[1]})", True, tuple(window), found[1],
                    named=words)

    def _group_unit(self, window: list[str], result: ParsedQuery) -> Unit | None:
        text = " ".join(window)
        group = self.group(text)
        if not group:
            return None
        alternatives = tuple(t for t in group if self.key(t) != self.key(text))
        result.synonyms.append((text, alternatives))
        # the word typed scores fully, the group's other terms at their weights (boosts.py)
        query = "(" + " OR ".join([_quoted(text, self)] + [
            weighted(_quoted(t, self), group_weight(text, t)) for t in alternatives]) + ")"
        return Unit(text, query, True, tuple(window))

    def _one(self, segment: str, result: ParsedQuery) -> Unit:
        """One segment as one part: its words (Chinese cut into them) and their groups."""
        if not is_bare(segment):
            return Unit(segment, segment, False)
        words = self._split_chinese(segment) if has_cjk(segment) else [segment]
        units = self._units(words, result)
        if len(units) == 1:
            return units[0]
        return Unit(segment, "(" + " ".join(u.query for u in units) + ")", True,
                    tuple(w for u in units for w in u.words))

    def _edges_count(self, window: list[str]) -> bool:
        """A run of words names a term only if its first and last words are not stop words."""
        return bool(self.key(window[0])) and bool(self.key(window[-1]))

    def _split_chinese(self, segment: str) -> list[str]:
        """A plain segment holding Chinese, cut into known terms, its other runs of letters,
        and the segmenter's words of the rest."""
        if any(self.key(segment) in known for known in (self._group_of, self._place_of,
                                                         self._zone_of)):
            return [segment]
        for term in self.cjk_terms:
            at = segment.lower().find(term)
            if at >= 0:
                before, after = segment[:at], segment[at + len(term):]
                return ((self._split_chinese(before) if before else []) + [segment[at:at + len(term)]]
                        + (self._split_chinese(after) if after else []))
        out = []
        for run in _CJK_RUN_RE.findall(segment):
            if has_cjk(run):
                out.extend(t.text for t in self.analyzer(run, mode="query") if t.text)
            elif run.strip():
                out.append(run.strip())
        return out or [segment]


def _quoted(term: str, builder: QueryBuilder) -> str:
    """A term as the parser should read it: a phrase when it is several English words."""
    if has_cjk(term):
        return term
    key = builder.key(term)
    if (key and len(key) > 1) or re.search(r'[\s:"()*?^~\\]', term):
        return '"' + term.replace('"', " ") + '"'
    return term
