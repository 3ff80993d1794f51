"""The search's notes (how a query was read) in the page's language.

The facade gives each note as English text with a code and the values it was made from
(indexer/notes.py); here each code has a message in the catalogs, so the Chinese site says
the same thing in Chinese. A note of a code this file does not know is shown as its English
text, marked as English (`translated` is False), so a new kind of note is never lost.
"""

from __future__ import annotations

from flask_babel import get_locale, gettext, lazy_gettext
from markupsafe import Markup, escape

from indexer.facets import BY_KEY

from .names import SCOPE_NAMES, STATUS_NAMES

_MESSAGES = {
    "fuzzy": lazy_gettext("Fuzzy matching (%(shown)s) is not supported; the word was searched "
                          "as written (a misspelled word gets a suggestion instead)."),
    "slop": lazy_gettext("Proximity (%(shown)s) is not supported; the phrase was searched with "
                         "its words in a row."),
    "boost": lazy_gettext("Boosts (%(shown)s) are not supported; the query was searched "
                          "without them."),
    "minus": lazy_gettext("A leading '-' was read as NOT (%(shown)s): measures with that word "
                          "are left out."),
    "plus": lazy_gettext("%(shown)s needs no '+': every word must match already."),
    "syntax": lazy_gettext("Your query has %(problem)s; it was searched as plain words."),
    "unparsable": lazy_gettext("Your query could not be parsed; it was searched as plain words."),
    "only_common": lazy_gettext("Your query has only very common words; nothing to search for."),
    "structured_none": lazy_gettext("No measure matches this whole query; a query with AND, OR "
                                    "or brackets is searched as written, with no words left out."),
    "place_zone": lazy_gettext("%(place)s is a place in the %(zone)s pilot free trade zone, whose "
                               "measures are recorded for the zone as a whole: zone:%(place)s "
                               "searched all of them."),
    "place_word": lazy_gettext("%(place)s is a place in the %(zone)s pilot free trade zone, whose "
                               "measures are recorded for the zone as a whole: those naming "
                               "%(place)s come first, then the zone's others (zone:%(zone_id)s "
                               "shows only the zone's)."),
    "zone_word": lazy_gettext("%(name)s is the %(zone)s pilot free trade zone: its measures come "
                              "first, then others that name it (zone:%(zone_id)s shows only the "
                              "zone's)."),
    "unheld_words": lazy_gettext("No measure mentions %(words)s."),
    "unheld_words_filtered": lazy_gettext("No measure within the filters mentions %(words)s."),
    # a search parameter out of range (a 400)
    "page_min": lazy_gettext("page must be 1 or more"),
    "per_page_range": lazy_gettext("per_page must be between 1 and %(most)s"),
    "order_values": lazy_gettext("order must be relevance or newest"),
    "query_length": lazy_gettext("the query is %(length)s characters long; the limit is %(limit)s"),
    "not_whole": lazy_gettext("%(name)s must be a whole number, not '%(value)s'"),
    "too_many_digits": lazy_gettext("%(name)s is too large (more than %(digits)s digits)"),
    "lang_values": lazy_gettext("lang must be en or zh"),
    "too_slow": lazy_gettext("the search was stopped after %(seconds)s s; try more specific words, "
                             "a phrase or a zone filter"),
    # the problems inside "Your query has ..."
    "unbalanced_quote": lazy_gettext("an unbalanced quote"),
    "unopened_bracket": lazy_gettext("a closing bracket with no opening one"),
    "unclosed_bracket": lazy_gettext("an unclosed bracket"),
    "range": lazy_gettext("range brackets, which this search does not support"),
    "lone_operator": lazy_gettext("the operator %(operator)s with nothing on one side"),
    "two_operators": lazy_gettext("two operators in a row"),
    "empty_field": lazy_gettext("a field name with nothing after it"),
    "bare_wildcard": lazy_gettext("a wildcard with no letters before it"),
}


