"""The write API against a real PostgreSQL: submit, validate, authorise, moderate, withdraw.

Documents run through a schema with the production Query and the Mutation
root, under a :class:`RequestContext` carrying the request's headers, as
the web app builds it; "now" is frozen.
"""

from __future__ import annotations

import asyncio
import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
import pytest
import strawberry
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pluriel.graphql.mutations import Mutation, RequestContext
from pluriel.graphql.schema import Query
from pluriel.store import registry
from pluriel.store.accounts import create_token, revoke_token
from pluriel.store.submissions import audit_trail, get_submission

Conn = psycopg.Connection[dict[str, Any]]

SCHEMA = strawberry.Schema(query=Query, mutation=Mutation)

SUBMIT = """
mutation($input: EventInput!, $lang: String) {
  submitEvent(input: $input, lang: $lang) {
    status submissionId
    event { id title(lang: "de") occurrences { start status } place { name locality } }
    errors { field code message }
  }
}
"""

INPUT: dict[str, Any] = {
    "externalId": "prog-17",
    "title": [{"lang": "de", "text": "Liederabend"}, {"lang": "fr", "text": "Récital"}],
    "description": [{"lang": "de", "text": "<p>Schubert <script>x()</script>und Schumann.</p>"}],
    "occurrences": [{"start": "2026-10-15T20:00:00", "end": "2026-10-15T22:00:00"}],
    "timezone": "Europe/Luxembourg",
    "place": {"name": "Kinneksbond", "locality": "Mamer", "country": "LU"},
    "categories": ["concert-classical"],
    "attendanceMode": "OFFLINE",
}


@dataclass
class Answer:
    data: dict[str, Any] | None
    errors: list[tuple[str, str | None]]  # (message, extensions.code)


async def _run(
    url: str,
    document: str,
    variables: dict[str, Any],
    *,
    now: datetime,
    token: str | None,
    accept_language: str | None,
) -> Answer:
    pool: AsyncConnectionPool[psycopg.AsyncConnection[dict[str, Any]]] = AsyncConnectionPool(
        url,
        min_size=1,
        max_size=2,
        kwargs={"row_factory": dict_row, "autocommit": True},
        open=False,
    )
    await pool.open(wait=True)
    try:
        context = RequestContext.build(
            pool,
            now=now,
            authorization=f"Bearer {token}" if token else None,
            accept_language=accept_language,
        )
        result = await SCHEMA.execute(document, variable_values=variables, context_value=context)
    finally:
        await pool.close()
    errors = [(e.message, (e.extensions or {}).get("code")) for e in result.errors or ()]
    return Answer(result.data, errors)


@pytest.fixture
def api(db_url: str, now: datetime) -> Any:
    def run(
        document: str,
        *,
        token: str | None = None,
        accept_language: str | None = None,
        **variables: Any,
    ) -> Answer:
        return asyncio.run(
            _run(
                db_url,
                document,
                variables,
                now=now,
                token=token,
                accept_language=accept_language,
            )
        )

    return run


@dataclass(frozen=True)
class World:
    trusted: int
    standard: int
    trusted_token: str
    standard_token: str
    moderator_token: str
    portal_token: str


@pytest.fixture
def world(conn: Conn, now: datetime) -> World:
    trusted = registry.add_institution(
        conn, "kinneksbond", name="Kinneksbond", country="LU", trust="trusted"
    ).id
    standard = registry.add_institution(conn, "cube521", name="CUBE 521", country="LU").id
    world = World(
        trusted=trusted,
        standard=standard,
        trusted_token=create_token(conn, institution_id=trusted, now=now).token,
        standard_token=create_token(conn, institution_id=standard, now=now).token,
        moderator_token=create_token(
            conn, portal="moderation-lu", scopes=["events:moderate"], now=now
        ).token,
        portal_token=create_token(conn, portal="tourism-portal", now=now).token,
    )
    conn.commit()
    return world


