"""The site in English and Chinese: catalogs kept up to date, /zh/ pages wholly in Chinese with
Chinese names first, the language switch, and the choice of language on a first visit to /."""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from indexer.records.catalog import load_catalog
from indexer.records.latin import latin_words
from tests.conftest import PROJECT, SHIPPED, fixture_corpus
from tests.helpers import SOURCE_ID, ZHEJIANG_OIL
from tests.webhelpers import links, fixture_records

RECORDS = fixture_records()
TRANSLATIONS = PROJECT / "webapp" / "translations"
PO = TRANSLATIONS / "zh_Hans" / "LC_MESSAGES" / "messages.po"
MO = PO.with_suffix(".mo")


# -- the catalogs ----------------------------------------------------------------------------

def extracted_ids() -> set:
    """The interface's messages, extracted from the code and templates as babel.cfg says."""
    with open(PROJECT / "babel.cfg", encoding="utf-8") as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = {"_": None, "N_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None}
    return {msgid for _, _, msgid, _, _ in extract_from_dir(
        str(PROJECT), method_map, options_map, keywords=keywords)}


def catalog(path: Path):
    with open(path, "rb") as f:
        return read_mo(f) if path.suffix == ".mo" else read_po(f)


def test_the_template_holds_every_message_of_the_interface():
    pot = {m.id for m in catalog(TRANSLATIONS / "messages.pot") if m.id}
    assert pot == extracted_ids(), (
        "webapp/translations/messages.pot is out of date: run pybabel extract and update "
        "(see webapp/i18n.py)")


def test_every_message_is_translated_into_chinese():
    po = catalog(PO)
    pot = {m.id for m in catalog(TRANSLATIONS / "messages.pot") if m.id}
    messages = [m for m in po if m.id]
    assert {m.id for m in messages} == pot
    for message in messages:
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings) and not message.fuzzy, message.id
        # the same placeholders in the translation as in the English
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        assert set(re.findall(r"%\(\w+\)[sd]", ids[-1])) == set(re.findall(r"%\(\w+\)[sd]", strings[0])), message.id
    assert len(messages) >= 150


def test_the_compiled_catalog_is_the_translated_one():
    """The .mo is committed (a fresh clone needs no build step); it must say what the .po says."""
    def messages(path):
        return {_tuple(m.id): _tuple(m.string) for m in catalog(path) if m.id}

    po, mo = messages(PO), messages(MO)
    assert mo == po, "messages.mo is stale: run pybabel compile -d webapp/translations"


def _tuple(value):
    return tuple(value) if isinstance(value, (list, tuple)) else value


# -- every page in Chinese ---------------------------------------------------------------------

CHINESE_PAGES = [
    # home, browsing pages, the register, what the knowledge base holds
    "/zh/", "/zh/zones", "/zh/pillars", "/zh/sources", "/zh/nationwide", "/zh/coverage",
    "/zh/zones/zhejiang", "/zh/zones/fujian", "/zh/zones/hainan", "/zh/pillars/logistics",
    "/zh/pillars/precise-services", "/zh/nationwide?field=human-resources&zone=tianjin",
    "/zh/nationwide/state-council-3", "/zh/nationwide/mofcom-cases-6",
    # search: nothing typed, found, found through a translation or synonym (its note), not
    # found, a note on the query language, the known values of a field, a place for its zone
    "/zh/search", "/zh/search?q=保税", "/zh/search?q=customs+clearance&zone=shanghai",
    "/zh/search?q=自贸区", "/zh/search?q=自贸试验区+保税", "/zh/search?q=nothingmatcheszz",
    "/zh/search?q=保税+量子", "/zh/search?page=9", "/zh/search?q=oil~2", "/zh/search?q=oil+AND",
    "/zh/search?q=pillar:nowhere", "/zh/search?q=status:nowhere", "/zh/search?q=scope:nowhere",
    "/zh/search?q=zone:atlantis", "/zh/search?q=舟山", "/zh/search?zone=zhejang",
    # compare: the form, one zone, three
    "/zh/compare", "/zh/compare?zone=zhejiang", "/zh/compare?zone=zhejiang&zone=shanghai&zone=anhui",
    # errors: 404 and 400
    "/zh/no-such-page", "/zh/measures/no-such-measure", "/zh/search?page=0",
    "/zh/search?per_page=500", "/zh/nationwide?field=nowhere",
    *[f"/zh/measures/{m}" for m in RECORDS],
    *sorted({f"/zh/sources/{r['source']}" for r in RECORDS.values()} | {f"/zh/sources/{SOURCE_ID}"}),
]
class _EnglishOutside(HTMLParser):
    """Latin words in text whose language (by the nearest lang attribute) is Chinese."""

    VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr"}

    def __init__(self, titles: bool):
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, str]] = []
        self.found: list[str] = []
        self.skipped = ("script", "style", "time") if titles else ("script", "style", "title", "time")

    def handle_starttag(self, tag, attrs):
        if tag in self.VOID:
            return
        lang = dict(attrs).get("lang") or (self.stack[-1][1] if self.stack else "")
        self.stack.append((tag, lang))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        # a <title> holds no markup to mark what it quotes with; its words are checked when
        # `titles` is set, against the names the page may quote
        if not self.stack or self.stack[-1][0] in self.skipped:
            return
        if self.stack[-1][1].startswith("zh"):
            self.found += latin_words(data)


