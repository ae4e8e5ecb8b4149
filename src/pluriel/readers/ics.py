"""The iCalendar reader (RFC 5545, RFC 7986 and the common X-WR extensions).

icalendar parses the text once (folding, escapes, parameters, VTIMEZONE);
everything that decides *what the feed means* happens here: which zone a
time is in, how a series expands inside the horizon, how RECURRENCE-ID
overrides fold into their series, which texts are which language.

Times are resolved by this module rather than taken from icalendar's own
localisation, because icalendar caches custom VTIMEZONE definitions
process-wide: one feed's "MyTimezone" must not change how the next feed's
"MyTimezone" is read.

Choices worth knowing:

- One :class:`SourceEvent` per UID; the master with the highest SEQUENCE
  wins among duplicates (later in the file wins a tie).
- A single (non-recurring) event always carries its one occurrence, inside
  the horizon or not; only series are cut to the horizon.
- ``recurrence_id`` is the original start in UTC (``2026-10-20T18:00:00Z``),
  or the original date (``2026-10-20``) for all-day series, whose instants
  would otherwise depend on the zone they are read in.
- DTEND (or DURATION) before DTSTART is ignored with a warning, as if it
  were absent: all-day events last one day, timed events have no known end.
  DTEND equal to DTSTART means "no end time", silently.
- UTC times in a calendar with X-WR-TIMEZONE are shown and expanded in that
  zone (what Google Calendar means by it); without it, UTC stays UTC.
"""

from __future__ import annotations

import hashlib
import re
import warnings
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from icalendar import Calendar, Component
from icalendar.prop import vBroken, vDDDLists, vDDDTypes, vGeo
from icalendar.timezone import tzp
from icalendar.timezone.windows_to_olson import WINDOWS_TO_OLSON

from pluriel.errors import FeedFormatError
from pluriel.model import (
    AttendanceMode,
    EventStatus,
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.readers.common import (
    ReadContext,
    decode_text,
    safe_http_url,
    strip_markup,
    text_to_html,
)
from pluriel.readers.recurrence import expand_local, normalise_rule

__all__ = ["read_ics"]

# Properties whose damage makes the dates of an event unknowable. RRULE and
# EXRULE are not among them: icalendar is stricter than dateutil ("BYDAY= TU"),
# so a rule icalendar refuses still gets its chance in the expansion.
_DATE_PROPERTIES = frozenset({"DTSTART", "DTEND", "DURATION", "RDATE", "EXDATE", "RECURRENCE-ID"})
_IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".svg")
_HTML_TAG = re.compile(
    r"</?(?:p|br|a|b|i|u|em|strong|span|div|ul|ol|li|h[1-6]|img|table|tr|td|blockquote)\b[^<>]*>",
    re.IGNORECASE,
)
_BEGIN_CALENDAR = re.compile(r"^BEGIN:VCALENDAR\s*$", re.IGNORECASE | re.MULTILINE)
_END_CALENDAR = re.compile(r"^END:VCALENDAR", re.IGNORECASE | re.MULTILINE)
_CONTENT_LINE = re.compile(r"^[A-Za-z0-9-]+(?:;[^\n]*)?:")
_ICS_ESCAPE = re.compile(r"\\([\\;,nN])")
_TTL = re.compile(
    r"^\s*(?P<sign>[-+])?P(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?:(?P<h>\d+)H)?(?:(?P<m>\d+)M)?(?:(?P<s>\d+)S)?)?\s*$",
    re.IGNORECASE,
)


class _ItemProblem(Exception):
    """An event of the feed cannot be read; becomes a SourceItemError."""


# --------------------------------------------------------------------------- zones


@dataclass(frozen=True, slots=True)
class _Zone:
    """A zone to compute in (``tz``) and the IANA name to show (``name``)."""

    tz: tzinfo
    name: str


