"""Direct submissions against a real PostgreSQL: publish, queue, moderate, withdraw, audit."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from pluriel.aggregator.ingest import ingest_result
from pluriel.aggregator.submission import (
    ActionResult,
    ModerationResult,
    SubmitResult,
    approve_submission,
    cancel_event,
    cancel_occurrence,
    delete_event,
    reject_submission,
    submit_event,
    update_event,
)
from pluriel.aggregator.validation import UserError
from pluriel.model import I18nText, Location, Occurrence, ReadResult, SourceEvent, SourceFormat
from pluriel.store import registry
from pluriel.store.accounts import Actor, actor_for_account, create_account
from pluriel.store.submissions import audit_trail, pending_submissions

Conn = psycopg.Connection[dict[str, Any]]

INPUT: dict[str, Any] = {
    "externalId": "prog-2026-17",
    "title": [{"lang": "de", "text": "Liederabend"}, {"lang": "fr", "text": "Récital"}],
    "description": [{"lang": "de", "text": "Schubert und Schumann."}],
    "occurrences": [
        {"start": "2026-10-15T20:00", "end": "2026-10-15T22:00"},
        {"start": "2026-10-16T20:00", "end": "2026-10-16T22:00"},
    ],
    "timezone": "Europe/Luxembourg",
    "place": {"name": "Kinneksbond", "locality": "Mamer", "country": "LU"},
    "categories": ["concert-classical"],
    "attendanceMode": "OFFLINE",
}


def _input(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(INPUT)
    data.update(changes)
    return data


def _actor(institution_id: int, name: str = "kb") -> Actor:
    return Actor(label=f"token:{name}", institution_id=institution_id)


def _counts(conn: Conn) -> dict[str, int]:
    tables = ("event", "event_text", "occurrence", "source", "source_event", "submission", "audit")
    return {
        t: conn.execute(f"select count(*) as n from {t}").fetchone()["n"]  # type: ignore[index]
        for t in tables
    }


def _titles(conn: Conn, event_id: int) -> dict[str, str]:
    rows = conn.execute(
        "select lang, title from event_text where event_id = %s order by lang", (event_id,)
    ).fetchall()
    return {r["lang"]: r["title"] for r in rows}


def _statuses(conn: Conn, event_id: int) -> tuple[str, list[str], bool]:
    event = conn.execute(
        "select status, deleted_at is not null as deleted from event where id = %s", (event_id,)
    ).fetchone()
    assert event is not None
    occ = conn.execute(
        "select status from occurrence where event_id = %s order by starts_at", (event_id,)
    ).fetchall()
    return event["status"], [o["status"] for o in occ], event["deleted"]


@pytest.fixture
def trusted(conn: Conn) -> int:
    return registry.add_institution(
        conn, "kinneksbond", name="Kinneksbond", country="LU", trust="trusted"
    ).id


@pytest.fixture
def standard(conn: Conn) -> int:
    return registry.add_institution(conn, "cube521", name="CUBE 521", country="LU").id


@pytest.fixture
def moderator(conn: Conn) -> Actor:
    account = create_account(
        conn, email="mod@pluriel.eu", password="moderate-well", role="moderator", region="LU"
    )
    return actor_for_account(account)


def test_a_trusted_institution_publishes_at_once(conn: Conn, trusted: int, now: datetime) -> None:
    result = submit_event(
        conn, institution_id=trusted, actor=_actor(trusted), input=INPUT, lang="de", now=now
    )
    assert result.status == "approved"
    assert result.errors == ()
    assert result.changed
    assert result.event_id is not None
    assert _titles(conn, result.event_id) == {"de": "Liederabend", "fr": "Récital"}
    assert _statuses(conn, result.event_id) == ("scheduled", ["scheduled", "scheduled"], False)
    source = conn.execute(
        "select s.kind, s.url, s.enabled from source s join source_event se on se.source_id = s.id"
        " where se.event_id = %s",
        (result.event_id,),
    ).fetchall()
    assert source == [{"kind": "submission", "url": "submission:kinneksbond", "enabled": False}]
    trail = audit_trail(conn, entity="submission", entity_id=result.submission_id)
    assert [(a.actor, a.action, a.before) for a in trail] == [("token:kb", "submit", None)]
    assert trail[0].after["status"] == "approved"
    assert trail[0].after["payload"]["input"]["externalId"] == "prog-2026-17"


def test_the_same_external_id_updates_and_an_identical_one_changes_nothing(
    conn: Conn, trusted: int, now: datetime
) -> None:
    actor = _actor(trusted)
    first = submit_event(conn, institution_id=trusted, actor=actor, input=INPUT, lang="fr", now=now)
    before = _counts(conn)
    again = submit_event(
        conn,
        institution_id=trusted,
        actor=actor,
        input=copy.deepcopy(INPUT),
        lang="fr",
        now=now + timedelta(hours=1),
    )
    assert again == SubmitResult(first.event_id, first.submission_id, "approved", changed=False)
    assert _counts(conn) == before

    edited = _input(title=[{"lang": "de", "text": "Liederabend mit Gästen"}])
    update = submit_event(
        conn, institution_id=trusted, actor=actor, input=edited, lang="fr", now=now
    )
    assert (update.event_id, update.submission_id, update.changed) == (
        first.event_id,
        first.submission_id,
        True,
    )
    assert first.event_id is not None
    assert _titles(conn, first.event_id) == {"de": "Liederabend mit Gästen"}
    counts = _counts(conn)
    assert (counts["event"], counts["submission"], counts["audit"]) == (1, 1, 2)
    trail = audit_trail(conn, entity="submission", entity_id=first.submission_id)
    assert [a.action for a in trail] == ["submit", "update"]
    assert trail[1].before["payload"]["input"]["title"] == INPUT["title"]


def test_invalid_input_writes_nothing_and_says_why(conn: Conn, trusted: int, now: datetime) -> None:
    conn.commit()
    before = _counts(conn)
    result = submit_event(
        conn,
        institution_id=trusted,
        actor=_actor(trusted),
        input=_input(timezone="Europe/Mamer", placeId="999999", place=None),
        lang="lb",
        now=now,
    )
    assert result == SubmitResult(
        None,
        None,
        "invalid",
        (
            UserError(
                ("timezone",),
                "unknown_timezone",
                "„Europe/Mamer“ ass keng bekannten Zäitzon (zum Beispill Europe/Luxembourg).",
            ),
        ),
    )
    unknown_place = submit_event(
        conn,
        institution_id=trusted,
        actor=_actor(trusted),
        input=_input(placeId="999999", place=None),
        lang="nl",
        now=now,
    )
    assert unknown_place.errors == (
        UserError(
            ("placeId",),
            "unknown_place",
            "Deze locatie bestaat niet; kies er een uit de lijst of beschrijf een nieuwe.",
        ),
    )
    assert _counts(conn) == before


def test_a_standard_institution_waits_for_a_moderator(
    conn: Conn, standard: int, moderator: Actor, now: datetime
) -> None:
    result = submit_event(
        conn, institution_id=standard, actor=_actor(standard), input=INPUT, lang="fr", now=now
    )
    assert (result.status, result.event_id) == ("pending", None)
    assert _counts(conn)["event"] == 0
    assert [s.id for s in pending_submissions(conn, region="LU")] == [result.submission_id]
    assert pending_submissions(conn, region="Saarland") == []
    assert result.submission_id is not None

    approved = approve_submission(conn, result.submission_id, moderator, now, lang="fr")
    assert approved.status == "approved"
    assert approved.event_id is not None
    assert _titles(conn, approved.event_id) == {"de": "Liederabend", "fr": "Récital"}
    assert pending_submissions(conn) == []
    again = approve_submission(conn, result.submission_id, moderator, now, lang="fr")
    assert again == ModerationResult(
        result.submission_id,
        None,
        errors=(UserError(("id",), "not_pending", "Cette soumission a déjà été modérée."),),
    )
    actions = [a.action for a in audit_trail(conn, entity="submission")]
    assert actions == ["submit", "approve"]


def test_a_rejection_keeps_its_reason_for_the_institution(
    conn: Conn, standard: int, moderator: Actor, now: datetime
) -> None:
    result = submit_event(
        conn, institution_id=standard, actor=_actor(standard), input=INPUT, lang="de", now=now
    )
    assert result.submission_id is not None
    empty = reject_submission(conn, result.submission_id, moderator, "  ", now, lang="de")
    assert [e.code for e in empty.errors] == ["required"]
    rejected = reject_submission(
        conn, result.submission_id, moderator, "Bitte ein Bild hinzufügen.", now, lang="de"
    )
    assert rejected == ModerationResult(result.submission_id, "rejected", None)
    row = conn.execute(
        "select status, reason, moderated_by from submission where id = %s",
        (result.submission_id,),
    ).fetchone()
    assert row == {
        "status": "rejected",
        "reason": "Bitte ein Bild hinzufügen.",
        "moderated_by": moderator.label,
    }
    assert _counts(conn)["event"] == 0
    # Sending it again (corrected or not) puts it back in the queue, reason cleared.
    retry = submit_event(
        conn, institution_id=standard, actor=_actor(standard), input=INPUT, lang="de", now=now
    )
    assert (retry.submission_id, retry.status) == (result.submission_id, "pending")


def test_an_untrusted_edit_goes_back_to_review_and_the_published_version_stays(
    conn: Conn, standard: int, moderator: Actor, now: datetime
) -> None:
    actor = _actor(standard)
    first = submit_event(
        conn, institution_id=standard, actor=actor, input=INPUT, lang="fr", now=now
    )
    assert first.submission_id is not None
    published = approve_submission(conn, first.submission_id, moderator, now)
    assert published.event_id is not None

    edit = submit_event(
        conn,
        institution_id=standard,
        actor=actor,
        input=_input(title=[{"lang": "fr", "text": "Récital annulé ?"}]),
        lang="fr",
        now=now,
    )
    assert (edit.status, edit.event_id, edit.submission_id) == (
        "pending",
        published.event_id,
        first.submission_id,
    )
    assert _titles(conn, published.event_id) == {"de": "Liederabend", "fr": "Récital"}

    approve_submission(conn, first.submission_id, moderator, now)
    # German stays: the description is German, and its title falls back to the French one.
    assert _titles(conn, published.event_id) == {"de": "Récital annulé ?", "fr": "Récital annulé ?"}


def test_moderation_needs_the_role_and_the_region(conn: Conn, standard: int, now: datetime) -> None:
    result = submit_event(
        conn, institution_id=standard, actor=_actor(standard), input=INPUT, lang="en", now=now
    )
    assert result.submission_id is not None
    saar = actor_for_account(
        create_account(
            conn,
            email="mod@saarland.de",
            password="moderate-well",
            role="moderator",
            region="Saarland",
        )
    )
    forbidden = UserError(("id",), "forbidden", "Only a moderator of this region can do this.")
    for who in (saar, _actor(standard)):
        assert approve_submission(conn, result.submission_id, who, now) == ModerationResult(
            result.submission_id, None, errors=(forbidden,)
        )
    everywhere = actor_for_account(
        create_account(conn, email="all@pluriel.eu", password="moderate-well", role="moderator")
    )
    assert approve_submission(conn, result.submission_id, everywhere, now).status == "approved"


def test_one_institution_cannot_touch_another_s_events(
    conn: Conn, trusted: int, standard: int, now: datetime
) -> None:
    mine = submit_event(
        conn, institution_id=trusted, actor=_actor(trusted), input=INPUT, lang="fr", now=now
    )
    assert mine.event_id is not None
    occurrence = conn.execute(
        "select id from occurrence where event_id = %s order by starts_at limit 1",
        (mine.event_id,),
    ).fetchone()
    assert occurrence is not None
    before = _counts(conn)
    intruder = _actor(standard, "cube")
    forbidden = UserError(
        ("id",),
        "forbidden",
        "Vous ne pouvez pas modifier ceci : il appartient à une autre institution.",
    )
    common = {"institution_id": standard, "actor": intruder, "lang": "fr", "now": now}
    assert cancel_event(conn, event_id=mine.event_id, reason="x", **common) == ActionResult(
        None, (forbidden,)
    )
    assert cancel_occurrence(
        conn, occurrence_id=occurrence["id"], reason="x", **common
    ) == ActionResult(None, (forbidden,))
    assert delete_event(conn, event_id=mine.event_id, **common) == ActionResult(None, (forbidden,))
    updated = update_event(conn, event_id=mine.event_id, input=INPUT, **common)
    assert updated.errors == (forbidden,)
    # Claiming to act for the other institution does not work either.
    posing = submit_event(
        conn, institution_id=trusted, actor=intruder, input=INPUT, lang="fr", now=now
    )
    assert [e.code for e in posing.errors] == ["forbidden"]
    assert _counts(conn) == before
    missing = cancel_event(
        conn,
        institution_id=trusted,
        actor=_actor(trusted),
        event_id=10**9,
        reason=None,
        lang="de",
        now=now,
    )
    assert missing.errors == (
        UserError(("id",), "not_found", "Unter dieser Kennung wurde nichts gefunden."),
    )


def test_cancel_one_date_then_the_event_then_delete_it(
    conn: Conn, trusted: int, now: datetime
) -> None:
    actor = _actor(trusted)
    event_id = submit_event(
        conn, institution_id=trusted, actor=actor, input=INPUT, lang="fr", now=now
    ).event_id
    assert event_id is not None
    first_date = conn.execute(
        "select id from occurrence where event_id = %s order by starts_at limit 1", (event_id,)
    ).fetchone()
    assert first_date is not None
    common = {"institution_id": trusted, "actor": actor, "lang": "fr", "now": now}

    assert cancel_occurrence(
        conn, occurrence_id=first_date["id"], reason="Sängerin erkrankt", **common
    ) == ActionResult(event_id)
    assert _statuses(conn, event_id) == ("scheduled", ["cancelled", "scheduled"], False)

    assert cancel_event(conn, event_id=event_id, reason="Saison beendet", **common) == (
        ActionResult(event_id)
    )
    assert _statuses(conn, event_id) == ("cancelled", ["cancelled", "cancelled"], False)

    assert delete_event(conn, event_id=event_id, **common) == ActionResult(event_id)
    assert _statuses(conn, event_id) == ("cancelled", ["cancelled", "cancelled"], True)
    assert _counts(conn)["event"] == 1  # a tombstone, never a hard delete
    change = conn.execute(
        "select state from change where kind = 'event' and entity_id = %s order by seq desc"
        " limit 1",
        (event_id,),
    ).fetchone()
    assert change == {"state": "deleted"}
    gone = cancel_event(conn, event_id=event_id, reason=None, **common)
    assert [e.code for e in gone.errors] == ["not_found"]

    trail = [(a.entity, a.action, a.before, a.after) for a in audit_trail(conn)]
    assert trail[1:] == [
        (
            "occurrence",
            "cancel_occurrence",
            {"status": "scheduled", "event_id": event_id},
            {"status": "cancelled", "event_id": event_id, "reason": "Sängerin erkrankt"},
        ),
        (
            "event",
            "cancel_event",
            {"status": "scheduled"},
            {"status": "cancelled", "reason": "Saison beendet"},
        ),
        (
            "event",
            "delete_event",
            {"status": "cancelled", "deleted": False},
            {"status": "cancelled", "deleted": True},
        ),
    ]


def test_update_event_by_id_keeps_the_event(conn: Conn, trusted: int, now: datetime) -> None:
    actor = _actor(trusted)
    first = submit_event(
        conn, institution_id=trusted, actor=actor, input=_input(externalId=None), lang="fr", now=now
    )
    assert first.event_id is not None
    result = update_event(
        conn,
        institution_id=trusted,
        actor=actor,
        event_id=first.event_id,
        input=_input(externalId=None, title=[{"lang": "fr", "text": "Récital II"}]),
        lang="fr",
        now=now,
    )
    assert (result.event_id, result.submission_id, result.status) == (
        first.event_id,
        first.submission_id,
        "approved",
    )
    assert _titles(conn, first.event_id) == {"de": "Récital II", "fr": "Récital II"}


def test_a_submission_takes_precedence_over_the_institution_s_feed(
    conn: Conn, trusted: int, now: datetime
) -> None:
    """An event known only from the feed: the institution's edit joins it and wins."""
    source_id = registry.add_source(
        conn, institution_id=trusted, format=SourceFormat.ICS, url="https://kinneksbond.lu/a.ics"
    )
    (spec,) = registry.load_sources(conn, ids=[source_id])
    feed_event = SourceEvent(
        external_id="uid-1@kinneksbond.lu",
        title=I18nText.of({"de": "Liederabend (Feed)"}),
        occurrences=(Occurrence(start=datetime(2026, 10, 15, 18, tzinfo=UTC)),),
        timezone="Europe/Luxembourg",
        location=Location(name=I18nText.single("Kinneksbond"), locality="Mamer", country="LU"),
    )
    ingest_result(conn, spec, ReadResult(events=(feed_event,)), now=now)
    event_id = conn.execute("select id from event").fetchone()["id"]  # type: ignore[index]
    result = update_event(
        conn,
        institution_id=trusted,
        actor=_actor(trusted),
        event_id=event_id,
        input=_input(externalId=None),
        lang="de",
        now=now,
    )
    assert (result.event_id, result.status) == (event_id, "approved")
    assert _counts(conn)["event"] == 1
    assert _titles(conn, event_id) == {"de": "Liederabend", "fr": "Récital"}


