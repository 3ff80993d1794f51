"""Helpers for the web and API tests: the shipped records read straight from their files."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import yaml

FIXTURE_RECORDS = Path(__file__).resolve().parent / "fixtures" / "records"


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    _, meta, _ = text.split("---\n", 2)
    return yaml.safe_load(meta)


def fixture_records() -> dict[str, dict]:
    """Every fixture measure (what the shared test index holds) by id, with its front matter
    as YAML reads it."""
    return {p.stem: front_matter(p) for p in sorted(FIXTURE_RECORDS.glob("*.md"))}


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[tuple[str, str, dict]] = []
        self._open: list[tuple[dict, list[str]]] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self._open.append((dict(attrs), []))

    def handle_data(self, data):
        for _, text in self._open:
            text.append(data)

    def handle_endtag(self, tag):
        if tag == "a" and self._open:
            attrs, text = self._open.pop()
            self.links.append((attrs.get("href", ""), " ".join("".join(text).split()), attrs))


def links(html: str) -> list[tuple[str, str, dict]]:
    """(href, visible text, attributes) of every <a> in the page."""
    parser = _Links()
    parser.feed(html)
    return parser.links



def api_search(client, **params) -> dict:
    """/api/search's answer to these parameters, which must be a 200."""
    response = client.get("/api/search", query_string=params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def text_of(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def groups(html: str) -> list[tuple[str, list[str]]]:
    """(heading text, measure ids) of each `<section class="group">` of a browse page, in order."""
    out = []
    for chunk in html.split('<section class="group"')[1:]:
        chunk = chunk.split("</section>", 1)[0]
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", chunk, re.S).group(1)
        ids = [href.rsplit("/", 1)[-1] for href, _, _ in links(chunk) if href.startswith("/measures/")]
        out.append((text_of(heading), ids))
    return out


# What a page may load or run: the site's own script and stylesheet, nothing else.
_ACTIVE_TAGS = {"script", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
                "input", "button", "textarea", "select", "svg", "math", "style", "base",
                "meta", "link", "img", "video", "audio", "source", "track", "template",
                "portal", "details"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster",
                   "background", "srcset", "ping", "cite"}


class _ActiveContent(HTMLParser):
    def __init__(self, allow_layout: bool, charts: bool):
        super().__init__(convert_charrefs=True)
        self.allow_layout, self.charts = allow_layout, charts
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = [(name.lower(), value or "") for name, value in attrs]
        allowed = (self.allow_layout and _layout_tag(tag, dict(attrs))
                   or self.charts and tag in ("svg", "details"))
        if tag in _ACTIVE_TAGS and not allowed:
            self.found.append(f"<{tag}> element")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{name}= on <{tag}>")
            elif name == "style":
                self.found.append(f"style= on <{tag}>")
            elif name in _URL_ATTRIBUTES and not _harmless_url(value):
                self.found.append(f"{name}={value!r} on <{tag}>")

    handle_startendtag = handle_starttag


def _layout_tag(tag: str, attrs: dict) -> bool:
    """The tags base.html and the search forms put on every page."""
    if tag == "script":
        return attrs.get("src", "").startswith("/static/")
    if tag == "link":
        return attrs.get("href", "").startswith("/")
    if tag == "meta":
        return "http-equiv" not in attrs
    if tag in ("form", "button"):
        return attrs.get("action", "/").startswith("/") and "formaction" not in attrs
    if tag == "details":
        return attrs.get("class") == "facets-fold"  # the search's folded filters
    if tag in ("input", "select"):
        return True  # the search boxes and the compare form's zone choices
    return False


def _harmless_url(value: str) -> bool:
    # What a browser does with it: entities are decoded (by the parser), and ASCII tabs,
    # newlines and leading control characters and spaces are dropped before the scheme.
    url = re.sub(r"[\t\n\r]", "", value).lstrip("\x00- ").lower()
    scheme = re.match(r"([a-z][a-z0-9+.-]*):", url)
    return scheme is None or scheme.group(1) in ("http", "https", "mailto", "tag")


def active_content(html: str, allow_layout: bool = True, charts: bool = False) -> list[str]:
    """Every element, event handler, inline style or URL in `html` that could run or load
    something beyond the site's own layout (and, with `charts`, the inline SVG pictures and
    their "Table view" disclosures): empty when the page is inert."""
    parser = _ActiveContent(allow_layout, charts)
    parser.feed(html)
    parser.close()
    return parser.found


def app_with(root: Path, sources: dict[str, str] = {}, records: dict[str, str] = {},
             batches: dict[str, str] = {}, **config):
    """An app over the fixture corpus (tests/conftest.py) plus the given source, record and
    register batch files (id -> file text), with its own index built under `root`."""
    from indexer.engine.build import build_index
    from tests.conftest import fixture_corpus
    from webapp import create_app

    measures = fixture_corpus(root / "measures")
    for source_id, text in sources.items():
        (measures / "sources" / f"{source_id}.md").write_text(text, encoding="utf-8")
    for measure_id, text in records.items():
        (measures / f"{measure_id}.md").write_text(text, encoding="utf-8")
    for batch_id, text in batches.items():
        (measures / "batches" / f"{batch_id}.yaml").write_text(text, encoding="utf-8")
    build_index(measures, root / "index")
    return create_app({"TESTING": True, "MEASURES_DIR": measures, "INDEX_DIR": root / "index",
                       **config})


def api_app():
    """A Flask app holding the API blueprint alone, as the site mounts it (webapp/__init__)."""
    from flask import Flask

    from webapp import api
    from webapp.params import IdConverter

    app = Flask("ftz-openapi")
    app.url_map.converters["id"] = IdConverter
    app.register_blueprint(api.bp, url_prefix="/api")
    return app


_API_DOCUMENT: dict = {}


def api_document() -> dict:
    """The OpenAPI document of the API blueprint alone (built once), for tests that read it at
    import time; the served one is built from the running app's routes."""
    if not _API_DOCUMENT:
        from webapp.openapi import document

        _API_DOCUMENT.update(document(api_app()))
    return _API_DOCUMENT
