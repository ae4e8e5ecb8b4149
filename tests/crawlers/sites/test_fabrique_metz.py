"""La Fabrique à Spectacles (Metz): saved pages in, exact events out."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pluriel.crawlers.sites.fabrique_metz import FabriqueMetzSpider, parse_address
from pluriel.model import (
    EventStatus,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
    SourceItemError,
)
from tests.conftest import FIXTURES
from tests.crawlers.sites.helpers import page, site_spider

PAGES = FIXTURES / "sites" / "fabrique-metz"
SITE = "https://fabrique-spectacles.example.fr/sites/fabrique-metz"
PARIS = ZoneInfo("Europe/Paris")


def test_listing_links_every_show_and_the_next_page() -> None:
    spider, _ = site_spider(FabriqueMetzSpider, f"{SITE}/agenda/")
    requests = list(spider.parse_page(page(PAGES / "agenda.html", f"{SITE}/agenda/")))
    assert [(r.url, r.meta["pluriel_kind"]) for r in requests if r is not None] == [
        (f"{SITE}/spectacle/le-roi-lear/", "detail"),
        (f"{SITE}/spectacle/nuit-du-conte/", "detail"),
        (f"{SITE}/agenda/?page=2", "page"),
    ]


def test_last_listing_page_has_no_next() -> None:
    spider, _ = site_spider(FabriqueMetzSpider, f"{SITE}/agenda/?page=2")
    requests = list(spider.parse_page(page(PAGES / "agenda-page2.html", f"{SITE}/agenda/?page=2")))
    assert [r.url for r in requests if r is not None] == [f"{SITE}/spectacle/atelier-masques/"]


def test_a_show_with_two_dates_one_cancelled() -> None:
    spider, _ = site_spider(FabriqueMetzSpider, f"{SITE}/agenda/")
    url = f"{SITE}/spectacle/le-roi-lear/"
    event = spider.parse_event(page(PAGES / "le-roi-lear.html", url))
    first = datetime(2026, 11, 14, 20, 30, tzinfo=PARIS)
    second = datetime(2026, 11, 15, 16, 0, tzinfo=PARIS)
    assert event == SourceEvent(
        external_id="/sites/fabrique-metz/spectacle/le-roi-lear/",
        title=I18nText.single("Le Roi Lear", "fr"),
        description=I18nText.single(
            "<p>Shakespeare par la troupe du <em>Théâtre du Saulcy</em>.</p><p>Dès 14 ans.</p>",
            "fr",
        ),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=first, end=first + timedelta(hours=1, minutes=30), timezone="Europe/Paris"
            ),
            Occurrence(
                start=second,
                end=second + timedelta(hours=1, minutes=30),
                timezone="Europe/Paris",
                status=EventStatus.CANCELLED,
            ),
        ),
        timezone="Europe/Paris",
        url=url,
        booking_url="https://billetterie.example.fr/fabrique/roi-lear",
        image_urls=(f"{SITE}/img/le-roi-lear.jpg",),
        categories=("Théâtre",),
        location=Location(
            name=I18nText.single("Grande salle", "fr"),
            street="12 rue des Récollets",
            postal_code="57000",
            locality="Metz",
            country="FR",
            raw="Grande salle — 12 rue des Récollets, 57000 Metz",
        ),
        price=Price(
            free=False,
            minimum=Decimal("12.50"),
            maximum=Decimal("18"),
            currency="EUR",
            text=I18nText.single("Tarif plein 18 € · réduit 12,50 €", "fr"),
        ),
    )


def test_first_of_the_month_on_the_hour_free_entry() -> None:
    spider, _ = site_spider(FabriqueMetzSpider, f"{SITE}/agenda/")
    url = f"{SITE}/spectacle/nuit-du-conte/"
    event = spider.parse_event(page(PAGES / "nuit-du-conte.html", url))
    assert event == SourceEvent(
        external_id="/sites/fabrique-metz/spectacle/nuit-du-conte/",
        title=I18nText.single("La Nuit du conte", "fr"),
        description=I18nText.single("<p>Des histoires jusqu’à minuit.</p>", "fr"),
        description_is_html=True,
        occurrences=(
            Occurrence(start=datetime(2027, 1, 1, 20, 0, tzinfo=PARIS), timezone="Europe/Paris"),
        ),
        timezone="Europe/Paris",
        url=url,
        categories=("Conte",),
        location=Location(
            name=I18nText.single("Petite salle", "fr"),
            street="12 rue des Récollets",
            postal_code="57000",
            locality="Metz",
            country="FR",
            raw="Petite salle — 12 rue des Récollets, 57000 Metz",
        ),
        price=Price(free=True, text=I18nText.single("Entrée libre", "fr")),
    )


def test_a_page_without_dates_is_one_item_error_and_a_partial_result() -> None:
    spider, outcomes = site_spider(FabriqueMetzSpider, f"{SITE}/agenda/")
    list(spider.parse_page(page(PAGES / "agenda-page2.html", f"{SITE}/agenda/?page=2")))
    url = f"{SITE}/spectacle/atelier-masques/"
    list(spider.parse_detail(page(PAGES / "atelier-masques.html", url)))
    spider.closed("finished")
    [outcome] = outcomes
    assert outcome.result is not None
    assert outcome.result.events == ()
    assert outcome.result.errors == (
        SourceItemError(
            message=f"{url}: 'Atelier masques': no dates (ul.dates li)",
            external_id="/sites/fabrique-metz/spectacle/atelier-masques/",
        ),
    )
    assert outcome.complete is False


def test_addresses() -> None:
    assert parse_address("Grande salle — 12 rue des Récollets, 57000 Metz") == (
        "Grande salle",
        "12 rue des Récollets",
        "57000",
        "Metz",
    )
    assert parse_address("Parvis de la gare") == (None, "Parvis de la gare", None, None)
