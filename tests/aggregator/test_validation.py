"""EventInput validation: every error code, its field path, and its message in two languages."""

from __future__ import annotations

import copy
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from pluriel.aggregator.validation import (
    MESSAGES,
    UserError,
    default_accessibility,
    default_categories,
    validate_event_input,
)
from pluriel.locales import gettext
from pluriel.model import AttendanceMode, I18nText, Location, Occurrence, Price, SourceEvent

LUX = ZoneInfo("Europe/Luxembourg")
CATEGORIES = frozenset({"concert", "theatre"})
ACCESSIBILITY = frozenset({"wheelchair", "hearing-loop"})

BASE: dict[str, Any] = {
    "externalId": "ev-1",
    "title": [{"lang": "fr", "text": "Concert du soir"}, {"lang": "de-LU", "text": "Abendkonzert"}],
    "description": [{"lang": "fr", "text": "<p>Un <b>beau</b> concert</p>"}],
    "occurrences": [{"start": "2026-10-10T20:00:00", "end": "2026-10-10T22:00:00"}],
    "timezone": "Europe/Luxembourg",
    "place": {
        "name": "Philharmonie",
        "street": "1 Place de l'Europe",
        "postalCode": "1499",
        "locality": "Luxembourg",
        "country": "lu",
        "lat": 49.6186,
        "lon": 6.1405,
    },
    "categories": ["concert", "concert"],
    "url": "https://philharmonie.lu/ev",
    "bookingUrl": "https://tickets.example.lu/ev",
    "imageUrl": "https://philharmonie.lu/ev.jpg",
    "attendanceMode": "OFFLINE",
    "price": {"min": "10", "max": 25.5, "currency": "eur", "text": "Réduit 5 €"},
    "accessibility": ["wheelchair"],
}


def _validate(
    data: dict[str, Any], now: datetime, lang: str = "en"
) -> tuple[SourceEvent | None, list[UserError]]:
    return validate_event_input(
        data, lang=lang, now=now, known_categories=CATEGORIES, accessibility=ACCESSIBILITY
    )


