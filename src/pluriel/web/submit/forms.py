"""The submission form as flat HTML fields, and the EventInput it stands for.

The form is what the institution typed, kept verbatim (a draft restores
exactly that, even when it does not validate yet); :func:`event_input`
turns it into the API's ``EventInput`` mapping, and :func:`field_name` maps
a ``UserError`` path back onto the HTML field that shows it.

A repeating date is built from a few choices (weekly on some days, or
monthly) into an RRULE. The API takes no exception dates, so a series with
exceptions is expanded here into its dates, minus the exceptions.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pluriel.locales import LANGUAGES
from pluriel.readers.recurrence import expand_rrule
from pluriel.settings import Horizon

__all__ = [
    "DAYS",
    "LIST_FIELDS",
    "MAX_DATE_ROWS",
    "TIMEZONES",
    "Converted",
    "FormData",
    "event_input",
    "field_name",
    "form_from_pairs",
    "new_external_id",
]

FormData = dict[str, Any]  # field -> str, or list[str] for LIST_FIELDS

LIST_FIELDS = frozenset({"categories", "accessibility", "repeat_days"})
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
TIMEZONES = ("Europe/Luxembourg", "Europe/Paris", "Europe/Berlin", "Europe/Brussels")
MAX_DATE_ROWS = 50
MAX_FIELD = 25_000  # a single field longer than any valid description is cut, not stored


def new_external_id() -> str:
    return f"web-{secrets.token_hex(8)}"


def form_from_pairs(pairs: Sequence[tuple[str, str]]) -> FormData:
    """The posted fields: lists for multi-valued ones, the last value otherwise."""
    form: FormData = {name: [] for name in LIST_FIELDS}
    for key, value in pairs:
        text = value[:MAX_FIELD]
        if key in LIST_FIELDS:
            form[key].append(text)
        else:
            form[key] = text
    return form


def _text(form: Mapping[str, Any], key: str) -> str:
    value = form.get(key)
    return value.strip() if isinstance(value, str) else ""


def date_rows(form: Mapping[str, Any]) -> list[int]:
    """The indexes of the date rows the form holds, in order (at least one)."""
    rows = sorted(
        {
            int(key.split("_", 1)[1])
            for key in form
            if key.startswith(("start_", "end_", "allday_"))
            and key.split("_", 1)[1].isdigit()
            and int(key.split("_", 1)[1]) < MAX_DATE_ROWS
        }
    )
    return rows or [0]


@dataclass(slots=True)
class Converted:
    """The EventInput, plus where each list entry came from (for error placement)."""

    data: dict[str, Any]
    title_langs: list[str] = field(default_factory=list)
    description_langs: list[str] = field(default_factory=list)
    occurrence_rows: list[int] = field(default_factory=list)
    expanded: bool = False  # the series was expanded to honour exceptions


def _local(value: str, *, all_day: bool) -> str:
    return value[:10] if all_day else value


def _rrule(form: Mapping[str, Any]) -> str | None:
    repeat = _text(form, "repeat")
    if repeat not in {"weekly", "monthly"}:
        return None
    parts = [f"FREQ={repeat.upper()}"]
    if repeat == "weekly":
        days = [d for d in form.get("repeat_days", []) if d in DAYS]
        if days:
            parts.append("BYDAY=" + ",".join(days))
    until = _text(form, "repeat_until")
    if until:
        parts.append("UNTIL=" + until.replace("-", ""))
    return ";".join(parts)


def _exceptions(form: Mapping[str, Any]) -> set[date]:
    out: set[date] = set()
    for line in _text(form, "exceptions").replace(",", "\n").splitlines():
        try:
            out.add(date.fromisoformat(line.strip()))
        except ValueError:
            continue
    return out


def _expand(
    rule: str, start: str, end: str, *, all_day: bool, tz_name: str, now: datetime, skip: set[date]
) -> list[dict[str, Any]] | None:
    """The series' dates without ``skip``; ``None`` when it cannot be read (the API says why)."""
    try:
        tz = ZoneInfo(tz_name)
        begin = datetime.fromisoformat(start)
        stop = datetime.fromisoformat(end) if end else None
        starts = expand_rrule(rule, begin, tz=tz, now=now, horizon=Horizon())
    except (ValueError, ZoneInfoNotFoundError):
        return None
    duration = stop - begin if stop is not None else None
    out: list[dict[str, Any]] = []
    for when in starts:
        local = when.astimezone(tz).replace(tzinfo=None)
        if local.date() in skip:
            continue
        entry: dict[str, Any] = {"start": _local(local.isoformat(), all_day=all_day)}
        if duration is not None:
            entry["end"] = _local((local + duration).isoformat(), all_day=all_day)
        if all_day:
            entry["allDay"] = True
        out.append(entry)
    return out


