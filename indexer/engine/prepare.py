"""Changed records to index documents: read, validated and analysed, in worker processes.

Reading, checking and analysing a record is most of a build's work and needs nothing but
the record and the taxonomy, so it runs in the processes that write the segments
(segments.py); what comes back is the document with its text fields already analysed
(codec.Analysed), which the segment's writer adds without analysing again. Small builds
run in-process.
"""

from __future__ import annotations

from pathlib import Path

from indexer.errors import Report
from indexer.records.validation import load_measure, source_text_cache
from indexer.engine.entries import WordPositions
from indexer.engine.schema import measure_document

_state: dict = {}  # what a worker needs, set before the workers are forked


def set_up(root: Path, taxonomy, schema) -> None:
    """What prepare_one needs; call before forking workers (they inherit it)."""
    _state.update(root=Path(root), taxonomy=taxonomy, schema=schema,
                  squashed=source_text_cache(taxonomy))


def before_fork() -> None:
    """Build the record's models here, once, before the workers are forked: they are built
    when first used (pydantic's defer_build, records/schema.py), which would be once in each
    worker (0.05-0.1 s each, pydantic's plugin lookup included)."""
    from indexer.records.schema import LineageStep, Measure

    Measure.model_rebuild()
    LineageStep.model_rebuild()


def schema():
    return _state["schema"]


def prepare_one(name: str):
    """(facts or None, document or None, problems) of one record file."""
    report = Report(_state["root"])
    measure = load_measure(_state["root"] / name, _state["taxonomy"], report, _state["squashed"])
    if measure is None:
        return None, None, report.problems
    document = measure_document(measure, _state["taxonomy"])
    schema = _state["schema"]
    for field, value in document.items():
        fmt = schema[field].format if field in schema else None
        if isinstance(fmt, WordPositions) and isinstance(value, str):
            document[field] = fmt.analysed(value, schema[field].analyzer)
    facts = (measure.id, list(measure.zones), measure.pillar, measure.source)
    return facts, document, report.problems
