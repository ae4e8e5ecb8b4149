"""GraphQL object types. Each wraps a store row; nested objects come through DataLoaders.

Nodes carry the ``lang`` their connection was asked in, so ``title`` with no
argument answers in the language of the page that listed it.

Every DateTime is rendered in UTC (``2026-10-03T18:00:00+00:00``); the
occurrence's ``timezone`` says which zone to show it in.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from enum import Enum
from typing import Annotated, Any, TypeVar, cast

import strawberry
from strawberry import Info, Private

from pluriel.graphql import datesummary
from pluriel.graphql.context import Context
from pluriel.graphql.errors import InputError
from pluriel.model import AttendanceMode, Availability, EventStatus, I18nText
from pluriel.store import read

__all__ = [
    "Category",
    "Change",
    "ChangeConnection",
    "ChangeEdge",
    "ChangeState",
    "DayCount",
    "Event",
    "EventConnection",
    "EventEdge",
    "FacetCount",
    "Facets",
    "Institution",
    "InstitutionConnection",
    "InstitutionEdge",
    "Occurrence",
    "OccurrenceConnection",
    "OccurrenceEdge",
    "PageInfo",
    "Place",
    "PlaceConnection",
    "PlaceEdge",
    "Price",
    "SourceKind",
    "SourceRef",
    "SummaryFormat",
    "Translation",
    "aware",
    "described",
    "utc",
]

strawberry.enum(EventStatus, name="EventStatus", description="Whether an event or date happens.")
strawberry.enum(AttendanceMode, name="AttendanceMode", description="In person, online, or both.")
strawberry.enum(Availability, name="Availability", description="Whether tickets are left.")
SummaryFormat = strawberry.enum(
    datesummary.SummaryFormat,
    name="SummaryFormat",
    description="SHORT: `12 Oct, 20:00`; MEDIUM: `Sat 12 Oct 2026, 20:00`;"
    " LONG: `Saturday 12 October 2026, 20:00–22:00`.",
)

LangArgument = Annotated[
    str | None,
    strawberry.argument(
        description="Language wanted (fr, de, lb, en, nl). Falls back: lb→de→fr, de→lb→fr,"
        " fr→en, nl→fr→de, en→fr→de, then any. Defaults to the listing's `lang`."
    ),
]
FromArgument = Annotated[
    datetime | None,
    strawberry.argument(name="from", description="Dates still running at or after this instant."),
]
ToArgument = Annotated[
    datetime | None, strawberry.argument(description="Dates starting before this instant.")
]


_F = TypeVar("_F", bound=Callable[..., Any])


def described(description: str) -> Callable[[_F], _F]:
    """``@strawberry.field(description=...)`` with the resolver's type kept for mypy."""
    return cast("Callable[[_F], _F]", strawberry.field(description=description))


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def aware(value: datetime | None, name: str) -> datetime | None:
    """Refuse local times: "20:00" means different instants across the region."""
    if value is not None and value.utcoffset() is None:
        raise InputError(f"`{name}` needs a UTC offset, e.g. 2026-10-03T20:00:00+02:00")
    return value


def _status(value: str) -> EventStatus:
    try:
        return EventStatus(value)
    except ValueError:
        return EventStatus.SCHEDULED


def _attendance(value: str) -> AttendanceMode:
    try:
        return AttendanceMode(value)
    except ValueError:
        return AttendanceMode.OFFLINE


@strawberry.type(description="A title and description in one language.")
class Translation:
    lang: str
    title: str
    description: str | None = strawberry.field(description="Sanitised HTML.")


@strawberry.type
class Institution:
    row: Private[read.InstitutionRow]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def slug(self) -> str:
        return self.row.slug

    @strawberry.field
    def name(self) -> str:
        return self.row.name

    @described("ISO 3166-1 alpha-2 code, e.g. LU.")
    def country(self) -> str:
        return self.row.country

    @strawberry.field
    def website(self) -> str | None:
        return self.row.website


