"""Read queries behind the public API: filtered pages and batched look-ups.

Pages use keyset pagination only: a page starts strictly after the sort key
of the last row the client saw, so a row inserted or deleted elsewhere never
shifts the rows that follow (OFFSET would skip or repeat them). Look-ups take
many ids at once so the GraphQL DataLoaders issue one statement per kind of
object per page, whatever the page size.

Every function takes an open async connection; none commits, none writes.
Only live events (``deleted_at is null``) are ever returned.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from psycopg import AsyncConnection, sql
from psycopg.rows import class_row

from pluriel.model import fold

__all__ = [
    "EXACT_COUNT_LIMIT",
    "FACET_DAYS",
    "FACET_LIMIT",
    "CategoryRow",
    "ChangeKey",
    "ChangeRow",
    "Count",
    "EventKey",
    "EventRow",
    "FacetCount",
    "InstitutionRow",
    "NameKey",
    "Near",
    "OccurrenceKey",
    "OccurrenceRow",
    "Page",
    "PlaceRow",
    "ReadFilter",
    "SourceRefRow",
    "TextRow",
    "Window",
    "all_categories",
    "categories_for_events",
    "changes_page",
    "count_events",
    "count_institutions",
    "count_occurrences",
    "count_places",
    "day_facets",
    "event_facets",
    "events_by_ids",
    "events_page",
    "institutions_by_ids",
    "institutions_page",
    "next_occurrences",
    "occurrences_for_events",
    "occurrences_page",
    "places_by_ids",
    "places_page",
    "sources_for_events",
    "texts_for_events",
]

Conn = AsyncConnection[Any]
T = TypeVar("T")

#: Counts are exact up to this many rows, then estimated by the planner.
EXACT_COUNT_LIMIT = 10_000

#: Text-search configurations a query is parsed with, OR-ed together, so a
#: word matches whatever language its event was indexed in (simple covers lb, und).
_SEARCH_CONFIGS = ("french", "german", "english", "dutch", "simple")


@dataclass(frozen=True, slots=True)
class Window:
    """A time range; an occurrence matches when it overlaps it.

    An occurrence overlaps when it starts before ``end`` and either starts at
    or after ``start`` or is still running at ``start`` (ends after it).
    Either bound may be open.
    """

    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Near:
    """A circle on the map: places within ``radius_km`` of (lat, lon)."""

    lat: float
    lon: float
    radius_km: float


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadFilter:
    """What a page of events or occurrences is restricted to; empty means "any"."""

    window: Window = field(default_factory=Window)
    text: str | None = None
    countries: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    institution_ids: tuple[int, ...] = ()
    place_ids: tuple[int, ...] = ()
    localities: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()
    #: Event status on event pages, the date's own status on occurrence pages.
    statuses: tuple[str, ...] = ()
    attendance_modes: tuple[str, ...] = ()
    free: bool | None = None
    #: Every one of these accessibility features.
    accessibility: tuple[str, ...] = ()
    near: Near | None = None

    @property
    def search_text(self) -> str:
        """The folded search words; events are ranked by relevance when there are any."""
        return fold(self.text or "").strip()


@dataclass(frozen=True, slots=True)
class EventKey:
    """Sort key of an event in a page: rank (text searches only), first start, id."""

    start: datetime
    id: int
    rank: float | None = None


@dataclass(frozen=True, slots=True)
class NameKey:
    """Sort key of institution and place listings: a folded or lower-cased name, then id."""

    name: str
    id: int


@dataclass(frozen=True, slots=True)
class OccurrenceKey:
    start: datetime
    id: int


@dataclass(frozen=True, slots=True, kw_only=True)
class EventRow:
    id: int
    institution_id: int
    place_id: int | None
    status: str
    attendance_mode: str
    timezone: str
    url: str | None
    booking_url: str | None
    image_url: str | None
    online_url: str | None
    languages: list[str]
    accessibility: list[str]
    updated_at: datetime
    #: ``{free, min, max, currency, text: {lang: text}}`` as the aggregator stores it.
    price: dict[str, Any] | None = None
    is_free: bool | None = None
    rrule: str | None = None
    #: Field name (``url``, ``title.de``, ``occurrences``…) -> id of the source that gave it.
    provenance: dict[str, int] = field(default_factory=dict)
    created_at: datetime | None = None
    age_min: int | None = None
    age_max: int | None = None
    sort_start: datetime | None = None
    rank: float | None = None

    @property
    def key(self) -> EventKey:
        if self.sort_start is None:
            raise ValueError(f"event {self.id} was not read as part of a page")
        return EventKey(self.sort_start, self.id, self.rank)


@dataclass(frozen=True, slots=True, kw_only=True)
class OccurrenceRow:
    id: int
    event_id: int
    starts_at: datetime
    ends_at: datetime | None
    all_day: bool
    timezone: str
    status: str
    availability: str | None = None
    previous_start: datetime | None = None

    @property
    def key(self) -> OccurrenceKey:
        return OccurrenceKey(self.starts_at, self.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class TextRow:
    event_id: int
    lang: str
    title: str
    description: str | None


@dataclass(frozen=True, slots=True, kw_only=True)
class InstitutionRow:
    id: int
    slug: str
    name: str
    country: str
    website: str | None
    sort_name: str | None = None

    @property
    def key(self) -> NameKey:
        if self.sort_name is None:
            raise ValueError(f"institution {self.id} was not read as part of a page")
        return NameKey(self.sort_name, self.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceRow:
    id: int
    name: dict[str, str]
    street: str | None
    postal_code: str | None
    locality: str | None
    country: str | None
    lat: float | None
    lon: float | None
    name_folded: str = ""

    @property
    def key(self) -> NameKey:
        return NameKey(self.name_folded, self.id)


@dataclass(frozen=True, slots=True, kw_only=True)
class CategoryRow:
    id: str
    parent_id: str | None
    labels: dict[str, str]
    position: int


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    rows: list[T]
    has_next: bool


@dataclass(frozen=True, slots=True)
class Count:
    value: int
    exact: bool


_EVENT_COLUMNS = sql.SQL(
    "e.id, e.institution_id, e.place_id, e.status, e.attendance_mode, e.timezone,"
    " e.url, e.booking_url, e.image_url, e.online_url, e.languages, e.accessibility,"
    " e.updated_at, e.price, e.is_free, e.rrule, e.provenance, e.created_at,"
    " e.age_min, e.age_max"
)
_OCCURRENCE_COLUMNS = sql.SQL(
    "o.id, o.event_id, o.starts_at, o.ends_at, o.all_day, o.timezone, o.status,"
    " o.availability, o.previous_start"
)


def _window_clause(window: Window, params: dict[str, Any], alias: str = "o") -> sql.Composable:
    parts: list[sql.Composable] = []
    o = sql.Identifier(alias)
    if window.start is not None:
        params["w_start"] = window.start
        parts.append(
            sql.SQL("({o}.starts_at >= %(w_start)s or {o}.ends_at > %(w_start)s)").format(o=o)
        )
    if window.end is not None:
        params["w_end"] = window.end
        parts.append(sql.SQL("{o}.starts_at < %(w_end)s").format(o=o))
    if not parts:
        return sql.SQL("true")
    return sql.SQL(" and ").join(parts)


@dataclass(slots=True)
class _Query:
    """The pieces of one filtered statement, built from fixed fragments only."""

    ctes: list[sql.Composable] = field(default_factory=list)
    joins: list[sql.Composable] = field(default_factory=list)
    where: list[sql.Composable] = field(default_factory=list)
    params: dict[str, Any] = field(default_factory=dict)
    ranked: bool = False

    def with_clause(self) -> sql.Composable:
        if not self.ctes:
            return sql.SQL("")
        return sql.SQL("with recursive ") + sql.SQL(", ").join(self.ctes) + sql.SQL(" ")

    def where_clause(self) -> sql.Composable:
        return sql.SQL(" and ").join(self.where) if self.where else sql.SQL("true")


def _event_predicates(query: _Query, flt: ReadFilter) -> None:
    """Restrictions on the event itself, shared by event and occurrence pages."""
    query.where.append(sql.SQL("e.deleted_at is null"))
    if flt.institution_ids:
        query.params["institution_ids"] = list(flt.institution_ids)
        query.where.append(sql.SQL("e.institution_id = any(%(institution_ids)s::bigint[])"))
    if flt.place_ids:
        query.params["place_ids"] = list(flt.place_ids)
        # A merged place's old id still selects its events (it is an alias of the kept one).
        query.where.append(
            sql.SQL(
                "e.place_id in (select coalesce(merged_into, id) from place"
                " where id = any(%(place_ids)s::bigint[]))"
            )
        )
    if flt.languages:
        query.params["languages"] = list(flt.languages)
        query.where.append(sql.SQL("e.languages && %(languages)s::text[]"))
    if flt.attendance_modes:
        query.params["attendance_modes"] = list(flt.attendance_modes)
        query.where.append(sql.SQL("e.attendance_mode = any(%(attendance_modes)s::text[])"))
    if flt.free is not None:
        query.params["free"] = flt.free
        query.where.append(sql.SQL("e.is_free = %(free)s"))
    if flt.accessibility:
        query.params["accessibility"] = list(flt.accessibility)
        query.where.append(sql.SQL("e.accessibility @> %(accessibility)s::text[]"))
    if flt.countries or flt.localities or flt.near:
        query.joins.append(sql.SQL("left join place p on p.id = e.place_id"))
    if flt.localities:
        query.params["localities"] = [fold(locality).strip() for locality in flt.localities]
        query.where.append(sql.SQL("p.locality_folded = any(%(localities)s::text[])"))
    if flt.near:
        _near(query, flt.near)
    if flt.countries:
        query.params["countries"] = [c.upper() for c in flt.countries]
        query.joins.append(sql.SQL("join institution i on i.id = e.institution_id"))
        query.where.append(
            sql.SQL(
                "(i.country::text = any(%(countries)s::text[])"
                " or p.country::text = any(%(countries)s::text[]))"
            )
        )
    if flt.categories:
        query.params["categories"] = list(flt.categories)
        query.ctes.append(
            sql.SQL(
                "wanted_category(id) as ("
                " select c.id from category c where c.id = any(%(categories)s::text[])"
                " union select c.id from category c"
                " join wanted_category w on c.parent_id = w.id)"
            )
        )
        query.where.append(
            sql.SQL(
                "exists (select 1 from event_category ec"
                " where ec.event_id = e.id"
                " and ec.category_id in (select id from wanted_category))"
            )
        )
    text = flt.search_text
    if text:
        query.params["text"] = text
        tsquery = sql.SQL(" || ").join(
            sql.SQL("websearch_to_tsquery({}, %(text)s)").format(sql.Literal(config))
            for config in _SEARCH_CONFIGS
        )
        query.ctes.append(sql.SQL("search(query) as (select {})").format(tsquery))
        query.joins.append(sql.SQL("cross join search s"))
        query.joins.append(
            sql.SQL(
                "cross join lateral (select max(ts_rank(t.search, s.query))::float8 as rank"
                " from event_text t where t.event_id = e.id and t.search @@ s.query) r"
            )
        )
        query.where.append(sql.SQL("r.rank is not null"))
        # Redundant with the rank, but lets the planner start from the GIN index.
        query.where.append(
            sql.SQL(
                "e.id in (select t.event_id from event_text t, search q where t.search @@ q.query)"
            )
        )
        query.ranked = True


_EARTH_RADIUS_KM = 6371.0088


def _near(query: _Query, near: Near) -> None:
    """Great-circle distance in plain SQL (no PostGIS), after a bounding box the index can use."""
    lat_span = math.degrees(near.radius_km / _EARTH_RADIUS_KM)
    cos_lat = max(math.cos(math.radians(near.lat)), 1e-6)
    lon_span = min(180.0, lat_span / cos_lat)
    query.params.update(
        near_lat=near.lat,
        near_lon=near.lon,
        near_km=near.radius_km,
        lat_min=near.lat - lat_span,
        lat_max=near.lat + lat_span,
        lon_min=near.lon - lon_span,
        lon_max=near.lon + lon_span,
    )
    query.where.append(
        sql.SQL(
            "p.lat between %(lat_min)s and %(lat_max)s"
            " and p.lon between %(lon_min)s and %(lon_max)s"
            " and 2 * {r} * asin(least(1, sqrt("
            "power(sin(radians(p.lat - %(near_lat)s) / 2), 2)"
            " + cos(radians(%(near_lat)s)) * cos(radians(p.lat))"
            " * power(sin(radians(p.lon - %(near_lon)s) / 2), 2)))) <= %(near_km)s"
        ).format(r=sql.Literal(_EARTH_RADIUS_KM))
    )


def _events_query(flt: ReadFilter) -> _Query:
    query = _Query()
    _event_predicates(query, flt)
    if flt.statuses:
        query.params["statuses"] = list(flt.statuses)
        query.where.append(sql.SQL("e.status = any(%(statuses)s::text[])"))
    window = _window_clause(flt.window, query.params)
    # The first occurrence in the window is both the membership test and the sort key.
    query.joins.append(
        sql.SQL(
            "cross join lateral (select o.starts_at as sort_start from occurrence o"
            " where o.event_id = e.id and {} order by o.starts_at, o.id limit 1) f"
        ).format(window)
    )
    return query


def _occurrences_query(flt: ReadFilter) -> _Query:
    query = _Query()
    query.joins.append(sql.SQL("join event e on e.id = o.event_id"))
    _event_predicates(query, flt)
    if flt.statuses:
        query.params["statuses"] = list(flt.statuses)
        query.where.append(sql.SQL("o.status = any(%(statuses)s::text[])"))
    query.where.append(_window_clause(flt.window, query.params))
    return query


async def events_page(
    conn: Conn, flt: ReadFilter, *, first: int, after: EventKey | None = None
) -> Page[EventRow]:
    """Events with an occurrence in the window, by relevance (text only), first start, id."""
    if not flt.search_text:
        return await _events_by_date(conn, flt, first=first, after=after)
    query = _events_query(flt)
    rank_column = sql.SQL(", r.rank") if query.ranked else sql.SQL(", null::float8 as rank")
    if after is not None:
        query.params.update(a_start=after.start, a_id=after.id)
        if query.ranked:
            query.params["a_rank"] = after.rank if after.rank is not None else 0.0
            query.where.append(
                sql.SQL(
                    "(r.rank < %(a_rank)s or (r.rank = %(a_rank)s"
                    " and (f.sort_start, e.id) > (%(a_start)s, %(a_id)s)))"
                )
            )
        else:
            query.where.append(sql.SQL("(f.sort_start, e.id) > (%(a_start)s, %(a_id)s)"))
    order = (
        sql.SQL("r.rank desc, f.sort_start, e.id")
        if query.ranked
        else sql.SQL("f.sort_start, e.id")
    )
    query.params["limit"] = first + 1
    statement = sql.SQL(
        "{ctes}select {columns}, f.sort_start{rank} from event e {joins}"
        " where {where} order by {order} limit %(limit)s"
    ).format(
        columns=_EVENT_COLUMNS,
        rank=rank_column,
        joins=sql.SQL(" ").join(query.joins),
        where=query.where_clause(),
        order=order,
        ctes=query.with_clause(),
    )
    rows = await _fetch(conn, EventRow, statement, query.params)
    return Page(rows[:first], len(rows) > first)


async def _events_by_date(
    conn: Conn, flt: ReadFilter, *, first: int, after: EventKey | None
) -> Page[EventRow]:
    """Events by first date in the window, walking the occurrence index in date order.

    Each event is met at its first matching date (no earlier matching date of
    the same event exists), so the walk stops after one page instead of
    ranking every event; ties on a start are ordered by event id.
    """
    query = _Query()
    query.joins.append(sql.SQL("join event e on e.id = o.event_id"))
    _event_predicates(query, flt)
    if flt.statuses:
        query.params["statuses"] = list(flt.statuses)
        query.where.append(sql.SQL("e.status = any(%(statuses)s::text[])"))
    query.where.append(_window_clause(flt.window, query.params))
    query.where.append(
        sql.SQL(
            "not exists (select 1 from occurrence o2 where o2.event_id = o.event_id and {}"
            " and (o2.starts_at, o2.id) < (o.starts_at, o.id))"
        ).format(_window_clause(flt.window, query.params, "o2"))
    )
    if after is not None:
        query.params.update(a_start=after.start, a_id=after.id)
        # The first condition is implied by the second; it lets the index start there.
        query.where.append(
            sql.SQL("o.starts_at >= %(a_start)s and (o.starts_at, e.id) > (%(a_start)s, %(a_id)s)")
        )
    query.params["limit"] = first + 1
    statement = sql.SQL(
        "{ctes}select {columns}, o.starts_at as sort_start, null::float8 as rank"
        " from occurrence o {joins} where {where} order by o.starts_at, e.id limit %(limit)s"
    ).format(
        columns=_EVENT_COLUMNS,
        joins=sql.SQL(" ").join(query.joins),
        where=query.where_clause(),
        ctes=query.with_clause(),
    )
    rows = await _fetch(conn, EventRow, statement, query.params)
    return Page(rows[:first], len(rows) > first)


async def occurrences_page(
    conn: Conn, flt: ReadFilter, *, first: int, after: OccurrenceKey | None = None
) -> Page[OccurrenceRow]:
    """Occurrences of live events overlapping the window, by start then id."""
    query = _occurrences_query(flt)
    if after is not None:
        query.params.update(a_start=after.start, a_id=after.id)
        query.where.append(sql.SQL("(o.starts_at, o.id) > (%(a_start)s, %(a_id)s)"))
    query.params["limit"] = first + 1
    statement = sql.SQL(
        "{ctes}select {columns} from occurrence o {joins}"
        " where {where} order by o.starts_at, o.id limit %(limit)s"
    ).format(
        columns=_OCCURRENCE_COLUMNS,
        joins=sql.SQL(" ").join(query.joins),
        where=query.where_clause(),
        ctes=query.with_clause(),
    )
    rows = await _fetch(conn, OccurrenceRow, statement, query.params)
    return Page(rows[:first], len(rows) > first)


async def count_events(
    conn: Conn, flt: ReadFilter, *, exact_limit: int = EXACT_COUNT_LIMIT
) -> Count:
    query = _events_query(flt)
    body = sql.SQL("{ctes}select 1 from event e {joins} where {where}").format(
        joins=sql.SQL(" ").join(query.joins),
        where=query.where_clause(),
        ctes=query.with_clause(),
    )
    return await _count(conn, body, query.params, exact_limit)


async def count_occurrences(
    conn: Conn, flt: ReadFilter, *, exact_limit: int = EXACT_COUNT_LIMIT
) -> Count:
    query = _occurrences_query(flt)
    body = sql.SQL("{ctes}select 1 from occurrence o {joins} where {where}").format(
        joins=sql.SQL(" ").join(query.joins),
        where=query.where_clause(),
        ctes=query.with_clause(),
    )
    return await _count(conn, body, query.params, exact_limit)


async def _count(
    conn: Conn, body: sql.Composable, params: dict[str, Any], exact_limit: int
) -> Count:
    """Count up to ``exact_limit`` rows; beyond it ask the planner, which costs nothing."""
    params = {**params, "count_limit": exact_limit + 1}
    limited = sql.SQL("select count(*) as n from ({} limit %(count_limit)s) counted").format(body)
    cur = await conn.execute(limited, params)
    row = await cur.fetchone()
    counted = int(_first_value(row))
    if counted <= exact_limit:
        return Count(counted, exact=True)
    cur = await conn.execute(sql.SQL("explain (format json) {}").format(body), params)
    plan = _first_value(await cur.fetchone())
    if isinstance(plan, str):
        plan = json.loads(plan)
    estimated = int(plan[0]["Plan"]["Plan Rows"])
    return Count(max(estimated, exact_limit + 1), exact=False)


def _first_value(row: Any) -> Any:
    if row is None:
        raise LookupError("the statement returned no row")
    if isinstance(row, dict):
        return next(iter(row.values()))
    return row[0]


async def events_by_ids(conn: Conn, ids: Sequence[int]) -> dict[int, EventRow]:
    """Live events by id; soft-deleted and unknown ids are absent from the result."""
    statement = sql.SQL(
        "select {columns} from event e where e.id = any(%(ids)s::bigint[]) and e.deleted_at is null"
    ).format(columns=_EVENT_COLUMNS)
    rows = await _fetch(conn, EventRow, statement, {"ids": list(ids)})
    return {row.id: row for row in rows}


async def texts_for_events(conn: Conn, event_ids: Sequence[int]) -> dict[int, list[TextRow]]:
    """Each event's texts, its declared languages first in their order (source first)."""
    statement = sql.SQL(
        "select t.event_id, t.lang, t.title, t.description from event_text t"
        " join event e on e.id = t.event_id"
        " where t.event_id = any(%(ids)s::bigint[])"
        " order by t.event_id, array_position(e.languages, t.lang) nulls last, t.lang"
    )
    return _group(await _fetch(conn, TextRow, statement, {"ids": list(event_ids)}), "event_id")


