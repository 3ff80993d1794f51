"""Small helpers for tests: record files to write and edit, the `ftz` command line, the example counts."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ZHEJIANG_OIL = "zhejiang-bonded-non-bonded-oil-same-tank-storage"
SOURCE_ID = "mofcom-2023-05-11-press-conference"


# the command line, run as `ftz` is, in a process of its own
FTZ = [sys.executable, "-m", "webapp.cli"]


def ftz(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([*FTZ, *map(str, args)], capture_output=True, text=True, timeout=300, **kw)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    write(path, text.replace(old, new, 1))


def write(path: Path, text: str) -> None:
    """Write and push the modification time forward, so that a change is always seen."""
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10_000_000))


def record(title="A test measure", title_zh="测试举措", zones="[zhejiang]",
           pillar="logistics", date="2023-05-11", tags="[test-tag, 测试]",
           source=SOURCE_ID,
           quote="The pilot free trade zone actively strengthens international logistics accessibility",
           body="A body about tank logistics.", extra="") -> str:
    return (f"---\ntitle: {title}\ntitle_zh: {title_zh}\nzones: {zones}\npillar: {pillar}\n"
            f"date: {date}\ntags: {tags}\nsource: {source}\nquote: {quote}\n{extra}---\n{body}\n")


# A cited source for tests that add one (as sources/test-cited-page.md or under another name).
CITED = """---
kind: cited
title: A public page about a measure
publisher: Ministry of Commerce of the People's Republic of China
publisher_zh: 中华人民共和国商务部
date: 2025-09-18
language: en
url: https://example.gov.cn/page.html
---
A page that describes, among other things, a test measure.
"""


def answers(index, queries=("tank", "customs", "unicorn", "pegasus", "")) -> dict:
    """Each query's hits (ids and scores) in the index: two indexes compared by what they answer."""
    from indexer.search import KnowledgeBase

    kb = KnowledgeBase(index)
    try:
        return {q: [(h.id, h.score and round(h.score, 6)) for h in kb.search(q, per_page=100).hits]
                for q in queries}
    finally:
        kb.close()


def shipped_zone_ids() -> list[str]:
    """The zone ids of the shipped zones.yaml, in file order: tests count zones from the data,
    so that a new zone is an edit to that one file."""
    import yaml

    root = Path(__file__).resolve().parent.parent / "measures"
    return [z["id"] for z in yaml.safe_load((root / "zones.yaml").read_text(encoding="utf-8"))["zones"]]


ZONE_COUNT = len(shipped_zone_ids())


# Property tests run under one of two Hypothesis profiles (registered in conftest.py):
# "ci", the default, derandomised so that a run is repeatable; "explore"
# (HYPOTHESIS_PROFILE=explore, as .ci/run's exploring pass sets), a random seed that pytest
# prints and EXPLORE_FACTOR times the examples.
EXPLORE_FACTOR = 4
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


def examples(n: int) -> int:
    """A property test's example count under the profile in force."""
    return n * EXPLORE_FACTOR if PROFILE == "explore" and n > 1 else n
