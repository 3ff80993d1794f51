"""Errors as the user sees them: rendered pages on the site, {"error": ...} JSON under /api."""

from __future__ import annotations

import re

from flask import Flask, current_app, jsonify, render_template, request, url_for
from flask_babel import gettext as _, lazy_gettext
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

from indexer.errors import BadRequest, FtzError, IndexMissing, UnknownFilter
from indexer.facets import BY_KEY

from .i18n import current_lang
from .notes import localized as localized_note

# The API is unprefixed, so its messages are always the English ones.
SERVER_ERROR = lazy_gettext("Something went wrong on our side. Please try again later.")
UNAVAILABLE = lazy_gettext("The search index is not available yet. Please try again in a moment.")
RETRY_AFTER = 30  # seconds: about a full build of the shipped records on a small machine


# Pages that read the search parameters: an unknown zone or pillar is fixed in place.
SEARCH_ENDPOINTS = {"pages.search", "pages.compare", "exports.csv", "exports.json", "exports.atom"}


def _wants_json() -> bool:
    return (request.path == "/api" or request.path.startswith("/api/")
            or request.path.endswith(".json"))


def _respond(status: int, message: str, template: str, title: str, *, headers=None,
             api_extras: dict | None = None, **context):
    if _wants_json():
        body = jsonify({"error": str(message), **(api_extras or {})})
    else:
        body = render_template(template, status=status, title=title, message=message, **context)
    return body, status, headers or {}


def _words_of_path() -> str:
    """The words of the last part of the URL, to prefill the 404 page's search box."""
    last = request.path.rstrip("/").rsplit("/", 1)[-1]
    return " ".join(re.findall(r"[^\W_]+", last))[:100]


def _fixed_search_url(error: UnknownFilter) -> str | None:
    """The same search with the unknown id replaced by the suggested one, if there is one."""
    if not error.suggestion or request.endpoint not in SEARCH_ENDPOINTS:
        return None
    args = request.args.to_dict(flat=False)
    args[error.kind] = [error.suggestion if v.strip() == error.value else v
                        for v in args.get(error.kind, [])]
    args.pop("page", None)
    return url_for(request.endpoint, **args)


def handle_ftz_error(error: FtzError):
    if isinstance(error, UnknownFilter):
        # the catalog's message of the error's code and values (indexer/notes.py); a page
        # says it in its language without the suggestion, which it gives as a link
        facet = BY_KEY.get(error.kind)
        message = str(error) if _wants_json() else localized_note(error.note)[0]
        return _respond(
            400, message, "errors/400.html",
            _(facet.unknown) if facet and facet.unknown else _("Bad request"),
            api_extras={"kind": error.kind, "value": error.value,
                        "suggestion": error.suggestion, "known": error.known},
            suggestion=error.suggestion, fixed_url=_fixed_search_url(error),
        )
    if isinstance(error, BadRequest):
        # the facade says what is wrong in English, with a code the page's language can say
        # too (webapp/notes.py); one it does not know is shown marked as English
        message, translated = str(error), True
        if current_lang() != "en" and not _wants_json():
            message, translated = localized_note(error.args[0] if error.args else message)
        return _respond(400, message, "errors/400.html", _("Bad request"),
                        message_lang=None if translated else "en")
    # IndexMissing, ValidationFailed, IndexBusy: the operator's to fix; the log says what
    current_app.logger.error("knowledge base unavailable: %s", error)
    if isinstance(error, IndexMissing):
        return _respond(503, UNAVAILABLE, "errors/500.html", _("Service unavailable"),
                        headers={"Retry-After": str(RETRY_AFTER)})
    return _respond(500, SERVER_ERROR, "errors/500.html", _("Server error"))


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if status >= 500:
        return handle_server_error(error)
    if status == 404:
        if not _wants_json():
            message = _("There is no page at this address.")
        elif error.description != NotFound.description:  # a view said what is missing
            message = error.description
        else:
            message = f"not found: {request.path}"
        return _respond(404, message, "errors/404.html", _("Page not found"),
                        words=_words_of_path())
    headers = {}
    if getattr(error, "valid_methods", None):  # 405 must say what is allowed
        headers["Allow"] = ", ".join(error.valid_methods)
    # the title in the page's language; werkzeug's own names are English
    title = {400: _("Bad request"), 405: _("Method not allowed")}.get(status, error.name)
    return _respond(status, error.description or error.name, "errors/400.html", title,
                    headers=headers)


def handle_server_error(error: Exception):
    # Flask has logged the exception; the user gets a plain page that reveals nothing of it.
    original = getattr(error, "original_exception", None)
    if isinstance(original, FtzError):
        return handle_ftz_error(original)
    return _respond(500, SERVER_ERROR, "errors/500.html", _("Server error"))


def init_app(app: Flask) -> None:
    app.register_error_handler(FtzError, handle_ftz_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(InternalServerError, handle_server_error)
