"""What `ftz check` runs: the catalog's checks (indexer/records/catalog.py) and those of the
analysis data, which need the analyser and the index document and so live above both.

records/ loads and checks the files; this module adds the dictionary, synonyms, everyday
words and glossary (records/lexicon.py), everyday groups the analyser reads as one word,
and glossary pairs no indexed record holds. Every problem keeps its `path:line: field:`.
The drafter and the build load the catalog without these and start faster without the
segmenter (a quarter of a second).
"""

from __future__ import annotations

from pathlib import Path

from indexer.analysis.analyser import text_analyzer
from indexer.records.lexicon import EVERYDAY_FILE, Lexicon, load_lexicon
from indexer.engine.schema import measure_document
from indexer.engine.scoring import TEXT_FIELDS
from indexer.errors import Problem, Report
from indexer.records.catalog import Catalog, load_catalog
from indexer.records.frontmatter import load_yaml_list
from indexer.records.glossary import GLOSSARY_FILE, analyzer_words, unused_pairs
from indexer.records.model import Measure, Taxonomy


def check_catalog(root: Path) -> Catalog:
    """Everything in the measures directory, fully validated, with the warnings: worth an
    editor's look, published all the same (records without a Chinese text, glossary pairs no
    record uses)."""
    root = Path(root)
    catalog = load_catalog(root, warnings=True)
    if not root.is_dir():
        return catalog
    report = Report(root)
    lexicon = load_lexicon(root, report)
    check_everyday(root, lexicon, report)
    return Catalog(catalog.taxonomy, catalog.measures, sorted(catalog.problems + report.problems),
                   catalog.warnings + unused_glossary(root, lexicon, catalog.measures,
                                                      catalog.taxonomy))


def check_everyday(root: Path, lexicon: Lexicon, report: Report) -> None:
    """A group of everyday words whose terms the search reads as one already adds nothing
    (stemming makes "permits" "permit"): said, so that an editor writes a real equivalent."""
    if not lexicon.everyday:
        return
    analyzer = text_analyzer(lexicon.dictionary)
    node = load_yaml_list(root / EVERYDAY_FILE, "everyday", Report(root), "groups")
    lines = {}
    if node is not None:
        for i, group in enumerate(node.value):
            if isinstance(group, list):
                lines[tuple(" ".join(str(t).lower().split()) for t in group)] = node.line_of(i)
    for group in lexicon.everyday:
        keys = {tuple(analyzer_words(analyzer, t)) for t in group}
        if () in keys:
            report.add(root / EVERYDAY_FILE, lines.get(group, 1), ", ".join(group),
                       "a term has only very common words (stop words): it finds nothing")
        elif len(keys) < 2:
            report.add(root / EVERYDAY_FILE, lines.get(group, 1), ", ".join(group),
                       "the search reads every term of this group as the same word already")


def unused_glossary(root: Path, lexicon: Lexicon, measures: dict[str, Measure],
                    taxonomy: Taxonomy) -> list[Problem]:
    """Glossary pairs no record holds in either language: a warning, as a pair may wait for
    the records that will use it."""
    documents = (measure_document(m, taxonomy) for m in measures.values())
    warnings = Report(root)
    for pair in unused_pairs(lexicon.glossary, documents, text_analyzer(lexicon.dictionary),
                             TEXT_FIELDS):
        warnings.add(root / GLOSSARY_FILE, pair.line, pair.english,
                     f"no record uses {pair.english!r} or {pair.chinese!r}")
    return warnings.problems