def _input(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(INPUT)
    data.update(changes)
    return data


def test_a_trusted_institution_publishes_and_the_event_is_readable(api: Any, world: World) -> None:
    answer = api(SUBMIT, token=world.trusted_token, input=INPUT)
    assert answer.errors == []
    payload = answer.data["submitEvent"]
    assert payload["status"] == "approved"
    assert payload["errors"] == []
    assert payload["event"]["title"] == "Liederabend"
    assert payload["event"]["occurrences"] == [
        {"start": "2026-10-15T18:00:00+00:00", "status": "SCHEDULED"}
    ]
    assert payload["event"]["place"] == {"name": "Kinneksbond", "locality": "Mamer"}

    found = api(
        '{ events(filter: {text: "Liederabend"}) {'
        ' edges { node { id description(lang: "de") } } } }'
    )
    assert found.data["events"]["edges"] == [
        {"node": {"id": payload["event"]["id"], "description": "<p>Schubert und Schumann.</p>"}}
    ]


def test_the_same_external_id_updates_the_same_event(api: Any, world: World, conn: Conn) -> None:
    first = api(SUBMIT, token=world.trusted_token, input=INPUT).data["submitEvent"]
    again = api(SUBMIT, token=world.trusted_token, input=INPUT).data["submitEvent"]
    assert (again["event"]["id"], again["submissionId"]) == (
        first["event"]["id"],
        first["submissionId"],
    )
    edited = _input(title=[{"lang": "de", "text": "Liederabend mit Gästen"}])
    changed = api(SUBMIT, token=world.trusted_token, input=edited).data["submitEvent"]
    assert changed["event"] == {**first["event"], "title": "Liederabend mit Gästen"}
    count = conn.execute("select count(*) as n from event").fetchone()
    assert count == {"n": 1}
    trail = audit_trail(conn, entity="submission", entity_id=int(first["submissionId"]))
    assert [a.action for a in trail] == ["submit", "update"]


def test_every_problem_comes_back_as_a_user_error_in_the_callers_language(
    api: Any, world: World
) -> None:
    bad = _input(
        title=[{"lang": "de", "text": "<b>Liederabend</b>"}, {"lang": "xx", "text": "?"}],
        description=[{"lang": "fr", "text": "x" * 20_001}],
        occurrences=[
            {"start": "2026-10-15T20:00:00", "end": "2026-10-15T19:00:00"},
            {"start": "2035-01-01T20:00:00"},
            {"start": "2026-11-01T20:00:00", "allDay": True},
        ],
        rrule="FREQ=SOMETIMES",
        timezone="Europe/Mamer",
        place={"name": "Kinneksbond", "locality": "Mamer", "country": "XX", "lat": 99.0},
        categories=["concert-classical", "knitting"],
        url="ftp://example.org/",
        bookingUrl="javascript:alert(1)",
        imageUrl="not a url",
        attendanceMode="ONLINE",
        price={"free": True, "min": 12.0, "max": 5.0, "currency": "EUX"},
        accessibility=["wheelchair", "telepathy"],
    )
    answer = api(SUBMIT, token=world.trusted_token, input=bad, lang="de")
    assert answer.errors == []
    payload = answer.data["submitEvent"]
    assert (payload["status"], payload["event"], payload["submissionId"]) == ("invalid", None, None)
    got = [(".".join(e["field"]), e["code"]) for e in payload["errors"]]
    assert got == [
        ("title.0.text", "markup_not_allowed"),
        ("title.1.lang", "invalid_language"),
        ("description.0.text", "too_long"),
        ("timezone", "unknown_timezone"),
        ("place.country", "invalid_country"),
        ("place.lat", "out_of_range"),
        ("place.lon", "incomplete_coordinates"),
        ("url", "invalid_url"),
        ("bookingUrl", "invalid_url"),
        ("imageUrl", "invalid_url"),
        ("onlineUrl", "online_url_required"),
        ("price.min", "min_above_max"),
        ("price.free", "free_with_price"),
        ("price.currency", "invalid_currency"),
        ("categories.1", "unknown_category"),
        ("accessibility.1", "unknown_accessibility"),
    ]
    messages = {e["code"]: e["message"] for e in payload["errors"]}
    assert messages["invalid_url"] == (
        "Geben Sie eine vollständige Webadresse an, die mit http:// oder https:// beginnt."
    )


def test_date_and_place_errors(api: Any, world: World) -> None:
    bad = _input(
        occurrences=[
            {"start": "2026-10-15T20:00:00", "end": "2026-10-15T19:00:00"},
            {"start": "2035-01-01T20:00:00"},
            {"start": "2024-01-01T20:00:00"},
            {"start": "2026-11-01T20:00:00", "allDay": True},
            {"start": "2026-10-20T20:00:00"},
            {"start": "2026-10-20T20:00:00"},
        ],
        rrule="FREQ=SOMETIMES",
        placeId="12",
    )
    payload = api(SUBMIT, token=world.trusted_token, input=bad, lang="fr").data["submitEvent"]
    assert [(".".join(e["field"]), e["code"]) for e in payload["errors"]] == [
        ("occurrences.0.end", "end_before_start"),
        ("occurrences.1.start", "too_far_ahead"),
        ("occurrences.2.start", "too_far_past"),
        ("occurrences.3.start", "all_day_with_time"),
        ("occurrences.5.start", "duplicate_occurrence"),
        ("rrule", "invalid_rrule"),
        ("place", "place_conflict"),
    ]
    no_dates = _input(occurrences=[], place=None, placeId="999999", attendanceMode=None)
    payload = api(SUBMIT, token=world.trusted_token, input=no_dates).data["submitEvent"]
    assert [(".".join(e["field"]), e["code"]) for e in payload["errors"]] == [
        ("occurrences", "missing_dates")
    ]
    unknown = _input(place=None, placeId="999999")
    payload = api(SUBMIT, token=world.trusted_token, input=unknown).data["submitEvent"]
    assert payload["errors"] == [
        {
            "field": ["placeId"],
            "code": "unknown_place",
            "message": "There is no such place; choose one from the list or describe a new one.",
        }
    ]


def test_the_message_language_follows_accept_language(api: Any, world: World) -> None:
    bad = _input(title=[])
    for header, message in [
        ("nl-BE,nl;q=0.9", "Dit veld is verplicht."),
        ("pt-BR, lb;q=0.8", "Dëst Feld ass obligatoresch."),
        (None, "This field is required."),
    ]:
        answer = api(SUBMIT, token=world.trusted_token, accept_language=header, input=bad)
        assert answer.data["submitEvent"]["errors"] == [
            {"field": ["title"], "code": "required", "message": message}
        ]


def test_no_token_an_unknown_one_and_a_revoked_one_are_refused(
    api: Any, world: World, conn: Conn, now: datetime
) -> None:
    assert api(SUBMIT, input=INPUT).errors == [
        ("Send an API token: Authorization: Bearer plr_…", "UNAUTHENTICATED")
    ]
    assert api(SUBMIT, token="plr_deadbeef_nope", input=INPUT).errors == [
        ("This API token is unknown or has been revoked.", "UNAUTHENTICATED")
    ]
    prefix = world.trusted_token.split("_")[1]
    assert revoke_token(conn, prefix, now=now)
    conn.commit()
    answer = api(SUBMIT, token=world.trusted_token, input=INPUT)
    assert answer.data is None
    assert answer.errors == [("This API token is unknown or has been revoked.", "UNAUTHENTICATED")]
    assert conn.execute("select count(*) as n from submission").fetchone() == {"n": 0}


def test_a_read_only_token_may_not_write_and_an_institution_may_not_moderate(
    api: Any, world: World
) -> None:
    assert api(SUBMIT, token=world.portal_token, input=INPUT).errors == [
        ("This API token may not write events (scope events:write).", "FORBIDDEN")
    ]
    approve = "mutation { approveSubmission(id: 1) { status } }"
    assert api(approve, token=world.trusted_token).errors == [
        ("This API token may not moderate (scope events:moderate).", "FORBIDDEN")
    ]


WITHDRAW = """
mutation($id: ID!, $occ: ID!, $edit: EventInput!) {
  updateEvent(id: $id, input: $edit, lang: "fr") { event { id } errors { field code message } }
  cancelEvent(id: $id, reason: "x", lang: "fr") { event { id } errors { field code message } }
  cancelOccurrence(id: $occ, lang: "fr") { event { id } errors { field code message } }
  deleteEvent(id: $id, lang: "fr") { deletedId errors { field code message } }
}
"""


def test_one_institution_cannot_touch_another_institutions_event(
    api: Any, world: World, conn: Conn
) -> None:
    event_id = api(SUBMIT, token=world.trusted_token, input=INPUT).data["submitEvent"]["event"][
        "id"
    ]
    occ = conn.execute("select id from occurrence where event_id = %s", (int(event_id),)).fetchone()
    forbidden = [
        {
            "field": ["id"],
            "code": "forbidden",
            "message": "Vous ne pouvez pas modifier ceci : il appartient à une autre institution.",
        }
    ]
    answer = api(WITHDRAW, token=world.standard_token, id=event_id, occ=occ["id"], edit=INPUT)
    assert answer.errors == []
    assert answer.data == {
        "updateEvent": {"event": None, "errors": forbidden},
        "cancelEvent": {"event": None, "errors": forbidden},
        "cancelOccurrence": {"event": None, "errors": forbidden},
        "deleteEvent": {"deletedId": None, "errors": forbidden},
    }
    status = conn.execute("select status, deleted_at from event").fetchone()
    assert status == {"status": "scheduled", "deleted_at": None}


def test_the_owner_cancels_a_date_then_the_event_then_deletes_it(
    api: Any, world: World, conn: Conn
) -> None:
    two = _input(
        occurrences=[
            {"start": "2026-10-15T20:00:00"},
            {"start": "2026-10-16T20:00:00"},
        ]
    )
    event_id = api(SUBMIT, token=world.trusted_token, input=two).data["submitEvent"]["event"]["id"]
    occ = conn.execute(
        "select id from occurrence where event_id = %s order by starts_at", (int(event_id),)
    ).fetchall()
    cancel_one = """mutation($id: ID!) { cancelOccurrence(id: $id) {
        event { status occurrences { status } } errors { code } } }"""
    answer = api(cancel_one, token=world.trusted_token, id=str(occ[0]["id"]))
    assert answer.data["cancelOccurrence"] == {
        "event": {
            "status": "SCHEDULED",
            "occurrences": [{"status": "CANCELLED"}, {"status": "SCHEDULED"}],
        },
        "errors": [],
    }
    cancel_all = """mutation($id: ID!) { cancelEvent(id: $id, reason: "Krank") {
        event { status } errors { code } } }"""
    answer = api(cancel_all, token=world.trusted_token, id=event_id)
    assert answer.data["cancelEvent"] == {"event": {"status": "CANCELLED"}, "errors": []}
    delete = "mutation($id: ID!) { deleteEvent(id: $id) { deletedId errors { code } } }"
    answer = api(delete, token=world.trusted_token, id=event_id)
    assert answer.data["deleteEvent"] == {"deletedId": event_id, "errors": []}
    again = api(delete, token=world.trusted_token, id=event_id)
    assert again.data["deleteEvent"]["errors"] == [{"code": "not_found"}]
    assert api(delete, token=world.trusted_token, id="abc").data["deleteEvent"]["errors"] == [
        {"code": "invalid_id"}
    ]


MODERATE = """
mutation($id: ID!, $reason: String!) {
  rejectSubmission(id: $id, reason: $reason, lang: "de") { status errors { code message } }
}
"""


def test_a_standard_institution_waits_for_a_moderator(api: Any, world: World, conn: Conn) -> None:
    submitted = api(SUBMIT, token=world.standard_token, input=INPUT).data["submitEvent"]
    assert (submitted["status"], submitted["event"], submitted["errors"]) == ("pending", None, [])
    sid = submitted["submissionId"]
    assert conn.execute("select count(*) as n from event").fetchone() == {"n": 0}

    empty = api(MODERATE, token=world.moderator_token, id=sid, reason="  ")
    assert empty.data["rejectSubmission"] == {
        "status": None,
        "errors": [
            {
                "code": "required",
                "message": "Bitte geben Sie einen Grund an: Die Einrichtung wird ihn sehen.",
            }
        ],
    }
    approve = """mutation($id: ID!) { approveSubmission(id: $id) {
        status event { title(lang: "fr") } errors { code } } }"""
    answer = api(approve, token=world.moderator_token, id=sid)
    assert answer.data["approveSubmission"] == {
        "status": "approved",
        "event": {"title": "Récital"},
        "errors": [],
    }
    twice = api(approve, token=world.moderator_token, id=sid)
    assert twice.data["approveSubmission"]["errors"] == [{"code": "not_pending"}]


def test_a_rejection_keeps_its_reason_for_the_institution(
    api: Any, world: World, conn: Conn
) -> None:
    sid = api(SUBMIT, token=world.standard_token, input=INPUT).data["submitEvent"]["submissionId"]
    answer = api(MODERATE, token=world.moderator_token, id=sid, reason="Bitte ein Foto.")
    assert answer.data["rejectSubmission"] == {"status": "rejected", "errors": []}
    stored = get_submission(conn, int(sid))
    assert stored is not None
    assert (stored.status, stored.reason) == ("rejected", "Bitte ein Foto.")


ADD_SOURCE = """
mutation($input: SourceInput!) {
  addSource(input: $input, lang: "lb") { sourceId errors { field code message } }
}
"""


def test_an_institution_registers_its_feed_once(api: Any, world: World, conn: Conn) -> None:
    feed = {"format": "ics", "url": "https://kinneksbond.lu/agenda.ics", "lang": "fr"}
    first = api(ADD_SOURCE, token=world.trusted_token, input=feed).data["addSource"]
    again = api(ADD_SOURCE, token=world.trusted_token, input=feed).data["addSource"]
    assert first == again == {"sourceId": first["sourceId"], "errors": []}
    row = conn.execute(
        "select institution_id, format, url, lang, kind from source where id = %s",
        (int(first["sourceId"]),),
    ).fetchone()
    assert row == {
        "institution_id": world.trusted,
        "format": "ics",
        "url": "https://kinneksbond.lu/agenda.ics",
        "lang": "fr",
        "kind": "feed",
    }
    bad = {"format": "pdf", "url": "file:///etc/passwd", "lang": "x1", "timezone": "Mars/Olympus"}
    answer = api(ADD_SOURCE, token=world.trusted_token, input=bad).data["addSource"]
    assert answer["sourceId"] is None
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [
        (["format"], "invalid_choice"),
        (["url"], "invalid_url"),
        (["lang"], "invalid_language"),
        (["timezone"], "unknown_timezone"),
    ]
    assert answer["errors"][0]["message"] == "„pdf“ ass keen vun den erlaabte Wäerter."
