"""Metrics: exact counts through a Starlette app of our own, the exposition, worker files."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route

from pluriel.ops.metrics import (
    Metrics,
    MetricsMiddleware,
    metrics_route,
    serve_metrics,
)
from pluriel.ops.multiprocess import prepare_multiprocess_dir
from tests.ops.conftest import call

LATENCY = "pluriel_http_request_duration_seconds_count"


def _ok(request: Request) -> Response:
    return PlainTextResponse("ok")


def _boom(request: Request) -> Response:
    raise RuntimeError("boom")


def _app(metrics: Metrics, registry: CollectorRegistry) -> Starlette:
    return Starlette(
        routes=[
            Route("/items/{item_id:int}", _ok),
            Route("/boom", _boom),
            Mount("/feeds", routes=[Route("/{lang}.ics", _ok)]),
            metrics_route(registry=registry),
        ],
        middleware=[Middleware(MetricsMiddleware, metrics=metrics)],
    )


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def metrics(registry: CollectorRegistry) -> Metrics:
    return Metrics(registry)


def _count(registry: CollectorRegistry, method: str, route: str, status: str) -> float | None:
    labels = {"method": method, "route": route, "status": status}
    return registry.get_sample_value(LATENCY, labels)


def test_requests_are_labelled_by_route_template_and_status(
    metrics: Metrics, registry: CollectorRegistry
) -> None:
    app = _app(metrics, registry)
    statuses = [
        call(app, method, url).status_code
        for method, url in [
            ("GET", "/items/1"),
            ("GET", "/items/2"),
            ("POST", "/items/3"),
            ("GET", "/feeds/fr.ics"),
            ("GET", "/no/such/page"),
            ("GET", "/boom"),
        ]
    ]
    assert statuses == [200, 200, 405, 200, 404, 500]

    assert _count(registry, "GET", "/items/{item_id}", "200") == 2.0
    assert _count(registry, "POST", "/items/{item_id}", "405") == 1.0
    assert _count(registry, "GET", "/feeds/{lang}.ics", "200") == 1.0
    assert _count(registry, "GET", "<unmatched>", "404") == 1.0
    assert _count(registry, "GET", "/boom", "500") == 1.0
    # The raw path never becomes a label.
    assert _count(registry, "GET", "/items/1", "200") is None


def test_crawl_runs_and_ingest_counts(metrics: Metrics, registry: CollectorRegistry) -> None:
    metrics.observe_run("ok", new=3, updated=1, unchanged=5, removed=0, errors=2)
    metrics.observe_run("failed", new=0, updated=0, unchanged=0, removed=0, errors=0)
    metrics.observe_run("exploded", new=-4, updated=0, unchanged=0, removed=1, errors=0)

    runs = {
        status: registry.get_sample_value("pluriel_crawl_runs_total", {"status": status})
        for status in ["ok", "unchanged", "suspicious", "failed", "other"]
    }
    assert runs == {"ok": 1.0, "unchanged": 0.0, "suspicious": 0.0, "failed": 1.0, "other": 1.0}
    items = {
        outcome: registry.get_sample_value("pluriel_ingest_items_total", {"outcome": outcome})
        for outcome in ["new", "updated", "unchanged", "removed", "error"]
    }
    assert items == {"new": 3.0, "updated": 1.0, "unchanged": 5.0, "removed": 1.0, "error": 2.0}


def test_query_cost_histogram(metrics: Metrics, registry: CollectorRegistry) -> None:
    for cost in [3, 40, 40, 7000, -1]:
        metrics.observe_query_cost(cost)
    assert registry.get_sample_value("pluriel_graphql_query_cost_count") == 4.0
    assert registry.get_sample_value("pluriel_graphql_query_cost_sum") == 7083.0
    assert registry.get_sample_value("pluriel_graphql_query_cost_bucket", {"le": "50.0"}) == 3.0
    assert registry.get_sample_value("pluriel_graphql_query_cost_bucket", {"le": "5000.0"}) == 3.0


def test_metrics_route_serves_the_text_format(
    metrics: Metrics, registry: CollectorRegistry
) -> None:
    metrics.observe_run("ok", new=2, updated=0, unchanged=0, removed=0, errors=0)
    response = call(_app(metrics, registry), "GET", "/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; version=1.0.0; charset=utf-8"
    assert response.headers["cache-control"] == "no-store"
    lines = response.text.splitlines()
    assert 'pluriel_crawl_runs_total{status="ok"} 1.0' in lines
    assert 'pluriel_ingest_items_total{outcome="new"} 2.0' in lines
    assert "# TYPE pluriel_http_request_duration_seconds histogram" in lines


WORKER = """
import os, sys
from pluriel.ops.multiprocess import prepare_multiprocess_dir
if sys.argv[2] == "first":  # as `pluriel serve` does before it starts the workers
    prepare_multiprocess_dir(os.environ["PROMETHEUS_MULTIPROC_DIR"])
from pluriel.ops.metrics import observe_query_cost, observe_run
observe_run("ok", new=int(sys.argv[1]), updated=0, unchanged=0, removed=0, errors=0)
observe_query_cost(int(sys.argv[1]))
"""


def test_metrics_route_sums_every_worker(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "PATH": "/usr/bin:/bin"}
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_99999.db").write_bytes(b"left by an earlier run")
    env["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    for new, order in [(2, "first"), (5, "then")]:
        subprocess.run([sys.executable, "-c", WORKER, str(new), order], env=env, check=True)
    app = Starlette(routes=[metrics_route(multiprocess_dir=folder)])

    lines = call(app, "GET", "/metrics").text.splitlines()

    assert 'pluriel_crawl_runs_total{status="ok"} 2.0' in lines
    assert 'pluriel_ingest_items_total{outcome="new"} 7.0' in lines
    assert "pluriel_graphql_query_cost_count 2.0" in lines
    assert "pluriel_graphql_query_cost_sum 7.0" in lines


def test_serve_metrics_on_its_own_port(metrics: Metrics, registry: CollectorRegistry) -> None:
    metrics.observe_run("suspicious", new=0, updated=0, unchanged=0, removed=4, errors=0)
    server = serve_metrics(port=0, host="127.0.0.1", registry=registry)
    try:
        response = httpx.get(f"http://127.0.0.1:{server.server_port}/metrics")
    finally:
        server.shutdown()
        server.server_close()
    assert response.status_code == 200
    assert 'pluriel_crawl_runs_total{status="suspicious"} 1.0' in response.text.splitlines()


def test_prepare_multiprocess_dir_empties_earlier_runs(tmp_path: Path) -> None:
    folder = tmp_path / "prometheus"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"old")
    (folder / "keep.txt").write_text("not ours")

    assert prepare_multiprocess_dir(folder) == folder
    assert prepare_multiprocess_dir(tmp_path / "new" / "dir") == tmp_path / "new" / "dir"

    assert sorted(p.name for p in folder.iterdir()) == ["keep.txt"]
    assert (tmp_path / "new" / "dir").is_dir()