def english_in_chinese_text(html: str, allowed: set[str] = frozenset(), titles: bool = False) -> list[str]:
    """Latin words (indexer/records/latin.py's rules) in the Chinese text of a page, outside what is marked
    as another language; `allowed` (lower case) are words the page may hold."""
    parser = _EnglishOutside(titles)
    parser.feed(html)
    return [w for w in parser.found if w.lower() not in allowed]


def test_the_walk_finds_english_where_it_is_not_marked():
    # the check itself: a Latin word in Chinese text is found, one marked English or an
    # address is not
    page = ('<html lang="zh-Hans"><body><p>被商务部列为最佳实践案例、6th batch</p>'
            '<p>发布者：<span lang="en">China Daily</span>（chinadaily.com.cn，RCEP）</p></body></html>')
    assert english_in_chinese_text(page) == ["th", "batch"]


@pytest.mark.parametrize("url", CHINESE_PAGES)
def test_chinese_pages_are_in_chinese(client, url):
    response = client.get(url)
    assert response.status_code in (200, 400, 404), url
    html = response.get_data(as_text=True)
    assert '<html lang="zh-Hans">' in html
    query = parse_qs(urlsplit(url).query)
    echoed = {w.lower() for k, v in query.items() for w in re.findall(r"[A-Za-z]+", " ".join([k, *v]))}
    assert english_in_chinese_text(html, echoed | {"zhejang", "zhejiang"}) == [], url
    # every link to a page stays in Chinese (but the switch to English)
    for href, _, attrs in links(html):
        if attrs.get("id") == "lang-switch":
            continue
        parts = urlsplit(href)
        path = parts.path
        if (not parts.netloc and path.startswith("/") and not path.endswith(".csv")
                and not path.startswith(("/static/", "/api/", "/search."))):
            assert path == "/zh" or path.startswith("/zh/") or "lang=en" in href, (url, href)


def _quoted_names(catalog) -> set[str]:
    """Latin words a Chinese page may hold as they stand: official Chinese names quoted as their
    issuers write them (关银“一KEY通”), and publishers' names where a <title> cannot mark them."""
    names = [m.title_zh for m in catalog.measures.values() if m.title_zh_source]
    names += [alt for m in catalog.measures.values() for alt in m.title_zh_alt]
    names += [item.name_zh for b in catalog.taxonomy.batches.values() for item in b.items]
    names += [s.publisher_zh or "" for s in catalog.taxonomy.sources.values()]
    return {w.lower() for name in names for w in latin_words(name)}


