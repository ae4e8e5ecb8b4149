"""PostgreSQL restarted under an ingest, under submissions and under the API (its own server)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from reliability.dbfaults import api_drill, ingest_drill, submission_drill
from reliability.pg import Postgres, postgres


@pytest.fixture(scope="module")
def pg() -> Iterator[Postgres]:
    with postgres() as server:
        yield server


def test_an_ingest_cut_by_a_restart_leaves_no_rows_and_the_retry_completes(pg: Postgres) -> None:
    figures = ingest_drill(pg, events=300, delay=0.0)
    assert figures["rows_after_fault"] == {
        "event": 0,
        "event_text": 0,
        "occurrence": 0,
        "source_event": 0,
        "submission": 0,
        "audit": 0,
    }
    assert figures["retry"] == "source 1: ok — 300 new, 0 updated, 0 unchanged, 0 removed, 0 errors"
    assert figures["rows_after_retry"]["event"] == 300
    # The run the restart cut short must not stay "running" for ever.
    assert figures["runs_after_retry"] == ["failed", "ok"]
    assert figures["failures"] == []


def test_submissions_across_a_restart_are_whole_or_absent_and_retries_land_once(
    pg: Postgres,
) -> None:
    figures = submission_drill(pg, submissions=60)
    assert figures["failures"] == []
    assert figures["rows_after_retry"] == {
        "event": 60,
        "event_text": 60,
        "occurrence": 60,
        "source_event": 60,
        "submission": 60,
        "audit": 60,
    }


def test_the_api_answers_503_while_the_database_is_down_and_recovers(pg: Postgres) -> None:
    figures = api_drill(pg, down_for=3.0)
    assert figures["failures"] == []
    assert set(figures["statuses_while_down"]["graphql"]) == {503}
    assert set(figures["statuses_while_down"]["healthz"]) == {503}
    assert figures["slowest_answer_while_down_s"] < 8  # /healthz + /graphql, about 2 s each
    assert figures["recovered_after_s"] is not None
