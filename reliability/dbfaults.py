"""Database faults: PostgreSQL restarted under an ingest, under submissions, and under the API.

What must hold afterwards: no partial rows (each ingest and each submission
is one transaction), the interrupted run does not pretend to have succeeded,
a retry completes, and while the database is down the API answers 503 (never
500) and comes back by itself once it is up again.
"""

from __future__ import annotations

import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import psycopg

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.aggregator.submission import submit_event
from pluriel.errors import StoreError
from pluriel.model import FetchOutcome
from pluriel.store import connect, registry
from pluriel.store.accounts import Actor
from reliability.data import api_server, make_events, make_source
from reliability.pg import Postgres, postgres

__all__ = ["run_db_faults"]

Conn = psycopg.Connection[dict[str, Any]]
COUNTED = ("event", "event_text", "occurrence", "source_event", "submission", "audit")
QUERY = '{"query": "{ events(first: 5) { edges { node { id title } } } }"}'


def counts(url: str) -> dict[str, int]:
    with connect(url) as conn:
        return {
            table: int(conn.execute(f"select count(*) as n from {table}").fetchone()["n"])  # type: ignore[index]
            for table in COUNTED
        }


def orphans(url: str) -> int:
    """Events missing their texts or dates, or not linked to a source: a torn write."""
    with connect(url) as conn:
        row = conn.execute(
            "select count(*) as n from event e where not exists"
            " (select 1 from event_text t where t.event_id = e.id)"
            " or not exists (select 1 from occurrence o where o.event_id = e.id)"
            " or not exists (select 1 from source_event s where s.event_id = e.id)"
        ).fetchone()
    return int(row["n"]) if row else -1


def runs(url: str, source_id: int) -> list[str]:
    with connect(url) as conn:
        rows = conn.execute(
            "select status from source_run where source_id = %s order by id", (source_id,)
        ).fetchall()
    return [r["status"] for r in rows]


def _ingest(url: str, spec: Any, events: int, now: datetime) -> Any:
    with connect(url) as conn:
        return ingest_outcome(
            conn,
            spec,
            FetchOutcome(source_id=spec.id, started_at=now, result=make_events(events, now=now)),
            now=now,
        )


