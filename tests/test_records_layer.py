"""indexer/records/ reads and checks the files of measures/ and imports nothing from the
rooms above it (facets, engine, query, search), not even lazily inside a function; below it
are only the text analysis (analysis/) and the errors and notes. The checks that need the analyser or the index document live
above both, in indexer/checks.py, and `ftz check` runs them with their `path:line` (issue 20,
item 3)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from click.testing import CliRunner

from indexer.checks import check_catalog
from indexer.cli import cli
from indexer.records.catalog import load_catalog
from tests.helpers import write

PROJECT = Path(__file__).resolve().parent.parent
# what records/ may import of the indexer: itself, the text analysis below it (analysis/cjk.py),
# and the exception hierarchy it reports in
# (indexer/errors.py, which imports the notes' catalog)
BELOW = {"indexer.records", "indexer.analysis", "indexer.errors", "indexer.notes"}


def _indexer_imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            found += [(node.lineno, n) for n in names[:1] if n.startswith("indexer")]
            if node.module == "indexer":  # from indexer import records
                found += [(node.lineno, n) for n in names[1:]]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("indexer")]
    return found


def _allowed(module: str) -> bool:
    return any(module == b or module.startswith(b + ".") for b in BELOW)


def test_records_imports_nothing_from_the_rooms_above():
    folder = PROJECT / "indexer" / "records"
    wrong = [f"{path.relative_to(PROJECT)}:{line} imports {module}"
             for path in sorted(folder.glob("*.py"))
             for line, module in _indexer_imports(path) if not _allowed(module)]
    assert wrong == []


def test_the_import_check_sees_a_lazy_import(tmp_path):
    path = tmp_path / "x.py"
    path.write_text("def f():\n    from indexer.engine.schema import measure_document\n",
                    encoding="utf-8")
    assert [m for _, m in _indexer_imports(path) if not _allowed(m)] == ["indexer.engine.schema"]


def test_the_catalog_alone_leaves_the_analysis_data_to_ftz_check(measures_copy):
    """A group of everyday words the analyser reads as one word, and a glossary pair no
    record uses: the catalog (what the drafter and the build load) does not analyse them;
    check_catalog, and so `ftz check`, reports them at their line."""
    everyday = measures_copy / "everyday.yaml"
    write(everyday, everyday.read_text(encoding="utf-8") + "  - [zebras, zebra]\n")
    glossary = measures_copy / "glossary.yaml"
    write(glossary, glossary.read_text(encoding="utf-8") + "  - [quantumfoo, 量子福]\n")
    assert load_catalog(measures_copy).problems == []
    checked = check_catalog(measures_copy)
    assert [str(p) for p in checked.problems] == [
        f"measures/everyday.yaml:{everyday.read_text(encoding='utf-8').count(chr(10))}: "
        "zebras, zebra: the search reads every term of this group as the same word already"]
    assert any(re.fullmatch(r"measures/glossary\.yaml:\d+: quantumfoo: no record uses "
                            r"'quantumfoo' or '量子福'", str(w)) for w in checked.warnings)
    out = CliRunner().invoke(cli, ["check", "--measures", str(measures_copy)])
    assert out.exit_code == 1
    assert str(checked.problems[0]) in out.output
