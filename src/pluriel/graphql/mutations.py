"""The write side of the API: institutions submit, withdraw and upload; moderators decide.

Every mutation is one call into :mod:`pluriel.aggregator.submission` (the
one ingest entry point the layer rules let the API reach), run on a
synchronous connection in a worker thread and committed there. Mistakes the
caller can fix come back as ``errors: [UserError!]!`` in the payload, in the
caller's language (the ``lang`` argument, else ``Accept-Language``); only a
missing, unknown, revoked or under-scoped token is a GraphQL error:

    InputError                       (pluriel.graphql.errors: shown to the client)
    └── AuthError                    code UNAUTHENTICATED: no valid token
        └── ForbiddenError           code FORBIDDEN: valid token, wrong scope

Authentication needs the request's headers, which the read side never
needed: the app builds a :class:`RequestContext` (a :class:`Context` plus the
``Authorization`` and ``Accept-Language`` headers) for every request.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar, cast
from urllib.parse import urlsplit
from zoneinfo import available_timezones

import psycopg
import strawberry
from psycopg_pool import AsyncConnectionPool
from starlette.concurrency import run_in_threadpool
from strawberry import Info
from strawberry.permission import BasePermission

from pluriel.aggregator import submission as ingest
from pluriel.graphql.context import Context
from pluriel.graphql.errors import InputError
from pluriel.graphql.loaders import Loaders
from pluriel.graphql.pool import Pool
from pluriel.graphql.types import Event
from pluriel.locales import LANGUAGES, N_, gettext, resolve_lang
from pluriel.model import AttendanceMode, SourceFormat, normalise_lang
from pluriel.store import connect, registry
from pluriel.store.accounts import Actor, actor_for_key, verify_token
from pluriel.store.submissions import record_audit

__all__ = [
    "AuthError",
    "CanModerate",
    "CanWrite",
    "DeletePayload",
    "EventInput",
    "EventPayload",
    "ForbiddenError",
    "Mutation",
    "OccurrenceInput",
    "PlaceInput",
    "PriceInput",
    "RequestContext",
    "SourceInput",
    "SourcePayload",
    "SubmissionPayload",
    "TextInput",
    "UploadFormat",
    "UploadInput",
    "UploadItem",
    "UploadPayload",
    "UploadPreviewPayload",
    "UserError",
    "input_mapping",
]

T = TypeVar("T")
_F = TypeVar("_F", bound=Callable[..., Any])

_INVALID_ID = N_("This is not a valid identifier.")
# The validator's own messages for the same codes (same msgids: one catalog entry each).
_INVALID_URL = N_("Give a full web address starting with http:// or https://.")
_INVALID_CHOICE = N_("“{value}” is not one of the allowed values.")
_UNKNOWN_TIMEZONE = N_("“{value}” is not a known time zone (for example Europe/Luxembourg).")
_INVALID_LANGUAGE = N_("“{value}” is not a language code we know.")
#: What an institution may register; ``site`` spiders are written by us, not registered.
SOURCE_FORMATS = frozenset(f.value for f in SourceFormat) - {SourceFormat.SITE.value}
# Translators: a token that belongs to no institution (a portal's) tried to submit an event.
_NOT_AN_INSTITUTION = N_("Only an institution can submit or change events.")
# The upload form's messages (same msgids: one catalog entry each).
_NO_FILE = N_("Choose a file to upload.")
_FILE_TOO_LARGE = N_("This file is too large.")
#: The form's limit too, so a file one accepts the other accepts; JSON escaping
#: of the content keeps the request under the 1 MB body cap.
MAX_UPLOAD_BYTES = 600_000
Conn = psycopg.Connection[dict[str, Any]]


class AuthError(InputError):
    """No token, or one that is unknown or revoked."""

    #: graphql-core copies an exception's ``extensions`` into the error clients receive.
    extensions: dict[str, object] = {"code": "UNAUTHENTICATED"}  # noqa: RUF012 - never mutated


class ForbiddenError(AuthError):
    """A valid token without the scope this mutation needs."""

    extensions: dict[str, object] = {"code": "FORBIDDEN"}  # noqa: RUF012 - never mutated


@dataclass(slots=True)
class _Auth:
    """Filled by the permission check, read by the resolver: one token check per request."""

    actor: Actor | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class RequestContext(Context):
    """The read context plus what writing needs from the HTTP request."""

    authorization: str | None = None
    accept_language: str | None = None
    auth: _Auth = field(default_factory=_Auth)
    #: The primary's address when the pool reads from a replica (DATABASE_READ_URL).
    write_url: str | None = None

    @classmethod
    def for_request(
        cls,
        pool: Pool,
        *,
        headers: Mapping[str, str],
        now: datetime | None = None,
        write_url: str | None = None,
    ) -> RequestContext:
        """The context of one HTTP request (``headers`` as Starlette gives them)."""
        context = cls.build(
            pool,
            now=now or datetime.now(UTC),
            authorization=headers.get("authorization"),
            accept_language=headers.get("accept-language"),
        )
        return replace(context, write_url=write_url) if write_url else context

    @classmethod
    def build(
        cls,
        pool: Pool,
        *,
        now: datetime,
        authorization: str | None = None,
        accept_language: str | None = None,
    ) -> RequestContext:
        return cls(
            pool=pool,
            loaders=Loaders.create(pool, now=now),
            now=now,
            authorization=authorization,
            accept_language=accept_language,
        )


def _conninfo(pool: Pool) -> str:
    if not isinstance(pool, AsyncConnectionPool):  # pragma: no cover - the type says it is
        raise TypeError("a pool is needed")
    conninfo = pool.conninfo
    if not isinstance(conninfo, str):  # pragma: no cover - pluriel passes a URL string
        raise TypeError("the pool's conninfo must be a string")
    return conninfo


def _primary(context: Context) -> str:
    """Where writes go: the primary, even when reads come from a replica."""
    write_url = getattr(context, "write_url", None)
    return write_url if isinstance(write_url, str) else _conninfo(context.pool)


def _in_transaction(conninfo: str, work: Callable[[Conn], T]) -> T:
    """Run ``work`` on a fresh synchronous connection and commit what it did."""
    with connect(conninfo) as conn:
        result = work(conn)
        conn.commit()
        return result


async def _write(info: Info[Context, None], work: Callable[[Conn], T]) -> T:
    return await run_in_threadpool(_in_transaction, _primary(info.context), work)


def _lang(info: Info[Context, None], asked: str | None) -> str:
    """The caller's language: the argument, else the first of Accept-Language we speak."""
    if asked:
        return resolve_lang(asked)
    context = info.context
    header = context.accept_language if isinstance(context, RequestContext) else None
    for part in (header or "").split(","):
        code = normalise_lang(part.split(";")[0].strip())
        if code in LANGUAGES:
            return code
    return resolve_lang(None)


