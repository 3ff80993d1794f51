"""No dead ends (issue 13, item 2): when no record holds every word, the records holding the
most of them, and which words were left out, in the API, on the page, in the exports and the
command line. (Live results in a browser: tests/test_browser_search.py.)"""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from indexer.cli import cli
from indexer.search import KnowledgeBase
from tests.conftest import indexed_corpus_with
from tests.helpers import record
from tests.webhelpers import api_search as search, links, text_of

EXPRESS = "guangdong-express-perishable-exports-6-hour-release"
YRD = "yangtze-river-delta-customs-special-goods-inspection-reform"


@pytest.mark.parametrize("q, dropped", [("express delivery 6 hours", ["delivery"]),
                                        ("express delivery", ["delivery"])])
def test_the_issues_queries_find_the_6_hour_release(client, q, dropped):
    data = search(client, q=q)
    assert data["results"][0]["id"] == EXPRESS
    assert data["relaxed"]["dropped"] == dropped
    assert data["relaxed"]["kept"] == [w for w in q.split() if w not in dropped]
    assert any("left out: delivery" in note for note in data["notes"])


def test_every_record_shown_holds_every_word_kept(client):
    data = search(client, q="express delivery 6 hours", per_page=100)
    kept = search(client, q=data["relaxed"]["query"], per_page=100)
    assert kept["relaxed"] is None
    assert [h["id"] for h in data["results"]] == [h["id"] for h in kept["results"]]
    assert data["total"] == kept["total"] > 0


def test_a_query_that_finds_something_is_never_relaxed(client):
    data = search(client, q="express perishable")
    assert data["relaxed"] is None and data["results"][0]["id"] == EXPRESS


def test_explicit_parts_are_kept_and_structured_queries_are_not_relaxed(client):
    # a field and a NOT part are kept: only plain words are left out
    data = search(client, q="zone:guangdong express delivery")
    assert data["relaxed"]["dropped"] == ["delivery"]
    assert data["relaxed"]["kept"] == ["zone:guangdong", "express"]
    assert all("guangdong" in h["zones"] for h in data["results"])
    data = search(client, q="customs delivery NOT yangtze")
    assert data["relaxed"]["dropped"] == ["delivery"] and data["total"] > 0
    assert YRD not in [h["id"] for h in data["results"]]
    assert YRD in [h["id"] for h in search(client, q="customs delivery")["results"]]
    # a quoted phrase is one part, searched as written
    data = search(client, q='"express delivery"')
    assert data["total"] == 0 and data["relaxed"] is None
    data = search(client, q='"6 hours" express delivery')
    assert data["relaxed"]["kept"] == ['"6 hours"', "express"]
    # AND, OR and brackets: searched as written, and the notes say so
    for q in ("express AND delivery", "(express delivery)", "delivery OR zyxqparcel"):
        data = search(client, q=q)
        assert data["total"] == 0 and data["relaxed"] is None, q
        assert any("no words left out" in note for note in data["notes"]), q


def test_relaxed_results_page_like_any_others(client):
    whole = [h["id"] for h in search(client, q="express delivery", per_page=2)["results"]]
    paged = [search(client, q="express delivery", per_page=1, page=p)["results"][0]["id"]
             for p in (1, 2)]
    assert paged == whole and len(whole) == 2


def test_the_page_says_which_words_were_left_out(client):
    html = client.get("/search", query_string={"q": "express delivery 6 hours"}).get_data(as_text=True)
    text = text_of(html)
    assert "No measure holds every word of “express delivery 6 hours”" in text
    assert "Left out: delivery" in text and "<s>delivery</s>" in html
    assert "measures match “express 6 hours”" in text
    assert any(href == "/search?q=express+6+hours" for href, _t, _a in links(html))
    assert f"/measures/{EXPRESS}" in html
    zh = client.get("/zh/search", query_string={"q": "express delivery"}).get_data(as_text=True)
    assert "没有举措包含“express delivery”的全部词语" in text_of(zh) and "<s>delivery</s>" in zh


@pytest.mark.parametrize("asked", ["why", "为什么"])
def test_a_question_word_no_record_holds_is_named_as_left_out(client, asked):
    # the question word alone keeps the query from matching: the note names it as left out
    # (never an empty "left out: "), and never as news that no measure mentions it
    found = search(client, q=f"{asked} express")
    assert found["relaxed"]["dropped"] == [asked] and found["relaxed"]["unheld"] == []
    notes = " ".join(found["notes"])
    assert f"(left out: {asked})." in notes and "mentions" not in notes
    html = client.get("/search", query_string={"q": f"{asked} express"}).get_data(as_text=True)
    assert "Left out: " + asked in text_of(html)


