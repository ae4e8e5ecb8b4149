"""Are two events from two sources the same event? And which events form one cluster?

The same concert arrives from the venue (French), a festival (German) and a
tourism site (English). Three conditions must hold together:

- **the same place**: the same gazetteer id, coordinates within
  :data:`NEAR_M`, or the same distinctive place name in the same locality.
  Places that are clearly different (far apart, other town, other id) end
  the comparison; a place nobody can tell about asks for stronger titles.
- **the same start**: within :data:`START_TOLERANCE`; an all-day entry
  matches any start on its date.
- **the same show**: titles compared after folding and after dropping the
  words every title has ("Konzert", "en concert", "live", "Führung",
  articles in five languages), so that what remains is mostly proper names:
  performers, works, exhibition names. Typos and compounds
  ("Mozartkonzert") still match. Titles naming different kinds of event
  ("Führung" against "Workshop") never match. Words shared only in a
  common head ("Rock um Knuedler: …", "Rising Stars – …") do not count
  when both titles go on to name something else. An identical event page
  is strong evidence on its own; an identical image needs one shared title
  word too, because venues reuse a default picture.

Two events of one source are never merged here: a source that lists a show
twice means two shows. Features are computed once per candidate, so a pair
costs a few set operations.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from pluriel.aggregator.places import (
    NEAR_M,
    PlaceCandidate,
    distinctive_words,
    haversine_m,
    load_gazetteer,
    locality_group,
)
from pluriel.model import I18nText, fold

__all__ = [
    "FAR_M",
    "NEAR_M",
    "START_TOLERANCE",
    "Candidate",
    "Decision",
    "cluster",
    "same_event",
]

#: Two timed starts this far apart can still be one event (feeds round and shift times).
START_TOLERANCE = timedelta(minutes=30)
#: Coordinates this far apart are two places, whatever the names say.
FAR_M = 1000.0

# Room for an all-day date to reach every start of that date in any of the region's zones.
_ALL_DAY_WINDOW = timedelta(hours=26)
_WORD = re.compile(r"[^\W_]+")


def _wordset(text: str) -> frozenset[str]:
    return frozenset(text.split())


# "Festival: Act", "Series – Title": the head names a series that many events share.
_SEGMENTS = re.compile(r"\s*(?::|\s[–—-]\s|\|)\s*")

# Folded words that say what kind of event it is, grouped by kind across the five languages.
_KINDS: dict[str, str] = {
    "concert": (
        "concert concerts konzert konzerte concerten recital recitals rezital liederabend"
        " klavierabend gig optreden"
    ),
    "tour": (
        "visite visites guidee guidees commentee fuhrung fuhrungen feierung feierungen tour tours"
        " guided rondleiding rondleidingen stadtfuhrung rundgang balade wandeling"
    ),
    "workshop": (
        "atelier ateliers workshop workshops kurs cours course masterclass stage cursus"
        " bastelatelier werkstatt"
    ),
    "exhibition": (
        "exposition expo exhibition ausstellung ausstellungen tentoonstelling expositioun"
    ),
    "opening": "vernissage finissage opening eroffnung ouverture",
    "reading": ("lecture lesung liesung reading voorlezing lecture-spectacle lectures lesungen"),
    "film": (
        "film films projection screening kino cinema filmvorfuhrung filmvertoning cine"
        " cineclub documentaire documentary dokumentarfilm"
    ),
    "talk": (
        "conference talk vortrag virtrag lezing debat debate diskussion diskussioun gesprach"
        " gesprek table ronde podiumsdiskussion rencontre"
    ),
    "show": (
        "spectacle spectacles show shows vorstellung auffuhrung voorstelling virstellung"
        " performance"
    ),
    "children": (
        "enfants kinder kanner kids children kinderen famille family familie famill jeune"
        " public jonk kannerfuerstellung"
    ),
}
_KIND_OF = {word: kind for kind, words in _KINDS.items() for word in words.split()}
# Kinds one event is often called by both: a concert is a show, a reading is a talk.
_FAMILY = {"concert": "stage", "show": "stage", "reading": "spoken", "talk": "spoken"}
# Language names, folded, in the five languages: "en français" = "in French" = "auf Französisch".
_SAME_WORD = {
    word: f"lang-{code}"
    for code, words in {
        "fr": "francais french franzosisch franseisch frans franstalig",
        "de": "allemand german deutsch deutsche duits duitstalig daitsch",
        "lb": "luxembourgeois luxembourgish luxemburgisch letzebuergesch luxemburgs",
        "en": "anglais english englisch englesch engels engelstalig",
        "nl": "neerlandais dutch niederlandisch hollannesch nederlands",
    }.items()
    for word in words.split()
}
# Compound heads that name a kind: "Kinderlesung", "Weihnachtskonzert", "Fotoausstellung".
_KIND_SUFFIXES = tuple(sorted((w for w in _KIND_OF if len(w) >= 4), key=len, reverse=True))

# Folded words that identify nothing: articles, prepositions, generic event words, genres.
_STOP = _wordset(
    """
    a à al als am an and at au aux avec bei by ce cette d da dans de del den der des di die
    dem das du e een ein eine einem einer eng ee en et featuring feat ft fir für fur for from
    het i il im in l la le les mat met mit of on op ou par pour sur the to um un und une van
    vum vun with zu zum zur y s
    live show spectacle spektakel virstellung vorstellung voorstelling performance premiere
    theatre theater theaterstuck theaterstuck stuck piece schauspill toneel
    soiree abend owend evening night nuit nacht avond
    edition ausgabe editie festival fest feest
    presente presentent presents prasentiert prasentieren stelt voor
    nouveau nouvelle new neu nieuw special speciale spezial
    musique musik music muziek musek
    jazz rock pop blues folk electro classique klassik classical klassiek klassesch world
    danse dance tanz dans danz opera oper ballet ballett
    orchestre orchestra orchester orkest ensemble band trio quartet quartett quatuor
    kwartet quintet quintett choir chor chorale koor
    programme programm program programma
    symphonie symphony sinfonie symfonie no nr op
    scene buhne stage podium
    auf aus von vom nach ab bis ans jahre jahren joer years jaar ages age ans des dès
    plus mais aber but maar awer och auch also ook aussi chez bij beim

    tickets ticket billets complet ausverkauft uitverkocht sold out
    rencontre avec durch through door autour around um uber about sur over
    gratuit free gratis kostenlos
    dimanche samedi vendredi sonntag samstag freitag sunday saturday friday zondag zaterdag
    """
) | frozenset(_KIND_OF)

# Localities and regions carry no identity inside a title ("Luxembourg Jazz Festival").
_PLACE_WORDS = _wordset(
    """
    luxembourg letzebuerg luxemburg metz trier saarbrucken esch alzette belval nancy arlon
    namur eupen liege kirchberg grund bonnevoie echternach ettelbruck mersch dudelange
    grande region grossregion groussregioun saar saarland lorraine lothringen wallonie
    """
)


def _edit_distance_at_most_one(a: str, b: str) -> bool:
    if a == b:
        return True
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    if len(a) == len(b):
        return a[i + 1 :] == b[i + 1 :]
    return a[i:] == b[i + 1 :]


def _words_match(a: str, b: str) -> bool:
    """Equal, a typo in a long word, or a compound or inflection ("mozartkonzert", "beethovens")."""
    if a == b:
        return True
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= 4 and (long_.startswith(short) or long_.endswith(short)):
        return True
    if len(short) < 5:
        return False
    prefix = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), len(short))
    return prefix >= 0.8 * len(short) or _edit_distance_at_most_one(a, b)


def _norm_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = parts.netloc.lower().removeprefix("www.")
    if not host:
        return None
    path = parts.path.rstrip("/")
    return f"{host}{path}" + (f"?{parts.query}" if parts.query and not path else "")


@dataclass(frozen=True, slots=True, kw_only=True)
class Candidate:
    """What deduplication looks at in one source's event."""

    source_id: str
    external_id: str
    titles: I18nText
    start: datetime
    all_day: bool = False
    place_id: str | None = None
    place_name: str | None = None
    locality: str | None = None
    lat: float | None = None
    lon: float | None = None
    url: str | None = None
    image_urls: tuple[str, ...] = ()
    performers: tuple[str, ...] = ()
    words: frozenset[str] = field(init=False, repr=False, compare=False)
    head: frozenset[str] = field(init=False, repr=False, compare=False)
    tail: frozenset[str] = field(init=False, repr=False, compare=False)
    title_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    kinds: frozenset[str] = field(init=False, repr=False, compare=False)
    performer_keys: frozenset[str] = field(init=False, repr=False, compare=False)
    known_place: str | None = field(init=False, repr=False, compare=False)
    place_words: frozenset[str] = field(init=False, repr=False, compare=False)
    locality_key: str | None = field(init=False, repr=False, compare=False)
    url_key: str | None = field(init=False, repr=False, compare=False)
    image_keys: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        known = _known_place(self.place_name, self.locality, self.lat, self.lon)
        venue = (distinctive_words(self.place_name) if self.place_name else frozenset()) | (
            known[1] if known else frozenset()
        )
        words: set[str] = set()
        head: set[str] = set()
        tail: set[str] = set()
        kinds: set[str] = set()
        title_keys: set[str] = set()
        for _, text in self.titles:
            folded = fold(text)
            segments = [_content(seg, venue, kinds) for seg in _SEGMENTS.split(folded)]
            for segment in segments:
                words |= segment
            if len(segments) > 1:
                head |= segments[0]
                for segment in segments[1:]:
                    tail |= segment
            else:
                tail |= segments[0]
            title_key = " ".join(w for w in _WORD.findall(folded) if not w.isdigit())
            if len(title_key) >= 8:
                title_keys.add(title_key)
        performer_keys = frozenset(" ".join(_WORD.findall(fold(p))) for p in self.performers)
        object.__setattr__(self, "words", frozenset(words))
        object.__setattr__(self, "head", frozenset(head))
        object.__setattr__(self, "tail", frozenset(tail))
        object.__setattr__(self, "title_keys", frozenset(title_keys))
        object.__setattr__(self, "kinds", frozenset(kinds))
        object.__setattr__(self, "performer_keys", frozenset(k for k in performer_keys if k))
        object.__setattr__(self, "known_place", known[0] if known else None)
        object.__setattr__(self, "place_words", venue)
        object.__setattr__(self, "locality_key", locality_group(self.locality or ""))
        object.__setattr__(self, "url_key", _norm_url(self.url))
        object.__setattr__(
            self, "image_keys", frozenset(k for k in map(_norm_url, self.image_urls) if k)
        )


