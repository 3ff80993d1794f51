"""The search site and JSON API of the FTZ reform measures knowledge base (Flask app factory).

Run it for development with ``ftz serve`` (builds the index first if it is missing or
stale). In production, build the index with ``ftz index`` and serve the factory with
several workers (a worker never builds: until an index is published every request is
answered 503 with Retry-After), for example::

    gunicorn -w 4 -b 127.0.0.1:8000 'webapp:create_app()'

FTZ_MEASURES_DIR and FTZ_INDEX_DIR in the environment choose the data and the index
directory; ``ftz serve --workers 4`` does the same with gunicorn for you.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from indexer.paths import default_measures_dir, default_index_dir

if TYPE_CHECKING:
    from flask import Flask

SECURITY_HEADERS = {
    # No inline script or style anywhere: templates link webapp/static/ files only.
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict | None = None) -> Flask:
    """Build the app; ``config`` overrides the defaults.

    Config keys: MEASURES_DIR (the records), INDEX_DIR (the published index),
    BUILD_IF_MISSING (build the index inside the first request when none is published;
    default False: a request is answered 503 instead, as no worker's request should run a
    whole build; ``ftz serve`` builds before it serves),
    PER_PAGE (results per search page when the request does not say; default 20),
    EXPORT_LIMIT (most measures in one CSV or JSON export; default 10,000),
    FEED_TAG_AUTHORITY (host name in the Atom feeds' tag: ids; default the request's host),
    SEARCH_TIME_BUDGET (seconds one search may run before it is stopped with a 400; default 3),
    plus Flask's own (TESTING, SERVER_NAME, ...).
    """
    # Flask and the views are imported here, not with the package: `ftz check` and `ftz index`
    # (webapp.cli) start without loading the site.
    from flask import Flask

    from . import api, errors, exports, i18n, kb, pages
    from .params import IdConverter

    app = Flask(__name__)
    app.config.from_mapping(
        MEASURES_DIR=default_measures_dir(),
        INDEX_DIR=default_index_dir(),
        # No build inside a request (a gunicorn worker would be killed at its timeout):
        # `ftz serve` and `ftz index` build; meanwhile requests are answered 503.
        BUILD_IF_MISSING=False,
        PER_PAGE=20,
        EXPORT_LIMIT=10_000,
        FEED_TAG_AUTHORITY=None,
        SEARCH_TIME_BUDGET=3.0,
    )
    if config:
        app.config.from_mapping(config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False
    app.url_map.converters["id"] = IdConverter

    kb.init_app(app)
    i18n.init_app(app)
    app.register_blueprint(pages.bp)
    app.register_blueprint(exports.bp)
    app.register_blueprint(api.bp, url_prefix="/api")
    errors.init_app(app)

    @app.after_request
    def add_security_headers(response):
        for name, value in SECURITY_HEADERS.items():
            response.headers.setdefault(name, value)
        return response

    return app
