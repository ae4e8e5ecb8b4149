"""schema.org events in JSON-LD, microdata and RDFa, read from saved pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pluriel.errors import FeedFormatError
from pluriel.model import (
    AttendanceMode,
    Availability,
    EventStatus,
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    Price,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.readers.common import ReadContext
from pluriel.readers.jsonld import read_jsonld
from tests.conftest import FIXTURES

LUX = ZoneInfo("Europe/Luxembourg")
BERLIN = ZoneInfo("Europe/Berlin")
HERE = FIXTURES / "jsonld"


def read(name: str, now: datetime, url: str, lang: str = "fr") -> ReadResult:
    ctx = ReadContext(now=now, lang=lang, timezone="Europe/Luxembourg", url=url)
    return read_jsonld((HERE / name).read_bytes(), ctx)


def at(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, *, tz: ZoneInfo = LUX
) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=tz)


def once(
    start: datetime,
    end: datetime | None = None,
    *,
    all_day: bool = False,
    status: EventStatus = EventStatus.SCHEDULED,
    availability: Availability | None = None,
    previous_start: datetime | None = None,
) -> tuple[Occurrence, ...]:
    """The single occurrence of an event in the Luxembourg source's zone."""
    return (
        Occurrence(
            start=start,
            end=end,
            all_day=all_day,
            timezone="Europe/Luxembourg",
            status=status,
            availability=availability,
            previous_start=previous_start,
        ),
    )


def test_event_page_maps_every_field(now: datetime) -> None:
    url = "https://theatre-capucins.example.lu/saison/le-misanthrope"
    result = read("event_page.html", now, url)
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=f"{url}#event",
                title=I18nText.of({"fr": "Le Misanthrope (Molière)"}),
                description=I18nText.of(
                    {"fr": "<p>Alceste hait les compromis.</p><p>Mise en scène : Anne Weber.</p>"}
                ),
                description_is_html=True,
                # No offset in the page: read in the source's zone, not floating.
                occurrences=once(
                    at(2026, 11, 14, 20, 0),
                    at(2026, 11, 14, 22, 30),
                    availability=Availability.FEW_LEFT,
                ),
                timezone="Europe/Luxembourg",
                attendance_mode=AttendanceMode.OFFLINE,
                url=url,
                booking_url="https://billetterie.example.lu/misanthrope",
                image_urls=("https://theatre-capucins.example.lu/media/misanthrope.jpg",),
                categories=("TheaterEvent",),
                keywords=("théâtre", "comédie", "classique"),
                location=Location(
                    name=I18nText.of({"fr": "Théâtre des Capucins"}),
                    street="9, place du Théâtre",
                    postal_code="L-2613",
                    locality="Luxembourg",
                    country="LU",
                    lat=49.6116,
                    lon=6.13,
                ),
                organiser=I18nText.of({"fr": "Les Théâtres de la Ville"}),
                performers=("Luc Schiltz", "Myriam Muller"),
                price=Price(
                    free=False,
                    minimum=Decimal("12.50"),
                    maximum=Decimal("25"),
                    currency="EUR",
                    text=I18nText.of({"fr": "12,50 €"}),
                ),
                age_min=12,
                # inLanguage is what is spoken on stage; the text stays French (<html lang>).
                performance_languages=("de",),
            ),
        )
    )
    assert result.events[0].occurrences[0].floating is False


def test_graph_language_values_references_and_sub_events(now: datetime) -> None:
    result = read("graph_multilingual.html", now, "https://kulturhaus.example.de/jazz")
    altstadt = Location(name=I18nText.of({"de": "Altstadt"}), locality="Saarlouis", country="DE")
    assert result.events == (
        SourceEvent(
            external_id="https://kulturhaus.example.de/jazz#event",
            title=I18nText.of([("de", "Jazzabend"), ("fr", "Soirée jazz")]),
            description=I18nText.of(
                [
                    ("de", "<p>Ein Abend mit <b>Trio Blau</b>.</p>"),
                    ("lb", "<p>En Owend mat Trio Blau.</p>"),
                ]
            ),
            description_is_html=True,
            occurrences=once(at(2026, 10, 20, 19, 30)),
            timezone="Europe/Luxembourg",
            categories=("MusicEvent",),
            location=Location(
                name=I18nText.of({"de": "Kulturhaus Saarlouis"}),
                raw="Kaiser-Wilhelm-Straße 4, 66740 Saarlouis",
            ),
            price=Price(free=True),
        ),
        SourceEvent(
            external_id="https://kulturhaus.example.de/lumieres",
            title=I18nText.of({"de": "Festival des Lumières"}),
            description_is_html=True,
            occurrences=once(at(2026, 12, 4), at(2026, 12, 7), all_day=True),
            timezone="Europe/Luxembourg",
            url="https://kulturhaus.example.de/lumieres",
            categories=("Festival",),
            location=altstadt,
        ),
        SourceEvent(
            external_id="https://kulturhaus.example.de/lumieres/ball",
            title=I18nText.of({"de": "Eröffnungsball"}),
            description_is_html=True,
            occurrences=once(at(2026, 12, 4, 20, 0), status=EventStatus.CANCELLED),
            timezone="Europe/Luxembourg",
            status=EventStatus.CANCELLED,
            url="https://kulturhaus.example.de/lumieres/ball",
            categories=("DanceEvent",),
            location=altstadt,  # inherited from the festival
        ),
        SourceEvent(
            external_id="sha256:250ebd5ae18672022affbd6628a650ff",
            title=I18nText.of({"de": "Lichtinstallation"}),
            description_is_html=True,
            occurrences=once(at(2026, 12, 5), all_day=True),
            timezone="Europe/Luxembourg",
            categories=("ExhibitionEvent",),
            location=Location(name=I18nText.of({"de": "Vauban-Insel"})),
        ),
    )
    assert result.errors == (
        SourceItemError(
            message="JSON-LD script 3: invalid JSON: Expecting property name enclosed in "
            "double quotes: line 2 column 73 (char 73)"
        ),
    )


