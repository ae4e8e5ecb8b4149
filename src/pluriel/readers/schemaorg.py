"""schema.org ``Event`` nodes to :class:`~pluriel.model.SourceEvent`, for every reader.

JSON-LD pages, microdata, RDFa and OpenActive RPDE all describe events with
the schema.org vocabulary; they differ only in how the nodes reach us. The
readers turn their syntax into compact JSON-LD-shaped dicts (``normalise``)
and hand each event node to :func:`map_event`.

Choices made here, once for every syntax:

- Text without ``@language`` is in the document's declared language
  (``<html lang>``, a JSON-LD ``@context`` ``@language``, else the source's).
  ``inLanguage`` is the language of the performance, not of the text.
- Offset-less times are local to the source's zone; a bare date is all-day
  (end exclusive, as in iCalendar).
- ``eventSchedule`` becomes an RRULE (kept in ``SourceEvent.rrule``) expanded
  inside the horizon; ``subEvent`` children become events of their own,
  inheriting the parent's place, organiser and image; an embedded
  ``superEvent`` (OpenActive's SessionSeries) fills what the child leaves out.
- The external id is the node's ``@id``, else its ``url``, else a digest of
  name and start: the same event read twice keeps its key.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from pluriel.errors import ItemError
from pluriel.model import (
    UNDETERMINED,
    AttendanceMode,
    Availability,
    EventStatus,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
    SourceItemError,
    normalise_lang,
)
from pluriel.readers.common import (
    ReadContext,
    absolute_url,
    country_code,
    html_description,
    parse_bool,
    parse_when,
    stable_id,
    strip_markup,
    zone,
)
from pluriel.readers.prices import combine_prices, currency_of, parse_amount, parse_price
from pluriel.readers.recurrence import expand_rrule

__all__ = [
    "Document",
    "as_list",
    "event_types",
    "first_text",
    "is_event",
    "local_name",
    "map_event",
    "map_events",
    "normalise",
    "parse_duration",
    "read_status",
    "texts",
]

Node = dict[str, Any]

_SCHEMA_PREFIX = re.compile(r"^(?:https?://(?:www\.)?schema\.org/?|schema:)", re.IGNORECASE)
_LANG_KEY = re.compile(
    r"^(?:[a-zA-Z]{2}|ltz|und|deu|fra|eng|nld|ger|fre)(?:[-_][a-zA-Z0-9]{2,8})*$"
)
_DURATION = re.compile(
    r"^P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?$",
    re.IGNORECASE,
)
_AGE = re.compile(r"(\d{1,2})\s*(?:-|–|to|bis|à)\s*(\d{1,2})|(\d{1,2})\s*\+|(\d{1,2})")

#: Types that are events without "Event" in their name.
_EVENT_TYPES = {"Festival", "Hackathon", "CourseInstance", "EventSeries", "SessionSeries",
                "ScheduledSession", "Slot"}  # fmt: skip
#: Types that say how an event is organised, not what it is: never categories.
_STRUCTURAL_TYPES = {"Event", "EventSeries", "SessionSeries", "ScheduledSession", "Slot",
                     "CourseInstance"}  # fmt: skip
#: Keys an OpenActive session takes from its series when it has none of its own.
_NOT_INHERITED = {"@id", "@type", "identifier", "startDate", "endDate", "duration",
                  "eventSchedule", "subEvent", "superEvent", "previousStartDate"}  # fmt: skip
#: Keys a festival's sub-event takes from the festival.
_SUB_INHERITED = ("location", "organizer", "image", "inLanguage", "eventAttendanceMode")

_STATUS = {
    "eventscheduled": EventStatus.SCHEDULED,
    "scheduled": EventStatus.SCHEDULED,
    "eventcancelled": EventStatus.CANCELLED,
    "eventcanceled": EventStatus.CANCELLED,
    "cancelled": EventStatus.CANCELLED,
    "canceled": EventStatus.CANCELLED,
    "eventpostponed": EventStatus.POSTPONED,
    "postponed": EventStatus.POSTPONED,
    "eventrescheduled": EventStatus.RESCHEDULED,
    "rescheduled": EventStatus.RESCHEDULED,
    "eventmovedonline": EventStatus.MOVED_ONLINE,
    "movedonline": EventStatus.MOVED_ONLINE,
}
_ATTENDANCE = {
    "offlineeventattendancemode": AttendanceMode.OFFLINE,
    "offline": AttendanceMode.OFFLINE,
    "onlineeventattendancemode": AttendanceMode.ONLINE,
    "online": AttendanceMode.ONLINE,
    "mixedeventattendancemode": AttendanceMode.MIXED,
    "mixed": AttendanceMode.MIXED,
}
_AVAILABILITY = {
    "instock": Availability.AVAILABLE,
    "onlineonly": Availability.AVAILABLE,
    "instoreonly": Availability.AVAILABLE,
    "presale": Availability.AVAILABLE,
    "preorder": Availability.AVAILABLE,
    "limitedavailability": Availability.FEW_LEFT,
    "soldout": Availability.SOLD_OUT,
    "outofstock": Availability.SOLD_OUT,
}
_FREQUENCIES = {"D": "DAILY", "W": "WEEKLY", "M": "MONTHLY", "Y": "YEARLY"}
_NAMED_FREQUENCIES = {"daily": "DAILY", "weekly": "WEEKLY", "monthly": "MONTHLY",
                      "yearly": "YEARLY", "annually": "YEARLY"}  # fmt: skip
_DAYS = {"monday": "MO", "tuesday": "TU", "wednesday": "WE", "thursday": "TH",
         "friday": "FR", "saturday": "SA", "sunday": "SU"}  # fmt: skip


@dataclass(slots=True, kw_only=True)
class Document:
    """What one document's events share: its language, zone, base URL and node index."""

    ctx: ReadContext
    lang: str = UNDETERMINED
    base: str | None = None
    index: dict[str, Node] = field(default_factory=dict)

    @property
    def tz_name(self) -> str:
        return self.ctx.timezone

    def deref(self, value: Any) -> Any:
        """A ``{"@id": …}`` reference replaced by the node the document gives that id."""
        if isinstance(value, dict) and set(value) == {"@id"} and isinstance(value["@id"], str):
            return self.index.get(value["@id"], value)
        return value

    def add_to_index(self, nodes: list[Any]) -> None:
        """Index every node that carries data besides its ``@id`` (the richest wins)."""
        for node in walk(nodes):
            key = node.get("@id")
            if isinstance(key, str) and len(node) > 1:
                known = self.index.get(key)
                if known is None or len(node) > len(known):
                    self.index[key] = node


