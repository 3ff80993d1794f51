"""A facet value's names live in the registry (indexer/facets.py) only: the facet panel's
name and the other label kinds (LABELS: a lineage step's wording) in both languages, read by
the measure page, the exports and the API's labels."""

from __future__ import annotations

import csv
import io

import pytest

from indexer import facets
from indexer.facets import LABELS, fixed_choices

MEASURE = "construction-project-approval-unified-standardised-digitised"  # a national step


@pytest.mark.parametrize("key", ["scope", "status", "source_kind"])
def test_every_label_a_value_declares_is_in_both_languages(key):
    for choice in fixed_choices(key).values():
        assert choice["name"] and choice["name_zh"], choice
        for kind in LABELS:
            assert bool(choice.get(kind)) == bool(choice.get(f"{kind}_zh")), (kind, choice)


def test_every_scope_names_its_lineage_step():
    assert all(c.get("step") for c in fixed_choices("scope").values())


def test_an_undeclared_label_kind_is_refused():
    with pytest.raises(ValueError, match="no label kind"):
        facets._choice("x", "X", "十", stepp=("a", "b"))


def test_the_pages_and_exports_read_the_names_from_the_registry(shipped_client, monkeypatch):
    monkeypatch.setitem(facets.SCOPE_NAMES, "national", {
        "name": ("Spread everywhere", "遍及全国"), "step": ("Taken up nationwide", "推向全国")})
    page = shipped_client.get(f"/measures/{MEASURE}").get_data(as_text=True)
    assert "Taken up nationwide" in page
    zh = shipped_client.get(f"/zh/measures/{MEASURE}").get_data(as_text=True)
    assert "推向全国" in zh
    rows = list(csv.reader(io.StringIO(shipped_client.get(
        f"/search.csv?q={MEASURE}&lang=zh").get_data(as_text=True))))
    assert any("推向全国" in cell for row in rows[1:] for cell in row), rows[:2]
    coverage = shipped_client.get("/zh/coverage").get_data(as_text=True)
    assert "遍及全国" in coverage
    panel = shipped_client.get("/search?scope=national").get_data(as_text=True)
    assert "Spread everywhere" in panel


def test_a_status_is_named_by_the_registry(app, monkeypatch):
    from webapp.i18n import value_name

    monkeypatch.setitem(facets.STATUS_NAMES, "piloted", {"name": ("trialled", "试行")})
    with app.test_request_context("/zh/"):
        assert value_name("status", "piloted", lang="zh") == "试行"
        assert value_name("status", "piloted", lang="en") == "trialled"
        assert value_name("status", "unheard-of", lang="zh") == "unheard-of"

