"""Issue [3]: a search in any of the five languages finds events written in it, accents aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
import pytest

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.model import FetchOutcome, I18nText, Occurrence, ReadResult, SourceEvent, SourceFormat
from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.web.app import create_app

from ..web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
EVENTS = [
    ("fr", "Musée de la Cour d'Or : nocturne", "Visite des collections gallo-romaines."),
    ("de", "Sommerkonzerte im Stadtpark", "Drei Abende mit Blasmusik."),
    ("lb", "Theaterstéck fir Kanner", "E Spektakel fir déi ganz Famill."),
    ("en", "Guided tours of the cathedral", "Discover the crypt and the treasury."),
    ("nl", "Rondleidingen door het kasteel", "Ontdek de geschiedenis van het kasteel."),
    ("en", "Open-air cinema", "After the film, jazz in the courtyard."),
    ("en", "Jazz night", "An evening of standards."),
]


@pytest.fixture
def client(conn: psycopg.Connection[dict[str, Any]], db_url: str, tmp_path: Path) -> AppClient:
    inst = registry.add_institution(conn, "office", name="Office", country="LU")
    sid = registry.add_source(
        conn, institution_id=inst.id, format=SourceFormat.ICS, url="https://office.example/all.ics"
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[sid])
    events = tuple(
        SourceEvent(
            external_id=f"e{i}",
            title=I18nText.single(title, lang),
            description=I18nText.single(text, lang),
            timezone="Europe/Luxembourg",
            occurrences=(
                Occurrence(start=NOW + timedelta(days=i + 1), timezone="Europe/Luxembourg"),
            ),
        )
        for i, (lang, title, text) in enumerate(EVENTS)
    )
    ingest_outcome(
        conn,
        spec,
        FetchOutcome(source_id=spec.id, started_at=NOW, result=ReadResult(events=events)),
        now=NOW,
    )
    return AppClient(create_app(Settings(home=tmp_path, database_url=db_url), database_url=db_url))


def search(client: AppClient, text: str) -> list[str]:
    query = """query ($text: String!) {
      events(filter: {text: $text, from: "2026-09-01T00:00:00Z"}, first: 10) {
        edges { node { title } } } }"""
    with client:
        response = client.post("/graphql", json={"query": query, "variables": {"text": text}})
    assert response.status_code == 200, response.text
    return [e["node"]["title"] for e in response.json()["data"]["events"]["edges"]]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("musee", "Musée de la Cour d'Or : nocturne"),  # fr, accents folded
        ("MUSÉE", "Musée de la Cour d'Or : nocturne"),
        ("Sommerkonzert", "Sommerkonzerte im Stadtpark"),  # de, plural stemmed
        ("theatersteck kanner", "Theaterstéck fir Kanner"),  # lb, accents folded
        ("guided tour", "Guided tours of the cathedral"),  # en, stemmed
        ("rondleiding", "Rondleidingen door het kasteel"),  # nl, stemmed
        ("gallo-romaine", "Musée de la Cour d'Or : nocturne"),  # description match
    ],
)
def test_search_finds_each_language(client: AppClient, text: str, found: str) -> None:
    assert search(client, text) == [found]


def test_a_title_match_ranks_above_a_description_match(client: AppClient) -> None:
    # The cinema evening comes first by date; the title match must still lead.
    assert search(client, "jazz") == ["Jazz night", "Open-air cinema"]