def test_status_spellings_locations_prices_and_bad_dates(now: datetime) -> None:
    result = read("statuses.html", now, "https://agenda.example.lu/")
    base = "https://agenda.example.lu/"
    assert result.events == (
        SourceEvent(
            external_id=f"{base}lecture",
            title=I18nText.of({"fr": "Lecture annulée"}),
            description_is_html=True,
            occurrences=once(at(2026, 10, 10, 18, 0), status=EventStatus.CANCELLED),
            timezone="Europe/Luxembourg",
            status=EventStatus.CANCELLED,
            url=f"{base}lecture",
            location=Location(raw="Place d'Armes, Luxembourg"),
            price=Price(free=True, text=I18nText.of({"fr": "Gratuit"})),
        ),
        SourceEvent(
            external_id=f"{base}concert",
            title=I18nText.of({"fr": "Concert reporté"}),
            description_is_html=True,
            occurrences=once(at(2026, 10, 11, 20, 0), status=EventStatus.POSTPONED),
            timezone="Europe/Luxembourg",
            status=EventStatus.POSTPONED,
            url=f"{base}concert",
            price=Price(
                free=False,
                minimum=Decimal(15),
                currency="EUR",
                text=I18nText.of({"fr": "ab 15 EUR"}),
            ),
        ),
        SourceEvent(
            external_id=f"{base}conference",
            title=I18nText.of({"fr": "Conférence en ligne"}),
            description_is_html=True,
            occurrences=once(at(2026, 10, 12, 18, 0), status=EventStatus.MOVED_ONLINE),
            timezone="Europe/Luxembourg",
            status=EventStatus.MOVED_ONLINE,
            attendance_mode=AttendanceMode.ONLINE,
            url=f"{base}conference",
            online_url="https://visio.example.lu/salle-1",
            price=Price(free=True),
        ),
        SourceEvent(
            external_id=f"{base}atelier",
            title=I18nText.of({"fr": "Atelier déplacé"}),
            description_is_html=True,
            occurrences=once(
                at(2026, 10, 20, 14, 0),
                status=EventStatus.RESCHEDULED,
                previous_start=at(2026, 10, 13, 14, 0),
            ),
            timezone="Europe/Luxembourg",
            status=EventStatus.RESCHEDULED,
            attendance_mode=AttendanceMode.MIXED,
            url=f"{base}atelier",
            online_url="https://visio.example.lu/atelier",
            location=Location(name=I18nText.of({"fr": "Bibliothèque"})),
        ),
        SourceEvent(
            external_id=f"{base}marche",
            title=I18nText.of({"fr": "Marché de Noël"}),
            description_is_html=True,
            # Date-only: all day, end exclusive (the 6th is the last day).
            occurrences=once(at(2026, 12, 5), at(2026, 12, 7), all_day=True),
            timezone="Europe/Luxembourg",
            url=f"{base}marche",
            price=Price(free=False),
            warnings=("unknown eventStatus 'Maybe', read as scheduled",),
        ),
    )
    assert result.errors == (
        SourceItemError(
            message="event 'Date illisible' (vendredi prochain): startDate: "
            "unreadable date 'vendredi prochain'",
            external_id=f"{base}illisible",
        ),
    )