def _content(folded: str, venue: frozenset[str], kinds: set[str]) -> frozenset[str]:
    """The identifying words of a folded title segment; its kind words go into ``kinds``."""
    found: set[str] = set()
    for word in _WORD.findall(folded):
        word = _SAME_WORD.get(word, word)
        kind = _KIND_OF.get(word)
        if kind is not None:
            kinds.add(kind)
            continue
        suffix = next(
            (k for k in _KIND_SUFFIXES if word.endswith(k) and len(word) > len(k) + 3), None
        )
        if suffix is not None:
            kinds.add(_KIND_OF[suffix])
        identifying = len(word) > 1 and not word.isdigit() and word not in _STOP
        if identifying and word not in _PLACE_WORDS and word not in venue:
            found.add(word)
    return frozenset(found)


@lru_cache(maxsize=65_536)
def _known_place(
    name: str | None, locality: str | None, lat: float | None, lon: float | None
) -> tuple[str, frozenset[str]] | None:
    """The seed gazetteer's id for a venue, and the words of all its names.

    Sources write one venue many ways ("Groussen Theater", "Grand Théâtre de
    Luxembourg"); the gazetteer knows they are one. Venues repeat, so the
    answer is cached.
    """
    if not name:
        return None
    found = load_gazetteer().match(
        PlaceCandidate(name=I18nText.single(name), locality=locality, lat=lat, lon=lon)
    )
    if found is None:
        return None
    words = frozenset(w for n in found.place.names for w in distinctive_words(n))
    return found.place.id, words


