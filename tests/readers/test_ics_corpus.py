"""Every real-world file of the shared corpus: read or refused, never a crash.

The expected outcome of each file is committed in ``ics_corpus_expected.json``
(events, occurrences and per-item errors, or the refusal message), so a change
in how any file reads shows up in review. After a deliberate change, rewrite
it with ``PLURIEL_UPDATE_EXPECTED=1`` and read the diff.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

from pluriel.errors import FeedFormatError
from pluriel.readers import ReadContext
from pluriel.readers.ics import read_ics
from pluriel.settings import Horizon
from tests.conftest import CORPUS

EXPECTED = Path(__file__).with_name("ics_corpus_expected.json")

# The corpus files date from 1997 to 2025: a century each way so that their
# events are actually expanded.
CTX = ReadContext(
    now=datetime(2026, 10, 1, tzinfo=UTC),
    lang="und",
    timezone="Europe/Luxembourg",
    horizon=Horizon(past=timedelta(days=36525), future=timedelta(days=36525), max_occurrences=1000),
)


def outcome(path: Path) -> dict[str, object]:
    try:
        result = read_ics(path.read_bytes(), CTX)
    except FeedFormatError as exc:
        return {"rejected": str(exc)}
    return {
        "events": len(result.events),
        "occurrences": sum(len(event.occurrences) for event in result.events),
        "errors": len(result.errors),
    }


def test_every_corpus_file_reads_or_is_refused_as_recorded() -> None:
    root = CORPUS / "ics"
    files = sorted(p for p in root.rglob("*.ics") if p.is_file())
    assert len(files) > 200

    actual = {path.relative_to(root).as_posix(): outcome(path) for path in files}

    if os.environ.get("PLURIEL_UPDATE_EXPECTED") == "1":
        EXPECTED.write_text(json.dumps(actual, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(EXPECTED.read_text())
    assert actual == expected
