"""Every page of the shared JSON-LD corpus reads, or fails per item, exactly as recorded.

``jsonld_corpus_expected.json`` is reviewed by hand: when the reader changes,
regenerate it with ``summarise`` below and read the diff before committing.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pluriel.errors import FeedError
from pluriel.readers.common import ReadContext
from pluriel.readers.jsonld import read_jsonld
from tests.conftest import CORPUS

PAGES = CORPUS / "jsonld" / "extruct"
EXPECTED = Path(__file__).with_name("jsonld_corpus_expected.json")


def summarise(path: Path) -> dict[str, Any]:
    ctx = ReadContext(
        now=datetime(2026, 10, 1, 10, 0, tzinfo=UTC), lang="und", timezone="Europe/Luxembourg"
    )
    try:
        result = read_jsonld(path.read_bytes(), ctx)
    except FeedError as exc:
        return {"rejected": str(exc)}
    return {
        "events": len(result.events),
        "errors": len(result.errors),
        "titles": [event.title.get() for event in result.events[:3]],
    }


def test_every_corpus_page_matches_the_recorded_summary() -> None:
    pages = sorted(PAGES.glob("*.html"))
    assert len(pages) == 12
    actual = {page.name: summarise(page) for page in pages}
    assert actual == json.loads(EXPECTED.read_text(encoding="utf-8"))


def _reference_events(value: Any) -> list[tuple[str, str]]:
    """(name, startDate) of every Event in one of extruct's own expected extractions."""
    found: list[tuple[str, str]] = []
    if isinstance(value, dict):
        kind = value.get("type")
        props = value.get("properties") or {}
        if isinstance(kind, str) and kind.endswith("Event"):
            found.append((" ".join(props["name"].split()), props["startDate"]))
        for item in value.values():
            found.extend(_reference_events(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_reference_events(item))
    return found


def test_microdata_pages_agree_with_extructs_reference_extraction() -> None:
    ctx = ReadContext(
        now=datetime(2026, 10, 1, 10, 0, tzinfo=UTC), lang="en", timezone="Europe/Luxembourg"
    )
    references = sorted(PAGES.glob("Event.*.json"))
    assert len(references) == 5
    for reference in references:
        expected = _reference_events(json.loads(reference.read_text(encoding="utf-8")))
        result = read_jsonld(reference.with_suffix(".html").read_bytes(), ctx)
        actual = [
            (
                event.title.get() or "",
                event.occurrences[0].start.strftime(
                    "%Y-%m-%d" if event.occurrences[0].all_day else "%Y-%m-%dT%H:%M"
                ),
            )
            for event in result.events
        ]
        assert (reference.name, actual) == (reference.name, expected)
