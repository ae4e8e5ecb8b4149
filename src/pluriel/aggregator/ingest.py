"""One source run, one transaction: normalise, upsert by (source, external id), tombstone.

The rules that keep stored data safe:
- an unchanged item (same content hash) writes nothing, so re-reading an
  unchanged feed changes no row besides the run record;
- a feed that failed (transport, refusal, parse) or returned nothing where it
  had items keeps every stored event, and its run says why;
- a complete feed that shrank by more than half adds and updates but removes
  nothing, and its run is flagged ``suspicious``;
- an item that vanished from a complete feed (or that a change feed deletes)
  is tombstoned: its upcoming dates are cancelled, the event stays visible
  until its last date has passed, and no row is ever hard-deleted.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pluriel.aggregator import reference
from pluriel.aggregator.matching import PlaceResolver, find_duplicates
from pluriel.aggregator.merge import Composed, compose, parse_time
from pluriel.aggregator.normalise import Candidate, normalise, occurrence_key
from pluriel.aggregator.sanitise import html_to_text
from pluriel.model import FetchOutcome, ReadResult, SourceSpec, fold
from pluriel.store import registry, write
from pluriel.store.registry import RunRecord

__all__ = ["RunReport", "ingest_outcome", "ingest_result"]

log = logging.getLogger(__name__)
Conn = psycopg.Connection[dict[str, Any]]

RETRY_AFTER_FAILURE = timedelta(hours=1)


@dataclass(slots=True)
class RunReport:
    source_id: int
    run_id: int = 0
    status: str = "ok"
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0
    item_errors: list[dict[str, Any]] = field(default_factory=list)
    error: str | None = None
    items: int = 0

    @property
    def errors(self) -> int:
        return len(self.item_errors)

    def record(self, http_status: int | None) -> RunRecord:
        return RunRecord(
            status=self.status,
            http_status=http_status,
            item_count=self.items,
            new=self.new,
            updated=self.updated,
            unchanged=self.unchanged,
            removed=self.removed,
            errors=self.errors,
            error=self.error,
            item_errors=tuple(self.item_errors),
        )

    def summary(self) -> str:
        text = (
            f"source {self.source_id}: {self.status} — {self.new} new, {self.updated} updated,"
            f" {self.unchanged} unchanged, {self.removed} removed, {self.errors} errors"
        )
        return f"{text}; {self.error}" if self.error else text


def ingest_outcome(
    conn: Conn, spec: SourceSpec, outcome: FetchOutcome, *, now: datetime | None = None
) -> RunReport:
    """Apply one crawl outcome in one transaction and record the run. Never raises for bad data."""
    now = now or datetime.now(UTC)
    conn.commit()  # the run record must not share a transaction with the data
    run_id = registry.start_run(conn, spec.id, started_at=outcome.started_at)
    conn.commit()
    report = RunReport(source_id=spec.id, run_id=run_id)
    refresh = spec.refresh_interval
    try:
        with conn.transaction():
            if outcome.error is not None:
                report.status, report.error = "failed", outcome.error
                refresh = max(outcome.retry_after or RETRY_AFTER_FAILURE, RETRY_AFTER_FAILURE)
            elif outcome.not_modified:
                report.status = "unchanged"
                report.unchanged = spec.last_item_count or 0
            elif outcome.result is not None:
                ingest_result(
                    conn, spec, outcome.result, now=now, complete=outcome.complete, report=report
                )
                if outcome.result.meta.refresh_interval:
                    refresh = outcome.result.meta.refresh_interval
            else:
                report.status, report.error = "failed", "the crawl produced no result"
            registry.finish_run(conn, run_id, report.record(outcome.http_status), finished_at=now)
            ok = report.status in {"ok", "unchanged", "suspicious"}
            registry.schedule_source(
                conn,
                spec.id,
                next_due_at=now + refresh,
                etag=outcome.etag if ok else None,
                last_modified=outcome.last_modified if ok else None,
                checkpoint=outcome.checkpoint if ok else None,
                item_count=report.items if ok and outcome.result is not None else None,
            )
    except Exception as exc:  # whatever broke (the database included), record the run as failed
        log.exception("ingest of source %s failed", spec.id)
        conn.rollback()
        report = RunReport(
            source_id=spec.id, run_id=run_id, status="failed", error=f"ingest failed: {exc}"
        )
        with conn.transaction():
            registry.finish_run(conn, run_id, report.record(outcome.http_status), finished_at=now)
            registry.schedule_source(conn, spec.id, next_due_at=now + RETRY_AFTER_FAILURE)
    return report


def _candidates(spec: SourceSpec, result: ReadResult, report: RunReport) -> dict[str, Candidate]:
    report.item_errors.extend(
        {"external_id": e.external_id, "message": e.message, "line": e.line} for e in result.errors
    )
    out: dict[str, Candidate] = {}
    for event in result.events:
        try:
            candidate = normalise(event, spec)
        except (ValueError, TypeError, KeyError) as exc:
            report.item_errors.append(
                {
                    "external_id": event.external_id,
                    "message": f"could not normalise: {exc}",
                    "line": None,
                }
            )
            continue
        if candidate.external_id in out:
            report.item_errors.append(
                {
                    "external_id": event.external_id,
                    "line": None,
                    "message": "the same id appears twice in the feed; the last one was kept",
                }
            )
        out[candidate.external_id] = candidate
    return out


def ingest_result(
    conn: Conn,
    spec: SourceSpec,
    result: ReadResult,
    *,
    now: datetime,
    complete: bool = True,
    report: RunReport | None = None,
) -> RunReport:
    """Merge one read of a source into the store, inside the caller's transaction."""
    report = report or RunReport(source_id=spec.id)
    candidates = _candidates(spec, result, report)
    live = [c for c in candidates.values() if not c.deleted]
    report.items = len(live)
    existing = write.load_source_items(conn, spec.id)
    stored_live = sum(1 for item in existing.values() if item.removed_at is None)

    if complete and not live and stored_live:
        report.status = "failed"
        report.error = (
            f"the feed returned no events where {stored_live} were stored; kept the stored ones"
        )
        return report
    suspicious = complete and stored_live > 0 and len(live) * 2 < stored_live
    if suspicious:
        report.status = "suspicious"
        report.error = (
            f"the feed shrank from {stored_live} to {len(live)} events; nothing was removed"
        )

    reference.ensure_categories(conn)
    new: list[Candidate] = []
    changed: list[tuple[write.SourceItem, Candidate]] = []
    for candidate in live:
        item = existing.get(candidate.external_id)
        if item is None:
            new.append(candidate)
        elif item.content_hash != candidate.hash or item.removed_at is not None:
            changed.append((item, candidate))
        else:
            report.unchanged += 1

    resolver = PlaceResolver(conn)
    # A new item that another source already describes joins that event.
    joins = find_duplicates(conn, spec.id, new, resolver)
    fresh = [c for c in new if c.external_id not in joins]
    created = write.create_events(conn, spec.institution_id, len(fresh), timezone=spec.timezone)
    event_of = dict(joins) | {c.external_id: eid for c, eid in zip(fresh, created, strict=True)}
    event_ids = [event_of[c.external_id] for c in new]
    write.insert_source_items(
        conn,
        spec.id,
        [(c.external_id, c.hash, c.payload, event_of[c.external_id]) for c in new],
        now=now,
    )
    write.update_source_items(conn, [(i.id, c.hash, c.payload) for i, c in changed], now=now)
    report.new, report.updated = len(new), len(changed)

    gone: list[write.SourceItem] = []
    if complete and not suspicious:
        gone = [i for ext, i in existing.items() if i.removed_at is None and ext not in candidates]
    gone += [
        existing[c.external_id]
        for c in candidates.values()
        if c.deleted and c.external_id in existing and existing[c.external_id].removed_at is None
    ]
    write.mark_items_removed(conn, [i.id for i in gone], now=now)
    report.removed = len(gone)

    touched = [
        *event_ids,
        *(i.event_id for i, _ in changed if i.event_id is not None),
        *(i.event_id for i in gone if i.event_id is not None),
    ]
    write_events(conn, list(dict.fromkeys(touched)), now=now, places=resolver)
    return report


