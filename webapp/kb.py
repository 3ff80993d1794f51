"""The knowledge base of this process: one long-lived facade, opened lazily, refreshed per
request; each request sees one index generation from its first call to its end."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack

from flask import Flask, current_app, g

from indexer.engine.build import build_index
from indexer.errors import IndexBusy, IndexMissing
from indexer.search import KnowledgeBase

EXTENSION = "ftz_kb"
PAGE = "ftz_kb_page"  # in flask.g: this request's pin on one generation (KnowledgeBase.page)
_opening = threading.Lock()


def _open(app: Flask) -> KnowledgeBase:
    index_dir, measures_dir = app.config["INDEX_DIR"], app.config["MEASURES_DIR"]
    budget = app.config["SEARCH_TIME_BUDGET"]
    try:
        return KnowledgeBase(index_dir, budget)
    except IndexMissing:
        if not app.config["BUILD_IF_MISSING"]:
            raise
    app.logger.info("no index in %s; building it from %s", index_dir, measures_dir)
    for attempt in range(50):
        try:
            report = build_index(measures_dir, index_dir)
            app.logger.info("%s", report.summary())
            break
        except IndexBusy:
            # another worker is building the same index; use theirs once published
            time.sleep(0.2)
            try:
                return KnowledgeBase(index_dir, budget)
            except IndexMissing:
                continue
    return KnowledgeBase(index_dir, budget)


def get_kb() -> KnowledgeBase:
    """The app's KnowledgeBase, created at first use (building the index if allowed),
    pinned for the rest of the request to the generation it has now: a page's several
    calls agree, and a refresh in another thread closes nothing this request still reads."""
    app = current_app._get_current_object()
    kb = app.extensions.get(EXTENSION)
    if kb is None:
        with _opening:
            kb = app.extensions.get(EXTENSION)
            if kb is None:
                kb = app.extensions[EXTENSION] = _open(app)
    if PAGE not in g:
        page = ExitStack()
        page.enter_context(kb.page())
        setattr(g, PAGE, page)
    return kb


def _refresh() -> None:
    # Pick up an index published by `ftz index` without a restart; the facade throttles this.
    kb = current_app.extensions.get(EXTENSION)
    if kb is not None:
        kb.refresh()


def _name_generation(response):
    # Which index generation answered (the one this request was pinned to): behind a load
    # balancer, how a client or a test tells that every replica serves a newly published
    # index (docs/deploy.md). Only answers that read the index carry it.
    kb = current_app.extensions.get(EXTENSION)
    if kb is not None and PAGE in g:
        response.headers["X-Index-Generation"] = kb.generation
    return response


def _end_page(_error=None) -> None:
    page = g.pop(PAGE, None)
    if page is not None:
        page.close()


def init_app(app: Flask) -> None:
    app.before_request(_refresh)
    app.after_request(_name_generation)
    app.teardown_appcontext(_end_page)