async def occurrences_for_events(
    conn: Conn, event_ids: Sequence[int], window: Window = Window()
) -> dict[int, list[OccurrenceRow]]:
    params: dict[str, Any] = {"ids": list(event_ids)}
    statement = sql.SQL(
        "select {columns} from occurrence o where o.event_id = any(%(ids)s::bigint[])"
        " and {window} order by o.event_id, o.starts_at, o.id"
    ).format(columns=_OCCURRENCE_COLUMNS, window=_window_clause(window, params))
    return _group(await _fetch(conn, OccurrenceRow, statement, params), "event_id")


async def next_occurrences(
    conn: Conn, event_ids: Sequence[int], *, now: datetime
) -> dict[int, OccurrenceRow]:
    """Per event, the first occurrence still running or to come at ``now``."""
    statement = sql.SQL(
        "select n.* from unnest(%(ids)s::bigint[]) as k(id)"
        " cross join lateral (select {columns} from occurrence o"
        " where o.event_id = k.id and (o.starts_at >= %(now)s or o.ends_at > %(now)s)"
        " order by o.starts_at, o.id limit 1) n"
    ).format(columns=_OCCURRENCE_COLUMNS)
    rows = await _fetch(conn, OccurrenceRow, statement, {"ids": list(event_ids), "now": now})
    return {row.event_id: row for row in rows}


