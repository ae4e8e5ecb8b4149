"""Checking an institution's EventInput before anything is stored.

The input is the GraphQL ``EventInput`` of DESIGN.md as a plain mapping
(camelCase keys; dates as ``datetime``/``date`` objects or ISO 8601 text).
Every problem is reported, not only the first, as a :class:`UserError` whose
``field`` is a path into the input (``("occurrences", "2", "end")``), whose
``code`` is a stable string clients can branch on, and whose ``message`` is
in the caller's language. A form shows all of them at once; an API client
fixes its payload in one round trip.

Conventions the checks fix:
- a naive date-time is read in the event's ``timezone``; an aware one keeps
  its instant;
- an all-day occurrence takes dates (or midnights); its ``end`` is the last
  day, inclusive, as people write it, and becomes the exclusive end the model
  uses (RFC 5545's DTEND);
- with an ``rrule``, the earliest occurrence is the series start (DTSTART)
  and its duration applies to every date the rule yields inside the horizon;
- titles are plain text (markup is refused, not silently stripped, so that
  nothing the institution typed disappears); descriptions may be HTML and
  are measured after sanitising.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale, localedata
from babel.numbers import list_currencies

from pluriel.aggregator.accessibility import features
from pluriel.aggregator.sanitise import clean_html
from pluriel.aggregator.taxonomy import load_taxonomy
from pluriel.locales import N_, gettext
from pluriel.model import (
    LANGUAGES,
    AttendanceMode,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
    normalise_lang,
)
from pluriel.readers.common import html_description, safe_http_url
from pluriel.readers.recurrence import expand_rrule, normalise_rule
from pluriel.settings import Horizon

__all__ = [
    "FIELDS",
    "MESSAGES",
    "UserError",
    "default_accessibility",
    "default_categories",
    "user_error",
    "validate_event_input",
]

Path = tuple[str, ...]

MAX_TITLE = 300
MAX_DESCRIPTION = 20_000
MAX_SHORT_TEXT = 300
MAX_URL = 2_000
MAX_EXTERNAL_ID = 200
MAX_LIST = 30
MAX_OCCURRENCES = 1_000
YEARS_AHEAD = 5
#: How far back a date may lie: an institution may still correct last season.
PAST_LIMIT = timedelta(days=366)
FUTURE_LIMIT = timedelta(days=round(365.25 * YEARS_AHEAD))

#: The keys of EventInput; anything else is a typo the caller should hear about.
FIELDS = frozenset(
    {
        "externalId",
        "title",
        "description",
        "occurrences",
        "rrule",
        "timezone",
        "placeId",
        "place",
        "categories",
        "url",
        "bookingUrl",
        "imageUrl",
        "attendanceMode",
        "onlineUrl",
        "price",
        "accessibility",
    }
)
_PLACE_FIELDS = frozenset({"name", "street", "postalCode", "locality", "country", "lat", "lon"})
_PRICE_FIELDS = frozenset({"free", "min", "max", "currency", "text"})
_OCCURRENCE_FIELDS = frozenset({"start", "end", "allDay"})
_TEXT_FIELDS = frozenset({"lang", "text"})

# One message per code; the code is the contract, the message may be reworded.
MESSAGES: dict[str, str] = {
    # Translators: a field of the event form or API input was left empty.
    "required": N_("This field is required."),
    # Translators: the API received a value of the wrong kind (text instead of a list…).
    "invalid_type": N_("This value has the wrong type."),
    # Translators: the API input contains a field name that does not exist.
    "unknown_field": N_("This field is not part of an event."),
    # Translators: {max} is a number of characters.
    "too_long": N_("This text is too long: at most {max} characters."),
    # Translators: {max} is a number of entries in a list.
    "too_many": N_("Too many entries: at most {max}."),
    # Translators: {value} is the language code the institution sent, e.g. "xx".
    "invalid_language": N_("“{value}” is not a language code we know."),
    "duplicate_language": N_("This language is given twice."),
    # Translators: event titles must not contain HTML tags.
    "markup_not_allowed": N_("Titles are plain text: please remove the HTML tags."),
    "missing_dates": N_("Give at least one date or a recurrence rule."),
    "rrule_needs_start": N_("A recurrence rule needs a first date to start from."),
    "invalid_datetime": N_("This is not a valid date and time."),
    "end_before_start": N_("The end must come after the start."),
    # Translators: an all-day event was given a time of day (e.g. 20:00).
    "all_day_with_time": N_("An all-day date takes no time of day."),
    # Translators: {years} is a number of years.
    "too_far_ahead": N_("Dates can be at most {years} years ahead."),
    "too_far_past": N_("Dates can be at most one year in the past."),
    "duplicate_occurrence": N_("This date is given twice."),
    # Translators: {max} is a number of dates.
    "too_many_occurrences": N_("Too many dates: at most {max} per event."),
    # Translators: {value} is what was typed; Europe/Luxembourg must stay untranslated.
    "unknown_timezone": N_("“{value}” is not a known time zone (for example Europe/Luxembourg)."),
    # Translators: RRULE is the iCalendar recurrence rule, e.g. FREQ=WEEKLY;COUNT=10.
    "invalid_rrule": N_("The recurrence rule cannot be read."),
    "rrule_no_dates": N_("The recurrence rule gives no date in the coming months."),
    "invalid_url": N_("Give a full web address starting with http:// or https://."),
    # Translators: {value} is what was sent; the choices are API values, keep them as they are.
    "invalid_choice": N_("“{value}” is not one of the allowed values."),
    "online_url_required": N_("An event that takes place online needs its online address."),
    "place_required": N_("An event attended in person needs a place."),
    "place_conflict": N_("Choose a known place or describe a new one, not both."),
    "invalid_id": N_("This is not a valid identifier."),
    "invalid_country": N_("Give a two-letter country code such as LU, FR, DE or BE."),
    # Translators: {min} and {max} are numbers (e.g. -90 and 90 for a latitude).
    "out_of_range": N_("This number must be between {min} and {max}."),
    "incomplete_coordinates": N_("Give both latitude and longitude, or neither."),
    "negative": N_("A price cannot be negative."),
    "min_above_max": N_("The lowest price is above the highest price."),
    "invalid_currency": N_("Give a three-letter currency code such as EUR."),
    "free_with_price": N_("A free event cannot have a price above zero."),
    # Translators: {value} is a category id the institution sent, e.g. "concert-jazz".
    "unknown_category": N_("“{value}” is not a known category."),
    # Translators: {value} is an accessibility feature id, e.g. "wheelchair".
    "unknown_accessibility": N_("“{value}” is not a known accessibility feature."),
}


@dataclass(frozen=True, slots=True)
class UserError:
    """One problem with what the caller sent, as the API's ``UserError`` shows it."""

    field: Path
    code: str
    message: str


