"""Build the index from the measures directory: validate first, then publish or refuse.

Incremental by default: a record is re-parsed and re-indexed only when its file changed or
something it depends on did (its zones' entries, its pillar, its source); deleted files
leave the index. A new dictionary or schema version means a full build into a new generation.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from whoosh import index as whoosh_index

from . import store
from .codec import ProjectCodec
from .catalog import Report, check_id_collisions, load_taxonomy, record_paths
from .errors import ValidationFailed
from .lexicon import load_lexicon
from .model import Taxonomy
from .prepare import prepare
from .schema import SCHEMA_VERSION, build_schema, taxonomy_document

Progress = Callable[[Iterable, int, str], Iterable]
# Memory for sorting postings before they spill to disk: spilled runs are pickled, then
# merged back one posting at a time (Whoosh estimates 200 bytes a posting; about 150 real)
FULL_BUILD_MB = 2048


def codec():
    """The project's codec: posting lists as arrays (see codec.py)."""
    return ProjectCodec()


def _no_progress(items: Iterable, length: int, label: str) -> Iterable:
    return items


@dataclass
class BuildReport:
    mode: str  # "full", "incremental" or "unchanged"
    generation: str
    added: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0
    total: int = 0
    seconds: float = 0.0

    def summary(self) -> str:
        if self.mode == "unchanged":
            return f"index {self.generation} is up to date ({self.total} measures)"
        return (f"{self.mode} build of {self.generation}: {self.added} added, {self.updated} "
                f"updated, {self.deleted} deleted, {self.unchanged} unchanged; "
                f"{self.total} measures in {self.seconds:.2f} s")


def _digest(value) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()[:12]


class _Dependencies:
    """Digests of what a record's document is made of besides its own file."""

    def __init__(self, taxonomy: Taxonomy):
        self.zones = {k: _digest(v) for k, v in taxonomy.zones.items()}
        self.pillars = {k: _digest(v) for k, v in taxonomy.pillars.items()}
        self.sources = {k: _digest(v) for k, v in taxonomy.sources.items()}
        self.whole = _digest((sorted(self.zones.items()), sorted(self.pillars.items()),
                              sorted(self.sources.items())))
        self._known: dict = {}  # records share few (zones, pillar, source) combinations

    def of(self, zones, pillar, source) -> str:
        key = (tuple(zones), pillar, source)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = _digest(([self.zones.get(z) for z in zones],
                                                self.pillars.get(pillar), self.sources.get(source)))
        return found


