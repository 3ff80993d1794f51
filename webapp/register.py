"""The replication register as the site shows it: batches and their items, filtered, named and
counted, one shape for the pages, the API and the CSV.

The facade gives each batch as data (`KnowledgeBase.batches()`); this module adds what a reader
needs around it: the batch's name in the page's language ("State Council, 4th batch",
国务院第四批), the fields of reform by name, the records' titles, and the filters by field of
reform and by the registry's facets (zone of origin, year) with their counts.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from flask import url_for
from flask_babel import gettext as _

from indexer.facets import BY_KEY
from indexer.records.lineage_text import chinese_number, ordinal
from indexer.records.model import ISSUERS, batch_of_id

# The register's order on the page: the State Council's batches, then MOFCOM's, each by number.
ISSUER_ORDER = ("state-council", "mofcom")
# The columns of a batch's CSV, one row per item.
CSV_COLUMNS = ("batch", "issuer", "number", "document_number", "date", "name_zh", "name_en",
               "name_en_is_ours", "field", "field_name", "field_name_zh", "scope", "areas_zh",
               "department", "zones", "record", "record_url")


def issuer_name(issuer: str, lang: str) -> str:
    about = ISSUERS.get(issuer, {})
    return (about.get("name_zh") if lang == "zh" else about.get("name")) or issuer


def batch_name(batch_id: str, issuer: str, number: int, lang: str) -> str:
    """A batch by its issuer and number, in the page's language: "State Council, 4th batch"."""
    nth = chinese_number(number) if lang == "zh" else ordinal(number)
    return _("%(issuer)s, %(nth)s batch", issuer=issuer_name(issuer, lang), nth=nth)


def name_of_id(batch_id: str, lang: str) -> str:
    """A batch's name from its id alone (the id names the issuer and the number); an id of
    another form is given as it is."""
    named = batch_of_id(batch_id)
    if named is None:
        return batch_id
    issuer, number = named
    return batch_name(batch_id, issuer, number, lang)


def sort_key(batch: dict) -> tuple:
    issuer = batch["issuer"]
    rank = ISSUER_ORDER.index(issuer) if issuer in ISSUER_ORDER else len(ISSUER_ORDER)
    return rank, issuer, batch["number"]


def year_of(batch: dict) -> int:
    return int(str(batch["date"])[:4])


@dataclass(frozen=True)
class ItemFacet:
    """A facet of the registry (indexer/facets.py) the register filters its items by: its
    allowed values, their names and aliases, the noun of an unknown value and the URL
    parameter are the registry's; here is only what value an item of a batch has."""

    key: str
    values: Callable[[dict, dict], tuple[str, ...]]  # (batch, item) -> the item's values
    whole_batches: bool = False  # keeps whole batches, never some items of one and not others


# The register's filters besides the field of reform (the register's own: no facet of the
# records yet): the zones an item came from, the year of its batch.
ITEM_FACETS = (ItemFacet("zone", lambda batch, item: tuple(item.get("zones") or ())),
               ItemFacet("year", lambda batch, item: (str(year_of(batch)),), whole_batches=True))


def facet_choices(kb, batches: list[dict]) -> dict[str, list[dict]]:
    """The allowed values of ITEM_FACETS, as the registry makes them (a year from the
    batches' dates, newest first)."""
    snapshot = {"zones": list(kb.zones()), "pillars": list(kb.pillars()), "batches": batches}
    dates = [b["date"] for b in batches]
    return {f.key: BY_KEY[f.key].choices(snapshot, lambda name: dates if name == "date" else [])
            for f in ITEM_FACETS}


