"""When a query finds nothing, what is likeliest meant: the query with its misspellings
corrected (spelling.py), then, failing that, its words as optional clauses under a minimum
that keeps the rarest (relax.py), each step said in a note; a query that found something may
still be offered a "did you mean" that finds something too."""

from __future__ import annotations

from indexer.analysis.cjk import has_cjk
from indexer.engine.collect import intersect
from indexer.search.generation import Generation
from indexer.notes import Note
from indexer.query.parsed import ParsedQuery, Unit
from indexer.query.relax import relax
from indexer.search.hybrid import meaning_text
from indexer.search.matching import run, searched
from indexer.search.results import SearchResult


def resolve(gen: Generation, parsed: ParsedQuery, filters: dict, page: int, per_page: int,
            budget: float | None, snippets: bool = True, newest_first: bool = False,
            offer: bool = True, meaning: bool = True) -> SearchResult:
    """The results of a query, or, when it finds nothing, of what is likeliest meant: the
    query with its misspellings corrected, then (failing that) its words as optional
    clauses under a minimum that keeps the rarest (relax.py). With
    `offer`, a query that found something may still get a "did you mean" that finds
    something too. Every result says which of the query's words its records hold. With
    `meaning`, a relaxed plain English query is ranked by meaning too (hybrid.py)."""
    places = _places(parsed)
    result = run(gen, parsed, filters, page, per_page, budget, snippets, newest_first,
                 words=places)
    named = _zones_without_records(gen, parsed, filters)
    words = _plain_words(gen, parsed)
    if result.total or parsed.query is None:
        if offer and result.total:
            suggestion = gen.speller.suggest(parsed)
            if suggestion and run(gen, gen.builder.parse(suggestion), filters, 1, 1, budget,
                                  snippets=False).total:
                result.suggestion = suggestion
        result.zones_without_records = named
        _holding_all(result, words, places)
        return result
    result.unmatched_words = words
    suggestion = gen.speller.suggest(parsed)
    base = parsed
    if suggestion:
        fixed = gen.builder.parse(suggestion)
        fixed_places = _places(fixed)
        retry = run(gen, fixed, filters, page, per_page, budget, snippets, newest_first,
                    words=fixed_places)
        if retry.total:
            retry.notes = result.notes
            retry.suggestion, retry.corrected_from = suggestion, result.query
            retry.zones_without_records = named
            _holding_all(retry, _plain_words(gen, fixed), fixed_places)
            return retry
        base = fixed
    ctx = gen.context(budget)
    masks = [gen.any_of(kind, ids) for kind, ids in filters.items()]
    allowed = intersect(gen.live, *masks)
    typed = None if base is parsed else {u.text.lower() for u in parsed.units}
    relaxation = relax(gen.builder, base, ctx, allowed, gen.bm25.idf, typed)
    if relaxation is None:
        if base.structured:
            result.notes.append(Note("structured_none"))
        elif base.units and all(u.plain for u in base.units) and _plain_words(gen, base):
            # single characters cut from a word no record holds (渝新: 渝 and 新): the
            # word as typed is what no record mentions (of stop words alone, `the`, the
            # query's own note says there is nothing to search for)
            result.notes.insert(0, _unheld_note([_typed(base.units)], any(filters.values())))
        result.zones_without_records = named
        return result
    unheld = _unheld_note(_as_typed(base.units, relaxation.missing), any(filters.values()))
    if not any(u.plain for u in relaxation.kept):
        # every word is one no record holds (or a lone character): nothing to show, but
        # a Chinese word's held part is offered as an English word's spelling is
        if unheld:
            result.notes.insert(0, unheld)
        result.zones_without_records = named
        if base is not parsed:
            result.unmatched_words = _plain_words(gen, base)
        elif offer:
            result.suggestion = _chinese_suggestion(gen, base, relaxation.missing, filters,
                                                    budget)
        return result
    relaxed = gen.builder.ranked(base, [u for u in relaxation.kept if not u.plain],
                                 [u for u in base.units if u.plain
                                  and u not in relaxation.missing])
    relaxed.text = " ".join(u.text for u in relaxation.kept)
    sense = meaning_text(base) if meaning else None
    # the records joined by meaning are those of the search without its filters (hybrid.py):
    # a facet counts what its filter shows (none are joined for a query of no known word)
    unfiltered = relaxation
    if sense and any(filters.values()) and gen.meaning.query(sense) is not None:
        unfiltered = relax(gen.builder, base, ctx, gen.live, gen.bm25.idf, typed) or relaxation
    found = run(gen, relaxed, filters, page, per_page, budget, snippets, newest_first,
                words=[u for u in base.units if u.plain], within=relaxation.matching,
                coordination=relaxation.coordination, meaning=sense,
                joined_over=unfiltered.matching)
    found.notes = ([unheld] if unheld else []) + result.notes
    found.relaxed = {"query": relaxed.text, "kept": [u.text for u in relaxation.kept],
                     "dropped": [u.text for u in base.units if u in relaxation.dropped],
                     "ranking": [u.text for u in relaxation.optional],
                     "unheld": [u.text for u in relaxation.missing],
                     "minimum": relaxation.minimum}
    shown = set(found.matched_words)
    found.unmatched_words = [w for w in _plain_words(gen, base) if w not in shown]
    if base is not parsed:
        found.suggestion, found.corrected_from = suggestion, result.query
    found.zones_without_records = named
    return found

