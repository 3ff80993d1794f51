"""Which pillar each part of a source's own structure is about, from its opener and its text.

A part is matched to a pillar by three likenesses, all learned (pillar_model.py), none from a
keyword list: the opener's words ("In terms of industrial development", "A third focus has
been the relationship between officials and firms", a reporter's question) against the
pillars' names and statements, and against what the records under each pillar say; and the
part's whole text against the records, measured against the whole source's likeness to them
(every part of a briefing on logistics-heavy zones looks like logistics; what sets a part apart
is how much more it does than the rest of the source).

The parts of one enumeration are about different areas: they take different pillars, the
assignment with the highest total. A part whose pillar is not clearly better than its next
choice (the assignment loses less than MARGIN by giving it another pillar or none) is left
without one, and its measures take the pillar of their own wording: structure is evidence only
where it is unambiguous.
"""

from __future__ import annotations

from dataclasses import dataclass

from indexer.drafting.pillar_model import Guess, PillarModel

# a part left without a pillar scores this: a part leaning to no pillar more than the source
# as a whole does (a title line, "Let me add one remark about evaluation") is left without one
FLOOR = -0.02
# how much better a part's pillar must be than its next choice for the structure to decide
MARGIN = 0.02
LABEL_WEIGHT = 1.0


@dataclass(frozen=True)
class Evidence:
    total: float
    label: float  # the opener against the pillar's name and statement
    opener: float  # the opener against the pillar's records, above its mean over pillars
    text: float  # the part against the pillar's records, above the whole source's likeness


def evidence(model: PillarModel, topic: str, text: str, baseline: dict[str, float]) -> dict[str, Evidence]:
    label = model.heading_scores(topic)
    opener = model.scores(topic)
    mean = sum(opener.values()) / len(opener)
    wording = model.scores(text)
    # the part's lean towards a pillar (its likeness above its own mean, which a longer text
    # raises for every pillar alike) less the whole source's lean
    lean = sum(wording.values()) / len(wording) - sum(baseline.values()) / len(baseline)
    out = {}
    for pid in model.pillars:
        o = opener[pid] - mean
        # a part whose words no record shares leans nowhere (not against the source's lean)
        t = wording[pid] - baseline[pid] - lean if any(wording.values()) else 0.0
        out[pid] = Evidence(LABEL_WEIGHT * label[pid] + o + t, label[pid], o, t)
    return out


def assign(model: PillarModel, parts: list[tuple[str, str]], document: str) -> list[Guess]:
    """Pillars for the parts of one enumeration, given each part's (opener's words, text)."""
    baseline = model.scores(document)
    table = [evidence(model, topic, text, baseline) for topic, text in parts]
    scores = [{pid: e.total for pid, e in row.items()} for row in table]
    best, total = best_assignment(scores, model.pillars, FLOOR)
    out = []
    for i, pid in enumerate(best):
        if pid is None:
            out.append(Guess(None, 0.0, "part fits no pillar"))
            continue
        # the best the enumeration can do when this part takes another pillar or none
        rival, _ = best_assignment(scores, model.pillars, FLOOR, forbid=(i, pid))
        margin = total - _total(scores, rival, FLOOR)
        e = table[i][pid]
        why = (f"part {i + 1} of {len(parts)} of the source's own structure (name {e.label:.2f}, "
               f"opener {e.opener:+.2f}, text {e.text:+.2f}, margin {margin:.2f})")
        if margin < MARGIN:
            out.append(Guess(None, 0.0, f"ambiguous: {why}"))
        else:
            out.append(Guess(pid, e.total, why))
    return out


def _total(scores: list[dict[str, float]], chosen: list[str | None], floor: float) -> float:
    return sum(floor if pid is None else row[pid] for row, pid in zip(scores, chosen))


def best_assignment(scores: list[dict[str, float]], pillars: list[str], floor: float,
                    forbid: tuple[int, str] | None = None) -> tuple[list[str | None], float]:
    """Each part a different pillar or none, the highest total; leaving a part without a
    pillar scores `floor`; `forbid` (part, pillar) keeps that part from that pillar.
    Exhaustive: an enumeration has a handful of parts."""
    if len(scores) > 8:  # beyond a briefing's enumeration: each part its best pillar
        chosen = [max(row, key=row.get) for row in scores]
        if forbid:
            row = scores[forbid[0]]
            chosen[forbid[0]] = max((p for p in row if p != forbid[1]), key=row.get)
        return chosen, _total(scores, chosen, floor)
    best: tuple[float, list] = (float("-inf"), [])

    def walk(i: int, used: frozenset, total: float, chosen: list) -> None:
        nonlocal best
        if i == len(scores):
            if total > best[0]:
                best = (total, list(chosen))
            return
        for pid in pillars:
            if pid not in used and (i, pid) != forbid:
                walk(i + 1, used | {pid}, total + scores[i][pid], chosen + [pid])
        walk(i + 1, used, total + floor, chosen + [None])

    walk(0, frozenset(), 0.0, [])
    return best[1], best[0]
