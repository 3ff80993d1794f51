"""What an update asks of the folder's scan, asked ahead: in `ftz index`'s scan child
(records/folderscan.Prescan), before the build takes its lock, so that comparing 100,000
files with the last build's kept scan runs beside the parent's imports.

The build takes the answer only when the kept scan's digest it reads under its lock is the
one the child compared with: store.scan_changes' answer depends on that kept scan (named by
its digest) and the files alone. Otherwise, or without an answer, it compares by itself.
This module imports only the store, not the build."""

from __future__ import annotations

from pathlib import Path

from indexer.engine import store


def changes(index_dir, files: list) -> tuple | None:
    """(the kept scan's digest, store.scan_changes' answer against it, {name: (mtime_ns,
    size)} of the changed files), or None when the current generation keeps no scan."""
    current = store.current_generation(Path(index_dir))
    settings = store.manifest_settings(current) if current else None
    kept = settings.get("files") if settings else None
    if not kept:
        return None
    found = store.scan_changes(current, kept, files)
    wanted = set(found[0]) if found else set()
    return kept, found, {name: (mtime, size) for name, mtime, size in files if name in wanted}


def taken(folder, kept: str | None, generation: Path):
    """store.scan_changes(generation, kept, folder.files) and the changed files' (mtime_ns,
    size) by name: the child's answer when it compared the same kept scan, else computed
    here (the entries then None: the build takes them from the files). A child that found
    no kept scan it could use answered None: compared here again, as the plain path does."""
    ahead = folder.ahead
    if (kept and isinstance(ahead, tuple) and len(ahead) == 3 and ahead[0] == kept
            and ahead[1] is not None):
        return ahead[1], ahead[2]
    return store.scan_changes(generation, kept, folder.files), None
