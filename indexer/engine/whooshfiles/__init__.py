"""Whoosh quarantined: the only code of the project that knows how Whoosh stores an index.

Whoosh stays the index of record (its writer, segments and atomic commit; its W3 codec's
stored fields and columns), and the project writes its own term dictionary, posting lists
and field lengths beside them. Doing so means knowing things Whoosh does not publish: the
byte layouts of W3's term information and of OrderedHashWriter's term table, the private
attributes of W3's writers and of ListMatcher, the names of a segment's files and of an
index's tables of contents and locks. All of that is here, and only here
(tests/test_layers.py): the rest of the project uses Whoosh's public API, or this package.

    codec.py       the codec (W3's, with array posting lists and exact lengths), the
                   matcher over an array posting list, opening a segment's posting file
    fieldwriter.py W3's field writer, writing the project's posting records
    lengths.py     every document's exact field lengths, a file per segment
    compactterms.py  the term dictionary (per field sorted terms, W3's term numbers) and its
                   reader, answering what W3TermsReader answers
    termfile.py    one field's terms of that dictionary read with pread, a block at a time
                   (what a serving process reads: no mapped page in its RSS)
    termtable.py   W3's term information layout; the earlier term dictionary in
                   OrderedHashWriter's format (the reference compactterms.py is tested against)
    files.py       an index folder's files: tables of contents, locks, segments, merges
    merges.py      a run of segments merged by copying their posting arrays
    segmentarrays.py  a segment's term table and posting records read as arrays

The layouts copied here are those of whoosh-reloaded 2.7.x: the modules that import
Whoosh refuse any other version at import (check_version), and pyproject.toml pins the same
range (tests/test_layers.py keeps both in step; tests/test_whoosh_readback.py reads what
the codec writes back through Whoosh's public reader).
"""

from __future__ import annotations

SUPPORTED_WHOOSH = ((2, 7, 5), (2, 8, 0))  # [from, to): the layouts and private names here


def requirement() -> str:
    """The range as pip writes it (pyproject.toml's pin)."""
    low, high = (".".join(map(str, v)) for v in SUPPORTED_WHOOSH)
    return f"whoosh-reloaded>={low},<{high.removesuffix('.0')}"


def check_version(version: tuple) -> None:
    """Refuse a Whoosh (whoosh.__version__, a tuple) whose files or private names this
    package was not written for."""
    if not SUPPORTED_WHOOSH[0] <= tuple(version[:3]) < SUPPORTED_WHOOSH[1]:
        shown = ".".join(map(str, version))
        raise ImportError(f"indexer.engine.whooshfiles needs {requirement()} (the byte layouts "
                          f"and private names it copies), not whoosh-reloaded {shown}")
