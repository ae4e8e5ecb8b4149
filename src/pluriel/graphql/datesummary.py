"""Human summaries of when an event happens, in the five languages of the region.

Pure functions over plain values, so every wording is tested without a
database. Babel supplies month and day names (it has ``lb`` data); the
patterns around them are chosen here, per language, because CLDR's skeleton
matching drops the full names a LONG summary asks for, and because a range
reads better in words ("du 3 au 27 oct. 2026") than with CLDR's dash.

English follows British usage (``en_GB``: "24 Nov 2026", 24-hour clock), the
variant used in the region. Everything is shown in the event's own zone: a
concert at 20:00 in Metz reads 20:00 wherever the reader is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date

__all__ = ["LANGUAGES", "Span", "SummaryFormat", "date_summary", "summary_lang"]


class SummaryFormat(Enum):
    SHORT = "short"
    MEDIUM = "medium"
    LONG = "long"


@dataclass(frozen=True, slots=True)
class Span:
    """One date of the event: an aware start, an optional aware end.

    For whole days the end is exclusive (the next midnight), as stored.
    """

    start: datetime
    end: datetime | None = None
    all_day: bool = False


@dataclass(frozen=True, slots=True, kw_only=True)
class _Words:
    locale: str
    #: One date, by format.
    short: str
    medium: str
    long: str
    #: Parts of a range: day alone, day and month, day month year ("M" = month).
    day: str
    day_month: str
    full: str
    range: str
    short_range: str
    #: Between a date and its time, by format.
    at: str
    long_at: str
    every: str
    every_day: str
    until: str
    plural_days: bool
    statuses: dict[str, str]


_DE_PARTS = {"day": "d.", "day_month": "d. M", "full": "d. M y"}
_LANGS: dict[str, _Words] = {
    "fr": _Words(
        locale="fr",
        short="d MMM",
        medium="EEE d MMM y",
        long="EEEE d MMMM y",
        day="d",
        day_month="d M",
        full="d M y",
        range="du {a} au {b}",
        short_range="{a}–{b}",
        at=", ",
        long_at=" à ",
        every="tous les {days}",
        every_day="tous les jours",
        until=" jusqu’au {date}",
        plural_days=True,
        statuses={"cancelled": "annulé", "postponed": "reporté"},
    ),
    "de": _Words(
        locale="de",
        short="d. MMM",
        medium="EEE, d. MMM y",
        long="EEEE, d. MMMM y",
        **_DE_PARTS,
        range="vom {a} bis {b}",
        short_range="{a}–{b}",
        at=", ",
        long_at=" um ",
        every="jeden {days}",
        every_day="täglich",
        until=" bis {date}",
        plural_days=False,
        statuses={"cancelled": "abgesagt", "postponed": "verschoben"},
    ),
    "lb": _Words(
        locale="lb",
        short="d. MMM",
        medium="EEE, d. MMM y",
        long="EEEE, d. MMMM y",
        **_DE_PARTS,
        range="vum {a} bis {b}",
        short_range="{a}–{b}",
        at=", ",
        long_at=" um ",
        every="all {days}",
        every_day="all Dag",
        until=" bis {date}",
        plural_days=False,
        statuses={"cancelled": "ofgesot", "postponed": "verluecht"},
    ),
    "en": _Words(
        locale="en_GB",
        short="d MMM",
        medium="EEE d MMM y",
        long="EEEE d MMMM y",
        day="d",
        day_month="d M",
        full="d M y",
        range="from {a} to {b}",
        short_range="{a}–{b}",
        at=", ",
        long_at=" at ",
        every="every {days}",
        every_day="every day",
        until=" until {date}",
        plural_days=False,
        statuses={"cancelled": "cancelled", "postponed": "postponed"},
    ),
    "nl": _Words(
        locale="nl",
        short="d MMM",
        medium="EEE d MMM y",
        long="EEEE d MMMM y",
        day="d",
        day_month="d M",
        full="d M y",
        range="van {a} tot {b}",
        short_range="{a}–{b}",
        at=", ",
        long_at=" om ",
        every="elke {days}",
        every_day="elke dag",
        until=" tot {date}",
        plural_days=False,
        statuses={"cancelled": "geannuleerd", "postponed": "uitgesteld"},
    ),
}

#: Languages a summary can be written in; others fall back to French.
LANGUAGES = tuple(_LANGS)
_FALLBACK = "fr"
_AND = {"fr": "et", "de": "und", "lb": "an", "en": "and", "nl": "en"}
_WEEKDAYS = {"MO": 0, "TU": 1, "WE": 2, "TH": 3, "FR": 4, "SA": 5, "SU": 6}
_BYDAY = re.compile(r"^(?:[+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")


def summary_lang(lang: str | None) -> str:
    """The language a summary is written in for ``lang`` (its base language, else French)."""
    base = (lang or "").replace("_", "-").split("-")[0].lower()
    return base if base in _LANGS else _FALLBACK


def date_summary(
    spans: Sequence[Span],
    *,
    timezone: str,
    lang: str | None,
    format: SummaryFormat = SummaryFormat.MEDIUM,
    status: str = "scheduled",
    rrule: str | None = None,
) -> str | None:
    """When the event happens, in one phrase; ``None`` when it has no date at all.

    A cancelled or postponed event says so instead of giving dates that will
    not happen. A series kept as a weekly or daily RRULE reads "every
    Tuesday until …"; other sets of dates read as their range.
    """
    words = _LANGS[summary_lang(lang)]
    if status in words.statuses:
        return words.statuses[status]
    if not spans:
        return None
    zone = _zone(timezone)
    ordered = sorted(spans, key=lambda s: s.start)
    first, last = ordered[0], ordered[-1]
    start = _local(first.start, zone)
    end_day = _last_day(last, zone)
    if rrule is not None:
        recurring = _recurrence(rrule, words, start, end_day, first, format)
        if recurring is not None:
            return recurring
    if end_day == start.date():
        return _one_day(words, first, zone, format)
    return _range(words, start.date(), end_day, format)


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _local(value: datetime, zone: ZoneInfo) -> datetime:
    return value.astimezone(zone).replace(tzinfo=None)


def _last_day(span: Span, zone: ZoneInfo) -> date:
    """The last local day the span touches (an exclusive midnight end belongs to the day before)."""
    if span.end is None or span.end <= span.start:
        return _local(span.start, zone).date()
    end = _local(span.end, zone)
    if end.time() == datetime.min.time():
        end -= timedelta(microseconds=1)
    return end.date()


def _format(value: date | datetime, pattern: str, words: _Words) -> str:
    return format_date(value, pattern, locale=words.locale)


def _time(span: Span, zone: ZoneInfo, *, with_end: bool) -> str:
    start = _local(span.start, zone)
    text = start.strftime("%H:%M")
    if with_end and span.end is not None and span.end > span.start:
        end = _local(span.end, zone)
        if end.date() == start.date():
            text += "–" + end.strftime("%H:%M")
    return text


def _one_day(words: _Words, span: Span, zone: ZoneInfo, format: SummaryFormat) -> str:
    pattern = {
        SummaryFormat.SHORT: words.short,
        SummaryFormat.MEDIUM: words.medium,
        SummaryFormat.LONG: words.long,
    }[format]
    day = _format(_local(span.start, zone), pattern, words)
    if span.all_day:
        return day
    if format is SummaryFormat.LONG:
        hours = _time(span, zone, with_end=True)
        # "à 20:00" but "20:00–22:00": a span of hours reads without the preposition.
        return day + (words.at if "–" in hours else words.long_at) + hours
    return day + words.at + _time(span, zone, with_end=False)


def _month(format: SummaryFormat) -> str:
    return "MMMM" if format is SummaryFormat.LONG else "MMM"


def _range(words: _Words, start: date, end: date, format: SummaryFormat) -> str:
    month = _month(format)

    def part(pattern: str, value: date) -> str:
        return _format(value, pattern.replace("M", month), words)

    if format is SummaryFormat.SHORT:
        b = part(words.day_month, end)
        if (start.year, start.month) == (end.year, end.month):
            a = part(words.day, start)
        elif start.year == end.year:
            a = part(words.day_month, start)
        else:
            a, b = part(words.full, start), part(words.full, end)
        return words.short_range.format(a=a, b=b)
    if (start.year, start.month) == (end.year, end.month):
        a = part(words.day, start)
    elif start.year == end.year:
        a = part(words.day_month, start)
    else:
        a = part(words.full, start)
    return words.range.format(a=a, b=part(words.full, end))


def _rule_parts(rrule: str) -> dict[str, str]:
    text = rrule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:") :]
    parts: dict[str, str] = {}
    for item in text.split(";"):
        name, _, value = item.partition("=")
        if name and value:
            parts[name.strip().upper()] = value.strip().upper()
    return parts


def _recurrence(
    rrule: str,
    words: _Words,
    start: datetime,
    end_day: date,
    first: Span,
    format: SummaryFormat,
) -> str | None:
    """A weekly or daily series in words; ``None`` for rules better shown as a range."""
    parts = _rule_parts(rrule)
    if parts.get("INTERVAL", "1") != "1":
        return None
    frequency = parts.get("FREQ")
    if frequency == "DAILY" and "BYDAY" not in parts:
        text = words.every_day
    elif frequency == "WEEKLY":
        days = _weekdays(parts.get("BYDAY"), start)
        if days is None:
            return None
        text = words.every.format(days=_day_names(words, days))
    else:
        return None
    if format is SummaryFormat.LONG and not first.all_day:
        text += words.long_at + start.strftime("%H:%M")
    # Without UNTIL or COUNT the stored dates stop at the horizon, not at the series' end.
    if format is not SummaryFormat.SHORT and ("UNTIL" in parts or "COUNT" in parts):
        pattern = words.full.replace("M", _month(format))
        text += words.until.format(date=_format(end_day, pattern, words))
    return text


def _weekdays(byday: str | None, start: datetime) -> list[int] | None:
    if byday is None:
        return [start.weekday()]
    days: list[int] = []
    for item in byday.split(","):
        match = _BYDAY.match(item.strip())
        if match is None:
            return None
        day = _WEEKDAYS[match.group(1)]
        if day not in days:
            days.append(day)
    return sorted(days)


def _day_names(words: _Words, days: list[int]) -> str:
    names_by_day = Locale.parse(words.locale).days["format"]["wide"]
    names = [str(names_by_day[day]) + ("s" if words.plural_days else "") for day in days]
    lang = summary_lang(words.locale)
    if len(names) == 1:
        return names[0]
    return ", ".join(names[:-1]) + f" {_AND[lang]} " + names[-1]