def user_error(path: Iterable[str], code: str, *, lang: str, **params: object) -> UserError:
    """A :class:`UserError` whose message is the code's message in ``lang``."""
    return UserError(tuple(path), code, gettext(lang, MESSAGES[code], **params))


def default_categories() -> frozenset[str]:
    """The ids of the shared taxonomy: what ``categories`` may contain by default."""
    return frozenset(c.id for c in load_taxonomy().categories)


def default_accessibility() -> frozenset[str]:
    """The ids of the shared accessibility vocabulary."""
    return frozenset(f.id for f in features())


@cache
def _timezones() -> frozenset[str]:
    return frozenset(available_timezones())


@cache
def _languages() -> frozenset[str]:
    """Base language codes Babel has data for: real languages, beyond the five we serve."""
    return frozenset(
        ident for ident in localedata.locale_identifiers() if "_" not in ident and ident != "root"
    )


@cache
def _countries() -> frozenset[str]:
    codes = (str(code) for code in Locale("en").territories)
    # CLDR also names groupings and pseudo-regions; no place lies in them.
    groupings = {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
    return frozenset(c for c in codes if len(c) == 2 and c.isalpha() and c not in groupings)


@cache
def _currencies() -> frozenset[str]:
    return frozenset(code for code in list_currencies() if len(code) == 3 and code.isalpha())


_TAG = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>")


@dataclass(slots=True)
class _Checker:
    lang: str
    now: datetime
    categories: frozenset[str]
    accessibility: frozenset[str]
    horizon: Horizon
    errors: list[UserError] = field(default_factory=list)

    def error(self, path: Iterable[str], code: str, **params: object) -> None:
        self.errors.append(user_error(path, code, lang=self.lang, **params))

    # -- scalars ---------------------------------------------------------------

    def text(self, value: object, path: Path, *, limit: int, required: bool = False) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(path, "required")
            return None
        if not isinstance(value, str):
            self.error(path, "invalid_type")
            return None
        text = value.strip()
        if len(text) > limit:
            self.error(path, "too_long", max=limit)
            return None
        return text

    def url(self, value: object, path: Path) -> str | None:
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.error(path, "invalid_type")
            return None
        if len(value) > MAX_URL:
            self.error(path, "too_long", max=MAX_URL)
            return None
        url = safe_http_url(value)
        if url is None:
            self.error(path, "invalid_url")
        return url

    def strings(self, value: object, path: Path) -> list[tuple[str, str]]:
        """(index, text) of a list of strings; bad entries reported."""
        if value is None:
            return []
        if isinstance(value, str) or not isinstance(value, Sequence):
            self.error(path, "invalid_type")
            return []
        if len(value) > MAX_LIST:
            self.error(path, "too_many", max=MAX_LIST)
            return []
        out: list[tuple[str, str]] = []
        for n, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                self.error((*path, str(n)), "invalid_type" if item else "required")
                continue
            out.append((str(n), item.strip()))
        return out

    def number(self, value: object, path: Path, low: float, high: float) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.error(path, "invalid_type")
            return None
        try:
            number = float(value)
        except ValueError:
            self.error(path, "invalid_type")
            return None
        if not low <= number <= high:
            self.error(path, "out_of_range", min=low, max=high)
            return None
        return number

    def amount(self, value: object, path: Path) -> Decimal | None:
        if value is None or value == "":
            return None
        if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
            self.error(path, "invalid_type")
            return None
        try:
            amount = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            self.error(path, "invalid_type")
            return None
        if not amount.is_finite():
            self.error(path, "invalid_type")
            return None
        if amount < 0:
            self.error(path, "negative")
            return None
        return amount

    def mapping(self, value: object, path: Path, allowed: frozenset[str]) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.error(path, "invalid_type")
            return {}
        for key in value:
            if key not in allowed:
                self.error((*path, str(key)), "unknown_field")
        return value

    def items(self, value: object, path: Path) -> list[tuple[str, Mapping[str, Any]]]:
        if value is None:
            return []
        if isinstance(value, str | Mapping) or not isinstance(value, Sequence):
            self.error(path, "invalid_type")
            return []
        return [(str(n), item) for n, item in enumerate(value)]

    # -- parts -----------------------------------------------------------------

    def texts(self, value: object, path: Path, *, limit: int, html: bool) -> I18nText:
        entries = self.items(value, path)
        if len(entries) > len(LANGUAGES) * 4:
            self.error(path, "too_many", max=len(LANGUAGES) * 4)
            return I18nText()
        seen: set[str] = set()
        pairs: list[tuple[str, str]] = []
        for n, raw in entries:
            entry = self.mapping(raw, (*path, n), _TEXT_FIELDS)
            code = self.language(entry.get("lang"), (*path, n, "lang"))
            text = self.text(entry.get("text"), (*path, n, "text"), limit=10 * limit, required=True)
            if code is not None and code in seen:
                self.error((*path, n, "lang"), "duplicate_language")
                continue
            if code is not None:
                seen.add(code)
            if text is None or code is None:
                continue
            if html:
                measured = clean_html(html_description(text))
                if len(measured) > limit:
                    self.error((*path, n, "text"), "too_long", max=limit)
                    continue
            elif _TAG.search(text):
                self.error((*path, n, "text"), "markup_not_allowed")
                continue
            elif len(text) > limit:
                self.error((*path, n, "text"), "too_long", max=limit)
                continue
            pairs.append((code, html_description(text) if html else text))
        return I18nText.of(pairs)

    def language(self, value: object, path: Path) -> str | None:
        text = self.text(value, path, limit=35, required=True)
        if text is None:
            return None
        code = normalise_lang(text)
        if code not in LANGUAGES and code not in _languages():
            self.error(path, "invalid_language", value=text)
            return None
        return code

    def timezone(self, value: object) -> ZoneInfo | None:
        name = self.text(value, ("timezone",), limit=64, required=True)
        if name is None:
            return None
        if name not in _timezones():
            self.error(("timezone",), "unknown_timezone", value=name)
            return None
        return ZoneInfo(name)

    def when(self, value: object, path: Path, tz: ZoneInfo) -> tuple[datetime, bool] | None:
        """An aware datetime and whether it was a bare date."""
        if value is None or value == "":
            return None
        if isinstance(value, datetime):
            parsed, bare = value, False
        elif isinstance(value, date):
            parsed, bare = datetime.combine(value, time()), True
        elif isinstance(value, str):
            try:
                parsed = datetime.fromisoformat(value.strip())
            except ValueError:
                self.error(path, "invalid_datetime")
                return None
            bare = len(value.strip()) == 10
        else:
            self.error(path, "invalid_type")
            return None
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=tz)
        return parsed.astimezone(tz), bare

    def in_range(self, instant: datetime, path: Path) -> bool:
        if instant > self.now + FUTURE_LIMIT:
            self.error(path, "too_far_ahead", years=YEARS_AHEAD)
            return False
        if instant < self.now - PAST_LIMIT:
            self.error(path, "too_far_past")
            return False
        return True

    def occurrence(self, raw: object, path: Path, tz: ZoneInfo) -> Occurrence | None:
        entry = self.mapping(raw, path, _OCCURRENCE_FIELDS)
        all_day = entry.get("allDay")
        if all_day is not None and not isinstance(all_day, bool):
            self.error((*path, "allDay"), "invalid_type")
            return None
        if entry.get("start") is None:
            self.error((*path, "start"), "required")
        start = self.when(entry.get("start"), (*path, "start"), tz)
        end = self.when(entry.get("end"), (*path, "end"), tz)
        if start is None or (entry.get("end") not in (None, "") and end is None):
            return None
        begin, bare = start
        if all_day is None:
            all_day = bare and (end is None or end[1])
        if all_day:
            return self.all_day(begin, end, path, tz)
        stop = end[0] if end is not None else None
        if stop is not None and stop <= begin:
            self.error((*path, "end"), "end_before_start")
            return None
        if not self.in_range(begin, (*path, "start")):
            return None
        return Occurrence(start=begin, end=stop, timezone=str(tz.key))

    def all_day(
        self,
        begin: datetime,
        end: tuple[datetime, bool] | None,
        path: Path,
        tz: ZoneInfo,
    ) -> Occurrence | None:
        ok = True
        for value, key in ((begin, "start"), (end[0] if end else None, "end")):
            if value is not None and value.timetz().replace(tzinfo=None) != time():
                self.error((*path, key), "all_day_with_time")
                ok = False
        if not ok:
            return None
        first = begin.date()
        last = end[0].date() if end is not None else first
        if last < first:
            self.error((*path, "end"), "end_before_start")
            return None
        start = datetime.combine(first, time(), tzinfo=tz)
        if not self.in_range(start, (*path, "start")):
            return None
        stop = datetime.combine(last + timedelta(days=1), time(), tzinfo=tz)
        return Occurrence(start=start, end=stop, all_day=True, timezone=str(tz.key))

    def dates(self, data: Mapping[str, Any], tz: ZoneInfo | None) -> tuple[Occurrence, ...]:
        raw = data.get("occurrences")
        rule = self.text(data.get("rrule"), ("rrule",), limit=500)
        entries = self.items(raw, ("occurrences",))
        if not entries and rule is None and data.get("rrule") in (None, ""):
            self.error(("occurrences",), "missing_dates")
            return ()
        if len(entries) > MAX_OCCURRENCES:
            self.error(("occurrences",), "too_many_occurrences", max=MAX_OCCURRENCES)
            return ()
        if tz is None:
            return ()
        found: dict[tuple[datetime, bool], Occurrence] = {}
        for n, entry in entries:
            occ = self.occurrence(entry, ("occurrences", n), tz)
            if occ is None:
                continue
            key = (occ.start, occ.all_day)
            if key in found:
                self.error(("occurrences", n, "start"), "duplicate_occurrence")
                continue
            found[key] = occ
        if rule is not None:
            if not entries:
                self.error(("occurrences",), "rrule_needs_start")
            elif found:
                self.series(rule, min(found.values(), key=lambda o: o.start), found, tz)
        return tuple(sorted(found.values(), key=lambda o: o.start))

    def series(
        self,
        rule: str,
        first: Occurrence,
        found: dict[tuple[datetime, bool], Occurrence],
        tz: ZoneInfo,
    ) -> None:
        """Add the rule's dates to ``found``, with the first occurrence's duration."""
        try:
            normalise_rule(rule, tz=tz, all_day=first.all_day)
            starts = expand_rrule(rule, first.start, tz=tz, now=self.now, horizon=self.horizon)
        except (ValueError, TypeError, OverflowError):
            self.error(("rrule",), "invalid_rrule")
            return
        if len(starts) >= self.horizon.max_occurrences:
            self.error(("rrule",), "too_many_occurrences", max=self.horizon.max_occurrences)
            return
        if not starts and first.start < self.now:
            self.error(("rrule",), "rrule_no_dates")
            return
        duration = first.end - first.start if first.end is not None else None
        for start in starts:
            local = start.astimezone(tz)
            if (local, first.all_day) in found:
                continue
            found[(local, first.all_day)] = Occurrence(
                start=local,
                end=local + duration if duration is not None else None,
                all_day=first.all_day,
                timezone=str(tz.key),
            )

    def place(self, data: Mapping[str, Any]) -> Location | None:
        raw_id, raw = data.get("placeId"), data.get("place")
        if raw_id not in (None, "") and raw is not None:
            self.error(("place",), "place_conflict")
            return None
        if raw_id not in (None, ""):
            if not str(raw_id).strip().isdigit() or isinstance(raw_id, bool):
                self.error(("placeId",), "invalid_id")
            return None
        if raw is None:
            return None
        place = self.mapping(raw, ("place",), _PLACE_FIELDS)
        name = self.text(place.get("name"), ("place", "name"), limit=MAX_SHORT_TEXT, required=True)
        if name is not None and _TAG.search(name):
            self.error(("place", "name"), "markup_not_allowed")
        street = self.text(place.get("street"), ("place", "street"), limit=MAX_SHORT_TEXT)
        postal = self.text(place.get("postalCode"), ("place", "postalCode"), limit=20)
        locality = self.text(
            place.get("locality"), ("place", "locality"), limit=MAX_SHORT_TEXT, required=True
        )
        country = self.text(place.get("country"), ("place", "country"), limit=2, required=True)
        if country is not None and country.upper() not in _countries():
            self.error(("place", "country"), "invalid_country")
        lat = self.number(place.get("lat"), ("place", "lat"), -90, 90)
        lon = self.number(place.get("lon"), ("place", "lon"), -180, 180)
        if (place.get("lat") is None) != (place.get("lon") is None):
            missing = "lat" if place.get("lat") is None else "lon"
            self.error(("place", missing), "incomplete_coordinates")
        return Location(
            name=I18nText.single(name),
            street=street,
            postal_code=postal,
            locality=locality,
            country=country.upper() if country else None,
            lat=lat if lon is not None else None,
            lon=lon if lat is not None else None,
        )

    def price(self, raw: object) -> Price | None:
        if raw is None:
            return None
        price = self.mapping(raw, ("price",), _PRICE_FIELDS)
        free = price.get("free")
        if free is not None and not isinstance(free, bool):
            self.error(("price", "free"), "invalid_type")
            free = None
        low = self.amount(price.get("min"), ("price", "min"))
        high = self.amount(price.get("max"), ("price", "max"))
        if low is not None and high is not None and low > high:
            self.error(("price", "min"), "min_above_max")
        if free and any(v is not None and v > 0 for v in (low, high)):
            self.error(("price", "free"), "free_with_price")
        currency = self.text(price.get("currency"), ("price", "currency"), limit=3)
        if currency is not None and currency.upper() not in _currencies():
            self.error(("price", "currency"), "invalid_currency")
            currency = None
        if currency is None and (low is not None or high is not None):
            currency = "EUR"  # the whole region pays in euros
        raw_text = price.get("text")
        if isinstance(raw_text, str) or raw_text is None:
            plain = self.text(raw_text, ("price", "text"), limit=MAX_SHORT_TEXT)
            text = I18nText.single(plain) if plain else I18nText()
        else:
            text = self.texts(raw_text, ("price", "text"), limit=MAX_SHORT_TEXT, html=False)
        return Price(
            free=free,
            minimum=low,
            maximum=high,
            currency=currency.upper() if currency else None,
            text=text,
        )

    def mode(self, data: Mapping[str, Any], online: str | None) -> AttendanceMode | None:
        raw = data.get("attendanceMode")
        mode: AttendanceMode | None = None
        if isinstance(raw, AttendanceMode):
            mode = raw
        elif isinstance(raw, str) and raw.strip():
            try:
                mode = AttendanceMode(raw.strip().lower())
            except ValueError:
                self.error(("attendanceMode",), "invalid_choice", value=raw)
                return None
        elif raw is not None:
            self.error(("attendanceMode",), "invalid_type")
            return None
        has_place = data.get("placeId") not in (None, "") or data.get("place") is not None
        needs_online = mode in (AttendanceMode.ONLINE, AttendanceMode.MIXED)
        if needs_online and not online and data.get("onlineUrl") in (None, ""):
            self.error(("onlineUrl",), "online_url_required")
        if mode in (AttendanceMode.OFFLINE, AttendanceMode.MIXED) and not has_place:
            self.error(("place",), "place_required")
        if mode is None and not has_place and data.get("onlineUrl") in (None, ""):
            self.error(("place",), "place_required")
        return mode

    def vocabulary(self, value: object, key: str, known: frozenset[str], code: str) -> list[str]:
        out: list[str] = []
        for n, item in self.strings(value, (key,)):
            if item not in known:
                self.error((key, n), code, value=item)
            elif item not in out:
                out.append(item)
        return out


