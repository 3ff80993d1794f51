"""Turn what a user types into a Whoosh query: syntax checks, field aliases, synonyms, phrases.

Supported: words (all must match), "quoted phrases", AND / OR / NOT, parentheses, prefix*
(each standing for at most evaluation.MAX_WILDCARD_TERMS terms) and field queries zone:,
pillar:, scope:, tag:, status:, title:. Anything the parser cannot use
is searched as plain words, with a note saying so.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import qparser, query as Q

from .analysis import has_chinese
from .scoring import FIELD_BOOSTS, NEAR_BOOST, NEAR_SLOP, TEXT_FIELDS, TOGETHER_BOOST

MAX_QUERY_LENGTH = 500
FIELD_ALIASES = {"zone": "zones", "zones": "zones", "tag": "tags", "tags": "tags",
                 "pillar": "pillar", "status": "status", "title": "title",
                 "title_zh": "title", "body": "body", "id": "id", "date": "date",
                 "scope": "scopes", "scopes": "scopes"}
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
_SEGMENT_RE = re.compile(r'"[^"]*"|[()]|[^\s()"]+')
_FIELD_RE = re.compile(r'(?:(?<=^)|(?<=[\s(]))([A-Za-z_][\w]*):(?=\S)')
_EMPTY_FIELD_RE = re.compile(r'(?:^|[\s(])[A-Za-z_]\w*:(?=$|[\s)])')


@dataclass
class ParsedQuery:
    query: Q.Query | None  # None: browse everything
    text: str
    notes: list[str] = field(default_factory=list)
    synonyms: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)
    words: list[str] = field(default_factory=list)  # bare words, for spelling suggestions


def syntax_problem(text: str) -> str | None:
    """Why the query cannot be parsed as syntax, or None when it can."""
    if text.count('"') % 2:
        return "an unbalanced quote"
    depth = 0
    for ch in re.sub(r'"[^"]*"', "", text):
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return "a closing bracket with no opening one"
    if depth:
        return "an unclosed bracket"
    if re.search(r"[\[\]{}]", text):
        return "range brackets, which this search does not support"
    segments = [s for s in _SEGMENT_RE.findall(text) if s not in "()"]
    ops = [s in OPERATORS for s in segments]
    if ops and (ops[-1] or (ops[0] and segments[0] != "NOT")):
        return f"the operator {segments[-1] if ops[-1] else segments[0]} with nothing on one side"
    for a, b, seg in zip(ops, ops[1:], segments[1:]):
        if a and b and seg != "NOT":
            return "two operators in a row"
    if _EMPTY_FIELD_RE.search(re.sub(r'"[^"]*"', "", text)):
        return "a field name with nothing after it"
    for match in _FIELD_RE.finditer(re.sub(r'"[^"]*"', "", text)):
        if match.group(1).lower() not in FIELD_ALIASES:
            return f"the unknown field {match.group(1)!r} (fields: zone, pillar, scope, tag, status, title)"
    if re.search(r"(^|\s)[*?]", text):
        return "a wildcard with no letters before it"
    return None


def plain_words(text: str) -> str:
    words = re.sub(r'["()\[\]{}:^~*?\\+]', " ", text).split()
    return " ".join(w for w in words if w not in OPERATORS)


class QueryBuilder:
    """Builds queries for one index: its schema, its zone names and its synonym groups."""

    def __init__(self, schema, zone_aliases: dict[str, str], synonyms):
        self.schema = schema
        self.zone_aliases = zone_aliases  # lowercase short names (en, zh) -> zone id
        self.synonyms = {}
        for group in synonyms:
            for term in group:
                self.synonyms.setdefault(term, tuple(t for t in group if t != term))
        self.max_words = max((len(t.split()) for t in self.synonyms), default=1)
        self.cjk_terms = sorted((t for t in self.synonyms if has_chinese(t) and " " not in t),
                                key=len, reverse=True)
        self.parser = self._parser(syntax=True)
        self.plain_parser = self._parser(syntax=False)

    def _parser(self, syntax: bool):
        parser = qparser.MultifieldParser(list(TEXT_FIELDS), self.schema, fieldboosts=FIELD_BOOSTS,
                                          group=qparser.AndGroup)
        if syntax:
            aliases = {}
            for alias, real in FIELD_ALIASES.items():
                if alias != real:
                    aliases.setdefault(real, []).append(alias)
            parser.add_plugin(qparser.FieldAliasPlugin(aliases))
            parser.remove_plugin_class(qparser.RangePlugin)
            parser.remove_plugin_class(qparser.BoostPlugin)
        else:
            for plugin in (qparser.FieldsPlugin, qparser.WildcardPlugin, qparser.PhrasePlugin,
                           qparser.RangePlugin, qparser.GroupPlugin, qparser.OperatorsPlugin,
                           qparser.BoostPlugin, qparser.EveryPlugin, qparser.SingleQuotePlugin):
                parser.remove_plugin_class(plugin)
        return parser

    def parse(self, text: str) -> ParsedQuery:
        text = " ".join(text.split())
        result = ParsedQuery(None, text)
        if not text:
            return result
        problem = syntax_problem(text)
        if problem:
            result.notes.append(f"Your query has {problem}; it was searched as plain words.")
            text = plain_words(text)
            result.text = text
            if not text:
                return result
        text = self._zone_names_to_ids(text)
        segments = _SEGMENT_RE.findall(text)
        result.words = [s for s in segments if _is_bare(s)]
        rewritten = self._expand_synonyms(segments, result.synonyms)
        try:  # plain_words() left no syntax but what the synonym rewrite added
            parsed = self.parser.parse(rewritten)
        except Exception:  # the parser's own errors: fall back, never fail the search
            result.notes.append("Your query could not be parsed; it was searched as plain words.")
            parsed = self.plain_parser.parse(plain_words(text))
        if parsed is Q.NullQuery:
            result.notes.append("Your query has only very common words; nothing to search for.")
            result.query = Q.NullQuery
            return result
        result.query = self._with_phrase_boost(parsed, result.words, segments)
        return result

    def _zone_names_to_ids(self, text: str) -> str:
        def swap(match):
            value = match.group(2)
            return f"{match.group(1)}:{self.zone_aliases.get(value.lower(), value.lower())}"

        return re.sub(r"\b(zones?):(\S+)", swap, text, flags=re.I)

    def _expand_synonyms(self, segments: list[str], applied) -> str:
        out: list[str] = []
        i = 0
        units = []
        for seg in segments:  # split Chinese words around synonym terms they contain
            units.extend(self._split_cjk(seg) if _is_bare(seg) and has_chinese(seg) else [seg])
        while i < len(units):
            if not _is_bare(units[i]):
                out.append(units[i])
                i += 1
                continue
            for n in range(min(self.max_words, len(units) - i), 0, -1):
                window = units[i:i + n]
                if not all(_is_bare(u) for u in window):
                    continue
                phrase = " ".join(window).lower()
                if phrase in self.synonyms:
                    alternatives = self.synonyms[phrase]
                    applied.append((" ".join(window), alternatives))
                    terms = [" ".join(window), *alternatives]
                    out.append("(" + " OR ".join(_quoted(t) for t in terms) + ")")
                    i += n
                    break
            else:
                out.append(units[i])
                i += 1
        return " ".join(out)

    def _split_cjk(self, word: str) -> list[str]:
        for term in self.cjk_terms:
            at = word.find(term)
            if at >= 0 and word != term:
                before, after = word[:at], word[at + len(term):]
                return ([*self._split_cjk(before)] if before else []) + [term] + (
                    self._split_cjk(after) if after else [])
        return [word]

    def _with_phrase_boost(self, parsed, words, segments):
        """Several plain words: the records that have them together come first."""
        if len(words) < 2 or len(words) != len(segments):
            return parsed
        boosts = []
        for fieldname in ("title", "tags", "body"):
            tokens = list(self.schema[fieldname].process_text(" ".join(words), mode="query"))
            if len(tokens) < 2:
                continue
            weight = FIELD_BOOSTS[fieldname]
            boosts.append(Q.Phrase(fieldname, tokens, slop=1, boost=TOGETHER_BOOST * weight))
            boosts.append(Q.Phrase(fieldname, tokens, slop=NEAR_SLOP, boost=NEAR_BOOST * weight))
        return Q.AndMaybe(parsed, Q.Or(boosts)) if boosts else parsed


def _is_bare(segment: str) -> bool:
    return (segment not in OPERATORS and segment not in "()" and not segment.startswith('"')
            and ":" not in segment and "*" not in segment and "?" not in segment)


def _quoted(term: str) -> str:
    return f'"{term}"' if " " in term else term
