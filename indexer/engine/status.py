"""What `ftz status` reports of a published index: its generation, records, segments, size,
when it was written, and the readers' leases."""

from __future__ import annotations

import datetime
import os
import sqlite3
import time
from contextlib import closing
from pathlib import Path

from indexer.engine import store
from indexer.errors import IndexMissing


def index_status(index_dir: Path) -> dict:
    """The published generation's figures, as plain data (the JSON of `ftz status --json`)."""
    from indexer.engine.whooshfiles import files  # Whoosh: only once an index is there to read

    index_dir = Path(index_dir)
    current = store.current_generation(index_dir)
    if current is None:
        raise IndexMissing(index_dir)
    with closing(sqlite3.connect(f"file:{current / store.MANIFEST}?mode=ro", uri=True)) as db:
        records = db.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    sizes = files.segment_sizes(current)
    commit = files.latest_commit(current)
    written = files.commit_time(current)
    now = time.time()
    return {
        "index": str(index_dir),
        "generation": current.name,
        "commit": commit,
        "records": records,
        "documents": {"live": sum(live for live, _ in sizes),
                      "deleted": sum(total - live for live, total in sizes)},
        "segments": len(sizes),
        "segment_documents": [{"live": live, "deleted": total - live} for live, total in sizes],
        "size_bytes": _size(current),
        "folder_bytes": _size(index_dir),
        "written": datetime.datetime.fromtimestamp(written, datetime.timezone.utc)
                   .isoformat(timespec="seconds"),
        "generations": sorted(p.name for p in index_dir.glob(f"{store.PREFIX}*") if p.is_dir()),
        "leases": [{**lease, "expires_in": round(lease["expires"] - now, 1)}
                   for lease in store.leases(index_dir, now)],
    }


def _size(folder: Path) -> int:
    """Bytes of the files under `folder`, each file once (merged generations share some)."""
    seen, total = set(), 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                info = os.stat(os.path.join(root, name))
            except FileNotFoundError:
                continue
            if (info.st_dev, info.st_ino) not in seen:
                seen.add((info.st_dev, info.st_ino))
                total += info.st_size
    return total
