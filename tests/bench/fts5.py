"""The yardstick: the same records and queries on SQLite FTS5 (bm25, snippet(), GROUP BY facets).

    python -m tests.bench.fts5 build MEASURES DB
    python -m tests.bench.fts5 update MEASURES DB FILE
    python -m tests.bench.fts5 query DB QUERIES.json

Each prints one JSON line of figures. Chinese is segmented with rjieba before it reaches
FTS5 (at index and query time alike), so both engines see the same words.
"""

from __future__ import annotations

import json
import re
import resource
import sqlite3
import sys
import time
from pathlib import Path

import rjieba
import yaml

from indexer.analysis.cjk import CJK, has_cjk

_Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CJK_RUN = re.compile(f"[{CJK}]+")
WEIGHTS = "0, 4.0, 4.0, 2.5, 1.2, 1.0"  # id, title, title_zh, tags, names, body


def segment(text: str) -> str:
    return _CJK_RUN.sub(lambda m: " " + " ".join(rjieba.cut(m.group())) + " ", text)


def _record(path: Path, zones: dict, pillars: dict) -> tuple:
    text = path.read_text(encoding="utf-8")
    _, front, body = text.split("---\n", 2)
    meta = yaml.load(front, Loader=_Loader)
    names = " ".join(f"{zones[z]['name']} {zones[z]['name_zh']} {zones[z]['short']} "
                     f"{zones[z]['short_zh']}" for z in meta["zones"])
    names += f" {pillars[meta['pillar']]['name']} {pillars[meta['pillar']]['name_zh']}"
    row = (path.stem, meta["title"], segment(meta["title_zh"]), segment(" ".join(meta["tags"])),
           segment(names), segment(body + "\n" + meta["quote"]))
    return row, meta


def _taxonomy(measures: Path):
    zones = {z["id"]: z for z in yaml.safe_load((measures / "zones.yaml").read_text())["zones"]}
    pillars = {p["id"]: p for p in yaml.safe_load((measures / "pillars.yaml").read_text())["pillars"]}
    return zones, pillars


SCHEMA = """
CREATE VIRTUAL TABLE doc USING fts5(id UNINDEXED, title, title_zh, tags, names, body,
                                    tokenize = 'porter unicode61');
CREATE TABLE measure (rowid INTEGER PRIMARY KEY, id TEXT UNIQUE, date TEXT, pillar TEXT);
CREATE TABLE measure_zone (rowid INTEGER, zone TEXT);
CREATE TABLE measure_scope (rowid INTEGER, scope TEXT);
CREATE INDEX measure_scope_rowid ON measure_scope (rowid);
CREATE INDEX measure_zone_zone ON measure_zone (zone, rowid);
CREATE INDEX measure_zone_rowid ON measure_zone (rowid);
CREATE INDEX measure_date ON measure (date DESC);
CREATE INDEX measure_pillar ON measure (pillar);
"""


def _insert(db, rowid: int, row: tuple, meta: dict) -> None:
    db.execute("INSERT INTO doc (rowid, id, title, title_zh, tags, names, body) VALUES (?,?,?,?,?,?,?)",
               (rowid, *row))
    db.execute("INSERT INTO measure VALUES (?,?,?,?)", (rowid, row[0], meta["date"], meta["pillar"]))
    db.executemany("INSERT INTO measure_zone VALUES (?,?)", [(rowid, z) for z in meta["zones"]])
    db.executemany("INSERT INTO measure_scope VALUES (?,?)",
                   [(rowid, s) for s in {step["scope"] for step in meta.get("lineage") or ()}])


def build(measures: Path, path: Path) -> dict:
    start = time.perf_counter()
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    zones, pillars = _taxonomy(measures)
    with db:
        for rowid, file in enumerate(sorted(measures.glob("*.md")), 1):
            row, meta = _record(file, zones, pillars)
            _insert(db, rowid, row, meta)
    db.execute("INSERT INTO doc(doc) VALUES ('optimize')")
    db.commit()
    db.close()
    return {"seconds": time.perf_counter() - start}


def update(measures: Path, path: Path, file: Path) -> dict:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    zones, pillars = _taxonomy(measures)
    row, meta = _record(file, zones, pillars)
    with db:
        (rowid,) = db.execute("SELECT rowid FROM measure WHERE id = ?", (row[0],)).fetchone()
        db.execute("DELETE FROM doc WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM measure WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM measure_zone WHERE rowid = ?", (rowid,))
        db.execute("DELETE FROM measure_scope WHERE rowid = ?", (rowid,))
        _insert(db, rowid, row, meta)
    db.close()
    return {"seconds": time.perf_counter() - start}


