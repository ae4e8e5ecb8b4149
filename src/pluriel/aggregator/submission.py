"""Institutions publishing directly: submit, moderate, cancel, delete, upload.

Each entry point is one transaction (a savepoint when the caller already has
one open) and answers with ``errors`` (:class:`UserError`, localised) rather
than raising for anything the caller can fix. The store's own sources for
submissions are described in :mod:`pluriel.store.submissions`.

Rules:
- ``externalId`` makes a submission idempotent per institution: the same id
  again updates, never duplicates, and an identical resubmission changes
  nothing (no row, no audit entry);
- a *trusted* institution publishes at once; a *standard* one waits for a
  moderator, and its edit of a published event waits too while the
  published version stays visible;
- cancelling an event or one date, and deleting an event, apply at once for
  every institution (they only ever withdraw information) and need no
  review; deletion is a tombstone (``deleted_at``), never a hard delete;
- one institution never touches another's events (``forbidden``);
- every change leaves an audit row: who, when, what, before and after.
"""

from __future__ import annotations

import base64
import copy
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

import psycopg

from pluriel.aggregator.ingest import ingest_result, write_events
from pluriel.aggregator.merge import compose
from pluriel.aggregator.normalise import content_hash, normalise, occurrence_key
from pluriel.aggregator.validation import UserError, validate_event_input
from pluriel.errors import FeedError
from pluriel.locales import N_, gettext
from pluriel.model import (
    I18nText,
    Location,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceSpec,
)
from pluriel.readers import ReadContext, read
from pluriel.store import submissions as store
from pluriel.store import write
from pluriel.store.accounts import Actor
from pluriel.store.submissions import InstitutionInfo, Submission

__all__ = [
    "ActionResult",
    "ModerationResult",
    "Preview",
    "PreviewItem",
    "SubmitResult",
    "UploadResult",
    "apply_upload",
    "approve_submission",
    "cancel_event",
    "cancel_occurrence",
    "delete_event",
    "preview_upload",
    "reject_submission",
    "submit_event",
    "update_event",
]

Conn = psycopg.Connection[dict[str, Any]]

# Translators: the institution tried to change an event of another institution.
_FORBIDDEN = N_("You may not change this: it belongs to another institution.")
# Translators: an account or token without the moderator role tried to moderate.
_NOT_MODERATOR = N_("Only a moderator of this region can do this.")
_NOT_FOUND = N_("Nothing was found with this identifier.")
_UNKNOWN_PLACE = N_("There is no such place; choose one from the list or describe a new one.")
_NOT_PENDING = N_("This submission has already been moderated.")
# Translators: a moderator rejected a submission without saying why.
_REASON_REQUIRED = N_("Please give a reason: the institution will see it.")
# Translators: {format} is a file format such as ics or jsonld.
_UNREADABLE = N_("This file cannot be read as {format}.")
# Translators: {detail} is a technical explanation in English.
_UNUSABLE_ITEM = N_("An entry of the file cannot be used: {detail}")
_UNSUPPORTED_FORMAT = N_("Upload an iCalendar (.ics) or JSON-LD file.")

UPLOAD_FORMATS = frozenset({SourceFormat.ICS, SourceFormat.JSONLD})
MAX_REASON = 2_000


def _error(path: Sequence[str], code: str, msgid: str, lang: str, **params: object) -> UserError:
    return UserError(tuple(path), code, gettext(lang, msgid, **params))


@dataclass(frozen=True, slots=True)
class SubmitResult:
    """``status``: ``approved`` (published), ``pending`` (waits for review) or ``invalid``."""

    event_id: int | None
    submission_id: int | None
    status: str
    errors: tuple[UserError, ...] = ()
    changed: bool = False


@dataclass(frozen=True, slots=True)
class ModerationResult:
    submission_id: int
    status: str | None
    event_id: int | None = None
    errors: tuple[UserError, ...] = ()


@dataclass(frozen=True, slots=True)
class ActionResult:
    event_id: int | None
    errors: tuple[UserError, ...] = ()