@strawberry.type
class Place:
    row: Private[read.PlaceRow]
    lang: Private[str | None]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @strawberry.field
    def name(self, lang: LangArgument = None) -> str:
        return I18nText.of(self.row.name).get(lang or self.lang) or ""

    @strawberry.field
    def street(self) -> str | None:
        return self.row.street

    @strawberry.field
    def postal_code(self) -> str | None:
        return self.row.postal_code

    @strawberry.field
    def locality(self) -> str | None:
        return self.row.locality

    @described("ISO 3166-1 alpha-2 code; null while the place is unmatched.")
    def country(self) -> str | None:
        return self.row.country

    @strawberry.field
    def lat(self) -> float | None:
        return self.row.lat

    @strawberry.field
    def lon(self) -> float | None:
        return self.row.lon


@strawberry.type(description="A node of the shared taxonomy.")
class Category:
    row: Private[read.CategoryRow]
    lang: Private[str | None]

    @described("Stable slug, e.g. `music` or `music-jazz`.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(self.row.id)

    @strawberry.field
    def label(self, lang: LangArgument = None) -> str:
        return I18nText.of(self.row.labels).get(lang or self.lang) or self.row.id

    @strawberry.field
    def parent_id(self) -> strawberry.ID | None:
        return None if self.row.parent_id is None else strawberry.ID(self.row.parent_id)


@strawberry.type(description="One date of an event.")
class Occurrence:
    row: Private[read.OccurrenceRow]
    lang: Private[str | None]

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @described("Start, in UTC; show it in `timezone`.")
    def start(self) -> datetime:
        return utc(self.row.starts_at)

    @described("End, in UTC, when known.")
    def end(self) -> datetime | None:
        return None if self.row.ends_at is None else utc(self.row.ends_at)

    @described("True for whole days: `start` is local midnight, `end` the next one.")
    def all_day(self) -> bool:
        return self.row.all_day

    @described("IANA zone of the event, e.g. Europe/Luxembourg.")
    def timezone(self) -> str:
        return self.row.timezone

    @strawberry.field
    def status(self) -> EventStatus:
        return _status(self.row.status)

    @described("Tickets left, when the source says: AVAILABLE, FEW_LEFT or SOLD_OUT.")
    def availability(self) -> Availability | None:
        return None if self.row.availability is None else Availability(self.row.availability)

    @described("For a rescheduled or moved date: when it was planned before, in UTC.")
    def previous_start(self) -> datetime | None:
        return None if self.row.previous_start is None else utc(self.row.previous_start)

    @strawberry.field
    async def event(self, info: Info[Context, None]) -> Event:
        row = await info.context.loaders.event.load(self.row.event_id)
        if row is None:
            raise LookupError(f"occurrence {self.row.id} has no live event")
        return Event(row=row, lang=self.lang)


@strawberry.type(description="A cultural event, with one or more dates.")
class Event:
    row: Private[read.EventRow]
    lang: Private[str | None]

    async def _texts(self, info: Info[Context, None]) -> list[read.TextRow]:
        return await info.context.loaders.texts.load(self.row.id)

    @strawberry.field
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.id))

    @described("Youngest age the event is meant for, when the source says.")
    def age_min(self) -> int | None:
        return self.row.age_min

    @described("Oldest age the event is meant for, when the source says.")
    def age_max(self) -> int | None:
        return self.row.age_max

    @described("Plain text, in the language asked or the nearest one.")
    async def title(self, info: Info[Context, None], lang: LangArgument = None) -> str:
        texts = await self._texts(info)
        return I18nText.of((t.lang, t.title) for t in texts).get(lang or self.lang) or ""

    @described("Sanitised HTML, in the language asked or the nearest one.")
    async def description(self, info: Info[Context, None], lang: LangArgument = None) -> str | None:
        texts = await self._texts(info)
        return I18nText.of((t.lang, t.description or "") for t in texts).get(lang or self.lang)

    @described("Languages the event is written in; the first is the source's.")
    def languages(self) -> list[str]:
        return list(self.row.languages)

    @strawberry.field
    async def translations(self, info: Info[Context, None]) -> list[Translation]:
        return [
            Translation(lang=t.lang, title=t.title, description=t.description)
            for t in await self._texts(info)
        ]

    @strawberry.field
    def status(self) -> EventStatus:
        return _status(self.row.status)

    @strawberry.field
    def attendance_mode(self) -> AttendanceMode:
        return _attendance(self.row.attendance_mode)

    @strawberry.field
    def url(self) -> str | None:
        return self.row.url

    @strawberry.field
    def booking_url(self) -> str | None:
        return self.row.booking_url

    @strawberry.field
    def image_url(self) -> str | None:
        return self.row.image_url

    @strawberry.field
    def online_url(self) -> str | None:
        return self.row.online_url

    @strawberry.field
    def accessibility(self) -> list[str]:
        return list(self.row.accessibility)

    @strawberry.field
    def updated_at(self) -> datetime:
        return utc(self.row.updated_at)

    @strawberry.field
    async def institution(self, info: Info[Context, None]) -> Institution:
        row = await info.context.loaders.institution.load(self.row.institution_id)
        if row is None:
            raise LookupError(f"event {self.row.id} has no institution")
        return Institution(row=row)

    @strawberry.field
    async def place(self, info: Info[Context, None]) -> Place | None:
        if self.row.place_id is None:
            return None
        row = await info.context.loaders.place.load(self.row.place_id)
        return None if row is None else Place(row=row, lang=self.lang)

    @strawberry.field
    async def categories(self, info: Info[Context, None]) -> list[Category]:
        rows = await info.context.loaders.categories.load(self.row.id)
        return [Category(row=row, lang=self.lang) for row in rows]

    @described("Dates overlapping the range (all dates without one), by start.")
    async def occurrences(
        self,
        info: Info[Context, None],
        from_: FromArgument = None,
        to: ToArgument = None,
    ) -> list[Occurrence]:
        window = read.Window(aware(from_, "from"), aware(to, "to"))
        rows = await info.context.loaders.occurrences.load((self.row.id, window))
        return [Occurrence(row=row, lang=self.lang) for row in rows]

    @described("The first date still running or to come; null when all passed.")
    async def next_occurrence(self, info: Info[Context, None]) -> Occurrence | None:
        row = await info.context.loaders.next_occurrence.load(self.row.id)
        return None if row is None else Occurrence(row=row, lang=self.lang)

    @described("Price as published; null when the sources say nothing about it.")
    def price(self) -> Price | None:
        raw = self.row.price
        if raw is None and self.row.is_free is None:
            return None
        raw = raw or {}
        free = raw.get("free")
        return Price(
            free=self.row.is_free if free is None else bool(free),
            min=_decimal(raw.get("min")),
            max=_decimal(raw.get("max")),
            currency=raw.get("currency") if isinstance(raw.get("currency"), str) else None,
            texts=_texts_of(raw.get("text")),
            lang=self.lang,
        )

    @described(
        "Where the event comes from: every source that describes it, with the fields each"
        " one gave (precedence: the institution's submission, then feeds, then scrapes)."
    )
    async def sources(self, info: Info[Context, None]) -> list[SourceRef]:
        rows = await info.context.loaders.sources.load(self.row.id)
        fields: dict[int, list[str]] = {}
        for name, source_id in sorted(self.row.provenance.items()):
            fields.setdefault(int(source_id), []).append(name)
        return [SourceRef(row=row, fields=fields.get(row.source_id, [])) for row in rows]

    @described(
        "When it happens, in words and in the event's own zone: `Sa., 12. Okt. 2026, 20:00`,"
        " `du 3 au 27 oct. 2026`, `every Tuesday until 24 Nov 2026`, or `cancelled`."
        " Written in fr, de, lb, en or nl (others fall back to fr)."
    )
    async def date_summary(
        self,
        info: Info[Context, None],
        lang: LangArgument = None,
        format: datesummary.SummaryFormat | None = datesummary.SummaryFormat.MEDIUM,
    ) -> str | None:
        rows = await info.context.loaders.occurrences.load((self.row.id, read.Window()))
        spans = [
            datesummary.Span(row.starts_at, row.ends_at, row.all_day)
            for row in rows
            if row.status != "cancelled"
        ]
        status = self.row.status
        if rows and not spans:
            status = "cancelled"
        language = lang or self.lang or next(iter(self.row.languages), None)
        return datesummary.date_summary(
            spans,
            timezone=self.row.timezone,
            lang=language,
            format=format or datesummary.SummaryFormat.MEDIUM,
            status=status,
            rrule=self.row.rrule,
        )