async def institutions_by_ids(conn: Conn, ids: Sequence[int]) -> dict[int, InstitutionRow]:
    statement = sql.SQL(
        "select id, slug, name, trim(country) as country, website from institution"
        " where id = any(%(ids)s::bigint[])"
    )
    rows = await _fetch(conn, InstitutionRow, statement, {"ids": list(ids)})
    return {row.id: row for row in rows}


async def places_by_ids(conn: Conn, ids: Sequence[int]) -> dict[int, PlaceRow]:
    statement = sql.SQL(
        "select id, name, street, postal_code, locality, trim(country) as country, lat, lon,"
        " name_folded from place where id = any(%(ids)s::bigint[])"
    )
    rows = await _fetch(conn, PlaceRow, statement, {"ids": list(ids)})
    return {row.id: row for row in rows}


async def categories_for_events(
    conn: Conn, event_ids: Sequence[int]
) -> dict[int, list[CategoryRow]]:
    statement = sql.SQL(
        "select ec.event_id, c.id, c.parent_id, c.labels, c.position"
        " from event_category ec join category c on c.id = ec.category_id"
        " where ec.event_id = any(%(ids)s::bigint[])"
        " order by ec.event_id, c.position, c.id"
    )
    rows = await _fetch(conn, _LinkedCategory, statement, {"ids": list(event_ids)})
    grouped: dict[int, list[CategoryRow]] = defaultdict(list)
    for row in rows:
        grouped[row.event_id].append(
            CategoryRow(
                id=row.id, parent_id=row.parent_id, labels=row.labels, position=row.position
            )
        )
    return dict(grouped)


