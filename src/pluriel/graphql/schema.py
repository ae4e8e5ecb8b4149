"""The Query root, the EventFilter input, and the schema with its safety limits.

Limits run as validation rules built once per schema. Strawberry wants a
fresh extension per request (shared instances are deprecated: they would
share per-request state), so each request gets new extension objects that
carry the *same* rule classes; the validation cache is keyed on those
classes and so keeps hitting across requests.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import strawberry
from strawberry import Info
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types import ExecutionContext

from graphql import GraphQLError
from pluriel.graphql import cursors
from pluriel.graphql.context import Context
from pluriel.graphql.errors import InputError, Masking, should_mask
from pluriel.graphql.types import (
    Category,
    Change,
    ChangeConnection,
    ChangeEdge,
    Event,
    EventConnection,
    EventEdge,
    Facets,
    Institution,
    InstitutionConnection,
    InstitutionEdge,
    Occurrence,
    OccurrenceConnection,
    OccurrenceEdge,
    PageInfo,
    Place,
    PlaceConnection,
    PlaceEdge,
    aware,
    described,
)
from pluriel.model import AttendanceMode, EventStatus, normalise_lang
from pluriel.store import read

__all__ = [
    "DEFAULT_FIRST",
    "MAX_ALIASES",
    "MAX_DEPTH",
    "MAX_FIRST",
    "MAX_TOKENS",
    "EventFilter",
    "GeoFilter",
    "Query",
    "build_schema",
    "sdl",
]

MAX_FIRST = 100
DEFAULT_FIRST = 20
MAX_DEPTH = 12
MAX_ALIASES = 30
MAX_TOKENS = 4000
MAX_TEXT = 200
MAX_RADIUS_KM = 500.0
DEFAULT_TIMEZONE = "Europe/Luxembourg"
_CACHE_SIZE = 512
_COUNTRY = re.compile(r"^[A-Za-z]{2}$")


@strawberry.input(description="A circle on the map.")
class GeoFilter:
    lat: float
    lon: float
    radius_km: float = strawberry.field(description=f"At most {MAX_RADIUS_KM:g} km.")


@strawberry.input(description="Restricts a listing; every field given must hold (AND).")
class EventFilter:
    text: str | None = strawberry.field(
        default=None,
        description="Words searched in titles and descriptions of every language, accents"
        ' ignored; web-search syntax ("quoted phrase", -excluded, or).'
        " When given, events are ordered by relevance first.",
    )
    from_: datetime | None = strawberry.field(
        default=None,
        name="from",
        description="Keep dates still running at or after this instant (default: now).",
    )
    to: datetime | None = strawberry.field(
        default=None, description="Keep dates starting before this instant."
    )
    countries: list[str] | None = strawberry.field(
        default=None,
        description="ISO 3166-1 alpha-2 codes; the institution's or the place's country.",
    )
    categories: list[str] | None = strawberry.field(
        default=None, description="Category ids; a parent category includes its children."
    )
    localities: list[str] | None = strawberry.field(
        default=None, description="Place localities (town names), accents and case ignored."
    )
    place_ids: list[strawberry.ID] | None = None
    institution_ids: list[strawberry.ID] | None = None
    near: GeoFilter | None = strawberry.field(
        default=None, description="Events at a place within the circle."
    )
    languages: list[str] | None = strawberry.field(
        default=None, description="Events written in at least one of these languages."
    )
    free: bool | None = strawberry.field(
        default=None,
        description="true: free events only; false: paying ones only"
        " (unknown prices match neither).",
    )
    accessibility: list[str] | None = strawberry.field(
        default=None, description="Events offering every one of these accessibility features."
    )
    attendance_modes: list[AttendanceMode] | None = None
    statuses: list[EventStatus] | None = strawberry.field(
        default=None,
        description="The event's status in `events`; each date's own status in `occurrences`.",
    )


def _first(first: int | None) -> int:
    if first is None:
        return DEFAULT_FIRST
    if not 0 <= first <= MAX_FIRST:
        raise InputError(f"`first` must be between 0 and {MAX_FIRST}, not {first}")
    return first


def _int_id(value: str, what: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise InputError(f"{what} {value!r} is not a valid id")
    return int(value)


def _text_argument(text: str | None) -> str | None:
    if text is not None and len(text) > MAX_TEXT:
        raise InputError(f"`text` is limited to {MAX_TEXT} characters")
    return _no_nul(text, "text")


def _no_nul(value: str | None, name: str) -> str | None:
    """PostgreSQL text cannot hold NUL: say so to the client instead of failing inside."""
    if value is not None and "\x00" in value:
        raise InputError(f"`{name}` contains a NUL character")
    return value


def _strings(values: list[str] | None, name: str) -> tuple[str, ...]:
    return tuple(v for v in values or () if _no_nul(v, name) is not None)


def _read_filter(flt: EventFilter | None, now: datetime) -> read.ReadFilter:
    if flt is None:
        return read.ReadFilter(window=read.Window(now, None))
    start = aware(flt.from_, "from") or now
    end = aware(flt.to, "to")
    if end is not None and end <= start:
        raise InputError("`to` must be later than `from` (which defaults to now)")
    _text_argument(flt.text)
    countries = tuple(flt.countries or ())
    for country in countries:
        if not _COUNTRY.match(country):
            raise InputError(f"country {country!r} is not an ISO 3166-1 alpha-2 code such as LU")
    return read.ReadFilter(
        window=read.Window(start, end),
        text=flt.text,
        countries=tuple(c.upper() for c in countries),
        categories=_strings(flt.categories, "categories"),
        institution_ids=tuple(_int_id(i, "institution id") for i in flt.institution_ids or ()),
        place_ids=tuple(_int_id(i, "place id") for i in flt.place_ids or ()),
        localities=_strings(flt.localities, "localities"),
        languages=tuple(normalise_lang(lang) for lang in _strings(flt.languages, "languages")),
        statuses=tuple(status.value for status in flt.statuses or ()),
        attendance_modes=tuple(mode.value for mode in flt.attendance_modes or ()),
        free=flt.free,
        accessibility=_strings(flt.accessibility, "accessibility"),
        near=None if flt.near is None else _near(flt.near),
    )


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InputError(
            f"`timezone` {name!r} is not an IANA zone such as Europe/Luxembourg"
        ) from None
    return name


def _near(near: GeoFilter) -> read.Near:
    if not (-90 <= near.lat <= 90 and -180 <= near.lon <= 180):
        raise InputError(f"`near` is not a point on Earth: lat {near.lat}, lon {near.lon}")
    if not 0 < near.radius_km <= MAX_RADIUS_KM:
        raise InputError(f"`radiusKm` must be above 0 and at most {MAX_RADIUS_KM:g}")
    return read.Near(near.lat, near.lon, near.radius_km)


FilterArgument = Annotated[EventFilter | None, strawberry.argument(name="filter")]
FirstArgument = Annotated[
    int | None, strawberry.argument(description=f"Page size, at most {MAX_FIRST}.")
]
AfterArgument = Annotated[
    str | None, strawberry.argument(description="`endCursor` of the previous page.")
]
LangArgument = Annotated[
    str | None,
    strawberry.argument(description="Default language of the text fields below (see `title`)."),
]


@strawberry.type
class Query:
    @described(
        "Events with a date in the filter's range, by first such date (from now"
        " when `from` is not given), or by relevance when `text` is given."
    )
    async def events(
        self,
        info: Info[Context, None],
        filter_: FilterArgument = None,
        first: FirstArgument = DEFAULT_FIRST,
        after: AfterArgument = None,
        lang: LangArgument = None,
    ) -> EventConnection:
        context = info.context
        flt = _read_filter(filter_, context.now)
        size = _first(first)
        key = None if after is None else cursors.decode_event(after, ranked=bool(flt.search_text))
        async with context.pool.connection() as conn:
            page = await read.events_page(conn, flt, first=size, after=key)
        # An occurrence's `event` below then costs nothing for events already listed.
        context.loaders.event.prime_many({row.id: row for row in page.rows})
        edges = [
            EventEdge(cursor=cursors.encode_event(row.key), node=Event(row=row, lang=lang))
            for row in page.rows
        ]
        return EventConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            filter=flt,
        )

    @described(
        "Dates of events overlapping the filter's range (from now when `from` is"
        " not given), by start."
    )
    async def occurrences(
        self,
        info: Info[Context, None],
        filter_: FilterArgument = None,
        first: FirstArgument = DEFAULT_FIRST,
        after: AfterArgument = None,
        lang: LangArgument = None,
    ) -> OccurrenceConnection:
        context = info.context
        flt = _read_filter(filter_, context.now)
        size = _first(first)
        key = None if after is None else cursors.decode_occurrence(after)
        async with context.pool.connection() as conn:
            page = await read.occurrences_page(conn, flt, first=size, after=key)
        edges = [
            OccurrenceEdge(
                cursor=cursors.encode_occurrence(row.key), node=Occurrence(row=row, lang=lang)
            )
            for row in page.rows
        ]
        return OccurrenceConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            filter=flt,
        )

    @described("Venues, by name; merged duplicates are left out.")
    async def places(
        self,
        info: Info[Context, None],
        first: FirstArgument = DEFAULT_FIRST,
        after: AfterArgument = None,
        near: GeoFilter | None = None,
        text: Annotated[
            str | None,
            strawberry.argument(description="Part of the name or locality, accents ignored."),
        ] = None,
        lang: LangArgument = None,
    ) -> PlaceConnection:
        size = _first(first)
        circle = None if near is None else _near(near)
        key = None if after is None else cursors.decode_name(after, kind="place")
        async with info.context.pool.connection() as conn:
            page = await read.places_page(
                conn, first=size, after=key, near=circle, text=_text_argument(text)
            )
        edges = [
            PlaceEdge(
                cursor=cursors.encode_name(row.key, kind="place"), node=Place(row=row, lang=lang)
            )
            for row in page.rows
        ]
        return PlaceConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
            near=circle,
            text=text,
        )

    @described("Institutions publishing on pluriel, by name.")
    async def institutions(
        self,
        info: Info[Context, None],
        first: FirstArgument = DEFAULT_FIRST,
        after: AfterArgument = None,
    ) -> InstitutionConnection:
        size = _first(first)
        key = None if after is None else cursors.decode_name(after, kind="institution")
        async with info.context.pool.connection() as conn:
            page = await read.institutions_page(conn, first=size, after=key)
        edges = [
            InstitutionEdge(
                cursor=cursors.encode_name(row.key, kind="institution"), node=Institution(row=row)
            )
            for row in page.rows
        ]
        return InstitutionConnection(
            edges=edges,
            page_info=PageInfo(
                has_next_page=page.has_next, end_cursor=edges[-1].cursor if edges else None
            ),
        )

    @described("The shared taxonomy, by position.")
    async def categories(
        self, info: Info[Context, None], lang: LangArgument = None
    ) -> list[Category]:
        async with info.context.pool.connection() as conn:
            rows = await read.all_categories(conn)
        return [Category(row=row, lang=lang) for row in rows]

    @described(
        "Every change, deletions included, in an order that never skips a row: keep the last"
        " `endCursor` and ask again later for what changed since."
    )
    async def changes(
        self,
        info: Info[Context, None],
        after: AfterArgument = None,
        first: Annotated[
            int | None, strawberry.argument(description=f"Page size, at most {MAX_FIRST}.")
        ] = MAX_FIRST,
        lang: LangArgument = None,
    ) -> ChangeConnection:
        size = MAX_FIRST if first is None else _first(first)
        key = None if after is None else cursors.decode_change(after)
        async with info.context.pool.connection() as conn:
            page = await read.changes_page(conn, first=size, after=key)
        edges = [
            ChangeEdge(cursor=cursors.encode_change(row.key), node=Change(row=row, lang=lang))
            for row in page.rows
        ]
        # An empty page hands the caller's cursor back, so polling can continue from it.
        end = edges[-1].cursor if edges else after
        return ChangeConnection(
            edges=edges, page_info=PageInfo(has_next_page=page.has_next, end_cursor=end)
        )

    @described("Counts by category, country, locality, day, language, price and attendance mode.")
    def facets(
        self,
        info: Info[Context, None],
        filter_: FilterArgument = None,
        timezone: Annotated[
            str, strawberry.argument(description="IANA zone the `days` group is counted in.")
        ] = DEFAULT_TIMEZONE,
    ) -> Facets:
        return Facets(filter=_read_filter(filter_, info.context.now), timezone=_zone(timezone))

    @described("One event; null when unknown or deleted.")
    async def event(
        self, info: Info[Context, None], id: strawberry.ID, lang: LangArgument = None
    ) -> Event | None:
        row = await info.context.loaders.event.load(_int_id(id, "event id"))
        return None if row is None else Event(row=row, lang=lang)


class _Schema(strawberry.Schema):
    """Logs only what went wrong on our side; a client's mistake is answered, not logged."""

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        super().process_errors([e for e in errors if should_mask(e)], execution_context)


def build_schema(*, debug: bool = False, introspection: bool = True) -> strawberry.Schema:
    """The API schema; outside ``debug`` unexpected errors are masked."""
    rules = [
        *QueryDepthLimiter(max_depth=MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=MAX_ALIASES).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        lambda: MaxTokensLimiter(max_token_count=MAX_TOKENS),
        lambda: ParserCache(maxsize=_CACHE_SIZE),
        lambda: AddValidationRules(rules),
        lambda: ValidationCache(maxsize=_CACHE_SIZE),
    ]
    if not introspection:
        extensions.append(DisableIntrospection)
    if not debug:
        extensions.append(lambda: Masking(should_mask_error=should_mask))
    # Inline: mutations import the schema's types, so they load after this module.
    from pluriel.graphql.mutations import Mutation

    return _Schema(query=Query, mutation=Mutation, extensions=extensions)


def sdl() -> str:
    """The schema in SDL, as committed in ``schema.graphql``."""
    return build_schema().as_str() + "\n"
