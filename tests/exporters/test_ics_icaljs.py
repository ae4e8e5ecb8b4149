"""The ICS feed through a second, independent parser: ical.js, run with Node.

CI installs Node when a test module mentions ``require_node``; without Node a
laptop skips these tests with the reason (PLURIEL_REQUIRE_RUNTIMES=1 fails
them instead).
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from pluriel.exporters import ExportEvent, to_ics
from pluriel.model import EventStatus
from tests.conftest import require_runtime
from tests.exporters.cases import EVENTS, EXHIBITION_EVENT, SERIES
from tests.exporters.expansion import (
    NODE_DIR,
    expand_icalendar,
    expand_icaljs,
    expected_occurrences,
)


def require_node() -> Path:
    """The Node project with ical.js installed (``npm ci`` on first use), or a skip."""
    node, npm = shutil.which("node"), shutil.which("npm")
    require_runtime(node is not None, "Node.js is not installed (needed to run ical.js)")
    modules = NODE_DIR / "node_modules" / "ical.js"
    if not modules.exists() and npm is not None:
        subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"],
            cwd=NODE_DIR,
            capture_output=True,
            check=False,
            timeout=300,
        )
    require_runtime(modules.exists(), f"ical.js is not installed: run `npm ci` in {NODE_DIR}")
    return NODE_DIR


def feed(events: tuple[ExportEvent, ...], lang: str) -> bytes:
    return to_ics(events, lang=lang, name="Agenda", url=None, refresh=timedelta(hours=6))


@pytest.mark.parametrize("lang", ["fr", "lb"])
def test_icaljs_reads_the_same_occurrences_as_icalendar(lang: str, tmp_path: Path) -> None:
    require_node()
    data = feed(EVENTS, lang)
    result = expand_icaljs(data, tmp_path)
    assert result["warnings"] == []
    assert result["occurrences"] == expand_icalendar(data)
    assert result["occurrences"] == expected_occurrences(EVENTS, lang)


def test_icaljs_reads_fallback_and_all_day_series(tmp_path: Path) -> None:
    require_node()
    odd = replace(SERIES, uid="odd@pluriel.test", rrule="FREQ=MONTHLY")
    market = replace(
        EXHIBITION_EVENT,
        rrule="FREQ=DAILY",
        occurrences=(
            replace(EXHIBITION_EVENT.occurrences[0], id="a", end=None),
            replace(
                EXHIBITION_EVENT.occurrences[0],
                id="b",
                start=EXHIBITION_EVENT.occurrences[0].start + timedelta(days=2),
                end=None,
                status=EventStatus.POSTPONED,
            ),
        ),
    )
    data = feed((odd, market), "fr")
    result = expand_icaljs(data, tmp_path)
    assert result["warnings"] == []
    assert result["occurrences"] == expand_icalendar(data)
    assert [(o["uid"], o["start"], o["end"], o["status"]) for o in result["occurrences"]] == [
        ("event-202@pluriel.test", "2026-10-03", "2026-10-04", "CONFIRMED"),
        ("event-202@pluriel.test", "2026-10-05", "2026-10-06", "TENTATIVE"),
        ("odd@pluriel.test-1013", "2026-10-13T18:00:00Z", "2026-10-13T20:00:00Z", "CONFIRMED"),
        ("odd@pluriel.test-1020", "2026-10-20T18:00:00Z", "2026-10-20T20:00:00Z", "CANCELLED"),
        ("odd@pluriel.test-1103", "2026-11-04T19:00:00Z", "2026-11-04T21:00:00Z", "CONFIRMED"),
        ("odd@pluriel.test-1110", "2026-11-10T19:00:00Z", "2026-11-10T21:00:00Z", "CONFIRMED"),
        ("odd@pluriel.test-1117", "2026-11-17T19:00:00Z", "2026-11-17T21:00:00Z", "CONFIRMED"),
    ]
