"""Where the measures and the index live by default; FTZ_MEASURES_DIR and FTZ_INDEX_DIR override."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent


def default_measures_dir() -> Path:
    return Path(os.environ.get("FTZ_MEASURES_DIR") or PROJECT_DIR / "measures")


def default_index_dir() -> Path:
    # var/ is git-ignored: the index is built, never committed
    return Path(os.environ.get("FTZ_INDEX_DIR") or PROJECT_DIR / "var" / "index")
