"""The query language's surface: what it accepts, what it refuses, and a note for each.

Supported: words (all must match), "quoted phrases", AND / OR / NOT, parentheses, prefix*
and wildcards (each standing for at most evaluation.MAX_WILDCARD_TERMS terms) and the fields
of FIELD_ALIASES. What it does not do is never dropped silently:
- fuzzy `oil~2`, proximity `"oil tank"~3` (searched as its words, all required, anywhere)
  and boosts `oil^5` are taken off, with a note;
- `-tank` is read as NOT tank and `+tank` as tank (every word must match anyway), with a note;
- anything the parser cannot use (an unbalanced quote, an unknown field, a range...) makes
  the whole query plain words, with a note naming the problem.
"""

from __future__ import annotations

import re

from indexer.facets import FACETS, PREFIXES
from indexer.records.fields import closest
from indexer.notes import Note

MAX_QUERY_LENGTH = 500
# prefix -> index field: the facets' (facets.py: zone:, pillar:, scope:, status:, year:) and
# the text's
FIELD_ALIASES = {**PREFIXES, "tag": "tags", "tags": "tags", "title": "title",
                 "title_zh": "title", "body": "body", "id": "id", "date": "date"}
# named in a note on an unknown field: the filters' first, then tag:, the other facets', title:
FIELDS_SHOWN = ", ".join([*(f.prefixes[0] for f in FACETS if f.filter), "tag",
                          *(f.prefixes[0] for f in FACETS if not f.filter), "title"])
OPERATORS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}
BINARY_OPERATORS = OPERATORS - {"NOT"}
# a field with a quoted value stays one segment: title:"negative list"
SEGMENT_RE = re.compile(r'[^\s()"]+:"[^"]*"|"[^"]*"|[()]|[^\s()"]+')
_QUOTED_RE = re.compile(r'"[^"]*"')
_FIELD_RE = re.compile(r'(?:(?<=^)|(?<=[\s(]))([A-Za-z_][\w]*):(?=\S)')
_EMPTY_FIELD_RE = re.compile(r'(?:^|[\s(])[A-Za-z_]\w*:(?=$|[\s)])')

_TOKEN_RE = re.compile(r'[^\s()"]*"[^"]*"[^\s()]*|[()]|[^\s()]+')
_SUFFIX_RE = re.compile(r'(?:[~^][\d.]*)+$')
# the kinds of syntax taken off, in the order their notes are given (their English: notes.py)
_NOTES = ("fuzzy", "slop", "boost", "minus", "plus")


def _unquoted(phrase: str) -> str:
    """A quoted phrase (a field's too: title:"oil tank") as its words in brackets, every one
    required: `"oil tank"` -> `(oil tank)`, `title:"oil tank"` -> `title:(oil tank)`. Brackets
    and quotes inside are plain text there, so they go."""
    field, _, quoted = phrase.rpartition('"')[0].partition('"')
    words = re.sub(r'[()"]', " ", quoted).split()
    return f"{field}({' '.join(words)})" if words else ""


def unsupported(text: str, notes: list[str]) -> str:
    """The query without the syntax this search does not do, with a note for each kind taken
    off. Quoted phrases keep what is inside them: there these characters are plain text."""
    found: dict[str, list[str]] = {}
    out = []
    for token in _TOKEN_RE.findall(text):
        if token in "()":
            out.append(token)
            continue
        core, suffix = token, ""
        match = _SUFFIX_RE.search(token)
        if match and not token.endswith('"') or match and match.start() > token.rfind('"'):
            core, suffix = token[:match.start()], match.group(0)
        if suffix:
            shown = token if core else suffix  # after a bracket: "(a b)^2"
            if "^" in suffix:
                found.setdefault("boost", []).append(shown)
            if "~" in suffix:
                kind = "slop" if core.endswith('"') else "fuzzy"
                found.setdefault(kind, []).append(shown)
                if kind == "slop":  # near is looser than in a row: its words, all, anywhere
                    core = _unquoted(core)
        if len(core) > 1 and core[0] in "-+" and core[1] not in "-+":
            found.setdefault("minus" if core[0] == "-" else "plus", []).append(
                f"NOT {core[1:]}" if core[0] == "-" else core)
            out.extend(["NOT", core[1:]] if core[0] == "-" else [core[1:]])
        elif core:
            out.append(core)
    if not found:
        return text
    for kind in _NOTES:
        if kind in found:
            notes.append(Note(kind, shown=", ".join(dict.fromkeys(found[kind]))))
    return " ".join(out)


def syntax_problem(text: str) -> Note | None:
    """Why the query cannot be parsed as syntax, or None when it can."""
    if text.count('"') % 2:
        return Note("unbalanced_quote")
    unquoted = _QUOTED_RE.sub("", text)
    depth = 0
    for ch in unquoted:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        if depth < 0:
            return Note("unopened_bracket")
    if depth:
        return Note("unclosed_bracket")
    if re.search(r"[\[\]{}]", text):
        return Note("range")
    segments = [s for s in SEGMENT_RE.findall(text) if s not in "()"]
    ops = [s in OPERATORS for s in segments]
    if ops and (ops[-1] or (ops[0] and segments[0] != "NOT")):
        operator = segments[-1] if ops[-1] else segments[0]
        return Note("lone_operator", operator=operator)
    for a, b, seg in zip(ops, ops[1:], segments[1:]):
        if a and b and seg != "NOT":
            return Note("two_operators")
    # a quoted value counts as something after its field: title:"negative list"
    placeheld = _QUOTED_RE.sub('"q"', text)
    if _EMPTY_FIELD_RE.search(placeheld):
        return Note("empty_field")
    for match in _FIELD_RE.finditer(placeheld):
        name = match.group(1)
        if name.lower() not in FIELD_ALIASES:
            hint = closest(name.lower(), FIELD_ALIASES)
            return Note("unknown_field", name=name, hint=hint, fields=FIELDS_SHOWN)
    if re.search(r"(^|\s)[*?]", text):
        return Note("bare_wildcard")
    return None


def plain_words(text: str) -> str:
    """The query's words without its syntax; a field's name goes too (`titel:oil` is a search
    for oil, not for the words titel and oil)."""
    text = _FIELD_RE.sub(" ", text)
    words = re.sub(r'["()\[\]{}:^~*?\\+]', " ", text).split()
    return " ".join(w for w in words if w not in OPERATORS)


def joined(parts) -> str:
    """Parts joined by spaces, except after a field name (zone:(a OR b))."""
    out = ""
    for part in parts:
        out += part if not out or out.endswith(":") else " " + part
    return out


def is_bare(segment: str) -> bool:
    """A plain word: no operator, bracket, quote, field, or wildcard."""
    return (segment not in OPERATORS and segment not in "()" and not segment.startswith('"')
            and ":" not in segment and "*" not in segment and "?" not in segment)
