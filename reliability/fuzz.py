"""Fuzz every reader and the normaliser: only FeedFormatError may come out, and nothing hangs.

Inputs are structured, not only random bytes: real fixture files mutated
(byte flips, splices, truncations, duplicated or dropped lines), iCalendar
built line by line from the properties readers look at (with hostile RRULEs
and dates), and the fixtures' own JSON trees with subtrees replaced by
generated values of any type. Each call runs under a wall-clock alarm:
more than ``SLOW`` seconds is reported, more than ``HANG`` is a failure.

A finding is recorded (not raised) so one run counts every input tried;
:func:`run_fuzz` returns the figures and the findings.
"""

from __future__ import annotations

import json
import re
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from pluriel.aggregator.normalise import normalise
from pluriel.errors import FeedFormatError
from pluriel.model import (
    AttendanceMode,
    EventStatus,
    I18nText,
    Location,
    Occurrence,
    Price,
    SourceEvent,
    SourceFormat,
    SourceSpec,
)
from pluriel.readers import ReadContext, read
from reliability.data import FIXTURES

__all__ = ["FORMATS", "Findings", "run_fuzz", "time_limit"]

SLOW = 2.0
HANG = 10.0
NOW = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
CTX = ReadContext(now=NOW, lang="fr", timezone="Europe/Luxembourg", url="https://agenda.example/")

FORMATS: dict[SourceFormat, tuple[str, ...]] = {
    SourceFormat.ICS: ("ics", "crawlers/feed.ics", "exporters"),
    SourceFormat.JSONLD: ("jsonld", "crawlers/jsonld"),
    SourceFormat.TRIBE: ("tribe", "crawlers/tribe"),
    SourceFormat.RSS: ("rss", "crawlers/rss", "exporters"),
    SourceFormat.RPDE: ("rpde", "crawlers/rpde"),
    SourceFormat.ACTIVITYSTREAMS: ("activitystreams", "crawlers/activitystreams"),
}
SUFFIXES = {
    SourceFormat.ICS: {".ics"},
    SourceFormat.JSONLD: {".html", ".jsonld", ".json"},
    SourceFormat.TRIBE: {".json"},
    SourceFormat.RSS: {".xml", ".rdf", ".rss", ".html"},
    SourceFormat.RPDE: {".json"},
    SourceFormat.ACTIVITYSTREAMS: {".json"},
}


class Hang(Exception):
    """The wall-clock alarm fired: the call ran longer than it may."""


@contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (main thread only: it uses SIGALRM)."""

    def fire(signum: int, frame: object) -> None:
        raise Hang(f"still running after {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, fire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass
class Findings:
    tried: dict[str, int] = field(default_factory=dict)
    rejected: dict[str, int] = field(default_factory=dict)  # FeedFormatError, as allowed
    slow: list[dict[str, Any]] = field(default_factory=list)
    failures: list[dict[str, Any]] = field(default_factory=list)
    slowest_s: float = 0.0

    def call(self, target: str, data: Any, func: Callable[[], object]) -> None:
        self.tried[target] = self.tried.get(target, 0) + 1
        began = time.perf_counter()
        try:
            with time_limit(HANG):
                func()
        except FeedFormatError:
            self.rejected[target] = self.rejected.get(target, 0) + 1
        except Exception as exc:  # the drill's whole point: anything else is a finding
            self._record(self.failures, target, data, f"{type(exc).__name__}: {exc}")
        elapsed = time.perf_counter() - began
        self.slowest_s = max(self.slowest_s, elapsed)
        if elapsed > SLOW:
            self._record(self.slow, target, data, f"{elapsed:.2f} s")

    @staticmethod
    def _record(into: list[dict[str, Any]], target: str, data: Any, what: str) -> None:
        if len(into) >= 50 or any(f["target"] == target and f["what"] == what for f in into):
            return
        text = data.decode("utf-8", "replace") if isinstance(data, bytes) else repr(data)
        into.append({"target": target, "what": what[:500], "input": text[:2000]})

    def as_dict(self) -> dict[str, Any]:
        return {
            "inputs_tried": sum(self.tried.values()),
            "per_target": self.tried,
            "rejected_with_feed_format_error": self.rejected,
            "slowest_call_s": round(self.slowest_s, 3),
            "slow_inputs": self.slow,
            "failures": self.failures,
            "errors": len(self.failures),
        }


def fixtures(fmt: SourceFormat) -> list[bytes]:
    found = []
    for entry in FORMATS[fmt]:
        path = FIXTURES / entry
        files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found += [p.read_bytes() for p in files if p.suffix in SUFFIXES[fmt]]
    return found


# -- generic byte mutations -------------------------------------------------------------

TOKENS = [
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\r\n ",
    b"\n\t",
    b"<",
    b"]]>",
    b"&amp;",
    b"&#0;",
    b"&#x110000;",
    b"{",
    b"}",
    b"[",
    b"]",
    b'"',
    b"\\u0000",
    b"\\ud800",
    b"null",
    b"1e999",
    b"-0",
    b"99999999999999999999",
    b"<script>alert(1)</script>",
    b"javascript:alert(1)",
    b"BEGIN:VEVENT\r\n",
    b"END:VCALENDAR\r\n",
    b"RRULE:FREQ=SECONDLY;INTERVAL=1\r\n",
    b"DTSTART:00010101T000000Z\r\n",
    b"DTSTART;TZID=Mars/Olympus:99991231T235959\r\n",
    b"@context",
    b"@graph",
    b'"@type":"Event"',
    b"<![CDATA[",
    b"<!ENTITY x 'y'>",
]


@st.composite
def mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    data = bytearray(draw(st.sampled_from(corpus)))
    for _ in range(draw(st.integers(1, 8))):
        if not data:
            data += draw(st.sampled_from(TOKENS))
            continue
        at = draw(st.integers(0, len(data) - 1))
        op = draw(st.integers(0, 6))
        if op == 0:
            data[at] = draw(st.integers(0, 255))
        elif op == 1:
            data[at:at] = draw(st.sampled_from(TOKENS))
        elif op == 2:
            end = draw(st.integers(at, min(len(data), at + 200)))
            del data[at:end]
        elif op == 3:
            end = draw(st.integers(at, min(len(data), at + 500)))
            data[at:at] = data[at:end] * draw(st.integers(1, 20))
        elif op == 4:
            del data[at:]
        elif op == 5:
            other = draw(st.sampled_from(corpus))
            data[at:] = other[draw(st.integers(0, max(len(other) - 1, 0))) :]
        else:
            data[at:at] = draw(st.binary(max_size=40))
    return bytes(data)


# -- iCalendar, line by line ------------------------------------------------------------

ICS_DATES = st.sampled_from(
    [
        "20261015T200000",
        "20261015T200000Z",
        "20261015",
        "20260230T250000",
        "00000000T000000",
        "99991231T235959Z",
        "2026-10-15T20:00:00",
        "",
        "20261015T200000+0200",
        "1",
        "20261015T200000Z,20261016T200000Z",
        "P1D",
    ]
)
RRULES = st.sampled_from(
    [
        "FREQ=DAILY",
        "FREQ=SECONDLY",
        "FREQ=MINUTELY;COUNT=1000000",
        "FREQ=YEARLY;INTERVAL=0",
        "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU;UNTIL=99991231T000000Z",
        "FREQ=MONTHLY;BYMONTHDAY=31;BYMONTH=2",
        "FREQ=DAILY;COUNT=-1",
        "FREQ=HOURLY;BYSETPOS=0",
        "FREQ=YEARLY;BYWEEKNO=53;BYDAY=MO",
        "FREQ=NONE",
        "FREQ=DAILY;UNTIL=20260101",
        "FREQ=WEEKLY;INTERVAL=99999999999999999999",
        "FREQ=SECONDLY;BYSECOND=0,1,2;COUNT=99999",
    ]
)
TEXT = st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=60) | st.sampled_from(
    ["<script>alert(1)</script>", "\\n\\,\\;", "a" * 5000, "<b onclick=x>é</b>", "\u202e\u0000"]
)


@st.composite
def ics_line(draw: st.DrawFn) -> str:
    name = draw(
        st.sampled_from(
            [
                "DTSTART",
                "DTEND",
                "DURATION",
                "RRULE",
                "RDATE",
                "EXDATE",
                "RECURRENCE-ID",
                "SUMMARY",
                "DESCRIPTION",
                "LOCATION",
                "URL",
                "UID",
                "STATUS",
                "CATEGORIES",
                "GEO",
                "SEQUENCE",
                "X-WR-TIMEZONE",
                "X-ALT-DESC",
                "ATTACH",
                "ORGANIZER",
                "TRANSP",
                "CLASS",
                "LAST-MODIFIED",
                "DTSTAMP",
                "TZID",
                "X-PUBLISHED-TTL",
            ]
        )
    )
    params = draw(
        st.lists(
            st.sampled_from(
                [
                    "TZID=Europe/Luxembourg",
                    "TZID=Nowhere/Else",
                    "VALUE=DATE",
                    "VALUE=PERIOD",
                    "LANGUAGE=de",
                    "LANGUAGE=",
                    'TZID="Europe/Paris"',
                    "FMTTYPE=text/html",
                    'ALTREP="javascript:alert(1)"',
                    'X="unterminated',
                ]
            ),
            max_size=3,
        )
    )
    if name == "RRULE":
        value = draw(RRULES)
    elif name in {"DTSTART", "DTEND", "RDATE", "EXDATE", "RECURRENCE-ID", "LAST-MODIFIED"}:
        value = draw(ICS_DATES)
    elif name == "DURATION":
        value = draw(st.sampled_from(["PT2H", "P1W", "-PT1H", "P99999999D", "PT", "garbage"]))
    elif name == "GEO":
        value = draw(st.sampled_from(["49.6;6.1", "nan;inf", "1e400;0", "91;181", ";"]))
    else:
        value = draw(TEXT)
    line = ";".join([name, *params]) + ":" + value.replace("\r", "").replace("\n", "\\n")
    if len(line) > 75 and draw(st.booleans()):
        line = "\r\n ".join(line[i : i + 74] for i in range(0, len(line), 74))
    return line


@st.composite
def ics_document(draw: st.DrawFn) -> bytes:
    events = []
    for i in range(draw(st.integers(0, 5))):
        lines = draw(st.lists(ics_line(), max_size=12))
        if draw(st.booleans()):
            lines = [f"UID:fuzz-{i}", "DTSTART:20261015T200000Z", "SUMMARY:Concert", *lines]
        events.append("\r\n".join(["BEGIN:VEVENT", *lines, "END:VEVENT"]))
    head = draw(st.lists(ics_line(), max_size=3))
    body = "\r\n".join(["BEGIN:VCALENDAR", "VERSION:2.0", *head, *events, "END:VCALENDAR"])
    if draw(st.booleans()):
        body = body.replace("END:VCALENDAR", "", 1)  # truncated feed
    return body.encode(draw(st.sampled_from(["utf-8", "latin-1", "utf-16"])), "replace")


# -- JSON trees -------------------------------------------------------------------------

JSON_LEAVES = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | TEXT
    | st.sampled_from(
        [
            "2026-10-15T20:00:00+02:00",
            "2026-10-15",
            "2026-13-45T99:99",
            "P1D",
            "PT2H",
            "https://agenda.example/e/1",
            "javascript:alert(1)",
            "http://[::1",
            "Event",
            "https://schema.org/EventCancelled",
            "EUR",
            "0",
            "-1",
            "Infinity",
        ]
    )
)
JSON_TREES = st.recursive(
    JSON_LEAVES,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "@type",
                    "@context",
                    "@graph",
                    "@id",
                    "name",
                    "startDate",
                    "endDate",
                    "location",
                    "url",
                    "offers",
                    "price",
                    "id",
                    "title",
                    "start_date",
                    "end_date",
                    "venue",
                    "items",
                    "data",
                    "state",
                    "kind",
                    "modified",
                    "next",
                    "type",
                    "object",
                    "orderedItems",
                    "first",
                    "description",
                    "eventSchedule",
                    "subEvent",
                ]
            )
            | st.text(max_size=8),
            children,
            max_size=5,
        )
    ),
    max_leaves=25,
)

SCRIPT = re.compile(rb"(<script[^>]*application/ld\+json[^>]*>)(.*?)(</script>)", re.S | re.I)


def _paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            out += _paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            out += _paths(value, (*prefix, index))
    return out


def _replace(tree: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    head, rest = path[0], path[1:]
    if isinstance(tree, dict):
        return {**tree, head: _replace(tree[head], rest, value)}
    copy = list(tree)
    copy[head] = _replace(copy[head], rest, value)
    return copy


@st.composite
def json_mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    """A fixture's JSON (or its JSON-LD script) with subtrees swapped for generated ones."""
    raw = draw(st.sampled_from(corpus))
    match = SCRIPT.search(raw)
    try:
        tree = json.loads(match.group(2) if match else raw)
    except ValueError:
        return raw
    for _ in range(draw(st.integers(1, 4))):
        path = draw(st.sampled_from(_paths(tree)))
        if path and draw(st.integers(0, 4)) == 0:
            tree = _replace(tree, path[:-1], _drop(_at(tree, path[:-1]), path[-1]))
        else:
            tree = _replace(tree, path, draw(JSON_TREES))
    text = json.dumps(tree, ensure_ascii=draw(st.booleans())).encode()
    if match:
        return raw[: match.start(2)] + text + raw[match.end(2) :]
    return text