def test_no_chinese_page_of_the_shipped_knowledge_base_holds_unmarked_english(shipped_client):
    # every /zh/ page kind over the shipped records (every record, source, zone, pillar, batch),
    # <title> included: what English a Chinese page holds is marked lang="en" or is a name
    # quoted as its issuer writes it
    catalog = load_catalog(SHIPPED)
    taxonomy = catalog.taxonomy
    urls = ["/zh/", "/zh/zones", "/zh/pillars", "/zh/sources", "/zh/nationwide", "/zh/coverage",
            "/zh/search?q=保税", "/zh/search?q=自贸港", "/zh/search?q=一站式",
            # passages of Chinese texts that quote names in English
            "/zh/search?q=副负责人", "/zh/search?q=新闻发布会", "/zh/search?q=报道",
            "/zh/compare?zone=" + "&zone=".join(list(taxonomy.zones)[:3]),
            *[f"/zh/measures/{i}" for i in catalog.measures],
            *[f"/zh/sources/{i}" for i in taxonomy.sources],
            *[f"/zh/zones/{i}" for i in taxonomy.zones],
            *[f"/zh/pillars/{i}" for i in taxonomy.pillars],
            *[f"/zh/nationwide/{i}" for i in taxonomy.batches]]
    allowed = _quoted_names(catalog)
    found = {}
    for url in urls:
        response = shipped_client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert "lang=&quot;" not in html and "&lt;span" not in html, url  # no markup shown as text
        words = english_in_chinese_text(html, allowed, titles=True)
        if words:
            found[url] = sorted(set(words))
    assert len(urls) > 350 and found == {}


def test_a_source_without_a_chinese_title_is_named_in_chinese_in_the_tab(shipped_client):
    catalog = load_catalog(SHIPPED)
    source = next(s for s in catalog.taxonomy.sources.values()
                  if not s.title_zh and s.date and s.publisher_zh and not latin_words(s.publisher_zh))
    html = shipped_client.get(f"/zh/sources/{source.id}").get_data(as_text=True)
    title = unescape(re.search(r"<title>(.*?)</title>", html, re.S).group(1))
    assert title.startswith(f"{source.publisher_zh}，") and source.title not in title
    assert source.title in unescape(html)  # the English title is still the page's <h1>


@pytest.mark.parametrize("url", ["/", "/search?q=oil", "/zones/zhejiang", "/pillars/logistics",
                                 f"/measures/{ZHEJIANG_OIL}", "/nowhere"])
def test_english_pages_say_they_are_english(client, url):
    html = client.get(url).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert all(not path.startswith("/zh") for path in
               (urlsplit(h).path for h, _, _ in links(html)) if path != switch(html))


def switch(html: str) -> str:
    return urlsplit(re.search(r'<a id="lang-switch" class="lang-switch" href="([^"]+)"', html).group(1)).path


def test_chinese_names_come_first(client):
    record = RECORDS[ZHEJIANG_OIL]
    html = client.get(f"/zh/measures/{ZHEJIANG_OIL}").get_data(as_text=True)
    assert unescape(re.search(r"<h1>(.*?)</h1>", html).group(1)) == record["title_zh"]
    assert unescape(re.search(r'<p class="h1-alt"><span lang="en">(.*?)</span>', html).group(1)) == record["title"]
    assert "<title>" + record["title_zh"] in unescape(html)
    html = client.get("/zh/zones/zhejiang").get_data(as_text=True)
    assert re.search(r"<h1>(.*?)</h1>", html).group(1) == "中国（浙江）自由贸易试验区"
    html = client.get("/zh/search?q=保税").get_data(as_text=True)
    first_result = unescape(re.search(r'<h2 class="measure-title"><a [^>]*>(.*?)</a>', html).group(1))
    assert first_result in {r["title_zh"] for r in RECORDS.values()}
    zone_facet = re.search(r'data-facet="zone"[^>]*>\s*(\S+) <span class="alt" lang="en">(\w+)', html)
    assert zone_facet and not zone_facet.group(1).isascii()


