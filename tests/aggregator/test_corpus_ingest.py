"""Every real-world file of shared/corpus goes through the ingest: stored, or refused alone.

One source per file, ingested one after the other like a crawl run: a bad
file fails alone, with its name in the error, and never costs another
file's events.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg

from pluriel.aggregator.ingest import ingest_outcome
from pluriel.aggregator.local import read_local_source
from pluriel.model import SourceFormat
from pluriel.settings import Horizon, Settings
from pluriel.store import registry

from ..conftest import CORPUS

NOW = datetime(2026, 10, 1, tzinfo=UTC)
HERE = Path(__file__).resolve().parent.parent / "readers"


def test_every_corpus_file_is_ingested_or_refused_alone(
    conn: psycopg.Connection[dict[str, Any]], tmp_path: Path
) -> None:
    # The corpus is mostly old: a century-wide horizon makes its series produce dates.
    horizon = Horizon(past=timedelta(days=36500), future=timedelta(days=36500))
    settings = Settings(home=tmp_path, horizon=horizon)
    expected: dict[str, dict[str, Any]] = {
        **{
            f"ics/{k}": v
            for k, v in json.loads((HERE / "ics_corpus_expected.json").read_text()).items()
        },
        **{
            f"jsonld/extruct/{k}": v
            for k, v in json.loads((HERE / "jsonld_corpus_expected.json").read_text()).items()
        },
    }
    inst = registry.add_institution(conn, "corpus", name="Corpus", country="LU")
    outcomes: dict[str, tuple[str, str | None, int]] = {}
    for name in sorted(expected):
        path = CORPUS / name
        fmt = SourceFormat.ICS if name.startswith("ics/") else SourceFormat.JSONLD
        sid = registry.add_source(
            conn,
            institution_id=inst.id,
            format=fmt,
            url=path.as_uri(),
            lang="en",
            timezone="Europe/Luxembourg",
        )
        conn.commit()
        (spec,) = registry.load_sources(conn, ids=[sid])
        report = ingest_outcome(
            conn, spec, read_local_source(spec, settings=settings, now=NOW), now=NOW
        )
        outcomes[name] = (report.status, report.error, report.new)

    for name, want in expected.items():
        status, error, new = outcomes[name]
        if "rejected" in want:
            assert status == "failed", name
            assert (error or "").startswith(f"{Path(name).name}: "), (name, error)
        else:
            assert (status, new) == ("ok", want["events"]), (name, outcomes[name])
    stored = conn.execute(
        "select count(*) as n from source_event where removed_at is null"
    ).fetchone()
    assert stored == {"n": sum(w.get("events", 0) for w in expected.values())}
