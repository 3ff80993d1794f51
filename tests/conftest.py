"""Shared fixtures: a corpus of fixture records with the shipped taxonomy, and one index built from it per session."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

from indexer.engine.build import build_index
from tests.helpers import PROFILE

# Hypothesis profiles (tests/helpers.py:examples scales the example counts): "ci" repeats
# the same examples on every run; "explore" draws new ones from a random seed, which pytest
# prints with each failure (or give --hypothesis-seed=N to replay a run).
_COMMON = dict(deadline=None, database=None,
               suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                      HealthCheck.data_too_large])
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("explore", derandomize=False, print_blob=True, **_COMMON)
settings.load_profile(PROFILE)

PROJECT = Path(__file__).resolve().parent.parent
SHIPPED = PROJECT / "measures"
# The records most tests run on: a frozen, small set (the 13 measures of the first source),
# so that the knowledge base can grow without moving what the tests expect. The taxonomy,
# sources and lexicon are the shipped ones.
FIXTURE_RECORDS = PROJECT / "tests" / "fixtures" / "records"
# The register's batches for the fixture records: the shipped batches name shipped records,
# which the fixture corpus lacks.
FIXTURE_BATCHES = PROJECT / "tests" / "fixtures" / "batches"


def fixture_corpus(target: Path) -> Path:
    """A measures directory at `target`: the shipped taxonomy, sources and lexicon with the
    fixture records and batches instead of the shipped ones (and no drafts)."""
    def records_batches_and_drafts(folder, names):
        if Path(folder) == SHIPPED:
            return [n for n in names if n.endswith(".md") or n in ("drafts", "batches")]
        return []

    shutil.copytree(SHIPPED, target, ignore=records_batches_and_drafts)
    for record in FIXTURE_RECORDS.glob("*.md"):
        shutil.copy(record, target / record.name)
    shutil.copytree(FIXTURE_BATCHES, target / "batches")
    return target


def indexed_corpus_with(root: Path, bodies: dict[str, str], title=None, records=None,
                        **fields) -> Path:
    """The fixture corpus under `root` with a record more for each (name, body) of `bodies`
    (its title `title(name)`, by default the name with spaces; other front matter `fields`,
    as tests.helpers.record takes them) and each (name, whole file) of `records`, built into
    `root / "index"`, which is returned."""
    from tests.helpers import record, write

    measures = fixture_corpus(root / "measures")
    for name, body in bodies.items():
        write(measures / f"{name}.md",
              record(title=title(name) if title else name.replace("-", " "), body=body, **fields))
    for name, text in (records or {}).items():
        write(measures / f"{name}.md", text)
    build_index(measures, root / "index")
    return root / "index"


@pytest.fixture(scope="session")
def built_index(tmp_path_factory) -> dict:
    """An index of the fixture records, built once; read-only tests share it."""
    root = tmp_path_factory.mktemp("kb")
    measures = fixture_corpus(root / "measures")
    index = root / "index"
    build_index(measures, index)
    return {"measures": measures, "index": index}


@pytest.fixture(scope="session")
def kb(built_index):
    from indexer.search import KnowledgeBase

    return KnowledgeBase(built_index["index"])


@pytest.fixture(scope="session")
def shipped_index(tmp_path_factory) -> dict:
    """An index of the shipped measures/ (lineage, cited sources, every glossary term in
    use), built once; read-only tests of the real corpus share it."""
    index = tmp_path_factory.mktemp("shipped") / "index"
    build_index(SHIPPED, index)
    return {"measures": SHIPPED, "index": index}


@pytest.fixture(scope="session")
def shipped_kb(shipped_index):
    from indexer.search import KnowledgeBase

    kb = KnowledgeBase(shipped_index["index"])
    yield kb
    kb.close()


@pytest.fixture(scope="module")
def shipped_client(shipped_index):
    """The site on the shipped measures' index."""
    from webapp import create_app

    app = create_app({"TESTING": True, "MEASURES_DIR": shipped_index["measures"],
                      "INDEX_DIR": shipped_index["index"]})
    return app.test_client()


@pytest.fixture
def measures_copy(tmp_path) -> Path:
    """A writable copy of the fixture corpus, for tests that break or change it."""
    return fixture_corpus(tmp_path / "measures")


@pytest.fixture
def app(built_index):
    from webapp import create_app

    return create_app({"TESTING": True, "MEASURES_DIR": built_index["measures"],
                       "INDEX_DIR": built_index["index"]})


@pytest.fixture
def client(app):
    return app.test_client()


# -- the browser tests' fixtures (helpers in tests/browserhelpers.py) -------------------------

@pytest.fixture(scope="module")
def browser():
    """Headless Chromium through Playwright, one per module; skips (fails under CI) without it."""
    from tests.browserhelpers import launch_browser

    yield from launch_browser()


@pytest.fixture(scope="module")
def live_server(built_index):
    """The site on the fixture records, served from a thread; its address. A module on other
    records overrides this fixture (e.g. with `serving(shipped_index)`)."""
    from tests.browserhelpers import serving

    yield from serving(built_index)


@pytest.fixture
def page(browser, live_server):
    """A desktop page on `live_server`; the test fails on any console error it showed."""
    from tests.browserhelpers import checked_page

    yield from checked_page(browser, live_server)


@pytest.fixture
def phone(browser, live_server):
    """A 390 px touch page on `live_server`; the test fails on any console error it showed."""
    from tests.browserhelpers import on_a_phone

    yield from on_a_phone(browser, live_server)


# -- the drafter's tests' fixtures ---------------------------------------------------------

@pytest.fixture
def measures(measures_copy) -> Path:
    """The fixture corpus (13 records, the shipped taxonomy) plus the drafter's test sources."""
    from tests.draft_eval import FIXTURES

    for source in (FIXTURES / "sources").glob("*.md"):
        shutil.copy(source, measures_copy / "sources" / source.name)
    return measures_copy


@pytest.fixture(scope="module")
def finder():
    """The drafter's zone finder of the shipped taxonomy (zones, places, synonyms), built once."""
    from indexer.records.catalog import load_catalog
    from indexer.drafting.zonefinder import ZoneFinder
    from indexer.errors import Report
    from indexer.records.lexicon import load_lexicon
    from indexer.records.places import load_places

    catalog = load_catalog(SHIPPED)
    report = Report(SHIPPED)
    return ZoneFinder(catalog.taxonomy.zones, load_places(SHIPPED, catalog.taxonomy.zones, report),
                      load_lexicon(SHIPPED, report).synonyms)


def pytest_collection_modifyitems(items):
    """Mark every Hypothesis test `property`, so that .ci/run's exploring pass can select them
    (`-m property`) without a list to keep."""
    for item in items:
        if getattr(getattr(item, "obj", None), "is_hypothesis_test", False):
            item.add_marker(pytest.mark.property)
