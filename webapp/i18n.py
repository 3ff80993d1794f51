"""The interface in English and Chinese: gettext catalogs (Flask-Babel), a /zh/ URL prefix,
the language switch, and the choice of language on a first visit to /.

Every HTML page exists twice: /zones/zhejiang in English and /zh/zones/zhejiang in Chinese
(simplified script; `<html lang="zh-Hans">`). The prefix alone says which language a page is
in, so any address can be shared and cached. The JSON API, the exports and the feed are one,
unprefixed; `lang=zh` in their query string asks for Chinese (webapp/labels.py).

The bare home page / is the only address that chooses: an explicit `?lang=en` or `?lang=zh`
first (what the switch on the Chinese home page links to), then the `lang` cookie, which
remembers the language of the last page read, then, on a first visit (no cookie), the
browser's Accept-Language. Chinese means a redirect to /zh/, which never redirects, so no
loop is possible.

Messages are in webapp/translations/ (messages.pot, zh_Hans/LC_MESSAGES/messages.po and the
compiled messages.mo, committed beside it so that a fresh clone needs no build step;
tests/test_i18n.py fails when the .mo or the .pot falls behind). To change them:

    pybabel extract -F babel.cfg -k lazy_gettext -o webapp/translations/messages.pot .
    pybabel update -i webapp/translations/messages.pot -d webapp/translations
    (translate in messages.po)
    pybabel compile -d webapp/translations
"""

from __future__ import annotations

import re
from html import unescape
from urllib.parse import quote

from flask import Flask, g, request
from flask_babel import Babel
from markupsafe import Markup, escape

from indexer.analysis.cjk import CJK_RE
from indexer.facets import fixed_choices

from .notes import localized as localized_note

LANGUAGES = ("en", "zh")
PREFIX = {"en": "", "zh": "/zh"}
LOCALES = {"en": "en", "zh": "zh_Hans"}  # the catalogs' names
HTML_LANG = {"en": "en", "zh": "zh-Hans"}  # BCP 47, for lang= attributes
SWITCH_LABEL = {"en": "English", "zh": "中文"}  # each language in its own words
COOKIE = "lang"
COOKIE_AGE = 365 * 24 * 3600
# The blueprint whose pages exist in both languages.
LOCALIZED = "pages"


def lang_of_path(path: str) -> str:
    """The language an address is in, by its prefix (also for addresses no route matches)."""
    return "zh" if path == "/zh" or path.startswith("/zh/") else "en"


def current_lang() -> str:
    return g.get("lang") or lang_of_path(request.path)


def other_lang(lang: str | None = None) -> str:
    return "en" if (lang or current_lang()) == "zh" else "zh"


def preferred_on_first_visit() -> str:
    """What the browser asks for (Accept-Language); Chinese in any script or region counts."""
    best = request.accept_languages.best_match(["en", "zh"], default="en")
    return "zh" if best and best.lower().startswith("zh") else "en"


def chosen_for_home() -> str:
    """The language of the bare home page: ?lang=, then the cookie, then Accept-Language."""
    explicit = request.args.get("lang", "")
    if explicit in LANGUAGES:
        return explicit
    remembered = request.cookies.get(COOKIE, "")
    if remembered in LANGUAGES:
        return remembered
    return preferred_on_first_visit()


def switch_url(lang: str | None = None) -> str:
    """This page in the other language: the same path and query under the other prefix.

    The English home page is asked for with ?lang=en, or a Chinese reader's cookie would
    send the switch straight back to /zh/."""
    lang = lang or current_lang()
    target = other_lang(lang)
    path = request.path
    bare = path[len(PREFIX[lang]):] if lang != "en" else path
    bare = bare or "/"
    query = request.query_string.decode("latin-1")
    if bare == "/":
        query = "&".join(p for p in query.split("&") if p and not p.startswith("lang="))
        if target == "en":
            query = "&".join(p for p in (query, "lang=en") if p)
    url = request.script_root + PREFIX[target] + quote(bare, safe="/:@!$&'()*+,;=-._~")
    return url + ("?" + query if query else "")


def pull_lang(endpoint, values) -> None:
    """A localized view's `lang` URL value, taken off before the view runs."""
    if values is not None:
        g.lang = values.pop("lang", "en")


def add_lang(endpoint, values) -> None:
    """Every url_for of a localized page stays in the language of the page being made."""
    values.setdefault("lang", current_lang())


def _remember(response):
    """Remember the language of the page read, for the next visit to the bare home page."""
    if (request.blueprint == LOCALIZED and response.status_code == 200
            and request.cookies.get(COOKIE) != current_lang()):
        response.set_cookie(COOKIE, current_lang(), max_age=COOKIE_AGE, samesite="Lax",
                            httponly=True)
    return response