def _unknown_field(params: dict) -> str:
    if params.get("hint"):
        return gettext("the unknown field '%(name)s' (did you mean %(hint)s:?) (fields: "
                       "%(fields)s)", **params)
    return gettext("the unknown field '%(name)s' (fields: %(fields)s)", **params)


# the scopes and statuses by name, as the measure page and the facets say them
_VALUE_NAMES = {"scope": SCOPE_NAMES, "status": STATUS_NAMES}


def _chinese() -> bool:
    return str(get_locale() or "").startswith("zh")


def _known_names(kind: str, known: str) -> str:
    """The values a field knows, on a Chinese page by their Chinese names with the id to type
    (物流通道和服务（pillar:logistics）), on an English page as the ids the engine listed."""
    if not _chinese():
        return known
    if kind in _VALUE_NAMES:
        names = {k: str(v) for k, v in _VALUE_NAMES[kind].items()}
    else:
        from .kb import get_kb  # the facet's allowed values; notes are made inside a request
        names = {c["id"]: c["name_zh"] for c in get_kb().facet_choices().get(kind, ())
                 if c.get("name_zh")}
    return "、".join(f"{names[i]}（{kind}:{i}）" if i in names else f"{kind}:{i}"
                    for i in known.split(", "))


def _matched(params: dict, how: str) -> str:
    """A record found through a synonym or a translation of a query word, and which."""
    if not _chinese():
        words = ", ".join(repr(u) for u in params["used"])
        return f"matched {words} as a {how} of {params['original']!r}"
    quoted = Markup("、").join(
        Markup("“<span lang=\"en\">{}</span>”" if u.isascii() else "“{}”").format(u)
        for u in params["used"])
    original = Markup("<span lang=\"en\">{}</span>" if params["original"].isascii()
                      else "{}").format(params["original"])
    slots = {"used": "\x01", "original": "\x02"}  # filled with markup after escaping
    message = (gettext("matched %(used)s as a translation of %(original)s", **slots)
               if how == "translation" else
               gettext("matched %(used)s as a synonym of %(original)s", **slots))
    return escape(message).replace("\x01", quoted).replace("\x02", original)


def _unknown_value(params: dict) -> str:
    facet = BY_KEY.get(params["kind"])
    values = {**params, "kind": gettext(facet.noun) if facet else params["kind"],
              "field": params["kind"]}
    if params.get("known"):
        values["known"] = _known_names(params["kind"], params["known"])
    if params.get("hint"):
        return gettext("There is no %(kind)s '%(value)s'; did you mean %(field)s:%(hint)s?",
                       **values)
    if params.get("known"):
        return gettext("There is no %(kind)s '%(value)s'. Known: %(known)s.", **values)
    return gettext("There is no %(kind)s '%(value)s'.", **values)


_BUILT = {"unknown_field": _unknown_field, "unknown_value": _unknown_value,
          "matched_translation": lambda params: _matched(params, "translation"),
          "matched_synonym": lambda params: _matched(params, "synonym")}


def localized(note) -> tuple[str, bool]:
    """(the note in the page's language, whether it is translated): a note of an unknown
    code, or a plain string, comes back as its English text with False."""
    code = getattr(note, "code", None)
    if code in _BUILT:
        return _BUILT[code](note.params), True
    if code not in _MESSAGES:
        return str(note), False
    params = {}
    chinese = str(get_locale() or "").startswith("zh")
    for name, value in note.params.items():
        if chinese and note.params.get(f"{name}_zh"):
            value = note.params[f"{name}_zh"]  # a value given in both languages (a zone's name)
        if getattr(value, "code", None) is not None:
            value, translated = localized(value)
            if not translated:
                return str(note), False
        params[name] = value
    return str(_MESSAGES[code]) % params if params else str(_MESSAGES[code]), True


KNOWN_CODES = frozenset(_MESSAGES) | frozenset(_BUILT)  # the codes the site can translate
