"""Parse Markdown-with-YAML-front-matter and YAML files, keeping the line of every field."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# The C loader is 5-10x faster; it matters when validating 100,000 records.
_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_Base):  # type: ignore[misc,valid-type]
    """Safe loader that leaves dates as text: the date normalizer checks them with a message
    (YAML's own timestamp constructor fails on 2023-02-30 with a bare ValueError)."""

    yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in _Base.yaml_implicit_resolvers.items()
    }


class ParseError(Exception):
    """A file that cannot be read as YAML or front matter, with the 1-based line."""

    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line = line
        self.message = message


@dataclass
class Located:
    """A YAML value with the line of each key (mappings) or item (sequences) inside it."""

    value: Any
    line: int
    children: dict[Any, "Located"] = field(default_factory=dict)

    def line_of(self, *path: Any) -> int:
        """Line of a nested key or index; the nearest known ancestor's line otherwise."""
        node = self
        for key in path:
            if key not in node.children:
                break
            node = node.children[key]
        return node.line


def _locate(node: yaml.Node, value: Any, offset: int) -> Located:
    here = Located(value, node.start_mark.line + 1 + offset)
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        for key_node, value_node in node.value:
            key = key_node.value
            if key in value:
                child = _locate(value_node, value[key], offset)
                child.line = key_node.start_mark.line + 1 + offset
                here.children[key] = child
    elif isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        for i, item_node in enumerate(node.value):
            here.children[i] = _locate(item_node, value[i], offset)
    return here


def duplicate_keys(node: yaml.Node, offset: int = 0) -> list[tuple[int, str]]:
    """(line, key) of keys repeated in a mapping; YAML would silently keep the last."""
    found: list[tuple[int, str]] = []
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            if key_node.value in seen:
                found.append((key_node.start_mark.line + 1 + offset, str(key_node.value)))
            seen.add(key_node.value)
            found.extend(duplicate_keys(value_node, offset))
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            found.extend(duplicate_keys(item, offset))
    return found


def load_yaml(text: str, offset: int = 0) -> tuple[Located, list[tuple[int, str]]]:
    """Load YAML text; `offset` is the number of lines before it in its file.

    Returns the located value and any duplicate keys. Raises ParseError with a line.
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, 1 + offset), []
        value = loader.construct_document(node)
    except yaml.MarkedYAMLError as exc:
        mark = exc.context_mark or exc.problem_mark  # where the broken construct starts
        line = (mark.line + 1 if mark else 1) + offset
        raise ParseError(line, f"YAML syntax error: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:  # pragma: no cover - unmarked errors are rare
        raise ParseError(1 + offset, f"YAML error: {exc}") from None
    finally:
        loader.dispose()
    return _locate(node, value, offset), duplicate_keys(node, offset)


@dataclass
class Document:
    """A parsed Markdown file: its front matter (located), its body and the body's first line."""

    meta: Located
    body: str
    body_line: int
    duplicates: list[tuple[int, str]]


def parse(text: str) -> Document:
    """Split `---` front matter from the body; the body is kept exactly as written."""
    if text.startswith("\ufeff"):
        text = text[1:]
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        raise ParseError(1, "the file must start with a '---' line opening the front matter")
    for i in range(1, len(lines)):
        if lines[i].rstrip() == "---":
            end = i
            break
    else:
        raise ParseError(1, "the front matter opened on line 1 is never closed with '---'")
    meta, dups = load_yaml("\n".join(lines[1:end]), offset=1)
    if not isinstance(meta.value, dict):
        raise ParseError(2, "the front matter must be a mapping of field: value")
    return Document(meta, "\n".join(lines[end + 1 :]), end + 2, dups)


def read_text(path: Path, report) -> str | None:
    """The file's text, or None with the reason added to `report`."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        report.add(path, 1, "(file)", f"not UTF-8 text ({exc.reason})")
    except OSError as exc:
        report.add(path, 1, "(file)", f"cannot be read: {exc.strerror}")
    return None


def load_yaml_file(path: Path, report) -> Located | None:
    """A YAML file, located; None with the problems added to `report`."""
    text = read_text(path, report)
    if text is None:
        return None
    try:
        located, dups = load_yaml(text)
    except ParseError as exc:
        report.add(path, exc.line, "(yaml)", exc.message)
        return None
    for line, key in dups:
        report.add(path, line, key, "field given twice")
    return located


def load_yaml_list(path: Path, key: str, report, items: str = "items",
                   required: bool = False) -> Located | None:
    """The located list under `key:` of a YAML file that holds one (`items` names what the
    list holds, for the message). None, with the problem added to `report`, when the file
    cannot be read or has another shape; None when it is missing, a problem if `required`."""
    if not path.exists():
        if required:
            report.add(path, 1, "(file)", "file is missing")
        return None
    doc = load_yaml_file(path, report)
    if doc is None:
        return None
    if not isinstance(doc.value, dict) or not isinstance(doc.value.get(key), list):
        report.add(path, doc.line, key, f"the file must hold a list of {items} under '{key}:'")
        return None
    return doc.children[key]
