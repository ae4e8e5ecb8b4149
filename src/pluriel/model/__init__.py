"""Frozen value types and enums shared by every layer. Imports nothing of pluriel."""

from __future__ import annotations

from pluriel.model.enums import AttendanceMode, Availability, EventStatus, SourceFormat
from pluriel.model.event import (
    FeedMeta,
    Location,
    Occurrence,
    Price,
    ReadResult,
    SourceEvent,
    SourceItemError,
)
from pluriel.model.folding import fold
from pluriel.model.source import FetchOutcome, SourceSpec
from pluriel.model.text import LANGUAGES, UNDETERMINED, I18nText, fallback_chain, normalise_lang

__all__ = [
    "LANGUAGES",
    "UNDETERMINED",
    "AttendanceMode",
    "Availability",
    "EventStatus",
    "FeedMeta",
    "FetchOutcome",
    "I18nText",
    "Location",
    "Occurrence",
    "Price",
    "ReadResult",
    "SourceEvent",
    "SourceFormat",
    "SourceItemError",
    "SourceSpec",
    "fallback_chain",
    "fold",
    "normalise_lang",
]
