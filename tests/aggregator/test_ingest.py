"""Ingest rules: idempotent upserts, tombstones, and stored data kept safe from bad feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.model import (
    EventStatus,
    FetchOutcome,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceItemError,
    SourceSpec,
)
from pluriel.store import registry

Conn = psycopg.Connection[dict[str, Any]]
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
TABLES = ("event", "event_text", "occurrence", "source_event", "place", "event_category", "change")


def make_source(conn: Conn, *, kind: str = "feed", slug: str = "philharmonie") -> SourceSpec:
    inst = registry.add_institution(conn, slug, name="Philharmonie", country="LU")
    source_id = registry.add_source(
        conn,
        institution_id=inst.id,
        format=SourceFormat.ICS,
        url=f"https://{slug}.example/agenda.ics",
        lang="fr",
        kind=kind,
    )
    conn.commit()
    (spec,) = registry.load_sources(conn, ids=[source_id])
    return spec


def event(ext: str, title: str = "Concert", *, days: int = 10, **kw: Any) -> SourceEvent:
    start = NOW + timedelta(days=days)
    return SourceEvent(
        external_id=ext,
        title=I18nText.single(title),
        occurrences=(
            Occurrence(start=start, end=start + timedelta(hours=2), timezone="Europe/Luxembourg"),
        ),
        timezone="Europe/Luxembourg",
        **kw,
    )


def outcome(
    spec: SourceSpec,
    *events: SourceEvent,
    complete: bool = True,
    errors: tuple[SourceItemError, ...] = (),
) -> FetchOutcome:
    return FetchOutcome(
        source_id=spec.id,
        started_at=NOW,
        complete=complete,
        result=ReadResult(events=events, errors=errors),
    )


def snapshot(conn: Conn) -> dict[str, list[tuple[Any, ...]]]:
    """Every row's id and xmin: any insert, update or delete changes it."""
    out = {}
    for table in TABLES:
        key = (
            "event_id, category_id"
            if table == "event_category"
            else (
                "event_id, lang"
                if table == "event_text"
                else ("seq" if table == "change" else "id")
            )
        )
        rows = conn.execute(f"select {key}, xmin::text as x from {table} order by {key}").fetchall()
        out[table] = [tuple(r.values()) for r in rows]
    return out


def test_new_events_are_stored_with_texts_occurrences_and_a_run(conn: Conn) -> None:
    spec = make_source(conn)
    feed = outcome(spec, event("a", "Récital <b>Chopin</b>"), event("b", "Jazz au Kirchberg"))
    report = ingest_outcome(conn, spec, feed, now=NOW)
    assert (report.status, report.new, report.updated, report.unchanged, report.removed) == (
        "ok",
        2,
        0,
        0,
        0,
    )
    titles = conn.execute("select lang, title from event_text order by title").fetchall()
    assert titles == [
        {"lang": "fr", "title": "Jazz au Kirchberg"},
        {"lang": "fr", "title": "Récital Chopin"},
    ]
    run = conn.execute("select status, new_count, item_count from source_run").fetchone()
    assert run == {"status": "ok", "new_count": 2, "item_count": 2}
    occ = conn.execute("select starts_at, status, timezone from occurrence order by starts_at")
    assert [r["status"] for r in occ.fetchall()] == ["scheduled", "scheduled"]


def test_ingesting_an_unchanged_feed_again_changes_no_row(conn: Conn) -> None:
    spec = make_source(conn)
    feed = outcome(
        spec,
        event(
            "a", location=Location(name=I18nText.single("Grand Auditorium"), locality="Luxembourg")
        ),
        event("b", categories=("Konzert",)),
    )
    ingest_outcome(conn, spec, feed, now=NOW)
    conn.commit()
    before = snapshot(conn)
    (spec,) = registry.load_sources(conn, ids=[spec.id])
    report = ingest_outcome(conn, spec, feed, now=NOW + timedelta(hours=1))
    assert (report.status, report.new, report.updated, report.unchanged) == ("ok", 0, 0, 2)
    assert snapshot(conn) == before


