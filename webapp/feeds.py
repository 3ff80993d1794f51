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


def describe(params: SearchParams, zones_by_id: dict, pillars_by_id: dict) -> str:
    """What a search chooses, in words: 'Zhejiang · Logistics channels and services · “oil”'."""
    parts = [" or ".join(zones_by_id[z]["short"] if z in zones_by_id else z for z in params.zones),
             " or ".join(pillars_by_id[p]["name"] if p in pillars_by_id else p
                         for p in params.pillars),
             " or ".join(params.scopes),
             f"“{params.query}”" if params.query else ""]
    return " · ".join(p for p in parts if p) or "all measures"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        element.text = text
    return element


def _entry(feed: ET.Element, hit, authority: str, zones_by_id: dict, pillars_by_id: dict):
    entry = _sub(feed, "entry")
    _sub(entry, "id", f"tag:{authority},{TAG_DATE}:measures/{hit.id}")
    _sub(entry, "title", hit.title)
    _sub(entry, "link", rel="alternate", type="text/html",
         href=url_for("pages.measure", measure_id=hit.id, _external=True))
    _sub(entry, "updated", timestamp(hit.date))
    _sub(entry, "published", timestamp(hit.date))
    zone_names = [zones_by_id[z]["short"] if z in zones_by_id else z for z in hit.zones]
    pillar = pillars_by_id.get(hit.pillar, {})
    summary = [hit.title_zh, "Zones: " + (", ".join(zone_names) or "not named"),
               "Pillar: " + pillar.get("name", hit.pillar)]
    if getattr(hit, "matched_words", None):  # which of the search's words this measure holds
        summary.append("Matches: " + ", ".join(hit.matched_words))
    _sub(entry, "summary", " — ".join(s for s in summary if s), type="text")
    _sub(entry, "category", term=hit.pillar, label=pillar.get("name"),
         scheme=url_for("pages.pillars", _external=True))
    for zone_id, name in zip(hit.zones, zone_names):
        _sub(entry, "category", term=zone_id, label=name,
             scheme=url_for("pages.zones", _external=True))


def atom(params: SearchParams, hits: list, zones_by_id: dict, pillars_by_id: dict, *,
         authority: str, fallback_updated: str, notes: list[str] = ()) -> bytes:
    """The feed document; ``hits`` newest first. ``fallback_updated`` dates an empty feed;
    ``notes`` (the search's, in English: words no measure holds, words left out, a
    correction) follow the subtitle, so that a reader of the feed knows what it follows."""
    args = params.filter_args()
    query_string = urlencode(args, doseq=True)

    feed = ET.Element("feed", {"xmlns": ATOM_NS, "xml:lang": "en"})
    _sub(feed, "id", f"tag:{authority},{TAG_DATE}:search" + (f"?{query_string}" if args else ""))
    _sub(feed, "title", f"{SITE_NAME}: {describe(params, zones_by_id, pillars_by_id)}")
    _sub(feed, "subtitle", " ".join(["Reform measures of China's pilot free trade zones, each "
                                     "cited to its source; newest first.", *map(str, notes)]))
    _sub(feed, "updated", timestamp(hits[0].date if hits else fallback_updated))
    _sub(feed, "link", rel="self", type="application/atom+xml",
         href=url_for("exports.atom", _external=True, **args))
    _sub(feed, "link", rel="alternate", type="text/html",
         href=url_for("pages.search", _external=True, **args))
    author = _sub(feed, "author")
    _sub(author, "name", SITE_NAME)
    _sub(author, "uri", url_for("pages.index", _external=True))
    _sub(feed, "generator", SITE_NAME)
    for hit in hits:
        _entry(feed, hit, authority, zones_by_id, pillars_by_id)
    ET.indent(feed)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
