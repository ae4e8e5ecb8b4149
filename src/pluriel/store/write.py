"""Writes for the aggregator, the only writer of events. Batched: one statement per kind of row.

Every function takes an open connection inside the caller's transaction;
none commits.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

__all__ = [
    "EventRow",
    "OccurrenceRow",
    "SourceItem",
    "TextRow",
    "cancel_future_occurrences",
    "create_events",
    "insert_source_items",
    "live_payloads",
    "load_occurrences",
    "load_source_items",
    "mark_items_removed",
    "merge_place",
    "record_changes",
    "replace_categories",
    "replace_texts",
    "update_events",
    "update_source_items",
    "upsert_categories",
    "upsert_occurrences",
]

Conn = psycopg.Connection[dict[str, Any]]

#: text-search configuration per stored language; everything else uses simple.
SEARCH_CONFIG = {"fr": "french", "de": "german", "en": "english", "nl": "dutch"}


@dataclass(frozen=True, slots=True)
class SourceItem:
    id: int
    external_id: str
    content_hash: str
    event_id: int | None
    removed_at: datetime | None


def load_source_items(conn: Conn, source_id: int) -> dict[str, SourceItem]:
    rows = conn.execute(
        "select id, external_id, content_hash, event_id, removed_at"
        " from source_event where source_id = %s",
        (source_id,),
    ).fetchall()
    return {row["external_id"]: SourceItem(**row) for row in rows}


def insert_source_items(
    conn: Conn,
    source_id: int,
    items: Sequence[tuple[str, str, dict[str, Any], int]],
    *,
    now: datetime,
) -> None:
    """(external_id, hash, payload, event_id) rows for items seen for the first time."""
    with conn.cursor() as cur:
        cur.executemany(
            "insert into source_event (source_id, external_id, content_hash, payload, event_id,"
            " first_seen, last_seen) values (%s, %s, %s, %s, %s, %s, %s)",
            [
                (
                    source_id,
                    ext,
                    digest,
                    json.dumps(payload, ensure_ascii=False),
                    event_id,
                    now,
                    now,
                )
                for ext, digest, payload, event_id in items
            ],
        )


def update_source_items(
    conn: Conn, items: Sequence[tuple[int, str, dict[str, Any]]], *, now: datetime
) -> None:
    """(source_event id, hash, payload) for items whose content changed or came back."""
    with conn.cursor() as cur:
        cur.executemany(
            "update source_event set content_hash = %s, payload = %s, last_seen = %s,"
            " removed_at = null, missing_runs = 0 where id = %s",
            [
                (digest, json.dumps(payload, ensure_ascii=False), now, item_id)
                for item_id, digest, payload in items
            ],
        )


def mark_items_removed(conn: Conn, item_ids: Sequence[int], *, now: datetime) -> None:
    conn.execute(
        "update source_event set removed_at = %s, missing_runs = missing_runs + 1"
        " where id = any(%s)",
        (now, list(item_ids)),
    )


def create_events(conn: Conn, institution_id: int, count: int, *, timezone: str) -> list[int]:
    """Reserve ``count`` event rows (filled by :func:`update_events` in the same transaction)."""
    if count == 0:
        return []
    rows = conn.execute(
        "insert into event (institution_id, timezone)"
        " select %s, %s from generate_series(1, %s) returning id",
        (institution_id, timezone, count),
    ).fetchall()
    return [int(row["id"]) for row in rows]


def live_payloads(conn: Conn, event_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    """Every live source payload of the events, with its source's kind and institution."""
    rows = conn.execute(
        """
        select se.event_id, se.id as item_id, se.source_id, s.kind, s.institution_id,
               se.payload
          from source_event se join source s on s.id = se.source_id
         where se.event_id = any(%s) and se.removed_at is null
         order by se.event_id, se.id
        """,
        (list(event_ids),),
    ).fetchall()
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["event_id"], []).append(row)
    return out


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    id: int
    institution_id: int
    place_id: int | None
    status: str
    attendance_mode: str
    timezone: str
    rrule: str | None
    url: str | None
    booking_url: str | None
    image_url: str | None
    online_url: str | None
    price: dict[str, Any] | None
    is_free: bool | None
    accessibility: list[str]
    age_min: int | None
    age_max: int | None
    languages: list[str]
    tags: list[str]
    provenance: dict[str, int]
    first_start: datetime | None
    last_end: datetime | None
    deleted: bool = False