@dataclass(frozen=True, slots=True, kw_only=True)
class _LinkedCategory:
    event_id: int
    id: str
    parent_id: str | None
    labels: dict[str, str]
    position: int


async def _fetch(
    conn: Conn, row_type: type[T], statement: sql.SQL | sql.Composed, params: dict[str, Any]
) -> list[T]:
    async with conn.cursor(row_factory=class_row(row_type)) as cur:
        await cur.execute(statement, params)
        return await cur.fetchall()


def _group(rows: list[T], attribute: str) -> dict[int, list[T]]:
    grouped: dict[int, list[T]] = defaultdict(list)
    for row in rows:
        grouped[getattr(row, attribute)].append(row)
    return dict(grouped)


async def all_categories(conn: Conn) -> list[CategoryRow]:
    """The whole taxonomy, by position then id."""
    statement = sql.SQL(
        "select id, parent_id, labels, position from category order by position, id"
    )
    return await _fetch(conn, CategoryRow, statement, {})


async def institutions_page(
    conn: Conn, *, first: int, after: NameKey | None = None
) -> Page[InstitutionRow]:
    """Institutions by name (case ignored), then id."""
    params: dict[str, Any] = {"limit": first + 1}
    where: sql.SQL | sql.Composed = sql.SQL("true")
    if after is not None:
        params.update(a_name=after.name, a_id=after.id)
        where = sql.SQL("(lower(name), id) > (%(a_name)s, %(a_id)s)")
    statement = sql.SQL(
        "select id, slug, name, trim(country) as country, website, lower(name) as sort_name"
        " from institution where {} order by lower(name), id limit %(limit)s"
    ).format(where)
    rows = await _fetch(conn, InstitutionRow, statement, params)
    return Page(rows[:first], len(rows) > first)


