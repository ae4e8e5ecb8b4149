"""Deterministic Greater Region test data: institutions, places and iCalendar feeds.

Everything comes from one seeded ``random.Random`` and a base day, so two runs
with the same ``--seed`` and day produce the same bytes. The places reuse the
demo's invented venues and add more around real towns of the four countries;
every event carries a serial number in its titles so that the cross-source
duplicate finder never joins two generated events (the benchmark measures
ingest, not dedup).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pluriel.demo.catalog import INSTITUTIONS, PLACES

__all__ = ["Feed", "Institution", "Place", "build_feeds", "places"]

TOWNS: tuple[tuple[str, str, str, float, float, str], ...] = (
    # locality, postal code, country, lat, lon, main language
    ("Luxembourg", "L-1111", "LU", 49.6116, 6.1319, "lb"),
    ("Esch-sur-Alzette", "L-4001", "LU", 49.4958, 5.9806, "lb"),
    ("Differdange", "L-4501", "LU", 49.5242, 5.8914, "lb"),
    ("Ettelbruck", "L-9001", "LU", 49.8475, 6.1042, "lb"),
    ("Diekirch", "L-9201", "LU", 49.8686, 6.1597, "lb"),
    ("Wiltz", "L-9501", "LU", 49.9658, 5.9322, "lb"),
    ("Metz", "57000", "FR", 49.1193, 6.1757, "fr"),
    ("Thionville", "57100", "FR", 49.3579, 6.1684, "fr"),
    ("Nancy", "54000", "FR", 48.6921, 6.1844, "fr"),
    ("Longwy", "54400", "FR", 49.5197, 5.7614, "fr"),
    ("Forbach", "57600", "FR", 49.1880, 6.8960, "fr"),
    ("Saarbrücken", "66111", "DE", 49.2402, 6.9969, "de"),
    ("Trier", "54290", "DE", 49.7499, 6.6371, "de"),
    ("Saarlouis", "66740", "DE", 49.3133, 6.7516, "de"),
    ("Kaiserslautern", "67655", "DE", 49.4447, 7.7690, "de"),
    ("Bitburg", "54634", "DE", 49.9747, 6.5256, "de"),
    ("Arlon", "6700", "BE", 49.6833, 5.8167, "fr"),
    ("Namur", "5000", "BE", 50.4674, 4.8720, "fr"),
    ("Liège", "4000", "BE", 50.6326, 5.5797, "fr"),
    ("Eupen", "4700", "BE", 50.6285, 6.0360, "de"),
    ("Bastogne", "6600", "BE", 50.0036, 5.7197, "fr"),
    ("Sankt Vith", "4780", "BE", 50.2833, 6.1278, "de"),
)
ZONES = {
    "LU": "Europe/Luxembourg",
    "FR": "Europe/Paris",
    "DE": "Europe/Berlin",
    "BE": "Europe/Brussels",
}
VENUE_KINDS = {
    "fr": ("Salle", "Théâtre", "Centre culturel", "Espace", "Galerie", "Maison des arts"),
    "de": ("Halle", "Theater", "Kulturzentrum", "Galerie", "Kunsthaus", "Bürgerhaus"),
    "lb": ("Kulturhaus", "Sall", "Centre culturel", "Galerie", "Tramschapp", "Schlass"),
}
SURNAMES = (
    "Moreau", "Weber", "Schmit", "Muller", "Lambert", "Hoffmann", "Dupont", "Wagner",
    "Kieffer", "Becker", "Peeters", "Janssens", "Reuter", "Thill", "Fischer", "Laurent",
    "Meyer", "Schneider", "Simon", "Kremer", "Dubois", "Klein", "Maes", "Hansen",
)  # fmt: skip
# (category word in the source's vocabulary, {lang: title stem})
GENRES: tuple[tuple[str, dict[str, str]], ...] = (
    (
        "Concert",
        {"fr": "Concert", "de": "Konzert", "lb": "Concert", "en": "Concert", "nl": "Concert"},
    ),
    (
        "Jazz",
        {
            "fr": "Soirée jazz",
            "de": "Jazzabend",
            "lb": "Jazzowend",
            "en": "Jazz night",
            "nl": "Jazzavond",
        },
    ),
    (
        "Théâtre",
        {
            "fr": "Pièce",
            "de": "Theaterstück",
            "lb": "Theaterstéck",
            "en": "Play",
            "nl": "Toneelstuk",
        },
    ),
    (
        "Danse",
        {
            "fr": "Spectacle de danse",
            "de": "Tanzabend",
            "lb": "Danzowend",
            "en": "Dance show",
            "nl": "Dansvoorstelling",
        },
    ),
    (
        "Exposition",
        {
            "fr": "Exposition",
            "de": "Ausstellung",
            "lb": "Ausstellung",
            "en": "Exhibition",
            "nl": "Tentoonstelling",
        },
    ),
    ("Lesung", {"fr": "Lecture", "de": "Lesung", "lb": "Liesung", "en": "Reading", "nl": "Lezing"}),
    (
        "Film",
        {
            "fr": "Projection",
            "de": "Filmvorführung",
            "lb": "Filmowend",
            "en": "Screening",
            "nl": "Filmvertoning",
        },
    ),
    (
        "Atelier",
        {"fr": "Atelier", "de": "Workshop", "lb": "Atelier", "en": "Workshop", "nl": "Workshop"},
    ),
    (
        "Jeune public",
        {
            "fr": "Spectacle jeune public",
            "de": "Kindertheater",
            "lb": "Kannertheater",
            "en": "Family show",
            "nl": "Familievoorstelling",
        },
    ),
    (
        "Festival",
        {"fr": "Festival", "de": "Festival", "lb": "Festival", "en": "Festival", "nl": "Festival"},
    ),
)
WORDS = {
    "fr": "une soirée exceptionnelle avec des artistes de la région autour de la musique"
    " du théâtre et de la poésie pour petits et grands dans une ambiance chaleureuse"
    " entrée libre réservation conseillée places limitées bar ouvert après le spectacle",
    "de": "ein außergewöhnlicher Abend mit Künstlerinnen und Künstlern aus der Region rund"
    " um Musik Theater und Poesie für Groß und Klein in gemütlicher Atmosphäre Eintritt"
    " frei Reservierung empfohlen begrenzte Plätze Bar nach der Vorstellung geöffnet",
    "lb": "en aussergewéinlechen Owend mat Artisten aus der Regioun ronderëm Musek Theater"
    " a Poesie fir Grouss a Kleng an enger gemittlecher Atmosphär Entrée gratis"
    " Reservatioun recommandéiert Bar no der Virstellung op",
    "en": "an exceptional evening with artists from the region around music theatre and"
    " poetry for young and old in a warm atmosphere free entry booking advised limited"
    " seats bar open after the show",
    "nl": "een uitzonderlijke avond met kunstenaars uit de regio rond muziek theater en"
    " poëzie voor jong en oud in een warme sfeer gratis toegang reservatie aanbevolen"
    " beperkte plaatsen bar open na de voorstelling",
}
LANG_SETS = {
    "LU": (("lb", "fr", "de"), ("fr", "de"), ("fr", "en"), ("de", "fr", "en", "lb")),
    "FR": (("fr",), ("fr", "de"), ("fr", "en")),
    "DE": (("de",), ("de", "fr"), ("de", "en")),
    "BE": (("fr",), ("fr", "nl"), ("de", "fr"), ("nl", "fr", "en")),
}


@dataclass(frozen=True, slots=True)
class Place:
    name: str
    street: str
    postal_code: str
    locality: str
    country: str
    lat: float
    lon: float
    lang: str


@dataclass(frozen=True, slots=True)
class Institution:
    slug: str
    name: str
    country: str
    website: str


@dataclass(frozen=True, slots=True)
class Feed:
    """One iCalendar source: its institution, declared language and zone, and its bytes."""

    index: int
    institution: Institution
    lang: str
    timezone: str
    body: bytes
    events: int


def places(rng: random.Random, count: int = 400) -> list[Place]:
    """The demo's venues, then invented ones jittered around the towns."""
    out = [
        Place(
            p.name,
            p.street,
            p.postal_code,
            p.locality,
            p.country,
            p.lat,
            p.lon,
            "de" if p.country == "DE" else "fr",
        )
        for p in PLACES.values()
    ]
    while len(out) < count:
        locality, postal, country, lat, lon, lang = rng.choice(TOWNS)
        kinds = VENUE_KINDS[lang]
        name = f"{rng.choice(kinds)} {rng.choice(SURNAMES)} {len(out)}"
        way = {"fr": "rue", "lb": "Strooss"}.get(lang, "Straße")
        street = f"{rng.randint(1, 120)} {way} {rng.choice(SURNAMES)}"
        lat = round(lat + rng.uniform(-0.03, 0.03), 5)
        lon = round(lon + rng.uniform(-0.04, 0.04), 5)
        out.append(Place(name, street, postal, locality, country, lat, lon, lang))
    return out


