"""An event's nested objects and dates, rendered exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from tests import factories as f
from tests.graphql.conftest import Run

DOCUMENT = """
query($id: ID!) {
  event(id: $id, lang: "de") {
    id status attendanceMode url imageUrl updatedAt languages
    institution { id slug name country }
    place { name frName: name(lang: "fr") locality country lat lon }
    categories { id label parentId }
    occurrences { start end allDay timezone status }
    october: occurrences(from: "2026-10-08T20:30:00+02:00", to: "2026-10-22T00:00:00+02:00") {
      start
    }
    nextOccurrence { id start status event { id title } }
  }
}
"""


def test_every_field_of_an_event(gql: Run, conn: psycopg.Connection[Any], now: datetime) -> None:
    institution = f.institution(conn, slug="kulturhaus", name="Kulturhaus", country="DE")
    place = f.place(
        conn,
        name={"de": "Alte Feuerwache", "fr": "Ancienne caserne"},
        locality="Saarbrücken",
        country="DE",
        lat=49.2354,
        lon=6.9969,
    )
    f.category(conn, "music", labels={"fr": "Musique", "de": "Musik"}, position=1)
    f.category(conn, "music-jazz", labels={"fr": "Jazz", "de": "Jazz"}, parent="music", position=2)
    first = datetime(2026, 9, 24, 18, tzinfo=UTC)  # past: before the frozen now
    event = f.event(
        conn,
        institution_id=institution,
        place_id=place,
        texts={"de": ("Jazzabend", None), "fr": ("Soirée jazz", None)},
        occurrences=[
            f.Occ(first, first + timedelta(hours=2)),
            f.Occ(first + timedelta(days=7), None, status="cancelled"),
            f.Occ(first + timedelta(days=14), first + timedelta(days=14, hours=2)),
            f.Occ(datetime(2026, 10, 21, 22, tzinfo=UTC), None, all_day=True),
        ],
        categories=["music-jazz", "music"],
        status="rescheduled",
        attendance_mode="mixed",
        url="https://kulturhaus.example/jazz",
        image_url="https://kulturhaus.example/jazz.jpg",
        updated_at=datetime(2026, 9, 1, 12, tzinfo=UTC),
    )
    conn.commit()
    occurrence_ids = [
        row["id"]
        for row in conn.execute(
            "select id from occurrence where event_id = %s order by starts_at", (event,)
        ).fetchall()
    ]
    assert now == datetime(2026, 10, 1, 10, tzinfo=UTC)
    result = gql(DOCUMENT, id=str(event))
    assert result.errors == []
    assert result.data == {
        "event": {
            "id": str(event),
            "status": "RESCHEDULED",
            "attendanceMode": "MIXED",
            "url": "https://kulturhaus.example/jazz",
            "imageUrl": "https://kulturhaus.example/jazz.jpg",
            "updatedAt": "2026-09-01T12:00:00+00:00",
            "languages": ["de", "fr"],
            "institution": {
                "id": str(institution),
                "slug": "kulturhaus",
                "name": "Kulturhaus",
                "country": "DE",
            },
            "place": {
                "name": "Alte Feuerwache",
                "frName": "Ancienne caserne",
                "locality": "Saarbrücken",
                "country": "DE",
                "lat": 49.2354,
                "lon": 6.9969,
            },
            "categories": [
                {"id": "music", "label": "Musik", "parentId": None},
                {"id": "music-jazz", "label": "Jazz", "parentId": "music"},
            ],
            "occurrences": [
                {
                    "start": "2026-09-24T18:00:00+00:00",
                    "end": "2026-09-24T20:00:00+00:00",
                    "allDay": False,
                    "timezone": "Europe/Luxembourg",
                    "status": "SCHEDULED",
                },
                {
                    "start": "2026-10-01T18:00:00+00:00",
                    "end": None,
                    "allDay": False,
                    "timezone": "Europe/Luxembourg",
                    "status": "CANCELLED",
                },
                {
                    "start": "2026-10-08T18:00:00+00:00",
                    "end": "2026-10-08T20:00:00+00:00",
                    "allDay": False,
                    "timezone": "Europe/Luxembourg",
                    "status": "SCHEDULED",
                },
                {
                    "start": "2026-10-21T22:00:00+00:00",
                    "end": None,
                    "allDay": True,
                    "timezone": "Europe/Luxembourg",
                    "status": "SCHEDULED",
                },
            ],
            "october": [{"start": "2026-10-08T18:00:00+00:00"}],
            "nextOccurrence": {
                "id": str(occurrence_ids[1]),
                "start": "2026-10-01T18:00:00+00:00",
                "status": "CANCELLED",
                "event": {"id": str(event), "title": "Jazzabend"},
            },
        }
    }


def test_an_event_whose_dates_have_all_passed_has_no_next_occurrence(
    gql: Run, conn: psycopg.Connection[Any]
) -> None:
    institution = f.institution(conn)
    event = f.event(
        conn,
        institution_id=institution,
        texts={"fr": ("Hier", None)},
        occurrences=[datetime(2026, 9, 30, 18, tzinfo=UTC)],
    )
    conn.commit()
    result = gql(
        "query($id: ID!) { event(id: $id) { place { id } nextOccurrence { id } } }", id=str(event)
    )
    assert (result.errors, result.data) == ([], {"event": {"place": None, "nextOccurrence": None}})