async def count_institutions(conn: Conn, *, exact_limit: int = EXACT_COUNT_LIMIT) -> Count:
    return await _count(conn, sql.SQL("select 1 from institution"), {}, exact_limit)


def _places_query(near: Near | None, text: str | None) -> _Query:
    query = _Query()
    query.where.append(sql.SQL("p.merged_into is null"))
    if near is not None:
        _near(query, near)
    folded = fold(text or "").strip()
    if folded:
        query.params["text"] = f"%{_escape_like(folded)}%"
        query.where.append(
            sql.SQL("(p.name_folded like %(text)s or p.locality_folded like %(text)s)")
        )
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


async def places_page(
    conn: Conn,
    *,
    first: int,
    after: NameKey | None = None,
    near: Near | None = None,
    text: str | None = None,
) -> Page[PlaceRow]:
    """Places (merged duplicates left out) by folded name; ``text`` matches name or locality."""
    query = _places_query(near, text)
    if after is not None:
        query.params.update(a_name=after.name, a_id=after.id)
        query.where.append(sql.SQL("(p.name_folded, p.id) > (%(a_name)s, %(a_id)s)"))
    query.params["limit"] = first + 1
    statement = sql.SQL(
        "select p.id, p.name, p.street, p.postal_code, p.locality, trim(p.country) as country,"
        " p.lat, p.lon, p.name_folded from place p where {} order by p.name_folded, p.id"
        " limit %(limit)s"
    ).format(query.where_clause())
    rows = await _fetch(conn, PlaceRow, statement, query.params)
    return Page(rows[:first], len(rows) > first)


