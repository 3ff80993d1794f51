"""Helpers for the web and API tests: the shipped records read straight from their files."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

import yaml

MEASURES = Path(__file__).resolve().parent.parent / "measures"


def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    _, meta, _ = text.split("---\n", 2)
    return yaml.safe_load(meta)


def shipped_records() -> dict[str, dict]:
    """Every shipped measure by id (the file name), with its front matter as YAML reads it."""
    return {p.stem: front_matter(p) for p in sorted(MEASURES.glob("*.md"))}


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
