"""No address answers with a server error (issue 19, item 5).

Every route of the app, read from app.url_map (the pages in English and under /zh/, the
register /nationwide and /nationwide/<id>, /coverage, the CSV, JSON and Atom exports, the JSON
API, the static files), is driven with generated requests: known ids and names of zones and
pillars in both languages mixed with unicode, invalid UTF-8, huge numbers, repeated and blank
parameters, parameter names of any kind, odd path segments, other methods, odd
Accept-Language and cookies. Every answer must be below 500 and one a real server can send
(header values in Latin-1, as WSGI requires: Werkzeug's test client passes a header that
gunicorn cannot write); redirects are followed.

The OpenAPI document is checked from the other side: a request its parameter schemas allow
(with the zone, pillar and scope enums it declares) is answered with a status it declares,
never a 400.

Derandomised and bounded (about 150 requests per family of routes), so that a run is fast and
a failure is found again on the next run.
"""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from hypothesis import given, settings  # deadline, database, health checks: conftest's profile
from hypothesis import strategies as st

from indexer.facets import FILTER_KINDS
from indexer.records.model import SCOPES
from tests.helpers import examples
from tests.webhelpers import api_document

OPENAPI = api_document()  # the API blueprint's document


# Parameter names the app reads somewhere, with near misses; any other text is drawn too.
PARAMETER_NAMES = ["q", "zone", "pillar", "scope", "page", "per_page", "lang", "field", "year",
                   "Zone", "zone[]", "q ", "", "id", "format", "order", "limit"]
ODD_VALUES = ["", " ", "0", "-1", "+5", " 7 ", "1e9", "0x10", "1.5", "1_000", "１２", "²", "١٢",
              "9" * 31, "9" * 5000, "-" + "9" * 40, "None", "null", "true", "[]", "..",
              "../../etc/passwd", "%00", "<script>alert(1)</script>", '"', "'", "*", "zone:",
              "a" * 501, "保税 " * 120, "\u202e", "🛢️", "\ufeff", "\ud800"]
# What Accept-Language and the lang cookie may say (printable ASCII: a header the test client
# can send).
HEADER_TEXT = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=30)


@pytest.fixture(scope="module")
def known(kb):
    """What the test index holds, by kind: ids and every name a filter may use."""
    zones, pillars = kb.zones(), kb.pillars()
    batches = kb.batches()
    years = sorted({str(b["date"])[:4] for b in batches})
    return {
        "zone": [z[k] for z in zones for k in ("id", "name", "name_zh", "short", "short_zh")],
        "pillar": [p[k] for p in pillars for k in ("id", "name", "name_zh")],
        "scope": list(SCOPES),
        "field": [f["id"] for f in kb.reform_fields()],
        "year": years,
        "measure_id": [h.id for h in kb.measures()],
        "zone_id": [z["id"] for z in zones],
        "pillar_id": [p["id"] for p in pillars],
        "source_id": [s["id"] for s in kb.sources()],
        "batch_id": [b["id"] for b in batches],
        "filename": ["style.css", "live.js", "favicon.svg"],
        "q": ["bonded", "FTZ", "保税", "oil tank", "zone:zhejiang", "Hainan zero tariff", "海關"],
    }


def _encode(value, safe: str = "") -> str:
    return quote(value, safe=safe) if isinstance(value, (str, bytes)) else str(value)


def _text():
    return st.text(st.characters(codec="utf-8"), max_size=30)


def _values(known: dict):
    everything = sorted({v for values in known.values() for v in values})
    return st.one_of(
        st.sampled_from(everything),
        st.sampled_from(ODD_VALUES).map(lambda v: v.encode("utf-8", "surrogatepass")),
        st.integers(min_value=-10 ** 40, max_value=10 ** 40),
        _text(),
        st.binary(max_size=12),  # invalid UTF-8 too
    )