def _text_rows(event_id: int, composed: Composed) -> list[write.TextRow]:
    rows: list[write.TextRow] = []
    primary = composed.titles[0][1] if composed.titles else ""
    titles = dict(composed.titles)
    for lang in composed.languages:
        title = titles.get(lang, primary)
        description = composed.descriptions.get(lang)
        rows.append(
            write.TextRow(
                event_id=event_id,
                lang=lang,
                title=title,
                description=description,
                title_folded=fold(title),
                description_folded=fold(html_to_text(description)) if description else "",
            )
        )
    return rows


def _occurrence_row(event_id: int, occ: dict[str, Any]) -> write.OccurrenceRow:
    start = parse_time(occ["starts_at"])
    if start is None:  # pragma: no cover - normalise always sets a start
        raise ValueError("occurrence without a start")
    return write.OccurrenceRow(
        event_id=event_id,
        key=occurrence_key(occ),
        starts_at=start,
        ends_at=parse_time(occ.get("ends_at")),
        all_day=occ["all_day"],
        floating=occ["floating"],
        timezone=occ["timezone"],
        status=occ["status"],
        availability=occ.get("availability"),
        recurrence_id=occ.get("recurrence_id"),
        previous_start=parse_time(occ.get("previous_start")),
    )


def _stored_key(row: dict[str, Any]) -> str:
    return str(row["recurrence_id"] or row["starts_at"].astimezone(UTC).isoformat())