def test_an_untrusted_edit_of_a_feed_event_waits_then_joins_it(
    conn: Conn, standard: int, moderator: Actor, now: datetime
) -> None:
    source_id = registry.add_source(
        conn, institution_id=standard, format=SourceFormat.ICS, url="https://cube521.lu/a.ics"
    )
    (spec,) = registry.load_sources(conn, ids=[source_id])
    feed_event = SourceEvent(
        external_id="uid-9@cube521.lu",
        title=I18nText.of({"fr": "Cirque (flux)"}),
        occurrences=(Occurrence(start=datetime(2026, 10, 15, 18, tzinfo=UTC)),),
        timezone="Europe/Luxembourg",
    )
    ingest_result(conn, spec, ReadResult(events=(feed_event,)), now=now)
    event_id = conn.execute("select id from event").fetchone()["id"]  # type: ignore[index]
    edit = update_event(
        conn,
        institution_id=standard,
        actor=_actor(standard),
        event_id=event_id,
        input=_input(externalId=None, title=[{"lang": "fr", "text": "Cirque"}]),
        lang="fr",
        now=now,
    )
    assert (edit.status, edit.event_id) == ("pending", event_id)
    assert _titles(conn, event_id) == {"fr": "Cirque (flux)"}
    assert edit.submission_id is not None
    approved = approve_submission(conn, edit.submission_id, moderator, now)
    assert (approved.status, approved.event_id) == ("approved", event_id)
    assert _counts(conn)["event"] == 1
    assert _titles(conn, event_id) == {"de": "Cirque", "fr": "Cirque"}
