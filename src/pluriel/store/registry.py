"""Institutions, sources and source runs: the registry the crawl loop works from."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import psycopg

from pluriel.errors import PlurielError
from pluriel.model import SourceFormat, SourceSpec

__all__ = [
    "Institution",
    "RunRecord",
    "SourceStatus",
    "add_institution",
    "add_source",
    "find_source_by_path",
    "finish_run",
    "get_institution",
    "list_source_status",
    "load_sources",
    "relocate_source",
    "schedule_source",
    "start_run",
]

Conn = psycopg.Connection[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Institution:
    id: int
    slug: str
    name: str
    country: str
    trust: str


def add_institution(
    conn: Conn,
    slug: str,
    *,
    name: str,
    country: str,
    trust: str = "standard",
    website: str | None = None,
) -> Institution:
    """Create the institution, or update its name, country and trust if it exists."""
    row = conn.execute(
        """
        insert into institution (slug, name, country, trust, website)
        values (%s, %s, %s, %s, %s)
        on conflict (slug) do update
           set name = excluded.name, country = excluded.country,
               trust = excluded.trust, website = coalesce(excluded.website, institution.website)
        returning id, slug, name, country, trust
        """,
        (slug, name, country.upper(), trust, website),
    ).fetchone()
    if row is None:  # pragma: no cover - returning always yields a row
        raise PlurielError("institution upsert returned nothing")
    return Institution(**row)


def get_institution(conn: Conn, slug: str) -> Institution | None:
    row = conn.execute(
        "select id, slug, name, country, trust from institution where slug = %s", (slug,)
    ).fetchone()
    return Institution(**row) if row else None


def add_source(
    conn: Conn,
    *,
    institution_id: int,
    format: SourceFormat,
    url: str,
    lang: str = "und",
    timezone: str = "Europe/Luxembourg",
    kind: str = "feed",
    name: str | None = None,
    refresh_interval: timedelta = timedelta(hours=6),
    licence: str | None = None,
) -> int:
    """Register a source (idempotent on institution, format and URL); return its id."""
    row = conn.execute(
        """
        insert into source (institution_id, format, url, lang, timezone, kind, name,
                            refresh_interval, licence)
        values (%s, %s, %s, %s, %s, %s, %s, %s, %s)
        on conflict (institution_id, format, url) do update
           set lang = excluded.lang, timezone = excluded.timezone, kind = excluded.kind,
               name = excluded.name, enabled = true
        returning id
        """,
        (institution_id, format.value, url, lang, timezone, kind, name, refresh_interval, licence),
    ).fetchone()
    if row is None:  # pragma: no cover
        raise PlurielError("source upsert returned nothing")
    return int(row["id"])


_SPEC_COLUMNS = """
    id, institution_id, format, url, kind, lang, timezone, refresh_interval, etag,
    last_modified, checkpoint, last_item_count, name
