"""An update deletes a changed or removed record's old document by the reader's postings of
its id (build._delete), as Whoosh's delete_by_term (the reference) deletes: the same live
documents of every segment, none of those already deleted, nothing for an unknown id."""

from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st
from whoosh import index as whoosh_index
from whoosh.query import Term

from indexer.engine import store
from indexer.engine.build import _delete, build_index, codec
from tests.conftest import fixture_corpus
from tests.helpers import edit, examples, record, write


@pytest.fixture(scope="module")
def updated(tmp_path_factory):
    """An index of several segments, some documents deleted by updates, and its ids."""
    measures = fixture_corpus(tmp_path_factory.mktemp("m") / "measures")
    index = tmp_path_factory.mktemp("index")
    build_index(measures, index, merge_policy=None)
    write(measures / "added-tank-measure.md", record(title="Unicorn tank pilot"))
    build_index(measures, index, merge_policy=None)
    for old, new in (("Unicorn", "Pegasus"), ("Pegasus", "Griffin")):
        edit(measures / "added-tank-measure.md", old, new)
        build_index(measures, index, merge_policy=None)
    first = sorted(measures.glob("*.md"))[0]
    edit(first, "\n---\n", "\n---\nAn edit.\n")
    build_index(measures, index, merge_policy=None)
    ids = [p.stem for p in measures.glob("*.md")]
    return store.current_generation(index), ids


class _Recorder:
    def __init__(self, writer):
        self.reader, self.deleted = writer.reader, []

    def delete_document(self, docnum):
        self.deleted.append(docnum)


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data())
def test_the_postings_delete_what_delete_by_term_deletes(updated, data):
    generation, ids = updated
    wanted = data.draw(st.lists(st.sampled_from([*ids, "no-such-record"]), max_size=6,
                                unique=True))
    ix = whoosh_index.open_dir(str(generation))
    writer = ix.writer(codec=codec())
    try:
        with writer.reader() as reader:
            assert reader.doc_count_all() > reader.doc_count()  # some documents deleted
        recorder = _Recorder(writer)
        _delete(recorder, wanted)
        with writer.searcher() as searcher:
            reference = [d for id_ in wanted
                         for d in searcher.docs_for_query(Term("id", id_), for_deletion=True)]
        assert sorted(recorder.deleted) == sorted(reference)
        assert len(reference) == len(set(wanted) - {"no-such-record"})
    finally:
        writer.cancel()