class _Zones:
    """TZID resolution for one document: IANA, Windows, vendor prefixes, VTIMEZONE."""

    def __init__(self, calendars: Sequence[Calendar], ctx: ReadContext) -> None:
        self._definitions: dict[str, Component] = {}
        for calendar in calendars:
            for component in calendar.walk("VTIMEZONE"):
                tzid = str(component.get("TZID", "")).strip()
                if tzid:
                    self._definitions.setdefault(tzid, component)
        self._cache: dict[str, tuple[_Zone, str | None]] = {}
        self.default = _iana(ctx.timezone) or _Zone(ZoneInfo("UTC"), "UTC")
        calendar_zone = next(
            (str(c["X-WR-TIMEZONE"]) for c in calendars if c.get("X-WR-TIMEZONE")), None
        )
        self.calendar = _iana(calendar_zone) if calendar_zone else None
        #: The zone for floating times and dates: X-WR-TIMEZONE, else the source's.
        self.local = self.calendar or self.default

    def resolve(self, tzid: str) -> tuple[_Zone, str | None]:
        """The zone for ``tzid`` and a warning when it had to be guessed."""
        found = self._cache.get(tzid)
        if found is None:
            found = self._resolve(tzid)
            self._cache[tzid] = found
        return found

    def _resolve(self, tzid: str) -> tuple[_Zone, str | None]:
        cleaned = tzid.strip().strip('"').strip("/")
        for candidate in _tzid_candidates(cleaned):
            zone = _iana(candidate)
            if zone is not None:
                return zone, None
        definition = self._definitions.get(tzid) or self._definitions.get(cleaned)
        if definition is not None:
            custom = _custom_zone(definition)
            if custom is not None:
                return self._name_custom(cleaned, custom)
        return self.default, (
            f"unknown time zone {tzid!r}: times read in {self.default.name} instead"
        )

    def _name_custom(self, tzid: str, custom: tzinfo) -> tuple[_Zone, str | None]:
        """An IANA name whose offsets agree with a VTIMEZONE through the year.

        Names the TZID mentions ("… Amsterdam / Berlin …") come first, then
        the calendar's and the source's zones, then any zone.
        """
        year = 2026
        samples = [datetime(year, month, 15, 12, tzinfo=UTC) for month in range(1, 13)]
        samples += [
            datetime(year, 3, 29, 1, 30, tzinfo=UTC),
            datetime(year, 10, 25, 0, 30, tzinfo=UTC),
        ]
        wanted = [s.astimezone(custom).utcoffset() for s in samples]
        words = {w.lower() for w in re.findall(r"[A-Za-z_]{3,}", tzid)}
        every = list(_known_zones().values())
        hinted = [n for n in every if n.rsplit("/", 1)[-1].lower() in words]
        preferred = [z.name for z in (self.calendar, self.default) if z is not None]
        for name in [*hinted, *preferred, *every]:
            zone = ZoneInfo(name)
            if [s.astimezone(zone).utcoffset() for s in samples] == wanted:
                return _Zone(zone, name), None
        return _Zone(custom, self.default.name), (
            f"time zone {tzid!r} matches no IANA zone: shown as {self.default.name}"
        )


def _tzid_candidates(cleaned: str) -> Iterator[str]:
    yield cleaned
    windows = WINDOWS_TO_OLSON.get(cleaned) or WINDOWS_TO_OLSON.get(cleaned.rstrip(":"))
    if windows:
        yield windows
    parts = cleaned.split("/")
    for first in range(1, len(parts)):
        yield "/".join(parts[first:])


@cache
def _known_zones() -> dict[str, str]:
    """Every IANA name, keyed case-insensitively ("europe/paris" happens)."""
    return {name.lower(): name for name in sorted(available_timezones())}


def _iana(name: str | None) -> _Zone | None:
    if not name:
        return None
    key = name.strip()
    key = _known_zones().get(WINDOWS_TO_OLSON.get(key, key).lower(), "")
    return _Zone(ZoneInfo(key), key) if key else None


def _custom_zone(definition: Component) -> tzinfo | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return tzp.create_timezone(definition)
    except Exception:  # a broken VTIMEZONE is the feed's problem, not ours
        return None


# --------------------------------------------------------------------------- values


def _values(component: Component, name: str) -> list[Any]:
    value = component.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _attr(value: Any, name: str) -> Any:
    """A parsed attribute (``dt``, ``dts``, ``cats``); ``None`` for a broken value.

    icalendar's broken values raise on attribute access instead of lacking them.
    """
    return None if isinstance(value, vBroken) else getattr(value, name, None)


def _param(value: Any, name: str) -> str | None:
    params = getattr(value, "params", None)
    if not params:
        return None
    found = params.get(name)
    return str(found) if found else None