@pytest.mark.parametrize("url, other", [
    ("/", "/zh/"), ("/zh/", "/?lang=en"), ("/?lang=en", "/zh/"),
    ("/search?q=%E4%BF%9D%E7%A8%8E&zone=zhejiang", "/zh/search?q=%E4%BF%9D%E7%A8%8E&zone=zhejiang"),
    ("/zh/search?q=oil&page=1", "/search?q=oil&page=1"),
    ("/zones/zhejiang", "/zh/zones/zhejiang"), ("/zh/pillars/logistics", "/pillars/logistics"),
    ("/compare?zone=zhejiang&zone=shanghai", "/zh/compare?zone=zhejiang&zone=shanghai"),
    ("/zh/no-such-page", "/no-such-page"),
])
def test_the_language_switch_keeps_the_path_and_query(client, url, other):
    html = client.get(url).get_data(as_text=True)
    href = re.search(r'<a id="lang-switch" class="lang-switch" href="([^"]+)"', html).group(1)
    assert href.replace("&amp;", "&") == other
    assert client.get(other, follow_redirects=True).status_code in (200, 404)


# -- the first visit to / ------------------------------------------------------------------------

def test_a_chinese_browser_is_sent_to_the_chinese_home_once(app):
    client = app.test_client()
    first = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.6"})
    assert first.status_code == 302 and first.headers["Location"] == "/zh/"
    assert {"Accept-Language", "Cookie"} <= set(first.vary)
    home = client.get("/zh/", headers={"Accept-Language": "zh-CN"})
    assert home.status_code == 200 and "lang=zh" in home.headers.get("Set-Cookie", "")
    # the reader chooses English: the switch on the Chinese home page; the cookie wins after
    english = client.get("/?lang=en", headers={"Accept-Language": "zh-CN"})
    assert english.status_code == 200 and '<html lang="en">' in english.get_data(as_text=True)
    again = client.get("/", headers={"Accept-Language": "zh-CN"})
    assert again.status_code == 200 and '<html lang="en">' in again.get_data(as_text=True)


@pytest.mark.parametrize("accept, status", [
    ("en-GB,en;q=0.9", 200), ("zh-TW", 302), ("zh-Hans", 302), ("fr-FR, de;q=0.5", 200), ("", 200),
    ("en;q=0.4, zh;q=0.8", 302), ("zh;q=0.1, en", 200),
])
def test_accept_language_decides_only_a_first_visit(app, accept, status):
    response = app.test_client().get("/", headers={"Accept-Language": accept} if accept else {})
    assert response.status_code == status


def test_only_the_bare_home_page_chooses(app):
    client = app.test_client()
    for url in ("/zones", "/search?q=oil", f"/measures/{ZHEJIANG_OIL}"):
        response = client.get(url, headers={"Accept-Language": "zh-CN"})
        assert response.status_code == 200 and '<html lang="en">' in response.get_data(as_text=True)
    # the Chinese home never redirects, whatever the browser or cookie says: no loop
    client.set_cookie("lang", "en")
    assert client.get("/zh/", headers={"Accept-Language": "en"}).status_code == 200
    client.set_cookie("lang", "zh")
    response = client.get("/", headers={"Accept-Language": "en"})
    assert response.status_code == 302 and response.headers["Location"] == "/zh/"
    assert client.get("/", follow_redirects=True).request.path == "/zh/"


def test_the_api_stays_one(client):
    assert client.get("/zh/api/search?q=oil").status_code == 404
    english = client.get("/api/search?q=保税", headers={"Accept-Language": "zh-CN"}).get_json()
    assert english["results"] and english["results"][0]["url"].startswith("/measures/")
    error = client.get("/api/search?zone=zhejang", headers={"Accept-Language": "zh-CN"}).get_json()
    assert error["error"].startswith("There is no zone")


def test_what_users_type_is_escaped_in_chinese_too(client):
    response = client.get("/zh/search", query_string={"q": '<script>alert(1)</script>"保税'})
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    assert "<script>" not in client.get("/zh/<script>").get_data(as_text=True)


def test_errors_speak_the_pages_language(client):
    html = client.get("/zh/search?zone=zhejang").get_data(as_text=True)
    assert "未知的自贸试验区" in html and "/zh/search?zone=zhejiang" in html
    assert "找不到页面" in client.get("/zh/nowhere").get_data(as_text=True)
    assert "Page not found" in client.get("/nowhere").get_data(as_text=True)


