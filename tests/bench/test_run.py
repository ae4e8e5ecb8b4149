"""The benchmark script runs end to end at a tiny N and writes every figure it promises."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

KEYS = [
    "api_rss_mb",
    "crawl_sources_per_min",
    "goals",
    "graphql_vs_sql_p50_100",
    "graphql_vs_sql_p50_20",
    "http_vs_bare",
    "ingest_vs_copy",
    "keyset_deep_vs_first",
    "raw",
    "reingest_vs_ingest",
    "search_p95_ms",
    "strawberry_vs_graphql_core",
]


def test_quick_run_writes_every_figure(server_url: str, tmp_path: Path) -> None:
    out = tmp_path / "bench.json"
    env = {**os.environ, "DATABASE_URL": server_url}
    command = [
        sys.executable, str(ROOT / "bench" / "run.py"), "--events", "300", "--ingest-events",
        "150", "--sources", "15", "--crawl-sources", "8", "--quick", "--json", str(out),
    ]  # fmt: skip
    subprocess.run(command, cwd=ROOT, env=env, check=True, timeout=120, capture_output=True)
    result = json.loads(out.read_text(encoding="utf-8"))
    raw = result["raw"]

    assert sorted(result) == KEYS
    assert sorted(result["goals"]) == sorted(KEYS[i] for i in (3, 4, 5, 6, 7, 9, 10, 11))
    assert all(
        isinstance(result[k], float | int) and result[k] > 0
        for k in KEYS
        if k not in ("goals", "raw")
    )
    assert (raw["ingest"]["new"], raw["ingest"]["errors"]) == (150, 0)
    assert (raw["reingest"]["unchanged"], raw["reingest"]["new"], raw["reingest"]["updated"]) == (
        150,
        0,
        0,
    )
    assert raw["grow"]["events"] == 300
    assert raw["reads"]["page_20"]["edges"] == 20
    assert raw["reads"]["page_100"]["edges"] == 100
    assert raw["reads"]["layer"]["edges"] == 20
    assert (raw["crawl"]["sources"], raw["crawl"]["ok"], raw["crawl"]["events"]) == (8, 8, 40)
    assert (raw["http"]["api"]["errors"], raw["http"]["bare"]["errors"]) == (0, 0)