def institutions(rng: random.Random, count: int) -> list[Institution]:
    out = [Institution(i.slug, i.name, i.country, i.website) for i in INSTITUTIONS]
    while len(out) < count:
        locality, _, country, _, _, _ = rng.choice(TOWNS)
        n = len(out)
        slug = f"bench-{n:04d}"
        name = f"Kultur {rng.choice(SURNAMES)} {locality} {n}"
        out.append(Institution(slug, name, country, f"https://{slug}.example/"))
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    current = ""
    size = 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > (75 if not parts else 74):
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _sentence(rng: random.Random, lang: str, words: int) -> str:
    pool = WORDS[lang].split()
    text = " ".join(rng.choice(pool) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _local(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%S")


def _vevent(
    rng: random.Random, serial: int, feed: int, langs: tuple[str, ...], place: Place,
    day0: date, tz: ZoneInfo, website: str, stamp: str,
) -> list[str]:  # fmt: skip
    category, stems = rng.choice(GENRES)
    surname = rng.choice(SURNAMES)
    group = rng.choice(("Quartet", "Ensemble", "Trio", "Collectif", "Kompanie", "Band"))
    artist = f"{surname} {group}"
    start_day = day0 + timedelta(days=rng.randint(0, 179))
    hour = time(rng.choice((10, 14, 15, 18, 19, 20)), rng.choice((0, 30)))
    start = datetime.combine(start_day, hour)
    minutes = rng.choice((60, 90, 120, 150))
    lines = [
        "BEGIN:VEVENT",
        f"UID:bench-{feed}-{serial}@bench.example",
        f"DTSTAMP:{stamp}",
        f"DTSTART;TZID={tz.key}:{_local(start)}",
        f"DTEND;TZID={tz.key}:{_local(start + timedelta(minutes=minutes))}",
    ]
    roll = rng.random()
    if roll < 0.10:
        lines.append(f"RRULE:FREQ=WEEKLY;COUNT={rng.randint(4, 12)}")
    elif roll < 0.15:
        lines.append(f"RRULE:FREQ=MONTHLY;COUNT={rng.randint(3, 6)}")
    several = len(langs) > 1
    for lang in langs:
        param = f";LANGUAGE={lang}" if several else ""
        lines.append(f"SUMMARY{param}:{_escape(f'{stems[lang]} {artist} #{serial}')}")
    for lang in langs:
        param = f";LANGUAGE={lang}" if several else ""
        text = " ".join(_sentence(rng, lang, rng.randint(8, 20)) for _ in range(rng.randint(1, 3)))
        lines.append(f"DESCRIPTION{param}:{_escape(text)}")
    address = f"{place.name}, {place.street}, {place.postal_code} {place.locality}"
    lines.append(f"LOCATION:{_escape(address)}")
    lines.append(f"GEO:{place.lat:.5f};{place.lon:.5f}")
    lines.append(f"CATEGORIES:{_escape(category)}")
    lines.append("STATUS:CONFIRMED" if rng.random() > 0.02 else "STATUS:CANCELLED")
    lines.append(f"URL:{website}agenda/{serial}")
    price = rng.random()
    if price < 0.25:
        lines.append("X-PRICE:Entrée libre")
    elif price < 0.85:
        full = rng.choice((8, 10, 12, 15, 18, 22, 25, 35))
        lines.append(f"X-PRICE:{full} € / {full // 2} € réduit")
    lines.append("END:VEVENT")
    return lines


def build_feeds(
    *, events: int, sources: int, seed: int, day0: date, stamp: datetime
) -> tuple[list[Feed], list[Place]]:
    """``sources`` calendars holding ``events`` events between them, from ``day0`` on."""
    rng = random.Random(seed)
    venues = places(rng)
    owners = institutions(rng, max(len(INSTITUTIONS), sources // 2))
    feeds: list[Feed] = []
    serial = 0
    stamp_text = stamp.strftime("%Y%m%dT%H%M%SZ")
    for index in range(sources):
        owner = owners[index % len(owners)]
        count = events // sources + (1 if index < events % sources else 0)
        tzname = ZONES[owner.country]
        tz = ZoneInfo(tzname)
        langs = rng.choice(LANG_SETS[owner.country])
        local_venues = [v for v in venues if v.country == owner.country] or venues
        home = rng.sample(local_venues, k=min(6, len(local_venues)))
        lines = [
            "BEGIN:VCALENDAR",
            "VERSION:2.0",
            f"PRODID:-//{owner.name}//bench//EN",
            f"X-WR-CALNAME:{_escape(owner.name)}",
            f"X-WR-TIMEZONE:{tzname}",
        ]
        for _ in range(count):
            serial += 1
            venue = rng.choice(home)
            lines += _vevent(rng, serial, index, langs, venue, day0, tz, owner.website, stamp_text)
        lines.append("END:VCALENDAR")
        body = ("\r\n".join(_fold(line) for line in lines) + "\r\n").encode("utf-8")
        feeds.append(Feed(index, owner, langs[0], tzname, body, count))
    return feeds, venues
