"""The compact term table (indexer/engine/whooshfiles/compactterms.py) answers every lookup
and iteration that Whoosh's W3TermsReader answers over termtable.py's file of the same
terms: term lists, from any prefix, term infos, frequencies, cursors, absent terms."""

from __future__ import annotations

import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from whoosh.codec.whoosh3 import W3Codec, W3TermsReader
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import TermNotFound

from indexer.engine.whooshfiles import termfile
from indexer.engine.whooshfiles.compactterms import CompactTermsReader, CompactTermTable
from indexer.engine.whooshfiles.termtable import TERM_INFO, TermTable

FIELDS = ("body", "title", "zone")


def _info_tuple(info):
    return (info.weight(), info.doc_frequency(), info.min_length(), info.max_length(),
            info.max_weight(), info.min_id(), info.max_id(), info.extent())


class _BytesField:
    """A field object whose terms are their bytes (the generated terms are not UTF-8)."""

    def to_bytes(self, text):
        return text

    def from_bytes(self, data):
        return data


class _NoPosts:
    def close(self):
        pass


@settings(max_examples=40, deadline=None)
@given(st.dictionaries(st.sampled_from(FIELDS),
                       st.sets(st.binary(min_size=0, max_size=10), max_size=30), max_size=3),
       st.lists(st.binary(max_size=10), max_size=10), st.integers(1, 4),
       st.sampled_from([None, 1, 2, 3, 7, 128]))
def test_the_compact_table_answers_what_whooshs_reader_answers(tmp_path_factory, by_field,
                                                               probes, calls, block):
    """Mapped whole (block None: the plain reader), or read a block of terms at a time
    with pread (the lean reader a serving process uses), with blocks of any size."""
    folder = str(tmp_path_factory.mktemp("terms"))
    storage = FileStorage(folder)
    old, new = TermTable(storage.create_file("old")), CompactTermTable(storage.create_file("new"))
    fieldmap = {}
    old.extras["fieldmap"] = new.extras["fieldmap"] = fieldmap
    rng = np.random.default_rng(len(by_field))
    offset = 0
    for fieldname in sorted(by_field):  # field numbers in the writer's order
        fieldmap[fieldname] = len(fieldmap)
        terms = sorted(by_field[fieldname])
        infos = np.zeros(len(terms), dtype=TERM_INFO)
        infos["weight"] = rng.random(len(terms)) * 9
        infos["df"] = rng.integers(1, 1000, len(terms))
        infos["minlen"], infos["maxlen"] = rng.integers(0, 256, (2, len(terms)))
        infos["maxweight"] = rng.random(len(terms)) * 3
        infos["minid"], infos["maxid"] = rng.integers(0, 2**32, (2, len(terms)))
        infos["length"] = rng.integers(1, 5000, len(terms))
        # records one after another (as the field writer writes them), or with gaps
        room = infos["length"] + (rng.integers(0, 9, len(terms)) if calls % 2 else 0)
        infos["offset"] = offset + np.cumsum(room) - room
        offset += int(room.sum())
        # a field's terms in several calls, as a merge writes them
        cuts = np.linspace(0, len(terms), calls + 1).astype(int)
        for a, b in zip(cuts[:-1], cuts[1:]):
            old.add_field(fieldmap[fieldname], terms[a:b], infos[a:b])
            new.add_field(fieldmap[fieldname], terms[a:b], infos[a:b])
    old.close()
    new.close()
    codec = W3Codec()
    dbfile = storage.open_file("old")
    w3 = W3TermsReader(codec, dbfile, storage.file_length("old"), _NoPosts())
    compact = CompactTermsReader(codec, os.path.join(folder, "new"), _NoPosts(),
                                 lean=block is not None, block=block or 1)
    try:
        assert list(compact.terms()) == list(w3.terms())
        assert [(k, _info_tuple(i)) for k, i in compact.items()] == \
            [(k, _info_tuple(i)) for k, i in w3.items()]
        assert sorted(compact.indexed_field_names()) == sorted(w3.indexed_field_names())
        for fieldname in FIELDS + ("absent",):
            known = sorted(by_field.get(fieldname, ()))
            for text in known + probes:
                assert ((fieldname, text) in compact) == ((fieldname, text) in w3)
                assert list(compact.terms_from(fieldname, text)) == \
                    list(w3.terms_from(fieldname, text))
                assert [k for k, _ in compact.items_from(fieldname, text)] == \
                    [k for k, _ in w3.items_from(fieldname, text)]
                if (fieldname, text) in w3:
                    assert _info_tuple(compact.term_info(fieldname, text)) == \
                        _info_tuple(w3.term_info(fieldname, text))
                    assert compact.frequency(fieldname, text) == w3.frequency(fieldname, text)
                    assert compact.doc_frequency(fieldname, text) == \
                        w3.doc_frequency(fieldname, text)
                else:
                    with pytest.raises(TermNotFound):
                        compact.term_info(fieldname, text)
            if fieldname in fieldmap:
                _same_cursor_walk(compact, w3, fieldname, probes)
    finally:
        compact.close()
        w3.close()  # closes dbfile