@dataclass(frozen=True)
class RegisterFilter:
    """What the register is narrowed to: a field of reform, and a value of each of ITEM_FACETS
    (facet key -> id)."""

    field: str | None = None
    chosen: tuple[tuple[str, str], ...] = ()

    def __getattr__(self, key: str):  # keep.zone, keep.year: the chosen id or None
        if key in {f.key for f in ITEM_FACETS}:
            return dict(self.chosen).get(key)
        raise AttributeError(key)

    @property
    def active(self) -> bool:
        return self.field is not None or bool(self.chosen)

    @property
    def narrows_items(self) -> bool:
        """Whether it keeps some items of a batch and not others (a year keeps whole batches)."""
        whole = {f.key for f in ITEM_FACETS if f.whole_batches}
        return self.field is not None or any(key not in whole for key, _ in self.chosen)

    def args(self) -> dict:
        return {**({"field": self.field} if self.field is not None else {}), **dict(self.chosen)}

    def keeps(self, batch: dict, item: dict | None) -> bool:
        """Whether it keeps the item of the batch (the batch itself, with `item` None: by the
        facets that keep whole batches)."""
        chosen = dict(self.chosen)
        if item is not None and self.field is not None and item.get("field") != self.field:
            return False
        return all(chosen[f.key] in f.values(batch, item or {}) for f in ITEM_FACETS
                   if f.key in chosen and (item is not None or f.whole_batches))

    def keeps_batch(self, batch: dict) -> bool:
        return self.keeps(batch, None)

    def keeps_item(self, batch: dict, item: dict) -> bool:
        return self.keeps(batch, item)


class UnknownRegisterFilter(ValueError):
    """A filter value the register does not know; `kind` is `field` or a facet's key."""

    def __init__(self, kind: str, value: str):
        super().__init__(f"unknown {kind} {value!r}")
        self.kind, self.value = kind, value


def parse_filter(args, fields_by_id: dict, choices: dict[str, list[dict]]) -> RegisterFilter:
    """The filter from a query string (`choices`: facet_choices()); an empty value means no
    filter; a facet's value may be named by any of its aliases (Shanghai, 上海), as in a
    search."""
    field_id = (args.get("field") or "").strip() or None
    if field_id is not None and field_id not in fields_by_id:
        raise UnknownRegisterFilter("field", field_id)
    chosen = []
    for facet in ITEM_FACETS:
        text = (args.get(facet.key) or "").strip()
        if not text:
            continue
        aliases = {a.lower(): c["id"] for c in choices[facet.key] for a in c["aliases"]}
        if text.lower() not in aliases:
            raise UnknownRegisterFilter(facet.key, text)
        chosen.append((facet.key, aliases[text.lower()]))
    return RegisterFilter(field_id, tuple(chosen))


def option_counts(batches: list[dict]) -> dict[str, Counter]:
    """How many items of the whole register each filter value keeps: per field of reform and
    per value of each of ITEM_FACETS (the filter form's choices)."""
    counts = {"field": Counter(), **{f.key: Counter() for f in ITEM_FACETS}}
    for batch in batches:
        for item in batch["items"]:
            if item.get("field"):
                counts["field"][item["field"]] += 1
            for facet in ITEM_FACETS:
                counts[facet.key].update(dict.fromkeys(facet.values(batch, item), 1))
    return counts


@dataclass
class BatchView:
    """A batch as a page shows it: its data, its name, and the items the filter keeps."""

    batch: dict
    name: str
    items: list[dict] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.batch["id"]

    @property
    def issuer_names(self) -> dict:
        """The issuer's name and name_zh."""
        return ISSUERS.get(self.batch["issuer"], {"name": self.batch["issuer"]})

    @property
    def listed(self) -> int:
        return len(self.batch["items"])

    @property
    def recorded(self) -> int:
        return self.batch["items_recorded"]

    @property
    def stated(self) -> int | None:
        return self.batch.get("items_stated")

    @property
    def without_record(self) -> list[dict]:
        return [item for item in self.batch["items"] if not item.get("record")]


def _named(item: dict, fields_by_id: dict) -> dict:
    """What every description of an item adds to its data: whether its English name is ours,
    and its field of reform's names."""
    reform_field = fields_by_id.get(item.get("field") or "")
    return {"name_en_is_ours": item.get("name_en_source") is None,
            "field_name": reform_field["name"] if reform_field else None,
            "field_name_zh": reform_field["name_zh"] if reform_field else None}


def item_view(item: dict, fields_by_id: dict, records: dict) -> dict:
    """An item as a page shows it: its data, names, and its record's titles."""
    record = records.get(item.get("record") or "")
    return {**item, **_named(item, fields_by_id),
            "record_title": record["title"] if record else None,
            "record_title_zh": record["title_zh"] if record else None}