def _jsonable(value: Any) -> Any:
    """The input as JSON: dates in ISO 8601, amounts as text, enums by value."""
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def _institution(conn: Conn, institution_id: int) -> InstitutionInfo:
    info = store.institution_info(conn, institution_id)
    if info is None:
        raise LookupError(f"no institution {institution_id}")
    return info


def _may_write(actor: Actor, institution_id: int) -> bool:
    return "events:write" in actor.scopes and (
        actor.institution_id == institution_id or actor.role == "admin"
    )


def _may_moderate(actor: Actor, institution: InstitutionInfo) -> bool:
    if actor.role == "admin":
        return True
    if not actor.is_moderator:
        return False
    return actor.region is None or actor.region in {institution.region, institution.country}


def _location(place: Mapping[str, Any]) -> Location:
    return Location(
        name=I18nText.of(place["name"]),
        street=place["street"],
        postal_code=place["postal_code"],
        locality=place["locality"],
        country=place["country"],
        lat=place["lat"],
        lon=place["lon"],
    )


def _prepare(
    conn: Conn,
    data: Mapping[str, Any],
    *,
    lang: str,
    now: datetime,
    known_categories: frozenset[str] | None,
    accessibility: frozenset[str] | None,
) -> tuple[SourceEvent | None, list[UserError]]:
    event, errors = validate_event_input(
        data,
        lang=lang,
        now=now,
        known_categories=known_categories,
        accessibility=accessibility,
    )
    place_id = data.get("placeId")
    if event is None or place_id in (None, ""):
        return event, errors
    place = store.load_place(conn, int(str(place_id)))
    if place is None:
        return None, [_error(("placeId",), "unknown_place", _UNKNOWN_PLACE, lang)]
    return replace(event, location=_location(place)), errors


def _publish(
    conn: Conn, spec: SourceSpec, event: SourceEvent, *, now: datetime, join: int | None = None
) -> int | None:
    """Write ``event`` through ``spec`` and return its event id.

    ``join`` attaches a first submission to an event that exists already
    (an edit of an event known only from the institution's feed); otherwise
    the ingest decides, deduplication included.
    """
    item = store.source_item(conn, spec.id, event.external_id)
    if join is not None and item is None:
        candidate = normalise(event, spec)
        write.insert_source_items(
            conn,
            spec.id,
            [(candidate.external_id, candidate.hash, candidate.payload, join)],
            now=now,
        )
        write_events(conn, [join], now=now)
        return join
    ingest_result(conn, spec, ReadResult(events=(event,)), now=now, complete=False)
    item = store.source_item(conn, spec.id, event.external_id)
    return item.event_id if item is not None else None


def submit_event(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    input: Mapping[str, Any],
    lang: str,
    now: datetime,
    known_categories: frozenset[str] | None = None,
    accessibility: frozenset[str] | None = None,
) -> SubmitResult:
    """Validate and submit one event for ``institution_id``: published or queued.

    ``known_categories`` and ``accessibility`` default to the shared vocabularies.
    """
    return _submit(
        conn,
        institution_id=institution_id,
        actor=actor,
        data=input,
        lang=lang,
        now=now,
        known_categories=known_categories,
        accessibility=accessibility,
        join=None,
    )