def walk(value: Any) -> Iterator[Node]:
    """Every dict inside ``value``, depth first."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            yield item
            stack.extend(reversed(list(item.values())))
        elif isinstance(item, list):
            stack.extend(reversed(item))


def local_name(iri: str) -> str:
    """``https://schema.org/MusicEvent`` and ``schema:MusicEvent`` → ``MusicEvent``."""
    return _SCHEMA_PREFIX.sub("", iri.strip())


def normalise(value: Any) -> Any:
    """A JSON-LD value with schema.org IRIs shortened in keys and ``@type``."""
    if isinstance(value, list):
        return [normalise(item) for item in value]
    if not isinstance(value, dict):
        return value
    out: Node = {}
    for key, item in value.items():
        if key == "@type":
            types = item if isinstance(item, list) else [item]
            out["@type"] = [local_name(t) for t in types if isinstance(t, str)]
        elif key.startswith("@"):
            out[key] = item if key == "@context" else normalise(item)
        else:
            out[local_name(key)] = normalise(item)
    return out


def event_types(node: Mapping[str, Any]) -> tuple[str, ...]:
    raw = node.get("@type")
    types = raw if isinstance(raw, list) else [raw]
    return tuple(local_name(t) for t in types if isinstance(t, str))


def is_event(node: Mapping[str, Any]) -> bool:
    return any(t.endswith("Event") or t in _EVENT_TYPES for t in event_types(node))


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def first_text(value: Any) -> str | None:
    """The first scalar of a value (string, number, ``@value`` or bare ``@id``), stripped."""
    if isinstance(value, list):
        for item in value:
            found = first_text(item)
            if found:
                return found
        return None
    if isinstance(value, dict):
        if "@value" in value:
            return first_text(value["@value"])
        if set(value) == {"@id"}:
            return first_text(value["@id"])
        return None
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, str):
        return value.strip() or None
    return None


def _is_language_map(value: Mapping[str, Any]) -> bool:
    return bool(value) and all(
        isinstance(key, str) and _LANG_KEY.match(key) and isinstance(item, str | list | type(None))
        for key, item in value.items()
    )