def update_events(conn: Conn, rows: Sequence[EventRow], *, now: datetime) -> None:
    with conn.cursor() as cur:
        cur.executemany(
            """
            update event set institution_id = %s, place_id = %s, status = %s,
                   attendance_mode = %s, timezone = %s, rrule = %s, url = %s,
                   booking_url = %s, image_url = %s, online_url = %s, price = %s,
                   is_free = %s, accessibility = %s, age_min = %s, age_max = %s,
                   languages = %s, tags = %s, provenance = %s, first_start = %s,
                   last_end = %s, updated_at = %s,
                   deleted_at = case when %s then coalesce(deleted_at, %s) else null end
             where id = %s
            """,
            [
                (
                    r.institution_id,
                    r.place_id,
                    r.status,
                    r.attendance_mode,
                    r.timezone,
                    r.rrule,
                    r.url,
                    r.booking_url,
                    r.image_url,
                    r.online_url,
                    None if r.price is None else json.dumps(r.price, ensure_ascii=False),
                    r.is_free,
                    r.accessibility,
                    r.age_min,
                    r.age_max,
                    r.languages,
                    r.tags,
                    json.dumps(r.provenance),
                    r.first_start,
                    r.last_end,
                    now,
                    r.deleted,
                    now,
                    r.id,
                )
                for r in rows
            ],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class TextRow:
    event_id: int
    lang: str
    title: str
    description: str | None
    title_folded: str
    description_folded: str


def replace_texts(conn: Conn, event_ids: Sequence[int], rows: Sequence[TextRow]) -> None:
    """Texts of the events, with their search vectors (folded text, per-language stemming)."""
    conn.execute("delete from event_text where event_id = any(%s)", (list(event_ids),))
    with conn.cursor() as cur:
        cur.executemany(
            """
            insert into event_text (event_id, lang, title, description, search)
            values (%s, %s, %s, %s,
                    setweight(to_tsvector(%s::regconfig, %s), 'A')
                    || setweight(to_tsvector(%s::regconfig, %s), 'B'))
            """,
            [
                (
                    r.event_id,
                    r.lang,
                    r.title,
                    r.description,
                    SEARCH_CONFIG.get(r.lang, "simple"),
                    r.title_folded,
                    SEARCH_CONFIG.get(r.lang, "simple"),
                    r.description_folded,
                )
                for r in rows
            ],
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class OccurrenceRow:
    event_id: int
    key: str
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    floating: bool
    timezone: str
    status: str
    availability: str | None
    recurrence_id: str | None
    previous_start: datetime | None


def load_occurrences(conn: Conn, event_ids: Sequence[int]) -> dict[int, list[dict[str, Any]]]:
    rows = conn.execute(
        "select id, event_id, starts_at, ends_at, all_day, floating, timezone, status,"
        " availability, recurrence_id, previous_start from occurrence"
        " where event_id = any(%s) order by event_id, starts_at",
        (list(event_ids),),
    ).fetchall()
    out: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        out.setdefault(row["event_id"], []).append(row)
    return out


def upsert_occurrences(
    conn: Conn, inserts: Sequence[OccurrenceRow], updates: Sequence[tuple[int, OccurrenceRow]]
) -> None:
    """New occurrences are copied in; changed ones updated in place (ids stay stable)."""
    if inserts:
        with (
            conn.cursor() as cur,
            cur.copy(
                "copy occurrence (event_id, starts_at, ends_at, all_day, floating, timezone,"
                " status, availability, recurrence_id, previous_start) from stdin"
            ) as copy,
        ):
            for r in inserts:
                copy.write_row(
                    (
                        r.event_id,
                        r.starts_at,
                        r.ends_at,
                        r.all_day,
                        r.floating,
                        r.timezone,
                        r.status,
                        r.availability,
                        r.recurrence_id,
                        r.previous_start,
                    )
                )
    if updates:
        with conn.cursor() as cur:
            cur.executemany(
                "update occurrence set starts_at = %s, ends_at = %s, all_day = %s,"
                " floating = %s, timezone = %s, status = %s, availability = %s,"
                " recurrence_id = %s, previous_start = %s where id = %s",
                [
                    (
                        r.starts_at,
                        r.ends_at,
                        r.all_day,
                        r.floating,
                        r.timezone,
                        r.status,
                        r.availability,
                        r.recurrence_id,
                        r.previous_start,
                        occ_id,
                    )
                    for occ_id, r in updates
                ],
            )


def cancel_future_occurrences(conn: Conn, occurrence_ids: Iterable[int]) -> None:
    ids = list(occurrence_ids)
    if ids:
        conn.execute(
            "update occurrence set status = 'cancelled' where id = any(%s)"
            " and status <> 'cancelled'",
            (ids,),
        )


def upsert_categories(
    conn: Conn, rows: Iterable[tuple[str, str | None, dict[str, str], int]]
) -> None:
    """(id, parent_id, labels, position), parents first."""
    with conn.cursor() as cur:
        cur.executemany(
            "insert into category (id, parent_id, labels, position) values (%s, %s, %s, %s)"
            " on conflict (id) do update set parent_id = excluded.parent_id,"
            " labels = excluded.labels, position = excluded.position",
            [
                (cid, parent, json.dumps(labels, ensure_ascii=False), pos)
                for cid, parent, labels, pos in rows
            ],
        )


def replace_categories(
    conn: Conn, event_ids: Sequence[int], pairs: Sequence[tuple[int, str]]
) -> None:
    conn.execute("delete from event_category where event_id = any(%s)", (list(event_ids),))
    if pairs:
        with conn.cursor() as cur:
            cur.executemany(
                "insert into event_category (event_id, category_id)"
                " select %s, id from category where id = %s",
                list(pairs),
            )


def merge_place(conn: Conn, *, duplicate: int, keep: int, now: datetime) -> None:
    """Fold ``duplicate`` into ``keep``: names become aliases, events move, the old id stays."""
    conn.execute(
        """
        update place k set aliases = (
               select array(select distinct unnest(
                          k.aliases || d.aliases
                          || array(select value from jsonb_each_text(d.name))))
                 from place d where d.id = %(dup)s),
               lat = coalesce(k.lat, d.lat), lon = coalesce(k.lon, d.lon),
               street = coalesce(k.street, d.street),
               postal_code = coalesce(k.postal_code, d.postal_code), updated_at = %(now)s
          from place d where k.id = %(keep)s and d.id = %(dup)s
        """,
        {"dup": duplicate, "keep": keep, "now": now},
    )
    conn.execute(
        "update place set merged_into = %(keep)s, updated_at = %(now)s"
        " where id = %(dup)s or merged_into = %(dup)s",
        {"dup": duplicate, "keep": keep, "now": now},
    )
    moved = conn.execute(
        "update event set place_id = %s, updated_at = %s where place_id = %s returning id",
        (keep, now, duplicate),
    ).fetchall()
    record_changes(conn, "event", [(row["id"], "updated") for row in moved], now=now)
    record_changes(conn, "place", [(duplicate, "deleted"), (keep, "updated")], now=now)


def record_changes(
    conn: Conn, kind: str, changes: Sequence[tuple[int, str]], *, now: datetime
) -> None:
    """(entity id, 'updated' | 'deleted') rows for the sync feeds."""
    if changes:
        with conn.cursor() as cur:
            cur.executemany(
                "insert into change (kind, entity_id, state, modified) values (%s, %s, %s, %s)",
                [(kind, entity_id, state, now) for entity_id, state in changes],
            )
