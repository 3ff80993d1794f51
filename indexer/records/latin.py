"""Latin-letter words in Chinese text: what docs/style-zh.md allows and what it asks to mark.

Chinese text (a record's `body_zh`, every `/zh/` page) has no English words of its own. What
Latin it may hold as it stands: an address or domain (gov.cn), query syntax a reader types
(pillar:logistics), an acronym used as such in Chinese writing (RCEP, AEO, FT账户, GMP), and the
names of formats (CSV, JSON, Atom). Anything else (a person's name as an English source spells it,
a company's English name, a phrase quoted from an English text) is quoted material and is
marked as such: ``<span lang="en">Li Zigen</span>``. The validator (`fields.chinese_text`) and
the test that walks every `/zh/` page read these same rules.
"""

from __future__ import annotations

import re

# Names of formats and bodies used as they are in Chinese writing.
NOT_ENGLISH = frozenset({"CSV", "JSON", "Atom", "OpenAPI", "API", "RCEP", "MOFCOM"})
# Not a word of the text: an address, a domain, query syntax, an acronym (two or more capitals,
# maybe a plural s). Boundaries are Latin letters only: in 一KEY通 or FT账户 the acronym stands
# next to Chinese characters, which a regex's \b counts as letters.
NOT_WORDS = re.compile(
    r"https?://\S+"
    r"|(?<![A-Za-z0-9.-])[A-Za-z0-9.-]+\.(?:cn|com|org|net|gov|mo|hk|info)(?![A-Za-z])"
    r"|(?<![A-Za-z])[a-z]+:[\w-]+"
    r"|(?<![A-Za-z])[A-Z]{2,}s?(?![A-Za-z])")
WORD = re.compile(r"[A-Za-z]{2,}")
# In Markdown: a span marked as another language, and a link's address.
_MARKED = re.compile(r"<span lang=\"[a-z]{2}(?:-[A-Za-z]+)?\">.*?</span>", re.S)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)")
_MARK_TAGS = re.compile(r"<span lang=\"[a-z]{2}(?:-[A-Za-z]+)?\">|</span>")


def latin_words(text: str) -> list[str]:
    """The Latin words of `text` that are words: what Chinese text must not hold unmarked."""
    return [w for w in WORD.findall(NOT_WORDS.sub(" ", text)) if w not in NOT_ENGLISH]


def without_marks(markdown: str) -> str:
    """Chinese Markdown without the spans marked as another language (whose text, and the
    quotes of whose markup, are not Chinese text)."""
    return _MARKED.sub(" ", markdown)


def unmark(markdown: str) -> str:
    """The text with its language marks taken off, the marked words kept (what is indexed: a
    search for "span" finds no record)."""
    return _MARK_TAGS.sub("", markdown)


def unmarked_latin(markdown: str) -> list[str]:
    """The Latin words of Chinese Markdown outside ``<span lang="..">`` marks and link addresses."""
    return latin_words(_LINK_TARGET.sub(" ", without_marks(markdown)))
