"""Changed records to index documents: read, validated and analysed, in worker processes.

Reading, checking and analysing a record is most of a build's work and needs nothing but
the record and the taxonomy, so a full build spreads it over the machine's cores; what
comes back is the document with its text fields already analysed (codec.Analysed), which
the one Whoosh writer then adds without analysing again. Small builds run in-process.
"""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

from .catalog import Report, load_measure, source_text_cache
from .codec import WordPositions
from .schema import measure_document

PARALLEL_FROM = 2000  # changed records; below this, starting processes costs more than it saves
CHUNK = 64  # records a worker takes at a time

_state: dict = {}  # what a worker needs, set before the workers are forked


def prepare(changed: list[str], root: Path, taxonomy, schema):
    """(name, measure facts or None, document or None, problems) for each changed record
    file, in order. Facts: (id, zones, pillar, source)."""
    _state.update(root=root, taxonomy=taxonomy, schema=schema,
                  squashed=source_text_cache(taxonomy))
    procs = min(os.cpu_count() or 1, 8)
    if len(changed) < PARALLEL_FROM or procs < 2:
        for name in changed:
            yield (name, *_prepare(name))
        return
    # fork: the workers inherit the taxonomy and the schema instead of unpickling them
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        for name, prepared in zip(changed, pool.imap(_prepare, changed, chunksize=CHUNK)):
            yield (name, *prepared)


def _prepare(name: str):
    report = Report(_state["root"])
    measure = load_measure(_state["root"] / name, _state["taxonomy"], report, _state["squashed"])
    if measure is None:
        return None, None, report.problems
    document = measure_document(measure, _state["taxonomy"])
    schema = _state["schema"]
    for name, value in document.items():
        fmt = schema[name].format if name in schema else None
        if isinstance(fmt, WordPositions) and isinstance(value, str):
            document[name] = fmt.analysed(value, schema[name].analyzer)
    facts = (measure.id, list(measure.zones), measure.pillar, measure.source)
    return facts, document, report.problems