def _unescape(text: str) -> str:
    """Undo iCalendar text escapes on values icalendar leaves raw (X- properties)."""
    return _ICS_ESCAPE.sub(lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def _text(value: Any) -> str:
    if isinstance(value, vDDDTypes | vDDDLists):
        return ""
    text = str(value)
    return _unescape(text) if type(value).__name__ == "vUnknown" else text


def _texts(component: Component, name: str, lang: str) -> list[tuple[str, str]]:
    return [(_param(v, "LANGUAGE") or lang, _text(v)) for v in _values(component, name)]


@dataclass(frozen=True, slots=True)
class _When:
    """One time value placed in a zone: naive local wall time plus the zone."""

    local: datetime
    zone: _Zone
    all_day: bool
    floating: bool

    @property
    def instant(self) -> datetime:
        return _place(self.local, self.zone.tz)


class _Timing:
    """Turns DATE / DATE-TIME values into :class:`_When` for one document."""

    def __init__(self, zones: _Zones) -> None:
        self.zones = zones
        self.warnings: list[str] = []

    def when(self, raw: date | datetime, tzid: str | None) -> _When:
        """Where a value stands on its own: its own zone, or the calendar's."""
        if not isinstance(raw, datetime):
            return _When(datetime.combine(raw, time()), self.zones.local, True, False)
        if tzid:
            zone, warning = self.zones.resolve(tzid)
            if warning:
                self.warnings.append(warning)
            return _When(raw.replace(tzinfo=None), zone, False, False)
        if raw.tzinfo is not None:
            zone = self.zones.calendar or _Zone(ZoneInfo("UTC"), "UTC")
            return _When(raw.astimezone(zone.tz).replace(tzinfo=None), zone, False, False)
        return _When(raw, self.zones.local, False, True)

    def local_in(self, raw: date | datetime, tzid: str | None, series: _When) -> datetime | date:
        """A value (EXDATE, RDATE, RECURRENCE-ID) as wall time in the series' zone.

        A plain date stays a date on a timed series so that it can match by day.
        """
        if not isinstance(raw, datetime):
            return datetime.combine(raw, time()) if series.all_day else raw
        if raw.tzinfo is None and not tzid:
            local = raw
        else:
            own = self.when(raw, tzid)
            local = own.instant.astimezone(series.zone.tz).replace(tzinfo=None)
        return datetime.combine(local.date(), time()) if series.all_day else local


def _place(local: datetime, tz: tzinfo) -> datetime:
    """Wall time in ``tz`` as an aware datetime, written with its real offset.

    A time skipped by a spring-forward change (02:30 on the last Sunday of
    March) is read with the offset before the gap, as RFC 5545 says, and
    then written as the wall time that instant really has (03:30+02:00).
    """
    return local.replace(tzinfo=tz).astimezone(UTC).astimezone(tz)


def _date_value(component: Component, name: str) -> tuple[date | datetime, str | None] | None:
    value = component.get(name)
    if value is None:
        return None
    if isinstance(value, list):
        value = value[0]
    raw = _attr(value, "dt")
    if not isinstance(raw, date):
        raise _ItemProblem(f"{name} is not a date or date-time: {_raw_text(value)!r}")
    return raw, _param(value, "TZID")


def _raw_text(value: Any) -> str:
    if isinstance(value, vBroken):
        return str(value)
    try:
        ical = value.to_ical()
    except Exception:  # only used to quote a broken value in a message
        return str(value)
    return ical.decode("utf-8", "replace") if isinstance(ical, bytes) else str(ical)


def _date_list(
    component: Component, name: str, notes: list[str]
) -> Iterator[tuple[Any, str | None]]:
    """Every value of RDATE / EXDATE properties, with the TZID that applies.

    A value that is no date (``VALUE=TIME`` exists in the wild) is skipped
    with a warning rather than losing the whole event.
    """
    for prop in _values(component, name):
        dts = _attr(prop, "dts")
        if dts is None and not _raw_text(prop).strip():
            notes.append(f"empty {name} ignored")
            continue
        if dts is None:
            raise _ItemProblem(f"{name} is not a list of dates: {_raw_text(prop)!r}")
        list_tzid = _param(prop, "TZID")
        for item in dts:
            value = item.dt
            first = value[0] if isinstance(value, tuple) else value
            if not isinstance(first, date):
                notes.append(f"{name} value {_raw_text(item)!r} is not a date: ignored")
                continue
            yield value, _param(item, "TZID") or list_tzid


@dataclass(slots=True)
class _Vevent:
    """One VEVENT with its dates resolved; text is read only for the winners."""

    component: Component
    uid: str
    position: int
    sequence: int
    start: _When
    duration: timedelta | None
    recurrence_id: _When | None = None
    this_and_future: bool = False
    cancelled: bool = False
    warnings: list[str] = field(default_factory=list)

    @property
    def rank(self) -> tuple[int, int]:
        return (self.sequence, self.position)


def _read_vevent(component: Component, position: int, timing: _Timing) -> _Vevent:
    bad = [(str(name), str(msg)) for name, msg in component.errors]
    bad = [
        (name, msg)
        for name, msg in bad
        if name.upper() in _DATE_PROPERTIES
        and any(isinstance(v, vBroken) and str(v).strip() for v in _values(component, name))
    ]
    if bad:
        raise _ItemProblem("; ".join(f"unreadable {name}: {msg}" for name, msg in bad))
    found = _date_value(component, "DTSTART")
    if found is None:
        raise _ItemProblem("no DTSTART")
    timing.warnings.clear()
    start = timing.when(*found)
    notes = list(timing.warnings)
    duration = _duration(component, start, timing, notes)
    event = _Vevent(
        component=component,
        uid=_uid(component, notes),
        position=position,
        sequence=_sequence(component, notes),
        start=start,
        duration=duration,
        cancelled=str(component.get("STATUS", "")).strip().upper() == "CANCELLED",
        warnings=notes,
    )
    rid = _date_value(component, "RECURRENCE-ID")
    if rid is not None:
        event.recurrence_id = timing.when(*rid)
        rid_value = component["RECURRENCE-ID"]
        if isinstance(rid_value, list):
            rid_value = rid_value[0]
        event.this_and_future = (_param(rid_value, "RANGE") or "").upper() == "THISANDFUTURE"
    # Zone warnings from DTEND and RECURRENCE-ID come after the copy above.
    event.warnings = list(dict.fromkeys([*notes, *timing.warnings]))
    return event


def _uid(component: Component, notes: list[str]) -> str:
    uid = str(component.get("UID", "")).strip()
    if uid:
        return uid
    start = _raw_text(component.get("DTSTART", ""))
    summary = str(component.get("SUMMARY", ""))
    digest = hashlib.sha256(f"{start}\x1f{summary}".encode()).hexdigest()[:24]
    notes.append("no UID: identified by a hash of DTSTART and SUMMARY")
    return f"nouid-{digest}"


def _sequence(component: Component, notes: list[str]) -> int:
    raw = component.get("SEQUENCE")
    if raw is None:
        return 0
    try:
        return int(str(raw).strip() or 0)
    except ValueError:
        notes.append(f"SEQUENCE is not a number: {_raw_text(raw)!r}")
        return 0


def _duration(
    component: Component, start: _When, timing: _Timing, notes: list[str]
) -> timedelta | None:
    """Exact length for timed events, whole days for all-day ones; None when unknown."""
    length: timedelta | None = None
    end = _date_value(component, "DTEND")
    if end is not None:
        raw_end, tzid = end
        if start.all_day:
            end_day = raw_end.date() if isinstance(raw_end, datetime) else raw_end
            length = timedelta(days=(end_day - start.local.date()).days)
        else:
            if isinstance(raw_end, datetime) and raw_end.tzinfo is None and not tzid:
                end_when = _When(raw_end, start.zone, False, start.floating)
            else:
                end_when = timing.when(raw_end, tzid)
            length = _utc(end_when.instant) - _utc(start.instant)
    elif "DURATION" in component:
        value = component["DURATION"]
        raw = _attr(value, "dt")
        if not isinstance(raw, timedelta):
            raise _ItemProblem(f"DURATION is not a duration: {_raw_text(value)!r}")
        # An all-day event lasts whole days, at least one ("PT1H" on a date).
        length = timedelta(days=max(raw.days, 1)) if start.all_day and raw > timedelta(0) else raw
    if length is not None and length < timedelta(0):
        what = "DTEND" if end is not None else "DURATION"
        notes.append(f"{what} is before DTSTART: ignored")
        length = None
    elif length == timedelta(0):
        length = None  # DTEND = DTSTART is how many exporters say "no end time"
    if length is None and start.all_day:
        length = timedelta(days=1)
    return length


def _utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _utc_iso(value: datetime) -> str:
    return _utc(value).strftime("%Y-%m-%dT%H:%M:%SZ")


# --------------------------------------------------------------------------- series


@dataclass(frozen=True, slots=True)
class _Window:
    low: datetime
    high: datetime
    limit: int

    def holds(self, instant: datetime) -> bool:
        return self.low <= instant <= self.high


def _rid_key(local: datetime, series: _When) -> str:
    """How an instance of ``series`` is named across crawls (see module docstring)."""
    if series.all_day:
        return local.date().isoformat()
    return _utc_iso(_place(local, series.zone.tz))


def _occurrence(
    start: _When,
    duration: timedelta | None,
    *,
    cancelled: bool,
    recurrence_id: str | None,
    previous: datetime | None = None,
    begin: datetime | None = None,
) -> Occurrence:
    """``begin`` is ``start.instant`` when the caller has it already."""
    begin = begin or start.instant
    end: datetime | None
    if start.all_day:
        days = timedelta(days=(duration or timedelta(days=1)).days)
        end = _place(datetime.combine(start.local.date() + days, time()), start.zone.tz)
    else:
        end = (_utc(begin) + duration).astimezone(start.zone.tz) if duration else None
    return Occurrence(
        start=begin,
        end=end,
        all_day=start.all_day,
        floating=start.floating,
        timezone=start.zone.name,
        status=EventStatus.CANCELLED if cancelled else EventStatus.SCHEDULED,
        recurrence_id=recurrence_id,
        previous_start=previous if previous is not None and previous != begin else None,
    )


def _override_occurrence(
    override: _Vevent, series: _When, original: datetime, *, cancelled: bool
) -> Occurrence:
    return _occurrence(
        override.start,
        override.duration,
        cancelled=cancelled or override.cancelled,
        recurrence_id=_rid_key(original, series),
        previous=_place(original, series.zone.tz),
    )


@dataclass(slots=True)
class _SeriesDates:
    occurrences: tuple[Occurrence, ...]
    rdates: tuple[datetime, ...]
    exdates: tuple[datetime, ...]
    rrules: list[str]
    warnings: list[str]


def _series(
    master: _Vevent, overrides: Sequence[_Vevent], timing: _Timing, window: _Window
) -> _SeriesDates:
    component, start = master.component, master.start
    notes: list[str] = []
    written = [_raw_text(r).strip() for r in _values(component, "RRULE")]
    rules = [r for r in written if r]
    exrules = [r for r in (_raw_text(r).strip() for r in _values(component, "EXRULE")) if r]
    if len(rules) < len(written):
        notes.append("empty RRULE ignored")
    rdates: list[datetime] = []
    rdate_lengths: dict[datetime, timedelta] = {}
    for raw, tzid in _date_list(component, "RDATE", notes):
        length: timedelta | None = None
        if isinstance(raw, tuple):
            raw, other = raw
            length = other if isinstance(other, timedelta) else None
            if isinstance(other, datetime):
                end = timing.local_in(other, tzid, start)
                begin = timing.local_in(raw, tzid, start)
                if isinstance(end, datetime) and isinstance(begin, datetime):
                    length = _utc(_place(end, start.zone.tz)) - _utc(_place(begin, start.zone.tz))
        local = timing.local_in(raw, tzid, start)
        if not isinstance(local, datetime):
            local = datetime.combine(local, start.local.time())
        rdates.append(local)
        if length is not None and length > timedelta(0):
            rdate_lengths[local] = length
    exdates = [
        timing.local_in(raw, tzid, start) for raw, tzid in _date_list(component, "EXDATE", notes)
    ]
    notes.extend(timing.warnings)

    recurring = bool(rules or rdates)
    by_time: dict[datetime, _Vevent] = {}
    by_day: dict[date, _Vevent] = {}
    for override in overrides:
        original = _original(override, start)
        if isinstance(original, datetime):
            by_time[original] = override
        elif original is not None:
            by_day[original] = override

    if not recurring:
        return _single(master, by_time, by_day, notes)

    try:
        normalised = [normalise_rule(r, tz=start.zone.tz, all_day=start.all_day) for r in rules]
        normalised_ex = [
            normalise_rule(r, tz=start.zone.tz, all_day=start.all_day) for r in exrules
        ]
        slack = timedelta(days=2)
        expansion = expand_local(
            normalised,
            start.local,
            window_start=_wall(window.low, start) - slack,
            window_end=_wall(window.high, start) + slack,
            limit=window.limit + 4,
            rdates=rdates,
            exdates=exdates,
            exrules=normalised_ex,
        )
    except (ValueError, TypeError, OverflowError) as exc:
        raise _ItemProblem(f"unreadable RRULE {'; '.join(rules)!r}: {exc}") from exc
    if expansion.truncated:
        notes.append("recurrence cut short: too many instances to expand")
    if len(rules) > 1:
        notes.append("several RRULE properties: only the first is kept for export")

    ranges = sorted(
        (o for o in overrides if o.this_and_future and o.recurrence_id is not None),
        key=lambda o: o.recurrence_id.instant if o.recurrence_id else start.instant,
    )
    matched: set[int] = set()
    out: list[Occurrence] = []
    skipped = set(exdates)
    for local in expansion.starts:
        exact = by_time.get(local) or by_day.get(local.date())
        if exact is not None:
            matched.add(id(exact))
            occurrence = _override_occurrence(exact, start, local, cancelled=master.cancelled)
        else:
            occurrence = _instance(master, local, ranges, rdate_lengths)
        if window.holds(occurrence.start):
            out.append(occurrence)
    for override in overrides:
        found = _original(override, start)
        if id(override) in matched or found is None:
            continue
        original = (
            found if isinstance(found, datetime) else datetime.combine(found, start.local.time())
        )
        if original in skipped or original.date() in skipped:
            continue
        occurrence = _override_occurrence(override, start, original, cancelled=master.cancelled)
        if window.holds(occurrence.start):
            out.append(occurrence)
    out.sort(key=lambda o: (_utc(o.start), o.recurrence_id or ""))
    return _SeriesDates(
        occurrences=tuple(out[: window.limit]),
        rdates=tuple(_place(r, start.zone.tz) for r in rdates),
        exdates=tuple(
            _place(e if isinstance(e, datetime) else datetime.combine(e, time()), start.zone.tz)
            for e in exdates
        ),
        rrules=rules,
        warnings=notes,
    )


def _original(override: _Vevent, series: _When) -> datetime | date | None:
    """The instance an override replaces, as wall time in the series' zone.

    A DATE RECURRENCE-ID on a timed series names a day, not a time.
    """
    rid = override.recurrence_id
    if rid is None:
        return None
    if rid.all_day and not series.all_day:
        return rid.local.date()
    local = rid.local if rid.floating or rid.all_day else _wall(rid.instant, series)
    return datetime.combine(local.date(), time()) if series.all_day else local


def _wall(instant: datetime, series: _When) -> datetime:
    return instant.astimezone(series.zone.tz).replace(tzinfo=None)


def _instance(
    master: _Vevent,
    local: datetime,
    ranges: Sequence[_Vevent],
    rdate_lengths: dict[datetime, timedelta],
) -> Occurrence:
    """A generated instance, shifted by the last THISANDFUTURE override before it."""
    start = master.start
    original = _place(local, start.zone.tz)
    key = local.date().isoformat() if start.all_day else _utc_iso(original)
    governing = None
    for candidate in ranges:
        rid = candidate.recurrence_id
        if rid is not None and _utc(rid.instant) <= _utc(original):
            governing = candidate
    duration = rdate_lengths.get(local, master.duration) if rdate_lengths else master.duration
    if governing is None or governing.recurrence_id is None:
        when = _When(local, start.zone, start.all_day, start.floating)
        return _occurrence(
            when, duration, cancelled=master.cancelled, recurrence_id=key, begin=original
        )
    shift = _utc(governing.start.instant) - _utc(governing.recurrence_id.instant)
    moved = (_utc(original) + shift).astimezone(governing.start.zone.tz).replace(tzinfo=None)
    if start.all_day:
        moved = local + timedelta(days=shift.days)
    when = replace(governing.start, local=moved)
    return _occurrence(
        when,
        governing.duration,
        cancelled=master.cancelled or governing.cancelled,
        recurrence_id=key,
        previous=original,
    )


def _single(
    master: _Vevent,
    by_time: dict[datetime, _Vevent],
    by_day: dict[date, _Vevent],
    notes: list[str],
) -> _SeriesDates:
    """A non-recurring event, possibly replaced by an override of its one instance."""
    start = master.start
    override = by_time.get(start.local) or by_day.get(start.local.date())
    if override is not None:
        occurrence = _occurrence(
            override.start,
            override.duration,
            cancelled=master.cancelled or override.cancelled,
            recurrence_id=None,
            previous=start.instant,
        )
    else:
        occurrence = _occurrence(
            start, master.duration, cancelled=master.cancelled, recurrence_id=None
        )
    return _SeriesDates((occurrence,), (), (), [], notes)


# --------------------------------------------------------------------------- text & links


def _description(component: Component, lang: str) -> I18nText:
    html: dict[str, str] = {}
    for value in _values(component, "X-ALT-DESC"):
        if (_param(value, "FMTTYPE") or "").lower().startswith("text/html"):
            code = _param(value, "LANGUAGE") or lang
            html.setdefault(code, _text(value))
    pairs = list(html.items())
    for code, text in _texts(component, "DESCRIPTION", lang):
        if code not in html:
            pairs.append((code, text if _HTML_TAG.search(text) else text_to_html(text)))
    return I18nText.of(pairs)


def _location(component: Component, lang: str) -> Location | None:
    texts = _texts(component, "LOCATION", lang)
    names = I18nText.of([(code, strip_markup(text)) for code, text in texts])
    lat = lon = None
    geo = component.get("GEO")
    if isinstance(geo, vGeo) and -90 <= geo.latitude <= 90 and -180 <= geo.longitude <= 180:
        lat, lon = float(geo.latitude), float(geo.longitude)
    if not names and lat is None:
        return None
    links = [safe_http_url(_param(v, "ALTREP")) for v in _values(component, "LOCATION")]
    raw = next((text.strip() for _, text in texts if text.strip()), None)
    return Location(
        name=names,
        lat=lat,
        lon=lon,
        url=next((link for link in links if link), None),
        raw=raw,
    )


def _categories(component: Component) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for prop in _values(component, "CATEGORIES"):
        cats = _attr(prop, "cats")
        items = [str(c) for c in cats] if cats is not None else str(prop).split(",")
        for item in items:
            text = strip_markup(item)
            if text and text.casefold() not in seen:
                seen[text.casefold()] = text
    return tuple(seen.values())


def _image_urls(component: Component) -> tuple[str, ...]:
    urls: list[str] = []
    for name in ("IMAGE", "ATTACH"):
        for value in _values(component, name):
            url = safe_http_url(str(value))
            if url is None:
                continue
            fmt = (_param(value, "FMTTYPE") or "").lower()
            path = url.split("?", 1)[0].split("#", 1)[0].lower()
            image = name == "IMAGE" or fmt.startswith("image/") or path.endswith(_IMAGE_SUFFIXES)
            if image and url not in urls:
                urls.append(url)
    return tuple(urls)


def _first_url(component: Component, name: str) -> str | None:
    for value in _values(component, name):
        url = safe_http_url(str(value))
        if url:
            return url
    return None


def _modified(component: Component) -> datetime | None:
    raw = _attr(component.get("LAST-MODIFIED"), "dt")
    if not isinstance(raw, datetime):
        return None
    return raw if raw.tzinfo else raw.replace(tzinfo=UTC)


def _event(
    winner: _Vevent,
    external_id: str,
    dates: _SeriesDates,
    ctx: ReadContext,
    notes: Iterable[str],
) -> SourceEvent:
    component = winner.component
    lang = ctx.lang
    location = _location(component, lang)
    online = _first_url(component, "CONFERENCE")
    mode = None
    if online:
        mode = AttendanceMode.MIXED if location and location.name else AttendanceMode.ONLINE
    status_text = str(component.get("STATUS", "")).strip().upper()
    return SourceEvent(
        external_id=external_id,
        title=I18nText.of(
            [(code, strip_markup(text)) for code, text in _texts(component, "SUMMARY", lang)]
        ),
        description=_description(component, lang),
        description_is_html=True,
        occurrences=dates.occurrences,
        timezone=winner.start.zone.name,
        rrule=dates.rrules[0] if dates.rrules else None,
        rdates=dates.rdates,
        exdates=dates.exdates,
        status=EventStatus.CANCELLED if winner.cancelled else EventStatus.SCHEDULED,
        tentative=status_text == "TENTATIVE",
        sequence=winner.sequence,
        attendance_mode=mode,
        url=_first_url(component, "URL"),
        online_url=online,
        image_urls=_image_urls(component),
        categories=_categories(component),
        location=location,
        modified=_modified(component),
        warnings=tuple(dict.fromkeys(notes)),
    )


# --------------------------------------------------------------------------- document


def _parse(data: bytes) -> tuple[str, list[Calendar], list[SourceItemError]]:
    """The calendars of the document, and what had to be dropped to read them.

    icalendar gives up on a whole document for one stray line or one broken
    VTIMEZONE; rather than lose every event for that, a second attempt drops
    the lines that are no content lines, and a third the VTIMEZONE blocks that
    do not parse on their own (their TZIDs then resolve by name). Each drop
    is reported with its line number.
    """
    text = decode_text(data)
    if not text.strip():
        raise FeedFormatError("empty document: not an iCalendar feed")
    if not _BEGIN_CALENDAR.search(text):
        head = text.lstrip()[:1]
        kind = "an HTML or XML page" if head == "<" else "no BEGIN:VCALENDAR line"
        raise FeedFormatError(f"not an iCalendar feed: {kind}")
    if not _END_CALENDAR.search(text):
        raise FeedFormatError(
            "incomplete iCalendar feed: BEGIN:VCALENDAR without END:VCALENDAR (truncated?)"
        )
    try:
        return text, _calendars(text), []
    except ValueError as exc:
        first_error = exc
    lines = _logical_lines(text)
    dropped = [
        SourceItemError(message=f"not an iCalendar content line, skipped: {body[:80]!r}", line=n)
        for n, body in lines
        if not _CONTENT_LINE.match(body)
    ]
    lines = [(n, body) for n, body in lines if _CONTENT_LINE.match(body)]
    try:
        return text, _calendars(_join(lines)), dropped
    except ValueError:
        pass
    lines, zones_dropped = _without_broken_timezones(lines)
    try:
        return text, _calendars(_join(lines)), dropped + zones_dropped
    except ValueError:
        raise FeedFormatError(f"unreadable iCalendar: {first_error}") from first_error


def _calendars(text: str) -> list[Calendar]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # icalendar raises many kinds of error on hostile input
        raise ValueError(str(exc) or type(exc).__name__) from exc
    found = [c for c in parsed if c.name == "VCALENDAR"]
    if not found:
        raise FeedFormatError("not an iCalendar feed: no VCALENDAR component")
    return found


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """Unfolded lines with the number of the physical line each starts on."""
    out: list[tuple[int, str]] = []
    physical = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    for number, line in enumerate(physical, start=1):
        if line[:1] in (" ", "\t") and out:
            out[-1] = (out[-1][0], out[-1][1] + line[1:])
        elif line.strip():
            out.append((number, line))
    return out


def _join(lines: Sequence[tuple[int, str]]) -> str:
    return "\r\n".join(body for _, body in lines) + "\r\n"


def _without_broken_timezones(
    lines: list[tuple[int, str]],
) -> tuple[list[tuple[int, str]], list[SourceItemError]]:
    kept: list[tuple[int, str]] = []
    errors: list[SourceItemError] = []
    block: list[tuple[int, str]] | None = None
    for number, body in lines:
        upper = body.strip().upper()
        if upper == "BEGIN:VTIMEZONE" and block is None:
            block = [(number, body)]
            continue
        if block is None:
            kept.append((number, body))
            continue
        block.append((number, body))
        if upper == "END:VTIMEZONE":
            wrapped = [(0, "BEGIN:VCALENDAR"), *block, (0, "END:VCALENDAR")]
            try:
                _calendars(_join(wrapped))
            except (ValueError, FeedFormatError) as exc:
                errors.append(
                    SourceItemError(
                        message=f"unreadable VTIMEZONE, ignored: {exc}", line=block[0][0]
                    )
                )
            else:
                kept.extend(block)
            block = None
    return kept + (block or []), errors


def _meta(calendars: Sequence[Calendar], zones: _Zones, lang: str) -> FeedMeta:
    names: list[tuple[str, str]] = []
    refresh: timedelta | None = None
    for calendar in calendars:
        for prop in ("NAME", "X-WR-CALNAME"):
            names += [(code, strip_markup(t)) for code, t in _texts(calendar, prop, lang)]
        for prop in ("REFRESH-INTERVAL", "X-PUBLISHED-TTL"):
            for value in _values(calendar, prop):
                if refresh is None:
                    refresh = _ttl(value)
    return FeedMeta(
        name=I18nText.of(names),
        refresh_interval=refresh,
        timezone=zones.calendar.name if zones.calendar else None,
    )


def _ttl(value: Any) -> timedelta | None:
    raw = _attr(value, "dt")
    if isinstance(raw, timedelta):
        return raw if raw > timedelta(0) else None
    found = _TTL.match(str(value))
    if not found or found.group("sign") == "-":
        return None
    parts = {k: int(v) for k, v in found.groupdict().items() if v and k != "sign"}
    length = timedelta(
        weeks=parts.get("w", 0),
        days=parts.get("d", 0),
        hours=parts.get("h", 0),
        minutes=parts.get("m", 0),
        seconds=parts.get("s", 0),
    )
    return length if length > timedelta(0) else None


def read_ics(data: bytes, ctx: ReadContext) -> ReadResult:
    """Every VEVENT of an iCalendar document, one :class:`SourceEvent` per UID.

    Raises :class:`FeedFormatError` when the document is not iCalendar at
    all; an unreadable event becomes a :class:`SourceItemError` instead.
    """
    text, calendars, errors = _parse(data)
    zones = _Zones(calendars, ctx)
    timing = _Timing(zones)
    window = _Window(
        low=ctx.now - ctx.horizon.past,
        high=ctx.now + ctx.horizon.future,
        limit=max(ctx.horizon.max_occurrences, 0),
    )
    lines = _VeventLines(text)
    groups: dict[str, list[_Vevent]] = {}
    position = 0
    for calendar in calendars:
        for component in calendar.walk("VEVENT"):
            position += 1
            try:
                vevent = _read_vevent(component, position, timing)
            except Exception as exc:  # one bad event never stops the feed
                uid = str(component.get("UID", "")).strip() or None
                errors.append(_item_error(uid, exc, lines.of(position)))
                continue
            groups.setdefault(vevent.uid, []).append(vevent)

    events: list[SourceEvent] = []
    for uid, group in groups.items():
        try:
            events.extend(_assemble(uid, group, timing, window, ctx))
        except Exception as exc:  # one bad event never stops the feed
            errors.append(_item_error(uid, exc, lines.of(group[0].position)))
    return ReadResult(
        events=tuple(events),
        errors=tuple(errors),
        meta=_meta(calendars, zones, ctx.lang),
    )


class _VeventLines:
    """Line numbers of BEGIN:VEVENT, found only when an error needs one."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._starts: list[int] | None = None

    def of(self, position: int) -> int | None:
        if self._starts is None:
            self._starts = [
                number
                for number, line in enumerate(self._text.splitlines(), start=1)
                if line.strip().upper() == "BEGIN:VEVENT"
            ]
        return self._starts[position - 1] if 0 < position <= len(self._starts) else None


def _item_error(uid: str | None, exc: Exception, line: int | None) -> SourceItemError:
    problem = str(exc) if isinstance(exc, _ItemProblem) else f"{type(exc).__name__}: {exc}"
    who = f"event {uid!r}" if uid else "event without UID"
    return SourceItemError(message=f"{who}: {problem}", external_id=uid, line=line)


def _assemble(
    uid: str, group: list[_Vevent], timing: _Timing, window: _Window, ctx: ReadContext
) -> list[SourceEvent]:
    masters = [v for v in group if v.recurrence_id is None]
    overrides_by_key: dict[str, _Vevent] = {}
    for vevent in group:
        if vevent.recurrence_id is None:
            continue
        key = _utc_iso(vevent.recurrence_id.instant)
        kept = overrides_by_key.get(key)
        if kept is None or vevent.rank > kept.rank:
            overrides_by_key[key] = vevent
    overrides = list(overrides_by_key.values())

    if not masters:
        return [_orphan(uid, override, ctx) for override in overrides]

    winner = max(masters, key=lambda v: v.rank)
    notes = list(winner.warnings)
    if len(masters) > 1:
        notes.append(f"{len(masters)} VEVENTs share this UID: kept SEQUENCE {winner.sequence}")
    timing.warnings.clear()
    dates = _series(winner, overrides, timing, window)
    notes += dates.warnings
    for override in overrides:
        notes += override.warnings
    return [_event(winner, uid, dates, ctx, notes)]


def _orphan(uid: str, override: _Vevent, ctx: ReadContext) -> SourceEvent:
    """An override whose series is not in the feed: an event of its own."""
    rid = override.recurrence_id
    key = _utc_iso(rid.instant) if rid is not None else ""
    occurrence = _occurrence(
        override.start,
        override.duration,
        cancelled=override.cancelled,
        recurrence_id=key or None,
        previous=rid.instant if rid is not None else None,
    )
    dates = _SeriesDates((occurrence,), (), (), [], [])
    notes = [*override.warnings, "RECURRENCE-ID without its series in the feed"]
    return _event(override, f"{uid}#{key}", dates, ctx, notes)
