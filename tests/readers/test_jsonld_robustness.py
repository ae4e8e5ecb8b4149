"""Arbitrary schema.org-shaped JSON never crashes the reader: items fail one by one."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pluriel.readers.common import ReadContext
from pluriel.readers.jsonld import read_jsonld

PROPERTIES = [
    "@id", "@type", "@value", "@language", "@graph", "name", "description", "startDate",
    "endDate", "duration", "eventSchedule", "subEvent", "superEvent", "location", "address",
    "geo", "offers", "price", "lowPrice", "priceCurrency", "eventStatus", "eventAttendanceMode",
    "isAccessibleForFree", "inLanguage", "image", "url", "organizer", "performer", "keywords",
    "typicalAgeRange", "previousStartDate", "repeatFrequency", "byDay", "byMonthDay",
    "byMonthWeek", "startTime", "endTime", "exceptDate", "repeatCount", "scheduleTimezone",
    "itemListElement", "item", "fr", "de",
]  # fmt: skip
VALUES = [
    "Event", "MusicEvent", "Festival", "Place", "VirtualLocation", "Schedule", "ItemList",
    "ListItem", "Offer", "2026-10-10", "2026-10-10T20:00", "P1W", "P0D", "PT2H", "Tuesday",
    "https://example.lu/e", "/relative", "12,50 €", "Gratuit", "schema:EventCancelled", "",
    "Mars/Olympus", "2026-13-45",
]  # fmt: skip
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from(VALUES),
    st.text(max_size=6),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(PROPERTIES), inner, max_size=6)
    ),
    max_leaves=25,
)
EVENTS = st.fixed_dictionaries(
    {"@type": st.sampled_from(["Event", ["Event", "Festival"], "ItemList"])},
    optional={key: JSON for key in PROPERTIES if not key.startswith("@")},
)
CTX = ReadContext(now=datetime(2026, 10, 1, 10, tzinfo=UTC), url="https://example.lu/agenda")


@settings(max_examples=80, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(st.lists(st.one_of(EVENTS, JSON), min_size=1, max_size=3))
def test_any_json_ld_reads_without_crashing(nodes: list[Any]) -> None:
    script = json.dumps(nodes).replace("</", "<\\/")
    page = f'<html lang="fr"><script type="application/ld+json">{script}</script></html>'
    result = read_jsonld(page.encode(), CTX)
    assert all(event.external_id for event in result.events)
    assert all(error.message for error in result.errors)