"""


def _spec(row: dict[str, Any]) -> SourceSpec:
    return SourceSpec(
        id=row["id"],
        institution_id=row["institution_id"],
        format=SourceFormat(row["format"]),
        url=row["url"],
        kind=row["kind"],
        lang=row["lang"],
        timezone=row["timezone"],
        refresh_interval=row["refresh_interval"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        checkpoint=row["checkpoint"],
        last_item_count=row["last_item_count"],
        name=row["name"],
    )


def load_sources(
    conn: Conn, *, ids: list[int] | None = None, due_at: datetime | None = None
) -> list[SourceSpec]:
    """Enabled sources: all, the given ids, or those due at ``due_at``."""
    if ids:
        rows = conn.execute(
            f"select {_SPEC_COLUMNS} from source where id = any(%s) order by id", (ids,)
        ).fetchall()
    elif due_at is not None:
        rows = conn.execute(
            f"select {_SPEC_COLUMNS} from source where enabled and next_due_at <= %s order by id",
            (due_at,),
        ).fetchall()
    else:
        rows = conn.execute(
            f"select {_SPEC_COLUMNS} from source where enabled order by id"
        ).fetchall()
    return [_spec(row) for row in rows]


def schedule_source(
    conn: Conn,
    source_id: int,
    *,
    next_due_at: datetime,
    etag: str | None = None,
    last_modified: str | None = None,
    checkpoint: str | None = None,
    item_count: int | None = None,
) -> None:
    """After a run: when to come back, and the validators for a conditional GET."""
    conn.execute(
        """
        update source set next_due_at = %s,
               etag = coalesce(%s, etag), last_modified = coalesce(%s, last_modified),
               checkpoint = coalesce(%s, checkpoint),
               last_item_count = coalesce(%s, last_item_count)
         where id = %s
        """,
        (next_due_at, etag, last_modified, checkpoint, item_count, source_id),
    )


@dataclass(frozen=True, slots=True, kw_only=True)
class RunRecord:
    status: str
    http_status: int | None = None
    item_count: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    errors: int = 0
    error: str | None = None
    item_errors: tuple[dict[str, Any], ...] = ()


def start_run(conn: Conn, source_id: int, *, started_at: datetime) -> int:
    """Open a run; a run of this source left ``running`` (its process or database died) fails."""
    conn.execute(
        "update source_run set status = 'failed', finished_at = %s,"
        " error = 'interrupted: the crawl or the database stopped before the run was recorded'"
        " where source_id = %s and status = 'running'",
        (started_at, source_id),
    )
    row = conn.execute(
        "insert into source_run (source_id, started_at, status) values (%s, %s, 'running')"
        " returning id",
        (source_id, started_at),
    ).fetchone()
    if row is None:  # pragma: no cover
        raise PlurielError("source_run insert returned nothing")
    return int(row["id"])


def finish_run(conn: Conn, run_id: int, record: RunRecord, *, finished_at: datetime) -> None:
    conn.execute(
        """
        update source_run set finished_at = %s, status = %s, http_status = %s,
               item_count = %s, new_count = %s, updated_count = %s, unchanged_count = %s,
               removed_count = %s, error_count = %s, error = %s, item_errors = %s
         where id = %s
        """,
        (
            finished_at,
            record.status,
            record.http_status,
            record.item_count,
            record.new,
            record.updated,
            record.unchanged,
            record.removed,
            record.errors,
            record.error,
            json.dumps(list(record.item_errors), ensure_ascii=False),
            run_id,
        ),
    )


@dataclass(frozen=True, slots=True)
class SourceStatus:
    id: int
    institution: str
    format: str
    url: str
    enabled: bool
    next_due_at: datetime
    last_status: str | None
    last_finished_at: datetime | None
    last_counts: dict[str, int]
    last_error: str | None
    live_items: int


def list_source_status(conn: Conn) -> list[SourceStatus]:
    rows = conn.execute(
        """
        select s.id, i.slug as institution, s.format, s.url, s.enabled, s.next_due_at,
               r.status, r.finished_at, r.new_count, r.updated_count, r.unchanged_count,
               r.removed_count, r.error_count, r.error,
               (select count(*) from source_event se
                 where se.source_id = s.id and se.removed_at is null) as live_items
          from source s
          join institution i on i.id = s.institution_id
          left join lateral (
               select * from source_run r where r.source_id = s.id order by r.id desc limit 1
          ) r on true
         order by s.id
        """
    ).fetchall()
    return [
        SourceStatus(
            id=row["id"],
            institution=row["institution"],
            format=row["format"],
            url=row["url"],
            enabled=row["enabled"],
            next_due_at=row["next_due_at"],
            last_status=row["status"],
            last_finished_at=row["finished_at"],
            last_counts={
                key: row[f"{key}_count"] or 0
                for key in ("new", "updated", "unchanged", "removed", "error")
            },
            last_error=row["error"],
            live_items=row["live_items"],
        )
        for row in rows
    ]


def relocate_source(conn: Conn, source_id: int, url: str) -> None:
    """Point a source at a new URL; validators and checkpoints of the old address are dropped."""
    conn.execute(
        "update source set url = %s, etag = null, last_modified = null, checkpoint = null"
        " where id = %s and url <> %s",
        (url, source_id, url),
    )


def find_source_by_path(
    conn: Conn, *, institution_id: int, format: SourceFormat, path: str
) -> int | None:
    """The source of this institution and format whose URL ends with ``path``."""
    rows = conn.execute(
        "select id, url from source where institution_id = %s and format = %s order by id",
        (institution_id, format.value),
    ).fetchall()
    for row in rows:
        if row["url"].split("://", 1)[-1].partition("/")[2] == path.lstrip("/"):
            return int(row["id"])
    return None