def texts(value: Any, lang: str, clean: Callable[[str], str] = strip_markup) -> I18nText:
    """Text in every language the value gives: plain, ``@value``/``@language``, a language map.

    Plain strings are in ``lang``; the first text per language wins.
    """
    pairs: list[tuple[str, str]] = []

    def add(item: Any, item_lang: str) -> None:
        if isinstance(item, str):
            pairs.append((item_lang, clean(item)))
        elif isinstance(item, list):
            for sub in item:
                add(sub, item_lang)
        elif isinstance(item, dict):
            if "@value" in item:
                tag = item.get("@language")
                add(item["@value"], tag if isinstance(tag, str) and tag else item_lang)
            elif _is_language_map(item):
                for key, sub in item.items():
                    add(sub, key)

    add(value, lang)
    return I18nText.of(pairs)


def parse_duration(value: Any) -> timedelta | None:
    """ISO 8601 durations such as ``PT2H30M`` or ``P1D``; ``None`` for anything else."""
    text = first_text(value)
    match = _DURATION.match(text or "")
    if not text or not match or text.upper() in {"P", "PT"}:
        return None
    parts = {k: int(v) for k, v in match.groupdict().items() if v}
    return timedelta(
        weeks=parts.get("w", 0),
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )


def _enum_word(value: Any) -> str | None:
    text = first_text(value)
    if not text:
        return None
    return re.split(r"[/:#]", text.strip())[-1].strip().lower().replace("_", "").replace(" ", "")


def read_status(value: Any, warnings: list[str]) -> EventStatus:
    """``eventStatus`` in any spelling; an unknown value is scheduled, with a warning."""
    word = _enum_word(value)
    if word is None:
        return EventStatus.SCHEDULED
    status = _STATUS.get(word)
    if status is None:
        warnings.append(f"unknown eventStatus {first_text(value)!r}, read as scheduled")
        return EventStatus.SCHEDULED
    return status


def _attendance(value: Any, warnings: list[str]) -> AttendanceMode | None:
    word = _enum_word(value)
    if word is None:
        return None
    mode = _ATTENDANCE.get(word)
    if mode is None:
        warnings.append(f"unknown eventAttendanceMode {first_text(value)!r}, ignored")
    return mode


def _float(value: Any, low: float, high: float) -> float | None:
    text = first_text(value)
    try:
        number = float(text.replace(",", ".")) if text else None
    except ValueError:
        return None
    return number if number is not None and low <= number <= high else None


