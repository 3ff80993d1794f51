"""The Chinese segmenter's cuts of earlier builds, kept in the index folder for the next one.

rjieba loads its whole dictionary when imported (0.1-0.25 s, the largest import of a
one-record update), while an edited record's Chinese is mostly text some build has cut
already. Each build keeps the cuts it made (analysis/segmentation.py: Cuts.keep) in an
SQLite file, `cuts.sqlite`, a row per text and way of cutting; an incremental build looks
each Chinese run up there (one indexed read) before cutting it, and loads rjieba only for
a run it does not find. A full build reads nothing from it and writes it anew, so it holds
the corpus's runs and what updates added since. The file is a cache: valid only for the
dictionary and the rjieba files it was written with (its `identity`), ignored when it is of
another, unreadable or torn (SQLite's journal keeps it whole), and rewritten by the next
build. Written under the build lock only.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import sqlite3
from contextlib import closing
from pathlib import Path

CACHE = "cuts.sqlite"


def identity(dictionary: tuple[tuple[str, int], ...]) -> str:
    """What the cuts depend on: the user dictionary, and rjieba's files (found, not imported)."""
    spec = importlib.util.find_spec("rjieba")
    files = []
    if spec is not None and spec.origin:
        folder = os.path.dirname(spec.origin)
        for name in sorted(os.listdir(folder)):
            if name.endswith((".so", ".py", ".pyd")):
                st = os.stat(os.path.join(folder, name))
                files.append((name, st.st_size, st.st_mtime_ns))
    return hashlib.sha1(repr((dictionary, files)).encode("utf-8")).hexdigest()


class CutCache:
    """The cuts kept in `index_dir` for the segmenter of `dictionary`."""

    def __init__(self, index_dir: Path, dictionary: tuple[tuple[str, int], ...]):
        self.path = Path(index_dir) / CACHE
        self.identity = identity(dictionary)
        self._conn: sqlite3.Connection | None = None
        self._pid = 0  # the process the connection was opened in (workers are forked)

    def _open(self) -> sqlite3.Connection | None:
        if self._pid != os.getpid():
            self._conn, self._pid = None, os.getpid()
            if not self.path.exists():
                return None
            try:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
                row = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
            except sqlite3.Error:
                return None
            if row is None or row[0] != self.identity:
                conn.close()
                return None
            self._conn = conn
        return self._conn

    def lookup(self, kind: int, text: str) -> list[str] | None:
        """The words `text` was cut into (`kind`: segmentation.CUT or FOR_SEARCH), or None."""
        conn = self._open()
        if conn is None:
            return None
        try:
            row = conn.execute("SELECT words FROM cuts WHERE kind = ? AND text = ?",
                               (kind, text)).fetchone()
            words = marshal.loads(row[0]) if row is not None else None
        except (sqlite3.Error, ValueError, EOFError, TypeError):
            return None
        return words if isinstance(words, list) else None

    def close(self) -> None:
        if self._conn is not None and self._pid == os.getpid():
            self._conn.close()
        self._conn, self._pid = None, 0

    def save(self, fresh: dict[tuple[int, str], list[str]], replace: bool) -> None:
        """Add the cuts `fresh` ((kind, text) -> words); `replace`: instead of all kept ones.
        A cache that cannot be written is left: the next build cuts again."""
        self.close()
        if not fresh and not replace:
            return
        try:
            with closing(sqlite3.connect(self.path)) as conn, conn:
                conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT)")
                conn.execute("CREATE TABLE IF NOT EXISTS cuts (kind INTEGER, text TEXT, "
                             "words BLOB, PRIMARY KEY (kind, text)) WITHOUT ROWID")
                row = conn.execute("SELECT value FROM meta WHERE key = 'identity'").fetchone()
                if replace or row is None or row[0] != self.identity:
                    conn.execute("DELETE FROM cuts")
                    conn.execute("INSERT OR REPLACE INTO meta VALUES ('identity', ?)",
                                 (self.identity,))
                conn.executemany("INSERT OR REPLACE INTO cuts VALUES (?, ?, ?)",
                                 [(kind, text, marshal.dumps(words))
                                  for (kind, text), words in fresh.items()])
        except sqlite3.Error:
            try:
                self.path.unlink(missing_ok=True)  # a torn or foreign file: the next build starts anew
            except OSError:
                pass
