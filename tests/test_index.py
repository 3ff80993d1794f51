"""Building the index: incremental by default, strict on bad input, never half-published."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import pytest
from whoosh.index import open_dir

from indexer.engine import store
from indexer.engine.whooshfiles import files
from indexer.engine.build import build_index, index_is_stale
from indexer.errors import IndexOutdated, ValidationFailed
from indexer.engine.schema import SCHEMA_VERSION
from indexer.search import KnowledgeBase
from tests.helpers import ZHEJIANG_OIL, edit, record, write


def ids(index_dir, query="", **kw):
    kb = KnowledgeBase(index_dir)
    try:
        return {h.id for h in kb.search(query, per_page=100, **kw).hits}
    finally:
        kb.close()


def test_incremental_add_change_delete(measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index)
    assert first.mode == "full" and first.added == first.total >= 13

    again = build_index(measures_copy, index)
    assert again.mode == "unchanged"

    write(measures_copy / "new-tank-measure.md", record(title="Unicorn tank pilot"))
    added = build_index(measures_copy, index)
    assert (added.mode, added.added, added.updated, added.unchanged) == ("incremental", 1, 0, first.total)
    assert ids(index, "unicorn") == {"new-tank-measure"}

    edit(measures_copy / "new-tank-measure.md", "Unicorn", "Pegasus")
    changed = build_index(measures_copy, index)
    assert (changed.added, changed.updated) == (0, 1)
    assert ids(index, "unicorn") == set() and ids(index, "pegasus") == {"new-tank-measure"}

    (measures_copy / "new-tank-measure.md").unlink()
    deleted = build_index(measures_copy, index)
    assert deleted.deleted == 1 and deleted.total == first.total
    assert ids(index, "pegasus") == set()
    assert changed.generation == deleted.generation == first.generation  # in place, no copy


def test_taxonomy_change_reindexes_only_the_records_that_depend_on_it(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    edit(measures_copy / "zones.yaml", "short: Zhejiang", "short: Zhejiang Province")
    report = build_index(measures_copy, index)
    zhejiang = {h.id for h in KnowledgeBase(index).measures(zones=["zhejiang"])}
    assert report.updated == len(zhejiang) == 2 and report.added == 0
    assert ids(index, "province") == zhejiang


def test_dictionary_change_rebuilds_into_a_new_generation(measures_copy, tmp_path):
    index = tmp_path / "index"
    first = build_index(measures_copy, index)
    with open(measures_copy / "dictionary.txt", "a", encoding="utf-8") as fh:
        fh.write("\n共储 50\n")
    second = build_index(measures_copy, index)
    assert second.mode == "full" and second.generation != first.generation
    assert store.current_generation(index).name == second.generation


def test_broken_record_publishes_nothing_and_the_last_index_keeps_serving(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    kb = KnowledgeBase(index)
    before = kb.generation
    write(measures_copy / "new-tank-measure.md", record(title="Unicorn tank pilot"))
    edit(measures_copy / f"{ZHEJIANG_OIL}.md", "zones: [zhejiang]", "zones: [zhejaing]")
    with pytest.raises(ValidationFailed) as err:
        build_index(measures_copy, index)
    assert [p.path for p in err.value.problems] == [f"measures/{ZHEJIANG_OIL}.md"]
    kb.refresh(force=True)
    assert kb.generation == before
    assert kb.search("unicorn").total == 0  # the valid new record was not published either
    assert kb.search("bonded oil tank").hits[0].id == ZHEJIANG_OIL


def test_rebuild_flag_and_staleness(measures_copy, tmp_path):
    index = tmp_path / "index"
    assert index_is_stale(measures_copy, index)
    first = build_index(measures_copy, index)
    assert not index_is_stale(measures_copy, index)
    write(measures_copy / "new-tank-measure.md", record())
    assert index_is_stale(measures_copy, index)
    rebuilt = build_index(measures_copy, index, rebuild=True)
    assert rebuilt.mode == "full" and rebuilt.generation != first.generation
    assert rebuilt.total == first.total + 1


def test_an_index_of_an_earlier_version_is_named_as_such_and_rebuilt(measures_copy, tmp_path):
    # what an upgrade leaves behind: an index published by an ftz with another index format
    index = tmp_path / "index"
    first = build_index(measures_copy, index)
    with sqlite3.connect(store.current_generation(index) / store.MANIFEST) as db:
        db.execute("UPDATE meta SET value = ? WHERE key = 'schema'", (str(SCHEMA_VERSION - 1),))
    db.close()
    with pytest.raises(IndexOutdated, match=rf"format {SCHEMA_VERSION - 1}.*run `ftz index`"):
        KnowledgeBase(index)
    assert index_is_stale(measures_copy, index)  # so `ftz serve` rebuilds before serving

    from webapp import create_app  # a site started on it answers 503, building nothing
    app = create_app({"TESTING": True, "MEASURES_DIR": measures_copy, "INDEX_DIR": index})
    assert app.test_client().get("/api/search?q=oil").status_code == 503
    assert store.current_generation(index).name == first.generation
    # and one allowed to build at first use builds it again
    app = create_app({"TESTING": True, "MEASURES_DIR": measures_copy, "INDEX_DIR": index,
                      "BUILD_IF_MISSING": True})
    answer = app.test_client().get("/api/search?q=oil")
    assert answer.status_code == 200 and answer.get_json()["total"] >= 1
    assert store.current_generation(index).name != first.generation
    assert not index_is_stale(measures_copy, index)


def test_a_renamed_record_is_found_as_one_removed_and_one_added(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    write(measures_copy / "new-tank-measure.md", record(title="Unicorn tank pilot"))
    build_index(measures_copy, index)
    # as many files as before, one name differs: the manifest's rows no longer line up
    (measures_copy / "new-tank-measure.md").rename(measures_copy / "renamed-tank-measure.md")
    report = build_index(measures_copy, index)
    assert (report.added, report.updated, report.deleted) == (1, 0, 1)
    assert ids(index, "unicorn") == {"renamed-tank-measure"}


def test_nothing_changed_is_answered_without_loading_whoosh_or_the_analysis(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    script = ("import sys; from indexer.engine.build import build_index; "
              f"r = build_index({str(measures_copy)!r}, {str(index)!r}); "
              "print(r.mode, *(m in sys.modules for m in ('whoosh', 'numpy', 'rjieba')))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["unchanged", "False", "False", "False"]


def test_the_last_commit_is_read_as_whoosh_reads_it(measures_copy, tmp_path):
    index = tmp_path / "index"
    generation = index / build_index(measures_copy, index).generation
    for title in ("Unicorn tank pilot", "Pegasus tank pilot"):
        write(measures_copy / "new-tank-measure.md", record(title=title))
        build_index(measures_copy, index)
        assert files.latest_commit(generation) == open_dir(str(generation)).latest_generation()
