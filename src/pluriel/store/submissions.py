"""Rows behind direct submissions: the institution's own sources, submissions, audit.

An institution's direct entries reach the store like any feed, through a
source of kind ``submission`` (merge precedence: submission > feed >
scrape). Each institution has two such sources, created on first use and
never crawled (``enabled = false``):

- ``submission:<slug>`` holds the events entered one by one (form, API);
- ``upload:<slug>`` holds the programme uploaded as a file (.ics, JSON-LD),
  so that a new upload is compared with the previous one.

Their ``format`` is ``jsonld`` (the shape closest to EventInput) and means
nothing else: nobody fetches ``submission:`` URLs.

A submission row is one per (institution, external id), edited in place:
what is waiting for review lives there; what is published lives in
``source_event``. Their history is the audit trail. Nothing here commits.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import psycopg

from pluriel.errors import PlurielError
from pluriel.model import SourceFormat, SourceSpec
from pluriel.store import registry

__all__ = [
    "AuditEntry",
    "EventOwner",
    "InstitutionInfo",
    "OccurrenceRef",
    "SourceItemRow",
    "Submission",
    "audit_trail",
    "ensure_own_source",
    "event_owner",
    "find_own_source",
    "find_submission",
    "get_submission",
    "institution_info",
    "item_payloads",
    "live_item_for_event",
    "load_place",
    "occurrence_ref",
    "own_items_of_event",
    "pending_submissions",
    "record_audit",
    "save_submission",
    "set_submission_status",
    "source_item",
    "submissions_of",
]

Conn = psycopg.Connection[dict[str, Any]]

#: The two kinds of own source, by URL scheme.
OWN_SOURCES = ("submission", "upload")


@dataclass(frozen=True, slots=True)
class InstitutionInfo:
    id: int
    slug: str
    country: str
    region: str | None
    trust: str


def institution_info(conn: Conn, institution_id: int) -> InstitutionInfo | None:
    row = conn.execute(
        "select id, slug, country, region, trust from institution where id = %s",
        (institution_id,),
    ).fetchone()
    return InstitutionInfo(**row) if row else None


def _own_url(scheme: str, slug: str) -> str:
    if scheme not in OWN_SOURCES:
        raise PlurielError(f"unknown own source {scheme!r}")
    return f"{scheme}:{slug}"


def find_own_source(conn: Conn, institution: InstitutionInfo, scheme: str) -> SourceSpec | None:
    """The institution's ``submission:`` or ``upload:`` source, when it exists (writes nothing)."""
    row = conn.execute(
        "select id from source where institution_id = %s and format = %s and url = %s",
        (institution.id, SourceFormat.JSONLD.value, _own_url(scheme, institution.slug)),
    ).fetchone()
    if row is None:
        return None
    (spec,) = registry.load_sources(conn, ids=[row["id"]])
    return spec


def ensure_own_source(conn: Conn, institution: InstitutionInfo, scheme: str) -> SourceSpec:
    """The institution's own source, created (disabled: never crawled) on first use."""
    found = find_own_source(conn, institution, scheme)
    if found is not None:
        return found
    source_id = registry.add_source(
        conn,
        institution_id=institution.id,
        format=SourceFormat.JSONLD,
        url=_own_url(scheme, institution.slug),
        kind="submission",
        name=f"{scheme}s of {institution.slug}",
    )
    conn.execute(
        "update source set enabled = false, next_due_at = 'infinity' where id = %s", (source_id,)
    )
    (spec,) = registry.load_sources(conn, ids=[source_id])
    return spec


@dataclass(frozen=True, slots=True)
class SourceItemRow:
    id: int
    source_id: int
    external_id: str
    content_hash: str
    payload: dict[str, Any]
    event_id: int | None
    removed_at: datetime | None


_ITEM_COLUMNS = "id, source_id, external_id, content_hash, payload, event_id, removed_at"


def source_item(conn: Conn, source_id: int, external_id: str) -> SourceItemRow | None:
    row = conn.execute(
        f"select {_ITEM_COLUMNS} from source_event where source_id = %s and external_id = %s",
        (source_id, external_id),
    ).fetchone()
    return SourceItemRow(**row) if row else None


