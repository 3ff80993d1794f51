"""`ftz status`: the published generation, its records, segments, size, when it was written
and the leases readers hold, as text and as JSON."""

from __future__ import annotations

import datetime
import json
import time

from click.testing import CliRunner

from indexer.engine.whooshfiles import files as segments
from indexer.engine import store
from indexer.engine.build import build_index
from indexer.cli import cli
from indexer.search import KnowledgeBase
from tests.conftest import FIXTURE_RECORDS


def status(*args):
    return CliRunner().invoke(cli, ["status", *map(str, args)])


def test_status_shows_the_published_index_and_its_readers(measures_copy, tmp_path, monkeypatch):
    monkeypatch.setenv("FTZ_HOST_ID", "statushost")
    index = tmp_path / "index"
    started = time.time()
    report = build_index(measures_copy, index)
    kb = KnowledgeBase(index)
    try:
        result = status("--index", index, "--json")
        assert result.exit_code == 0, result.output
        found = json.loads(result.output)
        records = len(list(FIXTURE_RECORDS.glob("*.md")))
        assert found["generation"] == report.generation == store.current_generation(index).name
        assert found["records"] == records
        assert found["documents"] == {"live": records + 1, "deleted": 0}  # and the taxonomy's
        assert found["segments"] == len(segments.segment_sizes(index / report.generation)) >= 1
        assert found["size_bytes"] > 10_000 and found["folder_bytes"] >= found["size_bytes"]
        written = datetime.datetime.fromisoformat(found["written"])
        assert written.utcoffset() == datetime.timedelta(0)
        assert started - 1 <= written.timestamp() <= time.time()
        (lease,) = found["leases"]
        assert lease["holder"].startswith("statushost-") and lease["generation"] == report.generation
        assert not lease["expired"] and lease["expires_in"] > 0
        text = status("--index", index)
        assert text.exit_code == 0
        assert f"generation {report.generation}" in text.output
        assert f"{records} records; {found['segments']} segments" in text.output
        assert f"lease {lease['holder']} on {report.generation}" in text.output
        # the published generation is never called another one (a new user read it so)
        assert "(no other generation kept)" in text.output
    finally:
        kb.close()
    assert json.loads(status("--index", index, "--json").output)["leases"] == []
    assert "no reader holds a lease" in status("--index", index).output


def test_status_counts_an_update_and_its_deleted_document(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    before = json.loads(status("--index", index, "--json").output)
    record = sorted(measures_copy.glob("*.md"))[0]
    record.write_text(record.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    build_index(measures_copy, index)
    after = json.loads(status("--index", index, "--json").output)
    assert after["segments"] == before["segments"] + 1
    assert after["documents"]["deleted"] == 1 and after["records"] == before["records"]
    assert after["commit"] > before["commit"]


def test_status_of_no_index_is_a_clear_error(tmp_path):
    result = status("--index", tmp_path / "none")
    assert result.exit_code == 1 and "run `ftz index` first" in result.output