@st.composite
def query_strings(draw, known: dict) -> str:
    """Parameters of known and unknown names, repeated, blank, encoded or left raw."""
    names = st.one_of(st.sampled_from(PARAMETER_NAMES), _text())
    pairs = draw(st.lists(st.tuples(names, _values(known)), max_size=8))
    if pairs and draw(st.booleans()):
        pairs += draw(st.lists(st.sampled_from(pairs), max_size=4))  # repeated parameters
    safe = draw(st.sampled_from(["", "", "/:@;,+", "=&"]))
    parts = []
    for name, value in draw(st.permutations(pairs)):
        if draw(st.integers(0, 9)) == 0:
            parts.append(_encode(name, safe))  # a name with no "="
        else:
            parts.append(f"{_encode(name, safe)}={_encode(value, safe)}")
    return "&".join(parts)


_ARGUMENT = re.compile(r"<(?:(\w+)(?:\(([^)]*)\))?:)?(\w+)>")
ODD_SEGMENTS = ["..", "%2e%2e", "%2F", "%00", "%ff", "ABC", "a" * 121, "名字", "-", "a.b",
                "%20", "~", "%ed%a0%80", "a%2fb", "index.html", "."]


def _segment(known: dict, name: str, converter: str | None, arguments: str | None):
    if converter == "any":
        return st.sampled_from([a.strip() for a in arguments.split(",")])
    odd = st.one_of(st.sampled_from(ODD_SEGMENTS), _text().map(quote),
                    st.from_regex(r"[a-z0-9-]{1,40}", fullmatch=True))
    return st.one_of(st.sampled_from(known[name]), odd) if known.get(name) else odd


@st.composite
def paths(draw, known: dict, rules: list) -> str:
    rule = draw(st.sampled_from(rules))
    path = rule.rule
    for match in reversed(list(_ARGUMENT.finditer(path))):
        converter, arguments, name = match.groups()
        value = draw(_segment(known, name, converter, arguments))
        path = path[:match.start()] + value + path[match.end():]
    tail = draw(st.sampled_from(["", "", "", "/", ".json", "//x", "/%2e%2e", "?"]))
    return path + tail


def _family(rule) -> str:
    if rule.endpoint.startswith("pages."):
        return "pages-zh" if rule.rule.startswith("/<any") else "pages-en"
    return rule.endpoint.split(".")[0] if "." in rule.endpoint else "static"


FAMILIES = {"pages-en": 200, "pages-zh": 150, "exports": 150, "api": 150, "static": 40}


@st.composite
def requests(draw, known: dict, rules: list) -> dict:
    path = draw(paths(known, rules))
    query = draw(query_strings(known))
    headers = {}
    if draw(st.booleans()):
        headers["Accept-Language"] = draw(st.one_of(
            st.sampled_from(["zh-CN,zh;q=0.9", "zh-Hant", "en", "*", "", ";q=x", "zh;q=-1"]),
            HEADER_TEXT))
    if draw(st.booleans()):
        headers["Cookie"] = "lang=" + draw(st.one_of(st.sampled_from(["zh", "en", ""]),
                                                     HEADER_TEXT.map(lambda t: quote(t, safe=""))))
    method = draw(st.sampled_from(["GET"] * 6 + ["HEAD", "POST", "OPTIONS", "PUT"]))
    separator = "&" if "?" in path else "?"
    return {"method": method, "url": path + (separator + query if query else ""),
            "headers": headers}


def assert_sendable(response, url: str) -> None:
    """Below 500, and a response a WSGI server can write."""
    try:
        assert response.status_code < 500, (url, response.status_code)
        for name, value in response.headers.items():
            try:
                (name + value).encode("latin-1")
            except UnicodeEncodeError:
                pytest.fail(f"{url}: header {name}: {value!r} is not Latin-1; no server can "
                            "send it")
            assert "\n" not in value and "\r" not in value, (url, name, value)
        response.get_data()  # a streamed body fails here, not in the server
    finally:
        response.close()  # a static file's handle


