"""The index directory: generations of Whoosh indexes, a CURRENT pointer, and a build lock.

    <index>/CURRENT        name of the published generation, replaced atomically
    <index>/gen-000007/    one Whoosh index with its build manifest (SQLite: one row per
                           record file, rewritten only where a build changed something)
    <index>/build.lock     held (flock) by the one build running
    <index>/readers/<pid>-<n>  a generation a process has open (one record per opened
                           generation, removed when its last search or page ends)

A full build writes a new generation and publishes it by replacing CURRENT; an
incremental build commits into the current generation, where Whoosh's own commit (new
segment files, then an atomically renamed table of contents) keeps readers consistent.
A build killed at any point leaves CURRENT naming a complete index; the next build
removes half-built generations. The kernel drops a dead process's flock, so no lock goes stale.
An older generation is removed only when no live process has it open (Whoosh opens some
files lazily, so a reader needs its generation's files for as long as it searches). A
reader registers a generation before it opens it and then checks that CURRENT still names
it: a build that published a newer one before the record was written may have removed it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import shutil
import sqlite3
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Callable

from .errors import IndexBusy

POINTER = "CURRENT"
LOCK = "build.lock"
MANIFEST = "manifest.sqlite"
PREFIX = "gen-"
READERS = "readers"
_TOC_RE = re.compile(r"^_MAIN_([0-9]+)\.toc$")  # see latest_commit


def current_generation(index_dir: Path) -> Path | None:
    try:
        name = (Path(index_dir) / POINTER).read_text(encoding="utf-8").strip()
    except (FileNotFoundError, NotADirectoryError):
        return None
    path = Path(index_dir) / name
    return path if name.startswith(PREFIX) and path.is_dir() else None


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def new_generation(index_dir: Path) -> Path:
    numbers = [int(p.name[len(PREFIX):]) for p in Path(index_dir).glob(f"{PREFIX}*")
               if p.name[len(PREFIX):].isdigit()]
    path = Path(index_dir) / f"{PREFIX}{max(numbers, default=0) + 1:06d}"
    path.mkdir()
    return path


def publish(index_dir: Path, generation: Path) -> None:
    _write_atomic(Path(index_dir) / POINTER, generation.name + "\n")


def register_reader(index_dir: Path, generation: Path, reader: str) -> None:
    """Say that `reader` of this process reads `generation`, so that no build removes it."""
    folder = Path(index_dir) / READERS
    folder.mkdir(exist_ok=True)
    _write_atomic(folder / f"{os.getpid()}-{reader}", generation.name)


def unregister_reader(index_dir: Path, reader: str) -> None:
    (Path(index_dir) / READERS / f"{os.getpid()}-{reader}").unlink(missing_ok=True)


def generations_in_use(index_dir: Path) -> set[str]:
    """Generations that a live process has open; records of dead processes are dropped."""
    used = set()
    for record in (Path(index_dir) / READERS).glob("[0-9]*"):
        try:
            os.kill(int(record.name.split("-")[0]), 0)
        except ProcessLookupError:
            record.unlink(missing_ok=True)
            continue
        except (PermissionError, ValueError):
            pass  # alive but not ours to signal: keep what it uses
        try:
            used.add(record.read_text(encoding="utf-8").strip())
        except FileNotFoundError:
            continue
    return used


def clean(index_dir: Path) -> list[str]:
    """Remove half-built generations and older ones no live reader has open; call under the lock."""
    current = current_generation(index_dir)
    gens = sorted(p for p in Path(index_dir).glob(f"{PREFIX}*") if p.is_dir())
    removed = []
    in_use = generations_in_use(index_dir)
    if current is None:
        doomed = gens
    else:
        older = [g for g in gens if g.name < current.name and g.name not in in_use]
        newer = [g for g in gens if g.name > current.name]  # a killed build's leftovers
        doomed = older + newer
    for gen in doomed:
        shutil.rmtree(gen, ignore_errors=True)
        removed.append(gen.name)
    for tmp in Path(index_dir).glob(".*.tmp"):
        tmp.unlink(missing_ok=True)
    return removed


@contextmanager
def build_lock(index_dir: Path):
    Path(index_dir).mkdir(parents=True, exist_ok=True)
    with open(Path(index_dir) / LOCK, "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise IndexBusy(f"another build is running on {index_dir}") from None
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


_MANIFEST_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (name TEXT PRIMARY KEY, mtime_ns INTEGER, size INTEGER,
                                  id TEXT, zones TEXT, pillar TEXT, source TEXT, deps TEXT);
"""