def build_index(measures_dir: Path, index_dir: Path, rebuild: bool = False,
                progress: Progress = _no_progress) -> BuildReport:
    """Validate and index; raise ValidationFailed (publishing nothing) on any problem."""
    measures_dir, index_dir = Path(measures_dir), Path(index_dir)
    started = time.perf_counter()
    with store.build_lock(index_dir):
        store.clean(index_dir)
        report = Report(measures_dir)
        if not measures_dir.is_dir():
            report.add(measures_dir, 1, "(dir)", "the measures directory does not exist")
            raise ValidationFailed(report.problems)
        taxonomy = load_taxonomy(measures_dir, report)
        lexicon = load_lexicon(measures_dir, report)
        deps = _Dependencies(taxonomy)
        paths = record_paths(measures_dir)
        check_id_collisions(paths, report)

        current = store.current_generation(index_dir)
        manifest = store.read_manifest(current) if current else None
        ix = whoosh_index.open_dir(str(current)) if current and manifest else None
        full = (
            rebuild or ix is None
            or manifest.get("schema") != SCHEMA_VERSION
            or manifest.get("dictionary") != lexicon.dictionary_digest
            or manifest.get("toc") != ix.latest_generation()  # killed between commit and manifest
        )
        old = {} if full else manifest["files"]
        entries, changed, unchanged_ids = {}, [], set()
        for path in paths:
            st = path.stat()
            prev = old.get(path.name)
            if (prev and prev[0] == st.st_mtime_ns and prev[1] == st.st_size
                    and prev[6] == deps.of(prev[3], prev[4], prev[5])):
                entries[path.name] = prev
                unchanged_ids.add(prev[2])
            else:
                changed.append((path, st))

        schema = build_schema(lexicon.dictionary)
        result = BuildReport("full" if full else "incremental", "")
        taxonomy_changed = full or manifest.get("taxonomy") != deps.whole + lexicon.digest
        if not full and not changed and len(entries) == len(old) and not taxonomy_changed:
            result.mode, result.generation, result.unchanged = "unchanged", current.name, len(entries)
            result.total = len(entries)
            return result
        if full:
            generation = store.new_generation(index_dir)
            ix = whoosh_index.create_in(str(generation), schema)
            # one writer: the records are read and analysed in parallel (prepare.py)
            writer = ix.writer(limitmb=FULL_BUILD_MB, codec=codec(), compound=False)
            add = writer.add_document
        else:
            generation = current
            writer = ix.writer(limitmb=64, codec=codec(), compound=False)
            add = writer.update_document
        previous = {e[2] for e in old.values()}
        written = []
        try:
            # Documents go to the writer as they are prepared, none kept (at 100,000 records
            # they are gigabytes); after the first problem, records are only checked, and
            # with any problem the writer is cancelled: nothing is published.
            for path, st, facts, document, problems in progress(
                    prepare(changed, measures_dir, taxonomy, schema), len(changed), "Indexing"):
                report.problems.extend(problems)
                if facts is None:
                    continue
                measure_id, zones, pillar, source = facts
                entries[path.name] = [st.st_mtime_ns, st.st_size, measure_id, zones, pillar,
                                      source, deps.of(zones, pillar, source)]
                written.append(path.name)
                if measure_id in previous and not full:
                    result.updated += 1
                else:
                    result.added += 1
                if not report.problems:
                    add(**document)
            if report.problems:
                raise ValidationFailed(report.problems)
            live_ids = {e[2] for e in entries.values()}
            gone = sorted(previous - live_ids)
            for measure_id in gone:
                writer.delete_by_term("id", measure_id)
            if taxonomy_changed:
                writer.update_document(**taxonomy_document(taxonomy, lexicon))
            # An incremental commit adds a segment and merges none: merging deletes segment
            # files that readers in other processes may still have to open.
            writer.commit(optimize=full, merge=full)
        except BaseException:
            writer.cancel()
            raise
        result.total = len(entries)
        if not full:
            result.deleted, result.unchanged = len(gone), len(unchanged_ids)
        # only the rows of what changed are written (at 100,000 records, rewriting them
        # all was a large part of a one-record update)
        store.write_manifest(generation, {
            "schema": SCHEMA_VERSION,
            "dictionary": lexicon.dictionary_digest,
            "taxonomy": deps.whole + lexicon.digest,
            "toc": ix.latest_generation(),
        }, changed=entries if full else {name: entries[name] for name in written},
            removed=set(old) - set(entries), replace=full)
        if full:
            store.publish(index_dir, generation)
            store.clean(index_dir)
        result.generation = generation.name
        result.seconds = time.perf_counter() - started
        return result


def index_is_stale(measures_dir: Path, index_dir: Path) -> bool:
    """True when no index is published or anything under measures/ is newer than it."""
    current = store.current_generation(Path(index_dir))
    manifest_path = current / store.MANIFEST if current else None
    if manifest_path is None or not manifest_path.exists():
        return True
    built = manifest_path.stat().st_mtime_ns
    for root, dirs, files in os.walk(measures_dir):
        dirs[:] = [d for d in dirs if d != "drafts"]  # drafts are never indexed: no rebuild for them
        # a folder's own time changes when a file in it is deleted or renamed
        for path in [root, *(os.path.join(root, name) for name in files)]:
            if os.stat(path).st_mtime_ns > built:
                return True
    return False
