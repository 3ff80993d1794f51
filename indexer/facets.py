"""The facet registry: each facet declared once, and read by everything that filters by it.

A facet (Datasette's facet classes are the model) is one way of narrowing the measures (by
zone, by pillar, ...: FACETS below is the list, and `ftz facets` shows it). Its declaration says

- `key`: its name everywhere a single name is wanted: the URL parameter (`zone=`), the key of
  its counts (`facets["zone"]`), the kind of an unknown value ("unknown zone 'x'");
- `plural`: the facade's keyword and the result's attribute (`zones=`, `result.zones`);
- `field`: the index field holding a record's values (`schema.py` builds it from here);
- `prefixes`: the query syntax's names for it (`zone:`, `zones:`);
- `title`, `noun`, `unknown`: the panel's heading, the word in a sentence, an error page's
  title, in English; they are gettext ids (marked with `_` below for `pybabel extract`), and
  their Chinese is in the web app's catalog (webapp/translations/);
- `values`: how a record (model.Measure) yields its values;
- `choices`: its allowed values, each with its names in both languages and the aliases a URL
  parameter or the query syntax may name it by, from the taxonomy snapshot of an index
  generation (zones.yaml, pillars.yaml, batches/) or the indexed records (their dates).

Adding a facet is one more `Facet(...)` in FACETS (with the Chinese of its three messages in
the catalog, and tests); nothing else names the facets one by one.

This module imports neither Whoosh nor Flask: the web app reads it as the indexer does.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping

from indexer.records.vocabulary import ISSUERS, SCOPES, SOURCE_KINDS, STATUSES


def _(message: str) -> str:
    """A gettext id, extracted by pybabel (babel.cfg) and translated by the web app."""
    return message


Choice = dict  # {"id", "name", "name_zh", "aliases", and other LABELS}: one allowed value
# The kinds of names a value may have besides its `name` (the facet panel's, the API's
# `labels`, the exports'), each in both languages as `<kind>` and `<kind>_zh`:
# `step`: a lineage step of that scope as the measure page's timeline and the CSV's lineage
# column say it; `step_municipal`: the same for a measure of Beijing, Tianjin, Shanghai or
# Chongqing (本市, docs/style-zh.md), where it differs.
LABELS = ("step", "step_municipal")
# the taxonomy snapshot of a generation, and the stored column of a sortable field by name
Columns = Callable[[str], list]


@dataclass(frozen=True)
class Facet:
    key: str
    plural: str
    field: str
    prefixes: tuple[str, ...]
    title: str
    noun: str
    unknown: str
    values: Callable[[object], Iterable[str]]
    choices: Callable[[Mapping, Columns], list[Choice]]
    many: bool = False  # a record may have several values (a comma-separated keyword field)
    lowercase: bool = False  # the index field lowercases its values
    filter: bool = True  # a URL parameter, a facade filter and a panel; False: query syntax only
    list_known: bool = True  # a note on an unknown value lists the known ones
    api: str = ""  # the OpenAPI description of its parameter

    def index_values(self, measure) -> str:
        """The record's values as its index field holds them."""
        values = [v for v in self.values(measure) if v]
        return ",".join(values) if self.many else (values[0] if values else "")


def _choice(id_: str, name: str, name_zh: str | None, *aliases: str,
            **labels: tuple[str, str]) -> Choice:
    """An allowed value: its id, its name in both languages, the aliases it may be named by,
    and its other labels (LABELS), each in both languages (`step`, `step_zh`)."""
    extra = {}
    for kind, (en, zh) in labels.items():
        if kind not in LABELS:
            raise ValueError(f"no label kind {kind!r} (LABELS)")
        extra |= {kind: en, f"{kind}_zh": zh}
    return {"id": id_, "name": name, "name_zh": name_zh,
            "aliases": tuple(dict.fromkeys(a for a in (id_, *aliases) if a)), **extra}


def _named(id_: str, names: Mapping[str, tuple[str, str]], *aliases: str) -> Choice:
    """A value declared below by its labels, `name` first."""
    return _choice(id_, *names["name"], *aliases,
                   **{kind: pair for kind, pair in names.items() if kind != "name"})


def _zones(snapshot: Mapping, _columns: Columns) -> list[Choice]:
    return [_choice(z["id"], z["short"], z["short_zh"], z["short"], z["short_zh"], z["name"],
                    z["name_zh"]) for z in snapshot["zones"]]


def _pillars(snapshot: Mapping, _columns: Columns) -> list[Choice]:
    return [_choice(p["id"], p["name"], p["name_zh"], p["name"], p["name_zh"])
            for p in snapshot["pillars"]]


# The steps of a measure's spread and its statuses by their names (Choice, LABELS), each
# name once in each language, never translated twice; the web app reads them from here.
SCOPE_NAMES = {
    "province": {"name": ("Replicated province-wide", "省（市）内复制推广"),
                 "step": ("Replicated across its province", "在本省复制推广"),
                 "step_municipal": ("Replicated across its municipality", "在本市复制推广")},
    "national": {"name": ("Replicated nationwide", "全国复制推广"),
                 "step": ("Replicated nationwide", "全国复制推广")},
    "best-practice-case": {"name": ("Best-practice case", "最佳实践案例"),
                           "step": ("Listed by MOFCOM as a best-practice case",
                                    "被商务部列为最佳实践案例")},
}
STATUS_NAMES = {"piloted": {"name": ("piloted", "试点")},
                "replicated": {"name": ("replicated", "复制推广")},
                "nationwide": {"name": ("nationwide", "全国复制推广")}}


def _scopes(_snapshot: Mapping, _columns: Columns) -> list[Choice]:
    return [_named(s, SCOPE_NAMES[s]) for s in SCOPES]


