"""Zones, pillars, statuses, lineage steps and sources named in a reader's language, for what
leaves the site: the CSV and the Atom feed of a search made from a /zh/ page, and the API asked
with `lang=zh`. The names are the ones the pages show (the taxonomy's `*_zh` fields, the
sources' `title_zh` and `publisher_zh`, the catalogs' messages).

The exports, the feed and the API are unprefixed; `lang=zh` in their query string chooses
Chinese (the /zh/ pages' export links carry it), and the messages are rendered in that locale
with `force_locale`.
"""

from __future__ import annotations

from contextlib import contextmanager

from flask_babel import force_locale

from indexer.errors import BadRequest
from indexer.notes import Note
from indexer.records.schema import Measure, name_zh
from indexer.search import serialize

from . import register
from .i18n import LOCALES, local_date, value_name

LANGS = ("en", "zh")
# The CSV's columns as a Chinese reader's spreadsheet heads them (serialize.FLAT_COLUMNS): a
# record field's Chinese name is the schema's (schema.zh); these are the columns an export
# adds, a hit's address and its citation spread into source_* columns.
_ADDED_HEADERS_ZH = {
    "url": "网址", "source_id": "来源编号", "source_kind": "来源类型", "source_title": "来源标题",
    "source_publisher": "来源发布者", "source_date": "来源日期", "source_original_url": "来源原文网址",
    "source_url": "来源页面网址", "matched_words": "匹配的词",
    "near_in_meaning": "因含义相近列出",
}
CSV_HEADERS_ZH = {column: (name_zh(Measure, column) if column in Measure.model_fields
                            else _ADDED_HEADERS_ZH.get(column)) or column  # English: a test fails
                  for column in serialize.FLAT_COLUMNS}


def lang_of(args) -> str:
    """The language asked for with `lang` (English when not given); any other value is a
    400, as a page's parameter out of range is."""
    lang = (args.get("lang") or "en").strip()
    if lang not in LANGS:
        raise BadRequest(Note("lang_values"))
    return lang


@contextmanager
def speaking(lang: str):
    """Messages rendered in `lang` inside the block, whatever the request's address."""
    with force_locale(LOCALES[lang]):
        yield


class Labels:
    """Names in one language, from the knowledge base's taxonomy and sources."""

    def __init__(self, kb, lang: str):
        self.lang = lang
        self.zones = {z["id"]: z for z in kb.zones()}
        self.pillars = {p["id"]: p for p in kb.pillars()}
        self.sources = {s["id"]: s for s in kb.sources()}
        self._kb = kb
        self._choices: dict[str, dict[str, dict]] | None = None

    def _named(self, item: dict | None, key: str, fallback: str) -> str:
        if not item:
            return fallback
        return (item.get(f"{key}_zh") if self.lang == "zh" else None) or item.get(key) or fallback

    def zone(self, zone_id: str) -> str:
        return self._named(self.zones.get(zone_id), "short", zone_id)

    def pillar(self, pillar_id: str) -> str:
        return self._named(self.pillars.get(pillar_id), "name", pillar_id)

    def scope(self, scope: str) -> str:
        return value_name("scope", scope, lang=self.lang)

    def choice(self, facet_key: str, value: str) -> str:
        """A value of a facet of the registry (indexer/facets.py) by the name its allowed
        values give it; the value itself when they give none."""
        if self._choices is None:
            self._choices = {key: {c["id"]: c for c in choices}
                             for key, choices in self._kb.facet_choices().items()}
        return self._named(self._choices.get(facet_key, {}).get(value), "name", value)

    def status(self, status: str | None) -> str | None:
        return value_name("status", status, lang=self.lang)

    def source_title(self, source_id: str | None) -> str | None:
        source = self.sources.get(source_id or "")
        return self._named(source, "title", source_id) if source_id else None

    def publisher(self, source_id: str | None) -> str | None:
        source = self.sources.get(source_id or "")
        return self._named(source, "publisher", "") or None if source else None

    def lineage_step(self, step: dict) -> str:
        """A step as one line: 2022年6月 全国复制推广（国务院第七批；来源标题）."""
        what = value_name("scope", step.get("scope"), "step", lang=self.lang) or ""
        detail = [register.name_of_id(step["batch"], self.lang)] if step.get("batch") else []
        if step.get("source"):
            detail.append(self.source_title(step["source"]))
        date = local_date(step.get("date")) if self.lang == "zh" else str(step.get("date") or "")
        open_, sep, close = ("（", "；", "）") if self.lang == "zh" else (" (", "; ", ")")
        return f"{date} {what}" + (open_ + sep.join(detail) + close if detail else "")

    def of_hit(self, described: dict) -> dict:
        """The names of a described hit's zones, pillar and status (the API's `labels`)."""
        return {"zones": [self.zone(z) for z in described.get("zones") or ()],
                "pillar": self.pillar(described.get("pillar")),
                "status": self.status(described.get("status"))}


def localized_row(row: dict, described: dict, labels: Labels) -> dict:
    """A CSV row (serialize.flat) with its ids named and its citation in the reader's
    language; the measure's own id stays, for joining tables."""
    source = (described.get("source") or {}).get("id")
    return {**row,
            "zones": [labels.zone(z) for z in described.get("zones") or ()],
            "pillar": labels.pillar(described.get("pillar")),
            "status": labels.status(described.get("status")),
            "source_kind": value_name("source_kind", row.get("source_kind"), lang=labels.lang),
            "source_title": labels.source_title(source),
            "source_publisher": labels.publisher(source),
            "lineage": [labels.lineage_step(s) for s in described.get("lineage") or ()]}