async def count_places(
    conn: Conn,
    *,
    near: Near | None = None,
    text: str | None = None,
    exact_limit: int = EXACT_COUNT_LIMIT,
) -> Count:
    query = _places_query(near, text)
    body = sql.SQL("select 1 from place p where {}").format(query.where_clause())
    return await _count(conn, body, query.params, exact_limit)


@dataclass(frozen=True, slots=True)
class ChangeKey:
    """Position in the change log: writing transaction, then sequence."""

    txid: int
    seq: int


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRow:
    seq: int
    kind: str
    entity_id: int
    state: str
    modified: datetime
    txid: int

    @property
    def key(self) -> ChangeKey:
        return ChangeKey(self.txid, self.seq)


async def changes_page(
    conn: Conn, *, first: int, after: ChangeKey | None = None
) -> Page[ChangeRow]:
    """The change log in commit-safe order, for sync.

    Rows are read in (transaction id, seq) order and only from transactions
    older than every transaction still running. A transaction that commits
    late holds back everything after it instead of being jumped over: its
    rows would otherwise appear behind a cursor that already moved past them.
    """
    params: dict[str, Any] = {"limit": first + 1}
    where: sql.SQL | sql.Composed = sql.SQL("true")
    if after is not None:
        params.update(a_txid=str(after.txid), a_seq=after.seq)
        where = sql.SQL("(txid, seq) > (%(a_txid)s::xid8, %(a_seq)s)")
    statement = sql.SQL(
        "select seq, kind, entity_id, state, modified, txid::text::bigint as txid from change"
        " where txid < pg_snapshot_xmin(pg_current_snapshot()) and {}"
        " order by txid, seq limit %(limit)s"
    ).format(where)
    rows = await _fetch(conn, ChangeRow, statement, params)
    return Page(rows[:first], len(rows) > first)