def test_a_changed_event_is_updated_and_keeps_its_occurrence_ids(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, event("a", "Concert")), now=NOW)
    occ_id = conn.execute("select id from occurrence").fetchone()
    report = ingest_outcome(conn, spec, outcome(spec, event("a", "Concert annulé?")), now=NOW)
    assert (report.new, report.updated) == (0, 1)
    assert conn.execute("select id from occurrence").fetchone() == occ_id
    assert conn.execute("select title from event_text").fetchone() == {"title": "Concert annulé?"}


def test_an_event_gone_from_a_complete_feed_is_cancelled_not_deleted(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(
        conn,
        spec,
        outcome(spec, event("a"), event("b"), event("c"), event("past", days=-3)),
        now=NOW,
    )
    report = ingest_outcome(conn, spec, outcome(spec, event("a"), event("b")), now=NOW)
    assert (report.status, report.removed) == ("ok", 2)
    rows = conn.execute(
        "select se.external_id, e.status, e.deleted_at is not null as deleted,"
        " array_agg(o.status) as occ from source_event se join event e on e.id = se.event_id"
        " join occurrence o on o.event_id = e.id group by 1, 2, 3 order by 1"
    ).fetchall()
    assert [tuple(r.values()) for r in rows] == [
        ("a", "scheduled", False, ["scheduled"]),
        ("b", "scheduled", False, ["scheduled"]),
        ("c", "cancelled", False, ["cancelled"]),  # upcoming: visible, its date cancelled
        ("past", "cancelled", True, ["scheduled"]),  # nothing ahead: tombstoned, row kept
    ]
    changes = conn.execute(
        "select state from change where entity_id ="
        " (select event_id from source_event where external_id = 'past')"
        " order by seq"
    ).fetchall()
    assert [c["state"] for c in changes] == ["updated", "deleted"]


def test_a_feed_that_shrinks_by_more_than_half_removes_nothing(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, *(event(str(i)) for i in range(5))), now=NOW)
    (spec,) = registry.load_sources(conn, ids=[spec.id])
    report = ingest_outcome(conn, spec, outcome(spec, event("0"), event("1")), now=NOW)
    assert (report.status, report.removed) == ("suspicious", 0)
    assert report.error == "the feed shrank from 5 to 2 events; nothing was removed"
    live = conn.execute("select count(*) as n from event where status = 'scheduled'").fetchone()
    assert live == {"n": 5}


def test_an_empty_feed_where_there_were_events_fails_and_keeps_them(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, event("a")), now=NOW)
    report = ingest_outcome(conn, spec, outcome(spec), now=NOW)
    assert report.status == "failed"
    assert report.error == "the feed returned no events where 1 were stored; kept the stored ones"
    assert conn.execute("select status from event").fetchone() == {"status": "scheduled"}


def test_a_failed_fetch_is_recorded_and_keeps_data(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, event("a")), now=NOW)
    failed = FetchOutcome(
        source_id=spec.id, started_at=NOW, error="HTTP 500 from the server", http_status=500
    )
    report = ingest_outcome(conn, spec, failed, now=NOW)
    assert report.status == "failed"
    runs = conn.execute("select status, http_status, error from source_run order by id").fetchall()
    assert runs[-1] == {"status": "failed", "http_status": 500, "error": "HTTP 500 from the server"}
    assert conn.execute(
        "select count(*) as n from event where status = 'scheduled'"
    ).fetchone() == {"n": 1}


def test_not_modified_is_an_unchanged_run_and_validators_are_kept(conn: Conn) -> None:
    spec = make_source(conn)
    first = FetchOutcome(
        source_id=spec.id, started_at=NOW, etag='"v1"', result=ReadResult(events=(event("a"),))
    )
    ingest_outcome(conn, spec, first, now=NOW)
    (spec,) = registry.load_sources(conn, ids=[spec.id])
    assert spec.etag == '"v1"'
    report = ingest_outcome(
        conn,
        spec,
        FetchOutcome(source_id=spec.id, started_at=NOW, not_modified=True, http_status=304),
        now=NOW,
    )
    assert (report.status, report.unchanged) == ("unchanged", 1)


