"""The Events Calendar REST API pages (legacy tribe/events/v1 and tec/v1), from saved fixtures."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from pluriel.errors import FeedFormatError
from pluriel.model import (
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
from pluriel.readers.tribe import next_link, read_tribe
from tests.conftest import FIXTURES

PARIS = ZoneInfo("Europe/Paris")
BERLIN = ZoneInfo("Europe/Berlin")
LEGACY = "https://theatre-thionville.example.fr/wp-json/tribe/events/v1/events"
TEC = "https://philharmonie-saar.example.de/wp-json/tec/v1/events"
SITE = "https://theatre-thionville.example.fr/evenement/"


def read(name: str, now: datetime, url: str, lang: str) -> ReadResult:
    ctx = ReadContext(now=now, lang=lang, timezone="Europe/Luxembourg", url=url)
    return read_tribe((FIXTURES / "tribe" / name).read_bytes(), ctx)


def test_legacy_page(now: datetime) -> None:
    result = read("legacy_page1.json", now, LEGACY, "fr")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="tribe:4211",
                # "&#8211;" and "&amp;" unescaped: WordPress escapes titles in the API.
                title=I18nText.of({"fr": "Cyrano de Bergerac – Compagnie du Nord & invités"}),
                description=I18nText.of(
                    {
                        "fr": "<p>La pièce d&rsquo;Edmond Rostand, en alexandrins.</p>\n"
                        "<p>Durée : 2h40.</p>"
                    }
                ),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 16, 18, 30, tzinfo=UTC),
                        end=datetime(2026, 10, 16, 21, 10, tzinfo=UTC),
                        timezone="Europe/Paris",
                    ),
                ),
                timezone="Europe/Paris",
                url=f"{SITE}cyrano-de-bergerac/",
                booking_url="https://billetterie.example.fr/cyrano",
                image_urls=(
                    "https://theatre-thionville.example.fr/wp-content/uploads/2026/08/cyrano.jpg",
                ),
                categories=("Théâtre",),
                keywords=("classique", "alexandrins"),
                location=Location(
                    name=I18nText.of({"fr": "Théâtre municipal"}),
                    street="31 boulevard Foch",
                    postal_code="57100",
                    locality="Thionville",
                    region="Grand Est",
                    country="FR",
                    lat=49.3579,
                    lon=6.1683,
                    url="https://theatre-thionville.example.fr/lieu/theatre-municipal/",
                ),
                organiser=I18nText.of({"fr": "Ville de Thionville"}),
                price=Price(
                    free=False,
                    minimum=Decimal(12),
                    maximum=Decimal(24),
                    currency="EUR",
                    text=I18nText.of({"fr": "12 € – 24 €"}),
                ),
                modified=datetime(2026, 9, 12, 14, 40, 3, tzinfo=UTC),
            ),
            SourceEvent(
                external_id="tribe:4230",
                title=I18nText.of({"fr": "Journées du patrimoine"}),
                description=I18nText.of({"fr": "<p>Visites libres du théâtre.</p>"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 17, tzinfo=PARIS),
                        end=datetime(2026, 10, 19, tzinfo=PARIS),
                        all_day=True,
                        timezone="Europe/Paris",
                    ),
                ),
                timezone="Europe/Paris",
                url=f"{SITE}journees-patrimoine/",
                price=Price(free=True, currency="EUR", text=I18nText.of({"fr": "Gratuit"})),
            ),
            SourceEvent(
                external_id="tribe:4244",
                title=I18nText.of({"fr": "Concert d'automne"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 24, 20, 0, tzinfo=PARIS),
                        end=datetime(2026, 10, 24, 22, 0, tzinfo=PARIS),
                        timezone="Europe/Paris",
                        status=EventStatus.CANCELLED,
                    ),
                ),
                timezone="Europe/Paris",
                status=EventStatus.CANCELLED,
                url=f"{SITE}concert-annule/",
            ),
        ),
        errors=(
            SourceItemError(
                message="event 'Atelier d’écriture': unreadable date '2026-13-45 25:00:00'",
                external_id="tribe:4250",
            ),
        ),
        meta=FeedMeta(
            next_url=f"{LEGACY}/?page=2&per_page=4",
        ),
    )


def test_legacy_last_page_has_no_next(now: datetime) -> None:
    result = read("legacy_page2.json", now, f"{LEGACY}/?page=2&per_page=4", "fr")
    assert [e.external_id for e in result.events] == ["tribe:4302"]
    assert result.meta == FeedMeta()


def test_tec_v1_page(now: datetime) -> None:
    result = read("tec_v1_page1.json", now, TEC, "de")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="tribe:812",
                title=I18nText.of({"de": "Kinderkonzert: Peter & der Wolf"}),
                description=I18nText.of(
                    {"de": "<p>Ein musikalisches Märchen für Kinder ab 5 Jahren.</p>"}
                ),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 8, 11, 0, tzinfo=BERLIN),
                        end=datetime(2026, 11, 8, 12, 0, tzinfo=BERLIN),
                        timezone="Europe/Berlin",
                    ),
                ),
                timezone="Europe/Berlin",
                url="https://philharmonie-saar.example.de/veranstaltung/peter-und-der-wolf/",
                booking_url="https://philharmonie-saar.example.de/tickets/812",
                categories=("Familie",),
                keywords=("Klassik",),
                location=Location(
                    name=I18nText.of({"de": "Congresshalle Saarbrücken"}),
                    street="Hafenstraße 12",
                    postal_code="66111",
                    locality="Saarbrücken",
                    region="Saarland",
                    country="DE",
                ),
                organiser=I18nText.of({"de": "Philharmonie Saar"}),
                price=Price(
                    free=False,
                    minimum=Decimal(5),
                    maximum=Decimal(9),
                    currency="EUR",
                    text=I18nText.of({"de": "5 € – 9 €"}),
                ),
                modified=datetime(2026, 9, 20, 16, 0, tzinfo=UTC),
            ),
            SourceEvent(
                external_id="tribe:815",
                title=I18nText.of({"de": "Orgelnacht"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 21, 22, 0, tzinfo=BERLIN),
                        end=datetime(2026, 11, 22, 1, 0, tzinfo=BERLIN),
                        timezone="Europe/Berlin",
                    ),
                ),
                timezone="Europe/Berlin",
                url="https://philharmonie-saar.example.de/veranstaltung/orgelnacht/",
            ),
        ),
        errors=(SourceItemError(message="event 'Ohne Kennung': no id and no url"),),
        # tec/v1 pages through the Link header: see next_link.
        meta=FeedMeta(),
    )


def test_key_is_the_api_id_not_the_start(now: datetime) -> None:
    """A rescheduled event keeps its key (the iCal UID would change with the date)."""
    before = b'{"events": [{"id": 7, "title": "A", "start_date": "2026-10-10 20:00:00"}]}'
    after = b'{"events": [{"id": 7, "title": "A", "start_date": "2026-10-17 20:00:00"}]}'
    ctx = ReadContext(now=now, url=LEGACY)
    assert read_tribe(before, ctx).events[0].external_id == "tribe:7"
    assert read_tribe(after, ctx).events[0].external_id == "tribe:7"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, None),
        ("", None),
        (f'<{TEC}?page=1>; rel="prev"', None),
        (f'<{TEC}?page=1>; rel="prev", <{TEC}?page=3>; rel="next"', f"{TEC}?page=3"),
        (f"<{TEC}?page=2>;rel=next", f"{TEC}?page=2"),
        (f'<{TEC}?page=2>; title="x"; rel="next last"', f"{TEC}?page=2"),
    ],
)
def test_next_link(header: str | None, expected: str | None) -> None:
    assert next_link(header) == expected


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<html>404</html>", "not JSON"),
        (b'{"code": "rest_no_route", "message": "No route"}', "no events list"),
    ],
)
def test_garbage_is_a_format_error(data: bytes, message: str, now: datetime) -> None:
    with pytest.raises(FeedFormatError, match=message):
        read_tribe(data, ReadContext(now=now, url=LEGACY))


def test_odd_shapes_fail_per_item_or_are_ignored(now: datetime) -> None:
    page = {
        "events": [
            {
                "id": 1,
                "title": {"rendered": "Rendu &amp; titre"},
                "start_date": "2026-10-10 20:00:00",
                "venue": "Salle",
                "categories": "musique",
                "tags": [1, None, {"name": 5}, {"name": "ok"}],
                "image": 5,
                "cost": 12,
                "cost_details": {"values": "12"},
                "organizer": ["x"],
                "timezone": 7,
                "all_day": "yes",
            },
            "junk",
            {"id": True, "title": "B", "start_date": "2026-10-10 20:00:00"},
            {"id": 2, "title": "", "start_date": "2026-10-10 20:00:00"},
            {"id": 3, "title": "Sans date"},
        ],
        "next_rest_url": 5,
    }
    result = read_tribe(json.dumps(page).encode(), ReadContext(now=now, lang="fr", url=LEGACY))
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="tribe:1",
                title=I18nText.of({"fr": "Rendu & titre"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 10, 20, 0, tzinfo=ZoneInfo("Europe/Luxembourg")),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                keywords=("ok",),
            ),
        ),
        errors=(
            SourceItemError(message="event #2: not an object"),
            SourceItemError(message="event 'B': no id and no url"),
            SourceItemError(message="event #4: no title", external_id="tribe:2"),
            SourceItemError(message="event 'Sans date': no start_date", external_id="tribe:3"),
        ),
    )
