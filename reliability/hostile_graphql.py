"""Hostile GraphQL: queries generated from schema.graphql, and the classic abuse shapes.

Generated queries and mutations (hypothesis-graphql over the published SDL)
are sent anonymously to the real app in-process over a seeded database: no
answer may be a 5xx, and no answer may carry the masked "Unexpected error."
(an exception in a resolver). Then oversized bodies, batches, alias floods,
deep nesting, field duplication and fragment cycles must each be refused
with a 4xx, or answered with errors, within ``CHEAP`` seconds.
"""

from __future__ import annotations

import tempfile
import time
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import hypothesis_graphql
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from hypothesis_graphql import nodes

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.model import FetchOutcome
from pluriel.store import connect
from reliability.client import InProcess
from reliability.data import ROOT, make_events, make_source
from reliability.pg import postgres
from reliability.serve import build_app

__all__ = ["ATTACKS", "run_hostile_graphql"]

CHEAP = 1.0
_MOMENTS = st.sampled_from(
    [
        "2026-10-15T20:00:00+02:00",
        "2026-10-15T20:00:00",
        "2026-10-15",
        "0001-01-01T00:00:00Z",
        "9999-12-31T23:59:59+14:00",
        "2026-02-30T25:61:00Z",
        "",
        "now",
        "1e309",
    ]
) | st.text(max_size=30)
SCALARS = {
    "DateTime": _MOMENTS.map(nodes.String),
    "Date": (_MOMENTS | st.dates().map(str)).map(nodes.String),
}
MASKED = "Unexpected error."
EVENT = "edges { node { id title description url place { name } categories { id } } }"


def _aliases(n: int) -> str:
    return "{" + " ".join(f"a{i}: events(first: 100) {{ {EVENT} }}" for i in range(n)) + "}"


def _nested(depth: int) -> str:
    """Selections nested ``depth`` deep (the schema has no cycle, so it cannot be valid)."""
    return "{ events(first: 1) { " + "edges { node { " * depth + "id" + " } }" * depth + " } }"


ATTACKS: dict[str, tuple[str, dict[str, Any]]] = {
    # name -> (description, request kwargs)
    "oversized body (2 MB)": (
        "413",
        {"content": b'{"query": "{ __typename }", "pad": "' + b"x" * 2_000_000 + b'"}'},
    ),
    "oversized body, no length (chunked)": (
        "413",
        {"chunks": [b'{"query": "', b"x" * 1_500_000, b'"}']},
    ),
    "batch of 100": ("4xx", {"json": [{"query": "{ events { " + EVENT + " } }"}] * 100}),
    "batch of 1": ("4xx", {"json": [{"query": "{ __typename }"}]}),
    "1,000 aliases": ("4xx or errors", {"json": {"query": _aliases(1000)}}),
    "50 aliases of first:100": ("4xx", {"json": {"query": _aliases(50)}}),
    "10,000 duplicated fields": (
        "4xx or errors",
        {
            "json": {
                "query": "{ events(first: 100) { edges { node { " + "title " * 10_000 + "} } } }"
            }
        },
    ),
    "depth 200": ("4xx or errors", {"json": {"query": _nested(200)}}),
    "fragment cycle": (
        "4xx or errors",
        {"json": {"query": "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"}},
    ),
    "10,000 directives": (
        "4xx or errors",
        {"json": {"query": "{ __typename " + "@include(if: true) " * 10_000 + "}"}},
    ),
    "deep list argument": (
        "4xx or errors",
        {
            "json": {
                "query": "{ events(filter: {categories: "
                + "[" * 5000
                + "]" * 5000
                + "}) { edges { cursor } } }"
            }
        },
    ),
    "900 KB string argument": (
        "4xx or errors",
        {
            "json": {
                "query": '{ events(filter: {text: "' + "é" * 450_000 + '"}) { edges { cursor } } }'
            }
        },
    ),
    "introspection bomb": (
        "4xx or errors",
        {
            "json": {
                "query": "{ __schema { types { fields { type { fields { type {"
                " fields { name } } } } } } } }"
            }
        },
    ),
    "not JSON": ("4xx", {"content": b"{{{", "headers": {"Content-Type": "application/json"}}),
    "JSON scalar": ("4xx", {"json": 42}),
    "query is a list": ("4xx", {"json": {"query": ["{ __typename }"]}}),
    "variables are a string": (
        "4xx or errors",
        {"json": {"query": "query($f:Int){events(first:$f){edges{cursor}}}", "variables": "[]"}},
    ),
}


