"""The French and German date helpers site spiders share."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest

from pluriel.crawlers.sites.base import (
    french_date,
    french_duration,
    french_time,
    german_date,
    german_time,
)


@pytest.mark.parametrize(
    ("text", "day", "clock"),
    [
        ("samedi 14 novembre 2026 à 20h30", date(2026, 11, 14), time(20, 30)),
        ("dimanche 15 novembre 2026 à 16h (annulé)", date(2026, 11, 15), time(16, 0)),
        ("vendredi 1er janvier 2027 à 20h", date(2027, 1, 1), time(20, 0)),
        ("14 février 2027", date(2027, 2, 14), None),
        ("Mardi 3 AOÛT 2027 à 9 h 05", date(2027, 8, 3), time(9, 5)),
        ("le 12 déc. 2026 à 18h", date(2026, 12, 12), time(18, 0)),
    ],
)
def test_french(text: str, day: date, clock: time | None) -> None:
    assert (french_date(text), french_time(text)) == (day, clock)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("Samstag, 14. November 2026", date(2026, 11, 14)),
        ("Sa., 14.11.2026", date(2026, 11, 14)),
        ("3. März 2027", date(2027, 3, 3)),
        ("Do, 1. Okt. 2026", date(2026, 10, 1)),
    ],
)
def test_german_dates(text: str, day: date) -> None:
    assert german_date(text) == day


@pytest.mark.parametrize(
    ("text", "clock"),
    [
        ("19:30 Uhr", time(19, 30)),
        ("20 Uhr", time(20, 0)),
        ("19.30 Uhr", time(19, 30)),
        ("ganztägig", None),
    ],
)
def test_german_times(text: str, clock: time | None) -> None:
    assert german_time(text) == clock


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("Durée : 1h30", timedelta(hours=1, minutes=30)),
        ("Durée : 2h", timedelta(hours=2)),
        ("Durée : 90 min", timedelta(minutes=90)),
        ("Durée : 1 h 15", timedelta(hours=1, minutes=15)),
        ("", None),
    ],
)
def test_french_durations(text: str, duration: timedelta | None) -> None:
    assert french_duration(text) == duration


@pytest.mark.parametrize(
    ("parse", "text", "message"),
    [
        (french_date, "bientôt", "no French date in 'bientôt'"),
        (french_date, "31 février 2027", "no such date: '31 février 2027'"),
        (german_date, "demnächst", "no German date in 'demnächst'"),
        (german_date, "31.02.2027", "no such date: '31.02.2027'"),
    ],
)
def test_unreadable_dates_say_what_they_saw(parse: object, text: str, message: str) -> None:
    with pytest.raises(ValueError, match=r"^no ") as caught:
        parse(text)  # type: ignore[operator]
    assert str(caught.value) == message
