"""Issue [3]'s details in GraphQL: age range, price, accessibility, merged places' old ids."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.aggregator.matching import dedupe_places
from pluriel.model import (
    FetchOutcome,
    I18nText,
    Location,
    Occurrence,
    Price,
    ReadResult,
    SourceEvent,
    SourceFormat,
)
from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.web.app import create_app

from ..web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
QUERY = """query ($places: [ID!]) {
  events(filter: {from: "2026-09-01T00:00:00Z", placeIds: $places}) {
    edges { node { title ageMin ageMax accessibility price { free min max currency }
                   place { id name } } } } }"""


def test_details_and_merged_place_ids(
    conn: psycopg.Connection[dict[str, Any]], db_url: str, tmp_path: Path
) -> None:
    inst = registry.add_institution(conn, "kinder", name="Kindertheater", country="LU")
    sid = registry.add_source(
        conn,
        institution_id=inst.id,
        format=SourceFormat.ICS,
        url="https://kinder.example/a.ics",
        lang="de",
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[sid])
    start = NOW + timedelta(days=3)
    show = SourceEvent(
        external_id="k1",
        title=I18nText.single("Puppentheater", "de"),
        timezone="Europe/Luxembourg",
        age_min=6,
        age_max=12,
        accessibility=("rollstuhlgerecht", "Induktionsschleife"),
        price=Price(free=False, minimum=Decimal("8"), maximum=Decimal("12.5"), currency="EUR"),
        location=Location(
            name=I18nText.single("Puppenbühne im Park"),
            locality="Beckerich",
            country="LU",
            lat=49.7300,
            lon=5.8800,
        ),
        occurrences=(Occurrence(start=start, timezone="Europe/Luxembourg"),),
    )
    ingest_outcome(
        conn,
        spec,
        FetchOutcome(source_id=spec.id, started_at=NOW, result=ReadResult(events=(show,))),
        now=NOW,
    )
    old = conn.execute("select place_id from event").fetchone()
    assert old is not None
    kept = conn.execute(
        "insert into place (name, name_folded, locality, country, lat, lon, confidence)"
        " values ('{\"de\": \"Puppenbühne im Park\"}', 'puppenbuhne im park', 'Beckerich',"
        " 'LU', 49.73001, 5.88001, 0.9) returning id"
    ).fetchone()
    assert kept is not None
    assert dedupe_places(conn, now=NOW) == [(old["place_id"], kept["id"])]
    conn.commit()

    app = create_app(Settings(home=tmp_path, database_url=db_url), database_url=db_url)
    with AppClient(app) as client:
        response = client.post(
            "/graphql", json={"query": QUERY, "variables": {"places": [str(old["place_id"])]}}
        )
    assert response.status_code == 200, response.text
    assert response.json()["data"]["events"]["edges"] == [
        {
            "node": {
                "title": "Puppentheater",
                "ageMin": 6,
                "ageMax": 12,
                "accessibility": ["wheelchair", "hearing-loop"],
                "price": {"free": False, "min": 8.0, "max": 12.5, "currency": "EUR"},
                "place": {"id": str(kept["id"]), "name": "Puppenbühne im Park"},
            }
        }
    ]
