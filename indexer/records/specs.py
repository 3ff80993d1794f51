"""The field tables: which fields each file of the measures directory takes, whether each is
required, and the normalizer that checks it, each read off its model of the record schema
(indexer/records/schema.py), never written here.

The loaders check files against these tables (F.normalize_fields), docs/records.md documents
every field they list (tests/test_docs.py). The register's tables (batches, their items,
fields of reform, totals) come from the same schema (indexer/records/register.py).
"""

from __future__ import annotations

from indexer.records.schema import Figure, LineageStep, Measure, Pillar, Source, Zone, fields_of

ZONE_FIELDS = fields_of(Zone)
PILLAR_FIELDS = fields_of(Pillar)
FIGURE_FIELDS = fields_of(Figure)
SOURCE_FIELDS = fields_of(Source)
LINEAGE_FIELDS = fields_of(LineageStep)
MEASURE_FIELDS = fields_of(Measure)
