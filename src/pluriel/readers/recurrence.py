"""Expanding a recurrence rule into dated starts inside the horizon.

Rules are evaluated on local wall-clock times in the event's zone and only
then turned into instants, so "every Tuesday at 20:00" stays at 20:00 across
daylight-saving changes.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from pluriel.settings import Horizon

__all__ = ["expand_rrule"]


def expand_rrule(
    rule: str,
    start: datetime,
    *,
    tz: ZoneInfo,
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
    local_start = start.astimezone(tz).replace(tzinfo=None) if start.tzinfo else start
    window_start = (now - horizon.past).astimezone(tz).replace(tzinfo=None)
    window_end = (now + horizon.future).astimezone(tz).replace(tzinfo=None)
    text = rule.strip()
    if text.upper().startswith("RRULE:"):
        text = text[6:]
    # UNTIL in UTC ("...Z") must be compared with naive local times: make it naive.
    parts = []
    for part in text.split(";"):
        key, _, value = part.partition("=")
        if key.upper() == "UNTIL" and value.upper().endswith("Z"):
            until = datetime.strptime(value.upper(), "%Y%m%dT%H%M%SZ")
            until_local = until.replace(tzinfo=ZoneInfo("UTC")).astimezone(tz)
            value = until_local.strftime("%Y%m%dT%H%M%S")
        parts.append(f"{key}={value}" if value else key)
    ruleset = rrulestr(";".join(parts), dtstart=local_start, forceset=True)
    for extra in rdates:
        ruleset.rdate(extra.astimezone(tz).replace(tzinfo=None) if extra.tzinfo else extra)
    for skip in exdates:
        ruleset.exdate(skip.astimezone(tz).replace(tzinfo=None) if skip.tzinfo else skip)
    out: list[datetime] = []
    for local in ruleset.xafter(window_start - timedelta(seconds=1), inc=True):
        if local > window_end or len(out) >= horizon.max_occurrences:
            break
        out.append(local.replace(tzinfo=tz))
    return out
