"""Shared fixtures: a copy of the shipped records, and one index built from it per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from indexer.build import build_index

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT / "measures"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> dict:
    """An index of the shipped records, built once; read-only tests share it."""
    root = tmp_path_factory.mktemp("kb")
    measures = root / "measures"
    shutil.copytree(SHIPPED, measures)
    index = root / "index"
    build_index(measures, index)
    return {"measures": measures, "index": index}


@pytest.fixture(scope="session")
def kb(built_index):
    from indexer.search import KnowledgeBase

    return KnowledgeBase(built_index["index"])


@pytest.fixture
def measures_copy(tmp_path) -> Path:
    """A writable copy of the shipped records, for tests that break or change them."""
    target = tmp_path / "measures"
    shutil.copytree(SHIPPED, target)
    return target


@pytest.fixture
def app(built_index):
    from webapp import create_app

    return create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                       "INDEX_DIR": built_index["index"]})


@pytest.fixture
def client(app):
    return app.test_client()
