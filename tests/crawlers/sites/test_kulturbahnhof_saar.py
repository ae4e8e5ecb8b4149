"""Kulturbahnhof Saarbrücken: saved pages in, exact events out."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pluriel.crawlers.sites.kulturbahnhof_saar import KulturbahnhofSaarSpider
from pluriel.model import (
    Availability,
    EventStatus,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
)
from tests.conftest import FIXTURES
from tests.crawlers.sites.helpers import page, site_spider

PAGES = FIXTURES / "sites" / "kulturbahnhof-saar"
SITE = "https://kulturbahnhof.example.de/sites/kulturbahnhof-saar"
BERLIN = ZoneInfo("Europe/Berlin")


def hall(name: str) -> Location:
    return Location(
        name=I18nText.single(name, "de"),
        street="Am Kulturbahnhof 1",
        postal_code="66111",
        locality="Saarbrücken",
        country="DE",
        raw=f"{name}, Am Kulturbahnhof 1, 66111 Saarbrücken",
    )


def test_programme_table_links_each_event_with_its_rubric() -> None:
    spider, _ = site_spider(KulturbahnhofSaarSpider, f"{SITE}/programm.html")
    requests = list(spider.parse_page(page(PAGES / "programm.html", f"{SITE}/programm.html")))
    assert [(r.url, r.meta["pluriel_hints"]) for r in requests if r is not None] == [
        (f"{SITE}/veranstaltung-1.html", {"rubrik": "Konzert"}),
        (f"{SITE}/veranstaltung-2.html", {"rubrik": "Markt"}),
        (f"{SITE}/veranstaltung-3.html", {"rubrik": "Party"}),
    ]


def test_concert_with_end_time_sold_out() -> None:
    spider, _ = site_spider(KulturbahnhofSaarSpider, f"{SITE}/programm.html")
    url = f"{SITE}/veranstaltung-1.html"
    event = spider.parse_event(
        page(PAGES / "veranstaltung-1.html", url, pluriel_hints={"rubrik": "Konzert"})
    )
    assert event == SourceEvent(
        external_id="/sites/kulturbahnhof-saar/veranstaltung-1.html",
        title=I18nText.single("Saarländisches Kammerorchester", "de"),
        description=I18nText.single("<p>Mozart und Haydn im Lokschuppen.</p>", "de"),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=datetime(2026, 11, 14, 19, 30, tzinfo=BERLIN),
                end=datetime(2026, 11, 14, 22, 0, tzinfo=BERLIN),
                timezone="Europe/Berlin",
                availability=Availability.SOLD_OUT,
            ),
        ),
        timezone="Europe/Berlin",
        url=url,
        booking_url="https://tickets.example.de/kammerorchester",
        categories=("Konzert",),
        location=hall("Halle 2"),
        price=Price(
            free=False,
            minimum=Decimal("15"),
            maximum=Decimal("18"),
            currency="EUR",
            text=I18nText.single("VVK 15 €, AK 18 €", "de"),
        ),
    )


def test_all_day_free_market() -> None:
    spider, _ = site_spider(KulturbahnhofSaarSpider, f"{SITE}/programm.html")
    url = f"{SITE}/veranstaltung-2.html"
    event = spider.parse_event(
        page(PAGES / "veranstaltung-2.html", url, pluriel_hints={"rubrik": "Markt"})
    )
    assert event == SourceEvent(
        external_id="/sites/kulturbahnhof-saar/veranstaltung-2.html",
        title=I18nText.single("Adventsmarkt im Lokschuppen", "de"),
        description=I18nText.single("<p>Kunsthandwerk &amp; Glühwein.</p>", "de"),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=datetime(2026, 11, 29, tzinfo=BERLIN),
                end=datetime(2026, 11, 30, tzinfo=BERLIN),
                all_day=True,
                timezone="Europe/Berlin",
            ),
        ),
        timezone="Europe/Berlin",
        url=url,
        categories=("Markt",),
        location=hall("Lokschuppen"),
        price=Price(free=True, currency=None, text=I18nText.single("Eintritt frei", "de")),
    )


def test_cancelled_night_ending_after_midnight_with_subtitle() -> None:
    spider, _ = site_spider(KulturbahnhofSaarSpider, f"{SITE}/programm.html")
    url = f"{SITE}/veranstaltung-3.html"
    event = spider.parse_event(page(PAGES / "veranstaltung-3.html", url))
    assert event == SourceEvent(
        external_id="/sites/kulturbahnhof-saar/veranstaltung-3.html",
        title=I18nText.single("Clubnacht: Bahnsteig 3", "de"),
        description=I18nText.single(
            "<p><strong>Techno bis zum ersten Zug</strong></p>"
            "<p>Mit DJs aus Saarbrücken und Metz.</p>",
            "de",
        ),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=datetime(2026, 12, 5, 21, 0, tzinfo=BERLIN),
                end=datetime(2026, 12, 6, 3, 0, tzinfo=BERLIN),
                timezone="Europe/Berlin",
                status=EventStatus.CANCELLED,
            ),
        ),
        timezone="Europe/Berlin",
        status=EventStatus.CANCELLED,
        url=url,
        location=hall("Halle 1"),
        price=Price(
            free=False,
            minimum=Decimal("12"),
            maximum=Decimal("12"),
            currency="EUR",
            text=I18nText.single("12 €", "de"),
        ),
    )