def test_exports_take_away_what_the_page_shows(client):
    api = search(client, q="express delivery", per_page=100)
    exported = client.get("/search.json", query_string={"q": "express delivery"}).get_json()
    assert [m["id"] for m in exported["measures"]] == [h["id"] for h in api["results"]]
    assert exported["relaxed"] == api["relaxed"]
    rows = list(csv.DictReader(io.StringIO(
        client.get("/search.csv", query_string={"q": "express delivery"}).get_data(as_text=True)
        .lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == [h["id"] for h in api["results"]]


def test_the_command_line_says_so_too(built_index):
    runner = CliRunner()
    out = runner.invoke(cli, ["search", "express delivery 6 hours", "--index",
                              str(built_index["index"])], catch_exceptions=False)
    assert out.exit_code == 0 and EXPRESS in out.output
    assert "left out: delivery" in out.output


# -- which words go: the least useful first ------------------------------------------------
@pytest.fixture(scope="module")
def weighed(tmp_path_factory):
    """A corpus where one word is rare (1 record) and two are common (5 and 4 records)."""
    bodies = {"r-rare": "zyxrare and commonword.", "r-plain": "zyxplain alone.",
              **{f"r-common-{i}": "commonword with otherword." for i in range(4)}}
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("weighed"), bodies))
    yield kb
    kb.close()


def test_a_rare_word_is_not_left_out_for_a_common_one(weighed):
    result = weighed.search("zyxrare commonword otherword")
    # the rarest word is required; the commoner ones only rank (issue 19, item 1)
    assert result.relaxed["kept"] == ["zyxrare"]
    assert result.relaxed["dropped"] == result.relaxed["ranking"] == ["commonword", "otherword"]
    # the record holding the rare word first, then those holding as many words (two)
    assert [h.id for h in result.hits][0] == "r-rare" and result.relaxed["minimum"] == 2
    assert result.hits[0].matched_words == ["zyxrare", "commonword"]
    assert {h.id for h in result.hits[1:]} == {f"r-common-{i}" for i in range(4)}


def test_words_that_still_rank_are_not_named_as_left_out(weighed):
    """A word a measure shown need not hold but that ranks it (and counts towards the
    minimum) is used: the note names as left out only the words used for nothing."""
    result = weighed.search("zyxrare commonword otherword")
    assert result.relaxed["dropped"] == result.relaxed["ranking"] and not result.left_out()
    note = next(str(n) for n in result.messages() if n.code == "relaxed")
    assert note == ("No measure holds every word of 'zyxrare commonword otherword'; showing "
                    "those with 'zyxrare' or with 2 of the query's words, those holding more of "
                    "the query first.")
    result = weighed.search("zyxrare commonword otherword zyxnowhere")
    assert result.relaxed["ranking"] == ["commonword", "otherword"]
    assert result.left_out() == ["zyxnowhere"]
    note = next(str(n) for n in result.messages() if n.code == "relaxed")
    assert note.endswith("those holding more of the query first (left out: zyxnowhere).")


def test_the_rarest_word_is_kept_beside_the_most_words_held(weighed):
    # four records hold two of the words together, one holds the rarest: the rare one is
    # kept (the old rule, the most words held first, lost the record of the subject)
    result = weighed.search("zyxplain commonword otherword")
    assert result.relaxed["kept"] == ["zyxplain"]
    assert result.relaxed["dropped"] == ["commonword", "otherword"]
    # the rare word's record is shown beside those holding the most words; BM25 ranks them
    assert {h.id for h in result.hits} == {"r-plain"} | {f"r-common-{i}" for i in range(4)}


def test_between_equally_useful_words_the_first_is_kept(weighed):
    assert weighed.search("zyxrare zyxplain").relaxed["dropped"] == ["zyxplain"]
    assert weighed.search("zyxplain zyxrare").relaxed["dropped"] == ["zyxrare"]


# -- how many words a partial match holds: half of a long query's ------------------------------
@pytest.fixture(scope="module")
def paraphrased(tmp_path_factory):
    """A long query no record holds: its rarest word is held by an incidental record, the
    answer holds four of its seven words, another record five (two of them common words)."""
    bodies = {"r-incidental": "zqwaiting here.",
              "r-answer": "zqbank zqbranch zqapproval zqopening.",
              "r-noise": "zqbranch zqapproval zqopening zqregulator zqwithout.",
              **{f"r-filler-{i}": "zqregulator zqwithout filler." for i in range(4)}}
    guangdong = record(title="r guangdong", zones="[guangdong]", body="zqbranch zqlocal.")
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("paraphrased"), bodies,
                                           records={"r-guangdong": guangdong}))
    yield kb
    kb.close()


