"""Keep the README honest: every field and command documented, CI running its test command."""

from __future__ import annotations

import re

import pytest

from indexer.catalog import MEASURE_FIELDS, PILLAR_FIELDS, SOURCE_FIELDS, ZONE_FIELDS
from tests.conftest import PROJECT

README = (PROJECT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("field", sorted(MEASURE_FIELDS))
def test_every_record_field_is_in_the_readme_table(field):
    assert re.search(rf"^\| `{field}` \|", README, re.M), f"{field} missing from README"


@pytest.mark.parametrize("field", sorted(set(SOURCE_FIELDS) | set(ZONE_FIELDS) | set(PILLAR_FIELDS)))
def test_every_source_and_taxonomy_field_is_in_the_readme(field):
    assert f"`{field}`" in README


def test_every_command_is_in_the_readme():
    from webapp.cli import cli

    for name in cli.commands:
        assert f"`ftz {name}" in README, name


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"^    (python3 -m venv .*)$", README, re.M)
    test_command = next(c for c in commands if "[test]" in c)
    assert test_command in (PROJECT / ".ci" / "run").read_text(encoding="utf-8")
