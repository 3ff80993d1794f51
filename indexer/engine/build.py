"""Build the index from the measures directory: validate first, then publish or refuse.

Incremental by default: a record is re-parsed and re-indexed only when its file changed or
something it depends on did (its zones' entries, its pillar, its source); deleted files
leave the index. A new dictionary or schema version means a full build into a new generation.
What changed is found from one scan of the folder and the manifest, compared in bulk; Whoosh,
the analysis and numpy are loaded only when something did (`ftz index` with nothing to do
answers in a fraction of a second at 100,000 records). After an incremental build, once its
commit is published (searchable), the merge policy (merging.py) may merge segments, still
under the build lock, and publish the merge as a generation of its own.
"""

from __future__ import annotations

import hashlib
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

from indexer.engine import merging
from indexer.engine import scanahead
from indexer.engine import store
from indexer.engine import taxonomycache
from indexer.engine.whooshfiles.files import latest_commit
from indexer.records.catalog import check_id_collisions
from indexer.records.folderscan import scan_with_blob
from indexer.records.taxonomy import load_taxonomy
from indexer.errors import Report, ValidationFailed
from indexer.records.lexicon import load_lexicon
from indexer.records.model import Taxonomy
from indexer.records.register import check_items
from indexer.engine.schema import SCHEMA_VERSION

Progress = Callable[[Iterable, int, str], Iterable]


def write_imports():
    """What _write imports, one module (and what it imports) a step, numpy's first (the
    most costly): `ftz index` takes these steps while the folder's scan runs in its child
    (folderscan.Prescan.meanwhile), time it would otherwise spend waiting for the scan."""
    from indexer.engine import segments  # noqa: F401 (numpy)
    yield
    from whoosh import index, reading  # noqa: F401
    yield
    from indexer.engine import cutcache  # noqa: F401
    from indexer.analysis import segmentation  # noqa: F401
    yield


def codec():
    """The project's codec: posting lists as arrays (postingfile.py, whooshfiles/codec.py)."""
    from indexer.engine.whooshfiles.codec import ProjectCodec

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
    seconds: float = 0.0  # the whole call, a merge after the build included
    # the generation the build published (searchable) and when, before any merge ran
    published: str = ""
    published_seconds: float = 0.0
    # a merge after the build, published as a generation of its own (`generation`):
    # segments before and after, and the seconds it took
    merged: tuple[int, int] | None = None
    merge_seconds: float = 0.0

    def summary(self) -> str:
        if self.mode == "unchanged":
            return f"index {self.generation} is up to date ({self.total} measures)"
        merged = (f"; then {self.merged[0]} segments merged into {self.merged[1]} in "
                  f"{self.merge_seconds:.2f} s, published as {self.generation}"
                  if self.merged else "")
        return (f"{self.mode} build of {self.published}: {self.added} added, {self.updated} "
                f"updated, {self.deleted} deleted, {self.unchanged} unchanged; "
                f"{self.total} measures in {self.published_seconds:.2f} s{merged}")


def _digest(value) -> str:
    return hashlib.sha1(repr(value).encode("utf-8")).hexdigest()[:12]


class _Dependencies:
    """Digests of what a record's document is made of besides its own file."""

    def __init__(self, taxonomy: Taxonomy):
        self.zones = {k: _digest(v) for k, v in taxonomy.zones.items()}
        self.pillars = {k: _digest(v) for k, v in taxonomy.pillars.items()}
        self.sources = {k: _digest(v) for k, v in taxonomy.sources.items()}
        # the register reaches records only through their own lineage steps (by batch id),
        # but it is part of the taxonomy snapshot the index stores
        register = _digest((sorted(taxonomy.batches.items()), list(taxonomy.reform_fields.items()),
                            sorted(taxonomy.totals.items())))
        self.whole = _digest((sorted(self.zones.items()), sorted(self.pillars.items()),
                              sorted(self.sources.items()), register))
        self._known: dict = {}  # records share few (zones, pillar, source) combinations

    def of(self, zones, pillar, source) -> str:
        key = (tuple(zones), pillar, source)
        found = self._known.get(key)
        if found is None:
            found = self._known[key] = _digest(([self.zones.get(z) for z in zones],
                                                self.pillars.get(pillar), self.sources.get(source)))
        return found

    def stale(self, zones, pillar, source, digest: str) -> bool:
        """Whether a record built with these dependencies' `digest` must be built again."""
        return digest != self.of(zones, pillar, source)


