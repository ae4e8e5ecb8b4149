"""JSON for what crosses the crawl queue: :class:`SourceSpec` out, :class:`FetchOutcome` back.

The encoding follows the dataclasses' own type hints, so a field added to
the model travels without a change here, and decoding gives back a value
equal to the one encoded, field for field:

- datetimes keep their zone: an aware time in a named zone is written as
  RFC 9557 text (``2026-10-25T02:30:00+01:00[Europe/Luxembourg]``), whose
  offset also settles which of an ambiguous hour's two instants it was;
- ``Decimal`` is written as its string (``"12.50"`` stays ``12.50``),
  ``timedelta`` as whole microseconds, enums as their values;
- ``I18nText`` is a list of ``[lang, text]`` pairs, rebuilt as it was
  (its constructor's normalisation already happened on the reader side).

Anything that does not decode raises :class:`CodecError` with the field's
path, so a damaged message names what is wrong with it.
"""

from __future__ import annotations

import dataclasses
import json
import types
from datetime import datetime, timedelta, tzinfo
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pluriel.model import FetchOutcome, I18nText, SourceSpec

__all__ = [
    "CodecError",
    "decode_datetime",
    "decode_outcome",
    "decode_spec",
    "encode_datetime",
    "encode_outcome",
    "encode_spec",
    "from_jsonable",
    "to_jsonable",
]

T = TypeVar("T")


class CodecError(ValueError):
    """A message from the queue that is not a valid encoding of the value it claims to be."""


def encode_datetime(value: datetime) -> str:
    """ISO 8601, with the zone's name in brackets when the zone has one."""
    zone = value.tzinfo
    if isinstance(zone, ZoneInfo) and zone.key:
        return f"{value.isoformat()}[{zone.key}]"
    return value.isoformat()


def decode_datetime(text: str) -> datetime:
    stamp, _, rest = text.partition("[")
    parsed = datetime.fromisoformat(stamp)
    if not rest:
        return parsed
    key = rest.removesuffix("]")
    zone = _zone(key)
    wall = parsed.replace(tzinfo=None)
    for fold in (0, 1):
        candidate = wall.replace(tzinfo=zone, fold=fold)
        if candidate.utcoffset() == parsed.utcoffset():
            return candidate
    return parsed.astimezone(zone)


def _zone(key: str) -> tzinfo:
    try:
        return ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise CodecError(f"unknown time zone {key!r}") from exc


def to_jsonable(value: Any) -> Any:
    """The JSON form of a model value (dataclasses, tuples, enums and the scalars they hold)."""
    if isinstance(value, Enum):
        return value.value
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, I18nText):
        return [[lang, text] for lang, text in value.items]
    if isinstance(value, datetime):
        return encode_datetime(value)
    if isinstance(value, timedelta):
        return value // timedelta(microseconds=1)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple | list):
        return [to_jsonable(item) for item in value]
    if isinstance(value, frozenset):
        return sorted(to_jsonable(item) for item in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            field.name: to_jsonable(getattr(value, field.name))
            for field in dataclasses.fields(value)
        }
    raise TypeError(f"cannot encode a {type(value).__name__} for the crawl queue")


@cache
def _hints(cls: type) -> dict[str, Any]:
    return get_type_hints(cls)


def from_jsonable(kind: Any, data: Any, path: str = "") -> Any:
    """Rebuild a value of type ``kind`` from :func:`to_jsonable`'s output."""
    where = path or "value"
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        options = [arg for arg in get_args(kind) if arg is not type(None)]
        if data is None and len(options) < len(get_args(kind)):
            return None
        if len(options) != 1:
            raise TypeError(f"{where}: only 'X | None' unions can be decoded, not {kind}")
        return from_jsonable(options[0], data, path)
    if origin is tuple:
        args = get_args(kind)
        items = _expect(list, data, where)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(
                from_jsonable(args[0], item, f"{where}[{i}]") for i, item in enumerate(items)
            )
        if len(args) != len(items):
            raise CodecError(f"{where}: expected {len(args)} items, got {len(items)}")
        return tuple(
            from_jsonable(arg, item, f"{where}[{i}]")
            for i, (arg, item) in enumerate(zip(args, items, strict=True))
        )
    if origin is frozenset:
        (arg,) = get_args(kind)
        return frozenset(from_jsonable(arg, item, where) for item in _expect(list, data, where))
    if kind is I18nText:
        pairs = _expect(list, data, where)
        return I18nText(tuple(from_jsonable(tuple[str, str], pair, where) for pair in pairs))
    if kind is datetime:
        try:
            return decode_datetime(_expect(str, data, where))
        except ValueError as exc:
            raise CodecError(f"{where}: {exc}") from exc
    if kind is timedelta:
        return timedelta(microseconds=_expect(int, data, where))
    if kind is Decimal:
        try:
            return Decimal(_expect(str, data, where))
        except InvalidOperation as exc:
            raise CodecError(f"{where}: {data!r} is not a decimal number") from exc
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(data)
        except ValueError as exc:
            raise CodecError(f"{where}: {data!r} is not a {kind.__name__}") from exc
    if kind is float:
        if isinstance(data, bool) or not isinstance(data, int | float):
            raise CodecError(f"{where}: expected a number, got {data!r}")
        return float(data)
    if kind in (bool, int, str):
        return _expect(kind, data, where)
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        return _dataclass(kind, data, where)
    raise TypeError(f"{where}: cannot decode a {kind}")


def _expect(kind: type[T], data: Any, where: str) -> T:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise CodecError(f"{where}: expected {kind.__name__}, got {data!r}")
    return data


def _dataclass(cls: Any, data: Any, where: str) -> Any:
    fields = _expect(dict, data, where)
    hints = _hints(cls)
    known = {field.name for field in dataclasses.fields(cls)}
    unknown = sorted(set(fields) - known)
    if unknown:
        raise CodecError(f"{where}: unknown fields {unknown} for {cls.__name__}")
    values = {
        name: from_jsonable(hints[name], value, f"{where}.{name}") for name, value in fields.items()
    }
    try:
        return cls(**values)
    except TypeError as exc:  # a required field is missing
        raise CodecError(f"{where}: {exc}") from exc


def _loads(text: str | bytes, what: str) -> Any:
    try:
        return json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise CodecError(f"{what}: not JSON ({exc})") from exc


def encode_spec(spec: SourceSpec) -> str:
    return json.dumps(to_jsonable(spec), ensure_ascii=False, separators=(",", ":"))


def decode_spec(text: str | bytes) -> SourceSpec:
    decoded: SourceSpec = from_jsonable(SourceSpec, _loads(text, "spec"), "spec")
    return decoded


def encode_outcome(outcome: FetchOutcome) -> str:
    return json.dumps(to_jsonable(outcome), ensure_ascii=False, separators=(",", ":"))


def decode_outcome(text: str | bytes) -> FetchOutcome:
    decoded: FetchOutcome = from_jsonable(FetchOutcome, _loads(text, "outcome"), "outcome")
    return decoded
