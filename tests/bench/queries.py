"""The fixed benchmark query mix: 200 distinct searches of seven kinds, facets always on."""

from __future__ import annotations

import random

from .generate import PHRASES, PROFILES, ZH_WORDS

KINDS = ("word", "two-words", "phrase", "zone", "pillar", "chinese", "browse")


def query_mix(zones: list[str], pillars: list[str], total: int = 200,
              profile: str = "policy") -> list[dict]:
    """Distinct (query, filters) pairs: no two alike, so no cache can flatter the figures.
    The "other" profile's mix (never tuned on) draws from its own vocabulary's first 800
    words, common and rare alike, with three-word searches among the two-word ones."""
    rng = random.Random(7 if profile == "policy" else 4242)
    per_kind = total // len(KINDS)
    words = [w for w in PROFILES[profile]["words"] if "-" not in w][:800]
    longest = 2 if profile == "policy" else 3
    seen, mix = set(), []

    def add(kind, q="", zone=(), pillar=()):
        key = (q, tuple(zone), tuple(pillar))
        if key in seen:
            return False
        seen.add(key)
        mix.append({"kind": kind, "q": q, "zones": list(zone), "pillars": list(pillar)})
        return True

    makers = {
        "word": lambda: add("word", rng.choice(words)),
        "two-words": lambda: add("two-words", " ".join(rng.sample(words, rng.randint(2, longest)))),
        "phrase": lambda: add("phrase", f'"{rng.choice(PHRASES)}"' if rng.random() < 0.5 else
                              '"' + " ".join(rng.sample(words[:40], 2)) + '"'),
        "zone": lambda: add("zone", rng.choice(words), [rng.choice(zones)]),
        "pillar": lambda: add("pillar", rng.choice(words), (), [rng.choice(pillars)]),
        "chinese": lambda: add("chinese", rng.choice(ZH_WORDS) if rng.random() < 0.6 else
                               " ".join(rng.sample(ZH_WORDS, 2))),
        "browse": lambda: add("browse", "", rng.sample(zones, rng.randint(0, 2)),
                              rng.sample(pillars, rng.randint(0, 1))),
    }
    for kind in KINDS:
        made, tries = 0, 0
        while made < per_kind and tries < 10_000:
            made += bool(makers[kind]())
            tries += 1
    while len(mix) < total:  # round up with more single words
        makers["two-words"]()
    return mix
