"""Opening a published generation for reading: the storage engine's, so that the search
facade (indexer/search/lifecycle.py) imports no Whoosh."""

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
