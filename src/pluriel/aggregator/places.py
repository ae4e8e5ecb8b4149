"""Matching incoming locations to known places, without any geocoder at run time.

A location arrives structured (schema.org ``Place``, iCal ``LOCATION`` plus
``GEO``) or as one string ("Philharmonie, Luxembourg-Kirchberg"). It is
matched to a known place by three kinds of evidence:

- the name, folded and stripped of articles and punctuation, equal to one of
  the place's variants (``name``), or carrying all of a variant's
  distinctive words (``name-words``): "Grand Auditorium de la Philharmonie";
- where it is: the locality (any of its spellings: Luxembourg, Lëtzebuerg,
  Luxemburg; a quarter like Kirchberg counts for its city), the postal code,
  or coordinates within :data:`NEAR_M` metres;
- what contradicts: another known locality, another country, or
  coordinates farther than :data:`FAR_M` metres.

A name made only of generic words ("Théâtre", "Salle des fêtes") never
matches on its own: it needs the locality or the coordinates. Two venues on
the same square stay apart because a name is always required.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

from pluriel.aggregator.taxonomy import key
from pluriel.model import I18nText, Location

__all__ = [
    "FAR_M",
    "MATCH_SCORE",
    "NEAR_M",
    "Gazetteer",
    "KnownPlace",
    "Match",
    "ParsedLocation",
    "PlaceCandidate",
    "distinctive_words",
    "haversine_m",
    "load_gazetteer",
    "locality_group",
    "match_place",
    "name_key",
    "parse_location_string",
]

#: Two points this close are the same building for matching purposes.
NEAR_M = 200.0
#: Coordinates farther apart than this rule a match out whatever the name says.
FAR_M = 1500.0
#: The lowest score :func:`match_place` accepts.
MATCH_SCORE = 0.75

_EARTH_RADIUS_M = 6_371_008.8


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that say what a place is, not which one it is.
_GENERIC = _wordset(
    """
    theatre theater teater schouwburg stadttheater salle saal sall zaal halle hall hal
    musee museum musea musees museen galerie gallery galerij centre center zentrum
    centrum maison haus house huis hous eglise kirche kierch kerk church chapelle kapelle
    chapel cathedrale dom cathedral place platz plaz plein square rue strasse str street
    straat avenue allee boulevard bd parc park grand grande groussen grosses grosse gross
    groot petit petite klein kleine kleng ville city stad stadt municipal municipale
    communal communale culturel culturelle culture kultur kulturzentrum kulturhaus
    cultuurcentrum cultural arts art konscht kunst centre-culturel espace foyer auditorium
    studio scene buhne stage club cafe bar bibliotheque bibliothek bibliotheik bibliotheek
    library mediatheque cinema kino bioscoop opera oper conservatoire konservatorium
    ecole schule school schoul fetes fest feest salle-des-fetes national nationale royal
    royale regional regionale provincial europe european main
    """
)
# Articles and linking words dropped from names before comparing them.
_ARTICLES = _wordset(
    "le la les l de du des d un une the of a an der die das den dem des vom von am im zu"
    " zum zur het een van op an et and und en a"
)
_POSTAL = re.compile(
    r"^(?:(?P<prefix>[LDFB])\s*-\s*)?(?P<code>\d{4,5})(?:\s+(?P<locality>.+?))?(?:\s+cedex(?:\s*\d+)?)?$",
    re.IGNORECASE,
)
_STREET = re.compile(
    r"\d|\b(?:rue|avenue|av|boulevard|bd|place|parvis|quai|chemin|route|allee|impasse|rond-point"
    r"|strasse|straße|str|platz|weg|gasse|allee|ring|ufer|hof|plaza|street|road|straat|plein"
    r"|laan|steenweg|kaai|gaass|plaz|wee)\b",
    re.IGNORECASE,
)
_HOUSE_NUMBER = re.compile(r"^\d+\w?[\s,]|\s\d+\w?(?:-\d+\w?)?$")
_SEPARATORS = re.compile(r"\s*(?:,|;|\n|\s[–—-]\s|\|)\s*")
_COUNTRIES = {
    key(name): code
    for code, names in {
        "LU": (
            "Luxembourg",
            "Lëtzebuerg",
            "Luxemburg",
            "Grand-Duché de Luxembourg",
            "Grand Duchy of Luxembourg",
        ),
        "FR": ("France", "Frankreich", "Frankräich", "Frankrijk"),
        "DE": ("Deutschland", "Germany", "Allemagne", "Däitschland", "Duitsland"),
        "BE": ("Belgique", "België", "Belgien", "Belgium", "Belsch"),
        "NL": ("Nederland", "Netherlands", "Pays-Bas", "Niederlande"),
    }.items()
    for name in names
}
_POSTAL_PREFIX_COUNTRY = {"L": "LU", "F": "FR", "D": "DE", "B": "BE"}


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


def name_key(name: str) -> str:
    """A name as compared: folded, no punctuation, no articles ("L'Arsenal" -> "arsenal")."""
    return " ".join(w for w in key(name).split() if w not in _ARTICLES)


def distinctive_words(name: str) -> frozenset[str]:
    """The words of a place name that say which place it is ("Théâtre des Capucins" -> capucins)."""
    return frozenset(name_key(name).split()) - _GENERIC


def locality_group(name: str) -> str | None:
    """One id for all spellings of a known locality, its quarters folded into the city.

    "Lëtzebuerg", "Luxemburg" and "Kirchberg" all give ``luxembourg``;
    unknown localities give their folded form, empty ones ``None``.
    """
    folded = key(name)
    if not folded:
        return None
    return _locality_groups().get(folded, folded)


@cache
def _gazetteer_data() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        resources.files("pluriel.aggregator").joinpath("data/gazetteer.json").read_text("utf-8")
    )
    return data


@cache
def _locality_groups() -> dict[str, str]:
    raw = _gazetteer_data()
    quarters: dict[str, str] = raw.get("quarters", {})
    groups: dict[str, str] = {}
    for group, variants in raw["localities"].items():
        for variant in variants:
            groups[key(variant)] = quarters.get(group, group)
    return groups


def _postal_digits(code: str | None) -> str | None:
    if not code:
        return None
    digits = "".join(ch for ch in code if ch.isdigit())
    return digits or None


@dataclass(frozen=True, slots=True)
class ParsedLocation:
    name: str | None = None
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    country: str | None = None


def _is_street(part: str, *, first: bool, has_postal: bool, have_street: bool) -> bool:
    """A street part: later parts with a street word; the first only with a house number."""
    if first:
        return has_postal and _HOUSE_NUMBER.search(part) is not None
    return not have_street and _STREET.search(part) is not None


def parse_location_string(text: str) -> ParsedLocation:
    """Split a one-line location into name, street, postal code, locality and country.

    The first part is the name unless it looks like a street; a part with a
    postal code gives the locality; a trailing country name gives the
    country (except "Luxembourg" alone, which is more often the city).
    """
    parts = [p for p in _SEPARATORS.split(text.strip()) if p]
    name: str | None = None
    street: str | None = None
    postal: str | None = None
    locality: str | None = None
    country: str | None = None
    if len(parts) > 1 and key(parts[-1]) in _COUNTRIES:
        tail = _COUNTRIES[key(parts[-1])]
        if not (tail == "LU" and len(parts) == 2):
            country = tail
            parts = parts[:-1]
    rest: list[str] = []
    has_postal = any(_POSTAL.match(p) for p in parts[1:])
    for index, part in enumerate(parts):
        postal_match = _POSTAL.match(part)
        if postal_match is not None and postal is None:
            postal = postal_match.group("code")
            prefix = postal_match.group("prefix")
            if prefix:
                postal = f"{prefix.upper()}-{postal}"
                country = country or _POSTAL_PREFIX_COUNTRY[prefix.upper()]
            locality = postal_match.group("locality") or locality
        elif _is_street(part, first=index == 0, has_postal=has_postal, have_street=bool(street)):
            street = part
        else:
            rest.append(part)
    if rest:
        name = rest[0]
        if locality is None and len(rest) > 1:
            locality = rest[-1]
    return ParsedLocation(name, street, postal, locality, country)


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaceCandidate:
    """A location as a source gave it, reduced to what matching needs."""

    name: I18nText = field(default_factory=I18nText)
    raw: str | None = None
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    country: str | None = None
    lat: float | None = None
    lon: float | None = None

    @classmethod
    def from_location(cls, location: Location) -> PlaceCandidate:
        """Fill what the structured fields lack from the raw string, when there is one."""
        parsed = parse_location_string(location.raw) if location.raw else ParsedLocation()
        name = location.name
        if not name and parsed.name:
            name = I18nText.single(parsed.name)
        return cls(
            name=name,
            raw=location.raw,
            street=location.street or parsed.street,
            postal_code=location.postal_code or parsed.postal_code,
            locality=location.locality or parsed.locality,
            country=(location.country or parsed.country or "").upper() or None,
            lat=location.lat,
            lon=location.lon,
        )


@dataclass(frozen=True, slots=True, kw_only=True)
class KnownPlace:
    """A place of the gazetteer, with its comparison keys computed once."""

    id: str
    names: tuple[str, ...]
    lang: str = "und"
    street: str | None = None
    postal_code: str | None = None
    locality: str | None = None
    locality_variants: tuple[str, ...] = ()
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    name_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    distinctive: tuple[frozenset[str], ...] = field(init=False, repr=False, compare=False)
    locality_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    postal: str | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        localities = frozenset(
            k for k in (key(v) for v in (self.locality or "", *self.locality_variants)) if k
        )
        local_words = frozenset(w for k in localities for w in k.split())
        keys = frozenset(k for k in map(name_key, self.names) if k)
        distinctive = tuple(
            words
            for words in (frozenset(k.split()) - _GENERIC - local_words for k in keys)
            if words
        )
        object.__setattr__(self, "name_keys", keys)
        object.__setattr__(self, "distinctive", distinctive)
        object.__setattr__(self, "locality_keys", localities)
        object.__setattr__(self, "postal", _postal_digits(self.postal_code))

    @property
    def name(self) -> I18nText:
        return I18nText.single(self.names[0], self.lang)


@dataclass(frozen=True, slots=True)
class Match:
    place: KnownPlace
    score: float
    reasons: tuple[str, ...]
    distance_m: float | None = None


@dataclass(frozen=True, slots=True)
class _Probe:
    """The candidate's keys, computed once per match call rather than once per known place."""

    keys: frozenset[str]
    words: frozenset[str]
    locality: str | None
    text_words: frozenset[str]
    postal: str | None
    country: str | None
    lat: float | None
    lon: float | None


