"""The fixture site: deterministic, complete, standard-conforming, always current."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date, datetime, timedelta
from html.parser import HTMLParser

from icalendar import Calendar

from pluriel.demo import (
    DISTINCT,
    DUPLICATES,
    INSTITUTIONS,
    SOURCES,
    Document,
    build_site,
    programme,
    sources,
)
from pluriel.demo.catalog import PLACES
from pluriel.model import SourceFormat
from tests.demo.conftest import BASE, TODAY


def test_the_same_date_builds_the_same_site_and_another_date_another() -> None:
    first = build_site(TODAY, BASE)
    again = build_site(TODAY, BASE)
    later = build_site(TODAY + timedelta(days=1), BASE)
    assert first == again
    assert first["/feeds/philharmonie.ics"] != later["/feeds/philharmonie.ics"]
    assert sorted(first) == sorted(later)


def test_every_format_is_published_in_every_language() -> None:
    assert {source.format for source in SOURCES} == set(SourceFormat)
    ics = [s for s in SOURCES if s.format is SourceFormat.ICS]
    assert [s.path for s in ics] == [
        "/feeds/philharmonie.ics",
        "/feeds/pont-levis.ics",
        "/feeds/kulturbahnhof.ics",
        "/feeds/arlon.ics",
    ]
    assert sorted(s.name for s in SOURCES if s.format is SourceFormat.SITE) == [
        "fabrique_metz",
        "kulturbahnhof_saar",
    ]
    languages = Counter(
        lang for events in programme(TODAY).values() for e in events for lang in e.title
    )
    assert set(languages) == {"fr", "de", "lb", "en", "nl"}
    assert {s.lang for s in SOURCES} == {"fr", "de", "lb", "en"}
    assert sorted({i.country for i in INSTITUTIONS}) == ["BE", "DE", "FR", "LU"]
    assert len(INSTITUTIONS) == 12


def test_sources_are_located_on_the_given_site() -> None:
    located = sources("http://127.0.0.1:9999/")
    assert [inst.slug for inst, _ in located] == [i.slug for i in INSTITUTIONS]
    urls = [feed.url for _, feeds in located for feed in feeds]
    assert len(urls) == len(SOURCES)
    assert urls[0] == "http://127.0.0.1:9999/feeds/philharmonie.ics"
    assert all(url.startswith("http://127.0.0.1:9999/") for url in urls)


def test_every_ics_document_parses_with_icalendar(site: dict[str, Document]) -> None:
    calendars = {path: doc for path, doc in site.items() if path.endswith(".ics")}
    assert len(calendars) == 5  # four venues and the robots-protected drafts
    for path, doc in calendars.items():
        assert all(len(line) <= 75 for line in doc.body.split(b"\r\n")), path
        assert doc.body.endswith(b"END:VCALENDAR\r\n"), path
        calendar = Calendar.from_ical(doc.body)
        assert calendar.errors == [], path
        for component in calendar.walk():
            assert component.errors == [], (path, component.name)
        if path.startswith("/feeds/"):
            assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] != [], path
            assert len(calendar.walk("VEVENT")) >= 3, path


def test_bilingual_calendars_tag_their_languages(site: dict[str, Document]) -> None:
    calendar = Calendar.from_ical(site["/feeds/philharmonie.ics"].body)
    nardi = [
        e for e in calendar.walk("VEVENT") if e["UID"] == "nardi-trio@philharmonie-plateau.example"
    ]
    summaries = nardi[0].get("SUMMARY")
    assert [(s.params["LANGUAGE"], str(s)) for s in summaries] == [
        ("fr", "Aurelio Nardi Trio – jazz au Plateau"),
        ("de", "Aurelio Nardi Trio – Jazz auf dem Plateau"),
    ]


def test_every_json_document_parses(site: dict[str, Document]) -> None:
    json_docs = [p for p, d in site.items() if "json" in d.content_type]
    assert len(json_docs) == 8
    for path in json_docs:
        json.loads(site[path].body)
    for doc in site.values():
        if doc.content_type.startswith("text/html"):
            body = doc.body.decode()
            start = body.find('<script type="application/ld+json">')
            while start != -1:
                end = body.index("</script>", start)
                json.loads(body[start + len('<script type="application/ld+json">') : end])
                start = body.find('<script type="application/ld+json">', end)


class _Balance(HTMLParser):
    VOID = frozenset({"meta", "link", "img", "br", "hr", "input"})

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.problems.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
            return
        self.stack.pop()


def test_every_html_page_is_balanced_and_declares_its_language(
    site: dict[str, Document],
) -> None:
    pages = {p: d for p, d in site.items() if d.content_type.startswith("text/html")}
    assert len(pages) == 29
    for path, doc in pages.items():
        checker = _Balance()
        checker.feed(doc.body.decode())
        checker.close()
        assert (checker.problems, checker.stack) == ([], []), path
        assert b'<html lang="' in doc.body, path


def test_robots_keep_crawlers_out_of_private_pages_only(site: dict[str, Document]) -> None:
    assert site["/robots.txt"].body.decode().splitlines() == [
        "# pluriel demo site: crawl anything public",
        "User-agent: *",
        "Disallow: /private/",
        "Allow: /",
    ]


def _window(today: date) -> tuple[datetime, datetime]:
    return (
        datetime.combine(today - timedelta(days=3), datetime.min.time()),
        datetime.combine(today + timedelta(days=121), datetime.min.time()),
    )


def test_every_occurrence_falls_in_the_window_for_any_date() -> None:
    for today in (TODAY, date(2027, 3, 1), date(2027, 6, 30), date(2028, 2, 29)):
        low, high = _window(today)
        for path, events in programme(today).items():
            for event in events:
                for start in event.occurrences():
                    local = start.replace(tzinfo=None)
                    assert low <= local < high, (today, path, event.slug, start)
                end = event.end
                if end is not None:
                    assert end.replace(tzinfo=None) <= high + timedelta(days=1), event.slug
                assert set(event.cancelled) <= set(event.occurrences()), event.slug


def test_the_weekly_series_keeps_its_wall_clock_time_across_daylight_saving() -> None:
    events = programme(date(2027, 3, 1))["/feeds/philharmonie.ics"]
    lunch = next(e for e in events if e.slug == "midi-musical")
    starts = lunch.occurrences()
    assert {s.strftime("%a %H:%M") for s in starts} == {"Wed 12:30"}
    assert {s.utcoffset() for s in starts} == {timedelta(hours=1), timedelta(hours=2)}
    assert len(lunch.cancelled) == 1


def test_the_french_site_follows_the_shared_description(site: dict[str, Document]) -> None:
    listing = site["/sites/fabrique-metz/agenda/"].body.decode()
    assert (
        '<article class="spectacle">\n'
        '  <h2><a href="/sites/fabrique-metz/spectacle/la-nuit-des-rois/">La Nuit des rois</a>'
        "</h2>\n"
        '  <p class="quand">lundi 14 décembre 2026 à 20h30</p>\n'
        "</article>\n"
    ) in listing
    assert '<a class="suivant" href="?page=2">Page suivante</a>' in listing
    assert "suivant" not in site["/sites/fabrique-metz/agenda/?page=2"].body.decode()
    detail = site["/sites/fabrique-metz/spectacle/la-nuit-des-rois/"].body.decode()
    assert (
        '<ul class="dates">\n'
        "  <li>lundi 14 décembre 2026 à 20h30</li>\n"
        '  <li class="annule">mardi 15 décembre 2026 à 16h <span>(annulé)</span></li>\n'
        "  <li>lundi 21 décembre 2026 à 20h</li>\n"
        "</ul>\n"
        '<p class="duree">Durée : 1h30</p>\n'
        '<p class="lieu">Grande salle — 12 rue des Récollets, 57000 Metz</p>\n'
    ) in detail
    assert '<p class="tarif">Tarif plein 18 € · réduit 12,50 €</p>' in detail
    assert site["/sites/fabrique-metz/img/la-nuit-des-rois.jpg"].content_type == "image/jpeg"


def test_the_german_site_follows_the_shared_description(site: dict[str, Document]) -> None:
    listing = site["/sites/kulturbahnhof-saar/programm.html"].body.decode()
    assert (
        '  <tr class="termin">\n'
        '    <td class="datum">Mi., 25.11.2026</td>\n'
        '    <td class="zeit">ganztägig</td>\n'
        '    <td class="titel"><a href="veranstaltung-1.html">Stahl und Licht</a></td>\n'
        '    <td class="rubrik">Ausstellung</td>\n'
        "  </tr>\n"
    ) in listing
    detail = site["/sites/kulturbahnhof-saar/veranstaltung-3.html"].body.decode()
    assert (
        '<dl class="daten">\n'
        "  <dt>Datum</dt><dd>Freitag, 18. Dezember 2026</dd>\n"
        "  <dt>Beginn</dt><dd>19:30 Uhr</dd>\n"
        "  <dt>Ende</dt><dd>22:30 Uhr</dd>\n"
        "  <dt>Ort</dt><dd>Halle 2, Am Kulturbahnhof 1, 66111 Saarbrücken</dd>\n"
        "  <dt>Eintritt</dt><dd>VVK 15 €, AK 18 €</dd>\n"
        "</dl>\n"
    ) in detail
    assert '<p class="status">Ausverkauft</p>' in detail
    statuses = [
        line
        for n in range(1, 7)
        for line in site[f"/sites/kulturbahnhof-saar/veranstaltung-{n}.html"]
        .body.decode()
        .split("\n")
        if 'class="status"' in line
    ]
    assert statuses == [
        '<p class="status">Ausverkauft</p>',
        '<p class="status">Verschoben</p>',
        '<p class="status">Abgesagt</p>',
    ]


def test_duplicates_are_the_same_event_in_different_languages() -> None:
    plan = programme(TODAY)
    assert len(DUPLICATES) >= 3
    for group in DUPLICATES:
        events = [next(e for e in plan[path] if e.external_id == eid) for path, eid in group]
        assert len({path for path, _ in group}) == len(group)
        assert len({next(iter(e.title)) for e in events}) >= 2, group  # different languages
        assert len({e.place.slug for e in events}) == 1, group
        starts = [e.start for e in events]
        assert max(starts) - min(starts) <= timedelta(minutes=15), group
        names = [set(" ".join(e.title.values()).split()) for e in events]
        assert set.intersection(*names), group  # a shared proper name
    # one group disagrees by a quarter of an hour, as real sources do
    spreads = [
        max(e.start for e in evs) - min(e.start for e in evs)
        for evs in (
            [next(e for e in plan[p] if e.external_id == i) for p, i in g] for g in DUPLICATES
        )
    ]
    assert timedelta(minutes=15) in spreads


def test_hard_negatives_share_a_place_and_an_evening_but_not_the_show() -> None:
    plan = programme(TODAY)
    for (path_a, id_a), (path_b, id_b) in DISTINCT:
        a = next(e for e in plan[path_a] if e.external_id == id_a)
        b = next(e for e in plan[path_b] if e.external_id == id_b)
        assert a.place == b.place
        assert a.start.date() == b.start.date()
        assert a.start != b.start
    assert PLACES["philharmonie"].locality == "Luxembourg-Kirchberg"


def test_the_first_of_the_month_is_written_1er_on_the_french_site() -> None:
    site = build_site(date(2027, 1, 9), BASE)
    listing = site["/sites/fabrique-metz/agenda/"].body.decode()
    assert '<p class="quand">lundi 1er février 2027 à 20h30</p>' in listing
