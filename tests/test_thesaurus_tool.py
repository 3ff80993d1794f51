"""tests/thesaurus.py, the WordNet expansion experiment of docs/relevance.md: it reads WordNet's
database files as WordNet does (senses in order, base forms by the exception lists and the
detachment rules, the most often tagged part of speech, pointers), keeps only the words the
records use, and its expansion is searched only inside `expanding()`."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.thesaurus import Thesaurus, WordNet, expanding

FILES = {
    "data.noun": ["  1 licence header line",
                  "00000010 04 n 02 repair 0 fix 0 002 + 00000001 v 0101 ~ 00000011 n 0000 | a mending",
                  "00000011 04 n 01 maintenance 0 001 @ 00000010 n 0000 | upkeep",
                  "00000012 04 n 01 resort 0 000 | a place to go"],
    "data.verb": ["00000001 30 v 03 repair 0 mend 0 fix 0 001 + 00000010 n 0101 01 + 08 00 | restore",
                  "00000002 35 v 01 fix 0 000 | fasten"],
    "index.noun": ["  1 licence header line", "repair n 2 2 ~ + 2 1 00000010 00000012",
                   "fix n 1 0 1 0 00000010", "maintenance n 1 1 @ 1 1 00000011",
                   "resort n 1 0 1 0 00000012"],
    "index.verb": ["repair v 1 1 + 1 3 00000001", "mend v 1 0 1 2 00000001",
                   "fix v 2 0 2 0 00000002 00000001"],
    "verb.exc": ["fixt fix"],
}


@pytest.fixture(scope="module")
def wordnet(tmp_path_factory) -> WordNet:
    root = tmp_path_factory.mktemp("wordnet")
    for pos in ("noun", "verb", "adj", "adv"):
        for kind in ("data", "index"):
            (root / f"{kind}.{pos}").write_text("", encoding="latin-1")
    for name, lines in FILES.items():
        (root / name).write_text("\n".join(lines) + "\n", encoding="latin-1")
    return WordNet(Path(root))


def test_words_are_read_as_wordnet_reads_them(wordnet):
    assert wordnet.bases("repaired", "v") == ["repair"]  # a detachment rule
    assert wordnet.bases("fixt", "v") == ["fix"]  # the exception list
    assert wordnet.senses("repairs", "n") == [("n", "00000010"), ("n", "00000012")]  # in order
    assert wordnet.words(("v", "00000001")) == ["repair", "mend", "fix"]
    assert wordnet.derived(("v", "00000001"), "repair") == ["repair"]
    assert wordnet.derived(("v", "00000001"), "mend") == []  # the pointer is repair's only
    assert wordnet.main_pos("repair") == "v"  # tagged 3 times as a verb, once as a noun
    assert wordnet.main_pos("resort") is None  # never tagged


def _thesaurus(kb, wordnet, variant, texts=("Maintenance of aircraft.", "Mending nets.")):
    return Thesaurus(wordnet, kb._gen.builder, list(texts), variant)


def test_only_words_the_records_use_are_kept(kb, wordnet):
    assert _thesaurus(kb, wordnet, {}).expand("repaired") == ["mend"]  # fix: no record's word
    assert _thesaurus(kb, wordnet, {"related": ["hyponym"]}).expand("repairs") == ["maintenance", "mend"]
    assert _thesaurus(kb, wordnet, {"main_pos": True, "related": ["hyponym"]}).expand("repairs") == ["mend"]
    # fix's first sense as a verb is "fasten", not repair's: only mend shares its first
    both = ["Fix it and mend it."]
    assert _thesaurus(kb, wordnet, {}, texts=both).expand("repaired") == ["mend", "fix"]
    assert _thesaurus(kb, wordnet, {"mutual": 1}, texts=both).expand("repaired") == ["mend"]
    # a word the records hold is left alone when only absent words are expanded
    held = _thesaurus(kb, wordnet, {"only": "absent"}, texts=["Repairs and mending."])
    assert held.expand("repair") == []
    assert _thesaurus(kb, wordnet, {"only": "absent"}).expand("repair") == ["mend"]


def test_the_expansion_is_searched_only_inside_expanding(kb, wordnet):
    builder = kb._gen.builder
    thesaurus = _thesaurus(kb, wordnet, {"weight": 0.25})
    with expanding(thesaurus):
        parsed = builder.parse("repaired")
    assert parsed.synonyms == [("repaired", ("mend",))]
    assert "mend" in str(parsed.query) and "0.25" in str(parsed.query)
    after = builder.parse("repaired")
    assert after.synonyms == [] and "mend" not in str(after.query)


def test_rank_only_leaves_the_words_as_typed(kb, wordnet):
    builder = kb._gen.builder
    with expanding(_thesaurus(kb, wordnet, {"rank_only": "missing"})):
        parsed = builder.parse("repaired")
        assert parsed.synonyms == [] and "mend" not in str(parsed.query)
        # a partial match's ranking: the expansion of a word no record holds ranks
        ranking = builder.ranked(parsed, [], [])
    assert "mend" in str(ranking.query)
    assert "mend" not in str(builder.ranked(builder.parse("repaired"), [], []).query)