def _wait_for_writes(url: str, timeout: float) -> bool:
    """Until the ingest's transaction has written (some row lock or xid in flight)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with connect(url, autocommit=True) as conn:
            row = conn.execute(
                "select count(*) as n from pg_stat_activity where datname = current_database()"
                " and backend_xid is not null and pid <> pg_backend_pid()"
            ).fetchone()
        if row and row["n"]:
            return True
        time.sleep(0.02)
    return False


def ingest_drill(pg: Postgres, *, events: int, delay: float) -> dict[str, Any]:
    url = pg.new_database()
    now = datetime.now(UTC)
    with connect(url) as conn:
        spec = make_source(conn, "restarted")
    failures: list[str] = []
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["report"] = _ingest(url, spec, events, now)
        except Exception as exc:  # what the caller sees when the DB vanishes mid-run
            outcome["raised"] = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200]}"

    thread = threading.Thread(target=work)
    began = time.monotonic()
    thread.start()
    _wait_for_writes(url, timeout=30)
    time.sleep(delay)
    restarted_at = time.monotonic() - began
    pg.restart()
    thread.join(timeout=120)
    after = counts(url)
    statuses_after_fault = runs(url, spec.id)
    report = outcome.get("report")
    if report is not None and report.status == "ok" and after["event"] != events:
        failures.append(f"the interrupted ingest says ok but wrote {after['event']} of {events}")
    if report is None and any(after[t] for t in ("event", "occurrence", "source_event")):
        failures.append(f"partial rows after the interrupted ingest: {after}")
    if "ok" in statuses_after_fault and after["event"] != events:
        failures.append(f"a run is recorded ok with {after['event']} of {events} events")
    retry = _ingest(url, spec, events, now)
    final = counts(url)
    if retry.status != "ok" or final["event"] != events or orphans(url):
        failures.append(f"the retry did not complete: {retry.summary()}; counts {final}")
    if "running" in runs(url, spec.id):
        failures.append(
            "the interrupted run is still recorded as running after the retry:"
            f" {runs(url, spec.id)}"
        )
    return {
        "events": events,
        "restart_after_s": round(restarted_at, 2),
        "interrupted_run": outcome.get("raised") or outcome["report"].summary(),
        "rows_after_fault": after,
        "runs_after_fault": statuses_after_fault,
        "retry": retry.summary(),
        "runs_after_retry": runs(url, spec.id),
        "rows_after_retry": final,
        "failures": failures,
    }


INPUT: dict[str, Any] = {
    "title": [{"lang": "fr", "text": "Récital"}],
    "description": [{"lang": "fr", "text": "Schubert."}],
    "occurrences": [{"start": "2027-03-15T20:00", "end": "2027-03-15T22:00"}],
    "timezone": "Europe/Luxembourg",
    "place": {"name": "Kinneksbond", "locality": "Mamer", "country": "LU"},
    "attendanceMode": "OFFLINE",
}


def submission_drill(pg: Postgres, *, submissions: int) -> dict[str, Any]:
    url = pg.new_database()
    with connect(url) as conn:
        inst = registry.add_institution(
            conn, "kinneksbond", name="Kinneksbond", country="LU", trust="trusted"
        ).id
        conn.commit()
    actor = Actor(label="token:drill", institution_id=inst)
    done: list[str] = []
    lost: list[str] = []
    failures: list[str] = []
    now = datetime.now(UTC)

    def submit(conn: Conn, i: int) -> None:
        data = {**INPUT, "externalId": f"drill-{i}"}
        data["occurrences"] = [
            {"start": f"2027-03-{1 + i % 28:02d}T20:00", "end": f"2027-03-{1 + i % 28:02d}T22:00"}
        ]
        result = submit_event(
            conn, institution_id=inst, actor=actor, input=data, lang="fr", now=now
        )
        if result.status != "approved":
            raise RuntimeError(f"drill-{i}: {result.status} {result.errors}")

    def work() -> None:
        conn = connect(url)
        for i in range(submissions):
            try:
                submit(conn, i)
                done.append(f"drill-{i}")
            except Exception as exc:  # whatever the client sees when the server goes away
                lost.append(f"drill-{i}: {type(exc).__name__}")
                conn.close()
                conn = _reconnect(url)
        conn.close()

    thread = threading.Thread(target=work)
    thread.start()
    while len(done) < submissions // 3 and thread.is_alive():
        time.sleep(0.01)
    pg.restart()
    thread.join(timeout=120)
    after = counts(url)
    if after["submission"] != len(done) or after["event"] != len(done) or orphans(url):
        failures.append(f"{len(done)} submissions acknowledged but rows are {after}")
    # The client retries what failed: each lands exactly once.
    with connect(url) as conn:
        for label in lost:
            submit(conn, int(label.split(":")[0].removeprefix("drill-")))
    final = counts(url)
    if final["submission"] != submissions or final["event"] != submissions or orphans(url):
        failures.append(f"after retrying {len(lost)} lost submissions: {final}")
    return {
        "submissions": submissions,
        "acknowledged_before_retry": len(done),
        "failed_during_restart": lost,
        "rows_after_fault": after,
        "rows_after_retry": final,
        "failures": failures,
    }


def _reconnect(url: str, timeout: float = 60) -> Conn:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return connect(url)
        except (psycopg.OperationalError, StoreError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def api_drill(pg: Postgres, *, down_for: float) -> dict[str, Any]:
    url = pg.new_database()
    failures: list[str] = []
    statuses: dict[str, dict[int, int]] = {"healthz": {}, "graphql": {}}
    samples: list[str] = []
    with (
        tempfile.TemporaryDirectory() as home,
        api_server(url, Path(home)) as (base, _),
        httpx.Client(base_url=base, timeout=30) as client,
    ):

        def probe() -> tuple[int, int]:
            """Status codes of /healthz and /graphql; 0 when no answer came within 30 s."""
            try:
                health = client.get("/healthz").status_code
            except httpx.TimeoutException:
                health = 0
            try:
                graph = client.post(
                    "/graphql", content=QUERY, headers={"Content-Type": "application/json"}
                )
            except httpx.TimeoutException:
                return health, 0
            if (graph.status_code != 200 or '"errors"' in graph.text) and len(samples) < 3:
                samples.append(f"{graph.status_code}: {graph.text[:300]}")
            return health, graph.status_code

        if probe() != (200, 200):
            failures.append(f"the API was not healthy before the fault: {probe()}")
        pg.stop()
        down_at = time.monotonic()
        slowest = 0.0
        while time.monotonic() - down_at < down_for:
            began = time.monotonic()
            health, graph = probe()
            slowest = max(slowest, time.monotonic() - began)
            statuses["healthz"][health] = statuses["healthz"].get(health, 0) + 1
            statuses["graphql"][graph] = statuses["graphql"].get(graph, 0) + 1
        pg.start()
        up_at = time.monotonic()
        recovered = None
        while time.monotonic() - up_at < 60:
            if probe() == (200, 200):
                recovered = time.monotonic() - up_at
                break
            time.sleep(0.1)
    for name, seen in statuses.items():
        if set(seen) != {503}:
            failures.append(f"/{name} while the database was down answered {seen}, not only 503")
    if recovered is None:
        failures.append("the API did not recover within 60 s of the database coming back")
    return {
        "down_for_s": down_for,
        "statuses_while_down": statuses,
        "slowest_answer_while_down_s": round(slowest, 2),
        "recovered_after_s": None if recovered is None else round(recovered, 2),
        "graphql_answers_while_down": samples[:3],
        "failures": failures,
    }


def run_db_faults(*, events: int, rounds: int = 1) -> dict[str, Any]:
    figures: dict[str, Any] = {"ingest": [], "submissions": [], "api": []}
    with postgres() as pg:
        for i in range(rounds):
            figures["ingest"].append(ingest_drill(pg, events=events, delay=0.2 * i))
            figures["submissions"].append(
                submission_drill(pg, submissions=60 if rounds == 1 else 200)
            )
            figures["api"].append(api_drill(pg, down_for=5.0 if rounds == 1 else 15.0))
    failures = [f for part in figures.values() for run in part for f in run["failures"]]
    figures["faults_injected"] = 3 * rounds
    figures["failures"] = failures
    figures["errors"] = len(failures)
    return figures