def _chinese_suggestion(gen: Generation, parsed: ParsedQuery, missing: list, filters: dict,
                        budget: float | None) -> str | None:
    """For Chinese words no record holds, the longest part of each (two characters or
    more) that some record holds: 零关税 -> 关税. None when no part finds anything."""
    text = parsed.text
    changed = False
    for unit in missing:
        word = unit.text
        if not has_cjk(word) or len(word) < 3 or unit.zone or unit.place:
            continue  # a zone's or a place's name is no misspelling (its zone has no record)
        best = None
        for size in range(len(word) - 1, 1, -1):
            found = [(run(gen, gen.builder.parse(word[i:i + size]), filters, 1, 1, budget,
                          snippets=False).total, -i, word[i:i + size])
                     for i in range(len(word) - size + 1) if has_cjk(word[i:i + size])]
            found = [f for f in found if f[0]]
            if found:
                best = max(found)[2]
                break
        if best:
            text, changed = text.replace(word, best, 1), True
    if not changed or not run(gen, gen.builder.parse(text), filters, 1, 1, budget,
                              snippets=False).total:
        return None
    return text

def _zones_without_records(gen: Generation, parsed: ParsedQuery, filters: dict) -> list[dict]:
    named = list(parsed.zones_named)
    named += [(z, gen.zones[z]["short"]) for z in filters["zone"]]
    out, seen = [], set()
    for zone_id, words in named:
        if zone_id in seen or zone_id not in gen.zones:
            continue
        seen.add(zone_id)
        if not gen.count_in(gen.zone_masks[zone_id]):
            zone = gen.zones[zone_id]
            out.append({"id": zone_id, "name": zone["name"], "name_zh": zone["name_zh"],
                        "short": zone["short"], "short_zh": zone["short_zh"],
                        "named_as": words})
    return out


def _places(parsed: ParsedQuery) -> list[Unit]:
    """The query's places inside a zone (Zhoushan, 洋山): a record of the zone is a match of
    the place, but holds it only where it names it (matching.run)."""
    return [u for u in parsed.units if u.place and u.named]


def _holding_all(result: SearchResult, words: list[str], places: list[Unit]) -> None:
    """A full match: each record shown holds every word (and some record found each), but a
    place only where it names it, as run found for the place units."""
    placed = {u.text for u in places}
    result.matched_words = [w for w in words if w not in placed or w in result.matched_words]
    for hit in result.hits:
        hit.matched_words = [w for w in words if w not in placed or w in hit.matched_words]


def _plain_words(gen: Generation, parsed: ParsedQuery) -> list[str]:
    """The query's plain words and terms as typed (units) that are searched (no stop word),
    none for a structured query: those a record found is said to hold, or none to hold."""
    return [u.text for u in parsed.units if u.plain and searched(gen, u) is not None]


def _as_typed(units: list, missing: list) -> list:
    """The missing units, a single Chinese character standing for the run of characters it
    was cut from (渝新, cut into 渝 and 新: no record mentions 渝新)."""
    out, i = [], 0
    while i < len(units):
        j = i
        while j < len(units) and len(units[j].text) == 1 and has_cjk(units[j].text):
            j += 1
        run = units[i:j] if j > i + 1 else units[i:i + 1]
        if any(u in missing for u in run):
            out.append(_typed(run) if len(run) > 1 else run[0])
        i += len(run)
    return out


def _typed(units: list) -> Unit:
    """Units as one, their texts joined as typed: Chinese ones without spaces."""
    text = ""
    for unit in units:
        joint = "" if has_cjk(unit.text) and has_cjk(text[-1:]) else " "
        text += (joint if text else "") + unit.text
    return Unit(text, text, True)


def _unheld_note(units: list, filtered: bool) -> Note | None:
    """Which words no record holds, said before anything else about a relaxed search."""
    if not units:
        return None
    words = tuple(u.text for u in units)  # quoted as each language quotes (indexer/notes.py)
    return Note("unheld_words_filtered" if filtered else "unheld_words", words=words)