def _at(tree: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _drop(container: Any, key: Any) -> Any:
    if isinstance(container, dict):
        return {k: v for k, v in container.items() if k != key}
    return [v for i, v in enumerate(container) if i != key]


# -- XML --------------------------------------------------------------------------------

XML_BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
<!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;"><!ENTITY f "&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;">
<!ENTITY g "&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;"><!ENTITY h "&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;">]>
<rss version="2.0"><channel><title>&h;</title><item><title>&h;</title></item></channel></rss>"""
XXE = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>t</title><item><title>&x;</title>
<link>https://a.example/</link></item></channel></rss>"""


@st.composite
def xml_mutated(draw: st.DrawFn, corpus: list[bytes]) -> bytes:
    """A fixture feed with element texts replaced by generated (hostile) text."""
    raw = draw(st.sampled_from(corpus)).decode("utf-8", "replace")
    texts = list(re.finditer(r">([^<]+)<", raw))
    for _ in range(draw(st.integers(1, 5))):
        if not texts:
            break
        match = draw(st.sampled_from(texts))
        value = draw(TEXT | st.sampled_from(["&amp;lt;script&amp;gt;", "&#0;", "&undefined;"]))
        raw = raw[: match.start(1)] + value.replace("<", "&lt;") + raw[match.end(1) :]
        texts = list(re.finditer(r">([^<]+)<", raw))
    return raw.encode("utf-8")


