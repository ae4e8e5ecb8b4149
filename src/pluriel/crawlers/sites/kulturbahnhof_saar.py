"""Kulturbahnhof Saarbrücken: a German programme table, one page per event.

The listing is one ``table.programm``; its ``td.rubrik`` (the category) is
only on the listing, so it travels to the detail page as a hint. A detail
page is a ``dl.daten`` of Datum, Beginn, Ende, Ort and Eintritt; no Beginn
means an all-day event. ``p.status`` says Abgesagt, Verschoben or Ausverkauft.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import datetime, timedelta
from html import escape

from scrapy.http import Response

from pluriel.crawlers.sites.base import (
    ListingEntry,
    SiteSpider,
    german_date,
    german_time,
    local_datetime,
    text_of,
)
from pluriel.errors import ItemError
from pluriel.model import Availability, EventStatus, I18nText, Location, Occurrence, SourceEvent
from pluriel.readers.common import safe_http_url
from pluriel.readers.prices import parse_price

__all__ = ["KulturbahnhofSaarSpider"]

_STATUS = {
    "abgesagt": EventStatus.CANCELLED,
    "verschoben": EventStatus.POSTPONED,
}


class KulturbahnhofSaarSpider(SiteSpider):
    name = "kulturbahnhof_saar"
    site_lang = "de"
    site_timezone = "Europe/Berlin"

    def listing_entries(self, response: Response) -> Iterable[ListingEntry]:
        for row in response.css("table.programm tr.termin"):
            href = row.css("td.titel a::attr(href)").get()
            if href:
                rubrik = " ".join(row.css("td.rubrik").xpath("string()").get("").split())
                yield ListingEntry(href, {"rubrik": rubrik} if rubrik else {})

    def _fields(self, response: Response) -> dict[str, str]:
        fields: dict[str, str] = {}
        for term in response.css("#veranstaltung dl.daten dt"):
            name = " ".join(term.xpath("string()").get("").split()).lower()
            value = term.xpath("following-sibling::dd[1]").xpath("string()").get("")
            fields.setdefault(name, " ".join(value.split()))
        return fields

    def parse_event(self, response: Response) -> SourceEvent:
        external_id = self.external_id(response)
        title = text_of(response, "#veranstaltung h1")
        if not title:
            raise ItemError("no title (h1)", external_id=external_id)
        fields = self._fields(response)
        if not fields.get("datum"):
            raise ItemError(f"{title!r}: no Datum", external_id=external_id)
        occurrence = self._occurrence(fields)
        status_text = text_of(response, "#veranstaltung p.status").lower()
        status = _STATUS.get(status_text, EventStatus.SCHEDULED)
        if status_text == "ausverkauft":
            occurrence = replace(occurrence, availability=Availability.SOLD_OUT)
        if status is not EventStatus.SCHEDULED:
            occurrence = replace(occurrence, status=status)
        subtitle = text_of(response, "#veranstaltung p.untertitel")
        body = "".join(response.css("#veranstaltung div.beschreibung").xpath("node()").getall())
        intro = f"<p><strong>{escape(subtitle)}</strong></p>" if subtitle else ""
        rubrik = self.hints(response).get("rubrik")
        return SourceEvent(
            external_id=external_id,
            title=I18nText.single(title, self.lang),
            description=I18nText.single((intro + body).strip(), self.lang),
            description_is_html=True,
            occurrences=(occurrence,),
            timezone=self.timezone,
            status=status,
            url=response.url,
            booking_url=safe_http_url(response.css("#veranstaltung a.tickets::attr(href)").get()),
            categories=(rubrik,) if rubrik else (),
            location=self._location(fields.get("ort", "")),
            price=parse_price(fields.get("eintritt"), lang=self.lang),
        )

    def _occurrence(self, fields: dict[str, str]) -> Occurrence:
        day = german_date(fields["datum"])
        begin = german_time(fields.get("beginn", ""))
        if begin is None:
            start = local_datetime(day, None, self.timezone)
            after = local_datetime(day + timedelta(days=1), None, self.timezone)
            return Occurrence(start=start, end=after, all_day=True, timezone=self.timezone)
        start = local_datetime(day, begin, self.timezone)
        finish = german_time(fields.get("ende", ""))
        end: datetime | None = None
        if finish is not None:
            end = local_datetime(day, finish, self.timezone)
            if end <= start:  # ends after midnight
                end = local_datetime(day + timedelta(days=1), finish, self.timezone)
        return Occurrence(start=start, end=end, timezone=self.timezone)

    def _location(self, text: str) -> Location | None:
        if not text:
            return None
        parts = [part.strip() for part in text.split(",")]
        name, street, postal, locality = parts[0], None, None, None
        if len(parts) >= 3:
            street = parts[-2]
        town = parts[-1].split(None, 1) if len(parts) >= 2 else []
        if len(town) == 2 and town[0].isdigit():
            postal, locality = town
        return Location(
            name=I18nText.single(name, self.lang),
            street=street,
            postal_code=postal,
            locality=locality,
            country="DE",
            raw=text,
        )
