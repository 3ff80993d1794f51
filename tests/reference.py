"""The slow, obvious search the engine is checked against (tests/test_reference.py).

It reads the records themselves, not the index: each record's index document
(schema.measure_document) is analysed with the schema's own analysers, and a Whoosh query
tree is evaluated one document at a time over those tokens: a term matches where it
occurs, a phrase where its words' positions chain, and BM25F is Robertson and Zaragoza's
formula with plain Python floats (one term's weighted frequencies over its fields, saturated
once, one idf over the records holding it in any of them). Nothing here is shared with
indexer/engine/evaluation.py, postings.py or collect.py; the constants are scoring.py's.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from whoosh import query as Q

from indexer.engine import scoring
from indexer.errors import Report
from indexer.records.catalog import record_paths
from indexer.records.taxonomy import load_taxonomy
from indexer.records.validation import load_measure, source_text_cache
from indexer.records.lexicon import load_lexicon
from indexer.engine.schema import build_schema, measure_document


@dataclass
class Doc:
    id: str
    date: str
    # field -> term -> positions (text fields) or [] (other fields)
    terms: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    lengths: dict[str, int] = field(default_factory=dict)  # words of each text field


class Reference:
    def __init__(self, measures_dir):
        report = Report(measures_dir)
        taxonomy = load_taxonomy(measures_dir, report)
        squashed = source_text_cache(taxonomy)
        self.schema = schema = build_schema(load_lexicon(measures_dir, report).dictionary)
        self.docs: list[Doc] = []
        for path in record_paths(measures_dir):
            measure = load_measure(path, taxonomy, report, squashed)
            assert measure is not None, report.problems
            values = measure_document(measure, taxonomy)
            doc = Doc(measure.id, measure.date)
            for name, value in values.items():
                fieldobj = schema[name]
                if not fieldobj.indexed or not value:
                    continue
                terms: dict[str, list[int]] = {}
                if name in scoring.TEXT_FIELDS:
                    words = 0
                    for t in fieldobj.analyzer(value, positions=True, mode="index"):
                        terms.setdefault(t.text, []).append(t.pos)
                        words += bool(t.whole)
                    doc.lengths[name] = words
                else:
                    for btext, _freq, _weight, _v in fieldobj.index(value):
                        terms[btext.decode("utf-8")] = []
                doc.terms[name] = terms
            self.docs.append(doc)
        self.by_id = {d.id: d for d in self.docs}
        n = len(self.docs)
        self.average = {f: max(sum(d.lengths.get(f, 0) for d in self.docs) / max(n, 1), 1.0)
                        for f in scoring.TEXT_FIELDS}
        self.vocabulary = {}
        for d in self.docs:
            for name, terms in d.terms.items():
                self.vocabulary.setdefault(name, set()).update(terms)

    # -- matching ----------------------------------------------------------------------
    def matches(self, q, doc: Doc) -> bool:
        if q is Q.NullQuery or isinstance(q, type(Q.NullQuery)):
            return False
        if isinstance(q, Q.Term):
            return self._text(q) in doc.terms.get(q.fieldname, {})
        if isinstance(q, Q.Every):
            return True
        if isinstance(q, Q.Phrase):
            return self._phrase(q, doc)
        if isinstance(q, Q.AndMaybe):
            return self.matches(q.a, doc)
        if isinstance(q, Q.AndNot):
            return self.matches(q.a, doc) and not self.matches(q.b, doc)
        if isinstance(q, Q.Not):
            return not self.matches(q.query, doc)
        if isinstance(q, Q.And):
            return bool(q.subqueries) and all(self.matches(s, doc) for s in q.subqueries)
        if isinstance(q, Q.Or):
            return any(self.matches(s, doc) for s in q.subqueries)
        if isinstance(q, (Q.Prefix, Q.Wildcard)):
            return any(self.matches(t, doc) for t in self._expand(q))
        raise AssertionError(f"the reference does not know {q!r}")

    def _text(self, q) -> str:
        text = q.text
        return text.decode("utf-8") if isinstance(text, bytes) else text

    def _expand(self, q) -> list[Q.Term]:
        import fnmatch

        pattern = q.text.lower()  # terms are lowercase, whatever the case typed

        def matching(vocabulary) -> list[str]:
            if isinstance(q, Q.Prefix):
                return [t for t in sorted(vocabulary) if t.startswith(pattern)]
            return [t for t in sorted(vocabulary) if fnmatch.fnmatchcase(t, pattern)]

        found = matching(self.vocabulary.get(q.fieldname, ()))
        field = self.schema[q.fieldname]
        if q.fieldname != "spell" and getattr(field.analyzer, "stemming", False):
            # and the words as written (the spelling field), analysed as the field does
            for word in matching(self.vocabulary.get("spell", ())):
                found += [t.text for t in field.analyzer(word, mode="query")]
        return [Q.Term(q.fieldname, t, boost=q.boost) for t in dict.fromkeys(found)]

    def _phrase(self, q: Q.Phrase, doc: Doc) -> bool:
        terms = doc.terms.get(q.fieldname, {})
        positions = [set(terms.get(w, ())) for w in q.words]
        if not all(positions):
            return False
        current = positions[0]
        for following in positions[1:]:
            current = {p + step for p in current for step in range(1, q.slop + 1)} & following
            if not current:
                return False
        return True

    # -- scoring -----------------------------------------------------------------------
    def score(self, q, doc: Doc) -> float:
        """BM25F of a matching document; 0 for a part that does not match."""
        if not self.matches(q, doc):
            return 0.0
        if isinstance(q, (Q.Term, Q.Phrase, Q.Prefix, Q.Wildcard)):
            return self._alternatives([q], doc)
        if isinstance(q, Q.AndMaybe):
            return self.score(q.a, doc) + self.score(q.b, doc)
        if isinstance(q, Q.AndNot):
            return self.score(q.a, doc)
        if isinstance(q, Q.Or):
            return q.boost * self._alternatives(q.subqueries, doc)
        if isinstance(q, Q.And):
            return q.boost * sum(self.score(s, doc) for s in q.subqueries)
        return 0.0

    def _alternatives(self, subqueries, doc: Doc) -> float:
        """The alternatives of an Or: one term (or phrase) in several fields of a family, with
        one boost, is one BM25F term; so is each term a prefix stands for."""
        groups: dict[tuple, list[str]] = {}
        total = 0.0
        for s in subqueries:
            if isinstance(s, (Q.Prefix, Q.Wildcard)):
                leaves = self._expand(s)
            elif isinstance(s, Q.Phrase) and len(s.words) == 1:
                leaves = [Q.Term(s.fieldname, s.words[0], boost=s.boost)]
            else:
                leaves = [s]
            for leaf in leaves:
                if isinstance(leaf, Q.Term):
                    key = ("term", self._family(leaf.fieldname), (self._text(leaf),), 0, leaf.boost)
                elif isinstance(leaf, Q.Phrase):
                    key = ("phrase", self._family(leaf.fieldname), tuple(leaf.words), leaf.slop,
                           leaf.boost)
                elif (isinstance(leaf, Q.And) and len(leaf.subqueries) > 1
                      and all(isinstance(t, Q.Term) for t in leaf.subqueries)
                      and len({t.fieldname for t in leaf.subqueries}) == 1):
                    # a word cut into several terms: all of them in one field
                    words = tuple(self._text(t) for t in leaf.subqueries)
                    leaf = Q.Term(leaf.subqueries[0].fieldname, "", boost=leaf.boost)
                    key = ("all", self._family(leaf.fieldname), words, 0, leaf.boost)
                else:
                    total += self.score(leaf, doc) if self.matches(leaf, doc) else 0.0
                    continue
                fields = groups.setdefault(key, [])
                if leaf.fieldname not in fields:
                    fields.append(leaf.fieldname)
        where = {}
        for key, fields in groups.items():
            kind, _family, words, slop, _boost = key
            if kind == "term":
                where[key] = [f for f in fields if words[0] in doc.terms.get(f, {})]
            elif kind == "all":  # the fields holding every one of the words
                where[key] = [f for f in fields if all(w in doc.terms.get(f, {}) for w in words)]
            else:  # the fields where the phrase stands in this document
                where[key] = [f for f in fields
                              if self._phrase(Q.Phrase(f, list(words), slop=slop), doc)]
        # the Chinese bigrams of a word searched as a whole word too count only where the
        # whole word is not found
        found_whole = {(self._written(k), k[4]) for k in groups if k[1] == "words" and where[k]}
        for key, fields in groups.items():
            if key[1] in scoring.FALLBACK_WEIGHTS and (self._written(key), key[4]) in found_whole:
                continue
            total += sum(self._bm25f(fields, where[key], w, key[4], doc) for w in key[2])
        return total

    @staticmethod
    def _written(key) -> str:
        words = key[2]
        if key[1] in scoring.FALLBACK_WEIGHTS:  # bigrams: 外商 商投 投资 -> 外商投资
            return words[0] + "".join(w[1:] for w in words[1:])
        return "".join(words)

    @staticmethod
    def _family(fieldname: str) -> str:
        return "words" if fieldname in scoring.FIELD_WEIGHTS else fieldname

    def _bm25f(self, fields: list[str], where: list[str], text: str, boost: float,
               doc: Doc) -> float:
        """Robertson and Zaragoza's BM25F of one term: its frequencies in the fields `where`,
        each weighted and normalised by the field's length, summed and saturated once; its idf
        over the records holding it in any of `fields`."""
        fields = [f for f in fields if f in scoring.TEXT_FIELDS]
        if not fields:
            return 0.0
        tf = 0.0
        for f in where:
            if f not in fields:
                continue
            count = len(doc.terms.get(f, {}).get(text, ()))
            norm = 1 - scoring.B + scoring.B * doc.lengths.get(f, 0) / self.average[f]
            tf += scoring.FIELD_WEIGHTS.get(f, 1.0) * count / norm
        if not tf:
            return 0.0
        df = sum(1 for d in self.docs if any(text in d.terms.get(f, {}) for f in fields))
        n = len(self.docs)
        idf = math.log(1.0 + (n - df + 0.5) / (df + 0.5))
        outer = boost * idf * scoring.FALLBACK_WEIGHTS.get(fields[0], 1.0)
        return outer * tf * (scoring.K1 + 1) / (tf + scoring.K1)

    def ranking(self, q, allowed_ids: set[str] | None = None) -> list[tuple[str, float]]:
        """Every matching record (within `allowed_ids`), best first: score rounded as the
        engine rounds it, then newest first, then by id."""
        found = []
        for doc in self.docs:
            if allowed_ids is not None and doc.id not in allowed_ids:
                continue
            if self.matches(q, doc):
                found.append((doc, float(scoring.rounded(self.score(q, doc)))))
        found.sort(key=lambda ds: (-ds[1], -int(ds[0].date.replace("-", "")), ds[0].id))
        return [(d.id, s) for d, s in found]