def strategy(fmt: SourceFormat) -> st.SearchStrategy[bytes]:
    corpus = fixtures(fmt)
    choices = [mutated(corpus), st.binary(max_size=2000)]
    if fmt is SourceFormat.ICS:
        choices.append(ics_document())
    elif fmt is SourceFormat.RSS:
        choices += [xml_mutated(corpus), st.just(XML_BOMB), st.just(XXE)]
    else:
        choices += [
            json_mutated(corpus),
            json_mutated(corpus),
            JSON_TREES.map(lambda t: json.dumps(t).encode()),
        ]
    return st.one_of(choices)


# -- the normaliser ---------------------------------------------------------------------

LANGS = st.sampled_from(["fr", "de", "lb", "en", "nl", "und", "", "zz-Latn-XX", "FR"])
I18N = st.dictionaries(LANGS, TEXT, max_size=3).map(I18nText.of)
# Aware, as the model's contract says; near the ends of the calendar as well as near now.
AWARE = st.sampled_from(
    [
        UTC,
        ZoneInfo("Europe/Luxembourg"),
        ZoneInfo("America/St_Johns"),
        timezone(timedelta(hours=14)),
    ]
)
MOMENTS = st.datetimes(
    min_value=datetime(1, 1, 2), max_value=datetime(9999, 12, 30), timezones=AWARE
) | st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2028, 1, 1), timezones=AWARE)
ZONES = st.sampled_from(["Europe/Luxembourg", "UTC", "Nowhere/Else", "", "America/St_Johns"])
URLS = st.sampled_from(
    [None, "https://a.example/x", "javascript:alert(1)", "http://", "data:text/html,x", "ftp://a"]
)