@dataclass(frozen=True, slots=True)
class Decision:
    same: bool
    score: float
    reasons: tuple[str, ...]


def _place(a: Candidate, b: Candidate) -> tuple[str, str]:
    """``same``, ``different`` or ``unknown``, with the reason."""
    distance: float | None = None
    if None not in (a.lat, a.lon, b.lat, b.lon):
        distance = haversine_m(a.lat, a.lon, b.lat, b.lon)  # type: ignore[arg-type]
    if a.place_id is not None and a.place_id == b.place_id:
        return "same", "same place"
    if a.known_place is not None and b.known_place is not None:
        if a.known_place == b.known_place:
            return "same", "same known place"
        return "different", "different known places"
    if distance is not None and distance <= NEAR_M:
        return "same", f"places {round(distance)} m apart"
    if distance is not None and distance > FAR_M:
        return "different", f"places {round(distance)} m apart"
    if a.locality_key and b.locality_key and a.locality_key != b.locality_key:
        return "different", "different localities"
    if a.place_words and b.place_words and _overlap(a.place_words, b.place_words):
        return "same", "same place name"
    if distance is not None:
        # Both sources placed it, a few hundred metres apart, under other names: two venues.
        return "different", f"places {round(distance)} m apart"
    if a.place_id is not None and b.place_id is not None:
        return "different", "different places"
    return "unknown", "place unknown"


