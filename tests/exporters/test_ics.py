from __future__ import annotations

import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from icalendar import Calendar

from pluriel.exporters import ExportEvent, ExportOccurrence, to_ics
from pluriel.model import EventStatus, I18nText
from tests.conftest import FIXTURES
from tests.exporters.cases import EVENTS, EXHIBITION_EVENT, LUX, ONLINE, SERIES
from tests.exporters.expansion import expand_icalendar, expected_occurrences

HERE = FIXTURES / "exporters"


def feed(events: tuple[ExportEvent, ...] = EVENTS, lang: str = "fr") -> bytes:
    return to_ics(
        events,
        lang=lang,
        name="Agenda pluriel",
        url=f"https://pluriel.test/feeds/events.ics?lang={lang}",
        refresh=timedelta(hours=6),
    )


def lines(data: bytes) -> list[str]:
    """Unfolded content lines."""
    return data.decode().replace("\r\n ", "").split("\r\n")


def vevents(data: bytes) -> list[list[str]]:
    out: list[list[str]] = []
    current: list[str] | None = None
    for line in lines(data):
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT" and current is not None:
            out.append(current)
            current = None
        elif current is not None:
            current.append(line)
    return out


def picked(data: bytes, *names: str) -> list[list[str]]:
    return [
        [line for line in event if line.split(";")[0].split(":")[0] in names]
        for event in vevents(data)
    ]


@pytest.mark.parametrize("lang", ["fr", "lb"])
def test_feed_is_the_saved_calendar(lang: str) -> None:
    assert feed(lang=lang) == (HERE / f"events.{lang}.ics").read_bytes()


@pytest.mark.parametrize("lang", ["fr", "lb", "de", "en"])
def test_icalendar_reads_the_same_occurrences_without_warnings(lang: str) -> None:
    data = feed(lang=lang)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        calendar = Calendar.from_ical(data)
        occurrences = expand_icalendar(data)
    assert calendar.get_missing_tzids() == set()
    assert occurrences == expected_occurrences(EVENTS, lang)


def test_series_across_dst_expands_to_the_input_instants() -> None:
    assert [(o["start"], o["status"]) for o in expand_icalendar(feed((SERIES,)))] == [
        ("2026-10-13T18:00:00Z", "CONFIRMED"),
        ("2026-10-20T18:00:00Z", "CANCELLED"),
        ("2026-11-04T19:00:00Z", "CONFIRMED"),
        ("2026-11-10T19:00:00Z", "CONFIRMED"),
        ("2026-11-17T19:00:00Z", "CONFIRMED"),
    ]


def test_series_is_one_rule_with_exdate_and_overrides() -> None:
    assert picked(
        feed((SERIES,)), "UID", "DTSTART", "DTEND", "RRULE", "EXDATE", "RECURRENCE-ID", "STATUS"
    ) == [
        [
            "DTSTART;TZID=Europe/Luxembourg:20261013T200000",
            "DTEND;TZID=Europe/Luxembourg:20261013T220000",
            "UID:event-101@pluriel.test",
            "RRULE:FREQ=WEEKLY;UNTIL=20261117T190000Z;BYDAY=TU",
            "EXDATE;TZID=Europe/Luxembourg:20261027T200000",
            "STATUS:CONFIRMED",
        ],
        [
            "DTSTART;TZID=Europe/Luxembourg:20261020T200000",
            "DTEND;TZID=Europe/Luxembourg:20261020T220000",
            "UID:event-101@pluriel.test",
            "RECURRENCE-ID;TZID=Europe/Luxembourg:20261020T200000",
            "STATUS:CANCELLED",
        ],
        [
            "DTSTART;TZID=Europe/Luxembourg:20261104T200000",
            "DTEND;TZID=Europe/Luxembourg:20261104T220000",
            "UID:event-101@pluriel.test",
            "RECURRENCE-ID;TZID=Europe/Luxembourg:20261103T200000",
            "STATUS:CONFIRMED",
        ],
    ]


