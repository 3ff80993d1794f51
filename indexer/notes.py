"""Notes on how a query was read: one catalog of their English, and a note as a code and values.

A note is made as `Note(code, **values)`: the engine says which note it is and with what
(a word, a zone, the problem inside "Your query has ..." as a note of its own), never its
wording. Every note's English is here, once, in MESSAGES: a gettext id (marked with `N_` for
`pybabel extract`, babel.cfg), rendered with plain % formatting, so that the CLI and the API
say it without Flask. The web app renders the same ids from its catalog in Chinese
(webapp/notes.py, webapp/translations/). A note is still a `str` (its English text), so the
API, the CLI and the exports show it as they always did.

This module imports neither Whoosh nor Flask.
"""

from __future__ import annotations

from typing import Callable


def N_(message: str) -> str:
    """A gettext id, extracted by pybabel (babel.cfg) and translated by the web app."""
    return message


# message key -> English (a gettext id). A key is a note's code, or code.variant where one
# kind of note is said in more than one way (VARIANTS picks the key from the note's values).
MESSAGES: dict[str, str] = {
    # syntax this search does not do (syntax.unsupported)
    "fuzzy": N_("Fuzzy matching (%(shown)s) is not supported; the word was searched as written "
                "(a misspelled word gets a suggestion instead)."),
    "slop": N_("Proximity (%(shown)s) is not supported; its words were searched anywhere in "
               "the measure."),
    "boost": N_("Boosts (%(shown)s) are not supported; the query was searched without them."),
    "minus": N_("A leading '-' was read as NOT (%(shown)s): measures with that word are left "
                "out."),
    "plus": N_("%(shown)s needs no '+': every word must match already."),
    # a query that cannot be parsed as syntax (querying.py), and the problem inside it
    "syntax": N_("Your query has %(problem)s; it was searched as plain words."),
    "unparsable": N_("Your query could not be parsed; it was searched as plain words."),
    "only_common": N_("Your query has only very common words; nothing to search for."),
    "unbalanced_quote": N_("an unbalanced quote"),
    "unopened_bracket": N_("a closing bracket with no opening one"),
    "unclosed_bracket": N_("an unclosed bracket"),
    "range": N_("range brackets, which this search does not support"),
    "lone_operator": N_("the operator %(operator)s with nothing on one side"),
    "two_operators": N_("two operators in a row"),
    "empty_field": N_("a field name with nothing after it"),
    "bare_wildcard": N_("a wildcard with no letters before it"),
    "unknown_field": N_("the unknown field '%(name)s' (fields: %(fields)s)"),
    "unknown_field.hint": N_("the unknown field '%(name)s' (did you mean %(hint)s:?) "
                             "(fields: %(fields)s)"),
    # a facet's value the index does not know (querying.py; `kind` is the facet's noun)
    "unknown_value": N_("There is no %(kind)s '%(value)s'."),
    "unknown_value.known": N_("There is no %(kind)s '%(value)s'. Known: %(known)s."),
    "unknown_value.hint": N_("There is no %(kind)s '%(value)s'; did you mean "
                             "%(field)s:%(hint)s?"),
    # zones and places named in a query (querying.py)
    "place_zone": N_("%(place)s is a place in the %(zone)s pilot free trade zone, whose measures "
                     "are recorded for the zone as a whole: zone:%(place)s searched all of "
                     "them."),
    "place_word": N_("%(place)s is a place in the %(zone)s pilot free trade zone, whose measures "
                     "are recorded for the zone as a whole: those naming %(place)s come first, "
                     "then the zone's others (zone:%(zone_id)s shows only the zone's)."),
    "zone_word": N_("%(name)s is the %(zone)s pilot free trade zone: its measures come first, "
                    "then others that name it (zone:%(zone_id)s shows only the zone's)."),
    # what a search did when the query as typed found nothing (search/fallback.py)
    "structured_none": N_("No measure matches this whole query; a query with AND, OR or "
                          "brackets is searched as written, with no words left out."),
    "unheld_words": N_("No measure mentions %(words)s."),
    "unheld_words_filtered": N_("No measure within the filters mentions %(words)s."),
    "corrected": N_("No results for '%(query)s'; showing results for '%(suggestion)s'."),
    "relaxed": N_("No measure holds every word of '%(searched)s'; showing those with "
                  "'%(kept)s' (left out: %(dropped)s)."),
    "relaxed.ranking": N_("No measure holds every word of '%(searched)s'; showing those with "
                          "'%(kept)s', those holding more of the query first (left out: "
                          "%(dropped)s)."),
    "relaxed.wider": N_("No measure holds every word of '%(searched)s'; showing those with "
                        "'%(kept)s' or with %(minimum)s of the query's words (left out: "
                        "%(dropped)s)."),
    "relaxed.wider_ranking": N_("No measure holds every word of '%(searched)s'; showing those "
                                "with '%(kept)s' or with %(minimum)s of the query's words, "
                                "those holding more of the query first (left out: "
                                "%(dropped)s)."),
    # the same when every word not kept still counts (a measure holding it ranks first, or
    # it counts towards the minimum): none is left out
    "relaxed.none_left": N_("No measure holds every word of '%(searched)s'; showing those with "
                            "'%(kept)s'."),
    "relaxed.ranking_none_left": N_("No measure holds every word of '%(searched)s'; showing "
                                    "those with '%(kept)s', those holding more of the query "
                                    "first."),
    "relaxed.wider_none_left": N_("No measure holds every word of '%(searched)s'; showing "
                                  "those with '%(kept)s' or with %(minimum)s of the query's "
                                  "words."),
    "relaxed.wider_ranking_none_left": N_("No measure holds every word of '%(searched)s'; "
                                          "showing those with '%(kept)s' or with %(minimum)s "
                                          "of the query's words, those holding more of the "
                                          "query first."),
    "zone_without_records": N_("No measures of the %(zone)s pilot free trade zone are recorded "
                               "yet (zone '%(zone_id)s')."),
    # why a record was found: a synonym or a translation of a query word (search/explanations.py)
    "matched_translation": N_("matched %(used)s as a translation of %(original)s"),
    "matched_synonym": N_("matched %(used)s as a synonym of %(original)s"),
    # a record shown for a place the query names only as a record of the place's zone
    # (search/explanations.py): measures are recorded by zone
    "matched_place_zone": N_("shown as a measure of the %(zone)s zone, where %(place)s is; it "
                             "does not name %(place)s"),
    # a relaxed search that joined records by meaning (search/hybrid.py), and each of them
    "joined_by_meaning": N_("Also shown, marked so: measures nearer in meaning to the query than "
                            "every match, holding fewer of its words (%(count)s)."),
    # a record a relaxed search joined by meaning (search/hybrid.py): its matched words say
    # which of the query's words it holds, often none
    "matched_meaning": N_("shown as near in meaning to the query"),
    # a search parameter out of range (a 400; search/searching.py, errors.py, webapp/params.py)
    "page_min": N_("page must be 1 or more"),
    "per_page_range": N_("per_page must be between 1 and %(most)s"),
    "order_values": N_("order must be relevance or newest"),
    "query_length": N_("the query is %(length)s characters long; the limit is %(limit)s"),
    "not_whole": N_("%(name)s must be a whole number, not '%(value)s'"),
    "too_many_digits": N_("%(name)s is too large (more than %(digits)s digits)"),
    "lang_values": N_("lang must be en or zh"),
    "too_slow": N_("the search was stopped after %(seconds)s s; try more specific words, a "
                   "phrase or a zone filter"),
}