def _bearer(info: Info[Context, None]) -> str | None:
    context = info.context
    if not isinstance(context, RequestContext) or not context.authorization:
        return None
    scheme, _, token = context.authorization.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def _verify(conn: Conn, token: str, now: datetime) -> Actor | None:
    key = verify_token(conn, token, now=now)
    return actor_for_key(key) if key is not None else None


async def _actor(info: Info[Context, None]) -> Actor:
    context = info.context
    if isinstance(context, RequestContext) and context.auth.actor is not None:
        return context.auth.actor
    token = _bearer(info)
    if token is None:
        raise AuthError("Send an API token: Authorization: Bearer plr_…")
    actor = await _write(info, lambda conn: _verify(conn, token, context.now))
    if actor is None:
        raise AuthError("This API token is unknown or has been revoked.")
    if isinstance(context, RequestContext):
        context.auth.actor = actor
    return actor


class _Scoped(BasePermission):
    scope = ""
    message: str = "This API token may not do this."
    error_class = ForbiddenError  # type: ignore[assignment]  # an InputError: never masked

    async def has_permission(self, source: Any, info: Info[Context, None], **kwargs: Any) -> bool:
        actor = await _actor(info)  # raises AuthError itself
        return self.scope in actor.scopes


class CanWrite(_Scoped):
    """An institution's token with ``events:write``."""

    scope = "events:write"
    message = "This API token may not write events (scope events:write)."


