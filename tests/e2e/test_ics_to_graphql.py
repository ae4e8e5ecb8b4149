"""Issue [1]'s end-to-end path: an iCalendar feed, stored in PostgreSQL, read through GraphQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import psycopg

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.model import FetchOutcome, SourceFormat
from pluriel.readers import ReadContext, read
from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.web.app import create_app

from ..conftest import FIXTURES
from ..web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
QUERY = """
query ($from: DateTime!) {
  occurrences(filter: {from: $from}, first: 20, lang: "de") {
    edges { node { start timezone status previousStart availability
                   event { title languages title_fr: title(lang: "fr") } } }
  }
}
"""


def test_weekly_series_across_dst_with_exdate_move_and_cancellation(
    conn: psycopg.Connection[dict[str, Any]], db_url: str, tmp_path: Path
) -> None:
    inst = registry.add_institution(conn, "capucins", name="Théâtre des Capucins", country="LU")
    source_id = registry.add_source(
        conn,
        institution_id=inst.id,
        format=SourceFormat.ICS,
        url="https://capucins.example/agenda.ics",
        lang="fr",
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[source_id])
    data = (FIXTURES / "ics" / "weekly_dst.ics").read_bytes()
    result = read(SourceFormat.ICS, data, ReadContext(now=NOW, lang="fr"))
    report = ingest_outcome(
        conn, spec, FetchOutcome(source_id=spec.id, started_at=NOW, result=result), now=NOW
    )
    assert (report.status, report.new, report.errors) == ("ok", 1, 0)

    app = create_app(Settings(home=tmp_path, database_url=db_url), database_url=db_url)
    with AppClient(app) as client:
        response = client.post(
            "/graphql", json={"query": QUERY, "variables": {"from": "2026-10-01T00:00:00Z"}}
        )
    assert response.status_code == 200, response.text
    edges = response.json()["data"]["occurrences"]["edges"]
    local = [
        (
            datetime.fromisoformat(e["node"]["start"])
            .astimezone(ZoneInfo(e["node"]["timezone"]))
            .strftime("%a %d.%m %H:%M %z"),
            e["node"]["status"],
        )
        for e in edges
    ]
    assert local == [
        ("Tue 06.10 20:00 +0200", "SCHEDULED"),
        ("Tue 20.10 20:00 +0200", "SCHEDULED"),  # 13.10 removed by EXDATE
        ("Wed 28.10 19:30 +0100", "RESCHEDULED"),  # moved from Tue 27.10 by RECURRENCE-ID
        ("Tue 03.11 20:00 +0100", "SCHEDULED"),  # after the 25 October DST change: still 20:00
        ("Tue 10.11 20:00 +0100", "CANCELLED"),  # cancelled by RECURRENCE-ID + STATUS
        ("Tue 17.11 20:00 +0100", "SCHEDULED"),
        ("Tue 24.11 20:00 +0100", "SCHEDULED"),
    ]
    moved = [e["node"]["previousStart"] for e in edges]
    assert moved == [None, None, "2026-10-27T19:00:00+00:00", None, None, None, None]
    assert {e["node"]["availability"] for e in edges} == {None}
    event = edges[0]["node"]["event"]
    assert event == {"title": "Jazzabend", "languages": ["fr", "de"], "title_fr": "Soirée jazz"}
