"""The widget's interface text: the keys ``agenda.js`` looks up, and their msgids.

The translations live in the Babel catalogs (``pluriel.locales``), under the
message context ``widget``: short words such as "Free" or "From" mean
something narrower here than in the submission forms, and the context keeps
their translations apart. ``NP_`` only marks them, so that the extractor and
the catalog test find them; :func:`pluriel.web.widget.assets.strings` turns
them into the table inlined in ``/widget.js`` and used by ``/embed/agenda``.

``{n}`` and ``{date}`` are filled in by the element, not by gettext.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from pluriel.locales import NP_

__all__ = ["CONTEXT", "MESSAGES"]

CONTEXT: Final = "widget"

#: Key the element asks for -> English msgid. The status keys are the API's enum values.
MESSAGES: Final[Mapping[str, str]] = MappingProxyType(
    {
        # Translators: heading of the embedded event calendar on a host site.
        "agenda": NP_("widget", "Agenda"),
        # Translators: accessible name of the search and filter form.
        "filters": NP_("widget", "Filters"),
        # Translators: label of the text search field.
        "search": NP_("widget", "Search"),
        # Translators: label of the event category drop-down.
        "category": NP_("widget", "Category"),
        # Translators: first choice of the category drop-down: no category filter.
        "allCategories": NP_("widget", "All categories"),
        # Translators: label of the first day of the date range filter.
        "from": NP_("widget", "From"),
        # Translators: label of the last day of the date range filter.
        "to": NP_("widget", "Until"),
        # Translators: check box of the filter form.
        "freeOnly": NP_("widget", "Free events only"),
        # Translators: button that applies the filters.
        "apply": NP_("widget", "Show"),
        # Translators: button that shows the events as a list by day.
        "viewList": NP_("widget", "List"),
        # Translators: button that shows the events as a month grid.
        "viewMonth": NP_("widget", "Month"),
        # Translators: button under the list that loads the next page of events.
        "more": NP_("widget", "More events"),
        # Translators: status line while events are being fetched.
        "loading": NP_("widget", "Loading…"),
        # Translators: shown instead of the list when no event matches.
        "empty": NP_("widget", "No events match these filters."),
        # Translators: shown when the events could not be fetched.
        "error": NP_("widget", "The agenda could not be loaded."),
        # Translators: button next to the error message.
        "retry": NP_("widget", "Try again"),
        # Translators: status line read by screen readers; {n} is a number.
        "count": NP_("widget", "Events shown: {n}"),
        # Translators: button of the month grid.
        "prevMonth": NP_("widget", "Previous month"),
        # Translators: button of the month grid.
        "nextMonth": NP_("widget", "Next month"),
        # Translators: heading of a day chosen in the month grid; {date} is a written-out date.
        "eventsOn": NP_("widget", "Events on {date}"),
        # Translators: a day chosen in the month grid has no event.
        "noEventsDay": NP_("widget", "No events on this day."),
        # Translators: button that closes the event detail dialog.
        "close": NP_("widget", "Close"),
        # Translators: heading of the dates of an event in its detail.
        "dates": NP_("widget", "Dates"),
        # Translators: heading of the venue of an event in its detail.
        "place": NP_("widget", "Place"),
        # Translators: link to the venue on openstreetmap.org.
        "map": NP_("widget", "Map on OpenStreetMap"),
        # Translators: heading of the price of an event.
        "price": NP_("widget", "Price"),
        # Translators: the price of an event that costs nothing.
        "free": NP_("widget", "Free"),
        # Translators: heading of the accessibility features of a venue or event.
        "accessibility": NP_("widget", "Accessibility"),
        # Translators: link to buy tickets or register.
        "book": NP_("widget", "Book"),
        # Translators: link to take part in an online event.
        "online": NP_("widget", "Join online"),
        # Translators: link to the organiser's page about the event.
        "website": NP_("widget", "Website"),
        # Translators: link that downloads the event as an .ics file.
        "addToCalendar": NP_("widget", "Add to calendar"),
        # Translators: button that shares a link to the event.
        "share": NP_("widget", "Share"),
        # Translators: stands for the time of an event that lasts the whole day.
        "allDay": NP_("widget", "all day"),
        # Translators: badge of a cancelled event, written in lower case.
        "CANCELLED": NP_("widget", "cancelled"),
        # Translators: badge of an event put off to a date not yet known.
        "POSTPONED": NP_("widget", "postponed"),
        # Translators: badge of an event moved to another date.
        "RESCHEDULED": NP_("widget", "rescheduled"),
        # Translators: badge of an event that now only takes place online.
        "MOVED_ONLINE": NP_("widget", "moved online"),
    }
)