def test_every_route_is_in_a_family(app):
    """A new route is driven too: each belongs to a family below."""
    assert {_family(rule) for rule in app.url_map.iter_rules()} <= set(FAMILIES)
    names = {name for rule in app.url_map.iter_rules() for _, _, name in _ARGUMENT.findall(rule.rule)}
    assert names <= {"lang", "measure_id", "zone_id", "pillar_id", "source_id", "batch_id",
                     "filename"}, names


@pytest.mark.parametrize("family", FAMILIES)
def test_no_generated_request_is_a_server_error(app, client, known, family):
    rules = [rule for rule in app.url_map.iter_rules() if _family(rule) == family]
    assert rules

    @settings(max_examples=examples(FAMILIES[family]))
    @given(request=requests(known, rules))
    def check(request):
        # A path that starts with // would be read by the test client as a host (a network-
        # path reference), which no server receives: give it the origin, so it stays a path.
        url = request["url"]
        response = client.open(f"http://localhost{url}" if url.startswith("//") else url,
                               method=request["method"], headers=request["headers"])
        assert_sendable(response, request["url"])
        hops = 0
        while response.status_code in (301, 302, 303, 307, 308) and hops < 3:
            hops += 1
            location = response.headers["Location"]
            assert location.startswith("/") or "://localhost/" in location, location
            response = client.get(location, headers=request["headers"])
            assert_sendable(response, location)
        if request["url"].startswith("/api/") and request["method"] == "GET":
            assert response.mimetype == "application/json", request["url"]
            if response.status_code >= 400:
                assert response.get_json()["error"], request["url"]

    check()


# Values that have broken a parser somewhere: digits int() reads and str.isdigit() does not
# agree on, numbers past int()'s 4,300 digits, invalid UTF-8, NUL, a query past the limit,
# markup, a zone's names. Each goes into each parameter of each route, alone: a narrow fault
# (one value of one parameter of one page) that random requests would seldom hit.
HAZARDS = ["", " ", "0", "-1", "²", "１２", "١٢", "1e9", "9" * 31, "9" * 5000, "%ff", "%00",
           "%ed%a0%80", "a" * 501, "%3Cb%3E", "Shanghai", "%E4%B8%8A%E6%B5%B7",
           # repeated: two names of zones (中国（上海）自由贸易试验区, 广东), two ids
           "Shanghai&{name}=%E5%B9%BF%E4%B8%9C", "zhejiang&{name}=zhejiang&{name}=",
           "%E4%B8%AD%E5%9B%BD%EF%BC%88%E4%B8%8A%E6%B5%B7%EF%BC%89%E8%87%AA%E7%94%B1%E8%B4%B8"
           "%E6%98%93%E8%AF%95%E9%AA%8C%E5%8C%BA&{name}=Guangdong"]
READ_NAMES = ["q", "zone", "pillar", "scope", "page", "per_page", "lang", "field", "year"]


def _first_path(rule, known: dict) -> str:
    """The rule's path with the first known value of each argument."""
    def value(match):
        converter, arguments, name = match.groups()
        return arguments.split(",")[0] if converter == "any" else known[name][0]
    return _ARGUMENT.sub(value, rule.rule)


def test_no_hazardous_value_of_any_parameter_is_a_server_error(app, client, known):
    failures = []
    for rule in app.url_map.iter_rules():
        path = _first_path(rule, known)
        for name in READ_NAMES:
            for value in HAZARDS:
                url = f"{path}?{name}={value.format(name=name)}"
                try:
                    assert_sendable(client.get(url), url)
                except Exception as error:  # noqa: BLE001 (every failure, listed)
                    failures.append(str(error))
    assert not failures, failures[:10]


# -- compare, which takes zones as search does -------------------------------------------

@pytest.mark.parametrize("prefix", ["", "/zh"])
def test_compare_takes_zone_names_in_either_language(client, prefix):
    for names in (["Shanghai", "Guangdong"], ["上海", "广东"], ["shanghai", "GUANGDONG"],
                  ["China (Shanghai) Pilot Free Trade Zone", "广东"]):
        response = client.get(f"{prefix}/compare", query_string={"zone": names})
        assert response.status_code == 302, names
        assert response.location == f"{prefix}/compare?zone=shanghai&zone=guangdong"
        page = client.get(response.location)
        assert page.status_code == 200
        assert 'class="compare-table' in page.get_data(as_text=True)


