from __future__ import annotations

from datetime import UTC, date, datetime

from pluriel.exporters.common import html_to_text, localised, original_start, zone
from pluriel.exporters.types import ExportOccurrence
from pluriel.model import I18nText
from tests.exporters.cases import LUX


def test_html_to_text_keeps_paragraphs_lists_and_links() -> None:
    html = (
        "<h2>Programme</h2><p>Première&nbsp;partie :<br>Bach &amp; Fils</p>"
        "<ul><li>Violon</li><li>Piano</li></ul>"
        '<p>Voir <a href="https://a.example/">le site</a> ou '
        '<a href="https://b.example/">https://b.example/</a>.</p>'
        "<script>alert(1)</script><style>p{}</style>"
    )
    assert html_to_text(html) == (
        "Programme\n\n"
        "Première partie :\nBach & Fils\n\n"
        "- Violon\n- Piano\n\n"
        "Voir le site (https://a.example/) ou https://b.example/."
    )
    assert html_to_text(None) == ""
    assert html_to_text("plain   text\nwrapped") == "plain text wrapped"


def test_localised_names_the_language_really_used() -> None:
    text = I18nText.of({"de": "Hallo", "fr": "Salut"})
    assert localised(text, "lb") == ("Hallo", "de")
    assert localised(text, "nl") == ("Salut", "fr")
    assert localised(I18nText.single("Hi"), "fr") == ("Hi", None)
    assert localised(I18nText(), "fr") == (None, None)


def test_original_start() -> None:
    start = datetime(2026, 11, 4, 20, tzinfo=LUX)
    moved = ExportOccurrence(id="1", start=start, recurrence_id="2026-11-03T19:00:00Z")
    assert original_start(moved) == datetime(2026, 11, 3, 19, tzinfo=UTC)
    previous = ExportOccurrence(
        id="1", start=start, previous_start=datetime(2026, 11, 1, tzinfo=UTC)
    )
    assert original_start(previous) == datetime(2026, 11, 1, tzinfo=UTC)
    day = ExportOccurrence(
        id="1",
        start=datetime(2026, 10, 3, tzinfo=LUX),
        all_day=True,
        timezone="Europe/Luxembourg",
        recurrence_id="2026-10-02",
    )
    assert original_start(day) == date(2026, 10, 2)
    assert original_start(ExportOccurrence(id="1", start=start, recurrence_id="nonsense")) == start
    assert original_start(replace_day(day)) == date(2026, 10, 3)


def replace_day(occurrence: ExportOccurrence) -> ExportOccurrence:
    return ExportOccurrence(
        id=occurrence.id,
        start=occurrence.start,
        all_day=True,
        timezone=occurrence.timezone,
    )


def test_zone_falls_back_to_utc() -> None:
    assert zone("Europe/Luxembourg") == LUX
    assert zone("Etc/UTC") is UTC
    assert zone("Nowhere/Atlantis") is UTC
    assert zone("../../etc/passwd") is UTC
    assert zone(None) is UTC
