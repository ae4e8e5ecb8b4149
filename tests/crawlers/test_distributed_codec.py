"""The crawl queue's JSON: every spec and outcome comes back equal to what went in.

Values are generated from the model's own type hints, every field filled,
so a field added to the model is covered without touching this test.
"""

from __future__ import annotations

import dataclasses
import json
import types
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from enum import Enum
from typing import Any, Union, get_args, get_origin, get_type_hints
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pluriel.crawlers.distributed import (
    CodecError,
    decode_outcome,
    decode_spec,
    encode_outcome,
    encode_spec,
)
from pluriel.crawlers.distributed.codec import decode_datetime, encode_datetime
from pluriel.crawlers.distributed.queue import Job, decode_job, encode_job
from pluriel.model import (
    EventStatus,
    FetchOutcome,
    I18nText,
    Occurrence,
    Price,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceItemError,
    SourceSpec,
)

ZONES = st.sampled_from(
    [
        "Europe/Luxembourg",
        "Europe/Paris",
        "Europe/Berlin",
        "America/New_York",
        "Australia/Lord_Howe",
    ]
).map(ZoneInfo)
FIXED = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
DATETIMES = st.datetimes(
    min_value=datetime(1900, 1, 1),
    max_value=datetime(2200, 1, 1),
    timezones=st.one_of(ZONES, FIXED, st.just(UTC), st.none()),
)
BASE: dict[Any, st.SearchStrategy[Any]] = {
    str: st.text(max_size=12),
    int: st.integers(min_value=-(2**53), max_value=2**53),
    bool: st.booleans(),
    float: st.floats(allow_nan=False),
    Decimal: st.decimals(allow_nan=False, places=None),
    datetime: DATETIMES,
    timedelta: st.timedeltas(),
    I18nText: st.lists(
        st.tuples(st.sampled_from(["fr", "de", "lb", "en", "nl", "und"]), st.text(min_size=1)),
        max_size=3,
    ).map(lambda pairs: I18nText(tuple(pairs))),
}


def strategy(kind: Any) -> st.SearchStrategy[Any]:
    """Values of ``kind`` with every dataclass field filled, from the type hints."""
    origin = get_origin(kind)
    if origin is Union or origin is types.UnionType:
        options = [arg for arg in get_args(kind) if arg is not type(None)]
        return st.one_of(st.none(), *(strategy(arg) for arg in options))
    if origin is tuple:
        return st.lists(strategy(get_args(kind)[0]), max_size=2).map(tuple)
    if kind in BASE:
        return BASE[kind]
    if isinstance(kind, type) and issubclass(kind, Enum):
        return st.sampled_from(kind)
    hints = get_type_hints(kind)
    fields = {field.name: strategy(hints[field.name]) for field in dataclasses.fields(kind)}
    return st.builds(kind, **fields)


RELAXED = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@RELAXED
@given(strategy(FetchOutcome))
def test_outcomes_round_trip(outcome: FetchOutcome) -> None:
    assert decode_outcome(encode_outcome(outcome)) == outcome


@RELAXED
@given(strategy(SourceSpec))
def test_specs_round_trip(spec: SourceSpec) -> None:
    assert decode_spec(encode_spec(spec)) == spec


@RELAXED
@given(strategy(Job))
def test_jobs_round_trip(job: Job) -> None:
    assert decode_job(encode_job(job)) == job


@settings(max_examples=300, deadline=None)
@given(DATETIMES)
def test_datetimes_keep_their_zone_and_wall_time(value: datetime) -> None:
    decoded = decode_datetime(encode_datetime(value))
    assert (decoded.isoformat(), decoded.tzinfo, decoded.utcoffset()) == (
        value.isoformat(),
        value.tzinfo,
        value.utcoffset(),
    )


