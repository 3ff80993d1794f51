"""The facade's life: opening the published generation (with retries while a build
publishes or removes one), picking up a newer one (refresh), and pinning each call and page to
the generation it started on (Generation's leases), so that a refresh in another thread never
changes the index under a search.

`on_one_generation` makes every public method of the composed KnowledgeBase (facade.py) run
inside `page()`.
"""

from __future__ import annotations

import functools
import inspect
import threading
import time
import weakref
from contextlib import contextmanager
from pathlib import Path

from indexer.engine import store
from indexer.search.generation import Generation
from indexer.engine.schema import SCHEMA_VERSION
from indexer.errors import IndexMissing, IndexOutdated
from indexer.engine.opening import OPEN_ERRORS, open_generation

REFRESH_EVERY = 1.0  # seconds between checks for a newly published index
OPEN_ATTEMPTS = 50  # a generation removed or a commit under way while opening: try again
TIME_BUDGET = 3.0  # seconds one search may take before it is stopped
LIFECYCLE = ("page", "refresh", "close")  # the methods that are not pinned themselves


def on_one_generation(cls):
    """Run each public method of the facade (its own and its rooms') inside page(): a call
    started on a generation holds it to the end, whatever a refresh in another thread does
    meanwhile."""
    for name in dir(cls):
        if name.startswith("_") or name in LIFECYCLE:
            continue
        method = inspect.getattr_static(cls, name)
        if callable(method):
            setattr(cls, name, _pinned(method))
    return cls


def _pinned(method):
    @functools.wraps(method)
    def call(self, *args, **kwargs):
        with self.page():
            return method(self, *args, **kwargs)
    return call


class Lifecycle:
    """The generation a KnowledgeBase searches: opened, refreshed, pinned, closed. The
    other rooms (searching.py, browsing.py) read it as `self._gen`."""

    def __init__(self, index_dir: Path, time_budget: float | None = TIME_BUDGET,
                 meaning: bool = True):
        """`meaning`: rank plain English queries by meaning too (search/hybrid.py); False
        ranks by BM25 alone (the reference tests, the comparisons of docs/relevance.md)."""
        self.index_dir = Path(index_dir)
        self.time_budget = time_budget
        self.meaning = meaning
        self._lock = threading.Lock()  # swapping the current generation and taking leases
        self._opening = threading.Lock()  # one refresh at a time; searches do not wait for it
        self._checked = 0.0
        self._pins = threading.local()  # this thread's page: (generation, depth)
        # the current generation, in a dict the finalizer shares: a KnowledgeBase dropped
        # without close() still returns its lease
        self._held: dict = {"current": self._open_current()}
        self._finalizer = weakref.finalize(self, _release, self._held)

    def _open_current(self) -> Generation:
        """Open the published generation, leased first so that no build removes it."""
        for _attempt in range(OPEN_ATTEMPTS):
            path = store.current_generation(self.index_dir)
            if path is None:
                raise IndexMissing(self.index_dir)
            settings = store.manifest_settings(path)
            if settings is not None and settings.get("schema") != SCHEMA_VERSION:
                raise IndexOutdated(self.index_dir, settings.get("schema"), SCHEMA_VERSION)
            lease = store.take_lease(self.index_dir, path)  # one per opened generation
            try:
                # a build that published a newer generation before we took the lease may
                # have removed this one: take the newer
                if store.current_generation(self.index_dir) != path:
                    raise FileNotFoundError(path)
                ix, searcher = open_generation(path)
                return Generation(ix, searcher, path, lease)
            except OPEN_ERRORS:
                # also an incremental commit removing the table of contents just listed
                lease.release()
                time.sleep(0.02)
        raise IndexMissing(self.index_dir)

    @property
    def _gen(self) -> Generation:
        """The generation this thread's call or page runs on."""
        pinned = getattr(self._pins, "generation", None)
        if pinned is not None:
            return pinned
        current = self._held.get("current")
        if current is None:
            raise ValueError("the knowledge base is closed")
        return current

    @contextmanager
    def page(self):
        """Every call of this thread inside the block sees the same generation (pages and
        API answers make several calls); re-entrant."""
        pins = self._pins
        if getattr(pins, "generation", None) is not None:
            pins.depth += 1
            try:
                yield self
            finally:
                pins.depth -= 1
            return
        with self._lock:
            current = self._held.get("current")
            if current is None:
                raise ValueError("the knowledge base is closed")
            generation = current.acquire()
        pins.generation, pins.depth = generation, 0
        try:
            yield self
        finally:
            pins.generation = None
            generation.release()

    def refresh(self, force: bool = False) -> bool:
        """Reopen if a new generation or commit was published; cheap, throttled."""
        now = time.monotonic()
        if not force and now - self._checked < REFRESH_EVERY:
            return False
        with self._opening:
            self._checked = now
            current = self._held.get("current")
            path = store.current_generation(self.index_dir)
            if current is None or path is None:
                return False
            if path == current.path and current.postings.searcher.up_to_date():
                return False
            # A fresh reader, not Whoosh's searcher.refresh(): that one reuses the readers
            # of unchanged segments with their old deletions, so a record updated in
            # place would show twice (tests/test_publishing.py catches it).
            fresh = self._open_current()  # searches go on meanwhile, on the old one
            with self._lock:
                old = self._held.get("current")
                if old is not None:  # not closed meanwhile
                    self._held["current"] = fresh
            # the old one closes now, or when the last search or page using it ends
            (old or fresh).release()
            return old is not None

    @property
    def generation(self) -> str:
        gen = self._gen
        return f"{gen.path.name}.{gen.postings.reader.generation()}"

    def close(self) -> None:
        """Return the current generation; searches and pages under way finish on it."""
        with self._lock:
            self._finalizer()



def _release(held: dict) -> None:
    generation = held.pop("current", None)
    if generation is not None:
        generation.release()
