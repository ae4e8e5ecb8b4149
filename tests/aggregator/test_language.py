from __future__ import annotations

import pytest

from pluriel.aggregator.language import detect, resolve
from pluriel.model import I18nText

FR = [
    "Concert de l'Orchestre de chambre du Luxembourg au Grand Théâtre",
    "Visite guidée de l'exposition consacrée aux peintres lorrains du XIXe siècle",
    "Un spectacle de danse contemporaine pour toute la famille, dès 6 ans",
    "Lecture musicale autour des poèmes de Paul Verlaine, entrée libre",
    "Atelier de gravure pour les enfants pendant les vacances de printemps",
    "La compagnie présente sa nouvelle création au théâtre municipal de Metz",
    "Projection du film suivie d'une rencontre avec la réalisatrice",
    "Conférence sur l'histoire des forteresses de la ville de Luxembourg",
    "Le festival de jazz revient cet été avec une programmation exceptionnelle",
    "Soirée de contes pour les petits et les grands à la médiathèque",
    "Les billets sont en vente à la caisse du soir une heure avant le concert",
]
DE = [
    "Konzert des Saarländischen Staatsorchesters im Großen Haus",
    "Öffentliche Führung durch die Ausstellung mit Werken der Moderne",
    "Lesung mit der Autorin aus ihrem neuen Roman, der Eintritt ist frei",
    "Ein Theaterstück für Kinder ab sechs Jahren und ihre Eltern",
    "Die Band spielt heute Abend Songs aus ihrem aktuellen Album",
    "Workshop für Jugendliche: wir bauen gemeinsam einen kleinen Roboter",
    "Vortrag über die Geschichte der römischen Stadt Trier",
    "Das Festival bietet in diesem Jahr mehr als vierzig Konzerte",
    "Tickets gibt es an der Abendkasse und im Vorverkauf",
    "Filmvorführung mit anschließendem Gespräch mit dem Regisseur",
    "Eine Stadtführung zu den schönsten Plätzen der Altstadt",
]
LB = [
    "Concert vum Kammerorchester am Grand Théâtre, mir freeën eis op iech",
    "Eng Féierung duerch d'Ausstellung fir Kanner a Jonker",
    "Mir invitéieren iech op e gemittleche Owend mat Musek a Gedichter",
    "D'Bibliothéik ass haut de Mëtteg zou, mee muer si mir erëm do",
    "De Festival fënnt dëst Joer zu Esch an der Kulturfabrik statt",
    "Kommt laanscht an entdeckt eis nei Ausstellung iwwer d'Geschicht vum Land",
    "Den Atelier ass fir Kanner vu sechs bis zwielef Joer geduecht",
    "Et gëtt eng Liesung mat engem lëtzebuergeschen Auteur an der Stadbibliothéik",
    "Dëse Spektakel ass op Lëtzebuergesch an dauert ongeféier eng Stonn",
    "Tickete kritt dir um Site oder direkt un der Keess virum Concert",
    "Mir weisen e Film iwwer d'Liewen op der Musel an de leschte Joerzéngten",
]
EN = [
    "An evening of chamber music with the Luxembourg Philharmonic",
    "Guided tour of the exhibition with the curator, booking required",
    "A contemporary dance performance for the whole family",
    "Reading and book signing with the author of the award-winning novel",
    "Children's workshop: learn how to print your own posters",
    "The festival returns this summer with more than forty concerts",
    "Screening followed by a discussion with the director",
    "A talk about the history of the fortress and its underground tunnels",
    "Tickets are available at the box office one hour before the show",
    "Join us for a relaxed performance suitable for autistic visitors",
    "The museum will be closed on Monday for maintenance work",
]
NL = [
    "Concert van het kamerorkest in de grote zaal van de schouwburg",
    "Rondleiding door de tentoonstelling met de conservator van het museum",
    "Een voorstelling voor het hele gezin, vanaf zes jaar",
    "Lezing over de geschiedenis van de stad en haar oude vestingwerken",
    "Workshop voor kinderen: we maken samen een eigen stripverhaal",
    "Het festival keert deze zomer terug met meer dan veertig concerten",
    "Filmvertoning gevolgd door een gesprek met de regisseur",
    "Tickets zijn verkrijgbaar aan de kassa een uur voor de voorstelling",
    "De bibliotheek is op maandag gesloten wegens onderhoudswerken",
    "Kom genieten van een avond vol muziek en poëzie in het cultuurcentrum",
    "De dansvoorstelling duurt ongeveer anderhalf uur zonder pauze",
]


@pytest.mark.parametrize(
    ("lang", "text"),
    [("fr", t) for t in FR]
    + [("de", t) for t in DE]
    + [("lb", t) for t in LB]
    + [("en", t) for t in EN]
    + [("nl", t) for t in NL],
)
def test_detects_each_language(lang: str, text: str) -> None:
    assert detect(text) == lang


@pytest.mark.parametrize(
    "text",
    [
        "",
        "Jazz",
        "Visite guidée",
        "Ausstellung",
        "Concert live",
        "12.10.2026 20:00",
        "Bal!",
        "DJ Set",
    ],
)
def test_short_text_is_undetermined(text: str) -> None:
    assert detect(text) == "und"


def test_markup_is_ignored() -> None:
    assert detect("<p>Lesung mit der <b>Autorin</b> aus ihrem neuen Roman</p>") == "de"
    assert detect("<p>Caf&eacute; &amp; concert</p>") == "und"


def test_candidates_restrict_the_answer() -> None:
    sentence = "Concert van het kamerorkest in de grote zaal"
    assert detect(sentence, candidates=("nl", "de")) == "nl"
    assert detect(sentence, candidates=("fr", "en")) != "nl"


def test_declared_language_wins_over_detection() -> None:
    text = I18nText.of({"und": "Öffentliche Führung durch die Ausstellung mit Werken der Moderne"})
    assert resolve(text, declared="fr") == I18nText.of({"fr": text.get() or ""})


def test_undeclared_text_is_detected() -> None:
    sentence = "Eng Féierung duerch d'Ausstellung fir Kanner a Jonker"
    assert resolve(I18nText.of({"und": sentence}), declared="und") == I18nText.of({"lb": sentence})


def test_known_languages_are_kept() -> None:
    text = I18nText.of({"de": "Concert de l'Orchestre de chambre", "und": "Jazz"})
    assert resolve(text, declared="und") == text


def test_detected_language_never_overwrites_an_existing_entry() -> None:
    text = I18nText.of(
        {"fr": "Concert du soir", "und": "Concert de l'Orchestre de chambre au Grand Théâtre"}
    )
    assert resolve(text, declared="und") == text
