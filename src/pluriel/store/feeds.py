"""Rows behind the open feeds: whole events with everything an exporter writes.

A feed is built from a handful of statements whatever its length: the page
of events (the same query and filter as the GraphQL ``events`` listing),
then one batch each for texts, dates, places, categories and institutions.

The RPDE feed reads the ``change`` log as "latest state per event": each
event appears once, at the position of its last change, ordered by (writing
transaction, event id). Like ``read.changes_page`` it only reads rows of
transactions older than every one still running, so a transaction that
commits late holds the feed back instead of landing behind a reader's
position. Deleted events stay in the feed as ``deleted`` items for as long
as the change log keeps them (this code never prunes it; pruning must keep
at least 7 days, as OpenActive asks).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import AsyncConnection, sql

from pluriel.store import read

__all__ = [
    "FeedBundle",
    "FeedOccurrenceRow",
    "RpdeKey",
    "RpdeRow",
    "bundle_of",
    "event_bundle",
    "feed_bundle",
    "rpde_page",
]

Conn = AsyncConnection[Any]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedOccurrenceRow:
    id: int
    event_id: int
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    timezone: str
    status: str
    availability: str | None
    recurrence_id: str | None
    previous_start: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class FeedBundle:
    """Events in feed order, and what they refer to, by id."""

    events: list[read.EventRow]
    texts: dict[int, list[read.TextRow]]
    occurrences: dict[int, list[FeedOccurrenceRow]]
    places: dict[int, read.PlaceRow]
    categories: dict[int, list[read.CategoryRow]]
    institutions: dict[int, read.InstitutionRow]


async def feed_bundle(conn: Conn, flt: read.ReadFilter, *, limit: int) -> FeedBundle:
    """The first ``limit`` events of the filter, as the ``events`` listing orders them."""
    page = await read.events_page(conn, flt, first=limit)
    return await _bundle(conn, page.rows)


async def event_bundle(conn: Conn, event_id: int) -> FeedBundle | None:
    bundle = await bundle_of(conn, [event_id])
    return bundle if bundle.events else None


async def bundle_of(conn: Conn, event_ids: Sequence[int]) -> FeedBundle:
    """Live events by id, in the order given; deleted and unknown ids are left out."""
    found = await read.events_by_ids(conn, event_ids)
    return await _bundle(conn, [found[i] for i in event_ids if i in found])


async def _bundle(conn: Conn, events: list[read.EventRow]) -> FeedBundle:
    ids = [e.id for e in events]
    place_ids = sorted({e.place_id for e in events if e.place_id is not None})
    institution_ids = sorted({e.institution_id for e in events})
    return FeedBundle(
        events=events,
        texts=await read.texts_for_events(conn, ids),
        occurrences=await _occurrences(conn, ids),
        places=await read.places_by_ids(conn, place_ids),
        categories=await read.categories_for_events(conn, ids),
        institutions=await read.institutions_by_ids(conn, institution_ids),
    )


async def _occurrences(conn: Conn, event_ids: Sequence[int]) -> dict[int, list[FeedOccurrenceRow]]:
    """Every date of the events, past ones included: a series is exported whole."""
    statement = sql.SQL(
        "select id, event_id, starts_at, ends_at, all_day, timezone, status, availability,"
        " recurrence_id, previous_start from occurrence"
        " where event_id = any(%(ids)s::bigint[]) order by event_id, starts_at, id"
    )
    async with conn.cursor() as cur:
        await cur.execute(statement, {"ids": list(event_ids)})
        rows = await cur.fetchall()
    grouped: dict[int, list[FeedOccurrenceRow]] = {}
    for row in rows:
        values = row if isinstance(row, dict) else dict(zip(_OCCURRENCE_FIELDS, row, strict=True))
        occurrence = FeedOccurrenceRow(**values)
        grouped.setdefault(occurrence.event_id, []).append(occurrence)
    return grouped


_OCCURRENCE_FIELDS = (
    "id",
    "event_id",
    "starts_at",
    "ends_at",
    "all_day",
    "timezone",
    "status",
    "availability",
    "recurrence_id",
    "previous_start",
)


@dataclass(frozen=True, slots=True)
class RpdeKey:
    """Position in the RPDE feed: the writing transaction (RPDE's ``modified``), then the id."""

    modified: int
    id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class RpdeRow:
    id: int
    state: str
    modified: int
    changed_at: datetime

    @property
    def key(self) -> RpdeKey:
        return RpdeKey(self.modified, self.id)


async def rpde_page(conn: Conn, *, limit: int, after: RpdeKey | None = None) -> list[RpdeRow]:
    """Each event's last committed change after ``after``, by (transaction, event id).

    An event whose last change is ``updated`` but which is soft-deleted now
    (its delete is still in an open transaction's future) reads as deleted.
    """
    params: dict[str, Any] = {"limit": limit}
    where: sql.Composable = sql.SQL("true")
    if after is not None:
        params.update(a_txid=str(after.modified), a_id=after.id)
        where = sql.SQL("(c.txid, c.entity_id) > (%(a_txid)s::xid8, %(a_id)s)")
    statement = sql.SQL(
        "with horizon as (select pg_snapshot_xmin(pg_current_snapshot()) as xmin)"
        " select c.entity_id as id,"
        " case when c.state = 'deleted' or e.id is null or e.deleted_at is not null"
        " then 'deleted' else 'updated' end as state,"
        " c.txid::text::bigint as modified, c.modified as changed_at"
        " from change c cross join horizon h left join event e on e.id = c.entity_id"
        " where c.kind = 'event' and c.txid < h.xmin and {where}"
        " and not exists (select 1 from change c2 where c2.kind = 'event'"
        " and c2.entity_id = c.entity_id and c2.txid < h.xmin"
        " and (c2.txid, c2.seq) > (c.txid, c.seq))"
        " order by c.txid, c.entity_id limit %(limit)s"
    ).format(where=where)
    async with conn.cursor() as cur:
        await cur.execute(statement, params)
        rows = await cur.fetchall()
    fields = ("id", "state", "modified", "changed_at")
    return [
        RpdeRow(**(row if isinstance(row, dict) else dict(zip(fields, row, strict=True))))
        for row in rows
    ]