def _probe(candidate: PlaceCandidate) -> _Probe:
    names = [text for _, text in candidate.name]
    if not names and candidate.raw:
        parsed = parse_location_string(candidate.raw)
        names = [parsed.name] if parsed.name else []
    keys = frozenset(k for k in map(name_key, names) if k)
    everything = " ".join([*names, candidate.raw or "", candidate.locality or ""])
    text_words = frozenset(key(everything).split())
    return _Probe(
        keys=keys,
        words=frozenset(w for k in keys for w in k.split())
        | frozenset(name_key(candidate.raw or "").split()),
        locality=key(candidate.locality) or None if candidate.locality else None,
        text_words=text_words,
        postal=_postal_digits(candidate.postal_code),
        country=candidate.country.upper() if candidate.country else None,
        lat=candidate.lat,
        lon=candidate.lon,
    )


def _locality_in_text(place: KnownPlace, words: frozenset[str]) -> bool:
    return any(set(k.split()) <= words for k in place.locality_keys)


def _score(probe: _Probe, place: KnownPlace, known_localities: frozenset[str]) -> Match | None:
    if probe.country and place.country and probe.country != place.country:
        return None
    distance: float | None = None
    if None not in (probe.lat, probe.lon, place.lat, place.lon):
        distance = haversine_m(probe.lat, probe.lon, place.lat, place.lon)  # type: ignore[arg-type]
        if distance > FAR_M:
            return None
    exact = bool(probe.keys & place.name_keys)
    words = not exact and any(d <= probe.words for d in place.distinctive)
    if not (exact or words):
        return None
    reasons: list[str] = ["name" if exact else "name-words"]
    located = False
    if probe.locality is not None:
        if probe.locality in place.locality_keys or _locality_in_text(place, probe.text_words):
            located = True
            reasons.append("locality")
        elif probe.locality in known_localities:
            return None
    elif _locality_in_text(place, probe.text_words):
        located = True
        reasons.append("locality")
    if probe.postal is not None and place.postal is not None:
        if probe.postal == place.postal:
            located = True
            reasons.append("postal-code")
        elif distance is None and not located:
            return None
    if distance is not None and distance <= NEAR_M:
        located = True
        reasons.append(f"distance {round(distance)} m")
    distinctive = any(d & probe.words for d in place.distinctive) if exact else True
    if not exact:
        score = 0.9 if located else 0.6
    elif located:
        score = 1.0
    else:
        score = 0.8 if distinctive else 0.4
    return Match(place, score, tuple(reasons), distance)


