"""What the codec writes in Whoosh's own layouts reads back, through Whoosh's public reader
(ix.reader()), as what was written: the term table (OrderedHashWriter's format, W3's term
information: document frequency, weight, largest weight, first and last document, shortest
and longest length as Whoosh's length bytes), the stored fields and columns beside the
exact field lengths (the per-document writer takes over W3's), and the posting lists
through Whoosh's matcher interface. The expected values are computed from the documents
with Whoosh's public analyser, not from the codec."""

from __future__ import annotations

import random
from collections import defaultdict

import pytest
from whoosh import index as whoosh_index
from whoosh.analysis import SimpleAnalyzer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.util.numeric import byte_to_length, length_to_byte

from indexer.engine.entries import WordPositions
from indexer.engine.whooshfiles.codec import ProjectCodec

WORDS = [f"w{i}" for i in range(40)] + ["customs", "bonded", "zone", "trade"]
TAGS = ["port", "finance", "customs", "rail"]
DOCS = 300  # three blocks of 128 documents, and part of a fourth


def _text(boost: float = 1.0):
    field = TEXT(analyzer=SimpleAnalyzer(), field_boost=boost)
    field.format = WordPositions(field_boost=field.format.field_boost)
    return field


def _documents() -> list[dict]:
    rng = random.Random(20261206)
    docs = []
    for n in range(DOCS):
        size = 0 if n == 7 else 300 if n % 50 == 1 else rng.randint(1, 25)  # empty; long
        docs.append({
            "id": f"r{n:04}",
            "body": " ".join(rng.choice(WORDS) for _ in range(size)),
            "title": " ".join(rng.choice(WORDS[-8:]) for _ in range(rng.randint(1, 4))),
            "tags": ",".join(sorted(set(rng.sample(TAGS, rng.randint(1, 3))))),
            "note": {"n": n, "text": f"note {n}"},
        })
    return docs


def _length(value: int) -> int:
    """A length as W3's term information keeps it: one byte."""
    return byte_to_length(length_to_byte(value))


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    schema = Schema(id=ID(stored=True, unique=True, sortable=True), body=_text(),
                    title=_text(2.5), tags=KEYWORD(commas=True, scorable=False),
                    note=STORED())
    folder = tmp_path_factory.mktemp("readback")
    ix = whoosh_index.create_in(str(folder), schema)
    docs = _documents()
    writer = ix.writer(codec=ProjectCodec(), compound=False)
    for doc in docs:
        writer.add_document(**doc)
    writer.commit()
    reader = ix.reader()
    yield schema, docs, reader
    reader.close()


def _expected_postings(schema, docs) -> dict:
    """(field, term bytes) -> {docnum: (weight, positions or None)}, from the documents."""
    analyzer = SimpleAnalyzer()
    out: dict = defaultdict(dict)
    for docnum, doc in enumerate(docs):
        out[("id", doc["id"].encode())][docnum] = (1.0, None)
        for tag in doc["tags"].split(","):
            out[("tags", tag.encode())][docnum] = (1.0, None)
        for field in ("body", "title"):
            positions = defaultdict(list)
            for token in analyzer(doc[field], positions=True):
                positions[token.text].append(token.pos)
            boost = schema[field].format.field_boost
            for term, poses in positions.items():
                out[(field, term.encode())][docnum] = (len(poses) * boost, poses)
    return out


def _word_count(doc: dict, field: str) -> int:
    return len(list(SimpleAnalyzer()(doc[field])))


def test_the_term_table_reads_back_as_written(written):
    schema, docs, reader = written
    expected = _expected_postings(schema, docs)
    assert set(reader.all_terms()) == set(expected)
    for field in ("id", "body", "title", "tags"):  # in order, field by field
        assert list(reader.lexicon(field)) == sorted(t for f, t in expected if f == field)
    for (field, term), postings in expected.items():
        info = reader.term_info(field, term)
        weights = [w for w, _ in postings.values()]
        assert info.doc_frequency() == len(postings) == reader.doc_frequency(field, term)
        assert info.weight() == pytest.approx(sum(weights)) == reader.frequency(field, term)
        assert info.max_weight() == pytest.approx(max(weights))
        assert (info.min_id(), info.max_id()) == (min(postings), max(postings))
        if schema[field].scorable:
            lengths = [_word_count(docs[d], field) for d in postings]
            assert (info.min_length(), info.max_length()) == \
                (_length(min(lengths)), _length(max(lengths))), (field, term)
        assert (field, term) in reader
    assert ("body", b"absent") not in reader


def test_the_posting_lists_read_back_through_whooshs_matchers(written):
    schema, docs, reader = written
    for (field, term), postings in _expected_postings(schema, docs).items():
        matcher = reader.postings(field, term)
        found = {}
        while matcher.is_active():
            positions = matcher.value_as("positions") if postings[matcher.id()][1] else None
            found[matcher.id()] = (matcher.weight(), positions)
            matcher.next()
        assert found == postings, (field, term)  # weights: counts times a boost, exact in float32


def test_stored_fields_columns_and_exact_lengths_read_back(written):
    schema, docs, reader = written
    assert reader.doc_count() == reader.doc_count_all() == DOCS
    ids = reader.column_reader("id")
    for docnum, doc in enumerate(docs):
        assert reader.stored_fields(docnum) == {"id": doc["id"], "note": doc["note"]}
        assert ids[docnum] == doc["id"]
        for field in ("body", "title"):
            # exact, where W3 keeps one byte per document (300 words read back as 300)
            assert reader.doc_field_length(docnum, field) == _word_count(doc, field)
    for field in ("body", "title"):
        counts = [_word_count(doc, field) for doc in docs]
        assert reader.field_length(field) == sum(counts)
        assert reader.max_field_length(field) == max(counts)
        assert reader.min_field_length(field) == min(counts) == (0 if field == "body" else 1)
    assert max(_word_count(doc, "body") for doc in docs) == 300
