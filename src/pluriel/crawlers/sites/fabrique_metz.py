"""La Fabrique à Spectacles, Metz: a French listing of shows, one page per show.

Listing ``<article class="spectacle">`` blocks link to detail pages, paged by
``a.suivant``. A detail page lists each performance in ``ul.dates`` (a
cancelled one has ``class="annule"``), an optional duration gives the end,
and the venue is "Salle — street, postcode town".
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from scrapy.http import Response

from pluriel.crawlers.sites.base import (
    ListingEntry,
    SiteSpider,
    french_date,
    french_duration,
    french_time,
    local_datetime,
    text_of,
)
from pluriel.errors import ItemError
from pluriel.model import EventStatus, I18nText, Location, Occurrence, SourceEvent
from pluriel.readers.common import safe_http_url
from pluriel.readers.prices import parse_price

__all__ = ["FabriqueMetzSpider", "parse_address"]

_ADDRESS = re.compile(r"^(?P<street>.+?),\s*(?P<postal>\d{4,5})\s+(?P<locality>.+)$")


def parse_address(text: str) -> tuple[str | None, str | None, str | None, str | None]:
    """(hall, street, postcode, town) from "Grande salle — 12 rue des Récollets, 57000 Metz"."""
    hall, _, rest = text.rpartition("—") if "—" in text else ("", "", text)
    match = _ADDRESS.match(rest.strip())
    if match is None:
        return hall.strip() or None, rest.strip() or None, None, None
    return (
        hall.strip() or None,
        match.group("street").strip(),
        match.group("postal"),
        match.group("locality").strip(),
    )


class FabriqueMetzSpider(SiteSpider):
    name = "fabrique_metz"
    site_lang = "fr"
    site_timezone = "Europe/Paris"

    def listing_entries(self, response: Response) -> Iterable[ListingEntry]:
        for href in response.css("article.spectacle h2 a::attr(href)").getall():
            yield ListingEntry(href)

    def next_listing(self, response: Response) -> str | None:
        href: str | None = response.css("a.suivant::attr(href)").get()
        return href

    def parse_event(self, response: Response) -> SourceEvent:
        external_id = self.external_id(response)
        title = text_of(response, "main h1.titre")
        if not title:
            raise ItemError("no title (h1.titre)", external_id=external_id)
        duration = french_duration(text_of(response, "main p.duree"))
        occurrences: list[Occurrence] = []
        for item in response.css("main ul.dates li"):
            text = " ".join(item.xpath("string()").get("").split())
            start = local_datetime(french_date(text), french_time(text), self.timezone)
            cancelled = "annule" in (item.attrib.get("class") or "").split() or "annulé" in text
            occurrences.append(
                Occurrence(
                    start=start,
                    end=start + duration if duration else None,
                    timezone=self.timezone,
                    status=EventStatus.CANCELLED if cancelled else EventStatus.SCHEDULED,
                )
            )
        if not occurrences:
            raise ItemError(f"{title!r}: no dates (ul.dates li)", external_id=external_id)
        all_cancelled = all(o.status is EventStatus.CANCELLED for o in occurrences)
        description = response.css("main div.description").xpath("node()").getall()
        image = response.css("main img.affiche::attr(src)").get()
        genre = text_of(response, "main p.genre")
        return SourceEvent(
            external_id=external_id,
            title=I18nText.single(title, self.lang),
            description=I18nText.single("".join(description).strip(), self.lang),
            description_is_html=True,
            occurrences=tuple(occurrences),
            timezone=self.timezone,
            status=EventStatus.CANCELLED if all_cancelled else EventStatus.SCHEDULED,
            url=response.url,
            booking_url=safe_http_url(response.css("main a.billetterie::attr(href)").get()),
            image_urls=(response.urljoin(image),) if image else (),
            categories=(genre,) if genre else (),
            location=self._location(text_of(response, "main p.lieu")),
            price=parse_price(text_of(response, "main p.tarif"), lang=self.lang),
        )

    def _location(self, text: str) -> Location | None:
        if not text:
            return None
        hall, street, postal, locality = parse_address(text)
        return Location(
            name=I18nText.single(hall, self.lang),
            street=street,
            postal_code=postal,
            locality=locality,
            country="FR",
            raw=text,
        )