def _decimal(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    return float(number) if number.is_finite() else None


def _texts_of(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str) and v}


@strawberry.type(description="What a ticket costs.")
class Price:
    free: bool | None = strawberry.field(description="True when entry is free; null if unknown.")
    min: float | None = strawberry.field(description="Lowest price, in `currency`.")
    max: float | None = strawberry.field(description="Highest price, in `currency`.")
    currency: str | None = strawberry.field(description="ISO 4217 code, e.g. EUR.")
    texts: Private[dict[str, str]]
    lang: Private[str | None]

    @described('The price as the source wrote it ("12 € / 8 € reduced"), in the nearest language.')
    def text(self, lang: LangArgument = None) -> str | None:
        return I18nText.of(self.texts).get(lang or self.lang)


@strawberry.enum(description="How a source reaches pluriel; gives its precedence when merging.")
class SourceKind(Enum):
    SUBMISSION = "submission"
    FEED = "feed"
    SCRAPE = "scrape"


@strawberry.type(description="A source describing an event, and what it contributed.")
class SourceRef:
    row: Private[read.SourceRefRow]
    fields: list[str] = strawberry.field(
        description="Fields this source gave, e.g. `url`, `title.de`, `occurrences`."
    )

    @strawberry.field
    def source_id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.source_id))

    @strawberry.field
    async def institution(self, info: Info[Context, None]) -> Institution:
        row = await info.context.loaders.institution.load(self.row.institution_id)
        if row is None:
            raise LookupError(f"source {self.row.source_id} has no institution")
        return Institution(row=row)

    @described("ics, jsonld, tribe, rss, rpde, activitystreams, submission, or a site spider.")
    def format(self) -> str:
        return self.row.format

    @strawberry.field
    def kind(self) -> SourceKind:
        try:
            return SourceKind(self.row.kind)
        except ValueError:
            return SourceKind.FEED

    @described("Address of the feed or page crawled.")
    def url(self) -> str:
        return self.row.url

    @described("The item's id in its source (an iCalendar UID, a post id…).")
    def external_id(self) -> str | None:
        return self.row.external_id

    @described("When this source last listed the event.")
    def last_seen(self) -> datetime | None:
        return None if self.row.last_seen is None else utc(self.row.last_seen)


