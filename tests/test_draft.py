"""`ftz draft`: drafts from a held source, checked, accepted, and only then published."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from indexer.records.catalog import load_catalog
from indexer.cli import cli
from indexer.drafting.draft import Drafter
from indexer.errors import Report
from indexer.records.fields import squash
from indexer.records.lexicon import load_lexicon
from indexer.records.model import Measure
from indexer.drafting.passages import sentences
from indexer.drafting.pillar_model import PillarModel
from indexer.records.places import load_places
from indexer.drafting.zonefinder import ZoneFinder
from tests.draft_eval import FIXTURES, evaluate, load_truth, truth_of_records
from tests.helpers import examples, SOURCE_ID

BRIEFING = "mofcom-2024-03-21-test-briefing"  # 8 measures, 9 zones, four numbered parts
RELEASE = "mofcom-2024-06-14-test-release"  # no numbered parts; zones by their places
CHINESE = "mofcom-2024-09-10-test-chinese-briefing"


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)


def source_text(measures: Path, source_id: str) -> str:
    return load_catalog(measures).taxonomy.sources[source_id].text


# --- the acceptance test of issue 11 --------------------------------------------------------

def test_briefing_with_eight_measures_in_nine_zones(measures, tmp_path):
    """Four numbered parts (not in pillars.yaml's order), eight measures in nine zones,
    and paragraphs naming no measure: greetings, figures by zone, a question, plans."""
    result = run("draft", BRIEFING, "--json", "--measures", measures, "--out", tmp_path / "d")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert isinstance(data, list)
    for item in data:
        assert {"id", "title", "zones", "pillar", "quote", "tags", "date", "source",
                "duplicate_of"} <= set(item)
        assert item["source"] == BRIEFING and item["date"] == "2024-03-21"
    drafts = Drafter(measures).propose(BRIEFING).drafts
    assert [d.to_dict()["quote"] for d in drafts] == [item["quote"] for item in data]
    truth = load_truth(FIXTURES / "truth" / f"{BRIEFING}.yaml")
    assert len(truth) == 8 and len({z for t in truth for z in t["zones"]}) == 9
    fig = evaluate(drafts, truth, source_text(measures, BRIEFING), BRIEFING)
    assert fig.spurious <= 3, fig.misses
    assert fig.zone_sets_right >= 7, fig.misses
    assert fig.pillars_right >= 6, fig.misses
    assert fig.verbatim == len(drafts)
    assert fig.duplicates_false == 0, fig.misses


def test_redrafting_the_shipped_source_recovers_its_13_records_as_duplicates(measures):
    catalog = load_catalog(measures)
    drafts = Drafter(measures).propose(SOURCE_ID).drafts
    records = {m.id: m for m in catalog.measures.values() if m.source == SOURCE_ID}
    assert len(records) == 13
    repeats = [d.duplicate_of for d in drafts]
    assert sorted(r for r in repeats if r) == sorted(records), "each record found exactly once"
    for d in drafts:
        record = records[d.duplicate_of]
        assert tuple(d.zones) == record.zones, d.duplicate_of
        assert d.pillar == record.pillar, d.duplicate_of
        assert squash(d.quote) == squash(record.quote), d.duplicate_of
    fig = evaluate(drafts, truth_of_records(measures, SOURCE_ID), catalog.taxonomy.sources[SOURCE_ID].text,
                   SOURCE_ID)
    assert (fig.spurious, fig.zone_precision, fig.zone_recall) == (0, 1.0, 1.0)


def test_release_without_parts_zones_from_places_and_a_repeat_across_sources(measures):
    drafts = Drafter(measures).propose(RELEASE).drafts
    fig = evaluate(drafts, load_truth(FIXTURES / "truth" / f"{RELEASE}.yaml"),
                   source_text(measures, RELEASE), RELEASE)
    # pillars come from the wording here, learned from the 13 fixture records: 4/8 (6/8 with
    # the 78 shipped records of docs/drafting.md's figures)
    assert fig.spurious == 0 and fig.matched >= 7 and fig.zone_sets_right >= 7, fig.misses
    assert fig.pillars_right >= 4, fig.misses
    assert (fig.duplicates_right, fig.duplicates_false) == (1, 0), fig.misses
    by_zone = {tuple(d.zones): d for d in drafts}
    assert ("guangdong",) in by_zone  # "Qianhai"
    assert ("hainan",) in by_zone  # "Yangpu Port"
    assert ("xinjiang",) in by_zone  # "Kashgar"
    pass_ = next(d for d in drafts if "electronic port pass" in d.quote)
    assert pass_.zones == [] and pass_.zones_note == (
        "The source attributes this to several pilot free trade zones it does not name.")


def test_chinese_source(measures):
    drafts = Drafter(measures).propose(CHINESE).drafts
    fig = evaluate(drafts, load_truth(FIXTURES / "truth" / f"{CHINESE}.yaml"),
                   source_text(measures, CHINESE), CHINESE)
    assert (fig.spurious, fig.zone_sets_right, fig.pillars_right) == (0, 4, 4), fig.misses
    for d in drafts:
        assert d.title is None and d.title_zh  # the English title is the editor's blank
        assert "title" in d.blanks and "title_zh" not in d.blanks


def test_it_and_they_point_back_one_sentence_only(measures):
    """A pronoun takes the zones of the sentence just before, not of one further back."""
    source = measures / "sources" / "mofcom-2024-12-01-pronouns.md"
    source.write_text("---\nkind: held\ntitle: Pronouns\npublisher: tests\npublisher_zh: 本项目测试\ndate: 2024-12-01\n"
                      "language: en\n---\nThe Hubei FTZ has set up a data desk for carmakers. "
                      "It also launched a bonded repair pilot for engines.\n\n"
                      "The Hunan FTZ has opened a cold-chain hub for fruit. None of this needed new laws. "
                      "They required several agencies to agree on one form.\n", encoding="utf-8")
    drafts = Drafter(measures).propose(source.stem).drafts
    assert [(d.zones, d.title) for d in drafts] == [
        (["hubei"], "Data desk for carmakers"), (["hubei"], "Bonded repair pilot for engines"),
        (["hunan"], "Cold-chain hub for fruit")]


# The two held-out briefings, written by others in the style of a MOFCOM briefing. Measured
# once each with the detector frozen at ecb7c36 before its author read them (heldout-2 blind;
# heldout-1 blind to this detector, seen once by the author of the verb-list drafter before):
# matched 6 and 8, spurious 1 and 4, zone sets 6/8 and 8/8, pillars 6/8 and 5/8 (shipped
# corpus). The kinds of failure found there were then fixed in general (8a0e0ad..): the
# figures below are after that, tuned on these texts, and no longer a blind measure. Fixture
# corpus (13 records): held-out 2's pillars, from its prose part openers since draft3, are 6/8
# (8/8 with the 76 shipped records; 2/8 from the wording alone before).
HELDOUT_FIGURES = {
    # matched, spurious, zone sets right, pillars right
    "heldout-1-briefing": (8, 0, 8, 8),
    "heldout-2-briefing": (8, 0, 8, 6),
}


@pytest.mark.parametrize("name", sorted(HELDOUT_FIGURES))
def test_held_out_briefings_keep_their_figures(measures, name):
    from tests.draft_eval import HELDOUT, run

    fig = run(HELDOUT / f"{name}.txt", load_truth(HELDOUT / f"{name}.yaml"), measures=measures)
    matched, spurious, zone_sets, pillars = HELDOUT_FIGURES[name]
    assert fig.truth == 8
    assert fig.matched >= matched and fig.spurious <= spurious, fig.misses
    assert fig.zone_sets_right >= zone_sets and fig.pillars_right >= pillars, fig.misses
    assert fig.verbatim == fig.drafts and fig.duplicates_false == 0, fig.misses


# Held-out 3 (a briefing) and 4 (a press-conference transcript), written by others while the
# draft3 drafter was built and measured once each, blind, with the drafter frozen at e17c12f
# ("frozen before held-out 3 and 4"), on the 76 shipped records. These are those figures, the
# docs/drafting.md's blind rows; a change that lowers one fails here. Held-out 4 misses the bar
# on pillars (4/8; see docs/drafting.md for why). Its false duplicate is the Lingang negative list
# for outbound data, which the shipped record shanghai-tianjin-data-outbound-negative-lists
# does report: the truth file did not know it.
BLIND_FIGURES = {
    # matched, spurious, zone sets right, pillars right, false duplicates (of 8 measures)
    "heldout-3-briefing": (7, 0, 7, 7, 0),
    "heldout-4-transcript": (7, 3, 7, 4, 1),
}


@pytest.mark.parametrize("name", sorted(BLIND_FIGURES))
def test_blind_held_out_texts_keep_their_measured_figures(name):
    from tests.draft_eval import HELDOUT, run

    fig = run(HELDOUT / f"{name}.txt", load_truth(HELDOUT / f"{name}.yaml"))  # shipped records
    matched, spurious, zone_sets, pillars, false_duplicates = BLIND_FIGURES[name]
    assert fig.truth == 8 and fig.verbatim == fig.drafts, fig.misses
    assert fig.matched >= matched and fig.spurious <= spurious, fig.misses
    assert fig.zone_sets_right >= zone_sets and fig.pillars_right >= pillars, fig.misses
    assert fig.duplicates_false <= false_duplicates, fig.misses


# --- what a draft holds ---------------------------------------------------------------------

def test_titles_are_the_passages_own_words_and_ids_never_collide(measures):
    catalog = load_catalog(measures)
    ids = set(catalog.measures)
    for source in (SOURCE_ID, BRIEFING, RELEASE):
        drafts = Drafter(measures).propose(source).drafts
        assert len({d.id for d in drafts}) == len(drafts)
        for d in drafts:
            assert d.id not in ids
            quote_words = set(re.findall(r"[a-z0-9]+", d.quote.lower()))
            assert set(re.findall(r"[a-z0-9]+", d.title.lower())) <= quote_words, d.title
    shanghai = next(d for d in Drafter(measures).propose(SOURCE_ID).drafts if d.zones == ["shanghai"])
    assert shanghai.id == "shanghai-global-operator-plan-2"  # the record holds the plain slug


def test_two_measures_in_one_sentence_are_two_drafts(measures):
    drafts = Drafter(measures).propose(SOURCE_ID).drafts
    zhejiang = [d for d in drafts if d.zones == ["zhejiang"]]
    assert [d.title for d in zhejiang] == [
        "Shared storage of bonded and non bonded oil and gas products in the same tank",
        '"Multiple functions in one warehouse" for export supervision warehouses']
    guangdong = [d.title for d in drafts if d.zones == ["guangdong"]]
    assert guangdong == ["Paperless application for RCEP origin visas",
                         "Exports of express and perishable goods released within 6 hours"]
    jiangsu = [d for d in drafts if d.zones == ["jiangsu"]]
    assert len(jiangsu) == 1  # "deployed and implemented" one list of projects


def test_tags_come_from_the_records_and_the_dictionary(measures):
    drafts = Drafter(measures).propose(SOURCE_ID).drafts
    rcep = next(d for d in drafts if d.duplicate_of == "guangdong-rcep-paperless-origin-certificates")
    assert {"rcep", "paperless", "原产地签证"} <= set(rcep.tags)
    laos = next(d for d in drafts if d.duplicate_of == "china-laos-railway-multimodal-one-order-system")
    assert {"一单制", "多式联运"} <= set(laos.tags)
    assert not {"shanghai", "ftz", "自贸区"} & {t for d in drafts for t in d.tags}


def test_pillar_is_learned_from_the_records_not_a_word_list(measures):
    """Change what the records say and the wording model changes its mind."""
    catalog = load_catalog(measures)
    base = next(iter(catalog.measures.values()))
    records = [Measure(**{**base.to_dict(), "id": f"r{i}", "title": title, "pillar": pillar, "tags": (),
                          "see_also": (), "lineage": (), "quote": None, "body": title})
               for i, (title, pillar) in enumerate([("zebra crossings for lorries", "logistics"),
                                                    ("orchid growers cluster", "key-industries")])]
    model = PillarModel(catalog.taxonomy.pillars, records)
    assert model.classify("a new zebra crossing").pillar == "logistics"
    swapped = [Measure(**{**r.to_dict(), "pillar": p}) for r, p in
               zip(records, ["key-industries", "logistics"])]
    model = PillarModel(catalog.taxonomy.pillars, swapped)
    assert model.classify("a new zebra crossing").pillar == "key-industries"


ZONE_CASES = [
    ("Shanghai, Anhui and other pilot free trade zones have jointly carried out X", ["shanghai", "anhui"]),
    ("The Guangxi and Yunnan pilot free trade zones jointly launched X", ["guangxi", "yunnan"]),
    ("At Horgos, the Xinjiang Pilot Free Trade Zone opened X", ["xinjiang"]),
    ("The China (Hubei) Free Trade Pilot Zone introduced X", ["hubei"]),
    ("The Zhoushan area built X", ["zhejiang"]),
    ("Qianhai has allowed X", ["guangdong"]),
    ("浙江自贸试验区推出了X", ["zhejiang"]),
    ("The Hainan Free Trade Port launched X", ["hainan"]),
    ("Lingang Special Area opened X", ["shanghai"]),
    ("Dalian introduced X", ["liaoning"]),
]


@pytest.mark.parametrize("text,zones", ZONE_CASES)
def test_zones_from_every_kind_of_name(measures, text, zones):
    report = Report(measures)
    catalog = load_catalog(measures)
    finder = ZoneFinder(catalog.taxonomy.zones, load_places(measures, catalog.taxonomy.zones, report),
                        load_lexicon(measures, report).synonyms)
    assert list(dict.fromkeys(m.zone for m in finder.find(text))) == zones
    assert report.problems == []


def test_a_destination_is_not_an_actor(measures):
    d = Drafter(measures)
    from indexer.drafting.extract import analyse

    text = ("The Chongqing FTZ opened a rail route to Shanghai. "
            "The Hubei FTZ worked with the Hunan FTZ to launch a joint clearance model.")
    found = [f for s in sentences(text) for f in analyse(s, d.finder, ())]
    assert [f.zones for f in found] == [("chongqing",), ("hubei", "hunan")]


# Sentences the drafter has no verb list for: a measure is found by structure (a zone as actor
# or place, something done or in force), whatever its verb; the rest is skipped with a reason.
DETECTION_CASES = [
    ("The Hunan FTZ has drawn up a list of 46 powers that counties may now exercise.", ("hunan",), None),
    ("Road freight from Horgos to Kazakhstan now passes through a green lane.", ("xinjiang",), None),
    ("The Anhui FTZ brought in a joint review procedure for vehicle parts.", ("anhui",), None),
    ("The Shaanxi FTZ waived the deposit for bonded warehouses run by small firms.", ("shaanxi",), None),
    ("In Nansha, a single online window now handles company registration for investors.", ("guangdong",), None),
    ("A one-stop centre for foreign investors has been set up in the Qianhai area.", ("guangdong",), None),
    ("Since last year, importers in Yangshan can declare goods before they arrive.", ("shanghai",), None),
    ("The Hubei FTZ has taken the lead in launching a cross-border data desk.", ("hubei",), None),
    ("A new air cargo route links the Wuhan area of the Hubei FTZ to Budapest.", ("hubei",), None),
    ("Under the reform, applicants in the Hainan Free Trade Port no longer need to submit paper forms.",
     ("hainan",), None),
    ("Hubei has introduced 22 measures to support small exporters.", ("hubei",), None),
    ("In Nansha, a fast lane now clears trucks in 30 minutes, compared with two hours before.",
     ("guangdong",), None),
    ("The Henan FTZ has adopted a new set of rules under which importers pay duties after release.",
     ("henan",), None),
    ("First, the Hubei FTZ has set up a data desk for carmakers.", ("hubei",), None),
    ("The measure, piloted in the Hubei FTZ since 2022, cuts the approval time to one day.", ("hubei",), None),
    ("湖北自贸试验区已制定负面清单，湖南自贸试验区开通了新的跨境电商航线。", ("hubei",), None),
    ("Shandong scrapped paper certificates, and 1,200 firms have switched to electronic ones.",
     ("shandong",), "figure"),
    ("Some 37 chip design firms in the Lingang Special Area received the subsidy.", ("shanghai",), "figure"),
    ("Foreign investment in the Jiangsu FTZ reached 3.2 billion US dollars, up 11%.", ("jiangsu",), "figure"),
    ("Hainan's exports grew by 20.1% in the first five months.", ("hainan",), "figure"),
    ("The number of enterprises registered in the Tianjin FTZ has reached 80,000.", ("tianjin",), "figure"),
    ("The Henan FTZ ranked first among the 21 zones for new firms.", ("henan",), "figure"),
    ("The Beijing FTZ signed 50 projects worth 30 billion yuan.", ("beijing",), "figure"),
    ("重庆自贸试验区企业数量达到5万家。", ("chongqing",), "figure"),
    ("The Hunan and Hubei zones together accounted for more than 30 percent of exports.",
     ("hunan", "hubei"), "figure"),
    ("The Fujian and Zhejiang zones each attracted over 5 billion yuan of investment.",
     ("fujian", "zhejiang"), "figure"),
    ("The Tianjin zone posted the fastest growth in exports of any zone.", ("tianjin",), "figure"),
    ("The Henan FTZ opened a bonded store, and the first three retailers have moved in.", ("henan",), "figure"),
    ("The Guangdong FTZ will launch a wealth management pilot next month.", ("guangdong",), "plan"),
    ("The Anhui FTZ plans to build a new logistics park in Wuhu.", ("anhui",), "plan"),
    ("Next, we will support the Sichuan and Chongqing FTZs in building a logistics hub.", None, "plan"),
    ("下一步，我们将支持四川自贸试验区建设国际物流枢纽。", None, "plan"),
    ("When will the Sichuan FTZ open its second bonded port?", None, "question"),
    ("The Guangxi FTZ is home to more than 3,000 e-commerce businesses.", ("guangxi",), "is or has"),
    ("The Sichuan FTZ has become an important gateway to Europe.", ("sichuan",), "is or has"),
    ("A delegation from the Shaanxi FTZ visited the Tianjin FTZ to study its leasing practices.",
     ("shaanxi",), "acting on another"),
    ("The Ministry of Commerce held a symposium in Beijing on replicating reforms.", None, "names no zone"),
    ("Goods bound for Hainan now travel duty-free through Zhanjiang.", None, "names no zone"),
    ("Officials from Hubei, Hunan and Anhui shared their experience at the meeting.",
     ("hubei", "hunan", "anhui"), "how much or how well"),
]


@pytest.mark.parametrize("text,zones,skipped", DETECTION_CASES)
def test_measures_are_found_by_structure_not_by_their_verb(finder, text, zones, skipped):
    from indexer.drafting.extract import analyse

    found = [f for s in sentences(text) for f in analyse(s, finder, ())]
    if skipped is None:
        first = found[0]
        assert first.skipped is None and first.title, (first.skipped, first.zones)
        assert first.zones == zones
        return
    if "scrapped" in text or "bonded store" in text:  # the measure, then its result: a second clause, not a second measure
        assert [f.skipped is None for f in found] == [True, False]
        found = found[1:]
    assert found and all(f.skipped and skipped in f.skipped for f in found), \
        [(f.skipped, f.title) for f in found]
    if zones is not None:
        assert found[0].zones == zones


@settings(max_examples=examples(60), deadline=None)
@given(st.lists(st.sampled_from(["The Hubei FTZ launched a \"one license\" reform.", "It grew 5%.",
                                 "First, reform.", "No. 5 is U.S. made.", "上海推出新政。", "Why?",
                                 "  ", "\n", "\n\n", "Mr. Li spoke", "\"Quoted.\" Then"]),
                min_size=1, max_size=12))
def test_sentences_are_verbatim_slices_covering_the_text(pieces):
    text = " ".join(pieces)
    got = sentences(text)
    assert all(text[s.start:s.end] == s.text for s in got)
    assert "".join("".join(s.text.split()) for s in got) == "".join(text.split())


# --- files, checks, acceptance, publishing --------------------------------------------------

def test_drafts_are_written_with_marked_blanks_that_check_reports(measures):
    result = run("draft", BRIEFING, "--measures", measures)
    assert result.exit_code == 0 and "8 draft(s)" in result.output
    folder = measures / "drafts"
    files = sorted(folder.glob("*.md"))
    assert len(files) == 8
    text = (folder / "hubei-one-license-multiple-sites-reform.md").read_text(encoding="utf-8")
    assert 'title: "\\"One license for multiple sites\\" reform"' in text
    assert 'title_zh: "[BLANK]' in text and "\n[BLANK] what the measure is" in text
    check = run("check", "--drafts", "--measures", measures)
    assert check.exit_code == 1
    lines = check.output.splitlines()
    path = "measures/drafts/hubei-one-license-multiple-sites-reform.md"
    assert any(re.match(rf"{path}:\d+: title_zh: blank left for the editor", line) for line in lines)
    assert any(re.match(rf"{path}:\d+: \(body\): blank left for the editor", line) for line in lines)
    assert not [line for line in lines if "must contain Chinese" in line]  # a blank, reported once
    assert "nothing was moved" in check.output
    assert run("check", "--measures", measures).exit_code == 0  # the records are untouched


def test_duplicates_are_marked_and_cannot_be_accepted(measures):
    run("draft", SOURCE_ID, "--measures", measures)
    folder = measures / "drafts"
    draft = next(folder.glob("tianjin-first-batch*.md"))
    text = draft.read_text(encoding="utf-8")
    assert "duplicate_of: tianjin-overseas-vocational-qualification-catalogs" in text
    check = run("check", "--drafts", "--measures", measures)
    assert re.search(rf"{draft.name}:\d+: duplicate_of: possible duplicate of record "
                     "'tianjin-overseas-vocational-qualification-catalogs'", check.output)
    # that record rests on this very source: the advice is to drop the draft, not see_also
    assert re.search(rf"{draft.name}:\d+: duplicate_of: .*: it already rests on this source: "
                     "delete this draft", check.output)


def test_a_draft_is_not_searchable_until_accepted_and_indexed(measures, tmp_path):
    from indexer.search import KnowledgeBase

    index = tmp_path / "index"
    assert run("index", "--measures", measures, "--index", index).exit_code == 0
    assert run("draft", BRIEFING, "--measures", measures).exit_code == 0
    draft_id = "fujian-one-stop-service-center-taiwan-compatriots"
    path = measures / "drafts" / f"{draft_id}.md"
    assert run("index", "--measures", measures, "--index", index).exit_code == 0
    assert KnowledgeBase(index).search("Taiwan compatriots", (), (), 1, 10).total == 0
    from webapp import create_app

    site = create_app({"TESTING": True, "MEASURES_DIR": measures, "INDEX_DIR": index}).test_client()
    assert site.get("/api/search?q=Taiwan+compatriots").get_json()["total"] == 0
    assert site.get(f"/measures/{draft_id}").status_code == 404

    refused = run("draft", "--accept", draft_id, "--measures", measures)
    assert refused.exit_code == 1 and "blank left for the editor" in refused.output
    assert path.exists() and not (measures / f"{draft_id}.md").exists()

    # the editor fills the blanks
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"title_zh: .*", "title_zh: 台胞一站式服务中心\ntitle_zh_note: translation", text)
    text = re.sub(r"tags: .*", "tags: [one-stop-service, taiwan, 一站式服务]", text)
    text = text[:text.rindex("---\n") + 4] + \
        "The Fujian zone set up a one-stop service centre for Taiwan compatriots.\n"
    path.write_text(text, encoding="utf-8")
    assert run("check", "--drafts", "--measures", measures).output.count(draft_id) == 0

    accepted = run("draft", "--accept", draft_id, "--measures", measures)
    assert accepted.exit_code == 0, accepted.output
    record = measures / f"{draft_id}.md"
    assert record.exists() and not path.exists()
    assert "# draft:" not in record.read_text(encoding="utf-8")
    assert run("check", "--measures", measures).exit_code == 0
    assert run("index", "--measures", measures, "--index", index).exit_code == 0
    hits = KnowledgeBase(index).search("Taiwan compatriots", (), (), 1, 10)
    assert [h.id for h in hits.hits] == [draft_id]
    site = create_app({"TESTING": True, "MEASURES_DIR": measures, "INDEX_DIR": index}).test_client()
    assert [r["id"] for r in site.get("/api/search?q=Taiwan+compatriots").get_json()["results"]] == [draft_id]
    assert site.get(f"/measures/{draft_id}").status_code == 200


def test_drafting_does_not_make_the_index_stale_but_accepting_does(measures, tmp_path):
    from indexer.engine.build import index_is_stale

    index = tmp_path / "index"
    assert run("index", "--measures", measures, "--index", index).exit_code == 0
    assert not index_is_stale(measures, index)
    assert run("draft", BRIEFING, "--measures", measures).exit_code == 0  # creates measures/drafts/
    assert run("draft", RELEASE, "--measures", measures).exit_code == 0
    assert not index_is_stale(measures, index), "`ftz serve` would rebuild for drafts it never serves"
    draft = next((measures / "drafts").glob("*.md"))
    text = draft.read_text(encoding="utf-8")
    draft.write_text(text + "edited\n", encoding="utf-8")
    assert not index_is_stale(measures, index)
    (measures / "drafts" / draft.name).rename(measures / draft.name)  # as --accept moves it
    assert index_is_stale(measures, index)


def test_rerunning_keeps_edited_drafts_unless_forced(measures):
    run("draft", CHINESE, "--measures", measures)
    path = next((measures / "drafts").glob("hubei-*.md"))
    path.write_text(path.read_text(encoding="utf-8") + "edited\n", encoding="utf-8")
    again = run("draft", CHINESE, "--measures", measures)
    assert "kept (already there" in again.output and path.read_text(encoding="utf-8").endswith("edited\n")
    run("draft", CHINESE, "--measures", measures, "--force")
    assert not path.read_text(encoding="utf-8").endswith("edited\n")


def test_dry_run_writes_nothing_and_unknown_or_cited_sources_are_refused(measures):
    assert run("draft", BRIEFING, "--dry-run", "--measures", measures).exit_code == 0
    assert not (measures / "drafts").exists()
    unknown = run("draft", "mofcom-1999-01-01-nothing", "--measures", measures)
    assert unknown.exit_code == 1 and "no source 'mofcom-1999-01-01-nothing'" in unknown.output
    cited = measures / "sources" / "mofcom-2024-01-01-cited.md"
    cited.write_text("---\nkind: cited\ntitle: A page\npublisher: MOFCOM\npublisher_zh: 商务部\ndate: 2024-01-01\n"
                     "language: en\nurl: https://example.org/page\n---\nA page about zones.\n",
                     encoding="utf-8")
    refused = run("draft", cited.stem, "--measures", measures)
    assert refused.exit_code == 1 and "is a cited source" in refused.output
    assert "Traceback" not in refused.output
    broken = measures / "sources" / f"{BRIEFING}.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("date: 2024-03-21", "date: 2024-13-01"),
                      encoding="utf-8")
    result = run("draft", BRIEFING, "--measures", measures)
    assert result.exit_code == 1 and f"measures/sources/{BRIEFING}.md:6: date:" in result.output
    assert "nothing was drafted" in result.output


# --- places.yaml ----------------------------------------------------------------------------

def test_places_file_is_checked(measures):
    places = measures / "places.yaml"
    text = places.read_text(encoding="utf-8")
    text = text.replace("shanghai:\n", "shanghia:\n  places: [Somewhere]\nshanghai:\n", 1)
    text = text.replace("Xiamen, 厦门", "Xiamen, 厦门, Ningbo")
    text = text.replace("Harbin, 哈尔滨", "Harbin, 哈尔滨, Anhui, harbin")
    text += "hubei-extra: 3\n"
    places.write_text(text, encoding="utf-8")
    problems = [str(p) for p in load_catalog(measures).problems]
    assert any(re.match(r"measures/places.yaml:\d+: shanghia: unknown zone 'shanghia' "
                        r"\(did you mean 'shanghai'\?\)", p) for p in problems), problems
    # fujian comes first in the file: zhejiang's own Ningbo is then the second listing
    assert any(re.search(r"zhejiang.places\[\d+\]: 'Ningbo' is listed twice \(also under fujian, line",
                         p) for p in problems), problems
    assert any("'Anhui' is already a name of zone anhui in zones.yaml" in p for p in problems)
    assert any("'harbin' is listed twice (also under heilongjiang" in p for p in problems)
    assert any("hubei-extra: unknown zone" in p for p in problems)


def test_shipped_places_are_clean_and_cover_every_zone():
    from tests.conftest import SHIPPED

    catalog = load_catalog(SHIPPED)
    report = Report(SHIPPED)
    places = load_places(SHIPPED, catalog.taxonomy.zones, report)
    assert report.problems == []
    assert set(places) == set(catalog.taxonomy.zones)
    assert all(p.places for p in places.values())


def test_checking_drafts_where_there_are_none_says_so(measures):
    check = run("check", "--drafts", "--measures", measures)
    assert check.exit_code == 0 and "no drafts in" in check.output and "ok:" not in check.output