def _submit(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    data: Mapping[str, Any],
    lang: str,
    now: datetime,
    known_categories: frozenset[str] | None,
    accessibility: frozenset[str] | None,
    join: int | None,
) -> SubmitResult:
    """``join``: the (already authorised) event a first submission should attach to."""
    with conn.transaction():
        institution = _institution(conn, institution_id)
        if not _may_write(actor, institution_id):
            return SubmitResult(None, None, "invalid", (_error((), "forbidden", _FORBIDDEN, lang),))
        event, errors = _prepare(
            conn,
            data,
            lang=lang,
            now=now,
            known_categories=known_categories,
            accessibility=accessibility,
        )
        if event is None:
            return SubmitResult(None, None, "invalid", tuple(errors))
        external_id = event.external_id or f"sub-{secrets.token_hex(8)}"
        event = replace(event, external_id=external_id)
        stored_input = _jsonable({**data, "externalId": external_id})
        spec = store.ensure_own_source(conn, institution, "submission")
        digest = normalise(event, spec).hash
        existing = store.find_submission(conn, institution_id, external_id, lock=True)
        published = store.source_item(conn, spec.id, external_id)
        if (
            existing is not None
            and existing.content_hash == digest
            and existing.status in {"approved", "pending"}
        ):
            return SubmitResult(existing.event_id, existing.id, existing.status)
        event_id = published.event_id if published is not None else join
        if institution.trust == "trusted":
            status = "approved"
            event_id = _publish(conn, spec, event, now=now, join=join)
        else:
            status = "pending"
        saved = store.save_submission(
            conn,
            institution_id=institution_id,
            kind="event",
            external_id=external_id,
            payload={"input": stored_input},
            content_hash=digest,
            status=status,
            event_id=event_id,
            actor=actor.label,
            account_id=actor.account_id,
            now=now,
        )
        store.record_audit(
            conn,
            actor=actor.label,
            action="update" if existing is not None else "submit",
            entity="submission",
            entity_id=saved.id,
            before=_snapshot(existing),
            after=_snapshot(saved),
            now=now,
        )
        return SubmitResult(saved.event_id, saved.id, status, changed=True)


def _snapshot(submission: Submission | None) -> dict[str, Any] | None:
    if submission is None:
        return None
    return {
        "status": submission.status,
        "event_id": submission.event_id,
        "external_id": submission.external_id,
        "reason": submission.reason,
        "payload": submission.payload,
    }


def _check_event(
    conn: Conn, *, institution_id: int, actor: Actor, event_id: int, lang: str
) -> tuple[store.EventOwner | None, tuple[UserError, ...]]:
    owner = store.event_owner(conn, event_id)
    if owner is None or owner.deleted:
        return None, (_error(("id",), "not_found", _NOT_FOUND, lang),)
    if owner.institution_id != institution_id or not _may_write(actor, institution_id):
        return None, (_error(("id",), "forbidden", _FORBIDDEN, lang),)
    return owner, ()


def update_event(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    event_id: int,
    input: Mapping[str, Any],
    lang: str,
    now: datetime,
    known_categories: frozenset[str] | None = None,
    accessibility: frozenset[str] | None = None,
) -> SubmitResult:
    """Replace an event of the institution: its submission when it has one, else a new one."""
    with conn.transaction():
        owner, errors = _check_event(
            conn, institution_id=institution_id, actor=actor, event_id=event_id, lang=lang
        )
        if owner is None:
            return SubmitResult(None, None, "invalid", errors)
        own = store.own_items_of_event(conn, institution_id, event_id)
        spec = store.find_own_source(conn, _institution(conn, institution_id), "submission")
        mine = [i for i in own if spec is not None and i.source_id == spec.id]
        external_id = mine[0].external_id if mine else f"event-{event_id}"
        return _submit(
            conn,
            institution_id=institution_id,
            actor=actor,
            data={**input, "externalId": external_id},
            lang=lang,
            now=now,
            known_categories=known_categories,
            accessibility=accessibility,
            join=event_id,
        )


# -- moderation -------------------------------------------------------------------


def _moderate(
    conn: Conn, submission_id: int, moderator: Actor, lang: str
) -> tuple[Submission | None, InstitutionInfo | None, tuple[UserError, ...]]:
    submission = store.get_submission(conn, submission_id, lock=True)
    if submission is None:
        return None, None, (_error(("id",), "not_found", _NOT_FOUND, lang),)
    institution = _institution(conn, submission.institution_id)
    if not _may_moderate(moderator, institution):
        return None, None, (_error(("id",), "forbidden", _NOT_MODERATOR, lang),)
    if submission.status != "pending":
        return None, None, (_error(("id",), "not_pending", _NOT_PENDING, lang),)
    return submission, institution, ()