def _overlap(a: frozenset[str], b: frozenset[str]) -> bool:
    return any(_words_match(x, y) for x in a for y in b)


def _start(a: Candidate, b: Candidate) -> tuple[bool, str]:
    if a.all_day or b.all_day:
        day, other = (a, b) if a.all_day else (b, a)
        date = day.start.date()
        other_date = other.start.astimezone(day.start.tzinfo).date()
        return other_date == date, "same day" if other_date == date else "other day"
    delta = abs(a.start - b.start)
    minutes = round(delta.total_seconds() / 60)
    return delta <= START_TOLERANCE, f"starts {minutes} min apart"


def _matched(small: frozenset[str], large: frozenset[str]) -> int:
    return sum(1 for w in small if any(_words_match(w, o) for o in large))


@dataclass(frozen=True, slots=True)
class _Titles:
    similarity: float  # shared words over all words (Jaccard, typo-tolerant)
    shared: int  # words shared outside a head both titles have ("Festival X: …")
    contained: bool  # every word of the shorter title is in the longer one


def _titles(a: Candidate, b: Candidate) -> _Titles:
    venue = a.place_words | b.place_words
    a_words, b_words = a.words - venue, b.words - venue
    small, large = (a_words, b_words) if len(a_words) <= len(b_words) else (b_words, a_words)
    if not small:
        return _Titles(0.0, 0, False)
    shared_words = [w for w in small if any(_words_match(w, o) for o in large)]
    discounted = 0
    if a.tail - venue and b.tail - venue:
        discounted = sum(
            1
            for w in shared_words
            if any(_words_match(w, h) for h in a.head) and any(_words_match(w, h) for h in b.head)
        )
    union = len(small) + len(large) - len(shared_words)
    return _Titles(
        len(shared_words) / union,
        len(shared_words) - discounted,
        len(shared_words) == len(small),
    )


def _families(kinds: frozenset[str]) -> set[str]:
    return {_FAMILY.get(k, k) for k in kinds}


def _narrower(day: Candidate, timed: Candidate) -> bool:
    """Whether a timed event is part of an all-day one (a tour of an exhibition, a festival act)."""
    if timed.kinds - day.kinds:
        return True
    return _matched(timed.words, day.words) < len(timed.words)


def _performers(a: Candidate, b: Candidate) -> bool:
    if a.performer_keys & b.performer_keys:
        return True
    # A performer of one side named in the other's title.
    for one, other in ((a, b), (b, a)):
        for performer in one.performer_keys:
            words = [w for w in performer.split() if len(w) > 2 and w not in _STOP]
            if words and all(any(_words_match(w, o) for o in other.words) for w in words):
                return True
    return False