class CanModerate(_Scoped):
    """A moderator's token with ``events:moderate``."""

    scope = "events:moderate"
    message = "This API token may not moderate (scope events:moderate)."


# -- inputs ------------------------------------------------------------------------


@strawberry.input(description="One text in one language.")
class TextInput:
    lang: str
    text: str


@strawberry.input(description="One date; a naive date-time is read in the event's time zone.")
class OccurrenceInput:
    start: datetime
    end: datetime | None = strawberry.UNSET
    all_day: bool | None = strawberry.UNSET


@strawberry.input(description="A place that is not in the gazetteer yet.")
class PlaceInput:
    name: str
    locality: str
    country: str
    street: str | None = strawberry.UNSET
    postal_code: str | None = strawberry.UNSET
    lat: float | None = strawberry.UNSET
    lon: float | None = strawberry.UNSET


@strawberry.input(description="What it costs; amounts in ``currency`` (EUR by default).")
class PriceInput:
    free: bool | None = strawberry.UNSET
    min: float | None = strawberry.UNSET
    max: float | None = strawberry.UNSET
    currency: str | None = strawberry.UNSET
    text: str | None = strawberry.UNSET


@strawberry.input(description="An event as an institution describes it.")
class EventInput:
    title: list[TextInput]
    timezone: str
    external_id: str | None = strawberry.UNSET
    description: list[TextInput] | None = strawberry.UNSET
    occurrences: list[OccurrenceInput] | None = strawberry.UNSET
    rrule: str | None = strawberry.UNSET
    place_id: strawberry.ID | None = strawberry.UNSET
    place: PlaceInput | None = strawberry.UNSET
    categories: list[str] | None = strawberry.UNSET
    url: str | None = strawberry.UNSET
    booking_url: str | None = strawberry.UNSET
    image_url: str | None = strawberry.UNSET
    attendance_mode: AttendanceMode | None = strawberry.UNSET
    online_url: str | None = strawberry.UNSET
    price: PriceInput | None = strawberry.UNSET
    accessibility: list[str] | None = strawberry.UNSET


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def _plain(value: Any) -> Any:
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, AttendanceMode):
        return value.value
    if hasattr(value, "__strawberry_definition__"):
        return input_mapping(value)
    return value


def input_mapping(value: Any) -> dict[str, Any]:
    """A strawberry input as the camelCase mapping the validator reads; unset fields left out."""
    out: dict[str, Any] = {}
    for name, item in vars(value).items():
        if item is strawberry.UNSET or item is None:
            continue
        out[_camel(name)] = _plain(item)
    return out


@strawberry.input(description="A feed of the institution's to crawl.")
class SourceInput:
    format: str = strawberry.field(description="ics, jsonld, tribe, rss, rpde or activitystreams.")
    url: str
    lang: str | None = strawberry.field(
        default=strawberry.UNSET, description="The language of texts that do not declare one."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="For times without a zone; Europe/Luxembourg."
    )


@strawberry.enum(description="The formats a programme can be uploaded in.")
class UploadFormat(Enum):
    ICS = "ics"
    JSONLD = "jsonld"


@strawberry.input(description="A programme file: the institution's whole uploaded programme.")
class UploadInput:
    format: UploadFormat
    content: str = strawberry.field(description="The file's text (UTF-8), at most 600,000 bytes.")
    filename: str | None = strawberry.field(
        default=strawberry.UNSET, description="For your bookkeeping; given back in the answer."
    )
    content_lang: str | None = strawberry.field(
        default=strawberry.UNSET, description="The language of texts that do not declare one."
    )
    timezone: str | None = strawberry.field(
        default=strawberry.UNSET, description="For times without a zone; Europe/Luxembourg."
    )


# -- payloads ----------------------------------------------------------------------


@strawberry.type(description="One problem with the input, in the caller's language.")
class UserError:
    field: list[str] = strawberry.field(description="The path into the input, e.g. title.0.text.")
    code: str = strawberry.field(description="Stable, for programs: required, too_long, …")
    message: str


