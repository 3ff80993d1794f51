"""A full build's work timed by phase, in one process: where the processor time goes.

    python -m tests.bench.generate 10000 DIR other
    python -m tests.bench.phases DIR

The records are cut into the chunks a full build on two cores writes as segments
(segments.chunks), and each chunk is read, checked, analysed and written in this process,
as a worker writes it (segments._write_segment), with each phase's processor time
(time.process_time: other processes on the machine count less than in wall time) summed
over all records: reading and checking (load_measure), the document (measure_document),
the analysis of each text field, Whoosh's add_document, the segment's commit (the field
writer's inversion, posting records and term dictionary). Nothing is published: the
segments are written into a temporary folder and removed. The build itself runs these
chunks in two worker processes at once; its processor time is about this total.
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path


def phases(measures: Path, workers: int = 2) -> dict[str, float]:
    from whoosh.filedb.filestore import FileStorage

    from indexer.analysis.terms import VOCABULARY
    from indexer.engine import merging, prepare, segments
    from indexer.engine.build import codec
    from indexer.engine.entries import WordPositions
    from indexer.engine.schema import build_schema, measure_document
    from indexer.errors import Report
    from indexer.records.catalog import scan_records
    from indexer.records.lexicon import load_lexicon
    from indexer.records.taxonomy import load_taxonomy
    from indexer.records.validation import load_measure

    clock = time.process_time
    spent: dict[str, float] = defaultdict(float)
    started = clock()
    report = Report(measures)
    taxonomy, lexicon = load_taxonomy(measures, report), load_lexicon(measures, report)
    files = sorted((name, size) for name, _mtime, size in scan_records(measures))
    schema = build_schema(lexicon.dictionary)
    prepare.set_up(measures, taxonomy, schema)
    spent["taxonomy, lexicon, scan, schema"] = clock() - started
    most = merging.POLICY.full_build_segments(len(files))
    with tempfile.TemporaryDirectory() as folder:
        for i, names in enumerate(segments.chunks(files, None, workers, most)):
            VOCABULARY.reset()
            ix = FileStorage(folder).create_index(schema, indexname=f"phases{i}")
            writer = ix.writer(codec=codec(), compound=False, limitmb=1024)
            for name in names:
                at = clock()
                measure = load_measure(measures / name, taxonomy, Report(measures),
                                       prepare._state["squashed"])
                if measure is None:
                    raise SystemExit(f"{name} is not a valid record")
                spent["reading and checking records"] += clock() - at
                at = clock()
                document = measure_document(measure, taxonomy)
                spent["making documents"] += clock() - at
                for field, value in document.items():
                    fmt = schema[field].format if field in schema else None
                    if isinstance(fmt, WordPositions) and isinstance(value, str):
                        at = clock()
                        document[field] = fmt.analysed(value, schema[field].analyzer)
                        spent[f"analysis: {field}"] += clock() - at
                at = clock()
                writer.add_document(**document)
                spent["Whoosh add_document"] += clock() - at
            at = clock()
            writer.commit()
            spent["segment commit (inversion, postings, terms)"] += clock() - at
        VOCABULARY.reset()
    spent["total"] = clock() - started
    return dict(spent)


def main(argv=None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit(__doc__)
    for phase, seconds in phases(Path(args[0])).items():
        print(f"{phase:45s} {seconds:7.2f}")


if __name__ == "__main__":
    main()