def validate_event_input(
    data: Mapping[str, Any],
    *,
    lang: str,
    now: datetime,
    known_categories: frozenset[str] | None = None,
    accessibility: frozenset[str] | None = None,
    horizon: Horizon | None = None,
) -> tuple[SourceEvent | None, list[UserError]]:
    """The event ``data`` describes, or ``None`` with every problem found.

    ``known_categories`` and ``accessibility`` default to the shared taxonomy
    and accessibility vocabulary. The returned event's ``external_id`` is the
    input's ``externalId`` (empty when none was given: the caller assigns one).
    A ``placeId`` is only checked for its form here; whether the place exists
    is the store's question.
    """
    check = _Checker(
        lang=lang,
        now=now.astimezone(UTC),
        categories=default_categories() if known_categories is None else known_categories,
        accessibility=default_accessibility() if accessibility is None else accessibility,
        horizon=horizon or Horizon(),
    )
    if not isinstance(data, Mapping):
        check.error((), "invalid_type")
        return None, check.errors
    for key in data:
        if key not in FIELDS:
            check.error((str(key),), "unknown_field")
    external_id = check.text(data.get("externalId"), ("externalId",), limit=MAX_EXTERNAL_ID)
    raw_title = data.get("title")
    if raw_title is None or (isinstance(raw_title, Sequence) and len(raw_title) == 0):
        check.error(("title",), "required")
    title = check.texts(raw_title, ("title",), limit=MAX_TITLE, html=False)
    description = check.texts(
        data.get("description"), ("description",), limit=MAX_DESCRIPTION, html=True
    )
    tz = check.timezone(data.get("timezone"))
    occurrences = check.dates(data, tz)
    location = check.place(data)
    online_url = check.url(data.get("onlineUrl"), ("onlineUrl",))
    url = check.url(data.get("url"), ("url",))
    booking_url = check.url(data.get("bookingUrl"), ("bookingUrl",))
    image_url = check.url(data.get("imageUrl"), ("imageUrl",))
    mode = check.mode(data, online_url)
    price = check.price(data.get("price"))
    categories = check.vocabulary(
        data.get("categories"), "categories", check.categories, "unknown_category"
    )
    features_ = check.vocabulary(
        data.get("accessibility"), "accessibility", check.accessibility, "unknown_accessibility"
    )
    if check.errors or tz is None:
        return None, check.errors
    event = SourceEvent(
        external_id=external_id or "",
        title=title,
        description=description,
        description_is_html=True,
        occurrences=occurrences,
        timezone=str(tz.key),
        rrule=check.text(data.get("rrule"), ("rrule",), limit=500),
        attendance_mode=mode,
        url=url,
        booking_url=booking_url,
        online_url=online_url,
        image_urls=(image_url,) if image_url else (),
        categories=tuple(categories),
        location=location,
        price=price,
        accessibility=tuple(features_),
    )
    return event, []