def approve_submission(
    conn: Conn, submission_id: int, moderator: Actor, now: datetime, *, lang: str = "en"
) -> ModerationResult:
    """Publish a waiting submission (an event, or a whole upload)."""
    with conn.transaction():
        submission, institution, errors = _moderate(conn, submission_id, moderator, lang)
        if submission is None or institution is None:
            return ModerationResult(submission_id, None, errors=errors)
        event_id: int | None = None
        if submission.kind == "upload":
            payload = submission.payload
            preview = _apply(
                conn,
                institution,
                data=base64.b64decode(payload["data"]),
                fmt=SourceFormat(payload["format"]),
                now=now,
                lang=payload["lang"],
                timezone=payload["timezone"],
                ui_lang=lang,
            )
            if preview.fatal:
                return ModerationResult(submission_id, None, errors=tuple(preview.errors))
        else:
            event, problems = _prepare(
                conn,
                submission.payload["input"],
                lang=lang,
                now=now,
                known_categories=None,
                accessibility=None,
            )
            if event is None:
                return ModerationResult(submission_id, None, errors=tuple(problems))
            spec = store.ensure_own_source(conn, institution, "submission")
            event_id = _publish(conn, spec, event, now=now, join=submission.event_id)
        return _conclude(conn, submission, "approved", moderator, now, "approve", event_id=event_id)


def reject_submission(
    conn: Conn,
    submission_id: int,
    moderator: Actor,
    reason: str,
    now: datetime,
    *,
    lang: str = "en",
) -> ModerationResult:
    """Refuse a waiting submission; the institution sees ``reason``; what is published stays."""
    with conn.transaction():
        text = reason.strip()
        if not text:
            return ModerationResult(
                submission_id,
                None,
                errors=(_error(("reason",), "required", _REASON_REQUIRED, lang),),
            )
        submission, _, errors = _moderate(conn, submission_id, moderator, lang)
        if submission is None:
            return ModerationResult(submission_id, None, errors=errors)
        return _conclude(
            conn, submission, "rejected", moderator, now, "reject", reason=text[:MAX_REASON]
        )


def _conclude(
    conn: Conn,
    submission: Submission,
    status: str,
    moderator: Actor,
    now: datetime,
    action: str,
    **change: Any,
) -> ModerationResult:
    """Record a moderator's decision on a submission, with its audit row."""
    saved = store.set_submission_status(
        conn, submission.id, status=status, moderator=moderator.label, now=now, **change
    )
    store.record_audit(
        conn,
        actor=moderator.label,
        action=action,
        entity="submission",
        entity_id=submission.id,
        before=_snapshot(submission),
        after=_snapshot(saved),
        now=now,
    )
    return ModerationResult(submission.id, status, saved.event_id)


# -- withdrawing information ------------------------------------------------------


def _own_payload(
    conn: Conn, institution: InstitutionInfo, event_id: int
) -> tuple[SourceSpec, store.SourceItemRow | None, dict[str, Any]]:
    """The institution's submission item for the event and a copy of what it says.

    An event known only from a feed gets a submission item that copies the
    composed event, so that the withdrawal takes precedence over the feed.
    """
    spec = store.ensure_own_source(conn, institution, "submission")
    item = store.live_item_for_event(conn, spec.id, event_id)
    if item is not None:
        return spec, item, copy.deepcopy(item.payload)
    sources = write.live_payloads(conn, [event_id]).get(event_id, [])
    if not sources:
        return spec, None, {}
    ordered = sorted(sources, key=lambda s: {"submission": 0, "feed": 1}.get(s["kind"], 2))
    composed = compose(sources)
    payload = copy.deepcopy(ordered[0]["payload"])
    payload["occurrences"] = copy.deepcopy(composed.occurrences)
    return spec, None, payload


def _save_own(
    conn: Conn,
    spec: SourceSpec,
    item: store.SourceItemRow | None,
    payload: dict[str, Any],
    *,
    event_id: int,
    now: datetime,
) -> None:
    digest = content_hash(payload)
    if item is None:
        write.insert_source_items(
            conn, spec.id, [(f"event-{event_id}", digest, payload, event_id)], now=now
        )
    else:
        write.update_source_items(conn, [(item.id, digest, payload)], now=now)
    write_events(conn, [event_id], now=now)


