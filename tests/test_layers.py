"""Whoosh quarantined: indexer/engine/whooshfiles/ is the only code that may know how Whoosh
stores things. No other module imports or touches a private Whoosh name, or names Whoosh's
files (tables of contents, locks, a segment's files); webapp/ does not import Whoosh at
all; and the Whoosh the package accepts at import is the one pyproject.toml pins."""

from __future__ import annotations

import ast
import warnings
from functools import lru_cache
from pathlib import Path

import whoosh

PROJECT = Path(__file__).resolve().parent.parent
QUARANTINE = "indexer/engine/whooshfiles/"
# how Whoosh names its files (whoosh.index, whoosh.codec): in string constants, and the
# names of the attributes that give them
WHOOSH_FILE_NAMES = ("_MAIN_", ".toc", "_WRITELOCK", ".trm", ".pst", ".vps", ".col", ".seg")
WHOOSH_FILE_ATTRIBUTES = {"make_filename", "list_files", "TERMS_EXT", "POSTS_EXT", "VPOSTS_EXT",
                          "COLUMN_EXT", "COMPOUND_EXT", "create_file"}
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


def _quarantined(name: str) -> bool:
    return name.startswith(QUARANTINE)


def _private_whoosh_uses(name: str, tree, ours: set[str]) -> list[str]:
    theirs = _whoosh_private_names()
    problems = []
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
    return problems


def _whoosh_file_names(name: str, tree) -> list[str]:
    docstrings = {id(node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)}
    problems = []
    for node in ast.walk(tree):
        if (isinstance(node, ast.Constant) and isinstance(node.value, str)
                and id(node) not in docstrings):
            problems += [f"{name}:{node.lineno} names {w!r}" for w in WHOOSH_FILE_NAMES
                         if w in node.value]
        elif isinstance(node, ast.Attribute) and node.attr in WHOOSH_FILE_ATTRIBUTES:
            problems.append(f"{name}:{node.lineno} asks for .{node.attr}")
    return problems


def _ours(modules: dict) -> set[str]:
    """Private names of the project's own, defined outside the quarantine (where Whoosh's
    are redefined, as its field writer does)."""
    return set().union(*(_defined_privately(tree) for name, tree in modules.items()
                         if not _quarantined(name)))


def test_no_private_whoosh_name_outside_the_quarantine():
    modules = dict(_modules())
    ours = _ours(modules)
    problems = [p for name, tree in modules.items() if not _quarantined(name)
                for p in _private_whoosh_uses(name, tree, ours)]
    assert problems == []


def test_no_module_outside_the_quarantine_names_whooshs_files():
    problems = [p for name, tree in _modules() if not _quarantined(name)
                for p in _whoosh_file_names(name, tree)]
    assert problems == []


def test_the_checks_find_what_the_quarantine_holds():
    """Both checks, run on the quarantine itself, find what it is there for: W3's private
    attributes, the byte layouts' names, the tables of contents' names."""
    modules = dict(_modules())
    inside = {name: tree for name, tree in modules.items() if _quarantined(name)}
    assert {"indexer/engine/whooshfiles/codec.py", "indexer/engine/whooshfiles/files.py",
            "indexer/engine/whooshfiles/fieldwriter.py"} <= set(inside)
    ours = _ours(modules)
    private = [p for name, tree in inside.items() for p in _private_whoosh_uses(name, tree, ours)]
    assert any("touches ._tindex" in p for p in private), private
    assert any("touches ._storedfields" in p for p in private), private
    assert any("touches ._struct" in p for p in private), private
    files = [p for name, tree in inside.items() for p in _whoosh_file_names(name, tree)]
    assert any("'.toc'" in p for p in files) and any("POSTS_EXT" in p for p in files), files


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


def test_the_whoosh_pin_is_the_quarantines_import_gate():
    """pip must never install a Whoosh the quarantine refuses at import: the bounds in
    pyproject.toml are SUPPORTED_WHOOSH, both ends, and the refusal says the same pin."""
    import tomllib

    from indexer.engine.whooshfiles import SUPPORTED_WHOOSH, check_version, requirement

    project = tomllib.loads((Path(__file__).parent.parent / "pyproject.toml").read_text("utf-8"))
    pins = [d for d in project["project"]["dependencies"] if d.startswith("whoosh-reloaded")]
    low, high = (".".join(map(str, v)) for v in SUPPORTED_WHOOSH)
    assert pins == [f"whoosh-reloaded>={low},<{high.removesuffix('.0')}"] == [requirement()], pins
    check_version(whoosh.__version__)  # the installed one is accepted
    for refused in [(2, 8, 0), (2, 7, 4), (3, 0)]:
        try:
            check_version(refused)
        except ImportError as error:
            assert pins[0] in str(error) and ".".join(map(str, refused)) in str(error)
        else:
            raise AssertionError(f"whoosh {refused} accepted")


