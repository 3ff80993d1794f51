"""One table of front-matter field normalizers, shared by records, sources and the taxonomy.

YAML turns `2023-05-11` into a date and `[a, b]` into a list; every such conversion and
check happens here, once, and raises FieldError with a message a record editor can act on.
"""

from __future__ import annotations

import copy
import datetime as dt
import difflib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from pydantic_core import PydanticCustomError, SchemaValidator, ValidationError
from pydantic_core import core_schema as cs

from indexer.analysis.cjk import CJK, CJK_RE  # CJK_RE: for the records' modules
from indexer.records.latin import unmarked_latin, without_marks

if TYPE_CHECKING:
    from indexer.errors import Report
    from indexer.records.frontmatter import Located

ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
TAG_RE = re.compile(rf"^[a-z0-9{CJK}]+(?:-[a-z0-9{CJK}]+)*$")
URL_RE = re.compile(r"^https?://[^\s<>\"']+$")
LANG_RE = re.compile(r"^[a-z]{2}(?:-[A-Za-z]{2,4})?$")


class FieldError(ValueError):
    """A field value that fails its normalizer."""


@dataclass(frozen=True)
class Spec:
    """How an editor writes a field of a model (indexer/records/schema.py): whether a file
    must give it, and the normalizer that checks its value; the field's JSON Schema is the
    JSON form of the normalizer's value (json_schema below)."""

    required: bool
    normalize: Callable[[Any], Any]

    def __get_pydantic_json_schema__(self, core_schema, handler) -> dict:
        schema = json_schema(self.normalize)
        if schema is None:  # items with a model of their own: pydantic's schema of the type
            return handler(core_schema)
        return nullable(schema) if core_schema.get("type") == "nullable" else schema


def text(value: Any) -> str:
    if not isinstance(value, str) or not value.strip():
        raise FieldError("must be non-empty text")
    return value.strip()


# Half-width brackets in Chinese text: a pair holding Chinese (中国(北京)), or one opened
# right after a Chinese character; a Markdown link's "](" is not one.
HALF_WIDTH_BRACKETS_RE = re.compile(rf"[{CJK}]?(?<!\])\([^()\n]*[{CJK}][^()\n]*\)|[{CJK}]\(")


def chinese_style(value: str) -> str:
    """Chinese text as docs/style-zh.md writes it: “” quotes and （） brackets, never the ASCII
    ones (an official name is 中国（北京）自由贸易试验区 in its own documents). A span marked as
    another language (<span lang="en">...</span>) is not Chinese text."""
    value = without_marks(original := value)
    if '"' in value:
        raise FieldError('has ASCII double quotes ("); Chinese text takes “ and ”')
    found = HALF_WIDTH_BRACKETS_RE.search(value)
    if found:
        raise FieldError(f"has half-width brackets ({found.group(0)!r}); Chinese text takes "
                         "full-width （ and ）")
    return original


def chinese(value: Any) -> str:
    value = text(value)
    if not CJK_RE.search(value):
        raise FieldError("must contain Chinese characters")
    return chinese_style(value)


def identifier(value: Any) -> str:
    if not isinstance(value, str) or not ID_RE.match(value):
        raise FieldError(f"{value!r} is not an id (lowercase letters, digits, hyphens)")
    return value


def id_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise FieldError("must be a list, e.g. [zhejiang] or [] when the source names none")
    return _once_each(tuple(identifier(v) for v in value))


