"""The search's notes (how a query was read) in the page's language.

A note is made by the engine as a code and values (indexer/notes.py), whose MESSAGES hold
every note's English once, as the gettext ids of the catalog. English is the note's own text
(the catalog's id with its values); in Chinese the same id is looked up in the catalog
(webapp/translations/) and given the values a Chinese reader is shown: a zone by its
Chinese name, a facet's noun and known values by theirs, the nested problem in Chinese. A
note of a code the catalog does not know (or a plain string) is shown as its English text,
marked as English (`translated` is False), so a new kind of note is never lost.
"""

from __future__ import annotations

from flask_babel import get_locale, gettext
from markupsafe import Markup, escape

from indexer.facets import BY_KEY
from indexer.notes import CODES, MESSAGES, message_key



def _chinese() -> bool:
    return str(get_locale() or "").startswith("zh")


def _known_names(kind: str, known: str) -> str:
    """The values a field knows, by their Chinese names with the id to type
    (物流通道和服务（pillar:logistics）)."""
    from .kb import get_kb  # the facet's allowed values; notes are made inside a request
    names = {c["id"]: c["name_zh"] for c in get_kb().facet_choices().get(kind, ())
             if c.get("name_zh")}
    return "、".join(f"{names[i]}（{kind}:{i}）" if i in names else f"{kind}:{i}"
                    for i in known.split(", "))


def _unknown_value(values: dict) -> dict:
    facet = BY_KEY.get(values["kind"])
    out = {**values, "kind": gettext(facet.noun) if facet else values["kind"],
           "field": values["kind"]}
    if values.get("known"):
        out["known"] = _known_names(values["kind"], values["known"])
    return out


def _in_chinese(word: str) -> Markup:
    return Markup("<span lang=\"en\">{}</span>" if word.isascii() else "{}").format(word)


def _matched(code: str, values: dict) -> Markup:
    """A record found through a synonym or a translation of a query word, and which: the
    words marked as English where they are, so the message is markup."""
    quoted = Markup("、").join(Markup("“{}”").format(_in_chinese(u)) for u in values["used"])
    slots = {"used": "\x01", "original": "\x02"}  # filled with markup after escaping
    message = gettext(MESSAGES[message_key(code, values)], **slots)
    return Markup(escape(message).replace("\x01", quoted)
                  .replace("\x02", _in_chinese(values["original"])))


def _chinese_quoted(values: dict) -> dict:
    """Words quoted as Chinese text quotes them (docs/style-zh.md): “零关税”、“quantum”."""
    return {**values, "words": "、".join(f"“{w}”" for w in values["words"])}


# code -> the values its Chinese shows, where they are not the English ones
_CHINESE_VALUES = {"unknown_value": _unknown_value, "unheld_words": _chinese_quoted,
                   "unheld_words_filtered": _chinese_quoted}
_MARKUP = {"matched_translation": _matched, "matched_synonym": _matched}


def localized(note) -> tuple[str, bool]:
    """(the note in the page's language, whether it is translated): a note of an unknown
    code, or a plain string, comes back as its English text with False."""
    code = getattr(note, "code", None)
    if code not in CODES:
        return str(note), False
    if not _chinese():
        return str(note), True  # the catalog's English, rendered by the engine
    if code in _MARKUP:
        return _MARKUP[code](code, note.params), True
    values = {}
    for name, value in note.params.items():
        if note.params.get(f"{name}_zh"):
            value = note.params[f"{name}_zh"]  # a value given in both languages (a zone's name)
        if getattr(value, "code", None) is not None:
            value, translated = localized(value)
            if not translated:
                return str(note), False
        values[name] = value
    if code in _CHINESE_VALUES:
        values = _CHINESE_VALUES[code](values)
    return gettext(MESSAGES[message_key(code, note.params)]) % values, True


def localized_text(note) -> str:
    """A note in the page's language as plain text (an export, the API, a feed)."""
    text = localized(note)[0]
    return text.striptags() if isinstance(text, Markup) else str(text)


KNOWN_CODES = CODES  # the codes the site can translate: every one the catalog has