def test_no_module_over_400_lines():
    """Issue 20: the modules of indexer/ and webapp/ are cut by concern, none over 400 lines."""
    long = {path.relative_to(PROJECT).as_posix(): n
            for folder in ("indexer", "webapp") for path in sorted((PROJECT / folder).rglob("*.py"))
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}


# The rooms of the house from the bottom floor up (docs/architecture.md draws them): a module
# imports from its own room and the rooms below it, never from a room above, not even lazily
# inside a function. Rooms on one floor do not import each other.
FLOORS = [
    ("indexer.notes", "indexer.paths"),
    ("indexer.errors",),
    ("indexer.analysis",),   # text: CJK, normalisation, tokenisers, the terms' vocabulary
    ("indexer.records",),    # the files of measures/: model, front matter, checks, lexicon
    ("indexer.facets",),     # the facet registry
    ("indexer.engine",),     # storage: build, segments, postings, evaluation, scoring
    ("indexer.query",),      # the query language: syntax, parsing, spelling, relaxation
    ("indexer.search",),     # the facade: KnowledgeBase, results, generations
    ("indexer.checks", "indexer.drafting"),
    ("indexer.cli",),
    ("webapp",),
]


def _room(module: str) -> tuple[int, str] | None:
    for floor, rooms in enumerate(FLOORS):
        for room in rooms:
            if module == room or module.startswith(room + "."):
                return floor, room
    return None


def _project_imports(tree) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module in ("indexer", "webapp"):  # from indexer import records
                modules = [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, m) for m in modules]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
    return [(line, m) for line, m in found if m.split(".")[0] in ("indexer", "webapp")]


def test_no_import_runs_back_up_or_across_a_floor():
    wrong = []
    for name, tree in _modules():
        module = name[:-3].replace("/", ".").removesuffix(".__init__")
        if module == "indexer":  # the package's face
            continue
        here = _room(module)
        assert here is not None, f"{name} is in no room of FLOORS"
        for line, imported in _project_imports(tree):
            there = _room(imported)
            if there is None or there[1] == here[1]:
                continue
            if there[0] >= here[0]:
                wrong.append(f"{name}:{line} imports {imported} ({there[1]} is not below {here[1]})")
    assert wrong == []


def _module_imports() -> dict[str, set[str]]:
    """Each module of indexer/ and webapp/ and the project's modules it imports, lazily inside
    a function too; relative imports resolved, `from package import module` to the module."""
    modules = {name[:-3].replace("/", ".").removesuffix(".__init__"): (name, tree)
               for name, tree in _modules()}
    graph = {}
    for module, (name, tree) in modules.items():
        package = module if name.endswith("/__init__.py") else module.rpartition(".")[0]
        found = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                base = package
                for _ in range(max(node.level - 1, 0)):
                    base = base.rpartition(".")[0]
                target = (f"{base}.{node.module}" if node.module else base) if node.level \
                    else (node.module or "")
                for alias in node.names:
                    if f"{target}.{alias.name}" in modules:
                        found.add(f"{target}.{alias.name}")
                    elif target in modules:
                        found.add(target)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name in modules}
        graph[module] = found - {module}
    return graph


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected groups of more than one module (Tarjan), each sorted."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while not group or group[-1] != v:
                group.append(stack.pop())
                on_stack.discard(group[-1])
            if len(group) > 1:
                circles.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return circles


def test_no_circle_of_imports_even_inside_a_room():
    """Issue 20: the import picture has no circle. The floors above see only imports across
    rooms; this sees every module, lazy imports included (webapp/openapi.py once imported
    webapp/api.py back inside a function)."""
    assert _circles(_module_imports()) == []


def test_the_circle_check_finds_a_circle():
    graph = _module_imports()
    assert "webapp.openapi" in graph["webapp.api"]  # read as a module, relative import resolved
    assert _circles({**graph, "webapp.openapi": graph["webapp.openapi"] | {"webapp.api"}}) == [
        ["webapp.api", "webapp.openapi"]]
    assert _circles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def _test_module_imports() -> list[str]:
    """Where a test module imports another test module (tests/test_*.py)."""
    found = []
    for path in sorted((PROJECT / "tests").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import) else
                     [node.module or ""] + [f"{node.module}.{a.name}" for a in node.names]
                     if isinstance(node, ast.ImportFrom) and node.level == 0 else [])
            found += [f"{path.relative_to(PROJECT)}:{node.lineno} imports {n}" for n in names
                      if n.startswith("tests.") and n.split(".")[-1].startswith("test_")]
    return found


def test_no_test_module_imports_another():
    """Issue 20: what tests share is in conftest.py (fixtures) or a helper module, never
    imported from another test module."""
    assert _test_module_imports() == []
