"""Notes on how a query was read: English text that also says which note it is.

A note is a `str` (the API, the CLI and the exports show its English text as it stands), and
carries a `code` and the `params` its text was made from, so that the site can say the same
in another language (webapp/notes.py) without parsing English. A param may itself be a note
(the problem inside "Your query has ...").
"""

from __future__ import annotations


class Note(str):
    code: str
    params: dict

    def __new__(cls, code: str, text: str, **params) -> "Note":
        note = super().__new__(cls, text)
        note.code, note.params = code, params
        return note

    def __reduce__(self):  # pickled (a worker's result) as the same note
        return _rebuild, (self.code, str(self), self.params)


def _rebuild(code: str, text: str, params: dict) -> Note:
    return Note(code, text, **params)