def event_input(form: Mapping[str, Any], *, now: datetime) -> Converted:
    """The ``EventInput`` mapping the form describes (empty fields left out)."""
    converted = Converted(data={})
    data = converted.data
    data["externalId"] = _text(form, "external_id") or None
    data["timezone"] = _text(form, "timezone") or TIMEZONES[0]
    titles, descriptions = [], []
    for lang in LANGUAGES:
        title = _text(form, f"title_{lang}")
        if title:
            titles.append({"lang": lang, "text": title})
            converted.title_langs.append(lang)
        description = _text(form, f"description_{lang}")
        if description:
            descriptions.append({"lang": lang, "text": description})
            converted.description_langs.append(lang)
    data["title"] = titles
    if descriptions:
        data["description"] = descriptions
    occurrences = []
    for row in date_rows(form):
        start = _text(form, f"start_{row}")
        if not start:
            continue
        all_day = bool(_text(form, f"allday_{row}"))
        entry: dict[str, Any] = {"start": _local(start, all_day=all_day)}
        end = _text(form, f"end_{row}")
        if end:
            entry["end"] = _local(end, all_day=all_day)
        if all_day:
            entry["allDay"] = True
        occurrences.append(entry)
        converted.occurrence_rows.append(row)
    data["occurrences"] = occurrences
    rule = _rrule(form) if occurrences else None
    skip = _exceptions(form)
    if rule and skip and occurrences:
        first = occurrences[0]
        expanded = _expand(
            rule,
            first["start"],
            first.get("end", ""),
            all_day=bool(first.get("allDay")),
            tz_name=data["timezone"],
            now=now,
            skip=skip,
        )
        if expanded is not None:
            data["occurrences"] = expanded + occurrences[1:]
            converted.expanded = True
            rule = None
    if rule:
        data["rrule"] = rule
    mode = _text(form, "attendance_mode") or "offline"
    data["attendanceMode"] = mode
    online = _text(form, "online_url")
    if online:
        data["onlineUrl"] = online
    place_id = _text(form, "place_id")
    new_place = {
        key: _text(form, f"place_{snake}")
        for key, snake in (
            ("name", "name"),
            ("street", "street"),
            ("postalCode", "postal_code"),
            ("locality", "locality"),
            ("country", "country"),
        )
    }
    if place_id and place_id != "new":
        data["placeId"] = place_id
    elif any(new_place.values()):
        place = {k: v for k, v in new_place.items() if v}
        if "country" in place:
            place["country"] = place["country"].upper()
        data["place"] = {"name": "", "locality": "", "country": "", **place}
    for key, name in (("url", "url"), ("bookingUrl", "booking_url"), ("imageUrl", "image_url")):
        value = _text(form, name)
        if value:
            data[key] = value
    categories = [c for c in form.get("categories", []) if c]
    if categories:
        data["categories"] = categories
    features = [a for a in form.get("accessibility", []) if a]
    if features:
        data["accessibility"] = features
    price: dict[str, Any] = {}
    if _text(form, "price_free"):
        price["free"] = True
    for key in ("min", "max", "text"):
        value = _text(form, f"price_{key}")
        if value:
            price[key] = value
    if price:
        data["price"] = price
    data = {k: v for k, v in data.items() if v is not None}
    converted.data = data
    return converted


_SIMPLE = {
    "timezone": "timezone",
    "rrule": "repeat",
    "placeId": "place_id",
    "place": "place_id",
    "url": "url",
    "bookingUrl": "booking_url",
    "imageUrl": "image_url",
    "onlineUrl": "online_url",
    "attendanceMode": "attendance_mode",
    "categories": "categories",
    "accessibility": "accessibility",
    "externalId": "title_fr",
}
_PLACE = {"postalCode": "postal_code"}


def field_name(path: Sequence[str], converted: Converted, *, lang: str = LANGUAGES[0]) -> str:
    """The HTML field an error at ``path`` belongs next to (``""``: the form as a whole).

    A missing title points at the title in ``lang``, the interface language.
    """
    if not path:
        return ""
    head, rest = path[0], list(path[1:])

    def index(values: Sequence[Any]) -> Any:
        if rest and rest[0].isdigit() and int(rest[0]) < len(values):
            return values[int(rest[0])]
        return None

    if head == "title":
        return f"title_{index(converted.title_langs) or lang}"
    if head == "description":
        return f"description_{index(converted.description_langs) or lang}"
    if head == "occurrences":
        if converted.expanded:
            return "exceptions"
        row = index(converted.occurrence_rows)
        if row is None:
            return "start_0"
        part = rest[1] if len(rest) > 1 else "start"
        return f"{'end' if part == 'end' else 'start'}_{row}"
    if head == "place" and rest:
        return f"place_{_PLACE.get(rest[0], rest[0])}"
    if head == "price":
        return f"price_{rest[0]}" if rest else "price_min"
    return _SIMPLE.get(head, "")
