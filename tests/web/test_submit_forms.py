"""From the flat HTML form to EventInput, and errors back onto their fields."""

from __future__ import annotations

from datetime import datetime

from pluriel.web.submit.forms import event_input, field_name, form_from_pairs


def test_the_repeat_builder_writes_an_rrule(now: datetime) -> None:
    form = form_from_pairs(
        [
            ("title_lb", "Owesconcert"),
            ("start_0", "2026-10-06T19:30"),
            ("end_0", "2026-10-06T21:00"),
            ("repeat", "weekly"),
            ("repeat_days", "TU"),
            ("repeat_days", "TH"),
            ("repeat_until", "2026-10-31"),
            ("place_id", "7"),
        ]
    )
    converted = event_input(form, now=now)
    assert converted.data == {
        "timezone": "Europe/Luxembourg",
        "title": [{"lang": "lb", "text": "Owesconcert"}],
        "occurrences": [{"start": "2026-10-06T19:30", "end": "2026-10-06T21:00"}],
        "rrule": "FREQ=WEEKLY;BYDAY=TU,TH;UNTIL=20261031",
        "attendanceMode": "offline",
        "placeId": "7",
    }


def test_exceptions_expand_the_series_without_those_days(now: datetime) -> None:
    form = form_from_pairs(
        [
            ("title_fr", "Atelier"),
            ("start_0", "2026-11-02"),
            ("allday_0", "on"),
            ("repeat", "weekly"),
            ("repeat_until", "2026-11-30"),
            ("exceptions", "2026-11-16\nnot a date\n2026-11-23"),
            ("place_name", "Rotondes"),
            ("place_locality", "Luxembourg"),
            ("place_country", "lu"),
        ]
    )
    converted = event_input(form, now=now)
    assert converted.expanded
    assert "rrule" not in converted.data
    assert converted.data["occurrences"] == [
        {"start": "2026-11-02", "allDay": True},
        {"start": "2026-11-09", "allDay": True},
        {"start": "2026-11-30", "allDay": True},
    ]
    assert converted.data["place"] == {
        "name": "Rotondes",
        "locality": "Luxembourg",
        "country": "LU",
    }
    assert field_name(("occurrences", "1", "start"), converted) == "exceptions"


def test_error_paths_land_on_the_field_that_was_typed(now: datetime) -> None:
    form = form_from_pairs(
        [
            ("title_de", "Lesung"),
            ("title_nl", "Lezing"),
            ("description_en", "Reading"),
            ("start_0", ""),
            ("start_3", "2026-10-10T20:00"),
            ("price_min", "abc"),
        ]
    )
    converted = event_input(form, now=now)
    assert [
        field_name(path, converted)
        for path in [
            ("title", "1", "text"),
            ("description", "0", "text"),
            ("occurrences", "0", "end"),
            ("price", "min"),
            ("place", "postalCode"),
            ("place",),
            ("bookingUrl",),
            (),
        ]
    ] == [
        "title_nl",
        "description_en",
        "end_3",
        "price_min",
        "place_postal_code",
        "place_id",
        "booking_url",
        "",
    ]