def build_index(measures_dir: Path, index_dir: Path, rebuild: bool = False,
                progress: Progress = _no_progress,
                merge_policy: merging.TieredMergePolicy | None = merging.POLICY,
                scan: Callable = scan_with_blob) -> BuildReport:
    """Validate and index; raise ValidationFailed (publishing nothing) on any problem.
    After an incremental build, merge segments as `merge_policy` says (None: never).
    `scan`: folderscan.scan_with_blob, or what answers exactly as it does (folderscan.Prescan,
    the scan begun in a child process before `ftz index` imported this module)."""
    measures_dir, index_dir = Path(measures_dir), Path(index_dir)
    started = time.perf_counter()
    with store.build_lock(index_dir):
        store.clean(index_dir)
        report = Report(measures_dir)
        if not measures_dir.is_dir():
            report.add(measures_dir, 1, "(dir)", "the measures directory does not exist")
            raise ValidationFailed(report.problems)
        others: list[str] = []  # the folder's entries but its records, from the same listing
        # (name, mtime_ns, size) of each file, in the folder's order: folderscan.FolderScan
        folder = scan(measures_dir, others)
        blob = folder.blob
        taxonomy, lexicon = _taxonomy_and_lexicon(measures_dir, index_dir, report, others)
        deps = _Dependencies(taxonomy)
        scanned = store.scan_digest(blob)

        # what changed, found from one scan of the folder and the last build's, compared in bulk
        current = store.current_generation(index_dir)
        settings = store.manifest_settings(current) if current else None
        full = (
            rebuild or settings is None
            or settings.get("schema") != SCHEMA_VERSION
            or settings.get("dictionary") != lexicon.dictionary_digest
            or settings.get("toc") != latest_commit(current)  # killed between commit and manifest
        )
        taxonomy_changed = full or settings.get("taxonomy") != deps.whole + lexicon.digest
        result = BuildReport("full" if full else "incremental", "", total=folder.count)
        if not full and not taxonomy_changed and settings.get("files") == scanned:
            # every file as the last build saw it: no row needs reading
            result.mode, result.generation = "unchanged", current.name
            result.unchanged = folder.count
            result.published = current.name
            result.seconds = time.perf_counter() - started
            return result
        entries = None  # the changed files' (mtime_ns, size), when compared ahead
        if full:
            changed = sorted(name for name, _, _ in folder.files)
            new, removed = set(changed), []
        else:
            # a record's dependencies can have changed only with the taxonomy; the last
            # build's scan, kept in the manifest, answers without reading its rows
            # (compared ahead by `ftz index`'s scan child when it could: scanahead.py)
            found, entries = (None, None) if taxonomy_changed else \
                scanahead.taken(folder, settings.get("files"), current)
            changed, new, removed = found or store.manifest_changes(
                current, sorted(folder.files), deps.stale if taxonomy_changed else None)
        if full or new:  # the last build's names had no collision: only a new one can make one
            _check_ids(measures_dir, folder.files, report)
        check_items(measures_dir, taxonomy, report)
        if not full and not (changed or removed or taxonomy_changed):
            result.mode, result.generation = "unchanged", current.name
            result.unchanged = folder.count
            result.published = current.name
            store.write_manifest(current, {"files": scanned}, changed={}, scan=blob)
            result.seconds = time.perf_counter() - started
            return result
        wanted = set(changed)
        files = entries if entries is not None else \
            {name: (mtime, size) for name, mtime, size in folder.files if name in wanted}

        generation = store.new_generation(index_dir) if full else current
        # a full build writes no more segments than the merge policy allows with room for
        # the next update's (issue 21); without a policy, as many as the default's
        most = (merge_policy or merging.POLICY).full_build_segments(len(changed)) if full else None
        rows = _write(generation, measures_dir, taxonomy, lexicon, deps, files, changed, new,
                      removed, taxonomy_changed, full, report, progress, most)
        result.added = len(new)
        result.updated = len(changed) - len(new)
        if not full:
            result.deleted, result.unchanged = len(removed), folder.count - len(changed)
        store.write_manifest(generation, {
            "schema": SCHEMA_VERSION,
            "dictionary": lexicon.dictionary_digest,
            "taxonomy": deps.whole + lexicon.digest,
            "toc": latest_commit(generation),
            "files": scanned,
        }, changed=rows, removed=removed, replace=full, scan=blob)
        if full:
            store.publish(index_dir, generation)
            store.clean(index_dir)
        # the build's generation is published (an incremental build's commit into the
        # current one is, by Whoosh's atomic table of contents): searchable before any merge
        result.published = result.generation = generation.name
        result.published_seconds = time.perf_counter() - started
        if not full and merge_policy is not None:
            merge_started = time.perf_counter()
            merged = merging.merge_if_needed(index_dir, generation, merge_policy, codec)
            if merged is not None:
                generation, before, after = merged
                result.merged = (before, after)
                result.merge_seconds = time.perf_counter() - merge_started
                result.generation = generation.name
        result.seconds = time.perf_counter() - started
        return result


def _taxonomy_and_lexicon(measures_dir: Path, index_dir: Path, report: Report,
                          others: list[str] | None = None):
    """The loaders' answer, from the last build's kept copy when nothing they read changed
    (taxonomycache.py); a load that found no problem is kept for the next build."""
    wanted = taxonomycache.key(measures_dir, others)
    kept = taxonomycache.load(index_dir, wanted)
    if kept is not None:
        return kept
    problems = len(report.problems)
    taxonomy = load_taxonomy(measures_dir, report)
    lexicon = load_lexicon(measures_dir, report)
    if len(report.problems) == problems:
        taxonomycache.save(index_dir, wanted, taxonomy, lexicon)
    return taxonomy, lexicon