def _statuses(_snapshot: Mapping, _columns: Columns) -> list[Choice]:
    return [_named(s, STATUS_NAMES[s]) for s in STATUSES]


def _years(_snapshot: Mapping, columns: Columns) -> list[Choice]:
    """The years the records are dated in, newest first (a date may be a year, a month or a
    day: 2023, 2023-06, 2023-06-01)."""
    years = {str(d)[:4] for d in columns("date") if d and str(d)[:4].isdigit()}
    return [_choice(y, y, None) for y in sorted(years, reverse=True)]


def _batches(snapshot: Mapping, _columns: Columns) -> list[Choice]:
    """The register's batches (measures/batches/), named by their titles in both languages:
    the State Council's, then MOFCOM's, each by number."""
    order = list(ISSUERS)
    batches = sorted(snapshot.get("batches", ()),
                     key=lambda b: (order.index(b["issuer"]) if b["issuer"] in order
                                    else len(order), b["number"], b["id"]))
    return [_choice(b["id"], b["title"], b["title_zh"]) for b in batches]


# the kinds of a measure's source as the facet panel names them, in both languages (as the
# sources page says them)
SOURCE_KIND_NAMES = {
    "held": ("Held (its text kept and quoted)", "保存（全文存于本站并被引用）", "保存"),
    "cited": ("Cited (a public page linked and described)", "引用（链接并描述公开网页）", "引用"),
}


def _source_kinds(_snapshot: Mapping, _columns: Columns) -> list[Choice]:
    return [_choice(k, *SOURCE_KIND_NAMES[k]) for k in SOURCE_KINDS]


FACETS: tuple[Facet, ...] = (
    Facet("zone", "zones", "zones", ("zone", "zones"), _("Zone"), _("zone"), _("Unknown zone"),
          values=lambda m: m.zones, choices=_zones, many=True, lowercase=True,
          list_known=False,
          api="Zone id (see /api/zones); repeat for any of several zones. A zone's name in "
              "English or Chinese (Shanghai, 上海) is read as its id too."),
    Facet("pillar", "pillars", "pillar", ("pillar",), _("Pillar"), _("pillar"),
          _("Unknown pillar"), values=lambda m: [m.pillar], choices=_pillars,
          api="Pillar id (see /api/pillars); repeat for any of several. A pillar's name in "
              "English or Chinese is read as its id too."),
    Facet("scope", "scopes", "scopes", ("scope", "scopes"), _("Spread"), _("scope"),
          _("Unknown scope"), values=lambda m: sorted({s.scope for s in m.lineage}),
          choices=_scopes, many=True,
          api="How far the measure spread, by a lineage step a source states: `province` "
              "(replicated province-wide), `national` (replicated nationwide), "
              "`best-practice-case` (a MOFCOM best-practice case); repeat for any of several."),
    Facet("status", "statuses", "status", ("status",), _("Status"), _("status"), "",
          values=lambda m: [m.status], choices=_statuses, filter=False),
    Facet("year", "years", "year", ("year",), _("Year"), _("year"), _("Unknown year"),
          values=lambda m: [str(m.date)[:4]], choices=_years,
          api="The year of the measure's date (a date may be as precise as a year, a month "
              "or a day); repeat for any of several."),
    Facet("batch", "batches", "batches", ("batch", "batches"), _("Batch"), _("batch"),
          _("Unknown batch"),
          values=lambda m: sorted({s.batch for s in m.lineage if s.batch}),
          choices=_batches, many=True,
          api="A batch of the replication register (see /api/batches: `state-council-7`, "
              "`mofcom-cases-6`, ...), by a lineage step of the measure that names it; repeat "
              "for any of several."),
    # a record quotes its source exactly when the source's text is held (ftz check holds it)
    Facet("source_kind", "source_kinds", "source_kind", ("source_kind",), _("Source"),
          _("kind of source"), _("Unknown kind of source"),
          values=lambda m: ["cited" if m.quote is None else "held"], choices=_source_kinds,
          api="Whether the measure's source is `held` (its text kept here, the record quoting "
              "it verbatim) or `cited` (a public page the record links and describes in its "
              "own words); repeat for any of several."),
)

BY_KEY = {f.key: f for f in FACETS}
BY_FIELD = {f.field: f for f in FACETS}
BY_PLURAL = {f.plural: f for f in FACETS}
# the facets a search may be filtered by (URL parameters, the facade's keywords, the panels)
FILTERS: tuple[Facet, ...] = tuple(f for f in FACETS if f.filter)
FILTER_KINDS: tuple[str, ...] = tuple(f.key for f in FILTERS)
# query syntax: prefix -> index field
PREFIXES = {p: f.field for f in FACETS for p in f.prefixes}


def signature() -> int:
    """A number that changes when a facet's index field does (schema.SCHEMA_VERSION): an index
    built with other facet fields is rebuilt."""
    spec = ";".join(f"{f.field}:{f.many}:{f.lowercase}" for f in FACETS)
    return zlib.crc32(spec.encode()) % 10_000


def fixed_choices(key: str) -> dict[str, Choice]:
    """The allowed values of a facet whose values are the schema's own (scope, status,
    source_kind: no taxonomy or index needed), by id."""
    return {c["id"]: c for c in BY_KEY[key].choices({}, lambda _name: [])}


def chosen(given: Mapping[str, Iterable[str]]) -> dict[str, tuple[str, ...]]:
    """Filter values by facet key, from keywords named by the facets' plurals (zones=...);
    TypeError for a keyword no filter facet has."""
    unknown = [name for name in given if name not in BY_PLURAL or not BY_PLURAL[name].filter]
    if unknown:
        raise TypeError(f"no facet filters by {', '.join(unknown)}")
    return {f.key: tuple(given.get(f.plural) or ()) for f in FILTERS}
