"""Atom feeds (RFC 4287) of a search or browse, newest measures first, so a reader can follow a
zone, a pillar or a topic.

Built with feedgen (on lxml, which escapes every text and attribute). Ids are tag URIs
(RFC 4151) on the site's host name, or on FEED_TAG_AUTHORITY when configured, so that an
entry keeps its id whichever search's feed it turns up in.
"""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from feedgen.entry import FeedEntry
from feedgen.feed import FeedGenerator
from flask import url_for
from flask_babel import gettext as _

from indexer.facets import FILTERS

from .i18n import HTML_LANG
from .labels import Labels
from .params import SearchParams

FEED_ENTRIES = 50
TAG_DATE = "2023"  # the year the knowledge base first published under its host name
SITE_NAME = "China FTZ Reform Measures"


def timestamp(date: str) -> datetime.datetime:
    """A record's date as a date-time (midnight UTC). Atom needs a whole one: a date only as
    precise as its source (``2023``, ``2023-06``) stands for the first day of it."""
    parts = str(date).split("-")
    year, month, day = (parts + ["01", "01"])[:3]
    return datetime.datetime(int(year), int(month), int(day), tzinfo=datetime.timezone.utc)


def _value_name(facet, value: str, labels: Labels) -> str:
    """A facet's value by its name in the feed's language (Labels.zone, .pillar, .scope, or
    the name its allowed values give it: a batch's title); a facet whose values are their own
    names (a year) says which facet: 'year 2023'."""
    named = getattr(labels, facet.key, None)
    if callable(named):
        return named(value)
    name = labels.choice(facet.key, value)
    return name if name != value else f"{_(facet.noun)} {value}"


def describe(params: SearchParams, labels: Labels) -> str:
    """What a search chooses, in words, every active filter of the facet registry
    (indexer/facets.py) in its order: 'Zhejiang · Logistics channels and services · year 2023
    · “oil”'."""
    either = _(" or ")
    parts = [either.join(_value_name(facet, v, labels) for v in params.chosen(facet.key))
             for facet in FILTERS]
    parts.append(f"“{params.query}”" if params.query else "")
    return " · ".join(p for p in parts if p) or _("all measures")


class _Entry(FeedEntry):
    """feedgen 1.0.0 writes only the href of an entry's links, dropping rel and type
    (lkiesow/python-feedgen#135, open): this puts back the attributes it was given."""

    def atom_entry(self, extensions=True):
        entry = super().atom_entry(extensions)
        for element, link in zip(entry.iterfind("link"), self.link() or []):
            for name in ("rel", "type", "hreflang", "title", "length"):
                if link.get(name):
                    element.set(name, str(link[name]))
        return entry


def _entry(feed: FeedGenerator, hit, authority: str, labels: Labels) -> None:
    chinese = labels.lang == "zh"
    entry = feed.add_entry(_Entry(), order="append")
    entry.id(f"tag:{authority},{TAG_DATE}:measures/{hit.id}")
    entry.title((hit.title_zh or hit.title) if chinese else hit.title)
    entry.link(href=url_for("pages.measure", measure_id=hit.id, lang=labels.lang, _external=True),
               rel="alternate", type="text/html")
    entry.updated(timestamp(hit.date))
    entry.published(timestamp(hit.date))
    zone_names = [labels.zone(z) for z in hit.zones]
    pillar_name = labels.pillar(hit.pillar)
    # an English feed gives the Chinese title too; a Chinese one stays Chinese
    summary = [None if chinese else hit.title_zh,
               _("Zones: %(names)s", names=_(", ").join(zone_names) or _("not named")),
               _("Pillar: %(name)s", name=pillar_name)]
    if getattr(hit, "matched_words", None):  # which of the search's words this measure holds
        summary.append(_("Matches: %(words)s", words=_(", ").join(hit.matched_words)))
    if getattr(hit, "near_in_meaning", False):  # joined by meaning (indexer/search/hybrid.py)
        summary.append(_("Shown as near in meaning to the query"))
    entry.summary(" — ".join(s for s in summary if s), type="text")
    entry.category(term=hit.pillar, label=pillar_name,
                   scheme=url_for("pages.pillars", lang="en", _external=True))
    for zone_id, name in zip(hit.zones, zone_names):
        entry.category(term=zone_id, label=name,
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

    feed = FeedGenerator()
    feed.language(HTML_LANG[labels.lang])  # the feed's xml:lang
    feed.id(f"tag:{authority},{TAG_DATE}:search" + (f"?{query_string}" if args else ""))
    site = _("China FTZ Reform Measures")
    feed.title(_("%(site)s: %(what)s", site=site, what=describe(params, labels)))
    feed.subtitle(" ".join([_("Reform measures of China's pilot free trade zones, each "
                              "cited to its source; newest first."), *map(str, notes)]))
    feed.updated(timestamp(hits[0].date if hits else fallback_updated))
    feed.link(href=url_for("exports.atom", _external=True, **args, **own),
              rel="self", type="application/atom+xml")
    feed.link(href=url_for("pages.search", lang=labels.lang, _external=True, **args),
              rel="alternate", type="text/html")
    feed.author(name=site, uri=url_for("pages.index", lang=labels.lang, _external=True))
    feed.generator(SITE_NAME)
    for hit in hits:
        _entry(feed, hit, authority, labels)
    return feed.atom_str(pretty=True)
