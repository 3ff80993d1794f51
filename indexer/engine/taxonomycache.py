"""The taxonomy and lexicon a build loaded, kept pickled in the index folder for the next one.

Every `ftz index` loads them first (zones, pillars, about 190 YAML files of sources and
batches, the dictionary and glossary): 0.03-0.1 s of a one-record update, and all of an
update that finds nothing changed but its records' scan. They are read only from the files
of the measures folder that are not records (its top-level *.md) and not drafts, by the
code of indexer/ (records/ and what it imports) with PyYAML and pydantic. The cache is keyed
by every such file (name, modification and change times, size: a file rewritten in place
changes its change time, which no tool sets back), by the package's modules the same way and
by the two libraries' versions: anything else and the loaders run again. Only a load that found no problem is kept, so problems are always
reported by the loaders themselves. The file is a cache, not part of any generation:
written whole and renamed into place, checked by its digest when read; a torn or foreign
file is ignored.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import secrets
from pathlib import Path

CACHE = "taxonomy.pickle"
_SKIPPED = {"drafts", "__pycache__"}


def _stat_key(path: str, rel: str) -> tuple:
    st = os.stat(path)
    return rel, st.st_mtime_ns, st.st_ctime_ns, st.st_size


def _files(root: str, rel: str, out: list, top: bool, names: list[str] | None = None) -> None:
    """The key of every file under `root`; at the top, `names` (folderscan.scan_records's
    `others`), or the folder's entries but its records (not even sorted: 100,000 of them)."""
    if names is None:
        with os.scandir(root) as entries:
            names = [e.name for e in entries if not (top and e.name.endswith(".md")
                                                     and not e.is_dir(follow_symlinks=True))]
    for entry in sorted(names):
        name = f"{rel}/{entry}" if rel else entry
        path = os.path.join(root, entry)
        if os.path.isdir(path):
            if entry not in _SKIPPED:
                out.append(_stat_key(path, name + "/"))
                _files(path, name, out, False)
        else:
            out.append(_stat_key(path, name))


def _code() -> list:
    """The loaders' code: every module of the package (indexer/records/ and whatever it comes
    to import; about 120 files, a fraction of a millisecond to stat) and the versions of the
    libraries that read the files and make the objects kept (PyYAML, pydantic)."""
    import indexer
    import pydantic
    import yaml

    package = Path(indexer.__file__).parent
    paths = sorted(package.rglob("*.py"))
    return [_stat_key(str(p), str(p.relative_to(package))) for p in paths] + [
        ("yaml", yaml.__version__), ("pydantic", pydantic.VERSION)]


def key(measures_dir: Path, names: list[str] | None = None) -> bytes:
    """What the loaders read, as they are now (take it before loading); `names`: the top
    level's entries but its records, if the caller listed the folder already."""
    found: list = []
    _files(str(measures_dir), "", found, True, names)
    return pickle.dumps((found, _code()), pickle.HIGHEST_PROTOCOL)


def load(index_dir: Path, wanted: bytes):
    """(taxonomy, lexicon) kept for the key `wanted`, or None."""
    try:
        data = (Path(index_dir) / CACHE).read_bytes()
    except OSError:
        return None
    digest, payload = data[:32], data[32:]
    if hashlib.blake2b(payload, digest_size=32).digest() != digest:
        return None
    try:
        kept, taxonomy, lexicon = pickle.loads(payload)
    except (pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError,
            ValueError):  # a file of another version of the code
        return None
    return (taxonomy, lexicon) if kept == wanted else None


def save(index_dir: Path, wanted: bytes, taxonomy, lexicon) -> None:
    """Keep (taxonomy, lexicon) for the key `wanted`; call under the build lock."""
    payload = pickle.dumps((wanted, taxonomy, lexicon), pickle.HIGHEST_PROTOCOL)
    path = Path(index_dir) / CACHE
    tmp = path.with_name(f".{CACHE}.{secrets.token_hex(4)}.tmp")  # store.clean removes strays
    try:
        tmp.write_bytes(hashlib.blake2b(payload, digest_size=32).digest() + payload)
        os.replace(tmp, path)
    except OSError:  # a cache: the build goes on without it, and the next one loads afresh
        tmp.unlink(missing_ok=True)