@dataclass(frozen=True, slots=True, kw_only=True)
class SourceRefRow:
    """One source that describes an event, with the item it published."""

    event_id: int
    source_id: int
    institution_id: int
    format: str
    kind: str
    url: str
    external_id: str | None
    first_seen: datetime | None
    last_seen: datetime | None


async def sources_for_events(conn: Conn, event_ids: Sequence[int]) -> dict[int, list[SourceRefRow]]:
    """Per event, every source whose item joined it and every source named in its provenance.

    An item later removed from its feed stays listed while its fields are still in use.
    """
    statement = sql.SQL(
        "select e.id as event_id, s.id as source_id, s.institution_id, s.format, s.kind,"
        " s.url, se.external_id, se.first_seen, se.last_seen"
        " from event e join source s on s.id in ("
        "  select se2.source_id from source_event se2"
        "  where se2.event_id = e.id and se2.removed_at is null"
        "  union select v::bigint from jsonb_each_text(e.provenance) as p(k, v)"
        "  where v ~ '^[0-9]{1,18}$')"
        " left join source_event se on se.event_id = e.id and se.source_id = s.id"
        " where e.id = any(%(ids)s::bigint[])"
        " order by e.id, s.id, se.id"
    )
    rows = await _fetch(conn, SourceRefRow, statement, {"ids": list(event_ids)})
    seen: set[tuple[int, int]] = set()
    unique = []
    for row in rows:
        if (row.event_id, row.source_id) not in seen:
            seen.add((row.event_id, row.source_id))
            unique.append(row)
    return _group(unique, "event_id")


