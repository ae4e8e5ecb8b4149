"""Duplicate places merge into the more certain one; the old id stays resolvable."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import psycopg

from pluriel.aggregator.matching import dedupe_places, ensure_gazetteer
from pluriel.store import registry

Conn = psycopg.Connection[dict[str, Any]]
NOW = datetime(2026, 10, 1, tzinfo=UTC)


def place(conn: Conn, name: str, locality: str, lat: float, lon: float, confidence: float) -> int:
    row = conn.execute(
        "insert into place (name, name_folded, locality, country, lat, lon, confidence)"
        " values (%s, lower(%s), %s, 'LU', %s, %s, %s) returning id",
        (json.dumps({"de": name}), name, locality, lat, lon, confidence),
    ).fetchone()
    assert row is not None
    return int(row["id"])


def test_duplicates_merge_and_events_follow(conn: Conn) -> None:
    ensure_gazetteer(conn)
    inst = registry.add_institution(conn, "kulturhaus", name="Kulturhaus", country="LU")
    sure = place(conn, "Kulturzentrum Schéiss", "Beckerich", 49.7300, 5.8800, 0.6)
    unsure = place(conn, "Kulturzentrum Schéiss (Saal)", "Beckerich", 49.7301, 5.8801, 0.3)
    other_town = place(conn, "Kulturzentrum Schéiss", "Wiltz", 49.9660, 5.9324, 0.3)
    rotondes = conn.execute("select id from place where gazetteer_key = 'lu-rotondes'").fetchone()
    assert rotondes is not None
    copy = place(conn, "Rotondes", "Luxembourg", 49.6019, 6.1375, 0.3)
    event = conn.execute(
        "insert into event (institution_id, timezone, place_id) values (%s, 'UTC', %s)"
        " returning id",
        (inst.id, unsure),
    ).fetchone()
    assert event is not None

    pairs = dedupe_places(conn, now=NOW)

    assert sorted(pairs) == sorted([(unsure, sure), (copy, rotondes["id"])])
    rows = conn.execute(
        "select id, merged_into from place where id = any(%s) order by id",
        ([sure, unsure, other_town, copy],),
    ).fetchall()
    assert [(r["id"], r["merged_into"]) for r in rows] == [
        (sure, None),
        (unsure, sure),
        (other_town, None),
        (copy, rotondes["id"]),
    ]
    moved = conn.execute("select place_id from event where id = %s", (event["id"],)).fetchone()
    assert moved == {"place_id": sure}
    aliases = conn.execute("select aliases from place where id = %s", (sure,)).fetchone()
    assert aliases == {"aliases": ["Kulturzentrum Schéiss (Saal)"]}
    changes = conn.execute("select kind, entity_id, state from change order by seq").fetchall()
    assert {(c["kind"], c["entity_id"], c["state"]) for c in changes} >= {
        ("event", event["id"], "updated"),
        ("place", unsure, "deleted"),
    }
    assert dedupe_places(conn, now=NOW) == []  # idempotent
