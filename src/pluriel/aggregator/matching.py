"""Ingest-time matching against what is stored: places to the gazetteer, events to duplicates.

Both work per source run: the known places are loaded once per run, and
duplicates are looked up for all new items of the run in one query.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

import psycopg

from pluriel.aggregator import dedup
from pluriel.aggregator.normalise import Candidate
from pluriel.aggregator.places import (
    Gazetteer,
    KnownPlace,
    PlaceCandidate,
    distinctive_words,
    load_gazetteer,
    match_place,
)
from pluriel.model import I18nText, fold
from pluriel.store import write

__all__ = ["PlaceResolver", "dedupe_places", "ensure_gazetteer", "find_duplicates"]

Conn = psycopg.Connection[dict[str, Any]]


def ensure_gazetteer(conn: Conn) -> None:
    """Seed the shipped gazetteer into ``place`` (idempotent: keyed on the gazetteer id)."""
    seeds = load_gazetteer().places
    have = conn.execute(
        "select count(*) as n from place where gazetteer_key is not null"
    ).fetchone()
    if have is not None and have["n"] >= len(seeds):
        return
    with conn.cursor() as cur:
        cur.executemany(
            """
            insert into place (gazetteer_key, name, name_folded, aliases, street, postal_code,
                               locality, locality_folded, country, lat, lon, confidence)
            values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, 1.0)
            on conflict (gazetteer_key) do nothing
            """,
            [
                (
                    p.id,
                    json.dumps({p.lang: p.names[0]}, ensure_ascii=False),
                    fold(p.names[0]),
                    list(p.names[1:]),
                    p.street,
                    p.postal_code,
                    p.locality,
                    fold(p.locality or ""),
                    p.country,
                    p.lat,
                    p.lon,
                )
                for p in seeds
            ],
        )


class PlaceResolver:
    """Matches normalised place payloads to stored places, creating the unknown ones."""

    def __init__(self, conn: Conn) -> None:
        self.conn = conn
        ensure_gazetteer(conn)
        seeds = {p.id: p for p in load_gazetteer().places}
        rows = conn.execute(
            "select id, gazetteer_key, name, aliases, street, postal_code, locality, country,"
            " lat, lon from place where merged_into is null"
        ).fetchall()
        known: list[KnownPlace] = []
        for row in rows:
            seed = seeds.get(row["gazetteer_key"] or "")
            if seed is not None:
                known.append(dataclasses.replace(seed, id=str(row["id"])))
            else:
                known.append(self._known(row))
        self.main = Gazetteer(known)
        self.fresh: list[KnownPlace] = []
        self.recent = Gazetteer(())
        self.cache: dict[str, int | None] = {}

    @staticmethod
    def _known(row: dict[str, Any]) -> KnownPlace:
        names = tuple(dict.fromkeys([*row["name"].values(), *row["aliases"]]))
        return KnownPlace(
            id=str(row["id"]),
            names=names,
            street=row["street"],
            postal_code=row["postal_code"],
            locality=row["locality"],
            country=row["country"],
            lat=row["lat"],
            lon=row["lon"],
        )

    def resolve(self, place: dict[str, Any] | None) -> int | None:
        if not place or not place.get("name"):
            return None
        key = json.dumps(place, sort_keys=True)
        if key in self.cache:
            return self.cache[key]
        candidate = PlaceCandidate(
            name=I18nText.of(place["name"]),
            raw=place.get("raw"),
            street=place.get("street"),
            postal_code=place.get("postal_code"),
            locality=place.get("locality"),
            country=place.get("country"),
            lat=place.get("lat"),
            lon=place.get("lon"),
        )
        match = self.main.match(candidate) or self.recent.match(candidate)
        if match is not None:
            found: int | None = int(match.place.id)
        else:
            found = self._create(place)
        self.cache[key] = found
        return found

    def _create(self, place: dict[str, Any]) -> int:
        name = next(iter(place["name"].values()))
        confidence = 0.6 if place.get("lat") is not None else 0.3
        row = self.conn.execute(
            "insert into place (name, name_folded, street, postal_code, locality,"
            " locality_folded, country, lat, lon, confidence)"
            " values (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s) returning id",
            (
                json.dumps(place["name"], ensure_ascii=False),
                fold(name),
                place.get("street"),
                place.get("postal_code"),
                place.get("locality"),
                fold(place.get("locality") or ""),
                place.get("country"),
                place.get("lat"),
                place.get("lon"),
                confidence,
            ),
        ).fetchone()
        if row is None:  # pragma: no cover - returning always yields a row
            raise RuntimeError("place insert returned nothing")
        self.fresh.append(
            self._known(
                {
                    "id": row["id"],
                    "name": place["name"],
                    "aliases": [],
                    "street": place.get("street"),
                    "postal_code": place.get("postal_code"),
                    "locality": place.get("locality"),
                    "country": place.get("country"),
                    "lat": place.get("lat"),
                    "lon": place.get("lon"),
                }
            )
        )
        self.recent = Gazetteer(self.fresh)
        return int(row["id"])


def _probe_of(
    source_id: int, candidate: Candidate, place_id: int | None, place: dict[str, Any] | None
) -> dedup.Candidate | None:
    payload = candidate.payload
    occurrences = payload.get("occurrences") or []
    if not occurrences:
        return None
    first = occurrences[0]
    return dedup.Candidate(
        source_id=str(source_id),
        external_id=candidate.external_id,
        titles=I18nText.of(payload["title"]),
        start=datetime.fromisoformat(first["starts_at"]),
        all_day=first["all_day"],
        place_id=None if place_id is None else str(place_id),
        place_name=next(iter(place["name"].values()), None) if place else None,
        locality=place.get("locality") if place else None,
        lat=place.get("lat") if place else None,
        lon=place.get("lon") if place else None,
        url=payload.get("url"),
        image_urls=(payload["image_url"],) if payload.get("image_url") else (),
        performers=tuple(payload.get("performers") or ()),
    )


def _stored_events(conn: Conn, event_ids: list[int]) -> dict[Any, dedup.Candidate]:
    """One dedup candidate per stored event (its start is set per matching occurrence)."""
    rows = conn.execute(
        """
        select e.id, e.url, e.image_url, e.place_id, p.name as place_name, p.locality,
               p.lat, p.lon,
               (select jsonb_object_agg(t.lang, t.title) from event_text t
                 where t.event_id = e.id) as titles,
               (select min(o.starts_at) from occurrence o where o.event_id = e.id) as first
          from event e left join place p on p.id = e.place_id
         where e.id = any(%s)
        """,
        (event_ids,),
    ).fetchall()
    return {
        row["id"]: dedup.Candidate(
            source_id=f"event:{row['id']}",
            external_id=str(row["id"]),
            titles=I18nText.of(row["titles"] or {}),
            start=row["first"],
            place_id=None if row["place_id"] is None else str(row["place_id"]),
            place_name=next(iter((row["place_name"] or {}).values()), None),
            locality=row["locality"],
            lat=row["lat"],
            lon=row["lon"],
            url=row["url"],
            image_urls=(row["image_url"],) if row["image_url"] else (),
        )
        for row in rows
    }


def find_duplicates(
    conn: Conn, source_id: int, candidates: Sequence[Candidate], resolver: PlaceResolver
) -> dict[str, int]:
    """external id -> existing event (described by another source) that is the same event.

    Stored events are looked up by start window first; the comparison
    objects (folded titles…) are built only for items that have neighbours.
    """
    dated = [c for c in candidates if c.payload.get("occurrences")]
    if not dated:
        return {}
    starts = [datetime.fromisoformat(c.payload["occurrences"][0]["starts_at"]) for c in dated]
    slack = [
        timedelta(hours=14) if c.payload["occurrences"][0]["all_day"] else dedup.START_TOLERANCE
        for c in dated
    ]
    places = [c.payload.get("place") or {} for c in dated]
    # Events whose place is known and lies over FAR_M away can never match: the
    # bounding box (about 0.015 degrees) keeps them out of the candidate rows.
    rows = conn.execute(
        """
        select w.idx, o.event_id, o.starts_at, o.all_day
          from unnest(%s::timestamptz[], %s::timestamptz[], %s::int[],
                      %s::float8[], %s::float8[]) as w(lo, hi, idx, lat, lon)
          join occurrence o on o.starts_at between w.lo and w.hi
          join event e on e.id = o.event_id and e.deleted_at is null
          left join place p on p.id = e.place_id
         where (w.lat is null or p.lat is null
                or (abs(p.lat - w.lat) < 0.015 and abs(p.lon - w.lon) < 0.022))
           and not exists (select 1 from source_event se where se.event_id = e.id
                            and se.source_id = %s and se.removed_at is null)
         order by w.idx, o.starts_at
        """,
        (
            [start - d for start, d in zip(starts, slack, strict=True)],
            [start + d for start, d in zip(starts, slack, strict=True)],
            list(range(len(dated))),
            [place.get("lat") for place in places],
            [place.get("lon") for place in places],
            source_id,
        ),
    ).fetchall()
    if not rows:
        return {}
    events = _stored_events(conn, sorted({row["event_id"] for row in rows}))
    found: dict[str, int] = {}
    best: dict[str, float] = {}
    probes: dict[int, dedup.Candidate | None] = {}
    for row in rows:
        index = row["idx"]
        if index not in probes:
            place = places[index] or None
            probes[index] = _probe_of(source_id, dated[index], resolver.resolve(place), place)
        probe = probes[index]
        if probe is None:
            continue
        other = events.get((row["event_id"], row["starts_at"], row["all_day"]))
        if other is None:
            base = events[row["event_id"]]
            # A shallow copy keeps the folded words computed once per event.
            other = copy.copy(base)
            object.__setattr__(other, "start", row["starts_at"])
            object.__setattr__(other, "all_day", row["all_day"])
            events[(row["event_id"], row["starts_at"], row["all_day"])] = other
        decision = dedup.same_event(probe, other)
        if decision.same and decision.score > best.get(probe.external_id, -1.0):
            best[probe.external_id] = decision.score
            found[probe.external_id] = row["event_id"]
    return found


def _candidate_of(place: KnownPlace) -> PlaceCandidate:
    return PlaceCandidate(
        name=I18nText.single(place.names[0]),
        street=place.street,
        postal_code=place.postal_code,
        locality=place.locality,
        country=place.country,
        lat=place.lat,
        lon=place.lon,
    )


def dedupe_places(conn: Conn, *, now: datetime) -> list[tuple[int, int]]:
    """Merge places that designate the same venue; return (merged id, kept id) pairs.

    The less certain place merges into the more certain one (gazetteer seeds
    first); its names become aliases, its events move, and its id stays
    resolvable through ``merged_into``.
    """
    rows = conn.execute(
        "select id, gazetteer_key, name, aliases, street, postal_code, locality, country,"
        " lat, lon, confidence from place where merged_into is null"
        " order by confidence desc, id"
    ).fetchall()
    known = [PlaceResolver._known(row) for row in rows]
    by_word: dict[str, list[int]] = {}
    for index, place in enumerate(known):
        for word in {w for name in place.names for w in distinctive_words(name)}:
            by_word.setdefault(word, []).append(index)
    merged: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for index in range(len(known) - 1, -1, -1):  # least certain first
        place = known[index]
        pool_ids = {
            other
            for name in place.names
            for w in distinctive_words(name)
            for other in by_word.get(w, ())
            if other < index and other not in merged
        }
        if not pool_ids:
            continue
        match = match_place(_candidate_of(place), [known[i] for i in sorted(pool_ids)])
        if match is not None:
            merged.add(index)
            pairs.append((int(place.id), int(match.place.id)))
    for duplicate, keep in pairs:
        write.merge_place(conn, duplicate=duplicate, keep=keep, now=now)
    return pairs