@pytest.mark.parametrize("query, chinese", [
    ("oil~2", "不支持模糊匹配（oil~2）"),
    ('"oil tank"~3', "不支持邻近搜索"),
    ("oil^5", "不支持权重（oil^5）"),
    ("oil -tank", "按 NOT 处理（NOT tank）"),
    ("+oil", "无需加“+”"),
    ('"oil tank', "您的查询中有不成对的引号"),
    ("colour:red oil", "未知字段“colour”"),
    ("oil AND", "一侧没有内容的运算符 AND"),
    ("zone:atlantis oil", "没有名为“atlantis”的自贸试验区"),
    ("pillar:logistic oil", "您是否要找 pillar:logistics"),
    ("(oil AND atlantisword)", "没有举措符合整个查询"),
])
def test_how_a_query_was_read_is_said_in_chinese(client, query, chinese):
    # the engine's notes on the query language, in the page's language, not marked English
    html = client.get("/zh/search", query_string={"q": query}).get_data(as_text=True)
    notices = [unescape(n) for n in re.findall(r'<p class="notice"([^>]*)>(.*?)</p>', html, re.S)
               for n in [n[0] + "|" + n[1]]]
    said = [n for n in notices if chinese in n]
    assert said, notices
    assert 'lang="en"' not in said[0].split("|")[0]
    english = client.get("/search", query_string={"q": query}).get_data(as_text=True)
    assert chinese not in english


def test_every_kind_of_note_the_engine_makes_has_a_message():
    # a new kind of note must get its message (and so its Chinese) in indexer/notes.py
    from indexer.query import syntax
    from indexer.notes import CODES as KNOWN_CODES
    made = set(syntax._NOTES)
    for folder in ("indexer", "webapp"):
        for path in (PROJECT / folder).rglob("*.py"):
            made |= set(re.findall(r'\b(?:Note|_place_note)\(\s*"(\w+)"',
                                      path.read_text(encoding="utf-8")))
    assert len(made) >= 28 and made <= KNOWN_CODES, made - KNOWN_CODES


@pytest.mark.parametrize("query_string, chinese", [
    ({"q": "oil", "page": "0"}, "page 必须大于或等于 1"),
    ({"q": "oil", "page": "x"}, "page 必须是整数"),
    ({"q": "oil", "per_page": "500"}, "per_page 必须在 1 到 100 之间"),
])
def test_a_bad_parameter_is_explained_in_the_pages_language(client, query_string, chinese):
    response = client.get("/zh/search", query_string=query_string)
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and chinese in html
    assert client.get("/api/search", query_string=query_string).get_json()["error"].isascii()


def test_the_catalog_follows_the_chinese_style_sheet():
    # docs/style-zh.md: one term per concept, “” and （） in Chinese, dates as 2018年5月
    cjk = r"[\u3400-\u9fff]"
    for message in (m for m in catalog(PO) if m.id):
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for chinese in filter(None, strings):
            text = re.sub(r"<[^>]*>", "", chinese)  # markup's attributes keep their quotes
            assert '"' not in text and "'" not in text, chinese
            assert not re.search(rf"\([^()]*{cjk}[^()]*\)|{cjk}\(", text), chinese
            assert not re.search(r"措施|全国推广|\d{4}-\d{2}", text), chinese


def test_quoted_english_is_said_once_per_page(client):
    html = client.get(f"/zh/measures/{ZHEJIANG_OIL}").get_data(as_text=True)
    assert html.count("本页中的英文内容按其来源或记录的原文照录。") == 1
    html = client.get("/zh/search?q=nothingmatcheszz").get_data(as_text=True)
    assert 'lang="en"' not in html.split('<main', 1)[1].split("</main>", 1)[0]
    assert "本页中的英文内容" not in html


