"""The field tables: which fields each file of the measures directory takes, whether each is
required, and the normalizer that checks it (indexer/records/fields.py).

One place for what a zone, a pillar, a source (with its figures) and a record (with its
lineage) hold: the loaders check files against these tables, docs/records.md documents
every field they list (tests/test_docs.py), and the API's description takes the allowed
values from the same constants (webapp/openapi.py). The register's tables (batches, their
items, totals) are in indexer/records/register.py.
"""

from __future__ import annotations

from indexer.records import fields as F
from indexer.records.model import SCOPES, SOURCE_KINDS, STATUSES

ZONE_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "name": F.Spec(True, F.text),
    "name_zh": F.Spec(True, F.chinese),
    "short": F.Spec(True, F.text),
    "short_zh": F.Spec(True, F.chinese),
    "established": F.Spec(True, F.year),
    "tile": F.Spec(False, F.tile),
}
PILLAR_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "name": F.Spec(True, F.text),
    "name_zh": F.Spec(True, F.chinese),
    "statement": F.Spec(True, F.text),
    "statement_zh": F.Spec(True, F.chinese),
    "source": F.Spec(True, F.identifier),
}
FIGURE_FIELDS = {
    "id": F.Spec(True, F.identifier),
    "label": F.Spec(True, F.text),
    "label_zh": F.Spec(True, F.chinese),
    "value": F.Spec(True, F.number),
    "unit": F.Spec(True, F.text),
    "quote": F.Spec(True, F.text),
    "change": F.Spec(False, F.number),
    "change_unit": F.Spec(False, F.text),
    "note": F.Spec(False, F.text),
}
SOURCE_FIELDS = {
    "kind": F.Spec(True, F.one_of(SOURCE_KINDS)),
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(False, F.chinese),
    "publisher": F.Spec(True, F.text),
    "publisher_zh": F.Spec(True, F.chinese),  # the body's Chinese name, for the Chinese pages
    "date": F.Spec(True, F.partial_date),  # as precise as the page is
    "language": F.Spec(True, F.language),
    "url": F.Spec(False, F.url),  # required of a cited source
    "reprint_of": F.Spec(False, F.text),
    "note": F.Spec(False, F.text),
    "figures": F.Spec(False, lambda v: v),  # each figure is checked against FIGURE_FIELDS
}
LINEAGE_FIELDS = {
    "scope": F.Spec(True, F.one_of(SCOPES)),
    "date": F.Spec(True, F.partial_date),
    "source": F.Spec(True, F.identifier),
    "batch": F.Spec(False, F.identifier),  # a batch id: register.py checks it
    "note": F.Spec(False, F.text),
}
MEASURE_FIELDS = {
    "title": F.Spec(True, F.text),
    "title_zh": F.Spec(True, F.chinese),
    "title_zh_note": F.Spec(False, F.text),
    # the source giving title_zh as the official name: the record's, or its batch's
    "title_zh_source": F.Spec(False, F.identifier),
    "title_zh_alt": F.Spec(False, F.chinese_list),  # other Chinese names, searched as the title
    "zones": F.Spec(True, F.id_list),
    "zones_note": F.Spec(False, F.text),
    "pillar": F.Spec(True, F.identifier),
    "date": F.Spec(True, F.partial_date),  # its source's date, as precise as it
    "status": F.Spec(False, F.one_of(STATUSES)),
    "tags": F.Spec(True, F.tags),
    "source": F.Spec(True, F.identifier),
    "quote": F.Spec(False, F.text),  # required exactly when the source is held
    "see_also": F.Spec(False, F.id_list),
    "lineage": F.Spec(False, lambda v: v),  # each step is checked against LINEAGE_FIELDS
    "body_zh": F.Spec(False, F.chinese_text(40)),
}
