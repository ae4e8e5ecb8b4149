"""Prometheus metrics: request latency, GraphQL query cost, crawl runs and ingest counts.

Every metric lives on a :class:`Metrics` object bound to one registry, so a
test builds its own and reads exact values; the process-wide default
(:data:`METRICS`, on prometheus_client's default registry) is what the
module-level functions feed, for callers that should not carry an object
around (the GraphQL cost check, the CLI after an ingest).

Label values are bounded on purpose: a route is its template
(``/feeds/{lang}``), never the raw path, and a request that matched no route
is ``<unmatched>``; an unknown crawl status is ``other``. A scraper hitting
random URLs must not grow the series without limit.

With several uvicorn workers each process counts on its own; set
``PROMETHEUS_MULTIPROC_DIR`` to a writable directory, empty it with
:func:`pluriel.ops.multiprocess.prepare_multiprocess_dir` before anything
imports this module (prometheus_client opens its files there at import),
and pass the same directory to :func:`metrics_route`, which then sums every
worker's files.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from wsgiref.simple_server import WSGIServer

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    start_http_server,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CRAWL_STATUSES",
    "INGEST_OUTCOMES",
    "METRICS",
    "Metrics",
    "MetricsMiddleware",
    "metrics_route",
    "observe_query_cost",
    "observe_run",
    "serve_metrics",
]

#: The statuses a crawl run ends with (``crawl_run.status``); others count as ``other``.
CRAWL_STATUSES = frozenset({"ok", "unchanged", "suspicious", "failed"})
INGEST_OUTCOMES = ("new", "updated", "unchanged", "removed", "error")
UNMATCHED = "<unmatched>"

# Seconds: a cached widget answer takes about a millisecond, a deep search tens.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# Cost points of the GraphQL cost check: a widget page is tens, the ceiling thousands.
COST_BUCKETS = (1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000)


class Metrics:
    """The pluriel metrics, registered on one registry."""

    def __init__(self, registry: CollectorRegistry | None = REGISTRY) -> None:
        self.registry = registry
        self.request_seconds = Histogram(
            "pluriel_http_request_duration_seconds",
            "Time from request to the end of the response, by route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.query_cost = Histogram(
            "pluriel_graphql_query_cost",
            "Cost points of each GraphQL query that passed parsing and validation.",
            buckets=COST_BUCKETS,
            registry=registry,
        )
        self.crawl_runs = Counter(
            "pluriel_crawl_runs",
            "Crawl runs of one source, by how they ended.",
            ["status"],
            registry=registry,
        )
        self.ingest_items = Counter(
            "pluriel_ingest_items",
            "Items seen by ingest, by outcome (new, updated, unchanged, removed, error).",
            ["outcome"],
            registry=registry,
        )
        # Every label value exists from the start, so a rate() has a zero to start from.
        for status in sorted(CRAWL_STATUSES | {"other"}):
            self.crawl_runs.labels(status=status)
        for outcome in INGEST_OUTCOMES:
            self.ingest_items.labels(outcome=outcome)

    def observe_query_cost(self, cost: int) -> None:
        if cost >= 0:
            self.query_cost.observe(cost)

    def observe_run(
        self, status: str, *, new: int, updated: int, unchanged: int, removed: int, errors: int
    ) -> None:
        self.crawl_runs.labels(status=status if status in CRAWL_STATUSES else "other").inc()
        counts = zip(INGEST_OUTCOMES, (new, updated, unchanged, removed, errors), strict=True)
        for outcome, count in counts:
            if count > 0:
                self.ingest_items.labels(outcome=outcome).inc(count)

    def observe_request(self, *, method: str, route: str, status: int, seconds: float) -> None:
        self.request_seconds.labels(method=method, route=route, status=str(status)).observe(seconds)


METRICS = Metrics()


def observe_query_cost(cost: int) -> None:
    """Record the cost of one GraphQL query (the GraphQL layer calls this after its check)."""
    METRICS.observe_query_cost(cost)


def observe_run(
    status: str, *, new: int, updated: int, unchanged: int, removed: int, errors: int
) -> None:
    """Record one finished crawl run of one source and what its ingest did."""
    METRICS.observe_run(
        status, new=new, updated=updated, unchanged=unchanged, removed=removed, errors=errors
    )


def _mount_prefix(mount: Mount) -> str:
    # Mount compiles "<path>/{path:path}"; its own template without that tail.
    return mount.path_format.removesuffix("/{path}")


def route_template(routes: Iterable[BaseRoute], scope: Scope) -> str | None:
    """The template of the route that serves ``scope`` (a partial match is a 405), or None."""
    partial: tuple[BaseRoute, Scope] | None = None
    for route in routes:
        match, child = route.matches(scope)
        if match is Match.FULL:
            return _template(route, {**scope, **child})
        if match is Match.PARTIAL and partial is None:
            partial = (route, {**scope, **child})
    if partial is not None:
        return _template(*partial)
    return None


def _template(route: BaseRoute, scope: Scope) -> str:
    if isinstance(route, Mount):
        if route.routes:
            inner = route_template(route.routes, scope)
            return _mount_prefix(route) + (inner or UNMATCHED)
        return route.path_format
    if isinstance(route, Route):
        return route.path_format
    return UNMATCHED


class MetricsMiddleware:
    """Time every HTTP request and label it by method, route template and status.

    The route is found after the response, by matching the untouched scope
    against the router that served it, so mounts nest correctly. A request
    that raises counts as a 500 and the error goes on up.
    """

    def __init__(self, app: ASGIApp, *, metrics: Metrics | None = None) -> None:
        self.app = app
        self.metrics = metrics or METRICS

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        original = dict(scope)
        status = 500
        started = time.perf_counter()

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            router = scope.get("router")
            routes = getattr(router, "routes", None)
            template = route_template(routes, original) if routes is not None else None
            self.metrics.observe_request(
                method=scope["method"],
                route=template or UNMATCHED,
                status=status,
                seconds=time.perf_counter() - started,
            )


def _registry_for(
    registry: CollectorRegistry | None, multiprocess_dir: str | Path | None
) -> CollectorRegistry:
    if multiprocess_dir is not None:
        merged = CollectorRegistry()
        # prometheus_client leaves this constructor unannotated.
        MultiProcessCollector(merged, path=str(multiprocess_dir))  # type: ignore[no-untyped-call]
        return merged
    return registry or REGISTRY


def metrics_route(
    path: str = "/metrics",
    *,
    registry: CollectorRegistry | None = None,
    multiprocess_dir: str | Path | None = None,
) -> Route:
    """A Starlette route exposing ``registry`` (or every worker's files) as Prometheus text.

    Serve it on the API's port but keep it away from the public: the nginx
    in front answers 404 for it, and Prometheus scrapes the pods directly.
    """

    def endpoint(request: Request) -> Response:
        body = generate_latest(_registry_for(registry, multiprocess_dir))
        return Response(body, media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"})

    return Route(path, endpoint, methods=["GET"], name="metrics")


def serve_metrics(
    *, port: int, host: str = "127.0.0.1", registry: CollectorRegistry | None = None
) -> WSGIServer:
    """Expose ``registry`` on its own port from a daemon thread; returns the server.

    The crawl scheduler has no web app of its own; this is how Prometheus
    reaches its run counters. Call ``shutdown()`` on the result to stop it.
    """
    server, _thread = start_http_server(port, addr=host, registry=registry or REGISTRY)
    return server