def item_payloads(conn: Conn, item_ids: list[int]) -> dict[int, dict[str, Any]]:
    if not item_ids:
        return {}
    rows = conn.execute(
        "select id, payload from source_event where id = any(%s)", (item_ids,)
    ).fetchall()
    return {row["id"]: row["payload"] for row in rows}


def live_item_for_event(conn: Conn, source_id: int, event_id: int) -> SourceItemRow | None:
    row = conn.execute(
        f"select {_ITEM_COLUMNS} from source_event where source_id = %s and event_id = %s"
        " and removed_at is null order by id limit 1",
        (source_id, event_id),
    ).fetchone()
    return SourceItemRow(**row) if row else None


def own_items_of_event(conn: Conn, institution_id: int, event_id: int) -> list[SourceItemRow]:
    """Live items of the event in the institution's own (submission-kind) sources."""
    rows = conn.execute(
        f"select {', '.join('se.' + c.strip() for c in _ITEM_COLUMNS.split(','))}"
        " from source_event se join source s on s.id = se.source_id"
        " where se.event_id = %s and se.removed_at is null and s.kind = 'submission'"
        " and s.institution_id = %s order by se.id",
        (event_id, institution_id),
    ).fetchall()
    return [SourceItemRow(**row) for row in rows]


@dataclass(frozen=True, slots=True)
class EventOwner:
    id: int
    institution_id: int
    status: str
    deleted: bool


def event_owner(conn: Conn, event_id: int) -> EventOwner | None:
    row = conn.execute(
        "select id, institution_id, status, deleted_at is not null as deleted from event"
        " where id = %s",
        (event_id,),
    ).fetchone()
    return EventOwner(**row) if row else None


@dataclass(frozen=True, slots=True)
class OccurrenceRef:
    id: int
    event_id: int
    key: str  # the occurrence's identity in payloads (recurrence id, else UTC start)
    status: str
    starts_at: datetime


def occurrence_ref(conn: Conn, occurrence_id: int) -> OccurrenceRef | None:
    row = conn.execute(
        "select id, event_id, status, starts_at, recurrence_id from occurrence where id = %s",
        (occurrence_id,),
    ).fetchone()
    if row is None:
        return None
    key = row["recurrence_id"] or row["starts_at"].astimezone(UTC).isoformat()
    return OccurrenceRef(row["id"], row["event_id"], str(key), row["status"], row["starts_at"])


def load_place(conn: Conn, place_id: int) -> dict[str, Any] | None:
    """A stored place (followed through merges), as submissions describe one."""
    row = conn.execute(
        """
        with recursive chain (id, merged_into, depth) as (
            select id, merged_into, 0 from place where id = %s
            union all
            select p.id, p.merged_into, c.depth + 1 from place p
              join chain c on p.id = c.merged_into where c.depth < 10
        )
        select p.id, p.name, p.street, p.postal_code, p.locality, p.country, p.lat, p.lon
          from place p
         where p.id = (select id from chain where merged_into is null limit 1)
        """,
        (place_id,),
    ).fetchone()
    return dict(row) if row else None


@dataclass(frozen=True, slots=True)
class Submission:
    id: int
    institution_id: int
    account_id: int | None
    event_id: int | None
    external_id: str | None
    kind: str
    payload: dict[str, Any]
    status: str
    reason: str | None
    content_hash: str | None
    actor: str | None
    moderated_by: str | None
    moderated_at: datetime | None
    created_at: datetime
    updated_at: datetime


_SUBMISSION_COLUMNS = """
    id, institution_id, account_id, event_id, external_id, kind, payload, status, reason,
    content_hash, actor, moderated_by, moderated_at, created_at, updated_at
"""


def get_submission(conn: Conn, submission_id: int, *, lock: bool = False) -> Submission | None:
    row = conn.execute(
        f"select {_SUBMISSION_COLUMNS} from submission where id = %s"
        + (" for update" if lock else ""),
        (submission_id,),
    ).fetchone()
    return Submission(**row) if row else None


def find_submission(
    conn: Conn, institution_id: int, external_id: str, *, lock: bool = False
) -> Submission | None:
    row = conn.execute(
        f"select {_SUBMISSION_COLUMNS} from submission"
        " where institution_id = %s and external_id = %s and kind = 'event'"
        + (" for update" if lock else ""),
        (institution_id, external_id),
    ).fetchone()
    return Submission(**row) if row else None