def _check_ids(root: Path, scan: list, report: Report) -> None:
    """Two record files whose names differ only in case: the slow check, with paths, only
    when the names say there is a collision."""
    folded = {name[:-3].casefold() for name, _, _ in scan}
    if len(folded) < len(scan):
        check_id_collisions([root / name for name, _, _ in sorted(scan)], report)


def _write(generation: Path, measures_dir: Path, taxonomy: Taxonomy, lexicon, deps,
           files: dict, changed: list[str], new: set[str], removed: list[str],
           taxonomy_changed: bool, full: bool, report: Report, progress: Progress,
           most: int | None = None) -> dict:
    """Index the changed records into the generation (a new one when `full`) and commit;
    return their manifest rows. Whoosh, the codec and the analysis are imported here.

    The records are written as segments of their own (segments.py: in worker processes
    when there are many); the main index's writer then deletes the replaced and removed
    records, updates the taxonomy document and commits those segments with its own."""
    from whoosh import index as whoosh_index

    from indexer.analysis.segmentation import cuts
    from indexer.engine import cutcache
    from indexer.engine.schema import build_schema, taxonomy_document
    from indexer.engine.segments import SegmentWriters

    schema = build_schema(lexicon.dictionary)
    # the Chinese cuts of earlier builds (cutcache.py): an update looks its runs up there
    # and loads the segmenter only for a run no build has cut; a full build cuts everything
    # (it reads none) and keeps what it cut, for the updates after it
    kept = cutcache.CutCache(generation.parent, lexicon.dictionary)
    words = cuts(lexicon.dictionary)
    # an incremental build's schema is the one the index was written with (same schema
    # version and dictionary, or the build is full): given to open_dir, Whoosh does not
    # unpickle the stored one (its analysers) on each read of the table of contents
    ix = whoosh_index.create_in(str(generation), schema) if full else \
        whoosh_index.open_dir(str(generation), schema=schema)
    parts = SegmentWriters(generation, [(name, files[name][1]) for name in changed],
                           measures_dir, taxonomy, schema, codec, most=most)
    rows = {}
    words.keep(None if full else kept.lookup)
    try:
        # after the first problem, records are only checked; with any, nothing is committed
        for name, facts, problems in progress(parts.records(), len(changed), "Indexing"):
            report.problems.extend(problems)
            if facts is not None:
                measure_id, zones, pillar, source = facts
                rows[name] = [*files[name], measure_id, zones, pillar, source,
                              deps.of(zones, pillar, source)]
        if report.problems:
            raise ValidationFailed(report.problems)
        writer = ix.writer(codec=codec(), compound=False)
        try:
            # ids are file names: a changed file's old document goes, a new file has none
            _delete(writer, [name[:-3] for name in (*(n for n in changed if n not in new),
                                                    *removed)])
            if taxonomy_changed:
                writer.update_document(**taxonomy_document(taxonomy, lexicon))
            # Nothing is merged here: merging deletes segment files that readers in other
            # processes may still have to open (merges go to a new generation: merging.py)
            parts.commit(writer)
        except BaseException:
            writer.cancel()
            raise
    except BaseException:
        parts.discard()
        raise
    finally:
        fresh = {**parts.cuts, **words.taken()}
        words.stop()
        kept.close()
    kept.save(fresh, replace=full)
    return rows


def _delete(writer, ids: list[str]) -> None:
    """Delete the documents of these ids: Whoosh's delete_by_term, by the reader's postings
    of each id (live documents only) without the query and searcher modules it imports
    (0.03 s of a one-record update)."""
    if not ids:
        return
    from whoosh.reading import TermNotFound

    reader = writer.reader()
    try:
        found = []
        for id_ in ids:
            try:
                found.extend(reader.postings("id", id_).all_ids())
            except TermNotFound:
                pass
    finally:
        reader.close()
    for docnum in found:
        writer.delete_document(docnum)


def index_is_stale(measures_dir: Path, index_dir: Path) -> bool:
    """True when no index is published, it was written in another index format (an earlier
    version of ftz), or anything under measures/ is newer than it."""
    current = store.current_generation(Path(index_dir))
    manifest_path = current / store.MANIFEST if current else None
    if manifest_path is None or not manifest_path.exists():
        return True
    settings = store.manifest_settings(current)
    if settings is None or settings.get("schema") != SCHEMA_VERSION:
        return True
    built = manifest_path.stat().st_mtime_ns
    for root, dirs, files in os.walk(measures_dir):
        dirs[:] = [d for d in dirs if d != "drafts"]  # drafts are never indexed: no rebuild for them
        # a folder's own time changes when a file in it is deleted or renamed
        for path in [root, *(os.path.join(root, name) for name in files)]:
            if os.stat(path).st_mtime_ns > built:
                return True
    return False
