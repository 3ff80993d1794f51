"""An unknown zone, pillar or scope in a URL is said in Chinese by the message catalog's
entry of the code "unknown_value" (indexer/notes.py), the one a query's zone:x gets: the
site, the API and the CLI have no wording of their own for it."""

from __future__ import annotations

import html
import re

import pytest

from indexer.errors import UnknownFilter
from indexer.notes import MESSAGES, Note

NOUNS_ZH = {"zone": "自贸试验区", "pillar": "方面", "scope": "推广范围"}


def _notice(page: str) -> str:
    found = re.findall(r'<p class="notice error"[^>]*>(.*?)</p>', page, re.S)
    assert len(found) == 1, found
    return html.unescape(found[0])


@pytest.mark.parametrize("kind", ["zone", "pillar", "scope"])
def test_an_unknown_value_in_the_url_is_said_as_the_query_note_says_it(client, kind):
    page = client.get(f"/zh/search?{kind}=nosuchvalue")
    assert page.status_code == 400
    said = _notice(page.get_data(as_text=True))
    assert said.startswith(f"没有名为“nosuchvalue”的{NOUNS_ZH[kind]}。"), said
    # the same sentence as the note on the query kind:nosuchvalue
    notes = client.get(f"/zh/search?q={kind}:nosuchvalue").get_data(as_text=True)
    assert said in html.unescape(notes)
    # the API and the CLI say it in the catalog's English, with the values to act on
    error = client.get(f"/api/search?{kind}=nosuchvalue").get_json()
    assert error["error"].startswith(f"There is no {kind} 'nosuchvalue'")
    assert error["kind"] == kind and error["value"] == "nosuchvalue"


def test_the_error_carries_the_catalogs_code_and_values():
    error = UnknownFilter("pillar", "logistic", "logistics", ["logistics", "key-industries"])
    # its text is the catalog's, with the suggestion
    assert str(error) == MESSAGES["unknown_value.hint"] % {"kind": "pillar", "value": "logistic",
                                                          "field": "pillar", "hint": "logistics"}
    assert str(error) == "There is no pillar 'logistic'; did you mean pillar:logistics?"
    note = error.note
    assert isinstance(note, Note) and note.code == "unknown_value"
    assert note.params == {"kind": "pillar", "value": "logistic",
                           "known": "key-industries, logistics"}
    assert note == MESSAGES["unknown_value.known"] % {"kind": "pillar", "value": "logistic",
                                                     "known": "key-industries, logistics"}
    assert UnknownFilter("zone", "atlantis").note == "There is no zone 'atlantis'."