def _errors(errors: tuple[Any, ...] | list[Any]) -> list[UserError]:
    return [UserError(field=list(e.field), code=e.code, message=e.message) for e in errors]


@strawberry.type
class EventPayload:
    event: Event | None
    errors: list[UserError]
    status: str | None = strawberry.field(
        default=None, description="approved (published), pending (waits for review), invalid."
    )
    submission_id: strawberry.ID | None = None


@strawberry.type
class DeletePayload:
    deleted_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class SourcePayload:
    source_id: strawberry.ID | None
    errors: list[UserError]


@strawberry.type
class SubmissionPayload:
    submission_id: strawberry.ID
    status: str | None
    event: Event | None
    errors: list[UserError]


@strawberry.type(description="One event of an upload, as the file describes it.")
class UploadItem:
    external_id: str = strawberry.field(description="The file's UID or @id.")
    title: str = strawberry.field(description="In the caller's language, else any.")
    first_start: datetime | None
    event_id: strawberry.ID | None = strawberry.field(
        description="The event it updates or cancels; null for a new one."
    )


@strawberry.type(description="What applying the file would do. Nothing has been written.")
class UploadPreviewPayload:
    filename: str | None
    create: list[UploadItem]
    update: list[UploadItem]
    cancel: list[UploadItem] = strawberry.field(
        description="Entries of the previous upload missing from this file."
    )
    unchanged: int
    errors: list[UserError]


@strawberry.type(description="What applying the file did, or what waits for review.")
class UploadPayload:
    filename: str | None
    status: str = strawberry.field(
        description="approved (applied), pending (waits for review) or invalid (nothing done)."
    )
    submission_id: strawberry.ID | None
    create: list[UploadItem]
    update: list[UploadItem]
    cancel: list[UploadItem]
    unchanged: int
    errors: list[UserError]


async def _event(info: Info[Context, None], event_id: int | None, lang: str | None) -> Event | None:
    if event_id is None:
        return None
    row = await info.context.loaders.event.load(event_id)
    return None if row is None else Event(row=row, lang=lang)


def _int(value: strawberry.ID) -> int | None:
    try:
        number = int(str(value))
    except ValueError:
        return None
    return number if number > 0 else None


def _bad_id(lang: str) -> list[UserError]:
    return [UserError(field=["id"], code="invalid_id", message=gettext(lang, _INVALID_ID))]