@pytest.mark.parametrize("prefix, words", [("", "Unknown zone"), ("/zh", "未知")])
def test_compare_of_an_unknown_zone_is_a_helpful_400(client, prefix, words):
    response = client.get(f"{prefix}/compare?zone=Shanghia&zone=Guangdong")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert words in html
    # the same comparison with the likeliest zone, one click away
    assert f'href="{prefix}/compare?zone=shanghai&amp;zone=Guangdong"' in html


def test_exports_of_zones_named_by_name_are_named_by_ids(client):
    response = client.get("/search.csv", query_string={"zone": "上海", "pillar": "Logistics"})
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="ftz-measures-shanghai-logistics.csv"')
    data = client.get("/search.json", query_string={"zone": "上海"}).get_json()
    assert data["zones"] == ["shanghai"]


def test_a_search_by_zone_name_selects_the_zone_facet(client):
    html = client.get("/search", query_string={"zone": "浙江"}).get_data(as_text=True)
    assert re.search(r'<li class="selected">\s*<a href="/search" data-facet="zone"', html)


# -- the OpenAPI document's schemas, from the other side --------------------------------

def _strategy(schema: dict):
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type")
    if kind == "array":
        return st.lists(_strategy(schema["items"]), max_size=4)
    if kind == "integer":
        return st.integers(min_value=schema.get("minimum"), max_value=schema.get("maximum"))
    if "pattern" in schema:
        return st.from_regex(schema["pattern"])
    return st.text(st.characters(codec="utf-8"), max_size=schema.get("maxLength", 40))


OPERATIONS = [(path, method) for path, item in OPENAPI["paths"].items() for method in item]


@pytest.mark.parametrize("path, method", OPERATIONS, ids=[p for p, _ in OPERATIONS])
def test_a_request_the_openapi_document_allows_is_never_refused(app, client, known, path, method):
    doc = client.get("/api/openapi.json").get_json()
    operation = doc["paths"][path][method]
    parameters = operation.get("parameters", [])
    for parameter in parameters:
        if parameter["name"] in FILTER_KINDS:  # each facet declares its allowed values
            assert parameter["schema"]["items"]["enum"], parameter["name"]
    declared = {int(status) for status in operation["responses"]}
    known_ids = {"/api/measures/{id}": known["measure_id"], "/api/batches/{id}": known["batch_id"]}

    @st.composite
    def request(draw):
        url, query = path, []
        for parameter in parameters:
            value = draw(_strategy(parameter["schema"]))
            if parameter["in"] == "path":
                value = draw(st.one_of(st.just(value), st.sampled_from(known_ids[path])))
                url = url.replace("{%s}" % parameter["name"], quote(value, safe=""))
            elif parameter.get("required") or draw(st.booleans()):
                for one in value if isinstance(value, list) else [value]:
                    query.append(f"{parameter['name']}={_encode(one)}")
        return url + ("?" + "&".join(query) if query else "")

    @settings(max_examples=examples(60 if parameters else 1))
    @given(url=request())
    def check(url):
        response = client.get(url)
        assert response.status_code != 400, (url, response.get_json())
        assert response.status_code in declared, (url, response.status_code)

    check()


@pytest.mark.parametrize("query", ["pillar=0", "zone=0", "scope=0", "zone=Zhejiang"])
def test_what_the_openapi_document_refuses_is_not_schema_valid(client, query):
    """The issue 21 finding: pillar=0 was schema-valid and answered 400. Now the enum refuses
    it; names are read too (the description says so) but are not the declared ids."""
    doc = client.get("/api/openapi.json").get_json()
    name, value = query.split("=")
    schema = next(p for p in doc["paths"]["/api/search"]["get"]["parameters"]
                  if p["name"] == name)["schema"]
    assert value not in schema["items"]["enum"]