def cancel_event(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    event_id: int,
    reason: str | None,
    lang: str,
    now: datetime,
) -> ActionResult:
    """Mark the event and all its dates cancelled; it stays visible as cancelled."""
    with conn.transaction():
        owner, errors = _check_event(
            conn, institution_id=institution_id, actor=actor, event_id=event_id, lang=lang
        )
        if owner is None:
            return ActionResult(None, errors)
        institution = _institution(conn, institution_id)
        spec, item, payload = _own_payload(conn, institution, event_id)
        if not payload:
            return ActionResult(None, (_error(("id",), "not_found", _NOT_FOUND, lang),))
        payload["status"] = "cancelled"
        for occ in payload.get("occurrences", []):
            occ["status"] = "cancelled"
        _save_own(conn, spec, item, payload, event_id=event_id, now=now)
        store.record_audit(
            conn,
            actor=actor.label,
            action="cancel_event",
            entity="event",
            entity_id=event_id,
            before={"status": owner.status},
            after={"status": "cancelled", "reason": reason},
            now=now,
        )
        return ActionResult(event_id)


def cancel_occurrence(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    occurrence_id: int,
    reason: str | None,
    lang: str,
    now: datetime,
) -> ActionResult:
    """Cancel one date of an event; the others stay as they are."""
    with conn.transaction():
        ref = store.occurrence_ref(conn, occurrence_id)
        if ref is None:
            return ActionResult(None, (_error(("id",), "not_found", _NOT_FOUND, lang),))
        owner, errors = _check_event(
            conn, institution_id=institution_id, actor=actor, event_id=ref.event_id, lang=lang
        )
        if owner is None:
            return ActionResult(None, errors)
        institution = _institution(conn, institution_id)
        spec, item, payload = _own_payload(conn, institution, ref.event_id)
        matches = [o for o in payload.get("occurrences", []) if occurrence_key(o) == ref.key]
        if not matches:
            return ActionResult(None, (_error(("id",), "not_found", _NOT_FOUND, lang),))
        for occ in matches:
            occ["status"] = "cancelled"
        _save_own(conn, spec, item, payload, event_id=ref.event_id, now=now)
        store.record_audit(
            conn,
            actor=actor.label,
            action="cancel_occurrence",
            entity="occurrence",
            entity_id=occurrence_id,
            before={"status": ref.status, "event_id": ref.event_id},
            after={"status": "cancelled", "event_id": ref.event_id, "reason": reason},
            now=now,
        )
        return ActionResult(ref.event_id)


def delete_event(
    conn: Conn, *, institution_id: int, actor: Actor, event_id: int, lang: str, now: datetime
) -> ActionResult:
    """Withdraw the institution's own entries for the event and tombstone it (never a hard delete).

    The event is marked deleted and its coming dates cancelled; the rows stay
    so that sync consumers receive the deletion.
    """
    with conn.transaction():
        owner, errors = _check_event(
            conn, institution_id=institution_id, actor=actor, event_id=event_id, lang=lang
        )
        if owner is None:
            return ActionResult(None, errors)
        items = store.own_items_of_event(conn, institution_id, event_id)
        write.mark_items_removed(conn, [i.id for i in items], now=now)
        conn.execute(
            "update event set status = 'cancelled', deleted_at = %s, updated_at = %s where id = %s",
            (now, now, event_id),
        )
        conn.execute(
            "update occurrence set status = 'cancelled' where event_id = %s and starts_at > %s",
            (event_id, now),
        )
        write.record_changes(conn, "event", [(event_id, "deleted")], now=now)
        store.record_audit(
            conn,
            actor=actor.label,
            action="delete_event",
            entity="event",
            entity_id=event_id,
            before={"status": owner.status, "deleted": False},
            after={"status": "cancelled", "deleted": True},
            now=now,
        )
        return ActionResult(event_id)


