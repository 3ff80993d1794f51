"""docs/records.md's field tables are what `python -m indexer.records.fieldsdoc` writes from the
record schema, and the command refuses a schema field it has no words for."""

from __future__ import annotations

import pytest

from indexer.records import fieldsdoc
from indexer.records.fieldsdoc import FieldsDocError, MEANING, rewrite, table
from indexer.records.schema import Measure, Source, fields_of
from tests.conftest import PROJECT

RECORDS_DOC = PROJECT / "docs" / "records.md"


def test_the_records_doc_is_what_the_command_writes():
    page = RECORDS_DOC.read_text(encoding="utf-8")
    assert rewrite(page) == page, "run python -m indexer.records.fieldsdoc"


def test_the_check_fails_on_a_hand_edited_table_and_the_command_mends_it(tmp_path):
    doc = tmp_path / "records.md"
    page = RECORDS_DOC.read_text(encoding="utf-8")
    doc.write_text(page.replace("| `tags` | yes |", "| `tags` | no |"), encoding="utf-8")
    assert fieldsdoc.main(["--check", "--doc", str(doc)]) == 1
    assert fieldsdoc.main(["--doc", str(doc)]) == 0
    assert doc.read_text(encoding="utf-8") == page
    assert fieldsdoc.main(["--check", "--doc", str(doc)]) == 0


@pytest.mark.parametrize("model", [Measure, Source])
def test_each_table_has_a_row_per_schema_field_in_the_schemas_order(model):
    rows = [line.split("`")[1] for line in table(model).splitlines()[2:]]
    assert rows == list(fields_of(model))


def test_allowed_values_come_from_the_schema():
    assert "| `status` | no | `piloted`, `replicated` or `nationwide`, only where" in table(Measure)
    assert "| `kind` | yes | `held` or `cited`. |" in table(Source)


def test_a_schema_field_with_no_meaning_and_no_description_stops_the_command(monkeypatch):
    meaning = {k: v for k, v in MEANING[Measure].items() if k != "zones_note"}
    monkeypatch.setattr(Measure.model_fields["zones_note"], "description", None)
    with pytest.raises(FieldsDocError, match="Measure.zones_note: a field of the schema"):
        table(Measure, meaning)


def test_a_field_with_a_description_needs_no_words_of_its_own_here(monkeypatch):
    """A new field is an edit to the schema (its description), the data and the tests: its row
    says the description where MEANING has no longer words for it."""
    meaning = {k: v for k, v in MEANING[Measure].items() if k != "zones_note"}
    monkeypatch.setattr(Measure.model_fields["zones_note"], "description", "Why the zones are so.")
    assert "| `zones_note` | no | Why the zones are so. |" in table(Measure, meaning)


def test_a_meaning_of_no_field_stops_the_command():
    with pytest.raises(FieldsDocError, match="Measure.region: a meaning of no field"):
        table(Measure, {**MEANING[Measure], "region": "A region."})


def test_a_list_of_items_must_name_each_field_of_its_items():
    meaning = {**MEANING[Measure], "lineage": MEANING[Measure]["lineage"].replace("`batch`", "batch")}
    with pytest.raises(FieldsDocError, match=r"lineage: .* `batch` \(LineageStep\)"):
        table(Measure, meaning)


def test_a_required_field_cannot_be_said_optional():
    with pytest.raises(FieldsDocError, match="Measure.title: required"):
        table(Measure, required_when={"title": "sometimes"})


def test_a_page_without_the_markers_is_refused(tmp_path):
    doc = tmp_path / "records.md"
    doc.write_text("# Records\n\nNo tables here.\n", encoding="utf-8")
    assert fieldsdoc.main(["--doc", str(doc)]) == 2
    assert doc.read_text(encoding="utf-8") == "# Records\n\nNo tables here.\n"
