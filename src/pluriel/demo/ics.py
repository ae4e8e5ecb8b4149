"""RFC 5545 calendars for the demo's venues, written by hand so that every byte is deliberate.

Texts in several languages are repeated with a ``LANGUAGE`` parameter (the
way bilingual venues of the region publish them), a weekly series carries
one cancelled instance as a ``RECURRENCE-ID`` override, an online talk a
``CONFERENCE`` property (RFC 7986), and every calendar its ``VTIMEZONE``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime

from pluriel.demo.catalog import DemoInstitution, DemoSource
from pluriel.demo.programme import DemoEvent

__all__ = ["render_ics"]

# Every zone of the region follows the EU rule since 1996: one definition, renamed.
_VTIMEZONE = (
    "BEGIN:VTIMEZONE",
    "TZID:{tzid}",
    "X-LIC-LOCATION:{tzid}",
    "BEGIN:DAYLIGHT",
    "TZOFFSETFROM:+0100",
    "TZOFFSETTO:+0200",
    "TZNAME:CEST",
    "DTSTART:19700329T020000",
    "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU",
    "END:DAYLIGHT",
    "BEGIN:STANDARD",
    "TZOFFSETFROM:+0200",
    "TZOFFSETTO:+0100",
    "TZNAME:CET",
    "DTSTART:19701025T030000",
    "RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU",
    "END:STANDARD",
    "END:VTIMEZONE",
)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines of at most 75 octets, continued with CRLF and a space, never splitting a character."""
    out: list[str] = []
    current = ""
    limit = 75
    for char in line:
        if len((current + char).encode("utf-8")) > limit:
            out.append(current)
            current = " " + char
            limit = 75
        else:
            current += char
    out.append(current)
    return "\r\n".join(out)


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _utc(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _day(value: date) -> str:
    return value.strftime("%Y%m%d")


def _texts(name: str, texts: dict[str, str], *, several: bool) -> list[str]:
    items = list(texts.items()) if several else list(texts.items())[:1]
    return [f"{name};LANGUAGE={lang}:{_escape(text)}" for lang, text in items]


def _vevent(event: DemoEvent, *, tzid: str, stamp: str, base_url: str) -> list[str]:
    lines = ["BEGIN:VEVENT", f"UID:{event.external_id}", f"DTSTAMP:{stamp}"]
    if event.all_day:
        end = event.end
        lines.append(f"DTSTART;VALUE=DATE:{_day(event.start.date())}")
        if end is not None:
            lines.append(f"DTEND;VALUE=DATE:{_day(end.date())}")
    else:
        lines.append(f"DTSTART;TZID={tzid}:{_local(event.start)}")
        if event.duration is not None:
            lines.append(f"DTEND;TZID={tzid}:{_local(event.start + event.duration)}")
    if event.weekly_until is not None:
        until = datetime.combine(event.weekly_until, event.start.timetz())
        lines.append(f"RRULE:FREQ=WEEKLY;UNTIL={_utc(until)}")
    elif len(event.starts) > 1:
        extra = ",".join(_local(start) for start in event.starts[1:])
        lines.append(f"RDATE;TZID={tzid}:{extra}")
    # RFC 5545 allows one SUMMARY; bilingual venues repeat it per language and
    # readers (ours included) take every one that carries a LANGUAGE.
    lines += _texts("SUMMARY", event.title, several=True)
    lines += _texts("DESCRIPTION", event.description, several=True)
    place = event.place
    location = f"{event.place_label}, {place.address}"
    lines.append(f"LOCATION:{_escape(location)}")
    lines.append(f"GEO:{place.lat:.5f};{place.lon:.5f}")
    lines.append(f"CATEGORIES:{_escape(event.category)}")
    if event.status == "cancelled":
        lines.append("STATUS:CANCELLED")
    else:
        lines.append("STATUS:CONFIRMED")
    page = f"{base_url}/agenda/{event.slug}"
    lines.append(f"URL:{page}")
    if event.online_url:
        lines.append(
            f'CONFERENCE;VALUE=URI;FEATURE=VIDEO,AUDIO;LABEL="{_label(event)}":{event.online_url}'
        )
    if event.price_text:
        lines.append(f"X-PRICE:{_escape(event.price_text)}")
    lines.append("END:VEVENT")
    for cancelled in event.cancelled:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{event.external_id}",
            f"DTSTAMP:{stamp}",
            f"RECURRENCE-ID;TZID={tzid}:{_local(cancelled)}",
            f"DTSTART;TZID={tzid}:{_local(cancelled)}",
        ]
        if event.duration is not None:
            lines.append(f"DTEND;TZID={tzid}:{_local(cancelled + event.duration)}")
        lines += _texts("SUMMARY", event.title, several=True)
        lines += ["STATUS:CANCELLED", "SEQUENCE:1", "END:VEVENT"]
    return lines


def _label(event: DemoEvent) -> str:
    first = next(iter(event.title.values()))
    return first.replace('"', "'").replace(":", " –")


def render_ics(
    source: DemoSource,
    institution: DemoInstitution,
    events: Iterable[DemoEvent],
    *,
    stamp: datetime,
) -> bytes:
    """One calendar; ``stamp`` (the site's build time) is every DTSTAMP, so output is stable."""
    tzid = source.timezone
    dtstamp = _utc(stamp)
    website = institution.website.rstrip("/")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{institution.name}//Agenda//{source.lang.upper()}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"NAME:{_escape(institution.name)}",
        f"X-WR-CALNAME:{_escape(institution.name)}",
        f"X-WR-TIMEZONE:{tzid}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        *(line.format(tzid=tzid) for line in _VTIMEZONE),
    ]
    for event in events:
        lines += _vevent(event, tzid=tzid, stamp=dtstamp, base_url=website)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