#: Values per facet group, most frequent first; days are capped separately.
FACET_LIMIT = 50
#: Days listed by the day facet, from the start of the window.
FACET_DAYS = 62

_FACET_GROUPS = (
    "categories",
    "countries",
    "localities",
    "languages",
    "free",
    "attendance_modes",
)


@dataclass(frozen=True, slots=True)
class FacetCount:
    value: str
    count: int


def _without(flt: ReadFilter, group: str) -> ReadFilter:
    """The filter minus the group's own dimension, so the other choices stay countable."""
    if group == "free":
        return replace(flt, free=None)
    if group == "categories":
        return replace(flt, categories=())
    if group == "countries":
        return replace(flt, countries=())
    if group == "localities":
        return replace(flt, localities=())
    if group == "languages":
        return replace(flt, languages=())
    if group == "attendance_modes":
        return replace(flt, attendance_modes=())
    return flt


def _facet_value(group: str) -> tuple[sql.Composable, sql.Composable]:
    """The expression counted for a group and the joins it needs, over the matching ids."""
    expressions: dict[str, tuple[str, str]] = {
        "categories": (
            "ec.category_id",
            "join event_category ec on ec.event_id = m.id",
        ),
        "countries": (
            "coalesce(trim(p.country), trim(i.country))",
            "join event e on e.id = m.id join institution i on i.id = e.institution_id"
            " left join place p on p.id = e.place_id",
        ),
        "localities": (
            "min(p.locality) over (partition by p.locality_folded)",
            "join event e on e.id = m.id join place p on p.id = e.place_id"
            " and p.locality_folded is not null",
        ),
        "languages": (
            "l.lang",
            "join event e on e.id = m.id cross join unnest(e.languages) l(lang)",
        ),
        "free": (
            "case e.is_free when true then 'free' when false then 'paid' else 'unknown' end",
            "join event e on e.id = m.id",
        ),
        "attendance_modes": ("e.attendance_mode", "join event e on e.id = m.id"),
    }
    expression, joins = expressions[group]
    return sql.SQL(expression), sql.SQL(joins)


def _matching_ids(flt: ReadFilter) -> tuple[sql.Composable, dict[str, Any], sql.Composable]:
    query = _events_query(flt)
    body = sql.SQL("select e.id from event e {joins} where {where}").format(
        joins=sql.SQL(" ").join(query.joins), where=query.where_clause()
    )
    return query.with_clause(), query.params, body


async def event_facets(
    conn: Conn, flt: ReadFilter, group: str, *, limit: int = FACET_LIMIT
) -> list[FacetCount]:
    """How many matching events fall under each value of ``group``, most first, then by value.

    Each group ignores its own part of the filter (a portal showing "music"
    still learns how many theatre events there are); every other part holds.
    One statement per group.
    """
    if group not in _FACET_GROUPS:
        raise ValueError(f"unknown facet group {group!r}")
    ctes, params, body = _matching_ids(_without(flt, group))
    expression, joins = _facet_value(group)
    statement = sql.SQL(
        "{ctes}select v.value, count(distinct v.id)::int as count from ("
        " select {expression} as value, m.id from ({body}) m {joins}) v"
        " where v.value is not null group by v.value"
        " order by count desc, v.value limit %(facet_limit)s"
    ).format(ctes=ctes, expression=expression, body=body, joins=joins)
    return await _fetch(conn, FacetCount, statement, {**params, "facet_limit": limit})


async def day_facets(
    conn: Conn, flt: ReadFilter, *, timezone: str, limit: int = FACET_DAYS
) -> list[FacetCount]:
    """Matching events per local day (ISO date) in ``timezone``, for days in the window.

    An event counts once on each day one of its dates in the window starts,
    and on the window's first day when a date is still running then.
    """
    ctes, params, body = _matching_ids(flt)
    window = _window_clause(flt.window, params)
    day = sql.SQL("(greatest(o.starts_at, {start}) at time zone %(facet_zone)s)::date").format(
        start=sql.SQL("%(w_start)s") if flt.window.start is not None else sql.SQL("o.starts_at")
    )
    statement = sql.SQL(
        "{ctes}select {day}::text as value, count(distinct o.event_id)::int as count"
        " from occurrence o where o.event_id in ({body}) and {window}"
        " group by 1 order by 1 limit %(facet_limit)s"
    ).format(ctes=ctes, day=day, body=body, window=window)
    return await _fetch(
        conn, FacetCount, statement, {**params, "facet_zone": timezone, "facet_limit": limit}
    )
