"""Hostile input: odd queries, parameters and paths get a 200 with a note, a clear 400 or a 404.

Every query goes through the HTML page, the JSON API, the CSV, JSON and Atom exports and the
facade itself; none may fail with a 5xx, serve a malformed document or echo markup unescaped.
"""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from collections import Counter
from urllib.parse import quote, urlsplit

import pytest

from indexer.errors import BadRequest
from indexer.search import MAX_QUERY_LENGTH, SearchResult
from tests.webhelpers import active_content, text_of

SEARCHES = ["/search", "/api/search", "/search.csv", "/search.json", "/search.atom"]


def q(text: str) -> str:
    return quote(text, safe="")


# (test id, the query as it is sent in the URL, the same query as a str for the facade, the
# note that says how the query was changed, or None when it is searched as typed)
QUERIES = [
    ("unbalanced quote", q('"bonded oil'), '"bonded oil', "an unbalanced quote"),
    ("lone quote", q('"'), '"', "an unbalanced quote"),
    ("unclosed bracket", q("(oil tank"), "(oil tank", "an unclosed bracket"),
    ("lone closing bracket", q(")"), ")", "a closing bracket with no opening one"),
    ("closing bracket first", q(")oil("), ")oil(", "a closing bracket with no opening one"),
    ("lone AND", "AND", "AND", "the operator AND with nothing on one side"),
    ("lone OR", "OR", "OR", "the operator OR with nothing on one side"),
    ("lone NOT", "NOT", "NOT", "the operator NOT with nothing on one side"),
    ("trailing operator", q("oil AND"), "oil AND", "the operator AND with nothing on one side"),
    ("two operators", q("oil AND OR tank"), "oil AND OR tank", "two operators in a row"),
    ("lone star", q("*"), "*", "a wildcard with no letters before it"),
    ("star field", q("*:*"), "*:*", "a wildcard with no letters before it"),
    ("prefix of everything", q("a*"), "a*", None),
    ("unknown field", q("foo:bar"), "foo:bar", "the unknown field 'foo'"),
    ("empty field", q("zone:"), "zone:", "a field name with nothing after it"),
    ("empty field then a word", q("title: oil"), "title: oil", "a field name with nothing after it"),
    ("range fragment", q("[a TO b"), "[a TO b", "range brackets"),
    ("brace fragment", q("{x"), "{x", "range brackets"),
    ("date range", q("date:[2020 TO 2024]"), "date:[2020 TO 2024]", "range brackets"),
    ("NUL", "%00", "\x00", None),
    ("NUL inside a word", "oil%00tank", "oil\x00tank", None),
    ("control characters", "%01%02oil%1b%7f", "\x01\x02oil\x1b\x7f", None),
    ("C1 control and U+FFFE", "oil%C2%85%EF%BF%BE", "oil\x85\ufffe", None),
    ("invalid UTF-8", "%ff%fe", "\udcff\udcfe", None),
    ("encoded lone surrogate", "%ed%a0%80", "\ud800", None),
    ("SQL", q("'; DROP TABLE measures; --"), "'; DROP TABLE measures; --", None),
    ("SQL or", q("' OR '1'='1"), "' OR '1'='1", None),
    ("script tag", q("<script>alert(1)</script>"), "<script>alert(1)</script>", None),
    ("attribute breakout", q('"><img src=x onerror=alert(1)>'), '"><img src=x onerror=alert(1)>',
     "an unbalanced quote"),
    ("emoji", q("🛢️ oil 🚢"), "🛢️ oil 🚢", None),
    ("right-to-left", q("\u202eoil نفط"), "\u202eoil نفط", None),
    ("deep brackets", q("(" * 200 + "oil" + ")" * 200), "(" * 200 + "oil" + ")" * 200, None),
    ("backslashes", q("\\\\oil\\"), "\\\\oil\\", None),
    ("boost and fuzzy", q("oil^9 tank~3"), "oil^9 tank~3", None),
]


def _checked(client, url: str):
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)
    return response


def _well_formed(response, path: str):
    """The document each endpoint promises, parsed; for the Atom feed, its title text."""
    body = response.get_data()
    if path == "/search.csv":
        assert body.startswith(b"\xef\xbb\xbf")
        rows = list(csv.reader(io.StringIO(body.decode("utf-8")[1:], newline="")))
        assert rows[0][0] == "id"
        return rows
    if path in ("/api/search", "/search.json"):
        assert response.mimetype == "application/json"
        return json.loads(body)
    if path == "/search.atom":
        feed = ET.fromstring(body)  # a control character would make the XML malformed
        return feed.findtext("{http://www.w3.org/2005/Atom}title")
    assert response.mimetype == "text/html"
    html = body.decode("utf-8")
    assert "\x00" not in html
    assert active_content(html) == [], "user input reached the page as markup"
    return html