def test_a_municipality_replicates_across_itself_not_a_province(tmp_path):
    # docs/style-zh.md: a province-wide step of Beijing, Tianjin, Shanghai or Chongqing is
    # 在本市复制推广, of a province 在本省复制推广
    from tests.helpers import record
    from tests.webhelpers import app_with

    step = (f"lineage:\n  - scope: province\n    date: 2024-01\n    source: {SOURCE_ID}\n")
    client = app_with(tmp_path, records={
        "test-tianjin-step": record(zones="[tianjin]", extra=step),
        "test-zhejiang-step": record(zones="[zhejiang]", extra=step)}).test_client()
    tianjin = client.get("/zh/measures/test-tianjin-step").get_data(as_text=True)
    zhejiang = client.get("/zh/measures/test-zhejiang-step").get_data(as_text=True)
    assert "在本市复制推广" in tianjin and "本省" not in tianjin
    assert "在本省复制推广" in zhejiang and "本市" not in zhejiang
    assert "2024年1月" in tianjin  # a date as precise as its source, in Chinese form


def test_a_match_through_a_translation_is_said_in_chinese(client):
    # "matched 'free trade zone' ... as a translation of '自贸区'" was English on /zh/
    html = client.get("/zh/search?q=自贸区").get_data(as_text=True)
    said = re.findall(r'<p class="explanation"([^>]*)>(.*?)</p>', html, re.S)
    assert said and all('lang="en"' not in attrs for attrs, _ in said)
    assert all(text.startswith("按“自贸区”的") and text.endswith("匹配") for _, text in said)
    english = client.get("/search?q=自贸区").get_data(as_text=True)
    assert "as a synonym of &#39;自贸区&#39;" in english or "as a translation of" in english


def test_the_known_values_of_a_field_are_named_in_chinese(client):
    html = client.get("/zh/search?q=pillar:nowhere").get_data(as_text=True)
    assert "物流通道和服务（pillar:logistics）" in html
    html = client.get("/zh/search?q=status:nowhere").get_data(as_text=True)
    assert "全国复制推广（status:nationwide）" in html


# A Chinese text names a person or firm as an English source spells it: marked, it publishes, is
# said in English by a screen reader, and its markup is never a searchable word.
BODY_ZH = ("body_zh: |-\n  南沙港建立了二十四小时网上货物申报平台，片区副负责人{name}表示，有了这个平台，"
           "通关效率提高了百分之五十以上；取得AEO认证的企业另有便利，见gov.cn的报道。\n")


def test_latin_words_in_a_chinese_text_are_an_error_unless_marked(tmp_path):
    from tests.helpers import record
    from tests.webhelpers import app_with

    measures = tmp_path / "broken" / "measures"
    found = [str(p) for p in load_catalog(fixture_corpus(measures)).problems]
    assert found == []
    (measures / "test-nansha.md").write_text(record(extra=BODY_ZH.format(name="Li Zigen")), encoding="utf-8")
    found = [str(p) for p in load_catalog(measures).problems]
    assert len(found) == 1 and found[0].startswith("measures/test-nansha.md:") and \
        "body_zh: has Latin words in its Chinese text (Li, Zigen)" in found[0], found

    marked = BODY_ZH.format(name='<span lang="en">Li Zigen</span>')
    client = app_with(tmp_path / "marked", records={"test-nansha": record(extra=marked)}).test_client()
    html = client.get("/zh/measures/test-nansha").get_data(as_text=True)
    assert '副负责人<span lang="en">Li Zigen</span>表示' in html  # through the sanitizer, kept
    assert english_in_chinese_text(html) == []  # AEO and gov.cn stand as they are
    for word in ("span", "lang"):
        assert client.get(f"/api/search?q={word}").get_json()["total"] == 0
    assert client.get("/api/search?q=Zigen").get_json()["total"] == 1


