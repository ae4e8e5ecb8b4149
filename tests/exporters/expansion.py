"""Occurrences of an iCalendar feed as two independent parsers see them.

Both give the same shape as the Node script (tests/node/expand.mjs): UTC
instants for timed values, dates for all-day ones, so the two sides compare
with ``==``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import recurring_ical_events
from icalendar import Calendar

from pluriel.exporters import ExportEvent
from pluriel.exporters.common import effective_status
from pluriel.exporters.ics import ICS_STATUS

NODE_DIR = Path(__file__).resolve().parents[1] / "node"


def when(value: date | datetime) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return value.isoformat()


def expand_icalendar(data: bytes) -> list[dict[str, Any]]:
    calendar = Calendar.from_ical(data)
    out = [
        {
            "uid": str(component["UID"]),
            "start": when(component.start),
            "end": when(component.end),
            "status": str(component["STATUS"]),
            "summary": str(component["SUMMARY"]),
        }
        for component in recurring_ical_events.of(calendar).all()
    ]
    return sorted(out, key=lambda o: o["start"] + o["uid"])


def expand_icaljs(data: bytes, tmp_path: Path) -> dict[str, Any]:
    feed = tmp_path / "feed.ics"
    feed.write_bytes(data)
    node = shutil.which("node") or "node"
    done = subprocess.run(
        [node, str(NODE_DIR / "expand.mjs"), str(feed)],
        capture_output=True,
        check=True,
        timeout=60,
        cwd=NODE_DIR,
    )
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def expected_occurrences(events: tuple[ExportEvent, ...], lang: str) -> list[dict[str, Any]]:
    """What the input says, in the parsers' shape (uid = the series' own UID)."""
    out = []
    for event in events:
        for occurrence in event.occurrences:
            start: date | datetime = occurrence.start
            end: date | datetime | None = occurrence.end
            if occurrence.all_day:
                start = occurrence.start.date()
                end = occurrence.end.date() if occurrence.end else None
            out.append(
                {
                    "uid": event.uid,
                    "start": when(start),
                    "end": when(end or start),
                    "status": ICS_STATUS[effective_status(event, occurrence)],
                    "summary": event.title.get(lang),
                }
            )
    return sorted(out, key=lambda o: o["start"] + o["uid"])