def test_event_schedule_becomes_an_rrule_expanded_across_dst(now: datetime) -> None:
    result = read("schedule.html", now, "https://vhs.example.de/kurse/salsa", lang="und")
    days = [(10, 1), (10, 6), (10, 8), (10, 13), (10, 20), (10, 22), (10, 27), (10, 29)]
    occurrences = tuple(
        Occurrence(
            start=at(2026, m, d, 19, 0, tz=BERLIN),
            end=at(2026, m, d, 20, 30, tz=BERLIN),
            timezone="Europe/Berlin",
            recurrence_id=at(2026, m, d, 19, 0, tz=BERLIN)
            .astimezone(UTC)
            .strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for m, d in days
    )
    assert result.events == (
        SourceEvent(
            external_id="https://vhs.example.de/kurse/salsa",
            title=I18nText.of({"de": "Salsa für Anfänger"}),
            description_is_html=True,
            occurrences=occurrences,
            timezone="Europe/Berlin",
            rrule="FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261031T235959",
            categories=("EducationEvent",),
            location=Location(
                name=I18nText.of({"de": "VHS Trier"}), locality="Trier", country="DE"
            ),
        ),
    )
    # 15 October is excepted; wall-clock 19:00 holds across the 25 October DST change.
    assert [o.recurrence_id for o in occurrences][-2:] == [
        "2026-10-27T18:00:00Z",
        "2026-10-29T18:00:00Z",
    ]


def test_listing_page_follows_item_list_and_dateless_events_on_the_same_site(
    now: datetime,
) -> None:
    result = read("listing.html", now, "https://musee.example.fr/agenda")
    assert result == ReadResult(
        # A list item that is a dated event is read on the spot.
        events=(
            SourceEvent(
                external_id="https://musee.example.fr/agenda/conte",
                title=I18nText.of({"fr": "Conte au musée"}),
                description_is_html=True,
                occurrences=once(at(2026, 10, 21, 15, 0)),
                timezone="Europe/Luxembourg",
                url="https://musee.example.fr/agenda/conte",
                categories=("ChildrensEvent",),
            ),
        ),
        meta=FeedMeta(
            next_url="https://musee.example.fr/agenda?page=2",
            follow=(
                "https://www.musee.example.fr/expositions/vauban",
                "https://musee.example.fr/expositions/lumiere",
                "https://musee.example.fr/expositions/vauban",
                "https://musee.example.fr/visites/guidee",
            ),
        ),
    )


def test_microdata_in_the_page_language(now: datetime) -> None:
    result = read("microdata.html", now, "https://rockhal.example.lu/agenda")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="https://rockhal.example.lu/concerten/bal",
                title=I18nText.of({"lb": "Bal op der Gare"}),
                description_is_html=True,
                occurrences=once(at(2026, 11, 7, 21, 0)),
                timezone="Europe/Luxembourg",
                url="https://rockhal.example.lu/concerten/bal",
                categories=("MusicEvent",),
                location=Location(
                    name=I18nText.of({"lb": "Rockhal"}),
                    street="5, avenue du Rock'n'Roll",
                    postal_code="L-4361",
                    locality="Esch-sur-Alzette",
                    country="LU",
                ),
                price=Price(free=False, minimum=Decimal(18), maximum=Decimal(32), currency="EUR"),
            ),
        )
    )


def test_rdfa(now: datetime) -> None:
    url = "https://cultuurcentrum.example.be/voorstelling/hamlet"
    result = read("rdfa.html", now, url)
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=url,
                title=I18nText.of({"nl": "Hamlet"}),
                description_is_html=True,
                occurrences=once(at(2026, 11, 20, 20, 15)),
                timezone="Europe/Luxembourg",
                categories=("TheaterEvent",),
                location=Location(name=I18nText.of({"nl": "Cultuurcentrum Eupen"})),
            ),
        )
    )


def test_bare_json_ld_document_with_context_language(now: datetime) -> None:
    result = read("events.jsonld", now, "https://cinematheque.example.lu/feed.jsonld", lang="de")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="urn:uuid:5b1f0f3e-7c1e-4b2a-9f57-0c2b9f0e9a11",
                title=I18nText.of({"fr": "Ciné-club : Les Enfants du paradis"}),
                description_is_html=True,
                occurrences=once(at(2026, 10, 22, 20, 30)),
                timezone="Europe/Luxembourg",
                categories=("ScreeningEvent",),
                location=Location(raw="Cinémathèque, Luxembourg"),
                performance_languages=("fr",),
            ),
        )
    )


def test_same_event_twice_kept_once_and_same_url_told_apart_by_start(now: datetime) -> None:
    url = "https://chateau.example.fr/visite-contee"
    result = read("duplicates.html", now, url)
    assert [e.external_id for e in result.events] == [
        f"{url}#2026-10-17T15:00:00+02:00",
        f"{url}#2026-10-18T15:00:00+02:00",
    ]
    assert [e.occurrences[0].start for e in result.events] == [
        at(2026, 10, 17, 15, 0),
        at(2026, 10, 18, 15, 0),
    ]
    assert result.errors == ()


def test_external_ids_are_stable_across_reads(now: datetime) -> None:
    first = read("graph_multilingual.html", now, "https://kulturhaus.example.de/jazz")
    later = read(
        "graph_multilingual.html", now + timedelta(days=3), "https://kulturhaus.example.de/jazz"
    )
    assert [e.external_id for e in first.events] == [e.external_id for e in later.events]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty document"),
        (b"just some words", "neither HTML nor JSON-LD"),
        (b"{not json", "invalid JSON-LD"),
    ],
)
def test_whole_document_garbage_is_a_format_error(data: bytes, message: str, now: datetime) -> None:
    with pytest.raises(FeedFormatError, match=message):
        read_jsonld(data, ReadContext(now=now, url="https://example.lu/x"))


def test_page_without_structured_data_reads_as_empty(now: datetime) -> None:
    page = b"<html lang='fr'><body><p>Rien ici</p></body></html>"
    assert read_jsonld(page, ReadContext(now=now)) == ReadResult()