def test_a_zone_named_is_kept_before_rarer_words(paraphrased):
    # zqbank is rarer than Guangdong (one record), but who names a zone asks for its records
    result = paraphrased.search("Guangdong zqbank zqbranch", per_page=50)
    assert result.relaxed["kept"] == ["Guangdong"]
    assert result.relaxed["dropped"] == ["zqbank", "zqbranch"]
    ids = [h.id for h in result.hits]
    assert "r-guangdong" in ids  # the zone's record holding the most of the rest
    assert all("guangdong" in h.zones or len(h.matched_words) >= 2 for h in result.hits)


def test_a_long_query_matches_records_holding_half_its_words(paraphrased):
    # the answer holds four of seven words, one fewer than the record holding the most: asking
    # for as many as that record holds (the old rule) lost it; half of seven, rounded up, is 4
    result = paraphrased.search(
        "zqwaiting zqbank zqbranch zqapproval zqopening zqregulator zqwithout", per_page=20)
    # zqwaiting and zqbank are as rare (one record each): the one whose record holds more of
    # the query is kept
    assert result.relaxed["kept"] == ["zqbank"]
    assert result.relaxed["minimum"] == 4
    ids = [h.id for h in result.hits]
    # both match; r-noise, holding five of the seven words to r-answer's four, comes first
    # (rule 5, coordination; in the real query the fifth word is "without", not counted)
    assert ids[:2] == ["r-noise", "r-answer"]
    assert "r-incidental" not in ids  # one word of seven, kept by nothing now: no match
    assert not any(i.startswith("r-filler") for i in ids)  # two words of seven: no match


def test_a_short_query_still_asks_for_as_many_words_as_any_record_holds(paraphrased):
    # three words held (a fourth held by none): one record holds all three, so no fewer are
    # asked for; the answer, holding two, is no match (half of three would let it in)
    result = paraphrased.search("zqbranch zqopening zqregulator zqnothing", per_page=20)
    assert result.relaxed["unheld"] == ["zqnothing"] and result.relaxed["minimum"] == 3
    assert [h.id for h in result.hits] == ["r-noise"]


def test_the_page_says_when_records_hold_only_part_of_the_words(client):
    # the rarest words held together are kept; the others rank, and records holding 3 of the
    # 5 words match too
    q = "tank storage paperless origin certificates customs"
    data = search(client, q=q)
    assert data["relaxed"]["minimum"] > len(data["relaxed"]["kept"]), data["relaxed"]
    page = text_of(client.get("/search", query_string={"q": q}).get_data(as_text=True))
    assert f"so these hold part of it: the measures with {data['relaxed']['query']} or with " \
           f"{data['relaxed']['minimum']} of its words" in page
    assert f"{data['total']} measures hold part of “{q}”" in page
    # the page strikes out only the words used for nothing (those that rank are used)
    left = [w for w in data["relaxed"]["dropped"] if w not in data["relaxed"]["ranking"]]
    assert data["relaxed"]["ranking"], data["relaxed"]
    if left:
        assert "Left out: " + ", ".join(left) in page
    else:
        assert "Left out:" not in page and "(left out" not in " ".join(data["notes"])
    zh = text_of(client.get("/zh/search", query_string={"q": q}).get_data(as_text=True))
    assert f"或其中 {data['relaxed']['minimum']} 个词语的举措" in zh and "的部分词语" in zh
    # a relaxation that keeps only the records holding the kept words says so, as before
    narrow = text_of(client.get("/search", query_string={"q": "bonded oil tank zebra"}).get_data(as_text=True))
    assert "so these hold the most of them" in narrow and "hold part of" not in narrow


# -- English failure classes of the tuning sets (6 December 2026) -----------------------------
@pytest.fixture(scope="module")
def sentences(tmp_path_factory):
    """A word that only shapes a sentence (getting) in one record, rarer than the subject's
    words; a record holding all four words of a query beside one holding two of them."""
    bodies = {"r-incidental": "getting there.",
              "r-answer": "zqblacklist zqcredit zqremoved.",
              **{f"r-other-{i}": "zqblacklist zqcredit filler." for i in range(2)},
              "r-all": "zqalpha zqbeta zqgamma zqdelta.",
              "r-half": "zqgamma zqdelta.",
              "r-one": "zqalpha alone."}
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("sentences"), bodies))
    yield kb
    kb.close()


