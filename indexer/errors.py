"""The one exception hierarchy of the knowledge base; the CLI and the web app translate it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from indexer.notes import Note, printable


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem, located in a file, at a line, in a field."""

    path: str
    line: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.field}: {self.message}"


@dataclass
class Report:
    """Problems found so far, each tied to a file path shown relative to the measures dir."""

    root: Path
    problems: list[Problem] = field(default_factory=list)

    def add(self, path: Path | str, line: int, field_name: str, message: str) -> None:
        self.problems.append(Problem(self.rel(path), line, field_name, message))

    def rel(self, path: Path | str) -> str:
        path = Path(path)
        try:
            return str(path.relative_to(self.root.parent))
        except ValueError:
            return str(path)


class FtzError(Exception):
    """Base of every error the knowledge base reports to a user."""

    exit_code = 1


class ValidationFailed(FtzError):
    """The measures directory holds invalid data; nothing was published."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        files = sorted({p.path for p in self.problems})
        super().__init__(
            f"{len(self.problems)} problem(s) in {len(files)} file(s); nothing was published"
        )


class UnknownFilter(FtzError):
    """A value of a facet (a zone, pillar, year ...; facets.py) that the index does not know.
    `known`: the values it knows, where they are few enough to list.

    Its text (the API's and the CLI's English) and `note` (which the site renders in the
    page's language, as it renders a query's unknown zone:x) are one message of the catalog
    (indexer/notes.py, "There is no <kind> '<value>'")."""

    exit_code = 2

    def __init__(self, kind: str, value: str, suggestion: str | None = None,
                 known: list[str] | None = None):
        self.kind, self.value, self.suggestion = kind, value, suggestion
        self.known = list(known) if known else None
        # the known values in the registry's order (years newest first); the note, as a
        # query's note lists them, sorted
        super().__init__(Note("unknown_value", kind=kind, value=printable(value), hint=suggestion,
                              known=", ".join(self.known) if self.known else None))


    def _listed(self) -> str | None:
        return ", ".join(sorted(self.known)) if self.known else None

    @property
    def note(self) -> Note:
        """The same message without the suggestion, which the page gives as a link to the
        search with it; the known values sorted as a query's note lists them."""
        return Note("unknown_value", kind=self.kind, value=printable(self.value),
                    known=self._listed())


class BadRequest(FtzError):
    """A search parameter out of range (page, page size, query length)."""

    exit_code = 2


class SearchTooSlow(BadRequest):
    """A search that ran past its time budget was stopped."""

    def __init__(self, budget: float):
        super().__init__(Note("too_slow", seconds=f"{budget:g}"))


class IndexMissing(FtzError):
    """No index has been published yet in the index directory."""

    def __init__(self, index_dir: Path):
        super().__init__(f"no index in {index_dir}; run `ftz index` first")


class IndexOutdated(IndexMissing):
    """The published index was written in another index format (an earlier version of ftz):
    this version cannot read it, and `ftz index` rebuilds it."""

    def __init__(self, index_dir: Path, found, expected: int):
        FtzError.__init__(self, f"the index in {index_dir} was written in index format {found}; "
                          f"this version of ftz reads format {expected}: run `ftz index` "
                          "to rebuild it")


class IndexBusy(FtzError):
    """Another build holds the index lock."""
