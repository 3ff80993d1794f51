"""The postings layer (indexer/engine/codec.py, indexer/engine/postings.py, indexer/engine/segments.py) is the only code that may
know how Whoosh stores things: no other module imports or touches a private Whoosh name,
and webapp/ does not import Whoosh at all."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache
from pathlib import Path

import whoosh

PROJECT = Path(__file__).resolve().parent.parent
POSTINGS_LAYER = {"indexer/engine/codec.py", "indexer/engine/postings.py", "indexer/engine/segments.py"}
WHOOSH = Path(whoosh.__file__).parent


def _modules():
    for folder in ("indexer", "webapp"):
        for path in sorted((PROJECT / folder).rglob("*.py")):
            yield path.relative_to(PROJECT).as_posix(), ast.parse(path.read_text(encoding="utf-8"))


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _defined_privately(tree) -> set[str]:
    """Private names the project defines itself: its functions, classes, module names and
    attributes it assigns."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
    return {n for n in names if _private(n)}


@lru_cache(maxsize=1)
def _whoosh_private_names() -> frozenset[str]:
    names = set()
    for path in WHOOSH.rglob("*.py"):
        with warnings.catch_warnings():  # Whoosh's old escapes in strings
            warnings.simplefilter("ignore")
            names |= _defined_privately(ast.parse(path.read_text(encoding="utf-8")))
    return frozenset(names)


def test_no_private_whoosh_name_outside_the_postings_layer():
    modules = dict(_modules())
    # private names of the project's own, defined outside the postings layer (where Whoosh's
    # may be redefined, as codec.py does)
    ours = set().union(*(_defined_privately(tree) for name, tree in modules.items()
                         if name not in POSTINGS_LAYER))
    theirs = _whoosh_private_names()
    problems = []
    for name, tree in modules.items():
        if name in POSTINGS_LAYER:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("whoosh"):
                parts = node.module.split(".") + [a.name for a in node.names]
                problems += [f"{name}:{node.lineno} imports {p}" for p in parts if _private(p)]
            elif isinstance(node, ast.Import):
                problems += [f"{name}:{node.lineno} imports {a.name}" for a in node.names
                             if a.name.startswith("whoosh") and any(map(_private, a.name.split(".")))]
            elif isinstance(node, ast.Attribute) and _private(node.attr):
                # a private attribute of something the project did not define: Whoosh's
                if node.attr in theirs and node.attr not in ours:
                    problems.append(f"{name}:{node.lineno} touches .{node.attr}")
    assert problems == []


def test_the_check_finds_what_the_engine_used_to_read():
    """The names of W3's internals that issue 12 found the old engine reading."""
    theirs = _whoosh_private_names()
    assert {"_read_data", "_byteids", "_weights", "_next_block", "_btexts"} <= theirs


def test_webapp_does_not_import_whoosh():
    for name, tree in _modules():
        if not name.startswith("webapp/"):
            continue
        for node in ast.walk(tree):
            modules = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                       [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(m.startswith("whoosh") for m in modules), name


def test_the_whoosh_pin_is_the_codecs_import_gate():
    """pip must never install a Whoosh the codec refuses at import: the bounds in pyproject.toml
    are the codec's SUPPORTED_WHOOSH, both ends."""
    import tomllib

    from indexer.engine.codec import SUPPORTED_WHOOSH

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    pins = [d for d in project["project"]["dependencies"] if d.startswith("whoosh-reloaded")]
    low, high = (".".join(map(str, v)) for v in SUPPORTED_WHOOSH)
    assert pins == [f"whoosh-reloaded>={low},<{high.removesuffix('.0')}"], pins