OCCURRENCES = st.builds(
    Occurrence,
    start=MOMENTS,
    end=st.none() | MOMENTS,
    all_day=st.booleans(),
    floating=st.booleans(),
    timezone=ZONES,
    status=st.sampled_from(EventStatus),
)
LOCATIONS = st.builds(
    Location,
    name=I18N,
    street=st.none() | TEXT,
    locality=st.none() | TEXT,
    country=st.none() | st.sampled_from(["LU", "", "XX", "lu", "Luxembourg"]),
    lat=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    lon=st.none() | st.floats(allow_nan=True, allow_infinity=True),
    url=URLS,
    raw=st.none() | TEXT,
)
PRICES = st.builds(
    Price,
    free=st.none() | st.booleans(),
    # What readers can produce: JSON numbers give NaN and Infinity, never a signalling NaN.
    minimum=st.none()
    | st.decimals(allow_nan=False)
    | st.sampled_from(
        [Decimal("NaN"), Decimal("Infinity"), Decimal("-Infinity"), Decimal("1E+999")]
    ),
    maximum=st.none() | st.decimals(min_value=Decimal(-1), max_value=Decimal(10**12)),
    currency=st.none() | st.sampled_from(["EUR", "", "€", "XXXX"]),
    text=I18N,
)
SOURCE_EVENTS = st.builds(
    SourceEvent,
    external_id=TEXT,
    title=I18N,
    description=I18N,
    description_is_html=st.booleans(),
    occurrences=st.lists(OCCURRENCES, max_size=4).map(tuple),
    timezone=ZONES,
    rrule=st.none() | RRULES,
    status=st.sampled_from(EventStatus),
    attendance_mode=st.none() | st.sampled_from(AttendanceMode),
    url=URLS,
    booking_url=URLS,
    online_url=URLS,
    image_urls=st.lists(URLS.filter(bool), max_size=2).map(tuple),
    categories=st.lists(TEXT, max_size=3).map(tuple),
    keywords=st.lists(TEXT, max_size=3).map(tuple),
    location=st.none() | LOCATIONS,
    price=st.none() | PRICES,
    accessibility=st.lists(TEXT, max_size=2).map(tuple),
    age_min=st.none() | st.integers(-(2**40), 2**40),
    age_max=st.none() | st.integers(-5, 200),
    performance_languages=st.lists(LANGS, max_size=2).map(tuple),
    modified=st.none() | MOMENTS,
)
SPEC = SourceSpec(
    id=1, institution_id=1, format=SourceFormat.ICS, url="https://a.example/f.ics", lang="fr"
)


def _settings(examples: int, seed: int | None) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=seed is None,
        phases=[Phase.generate],
        suppress_health_check=list(HealthCheck),
    )


def _fuzz_reader(fmt: SourceFormat, findings: Findings, examples: int, seed: int | None) -> None:
    @_settings(examples, seed)
    @given(data=strategy(fmt))
    def reader(data: bytes) -> None:
        findings.call(fmt.value, data, lambda: read(fmt, data, CTX))

    reader()


def run_fuzz(*, examples: int, seed: int | None = None) -> dict[str, Any]:
    """``examples`` generated inputs per reader and for the normaliser."""
    findings = Findings()
    began = time.monotonic()
    for fmt in FORMATS:
        _fuzz_reader(fmt, findings, examples, seed)

    @_settings(examples, seed)
    @given(event=SOURCE_EVENTS)
    def normaliser(event: SourceEvent) -> None:
        findings.call("normalise", event, lambda: normalise(event, SPEC))

    normaliser()
    figures = findings.as_dict()
    figures["examples_per_target"] = examples
    figures["seconds"] = round(time.monotonic() - began, 1)
    return figures


def save_findings(figures: dict[str, Any], where: Path) -> None:
    where.write_text(json.dumps(figures, indent=2, default=str), encoding="utf-8")