@strawberry.type(description="How many matching events have this value.")
class FacetCount:
    value: str
    count: int


@strawberry.type(description="How many matching events have a date starting on this local day.")
class DayCount:
    day: date
    count: int


@strawberry.type(
    description="Counts for the filter, group by group. Each group ignores its own part of the"
    " filter (with `categories: [music]`, `categories` still counts theatre), so a portal can"
    f" show every choice; at most {read.FACET_LIMIT} values per group, most frequent first."
)
class Facets:
    filter: Private[read.ReadFilter]
    timezone: Private[str]

    async def _group(self, info: Info[Context, None], group: str) -> list[FacetCount]:
        async with info.context.pool.connection() as conn:
            rows = await read.event_facets(conn, self.filter, group)
        return [FacetCount(value=row.value, count=row.count) for row in rows]

    @described("By category id (only the categories events carry, parents are not summed).")
    async def categories(self, info: Info[Context, None]) -> list[FacetCount]:
        return await self._group(info, "categories")

    @described("By country of the place, else of the institution.")
    async def countries(self, info: Info[Context, None]) -> list[FacetCount]:
        return await self._group(info, "countries")

    @described("By the place's locality.")
    async def localities(self, info: Info[Context, None]) -> list[FacetCount]:
        return await self._group(info, "localities")

    @described("By language written in (an event in two languages counts in both).")
    async def languages(self, info: Info[Context, None]) -> list[FacetCount]:
        return await self._group(info, "languages")

    @described("`free`, `paid` or `unknown`.")
    async def free(self, info: Info[Context, None]) -> list[FacetCount]:
        return await self._group(info, "free")

    @described("`OFFLINE`, `ONLINE` or `MIXED`.")
    async def attendance_modes(self, info: Info[Context, None]) -> list[FacetCount]:
        rows = await self._group(info, "attendance_modes")
        return [FacetCount(value=row.value.upper(), count=row.count) for row in rows]

    @described(
        f"Per local day in the filter's range (at most {read.FACET_DAYS} days from its start),"
        " in `timezone`: events with a date starting that day, or still running on the first."
    )
    async def days(self, info: Info[Context, None]) -> list[DayCount]:
        async with info.context.pool.connection() as conn:
            rows = await read.day_facets(conn, self.filter, timezone=self.timezone)
        return [DayCount(day=date.fromisoformat(row.value), count=row.count) for row in rows]


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None = strawberry.field(
        description="Pass as `after` for the next page; null on an empty page."
    )