def manifest_settings(generation: Path) -> dict | None:
    """The settings of the build that wrote the generation's manifest (schema version,
    dictionary and taxonomy digests, the Whoosh commit it describes), or None when the
    generation has no readable manifest."""
    path = generation / MANIFEST
    if not path.exists():
        return None
    try:
        with closing(sqlite3.connect(path)) as db:
            settings = {k: json.loads(v) for k, v in db.execute("SELECT key, value FROM meta")}
    except (sqlite3.DatabaseError, ValueError):
        return None
    return settings if "toc" in settings else None


def manifest_changes(generation: Path, files: list[tuple[str, int, int]],
                     is_stale: Callable[[list, str, str, str], bool] | None = None
                     ) -> tuple[list[str], set[str], list[str]]:
    """What a build must redo, compared in bulk with the manifest: the names of `files`
    ((name, mtime_ns, size), by name) whose row is missing or differs, or, with `is_stale`,
    whose record depends on something that changed since (`is_stale(zones, pillar, source,
    deps)`, asked once per distinct combination, not per row); those of them with no row
    (new files); and the names of rows with no file."""
    with closing(sqlite3.connect(generation / MANIFEST)) as db:
        rows = db.execute("SELECT name, mtime_ns, size FROM files ORDER BY name").fetchall()
        # the usual case, files edited in place: both lists side by side (names sort alike
        # in SQLite and Python: UTF-8 keeps the order of code points)
        differ = ([i for i, (f, row) in enumerate(zip(files, rows)) if f != row]
                  if len(files) == len(rows) else None)
        if differ is not None and all(files[i][0] == rows[i][0] for i in differ):
            changed, new, removed = {files[i][0] for i in differ}, set(), []
        else:  # files added, removed or renamed
            known = {row[0]: row for row in rows}
            present = {f[0] for f in files}
            changed = {f[0] for f in files if known.get(f[0]) != f}
            new = {name for name in changed if name not in known}
            removed = sorted(name for name in known if name not in present)
        if is_stale is not None:
            gone = set(removed)
            for zones, pillar, source, deps in db.execute(
                    "SELECT DISTINCT zones, pillar, source, deps FROM files").fetchall():
                if is_stale(json.loads(zones), pillar, source, deps):
                    changed.update(name for (name,) in db.execute(
                        "SELECT name FROM files WHERE zones = ? AND pillar = ? AND source = ? "
                        "AND deps = ?", (zones, pillar, source, deps)) if name not in gone)
    return sorted(changed), new, removed


def latest_commit(generation: Path) -> int:
    """The number of the generation's last Whoosh commit, as whoosh's
    Index.latest_generation() says (its tables of contents are named _MAIN_<n>.toc), read
    from the file names so that a build which finds nothing to do never imports Whoosh;
    tests/test_index.py checks that both agree. -1 when there is none."""
    found = [int(m.group(1)) for name in os.listdir(generation) if (m := _TOC_RE.match(name))]
    return max(found, default=-1)


def write_manifest(generation: Path, settings: dict, changed: dict, removed=(),
                   replace: bool = False) -> None:
    """Write the build's settings and the rows of the changed files, delete the removed
    ones (all the others when `replace`), in one transaction: a build killed before it
    ends leaves the previous manifest whole, whose table of contents then differs from
    the index's (see build.py)."""
    with closing(sqlite3.connect(generation / MANIFEST)) as db:
        db.executescript(_MANIFEST_SCHEMA)
        with db:
            if replace:
                db.execute("DELETE FROM files")
            db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in removed])
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(name, e[0], e[1], e[2], json.dumps(e[3]), e[4], e[5], e[6])
                 for name, e in changed.items()])
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [(k, json.dumps(v)) for k, v in settings.items()])
