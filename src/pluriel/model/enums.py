"""Enumerations whose values are stored in the database and shown in the API."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["AttendanceMode", "Availability", "EventStatus", "SourceFormat"]


class EventStatus(StrEnum):
    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    RESCHEDULED = "rescheduled"
    MOVED_ONLINE = "moved_online"


class AttendanceMode(StrEnum):
    OFFLINE = "offline"
    ONLINE = "online"
    MIXED = "mixed"


class Availability(StrEnum):
    AVAILABLE = "available"
    FEW_LEFT = "few_left"
    SOLD_OUT = "sold_out"


class SourceFormat(StrEnum):
    ICS = "ics"
    JSONLD = "jsonld"
    TRIBE = "tribe"
    RSS = "rss"
    RPDE = "rpde"
    ACTIVITYSTREAMS = "activitystreams"
    SITE = "site"