_TOTAL_COUNT = (
    "How many match the filter: exact up to 10,000, estimated by the database planner beyond."
)


@strawberry.type
class EventEdge:
    cursor: str
    node: Event


@strawberry.type
class EventConnection:
    edges: list[EventEdge]
    page_info: PageInfo
    filter: Private[read.ReadFilter]

    @described(_TOTAL_COUNT)
    async def total_count(self, info: Info[Context, None]) -> int:
        async with info.context.pool.connection() as conn:
            return (await read.count_events(conn, self.filter)).value


@strawberry.type
class OccurrenceEdge:
    cursor: str
    node: Occurrence


@strawberry.type
class OccurrenceConnection:
    edges: list[OccurrenceEdge]
    page_info: PageInfo
    filter: Private[read.ReadFilter]

    @described(_TOTAL_COUNT)
    async def total_count(self, info: Info[Context, None]) -> int:
        async with info.context.pool.connection() as conn:
            return (await read.count_occurrences(conn, self.filter)).value


@strawberry.type
class InstitutionEdge:
    cursor: str
    node: Institution


@strawberry.type
class InstitutionConnection:
    edges: list[InstitutionEdge]
    page_info: PageInfo

    @described(_TOTAL_COUNT)
    async def total_count(self, info: Info[Context, None]) -> int:
        async with info.context.pool.connection() as conn:
            return (await read.count_institutions(conn)).value


@strawberry.type
class PlaceEdge:
    cursor: str
    node: Place


@strawberry.type
class PlaceConnection:
    edges: list[PlaceEdge]
    page_info: PageInfo
    near: Private[read.Near | None]
    text: Private[str | None]

    @described(_TOTAL_COUNT)
    async def total_count(self, info: Info[Context, None]) -> int:
        async with info.context.pool.connection() as conn:
            return (await read.count_places(conn, near=self.near, text=self.text)).value


@strawberry.enum(description="What happened to the object.")
class ChangeState(Enum):
    UPDATED = "updated"
    DELETED = "deleted"


@strawberry.type(description="One entry of the change log: an object created, updated or deleted.")
class Change:
    row: Private[read.ChangeRow]
    lang: Private[str | None]

    @described("`event` (more kinds may follow).")
    def kind(self) -> str:
        return self.row.kind

    @described("Id of the object that changed.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.row.entity_id))

    @strawberry.field
    def state(self) -> ChangeState:
        return ChangeState(self.row.state)

    @strawberry.field
    def modified(self) -> datetime:
        return utc(self.row.modified)

    @described("The event as it is now; null once deleted, or for other kinds.")
    async def event(self, info: Info[Context, None]) -> Event | None:
        if self.row.kind != "event" or self.row.state == "deleted":
            return None
        row = await info.context.loaders.event.load(self.row.entity_id)
        return None if row is None else Event(row=row, lang=self.lang)


@strawberry.type
class ChangeEdge:
    cursor: str
    node: Change


@strawberry.type
class ChangeConnection:
    edges: list[ChangeEdge]
    page_info: PageInfo
