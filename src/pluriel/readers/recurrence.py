"""Expanding a recurrence rule into dated starts inside the horizon.

Rules are evaluated on local wall-clock times in the event's zone and only
then turned into instants, so "every Tuesday at 20:00" stays at 20:00 across
daylight-saving changes.

The work is bounded: by the window and ``limit`` on what is returned, by
``max_steps`` on what dateutil is asked to generate (a ``FREQ=SECONDLY``
rule starting in 1970), and by refusing day filters no date satisfies, for
which dateutil would search until the year 9999.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from dateutil.rrule import rrule, rruleset, rrulestr

from pluriel.settings import Horizon

__all__ = ["Expansion", "expand_local", "expand_rrule", "normalise_rule"]

#: Generated instants (before the window included) after which expansion stops.
MAX_STEPS = 200_000

_RULE_KEYS = frozenset(
    {
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    }
)


@dataclass(frozen=True, slots=True)
class Expansion:
    """Naive local starts in order; ``truncated`` when a bound cut the series short."""

    starts: list[datetime]
    truncated: bool


def normalise_rule(rule: str, *, tz: tzinfo, all_day: bool) -> str:
    """An RRULE body dateutil reads against naive local times.

    UNTIL in UTC becomes local wall time (UTC wall time for all-day series,
    whose dates float); a date-only UNTIL on a timed series
    covers its whole day (the usual intent); a COUNT that is no positive
    number is dropped, and UNTIL wins when both are given (they are forbidden
    together and dateutil warns); ``RSCALE=GREGORIAN`` and ``X-`` parts are
    dropped. Raises ``ValueError`` without FREQ, for another calendar scale,
    or for a part no RFC defines (a misspelt ``UNTL`` must not turn a
    finished series into an endless one).
    """
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    parts: dict[str, str] = {}
    for part in text.split(";"):
        key, _, value = part.partition("=")
        key = key.strip().upper()
        value = value.replace(" ", "").strip()
        if not key or key.startswith("X-") or not value:
            continue
        if key == "RSCALE" and value.upper() != "GREGORIAN":
            raise ValueError(f"calendar scale {value!r} is not supported")
        if key in {"RSCALE", "SKIP"}:
            continue
        if key not in _RULE_KEYS:
            raise ValueError(f"unknown rule part {key!r}")
        parts[key] = value
    if "FREQ" not in parts:
        raise ValueError(f"recurrence rule without FREQ: {rule!r}")
    _check_possible(parts)
    count = parts.get("COUNT")
    if count is not None and (not count.isdigit() or int(count) < 1 or "UNTIL" in parts):
        del parts["COUNT"]
    until = parts.get("UNTIL")
    if until is not None:
        parts["UNTIL"] = _local_until(until.upper(), tz=tz, all_day=all_day)
    return ";".join(f"{key}={value}" for key, value in parts.items())


_MONTH_DAYS = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _numbers(value: str | None) -> list[int]:
    if not value:
        return []
    try:
        return [int(item) for item in value.split(",") if item]
    except ValueError as exc:
        raise ValueError(f"not a list of numbers: {value!r}") from exc


def _check_possible(parts: dict[str, str]) -> None:
    """Refuse day filters no date satisfies ("30 February").

    dateutil looks for the first match until the year 9999 before giving up,
    which takes seconds per rule: a feed could stall a crawl with a few.
    """
    months = _numbers(parts.get("BYMONTH")) or list(range(1, 13))
    if any(not 1 <= m <= 12 for m in months):
        raise ValueError(f"BYMONTH out of range: {parts['BYMONTH']!r}")
    days = _numbers(parts.get("BYMONTHDAY"))
    if days and not any(0 < abs(d) <= _MONTH_DAYS[m - 1] for m in months for d in days):
        raise ValueError(
            f"BYMONTHDAY {parts['BYMONTHDAY']} never falls in BYMONTH {parts.get('BYMONTH')}"
        )


def _local_until(value: str, *, tz: tzinfo, all_day: bool) -> str:
    if len(value) == 8:
        return value if all_day else value + "T235959"
    if value.endswith("Z") and all_day:
        # Dates float: compare them with the UTC wall time, as dateutil and
        # recurring-ical-events do ("…T235959Z" ends on that day, not the next).
        return value[:-1]
    if value.endswith("Z"):
        instant = datetime.strptime(value, "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
        return instant.astimezone(tz).strftime("%Y%m%dT%H%M%S")
    return value


def expand_local(
    rules: Sequence[str],
    start: datetime,
    *,
    window_start: datetime,
    window_end: datetime,
    limit: int,
    rdates: Iterable[datetime] = (),
    exdates: Iterable[datetime | date] = (),
    exrules: Sequence[str] = (),
    max_steps: int = MAX_STEPS,
    include_start: bool = True,
) -> Expansion:
    """Naive local starts of the recurrence set within ``window_start .. window_end``.

    Everything is naive local wall time in one zone; ``rules`` are already
    normalised (:func:`normalise_rule`). ``start`` belongs to the set even
    when the rule does not produce it, as RFC 5545 reads DTSTART, unless
    ``include_start`` is false (schema.org's startDate only opens a range).
    A plain ``date`` in ``exdates`` removes every start on that day (a DATE
    EXDATE on a timed series). Raises ``ValueError`` for a rule dateutil
    cannot read.
    """
    ruleset = rruleset()
    for text in rules:
        ruleset.rrule(_parse_rule(text, start))
    for text in exrules:
        ruleset.exrule(_parse_rule(text, start))
    if include_start:
        ruleset.rdate(start)
    for extra in rdates:
        ruleset.rdate(extra)
    skip_times: set[datetime] = set()
    skip_days: set[date] = set()
    for skip in exdates:
        if isinstance(skip, datetime):
            skip_times.add(skip)
        else:
            skip_days.add(skip)
    out: list[datetime] = []
    steps = 0
    for local in ruleset:
        steps += 1
        if local > window_end:
            return Expansion(out, truncated=False)
        if len(out) >= limit or steps > max_steps:
            return Expansion(out, truncated=True)
        if local < window_start or local in skip_times or local.date() in skip_days:
            continue
        out.append(local)
    return Expansion(out, truncated=False)


def _parse_rule(text: str, start: datetime) -> rrule:
    parsed = rrulestr(text, dtstart=start)
    if not isinstance(parsed, rrule):
        raise ValueError(f"not a single recurrence rule: {text!r}")
    return parsed


def expand_rrule(
    rule: str,
    start: datetime,
    *,
    tz: tzinfo,
    now: datetime,
    horizon: Horizon,
    exdates: Iterable[datetime] = (),
    rdates: Iterable[datetime] = (),
) -> list[datetime]:
    """Aware starts of ``rule`` from ``start`` within ``now - past .. now + future``.

    ``start`` may be aware (converted to ``tz``) or naive (read in ``tz``).
    At most ``horizon.max_occurrences`` starts are returned. Raises
    ``ValueError`` for a rule dateutil cannot read.
    """

    def local(value: datetime) -> datetime:
        return value.astimezone(tz).replace(tzinfo=None) if value.tzinfo else value

    local_start = local(start)
    # One day of slack each side: the window is compared on wall time, which
    # differs from instants by the zone's offset.
    slack = timedelta(days=1)
    expansion = expand_local(
        [normalise_rule(rule, tz=tz, all_day=False)],
        local_start,
        window_start=local(now - horizon.past) - slack,
        window_end=local(now + horizon.future) + slack,
        limit=horizon.max_occurrences + 2,
        rdates=[local(extra) for extra in rdates],
        exdates=[local(skip) for skip in exdates],
        include_start=False,
    )
    low, high = now - horizon.past, now + horizon.future
    # Through UTC and back so that a time skipped by spring-forward carries
    # the offset it really has.
    out = [s.replace(tzinfo=tz).astimezone(UTC).astimezone(tz) for s in expansion.starts]
    return [s for s in out if low <= s <= high][: horizon.max_occurrences]
