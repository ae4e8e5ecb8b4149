"""The demo programme: what each fictional source announces, dated relative to ``today``.

Everything is a pure function of ``today`` (no wall clock; the little
variation there is comes from a generator seeded with the date), so a test
can pin a date and get the same site byte for byte, and the demo never goes
stale: every occurrence falls between ``today - 3 days`` and
``today + 120 days``.

The programme deliberately holds what a real region's agenda holds: the same
concert announced by the venue, a festival and the tourism office in three
languages (:data:`DUPLICATES`), and hard negatives next to them, such as
another show in the same hall on the same evening (:data:`DISTINCT`).

External ids are written here exactly as the readers will report them (the
iCalendar UID, the JSON-LD ``@id``, ``tribe:<id>``, the RPDE id, the
ActivityStreams object id), so that the reference pairs can be checked
against what a crawl really produced.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pluriel.demo.catalog import PLACES, SOURCES, DemoPlace, DemoSource

__all__ = [
    "DISTINCT",
    "DUPLICATES",
    "FIRST_DAY",
    "LAST_DAY",
    "DemoEvent",
    "programme",
]

#: The window every generated occurrence falls in, in days from ``today``.
FIRST_DAY = -3
LAST_DAY = 120

PHIL = "/feeds/philharmonie.ics"
PONT = "/feeds/pont-levis.ics"
KUBA_ICS = "/feeds/kulturbahnhof.ics"
ARLON = "/feeds/arlon.ics"
PORTA = "/stadtmuseum-porta/veranstaltungen/"
EUPEN = "/klangfestival/programm.html"
NAMUR = "/bibliotheque-confluent/wp-json/tribe/events/v1/events"
ESCH = "/rockbuerg/wp-json/tec/v1/events"
VISIT = "/feeds/visit-grande-region.rss"
PFALZ = "/pfalzorchester/openactive/events"
CINE = "/cine-stanislas/@cineclub/outbox"
FABRIQUE = "/sites/fabrique-metz/agenda/"
KUBA_SITE = "/sites/kulturbahnhof-saar/programm.html"

_PORTA_ID = "https://www.stadtmuseum-porta.example/veranstaltung/"
_EUPEN_ID = "https://www.klangfestival-eupen.example/programm#"
_VISIT_ID = "https://www.visit-grande-region.example/en/events/"
_CINE_ID = "https://mobilizon.cine-stanislas.example/events/"


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoEvent:
    """One event as one source announces it.

    ``starts`` are aware local times (the first is the main one); an all-day
    run has ``all_day`` set, starts at local midnight and lasts until
    ``last_day`` inclusive. ``cancelled`` lists starts (of ``starts`` or of
    the weekly series) cancelled on their own, the rest going ahead.
    """

    external_id: str
    slug: str
    title: dict[str, str]  # the source's main language first
    description: dict[str, str]
    category: str  # a free word, in the source's language
    place: DemoPlace
    place_name: str | None = None  # how this source writes the place, when not its usual name
    starts: tuple[datetime, ...]
    duration: timedelta | None = None
    all_day: bool = False
    last_day: date | None = None
    weekly_until: date | None = None  # a weekly series from starts[0] to this date inclusive
    cancelled: tuple[datetime, ...] = ()
    status: str = "scheduled"  # scheduled | cancelled | postponed | rescheduled
    previous_start: datetime | None = None
    sold_out: bool = False
    prices: tuple[Decimal, ...] = ()
    price_text: str | None = None
    free: bool = False
    online_url: str | None = None
    booking_url: str | None = None
    performers: tuple[str, ...] = ()
    image: str | None = None  # a path on the fixture site
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> datetime:
        return self.starts[0]

    @property
    def end(self) -> datetime | None:
        if self.all_day:
            last = self.last_day or self.start.date()
            return datetime.combine(last + timedelta(days=1), time(), self.start.tzinfo)
        return self.start + self.duration if self.duration else None

    @property
    def place_label(self) -> str:
        return self.place_name or self.place.name

    def occurrences(self) -> tuple[datetime, ...]:
        """Every start, the weekly series expanded (in local wall time, so DST-safe)."""
        if self.weekly_until is None:
            return self.starts
        found: list[datetime] = []
        local = self.start.replace(tzinfo=None)
        while local.date() <= self.weekly_until:
            found.append(local.replace(tzinfo=self.start.tzinfo))
            local += timedelta(days=7)
        return tuple(found)


#: Events that different sources publish about the same real-world event: each
#: tuple lists (source path, external id) pairs that must end up merged.
DUPLICATES: list[tuple[tuple[str, str], ...]] = [
    (
        (PHIL, "nardi-trio@philharmonie-plateau.example"),
        (VISIT, _VISIT_ID + "aurelio-nardi-trio#event"),
    ),
    (
        (ARLON, "marlene-vos-2026@maison-culture-arlon.example"),
        (EUPEN, _EUPEN_ID + "marlene-vos"),
        (VISIT, _VISIT_ID + "marlene-vos-arlon#event"),
    ),
    (
        (ESCH, "tribe:731"),
        (VISIT, _VISIT_ID + "velvet-foxes-esch#event"),
    ),
    (
        (PORTA, _PORTA_ID + "licht-ueber-der-mosel#event"),
        (VISIT, _VISIT_ID + "light-over-the-moselle#event"),
    ),
]

#: Hard negatives: same place, same evening (or same performer family), different events.
DISTINCT: list[tuple[tuple[str, str], tuple[str, str]]] = [
    (
        (PHIL, "nardi-trio@philharmonie-plateau.example"),
        (PHIL, "quatuor-ysaline@philharmonie-plateau.example"),
    ),
    (
        (VISIT, _VISIT_ID + "aurelio-nardi-trio#event"),
        (PHIL, "quatuor-ysaline@philharmonie-plateau.example"),
    ),
    ((ESCH, "tribe:731"), (ESCH, "tribe:732")),
    ((VISIT, _VISIT_ID + "velvet-foxes-esch#event"), (ESCH, "tribe:732")),
    ((EUPEN, _EUPEN_ID + "marlene-vos"), (ARLON, "vernissage-vos@maison-culture-arlon.example")),
]


@dataclass(slots=True)
class _Clock:
    today: date

    def at(self, days: int, hour: int, minute: int, tz: str) -> datetime:
        local = datetime.combine(self.today + timedelta(days=days), time(hour, minute))
        return local.replace(tzinfo=ZoneInfo(tz))

    def day(self, days: int, tz: str) -> datetime:
        return self.at(days, 0, 0, tz)

    def date(self, days: int) -> date:
        return self.today + timedelta(days=days)


def _source(path: str) -> DemoSource:
    return next(s for s in SOURCES if s.path == path)


def programme(today: date) -> dict[str, list[DemoEvent]]:
    """Each source path with the events it announces, in the order it lists them."""
    clock = _Clock(today)
    rng = random.Random(today.toordinal())  # noqa: S311 (variety, not secrecy)
    return {
        PHIL: _philharmonie(clock, rng),
        PONT: _pont_levis(clock, rng),
        KUBA_ICS: _kulturbahnhof_ics(clock),
        ARLON: _arlon(clock),
        PORTA: _porta(clock),
        EUPEN: _eupen(clock),
        NAMUR: _namur(clock, rng),
        ESCH: _esch(clock),
        VISIT: _visit(clock),
        PFALZ: _pfalz(clock, rng),
        CINE: _cine(clock, rng),
        FABRIQUE: _fabrique(clock),
        KUBA_SITE: _kulturbahnhof_site(clock),
    }


def _eur(*values: str) -> tuple[Decimal, ...]:
    return tuple(Decimal(v) for v in values)


def _philharmonie(c: _Clock, rng: random.Random) -> list[DemoEvent]:
    tz = _source(PHIL).timezone
    place = PLACES["philharmonie"]
    lunch = c.at(rng.randint(0, 6) + FIRST_DAY + 3, 12, 30, tz)
    while lunch.weekday() != 2:  # Wednesdays
        lunch += timedelta(days=1)
    cancelled_lunch = lunch + timedelta(days=21)
    return [
        DemoEvent(
            external_id="midi-musical@philharmonie-plateau.example",
            slug="midi-musical",
            title={"fr": "Midi musical", "de": "Mittagskonzert", "en": "Lunchtime concert"},
            description={
                "fr": "Trois quarts d'heure de musique de chambre à l'heure du déjeuner. "
                "Entrée libre dans la limite des places disponibles.",
                "de": "Eine Dreiviertelstunde Kammermusik in der Mittagspause. "
                "Eintritt frei, solange Plätze frei sind.",
            },
            category="Musique de chambre",
            place=place,
            starts=(lunch,),
            duration=timedelta(minutes=45),
            weekly_until=c.date(LAST_DAY - 1),
            cancelled=(cancelled_lunch,),
            free=True,
            price_text="Entrée libre",
        ),
        DemoEvent(
            external_id="nardi-trio@philharmonie-plateau.example",
            slug="nardi-trio",
            title={
                "fr": "Aurelio Nardi Trio – jazz au Plateau",
                "de": "Aurelio Nardi Trio – Jazz auf dem Plateau",
            },
            description={
                "fr": "Le pianiste Aurelio Nardi présente son nouvel album « Correnti » avec "
                "Léa Hamon à la contrebasse et Tomás Reyes à la batterie.",
                "de": "Der Pianist Aurelio Nardi stellt mit Léa Hamon (Kontrabass) und "
                "Tomás Reyes (Schlagzeug) sein neues Album „Correnti“ vor.",
            },
            category="Jazz",
            place=place,
            starts=(c.at(12, 20, 0, tz),),
            duration=timedelta(hours=2),
            prices=_eur("25", "45"),
            price_text="25 € – 45 €",
            performers=("Aurelio Nardi Trio",),
            booking_url="https://tickets.philharmonie-plateau.example/nardi",
        ),
        DemoEvent(
            external_id="quatuor-ysaline@philharmonie-plateau.example",
            slug="quatuor-ysaline",
            title={
                "fr": "Quatuor Ysaline : Haydn, Bartók",
                "de": "Ysaline-Quartett: Haydn, Bartók",
            },
            description={
                "fr": "Le jeune quatuor Ysaline dans la salle de musique de chambre.",
                "de": "Das junge Ysaline-Quartett im Kammermusiksaal.",
            },
            category="Musique de chambre",
            place=place,
            place_name="Philharmonie du Plateau – salle de musique de chambre",
            starts=(c.at(12, 19, 0, tz),),
            duration=timedelta(minutes=75),
            prices=_eur("18"),
            price_text="18 €",
            performers=("Quatuor Ysaline",),
        ),
        DemoEvent(
            external_id="traviata-concert@philharmonie-plateau.example",
            slug="traviata",
            title={
                "fr": "La Traviata (version de concert)",
                "de": "La Traviata (konzertante Aufführung)",
                "en": "La Traviata (concert performance)",
            },
            description={
                "fr": "L'opéra de Verdi en version de concert, chanté en italien, surtitré "
                "en français et en allemand.",
                "de": "Verdis Oper konzertant, auf Italienisch mit französischen und "
                "deutschen Übertiteln.",
            },
            category="Opéra",
            place=place,
            starts=(c.at(33, 19, 30, tz),),
            duration=timedelta(hours=3),
            prices=_eur("32", "89"),
            price_text="32 € – 89 €",
            sold_out=True,
        ),
        DemoEvent(
            external_id="mahler-5@philharmonie-plateau.example",
            slug="mahler-5",
            title={
                "fr": "Orchestre du Plateau : Mahler, Symphonie n° 5",
                "de": "Orchester des Plateau: Mahler, 5. Sinfonie",
            },
            description={
                "fr": "Sous la direction d'Ilse Marten.",
                "de": "Unter der Leitung von Ilse Marten.",
            },
            category="Musique classique",
            place=place,
            starts=(c.at(54, 20, 0, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("18.00", "62.50"),
            price_text="18,00 € – 62,50 €",
        ),
        DemoEvent(
            external_id="pierre-et-le-loup@philharmonie-plateau.example",
            slug="pierre-et-le-loup",
            title={"fr": "Pierre et le loup", "de": "Peter und der Wolf"},
            description={
                "fr": "Conte musical de Prokofiev pour toute la famille, dès 5 ans.",
                "de": "Prokofjews musikalisches Märchen für die ganze Familie, ab 5 Jahren.",
            },
            category="Jeune public",
            place=place,
            starts=(c.at(19, 11, 0, tz), c.at(19, 15, 0, tz)),
            duration=timedelta(hours=1),
            prices=_eur("12.50"),
            price_text="12,50 €",
        ),
    ]


def _pont_levis(c: _Clock, rng: random.Random) -> list[DemoEvent]:
    tz = _source(PONT).timezone
    place = PLACES["pont-levis"]
    scapin = 45 + rng.randint(0, 3)
    return [
        DemoEvent(
            external_id="voyageur-immobile-20261@theatre-pont-levis.example",
            slug="voyageur-immobile",
            title={"fr": "Le Voyageur immobile – Compagnie Lune Rousse"},
            description={
                "fr": "Un homme qui n'a jamais quitté sa chambre raconte le tour du monde. "
                "Seul en scène plein d'humour."
            },
            category="Théâtre",
            place=place,
            starts=(c.at(-2, 20, 30, tz),),
            duration=timedelta(minutes=80),
            prices=_eur("12.50", "22"),
            price_text="Plein tarif 22 €, réduit 12,50 €",
        ),
        DemoEvent(
            external_id="lignes-de-fuite@theatre-pont-levis.example",
            slug="lignes-de-fuite",
            title={"fr": "Lignes de fuite"},
            description={"fr": "Danse contemporaine pour six interprètes et un violoncelle."},
            category="Danse",
            place=place,
            starts=(c.at(22, 20, 0, tz),),
            duration=timedelta(hours=1),
            prices=_eur("16"),
            price_text="16 €",
        ),
        DemoEvent(
            external_id="soiree-slam@theatre-pont-levis.example",
            slug="soiree-slam",
            title={"fr": "Soirée slam"},
            description={"fr": "Scène ouverte de slam. Annulée pour raisons techniques."},
            category="Poésie",
            place=place,
            starts=(c.at(15, 20, 0, tz),),
            duration=timedelta(hours=2),
            status="cancelled",
            free=True,
            price_text="Entrée libre",
        ),
        DemoEvent(
            external_id="fourberies-scapin@theatre-pont-levis.example",
            slug="fourberies-de-scapin",
            title={"fr": "Les Fourberies de Scapin"},
            description={"fr": "Molière par la troupe du Pont-Levis, en tournée régionale."},
            category="Théâtre",
            place=place,
            starts=(c.at(scapin, 20, 30, tz), c.at(scapin + 1, 16, 0, tz)),
            duration=timedelta(minutes=105),
            prices=_eur("12.50", "24"),
            price_text="de 12,50 € à 24 €",
        ),
    ]


def _kulturbahnhof_ics(c: _Clock) -> list[DemoEvent]:
    tz = _source(KUBA_ICS).timezone
    place = PLACES["kulturbahnhof"]
    return [
        DemoEvent(
            external_id="poetry-slam-slr@kulturbahnhof-saar.example",
            slug="poetry-slam",
            title={"de": "Poetry Slam Saar-Lor-Lux", "fr": "Poetry slam Saar-Lor-Lux"},
            description={
                "de": "Slammerinnen und Slammer aus drei Ländern, auf Deutsch und Französisch.",
                "fr": "Des slameurs de trois pays, en allemand et en français.",
            },
            category="Literatur",
            place=place,
            starts=(c.at(10, 20, 0, tz),),
            duration=timedelta(hours=2),
            prices=_eur("8"),
            price_text="8 €",
        ),
        DemoEvent(
            external_id="marchetti-quartett@kulturbahnhof-saar.example",
            slug="marchetti-quartett",
            title={
                "de": "Jazz im Bahnhof: Hélène Marchetti Quartett",
                "fr": "Jazz à la gare : Hélène Marchetti Quartet",
            },
            description={
                "de": "Die Saxophonistin Hélène Marchetti mit ihrem Quartett.",
                "fr": "La saxophoniste Hélène Marchetti et son quartet.",
            },
            category="Jazz",
            place=place,
            starts=(c.at(30, 20, 0, tz),),
            duration=timedelta(minutes=150),
            prices=_eur("15", "18"),
            price_text="VVK 15 €, AK 18 €",
        ),
        DemoEvent(
            external_id="kinderkino-drache@kulturbahnhof-saar.example",
            slug="kinderkino",
            title={"de": "Kinderkino: Der kleine Drache", "fr": "Ciné-enfants : Le petit dragon"},
            description={
                "de": "Animationsfilm für Kinder ab 6 Jahren, mit Popcorn.",
                "fr": "Film d'animation pour les enfants dès 6 ans, avec pop-corn.",
            },
            category="Kino",
            place=place,
            starts=(c.at(17, 15, 0, tz),),
            duration=timedelta(minutes=80),
            free=True,
            price_text="Eintritt frei",
        ),
    ]


def _arlon(c: _Clock) -> list[DemoEvent]:
    tz = _source(ARLON).timezone
    place = PLACES["arlon"]
    return [
        DemoEvent(
            external_id="marlene-vos-2026@maison-culture-arlon.example",
            slug="marlene-vos",
            title={
                "fr": "Marlene Vos chante Brel et Brahms",
                "de": "Marlene Vos singt Brel und Brahms",
            },
            description={
                "fr": "La mezzo-soprano Marlene Vos, accompagnée au piano par Koen Aerts, "
                "dans le cadre du Klangfestival Ostbelgien.",
                "de": "Die Mezzosopranistin Marlene Vos, am Klavier Koen Aerts, im Rahmen des "
                "Klangfestivals Ostbelgien.",
            },
            category="Concert",
            place=place,
            starts=(c.at(26, 20, 15, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("12.50", "20"),
            price_text="20 €, réduit 12,50 €",
            performers=("Marlene Vos", "Koen Aerts"),
        ),
        DemoEvent(
            external_id="vernissage-vos@maison-culture-arlon.example",
            slug="vernissage-gravure",
            title={
                "fr": "Vernissage : gravures de Paul Vos",
                "de": "Vernissage: Radierungen von Paul Vos",
            },
            description={
                "fr": "Le graveur arlonais Paul Vos expose ses paysages de Gaume.",
                "de": "Der Arloner Radierer Paul Vos zeigt Landschaften der Gaume.",
            },
            category="Exposition",
            place=place,
            place_name="Maison de la Culture d'Arlon – galerie",
            starts=(c.at(26, 18, 0, tz),),
            duration=timedelta(hours=2),
            free=True,
            price_text="Entrée libre",
        ),
        DemoEvent(
            external_id="conference-art-nouveau@maison-culture-arlon.example",
            slug="conference-art-nouveau",
            title={
                "fr": "Conférence en ligne : l'Art nouveau à Arlon",
                "de": "Online-Vortrag: Jugendstil in Arlon",
            },
            description={
                "fr": "Une heure avec l'historienne Claire Dumont, en visioconférence.",
                "de": "Eine Stunde mit der Historikerin Claire Dumont, per Videokonferenz.",
            },
            category="Conférence",
            place=place,
            starts=(c.at(14, 19, 0, tz),),
            duration=timedelta(hours=1),
            free=True,
            price_text="Gratuit",
            online_url="https://visio.maison-culture-arlon.example/art-nouveau",
        ),
        DemoEvent(
            external_id="atelier-gravure@maison-culture-arlon.example",
            slug="atelier-gravure",
            title={"fr": "Atelier de gravure", "de": "Radierwerkstatt"},
            description={
                "fr": "Initiation à la gravure sur linoléum, matériel fourni.",
                "de": "Einführung in den Linolschnitt, Material wird gestellt.",
            },
            category="Atelier",
            place=place,
            starts=(c.at(21, 14, 0, tz),),
            duration=timedelta(hours=3),
            prices=_eur("12.50"),
            price_text="12,50 €",
        ),
        DemoEvent(
            external_id="malade-imaginaire@maison-culture-arlon.example",
            slug="malade-imaginaire",
            title={"fr": "Le Malade imaginaire"},
            description={"fr": "Molière revisité par le Théâtre de la Semois."},
            category="Théâtre",
            place=place,
            starts=(c.at(60, 20, 0, tz),),
            duration=timedelta(minutes=110),
            prices=_eur("15"),
            price_text="15 €",
        ),
    ]


def _porta(c: _Clock) -> list[DemoEvent]:
    tz = _source(PORTA).timezone
    place = PLACES["porta"]
    return [
        DemoEvent(
            external_id=_PORTA_ID + "licht-ueber-der-mosel#event",
            slug="licht-ueber-der-mosel",
            title={"de": "Licht über der Mosel – Fotografien von Jana Wirtz"},
            description={
                "de": "Die Fotografin Jana Wirtz hat die Mosel ein Jahr lang im Morgenlicht "
                "begleitet. Eine Ausstellung in drei Räumen."
            },
            category="Ausstellung",
            place=place,
            starts=(c.day(5, tz),),
            all_day=True,
            last_day=c.date(95),
            prices=_eur("6"),
            price_text="6 €, ermäßigt 4 €",
            performers=("Jana Wirtz",),
            image="/stadtmuseum-porta/img/licht-ueber-der-mosel.svg",
        ),
        DemoEvent(
            external_id=_PORTA_ID + "fuehrung-roemisches-trier#event",
            slug="fuehrung-roemisches-trier",
            title={"de": "Führung: Römisches Trier"},
            description={"de": "Ein Rundgang durch die römische Sammlung mit Dr. Anna Klee."},
            category="Führung",
            place=place,
            starts=(c.at(6, 14, 0, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("8"),
            price_text="8 €",
        ),
        DemoEvent(
            external_id=_PORTA_ID + "vortrag-porta-nigra#event",
            slug="vortrag-porta-nigra",
            title={"de": "Vortrag: Die Porta Nigra im Mittelalter"},
            description={"de": "Der Vortrag wurde um eine Woche verschoben."},
            category="Vortrag",
            place=place,
            starts=(c.at(16, 19, 0, tz),),
            duration=timedelta(hours=1),
            status="rescheduled",
            previous_start=c.at(9, 19, 0, tz),
            free=True,
            price_text="Eintritt frei",
        ),
        DemoEvent(
            external_id=_PORTA_ID + "online-vortrag-konstantin#event",
            slug="online-vortrag-konstantin",
            title={"de": "Online-Vortrag: Konstantin und Trier"},
            description={"de": "Live im Netz, mit Fragen aus dem Publikum."},
            category="Vortrag",
            place=place,
            starts=(c.at(28, 18, 30, tz),),
            duration=timedelta(hours=1),
            free=True,
            online_url="https://live.stadtmuseum-porta.example/konstantin",
        ),
        DemoEvent(
            external_id=_PORTA_ID + "familienwerkstatt-mosaik#event",
            slug="familienwerkstatt-mosaik",
            title={"de": "Familienwerkstatt: Römische Mosaike"},
            description={"de": "Für Kinder ab 6 Jahren mit ihren Eltern. Anmeldung erbeten."},
            category="Workshop",
            place=place,
            starts=(c.at(20, 10, 30, tz),),
            duration=timedelta(hours=2),
            prices=_eur("5"),
            price_text="5 €",
        ),
    ]


def _eupen(c: _Clock) -> list[DemoEvent]:
    tz = _source(EUPEN).timezone
    return [
        DemoEvent(
            external_id=_EUPEN_ID + "eroeffnung",
            slug="eroeffnung",
            title={"de": "Klangfestival 2026: Eröffnungskonzert mit der Brass Band Weserland"},
            description={"de": "Das Festival beginnt mit Blechbläsern aus dem Wesertal."},
            category="Festival",
            place=PLACES["eupen"],
            starts=(c.at(24, 19, 0, tz),),
            duration=timedelta(hours=2),
            prices=_eur("15"),
            price_text="15 €",
            performers=("Brass Band Weserland",),
        ),
        DemoEvent(
            external_id=_EUPEN_ID + "klangmaschine",
            slug="klangmaschine",
            title={"de": "Kinderkonzert: Die Klangmaschine"},
            description={"de": "Ein Mitmachkonzert für Kinder von 4 bis 10 Jahren."},
            category="Kinderkonzert",
            place=PLACES["eupen"],
            starts=(c.at(25, 11, 0, tz),),
            duration=timedelta(hours=1),
            free=True,
            price_text="Eintritt frei",
        ),
        DemoEvent(
            external_id=_EUPEN_ID + "marlene-vos",
            slug="marlene-vos",
            title={"de": "Marlene Vos: Lieder ohne Grenzen"},
            description={
                "de": "Gastkonzert des Festivals in Arlon: Marlene Vos und Koen Aerts mit "
                "Brahms-Liedern und Chansons von Jacques Brel."
            },
            category="Konzert",
            place=PLACES["arlon"],
            place_name="Maison de la Culture, Arlon",
            starts=(c.at(26, 20, 0, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("20"),
            price_text="20 €",
            performers=("Marlene Vos", "Koen Aerts"),
        ),
        DemoEvent(
            external_id=_EUPEN_ID + "nachtmusik",
            slug="nachtmusik",
            title={"de": "Ensemble Vennbahn: Nachtmusik"},
            description={"de": "Serenaden bei Kerzenlicht. Restlos ausverkauft."},
            category="Konzert",
            place=PLACES["eupen"],
            starts=(c.at(27, 21, 0, tz),),
            duration=timedelta(minutes=75),
            prices=_eur("18"),
            price_text="18 €",
            sold_out=True,
        ),
    ]


def _namur(c: _Clock, rng: random.Random) -> list[DemoEvent]:
    tz = _source(NAMUR).timezone
    place = PLACES["confluent"]
    club = 36 + rng.randint(0, 4)
    return [
        DemoEvent(
            external_id="tribe:4101",
            slug="lecture-amelie-dujardin",
            title={"fr": "Lecture : Amélie Dujardin lit « Les Rives »"},
            description={"fr": "<p>L'autrice namuroise lit des extraits de son roman.</p>"},
            category="Lecture",
            place=place,
            starts=(c.at(7, 19, 0, tz),),
            duration=timedelta(minutes=90),
            free=True,
            price_text="Gratuit",
        ),
        DemoEvent(
            external_id="tribe:4102",
            slug="heure-du-conte",
            title={"fr": "L'heure du conte &#8211; spécial hiver"},
            description={"fr": "<p>Des histoires pour les 3 à 7 ans.</p>"},
            category="Jeune public",
            place=place,
            starts=(c.at(11, 10, 0, tz),),
            duration=timedelta(hours=1),
            free=True,
            price_text="Gratuit",
        ),
        DemoEvent(
            external_id="tribe:4103",
            slug="atelier-ecriture",
            title={"fr": "Atelier d'écriture &amp; de poésie"},
            description={"fr": "<p>Trois heures pour écrire, lire et partager.</p>"},
            category="Atelier",
            place=place,
            starts=(c.at(18, 14, 0, tz),),
            duration=timedelta(hours=3),
            prices=_eur("12.50"),
            price_text="12,50 €",
        ),
        DemoEvent(
            external_id="tribe:4104",
            slug="club-de-lecture",
            title={"fr": "Club de lecture"},
            description={"fr": "<p>Ce mois-ci : un roman policier belge.</p>"},
            category="Lecture",
            place=place,
            starts=(c.at(club, 18, 30, tz),),
            duration=timedelta(hours=2),
            free=True,
            price_text="Gratuit",
        ),
        DemoEvent(
            external_id="tribe:4105",
            slug="rencontre-bd",
            title={"fr": "Rencontre : la bande dessinée belge aujourd'hui"},
            description={"fr": "<p>Avec deux autrices et un éditeur namurois.</p>"},
            category="Rencontre",
            place=place,
            starts=(c.at(50, 19, 30, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("5"),
            price_text="5 €",
        ),
        DemoEvent(
            external_id="tribe:4106",
            slug="carnets-de-voyage",
            title={"fr": "Exposition : Carnets de voyage"},
            description={"fr": "<p>Croquis et aquarelles de voyageurs namurois.</p>"},
            category="Exposition",
            place=place,
            starts=(c.day(2, tz),),
            all_day=True,
            last_day=c.date(64),
            free=True,
            price_text="Gratuit",
        ),
    ]


def _esch(c: _Clock) -> list[DemoEvent]:
    tz = _source(ESCH).timezone
    place = PLACES["rockbuerg"]
    return [
        DemoEvent(
            external_id="tribe:731",
            slug="the-velvet-foxes",
            title={"lb": "The Velvet Foxes live am Rockbuerg"},
            description={
                "lb": "<p>D'Indie-Rock-Band The Velvet Foxes spillt hiren neien Album "
                "live. Virprogramm: Lily Mae.</p>"
            },
            category="Rock",
            place=place,
            starts=(c.at(40, 20, 30, tz),),
            duration=timedelta(hours=3),
            prices=_eur("28"),
            price_text="28 €",
            sold_out=True,
            performers=("The Velvet Foxes",),
        ),
        DemoEvent(
            external_id="tribe:732",
            slug="club-night-dj-minett",
            title={"lb": "Club Night mam DJ Minett"},
            description={"lb": "<p>No dem Concert geet et am klenge Sall weider bis moies.</p>"},
            category="Party",
            place=place,
            place_name="Rockbuerg – Club",
            starts=(c.at(40, 23, 30, tz),),
            duration=timedelta(hours=4),
            prices=_eur("10"),
            price_text="10 €",
        ),
        DemoEvent(
            external_id="tribe:733",
            slug="iron-bastards",
            title={"lb": "Metal Owend: Iron Bastards"},
            description={"lb": "<p>Zwou Bands aus dem Minett a Gäscht aus Saarbrécken.</p>"},
            category="Metal",
            place=place,
            starts=(c.at(13, 20, 0, tz),),
            duration=timedelta(hours=3),
            prices=_eur("16"),
            price_text="16 €",
        ),
        DemoEvent(
            external_id="tribe:734",
            slug="jazz-am-keller",
            title={"lb": "Jazz am Keller: Lëtzebuerger Jazzquartett"},
            description={"lb": "<p>E gemittlechen Owend mat Jazz aus Lëtzebuerg.</p>"},
            category="Jazz",
            place=place,
            starts=(c.at(68, 20, 0, tz),),
            duration=timedelta(hours=2),
            prices=_eur("12.50"),
            price_text="12,50 €",
        ),
        DemoEvent(
            external_id="tribe:735",
            slug="open-mic",
            title={"lb": "Open Mic fir jonk Bands"},
            description={"lb": "<p>Jonk Bands kënnen sech umellen. Entrée gratis.</p>"},
            category="Concert",
            place=place,
            starts=(c.at(90, 19, 0, tz),),
            duration=timedelta(hours=3),
            free=True,
            price_text="Gratis",
        ),
    ]


def _visit(c: _Clock) -> list[DemoEvent]:
    lux = "Europe/Luxembourg"
    return [
        DemoEvent(
            external_id=_VISIT_ID + "aurelio-nardi-trio#event",
            slug="aurelio-nardi-trio",
            title={
                "en": "Aurelio Nardi Trio live in Luxembourg",
                "nl": "Aurelio Nardi Trio live in Luxemburg",
            },
            description={
                "en": "The Italian jazz pianist and his trio play the new album Correnti.",
                "nl": "De Italiaanse jazzpianist en zijn trio spelen het nieuwe album Correnti.",
            },
            category="Jazz",
            place=PLACES["philharmonie"],
            place_name="Philharmonie, Luxembourg-Kirchberg",
            starts=(c.at(12, 20, 0, lux),),
            prices=_eur("25", "45"),
            performers=("Aurelio Nardi Trio",),
            image="/visit-grande-region/img/aurelio-nardi-trio.svg",
        ),
        DemoEvent(
            external_id=_VISIT_ID + "marlene-vos-arlon#event",
            slug="marlene-vos-arlon",
            title={
                "en": "Marlene Vos in concert in Arlon",
                "nl": "Marlene Vos in concert in Aarlen",
            },
            description={
                "en": "Brahms songs and Brel chansons by the Dutch mezzo-soprano.",
                "nl": "Liederen van Brahms en chansons van Brel door de Nederlandse mezzosopraan.",
            },
            category="Concert",
            place=PLACES["arlon"],
            place_name="Maison de la Culture, Arlon",
            starts=(c.at(26, 20, 0, "Europe/Brussels"),),
            prices=_eur("20"),
            performers=("Marlene Vos",),
        ),
        DemoEvent(
            external_id=_VISIT_ID + "velvet-foxes-esch#event",
            slug="velvet-foxes-esch",
            title={
                "en": "The Velvet Foxes – indie rock in Esch",
                "nl": "The Velvet Foxes – indierock in Esch",
            },
            description={
                "en": "Sold out: the indie band's only date in the Greater Region.",
                "nl": "Uitverkocht: het enige concert van de indieband in de Grote Regio.",
            },
            category="Rock",
            place=PLACES["rockbuerg"],
            place_name="Rockbuerg, Esch-sur-Alzette",
            starts=(c.at(40, 20, 30, lux),),
            sold_out=True,
            performers=("The Velvet Foxes",),
        ),
        DemoEvent(
            external_id=_VISIT_ID + "light-over-the-moselle#event",
            slug="light-over-the-moselle",
            title={
                "en": "Light over the Moselle: photographs by Jana Wirtz",
                "nl": "Licht boven de Moezel: foto's van Jana Wirtz",
            },
            description={
                "en": "A year of Moselle mornings, photographed by Jana Wirtz, in Trier.",
                "nl": "Een jaar moezelochtenden, gefotografeerd door Jana Wirtz, in Trier.",
            },
            category="Exhibition",
            place=PLACES["porta"],
            place_name="Stadtmuseum an der Porta, Trier",
            starts=(c.day(5, "Europe/Berlin"),),
            all_day=True,
            last_day=c.date(95),
            performers=("Jana Wirtz",),
        ),
        DemoEvent(
            external_id=_VISIT_ID + "fortifications-walk#event",
            slug="fortifications-walk",
            title={
                "en": "Guided walk: Luxembourg's fortifications",
                "nl": "Stadswandeling: de vestingwerken van Luxemburg",
            },
            description={
                "en": "Two hours along the casemates and the Wenzel wall.",
                "nl": "Twee uur langs de kazematten en de Wenzelmuur.",
            },
            category="Guided tour",
            place=PLACES["philharmonie"],
            place_name="Meeting point: Philharmonie du Plateau, Luxembourg-Kirchberg",
            starts=(c.at(3, 10, 0, lux),),
            duration=timedelta(hours=2),
            prices=_eur("12.50"),
            price_text="12,50 €",
        ),
    ]


def _pfalz(c: _Clock, rng: random.Random) -> list[DemoEvent]:
    tz = _source(PFALZ).timezone
    place = PLACES["fruchthalle"]
    gala = 74 + rng.randint(0, 6)
    return [
        DemoEvent(
            external_id="pfalzorchester-beethoven-7",
            slug="beethoven-7",
            title={"de": "Sinfoniekonzert: Beethoven 7"},
            description={"de": "Das Pfalzorchester unter der Leitung von Jonas Brandt."},
            category="Klassik",
            place=place,
            starts=(c.at(18, 19, 30, tz),),
            duration=timedelta(hours=2),
            prices=_eur("19", "39"),
            price_text="19 € – 39 €",
        ),
        DemoEvent(
            external_id="pfalzorchester-karneval-der-tiere",
            slug="karneval-der-tiere",
            title={"de": "Familienkonzert: Karneval der Tiere"},
            description={"de": "Saint-Saëns für Kinder ab 5 Jahren, mit Erzählerin."},
            category="Familienkonzert",
            place=place,
            starts=(c.at(32, 16, 0, tz),),
            duration=timedelta(hours=1),
            prices=_eur("7.50"),
            price_text="7,50 €",
        ),
        DemoEvent(
            external_id="pfalzorchester-kammerkonzert",
            slug="kammerkonzert",
            title={"de": "Kammerkonzert im Foyer"},
            description={"de": "Bläserquintette von Reicha und Nielsen."},
            category="Kammermusik",
            place=place,
            starts=(c.at(45, 11, 0, tz),),
            duration=timedelta(minutes=70),
            prices=_eur("12"),
            price_text="12 €",
        ),
        DemoEvent(
            external_id="pfalzorchester-filmmusik-gala",
            slug="filmmusik-gala",
            title={"de": "Filmmusik-Gala"},
            description={"de": "Von Hollywood bis Babelsberg: große Filmmusik."},
            category="Konzert",
            place=place,
            starts=(c.at(gala, 19, 30, tz),),
            duration=timedelta(minutes=140),
            prices=_eur("24", "49"),
            price_text="24 € – 49 €",
        ),
        DemoEvent(
            external_id="pfalzorchester-musik-und-wein",
            slug="musik-und-wein",
            title={"de": "Musik und Wein"},
            description={"de": "Ein Abend mit Pfälzer Weinen und Streichquartett."},
            category="Konzert",
            place=place,
            starts=(c.at(100, 19, 0, tz),),
            duration=timedelta(hours=3),
            prices=_eur("45"),
            price_text="45 € inkl. Weinprobe",
        ),
    ]


def _cine(c: _Clock, rng: random.Random) -> list[DemoEvent]:
    tz = _source(CINE).timezone
    place = PLACES["stanislas"]
    varda = 9 + rng.randint(0, 3)
    return [
        DemoEvent(
            external_id=_CINE_ID + "5b0f3c1e-nosferatu",
            slug="nosferatu",
            title={
                "fr": "Ciné-concert : Nosferatu, avec Les Ombres",
                "en": "Silent film with live music: Nosferatu, with Les Ombres",
            },
            description={
                "fr": "Le chef-d'œuvre de Murnau accompagné en direct par le trio Les Ombres.",
                "en": "Murnau's masterpiece with a live score by the trio Les Ombres.",
            },
            category="Cinéma",
            place=place,
            starts=(c.at(8, 20, 30, tz),),
            duration=timedelta(minutes=100),
            prices=_eur("9"),
            price_text="9 €",
        ),
        DemoEvent(
            external_id=_CINE_ID + "77c2a9d4-cleo",
            slug="cleo-de-5-a-7",
            title={
                "fr": "Cycle Agnès Varda : Cléo de 5 à 7",
                "en": "Agnès Varda season: Cléo from 5 to 7",
            },
            description={
                "fr": "Projection en version restaurée, présentée par le ciné-club.",
                "en": "Restored print, introduced by the film society.",
            },
            category="Cinéma",
            place=place,
            starts=(c.at(varda, 18, 0, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("6.50"),
            price_text="6,50 €",
        ),
        DemoEvent(
            external_id=_CINE_ID + "a41e6b20-lumieres-du-nord",
            slug="lumieres-du-nord",
            title={
                "fr": "Avant-première : Les Lumières du Nord",
                "en": "Preview: Northern Lights",
            },
            description={
                "fr": "En présence de la réalisatrice Inès Caradec.",
                "en": "With director Inès Caradec in attendance.",
            },
            category="Cinéma",
            place=place,
            starts=(c.at(29, 20, 0, tz),),
            duration=timedelta(minutes=130),
            prices=_eur("8"),
            price_text="8 €",
        ),
        DemoEvent(
            external_id=_CINE_ID + "c9d01f88-rencontre-en-ligne",
            slug="rencontre-en-ligne",
            title={
                "fr": "Rencontre en ligne avec Inès Caradec",
                "en": "Online talk with Inès Caradec",
            },
            description={
                "fr": "Questions-réponses en visioconférence après l'avant-première.",
                "en": "A video Q&A after the preview.",
            },
            category="Rencontre",
            place=place,
            starts=(c.at(31, 19, 0, tz),),
            duration=timedelta(hours=1),
            free=True,
            online_url="https://visio.cine-stanislas.example/caradec",
        ),
        DemoEvent(
            external_id=_CINE_ID + "e3f5a7c2-cine-gouter",
            slug="cine-gouter",
            title={
                "fr": "Ciné-goûter : Ernest et Célestine",
                "en": "Kids' matinee: Ernest & Celestine",
            },
            description={
                "fr": "Projection suivie d'un goûter, dès 4 ans.",
                "en": "Screening followed by a snack, ages 4 and up.",
            },
            category="Jeune public",
            place=place,
            starts=(c.at(38, 14, 30, tz),),
            duration=timedelta(minutes=80),
            prices=_eur("4"),
            price_text="4 €",
        ),
    ]


def _fabrique(c: _Clock) -> list[DemoEvent]:
    tz = _source(FABRIQUE).timezone
    place = PLACES["fabrique"]
    nuit = c.at(23, 20, 30, tz)
    return [
        DemoEvent(
            external_id="la-nuit-des-rois",
            slug="la-nuit-des-rois",
            title={"fr": "La Nuit des rois"},
            description={"fr": "Shakespeare en costumes et en musique, par la Compagnie du Quai."},
            category="Théâtre",
            place=place,
            place_name="Grande salle",
            starts=(nuit, c.at(24, 16, 0, tz), c.at(30, 20, 0, tz)),
            duration=timedelta(minutes=90),
            cancelled=(c.at(24, 16, 0, tz),),
            prices=_eur("12.50", "18"),
            price_text="Tarif plein 18 € · réduit 12,50 €",
            booking_url="https://billetterie.fabrique-spectacles.example/nuit-des-rois",
            image="/sites/fabrique-metz/img/la-nuit-des-rois.jpg",
        ),
        DemoEvent(
            external_id="les-equilibristes",
            slug="les-equilibristes",
            title={"fr": "Cirque : Les Équilibristes"},
            description={"fr": "Acrobaties et portés pour toute la famille, dès 6 ans."},
            category="Cirque",
            place=place,
            place_name="Chapiteau",
            starts=(c.at(1, 15, 0, tz),),
            duration=timedelta(hours=1),
            prices=_eur("8"),
            price_text="Tarif unique 8 €",
        ),
        DemoEvent(
            external_id="fanfare-de-la-seille",
            slug="fanfare-de-la-seille",
            title={"fr": "Concert : Fanfare de la Seille"},
            description={"fr": "Cuivres et percussions dans le hall, pour fêter l'hiver."},
            category="Concert",
            place=place,
            place_name="Hall",
            starts=(c.at(35, 20, 0, tz),),
            free=True,
            price_text="Entrée libre",
        ),
        DemoEvent(
            external_id="corps-celestes",
            slug="corps-celestes",
            title={"fr": "Danse : Corps célestes"},
            description={"fr": "Un duo sous un ciel de projecteurs."},
            category="Danse",
            place=place,
            place_name="Grande salle",
            starts=(c.at(52, 20, 30, tz),),
            duration=timedelta(hours=1),
            prices=_eur("12.50", "18"),
            price_text="Tarif plein 18 € · réduit 12,50 €",
        ),
        DemoEvent(
            external_id="lecture-musicale",
            slug="lecture-musicale",
            title={"fr": "Lecture musicale : Les Vagues"},
            description={"fr": "Virginia Woolf lue par Anne Sorel, au violoncelle Tom Weiss."},
            category="Lecture",
            place=place,
            place_name="Petite salle",
            starts=(c.at(62, 19, 0, tz),),
            duration=timedelta(minutes=70),
            prices=_eur("10"),
            price_text="Tarif unique 10 €",
        ),
        DemoEvent(
            external_id="bal-folk",
            slug="bal-folk",
            title={"fr": "Bal folk du 1er de l'an… ou presque"},
            description={"fr": "Initiation aux danses à 19h, bal à 20h."},
            category="Bal",
            place=place,
            place_name="Hall",
            starts=(c.at(80, 19, 0, tz),),
            duration=timedelta(hours=4),
            free=True,
            price_text="Entrée libre",
        ),
    ]


def _kulturbahnhof_site(c: _Clock) -> list[DemoEvent]:
    tz = _source(KUBA_SITE).timezone
    place = PLACES["kulturbahnhof"]
    return [
        DemoEvent(
            external_id="veranstaltung-1",
            slug="1",
            title={"de": "Stahl und Licht"},
            description={"de": "Industriefotografie aus dem Saarland, 1950 bis heute."},
            category="Ausstellung",
            place=place,
            place_name="Halle 1",
            starts=(c.day(4, tz),),
            all_day=True,
            free=True,
            price_text="Eintritt frei",
            extra={"untertitel": "Eine Ausstellung zum Tag der Industriekultur"},
        ),
        DemoEvent(
            external_id="veranstaltung-2",
            slug="2",
            title={"de": "Lesung: Jonas Keller – Grenzgänger"},
            description={"de": "Der Saarbrücker Autor liest aus seinem Roman über Pendler."},
            category="Lesung",
            place=place,
            place_name="Halle 2",
            starts=(c.at(9, 19, 30, tz),),
            duration=timedelta(minutes=90),
            prices=_eur("8"),
            price_text="VVK 8 €, AK 10 €",
        ),
        DemoEvent(
            external_id="veranstaltung-3",
            slug="3",
            title={"de": "Saarländische Brass-Nacht"},
            description={"de": "Fünf Blaskapellen, ein Abend."},
            category="Konzert",
            place=place,
            place_name="Halle 2",
            starts=(c.at(27, 19, 30, tz),),
            duration=timedelta(hours=3),
            prices=_eur("15", "18"),
            price_text="VVK 15 €, AK 18 €",
            sold_out=True,
            booking_url="https://tickets.kulturbahnhof-saar.example/brass-nacht",
        ),
        DemoEvent(
            external_id="veranstaltung-4",
            slug="4",
            title={"de": "Tanztheater: Wellen"},
            description={"de": "Ein neuer Termin wird bekanntgegeben."},
            category="Tanz",
            place=place,
            place_name="Halle 1",
            starts=(c.at(41, 20, 0, tz),),
            status="postponed",
            prices=_eur("16"),
            price_text="VVK 16 €, AK 19 €",
        ),
        DemoEvent(
            external_id="veranstaltung-5",
            slug="5",
            title={"de": "Kabarett: Die Pendler"},
            description={"de": "Die Vorstellung fällt wegen Krankheit aus."},
            category="Kabarett",
            place=place,
            place_name="Halle 2",
            starts=(c.at(48, 20, 0, tz),),
            status="cancelled",
            prices=_eur("14"),
            price_text="VVK 14 €",
        ),
        DemoEvent(
            external_id="veranstaltung-6",
            slug="6",
            title={"de": "Workshop: Siebdruck für alle"},
            description={"de": "Eigene Taschen und Plakate drucken. Ab 12 Jahren."},
            category="Workshop",
            place=place,
            place_name="Werkstatt",
            starts=(c.at(57, 14, 0, tz),),
            duration=timedelta(hours=4),
            free=True,
            price_text="Eintritt frei",
        ),
    ]
