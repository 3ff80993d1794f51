"""The one place the search facade touches Whoosh's storage: opening a published generation.

This belongs in indexer/engine (no function there opens a generation's index for reading
yet); it is kept here, alone, so that lifecycle.py imports no Whoosh and the engine room can
take it over whole.
"""

from __future__ import annotations

from pathlib import Path

from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError

# what opening a generation raises when a build removed it, or an incremental commit removed
# the table of contents just listed, while it was being opened: try again
OPEN_ERRORS = (OSError, EmptyIndexError)


def open_generation(path: Path):
    """The index of a generation and a searcher on it (Whoosh's), read by plain file reads,
    not mmap: mapped segment files count in the worker's RSS."""
    ix = FileStorage(str(path), supports_mmap=False, readonly=True).open_index()
    return ix, ix.searcher()