def test_a_word_that_only_shapes_the_sentence_is_never_kept_first(sentences):
    # "getting" is the rarest word (one record), but says nothing of what is sought: the
    # subject's words are kept, and it only ranks; the record holding it alone is no match
    # (kept first, it was the one record shown beside those holding two words)
    result = sentences.search("getting zqremoved from the zqblacklist")
    assert result.relaxed["kept"] == ["zqremoved", "zqblacklist"]
    assert "getting" in result.relaxed["ranking"]
    ids = [h.id for h in result.hits]
    assert ids[0] == "r-answer" and "r-incidental" not in ids


def test_the_kept_words_do_not_raise_the_minimum_of_a_long_query(sentences):
    # four words held, one record holds them all (all are kept): a record holding half of
    # them is a partial match too (it asked for all four before, and the answer holding two
    # was lost: "one bank account for yuan and dollars"); one word of four is none
    result = sentences.search("zqalpha zqbeta zqgamma zqdelta zqnothing")
    assert result.relaxed["unheld"] == ["zqnothing"] and result.relaxed["minimum"] == 2
    ids = [h.id for h in result.hits]
    assert ids[0] == "r-all" and "r-half" in ids and "r-one" not in ids


# -- coordination: how much of the query a record holds (issue 19, gap 2) ----------------------
@pytest.fixture(scope="module")
def coordinated(tmp_path_factory):
    """A record holding three of five words, one of them the rarest, twice; another holding
    four of the five, commoner ones (as "new futures contracts on exchanges in Zhengzhou and
    Dalian": the Shanghai futures record holding "contracts" came before the one naming both
    cities)."""
    bodies = {"r-rare": "zqcontracts zqcontracts on zqfutures zqexchanges.",
              "r-many": "zqfutures zqexchanges in zqnorth and zqsouth, another.",
              **{f"r-north-{i}": "zqnorth zqsouth filler." for i in range(3)},
              **{f"r-trade-{i}": "zqfutures zqexchanges filler." for i in range(2)}}
    # the coordination share alone, without the ranking by meaning (tests/test_meaning.py)
    kb = KnowledgeBase(indexed_corpus_with(tmp_path_factory.mktemp("coordinated"), bodies),
                       meaning=False)
    yield kb
    kb.close()


def test_a_record_holding_more_of_the_query_comes_first(coordinated):
    q = "zqfutures zqcontracts zqexchanges zqnorth zqsouth"
    result = coordinated.search(q, per_page=20)
    assert result.relaxed["minimum"] == 3
    ids = [h.id for h in result.hits]
    # BM25 alone ranked the record holding the rare word twice first (8.98 against 8.78);
    # times the share of the five words each holds (4/5, 3/5) it comes second
    assert ids[:2] == ["r-many", "r-rare"], ids


def test_a_word_that_only_shapes_the_sentence_is_not_counted_in_the_share(coordinated):
    # r-many holds "another" too: counted, it would lower r-rare's share from 3/5 to 3/6
    words = "zqfutures zqcontracts zqexchanges zqnorth zqsouth"
    with_it = {h.id: h.score for h in coordinated.search(words + " another").hits}
    without = {h.id: h.score for h in coordinated.search(words).hits}
    assert with_it["r-rare"] == pytest.approx(without["r-rare"], abs=1e-6)
    assert with_it["r-many"] > without["r-many"]  # it still ranks by BM25


def test_a_single_character_counts_toward_the_minimum(shipped_kb):
    # 哪些城市有保税油: 城市 is the rarest word, no record holds it beside 保税, and 油 (one
    # character, never required alone) did not count: the three records on cities were all
    # shown. 保税 and 油 held together now reach the minimum of two words
    result = shipped_kb.search("哪些城市有保税油", per_page=10)
    assert result.relaxed["kept"] == ["城市"] and result.relaxed["minimum"] == 2
    top = [h.id for h in result.hits[:5]]
    assert all(i.startswith("zhejiang-") for i in top), top
    assert all({"保税", "油"} <= set(h.matched_words) for h in result.hits[:5])
    # a character never raises the minimum: two words held of two, as before
    assert shipped_kb.search("城市 保税").relaxed["minimum"] == 1


def test_a_single_character_lets_in_no_record_where_words_meet(shipped_kb):
    # 自贸区 and 保税 are held together: 加 (of 加油, in 增加 and 加工 alike) beside one of them
    # is no partial match
    plain = {h.id for h in shipped_kb.search("自贸区 保税", per_page=100).hits}
    result = shipped_kb.search("哪些自贸区可以做保税加油", per_page=100)
    assert result.relaxed["minimum"] == 2 and {h.id for h in result.hits} <= plain
