"""The index directory: generations of Whoosh indexes, a CURRENT pointer, and a build lock.

    <index>/CURRENT        name of the published generation, replaced atomically
    <index>/gen-000007/    one Whoosh index with its build manifest
    <index>/build.lock     held (flock) by the one build running
    <index>/readers/<pid>-<n>  the generation each open reader of each process searches

A full build writes a new generation and publishes it by replacing CURRENT; an
incremental build commits into the current generation, where Whoosh's own commit (new
segment files, then an atomically renamed table of contents) keeps readers consistent.
A build killed at any point leaves CURRENT naming a complete index; the next build
removes half-built generations. The kernel drops a dead process's flock, so no lock goes stale.
An older generation is removed only when no live process has it open (Whoosh opens some
files lazily, so a reader needs its generation's files for as long as it searches).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
from contextlib import contextmanager
from pathlib import Path

from .errors import IndexBusy

POINTER = "CURRENT"
LOCK = "build.lock"
MANIFEST = "manifest.json"
PREFIX = "gen-"
READERS = "readers"


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
    """Say that `reader` of this process searches `generation`, so that no build removes it."""
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


def read_manifest(generation: Path) -> dict | None:
    try:
        return json.loads((generation / MANIFEST).read_text(encoding="utf-8"))
    except (FileNotFoundError, ValueError):
        return None


def write_manifest(generation: Path, manifest: dict) -> None:
    _write_atomic(generation / MANIFEST, json.dumps(manifest, ensure_ascii=False))