@dataclass(slots=True, kw_only=True)
class _Mapper:
    """Maps one event node; collects warnings as it goes."""

    node: Node
    doc: Document
    tz: ZoneInfo
    warnings: list[str] = field(default_factory=list)

    def nodes(self, key: str) -> list[Any]:
        return [self.doc.deref(item) for item in as_list(self.node.get(key))]

    # -- identity ---------------------------------------------------------------------
    def external_id(self, title: I18nText) -> str:
        raw_id = first_text(self.node.get("@id"))
        if raw_id and not raw_id.startswith("_:"):
            if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", raw_id):
                return raw_id
            resolved = absolute_url(raw_id, self.doc.base)
            if resolved:
                return resolved
        url = self.url()
        if url:
            return url
        start = first_text(self.node.get("startDate")) or ""
        return stable_id(title.get() or "", start, self.doc.base or "")

    def url(self) -> str | None:
        for item in self.nodes("url"):
            found = absolute_url(first_text(item), self.doc.base)
            if found:
                return found
        return None

    # -- dates --------------------------------------------------------------------------
    def when(self, key: str, value: Any) -> tuple[datetime, bool]:
        text = first_text(value)
        try:
            moment, is_date = parse_when(text, self.tz)
        except ValueError as exc:
            raise ItemError(f"{key}: {exc}") from None
        return moment.astimezone(self.tz), is_date

    def occurrences(
        self, status: EventStatus, availability: Availability | None
    ) -> tuple[tuple[Occurrence, ...], str | None]:
        schedules = [s for s in self.nodes("eventSchedule") if isinstance(s, dict)]
        if schedules:
            return self.scheduled(schedules, status, availability)
        raw_start = self.node.get("startDate")
        if first_text(raw_start) is None:
            raise ItemError("no startDate")
        start, all_day = self.when("startDate", raw_start)
        end: datetime | None = None
        if first_text(self.node.get("endDate")) is not None:
            end, end_is_date = self.when("endDate", self.node.get("endDate"))
            if end_is_date:
                end = datetime.combine(end.date() + timedelta(days=1), time(), self.tz)
        elif not all_day:
            length = parse_duration(self.node.get("duration"))
            end = start + length if length else None
        if end is not None and end <= start:
            self.warnings.append(
                f"endDate {first_text(self.node.get('endDate'))!r} is not after startDate, ignored"
            )
            end = None
        previous: datetime | None = None
        if first_text(self.node.get("previousStartDate")) is not None:
            try:
                previous, _ = self.when("previousStartDate", self.node.get("previousStartDate"))
            except ItemError as exc:  # the old date is a detail: keep the event
                self.warnings.append(f"{exc}, ignored")
            if status is EventStatus.SCHEDULED:
                status = EventStatus.RESCHEDULED
        occurrence = Occurrence(
            start=start,
            end=end,
            all_day=all_day,
            timezone=self.tz.key,
            status=status,
            availability=availability,
            previous_start=previous,
        )
        return (occurrence,), None

    def scheduled(
        self, schedules: list[Node], status: EventStatus, availability: Availability | None
    ) -> tuple[tuple[Occurrence, ...], str | None]:
        rules: list[str] = []
        found: dict[datetime, Occurrence] = {}
        for schedule in schedules:
            rule, dtstart, length, tz, exdates, all_day = self.schedule_rule(schedule)
            rules.append(rule)
            try:
                starts = expand_rrule(
                    rule, dtstart, tz=tz, now=self.doc.ctx.now, horizon=self.doc.ctx.horizon,
                    exdates=exdates,
                )  # fmt: skip
            except (ValueError, OverflowError) as exc:
                raise ItemError(f"eventSchedule: {exc}") from None
            for start in starts:
                found[start] = Occurrence(
                    start=start,
                    end=start + length if length else None,
                    all_day=all_day,
                    timezone=tz.key,
                    status=status,
                    availability=availability,
                    recurrence_id=start.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                )
        occurrences = tuple(found[key] for key in sorted(found))
        return occurrences, rules[0] if len(rules) == 1 else None

    def schedule_rule(
        self, schedule: Node
    ) -> tuple[str, datetime, timedelta | None, ZoneInfo, list[datetime], bool]:
        """An RRULE and its local start for one schema.org ``Schedule``."""
        tz_name = first_text(schedule.get("scheduleTimezone"))
        tz = zone(tz_name, self.tz.key) if tz_name else self.tz
        raw_start = first_text(schedule.get("startDate")) or first_text(self.node.get("startDate"))
        if raw_start is None:
            raise ItemError("eventSchedule has no startDate")
        try:
            start, is_date = parse_when(raw_start, tz)
        except ValueError as exc:
            raise ItemError(f"eventSchedule startDate: {exc}") from None
        start = start.astimezone(tz)
        start_time = _clock(schedule.get("startTime"))
        all_day = is_date and start_time is None
        if start_time is not None:
            start = datetime.combine(start.date(), start_time, tz)
        parts = [self.frequency(schedule)]
        days = [_DAYS.get(_enum_word(d) or "", "") or (_enum_word(d) or "").upper()[:2]
                for d in as_list(schedule.get("byDay"))]  # fmt: skip
        days = [d for d in days if d in _DAYS.values()]
        weeks = _small_ints(schedule.get("byMonthWeek"))
        if days:
            by_day = [f"{w}{d}" for w in weeks for d in days] if weeks else days
            parts.append("BYDAY=" + ",".join(by_day))
        for key, name in (("byMonth", "BYMONTH"), ("byMonthDay", "BYMONTHDAY")):
            values = _small_ints(schedule.get(key))
            if values:
                parts.append(f"{name}=" + ",".join(values))
        count = first_text(schedule.get("repeatCount"))
        if count and count.isdigit():
            parts.append(f"COUNT={count}")
        elif first_text(schedule.get("endDate")):
            try:
                until, _ = parse_when(first_text(schedule.get("endDate")), tz)
            except ValueError as exc:
                raise ItemError(f"eventSchedule endDate: {exc}") from None
            last_day = until.astimezone(tz).strftime("%Y%m%d")
            parts.append(f"UNTIL={last_day}" if all_day else f"UNTIL={last_day}T235959")
        length = parse_duration(schedule.get("duration"))
        end_time = _clock(schedule.get("endTime"))
        if length is None and end_time is not None and start_time is not None:
            end = datetime.combine(start.date(), end_time)
            begin = datetime.combine(start.date(), start_time)
            length = end - begin if end > begin else end + timedelta(days=1) - begin
        if all_day and length is None:
            length = timedelta(days=1)
        exdates: list[datetime] = []
        for raw in as_list(schedule.get("exceptDate")):
            try:
                skip, skip_is_date = parse_when(first_text(raw), tz)
            except ValueError:
                self.warnings.append(f"unreadable exceptDate {first_text(raw)!r}, ignored")
                continue
            if skip_is_date and not all_day:
                skip = datetime.combine(skip.date(), start.timetz())
            exdates.append(skip.astimezone(tz))
        return ";".join(parts), start, length, tz, exdates, all_day

    def frequency(self, schedule: Node) -> str:
        raw = first_text(schedule.get("repeatFrequency"))
        if raw:
            word = local_name(raw)
            match = re.fullmatch(r"P(\d+)([DWMY])", word.upper())
            if match:
                interval = int(match.group(1))
                freq = f"FREQ={_FREQUENCIES[match.group(2)]}"
                return freq if interval == 1 else f"{freq};INTERVAL={interval}"
            named = _NAMED_FREQUENCIES.get(word.lower())
            if named:
                return f"FREQ={named}"
            raise ItemError(
                f"eventSchedule repeatFrequency {raw!r} is not a day, week, month or year"
            )
        if schedule.get("byDay") is not None:
            return "FREQ=WEEKLY"
        if schedule.get("byMonthDay") is not None:
            return "FREQ=MONTHLY"
        raise ItemError("eventSchedule has no repeatFrequency")

    # -- places, offers, people -------------------------------------------------------
    def location(self) -> tuple[Location | None, str | None, bool, bool]:
        """The first physical place, the first online URL, and which kinds were given."""
        place: Location | None = None
        online: str | None = None
        physical = virtual = False
        for item in self.nodes("location"):
            if isinstance(item, str):
                link = absolute_url(item, None)
                if link:
                    virtual = True
                    online = online or link
                elif item.strip():
                    physical = True
                    place = place or Location(raw=strip_markup(item))
            elif isinstance(item, dict):
                if "VirtualLocation" in event_types(item):
                    virtual = True
                    online = online or absolute_url(first_text(item.get("url")), self.doc.base)
                else:
                    physical = True
                    place = place or self.place(item)
        return place, online, physical, virtual

    def place(self, item: Node) -> Location:
        address = self.doc.deref(item.get("address"))
        if isinstance(address, list):
            address = self.doc.deref(address[0]) if address else None
        geo = self.doc.deref(item.get("geo"))
        geo = geo if isinstance(geo, dict) else {}
        raw = strip_markup(first_text(address)) if not isinstance(address, dict) else None
        address = address if isinstance(address, dict) else {}
        country = self.doc.deref(address.get("addressCountry"))
        if isinstance(country, dict):
            country = first_text(country.get("name")) or first_text(country.get("identifier"))

        def part(key: str) -> str | None:
            return strip_markup(first_text(address.get(key))) or None

        return Location(
            name=texts(item.get("name"), self.doc.lang),
            street=part("streetAddress"),
            postal_code=part("postalCode"),
            locality=part("addressLocality"),
            region=part("addressRegion"),
            country=country_code(first_text(country)),
            lat=_float(geo.get("latitude"), -90, 90),
            lon=_float(geo.get("longitude"), -180, 180),
            url=absolute_url(first_text(item.get("url")), self.doc.base),
            raw=raw or None,
        )

    def offers(self) -> tuple[Price | None, str | None, Availability | None]:
        prices: list[Price] = []
        booking: str | None = None
        availability: Availability | None = None
        for offer in self.nodes("offers"):
            if isinstance(offer, str):
                # A bare offer is a link (absolute or a path) or a price; "ticketmaster.com/x"
                # is a link without its scheme, neither usable nor a price.
                if re.match(r"^(?:https?:)?//|^/", offer.strip(), re.IGNORECASE):
                    booking = booking or absolute_url(offer, self.doc.base)
                elif "/" not in offer:
                    found = parse_price(offer, lang=self.doc.lang)
                    prices.extend([found] if found else [])
                continue
            if not isinstance(offer, dict):
                continue
            booking = booking or absolute_url(first_text(offer.get("url")), self.doc.base)
            word = _enum_word(offer.get("availability"))
            availability = availability or (_AVAILABILITY.get(word) if word else None)
            prices.extend(self.offer_prices(offer))
        free = parse_bool(first_text(self.node.get("isAccessibleForFree")))
        if free is None and isinstance(self.node.get("isAccessibleForFree"), bool):
            free = self.node["isAccessibleForFree"]
        price = combine_prices(prices)
        if free is True:
            price = Price(
                free=True,
                minimum=price.minimum if price else None,
                maximum=price.maximum if price else None,
                currency=price.currency if price else None,
                text=price.text if price else I18nText(),
            )
        elif free is False and price is None:
            price = Price(free=False)
        return price, booking, availability

    def offer_prices(self, offer: Node) -> list[Price]:
        currency = first_text(offer.get("priceCurrency"))
        currency = currency.upper() if currency else None
        found: list[Price] = []
        specs = [
            offer,
            *[s for s in as_list(offer.get("priceSpecification")) if isinstance(s, dict)],
        ]
        for spec in specs:
            spec_currency = first_text(spec.get("priceCurrency"))
            code = spec_currency.upper() if spec_currency else currency
            raw = spec.get("price")
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                amount = parse_amount(raw)
                found.append(Price(free=amount == 0, minimum=amount, maximum=amount, currency=code))
            elif first_text(raw):
                text = first_text(raw) or ""
                if re.fullmatch(r"\d+(?:[.,]\d+)?", text):
                    amount = parse_amount(text)
                    found.append(
                        Price(free=amount == 0, minimum=amount, maximum=amount, currency=code)
                    )
                else:
                    parsed = parse_price(text, lang=self.doc.lang, currency=code)
                    found.extend([parsed] if parsed else [])
            raw_low = first_text(spec.get("lowPrice") or spec.get("minPrice"))
            raw_high = first_text(spec.get("highPrice") or spec.get("maxPrice"))
            low, high = parse_amount(raw_low), parse_amount(raw_high)
            code = code or currency_of(f"{raw_low or ''} {raw_high or ''}")
            if low is not None or high is not None:
                found.append(
                    Price(
                        free=False if (high or low) else None,
                        minimum=low,
                        maximum=high,
                        currency=code,
                    )
                )
        return found

    def names(self, key: str) -> list[str]:
        out: list[str] = []
        for item in self.nodes(key):
            name = first_text(item.get("name")) if isinstance(item, dict) else first_text(item)
            if name and strip_markup(name) not in out:
                out.append(strip_markup(name))
        return out

    def organiser(self) -> I18nText:
        for item in self.nodes("organizer"):
            if isinstance(item, dict):
                found = texts(item.get("name"), self.doc.lang)
            else:
                found = I18nText.single(strip_markup(first_text(item)), self.doc.lang)
            if found:
                return found
        return I18nText()

    def images(self) -> tuple[str, ...]:
        out: list[str] = []
        for item in self.nodes("image"):
            raw = item.get("url") or item.get("contentUrl") if isinstance(item, dict) else item
            link = absolute_url(first_text(raw), self.doc.base)
            if link and link not in out:
                out.append(link)
        return tuple(out)

    def languages(self) -> tuple[str, ...]:
        out: list[str] = []
        for item in self.nodes("inLanguage"):
            if isinstance(item, dict):
                raw = first_text(item.get("alternateName")) or first_text(item.get("name"))
            else:
                raw = first_text(item)
            code = normalise_lang(raw)
            if code != UNDETERMINED and code not in out:
                out.append(code)
        return tuple(out)

    def keywords(self) -> tuple[str, ...]:
        """``keywords`` (a list or one comma-separated string) and OpenActive activities."""
        words: list[str] = []
        for item in as_list(self.node.get("keywords")):
            words.extend((first_text(item) or "").split(","))
        for concept in self.nodes("activity"):
            if isinstance(concept, dict):
                words.append(first_text(concept.get("prefLabel")) or "")
        out: list[str] = []
        for word in words:
            cleaned = strip_markup(word)
            if cleaned and cleaned not in out:
                out.append(cleaned)
        return tuple(out)

    def ages(self) -> tuple[int | None, int | None]:
        text = first_text(self.node.get("typicalAgeRange"))
        match = _AGE.search(text or "")
        if not match:
            return None, None
        if match.group(1):
            return int(match.group(1)), int(match.group(2))
        if match.group(3):
            return int(match.group(3)), None
        return int(match.group(4)), int(match.group(4))


