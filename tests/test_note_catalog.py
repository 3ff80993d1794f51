"""The search's notes come from one catalog (indexer/notes.py): the engine gives a code and
values, the English is the catalog's message id and the Chinese its translation, for the
site, the API, the CLI and the Atom feed alike."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from babel.messages.pofile import read_po

from indexer.notes import CODES, MESSAGES, Note, english, message_key
from tests.conftest import PROJECT

PO = PROJECT / "webapp" / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"
ATOM = "{http://www.w3.org/2005/Atom}"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _values(key: str) -> dict:
    """Values for the message `key`: one for each of its placeholders, and what picks it."""
    code, _, variant = key.partition(".")
    values = {name: f"v{name}" for name in PLACEHOLDER.findall(MESSAGES[key])}
    if code == "syntax":
        values["problem"] = Note("two_operators")
    if code.startswith("matched_"):
        values.update(used=("vused",), original="voriginal")
    if code.startswith("unheld_words"):
        values["words"] = ("vwords", "vmore")  # a list, quoted as each language quotes
    if code == "unknown_value":
        values.pop("field", None)  # the facet's key (`kind`), in the English as in the Chinese
        values.update(kind="scope", value="galactic", hint=None, known=None)
        if variant == "hint":
            values["hint"] = "province"
        if variant == "known":
            values["known"] = "province, national"
    if code == "unknown_field":
        values["hint"] = "title" if variant == "hint" else None
    if code == "relaxed":
        values.update(wider="wider" in variant, ranking="ranking" in variant, minimum=2)
    return values


def test_every_message_has_its_chinese_with_the_same_values():
    with PO.open("rb") as f:
        translated = {m.id: m.string for m in read_po(f) if m.id}
    for key, msgid in MESSAGES.items():
        chinese = translated.get(msgid)
        assert chinese, f"no Chinese for the note {key!r}: {msgid}"
        assert set(PLACEHOLDER.findall(chinese)) == set(PLACEHOLDER.findall(msgid)), key


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_note_renders_in_both_languages_from_the_catalog(app, key):
    from webapp.labels import speaking
    from webapp.notes import localized, localized_text

    code = key.partition(".")[0]
    values = _values(key)
    assert message_key(code, values) == key
    note = Note(code, **values)
    assert str(note) == english(code, values)
    shown = {k: v for k, v in values.items() if v is not None}
    # the English is the message id itself, every value in it
    literal = [part for part in PLACEHOLDER.split(MESSAGES[key])[::2] if part.strip()]
    assert all(part in note for part in literal), (note, literal)
    assert all(str(v) in note for k, v in shown.items()
               if k in PLACEHOLDER.findall(MESSAGES[key]) and isinstance(v, str)), note
    with app.test_request_context("/"):
        with speaking("en"):
            assert localized(note) == (str(note), True)
        with speaking("zh"):
            text, translated = localized(note)
            plain = localized_text(note)
    assert translated and re.search(r"[\u4e00-\u9fff]", plain), (key, text)
    assert not any(len(part) > 3 and part in plain for part in literal), (key, plain)


def test_a_note_of_no_code_in_the_catalog_cannot_be_made():
    with pytest.raises(KeyError):
        Note("no_such_note")
    assert CODES == {key.partition(".")[0] for key in MESSAGES}


def _sources():
    for folder in ("indexer", "webapp"):
        for path in sorted((PROJECT / folder).rglob("*")):
            if path.suffix in (".py", ".html") and path.is_file():
                text = path.read_text(encoding="utf-8")
                # a string said over several lines as one: "... its words " \n "in a row."
                text = re.sub(r"""["']\s*\n\s*(?:\+\s*)?[rf]?["']""", "", text)
                yield path.relative_to(PROJECT).as_posix(), " ".join(text.split())


def test_no_english_text_of_a_note_exists_twice_in_the_code():
    # each message as a pattern: a string that begins with its words, each value anything
    # short (a placeholder, an f-string's field), so an English copy of it is found
    sources = dict(_sources())
    for key, msgid in MESSAGES.items():
        parts = re.split(r"%\(\w+\)s", msgid)
        pattern = re.compile("[\"']" + r".{0,60}?".join(re.escape(p) for p in parts), re.S)
        holders = [path for path, text in sources.items() if pattern.search(text)]
        assert holders == ["indexer/notes.py"], (key, holders)


def test_the_api_says_its_notes_in_the_language_asked(client):
    english = client.get("/api/search", query_string={"q": "oil~2 quantum"}).get_json()["notes"]
    chinese = client.get("/api/search", query_string={"q": "oil~2 quantum", "lang": "zh"}
                         ).get_json()["notes"]
    assert any(n.startswith("Fuzzy matching (oil~2) is not supported") for n in english)
    assert any(n.startswith("No measure holds every word of 'oil~2 quantum'") for n in english)
    assert len(chinese) == len(english) and all(n.isascii() for n in english)
    assert all(re.search(r"[\u4e00-\u9fff]", n) for n in chinese), chinese
    assert any("不支持模糊匹配（oil~2）" in n for n in chinese)


def _subtitle(client, query: str, lang: str) -> str:
    feed = ET.fromstring(client.get("/search.atom", query_string={"q": query, "lang": lang})
                         .get_data())
    return feed.find(f"{ATOM}subtitle").text


def test_the_chinese_feed_says_a_partial_match_and_a_correction_in_chinese(client):
    relaxed = _subtitle(client, "oil quantum", "zh")
    assert "没有举措包含“oil quantum”的全部词语" in relaxed and "未计入：quantum" in relaxed
    assert "No measure holds every word" not in relaxed
    corrected = _subtitle(client, "bondde", "zh")
    assert "“bondde”没有找到结果，现显示“bonded”的结果。" in corrected
    assert "No results for" not in corrected
    assert "No results for 'bondde'; showing results for 'bonded'." in _subtitle(
        client, "bondde", "en")


def test_the_cli_prints_english_notes_without_flask(built_index):
    # the catalog's English with plain % formatting: the CLI never loads the web app
    script = ("import sys\nfrom indexer.cli import cli\n"
              "try:\n    cli(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
              "assert 'flask' not in sys.modules and 'flask_babel' not in sys.modules\n")
    done = subprocess.run([sys.executable, "-c", script, "search", "oil~2 quantum", "--json",
                           "--index", str(built_index["index"])], capture_output=True,
                          text=True, cwd=PROJECT, timeout=120)
    assert done.returncode == 0, done.stderr
    notes = json.loads(done.stdout)["notes"]
    assert ("Fuzzy matching (oil~2) is not supported; the word was searched as "
                        "written (a misspelled word gets a suggestion instead).") in notes
    assert any(n.startswith("No measure holds every word of 'oil~2 quantum'; showing those "
                            "with 'oil'") for n in notes), notes
