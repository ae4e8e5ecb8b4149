"""Small pure pieces of the crawlers: Retry-After, tribe endpoints, spider lookup."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from scrapy.http import Response

from pluriel.crawlers.ics import IcsSpider
from pluriel.crawlers.middlewares import retry_after
from pluriel.crawlers.registry import spider_for
from pluriel.crawlers.sites import site_spider_names
from pluriel.crawlers.sites.kulturbahnhof_saar import KulturbahnhofSaarSpider
from pluriel.crawlers.tribe import endpoint_candidates
from pluriel.errors import ConfigError
from pluriel.model import SourceFormat, SourceSpec


@pytest.mark.parametrize(
    ("header", "wait"),
    [
        ("120", timedelta(minutes=2)),
        ("Thu, 01 Oct 2026 10:30:00 GMT", timedelta(minutes=30)),
        ("Thu, 01 Oct 2026 09:00:00 GMT", timedelta(0)),
        ("soon", None),
        (None, None),
    ],
)
def test_retry_after(header: str | None, wait: timedelta | None) -> None:
    headers = {"Retry-After": header} if header else {}
    response = Response("https://example.org/feed", status=503, headers=headers)
    assert retry_after(response, now=datetime(2026, 10, 1, 10, 0, tzinfo=UTC)) == wait


@pytest.mark.parametrize(
    ("url", "candidates"),
    [
        (
            "https://theatre.example.fr/",
            [
                "https://theatre.example.fr/wp-json/tribe/events/v1/events",
                "https://theatre.example.fr/wp-json/tec/v1/events",
            ],
        ),
        (
            "https://example.fr/theatre?lang=fr",
            [
                "https://example.fr/theatre/wp-json/tribe/events/v1/events",
                "https://example.fr/theatre/wp-json/tec/v1/events",
            ],
        ),
        (
            "https://theatre.example.fr/wp-json/tec/v1/events?per_page=50",
            ["https://theatre.example.fr/wp-json/tec/v1/events?per_page=50"],
        ),
    ],
)
def test_tribe_endpoint_candidates(url: str, candidates: list[str]) -> None:
    assert endpoint_candidates(url) == candidates


def spec(fmt: SourceFormat, name: str | None = None) -> SourceSpec:
    return SourceSpec(id=7, institution_id=1, format=fmt, url="https://example.org/", name=name)


def test_spiders_by_format_and_by_site_name() -> None:
    assert spider_for(spec(SourceFormat.ICS)) is IcsSpider
    assert spider_for(spec(SourceFormat.SITE, "kulturbahnhof_saar")) is KulturbahnhofSaarSpider
    assert {"fabrique_metz", "kulturbahnhof_saar"} <= set(site_spider_names())


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (None, "source 7: a site source needs the name of its spider"),
        ("base", "'base' is not a site spider name (lower case, digits, underscores)"),
        ("../etc", "'../etc' is not a site spider name (lower case, digits, underscores)"),
    ],
)
def test_unknown_site_spiders(name: str | None, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        spider_for(spec(SourceFormat.SITE, name))
    assert str(caught.value) == message