def _same_cursor_walk(compact, w3, fieldname, probes):
    field = _BytesField()
    ours, theirs = compact.cursor(fieldname, field), w3.cursor(fieldname, field)
    for step in [("first",)] + [("find", p) for p in probes]:
        a = getattr(ours, step[0])(*step[1:])
        b = getattr(theirs, step[0])(*step[1:])
        while True:
            assert a == b and ours.is_valid() == theirs.is_valid()
            if not theirs.is_valid():
                break
            assert _info_tuple(ours.term_info()) == _info_tuple(theirs.term_info())
            a, b = ours.next(), theirs.next()


@pytest.mark.parametrize("block", [1, 3, 128])
def test_the_lean_reader_finds_every_term_of_a_table_read_in_chunks(tmp_path, monkeypatch, block):
    """Thousands of terms, the lean reader's opening reading them a chunk at a time (the
    chunk not a multiple of the block): every term found with its numbers, every absent
    one not, as the mapped reader answers."""
    monkeypatch.setattr(termfile, "_CHUNK", 100)
    rng = np.random.default_rng(block)
    terms = sorted({rng.bytes(int(n)) for n in rng.integers(0, 6, 3000)})
    infos = np.zeros(len(terms), dtype=TERM_INFO)
    infos["df"] = rng.integers(1, 1000, len(terms))
    infos["weight"] = rng.random(len(terms)) * 9
    infos["length"] = rng.integers(1, 5000, len(terms))
    infos["offset"] = np.cumsum(infos["length"]) - infos["length"]
    table = CompactTermTable(FileStorage(str(tmp_path)).create_file("t"))
    table.extras["fieldmap"] = {"body": 0}
    table.add_field(0, terms, infos)
    table.close()
    path = str(tmp_path / "t")
    codec = W3Codec()
    lean = CompactTermsReader(codec, path, _NoPosts(), lean=True, block=block)
    plain = CompactTermsReader(codec, path, _NoPosts(), lean=False)
    try:
        for text in terms + [rng.bytes(3) for _ in range(300)]:
            assert (("body", text) in lean) == (("body", text) in plain) == (text in terms)
            if text in terms:
                assert _info_tuple(lean.term_info("body", text)) == \
                    _info_tuple(plain.term_info("body", text))
        for text in terms[::97] + [b"", b"\xff" * 6]:
            assert list(lean.terms_from("body", text)) == list(plain.terms_from("body", text))
    finally:
        lean.close()
        plain.close()


def test_a_term_read_after_its_table_is_closed_fails_and_is_never_misread(tmp_path):
    """A term's numbers asked after the lean reader is closed: its file's descriptor number
    may belong to another file by then, so reading fails instead."""
    table = CompactTermTable(FileStorage(str(tmp_path)).create_file("t"))
    table.extras["fieldmap"] = {"body": 0}
    infos = np.zeros(2, dtype=TERM_INFO)
    infos["length"], infos["offset"] = 5, [0, 5]
    table.add_field(0, [b"alpha", b"beta"], infos)
    table.close()
    reader = CompactTermsReader(W3Codec(), str(tmp_path / "t"), _NoPosts(), lean=True)
    info = reader.term_info("body", b"beta")
    reader.close()
    other = os.open(str(tmp_path / "t"), os.O_RDONLY)  # may take the closed descriptor's number
    try:
        with pytest.raises(OSError):
            info.extent()
        with pytest.raises(OSError):
            info.doc_frequency()
    finally:
        os.close(other)