def _best(matches: Iterable[Match]) -> Match | None:
    ranked = sorted(
        (m for m in matches if m.score >= MATCH_SCORE),
        key=lambda m: (-m.score, m.distance_m if m.distance_m is not None else math.inf),
    )
    if not ranked:
        return None
    if len(ranked) > 1 and ranked[0].score == ranked[1].score:
        first, second = ranked[0].distance_m, ranked[1].distance_m
        if first is None or second is None or first == second:
            return None  # two equally good places: leave it to a person
    return ranked[0]


def _all_localities(known: Iterable[KnownPlace]) -> frozenset[str]:
    return frozenset(k for place in known for k in place.locality_keys)


def match_place(candidate: PlaceCandidate, known: Sequence[KnownPlace]) -> Match | None:
    """The known place ``candidate`` designates, or ``None`` when unsure or ambiguous."""
    probe = _probe(candidate)
    if not probe.keys:
        return None
    localities = _all_localities(known)
    return _best(m for p in known if (m := _score(probe, p, localities)) is not None)


class Gazetteer:
    """Known places indexed by name word, for matching at ingest scale."""

    def __init__(self, places: Iterable[KnownPlace]) -> None:
        self.places: tuple[KnownPlace, ...] = tuple(places)
        self._localities = _all_localities(self.places)
        by_word: dict[str, list[KnownPlace]] = {}
        for place in self.places:
            for word in {w for k in place.name_keys for w in k.split()}:
                by_word.setdefault(word, []).append(place)
        self._by_word: Mapping[str, tuple[KnownPlace, ...]] = {
            w: tuple(ps) for w, ps in by_word.items()
        }

    def match(self, candidate: PlaceCandidate) -> Match | None:
        probe = _probe(candidate)
        if not probe.keys:
            return None
        pool = {id(p): p for w in probe.words for p in self._by_word.get(w, ())}
        return _best(
            m for p in pool.values() if (m := _score(probe, p, self._localities)) is not None
        )


@cache
def load_gazetteer() -> Gazetteer:
    """The seed gazetteer shipped with the package."""
    raw = _gazetteer_data()
    localities: dict[str, list[str]] = raw["localities"]
    quarters: dict[str, str] = raw.get("quarters", {})
    places = []
    for item in raw["places"]:
        group = str(item["locality"])
        variants = [*localities[group], *localities.get(quarters.get(group, ""), [])]
        places.append(
            KnownPlace(
                id=str(item["id"]),
                names=tuple(item["names"]),
                lang=str(item.get("lang", "und")),
                street=item.get("street"),
                postal_code=item.get("postal_code"),
                locality=variants[0],
                locality_variants=tuple(variants[1:]),
                country=item.get("country"),
                lat=item.get("lat"),
                lon=item.get("lon"),
            )
        )
    return Gazetteer(places)
