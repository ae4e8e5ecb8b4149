from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from xml.dom import minidom
from xml.etree import ElementTree as ET

from lxml import etree

from pluriel.exporters import to_rss
from pluriel.model import I18nText
from tests.conftest import FIXTURES
from tests.exporters.cases import EVENTS, SERIES

HERE = FIXTURES / "exporters"
ATOM = "{http://www.w3.org/2005/Atom}"


def feed(events: tuple[object, ...] = EVENTS, lang: str = "lb") -> bytes:
    return to_rss(
        events,  # type: ignore[arg-type]
        lang=lang,
        title="Agenda pluriel",
        url="https://pluriel.test/",
        self_url=f"https://pluriel.test/feeds/events.rss?lang={lang}",
    )


def strict(data: bytes) -> etree._Element:
    return etree.fromstring(data, etree.XMLParser(recover=False, resolve_entities=False))


def test_feed_is_the_saved_xml() -> None:
    assert feed() == (HERE / "events.lb.rss").read_bytes()
    assert strict(feed()).tag == "rss"


def test_channel_and_items() -> None:
    root = ET.fromstring(  # noqa: S314 - our own output, parsed to check it
        feed()
    )
    channel = root.find("channel")
    assert channel is not None
    assert (root.tag, root.get("version")) == ("rss", "2.0")
    assert [
        (child.tag, child.text, dict(child.attrib)) for child in channel if child.tag != "item"
    ] == [
        ("title", "Agenda pluriel", {}),
        ("link", "https://pluriel.test/", {}),
        ("description", "Agenda pluriel", {}),
        ("language", "lb", {}),
        (
            f"{ATOM}link",
            None,
            {
                "href": "https://pluriel.test/feeds/events.rss?lang=lb",
                "rel": "self",
                "type": "application/rss+xml",
            },
        ),
        ("lastBuildDate", "Fri, 25 Sep 2026 16:00:00 GMT", {}),
        ("generator", "pluriel", {}),
    ]
    assert [
        [(child.tag, child.text, dict(child.attrib)) for child in item]
        for item in channel.findall("item")
    ] == [
        [
            ("title", "Archives de la Grande Région", {}),
            ("link", "https://pluriel.test/events/303", {}),
            ("description", "<p>A talk, <strong>online</strong>.</p>", {}),
            ("category", "Conférence", {}),
            ("guid", "event-303@pluriel.test", {"isPermaLink": "false"}),
            ("pubDate", "Fri, 25 Sep 2026 16:00:00 GMT", {}),
        ],
        [
            ("title", "Jazz am Dienstag", {}),
            ("link", "https://pluriel.test/events/101", {}),
            (
                "description",
                '<p>Das <a href="https://trio.example/">Trio Pluriel</a> spielt.</p>'
                "<p>Eintritt: 15 € &amp; mehr</p>",
                {},
            ),
            ("category", "Musek", {}),
            ("category", "Jazz", {}),
            ("guid", "event-101@pluriel.test", {"isPermaLink": "false"}),
            ("pubDate", "Sun, 20 Sep 2026 08:30:00 GMT", {}),
        ],
        [
            ("title", "Lumières du Nord", {}),
            ("link", "https://pluriel.test/events/202", {}),
            ("description", "<p>Peintures <em>scandinaves</em>.</p>", {}),
            ("category", "Ausstellung", {}),
            ("guid", "event-202@pluriel.test", {"isPermaLink": "false"}),
            ("pubDate", "Tue, 15 Sep 2026 12:00:00 GMT", {}),
        ],
    ]


def test_french_feed() -> None:
    channel = ET.fromstring(  # noqa: S314 - our own output, parsed to check it
        feed(lang="fr")
    ).find("channel")
    assert channel is not None
    assert [item.findtext("title") for item in channel.findall("item")] == [
        "Archives de la Grande Région",
        "Jazz du mardi",
        "Lumières du Nord",
    ]


def test_hostile_text_stays_well_formed() -> None:
    hostile = replace(
        SERIES,
        title=I18nText.of({"lb": "A\x00B\x0bC ]]> <x> & \ud800 é"}),
        description=I18nText.of({"lb": "<p>]]></p>\x1f"}),
        uid="a&b<c>",
    )
    data = feed((hostile,))
    strict(data)
    minidom.parseString(data)  # noqa: S318 - our own output, parsed to check it
    item = ET.fromstring(  # noqa: S314 - our own output, parsed to check it
        data
    ).find("channel/item")
    assert item is not None
    assert [item.findtext(tag) for tag in ("title", "description", "guid")] == [
        "ABC ]]> <x> &  é",
        "<p>]]></p>",
        "a&b<c>",
    ]


def test_empty_feed_is_valid() -> None:
    root = strict(feed(()))
    assert [child.tag for child in root[0]] == [
        "title",
        "link",
        "description",
        "language",
        f"{ATOM}link",
        "generator",
    ]


def write_fixtures() -> None:
    Path(HERE / "events.lb.rss").write_bytes(feed())


if __name__ == "__main__":
    write_fixtures()