def chinese_list(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError("must be a non-empty list of Chinese names")
    return _once_each(tuple(chinese(v) for v in value))


def _once_each(values: tuple[str, ...]) -> tuple[str, ...]:
    repeated = sorted({v for v in values if values.count(v) > 1})
    if repeated:
        raise FieldError(f"lists {', '.join(repeated)} more than once")
    return values


def tags(value: Any) -> tuple[str, ...]:
    if not isinstance(value, list) or not value:
        raise FieldError("must be a non-empty list of keywords")
    out = []
    for tag in value:
        if not isinstance(tag, str) or not TAG_RE.match(tag):
            raise FieldError(
                f"{tag!r} is not a tag (lowercase words or Chinese, joined by hyphens)"
            )
        if tag in out:
            raise FieldError(f"{tag!r} appears twice")
        out.append(tag)
    return tuple(out)


def past_date(value: Any) -> str:
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if re.match(r"^\d{4}-\d{2}-\d{2}$", value) else None
        except ValueError:
            raise FieldError(f"{value!r} is not a real date") from None
    if not isinstance(value, dt.date):
        raise FieldError("must be a date written YYYY-MM-DD")
    if value > dt.date.today():
        raise FieldError(f"{value.isoformat()} is in the future")
    return value.isoformat()


def partial_date(value: Any) -> str:
    """A date as precise as a source gives it: YYYY, YYYY-MM or YYYY-MM-DD, not in the future."""
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if isinstance(value, str) and re.match(r"^\d{4}(-\d{2})?$", value):
        parts = [int(p) for p in value.split("-")]
        if len(parts) == 2 and not 1 <= parts[1] <= 12:
            raise FieldError(f"{value!r} is not a real month")
        today = dt.date.today()
        if tuple(parts) > (today.year, today.month)[:len(parts)]:
            raise FieldError(f"{value} is in the future")
        return value
    if isinstance(value, (dt.date, str)) and (not isinstance(value, str)
                                               or re.match(r"^\d{4}-\d{2}-\d{2}$", value)):
        return past_date(value)
    raise FieldError("must be a date written YYYY-MM-DD, YYYY-MM or YYYY")


def year(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1949 <= value <= dt.date.today().year:
        raise FieldError("must be a year such as 2013")
    return value


def number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FieldError("must be a number")
    return value


def url(value: Any) -> str:
    if not isinstance(value, str) or not URL_RE.match(value):
        raise FieldError("must be an http(s) URL")
    return value


def language(value: Any) -> str:
    if not isinstance(value, str) or not LANG_RE.match(value):
        raise FieldError("must be a language code such as en or zh")
    return value


def tile(value: Any) -> tuple[int, int]:
    if (
        not isinstance(value, list)
        or len(value) != 2
        or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 20 for v in value)
    ):
        raise FieldError("must be [row, col], two small whole numbers")
    return (value[0], value[1])


def one_of(choices: Iterable[str]) -> Callable[[Any], str]:
    choices = tuple(choices)

    def check(value: Any) -> str:
        if value not in choices:
            raise FieldError(f"{value!r} is not one of {', '.join(choices)}")
        return value

    check.json_schema = {"type": "string", "enum": list(choices)}
    return check


def closest(value: str, known: Iterable[str]) -> str | None:
    """The known name a mistyped one most likely meant, if any is close."""
    match = difflib.get_close_matches(str(value), list(known), n=1, cutoff=0.6)
    return match[0] if match else None


def squash(value: str) -> str:
    """Whitespace-insensitive form, for verbatim quote checks."""
    return " ".join(value.split())


def unknown(kind: str, value: str, known) -> str:
    hint = closest(value, known)
    return f"unknown {kind} {value!r}" + (f" (did you mean {hint!r}?)" if hint else "")


def normalize_fields(
    meta: Located, specs: dict[str, Spec], path: Path, report: Report, where: str = "",
    partial: bool = False,
) -> dict[str, Any] | None:
    """Check one mapping against a table of fields (schema.fields_of(Model)) through pydantic;
    None when any field is wrong (with `partial`, the fields that are right, so that more
    checks can run on them). Each problem is reported at its key's line, in the mapping's
    order: an unknown field with the likeliest known one, a wrong value with its normalizer's
    message; then each required field that is missing."""
    if not isinstance(meta.value, dict):
        report.add(path, meta.line, where or "(file)", "must be a mapping of field: value")
        return None
    given = {key: value for key, value in meta.value.items() if isinstance(key, str)}
    errors: dict[str, dict] = {}
    whole, lenient = _validators(specs)
    try:
        data = whole.validate_python(given)
        if len(given) == len(meta.value):
            return data
    except ValidationError as exc:
        errors = {error["loc"][0]: error for error in exc.errors()}
    wrong = set(errors)
    for key in meta.value:
        error = errors.get(key)
        if key in specs and error is None:
            continue
        if error is None or error["type"] == "extra_forbidden":  # also a key that is no text
            hint = closest(key, specs)
            message = "unknown field" + (f" (did you mean {hint!r}?)" if hint else "")
            wrong.add(key)
        else:
            message = error["msg"]
        report.add(path, meta.line_of(key), f"{where}{key}", message)
    for key in specs:
        if key in errors and errors[key]["type"] == "missing":
            report.add(path, meta.line, f"{where}{key}", "required field is missing")
    if not partial:
        return None
    return lenient.validate_python({key: value for key, value in given.items() if key not in wrong})


_BY_TABLE: dict[int, tuple[dict, SchemaValidator, SchemaValidator]] = {}


def _validators(specs: dict[str, Spec]) -> tuple[SchemaValidator, SchemaValidator]:
    """A table's two validators (whole, partial), found by the table itself: a table is
    used once per record or lineage step, and hashing its items each time costs 3 µs."""
    entry = _BY_TABLE.get(id(specs))
    if entry is None or entry[0] is not specs:
        table = tuple(specs.items())
        entry = (specs, _validator(table, False), _validator(table, True))
        if len(_BY_TABLE) < 64:  # a draft's tables are made per file: not all are kept
            _BY_TABLE[id(specs)] = entry
    return entry[1], entry[2]


@lru_cache(maxsize=64)
def _validator(table: tuple[tuple[str, Spec], ...], partial: bool) -> SchemaValidator:
    """A table's pydantic validator: each field's normalizer, its FieldError a pydantic
    error with the normalizer's message; a key outside the table is an error, and so is a
    required one left out (unless `partial`: what is given and right)."""
    return SchemaValidator(cs.typed_dict_schema(
        {name: cs.typed_dict_field(cs.no_info_plain_validator_function(_checked(spec.normalize)),
                                   required=spec.required and not partial)
         for name, spec in table},
        extra_behavior="forbid"))


def _checked(normalize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def check(value: Any) -> Any:
        try:
            return normalize(value)
        except FieldError as exc:
            raise PydanticCustomError("field", "{message}", {"message": str(exc)}) from None

    return check


def optional(normalize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A normalizer that also takes `null`: the editor says "none" explicitly."""

    def check(value: Any) -> Any:
        return None if value is None else normalize(value)

    inner = json_schema(normalize)
    if inner is not None:
        check.json_schema = nullable(inner)
    return check


def whole_number(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise FieldError("must be a whole number, 1 or more")
    return value


def chinese_text(minimum: int) -> Callable[[Any], str]:
    """Chinese prose of at least `minimum` Chinese characters (a record's `body_zh`)."""

    def check(value: Any) -> str:
        value = text(value)
        found = len(CJK_RE.findall(value))
        if found < minimum:
            raise FieldError(f"must hold at least {minimum} Chinese characters (it holds {found})")
        latin = unmarked_latin(value)
        if latin:
            shown = ", ".join(dict.fromkeys(latin[:6]))
            raise FieldError(f"has Latin words in its Chinese text ({shown}); write them in Chinese or "
                             'mark a quoted name or phrase as <span lang="en">...</span> '
                             "(docs/style-zh.md)")
        return chinese_style(value)

    check.json_schema = {"type": "string"}
    return check


# -- the JSON form of each normalizer's value ------------------------------------------------
# What the API and the exports give of a field, beside the normalizer that checks it: the
# API's description builds the records' components from the field tables with it
# (webapp/openapi_schemas.py). A normalizer made by a function above (one_of, optional,
# chinese_text) carries its own as `json_schema`.
ID_SCHEMA = {"type": "string", "pattern": "^[a-z0-9-]+$"}
PARTIAL_DATE_SCHEMA = {"type": "string", "pattern": "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$",
                       "description": "YYYY, YYYY-MM or YYYY-MM-DD, as precise as the source"}
_STRING = {"type": "string"}
_JSON_SCHEMAS: dict[Callable[[Any], Any], dict] = {
    text: _STRING, chinese: _STRING, url: _STRING, language: _STRING,
    identifier: ID_SCHEMA,
    id_list: {"type": "array", "items": ID_SCHEMA},
    chinese_list: {"type": "array", "items": _STRING},
    tags: {"type": "array", "items": _STRING},
    past_date: {"type": "string", "format": "date"},
    partial_date: PARTIAL_DATE_SCHEMA,
    year: {"type": "integer"},
    number: {"type": "number"},
    whole_number: {"type": "integer", "minimum": 1},
    tile: {"type": "array", "items": {"type": "integer"}, "minItems": 2, "maxItems": 2},
}


def json_schema(normalize: Callable[[Any], Any]) -> dict | None:
    """The JSON Schema of the value `normalize` returns, as the API gives it; None for a field
    whose items have a table of their own (a source's figures, a record's lineage)."""
    schema = _JSON_SCHEMAS.get(normalize) or getattr(normalize, "json_schema", None)
    return None if schema is None else copy.deepcopy(schema)


def nullable(schema: dict) -> dict:
    """`schema`, or null: a field the record may leave out is given as null."""
    schema = copy.deepcopy(schema)
    kind = schema.get("type")
    if isinstance(kind, str):
        schema["type"] = [kind, "null"]
    if "enum" in schema and None not in schema["enum"]:
        schema["enum"] = [*schema["enum"], None]
    return schema
