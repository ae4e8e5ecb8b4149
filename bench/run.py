"""Every pluriel benchmark in one run, each figure a ratio to its ceiling on this machine.

    python bench/run.py --events 100000 --json bench.json [--quick]

One run, in order, on one fresh database (``DATABASE_URL``'s server, else an
embedded PostgreSQL in a temporary directory):

1. ingest: seeded Greater Region iCalendar feeds, read by the real ICS reader
   and applied by ``ingest_outcome``; then the same feeds again (unchanged);
   then a plain COPY of the rows the first ingest wrote into tables like them;
2. the database is grown to ``--events`` by copying the ingested events in SQL
   (dates shifted, titles renumbered), because ingesting 100,000 events at the
   measured rate would not fit the ten-minute budget;
3. reads: a GraphQL page of 20 and of 100 events through ``schema.execute``
   with the app's own context (pool and DataLoaders) against the statements
   the API issues, run bare on one psycopg connection; the same query on our
   strawberry schema and on a graphql-core schema, both over in-memory rows;
   text search with a date window; a page 50,000 events deep against page 1;
4. HTTP: the widget's list query as a GET through uvicorn (two workers) against
   a bare Starlette JSON endpoint, under the same load generator; the API
   workers' RSS is sampled meanwhile;
5. crawl: small ICS sources on a loopback server, crawled by ``run_crawl``.

The JSON holds each ratio at the top and every raw number under ``raw``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager, suppress
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from functools import partial
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from inspect import isawaitable
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script: make ``bench`` importable
    sys.path.insert(0, str(ROOT))

import httpx  # noqa: E402
import psutil  # type: ignore[import-untyped]  # noqa: E402
import psycopg  # noqa: E402
from psycopg.conninfo import make_conninfo  # noqa: E402

from bench.data import Feed, build_feeds  # noqa: E402
from bench.load import run_load  # noqa: E402
from pluriel.aggregator.ingest import ingest_outcome  # noqa: E402
from pluriel.crawlers import run_crawl  # noqa: E402
from pluriel.crawlers.settings import CrawlOptions  # noqa: E402
from pluriel.graphql import (  # noqa: E402
    Context,
    build_schema,
    cursors,
)
from pluriel.model import FetchOutcome, SourceFormat, SourceSpec  # noqa: E402
from pluriel.readers import read as read_feed  # noqa: E402
from pluriel.readers.common import ReadContext  # noqa: E402
from pluriel.settings import Settings  # noqa: E402
from pluriel.store import connect, migrate, open_async_pool, read, registry  # noqa: E402
from pluriel.store.db import EmbeddedServer  # noqa: E402

__all__ = ["main"]

Conn = psycopg.Connection[dict[str, Any]]

PAGE_QUERY = """
query Page($first: Int!, $after: String) {
  events(first: $first, after: $after) {
    edges {
      cursor
      node {
        id
        title
        place { id name locality lat lon }
        categories { id label }
        nextOccurrence { start end allDay }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
"""

SEARCH_QUERY = """
query Search($text: String!, $from: DateTime!, $to: DateTime!) {
  events(filter: {text: $text, from: $from, to: $to}, first: 20) {
    edges { node { id title nextOccurrence { start } } }
  }
}
"""

SEARCH_TERMS = (
    "jazz", "konzert", "théâtre", "atelier", "exposition", "moreau quartet", "liesung",
    "festival", "tanzabend", "kannertheater", "weber ensemble", "lecture",
)  # fmt: skip

GOALS = {
    "ingest_vs_copy": (">=", 0.5),
    "reingest_vs_ingest": (">=", 1.2),
    "graphql_vs_sql_p50_20": ("<=", 5.0),
    "graphql_vs_sql_p50_100": ("<=", 5.0),
    "strawberry_vs_graphql_core": ("<=", 1.15),
    "http_vs_bare": (">=", 0.1),
    "search_p95_ms": ("<=", 15.0),
    "keyset_deep_vs_first": ("<=", 2.0),
}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- database ---------------------------------------------------------------------------


@contextmanager
def fresh_database() -> Iterator[str]:
    """A new, migrated database on ``DATABASE_URL``'s server or an embedded one; dropped after."""
    home: Path | None = None
    server = os.environ.get("DATABASE_URL")
    if not server:
        home = Path(tempfile.mkdtemp(prefix="pluriel-bench-"))
        home.chmod(0o755)  # as root, pgserver runs PostgreSQL as its own user
        home.parent.chmod(home.parent.stat().st_mode | 0o755)
        server = EmbeddedServer(home).url()
    name = f"pluriel_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"drop database if exists {name}")
        admin.execute(f"create database {name}")
    url = make_conninfo(server, dbname=name)
    with connect(url) as conn:
        migrate(conn)
        conn.commit()
    try:
        yield url
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f"drop database if exists {name} with (force)")
        if home is not None:
            shutil.rmtree(home, ignore_errors=True)


def register(conn: Conn, feeds: list[Feed], base_url: str) -> list[SourceSpec]:
    ids: list[int] = []
    for feed in feeds:
        inst = registry.add_institution(
            conn,
            feed.institution.slug,
            name=feed.institution.name,
            country=feed.institution.country,
            website=feed.institution.website,
        )
        ids.append(
            registry.add_source(
                conn,
                institution_id=inst.id,
                format=SourceFormat.ICS,
                url=f"{base_url}/feeds/{feed.index}.ics",
                lang=feed.lang,
                timezone=feed.timezone,
            )
        )
    conn.commit()
    by_id = {spec.id: spec for spec in registry.load_sources(conn, ids=ids)}
    return [by_id[i] for i in ids]


# --- 1. ingest --------------------------------------------------------------------------


def ingest_round(
    conn: Conn, specs: list[SourceSpec], feeds: list[Feed], now: datetime
) -> dict[str, float]:
    parse = 0.0
    began = time.perf_counter()
    counts = {"new": 0, "updated": 0, "unchanged": 0, "errors": 0}
    for spec, feed in zip(specs, feeds, strict=True):
        t0 = time.perf_counter()
        context = ReadContext(now=now, lang=feed.lang, timezone=feed.timezone, url=spec.url)
        result = read_feed(SourceFormat.ICS, feed.body, context)
        parse += time.perf_counter() - t0
        outcome = FetchOutcome(source_id=spec.id, started_at=now, result=result, http_status=200)
        report = ingest_outcome(conn, spec, outcome, now=now)
        counts["new"] += report.new
        counts["updated"] += report.updated
        counts["unchanged"] += report.unchanged
        counts["errors"] += report.errors
    seconds = time.perf_counter() - began
    events = sum(f.events for f in feeds)
    return {
        "events": events,
        "seconds": round(seconds, 3),
        "parse_seconds": round(parse, 3),
        "events_per_s": round(events / seconds, 1),
        **counts,
    }


COPY_TABLES = {
    "event": "select * from event order by id",
    "event_text": "select * from event_text order by event_id, lang",
    "occurrence": "select * from occurrence order by id",
}


def copy_ceiling(conn: Conn, events: int) -> dict[str, float]:
    """COPY the rows the ingest wrote into tables like the real ones (same indexes)."""
    data: dict[str, bytes] = {}
    rows = 0
    for table, query in COPY_TABLES.items():
        with conn.cursor() as cur, cur.copy(f"copy ({query}) to stdout") as copy:
            data[table] = b"".join(bytes(chunk) for chunk in copy)
        rows += data[table].count(b"\n")
        conn.execute(
            f"create table bench_copy_{table} (like {table} including defaults including indexes)"
        )
    conn.commit()
    began = time.perf_counter()
    for table, body in data.items():
        with conn.cursor() as cur, cur.copy(f"copy bench_copy_{table} from stdin") as copy:
            copy.write(body)
    conn.commit()
    seconds = time.perf_counter() - began
    for table in data:
        conn.execute(f"drop table bench_copy_{table}")
    conn.commit()
    return {
        "events": events,
        "rows": rows,
        "seconds": round(seconds, 3),
        "events_per_s": round(events / seconds, 1),
    }


# --- 2. growing the database ------------------------------------------------------------

_EVENT_COLUMNS = (
    "institution_id, place_id, organiser_id, status, attendance_mode, timezone, rrule, url,"
    " booking_url, image_url, online_url, price, is_free, accessibility, age_min, age_max,"
    " languages, tags, provenance"
)
_OCC_COLUMNS = "all_day, floating, timezone, status, availability, recurrence_id"


def grow(conn: Conn, target: int) -> dict[str, float]:
    """Copy the ingested events in SQL up to ``target``: dates shifted, titles renumbered."""
    began = time.perf_counter()
    base = conn.execute("select count(*) as n, max(id) as top from event").fetchone() or {}
    have, top = int(base["n"]), int(base["top"] or 0)
    copies = 0
    while have < target and top:
        copies += 1
        take = min(have if copies == 1 else int(base["n"]), target - have)
        offset = top * copies
        conn.execute("drop table if exists bench_pick")
        conn.execute(
            "create temp table bench_pick as select id,"
            " make_interval(days => ((id * 7919 + %(k)s * 104729) %% 180)::int - 30) as shift"
            " from event where id <= %(top)s order by id limit %(take)s",
            {"k": copies, "top": top, "take": take},
        )
        conn.execute(
            f"insert into event (id, {_EVENT_COLUMNS}, first_start, last_end)"
            f" overriding system value select e.id + %(off)s, {_EVENT_COLUMNS},"
            " first_start + p.shift, last_end + p.shift from event e join bench_pick p using (id)",
            {"off": offset},
        )
        conn.execute(
            "insert into event_text (event_id, lang, title, subtitle, description, search)"
            " select t.event_id + %(off)s, lang,"
            " regexp_replace(title, '#([0-9]+)', '#\\1-' || %(k)s::text), subtitle, description,"
            " search from event_text t join bench_pick p on p.id = t.event_id",
            {"off": offset, "k": copies},
        )
        conn.execute(
            f"insert into occurrence (event_id, starts_at, ends_at, {_OCC_COLUMNS}, previous_start)"
            f" select o.event_id + %(off)s, starts_at + p.shift, ends_at + p.shift, {_OCC_COLUMNS},"
            " previous_start from occurrence o join bench_pick p on p.id = o.event_id",
            {"off": offset},
        )
        conn.execute(
            "insert into event_category (event_id, category_id)"
            " select c.event_id + %(off)s, category_id from event_category c"
            " join bench_pick p on p.id = c.event_id",
            {"off": offset},
        )
        have += take
    conn.execute(
        "select setval(pg_get_serial_sequence('event', 'id'), (select max(id) from event))"
    )
    conn.commit()
    conn.execute("analyze")
    conn.commit()
    counts = (
        conn.execute(
            "select (select count(*) from event) as events,"
            " (select count(*) from occurrence) as occurrences,"
            " (select count(*) from event_text) as texts,"
            " (select count(*) from place) as places"
        ).fetchone()
        or {}
    )
    return {
        **{k: int(v) for k, v in counts.items()},
        "seconds": round(time.perf_counter() - began, 3),
    }


# --- 3. reads ---------------------------------------------------------------------------


async def timed(fn: Callable[[], Awaitable[Any]], runs: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        await fn()
    out: list[float] = []
    for _ in range(runs):
        began = time.perf_counter()
        await fn()
        out.append((time.perf_counter() - began) * 1000)
    return out


def _check(result: Any) -> Any:
    if result.errors:
        raise RuntimeError(f"GraphQL errors: {result.errors}")
    return result.data


async def sql_page(pool: Any, first: int, now: datetime) -> None:
    """What the API reads for one page, as bare statements on one connection."""
    async with pool.connection() as conn:
        page = await read.events_page(
            conn, read.ReadFilter(window=read.Window(now, None)), first=first
        )
        ids = [row.id for row in page.rows]
        await read.texts_for_events(conn, ids)
        await read.places_by_ids(conn, sorted({r.place_id for r in page.rows if r.place_id}))
        await read.categories_for_events(conn, ids)
        await read.next_occurrences(conn, ids, now=now)


async def _sql_now(pool: Any, first: int) -> None:
    await sql_page(pool, first, datetime.now(UTC))


async def read_benchmarks(url: str, *, runs: int, depth: int) -> dict[str, Any]:
    schema = build_schema()
    pool = open_async_pool(url, min_size=4, max_size=4)
    await pool.open(wait=True)
    out: dict[str, Any] = {}
    try:

        async def gql(first: int, after: str | None = None) -> Any:
            result = await schema.execute(
                PAGE_QUERY,
                variable_values={"first": first, "after": after},
                context_value=Context.create(pool),
            )
            return _check(result)

        for first in (20, 100):
            n = runs if first == 20 else max(10, runs // 2)
            graph = await timed(partial(gql, first), n)
            bare = await timed(partial(_sql_now, pool, first), n)
            out[f"page_{first}"] = {
                "runs": n,
                "graphql_p50_ms": round(statistics.median(graph), 3),
                "sql_p50_ms": round(statistics.median(bare), 3),
                "edges": len((await gql(first))["events"]["edges"]),
            }
        log("pages done")

        rng = random.Random(7)
        now = datetime.now(UTC)

        async def search() -> None:
            start = now + timedelta(days=rng.randint(0, 60))
            variables = {
                "text": rng.choice(SEARCH_TERMS),
                "from": start.isoformat(),
                "to": (start + timedelta(days=30)).isoformat(),
            }
            result = await schema.execute(
                SEARCH_QUERY, variable_values=variables, context_value=Context.create(pool)
            )
            _check(result)

        searches = await timed(search, runs)
        out["search"] = {
            "runs": runs,
            "p50_ms": round(statistics.median(searches), 3),
            "p95_ms": round(pct(searches, 95), 3),
            "terms": list(SEARCH_TERMS),
            "window_days": 30,
        }
        log("search done")

        async with pool.connection() as conn:
            cur = await conn.execute(
                "select count(*) as n from event e where e.deleted_at is null and exists"
                " (select 1 from occurrence o where o.event_id = e.id"
                " and (o.starts_at >= %(now)s or o.ends_at > %(now)s))",
                {"now": now},
            )
            upcoming = int((await cur.fetchone() or {"n": 0})["n"])
            reach = max(0, min(depth, upcoming - 21))
            cur = await conn.execute(
                "select e.id, f.s from event e cross join lateral (select o.starts_at as s"
                " from occurrence o where o.event_id = e.id"
                " and (o.starts_at >= %(now)s or o.ends_at > %(now)s)"
                " order by o.starts_at, o.id limit 1) f where e.deleted_at is null"
                " order by f.s, e.id offset %(reach)s limit 1",
                {"now": now, "reach": max(0, reach - 1)},
            )
            row = await cur.fetchone()
        cursor = (
            None
            if row is None or reach == 0
            else cursors.encode_event(read.EventKey(row["s"], row["id"]))
        )
        first_page = await timed(lambda: gql(20), runs)
        deep_page = await timed(lambda: gql(20, cursor), runs)
        out["keyset"] = {
            "depth": reach,
            "upcoming_events": upcoming,
            "first_p50_ms": round(statistics.median(first_page), 3),
            "deep_p50_ms": round(statistics.median(deep_page), 3),
            "deep_edges": len((await gql(20, cursor))["events"]["edges"]),
        }
        log("keyset done")

        out["layer"] = await layer_benchmark(pool, runs=runs * 2)
        log("layer done")
    finally:
        await pool.close()
    return out


# --- 3b. strawberry against graphql-core over in-memory rows ----------------------------


#: What the in-memory reads receive instead of a connection and a filter: they ignore both.
NO_CONN: Any = None
NO_FILTER: Any = None


class _NoPool:
    """Stands for the pool when every read is answered from memory."""

    @asynccontextmanager
    async def connection(self, timeout: float | None = None) -> Any:
        yield None


async def layer_benchmark(pool: Any, *, runs: int) -> dict[str, Any]:
    from strawberry.dataloader import DataLoader

    from graphql import (
        GraphQLArgument,
        GraphQLBoolean,
        GraphQLField,
        GraphQLFloat,
        GraphQLID,
        GraphQLInt,
        GraphQLList,
        GraphQLNonNull,
        GraphQLObjectType,
        GraphQLScalarType,
        GraphQLSchema,
        GraphQLString,
        execute,
        graphql,
        parse,
        validate,
    )
    from pluriel.model import I18nText

    now = datetime.now(UTC)
    async with pool.connection() as conn:
        page = await read.events_page(
            conn, read.ReadFilter(window=read.Window(now, None)), first=20
        )
        ids = [row.id for row in page.rows]
        texts = await read.texts_for_events(conn, ids)
        places = await read.places_by_ids(
            conn, sorted({r.place_id for r in page.rows if r.place_id})
        )
        categories = await read.categories_for_events(conn, ids)
        nexts = await read.next_occurrences(conn, ids, now=now)

    async def m_events_page(conn: Any, flt: Any, *, first: int, after: Any = None) -> Any:
        return page

    async def m_texts(conn: Any, keys: Any) -> Any:
        return {k: texts[k] for k in keys if k in texts}

    async def m_places(conn: Any, keys: Any) -> Any:
        return {k: places[k] for k in keys if k in places}

    async def m_categories(conn: Any, keys: Any) -> Any:
        return {k: categories[k] for k in keys if k in categories}

    async def m_next(conn: Any, keys: Any, *, now: datetime) -> Any:
        return {k: nexts[k] for k in keys if k in nexts}

    patched = {
        "events_page": m_events_page,
        "texts_for_events": m_texts,
        "places_by_ids": m_places,
        "categories_for_events": m_categories,
        "next_occurrences": m_next,
    }
    saved = {name: getattr(read, name) for name in patched}
    # graphql-core: the same types and fields, resolvers over the same in-memory reads.
    datetime_type = GraphQLScalarType("DateTime", serialize=lambda v: v.isoformat())
    lang_arg = {"lang": GraphQLArgument(GraphQLString)}
    place_type = GraphQLObjectType(
        "Place",
        {
            "id": GraphQLField(GraphQLNonNull(GraphQLID), resolve=lambda r, i: str(r.id)),
            "name": GraphQLField(
                GraphQLNonNull(GraphQLString),
                args=lang_arg,
                resolve=lambda r, i, lang=None: I18nText.of(r.name).get(lang) or "",
            ),
            "locality": GraphQLField(GraphQLString, resolve=lambda r, i: r.locality),
            "lat": GraphQLField(GraphQLFloat, resolve=lambda r, i: r.lat),
            "lon": GraphQLField(GraphQLFloat, resolve=lambda r, i: r.lon),
        },
    )
    category_type = GraphQLObjectType(
        "Category",
        {
            "id": GraphQLField(GraphQLNonNull(GraphQLID), resolve=lambda r, i: r.id),
            "label": GraphQLField(
                GraphQLNonNull(GraphQLString),
                args=lang_arg,
                resolve=lambda r, i, lang=None: I18nText.of(r.labels).get(lang) or r.id,
            ),
        },
    )
    occurrence_type = GraphQLObjectType(
        "Occurrence",
        {
            "start": GraphQLField(GraphQLNonNull(datetime_type), resolve=lambda r, i: r.starts_at),
            "end": GraphQLField(datetime_type, resolve=lambda r, i: r.ends_at),
            "allDay": GraphQLField(GraphQLNonNull(GraphQLBoolean), resolve=lambda r, i: r.all_day),
        },
    )

    async def title(row: Any, info: Any, lang: str | None = None) -> str:
        rows = await info.context["texts"].load(row.id)
        return I18nText.of((t.lang, t.title) for t in rows).get(lang) or ""

    async def place(row: Any, info: Any) -> Any:
        return None if row.place_id is None else await info.context["place"].load(row.place_id)

    async def cats(row: Any, info: Any) -> Any:
        return await info.context["categories"].load(row.id)

    async def next_occ(row: Any, info: Any) -> Any:
        return await info.context["next"].load(row.id)

    event_type = GraphQLObjectType(
        "Event",
        {
            "id": GraphQLField(GraphQLNonNull(GraphQLID), resolve=lambda r, i: str(r.id)),
            "title": GraphQLField(GraphQLNonNull(GraphQLString), args=lang_arg, resolve=title),
            "place": GraphQLField(place_type, resolve=place),
            "categories": GraphQLField(
                GraphQLNonNull(GraphQLList(GraphQLNonNull(category_type))), resolve=cats
            ),
            "nextOccurrence": GraphQLField(occurrence_type, resolve=next_occ),
        },
    )
    edge_type = GraphQLObjectType(
        "EventEdge",
        {
            "cursor": GraphQLField(
                GraphQLNonNull(GraphQLString), resolve=lambda r, i: cursors.encode_event(r.key)
            ),
            "node": GraphQLField(GraphQLNonNull(event_type), resolve=lambda r, i: r),
        },
    )
    page_info = GraphQLObjectType(
        "PageInfo",
        {
            "hasNextPage": GraphQLField(GraphQLNonNull(GraphQLBoolean)),
            "endCursor": GraphQLField(GraphQLString),
        },
    )
    connection = GraphQLObjectType(
        "EventConnection",
        {
            "edges": GraphQLField(
                GraphQLNonNull(GraphQLList(GraphQLNonNull(edge_type))),
                resolve=lambda r, i: r["rows"],
            ),
            "pageInfo": GraphQLField(GraphQLNonNull(page_info), resolve=lambda r, i: r["info"]),
        },
    )

    async def events(root: Any, info: Any, first: int = 20, after: str | None = None) -> Any:
        found = await read.events_page(NO_CONN, NO_FILTER, first=first)
        end = cursors.encode_event(found.rows[-1].key) if found.rows else None
        return {"rows": found.rows, "info": {"hasNextPage": found.has_next, "endCursor": end}}

    core_schema = GraphQLSchema(
        GraphQLObjectType(
            "Query",
            {
                "events": GraphQLField(
                    GraphQLNonNull(connection),
                    args={
                        "first": GraphQLArgument(GraphQLInt),
                        "after": GraphQLArgument(GraphQLString),
                    },
                    resolve=events,
                )
            },
        )
    )

    def core_context() -> dict[str, Any]:
        async def by(fn: Any, keys: list[int]) -> list[Any]:
            found = await fn(None, keys)
            return [found.get(k) for k in keys]

        async def next_by(keys: list[int]) -> list[Any]:
            found = await read.next_occurrences(NO_CONN, keys, now=now)
            return [found.get(k) for k in keys]

        async def cats_by(keys: list[int]) -> list[Any]:
            found = await read.categories_for_events(NO_CONN, keys)
            return [found.get(k, []) for k in keys]

        return {
            "texts": DataLoader(load_fn=lambda keys: _texts_list(read.texts_for_events, keys)),
            "place": DataLoader(load_fn=lambda keys: by(read.places_by_ids, keys)),
            "categories": DataLoader(load_fn=cats_by),
            "next": DataLoader(load_fn=next_by),
        }

    ours = build_schema()
    variables = {"first": 20, "after": None}
    no_pool: Any = _NoPool()
    try:
        for name, fn in patched.items():
            setattr(read, name, fn)
        a = _check(
            await ours.execute(
                PAGE_QUERY, variable_values=variables, context_value=Context.create(no_pool)
            )
        )
        # Our schema caches parsing and validation (ParserCache, ValidationCache): so does this.
        document = parse(PAGE_QUERY)
        if validate(core_schema, document):
            raise RuntimeError("the graphql-core schema does not accept the query")

        async def run_core() -> Any:
            result = execute(
                core_schema, document, variable_values=variables, context_value=core_context()
            )
            return _check(await result if isawaitable(result) else result)

        async def run_core_uncached() -> None:
            _check(
                await graphql(
                    core_schema, PAGE_QUERY, variable_values=variables, context_value=core_context()
                )
            )

        b = await run_core()
        if json.dumps(a, default=str, sort_keys=True) != json.dumps(b, default=str, sort_keys=True):
            raise RuntimeError("strawberry and graphql-core answered differently")

        async def run_ours() -> None:
            _check(
                await ours.execute(
                    PAGE_QUERY, variable_values=variables, context_value=Context.create(no_pool)
                )
            )

        ours_ms: list[float] = []
        core_ms: list[float] = []
        for _ in range(3):  # interleaved, so drift hits both alike
            ours_ms += await timed(run_ours, runs // 3)
            core_ms += await timed(run_core, runs // 3)
        uncached_ms = await timed(run_core_uncached, runs // 3)
    finally:
        for name, fn in saved.items():
            setattr(read, name, fn)
    return {
        "runs": len(ours_ms),
        "edges": len(a["events"]["edges"]),
        "strawberry_p50_ms": round(statistics.median(ours_ms), 3),
        "graphql_core_p50_ms": round(statistics.median(core_ms), 3),
        "graphql_core_uncached_p50_ms": round(statistics.median(uncached_ms), 3),
    }


async def _texts_list(fn: Any, keys: list[int]) -> list[Any]:
    found = await fn(None, keys)
    return [found.get(k, []) for k in keys]


# --- 4. HTTP ----------------------------------------------------------------------------


@contextmanager
def uvicorn(factory: str, url: str, *, workers: int = 2) -> Iterator[tuple[str, psutil.Process]]:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable, "-m", "uvicorn", "--factory", factory, "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--log-level", "warning",
        "--no-access-log",
    ]  # fmt: skip
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            with suppress(httpx.HTTPError):
                if httpx.get(f"{base}/graphql", timeout=2).status_code < 500:
                    break
            if time.monotonic() > deadline or process.poll() is not None:
                raise RuntimeError(f"uvicorn {factory} did not start")
            time.sleep(0.2)
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RssSampler(threading.Thread):
    """Peak resident memory of a process's children (the uvicorn workers)."""

    def __init__(self, parent: psutil.Process) -> None:
        super().__init__(daemon=True)
        self.parent = parent
        self.stop = threading.Event()
        self.peak_total = 0.0
        self.peak_worker = 0.0

    def run(self) -> None:
        while not self.stop.is_set():
            sizes = []
            for child in self.parent.children(recursive=True):
                with suppress(psutil.Error):
                    if "multiprocessing" not in " ".join(child.cmdline()[:3]) or True:
                        sizes.append(child.memory_info().rss / 2**20)
            if sizes:
                self.peak_total = max(self.peak_total, sum(sizes))
                self.peak_worker = max(self.peak_worker, max(sizes))
            self.stop.wait(0.25)


def widget_url(base: str) -> str:
    document = (ROOT / "src/pluriel/web/widget/documents/list.graphql").read_text(encoding="utf-8")
    variables = {"first": 20, "lang": "fr", "withCategories": False}
    return f"{base}/graphql?" + urlencode({"query": document, "variables": json.dumps(variables)})


def http_benchmark(url: str, *, duration: float, warmup: float, concurrency: int) -> dict[str, Any]:
    limit = 1_000_000
    with uvicorn("bench.asgi:api", url) as (base, parent):
        target = widget_url(base)
        check = httpx.get(target, timeout=10)
        if check.status_code != 200 or "errors" in check.json():
            raise RuntimeError(f"widget query failed: {check.status_code} {check.text[:300]}")
        run_load(target, concurrency=concurrency, duration=warmup, requests=500)  # warm up
        sampler = RssSampler(parent)
        sampler.start()
        api = run_load(target, concurrency=concurrency, duration=duration, requests=limit)
        sampler.stop.set()
        sampler.join()
        revalidated = run_load_with_etag(target, check.headers.get("etag"), concurrency, duration)
    with uvicorn("bench.asgi:api_cached", url) as (base, _):
        target = widget_url(base)
        run_load(target, concurrency=concurrency, duration=warmup, requests=500)
        cached = run_load(target, concurrency=concurrency, duration=duration, requests=limit)
    with uvicorn("bench.asgi:bare", url) as (base, _):
        run_load(f"{base}/graphql", concurrency=concurrency, duration=warmup, requests=500)
        bare = run_load(
            f"{base}/graphql", concurrency=concurrency, duration=duration, requests=limit
        )
    return {
        "api": asdict(api),
        "bare": asdict(bare),
        "api_304": revalidated,
        "api_behind_response_cache": asdict(cached),
        "rss_total_mb": round(sampler.peak_total, 1),
        "rss_worker_mb": round(sampler.peak_worker, 1),
        "body_bytes": len(check.content),
    }


def run_load_with_etag(
    target: str, etag: str | None, concurrency: int, duration: float
) -> dict[str, Any] | None:
    """The same GET with If-None-Match, as a browser or nginx revalidating: a 304 each time."""
    if etag is None or not shutil.which("wrk"):
        return None
    command = [
        "wrk", "-t2", f"-c{concurrency}", f"-d{max(1, round(duration))}s",
        "-H", f"If-None-Match: {etag}", target,
    ]  # fmt: skip
    out = subprocess.run(command, capture_output=True, text=True, timeout=duration + 30).stdout
    for line in out.splitlines():
        if line.startswith("Requests/sec:"):
            return {"rps": float(line.split()[1])}
    return None


# --- 5. crawl ---------------------------------------------------------------------------


class _Site(BaseHTTPRequestHandler):
    documents: ClassVar[dict[str, bytes]] = {}

    def do_GET(self) -> None:
        body = self.documents.get(self.path)
        if body is None:
            self.send_response(404)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "text/calendar; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        return


def crawl_benchmark(url: str, *, sources: int, now: datetime) -> dict[str, Any]:
    feeds, _ = build_feeds(events=sources * 5, sources=sources, seed=99, day0=now.date(), stamp=now)
    handler = type(
        "Site", (_Site,), {"documents": {f"/feeds/{f.index}.ics": f.body for f in feeds}}
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    home = Path(tempfile.mkdtemp(prefix="pluriel-crawl-"))
    try:
        with connect(url) as conn:
            conn.execute("truncate source_run")
            specs = register(conn, feeds, base)
        outcomes: list[FetchOutcome] = []
        options = CrawlOptions(
            throttle_start_delay=0.0,
            throttle_max_delay=0.0,
            retries=0,
            download_timeout=10.0,
            overall_timeout=600.0,
        )
        settings = Settings(home=home, database_url=url, allow_private_networks=True)
        began = time.perf_counter()
        run_crawl(
            specs,
            settings=settings,
            sink=outcomes.append,
            now=now,
            allowed_hosts=frozenset({"127.0.0.1"}),
            options=options,
        )
        seconds = time.perf_counter() - began
    finally:
        server.shutdown()
        shutil.rmtree(home, ignore_errors=True)
    ok = sum(1 for o in outcomes if o.result is not None and o.error is None)
    events = sum(len(o.result.events) for o in outcomes if o.result is not None)
    return {
        "sources": sources,
        "ok": ok,
        "events": events,
        "seconds": round(seconds, 3),
        "sources_per_min": round(ok / seconds * 60, 1),
        "options": {
            "throttle_start_delay": 0.0,
            "throttle_max_delay": 0.0,
            "retries": 0,
            "concurrent_requests_per_domain": 2,
        },
    }


# --- the run ----------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    model = ""
    with suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "nproc": os.cpu_count(),
        "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
        "cpu": model or platform.processor(),
        "python": platform.python_version(),
        "platform": platform.platform(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="pluriel benchmarks, one JSON object")
    parser.add_argument("--events", type=int, required=True, help="events in the database (N)")
    parser.add_argument("--json", type=Path, required=True, help="where to write the result")
    parser.add_argument("--quick", action="store_true", help="few repetitions (CI smoke run)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument(
        "--ingest-events", type=int, default=10_000,
        help="events ingested through the real path (the rest is copied in SQL)",
    )  # fmt: skip
    parser.add_argument("--sources", type=int, default=100, help="feeds the ingest is split into")
    parser.add_argument("--crawl-sources", type=int, default=None, help="default 1000, 20 quick")
    args = parser.parse_args(argv)
    quick = args.quick
    if args.crawl_sources is None:
        args.crawl_sources = 20 if quick else 1000
    runs = 15 if quick else 200
    began = time.perf_counter()
    now = datetime.now(UTC).replace(microsecond=0)
    sample = max(1, min(args.events, args.ingest_events))
    sources = max(1, min(args.sources, sample // 10 or 1))
    raw: dict[str, Any] = {"events": args.events, "quick": quick, "seed": args.seed}

    with fresh_database() as url:
        log(f"database ready; generating {sample} events in {sources} feeds")
        feeds, _ = build_feeds(
            events=sample, sources=sources, seed=args.seed, day0=now.date(), stamp=now
        )
        raw["feed_bytes"] = sum(len(f.body) for f in feeds)
        with connect(url) as conn:
            specs = register(conn, feeds, "http://127.0.0.1:9")
            raw["ingest"] = ingest_round(conn, specs, feeds, now)
            log(f"ingest: {raw['ingest']}")
            raw["reingest"] = ingest_round(conn, specs, feeds, now + timedelta(minutes=1))
            log(f"reingest: {raw['reingest']}")
            raw["copy"] = copy_ceiling(conn, raw["ingest"]["events"])
            log(f"copy: {raw['copy']}")
            raw["grow"] = grow(conn, args.events)
            log(f"grown: {raw['grow']}")
        depth = 50_000
        raw["reads"] = asyncio.run(read_benchmarks(url, runs=runs, depth=depth))
        raw["http"] = http_benchmark(
            url, duration=1 if quick else 10, warmup=0.5 if quick else 3, concurrency=32
        )
        log(f"http: {raw['http']}")
        crawl_sources = args.crawl_sources
        raw["crawl"] = crawl_benchmark(url, sources=crawl_sources, now=now)
        log(f"crawl: {raw['crawl']}")

    reads = raw["reads"]
    result: dict[str, Any] = {
        "ingest_vs_copy": round(raw["ingest"]["events_per_s"] / raw["copy"]["events_per_s"], 4),
        "reingest_vs_ingest": round(
            raw["reingest"]["events_per_s"] / raw["ingest"]["events_per_s"], 3
        ),
        "graphql_vs_sql_p50_20": round(
            reads["page_20"]["graphql_p50_ms"] / reads["page_20"]["sql_p50_ms"], 3
        ),
        "graphql_vs_sql_p50_100": round(
            reads["page_100"]["graphql_p50_ms"] / reads["page_100"]["sql_p50_ms"], 3
        ),
        "strawberry_vs_graphql_core": round(
            reads["layer"]["strawberry_p50_ms"] / reads["layer"]["graphql_core_p50_ms"], 3
        ),
        "http_vs_bare": round(raw["http"]["api"]["rps"] / raw["http"]["bare"]["rps"], 4),
        "search_p95_ms": reads["search"]["p95_ms"],
        "keyset_deep_vs_first": round(
            reads["keyset"]["deep_p50_ms"] / reads["keyset"]["first_p50_ms"], 3
        ),
        "api_rss_mb": raw["http"]["rss_total_mb"],
        "crawl_sources_per_min": raw["crawl"]["sources_per_min"],
    }
    result["goals"] = {
        key: {
            "goal": f"{op} {bound}",
            "met": result[key] >= bound if op == ">=" else result[key] <= bound,
        }
        for key, (op, bound) in GOALS.items()
    }
    raw["machine"] = machine()
    raw["seconds"] = round(time.perf_counter() - began, 1)
    raw["started"] = now.isoformat()
    result["raw"] = raw
    args.json.write_text(json.dumps(result, indent=2, default=str) + "\n", encoding="utf-8")
    log(f"done in {raw['seconds']} s -> {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
