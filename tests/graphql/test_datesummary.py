"""dateSummary wording, per language and format, in the event's own zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from pluriel.graphql.datesummary import Span, SummaryFormat, date_summary, summary_lang

LUX = "Europe/Luxembourg"
S, M, L = SummaryFormat.SHORT, SummaryFormat.MEDIUM, SummaryFormat.LONG

# Saturday 10 October 2026, 20:00 to 22:00 in Luxembourg (CEST, UTC+2).
EVENING = [Span(datetime(2026, 10, 10, 18, tzinfo=UTC), datetime(2026, 10, 10, 20, tzinfo=UTC))]
# Two dates, 3 and 27 October.
OCTOBER = [
    Span(datetime(2026, 10, 3, 18, tzinfo=UTC)),
    Span(datetime(2026, 10, 27, 19, tzinfo=UTC)),
]
ACROSS_YEARS = [
    Span(datetime(2026, 9, 28, 18, tzinfo=UTC)),
    Span(datetime(2027, 1, 2, 18, tzinfo=UTC)),
]
# Weekly on Tuesdays at 20:00 local, across the end of summer time (25 Oct 2026).
TUESDAYS = [
    Span(datetime(2026, 10, 6, 18, tzinfo=UTC)),
    Span(datetime(2026, 10, 27, 19, tzinfo=UTC)),
    Span(datetime(2026, 11, 24, 19, tzinfo=UTC)),
]
WEEKLY = "FREQ=WEEKLY;UNTIL=20261124T235959Z"
# Whole days 3 to 5 October: local midnights, the end exclusive.
FESTIVAL = [
    Span(datetime(2026, 10, 2, 22, tzinfo=UTC), datetime(2026, 10, 5, 22, tzinfo=UTC), all_day=True)
]

CASES = [
    ("fr", S, EVENING, None, "10 oct., 20:00"),
    ("fr", M, EVENING, None, "sam. 10 oct. 2026, 20:00"),
    ("fr", L, EVENING, None, "samedi 10 octobre 2026, 20:00–22:00"),
    ("fr", S, OCTOBER, None, "3–27 oct."),
    ("fr", M, OCTOBER, None, "du 3 au 27 oct. 2026"),
    ("fr", L, OCTOBER, None, "du 3 au 27 octobre 2026"),
    ("fr", M, ACROSS_YEARS, None, "du 28 sept. 2026 au 2 janv. 2027"),
    ("fr", S, TUESDAYS, WEEKLY, "tous les mardis"),
    ("fr", M, TUESDAYS, WEEKLY, "tous les mardis jusqu’au 24 nov. 2026"),
    ("fr", L, TUESDAYS, WEEKLY, "tous les mardis à 20:00 jusqu’au 24 novembre 2026"),
    ("fr", M, FESTIVAL, None, "du 3 au 5 oct. 2026"),
    ("de", S, EVENING, None, "10. Okt., 20:00"),
    ("de", M, EVENING, None, "Sa., 10. Okt. 2026, 20:00"),
    ("de", L, EVENING, None, "Samstag, 10. Oktober 2026, 20:00–22:00"),
    ("de", S, OCTOBER, None, "3.–27. Okt."),
    ("de", M, OCTOBER, None, "vom 3. bis 27. Okt. 2026"),
    ("de", L, OCTOBER, None, "vom 3. bis 27. Oktober 2026"),
    ("de", M, ACROSS_YEARS, None, "vom 28. Sept. 2026 bis 2. Jan. 2027"),
    ("de", M, TUESDAYS, WEEKLY, "jeden Dienstag bis 24. Nov. 2026"),
    ("de", L, TUESDAYS, WEEKLY, "jeden Dienstag um 20:00 bis 24. November 2026"),
    ("de", M, FESTIVAL, None, "vom 3. bis 5. Okt. 2026"),
    ("lb", S, EVENING, None, "10. Okt., 20:00"),
    ("lb", M, EVENING, None, "Sam., 10. Okt. 2026, 20:00"),
    ("lb", L, EVENING, None, "Samschdeg, 10. Oktober 2026, 20:00–22:00"),
    ("lb", M, OCTOBER, None, "vum 3. bis 27. Okt. 2026"),
    ("lb", M, TUESDAYS, WEEKLY, "all Dënschdeg bis 24. Nov. 2026"),
    ("lb", L, TUESDAYS, WEEKLY, "all Dënschdeg um 20:00 bis 24. November 2026"),
    ("en", S, EVENING, None, "10 Oct, 20:00"),
    ("en", M, EVENING, None, "Sat 10 Oct 2026, 20:00"),
    ("en", L, EVENING, None, "Saturday 10 October 2026, 20:00–22:00"),
    ("en", S, OCTOBER, None, "3–27 Oct"),
    ("en", M, OCTOBER, None, "from 3 to 27 Oct 2026"),
    ("en", M, ACROSS_YEARS, None, "from 28 Sept 2026 to 2 Jan 2027"),
    ("en", S, TUESDAYS, WEEKLY, "every Tuesday"),
    ("en", M, TUESDAYS, WEEKLY, "every Tuesday until 24 Nov 2026"),
    ("en", L, TUESDAYS, WEEKLY, "every Tuesday at 20:00 until 24 November 2026"),
    ("en", L, FESTIVAL, None, "from 3 to 5 October 2026"),
    ("nl", S, EVENING, None, "10 okt, 20:00"),
    ("nl", M, EVENING, None, "za 10 okt 2026, 20:00"),
    ("nl", L, EVENING, None, "zaterdag 10 oktober 2026, 20:00–22:00"),
    ("nl", M, OCTOBER, None, "van 3 tot 27 okt 2026"),
    ("nl", M, TUESDAYS, WEEKLY, "elke dinsdag tot 24 nov 2026"),
    ("nl", L, TUESDAYS, WEEKLY, "elke dinsdag om 20:00 tot 24 november 2026"),
]


@pytest.mark.parametrize(("lang", "fmt", "spans", "rrule", "expected"), CASES)
def test_wording(
    lang: str, fmt: SummaryFormat, spans: list[Span], rrule: str | None, expected: str
) -> None:
    assert date_summary(spans, timezone=LUX, lang=lang, format=fmt, rrule=rrule) == expected


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("fr", "annulé"),
        ("de", "abgesagt"),
        ("lb", "ofgesot"),
        ("en", "cancelled"),
        ("nl", "geannuleerd"),
    ],
)
def test_a_cancelled_event_says_so_instead_of_dates(lang: str, expected: str) -> None:
    for fmt in SummaryFormat:
        assert date_summary(EVENING, timezone=LUX, lang=lang, format=fmt, status="cancelled") == (
            expected
        )


def test_postponed() -> None:
    assert date_summary(EVENING, timezone=LUX, lang="de", status="postponed") == "verschoben"


def test_times_are_shown_in_the_event_zone() -> None:
    late = [Span(datetime(2026, 10, 10, 23, 30, tzinfo=UTC))]
    assert date_summary(late, timezone=LUX, lang="en") == "Sun 11 Oct 2026, 01:30"
    assert date_summary(late, timezone="Europe/London", lang="en") == "Sun 11 Oct 2026, 00:30"
    assert date_summary(late, timezone="America/New_York", lang="en") == "Sat 10 Oct 2026, 19:30"


def test_an_unknown_zone_falls_back_to_utc() -> None:
    assert date_summary(EVENING, timezone="Mars/Olympus", lang="en") == "Sat 10 Oct 2026, 18:00"


def test_one_whole_day_has_no_time() -> None:
    day = [
        Span(
            datetime(2026, 10, 2, 22, tzinfo=UTC),
            datetime(2026, 10, 3, 22, tzinfo=UTC),
            all_day=True,
        )
    ]
    assert date_summary(day, timezone=LUX, lang="fr") == "sam. 3 oct. 2026"
    assert date_summary(day, timezone=LUX, lang="de", format=L) == "Samstag, 3. Oktober 2026"


def test_several_weekdays_and_daily_series() -> None:
    spans = [
        Span(datetime(2026, 10, 6, 18, tzinfo=UTC)),
        Span(datetime(2026, 10, 29, 19, tzinfo=UTC)),
    ]
    rule = "RRULE:FREQ=WEEKLY;BYDAY=TU,TH;COUNT=8"
    assert date_summary(spans, timezone=LUX, lang="fr", rrule=rule) == (
        "tous les mardis et jeudis jusqu’au 29 oct. 2026"
    )
    assert date_summary(spans, timezone=LUX, lang="en", rrule=rule) == (
        "every Tuesday and Thursday until 29 Oct 2026"
    )
    assert date_summary(spans, timezone=LUX, lang="de", rrule="FREQ=DAILY") == "täglich"


def test_rules_without_a_simple_wording_read_as_a_range() -> None:
    for rule in ("FREQ=WEEKLY;INTERVAL=2", "FREQ=MONTHLY;BYDAY=1SA", "FREQ=WEEKLY;BYDAY=XX"):
        assert date_summary(OCTOBER, timezone=LUX, lang="fr", rrule=rule) == "du 3 au 27 oct. 2026"


def test_no_dates_no_summary() -> None:
    assert date_summary([], timezone=LUX, lang="fr") is None


def test_summary_language_falls_back_to_french() -> None:
    assert [summary_lang(x) for x in ("de-LU", "en_GB", "it", None, "LB")] == [
        "de",
        "en",
        "fr",
        "fr",
        "lb",
    ]