def _match(q: str) -> str:
    """Our query language's plain subset in FTS5 syntax: all words, "phrases" kept."""
    parts = []
    for phrase, word in re.findall(r'"([^"]*)"|(\S+)', q):
        tokens = segment(phrase or word).split()
        tokens = [t.replace('"', "") for t in tokens if t.replace('"', "")]
        if tokens:
            parts.append('"' + " ".join(tokens) + '"' if phrase or has_cjk(word) else
                         " AND ".join(f'"{t}"' for t in tokens))
    return " AND ".join(parts)


def search(db, q: str, zones: list[str], pillars: list[str], per_page: int = 20) -> dict:
    """One page of results with snippets, the total, and disjunctive facet counts."""
    where, args = [], []
    if zones:
        where.append(f"m.rowid IN (SELECT rowid FROM measure_zone WHERE zone IN ({','.join('?' * len(zones))}))")
        args += zones
    if pillars:
        where.append(f"m.pillar IN ({','.join('?' * len(pillars))})")
        args += pillars
    match = _match(q)
    if match:
        base = "FROM doc JOIN measure m ON m.rowid = doc.rowid WHERE doc MATCH ?"
        margs = [match]
        hits = db.execute(
            f"SELECT m.id, snippet(doc, 5, '<mark>', '</mark>', '…', 24) {base} "
            + "".join(f" AND {w}" for w in where)
            + f" ORDER BY bm25(doc, {WEIGHTS}), m.date DESC LIMIT ?", margs + args + [per_page]).fetchall()
        matched = f"SELECT doc.rowid AS rowid {base}"
    else:
        margs = []
        hits = db.execute("SELECT m.id, substr(d.body, 1, 200) FROM measure m JOIN doc d ON d.rowid = m.rowid"
                          + (" WHERE " + " AND ".join(where) if where else "")
                          + " ORDER BY m.date DESC, m.id LIMIT ?", args + [per_page]).fetchall()
        matched = "SELECT rowid FROM measure"
    # the matched set once, in a temporary table; both facet counts join it
    db.execute("CREATE TEMP TABLE IF NOT EXISTS hit (rowid INTEGER PRIMARY KEY)")
    db.execute("DELETE FROM temp.hit")
    db.execute(f"INSERT INTO temp.hit {matched}", margs)
    pillar_sql = f" AND m.pillar IN ({','.join('?' * len(pillars))})" if pillars else ""
    zone_sql = (f" AND h.rowid IN (SELECT rowid FROM measure_zone WHERE zone IN "
                f"({','.join('?' * len(zones))}))") if zones else ""
    zone_counts = dict(db.execute(
        "SELECT z.zone, count(*) FROM temp.hit h JOIN measure_zone z ON z.rowid = h.rowid "
        f"JOIN measure m ON m.rowid = h.rowid WHERE 1{pillar_sql} GROUP BY z.zone", pillars).fetchall())
    pillar_counts = dict(db.execute(
        "SELECT m.pillar, count(*) FROM temp.hit h JOIN measure m ON m.rowid = h.rowid "
        f"WHERE 1{zone_sql} GROUP BY m.pillar", zones).fetchall())
    scope_counts = dict(db.execute(  # the facade counts scopes too (none in generated records)
        "SELECT s.scope, count(*) FROM temp.hit h JOIN measure_scope s ON s.rowid = h.rowid "
        f"JOIN measure m ON m.rowid = h.rowid WHERE 1{pillar_sql}{zone_sql} GROUP BY s.scope",
        pillars + zones).fetchall())
    total = sum(pillar_counts.get(p, 0) for p in pillars) if pillars else sum(pillar_counts.values())
    return {"total": total, "hits": hits, "zones": zone_counts, "pillars": pillar_counts,
            "scopes": scope_counts}


def query(path: Path, queries: list[dict]) -> dict:
    db = sqlite3.connect(path)
    times = []
    for item in queries:
        start = time.perf_counter()
        search(db, item["q"], item["zones"], item["pillars"])
        times.append(time.perf_counter() - start)
    return {"times": times}


def main(argv: list[str]) -> None:
    command, *args = argv
    if command == "build":
        out = build(Path(args[0]), Path(args[1]))
    elif command == "update":
        out = update(Path(args[0]), Path(args[1]), Path(args[2]))
    else:
        out = query(Path(args[0]), json.loads(Path(args[1]).read_text()))
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))


if __name__ == "__main__":
    main(sys.argv[1:])
