"""Atom feeds (RFC 4287) of a search or browse, newest measures first, so a reader can follow a
zone, a pillar or a topic.

Built with xml.etree, which escapes every text and attribute. Ids are tag URIs (RFC 4151) on
the site's host name, or on FEED_TAG_AUTHORITY when configured, so that an entry keeps its
id whichever search's feed it turns up in.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlencode

from flask import url_for
from flask_babel import gettext as _

from .i18n import HTML_LANG
from .labels import Labels
from .params import SearchParams

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
TAG_DATE = "2023"  # the year the knowledge base first published under its host name
SITE_NAME = "China FTZ Reform Measures"


def timestamp(date: str) -> str:
    """A record's date as an RFC 3339 date-time (midnight UTC). Atom needs a whole one: a date
    only as precise as its source (``2023``, ``2023-06``) stands for the first day of it."""
    parts = str(date).split("-")
    year, month, day = (parts + ["01", "01"])[:3]
    return f"{year}-{month}-{day}T00:00:00Z"


def describe(params: SearchParams, labels: Labels) -> str:
    """What a search chooses, in words: 'Zhejiang · Logistics channels and services · “oil”'."""
    either = _(" or ")
    parts = [either.join(labels.zone(z) for z in params.zones),
             either.join(labels.pillar(p) for p in params.pillars),
             either.join(labels.scope(s) for s in params.scopes),
             f"“{params.query}”" if params.query else ""]
    return " · ".join(p for p in parts if p) or _("all measures")


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, hit, authority: str, labels: Labels):
    chinese = labels.lang == "zh"
    entry = _sub(feed, "entry")
    _sub(entry, "id", f"tag:{authority},{TAG_DATE}:measures/{hit.id}")
    _sub(entry, "title", (hit.title_zh or hit.title) if chinese else hit.title)
    _sub(entry, "link", rel="alternate", type="text/html",
         href=url_for("pages.measure", measure_id=hit.id, lang=labels.lang, _external=True))
    _sub(entry, "updated", timestamp(hit.date))
    _sub(entry, "published", timestamp(hit.date))
    zone_names = [labels.zone(z) for z in hit.zones]
    pillar_name = labels.pillar(hit.pillar)
    # an English feed gives the Chinese title too; a Chinese one stays Chinese
    summary = [None if chinese else hit.title_zh,
               _("Zones: %(names)s", names=_(", ").join(zone_names) or _("not named")),
               _("Pillar: %(name)s", name=pillar_name)]
    if getattr(hit, "matched_words", None):  # which of the search's words this measure holds
        summary.append(_("Matches: %(words)s", words=_(", ").join(hit.matched_words)))
    _sub(entry, "summary", " — ".join(s for s in summary if s), type="text")
    _sub(entry, "category", term=hit.pillar, label=pillar_name,
         scheme=url_for("pages.pillars", lang="en", _external=True))
    for zone_id, name in zip(hit.zones, zone_names):
        _sub(entry, "category", term=zone_id, label=name,
             scheme=url_for("pages.zones", lang="en", _external=True))


def atom(params: SearchParams, hits: list, labels: Labels, *, authority: str,
         fallback_updated: str, notes: list[str] = ()) -> bytes:
    """The feed document, in the language of `labels` (its messages rendered in that locale
    by the caller); ``hits`` newest first. ``fallback_updated`` dates an empty feed;
    ``notes`` (the search's: words no measure holds, words left out, a correction) follow the
    subtitle, so that a reader of the feed knows what it follows."""
    args = params.filter_args()
    query_string = urlencode(args, doseq=True)
    own = {"lang": "zh"} if labels.lang == "zh" else {}

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": HTML_LANG[labels.lang]})
    _sub(feed, "id", f"tag:{authority},{TAG_DATE}:search" + (f"?{query_string}" if args else ""))
    site = _("China FTZ Reform Measures")
    _sub(feed, "title", _("%(site)s: %(what)s", site=site, what=describe(params, labels)))
    _sub(feed, "subtitle", " ".join([_("Reform measures of China's pilot free trade zones, each "
                                       "cited to its source; newest first."), *map(str, notes)]))
    _sub(feed, "updated", timestamp(hits[0].date if hits else fallback_updated))
    _sub(feed, "link", rel="self", type="application/atom+xml",
         href=url_for("exports.atom", _external=True, **args, **own))
    _sub(feed, "link", rel="alternate", type="text/html",
         href=url_for("pages.search", lang=labels.lang, _external=True, **args))
    author = _sub(feed, "author")
    _sub(author, "name", site)
    _sub(author, "uri", url_for("pages.index", lang=labels.lang, _external=True))
    _sub(feed, "generator", SITE_NAME)
    for hit in hits:
        _entry(feed, hit, authority, labels)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