def test_one_language_per_feed_with_the_language_really_used() -> None:
    fields = ("SUMMARY", "DESCRIPTION", "LOCATION", "CATEGORIES")
    assert picked(feed((SERIES,), lang="lb"), *fields)[0] == [
        "SUMMARY;LANGUAGE=de:Jazz am Dienstag",
        "CATEGORIES;LANGUAGE=lb:Musek",
        "CATEGORIES;LANGUAGE=de:Jazz",
        "DESCRIPTION;LANGUAGE=de:Das Trio Pluriel (https://trio.example/) spielt.\\n\\n"
        "Eintritt: 15 € & mehr",
        "LOCATION;LANGUAGE=lb:Rotonden\\, Place des Rotondes\\, 2448 Luxembourg",
    ]
    assert picked(feed((SERIES,), lang="fr"), *fields)[0] == [
        "SUMMARY;LANGUAGE=fr:Jazz du mardi",
        "CATEGORIES;LANGUAGE=fr:Musique,Jazz",
        "DESCRIPTION;LANGUAGE=fr:Le trio joue \\; entrée libre\\, ou presque.",
        "LOCATION;LANGUAGE=fr:Rotondes\\, Place des Rotondes\\, 2448 Luxembourg",
    ]


def test_calendar_properties() -> None:
    head = lines(feed())[: lines(feed()).index("BEGIN:VTIMEZONE")]
    assert head == [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//pluriel//pluriel open cultural agenda//EN",
        "CALSCALE:GREGORIAN",
        "NAME;LANGUAGE=fr:Agenda pluriel",
        "X-WR-CALNAME:Agenda pluriel",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "SOURCE;VALUE=URI:https://pluriel.test/feeds/events.ics?lang=fr",
        "URL;VALUE=URI:https://pluriel.test/feeds/events.ics?lang=fr",
        "X-PUBLISHED-TTL:PT6H",
    ]
    assert [line for line in lines(feed()) if line.startswith("TZID:")] == [
        "TZID:Europe/Brussels",
        "TZID:Europe/Luxembourg",
    ]


def test_all_day_exhibition_is_dates_with_exclusive_end() -> None:
    assert picked(feed((EXHIBITION_EVENT,)), "DTSTART", "DTEND") == [
        ["DTSTART;VALUE=DATE:20261003", "DTEND;VALUE=DATE:20261221"]
    ]
    assert "BEGIN:VTIMEZONE" not in lines(feed((EXHIBITION_EVENT,)))


def test_online_event_has_conference_and_no_place() -> None:
    assert picked(
        feed((ONLINE,), lang="en"),
        "LOCATION",
        "CONFERENCE",
        "GEO",
        "IMAGE",
        "ATTACH",
        "CONTACT",
        "URL",
    ) == [
        [
            "ATTACH:https://archives.example/talk.png",
            "CONFERENCE;VALUE=URI:https://stream.example/archives",
            'CONTACT;ALTREP="https://archives.example/":Archives de l\'État',
            "IMAGE;DISPLAY=BADGE;VALUE=URI:https://archives.example/talk.png",
            "LOCATION:https://stream.example/archives",
            "URL;VALUE=URI:https://pluriel.test/events/303",
        ]
    ]


def test_lines_are_crlf_and_folded_at_75_octets() -> None:
    long = replace(SERIES, title=I18nText.of({"fr": "Très long titre éèà " * 12}))
    data = feed((long, *EVENTS))
    assert data.endswith(b"END:VCALENDAR\r\n")
    raw = data.split(b"\r\n")
    assert b"\n" not in b"".join(raw)
    assert max(len(line) for line in raw) == 75
    assert all(len(line) <= 75 for line in raw)
    for line in raw:
        line.decode()  # folding never splits a UTF-8 sequence


def test_text_is_escaped() -> None:
    tricky = replace(ONLINE, title=I18nText.of({"en": "A; B, C\\D\nE"}), description=I18nText())
    assert picked(feed((tricky,), lang="en"), "SUMMARY") == [
        ["SUMMARY;LANGUAGE=en:A\\; B\\, C\\\\D\\nE"]
    ]


def occurrence(day: int, month: int = 10, hour: int = 20, **extra: object) -> ExportOccurrence:
    start = datetime(2026, month, day, hour, 0, tzinfo=LUX)
    return ExportOccurrence(  # type: ignore[arg-type]
        id=f"{month}-{day}",
        start=start,
        end=start + timedelta(hours=1),
        timezone="Europe/Luxembourg",
        **extra,
    )


