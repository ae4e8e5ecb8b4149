"""Compose one canonical event from the payloads of every source that describes it.

Precedence, field by field: the institution's own submission, then feeds,
then third-party scrapes (``source.kind``); among equals, the source that
published first. Texts merge across languages, so a French venue feed and a
German festival page make one event with two translations. ``provenance``
records which source gave each field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

__all__ = ["Composed", "compose"]

_RANK = {"submission": 0, "feed": 1, "scrape": 2}
_SCALARS = (
    "url",
    "booking_url",
    "online_url",
    "image_url",
    "rrule",
    "price",
    "is_free",
    "age_min",
    "age_max",
    "place",
)


@dataclass(frozen=True, slots=True)
class Composed:
    institution_id: int
    fields: dict[str, Any]
    titles: list[tuple[str, str]]  # (lang, title) in display order
    descriptions: dict[str, str]
    languages: list[str]
    occurrences: list[dict[str, Any]]
    categories: list[str]
    tags: list[str]
    accessibility: list[str]
    provenance: dict[str, int]


def _ordered(sources: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(sources, key=lambda s: (_RANK.get(s["kind"], 9), s["item_id"]))


def compose(sources: list[dict[str, Any]]) -> Composed:
    """``sources``: rows of (item_id, source_id, kind, institution_id, payload), at least one."""
    ordered = _ordered(sources)
    first = ordered[0]
    fields: dict[str, Any] = {}
    provenance: dict[str, int] = {}
    for name in _SCALARS:
        for src in ordered:
            value = src["payload"].get(name)
            if value not in (None, "", [], {}):
                fields[name] = value
                provenance[name] = src["source_id"]
                break
        else:
            fields[name] = None
    for name in ("status", "attendance_mode", "timezone"):
        fields[name] = first["payload"][name]
        provenance[name] = first["source_id"]

    titles: dict[str, str] = {}
    descriptions: dict[str, str] = {}
    order: list[str] = []
    for src in ordered:
        payload = src["payload"]
        for lang in payload.get("title_order") or list(payload["title"]):
            text = payload["title"].get(lang)
            if text and lang not in titles:
                titles[lang] = text
                order.append(lang)
                provenance[f"title.{lang}"] = src["source_id"]
        for lang, text in payload.get("description", {}).items():
            if text and lang not in descriptions:
                descriptions[lang] = text
                provenance[f"description.{lang}"] = src["source_id"]
    languages = list(dict.fromkeys([*order, *descriptions]))

    with_dates = next((s for s in ordered if s["payload"].get("occurrences")), first)
    provenance["occurrences"] = with_dates["source_id"]
    categories: list[str] = []
    tags: list[str] = []
    accessibility: list[str] = []
    for src in ordered:
        payload = src["payload"]
        categories += [c for c in payload.get("categories", []) if c not in categories]
        tags += [t for t in payload.get("tags", []) if t not in tags]
        accessibility += [a for a in payload.get("accessibility", []) if a not in accessibility]
    return Composed(
        institution_id=first["institution_id"],
        fields=fields,
        titles=[(lang, titles[lang]) for lang in order],
        descriptions=descriptions,
        languages=languages,
        occurrences=list(with_dates["payload"].get("occurrences", [])),
        categories=categories,
        tags=tags,
        accessibility=accessibility,
        provenance=provenance,
    )


def parse_time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
