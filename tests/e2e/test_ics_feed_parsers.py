"""Issue [4]: the served /feeds/events.ics, read by icalendar and by ical.js (Node), agrees.

The weekly series across the DST change (with an EXDATE, a moved date and a
cancelled one) goes in through the real reader and ingest, comes out of the
route, and both parsers expand it to the same dates and statuses as the store.
"""

from __future__ import annotations

import warnings
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
from icalendar import Calendar

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.model import FetchOutcome, SourceFormat
from pluriel.readers import ReadContext, read
from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.web.app import create_app

from ..conftest import FIXTURES
from ..exporters.expansion import expand_icalendar, expand_icaljs, when
from ..exporters.test_ics_icaljs import require_node
from ..web.conftest import AppClient

NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)


def test_served_ics_feed_parses_identically_in_icalendar_and_icaljs(
    conn: psycopg.Connection[dict[str, Any]], db_url: str, tmp_path: Path
) -> None:
    require_node()
    inst = registry.add_institution(conn, "capucins", name="Capucins", country="LU")
    sid = registry.add_source(
        conn,
        institution_id=inst.id,
        format=SourceFormat.ICS,
        url="https://capucins.example/a.ics",
        lang="fr",
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[sid])
    data = (FIXTURES / "ics" / "weekly_dst.ics").read_bytes()
    result = read(SourceFormat.ICS, data, ReadContext(now=NOW, lang="fr"))
    ingest_outcome(
        conn, spec, FetchOutcome(source_id=spec.id, started_at=NOW, result=result), now=NOW
    )
    stored = conn.execute("select starts_at, status from occurrence order by starts_at").fetchall()

    app = create_app(Settings(home=tmp_path, database_url=db_url), database_url=db_url)
    with AppClient(app) as client:
        response = client.get(
            "/feeds/events.ics", params={"from": "2026-09-01T00:00:00Z", "lang": "de"}
        )
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    feed = response.content

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Calendar.from_ical(feed)
    ours = expand_icalendar(feed)
    theirs = expand_icaljs(feed, tmp_path)
    assert theirs["warnings"] == []
    assert theirs["occurrences"] == ours
    status = {"scheduled": "CONFIRMED", "rescheduled": "CONFIRMED", "cancelled": "CANCELLED"}
    assert [(o["start"], o["status"]) for o in ours] == [
        (when(row["starts_at"]), status[row["status"]]) for row in stored
    ]
    assert {o["summary"] for o in ours} == {"Jazzabend"}