def _records_of(kb, batches: list[dict]) -> dict[str, dict]:
    ids = {item["record"] for b in batches for item in b["items"] if item.get("record")}
    found = {rid: kb.measure(rid) for rid in sorted(ids)}
    return {rid: record for rid, record in found.items() if record is not None}


def views(kb, batches: list[dict], lang: str, keep: RegisterFilter | None = None) -> list[BatchView]:
    """The batches in the register's order, each with the items `keep` keeps (all by default);
    a batch a field or zone filter leaves no item of is left out."""
    keep = keep or RegisterFilter()
    fields_by_id = {f["id"]: f for f in kb.reform_fields()}
    records = _records_of(kb, batches)
    out = []
    for batch in sorted(batches, key=sort_key):
        if not keep.keeps_batch(batch):
            continue
        items = [item_view(item, fields_by_id, records) for item in batch["items"]
                 if keep.keeps_item(batch, item)]
        if keep.narrows_items and not items:
            continue
        out.append(BatchView(batch, batch_name(batch["id"], batch["issuer"], batch["number"], lang),
                             items))
    return out


def totals(batches: list[dict]) -> dict:
    """The register's counts: batches, items listed, items recorded, and the counts the
    batches state (over those batches that state one)."""
    stating = [b for b in batches if b.get("items_stated") is not None]
    return {
        "batches": len(batches),
        "listed": sum(len(b["items"]) for b in batches),
        "recorded": sum(b["items_recorded"] for b in batches),
        "stated": sum(b["items_stated"] for b in stating),
        "listed_of_stating": sum(len(b["items"]) for b in stating),
        "batches_stating": len(stating),
    }


def summary(batch: dict, external: bool = False) -> dict:
    """A batch as /api/batches lists it."""
    return {
        "id": batch["id"],
        "issuer": batch["issuer"],
        "number": batch["number"],
        "title": batch["title"],
        "title_zh": batch["title_zh"],
        "title_zh_note": batch.get("title_zh_note"),
        "title_is_ours": batch.get("title_source") is None,
        "document_number": batch.get("document_number"),
        "date": str(batch["date"]),
        "items_stated": batch.get("items_stated"),
        "items_listed": len(batch["items"]),
        "items_recorded": batch["items_recorded"],
        "url": url_for("pages.batch", batch_id=batch["id"], lang="en", _external=external),
    }


def detail(kb, batch: dict, external: bool = False) -> dict:
    """A batch with its items, as /api/batches/<id> gives it and its CSV spreads it."""
    fields_by_id = {f["id"]: f for f in kb.reform_fields()}
    items = []
    for item in batch["items"]:
        record = item.get("record")
        named = _named(item, fields_by_id)
        items.append({
            "name_zh": item["name_zh"],
            "name_zh_note": item.get("name_zh_note"),
            "name_en": item["name_en"],
            "name_en_is_ours": named["name_en_is_ours"],
            "name_en_source": item.get("name_en_source"),
            "field": item.get("field"),
            "field_name": named["field_name"],
            "field_name_zh": named["field_name_zh"],
            "scope": item.get("scope"),
            "areas_zh": item.get("areas_zh"),
            "department": item.get("department"),
            "zones": list(item.get("zones") or ()),
            "zones_source": item.get("zones_source"),
            "record": record,
            "record_url": (url_for("pages.measure", measure_id=record, lang="en",
                                   _external=external) if record else None),
        })
    return {**summary(batch, external),
            "title_source": batch.get("title_source"),
            "items_stated_source": batch.get("items_stated_source"),
            "source": batch["source"],
            "source_url": url_for("pages.source", source_id=batch["source"], lang="en",
                                  _external=external),
            "note": batch.get("note"),
            "items": items}


def csv_rows(data: dict) -> list[dict]:
    """A batch's detail() as CSV rows, one per item."""
    head = {"batch": data["id"], "issuer": data["issuer"], "number": data["number"],
            "document_number": data["document_number"], "date": data["date"]}
    rows = []
    for item in data["items"]:
        row = {**head, **{c: item.get(c) for c in CSV_COLUMNS if c not in head}}
        row["name_en_is_ours"] = "true" if item["name_en_is_ours"] else "false"
        rows.append(row)
    return rows
