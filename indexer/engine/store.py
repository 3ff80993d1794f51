"""The index directory: generations of Whoosh indexes, a CURRENT pointer, a build lock, leases.

    <index>/CURRENT        name of the published generation, replaced atomically
    <index>/gen-000007/    one Whoosh index with its build manifest (SQLite: one row per
                           record file, rewritten only where a build changed something)
    <index>/build.lock     held (flock) by the one build running
    <index>/readers/<host>-<pid>-<token>  a reader's lease on a generation it has open:
                           the generation's name and until when the lease holds

A full build (or a merge, merging.py) writes a new generation and publishes it by
replacing CURRENT; an incremental build commits into the current generation, where
Whoosh's own commit (new segment files, then an atomically renamed table of contents)
keeps readers consistent. A build killed at any point leaves CURRENT naming a complete
index; the next build removes half-built generations. The kernel drops a dead process's
flock, so no lock goes stale.

An older generation is removed only when no unexpired lease holds it (Whoosh opens some
files lazily, so a reader needs its generation's files for as long as it searches). A
reader takes its lease before it opens a generation and then checks that CURRENT still
names it: a build that published a newer one before the lease was written may have
removed it. A lease is renewed while its holder reads (a timer, and each search) and
expires when it is not: a reader on another host, or in another PID namespace, is never
judged by a process id, and one killed outright lets its generation go one lease later.
Hosts sharing a folder are assumed to keep their clocks within a small part of a lease
(NTP); a reader stalled for longer than a lease may find its generation gone.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import marshal
import os
import re
import secrets
import shutil
import socket
import sqlite3
import threading
import time
import weakref
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Callable

from indexer.errors import IndexBusy

POINTER = "CURRENT"
LOCK = "build.lock"
MANIFEST = "manifest.sqlite"
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


LEASE_SECONDS = 60.0  # how long a lease holds unrenewed; FTZ_LEASE_SECONDS overrides
_HOST_UNSAFE = re.compile(r"[^A-Za-z0-9_.]+")


def lease_seconds() -> float:
    return float(os.environ.get("FTZ_LEASE_SECONDS") or LEASE_SECONDS)


def host_id() -> str:
    """This machine's id in lease names: $FTZ_HOST_ID (tests fake hosts with it), else
    /etc/machine-id, else the host name."""
    found = os.environ.get("FTZ_HOST_ID")
    if not found:
        try:
            found = Path("/etc/machine-id").read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            found = ""
    return _HOST_UNSAFE.sub("_", found or socket.gethostname())[:64] or "host"


class Lease:
    """A reader's claim on one generation, in readers/<host>-<pid>-<token>: the
    generation's name and the time (seconds since the epoch) the claim holds until.
    Renewed by a timer of this process while held (and by renew() on each use); gone
    with release(), or, if its holder dies, once it expires."""

    def __init__(self, index_dir: Path, generation: Path, seconds: float | None = None):
        self.generation = Path(generation).name
        self.seconds = seconds or lease_seconds()
        self.holder = f"{host_id()}-{os.getpid()}-{secrets.token_hex(6)}"
        folder = Path(index_dir) / READERS
        folder.mkdir(exist_ok=True)
        self.path = folder / self.holder
        self._pid = os.getpid()
        # reentrant, as the renewer's: its owner's finalizer may release it from inside
        # renew() (garbage collection in the renewer's thread); a renewal finishing after
        # that leaves a file that holds the generation one lease longer, never shorter
        self._lock = threading.RLock()
        self._renewed = None
        self.released = False
        self.renew(force=True)
        _RENEWER.add(self)

    def renew(self, force: bool = False) -> None:
        """Hold the generation for one more lease from now; unless forced, at most once
        every third of a lease (cheap enough to call on each search)."""
        with self._lock:
            now = time.monotonic()
            if self.released or (not force and now - self._renewed < self.seconds / 3):
                return
            _write_atomic(self.path, json.dumps({"generation": self.generation,
                                                 "expires": time.time() + self.seconds}))
            self._renewed = now

    def release(self) -> None:
        with self._lock:
            if self.released:
                return
            self.released = True
            if os.getpid() == self._pid:  # not a forked child's copy of its parent's lease
                self.path.unlink(missing_ok=True)
        _RENEWER.discard(self)


class _Renewer:
    """One daemon thread per process renewing its held leases, running while any is held."""

    def __init__(self):
        self._leases: weakref.WeakSet = weakref.WeakSet()
        # reentrant: a reader dropped without close() releases its lease from a finalizer,
        # which garbage collection may run in this thread while it holds the lock (inside
        # list(self._leases)); with a plain Lock the renewer then waited on itself forever
        self._lock = threading.RLock()
        self._thread: threading.Thread | None = None
        self._wake = threading.Event()  # a new lease, perhaps shorter than those held

    def add(self, lease: Lease) -> None:
        with self._lock:
            self._leases.add(lease)
            self._wake.set()
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="ftz-leases", daemon=True)
                self._thread.start()

    def discard(self, lease: Lease) -> None:
        with self._lock:
            self._leases.discard(lease)

    def _run(self) -> None:
        while True:
            with self._lock:
                leases = list(self._leases)
                if not leases:
                    self._thread = None
                    return
            # each renewal is due a third of a lease after the last: look twice as often
            period = min(lease.seconds for lease in leases) / 6
            del leases
            if self._wake.wait(period):
                self._wake.clear()
                continue
            with self._lock:
                due = list(self._leases)
            for lease in due:
                try:
                    lease.renew()
                except OSError:  # the folder unreachable for a moment: the next round tries again
                    pass

    def forget(self) -> None:
        """In a forked child: the parent's leases are the parent's to renew."""
        self._lock = threading.RLock()
        self._leases = weakref.WeakSet()
        self._thread = None
        self._wake = threading.Event()


_RENEWER = _Renewer()
os.register_at_fork(after_in_child=_RENEWER.forget)


def take_lease(index_dir: Path, generation: Path) -> Lease:
    """Lease `generation` for a reader of this process, so that no build removes it."""
    return Lease(index_dir, generation)


def leases(index_dir: Path, now: float | None = None) -> list[dict]:
    """Every lease in the folder: holder, generation, expires (epoch seconds), expired.
    A record of an earlier version of ftz (a bare generation name) or one that cannot be
    read holds as a lease written when the file was last modified."""
    now = time.time() if now is None else now
    out = []
    for record in sorted((Path(index_dir) / READERS).glob("[!.]*")):
        try:
            text = record.read_text(encoding="utf-8")
            try:
                data = json.loads(text)
                generation, expires = str(data["generation"]), float(data["expires"])
            except (ValueError, KeyError, TypeError):
                generation, expires = text.strip(), record.stat().st_mtime + lease_seconds()
        except FileNotFoundError:  # released meanwhile
            continue
        out.append({"holder": record.name, "generation": generation, "expires": expires,
                    "expired": expires < now})
    return out


def generations_in_use(index_dir: Path) -> set[str]:
    """Generations an unexpired lease holds; expired leases are removed."""
    used = set()
    for lease in leases(index_dir):
        if lease["expired"]:
            (Path(index_dir) / READERS / lease["holder"]).unlink(missing_ok=True)
        else:
            used.add(lease["generation"])
    return used


def clean(index_dir: Path) -> list[str]:
    """Remove half-built generations and older ones no unexpired lease holds; call under the lock."""
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
    stale = time.time() - 2 * lease_seconds()  # a renewal's file its writer never renamed
    for tmp in (Path(index_dir) / READERS).glob(".*.tmp"):
        try:
            if tmp.stat().st_mtime < stale:
                tmp.unlink(missing_ok=True)
        except FileNotFoundError:
            pass
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
CREATE TABLE IF NOT EXISTS scan (blob BLOB NOT NULL);
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


def scan_changes(generation: Path, digest: str, files: list[tuple[str, int, int]]
                 ) -> tuple[list[str], set[str], list[str]] | None:
    """manifest_changes() without reading the rows: `files` ((name, mtime_ns, size), in the
    folder's order) against the last build's scan, kept whole in the manifest (a marshal
    blob of the same list, whose digest the build stored as `digest`: its "files"
    setting). None when there is no such blob or it is not the one `digest` names (a
    manifest of an earlier version): then ask manifest_changes()."""
    with closing(sqlite3.connect(generation / MANIFEST)) as db:
        try:
            found = db.execute("SELECT blob FROM scan").fetchone()
        except sqlite3.DatabaseError:  # no such table: a manifest of an earlier version
            return None
    if found is None or scan_digest(found[0]) != digest:
        return None
    rows = marshal.loads(found[0])
    # the usual case, files edited in place: the folder lists them in the same order
    if len(files) == len(rows):
        differ = [i for i, (f, row) in enumerate(zip(files, rows)) if f != row]
        if all(files[i][0] == rows[i][0] for i in differ):
            return sorted(files[i][0] for i in differ), set(), []
    known = {row[0]: row for row in rows}  # files added, removed or renamed
    present = {f[0] for f in files}
    changed = {f[0] for f in files if known.get(f[0]) != f}
    return (sorted(changed), {name for name in changed if name not in known},
            sorted(name for name in known if name not in present))


def scan_digest(blob: bytes) -> str:
    """The digest of a scan as the manifest keeps it: marshal.dumps(files)."""
    return hashlib.blake2b(blob, digest_size=16).hexdigest()


def write_manifest(generation: Path, settings: dict, changed: dict, removed=(),
                   replace: bool = False, scan: bytes | None = None) -> None:
    """Write the build's settings and the rows of the changed files, delete the removed
    ones (all the others when `replace`), and, given, the scan they were built from
    (marshal.dumps of it), in one transaction: a build killed before it ends leaves the previous
    manifest whole, whose table of contents then differs from the index's (see build.py)."""
    with closing(sqlite3.connect(generation / MANIFEST)) as db:
        db.executescript(_MANIFEST_SCHEMA)
        with db:
            if scan is not None:
                db.execute("DELETE FROM scan")
                db.execute("INSERT INTO scan VALUES (?)", (scan,))
            if replace:
                db.execute("DELETE FROM files")
            db.executemany("DELETE FROM files WHERE name = ?", [(n,) for n in removed])
            db.executemany(
                "INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [(name, e[0], e[1], e[2], json.dumps(e[3]), e[4], e[5], e[6])
                 for name, e in changed.items()])
            db.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                           [(k, json.dumps(v)) for k, v in settings.items()])
