"""The events every exporter test exports: a series across the DST change, an
all-day exhibition, an online event. Kept in one place so that each format is
checked against the same story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pluriel.exporters import ExportEvent, ExportOccurrence, ExportOrganiser, ExportPlace
from pluriel.model import AttendanceMode, Availability, EventStatus, I18nText, Price

LUX = ZoneInfo("Europe/Luxembourg")
BRU = ZoneInfo("Europe/Brussels")
TWO_HOURS = timedelta(hours=2)

ROTONDES = ExportPlace(
    name=I18nText.of({"fr": "Rotondes", "lb": "Rotonden"}),
    street="Place des Rotondes",
    postal_code="2448",
    locality="Luxembourg",
    country="LU",
    lat=49.6,
    lon=6.1367,
)
ORGANISER = ExportOrganiser(name="Rotondes", url="https://www.rotondes.lu/")
MUSIC = ("music", I18nText.of({"fr": "Musique", "de": "Musik", "lb": "Musek"}))
JAZZ = ("jazz", I18nText.of({"fr": "Jazz", "de": "Jazz"}))
EXHIBITION = ("exhibition", I18nText.of({"fr": "Exposition", "de": "Ausstellung"}))
TALK = ("talk", I18nText.of({"en": "Talk", "fr": "Conférence"}))


def _tuesday(day: int, month: int, **extra: object) -> ExportOccurrence:
    start = datetime(2026, month, day, 20, 0, tzinfo=LUX)
    values: dict[str, object] = {
        "id": f"{month:02d}{day:02d}",
        "start": start,
        "end": start + TWO_HOURS,
        "timezone": "Europe/Luxembourg",
        "availability": Availability.AVAILABLE,
    }
    values.update(extra)
    return ExportOccurrence(**values)  # type: ignore[arg-type]


#: Every Tuesday at 20:00 from 13 October to 17 November 2026, across the
#: change to winter time on 25 October: 20 October cancelled, 27 October not
#: held (an EXDATE), 3 November moved to Wednesday 4 November.
SERIES = ExportEvent(
    id="101",
    uid="event-101@pluriel.test",
    url="https://pluriel.test/events/101",
    title=I18nText.of({"de": "Jazz am Dienstag", "fr": "Jazz du mardi"}),
    description=I18nText.of(
        {
            "de": '<p>Das <a href="https://trio.example/">Trio Pluriel</a> spielt.</p>'
            "<p>Eintritt: 15 € &amp; mehr</p>",
            "fr": "<p>Le trio joue ; entrée libre, ou presque.</p>",
        }
    ),
    status=EventStatus.SCHEDULED,
    attendance_mode=AttendanceMode.OFFLINE,
    timezone="Europe/Luxembourg",
    rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=30",
    occurrences=(
        _tuesday(13, 10),
        _tuesday(20, 10, status=EventStatus.CANCELLED, recurrence_id="2026-10-20T18:00:00Z"),
        _tuesday(
            4,
            11,
            id="1103",
            status=EventStatus.RESCHEDULED,
            previous_start=datetime(2026, 11, 3, 20, 0, tzinfo=LUX),
            recurrence_id="2026-11-03T19:00:00Z",
        ),
        _tuesday(10, 11),
        _tuesday(17, 11, availability=Availability.FEW_LEFT),
    ),
    place=ROTONDES,
    booking_url="https://www.rotondes.lu/tickets/jazz",
    image_url="https://www.rotondes.lu/img/jazz.jpg",
    categories=(MUSIC, JAZZ),
    price=Price(minimum=Decimal("15"), maximum=Decimal("25.50"), currency="EUR"),
    organiser=ORGANISER,
    performers=("Trio Pluriel",),
    languages=("de", "fr"),
    updated=datetime(2026, 9, 20, 8, 30, tzinfo=UTC),
    created=datetime(2026, 9, 1, 7, 0, tzinfo=UTC),
    sequence=3,
)

#: Saturday 3 October to Sunday 20 December 2026, one all-day run.
EXHIBITION_EVENT = ExportEvent(
    id="202",
    uid="event-202@pluriel.test",
    url="https://pluriel.test/events/202",
    title=I18nText.of({"fr": "Lumières du Nord"}),
    description=I18nText.of({"fr": "<p>Peintures <em>scandinaves</em>.</p>"}),
    timezone="Europe/Luxembourg",
    occurrences=(
        ExportOccurrence(
            id="2020",
            start=datetime(2026, 10, 3, tzinfo=LUX),
            end=datetime(2026, 12, 21, tzinfo=LUX),
            all_day=True,
            timezone="Europe/Luxembourg",
        ),
    ),
    place=ExportPlace(
        name=I18nText.of({"fr": "Musée national d'art"}),
        street="Marché-aux-Poissons",
        postal_code="2345",
        locality="Luxembourg",
        country="LU",
        lat=49.6115,
        lon=6.1316,
    ),
    image_url="https://musee.example/nord.jpg",
    categories=(EXHIBITION,),
    price=Price(minimum=Decimal("7"), currency="EUR"),
    organiser=ExportOrganiser(name="Musée national d'art", url="https://musee.example/"),
    languages=("fr",),
    updated=datetime(2026, 9, 15, 12, 0, tzinfo=UTC),
    created=datetime(2026, 9, 10, 12, 0, tzinfo=UTC),
)

#: A free online talk, in Brussels time.
ONLINE = ExportEvent(
    id="303",
    uid="event-303@pluriel.test",
    url="https://pluriel.test/events/303",
    title=I18nText.of(
        {"en": "Archives of the Greater Region", "fr": "Archives de la Grande Région"}
    ),
    description=I18nText.of({"en": "<p>A talk, <strong>online</strong>.</p>"}),
    attendance_mode=AttendanceMode.ONLINE,
    timezone="Europe/Brussels",
    occurrences=(
        ExportOccurrence(
            id="3030",
            start=datetime(2026, 11, 5, 18, 30, tzinfo=BRU),
            end=datetime(2026, 11, 5, 19, 45, tzinfo=BRU),
            timezone="Europe/Brussels",
        ),
    ),
    online_url="https://stream.example/archives",
    image_url="https://archives.example/talk.png",
    categories=(TALK,),
    price=Price(free=True),
    organiser=ExportOrganiser(name="Archives de l'État", url="https://archives.example/"),
    performers=("Anne Muller",),
    languages=("en", "fr"),
    updated=datetime(2026, 9, 25, 16, 0, tzinfo=UTC),
    created=datetime(2026, 9, 24, 9, 0, tzinfo=UTC),
)

EVENTS = (SERIES, EXHIBITION_EVENT, ONLINE)