def test_dates_the_rule_cannot_produce_become_one_vevent_each() -> None:
    # Wednesday 14 October is no Tuesday: the rule would lose it.
    odd = replace(SERIES, occurrences=(occurrence(13), occurrence(14), occurrence(20)))
    data = feed((odd,))
    assert picked(data, "UID", "DTSTART", "RRULE") == [
        ["DTSTART;TZID=Europe/Luxembourg:20261013T200000", "UID:event-101@pluriel.test-10-13"],
        ["DTSTART;TZID=Europe/Luxembourg:20261014T200000", "UID:event-101@pluriel.test-10-14"],
        ["DTSTART;TZID=Europe/Luxembourg:20261020T200000", "UID:event-101@pluriel.test-10-20"],
    ]
    assert [o["start"] for o in expand_icalendar(data)] == [
        "2026-10-13T18:00:00Z",
        "2026-10-14T18:00:00Z",
        "2026-10-20T18:00:00Z",
    ]


def test_more_holes_than_dates_is_not_a_series() -> None:
    sparse = replace(
        SERIES,
        rrule="FREQ=DAILY",
        occurrences=(occurrence(1), occurrence(30)),
    )
    assert [len(event) > 0 for event in picked(feed((sparse,)), "RRULE")] == [False, False]


def test_event_without_rule_and_one_date_keeps_its_uid() -> None:
    assert picked(feed((ONLINE,)), "UID") == [["UID:event-303@pluriel.test"]]


def test_all_day_series_uses_date_exdates() -> None:
    market = replace(
        EXHIBITION_EVENT,
        rrule="RRULE:FREQ=WEEKLY;BYDAY=SA",
        occurrences=tuple(
            ExportOccurrence(
                id=str(day),
                start=datetime(2026, 10, day, tzinfo=LUX),
                end=datetime(2026, 10, day + 1, tzinfo=LUX),
                all_day=True,
                timezone="Europe/Luxembourg",
                status=EventStatus.CANCELLED if day == 17 else EventStatus.SCHEDULED,
                recurrence_id=f"2026-10-{day:02d}",
            )
            for day in (3, 17, 24)
        ),
    )
    data = feed((market,))
    assert picked(data, "DTSTART", "DTEND", "RRULE", "EXDATE", "RECURRENCE-ID", "STATUS") == [
        [
            "DTSTART;VALUE=DATE:20261003",
            "DTEND;VALUE=DATE:20261004",
            "RRULE:FREQ=WEEKLY;UNTIL=20261024;BYDAY=SA",
            "EXDATE;VALUE=DATE:20261010",
            "STATUS:CONFIRMED",
        ],
        [
            "DTSTART;VALUE=DATE:20261017",
            "DTEND;VALUE=DATE:20261018",
            "RECURRENCE-ID;VALUE=DATE:20261017",
            "STATUS:CANCELLED",
        ],
    ]
    assert expand_icalendar(data) == expected_occurrences((market,), "fr")


def test_cancelled_event_cancels_every_date() -> None:
    cancelled = replace(SERIES, status=EventStatus.CANCELLED)
    assert {o["status"] for o in expand_icalendar(feed((cancelled,)))} == {"CANCELLED"}


def test_unknown_zone_and_empty_event_do_not_break_the_feed() -> None:
    lost = replace(
        ONLINE,
        timezone="Mars/Olympus",
        occurrences=(replace(ONLINE.occurrences[0], timezone="Mars/Olympus"),),
    )
    empty = replace(SERIES, uid="empty@pluriel.test", occurrences=())
    data = feed((lost, empty))
    assert picked(data, "UID", "DTSTART", "DTEND") == [
        ["DTSTART:20261105T173000Z", "DTEND:20261105T184500Z", "UID:event-303@pluriel.test"]
    ]


def test_unreadable_rule_falls_back_to_dates() -> None:
    broken = replace(SERIES, rrule="FREQ=WEEKLY;BYDAY=TU;UNTL=2027")
    assert [(o["uid"], o["start"], o["status"]) for o in expand_icalendar(feed((broken,)))] == [
        ("event-101@pluriel.test-1013", "2026-10-13T18:00:00Z", "CONFIRMED"),
        ("event-101@pluriel.test-1020", "2026-10-20T18:00:00Z", "CANCELLED"),
        ("event-101@pluriel.test-1103", "2026-11-04T19:00:00Z", "CONFIRMED"),
        ("event-101@pluriel.test-1110", "2026-11-10T19:00:00Z", "CONFIRMED"),
        ("event-101@pluriel.test-1117", "2026-11-17T19:00:00Z", "CONFIRMED"),
    ]