_OCC_FIELDS = (
    "starts_at",
    "ends_at",
    "all_day",
    "floating",
    "timezone",
    "status",
    "availability",
    "recurrence_id",
    "previous_start",
)


def write_events(
    conn: Conn, event_ids: Sequence[int], *, now: datetime, places: PlaceResolver | None = None
) -> None:
    """Recompose the events from their live sources' payloads and write them."""
    if not event_ids:
        return
    places = places or PlaceResolver(conn)
    sources = write.live_payloads(conn, event_ids)
    stored = write.load_occurrences(conn, event_ids)
    rows: list[write.EventRow] = []
    texts: list[write.TextRow] = []
    pairs: list[tuple[int, str]] = []
    inserts: list[write.OccurrenceRow] = []
    updates: list[tuple[int, write.OccurrenceRow]] = []
    cancel: list[int] = []
    changes: list[tuple[int, str]] = []
    orphans: list[int] = []
    for event_id in event_ids:
        have = {_stored_key(r): r for r in stored.get(event_id, [])}
        if event_id not in sources:
            orphans.append(event_id)
            cancel += [r["id"] for r in have.values() if r["starts_at"] > now]
            continue
        composed = compose(sources[event_id])
        fresh = {
            _occurrence_row(event_id, o).key: _occurrence_row(event_id, o)
            for o in composed.occurrences
        }
        for key, occ in fresh.items():
            old = have.get(key)
            if old is None:
                inserts.append(occ)
            elif tuple(old[f] for f in _OCC_FIELDS) != tuple(getattr(occ, f) for f in _OCC_FIELDS):
                updates.append((old["id"], occ))
        cancel += [r["id"] for k, r in have.items() if k not in fresh and r["starts_at"] > now]
        starts = [o.starts_at for o in fresh.values()]
        ends = [o.ends_at or o.starts_at for o in fresh.values()]
        f = composed.fields
        rows.append(
            write.EventRow(
                id=event_id,
                institution_id=composed.institution_id,
                place_id=places.resolve(f["place"]),
                status=f["status"],
                attendance_mode=f["attendance_mode"],
                timezone=f["timezone"],
                rrule=f["rrule"],
                url=f["url"],
                booking_url=f["booking_url"],
                image_url=f["image_url"],
                online_url=f["online_url"],
                price=f["price"],
                is_free=f["is_free"],
                accessibility=composed.accessibility,
                age_min=f["age_min"],
                age_max=f["age_max"],
                languages=composed.languages,
                tags=composed.tags,
                provenance=composed.provenance,
                first_start=min(starts, default=None),
                last_end=max(ends, default=None),
            )
        )
        texts += _text_rows(event_id, composed)
        pairs += [(event_id, c) for c in composed.categories]
        changes.append((event_id, "updated"))
    live_ids = [r.id for r in rows]
    write.update_events(conn, rows, now=now)
    write.replace_texts(conn, live_ids, texts)
    write.replace_categories(conn, live_ids, pairs)
    write.upsert_occurrences(conn, inserts, updates)
    write.cancel_future_occurrences(conn, cancel)
    if orphans:
        changes += tombstone_events(conn, orphans, now=now)
    write.record_changes(conn, "event", changes, now=now)


def tombstone_events(
    conn: Conn, event_ids: Sequence[int], *, now: datetime
) -> list[tuple[int, str]]:
    """Events no source describes any more: cancelled while they have dates ahead, then deleted."""
    rows = conn.execute(
        """
        update event e set status = 'cancelled', updated_at = %s,
               deleted_at = case when exists (select 1 from occurrence o
                                               where o.event_id = e.id and o.starts_at > %s)
                                 then null else coalesce(e.deleted_at, %s) end
         where e.id = any(%s)
        returning e.id, e.deleted_at is not null as deleted
        """,
        (now, now, now, list(event_ids)),
    ).fetchall()
    return [(row["id"], "deleted" if row["deleted"] else "updated") for row in rows]