def same_event(a: Candidate, b: Candidate) -> Decision:
    """Whether ``a`` and ``b`` (from two sources) describe one event, with the evidence."""
    if a.source_id == b.source_id:
        return Decision(False, 0.0, ("same source",))
    in_time, time_reason = _start(a, b)
    if not in_time:
        return Decision(False, 0.0, (time_reason,))
    place, place_reason = _place(a, b)
    if place == "different":
        return Decision(False, 0.0, (place_reason,))
    reasons = [place_reason, time_reason]
    if a.url_key is not None and a.url_key == b.url_key:
        return Decision(True, 1.0, (*reasons, "same page"))
    titles = _titles(a, b)
    if a.image_keys & b.image_keys and titles.shared:
        return Decision(True, 1.0, (*reasons, "same image"))
    if a.kinds and b.kinds and not (_families(a.kinds) & _families(b.kinds)):
        return Decision(False, 0.0, (*reasons, "different kinds of event"))
    if a.all_day != b.all_day and _narrower(*((a, b) if a.all_day else (b, a))):
        return Decision(False, 0.0, (*reasons, "part of an all-day event"))
    performers = _performers(a, b)
    if performers:
        reasons.append("same performer")
    if titles.shared:
        reasons.append(f"{titles.shared} shared title words")
    score = 0.5 + titles.similarity / 2
    if place == "same":
        if performers or titles.shared or a.title_keys & b.title_keys:
            return Decision(True, score, tuple(reasons))
        exact_time = a.all_day == b.all_day and abs(a.start - b.start) <= timedelta(minutes=5)
        if not a.words and not b.words and a.kinds and a.kinds == b.kinds and exact_time:
            return Decision(True, 0.6, (*reasons, "same generic title"))
        return Decision(False, titles.similarity / 2, tuple(reasons))
    same_town = a.locality_key is not None and a.locality_key == b.locality_key
    gap = timedelta(minutes=30 if same_town else 15)
    close = a.all_day == b.all_day and abs(a.start - b.start) <= gap
    strong_title = bool(a.title_keys & b.title_keys) or (
        titles.shared >= 2 and (titles.contained or titles.similarity >= 0.6)
    )
    # Every identifying word of one title in the other, in the same town at the same time.
    whole = same_town and titles.contained and titles.shared and titles.similarity >= 0.5
    if close and (strong_title or whole or (performers and titles.shared)):
        return Decision(True, score - 0.1, tuple(reasons))
    return Decision(False, titles.similarity / 3, tuple(reasons))


def cluster(candidates: Sequence[Candidate]) -> list[list[Candidate]]:
    """Group candidates that describe one event; no group holds two events of one source.

    Candidates are compared only with those starting within the tolerance
    (a sorted sweep; a day for all-day entries) in a compatible locality, and
    pairs join strongest first so that a weak link never blocks a strong one.
    """
    order = sorted(range(len(candidates)), key=lambda i: candidates[i].start)
    pairs: list[tuple[float, int, int]] = []
    for pos, i in enumerate(order):
        a = candidates[i]
        # An all-day entry starts at its local midnight, before every timed start of its date.
        window = _ALL_DAY_WINDOW if a.all_day else START_TOLERANCE
        for j in order[pos + 1 :]:
            b = candidates[j]
            if b.start - a.start > window:
                break
            if a.source_id == b.source_id or (
                a.locality_key and b.locality_key and a.locality_key != b.locality_key
            ):
                continue
            decision = same_event(a, b)
            if decision.same:
                pairs.append((decision.score, i, j))
    parent = list(range(len(candidates)))
    sources: list[set[str]] = [{c.source_id} for c in candidates]

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for _, i, j in sorted(pairs, key=lambda p: -p[0]):
        ri, rj = root(i), root(j)
        if ri == rj or sources[ri] & sources[rj]:
            continue
        parent[rj] = ri
        sources[ri] |= sources[rj]
    groups: dict[int, list[Candidate]] = {}
    for i in range(len(candidates)):
        groups.setdefault(root(i), []).append(candidates[i])
    return list(groups.values())