def _source_errors(source: SourceInput, lang: str) -> list[UserError]:
    errors = []
    if source.format not in SOURCE_FORMATS:
        message = gettext(lang, _INVALID_CHOICE, value=source.format)
        errors.append(UserError(field=["format"], code="invalid_choice", message=message))
    parts = urlsplit(source.url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname or len(source.url) > 2_000:
        message = gettext(lang, _INVALID_URL)
        errors.append(UserError(field=["url"], code="invalid_url", message=message))
    if source.lang and source.lang.lower() != "und" and normalise_lang(source.lang) == "und":
        message = gettext(lang, _INVALID_LANGUAGE, value=source.lang)
        errors.append(UserError(field=["lang"], code="invalid_language", message=message))
    if source.timezone and source.timezone not in available_timezones():
        message = gettext(lang, _UNKNOWN_TIMEZONE, value=source.timezone)
        errors.append(UserError(field=["timezone"], code="unknown_timezone", message=message))
    return errors


def _add_source(
    conn: Conn, source: SourceInput, actor: Actor, institution_id: int, now: datetime
) -> int:
    source_id = registry.add_source(
        conn,
        institution_id=institution_id,
        format=SourceFormat(source.format),
        url=source.url.strip(),
        lang=normalise_lang(source.lang) if source.lang else "und",
        timezone=source.timezone or "Europe/Luxembourg",
    )
    record_audit(
        conn,
        actor=actor.label,
        action="add_source",
        entity="source",
        entity_id=source_id,
        before=None,
        after={"format": source.format, "url": source.url.strip()},
        now=now,
    )
    return source_id


def _institution(actor: Actor, lang: str) -> tuple[int | None, list[UserError]]:
    if actor.institution_id is None:
        return None, [
            UserError(
                field=[],
                code="forbidden",
                message=gettext(lang, _NOT_AN_INSTITUTION),
            )
        ]
    return actor.institution_id, []


async def _submit_payload(
    info: Info[Context, None], result: ingest.SubmitResult, lang: str | None
) -> EventPayload:
    # Pending: a new event has none yet; an edit shows the published version, which stays.
    event = await _event(info, result.event_id, lang)
    return EventPayload(
        event=event,
        errors=_errors(result.errors),
        status=result.status,
        submission_id=strawberry.ID(str(result.submission_id)) if result.submission_id else None,
    )


def _upload_errors(upload: UploadInput, lang: str) -> list[UserError]:
    """What the file's envelope gets wrong; the file itself is the domain's to judge."""
    errors = []
    size = len(upload.content.encode("utf-8", "surrogatepass"))
    if size == 0 or not upload.content.strip():
        message = gettext(lang, _NO_FILE)
        errors.append(UserError(field=["content"], code="required", message=message))
    elif size > MAX_UPLOAD_BYTES:
        message = gettext(lang, _FILE_TOO_LARGE)
        errors.append(UserError(field=["content"], code="too_large", message=message))
    content_lang = upload.content_lang
    if content_lang and content_lang.lower() != "und" and normalise_lang(content_lang) == "und":
        message = gettext(lang, _INVALID_LANGUAGE, value=content_lang)
        errors.append(UserError(field=["contentLang"], code="invalid_language", message=message))
    if upload.timezone and upload.timezone not in available_timezones():
        message = gettext(lang, _UNKNOWN_TIMEZONE, value=upload.timezone)
        errors.append(UserError(field=["timezone"], code="unknown_timezone", message=message))
    return errors


def _upload_user_errors(errors: tuple[Any, ...]) -> list[UserError]:
    """The domain's errors with paths into this input: the file is ``content`` here."""
    out = []
    for e in errors:
        path = list(e.field)
        if path[:1] == ["file"]:
            path[0] = "content"
        out.append(UserError(field=[p for p in path if p], code=e.code, message=e.message))
    return out


def _items(items: tuple[ingest.PreviewItem, ...]) -> list[UploadItem]:
    return [
        UploadItem(
            external_id=i.external_id,
            title=i.title,
            first_start=i.first_start,
            event_id=strawberry.ID(str(i.event_id)) if i.event_id else None,
        )
        for i in items
    ]


@dataclass(frozen=True, slots=True)
class _Upload:
    """The checked input, as the domain takes it."""

    data: bytes
    fmt: SourceFormat
    lang: str
    timezone: str

    @classmethod
    def of(cls, upload: UploadInput) -> _Upload:
        return cls(
            data=upload.content.encode("utf-8", "surrogatepass"),
            fmt=SourceFormat(upload.format.value),
            lang=normalise_lang(upload.content_lang) if upload.content_lang else "und",
            timezone=upload.timezone or "Europe/Luxembourg",
        )


def _in_rollback(conninfo: str, work: Callable[[Conn], T]) -> T:
    """Run ``work`` on a fresh connection and undo whatever it did: a preview never writes."""
    with connect(conninfo) as conn:
        try:
            return work(conn)
        finally:
            conn.rollback()


def _preview(
    conn: Conn, institution_id: int, upload: _Upload, now: datetime, ui: str
) -> ingest.Preview:
    return ingest.preview_upload(
        conn,
        institution_id=institution_id,
        data=upload.data,
        fmt=upload.fmt,
        now=now,
        lang=upload.lang,
        timezone=upload.timezone,
        ui_lang=ui,
    )


def _apply(
    conn: Conn, institution_id: int, actor: Actor, upload: _Upload, now: datetime, ui: str
) -> ingest.UploadResult:
    """Apply the file, or do nothing at all when it matches what is published.

    The domain records an audit row (and, for a standard institution, a
    submission to review) on every call; a file identical to the published
    programme must leave no trace, so it stops at the preview.
    """
    preview = _preview(conn, institution_id, upload, now, ui)
    if not preview.fatal and not (preview.create or preview.update or preview.cancel):
        return ingest.UploadResult(preview, "approved")
    return ingest.apply_upload(
        conn,
        institution_id=institution_id,
        actor=actor,
        data=upload.data,
        fmt=upload.fmt,
        now=now,
        lang=upload.lang,
        timezone=upload.timezone,
        ui_lang=ui,
    )


def _mutation(description: str, permission: type[BasePermission]) -> Callable[[_F], _F]:
    """``@strawberry.mutation(...)`` with the resolver's type kept for mypy."""
    return cast(
        "Callable[[_F], _F]",
        strawberry.mutation(description=description, permission_classes=[permission]),
    )


async def _cancel(
    info: Info[Context, None],
    id: strawberry.ID,
    lang: str | None,
    action: Callable[[Conn, int, Actor, int, str, datetime], Any],
) -> EventPayload:
    """Cancel an event or one date: the same checks, one transaction, the event back."""
    actor = await _actor(info)
    ui = _lang(info, lang)
    institution, denied = _institution(actor, ui)
    target = _int(id)
    if institution is None or target is None:
        return EventPayload(event=None, errors=denied or _bad_id(ui))
    now = info.context.now
    result = await _write(info, lambda conn: action(conn, institution, actor, target, ui, now))
    return EventPayload(
        event=await _event(info, result.event_id, lang), errors=_errors(result.errors)
    )


@strawberry.type
class Mutation:
    @_mutation("Submit an event; the same externalId again updates it.", CanWrite)
    async def submit_event(
        self, info: Info[Context, None], input: EventInput, lang: str | None = None
    ) -> EventPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        if institution is None:
            return EventPayload(event=None, errors=denied, status="invalid")
        data = input_mapping(input)
        now = info.context.now
        result = await _write(
            info,
            lambda conn: ingest.submit_event(
                conn, institution_id=institution, actor=actor, input=data, lang=ui, now=now
            ),
        )
        return await _submit_payload(info, result, lang)

    @_mutation("Replace one of your events.", CanWrite)
    async def update_event(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        input: EventInput,
        lang: str | None = None,
    ) -> EventPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        event_id = _int(id)
        if institution is None or event_id is None:
            return EventPayload(event=None, errors=denied or _bad_id(ui), status="invalid")
        data = input_mapping(input)
        now = info.context.now
        result = await _write(
            info,
            lambda conn: ingest.update_event(
                conn,
                institution_id=institution,
                actor=actor,
                event_id=event_id,
                input=data,
                lang=ui,
                now=now,
            ),
        )
        return await _submit_payload(info, result, lang)

    @_mutation("Cancel an event: all its dates.", CanWrite)
    async def cancel_event(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        reason: str | None = None,
        lang: str | None = None,
    ) -> EventPayload:
        return await _cancel(
            info,
            id,
            lang,
            lambda conn, institution, actor, target, ui, now: ingest.cancel_event(
                conn,
                institution_id=institution,
                actor=actor,
                event_id=target,
                reason=reason,
                lang=ui,
                now=now,
            ),
        )

    @_mutation("Cancel one date of an event.", CanWrite)
    async def cancel_occurrence(
        self,
        info: Info[Context, None],
        id: strawberry.ID,
        reason: str | None = None,
        lang: str | None = None,
    ) -> EventPayload:
        return await _cancel(
            info,
            id,
            lang,
            lambda conn, institution, actor, target, ui, now: ingest.cancel_occurrence(
                conn,
                institution_id=institution,
                actor=actor,
                occurrence_id=target,
                reason=reason,
                lang=ui,
                now=now,
            ),
        )

    @_mutation("Withdraw an event; it stays in the change feed as deleted.", CanWrite)
    async def delete_event(
        self, info: Info[Context, None], id: strawberry.ID, lang: str | None = None
    ) -> DeletePayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        event_id = _int(id)
        if institution is None or event_id is None:
            return DeletePayload(deleted_id=None, errors=denied or _bad_id(ui))
        now = info.context.now
        result = await _write(
            info,
            lambda conn: ingest.delete_event(
                conn, institution_id=institution, actor=actor, event_id=event_id, lang=ui, now=now
            ),
        )
        deleted = strawberry.ID(str(result.event_id)) if result.event_id else None
        return DeletePayload(deleted_id=deleted, errors=_errors(result.errors))

    @_mutation("Register a feed of yours for pluriel to crawl (idempotent on its URL).", CanWrite)
    async def add_source(
        self, info: Info[Context, None], input: SourceInput, lang: str | None = None
    ) -> SourcePayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        errors = denied or _source_errors(input, ui)
        if institution is None or errors:
            return SourcePayload(source_id=None, errors=errors)
        now = info.context.now
        source_id = await _write(
            info, lambda conn: _add_source(conn, input, actor, institution, now)
        )
        return SourcePayload(source_id=strawberry.ID(str(source_id)), errors=[])

    @_mutation("Publish a submission waiting for review.", CanModerate)
    async def approve_submission(
        self, info: Info[Context, None], id: strawberry.ID, lang: str | None = None
    ) -> SubmissionPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        submission_id = _int(id)
        if submission_id is None:
            return SubmissionPayload(submission_id=id, status=None, event=None, errors=_bad_id(ui))
        now = info.context.now
        result = await _write(
            info, lambda conn: ingest.approve_submission(conn, submission_id, actor, now, lang=ui)
        )
        return SubmissionPayload(
            submission_id=id,
            status=result.status,
            event=await _event(info, result.event_id, lang),
            errors=_errors(result.errors),
        )

    @_mutation("Send a submission back; the institution sees the reason.", CanModerate)
    async def reject_submission(
        self, info: Info[Context, None], id: strawberry.ID, reason: str, lang: str | None = None
    ) -> SubmissionPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        submission_id = _int(id)
        if submission_id is None:
            return SubmissionPayload(submission_id=id, status=None, event=None, errors=_bad_id(ui))
        now = info.context.now
        result = await _write(
            info,
            lambda conn: ingest.reject_submission(
                conn, submission_id, actor, reason=reason, now=now, lang=ui
            ),
        )
        return SubmissionPayload(
            submission_id=id, status=result.status, event=None, errors=_errors(result.errors)
        )

    @_mutation("What uploading a programme file would create, update and cancel.", CanWrite)
    async def preview_upload(
        self, info: Info[Context, None], input: UploadInput, lang: str | None = None
    ) -> UploadPreviewPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        errors = denied or _upload_errors(input, ui)
        filename = input.filename or None
        if institution is None or errors:
            return UploadPreviewPayload(
                filename=filename, create=[], update=[], cancel=[], unchanged=0, errors=errors
            )
        upload = _Upload.of(input)
        now = info.context.now
        preview: ingest.Preview = await run_in_threadpool(
            _in_rollback,
            _primary(info.context),
            lambda conn: _preview(conn, institution, upload, now, ui),
        )
        return UploadPreviewPayload(
            filename=filename,
            create=_items(preview.create),
            update=_items(preview.update),
            cancel=_items(preview.cancel),
            unchanged=preview.unchanged,
            errors=_upload_user_errors(preview.errors),
        )

    @_mutation(
        "Apply a programme file: published at once (trusted) or queued for review.", CanWrite
    )
    async def apply_upload(
        self, info: Info[Context, None], input: UploadInput, lang: str | None = None
    ) -> UploadPayload:
        actor = await _actor(info)
        ui = _lang(info, lang)
        institution, denied = _institution(actor, ui)
        errors = denied or _upload_errors(input, ui)
        filename = input.filename or None
        if institution is None or errors:
            return UploadPayload(
                filename=filename,
                status="invalid",
                submission_id=None,
                create=[],
                update=[],
                cancel=[],
                unchanged=0,
                errors=errors,
            )
        upload = _Upload.of(input)
        now = info.context.now
        result = await _write(info, lambda conn: _apply(conn, institution, actor, upload, now, ui))
        preview = result.preview
        return UploadPayload(
            filename=filename,
            status=result.status,
            submission_id=strawberry.ID(str(result.submission_id))
            if result.submission_id
            else None,
            create=_items(preview.create),
            update=_items(preview.update),
            cancel=_items(preview.cancel),
            unchanged=preview.unchanged,
            errors=_upload_user_errors(preview.errors),
        )
