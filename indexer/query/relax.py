"""No dead ends: when no record holds every word of a query, which records match and how.

The query's plain words become optional clauses under BM25 with a minimum that keeps the
informative ones (Lucene's and Elasticsearch's `minimum_should_match`, with Meilisearch's
`frequency` matching strategy deciding which words a record may go without):
  1. a word no record holds (within the filters and every explicit part of the query) is
     left out first, and the page says so ("no measure mentions 'zero tariff'");
  2. the other words are ordered by rarity (fewest records first: a rare word says most
     about what is sought) and the most frequent are left out one at a time until some
     record holds all the rest (`kept`): a common word is never kept while a rarer one is
     left out; between words as rare, the one whose records hold the most of the query's
     other words comes first; a word that only shapes the sentence (FUNCTION_WORDS:
     getting, another, into, if) comes after every other word, however rare in the records'
     formal text; a word the spelling correction put in comes after every word as typed; a
     zone's name (Hainan, 上海) comes before every other word, whatever its rarity: who names
     a zone asks for its records ("moving company money across the border in Hainan" keeps
     Hainan: the records shown hold it, or half the query's words);
  3. a record matches if it holds every kept word, or, of a query of four held words or
     more, at least half of them (Lucene's `minimum_should_match: 50%`; two at least, never
     more than the most any record holds, however many words are kept: asking for as many as
     the kept words lost "one bank account for yuan and dollars", whose four held words one
     record holds while the answer holds two; a shorter query asks for as many as any record
     holds): a paraphrase whose rarest word is
     incidental still finds the records that hold a good part of it, and BM25 ranks them; a
     record holding one word of several is no match unless that word is the kept one.
     (Asking for as many words as the best record holds, as this did before for every
     query, lost the answer whenever another record held one incidental word more: "opening
     a bank branch without waiting for the regulator's approval" missed the record on bank
     sub-branches set up without prior approval, which holds four of its six words while a
     record on free trade accounts holds five; tests/relevance_dev.yaml);
  4. every word stays in the query as an optional clause, so the matches are ranked by how
     much of the query they hold, each word weighed by its rarity (BM25);
  5. and that score is multiplied by the share of the query's held words the record holds
     (`coordination`: Lucene's classic coordination factor, matched clauses over clauses;
     the words that only shape a sentence are not counted): a record holding four of five
     words comes before one that reaches the minimum with a rare word the rest of the query
     does not bear out ("new futures contracts on exchanges in Zhengzhou and Dalian" shows the
     record naming both cities before the Shanghai futures record holding "contracts").
     Each held word counts one, not its idf: weighed by idf, a rare incidental word again
     decided (tests/relevance_dev.yaml's English MRR fell 0.958 -> 0.941).
A single Chinese character cut from a word (前海, cut into 前 and 海, is not a search for 海)
is never required on its own: it only ranks, and, where no record holds two of the words,
counts toward rule 3's minimum like a word (哪些城市有保税油: a record holding 保税 and 油 holds
two; 城市, kept as the rarest, is held with neither), never raising it above two; nor is a word that only shapes a question
(哪些, 可以, 如何, which, how, can: QUESTION_WORDS), which a record holds by chance: in
哪些自贸区可以做保税加油 the search is for 自贸区, 保税 and 加油. Explicit parts (quoted phrases, fields, NOT ...)
are always required, and a query with AND, OR or brackets is never relaxed: it is searched as
written (querying.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from whoosh import query as Q

from indexer.analysis.cjk import has_cjk
from indexer.engine.compiling import compile_query
from indexer.query.parsed import ParsedQuery, Unit
from indexer.query.querying import QueryBuilder

MINIMUM_SHARE = 0.5  # rule 3: the share of the held words a partial match holds
SHARE_FROM = 4  # rule 3: a query of fewer held words asks for as many as any record holds
MAX_UNITS = 24  # plain words weighed; a longer query keeps its later words as they are
# Words that make a question of a query and say nothing of what is sought: they rank, never
# required (a rare one would otherwise be kept first, as the rarest word held).
QUESTION_WORDS = frozenset(
    "哪些 哪个 哪里 哪儿 哪 什么 怎么 怎样 怎么样 如何 为什么 可以 能否 能不能 能 是否 有没有 有 吗 呢 做 办 "
    "which what where how why who can could does do did is are there any".split())
# English words that shape a sentence and say nothing of what is sought, beside the question
# words: pronouns, determiners, prepositions, conjunctions, auxiliaries and a few light verbs
# (get, make, come). The analyser's stop words (the, of, for ...) never reach the search;
# these do, and a paraphrase's incidental one ("getting removed from the blacklist", "set up
# a company in another province", "a refund if the goods ...") was rare enough in the
# records' formal text to be kept as its rarest word. They rank, never required.
FUNCTION_WORDS = QUESTION_WORDS | frozenset("""
    i me my we us our you your he him his she her they them their someone something anyone
    anything everyone everything whom whose whatever whichever these those each every either
    neither another other others some all both few many much more most such own no not nor
    only very too so than then here about above across after against along among amongst
    around before behind below beside besides between beyond during except inside into near
    off onto out outside over per since through throughout till toward towards under until
    upon via within without although because but however if once unless whether while when
    yet also just even still already ever never again be been being am was were has have
    had having doing done may might must shall should would cannot can't won't don't
    doesn't get gets getting got gotten make makes making made let lets come comes coming
    came go goes going went want wants wanted need needs needed""".split())


@dataclass
class Relaxation:
    kept: list[Unit]  # required: every explicit part and the rarest words held together
    optional: list[Unit] = field(default_factory=list)  # held, left out of the requirement
    missing: list[Unit] = field(default_factory=list)  # held by no record within the filters
    matching: np.ndarray | None = None  # the documents that match (rule 3), None: no limit
    minimum: int = 0  # rule 3's number of words
    asked: list[Unit] = field(default_factory=list)  # question words held by no record: set aside
    coordination: np.ndarray | None = None  # per document, the share of the words it holds (rule 5)

    @property
    def dropped(self) -> list[Unit]:
        """The words a record need not hold: the optional ones, the missing ones and the
        question words set aside (a note names them as left out, never as news)."""
        return self.optional + self.missing + self.asked


def relax(builder: QueryBuilder, parsed: ParsedQuery, ctx, allowed: np.ndarray | None,
          idf, typed: set[str] | None = None) -> Relaxation | None:
    """Which words of `parsed` (which found nothing among `allowed` documents) to require, to
    rank by and to report as held by no record; None when leaving words out cannot help (a
    structured query, or no plain word). With `typed` (the words as the user typed them, when
    `parsed` is a spelling correction), a corrected word is required only after every held
    word as typed: a guess never wins over a word the user wrote (Hainan yacht marina ->
    marine keeps Hainan)."""
    if parsed.structured or not parsed.units:
        return None
    base = (ctx.live if allowed is None else allowed & ctx.live).copy()
    weighed: list[tuple[int, np.ndarray]] = []  # (unit index, mask) of the plain words
    lone: list[int] = []  # single Chinese characters: never required on their own
    nodes = []  # held while the context lives: it caches masks by node identity
    masks: dict[int, np.ndarray] = {}
    common: set[int] = set()  # units of very common words only: they match nothing
    for i, unit in enumerate(parsed.units):
        q = builder.unit_query(unit)
        if q is Q.NullQuery or q is None:
            common.add(i)
            continue  # only common words: neither kept nor dropped
        nodes.append(compile_query(q, ctx.postings))
        mask = nodes[-1].match(ctx) & ctx.live
        masks[i] = mask
        if not unit.plain or len(weighed) >= MAX_UNITS:
            base &= mask
        elif _lone_character(unit.text) or unit.text.lower() in QUESTION_WORDS:
            lone.append(i)
        else:
            weighed.append((i, mask))
    if not weighed and not lone or not base.any():
        return None  # nothing to leave out, or the filters and explicit parts match nothing
    held = [(i, m) for i, m in weighed if (m & base).any()]
    missing = {i for i, _m in weighed if i not in {j for j, _ in held}}
    missing |= {i for i in lone if not (masks[i] & base).any()}
    asking = {i for i in missing if parsed.units[i].text.lower() in QUESTION_WORDS}
    missing -= asking  # a question word no record holds is no news: say nothing of it
    common |= asking
    lone = [i for i in lone if i not in asking]
    # as typed first, a zone's name first, then rarest first (records holding the word
    # anywhere: its weight in BM25); ties by order
    guessed = set() if typed is None else {i for i, u in enumerate(parsed.units)
                                           if u.text.lower() not in typed}
    # a zone's name as typed (Hainan, 上海): its records are what the user asked for
    named = {typed_name.lower() for _zone, typed_name in parsed.zones_named}
    # a word that only shapes the sentence after every other; between words as rare as each
    # other, the one whose records hold the most of the query's other words first: no rarity
    # tells them apart, the rest of the query does
    counts = sum((m & base).astype(np.int32) for _i, m in held) if held else None
    reach = {i: int(counts[m & base].max()) for i, m in held}
    held.sort(key=lambda im: (im[0] in guessed,
                              parsed.units[im[0]].text.lower() in FUNCTION_WORDS,
                              parsed.units[im[0]].text.lower() not in named,
                              -idf(int(np.count_nonzero(im[1]))), -reach[im[0]], im[0]))
    required: set[int] = set()
    together = base
    for i, mask in held:
        narrowed = together & mask
        if not narrowed.any():
            break
        required.add(i)
        together = narrowed
    if not required and not missing:
        return None
    optional = [i for i, _m in held if i not in required] + [i for i in lone if i not in missing]
    matching, minimum = together, len(required)
    # where no record holds two of the words, a single character a record holds counts
    # toward the minimum as a word does (保税油: 保税 and 油), though it is never required on
    # its own nor raises the minimum above two; where words meet, characters (加 of 加油, in
    # 增加 and 加工 alike) would only let in records holding one word and a common character
    chars = [masks[i] & base for i in lone if i not in missing
             and parsed.units[i].text.lower() not in QUESTION_WORDS]
    alone = held and int(counts.max()) < 2
    tally = counts + sum(m.astype(np.int32) for m in chars) if alone and chars else counts
    if len(held) > 1 or alone and chars:
        most = max(int(counts.max()), min(int(tally.max()), 2))  # characters: two at most
        if most > 1:  # one word of several is no partial match: the kept words decide
            if len(held) < SHARE_FROM:  # as many as any record holds, the kept ones at least
                minimum = max(2, len(required), most)
            else:  # half of them, however many words the kept ones are
                minimum = max(2, min(most, math.ceil(MINIMUM_SHARE * len(held))))
            matching = together | (tally >= minimum)
    return Relaxation(
        [u for i, u in enumerate(parsed.units)
         if i not in missing and i not in optional and i not in common],
        [parsed.units[i] for i in sorted(optional)],
        [parsed.units[i] for i in sorted(missing)], matching, minimum,
        [parsed.units[i] for i in sorted(asking)],
        coordination([m for i, m in held
                      if parsed.units[i].text.lower() not in FUNCTION_WORDS]))


def coordination(masks: list[np.ndarray]) -> np.ndarray | None:
    """Rule 5: per document, the share of the query's held words (the words that only shape
    a sentence left out) it holds, as Lucene's classic coordination factor counts the clauses
    a document matches; None for fewer than two words, which leave nothing to tell apart."""
    if len(masks) < 2:
        return None
    return sum(m.astype(np.float64) for m in masks) / len(masks)


def _lone_character(text: str) -> bool:
    return len(text) == 1 and has_cjk(text)
