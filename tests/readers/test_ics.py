"""The iCalendar reader against small hand-written feeds in tests/fixtures/ics/."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from pluriel.errors import FeedFormatError
from pluriel.model import (
    AttendanceMode,
    EventStatus,
    FeedMeta,
    I18nText,
    Location,
    Occurrence,
    ReadResult,
    SourceEvent,
    SourceFormat,
    SourceItemError,
)
from pluriel.readers import ReadContext, read
from pluriel.readers.ics import read_ics
from pluriel.readers.recurrence import expand_rrule, normalise_rule
from pluriel.settings import Horizon
from tests.conftest import FIXTURES

LUX = ZoneInfo("Europe/Luxembourg")
BERLIN = ZoneInfo("Europe/Berlin")
PARIS = ZoneInfo("Europe/Paris")
LUXEMBOURG = "Europe/Luxembourg"


def lux(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LUX)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def read_fixture(name: str, now: datetime, *, horizon: Horizon | None = None) -> ReadResult:
    ctx = ReadContext(now=now, lang="fr", timezone=LUXEMBOURG, horizon=horizon or Horizon())
    return read_ics((FIXTURES / "ics" / name).read_bytes(), ctx)


def by_id(result: ReadResult) -> dict[str, SourceEvent]:
    return {event.external_id: event for event in result.events}


def local_starts(event: SourceEvent) -> list[tuple[str, str]]:
    """Wall-clock starts as written (offset included) with each status."""
    return [(o.start.isoformat(), o.status.value) for o in event.occurrences]


# --------------------------------------------------------------------------- acceptance


def test_weekly_series_across_dst_with_exdate_move_and_cancellation(now: datetime) -> None:
    result = read_fixture("weekly_dst.ics", now)

    assert result.errors == ()
    assert [e.external_id for e in result.events] == ["weekly-dst@capucins.lu"]
    event = result.events[0]
    # 20:00 local on both sides of the 25 October change; 13 October excluded;
    # 27 October moved to Wednesday 19:30; 10 November cancelled.
    assert local_starts(event) == [
        ("2026-10-06T20:00:00+02:00", "scheduled"),
        ("2026-10-20T20:00:00+02:00", "scheduled"),
        ("2026-10-28T19:30:00+01:00", "scheduled"),
        ("2026-11-03T20:00:00+01:00", "scheduled"),
        ("2026-11-10T20:00:00+01:00", "cancelled"),
        ("2026-11-17T20:00:00+01:00", "scheduled"),
        ("2026-11-24T20:00:00+01:00", "scheduled"),
    ]
    assert event.occurrences == (
        Occurrence(
            start=lux(2026, 10, 6, 20),
            end=lux(2026, 10, 6, 22),
            timezone=LUXEMBOURG,
            recurrence_id="2026-10-06T18:00:00Z",
        ),
        Occurrence(
            start=lux(2026, 10, 20, 20),
            end=lux(2026, 10, 20, 22),
            timezone=LUXEMBOURG,
            recurrence_id="2026-10-20T18:00:00Z",
        ),
        Occurrence(
            start=lux(2026, 10, 28, 19, 30),
            end=lux(2026, 10, 28, 21, 30),
            timezone=LUXEMBOURG,
            recurrence_id="2026-10-27T19:00:00Z",
            previous_start=lux(2026, 10, 27, 20),
        ),
        Occurrence(
            start=lux(2026, 11, 3, 20),
            end=lux(2026, 11, 3, 22),
            timezone=LUXEMBOURG,
            recurrence_id="2026-11-03T19:00:00Z",
        ),
        Occurrence(
            start=lux(2026, 11, 10, 20),
            end=lux(2026, 11, 10, 22),
            timezone=LUXEMBOURG,
            status=EventStatus.CANCELLED,
            recurrence_id="2026-11-10T19:00:00Z",
        ),
        Occurrence(
            start=lux(2026, 11, 17, 20),
            end=lux(2026, 11, 17, 22),
            timezone=LUXEMBOURG,
            recurrence_id="2026-11-17T19:00:00Z",
        ),
        Occurrence(
            start=lux(2026, 11, 24, 20),
            end=lux(2026, 11, 24, 22),
            timezone=LUXEMBOURG,
            recurrence_id="2026-11-24T19:00:00Z",
        ),
    )
    assert event == SourceEvent(
        external_id="weekly-dst@capucins.lu",
        title=I18nText.of([("fr", "Soirée jazz"), ("de", "Jazzabend")]),
        description_is_html=True,
        occurrences=event.occurrences,
        timezone=LUXEMBOURG,
        rrule="FREQ=WEEKLY;COUNT=8;BYDAY=TU",
        exdates=(lux(2026, 10, 13, 20),),
        location=Location(
            name=I18nText.single("Théâtre des Capucins, Luxembourg", "fr"),
            raw="Théâtre des Capucins, Luxembourg",
        ),
    )
    assert result.meta == FeedMeta(
        name=I18nText.single("Théâtre des Capucins", "fr"), timezone=LUXEMBOURG
    )


def test_reader_is_reachable_through_the_dispatch(now: datetime) -> None:
    data = (FIXTURES / "ics" / "weekly_dst.ics").read_bytes()
    ctx = ReadContext(now=now, lang="fr")
    assert read(SourceFormat.ICS, data, ctx) == read_ics(data, ctx)


# --------------------------------------------------------------------------- times


def test_dates_durations_floating_utc_and_tzid(now: datetime) -> None:
    result = read_fixture("dates.ics", now)
    events = by_id(result)

    assert result.errors == ()
    assert events["all-day-three"].occurrences == (
        Occurrence(
            start=lux(2026, 10, 16), end=lux(2026, 10, 19), all_day=True, timezone=LUXEMBOURG
        ),
    )
    # No DTEND on a DATE: one day; local midnights on both sides of the DST change.
    assert [
        (o.start.isoformat(), o.end.isoformat() if o.end else None)
        for o in events["all-day-one"].occurrences
    ] == [("2026-10-31T00:00:00+01:00", "2026-11-01T00:00:00+01:00")]
    assert events["duration"].occurrences == (
        Occurrence(
            start=datetime(2026, 10, 20, 18, 30, tzinfo=PARIS),
            end=datetime(2026, 10, 20, 20, 0, tzinfo=PARIS),
            timezone="Europe/Paris",
        ),
    )
    assert events["duration"].timezone == "Europe/Paris"
    assert events["floating"].occurrences == (
        Occurrence(
            start=lux(2026, 10, 21, 19),
            end=lux(2026, 10, 21, 21),
            floating=True,
            timezone=LUXEMBOURG,
        ),
    )
    assert events["utc"].occurrences == (
        Occurrence(start=utc(2026, 10, 22, 17), end=utc(2026, 10, 22, 18), timezone="UTC"),
    )
    assert events["utc"].timezone == "UTC"
    # DTEND before DTSTART: decided as "end unknown", with a warning.
    assert events["backwards"].occurrences == (
        Occurrence(start=lux(2026, 10, 23, 20), end=None, timezone=LUXEMBOURG),
    )
    assert events["backwards"].warnings == ("DTEND is before DTSTART: ignored",)
    # DTEND = DTSTART: no end time, no warning.
    assert events["same-end"].occurrences == (
        Occurrence(start=lux(2026, 10, 25, 11), end=None, timezone=LUXEMBOURG),
    )
    assert events["same-end"].warnings == ()
    # DTEND in another zone: 10:00 London is 11:00 Luxembourg.
    assert events["two-zones"].occurrences == (
        Occurrence(start=lux(2026, 10, 24, 10), end=lux(2026, 10, 24, 11), timezone=LUXEMBOURG),
    )
    # A single event keeps its date even far outside the horizon.
    assert events["past-single"].occurrences == (
        Occurrence(start=lux(2020, 1, 5, 10), timezone=LUXEMBOURG),
    )


def test_x_wr_timezone_places_floating_utc_and_dates(now: datetime) -> None:
    result = read_fixture("calendar_zone.ics", now)
    events = by_id(result)

    assert result.meta == FeedMeta(
        name=I18nText.single("Saarländisches Staatstheater", "fr"),
        refresh_interval=timedelta(hours=12),
        timezone="Europe/Berlin",
    )
    assert events["floating-berlin"].occurrences == (
        Occurrence(
            start=datetime(2026, 11, 5, 20, tzinfo=BERLIN),
            end=datetime(2026, 11, 5, 22, 30, tzinfo=BERLIN),
            floating=True,
            timezone="Europe/Berlin",
        ),
    )
    # UTC times under X-WR-TIMEZONE repeat at the same Berlin wall time.
    assert local_starts(events["utc-weekly"]) == [
        ("2026-10-20T20:00:00+02:00", "scheduled"),
        ("2026-10-27T20:00:00+01:00", "scheduled"),
    ]
    assert events["utc-weekly"].timezone == "Europe/Berlin"
    assert events["all-day-berlin"].occurrences == (
        Occurrence(
            start=datetime(2026, 11, 3, tzinfo=BERLIN),
            end=datetime(2026, 11, 4, tzinfo=BERLIN),
            all_day=True,
            timezone="Europe/Berlin",
        ),
    )


def test_windows_custom_vendor_and_unknown_time_zones(now: datetime) -> None:
    result = read_fixture("zones.ics", now)
    events = by_id(result)

    assert result.errors == ()
    assert [(e.external_id, e.timezone, local_starts(e)) for e in result.events] == [
        ("windows-berlin", "Europe/Berlin", [("2026-10-15T19:00:00+02:00", "scheduled")]),
        ("windows-paris", "Europe/Paris", [("2026-11-15T19:00:00+01:00", "scheduled")]),
        ("custom-vtimezone", "Europe/Amsterdam", [("2026-11-16T19:00:00+01:00", "scheduled")]),
        ("vendor-prefix", LUXEMBOURG, [("2026-11-17T19:00:00+01:00", "scheduled")]),
        ("unknown-zone", LUXEMBOURG, [("2026-11-18T19:00:00+01:00", "scheduled")]),
    ]
    assert [o.timezone for e in result.events for o in e.occurrences] == [
        "Europe/Berlin",
        "Europe/Paris",
        "Europe/Amsterdam",
        LUXEMBOURG,
        LUXEMBOURG,
    ]
    assert events["windows-berlin"].occurrences[0].end == datetime(2026, 10, 15, 21, tzinfo=BERLIN)
    assert events["unknown-zone"].warnings == (
        "unknown time zone 'Mars/Olympus_Mons': times read in Europe/Luxembourg instead",
    )
    assert all(events[k].warnings == () for k in events if k != "unknown-zone")


# --------------------------------------------------------------------------- recurrence


def test_rdate_and_exdate(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["rdate-exdate"]

    # Every 7 days from Friday 2 October until 23 October, plus Monday 5
    # October at noon, minus 9 October (EXDATE given in UTC).
    assert local_starts(event) == [
        ("2026-10-02T18:00:00+02:00", "scheduled"),
        ("2026-10-05T12:00:00+02:00", "scheduled"),
        ("2026-10-16T18:00:00+02:00", "scheduled"),
        ("2026-10-23T18:00:00+02:00", "scheduled"),
    ]
    assert event.occurrences[1] == Occurrence(
        start=lux(2026, 10, 5, 12),
        end=lux(2026, 10, 5, 13),
        timezone=LUXEMBOURG,
        recurrence_id="2026-10-05T10:00:00Z",
    )
    assert event.rrule == "FREQ=DAILY;UNTIL=20261023T160000Z;INTERVAL=7"
    assert event.rdates == (lux(2026, 10, 5, 12),)
    assert event.exdates == (lux(2026, 10, 9, 18),)


def test_this_and_future_moves_the_rest_of_the_series(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["this-and-future"]

    assert [(o.start, o.end, o.recurrence_id, o.previous_start) for o in event.occurrences] == [
        (lux(2026, 10, 1, 10), lux(2026, 10, 1, 11), "2026-10-01T08:00:00Z", None),
        (lux(2026, 10, 2, 10), lux(2026, 10, 2, 11), "2026-10-02T08:00:00Z", None),
        (
            lux(2026, 10, 3, 14),
            lux(2026, 10, 3, 16),
            "2026-10-03T08:00:00Z",
            lux(2026, 10, 3, 10),
        ),
        (
            lux(2026, 10, 4, 14),
            lux(2026, 10, 4, 16),
            "2026-10-04T08:00:00Z",
            lux(2026, 10, 4, 10),
        ),
        (
            lux(2026, 10, 5, 14),
            lux(2026, 10, 5, 16),
            "2026-10-05T08:00:00Z",
            lux(2026, 10, 5, 10),
        ),
    ]
    # The series itself keeps its master's text.
    assert event.title == I18nText.single("Atelier", "fr")


def test_highest_sequence_wins_among_duplicates(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["duplicate"]

    assert event.title == I18nText.single("Version deux", "fr")
    assert event.sequence == 2
    assert event.occurrences == (Occurrence(start=lux(2026, 10, 12, 20), timezone=LUXEMBOURG),)
    assert event.warnings == ("2 VEVENTs share this UID: kept SEQUENCE 2",)


def test_override_without_its_series_stands_alone(now: datetime) -> None:
    events = by_id(read_fixture("recurrence.ics", now))

    assert "orphan" not in events
    event = events["orphan#2026-10-14T18:00:00Z"]
    assert event.title == I18nText.single("Séance déplacée", "fr")
    assert event.occurrences == (
        Occurrence(
            start=utc(2026, 10, 15, 18),
            timezone="UTC",
            recurrence_id="2026-10-14T18:00:00Z",
            previous_start=utc(2026, 10, 14, 18),
        ),
    )
    assert event.warnings == ("RECURRENCE-ID without its series in the feed",)


def test_cancelled_series_and_tentative_event(now: datetime) -> None:
    events = by_id(read_fixture("recurrence.ics", now))

    cancelled = events["cancelled-series"]
    assert cancelled.status is EventStatus.CANCELLED
    assert local_starts(cancelled) == [
        ("2026-10-05T09:00:00+02:00", "cancelled"),
        ("2026-10-12T09:00:00+02:00", "cancelled"),
    ]
    tentative = events["tentative"]
    assert (tentative.tentative, tentative.status, tentative.sequence) == (
        True,
        EventStatus.SCHEDULED,
        4,
    )
    assert events["rdate-exdate"].tentative is False


def test_huge_count_is_capped_by_the_horizon(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["huge-count"]

    assert len(event.occurrences) == 1000
    assert event.occurrences[0].start == lux(2026, 10, 1, 12)
    assert event.occurrences[-1].start == lux(2026, 10, 1, 12) + timedelta(hours=999)
    assert event.warnings == ("recurrence cut short: too many instances to expand",)

    small = Horizon(past=timedelta(days=1), future=timedelta(days=2), max_occurrences=10)
    event = by_id(read_fixture("recurrence.ics", now, horizon=small))["huge-count"]
    assert len(event.occurrences) == 10


def test_horizon_cuts_a_series_on_both_sides(now: datetime) -> None:
    window = Horizon(past=timedelta(days=0), future=timedelta(days=30))
    event = by_id(read_fixture("weekly_dst.ics", now, horizon=window))["weekly-dst@capucins.lu"]

    assert local_starts(event) == [
        ("2026-10-06T20:00:00+02:00", "scheduled"),
        ("2026-10-20T20:00:00+02:00", "scheduled"),
        ("2026-10-28T19:30:00+01:00", "scheduled"),
    ]


def test_a_time_skipped_by_spring_forward_moves_one_hour_later(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["spring-gap"]

    assert local_starts(event) == [
        ("2027-03-27T02:30:00+01:00", "scheduled"),
        ("2027-03-28T03:30:00+02:00", "scheduled"),
        ("2027-03-29T02:30:00+02:00", "scheduled"),
    ]
    assert [o.recurrence_id for o in event.occurrences] == [
        "2027-03-27T01:30:00Z",
        "2027-03-28T01:30:00Z",
        "2027-03-29T00:30:00Z",
    ]


def test_all_day_series_with_date_exdate_and_date_override(now: datetime) -> None:
    event = by_id(read_fixture("recurrence.ics", now))["all-day-series"]

    assert event.occurrences == (
        Occurrence(
            start=lux(2026, 11, 1),
            end=lux(2026, 11, 2),
            all_day=True,
            timezone=LUXEMBOURG,
            recurrence_id="2026-11-01",
        ),
        Occurrence(
            start=lux(2026, 11, 16),
            end=lux(2026, 11, 17),
            all_day=True,
            timezone=LUXEMBOURG,
            status=EventStatus.CANCELLED,
            recurrence_id="2026-11-15",
            previous_start=lux(2026, 11, 15),
        ),
        Occurrence(
            start=lux(2026, 11, 22),
            end=lux(2026, 11, 23),
            all_day=True,
            timezone=LUXEMBOURG,
            recurrence_id="2026-11-22",
        ),
    )
    assert event.exdates == (lux(2026, 11, 8),)


def test_expand_rrule_keeps_wall_time_across_dst(now: datetime) -> None:
    starts = expand_rrule(
        "RRULE:FREQ=WEEKLY;UNTIL=20261103T190000Z",
        datetime(2026, 10, 20, 20, 0),
        tz=LUX,
        now=now,
        horizon=Horizon(),
        exdates=[lux(2026, 10, 27, 20)],
    )
    assert [s.isoformat() for s in starts] == [
        "2026-10-20T20:00:00+02:00",
        "2026-11-03T20:00:00+01:00",
    ]


@pytest.mark.parametrize(
    ("rule", "all_day", "expected"),
    [
        # UTC UNTIL to Luxembourg wall time; a DATE UNTIL covers its whole day.
        ("RRULE:FREQ=WEEKLY;UNTIL=20261103T190000Z", False, "FREQ=WEEKLY;UNTIL=20261103T200000"),
        ("FREQ=DAILY;UNTIL=20261103", False, "FREQ=DAILY;UNTIL=20261103T235959"),
        # All-day dates float: a UTC UNTIL is read as UTC wall time.
        ("FREQ=DAILY;UNTIL=20080323T235959Z", True, "FREQ=DAILY;UNTIL=20080323T235959"),
        # COUNT=-1 (seen in the wild) and COUNT beside UNTIL are dropped.
        ("FREQ=WEEKLY;UNTIL=20240331;COUNT=-1", True, "FREQ=WEEKLY;UNTIL=20240331"),
        ("FREQ=WEEKLY;COUNT=3;UNTIL=20240331", True, "FREQ=WEEKLY;UNTIL=20240331"),
        ("FREQ=WEEKLY;BYDAY=MO, TU;X-NAME=1;RSCALE=GREGORIAN", False, "FREQ=WEEKLY;BYDAY=MO,TU"),
    ],
)
def test_rules_are_normalised_for_dateutil(rule: str, all_day: bool, expected: str) -> None:
    assert normalise_rule(rule, tz=LUX, all_day=all_day) == expected


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("BYDAY=MO", "recurrence rule without FREQ: 'BYDAY=MO'"),
        ("FREQ=WEEKLY;UNTL=20191023", "unknown rule part 'UNTL'"),
        ("RSCALE=HEBREW;FREQ=YEARLY", "calendar scale 'HEBREW' is not supported"),
        ("FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30", "BYMONTHDAY 30 never falls in BYMONTH 2"),
    ],
)
def test_unusable_rules_are_refused(rule: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        normalise_rule(rule, tz=LUX, all_day=False)
    assert str(raised.value) == message


# --------------------------------------------------------------------------- text and links


def test_languages_descriptions_places_links_and_images(now: datetime) -> None:
    result = read_fixture("text.ics", now)
    events = by_id(result)

    assert result.errors == ()
    assert events["multilingual"] == SourceEvent(
        external_id="multilingual",
        # Markup stripped from titles; de-LU is German; the SUMMARY without
        # LANGUAGE would be the source's French, which is already there.
        title=I18nText.of([("fr", "Concert d'automne"), ("de", "Herbstkonzert")]),
        description=I18nText.of(
            [
                ("de", "<p>Erster <em>Teil</em></p>"),
                ("fr", "<p>Première partie<br>Deuxième partie</p><p>Entracte &amp; bar</p>"),
            ]
        ),
        description_is_html=True,
        occurrences=(Occurrence(start=lux(2026, 10, 20, 20), timezone=LUXEMBOURG),),
        timezone=LUXEMBOURG,
        sequence=3,
        url="https://www.philharmonie.lu/fr/programm/herbst",
        image_urls=(
            "https://cdn.example.lu/badge",
            "https://cdn.example.lu/herbst",
            "https://cdn.example.lu/affiche.PNG?size=large",
        ),
        categories=("Musique", "Concert", "Classique", "Jazz"),
        location=Location(
            name=I18nText.of(
                [("fr", "Grand Auditorium, Philharmonie"), ("de", "Großer Saal, Philharmonie")]
            ),
            lat=49.618,
            lon=6.14,
            raw="Grand Auditorium, Philharmonie",
        ),
        modified=utc(2026, 9, 15, 8, 15),
    )


def test_conference_makes_online_or_mixed_events(now: datetime) -> None:
    events = by_id(read_fixture("text.ics", now))

    online = events["online"]
    assert (online.attendance_mode, online.online_url, online.location, online.url) == (
        AttendanceMode.ONLINE,
        "https://meet.example.org/abc",
        None,
        None,  # javascript: URL dropped
    )
    # A description that already is HTML stays HTML (the aggregator sanitises it).
    assert online.description == I18nText.single(
        '<p>Already <a href="https://example.org">HTML</a></p>', "fr"
    )
    mixed = events["mixed"]
    assert (mixed.attendance_mode, mixed.online_url) == (
        AttendanceMode.MIXED,
        "https://stream.example.org/talk",  # the tel: conference is no web link
    )
    assert events["multilingual"].attendance_mode is None


def test_folding_and_escapes(now: datetime) -> None:
    event = by_id(read_fixture("text.ics", now))["escapes"]

    assert event.title == I18nText.single("Back\\slash; semi, comma", "fr")
    assert event.description == I18nText.single(
        "<p>Line one<br>Line two<br>three &lt;not a tag&gt;</p>", "fr"
    )
    assert event.location == Location(
        name=I18nText.single("Ancienne Gare de Hollerich, Luxembourg", "fr"),
        raw="Ancienne Gare de Hollerich, Luxembourg",
    )


def test_calendar_name_languages_and_refresh_interval(now: datetime) -> None:
    assert read_fixture("text.ics", now).meta == FeedMeta(
        name=I18nText.of(
            [("fr", "Agenda de la Philharmonie"), ("de", "Programm der Philharmonie")]
        ),
        refresh_interval=timedelta(days=1),
    )


# --------------------------------------------------------------------------- robustness


def test_byte_order_mark_bare_lf_and_folding(now: datetime) -> None:
    result = read_fixture("bom_lf.ics", now)

    assert [(e.external_id, e.title) for e in result.events] == [
        ("bom-lf", I18nText.single("Dësch mat Iessen", "lb"))
    ]


def test_latin1_fallback(now: datetime) -> None:
    result = read_fixture("latin1.ics", now)

    assert [e.title for e in result.events] == [I18nText.single("Théâtre d'été", "fr")]


def test_malformed_events_become_item_errors_and_the_rest_comes_through(
    now: datetime,
) -> None:
    result = read_fixture("malformed.ics", now)

    assert result.errors == (
        SourceItemError(
            message="event 'bad-date': unreadable DTSTART: Expected datetime, date, or time. "
            "Got: '2026-13-45T25:00:00'",
            external_id="bad-date",
            line=14,
        ),
        SourceItemError(message="event 'no-start': no DTSTART", external_id="no-start", line=19),
        SourceItemError(
            message="event 'bad-rrule': unreadable RRULE 'FREQ=FORTNIGHTLY;COUNT=3': "
            "invalid 'FREQ': FORTNIGHTLY",
            external_id="bad-rrule",
            line=23,
        ),
        # dateutil would search until the year 9999 for this one.
        SourceItemError(
            message="event 'never': unreadable RRULE 'FREQ=HOURLY;BYMONTHDAY=30;BYMONTH=2': "
            "BYMONTHDAY 30 never falls in BYMONTH 2",
            external_id="never",
            line=29,
        ),
    )
    # VTODO, VJOURNAL and the VALARM inside the first event are ignored.
    assert [e.external_id for e in result.events] == [
        "good-before",
        "nouid-2fa59f9ef44c5fd9e914693e",
        "good-after",
    ]
    no_uid = result.events[1]
    assert no_uid.title == I18nText.single("No UID", "fr")
    assert no_uid.warnings == ("no UID: identified by a hash of DTSTART and SUMMARY",)


def test_a_stray_line_is_reported_and_skipped(now: datetime) -> None:
    result = read_fixture("stray_line.ics", now)

    assert result.errors == (
        SourceItemError(
            message="not an iCalendar content line, skipped: 'this line is not iCalendar'",
            line=9,
        ),
    )
    assert [e.external_id for e in result.events] == ["survivor"]


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("empty.ics", "empty document: not an iCalendar feed"),
        ("not_ics.html", "not an iCalendar feed: an HTML or XML page"),
        ("vevent_only.ics", "not an iCalendar feed: no BEGIN:VCALENDAR line"),
        (
            "truncated.ics",
            "incomplete iCalendar feed: BEGIN:VCALENDAR without END:VCALENDAR (truncated?)",
        ),
    ],
)
def test_documents_that_are_not_icalendar_are_refused(
    name: str, message: str, now: datetime
) -> None:
    with pytest.raises(FeedFormatError) as raised:
        read_fixture(name, now)
    assert str(raised.value) == message


def test_a_large_feed_reads_in_one_pass(now: datetime) -> None:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Pluriel tests//bulk//EN"]
    for n in range(2000):
        lines += [
            "BEGIN:VEVENT",
            f"UID:bulk-{n}",
            f"DTSTART;TZID=Europe/Luxembourg:2026{10 + n % 3:02d}{1 + n % 28:02d}T200000",
            "DURATION:PT2H",
            "RRULE:FREQ=WEEKLY;COUNT=10" if n % 2 else "",
            f"SUMMARY:Event {n}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    data = "\r\n".join(line for line in lines if line).encode()

    result = read_ics(data, ReadContext(now=now, lang="fr"))

    assert (len(result.events), result.errors) == (2000, ())
    assert sum(len(e.occurrences) for e in result.events) == 1000 * 10 + 1000


def test_reading_is_deterministic(now: datetime) -> None:
    first = read_fixture("weekly_dst.ics", now)
    second = read_fixture("weekly_dst.ics", now)

    assert first == second
    assert replace(first.events[0], sequence=1) != second.events[0]