def test_dtstamp_is_the_last_change_so_bytes_are_stable() -> None:
    assert feed() == feed()
    stamp = datetime(2026, 9, 20, 8, 30, tzinfo=UTC).strftime("%Y%m%dT%H%M%SZ")
    assert picked(feed((SERIES,)), "DTSTAMP")[0] == [f"DTSTAMP:{stamp}"]


def write_fixtures() -> None:
    """Regenerate the saved calendars after a deliberate change (then review the diff)."""
    for lang in ("fr", "lb"):
        Path(HERE / f"events.{lang}.ics").write_bytes(feed(lang=lang))


if __name__ == "__main__":
    write_fixtures()


def test_a_longer_date_and_open_ended_dates_round_trip() -> None:
    dates = (
        occurrence(6),
        replace(occurrence(13), end=datetime(2026, 10, 13, 23, 30, tzinfo=LUX)),
        occurrence(20),
    )
    longer = replace(SERIES, occurrences=dates)
    data = feed((longer,))
    assert picked(data, "DTSTART", "DTEND", "RECURRENCE-ID") == [
        [
            "DTSTART;TZID=Europe/Luxembourg:20261006T200000",
            "DTEND;TZID=Europe/Luxembourg:20261006T210000",
        ],
        [
            "DTSTART;TZID=Europe/Luxembourg:20261013T200000",
            "DTEND;TZID=Europe/Luxembourg:20261013T233000",
            "RECURRENCE-ID;TZID=Europe/Luxembourg:20261013T200000",
        ],
    ]
    assert expand_icalendar(data) == expected_occurrences((longer,), "fr")
    open_ended = replace(SERIES, occurrences=tuple(replace(o, end=None) for o in dates))
    data = feed((open_ended,))
    assert picked(data, "DTEND") == [[]]
    assert expand_icalendar(data) == expected_occurrences((open_ended,), "fr")


def test_malformed_recurrence_id_falls_back_to_the_start() -> None:
    odd = replace(SERIES, occurrences=(occurrence(13, recurrence_id="yesterday"), occurrence(20)))
    assert picked(feed((odd,)), "RRULE", "RECURRENCE-ID") == [
        ["RRULE:FREQ=WEEKLY;UNTIL=20261020T180000Z;BYDAY=TU"]
    ]


def sundays(*days: tuple[int, int]) -> tuple[ExportOccurrence, ...]:
    return tuple(occurrence(day, month, hour=11) for month, day in days)


def test_ranked_weekday_series_stays_a_rule() -> None:
    first_sunday = replace(
        SERIES,
        rrule="FREQ=MONTHLY;BYDAY=1SU",
        occurrences=sundays((10, 4), (11, 1), (12, 6)),
    )
    last_sunday = replace(
        SERIES,
        uid="last@pluriel.test",
        rrule="FREQ=MONTHLY;BYDAY=-1SU",
        occurrences=sundays((10, 25), (11, 29), (12, 27)),
    )
    data = feed((first_sunday, last_sunday))
    assert [rule for rule in picked(data, "RRULE") if rule] == [
        ["RRULE:FREQ=MONTHLY;UNTIL=20261206T100000Z;BYDAY=1SU"],
        ["RRULE:FREQ=MONTHLY;UNTIL=20261227T100000Z;BYDAY=-1SU"],
    ]
    assert expand_icalendar(data) == expected_occurrences((first_sunday, last_sunday), "fr")


@pytest.mark.timeout(5)
@pytest.mark.parametrize(
    "rule",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",  # never happens: dateutil would scan to 9999
        "FREQ=MONTHLY;BYDAY=6SU",
        "FREQ=WEEKLY;BYDAY=1SU",
        "FREQ=HOURLY",
        "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=SU",
        "FREQ=WEEKLY;INTERVAL=0",
        "FREQ=WEEKLY;BYDAY=XX",
        "BYDAY=SU",
    ],
)
def test_rules_that_cannot_be_vouched_for_are_exported_date_by_date(rule: str) -> None:
    odd = replace(SERIES, rrule=rule, occurrences=sundays((10, 4), (10, 11)))
    data = feed((odd,))
    assert picked(data, "UID", "RRULE") == [
        ["UID:event-101@pluriel.test-10-4"],
        ["UID:event-101@pluriel.test-10-11"],
    ]
