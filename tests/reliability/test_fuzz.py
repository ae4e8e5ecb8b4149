"""CI-sized fuzzing of every reader and the normaliser (the full run: reliability/run.py fuzz)."""

from __future__ import annotations

from reliability.fuzz import CTX, XML_BOMB, XXE, run_fuzz, time_limit

from pluriel.errors import FeedFormatError
from pluriel.model import SourceFormat
from pluriel.readers import read


def test_generated_inputs_raise_nothing_but_feed_format_errors_and_never_hang() -> None:
    figures = run_fuzz(examples=60)
    assert figures["failures"] == []
    assert figures["slow_inputs"] == []
    assert figures["per_target"] == {
        "ics": 60,
        "jsonld": 60,
        "tribe": 60,
        "rss": 60,
        "rpde": 60,
        "activitystreams": 60,
        "normalise": 60,
    }


def test_an_entity_bomb_is_refused_quickly_and_external_entities_are_not_read() -> None:
    with time_limit(2.0):
        try:
            result = read(SourceFormat.RSS, XML_BOMB, CTX)
        except FeedFormatError:
            result = None
    assert result is None or all(len(e.title.get() or "") < 10_000 for e in result.events)
    with time_limit(2.0):
        try:
            leaked = read(SourceFormat.RSS, XXE, CTX)
        except FeedFormatError:
            leaked = None
    assert leaked is None or all("root:" not in (e.title.get() or "") for e in leaked.events)


def test_a_price_that_is_not_a_finite_number_is_no_amount() -> None:
    """JSON allows 1e999 (and Python's parser NaN): neither is a price anyone can pay."""
    offer = '{"@type": "Offer", "price": %s, "priceCurrency": "EUR"}'
    for number in ("1e999", "-1e999", "NaN"):
        doc = (
            '<html><script type="application/ld+json">{"@context": "https://schema.org",'
            ' "@type": "Event", "name": "Concert", "startDate": "2026-10-15T20:00:00+02:00",'
            f' "offers": {offer % number}}}</script></html>'
        ).encode()
        (event,) = read(SourceFormat.JSONLD, doc, CTX).events
        assert event.price is not None
        assert (event.price.minimum, event.price.maximum) == (None, None)
