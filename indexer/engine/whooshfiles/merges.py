"""A run of segments merged into one by copying their posting arrays (files.merge_into).

Whoosh's merge (SegmentWriter.add_reader, kept as the reference: files.merge_into with
`reference=True`) sends every posting of every term through Python and its sorting pool:
463 s for a merge of 12 segments at 30,000 records (issue 21). Here the merged segment's
per-document data (stored fields, exact lengths, columns) is copied: the stored fields'
compressed bytes as they are, the lengths as arrays (Whoosh's write_per_doc unpickles and
compresses each document's again: a third of a merge's time at 30,000 records). Its
postings are written a field at a time, a run of terms at a time: the union of the segments' terms in the field
writer's order, each term's postings those of the segments one after another (a later
segment's documents follow an earlier one's), documents renumbered and deleted ones
dropped, decoded and written with array operations (segmentarrays.py, the field writer's
write_sorted) that compute each record's block statistics anew for the new numbers.
A term no live document holds any more goes, as in Whoosh's merge.
"""

from __future__ import annotations

import os

import numpy as np
import whoosh
from whoosh.codec.whoosh3 import STORED_COLUMN, W3Codec
from whoosh.columns import TranslatingColumnReader, VarBytesColumn

from indexer.engine.whooshfiles import check_version
from indexer.engine.whooshfiles.lengths import read_lengths
from indexer.engine.whooshfiles.segmentarrays import read_postings, read_terms

check_version(whoosh.__version__)

# bytes of posting records read and decoded at a time: at 30,000 records, a merge took
# 12.3 s and 1.0 GB with 16 MB, 10.9 s and 0.87 GB with 4 MB, 11.3 s and 0.83 GB with 1 MB
CHUNK = 1 << 22


def copy_run(writer, storage, segments: list, readers: list) -> None:
    """Fill `writer` (a SegmentWriter with the project's codec, nothing added yet) with the
    live documents of `segments` (of `storage`, read by `readers`), in order. The postings
    are written when the writer commits (its segment flush, replaced here)."""
    schema = writer.schema
    vectors = any(schema[name].vector for name in schema.names())
    docmaps = []
    for segment, reader in zip(segments, readers):
        base = writer.docnum
        docmaps.append(_docmap(segment, base))
        if vectors:  # term vectors (this project's schema has none): Whoosh's copy
            fieldnames = set(schema.names()) | {name for name in reader.indexed_field_names()
                                                if name in schema}
            writer.write_per_doc(fieldnames, reader)
        else:
            live = np.flatnonzero(docmaps[-1] >= 0)
            _copy_documents(writer.perdocwriter, storage, segment, reader, live, schema)
            writer.docnum += len(live)
    writer._added = True  # what add_reader sets
    sources = [(storage, segment, docmap) for segment, docmap in zip(segments, docmaps)]

    def flush():  # SegmentWriter._flush_segment's steps, the pool's postings replaced
        writer.perdocwriter.close()
        write_postings(writer.fieldwriter, schema, sources)
        writer.fieldwriter.close()

    writer._flush_segment = flush


def _copy_documents(perdocwriter, storage, segment, reader, live: np.ndarray, schema) -> None:
    """The per-document data of a segment's `live` documents, copied (what write_per_doc
    writes, without unpickling and compressing each document's stored fields again)."""
    stored_column = reader._perdoc._cached_reader("_stored", STORED_COLUMN)
    numbers = live.tolist()
    if stored_column is None:
        stored = [b""] * len(numbers)
    else:
        raw, get = stored_column._child, VarBytesColumn.Reader.__getitem__
        stored = [get(raw, d) for d in numbers]
    exact = read_lengths(storage, segment)
    lengths = {}
    for name in schema.names():
        if schema[name].scorable:
            column = exact.get(name)
            # a segment's lengths file holds every document's (lengths.py pads it)
            lengths[name] = np.zeros(len(live), dtype=np.uint32) if column is None else \
                column[live]
    columns = {}
    for name in schema.names():
        kind = schema[name].column_type
        if kind and reader.has_column(name):
            column = reader.column_reader(name, kind)
            if isinstance(column, TranslatingColumnReader):
                column = column.raw_column()
            columns[name] = (kind, [column[d] for d in numbers])
    perdocwriter.add_copied(stored, lengths, columns)


def _docmap(segment, base: int) -> np.ndarray:
    """Each document's number in the merged segment (live ones numbered from `base`, in
    order, as write_per_doc numbers them), -1 for a deleted one."""
    live = np.ones(segment.doc_count_all(), dtype=bool)
    deleted = list(segment.deleted_docs())
    if deleted:
        live[deleted] = False
    out = np.full(len(live), -1, dtype=np.int64)
    out[live] = base + np.arange(int(live.sum()))
    return out