# -- uploads ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PreviewItem:
    external_id: str
    title: str
    event_id: int | None = None
    first_start: datetime | None = None


@dataclass(frozen=True, slots=True)
class Preview:
    """What applying an upload would do, against what the institution's upload source holds."""

    create: tuple[PreviewItem, ...] = ()
    update: tuple[PreviewItem, ...] = ()
    cancel: tuple[PreviewItem, ...] = ()
    unchanged: int = 0
    errors: tuple[UserError, ...] = ()
    fatal: bool = False  # the file as a whole could not be read: nothing would be applied
    events: tuple[SourceEvent, ...] = field(default=(), repr=False)


@dataclass(frozen=True, slots=True)
class UploadResult:
    """``status``: ``approved`` (applied), ``pending`` (waits for review) or ``invalid``."""

    preview: Preview
    status: str
    submission_id: int | None = None


def _title(payload: Mapping[str, Any], lang: str) -> str:
    return I18nText.of(payload.get("title") or {}).get(lang) or ""


def _first_start(payload: Mapping[str, Any]) -> datetime | None:
    starts = [o["starts_at"] for o in payload.get("occurrences", []) if o.get("starts_at")]
    return datetime.fromisoformat(min(starts)).astimezone(UTC) if starts else None


def _preview(
    conn: Conn,
    institution: InstitutionInfo,
    *,
    data: bytes,
    fmt: SourceFormat,
    now: datetime,
    lang: str,
    timezone: str,
    ui_lang: str,
) -> Preview:
    if fmt not in UPLOAD_FORMATS:
        error = _error(("format",), "unsupported_format", _UNSUPPORTED_FORMAT, ui_lang)
        return Preview(errors=(error,), fatal=True)
    try:
        result = read(fmt, data, ReadContext(now=now, lang=lang, timezone=timezone))
    except (FeedError, ValueError, UnicodeDecodeError):
        error = _error(("file",), "unreadable_file", _UNREADABLE, ui_lang, format=fmt.value)
        return Preview(errors=(error,), fatal=True)
    errors = [
        _error(
            ("file", e.external_id or (str(e.line) if e.line else "")),
            "unusable_item",
            _UNUSABLE_ITEM,
            ui_lang,
            detail=e.message,
        )
        for e in result.errors
    ]
    spec = store.find_own_source(conn, institution, "upload") or SourceSpec(
        id=0,
        institution_id=institution.id,
        format=SourceFormat.JSONLD,
        url=f"upload:{institution.slug}",
        kind="submission",
    )
    spec = replace(spec, lang=lang, timezone=timezone)
    existing = write.load_source_items(conn, spec.id) if spec.id else {}
    events = {e.external_id: e for e in result.events if not e.deleted}
    create: list[PreviewItem] = []
    update: list[PreviewItem] = []
    unchanged = 0
    for external_id, event in events.items():
        try:
            candidate = normalise(event, spec)
        except (ValueError, TypeError, KeyError) as exc:
            errors.append(
                _error(("file", external_id), "unusable_item", _UNUSABLE_ITEM, ui_lang, detail=exc)
            )
            continue
        item = existing.get(external_id)
        entry = PreviewItem(
            external_id,
            _title(candidate.payload, ui_lang),
            item.event_id if item else None,
            _first_start(candidate.payload),
        )
        if item is None:
            create.append(entry)
        elif item.content_hash != candidate.hash or item.removed_at is not None:
            update.append(entry)
        else:
            unchanged += 1
    gone = [i for ext, i in existing.items() if i.removed_at is None and ext not in events]
    payloads = store.item_payloads(conn, [i.id for i in gone])
    cancel = [
        PreviewItem(
            i.external_id,
            _title(payloads.get(i.id, {}), ui_lang),
            i.event_id,
            _first_start(payloads.get(i.id, {})),
        )
        for i in gone
    ]
    deletions = tuple(
        SourceEvent(external_id=i.external_id, title=I18nText(), deleted=True) for i in gone
    )
    return Preview(
        create=tuple(create),
        update=tuple(update),
        cancel=tuple(cancel),
        unchanged=unchanged,
        errors=tuple(errors),
        events=(*events.values(), *deletions),
    )