def save_submission(
    conn: Conn,
    *,
    institution_id: int,
    kind: str,
    external_id: str | None,
    payload: Mapping[str, Any],
    content_hash: str,
    status: str,
    event_id: int | None,
    actor: str,
    account_id: int | None,
    now: datetime,
) -> Submission:
    """Insert, or (for an event already submitted) replace what waits or was published."""
    params = (
        institution_id,
        account_id,
        event_id,
        external_id,
        kind,
        json.dumps(payload, ensure_ascii=False),
        status,
        content_hash,
        actor,
        now,
        now,
    )
    if kind == "event":
        sql = f"""
            insert into submission (institution_id, account_id, event_id, external_id, kind,
                                    payload, status, content_hash, actor, created_at, updated_at)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            on conflict (institution_id, external_id) where kind = 'event' do update
               set account_id = excluded.account_id,
                   event_id = coalesce(excluded.event_id, submission.event_id),
                   payload = excluded.payload, status = excluded.status, reason = null,
                   content_hash = excluded.content_hash, actor = excluded.actor,
                   moderated_by = null, moderated_at = null, updated_at = excluded.updated_at
            returning {_SUBMISSION_COLUMNS}
        """
    else:
        sql = f"""
            insert into submission (institution_id, account_id, event_id, external_id, kind,
                                    payload, status, content_hash, actor, created_at, updated_at)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)
            returning {_SUBMISSION_COLUMNS}
        """
    row = conn.execute(sql, params).fetchone()
    if row is None:  # pragma: no cover
        raise PlurielError("submission upsert returned nothing")
    return Submission(**row)


def set_submission_status(
    conn: Conn,
    submission_id: int,
    *,
    status: str,
    moderator: str,
    now: datetime,
    reason: str | None = None,
    event_id: int | None = None,
) -> Submission:
    row = conn.execute(
        f"""
        update submission set status = %s, reason = %s, moderated_by = %s, moderated_at = %s,
               event_id = coalesce(%s, event_id), updated_at = %s
         where id = %s
        returning {_SUBMISSION_COLUMNS}
        """,
        (status, reason, moderator, now, event_id, now, submission_id),
    ).fetchone()
    if row is None:
        raise PlurielError(f"no submission {submission_id}")
    return Submission(**row)


def pending_submissions(conn: Conn, *, region: str | None = None) -> list[Submission]:
    """The moderation queue, oldest first; ``region`` is the institution's region or country."""
    rows = conn.execute(
        f"""
        select {", ".join("s." + c.strip() for c in _SUBMISSION_COLUMNS.split(","))}
          from submission s join institution i on i.id = s.institution_id
         where s.status = 'pending'
           and (%s::text is null or i.region = %s or i.country = %s)
         order by s.created_at, s.id
        """,
        (region, region, region),
    ).fetchall()
    return [Submission(**row) for row in rows]


def submissions_of(conn: Conn, institution_id: int) -> list[Submission]:
    rows = conn.execute(
        f"select {_SUBMISSION_COLUMNS} from submission where institution_id = %s"
        " order by updated_at desc, id desc",
        (institution_id,),
    ).fetchall()
    return [Submission(**row) for row in rows]


@dataclass(frozen=True, slots=True)
class AuditEntry:
    id: int
    at: datetime
    actor: str
    action: str
    entity: str
    entity_id: int | None
    before: Any
    after: Any


def record_audit(
    conn: Conn,
    *,
    actor: str,
    action: str,
    entity: str,
    entity_id: int | None,
    before: Any,
    after: Any,
    now: datetime,
) -> None:
    conn.execute(
        "insert into audit (at, actor, action, entity, entity_id, before, after)"
        " values (%s, %s, %s, %s, %s, %s, %s)",
        (
            now,
            actor,
            action,
            entity,
            entity_id,
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        ),
    )


def audit_trail(
    conn: Conn, *, entity: str | None = None, entity_id: int | None = None
) -> list[AuditEntry]:
    rows = conn.execute(
        "select id, at, actor, action, entity, entity_id, before, after from audit"
        " where (%s::text is null or entity = %s) and (%s::bigint is null or entity_id = %s)"
        " order by id",
        (entity, entity, entity_id, entity_id),
    ).fetchall()
    return [AuditEntry(**row) for row in rows]
