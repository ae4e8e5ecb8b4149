"""Uploading a programme through the API against a real PostgreSQL: preview, apply, moderate.

Documents run through the production schema under a :class:`RequestContext`
carrying the request's headers, as the web app builds it; "now" is frozen
at 2026-10-01 10:00 UTC, so the files' October dates are upcoming.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
import pytest
from psycopg.rows import dict_row
from psycopg_pool import AsyncConnectionPool

from pluriel.graphql import build_schema
from pluriel.graphql.mutations import MAX_UPLOAD_BYTES, RequestContext
from pluriel.settings import Settings
from pluriel.store import registry
from pluriel.store.accounts import create_token
from pluriel.store.submissions import audit_trail
from pluriel.web import create_app
from tests.web.conftest import AppClient

Conn = psycopg.Connection[dict[str, Any]]

SCHEMA = build_schema()

ITEM = "{ externalId title firstStart eventId }"
ITEMS = f"create {ITEM} update {ITEM} cancel {ITEM}"
PREVIEW = f"""
mutation($input: UploadInput!, $lang: String) {{
  previewUpload(input: $input, lang: $lang) {{
    filename {ITEMS} unchanged
    errors {{ field code message }}
  }}
}}
"""
APPLY = f"""
mutation($input: UploadInput!, $lang: String) {{
  applyUpload(input: $input, lang: $lang) {{
    filename status submissionId {ITEMS} unchanged
    errors {{ field code message }}
  }}
}}
"""


def _vevent(uid: str, title: str, start: str) -> str:
    return (
        f"BEGIN:VEVENT\r\nUID:{uid}\r\nDTSTAMP:20260901T000000Z\r\n"
        f"DTSTART;TZID=Europe/Luxembourg:{start}\r\nSUMMARY;LANGUAGE=de:{title}\r\n"
        "LOCATION:Kinneksbond\\, Mamer\r\nEND:VEVENT\r\n"
    )


def _calendar(*events: str) -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//Kinneksbond//Programm//DE\r\n"
        + "".join(events)
        + "END:VCALENDAR\r\n"
    )


LIEDERABEND = _vevent("lied-1@kinneksbond.lu", "Liederabend", "20261015T200000")
TANZ = _vevent("tanz-2@kinneksbond.lu", "Tanztheater", "20261022T193000")
PROGRAMME = _calendar(LIEDERABEND, TANZ)

LIED_ITEM = {
    "externalId": "lied-1@kinneksbond.lu",
    "title": "Liederabend",
    "firstStart": "2026-10-15T18:00:00+00:00",
}
TANZ_ITEM = {
    "externalId": "tanz-2@kinneksbond.lu",
    "title": "Tanztheater",
    "firstStart": "2026-10-22T17:30:00+00:00",
}
#: Everything an upload may write; api_key is left out (a token's use is stamped on it).
TABLES = ("source", "source_event", "event", "occurrence", "change", "submission", "audit")


@dataclass
class Answer:
    data: dict[str, Any] | None
    errors: list[tuple[str, str | None]]  # (message, extensions.code)


async def _run(
    url: str, document: str, variables: dict[str, Any], *, now: datetime, token: str | None
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
            pool, now=now, authorization=f"Bearer {token}" if token else None
        )
        result = await SCHEMA.execute(document, variable_values=variables, context_value=context)
    finally:
        await pool.close()
    errors = [(e.message, (e.extensions or {}).get("code")) for e in result.errors or ()]
    return Answer(result.data, errors)


@pytest.fixture
def api(db_url: str, now: datetime) -> Any:
    def run(document: str, *, token: str | None = None, **variables: Any) -> Answer:
        return asyncio.run(_run(db_url, document, variables, now=now, token=token))

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


def _counts(conn: Conn) -> dict[str, int]:
    conn.commit()  # a fresh snapshot: the API wrote through its own connections
    return {t: conn.execute(f"select count(*) as n from {t}").fetchone()["n"] for t in TABLES}  # type: ignore[index]


def _ics(content: str = PROGRAMME, **more: Any) -> dict[str, Any]:
    return {"format": "ICS", "content": content, "filename": "programm.ics", **more}


def _titles(conn: Conn) -> list[tuple[str, str]]:
    conn.commit()
    rows = conn.execute(
        "select e.status, t.title from event e join event_text t on t.event_id = e.id"
        " where t.lang = 'de' order by t.title"
    ).fetchall()
    return [(r["title"], r["status"]) for r in rows]


def test_a_preview_announces_the_creations_and_writes_nothing(
    api: Any, world: World, conn: Conn
) -> None:
    before = _counts(conn)
    answer = api(PREVIEW, token=world.trusted_token, input=_ics())
    assert answer.errors == []
    assert answer.data["previewUpload"] == {
        "filename": "programm.ics",
        "create": [{**LIED_ITEM, "eventId": None}, {**TANZ_ITEM, "eventId": None}],
        "update": [],
        "cancel": [],
        "unchanged": 0,
        "errors": [],
    }
    assert _counts(conn) == before


def test_apply_does_what_the_preview_said_and_a_second_apply_changes_nothing(
    api: Any, world: World, conn: Conn
) -> None:
    preview = api(PREVIEW, token=world.trusted_token, input=_ics()).data["previewUpload"]
    applied = api(APPLY, token=world.trusted_token, input=_ics()).data["applyUpload"]
    created = applied.pop("create")
    assert [{k: v for k, v in c.items() if k != "eventId"} for c in created] == [
        LIED_ITEM,
        TANZ_ITEM,
    ]
    assert {**applied, "create": preview["create"]} == {
        **preview,
        "status": "approved",
        "submissionId": None,
    }
    assert _titles(conn) == [("Liederabend", "scheduled"), ("Tanztheater", "scheduled")]
    trail = audit_trail(conn, entity="institution", entity_id=world.trusted)
    assert [(a.actor.split(":")[0], a.action, a.after) for a in trail] == [
        (
            "token",
            "upload",
            {
                "status": "approved",
                "format": "ics",
                "create": ["lied-1@kinneksbond.lu", "tanz-2@kinneksbond.lu"],
                "update": [],
                "cancel": [],
            },
        )
    ]

    after_first = _counts(conn)
    again = api(APPLY, token=world.trusted_token, input=_ics()).data["applyUpload"]
    assert again == {
        "filename": "programm.ics",
        "status": "approved",
        "submissionId": None,
        "create": [],
        "update": [],
        "cancel": [],
        "unchanged": 2,
        "errors": [],
    }
    assert _counts(conn) == after_first


def test_a_changed_file_updates_and_cancels_what_it_no_longer_lists(
    api: Any, world: World, conn: Conn
) -> None:
    api(APPLY, token=world.trusted_token, input=_ics())
    event_ids = {
        r["external_id"]: str(r["event_id"])
        for r in conn.execute("select external_id, event_id from source_event").fetchall()
    }
    shorter = _calendar(LIEDERABEND.replace("Liederabend", "Liederabend mit Gästen"))
    preview = api(PREVIEW, token=world.trusted_token, input=_ics(shorter)).data["previewUpload"]
    assert preview == {
        "filename": "programm.ics",
        "create": [],
        "update": [
            {
                **LIED_ITEM,
                "title": "Liederabend mit Gästen",
                "eventId": event_ids["lied-1@kinneksbond.lu"],
            }
        ],
        "cancel": [{**TANZ_ITEM, "eventId": event_ids["tanz-2@kinneksbond.lu"]}],
        "unchanged": 0,
        "errors": [],
    }
    applied = api(APPLY, token=world.trusted_token, input=_ics(shorter)).data["applyUpload"]
    assert (applied["status"], applied["update"], applied["cancel"]) == (
        "approved",
        preview["update"],
        preview["cancel"],
    )
    assert _titles(conn) == [("Liederabend mit Gästen", "scheduled"), ("Tanztheater", "cancelled")]


def test_json_ld_is_read_as_well(api: Any, world: World) -> None:
    document = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "Event",
            "@id": "https://kinneksbond.lu/programm/lied-1",
            "name": {"@value": "Liederabend", "@language": "de"},
            "startDate": "2026-10-15T20:00:00+02:00",
            "location": {"@type": "Place", "name": "Kinneksbond", "address": "Mamer"},
        }
    )
    answer = api(
        PREVIEW, token=world.trusted_token, input={"format": "JSONLD", "content": document}
    )
    assert answer.data["previewUpload"]["create"] == [
        {**LIED_ITEM, "externalId": "https://kinneksbond.lu/programm/lied-1", "eventId": None}
    ]
    assert answer.data["previewUpload"]["errors"] == []


def test_a_malformed_file_is_one_error_about_the_file_and_nothing_is_applied(
    api: Any, world: World, conn: Conn
) -> None:
    before = _counts(conn)
    broken = {"format": "JSONLD", "content": "{ this is not json", "filename": "programme.json"}
    answer = api(APPLY, token=world.trusted_token, input=broken, lang="fr")
    assert answer.data["applyUpload"] == {
        "filename": "programme.json",
        "status": "invalid",
        "submissionId": None,
        "create": [],
        "update": [],
        "cancel": [],
        "unchanged": 0,
        "errors": [
            {
                "field": ["content"],
                "code": "unreadable_file",
                "message": "Ce fichier ne peut pas être lu comme jsonld.",
            }
        ],
    }
    assert _counts(conn) == before


def test_an_empty_or_oversized_file_or_a_bad_zone_is_refused_before_reading(
    api: Any, world: World, conn: Conn
) -> None:
    before = _counts(conn)
    empty = api(APPLY, token=world.trusted_token, input=_ics("  \r\n"), lang="de")
    assert empty.data["applyUpload"]["errors"] == [
        {
            "field": ["content"],
            "code": "required",
            "message": "Wählen Sie eine Datei zum Hochladen.",
        }
    ]
    huge = _ics(_calendar(LIEDERABEND) + "X" * MAX_UPLOAD_BYTES, timezone="Europe/Mamer")
    answer = api(PREVIEW, token=world.trusted_token, input=huge)
    assert answer.data["previewUpload"]["errors"] == [
        {"field": ["content"], "code": "too_large", "message": "This file is too large."},
        {
            "field": ["timezone"],
            "code": "unknown_timezone",
            "message": "“Europe/Mamer” is not a known time zone (for example Europe/Luxembourg).",
        },
    ]
    assert _counts(conn) == before


def test_tokens_without_an_institution_or_the_scope_are_refused(
    api: Any, world: World, conn: Conn, now: datetime
) -> None:
    assert api(APPLY, input=_ics()).errors == [
        ("Send an API token: Authorization: Bearer plr_…", "UNAUTHENTICATED")
    ]
    assert api(APPLY, token=world.moderator_token, input=_ics()).errors == [
        ("This API token may not write events (scope events:write).", "FORBIDDEN")
    ]
    assert api(APPLY, token=world.portal_token, input=_ics()).errors == [
        ("This API token may not write events (scope events:write).", "FORBIDDEN")
    ]
    writer = create_token(conn, portal="aggregator-de", scopes=["events:write"], now=now).token
    conn.commit()
    portal = api(APPLY, token=writer, input=_ics())
    assert (portal.data["applyUpload"]["status"], portal.data["applyUpload"]["errors"]) == (
        "invalid",
        [
            {
                "field": [],
                "code": "forbidden",
                "message": "Only an institution can submit or change events.",
            }
        ],
    )
    assert _counts(conn)["event"] == 0


def test_another_institutions_upload_cannot_touch_these_events(
    api: Any, world: World, conn: Conn
) -> None:
    api(APPLY, token=world.trusted_token, input=_ics())
    trusted = _titles(conn)
    # Same UIDs, other titles, and without TANZ: only CUBE 521's own programme is concerned.
    other = _calendar(_vevent("lied-1@kinneksbond.lu", "Jazz im Keller", "20261016T210000"))
    preview = api(PREVIEW, token=world.standard_token, input=_ics(other)).data["previewUpload"]
    assert (preview["update"], preview["cancel"]) == ([], [])
    assert [c["title"] for c in preview["create"]] == ["Jazz im Keller"]
    trusted_again = api(PREVIEW, token=world.trusted_token, input=_ics()).data["previewUpload"]
    assert (trusted_again["create"], trusted_again["cancel"], trusted_again["unchanged"]) == (
        [],
        [],
        2,
    )
    assert _titles(conn) == trusted


def test_a_standard_institutions_upload_waits_for_a_moderator(
    api: Any, world: World, conn: Conn
) -> None:
    answer = api(APPLY, token=world.standard_token, input=_ics()).data["applyUpload"]
    sid = answer["submissionId"]
    assert (answer["status"], sid is not None, answer["errors"]) == ("pending", True, [])
    assert [c["externalId"] for c in answer["create"]] == [
        "lied-1@kinneksbond.lu",
        "tanz-2@kinneksbond.lu",
    ]
    assert _counts(conn)["event"] == 0
    assert conn.execute("select kind, status from submission").fetchall() == [
        {"kind": "upload", "status": "pending"}
    ]

    approve = """mutation($id: ID!) { approveSubmission(id: $id) { status errors { code } } }"""
    approved = api(approve, token=world.moderator_token, id=sid).data["approveSubmission"]
    assert approved == {"status": "approved", "errors": []}
    assert _titles(conn) == [("Liederabend", "scheduled"), ("Tanztheater", "scheduled")]


def test_over_http_the_curl_of_the_guide_works_and_a_huge_body_is_refused(
    settings: Settings, db_url: str, world: World, now: datetime
) -> None:
    app = create_app(settings, database_url=db_url, now=lambda: now)
    headers = {"Authorization": f"Bearer {world.trusted_token}"}
    body = {
        "query": "mutation($input: UploadInput!) { previewUpload(input: $input) {"
        " create { externalId } errors { code } } }",
        "variables": {"input": {"format": "ICS", "content": PROGRAMME}},
    }
    with AppClient(app) as client:
        answer = client.request("POST", "/graphql", json=body, headers=headers)
        huge = {**body, "variables": {"input": {"format": "ICS", "content": "X" * 1_000_001}}}
        refused = client.request("POST", "/graphql", json=huge, headers=headers)
    assert (answer.status_code, answer.json()) == (
        200,
        {
            "data": {
                "previewUpload": {
                    "create": [
                        {"externalId": "lied-1@kinneksbond.lu"},
                        {"externalId": "tanz-2@kinneksbond.lu"},
                    ],
                    "errors": [],
                }
            }
        },
    )
    assert refused.status_code == 413