def write_postings(fieldwriter, schema, sources: list) -> None:
    """Every field's postings of the (storage, segment, docmap) sources, merged, through
    `fieldwriter` (the project's FieldWriter), fields in name order as Whoosh's pool gives
    them (a field no live document has a term in is left out, as there)."""
    opened = []
    try:
        for storage, segment, docmap in sources:
            path = os.path.join(storage.folder, segment.make_filename(W3Codec.POSTS_EXT))
            terms = read_terms(storage, segment)
            opened.append((terms, os.open(path, os.O_RDONLY), docmap))
        names = sorted({name for terms, _, _ in opened for name in terms if name in schema})
        for fieldname in names:
            parts = [(terms[fieldname], fd, docmap)
                     for terms, fd, docmap in opened if fieldname in terms]
            _merge_field(fieldwriter, fieldname, schema[fieldname], parts)
    finally:
        for _, fd, _ in opened:
            os.close(fd)


def _order(text: bytes) -> str:
    return text.decode("utf-8", "surrogateescape")  # the field writer sorts terms so


def _merge_field(fieldwriter, fieldname: str, fieldobj, parts: list) -> None:
    """One field's postings from each part (its FieldTerms, posting file's descriptor and
    document map), merged term by term, written a run of terms at a time."""
    union = sorted(set().union(*(terms.texts for terms, _, _ in parts)))
    try:  # valid UTF-8 sorts as its characters do; a term with an escaped byte may not
        b"".join(union).decode("utf-8")
    except UnicodeDecodeError:
        union.sort(key=_order)
    place = {text: i for i, text in enumerate(union)}
    # each part's terms' places in the union (ascending: both in the writer's order)
    maps = [np.fromiter(map(place.__getitem__, terms.texts), dtype=np.int64,
                        count=len(terms.texts)) for terms, _, _ in parts]
    del place
    size = np.zeros(len(union), dtype=np.int64)
    for (terms, _, _), where in zip(parts, maps):
        size[where] += terms.lengths
    ends = np.cumsum(size)
    cuts = np.unique(np.searchsorted(ends, np.arange(CHUNK, int(ends[-1]) + 1, CHUNK),
                                     side="right"))
    bounds = [0, *(int(c) for c in cuts if 0 < c < len(union)), len(union)]
    started = False
    for first, last in zip(bounds[:-1], bounds[1:]):
        run = _merged_run(parts, maps, first, last)
        if run is None:
            continue
        if not started:
            fieldwriter.start_field(fieldname, fieldobj)
            started = True
        terms, ids, weights, counts, values, term_first = run
        fieldwriter.write_sorted([union[t] for t in terms.tolist()], ids, weights,
                                 np.cumsum(counts), values, term_first)
    if started:
        fieldwriter.finish_field()


def _merged_run(parts: list, maps: list, first: int, last: int):
    """The merged postings of the union's terms [first, last): (term numbers in the union,
    ids, weights, counts, values, where each term's postings start), or None if no live
    document holds any of them."""
    pieces = []
    for number, ((terms, fd, docmap), where) in enumerate(zip(parts, maps)):
        a, b = np.searchsorted(where, [first, last])
        if a == b:
            continue
        got = read_postings(fd, terms.offsets[a:b], terms.lengths[a:b])
        ids = docmap[got.ids]
        keep = ids >= 0
        live = np.bincount(np.repeat(np.arange(b - a), got.df)[keep], minlength=b - a)
        counts = got.counts[keep]
        pieces.append((where[a:b], np.full(b - a, number), live, ids[keep].astype(np.uint32),
                       got.weights[keep], counts, got.values[np.repeat(keep, got.counts)]))
    if not pieces:
        return None
    term, part, df, ids, weights, counts, values = (np.concatenate(c) for c in zip(*pieces))
    if not len(ids):
        return None
    # each (term, part) pair's postings and values, in the order of the pairs by term and
    # then by part: a term's postings by document, a later part's after an earlier one's
    starts = np.cumsum(df) - df
    value_ends = np.cumsum(counts)
    value_starts = np.r_[0, value_ends][starts]
    pair_values = np.r_[0, value_ends][starts + df] - value_starts
    order = np.lexsort((part, term))
    ids, weights, counts = (a[_spans(starts[order], df[order])] for a in (ids, weights, counts))
    values = values[_spans(value_starts[order], pair_values[order])]
    term, df = term[order], df[order]
    held = df > 0
    term, df = term[held], df[held]
    new = np.r_[True, term[1:] != term[:-1]]
    return term[new], ids, weights, counts, values, (np.cumsum(df) - df)[new]


def _spans(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """The indexes of the spans [starts[i], starts[i] + lengths[i]), one after another."""
    ends = np.cumsum(lengths)
    return np.repeat(starts - (ends - lengths), lengths) + np.arange(int(ends[-1]) if len(ends)
                                                                      else 0)