def _small_ints(value: Any) -> list[str]:
    """Month, week or day numbers ("3", -1) fit for an RRULE; anything else is dropped."""
    texts_ = (first_text(item) for item in as_list(value))
    return [t for t in texts_ if t and re.fullmatch(r"[+-]?\d{1,2}", t)]


def _clock(value: Any) -> time | None:
    text = first_text(value)
    if not text:
        return None
    try:
        return time.fromisoformat(text.split("+")[0].rstrip("Z"))
    except ValueError:
        return None


def _inherit(node: Node, base: Mapping[str, Any], keys: Any) -> Node:
    merged = dict(node)
    for key in keys:
        if key not in _NOT_INHERITED and merged.get(key) in (None, "", []) and key in base:
            merged[key] = base[key]
    return merged


def map_event(node: Node, doc: Document) -> SourceEvent:
    """One event node as a :class:`SourceEvent`; raises :class:`ItemError` when unusable."""
    parent = doc.deref(node.get("superEvent"))
    if isinstance(parent, list):
        parent = next((doc.deref(p) for p in parent if isinstance(doc.deref(p), dict)), None)
    own_title = texts(node.get("name"), doc.lang)
    external_id = _Mapper(node=node, doc=doc, tz=zone(doc.tz_name)).external_id(own_title)
    if isinstance(parent, dict):
        node = _inherit(node, parent, list(parent))
    mapper = _Mapper(node=node, doc=doc, tz=zone(doc.tz_name))
    title = texts(node.get("name"), doc.lang)
    if not title:
        raise ItemError("event has no name", external_id=external_id)
    try:
        status = read_status(node.get("eventStatus"), mapper.warnings)
        price, booking, availability = mapper.offers()
        occurrences, rrule = mapper.occurrences(status, availability)
    except ItemError as exc:
        raise ItemError(str(exc), external_id=external_id) from None
    if first_text(node.get("previousStartDate")) and status is EventStatus.SCHEDULED:
        status = EventStatus.RESCHEDULED
    place, online, physical, virtual = mapper.location()
    mode = _attendance(node.get("eventAttendanceMode"), mapper.warnings)
    if mode is None and virtual:
        mode = AttendanceMode.MIXED if physical else AttendanceMode.ONLINE
    age_min, age_max = mapper.ages()
    types = [t for t in event_types(node) if t not in _STRUCTURAL_TYPES]
    return SourceEvent(
        external_id=external_id,
        title=title,
        description=texts(node.get("description"), doc.lang, html_description),
        description_is_html=True,
        occurrences=occurrences,
        timezone=occurrences[0].timezone if occurrences else mapper.tz.key,
        rrule=rrule,
        status=status,
        attendance_mode=mode,
        url=mapper.url(),
        booking_url=booking,
        online_url=online,
        image_urls=mapper.images(),
        categories=tuple(types),
        keywords=mapper.keywords(),
        location=place,
        organiser=mapper.organiser(),
        performers=tuple(mapper.names("performer")),
        price=price,
        age_min=age_min,
        age_max=age_max,
        performance_languages=mapper.languages(),
        warnings=tuple(mapper.warnings),
    )