def test_change_feeds_delete_explicitly_and_absence_means_nothing(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, event("a"), event("b"), complete=False), now=NOW)
    gone = SourceEvent(external_id="a", title=I18nText(), deleted=True)
    report = ingest_outcome(conn, spec, outcome(spec, gone, complete=False), now=NOW)
    assert (report.status, report.removed, report.new) == ("ok", 1, 0)
    rows = conn.execute(
        "select se.external_id, e.status from source_event se"
        " join event e on e.id = se.event_id order by 1"
    ).fetchall()
    assert [tuple(r.values()) for r in rows] == [("a", "cancelled"), ("b", "scheduled")]


def test_item_errors_are_recorded_and_the_rest_ingests(conn: Conn) -> None:
    spec = make_source(conn)
    feed = outcome(
        spec,
        event("a"),
        errors=(SourceItemError(message="DTSTART is not a date", external_id="x"),),
    )
    report = ingest_outcome(conn, spec, feed, now=NOW)
    assert (report.status, report.new, report.errors) == ("ok", 1, 1)
    run = conn.execute("select error_count, item_errors from source_run").fetchone()
    assert run == {
        "error_count": 1,
        "item_errors": [{"external_id": "x", "message": "DTSTART is not a date", "line": None}],
    }


def test_markup_is_sanitised_on_the_way_in(conn: Conn) -> None:
    spec = make_source(conn)
    hostile = event(
        "a",
        "<script>alert(1)</script>Fête",
        description=I18nText.single(
            '<p onclick="x()">Hi <a href="javascript:x()">there</a><svg onload="x()"></svg></p>'
        ),
        description_is_html=True,
        url="javascript:alert(1)",
        booking_url="https://tix.example/a",
    )
    ingest_outcome(conn, spec, outcome(spec, hostile), now=NOW)
    text = conn.execute("select title, description from event_text").fetchone()
    assert text == {
        "title": "Fête",
        "description": '<p>Hi <a rel="noopener noreferrer nofollow">there</a></p>',
    }
    urls = conn.execute("select url, booking_url from event").fetchone()
    assert urls == {"url": None, "booking_url": "https://tix.example/a"}


def test_a_cancelled_date_does_not_cancel_the_series(conn: Conn) -> None:
    spec = make_source(conn)
    start = NOW + timedelta(days=7)
    series = SourceEvent(
        external_id="s",
        title=I18nText.single("Atelier"),
        timezone="Europe/Luxembourg",
        rrule="FREQ=WEEKLY;COUNT=3",
        occurrences=tuple(
            Occurrence(
                start=start + timedelta(weeks=i),
                timezone="Europe/Luxembourg",
                recurrence_id=(start + timedelta(weeks=i)).isoformat(),
                status=EventStatus.CANCELLED if i == 1 else EventStatus.SCHEDULED,
            )
            for i in range(3)
        ),
    )
    ingest_outcome(conn, spec, outcome(spec, series), now=NOW)
    rows = conn.execute("select status from occurrence order by starts_at").fetchall()
    assert [r["status"] for r in rows] == ["scheduled", "cancelled", "scheduled"]
    assert conn.execute("select status, rrule from event").fetchone() == {
        "status": "scheduled",
        "rrule": "FREQ=WEEKLY;COUNT=3",
    }


def test_the_search_vector_folds_accents(conn: Conn) -> None:
    spec = make_source(conn)
    ingest_outcome(conn, spec, outcome(spec, event("a", "Musée des Beaux-Arts")), now=NOW)
    found = conn.execute(
        "select count(*) as n from event_text"
        " where search @@ websearch_to_tsquery('french', 'musee')"
    ).fetchone()
    assert found == {"n": 1}
