"""iCalendar feeds (RFC 5545 with the RFC 7986 calendar properties).

One language per feed: every text is taken in the asked language with the
region's fallback order, and carries a LANGUAGE parameter naming the language
it is really in. icalendar writes the bytes (escaping, 75-octet folding,
CRLF); this module decides what the calendar says.

How dates become components:

- A series (an event with an RRULE) is one VEVENT with DTSTART at its first
  date, the rule bounded by UNTIL at its last known date (the store only
  knows dates inside its horizon; an open rule would make calendars invent
  dates nobody checked), an EXDATE for each date the rule produces that is
  not an occurrence, and one RECURRENCE-ID override for every date that
  differs from what the rule says: cancelled (STATUS:CANCELLED), moved
  (another start), another length, postponed (TENTATIVE), moved online.
- When the rule cannot reproduce the dates faithfully (a date the rule never
  produces, more holes than dates, mixed all-day and timed dates, an
  unreadable rule) or there is no rule, each date is its own VEVENT. A
  single date keeps the event's UID; several get ``<uid>-<occurrence id>``
  so that each stays the same component from one refresh to the next. RDATE
  was not chosen: several widespread calendar apps ignore it.
- All-day dates are DATE values with an exclusive DTEND.
- DTSTAMP is the event's last modification: without METHOD, RFC 5545 makes
  them equivalent, and it keeps the bytes (and the HTTP ETag) unchanged
  while nothing changes.
- A VTIMEZONE is generated from zoneinfo for every zone used, covering the
  calendar years of the exported dates.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr
from icalendar import Calendar, Event, Timezone, vDuration, vRecur, vText

from pluriel.exporters.common import (
    effective_status,
    html_to_text,
    localised,
    original_start,
    place_line,
    zone,
)
from pluriel.exporters.types import ExportEvent, ExportOccurrence
from pluriel.model import AttendanceMode, EventStatus

__all__ = ["ICS_STATUS", "PRODID", "to_ics"]

PRODID = "-//pluriel//pluriel open cultural agenda//EN"

#: RFC 5545 knows three event statuses; postponed dates have no date yet that
#: anyone should plan on, so they are tentative.
ICS_STATUS: dict[EventStatus, str] = {
    EventStatus.SCHEDULED: "CONFIRMED",
    EventStatus.CANCELLED: "CANCELLED",
    EventStatus.POSTPONED: "TENTATIVE",
    EventStatus.RESCHEDULED: "CONFIRMED",
    EventStatus.MOVED_ONLINE: "CONFIRMED",
}

# Rule parts a series is exported with (UNTIL is set here, COUNT dropped).
_RULE_PARTS = frozenset(
    {"FREQ", "INTERVAL", "BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYMONTH", "WKST"}
)
_FREQUENCIES = frozenset({"DAILY", "WEEKLY", "MONTHLY", "YEARLY"})
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}


def to_ics(
    events: Sequence[ExportEvent],
    *,
    lang: str,
    name: str,
    url: str | None,
    refresh: timedelta,
    description: str | None = None,
    color: str | None = None,
) -> bytes:
    """One calendar of ``events`` in ``lang``; ``url`` is where the feed itself lives."""
    vcalendar = Calendar()
    vcalendar.add("version", "2.0")
    vcalendar.add("prodid", PRODID)
    vcalendar.add("calscale", "GREGORIAN")
    language = {"LANGUAGE": lang} if lang and lang != "und" else {}
    vcalendar.add("name", name, parameters=language)
    vcalendar.add("x-wr-calname", name)
    if description:
        vcalendar.add("description", description, parameters=language)
        vcalendar.add("x-wr-caldesc", description)
    if url:
        vcalendar.add("url", url, parameters={"VALUE": "URI"})
        vcalendar.add("source", url, parameters={"VALUE": "URI"})
    vcalendar.add("refresh-interval", refresh, parameters={"VALUE": "DURATION"})
    vcalendar.add("x-published-ttl", vDuration(refresh))
    if color:
        vcalendar.add("color", color)
    zones = _Zones()
    components: list[Event] = []
    for event in events:
        components.extend(_components(event, lang=lang, zones=zones))
    for timezone in zones.components():
        vcalendar.add_component(timezone)
    for component in components:
        vcalendar.add_component(component)
    data: bytes = vcalendar.to_ical()
    return data


# ------------------------------------------------------------------ time zones


@dataclass
class _Zones:
    """The zones written so far and the years they were used in."""

    years: dict[str, tuple[int, int]] = field(default_factory=dict)

    def value(self, moment: datetime, tz: tzinfo) -> datetime:
        """``moment`` as written in ``tz``, noting the zone for its VTIMEZONE."""
        if not isinstance(tz, ZoneInfo):
            return moment.astimezone(UTC)
        local = moment.astimezone(tz)
        low, high = self.years.get(tz.key, (local.year, local.year))
        self.years[tz.key] = (min(low, local.year), max(high, local.year))
        return local

    def components(self) -> list[Timezone]:
        # Whole calendar years, so that the same zone reads the same in every
        # feed of the year and the span covers anything a client derives.
        return [
            Timezone.from_tzid(key, first_date=date(low, 1, 1), last_date=date(high + 1, 1, 1))
            for key, (low, high) in sorted(self.years.items())
        ]


def _local_date(moment: datetime, tz: tzinfo) -> date:
    return moment.astimezone(tz).date()


# ------------------------------------------------------------------ components


def _components(event: ExportEvent, *, lang: str, zones: _Zones) -> list[Event]:
    occurrences = sorted(event.occurrences, key=lambda o: (o.start, o.id))
    if not occurrences:
        return []
    if event.rrule:
        series = _series(event, occurrences, lang=lang, zones=zones)
        if series is not None:
            return series
    single = len(occurrences) == 1
    out = []
    for occurrence in occurrences:
        uid = event.uid if single else f"{event.uid}-{occurrence.id}"
        component = _describe(event, effective_status(event, occurrence), lang=lang, uid=uid)
        _set_dates(component, occurrence, zones=zones)
        out.append(component)
    return out


def _describe(event: ExportEvent, status: EventStatus, *, lang: str, uid: str) -> Event:
    """Everything but the dates: what every component of one event repeats."""
    component = Event()
    component.add("uid", uid)
    component.add("dtstamp", event.updated.astimezone(UTC))
    component.add("created", event.created.astimezone(UTC))
    component.add("last-modified", event.updated.astimezone(UTC))
    component.add("sequence", event.sequence)
    component.add("status", ICS_STATUS[status])
    component.add("transp", "TRANSPARENT")
    component.add("class", "PUBLIC")
    _text(component, "summary", *localised(event.title, lang))
    html, html_lang = localised(event.description, lang)
    _text(component, "description", html_to_text(html), html_lang)
    if html:
        component.add("x-alt-desc", vText(html), parameters={"FMTTYPE": "text/html"})
    link = event.url or event.booking_url
    if link:
        component.add("url", link, parameters={"VALUE": "URI"})
    online = status is EventStatus.MOVED_ONLINE or event.attendance_mode is AttendanceMode.ONLINE
    place = event.place
    if place is not None and not online:
        place_name, place_lang = localised(place.name, lang)
        locality = " ".join(part for part in (place.postal_code, place.locality) if part)
        where = place_line([place_name, place.street, locality])
        _text(component, "location", where, place_lang)
        if place.lat is not None and place.lon is not None:
            component.add("geo", (place.lat, place.lon))
    elif event.online_url:
        component.add("location", event.online_url)
    if event.online_url and (online or event.attendance_mode is AttendanceMode.MIXED):
        component.add("conference", event.online_url, parameters={"VALUE": "URI"})
    for labels, labels_lang in _category_groups(event, lang):
        component.add("categories", labels, parameters=_language(labels_lang))
    if event.image_url:
        component.add("image", event.image_url, parameters={"VALUE": "URI", "DISPLAY": "BADGE"})
        component.add("attach", event.image_url)
    if event.organiser is not None:
        params = {"ALTREP": event.organiser.url} if event.organiser.url else {}
        component.add("contact", event.organiser.name, parameters=params)
    return component


def _language(lang: str | None) -> dict[str, str]:
    return {"LANGUAGE": lang} if lang else {}


def _text(component: Event, name: str, value: str | None, lang: str | None) -> None:
    if value:
        component.add(name, value, parameters=_language(lang))


def _category_groups(event: ExportEvent, lang: str) -> list[tuple[list[str], str | None]]:
    """Category labels grouped by the language they resolved to (one CATEGORIES each)."""
    groups: dict[str | None, list[str]] = {}
    for category_id, labels in event.categories:
        label, label_lang = localised(labels, lang)
        groups.setdefault(label_lang if label else None, []).append(label or category_id)
    return [(labels, key) for key, labels in groups.items()]


def _set_dates(component: Event, occurrence: ExportOccurrence, *, zones: _Zones) -> None:
    tz = zone(occurrence.timezone)
    if occurrence.all_day:
        first = _local_date(occurrence.start, tz)
        component.add("dtstart", first)
        component.add("dtend", _all_day_end(occurrence, first, tz))
        return
    component.add("dtstart", zones.value(occurrence.start, tz))
    if occurrence.end is not None and occurrence.end > occurrence.start:
        component.add("dtend", zones.value(occurrence.end, tz))


def _all_day_end(occurrence: ExportOccurrence, first: date, tz: tzinfo) -> date:
    if occurrence.end is None:
        return first + timedelta(days=1)
    last = _local_date(occurrence.end, tz)
    return last if last > first else first + timedelta(days=1)


# ------------------------------------------------------------------ series


@dataclass(frozen=True, slots=True)
class _Plan:
    """A series as RRULE + EXDATE: the rule text and the instants it must skip."""

    rule: str
    exdates: list[datetime]


def _series(
    event: ExportEvent, occurrences: list[ExportOccurrence], *, lang: str, zones: _Zones
) -> list[Event] | None:
    all_day = occurrences[0].all_day
    if any(o.all_day != all_day for o in occurrences):
        return None
    tz = zone(event.timezone)
    originals = [_as_local(original_start(o), tz, all_day=all_day) for o in occurrences]
    if len(set(originals)) != len(originals):
        return None
    order = sorted(range(len(occurrences)), key=lambda i: originals[i])
    occurrences = [occurrences[i] for i in order]
    originals = [originals[i] for i in order]
    plan = _plan(event.rrule or "", originals, tz=tz, all_day=all_day)
    if plan is None:
        return None
    lengths = [_length(o, tz) for o in occurrences]
    length = Counter(lengths).most_common(1)[0][0]
    base_status = ICS_STATUS[event.status]

    master = _describe(event, event.status, lang=lang, uid=event.uid)
    if all_day:
        first = originals[0].date()
        master.add("dtstart", first)
        master.add("dtend", first + timedelta(days=length.days or 1))
    else:
        first_start = originals[0].replace(tzinfo=tz).astimezone(UTC)
        master.add("dtstart", zones.value(first_start, tz))
        if length:
            master.add("dtend", zones.value(first_start + length, tz))
    master.add("rrule", vRecur.from_ical(plan.rule))
    for skipped in plan.exdates:
        master.add("exdate", skipped.date() if all_day else zones.value(skipped, tz))
    out = [master]
    for occurrence, original, own_length in zip(occurrences, originals, lengths, strict=True):
        status = effective_status(event, occurrence)
        moved = _instant(occurrence) != _instant_of(original, tz, all_day=all_day)
        if (
            not moved
            and own_length == length
            and ICS_STATUS[status] == base_status
            and (status is EventStatus.MOVED_ONLINE) == (event.status is EventStatus.MOVED_ONLINE)
        ):
            continue
        override = _describe(event, status, lang=lang, uid=event.uid)
        if all_day:
            override.add("recurrence-id", original.date())
        else:
            override.add("recurrence-id", zones.value(original.replace(tzinfo=tz), tz))
        _set_dates(override, occurrence, zones=zones)
        out.append(override)
    return out


def _as_local(value: datetime | date, tz: tzinfo, *, all_day: bool) -> datetime:
    """A naive local wall time in ``tz`` (midnight for dates), as rules are evaluated."""
    if isinstance(value, datetime):
        local = value.astimezone(tz).replace(tzinfo=None)
        return datetime.combine(local.date(), time()) if all_day else local
    return datetime.combine(value, time())


def _instant_of(local: datetime, tz: tzinfo, *, all_day: bool) -> datetime | date:
    # Through UTC so that a wall time skipped by spring-forward is read the
    # way RFC 5545 reads it (with the offset before the gap).
    return local.date() if all_day else local.replace(tzinfo=tz).astimezone(UTC)


def _instant(occurrence: ExportOccurrence) -> datetime | date:
    if occurrence.all_day:
        return _local_date(occurrence.start, zone(occurrence.timezone))
    return occurrence.start.astimezone(UTC)


def _length(occurrence: ExportOccurrence, tz: tzinfo) -> timedelta:
    """Timed: the exact duration (zero when unknown); all-day: whole days."""
    if occurrence.all_day:
        local = zone(occurrence.timezone)
        first = _local_date(occurrence.start, local)
        return timedelta(days=(_all_day_end(occurrence, first, local) - first).days)
    if occurrence.end is None or occurrence.end <= occurrence.start:
        return timedelta(0)
    return occurrence.end - occurrence.start


def _plan(rule: str, originals: list[datetime], *, tz: tzinfo, all_day: bool) -> _Plan | None:
    """RRULE bounded to the known dates and the EXDATEs it needs, or None if it cannot fit.

    ``originals`` are sorted naive local starts. The rule must produce every
    one of them, starting with the first (RFC 5545 always counts DTSTART,
    dateutil only when the rule produces it), and may skip at most as many
    dates as there are occurrences.

    The first date is checked against the rule's filters before dateutil
    runs: dateutil searches until the year 9999 for a rule that produces
    nothing ("every 30 February"), UNTIL or not, which takes seconds.
    """
    parts = _rule_parts(rule)
    if parts is None or not _produces(originals[0], parts):
        return None
    last = originals[-1]
    if all_day:
        until_text = last.strftime("%Y%m%d")
        local_until = until_text
    else:
        until_text = last.replace(tzinfo=tz).astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        local_until = last.strftime("%Y%m%dT%H%M%S")
    body = ";".join(f"{key}={value}" for key, value in parts.items())
    try:
        parsed = rrulestr(f"{body};UNTIL={local_until}", dtstart=originals[0])
    except (ValueError, TypeError, OverflowError):
        return None
    if not isinstance(parsed, rrule):
        return None
    cap = 2 * len(originals)
    generated: list[datetime] = []
    for local in parsed:
        generated.append(local)
        # Stop on the last date rather than asking for one more: the next
        # one may be years away for a sparse rule.
        if local >= last or len(generated) > cap:
            break
    wanted = set(originals)
    if len(generated) > cap or generated[0] != originals[0] or not wanted <= set(generated):
        return None
    skipped = [
        local if all_day else local.replace(tzinfo=tz).astimezone(UTC)
        for local in generated
        if local not in wanted
    ]
    return _Plan(f"{body};UNTIL={until_text}", skipped)


def _rule_parts(rule: str) -> dict[str, str] | None:
    """The parts of an RRULE other than its bounds, FREQ first; None for one we cannot vouch for.

    Only the parts cultural series use and :func:`_produces` can check are
    kept; a rule with others (BYSETPOS, BYWEEKNO, BYYEARDAY, a frequency
    below a day) is exported date by date, which is always faithful.
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key, value = key.strip().upper(), value.replace(" ", "").strip().upper()
        if not key or key in {"UNTIL", "COUNT"} or key.startswith("X-"):
            continue
        if key not in _RULE_PARTS or not value or key in parts:
            return None
        parts[key] = value
    if parts.get("FREQ") not in _FREQUENCIES:
        return None
    if not parts.get("INTERVAL", "1").isdigit() or int(parts.get("INTERVAL", "1")) < 1:
        return None
    return {"FREQ": parts.pop("FREQ"), **parts}