def test_the_second_of_two_ambiguous_hours_stays_the_second() -> None:
    zone = ZoneInfo("Europe/Luxembourg")
    first = datetime(2026, 10, 25, 2, 30, tzinfo=zone)
    second = first.replace(fold=1)
    assert [encode_datetime(first), encode_datetime(second)] == [
        "2026-10-25T02:30:00+02:00[Europe/Luxembourg]",
        "2026-10-25T02:30:00+01:00[Europe/Luxembourg]",
    ]
    decoded = decode_datetime(encode_datetime(second))
    assert (decoded.fold, decoded.utcoffset(), decoded.tzinfo) == (1, timedelta(hours=1), zone)


def test_the_json_is_plain_and_readable() -> None:
    zone = ZoneInfo("Europe/Luxembourg")
    outcome = FetchOutcome(
        source_id=7,
        started_at=datetime(2026, 10, 1, 10, 0, tzinfo=UTC),
        result=ReadResult(
            events=(
                SourceEvent(
                    external_id="lear",
                    title=I18nText.of({"fr": "Le Roi Lear"}),
                    occurrences=(Occurrence(start=datetime(2026, 11, 14, 20, 0, tzinfo=zone)),),
                    price=Price(minimum=Decimal("12.50"), currency="EUR"),
                    status=EventStatus.SCHEDULED,
                ),
            ),
            errors=(SourceItemError(message="no title", line=3),),
        ),
        retry_after=timedelta(minutes=5),
    )
    data = json.loads(encode_outcome(outcome))
    event = data["result"]["events"][0]
    assert (
        event["title"],
        event["occurrences"][0]["start"],
        event["price"]["minimum"],
        data["retry_after"],
        data["result"]["errors"],
    ) == (
        [["fr", "Le Roi Lear"]],
        "2026-11-14T20:00:00+01:00[Europe/Luxembourg]",
        "12.50",
        300_000_000,
        [{"message": "no title", "external_id": None, "line": 3}],
    )
    assert decode_outcome(encode_outcome(outcome)) == outcome


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not json", "spec: not JSON"),
        ("[]", "spec: expected dict, got []"),
        (
            '{"id": 1, "institution_id": 2, "format": "gopher", "url": "x"}',
            "spec.format: 'gopher' is not a SourceFormat",
        ),
        (
            '{"id": "1", "institution_id": 2, "format": "ics", "url": "x"}',
            "spec.id: expected int, got '1'",
        ),
        ('{"id": 1, "institution_id": 2, "format": "ics"}', "spec: SourceSpec.__init__() missing"),
        (
            '{"id": 1, "institution_id": 2, "format": "ics", "url": "x", "colour": 1}',
            "spec: unknown fields ['colour'] for SourceSpec",
        ),
        (
            '{"id": 1, "institution_id": 2, "format": "ics", "url": "x", "refresh_interval": 1.5}',
            "spec.refresh_interval: expected int, got 1.5",
        ),
    ],
)
def test_damaged_messages_name_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(CodecError) as caught:
        decode_spec(text)
    assert str(caught.value).startswith(message)


def test_an_unknown_zone_is_an_error() -> None:
    with pytest.raises(CodecError, match="unknown time zone 'Mars/Olympus'"):
        decode_datetime("2026-10-01T10:00:00+00:00[Mars/Olympus]")


def test_a_spec_as_the_workers_receive_it() -> None:
    spec = SourceSpec(
        id=3,
        institution_id=1,
        format=SourceFormat.ICS,
        url="https://theatre.example.lu/agenda.ics",
        etag='"v1"',
        refresh_interval=timedelta(hours=6),
    )
    assert json.loads(encode_spec(spec)) == {
        "id": 3,
        "institution_id": 1,
        "format": "ics",
        "url": "https://theatre.example.lu/agenda.ics",
        "kind": "feed",
        "lang": "und",
        "timezone": "Europe/Luxembourg",
        "refresh_interval": 21_600_000_000,
        "etag": '"v1"',
        "last_modified": None,
        "checkpoint": None,
        "last_item_count": None,
        "name": None,
    }
