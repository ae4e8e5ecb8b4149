"""RSS 2.0, RSS 1.0 and Atom listings: links to follow, and items that are events themselves."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pluriel.errors import FeedFormatError
from pluriel.model import (
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.readers.common import ReadContext
from pluriel.readers.rss import read_rss
from tests.conftest import FIXTURES

LUX = ZoneInfo("Europe/Luxembourg")


def read(name: str, now: datetime, url: str) -> ReadResult:
    ctx = ReadContext(now=now, lang="fr", timezone="Europe/Luxembourg", url=url)
    return read_rss((FIXTURES / "rss" / name).read_bytes(), ctx)


def test_rss2_listing_yields_same_site_detail_pages_to_follow(now: datetime) -> None:
    result = read("rss2_listing.xml", now, "https://musee-courdor.example.fr/agenda/feed/")
    # Items carry only a publication date: no events, their pages are read instead.
    # Off-site, repeated and javascript: links are left out.
    assert result == ReadResult(
        meta=FeedMeta(
            name=I18nText.of({"fr": "Agenda – Musée de la Cour d'Or"}),
            refresh_interval=timedelta(hours=2),
            next_url="https://musee-courdor.example.fr/agenda/feed/?paged=2",
            follow=(
                "https://musee-courdor.example.fr/agenda/nocturne-mediomatriques/",
                "https://musee-courdor.example.fr/agenda/atelier-mosaique/",
            ),
        )
    )


def test_rss1_event_module_items_are_events(now: datetime) -> None:
    result = read("rss1_events.rdf", now, "https://bibliotheque.example.be/agenda.rdf")
    base = "https://bibliotheque.example.be/agenda/"
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id=f"{base}lesung-42",
                title=I18nText.of({"de": "Lesung: Grenzgänger"}),
                description=I18nText.of(
                    {"de": "<p>Eine Lesung mit der Autorin.</p><p>Eintritt frei.</p>"}
                ),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 10, 23, 19, 0, tzinfo=LUX),
                        end=datetime(2026, 10, 23, 20, 30, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url=f"{base}lesung-42",
                location=Location(raw="Bibliothek Eupen, Lesesaal"),
            ),
            SourceEvent(
                external_id=f"{base}flohmarkt",
                title=I18nText.of({"de": "Bücherflohmarkt"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 7, tzinfo=LUX),
                        end=datetime(2026, 11, 9, tzinfo=LUX),
                        all_day=True,
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url=f"{base}flohmarkt",
            ),
        ),
        errors=(
            SourceItemError(
                message="item 'Workshop': unreadable date 'demnächst'",
                external_id=f"{base}kaputt",
            ),
        ),
        meta=FeedMeta(
            name=I18nText.of({"de": "Bibliothèque d'Eupen – Veranstaltungen"}),
            # Only the undated item is followed: a dated item is the event itself.
            follow=(f"{base}neuigkeiten",),
        ),
    )


def test_atom_with_xcal_dates_and_next_page(now: datetime) -> None:
    result = read("atom.xml", now, "https://cape.example.lu/feed.atom")
    assert result == ReadResult(
        events=(
            SourceEvent(
                external_id="urn:uuid:7a1c0c0e-1111-4e2f-8c55-b1f0a9e0d002",
                title=I18nText.of({"lb": "Theater: De Besuch"}),
                description=I18nText.of({"lb": "<p>E Stéck op Lëtzebuergesch.</p>"}),
                description_is_html=True,
                occurrences=(
                    Occurrence(
                        start=datetime(2026, 11, 12, 20, 0, tzinfo=LUX),
                        end=datetime(2026, 11, 12, 22, 0, tzinfo=LUX),
                        timezone="Europe/Luxembourg",
                    ),
                ),
                timezone="Europe/Luxembourg",
                url="https://cape.example.lu/programm/de-besuch",
                categories=("Theater",),
                location=Location(raw="CAPE, Grouss Sall"),
            ),
        ),
        meta=FeedMeta(
            name=I18nText.of({"lb": "Kulturhaus Ettelbréck – Programm"}),
            next_url="https://cape.example.lu/feed.atom?page=2",
            follow=("https://cape.example.lu/programm/saison",),
        ),
    )


def test_entities_are_not_expanded(now: datetime) -> None:
    bomb = (
        b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        b"<rss><channel><title>&b;</title></channel></rss>"
    )
    result = read_rss(bomb, ReadContext(now=now, lang="fr"))
    assert result.meta.name == I18nText.of({"fr": "&b;"})


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "not XML"),
        (b"<html><body>Agenda</body></html>", "neither RSS nor Atom"),
        (b"<rss version='2.0'></rss>", "without a <channel>"),
        (b'{"items": []}', "not XML"),
    ],
)
def test_garbage_is_a_format_error(data: bytes, message: str, now: datetime) -> None:
    with pytest.raises(FeedFormatError, match=message):
        read_rss(data, ReadContext(now=now, url="https://example.lu/feed"))