def _produces(start: datetime, parts: dict[str, str]) -> bool:
    """Whether ``start`` passes every filter of the rule (so the rule produces it at once)."""
    try:
        for key, value in (("BYMONTH", start.month), ("BYHOUR", start.hour)):
            if key in parts and value not in _numbers(parts[key]):
                return False
        for key, value in (("BYMINUTE", start.minute), ("BYSECOND", start.second)):
            if key in parts and value not in _numbers(parts[key]):
                return False
        month_days = calendar.monthrange(start.year, start.month)[1]
        if "BYMONTHDAY" in parts and not any(
            day == start.day or month_days + day + 1 == start.day
            for day in _numbers(parts["BYMONTHDAY"])
        ):
            return False
        if "BYDAY" in parts:
            return any(_day_matches(start, token, parts) for token in parts["BYDAY"].split(","))
    except ValueError:
        return False
    return True


def _day_matches(start: datetime, token: str, parts: dict[str, str]) -> bool:
    """``TU`` or ``-1SU``: the weekday, and its rank in the month (or year) when one is given."""
    weekday = _WEEKDAYS.get(token[-2:])
    if weekday is None:
        raise ValueError(f"not a weekday: {token!r}")
    if start.weekday() != weekday:
        return False
    rank = token[:-2]
    if not rank:
        return True
    number = int(rank)
    monthly = parts["FREQ"] == "MONTHLY" or (parts["FREQ"] == "YEARLY" and "BYMONTH" in parts)
    if parts["FREQ"] not in {"MONTHLY", "YEARLY"} or number == 0:
        raise ValueError(f"a ranked weekday needs a monthly or yearly rule: {token!r}")
    if monthly:
        position, size = start.day, calendar.monthrange(start.year, start.month)[1]
    else:
        position = start.timetuple().tm_yday
        size = 366 if calendar.isleap(start.year) else 365
    if number > 0:
        return (position - 1) // 7 + 1 == number
    return (size - position) // 7 + 1 == -number


def _numbers(value: str) -> list[int]:
    return [int(item) for item in value.split(",") if item]