def preview_upload(
    conn: Conn,
    *,
    institution_id: int,
    data: bytes,
    fmt: SourceFormat,
    now: datetime,
    lang: str = "und",
    timezone: str = "Europe/Luxembourg",
    ui_lang: str = "en",
) -> Preview:
    """What uploading ``data`` would create, update and cancel. Writes nothing.

    The file is the institution's whole uploaded programme: entries of the
    previous upload that it no longer contains would be cancelled.
    ``lang`` and ``timezone`` apply to text and times the file leaves open.
    """
    return _preview(
        conn,
        _institution(conn, institution_id),
        data=data,
        fmt=fmt,
        now=now,
        lang=lang,
        timezone=timezone,
        ui_lang=ui_lang,
    )


def _apply(
    conn: Conn,
    institution: InstitutionInfo,
    *,
    data: bytes,
    fmt: SourceFormat,
    now: datetime,
    lang: str,
    timezone: str,
    ui_lang: str,
) -> Preview:
    preview = _preview(
        conn,
        institution,
        data=data,
        fmt=fmt,
        now=now,
        lang=lang,
        timezone=timezone,
        ui_lang=ui_lang,
    )
    if preview.fatal:
        return preview
    spec = replace(
        store.ensure_own_source(conn, institution, "upload"), lang=lang, timezone=timezone
    )
    # Vanished entries travel as explicit deletions, so a shrinking upload
    # removes exactly what the preview announced (no "suspicious feed" guard:
    # the institution chose this file).
    ingest_result(conn, spec, ReadResult(events=preview.events), now=now, complete=False)
    return preview


def apply_upload(
    conn: Conn,
    *,
    institution_id: int,
    actor: Actor,
    data: bytes,
    fmt: SourceFormat,
    now: datetime,
    lang: str = "und",
    timezone: str = "Europe/Luxembourg",
    ui_lang: str = "en",
) -> UploadResult:
    """Apply an upload in one transaction (trusted) or queue it for review (standard)."""
    with conn.transaction():
        institution = _institution(conn, institution_id)
        if not _may_write(actor, institution_id):
            error = _error((), "forbidden", _FORBIDDEN, ui_lang)
            return UploadResult(Preview(errors=(error,), fatal=True), "invalid")
        if institution.trust != "trusted":
            preview = _preview(
                conn,
                institution,
                data=data,
                fmt=fmt,
                now=now,
                lang=lang,
                timezone=timezone,
                ui_lang=ui_lang,
            )
            if preview.fatal:
                return UploadResult(preview, "invalid")
            payload = {
                "format": fmt.value,
                "data": base64.b64encode(data).decode("ascii"),
                "lang": lang,
                "timezone": timezone,
            }
            saved = store.save_submission(
                conn,
                institution_id=institution_id,
                kind="upload",
                external_id=None,
                payload=payload,
                content_hash=content_hash(payload),
                status="pending",
                event_id=None,
                actor=actor.label,
                account_id=actor.account_id,
                now=now,
            )
            status, submission_id = "pending", saved.id
        else:
            preview = _apply(
                conn,
                institution,
                data=data,
                fmt=fmt,
                now=now,
                lang=lang,
                timezone=timezone,
                ui_lang=ui_lang,
            )
            if preview.fatal:
                return UploadResult(preview, "invalid")
            status, submission_id = "approved", None
        store.record_audit(
            conn,
            actor=actor.label,
            action="upload",
            entity="submission" if submission_id else "institution",
            entity_id=submission_id or institution_id,
            before=None,
            after={
                "status": status,
                "format": fmt.value,
                "create": [i.external_id for i in preview.create],
                "update": [i.external_id for i in preview.update],
                "cancel": [i.external_id for i in preview.cancel],
            },
            now=now,
        )
        return UploadResult(preview, status, submission_id)