def _relaxed(values: dict) -> str:
    """`dropped`: the words left out, those that neither a measure shown must hold nor rank
    it (results.SearchResult.messages); none: a variant without "(left out: ...)"."""
    variant = "_".join(v for v in ("wider", "ranking") if values.get(v))
    if not values.get("dropped"):
        variant = f"{variant}_none_left" if variant else "none_left"
    return f"relaxed.{variant}" if variant else "relaxed"


# code -> which of its messages a note's values call for
VARIANTS: dict[str, Callable[[dict], str]] = {
    "unknown_field": lambda v: "unknown_field.hint" if v.get("hint") else "unknown_field",
    "unknown_value": lambda v: ("unknown_value.hint" if v.get("hint") else
                                "unknown_value.known" if v.get("known") else "unknown_value"),
    "relaxed": _relaxed,
}

CODES = frozenset(key.split(".")[0] for key in MESSAGES)  # every kind of note there is


def message_key(code: str, values: dict) -> str:
    """The key in MESSAGES of a note of `code` with these values."""
    return VARIANTS[code](values) if code in VARIANTS else code


def _quoted_list(words) -> str:
    return ", ".join(repr(w) for w in words)


# code -> the values its English shows, where they are not shown as they are
_ENGLISH_VALUES: dict[str, Callable[[dict], dict]] = {
    "matched_translation": lambda v: {**v, "used": _quoted_list(v["used"]),
                                      "original": repr(v["original"])},
    "matched_synonym": lambda v: {**v, "used": _quoted_list(v["used"]),
                                  "original": repr(v["original"])},
    "unknown_value": lambda v: {**v, "field": v["kind"]},
    "unheld_words": lambda v: {**v, "words": _quoted_list(v["words"])},
    "unheld_words_filtered": lambda v: {**v, "words": _quoted_list(v["words"])},
}


def english(code: str, values: dict) -> str:
    """A note's English: its message with its values (a note among them in English)."""
    shown = {k: str(v) if isinstance(v, Note) else v for k, v in values.items()}
    if code in _ENGLISH_VALUES:
        shown = _ENGLISH_VALUES[code](shown)
    return MESSAGES[message_key(code, values)] % shown


def printable(value: str) -> str:
    """A value as a message shows it: a control character (a NUL from %00) escaped."""
    return value if value.isprintable() else repr(value)[1:-1]


class Note(str):
    """A note: its English text, with the `code` and the `params` it was made from."""

    code: str
    params: dict

    def __new__(cls, code: str, **params) -> "Note":
        if code not in CODES:
            raise KeyError(f"no message for a note of code {code!r} (indexer/notes.py)")
        note = super().__new__(cls, english(code, params))
        note.code, note.params = code, params
        return note

    def __reduce__(self):  # pickled (a worker's result) as the same note
        return _rebuild, (self.code, self.params)


def _rebuild(code: str, params: dict) -> Note:
    return Note(code, **params)