def _with(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def _place(**changes: Any) -> dict[str, Any]:
    place = dict(BASE["place"])
    for key, value in changes.items():
        if value is ...:
            place.pop(key)
        else:
            place[key] = value
    return place


def test_a_complete_input_becomes_a_source_event(now: datetime) -> None:
    event, errors = _validate(BASE, now)
    assert errors == []
    assert event == SourceEvent(
        external_id="ev-1",
        title=I18nText.of([("fr", "Concert du soir"), ("de", "Abendkonzert")]),
        description=I18nText.of({"fr": "<p>Un <b>beau</b> concert</p>"}),
        description_is_html=True,
        occurrences=(
            Occurrence(
                start=datetime(2026, 10, 10, 20, 0, tzinfo=LUX),
                end=datetime(2026, 10, 10, 22, 0, tzinfo=LUX),
                timezone="Europe/Luxembourg",
            ),
        ),
        timezone="Europe/Luxembourg",
        attendance_mode=AttendanceMode.OFFLINE,
        url="https://philharmonie.lu/ev",
        booking_url="https://tickets.example.lu/ev",
        image_urls=("https://philharmonie.lu/ev.jpg",),
        categories=("concert",),
        location=Location(
            name=I18nText.single("Philharmonie"),
            street="1 Place de l'Europe",
            postal_code="1499",
            locality="Luxembourg",
            country="LU",
            lat=49.6186,
            lon=6.1405,
        ),
        price=Price(
            minimum=Decimal("10"),
            maximum=Decimal("25.5"),
            currency="EUR",
            text=I18nText.single("Réduit 5 €"),
        ),
        accessibility=("wheelchair",),
    )


def test_all_day_dates_take_an_inclusive_last_day_and_aware_times_keep_their_instant(
    now: datetime,
) -> None:
    data = _with(
        occurrences=[
            {"start": "2026-11-01", "end": "2026-11-03", "allDay": True},
            {"start": datetime(2026, 11, 5, 18, 0, tzinfo=UTC)},
        ]
    )
    event, errors = _validate(data, now)
    assert errors == []
    assert event is not None
    assert event.occurrences == (
        Occurrence(
            start=datetime(2026, 11, 1, tzinfo=LUX),
            end=datetime(2026, 11, 4, tzinfo=LUX),
            all_day=True,
            timezone="Europe/Luxembourg",
        ),
        Occurrence(start=datetime(2026, 11, 5, 19, 0, tzinfo=LUX), timezone="Europe/Luxembourg"),
    )


def test_a_recurrence_rule_adds_its_dates_with_the_first_date_s_duration(now: datetime) -> None:
    data = _with(rrule="FREQ=WEEKLY;COUNT=3")
    event, errors = _validate(data, now)
    assert errors == []
    assert event is not None
    assert event.rrule == "FREQ=WEEKLY;COUNT=3"
    assert [(o.start, o.end) for o in event.occurrences] == [
        (datetime(2026, 10, d, 20, tzinfo=LUX), datetime(2026, 10, d, 22, tzinfo=LUX))
        for d in (10, 17, 24)
    ]


def test_descriptions_are_measured_after_sanitising(now: datetime) -> None:
    script = "<script>" + "x" * 25_000 + "</script><p>Bonjour</p>"
    event, errors = _validate(_with(description=[{"lang": "fr", "text": script}]), now)
    assert errors == []
    assert event is not None


def test_the_default_vocabularies_are_the_shared_ones(now: datetime) -> None:
    assert {"concert", "theatre", "concert-jazz"} <= default_categories()
    assert {"wheelchair", "hearing-loop"} <= default_accessibility()
    data = _with(categories=["concert-jazz"], accessibility=["hearing-loop"])
    event, errors = validate_event_input(data, lang="fr", now=now)
    assert errors == []
    assert event is not None
    assert (event.categories, event.accessibility) == (("concert-jazz",), ("hearing-loop",))


LONG = "x" * 301
# (input, [(field path, code)], the first error's message in French and in German)
CASES: list[tuple[dict[str, Any], list[tuple[tuple[str, ...], str]], str, str]] = [
    (
        _with(title=...),
        [(("title",), "required")],
        "Ce champ est obligatoire.",
        "Dieses Feld ist erforderlich.",
    ),
    (
        _with(title=[{"lang": "fr", "text": "  "}]),
        [(("title", "0", "text"), "required")],
        "Ce champ est obligatoire.",
        "Dieses Feld ist erforderlich.",
    ),
    (
        _with(title=[{"lang": "xx", "text": "Concert"}]),
        [(("title", "0", "lang"), "invalid_language")],
        "« xx » n’est pas un code de langue connu.",
        "„xx“ ist kein bekannter Sprachcode.",
    ),
    (
        _with(title=[{"lang": "fr", "text": "Concert"}, {"lang": "fr-BE", "text": "Concert"}]),
        [(("title", "1", "lang"), "duplicate_language")],
        "Cette langue est indiquée deux fois.",
        "Diese Sprache ist doppelt angegeben.",
    ),
    (
        _with(title=[{"lang": "fr", "text": LONG}]),
        [(("title", "0", "text"), "too_long")],
        "Ce texte est trop long : 300 caractères au maximum.",
        "Dieser Text ist zu lang: höchstens 300 Zeichen.",
    ),
    (
        _with(description=[{"lang": "de", "text": "y" * 20_001}]),
        [(("description", "0", "text"), "too_long")],
        "Ce texte est trop long : 20000 caractères au maximum.",
        "Dieser Text ist zu lang: höchstens 20000 Zeichen.",
    ),
    (
        _with(title=[{"lang": "fr", "text": "<b>Concert</b>"}]),
        [(("title", "0", "text"), "markup_not_allowed")],
        "Les titres sont du texte brut : veuillez retirer les balises HTML.",
        "Titel sind reiner Text: Bitte entfernen Sie die HTML-Tags.",
    ),
    (
        _with(colour="red"),
        [(("colour",), "unknown_field")],
        "Ce champ ne fait pas partie d’un événement.",
        "Dieses Feld gehört nicht zu einer Veranstaltung.",
    ),
    (
        _with(categories="concert"),
        [(("categories",), "invalid_type")],
        "Cette valeur n’est pas du bon type.",
        "Dieser Wert hat den falschen Typ.",
    ),
    (
        _with(categories=["concert"] * 31),
        [(("categories",), "too_many")],
        "Trop d’entrées : 30 au maximum.",
        "Zu viele Einträge: höchstens 30.",
    ),
    (
        _with(occurrences=...),
        [(("occurrences",), "missing_dates")],
        "Indiquez au moins une date ou une règle de récurrence.",
        "Geben Sie mindestens ein Datum oder eine Wiederholungsregel an.",
    ),
    (
        _with(occurrences=[], rrule="FREQ=WEEKLY"),
        [(("occurrences",), "rrule_needs_start")],
        "Une règle de récurrence a besoin d’une première date.",
        "Eine Wiederholungsregel braucht ein erstes Datum als Beginn.",
    ),
    (
        _with(occurrences=[{"start": "tomorrow at eight"}]),
        [(("occurrences", "0", "start"), "invalid_datetime")],
        "Ce n’est pas une date et heure valide.",
        "Dies ist kein gültiges Datum mit Uhrzeit.",
    ),
    (
        _with(occurrences=[{"start": "2026-10-10T20:00", "end": "2026-10-10T19:00"}]),
        [(("occurrences", "0", "end"), "end_before_start")],
        "La fin doit venir après le début.",
        "Das Ende muss nach dem Beginn liegen.",
    ),
    (
        _with(occurrences=[{"start": "2026-10-10T20:00", "allDay": True}]),
        [(("occurrences", "0", "start"), "all_day_with_time")],
        "Une date sur toute la journée ne prend pas d’heure.",
        "Ein ganztägiges Datum hat keine Uhrzeit.",
    ),
    (
        _with(occurrences=[{"start": "2026-10-12", "end": "2026-10-10", "allDay": True}]),
        [(("occurrences", "0", "end"), "end_before_start")],
        "La fin doit venir après le début.",
        "Das Ende muss nach dem Beginn liegen.",
    ),
    (
        _with(occurrences=[{"start": "2032-01-01T20:00"}]),
        [(("occurrences", "0", "start"), "too_far_ahead")],
        "Les dates peuvent être au plus 5 ans dans le futur.",
        "Termine dürfen höchstens 5 Jahre in der Zukunft liegen.",
    ),
    (
        _with(occurrences=[{"start": "2025-06-01T20:00"}]),
        [(("occurrences", "0", "start"), "too_far_past")],
        "Les dates peuvent être au plus un an dans le passé.",
        "Termine dürfen höchstens ein Jahr in der Vergangenheit liegen.",
    ),
    (
        _with(occurrences=[{"start": "2026-10-10T20:00"}, {"start": "2026-10-10T20:00:00"}]),
        [(("occurrences", "1", "start"), "duplicate_occurrence")],
        "Cette date est indiquée deux fois.",
        "Dieser Termin ist doppelt angegeben.",
    ),
    (
        _with(rrule="FREQ=HOURLY"),
        [(("rrule",), "too_many_occurrences")],
        "Trop de dates : 1000 au maximum par événement.",
        "Zu viele Termine: höchstens 1000 pro Veranstaltung.",
    ),
    (
        _with(timezone="Europe/Atlantis"),
        [(("timezone",), "unknown_timezone")],
        "« Europe/Atlantis » n’est pas un fuseau horaire connu (par exemple Europe/Luxembourg).",
        "„Europe/Atlantis“ ist keine bekannte Zeitzone (zum Beispiel Europe/Luxembourg).",
    ),
    (
        _with(timezone=...),
        [(("timezone",), "required")],
        "Ce champ est obligatoire.",
        "Dieses Feld ist erforderlich.",
    ),
    (
        _with(rrule="FREQ=WEEKLY;UNTL=20261231"),
        [(("rrule",), "invalid_rrule")],
        "La règle de récurrence est illisible.",
        "Die Wiederholungsregel kann nicht gelesen werden.",
    ),
    (
        _with(occurrences=[{"start": "2026-01-10T20:00"}], rrule="FREQ=WEEKLY;COUNT=3"),
        [(("rrule",), "rrule_no_dates")],
        "La règle de récurrence ne donne aucune date dans les mois à venir.",
        "Die Wiederholungsregel ergibt keinen Termin in den kommenden Monaten.",
    ),
    (
        _with(url="javascript:alert(1)", imageUrl="ftp://philharmonie.lu/a.jpg"),
        [(("url",), "invalid_url"), (("imageUrl",), "invalid_url")],
        "Indiquez une adresse web complète commençant par http:// ou https://.",
        "Geben Sie eine vollständige Webadresse an, die mit http:// oder https:// beginnt.",
    ),
    (
        _with(attendanceMode="HYBRID"),
        [(("attendanceMode",), "invalid_choice")],
        "« HYBRID » ne fait pas partie des valeurs autorisées.",
        "„HYBRID“ ist keiner der erlaubten Werte.",
    ),
    (
        _with(attendanceMode="ONLINE", place=...),
        [(("onlineUrl",), "online_url_required")],
        "Un événement en ligne a besoin de son adresse en ligne.",
        "Eine Online-Veranstaltung braucht ihre Online-Adresse.",
    ),
    (
        _with(attendanceMode="MIXED", place=..., onlineUrl="https://stream.example.lu/x"),
        [(("place",), "place_required")],
        "Un événement en présentiel a besoin d’un lieu.",
        "Eine Veranstaltung vor Ort braucht einen Ort.",
    ),
    (
        _with(placeId="12"),
        [(("place",), "place_conflict")],
        "Choisissez un lieu connu ou décrivez-en un nouveau, pas les deux.",
        "Wählen Sie einen bekannten Ort oder beschreiben Sie einen neuen, nicht beides.",
    ),
    (
        _with(place=..., placeId="Philharmonie"),
        [(("placeId",), "invalid_id")],
        "Ce n’est pas un identifiant valide.",
        "Dies ist keine gültige Kennung.",
    ),
    (
        _with(place=_place(name=...)),
        [(("place", "name"), "required")],
        "Ce champ est obligatoire.",
        "Dieses Feld ist erforderlich.",
    ),
    (
        _with(place=_place(country="XY")),
        [(("place", "country"), "invalid_country")],
        "Indiquez un code pays à deux lettres comme LU, FR, DE ou BE.",
        "Geben Sie einen zweistelligen Ländercode wie LU, FR, DE oder BE an.",
    ),
    (
        _with(place=_place(lat=91)),
        [(("place", "lat"), "out_of_range")],
        "Ce nombre doit être compris entre -90 et 90.",
        "Diese Zahl muss zwischen -90 und 90 liegen.",
    ),
    (
        _with(place=_place(lon=...)),
        [(("place", "lon"), "incomplete_coordinates")],
        "Indiquez la latitude et la longitude, ou aucune des deux.",
        "Geben Sie Breiten- und Längengrad an, oder keinen von beiden.",
    ),
    (
        _with(price={"min": "-5", "currency": "EUR"}),
        [(("price", "min"), "negative")],
        "Un prix ne peut pas être négatif.",
        "Ein Preis darf nicht negativ sein.",
    ),
    (
        _with(price={"min": 30, "max": 20}),
        [(("price", "min"), "min_above_max")],
        "Le prix le plus bas dépasse le prix le plus élevé.",
        "Der niedrigste Preis liegt über dem höchsten Preis.",
    ),
    (
        _with(price={"min": 5, "currency": "ABC"}),
        [(("price", "currency"), "invalid_currency")],
        "Indiquez un code de devise à trois lettres comme EUR.",
        "Geben Sie einen dreistelligen Währungscode wie EUR an.",
    ),
    (
        _with(price={"free": True, "min": 10}),
        [(("price", "free"), "free_with_price")],
        "Un événement gratuit ne peut pas avoir un prix supérieur à zéro.",
        "Eine kostenlose Veranstaltung kann keinen Preis über null haben.",
    ),
    (
        _with(categories=["concert", "opera-rock"]),
        [(("categories", "1"), "unknown_category")],
        "« opera-rock » n’est pas une catégorie connue.",
        "„opera-rock“ ist keine bekannte Kategorie.",
    ),
    (
        _with(accessibility=["lift"]),
        [(("accessibility", "0"), "unknown_accessibility")],
        "« lift » n’est pas une caractéristique d’accessibilité connue.",
        "„lift“ ist kein bekanntes Barrierefreiheitsmerkmal.",
    ),
]


@pytest.mark.parametrize(("data", "expected", "french", "german"), CASES)
def test_each_problem_has_its_path_code_and_message(
    data: dict[str, Any],
    expected: list[tuple[tuple[str, ...], str]],
    french: str,
    german: str,
    now: datetime,
) -> None:
    event, errors = _validate(data, now, lang="fr")
    assert event is None
    assert [(e.field, e.code) for e in errors] == expected
    assert errors[0].message == french
    _, in_german = _validate(data, now, lang="de")
    assert [(e.field, e.code, e.message) for e in in_german][:1] == [
        (expected[0][0], expected[0][1], german)
    ]


def test_every_code_is_exercised() -> None:
    codes = {code for _, expected, _, _ in CASES for _, code in expected}
    assert sorted(set(MESSAGES) - codes) == []


def test_all_problems_are_reported_at_once(now: datetime) -> None:
    data = _with(
        title=[],
        occurrences=[{"start": "2026-10-10T20:00", "end": "2026-10-09T20:00"}],
        url="mailto:x@example.lu",
        price={"min": -1},
    )
    _, errors = _validate(data, now, lang="lb")
    assert errors == [
        UserError(("title",), "required", "Dëst Feld ass obligatoresch."),
        UserError(("occurrences", "0", "end"), "end_before_start", "D’Enn muss nom Ufank kommen."),
        UserError(
            ("url",),
            "invalid_url",
            "Gitt eng komplett Webadress un, déi mat http:// oder https:// ufänkt.",
        ),
        UserError(("price", "min"), "negative", "E Präis kann net negativ sinn."),
    ]


def test_messages_follow_the_catalogs_in_every_language(now: datetime) -> None:
    for lang in ("fr", "de", "lb", "en", "nl", "pt"):
        _, errors = _validate(_with(timezone="Mars/Olympus"), now, lang=lang)
        assert errors == [
            UserError(
                ("timezone",),
                "unknown_timezone",
                gettext(lang, MESSAGES["unknown_timezone"], value="Mars/Olympus"),
            )
        ]


def test_past_limit_is_one_year(now: datetime) -> None:
    start = (now - timedelta(days=300)).astimezone(LUX).replace(tzinfo=None)
    event, errors = _validate(_with(occurrences=[{"start": start.isoformat()}]), now)
    assert errors == []
    assert event is not None