@contextmanager
def seeded_apps(
    database_url: str | None = None, *, events: int = 120
) -> Iterator[tuple[InProcess, InProcess]]:
    """Two apps over one seeded database: budgets raised (for volume) and as deployed."""
    with (
        contextmanager(_database)(database_url, events) as url,
        tempfile.TemporaryDirectory() as home,
        InProcess(build_app(url, Path(home))) as client,
        InProcess(build_app(url, Path(home), real_budgets=True)) as deployed,
    ):
        yield client, deployed


def _database(database_url: str | None, events: int) -> Iterator[str]:
    if database_url is not None:
        _seed(database_url, events)
        yield database_url
        return
    with postgres() as pg:
        url = pg.new_database()
        _seed(url, events)
        yield url


def _seed(url: str, events: int) -> None:
    now = datetime.now(UTC)
    with connect(url) as conn:
        spec = make_source(conn, "hostile")
        ingest_outcome(
            conn,
            spec,
            FetchOutcome(source_id=spec.id, started_at=now, result=make_events(events, now=now)),
        )


async def _stream(chunks: list[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


def _attacks(client: InProcess, failures: list[str]) -> dict[str, dict[str, Any]]:
    figures = {}
    for name, (expected, kwargs) in ATTACKS.items():
        if "chunks" in kwargs:
            kwargs = {"content": _stream(kwargs["chunks"])}
        began = time.perf_counter()
        response = client.post("/graphql", **kwargs)
        elapsed = time.perf_counter() - began
        try:
            body = response.json()
        except ValueError:
            body = None
        errors = isinstance(body, dict) and bool(body.get("errors"))
        data = isinstance(body, dict) and bool(body.get("data"))
        if expected == "413":
            ok = response.status_code == 413
        elif expected == "4xx":
            ok = 400 <= response.status_code < 500
        else:
            ok = 400 <= response.status_code < 500 or (
                response.status_code == 200 and errors and not data
            )
        if not ok:
            failures.append(
                f"{name}: {response.status_code} {response.text[:200]!r} (expected {expected})"
            )
        if elapsed > CHEAP:
            failures.append(f"{name}: took {elapsed:.2f} s (more than {CHEAP} s)")
        figures[name] = {
            "status": response.status_code,
            "ms": round(1000 * elapsed, 1),
            "answer": response.text[:160],
        }
    return figures


def run_hostile_graphql(*, queries: int, database_url: str | None = None) -> dict[str, Any]:
    sdl = (ROOT / "schema.graphql").read_text(encoding="utf-8")
    statuses: Counter[int] = Counter()
    masked: list[str] = []
    failures: list[str] = []
    sent = 0
    slowest = 0.0
    began = time.monotonic()
    with seeded_apps(database_url) as (client, deployed):
        kinds = [hypothesis_graphql.queries(sdl, custom_scalars=SCALARS)] * 3
        if "\ntype Mutation " in sdl:
            kinds.append(hypothesis_graphql.mutations(sdl, custom_scalars=SCALARS))
        strategy = st.one_of(kinds)

        @settings(
            max_examples=queries,
            deadline=None,
            database=None,
            derandomize=True,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(query=strategy)
        def send(query: str) -> None:
            nonlocal sent, slowest
            sent += 1
            start = time.perf_counter()
            response = client.post("/graphql", json={"query": query})
            slowest = max(slowest, time.perf_counter() - start)
            statuses[response.status_code] += 1
            if response.status_code >= 500:
                if len(failures) < 20:
                    failures.append(
                        f"{response.status_code} for {query[:300]!r}: {response.text[:300]}"
                    )
            elif MASKED in response.text and len(masked) < 20:
                masked.append(f"{query[:400]!r} -> {response.text[:300]}")

        send()
        attacks = _attacks(deployed, failures)
    failures += [f"masked internal error: {m}" for m in masked]
    return {
        "queries_sent": sent,
        "statuses": dict(sorted(statuses.items())),
        "server_errors_5xx": sum(n for s, n in statuses.items() if s >= 500),
        "masked_internal_errors": len(masked),
        "slowest_generated_query_s": round(slowest, 3),
        "seconds": round(time.monotonic() - began, 1),
        "attacks": attacks,
        "failures": failures,
        "errors": len(failures),
    }
