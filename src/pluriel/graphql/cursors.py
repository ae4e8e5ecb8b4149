"""Opaque keyset cursors: base64url of the sort key, tagged with the ordering it belongs to.

The tag lets a cursor from one ordering (events by date, events by relevance,
occurrences) be refused clearly when it is sent to another, instead of
silently paging from the wrong place.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from datetime import datetime

from pluriel.graphql.errors import InputError
from pluriel.store.read import ChangeKey, EventKey, NameKey, OccurrenceKey

__all__ = [
    "decode_change",
    "decode_event",
    "decode_name",
    "decode_occurrence",
    "encode_change",
    "encode_event",
    "encode_name",
    "encode_occurrence",
]

_EVENT = "e"
_RANKED_EVENT = "r"
_OCCURRENCE = "o"


def _encode(payload: list[object]) -> str:
    raw = json.dumps(payload, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode(cursor: str) -> list[object]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        payload = json.loads(raw)
    except (binascii.Error, ValueError) as exc:
        raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}") from exc
    if not isinstance(payload, list) or not payload:
        raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")
    return payload


def _start(value: object, cursor: str) -> datetime:
    if isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            pass
        else:
            if parsed.tzinfo is not None:
                return parsed
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")


def _id(value: object, cursor: str) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")


def encode_event(key: EventKey) -> str:
    if key.rank is None:
        return _encode([_EVENT, key.start.isoformat(), key.id])
    return _encode([_RANKED_EVENT, key.rank, key.start.isoformat(), key.id])


def decode_event(cursor: str, *, ranked: bool) -> EventKey:
    payload = _decode(cursor)
    tag = payload[0]
    if ranked and tag == _RANKED_EVENT and len(payload) == 4:
        rank = payload[1]
        if not isinstance(rank, int | float) or isinstance(rank, bool) or not math.isfinite(rank):
            raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")
        return EventKey(_start(payload[2], cursor), _id(payload[3], cursor), float(rank))
    if not ranked and tag == _EVENT and len(payload) == 3:
        return EventKey(_start(payload[1], cursor), _id(payload[2], cursor))
    if tag in (_EVENT, _RANKED_EVENT, _OCCURRENCE):
        raise InputError(
            "`after` comes from a different listing (events are ordered by relevance"
            " only when `text` is given); start again without `after`"
        )
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")


def encode_occurrence(key: OccurrenceKey) -> str:
    return _encode([_OCCURRENCE, key.start.isoformat(), key.id])


def decode_occurrence(cursor: str) -> OccurrenceKey:
    payload = _decode(cursor)
    if payload[0] == _OCCURRENCE and len(payload) == 3:
        return OccurrenceKey(_start(payload[1], cursor), _id(payload[2], cursor))
    if payload[0] in (_EVENT, _RANKED_EVENT):
        raise InputError("`after` is an events cursor, not an occurrences cursor")
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")


_INSTITUTION = "i"
_PLACE = "p"


def encode_name(key: NameKey, *, kind: str) -> str:
    return _encode([_PLACE if kind == "place" else _INSTITUTION, key.name, key.id])


def decode_name(cursor: str, *, kind: str) -> NameKey:
    payload = _decode(cursor)
    tag = _PLACE if kind == "place" else _INSTITUTION
    if payload[0] == tag and len(payload) == 3 and isinstance(payload[1], str):
        return NameKey(payload[1], _id(payload[2], cursor))
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")


_CHANGE = "c"


def encode_change(key: ChangeKey) -> str:
    return _encode([_CHANGE, key.txid, key.seq])


def decode_change(cursor: str) -> ChangeKey:
    payload = _decode(cursor)
    if payload[0] == _CHANGE and len(payload) == 3:
        return ChangeKey(_id(payload[1], cursor), _id(payload[2], cursor))
    raise InputError(f"`after` is not a valid cursor: {cursor[:40]!r}")