@pytest.mark.parametrize("sent, typed, note", [row[1:] for row in QUERIES],
                         ids=[row[0] for row in QUERIES])
def test_hostile_query_is_answered_with_a_note_where_it_was_changed(client, kb, sent, typed, note):
    for path in SEARCHES:
        response = _checked(client, f"{path}?q={sent}")
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        document = _well_formed(response, path)
        if path == "/api/search":
            assert isinstance(document["results"], list)
            if note:
                assert any(note in n for n in document["notes"]), document["notes"]
        elif path == "/search" and note:
            assert f"Your query has {note}" in text_of(document)

    result = kb.search(typed)
    assert isinstance(result, SearchResult)
    assert not any(ch in result.query for ch in "\x00\x01\x1b")
    if note:
        assert any(note in n for n in result.notes), result.notes
    assert isinstance(kb.export(typed), SearchResult)


# queries syntax.syntax_problem() lets through that Whoosh's parser cannot read (an operator
# on an operator: the inner NOT has nothing to apply to); found by fuzzing operator chains
UNPARSABLE = ["NOT NOT oil", "oil NOT NOT tank", "(oil OR tank) NOT NOT NOT bonded"]


@pytest.mark.parametrize("typed", UNPARSABLE)
def test_a_query_the_parser_cannot_read_is_searched_as_plain_words_with_a_note(client, kb, typed):
    for path in SEARCHES:
        response = _checked(client, f"{path}?q={q(typed)}")
        assert response.status_code == 200, (path, response.get_data(as_text=True)[:300])
        document = _well_formed(response, path)
        if path == "/api/search":
            assert any("could not be parsed" in n for n in document["notes"]), document["notes"]
        elif path == "/search":
            assert "could not be parsed; it was searched as plain words" in text_of(document)
    result = kb.search(typed)
    assert [n.code for n in result.notes if getattr(n, "code", "") == "unparsable"] == ["unparsable"]
    assert result.total > 0  # the plain words (oil ...) found records


def test_an_unparsable_query_is_relaxed_on_the_words_it_was_searched_as(kb):
    """Read as plain words, its parts are those words: 'oil NOT NOT quantumxyz' found nothing
    and said it showed "those with 'oil NOT NOT quantumxyz' (left out: )"."""
    as_words = kb.search("oil quantumxyz")
    result = kb.search("oil NOT NOT quantumxyz")
    assert result.total == as_words.total > 0
    assert [h.id for h in result.hits] == [h.id for h in as_words.hits]
    assert result.relaxed and result.relaxed["kept"] == ["oil"], result.relaxed
    assert result.relaxed["dropped"] == ["quantumxyz"], result.relaxed
    # read afresh as words, not on top of the first reading: each synonym, note and fix once
    for typed, plain in [("refuel NOT NOT zhoushan", "refuel zhoushan"),
                         ("pillar:logistic NOT NOT customs", "logistic customs")]:
        result, words = kb.search(typed), kb.search(plain)
        assert [h.id for h in result.hits] == [h.id for h in words.hits] and result.hits, typed
        assert [h.explanation for h in result.hits] == [h.explanation for h in words.hits]
        assert len(result.notes) == len(set(result.notes)), result.notes
        assert result.suggestion != plain, result.suggestion


