"""The record models are built when first used (pydantic's defer_build: a one-record update
builds the record's model and not the taxonomy's), and a catalog with broken records is
reported exactly as with every model built first (the reference): the same problems, each
with its file, line, field and message, and the same clean records."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.helpers import record, write

_CHECK = """
import json, sys
from indexer.records import schema
from indexer.records.catalog import load_catalog
models = [m for m in vars(schema).values() if isinstance(m, type)
          and issubclass(m, schema.Record) and m is not schema.Record]
built = sorted(m.__name__ for m in models if m.__pydantic_complete__)
if sys.argv[2] == "built-first":
    for model in models:
        model.model_rebuild(force=True)
catalog = load_catalog(sys.argv[1])
print(json.dumps({"built on import": built,
                  "problems": [str(p) for p in catalog.problems],
                  "measures": {k: m.to_dict() for k, m in sorted(catalog.measures.items())},
                  "sources": sorted(catalog.taxonomy.sources)}))
"""

BROKEN = {
    "bad-date.md": record(date="2023-02-30"),
    "bad-zone.md": record(zones="[atlantis]"),
    "bad-tags.md": record(tags="not a list"),
    "unknown-field.md": record(extra="colour: blue\n"),
    "missing-title.md": record().replace("title: A test measure\n", ""),
    "bad-lineage.md": record(extra="lineage:\n  - scope: galactic\n    date: 2023-13\n"
                                   "    source: nowhere\n  - date: 2024\n"),
    "good-one.md": record(title="A clean record beside them"),
}


def _run(measures, mode: str) -> dict:
    done = subprocess.run([sys.executable, "-c", _CHECK, str(measures), mode],
                          capture_output=True, text=True, timeout=300, check=True)
    return json.loads(done.stdout)


def test_broken_records_are_reported_as_with_every_model_built_first(measures_copy):
    for name, text in BROKEN.items():
        write(measures_copy / name, text)
    deferred, reference = _run(measures_copy, "deferred"), _run(measures_copy, "built-first")
    assert deferred["built on import"] == []  # nothing built before it is used
    assert len(deferred["problems"]) >= len(BROKEN) - 1
    for name in BROKEN:
        if name != "good-one.md":
            assert any(name in p for p in deferred["problems"]), name
    assert "good-one" in deferred["measures"]
    del deferred["built on import"], reference["built on import"]
    assert deferred == reference