def test_a_passage_is_said_in_the_language_it_is_written_in(shipped_client):
    # a passage of a record's Chinese text is Chinese on the English site too, the names it
    # quotes marked English; one of its English text is English on the Chinese site
    from webapp.i18n import snippet_paragraph

    # a passage cut inside a language mark of the record's text showed the tag as text
    for url in ("/search?q=报道", "/zh/search?q=报道"):
        shown = shipped_client.get(url).get_data(as_text=True)
        assert "lang=&quot;" not in shown and "&lt;span" not in shown, url
    api = shipped_client.get("/api/search?q=报道&per_page=100").get_json()
    assert api["total"] > 20 and not any("span" in hit["snippet"] or "lang=" in hit["snippet"]
                                         for hit in api["results"])
    english = shipped_client.get("/search?q=副负责人").get_data(as_text=True)
    assert re.search(r'<p class="snippet" lang="zh-Hans">[^<]*<mark>', english)
    assert '<span lang="en">Li Zigen</span>' in english
    chinese = shipped_client.get("/zh/search?q=deputy+head").get_data(as_text=True)
    assert re.search(r'<p class="snippet" lang="en">', chinese)
    with shipped_client.application.test_request_context("/zh/search"):
        shown = str(snippet_paragraph("由Ship &amp; Bunker于6月刊发，见&lt;<mark>网站</mark>&gt;的报道"))
    assert shown == ('<p class="snippet">由<span lang="en">Ship &amp; Bunker</span>于6月刊发，'
                     '见&lt;<mark>网站</mark>&gt;的报道</p>')


def test_an_official_chinese_title_names_its_source_and_ours_says_it_is_ours(shipped_client):
    catalog = load_catalog(SHIPPED)
    official = next(m for m in catalog.measures.values() if m.title_zh_source)
    for prefix, said in (("/zh", "中文标题出自："), ("", "Chinese title as given in: ")):
        html = shipped_client.get(f"{prefix}/measures/{official.id}").get_data(as_text=True)
        note = re.search(r'<p class="title-note"><small>(.*?)</small></p>', html, re.S).group(1)
        assert note.startswith(said) and f'/sources/{official.title_zh_source}"' in note
    ours = next(m for m in catalog.measures.values() if m.title_zh_note)
    html = shipped_client.get(f"/zh/measures/{ours.id}").get_data(as_text=True)
    assert "本项目译名" in html and "中文标题出自" not in html


def test_words_no_record_holds_are_quoted_as_each_language_quotes(client):
    # docs/style-zh.md: Chinese text quotes with “”, never ASCII quotes
    english = client.get("/api/search?q=bonded+quantumzz+zorblax").get_json()["notes"][0]
    chinese = client.get("/api/search?q=bonded+quantumzz+zorblax&lang=zh").get_json()["notes"][0]
    assert english == "No measure mentions 'quantumzz', 'zorblax'."
    assert chinese == "没有举措提到“quantumzz”、“zorblax”。"
    page = client.get("/zh/search?q=bonded+quantumzz&zone=zhejiang").get_data(as_text=True)
    # the reader's own words, echoed unmarked as the query is in the search box
    assert '<p class="notice">在所选筛选条件内，没有举措提到“quantumzz”。</p>' in page


def test_a_facet_value_named_only_in_english_is_marked_english_on_a_chinese_page(app):
    # a facet's allowed values may have no Chinese name (a source cited by its English title):
    # the panel and the filter in use say it in English, marked, and a year stays as it is
    from flask import render_template

    from webapp.facets import ActiveFilter, FacetGroup, FacetValue

    name = "Zhoushan Speeds Up Clearance"
    groups = [FacetGroup("source", "来源文件", [FacetValue("s1", name, None, 2, True, "/zh/search")]),
              FacetGroup("year", "年份", [FacetValue("2023", "2023", None, 5, False, "/zh/search")]),
              FacetGroup("pillar", "方面", [FacetValue("p", "Logistics", "物流", 1, False, "/zh/search")])]
    active = [ActiveFilter("source", "s1", name, "/zh/search")]
    marked = f'<span lang="en">{name}</span>'
    with app.test_request_context("/zh/search"):
        html = render_template("_facets.html", facet_groups=groups, active_filters=active)
    assert html.count(marked) == 2  # the panel's value and the filter in use
    assert '<span lang="en">2023</span>' not in html and "物流" in html
    assert english_in_chinese_text(html, set()) == []
    with app.test_request_context("/search"):
        english = render_template("_facets.html", facet_groups=groups, active_filters=active)
    assert marked not in english and name in english
