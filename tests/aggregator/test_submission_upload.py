"""Uploads: a preview that writes nothing, then an apply that does exactly what it showed."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import psycopg

from pluriel.aggregator.submission import (
    PreviewItem,
    apply_upload,
    approve_submission,
    preview_upload,
)
from pluriel.aggregator.validation import UserError
from pluriel.model import SourceFormat
from pluriel.store import registry
from pluriel.store.accounts import Actor
from pluriel.store.submissions import audit_trail

Conn = psycopg.Connection[dict[str, Any]]
TABLES = (
    "event",
    "event_text",
    "occurrence",
    "place",
    "category",
    "source",
    "source_event",
    "submission",
    "audit",
    "change",
)


def _ics(*events: tuple[str, str, str]) -> bytes:
    body = "".join(
        "BEGIN:VEVENT\r\n"
        f"UID:{uid}\r\nSUMMARY:{summary}\r\n"
        f"DTSTART;TZID=Europe/Luxembourg:{start}\r\nDTSTAMP:20260901T000000Z\r\n"
        "LOCATION:Rotondes\\, Luxembourg\r\nEND:VEVENT\r\n"
        for uid, summary, start in events
    )
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Rotondes//Programme//FR\r\n"
        f"{body}END:VCALENDAR\r\n"
    ).encode()


FIRST = _ics(
    ("a@rotondes.lu", "Concert A", "20261010T200000"),
    ("b@rotondes.lu", "Théâtre B", "20261011T200000"),
    ("c@rotondes.lu", "Lecture C", "20261012T190000"),
)
SECOND = _ics(
    ("a@rotondes.lu", "Concert A", "20261010T200000"),
    ("b@rotondes.lu", "Théâtre B (nouvelle date)", "20261018T200000"),
    ("d@rotondes.lu", "Atelier D", "20261020T140000"),
)


def _counts(conn: Conn) -> dict[str, int]:
    out: dict[str, int] = {}
    for table in TABLES:
        row = conn.execute(f"select count(*) as n from {table}").fetchone()
        assert row is not None
        out[table] = row["n"]
    return out


def _event_of(conn: Conn, uid: str) -> int:
    row = conn.execute(
        "select event_id from source_event where external_id = %s", (uid,)
    ).fetchone()
    assert row is not None
    return int(row["event_id"])


def _ids(items: tuple[PreviewItem, ...]) -> list[str]:
    return [i.external_id for i in items]


def test_preview_writes_nothing_and_apply_matches_it(conn: Conn, now: datetime) -> None:
    inst = registry.add_institution(
        conn, "rotondes", name="Rotondes", country="LU", trust="trusted"
    ).id
    actor = Actor(label="account:1", institution_id=inst)
    conn.commit()

    before = _counts(conn)
    preview = preview_upload(
        conn, institution_id=inst, data=FIRST, fmt=SourceFormat.ICS, now=now, lang="fr"
    )
    assert _counts(conn) == before
    assert (_ids(preview.create), preview.update, preview.cancel, preview.errors) == (
        ["a@rotondes.lu", "b@rotondes.lu", "c@rotondes.lu"],
        (),
        (),
        (),
    )
    assert preview.create[1].title == "Théâtre B"

    applied = apply_upload(
        conn, institution_id=inst, actor=actor, data=FIRST, fmt=SourceFormat.ICS, now=now, lang="fr"
    )
    assert applied.status == "approved"
    assert _ids(applied.preview.create) == _ids(preview.create)
    after_first = _counts(conn)
    assert (after_first["event"], after_first["source_event"]) == (3, 3)
    conn.commit()

    second = preview_upload(
        conn, institution_id=inst, data=SECOND, fmt=SourceFormat.ICS, now=now, lang="fr"
    )
    assert _counts(conn) == after_first
    b_event, c_event = _event_of(conn, "b@rotondes.lu"), _event_of(conn, "c@rotondes.lu")
    assert (_ids(second.create), _ids(second.update), _ids(second.cancel), second.unchanged) == (
        ["d@rotondes.lu"],
        ["b@rotondes.lu"],
        ["c@rotondes.lu"],
        1,
    )
    assert (second.update[0].event_id, second.cancel[0]) == (
        b_event,
        PreviewItem(
            "c@rotondes.lu",
            "Lecture C",
            c_event,
            datetime.fromisoformat("2026-10-12T17:00:00+00:00"),
        ),
    )

    apply_upload(
        conn,
        institution_id=inst,
        actor=actor,
        data=SECOND,
        fmt=SourceFormat.ICS,
        now=now,
        lang="fr",
    )
    counts = _counts(conn)
    assert (counts["event"], counts["source_event"]) == (4, 4)
    cancelled = conn.execute(
        "select status from occurrence where event_id = %s", (c_event,)
    ).fetchall()
    assert cancelled == [{"status": "cancelled"}]
    title = conn.execute("select title from event_text where event_id = %s", (b_event,)).fetchone()
    assert title == {"title": "Théâtre B (nouvelle date)"}
    uploads = [a.after for a in audit_trail(conn) if a.action == "upload"]
    assert uploads[1] == {
        "status": "approved",
        "format": "ics",
        "create": ["d@rotondes.lu"],
        "update": ["b@rotondes.lu"],
        "cancel": ["c@rotondes.lu"],
    }


def test_a_standard_institution_s_upload_waits_for_review(conn: Conn, now: datetime) -> None:
    inst = registry.add_institution(conn, "cercle", name="Cercle Cité", country="LU").id
    actor = Actor(label="token:cc", institution_id=inst)
    result = apply_upload(
        conn, institution_id=inst, actor=actor, data=FIRST, fmt=SourceFormat.ICS, now=now
    )
    assert (result.status, _ids(result.preview.create)) == (
        "pending",
        ["a@rotondes.lu", "b@rotondes.lu", "c@rotondes.lu"],
    )
    assert _counts(conn)["event"] == 0
    assert result.submission_id is not None
    moderator = Actor(label="account:9", role="moderator", region="LU")
    approved = approve_submission(conn, result.submission_id, moderator, now)
    assert approved.status == "approved"
    assert _counts(conn)["event"] == 3


def test_unreadable_and_unsupported_files_are_refused(conn: Conn, now: datetime) -> None:
    inst = registry.add_institution(conn, "bam", name="BAM", country="FR").id
    actor = Actor(label="token:bam", institution_id=inst)
    conn.commit()
    before = _counts(conn)
    broken = apply_upload(
        conn,
        institution_id=inst,
        actor=actor,
        data=b"<html>not a calendar</html>",
        fmt=SourceFormat.ICS,
        now=now,
        ui_lang="fr",
    )
    assert (broken.status, broken.preview.errors) == (
        "invalid",
        (UserError(("file",), "unreadable_file", "Ce fichier ne peut pas être lu comme ics."),),
    )
    rss = preview_upload(conn, institution_id=inst, data=FIRST, fmt=SourceFormat.RSS, now=now)
    assert [(e.field, e.code) for e in rss.errors] == [(("format",), "unsupported_format")]
    other = Actor(label="token:x", institution_id=inst + 1)
    refused = apply_upload(
        conn, institution_id=inst, actor=other, data=FIRST, fmt=SourceFormat.ICS, now=now
    )
    assert [e.code for e in refused.preview.errors] == ["forbidden"]
    assert _counts(conn) == before
