"""The demo's fictional Greater Region: institutions, their places and the sources they publish.

Every name, address and website here is invented (websites use the reserved
``.example`` top-level domain), but the places sit where such venues would,
so that maps, distances and the gazetteer behave as they would with real
data. Source paths are relative to the fixture site's root; the site and the
``pluriel demo`` command resolve them against wherever the site is served.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin

from pluriel.model import SourceFormat

__all__ = [
    "INSTITUTIONS",
    "PLACES",
    "SOURCES",
    "DemoInstitution",
    "DemoPlace",
    "DemoSource",
    "LocatedSource",
    "institution",
    "sources",
]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoInstitution:
    slug: str
    name: str
    country: str  # ISO 3166-1 alpha-2
    trust: str  # "trusted" | "standard"
    website: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoSource:
    institution_slug: str
    format: SourceFormat
    path: str  # from the fixture site's root, e.g. "/feeds/philharmonie.ics"
    lang: str
    timezone: str
    kind: str = "feed"  # "feed" for an institution's own programme, "scrape" for third parties
    name: str | None = None  # the site spider's name, for SourceFormat.SITE

    def url(self, base_url: str) -> str:
        return urljoin(base_url.rstrip("/") + "/", self.path.lstrip("/"))


@dataclass(frozen=True, slots=True, kw_only=True)
class LocatedSource:
    """A source together with its absolute URL on one running fixture site."""

    source: DemoSource
    url: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoPlace:
    slug: str
    name: str
    street: str
    postal_code: str
    locality: str
    country: str
    lat: float
    lon: float

    @property
    def address(self) -> str:
        return f"{self.street}, {self.postal_code} {self.locality}"


INSTITUTIONS: tuple[DemoInstitution, ...] = (
    DemoInstitution(
        slug="philharmonie-plateau",
        name="Salle Philharmonique du Plateau",
        country="LU",
        trust="trusted",
        website="https://www.philharmonie-plateau.example/",
    ),
    DemoInstitution(
        slug="theatre-pont-levis",
        name="Théâtre du Pont-Levis",
        country="FR",
        trust="trusted",
        website="https://www.theatre-pont-levis.example/",
    ),
    DemoInstitution(
        slug="fabrique-metz",
        name="La Fabrique à Spectacles",
        country="FR",
        trust="standard",
        website="https://www.fabrique-spectacles.example/",
    ),
    DemoInstitution(
        slug="kulturbahnhof-saar",
        name="Kulturbahnhof Saarbrücken",
        country="DE",
        trust="trusted",
        website="https://www.kulturbahnhof-saar.example/",
    ),
    DemoInstitution(
        slug="maison-culture-arlon",
        name="Maison de la Culture du Pays d'Arlon",
        country="BE",
        trust="trusted",
        website="https://www.maison-culture-arlon.example/",
    ),
    DemoInstitution(
        slug="stadtmuseum-porta",
        name="Stadtmuseum an der Porta, Trier",
        country="DE",
        trust="trusted",
        website="https://www.stadtmuseum-porta.example/",
    ),
    DemoInstitution(
        slug="klangfestival-eupen",
        name="Klangfestival Ostbelgien",
        country="BE",
        trust="trusted",
        website="https://www.klangfestival-eupen.example/",
    ),
    DemoInstitution(
        slug="bibliotheque-confluent",
        name="Bibliothèque du Confluent, Namur",
        country="BE",
        trust="trusted",
        website="https://www.bibliotheque-confluent.example/",
    ),
    DemoInstitution(
        slug="rockbuerg-esch",
        name="Rockbuerg Esch",
        country="LU",
        trust="trusted",
        website="https://www.rockbuerg.example/",
    ),
    DemoInstitution(
        slug="cine-stanislas",
        name="Ciné-club Stanislas, Nancy",
        country="FR",
        trust="standard",
        website="https://www.cine-stanislas.example/",
    ),
    DemoInstitution(
        slug="pfalzorchester-kl",
        name="Pfalzorchester Kaiserslautern",
        country="DE",
        trust="trusted",
        website="https://www.pfalzorchester.example/",
    ),
    DemoInstitution(
        slug="visit-grande-region",
        name="Visit Grande Région (tourism office)",
        country="LU",
        trust="standard",
        website="https://www.visit-grande-region.example/",
    ),
)

_PLACE_LIST: tuple[DemoPlace, ...] = (
    DemoPlace(
        slug="philharmonie",
        name="Philharmonie du Plateau",
        street="3 avenue de l'Europe-Unie",
        postal_code="L-1499",
        locality="Luxembourg-Kirchberg",
        country="LU",
        lat=49.61861,
        lon=6.14293,
    ),
    DemoPlace(
        slug="pont-levis",
        name="Théâtre du Pont-Levis",
        street="4 quai des Tanneurs",
        postal_code="57000",
        locality="Metz",
        country="FR",
        lat=49.12085,
        lon=6.17101,
    ),
    DemoPlace(
        slug="fabrique",
        name="La Fabrique à Spectacles",
        street="12 rue des Récollets",
        postal_code="57000",
        locality="Metz",
        country="FR",
        lat=49.12189,
        lon=6.17745,
    ),
    DemoPlace(
        slug="kulturbahnhof",
        name="Kulturbahnhof Saarbrücken",
        street="Am Kulturbahnhof 1",
        postal_code="66111",
        locality="Saarbrücken",
        country="DE",
        lat=49.24128,
        lon=6.99112,
    ),
    DemoPlace(
        slug="arlon",
        name="Maison de la Culture du Pays d'Arlon",
        street="21 parc des Expositions",
        postal_code="6700",
        locality="Arlon",
        country="BE",
        lat=49.68412,
        lon=5.81583,
    ),
    DemoPlace(
        slug="porta",
        name="Stadtmuseum an der Porta",
        street="Simeonsplatz 7",
        postal_code="54290",
        locality="Trier",
        country="DE",
        lat=49.75942,
        lon=6.64380,
    ),
    DemoPlace(
        slug="eupen",
        name="Alter Schlachthof Eupen",
        street="Rotenberg 14",
        postal_code="4700",
        locality="Eupen",
        country="BE",
        lat=50.62773,
        lon=6.03645,
    ),
    DemoPlace(
        slug="confluent",
        name="Bibliothèque du Confluent",
        street="8 rue du Grognon",
        postal_code="5000",
        locality="Namur",
        country="BE",
        lat=50.46221,
        lon=4.86980,
    ),
    DemoPlace(
        slug="rockbuerg",
        name="Rockbuerg",
        street="5 avenue du Rock'n'Roll",
        postal_code="L-4361",
        locality="Esch-sur-Alzette",
        country="LU",
        lat=49.50150,
        lon=5.94760,
    ),
    DemoPlace(
        slug="stanislas",
        name="Cinéma Le Stanislas",
        street="27 rue Saint-Dizier",
        postal_code="54000",
        locality="Nancy",
        country="FR",
        lat=48.69098,
        lon=6.18400,
    ),
    DemoPlace(
        slug="fruchthalle",
        name="Fruchthalle Kaiserslautern",
        street="Fruchthallstraße 10",
        postal_code="67655",
        locality="Kaiserslautern",
        country="DE",
        lat=49.44318,
        lon=7.76892,
    ),
)

PLACES: dict[str, DemoPlace] = {place.slug: place for place in _PLACE_LIST}

LUX = "Europe/Luxembourg"
PARIS = "Europe/Paris"
BERLIN = "Europe/Berlin"
BRUSSELS = "Europe/Brussels"

SOURCES: tuple[DemoSource, ...] = (
    DemoSource(
        institution_slug="philharmonie-plateau",
        format=SourceFormat.ICS,
        path="/feeds/philharmonie.ics",
        lang="fr",
        timezone=LUX,
    ),
    DemoSource(
        institution_slug="theatre-pont-levis",
        format=SourceFormat.ICS,
        path="/feeds/pont-levis.ics",
        lang="fr",
        timezone=PARIS,
    ),
    DemoSource(
        institution_slug="kulturbahnhof-saar",
        format=SourceFormat.ICS,
        path="/feeds/kulturbahnhof.ics",
        lang="de",
        timezone=BERLIN,
    ),
    DemoSource(
        institution_slug="maison-culture-arlon",
        format=SourceFormat.ICS,
        path="/feeds/arlon.ics",
        lang="fr",
        timezone=BRUSSELS,
    ),
    DemoSource(
        institution_slug="stadtmuseum-porta",
        format=SourceFormat.JSONLD,
        path="/stadtmuseum-porta/veranstaltungen/",
        lang="de",
        timezone=BERLIN,
    ),
    DemoSource(
        institution_slug="klangfestival-eupen",
        format=SourceFormat.JSONLD,
        path="/klangfestival/programm.html",
        lang="de",
        timezone=BRUSSELS,
    ),
    DemoSource(
        institution_slug="bibliotheque-confluent",
        format=SourceFormat.TRIBE,
        path="/bibliotheque-confluent/wp-json/tribe/events/v1/events",
        lang="fr",
        timezone=BRUSSELS,
    ),
    DemoSource(
        institution_slug="rockbuerg-esch",
        format=SourceFormat.TRIBE,
        path="/rockbuerg/wp-json/tec/v1/events",
        lang="lb",
        timezone=LUX,
    ),
    DemoSource(
        institution_slug="visit-grande-region",
        format=SourceFormat.RSS,
        path="/feeds/visit-grande-region.rss",
        lang="en",
        timezone=LUX,
        kind="scrape",
    ),
    DemoSource(
        institution_slug="pfalzorchester-kl",
        format=SourceFormat.RPDE,
        path="/pfalzorchester/openactive/events",
        lang="de",
        timezone=BERLIN,
    ),
    DemoSource(
        institution_slug="cine-stanislas",
        format=SourceFormat.ACTIVITYSTREAMS,
        path="/cine-stanislas/@cineclub/outbox",
        lang="fr",
        timezone=PARIS,
    ),
    DemoSource(
        institution_slug="fabrique-metz",
        format=SourceFormat.SITE,
        path="/sites/fabrique-metz/agenda/",
        lang="fr",
        timezone=PARIS,
        kind="scrape",
        name="fabrique_metz",
    ),
    DemoSource(
        institution_slug="kulturbahnhof-saar",
        format=SourceFormat.SITE,
        path="/sites/kulturbahnhof-saar/programm.html",
        lang="de",
        timezone=BERLIN,
        kind="scrape",
        name="kulturbahnhof_saar",
    ),
)


def institution(slug: str) -> DemoInstitution:
    for candidate in INSTITUTIONS:
        if candidate.slug == slug:
            return candidate
    raise KeyError(slug)


def sources(base_url: str) -> list[tuple[DemoInstitution, list[LocatedSource]]]:
    """Every institution with its sources at ``base_url``, in catalogue order."""
    return [
        (
            inst,
            [
                LocatedSource(source=src, url=src.url(base_url))
                for src in SOURCES
                if src.institution_slug == inst.slug
            ],
        )
        for inst in INSTITUTIONS
    ]