def first(item, key: str):
    """The item's `key` in the page's language: `key_zh` on a Chinese page when present."""
    en, zh = _field(item, key), _field(item, f"{key}_zh")
    return (zh or en) if current_lang() == "zh" else (en or zh)


def second(item, key: str):
    """The same name in the other language, or None when there is no other."""
    en, zh = _field(item, key), _field(item, f"{key}_zh")
    other = en if current_lang() == "zh" else zh
    return other if other and other != first(item, key) else None


def local_date(value) -> str:
    """A date as precise as its source, in the page's language: 2023-07 or 2023年7月."""
    text = str(value or "")
    if current_lang() != "zh" or not text:
        return text
    parts = text.split("-")
    if not all(p.isdigit() for p in parts):
        return text
    units = ("年", "月", "日")
    return "".join(f"{int(p) if i else p}{units[i]}" for i, p in enumerate(parts[:3]))


# a run of Latin words (a name with no Chinese form: Ship & Bunker, iChongqing, a domain)
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9&'.\-]*(?:[ &]+[A-Za-z0-9][A-Za-z0-9&'.\-]*)*")


def mark_latin(text) -> Markup:
    """Chinese text with its runs of Latin words marked lang="en" (escaped), so that a screen
    reader says a name such as Ship & Bunker in English."""
    text = str(text or "")
    out, last = [], 0
    for found in _LATIN_RUN.finditer(text):
        out += [escape(text[last:found.start()]),
                Markup('<span lang="en">%s</span>') % found.group(0)]
        last = found.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def snippet_paragraph(html: str) -> Markup:
    """A search result's passage (escaped HTML with <mark>s) as its <p>, said in the language it
    is written in: a passage of a record's Chinese text is Chinese on either site, with the
    Latin names it quotes marked English; one of the English text is English."""
    parts = _TAG_SPLIT.split(str(html))
    text = re.sub(r"&#?\w+;", "", "".join(parts[::2]))
    chinese = len(CJK_RE.findall(text)) > len(re.findall(r"[A-Za-z]", text))
    lang = "zh" if chinese else "en"
    if chinese:
        parts[::2] = [mark_latin(unescape(part)) for part in parts[::2]]  # text between tags
    attr = "" if lang == current_lang() else f' lang="{HTML_LANG[lang]}"'
    return Markup(f'<p class="snippet"{attr}>{"".join(parts)}</p>')


def _field(item, key: str):
    if isinstance(item, dict):
        return item.get(key)
    return getattr(item, key, None)


def value_name(key: str, value: str | None, *labels: str, lang: str | None = None):
    """A value of a facet whose values are the schema's own (scope, status, source_kind) by
    the first of `labels` the registry gives it (indexer/facets.py: `name` by default, or
    `step`, ...), in `lang` (the page's by default); the value itself when it has no name."""
    choice = fixed_choices(key).get(value or "")
    if choice is None:
        return value
    label = next((k for k in (*labels, "name") if choice.get(k)), "name")
    en, zh = choice[label], choice.get(f"{label}_zh")
    return (zh or en) if (lang or current_lang()) == "zh" else en


# What templates (and the macros they import, which see no context) may call.
TEMPLATE_GLOBALS = {
    "first": first,
    "second": second,
    "value_name": value_name,  # a status, scope or kind of source by its registry name
    "ui_lang": current_lang,
    "html_lang": lambda: HTML_LANG[current_lang()],
    "alt_lang": lambda: HTML_LANG[other_lang()],
    "switch_label": lambda: SWITCH_LABEL[other_lang()],
    "switch_hreflang": lambda: HTML_LANG[other_lang()],
    "switch_url": switch_url,
    "localized_note": localized_note,  # a search note in the page's language
    "snippet_paragraph": snippet_paragraph,
}


def init_app(app: Flask) -> None:
    """Flask-Babel with the page's language as its locale, the cookie, the templates' helpers.
    (The localized blueprint registers pull_lang and add_lang itself.)"""
    Babel(app, locale_selector=lambda: LOCALES[current_lang()])
    app.after_request(_remember)
    app.jinja_env.globals.update(TEMPLATE_GLOBALS)
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["mark_latin"] = mark_latin
    app.jinja_env.tests["ascii"] = lambda value: str(value).isascii()  # an English tag


def localized_route(blueprint, rule: str, **options):
    """Register a view at `rule` (English) and at /zh`rule` (Chinese)."""
    def decorator(view):
        blueprint.add_url_rule(rule, view_func=view, defaults={"lang": "en"}, **options)
        blueprint.add_url_rule("/<any(zh):lang>" + rule, view_func=view, **options)
        return view
    return decorator