def test_only_the_parsers_known_errors_are_read_as_plain_words(kb, monkeypatch):
    """A bug (an error the parser is not known to raise on odd input) fails the search
    instead of being searched silently as plain words."""
    def broken(text, *args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr(kb._gen.builder.parser, "parse", broken)
    with pytest.raises(TypeError):
        kb.search("oil")

def test_markup_in_the_query_is_escaped_wherever_it_is_echoed(client):
    attack = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    for url in (f"/search?q={q(attack)}", f"/search?zone=zhejiang&q={q(attack)}",
                f"/search?per_page=1&q={q(attack)}"):
        html = _checked(client, url).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # shown, as text
        assert active_content(html) == []
    # an unknown filter's 400 page, the 404 page's search box, the feed's title
    html = _checked(client, f"/search?zone={q(attack)}").get_data(as_text=True)
    assert "<script>alert" not in html and active_content(html) == []
    html = _checked(client, f"/measures/{q(attack)}").get_data(as_text=True)
    assert "<script>alert" not in html and active_content(html) == []
    title = _well_formed(_checked(client, f"/search.atom?q={q(attack)}"), "/search.atom")
    assert "<script>alert(1)</script>" in title  # text in the XML, escaped on the wire


def test_query_text_is_cleaned_of_characters_no_page_can_show(client):
    data = client.get("/search.json?q=oil%00%01tank%C2%85%EF%BF%BE").get_json()
    assert data["query"] == "oil tank"
    api = client.get("/api/search?q=%00").get_json()
    assert api["query"] == "" and api["total"] > 0  # nothing left: browse everything


def test_wildcard_expansion_is_capped(kb, client, monkeypatch):
    """A prefix matching much of the vocabulary is looked up as at most MAX_WILDCARD_TERMS
    terms per field; the facade's engine sees no more."""
    from indexer.engine import evaluation

    looked_up: list[tuple[str, str]] = []
    term = evaluation.SearchContext.term

    def spy(self, fieldname, text, *args, **kwargs):
        looked_up.append((fieldname, text))
        return term(self, fieldname, text, *args, **kwargs)

    monkeypatch.setattr(evaluation.SearchContext, "term", spy)

    monkeypatch.setattr(evaluation, "MAX_WILDCARD_TERMS", 10_000)
    kb.search("a*")
    uncapped = Counter(field for field, _ in set(looked_up))
    assert max(uncapped.values()) > 5, "the index must hold more than 5 terms starting with a"

    looked_up.clear()
    monkeypatch.setattr(evaluation, "MAX_WILDCARD_TERMS", 5)
    result = kb.search("a*")
    capped = Counter(field for field, _ in set(looked_up))
    assert capped and max(capped.values()) <= 5, capped
    assert 0 < result.total

    # The hang guard, counted rather than timed: every hostile wildcard, through the facade
    # and the API, looks up at most the cap's terms per wildcard and field (a removed cap
    # looks up every term "a*" stands for, more than 5 above), and still finds records.
    for wildcard in ("a*", "c*", "a* b* c* d* e*", "zone:*", "tag:*", "保*"):
        wildcards = wildcard.count("*")
        looked_up.clear()
        found = kb.search(wildcard)
        per_field = Counter(field for field, _ in set(looked_up))
        assert max(per_field.values(), default=0) <= 5 * wildcards, (wildcard, per_field)
        assert found.total > 0 and found.hits, wildcard  # capped, yet still finds records
        looked_up.clear()
        response = _checked(client, f"/api/search?q={q(wildcard)}")
        per_field = Counter(field for field, _ in set(looked_up))
        assert max(per_field.values(), default=0) <= 5 * wildcards, (wildcard, per_field)
        assert response.status_code == 200 and response.get_json()["total"] == found.total, wildcard


def test_too_long_query_is_a_400_naming_the_limit(client, kb):
    long_query = ("保税 oil " * 2000)[:9_999] + "x"  # 10,000 characters
    assert len(long_query) == 10_000
    limit = f"the limit is {MAX_QUERY_LENGTH}"
    with pytest.raises(BadRequest, match=limit):
        kb.search(long_query)
    with pytest.raises(BadRequest, match=limit):
        kb.export(long_query)
    for path in SEARCHES:
        response = _checked(client, f"{path}?q={q(long_query)}")
        assert response.status_code == 400, path
        if response.mimetype == "application/json":
            assert limit in response.get_json()["error"]
        else:
            assert response.mimetype == "text/html"
            assert limit in text_of(response.get_data(as_text=True))
    # right at the limit is still a search
    assert _checked(client, f"/api/search?q={'x' * MAX_QUERY_LENGTH}").status_code == 200
    assert kb.search("x" * MAX_QUERY_LENGTH).total == 0


# (query string, status of /search and /api/search, words of the 400's message)
PARAMETERS = [
    ("page=-1", 400, "page must be 1 or more"),
    ("page=0", 400, "page must be 1 or more"),
    ("page=1e9", 400, "page must be a whole number"),
    ("page=abc", 400, "page must be a whole number"),
    ("page=1.5", 400, "page must be a whole number"),
    ("page=%00", 400, "page must be a whole number"),
    ("page=%EF%BC%91%EF%BC%92", 400, "page must be a whole number"),  # fullwidth digits
    ("page=1_0", 400, "page must be a whole number"),
    ("page=99999999999999999999", 200, None),  # past the end: an empty page
    ("page=" + "9" * 10_000, 400, "page is too large"),
    ("per_page=0", 400, "per_page must be between 1 and 100"),
    ("per_page=-5", 400, "per_page must be between 1 and 100"),
    ("per_page=101", 400, "per_page must be between 1 and 100"),
    (f"per_page={10 ** 12}", 400, "per_page must be between 1 and 100"),
    ("per_page=%ff", 400, "per_page must be a whole number"),
    ("zone=", 200, None),
    ("zone=&pillar=&page=&per_page=", 200, None),
    ("zone=zhejiang&zone=zhejiang", 200, None),
    ("zone=../../etc", 400, "There is no zone '../../etc'"),
    ("zone=..%2F..%2Fetc%2Fpasswd", 400, "There is no zone"),
    ("zone=%00", 400, "There is no zone"),
    ("zone=" + "z" * 10_000, 400, "There is no zone"),
    ("zone=zhejiang&zone=%3Cb%3E", 400, "There is no zone '<b>'"),
    ("pillar=%3Cx%3E", 400, "There is no pillar '<x>'"),
    ("pillar=logistics%00", 400, "There is no pillar"),
    ("pillar=%ed%a0%80", 400, "There is no pillar"),
]


@pytest.mark.parametrize("query, status, message", PARAMETERS,
                         ids=[p[0][:40] for p in PARAMETERS])
def test_hostile_parameters_are_a_200_or_a_clear_400(client, query, status, message):
    api = _checked(client, f"/api/search?{query}")
    assert api.status_code == status and api.mimetype == "application/json"
    if status == 400:
        assert message in api.get_json()["error"]
    elif query.startswith("page="):
        assert api.get_json()["results"] == []  # past the end

    page = _checked(client, f"/search?{query}")
    assert page.status_code == status and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert active_content(html) == [] and "\x00" not in html
    if status == 400:
        assert message in text_of(html)

    # exports, feeds and compare read the same parameters (paging aside): a 200 or a 400
    for path in ("/search.csv", "/search.json", "/search.atom", "/compare"):
        response = _checked(client, f"{path}?{query}")
        assert response.status_code in (200, 302, 400), (path, response.status_code)
        if response.status_code == 200 and path != "/compare":
            _well_formed(response, path)


PATHS = [
    "/measures/..%2f..%2fetc%2fpasswd",
    "/measures/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
    "/measures/%2e%2e",
    "/measures/%2e%2e/%2e%2e/pyproject.toml",
    "/measures/../../pyproject.toml",
    "/static/../pyproject.toml",
    "/static/%2e%2e/%2e%2e/pyproject.toml",
    "/static/..%2f..%2fpyproject.toml",
    "/static/..%5c..%5cpyproject.toml",
    "/static/%2e%2e%2f%2e%2e%2fpyproject.toml",
    "/static//etc/passwd",
    "/static/%2fetc%2fpasswd",
    "/static/style.css%00.txt",
    "/static/%00",
    "/%2e%2e/%2e%2e/etc/passwd",
    "/measures/ABC",
    "/measures/a%00b",
    "/measures/%00",
    "/measures/" + "a" * 121,
    "/zones/" + "z" * 10_000,
    "/zones/%ed%a0%80",
    "/pillars/%3Cscript%3E",
    "/sources/..",
    "/sources/%2e%2e%2fmeasures%2fzones.yaml",
    "/api/measures/..%2f..%2fpyproject.toml",
    "/api/measures/%00",
    "/search.csv/../../pyproject.toml",
]


@pytest.mark.parametrize("path", PATHS, ids=[p[:60] for p in PATHS])
def test_hostile_paths_are_a_404_and_serve_no_file(client, path):
    response = _checked(client, path)
    if response.status_code == 308:  # Werkzeug merges repeated slashes by redirecting
        assert urlsplit(response.location).netloc in ("", "localhost"), response.location
        response = _checked(client, response.location)
    assert response.status_code in (400, 404), response.status_code
    body = response.get_data(as_text=True)
    assert "root:x:0:0" not in body  # /etc/passwd
    assert "[build-system]" not in body and "ftz-knowledge-base" not in body  # pyproject.toml
    assert "zones:" not in body  # a data file served raw
    if response.mimetype == "text/html":
        assert active_content(body) == []
