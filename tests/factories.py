"""Rows for read-side tests, inserted with plain SQL.

The aggregator writes the same rows in production; these helpers write them
directly so API tests do not depend on ingestion. Search vectors are built
the way the schema describes: accent-folded text, title weight A,
description weight B, the language's text-search configuration.
Nothing here commits: the test does, once its rows are in place.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pluriel.model import fold

__all__ = [
    "Occ",
    "category",
    "event",
    "institution",
    "occurrence",
    "place",
    "search_config",
    "source",
    "source_event",
]

Conn = psycopg.Connection[Any]

_CONFIGS = {"fr": "french", "de": "german", "en": "english", "nl": "dutch"}
_TAG = re.compile(r"<[^>]+>")


def search_config(lang: str) -> str:
    return _CONFIGS.get(lang, "simple")


def _scalar(conn: Conn, query: Any, params: Sequence[Any] | Mapping[str, Any]) -> Any:
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise LookupError("insert returned nothing")
    return row["id"] if isinstance(row, dict) else row[0]


def institution(
    conn: Conn, *, slug: str = "theatre", name: str = "Théâtre", country: str = "LU"
) -> int:
    return int(
        _scalar(
            conn,
            "insert into institution (slug, name, country) values (%s, %s, %s) returning id",
            (slug, name, country),
        )
    )


def place(
    conn: Conn,
    *,
    name: Mapping[str, str],
    locality: str | None = None,
    country: str | None = None,
    street: str | None = None,
    postal_code: str | None = None,
    lat: float | None = None,
    lon: float | None = None,
) -> int:
    first_name = next(iter(name.values()))
    return int(
        _scalar(
            conn,
            "insert into place (name, name_folded, street, postal_code, locality,"
            " locality_folded, country, lat, lon)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s) returning id",
            (
                Jsonb(dict(name)),
                fold(first_name),
                street,
                postal_code,
                locality,
                fold(locality) if locality else None,
                country,
                lat,
                lon,
            ),
        )
    )


def category(
    conn: Conn,
    category_id: str,
    *,
    labels: Mapping[str, str] | None = None,
    parent: str | None = None,
    position: int = 0,
) -> str:
    conn.execute(
        "insert into category (id, parent_id, labels, position) values (%s, %s, %s, %s)",
        (category_id, parent, Jsonb(dict(labels or {"en": category_id})), position),
    )
    return category_id


@dataclass(frozen=True, slots=True)
class Occ:
    """One date of an event, for :func:`event`."""

    start: datetime
    end: datetime | None = None
    status: str = "scheduled"
    all_day: bool = False
    timezone: str = "Europe/Luxembourg"


def occurrence(conn: Conn, event_id: int, occ: Occ) -> int:
    return int(
        _scalar(
            conn,
            "insert into occurrence (event_id, starts_at, ends_at, all_day, timezone, status)"
            " values (%s, %s, %s, %s, %s, %s) returning id",
            (event_id, occ.start, occ.end, occ.all_day, occ.timezone, occ.status),
        )
    )


def event(
    conn: Conn,
    *,
    institution_id: int,
    texts: Mapping[str, tuple[str, str | None]],
    occurrences: Iterable[Occ | datetime] = (),
    place_id: int | None = None,
    categories: Iterable[str] = (),
    status: str = "scheduled",
    attendance_mode: str = "offline",
    timezone: str = "Europe/Luxembourg",
    url: str | None = None,
    image_url: str | None = None,
    is_free: bool | None = None,
    accessibility: Sequence[str] = (),
    updated_at: datetime | None = None,
    deleted_at: datetime | None = None,
    price: Mapping[str, Any] | None = None,
    rrule: str | None = None,
    provenance: Mapping[str, int] | None = None,
) -> int:
    """An event with its texts ({lang: (title, description html)}, source language first)."""
    dates = [o if isinstance(o, Occ) else Occ(o, o + timedelta(hours=2)) for o in occurrences]
    first_start = min((d.start for d in dates), default=None)
    last_end = max(((d.end or d.start) for d in dates), default=None)
    event_id = int(
        _scalar(
            conn,
            "insert into event (institution_id, place_id, status, attendance_mode, timezone,"
            " url, image_url, is_free, accessibility, languages, first_start, last_end,"
            " updated_at, deleted_at, price, rrule, provenance)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s,"
            " coalesce(%s, now()), %s, %s, %s, %s) returning id",
            (
                institution_id,
                place_id,
                status,
                attendance_mode,
                timezone,
                url,
                image_url,
                is_free,
                list(accessibility),
                list(texts),
                first_start,
                last_end,
                updated_at,
                deleted_at,
                None if price is None else Jsonb(dict(price)),
                rrule,
                Jsonb(dict(provenance or {})),
            ),
        )
    )
    for lang, (title, description) in texts.items():
        plain = _TAG.sub(" ", description or "")
        conn.execute(
            "insert into event_text (event_id, lang, title, description, search) values"
            " (%(id)s, %(lang)s, %(title)s, %(description)s,"
            " setweight(to_tsvector(%(config)s::regconfig, %(title_folded)s), 'A')"
            " || setweight(to_tsvector(%(config)s::regconfig, %(description_folded)s), 'B'))",
            {
                "id": event_id,
                "lang": lang,
                "title": title,
                "description": description,
                "config": search_config(lang),
                "title_folded": fold(title),
                "description_folded": fold(plain),
            },
        )
    for date in dates:
        occurrence(conn, event_id, date)
    for category_id in categories:
        conn.execute(
            "insert into event_category (event_id, category_id) values (%s, %s)",
            (event_id, category_id),
        )
    return event_id


def source(
    conn: Conn,
    *,
    institution_id: int,
    url: str,
    format: str = "ics",
    kind: str = "feed",
) -> int:
    return int(
        _scalar(
            conn,
            "insert into source (institution_id, format, url, kind) values (%s, %s, %s, %s)"
            " returning id",
            (institution_id, format, url, kind),
        )
    )


def source_event(
    conn: Conn,
    *,
    source_id: int,
    event_id: int,
    external_id: str,
    seen: datetime | None = None,
    removed_at: datetime | None = None,
) -> int:
    return int(
        _scalar(
            conn,
            "insert into source_event (source_id, external_id, content_hash, payload, event_id,"
            " first_seen, last_seen, removed_at)"
            " values (%s, %s, 'h', '{}', %s, coalesce(%s, now()), coalesce(%s, now()), %s)"
            " returning id",
            (source_id, external_id, event_id, seen, seen, removed_at),
        )
    )