def _label(node: Node, doc: Document) -> str:
    name = texts(node.get("name"), doc.lang).get()
    start = first_text(node.get("startDate"))
    label = repr(name) if name else "unnamed event"
    return f"{label} ({start})" if start else label


def map_events(node: Node, doc: Document) -> tuple[list[SourceEvent], list[SourceItemError]]:
    """An event node and its ``subEvent`` children, each its own event or error."""
    events: list[SourceEvent] = []
    errors: list[SourceItemError] = []
    children = [doc.deref(c) for c in as_list(node.get("subEvent"))]
    children = [c for c in children if isinstance(c, dict)]
    has_dates = any(node.get(k) is not None for k in ("startDate", "eventSchedule"))
    if has_dates or not children:
        try:
            events.append(map_event(node, doc))
        except ItemError as exc:
            errors.append(
                SourceItemError(
                    message=f"event {_label(node, doc)}: {exc}", external_id=exc.external_id
                )
            )
    for child in children:
        inherited = _inherit(child, node, (*_SUB_INHERITED, "name"))
        try:
            events.append(map_event(inherited, doc))
        except ItemError as exc:
            errors.append(
                SourceItemError(
                    message=f"sub-event {_label(inherited, doc)}: {exc}",
                    external_id=exc.external_id,
                )
            )
    return events, errors
