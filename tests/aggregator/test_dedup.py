from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from pluriel.aggregator.dedup import Candidate, Decision, cluster, same_event
from pluriel.model import I18nText
from tests.conftest import FIXTURES

PAIRS = FIXTURES / "dedup" / "pairs.jsonl"


def candidate(data: dict[str, Any]) -> Candidate:
    return Candidate(
        source_id=data["source"],
        external_id=data["external_id"],
        titles=I18nText.of(data["titles"]),
        start=datetime.fromisoformat(data["start"]),
        all_day=data.get("all_day", False),
        place_id=data.get("place_id"),
        place_name=data.get("place_name"),
        locality=data.get("locality"),
        lat=data.get("lat"),
        lon=data.get("lon"),
        url=data.get("url"),
        image_urls=tuple(data.get("images", ())),
        performers=tuple(data.get("performers", ())),
    )


def load_pairs() -> list[tuple[int, bool, str, Candidate, Candidate]]:
    rows = [json.loads(line) for line in PAIRS.read_text("utf-8").splitlines() if line.strip()]
    return [(r["id"], r["label"], r["note"], candidate(r["a"]), candidate(r["b"])) for r in rows]


def test_evaluation_set_precision_and_recall() -> None:
    pairs = load_pairs()
    assert len(pairs) >= 200
    languages = {
        lang for _, _, _, a, b in pairs for lang in (*a.titles.languages, *b.titles.languages)
    }
    assert languages == {"fr", "de", "lb", "en", "nl"}
    tp = fp = fn = tn = 0
    mistakes: list[str] = []
    for pair_id, label, note, a, b in pairs:
        decision = same_event(a, b)
        assert same_event(b, a).same == decision.same, f"pair {pair_id} is not symmetric"
        if decision.same and label:
            tp += 1
        elif decision.same:
            fp += 1
            mistakes.append(f"FP #{pair_id} {note}: {decision.reasons}")
        elif label:
            fn += 1
            mistakes.append(f"FN #{pair_id} {note}: {decision.reasons}")
        else:
            tn += 1
    precision = tp / (tp + fp)
    recall = tp / (tp + fn)
    print(f"\ndedup evaluation: {len(pairs)} pairs  TP={tp} FP={fp} FN={fn} TN={tn}")
    print(f"precision={precision:.3f} recall={recall:.3f}")
    print("\n".join(mistakes))
    assert precision >= 0.98
    assert recall >= 0.9


def make(source: str, title: str, start: str, **fields: Any) -> Candidate:
    return Candidate(
        source_id=source,
        external_id=f"{source}:{title}:{start}",
        titles=I18nText.of({"fr": title}),
        start=datetime.fromisoformat(start),
        **fields,
    )


PHIL = {"place_id": "lu-philharmonie", "lat": 49.61862, "lon": 6.14057}


def test_same_source_is_never_merged() -> None:
    a = make("venue", "Brad Mehldau Trio", "2027-01-20T20:00:00+01:00", **PHIL)
    b = make("venue", "Brad Mehldau Trio", "2027-01-20T20:00:00+01:00", **PHIL)
    assert same_event(a, b) == Decision(False, 0.0, ("same source",))


def test_decision_explains_itself() -> None:
    a = make("venue", "Brad Mehldau Trio", "2027-01-20T20:00:00+01:00", **PHIL)
    b = make("press", "Konzert: Brad Mehldau Trio", "2027-01-20T20:15:00+01:00", **PHIL)
    assert same_event(a, b) == Decision(
        True, 1.0, ("same place", "starts 15 min apart", "2 shared title words")
    )


def test_start_tolerance_is_thirty_minutes() -> None:
    a = make("venue", "Brad Mehldau Trio", "2027-01-20T20:00:00+01:00", **PHIL)
    b = make("press", "Brad Mehldau Trio", "2027-01-20T20:31:00+01:00", **PHIL)
    assert same_event(a, b) == Decision(False, 0.0, ("starts 31 min apart",))


def test_all_day_matches_any_start_that_day_in_its_zone() -> None:
    a = make("venue", "Tomás Saraceno", "2026-11-07T00:00:00+01:00", all_day=True, **PHIL)
    late = make("press", "Tomás Saraceno", "2026-11-07T22:30:00+00:00", **PHIL)  # 23:30 local
    next_day = make("press", "Tomás Saraceno", "2026-11-07T23:30:00+00:00", **PHIL)
    assert same_event(a, late).same is True
    assert same_event(a, next_day).same is False


def test_same_page_is_strong_evidence() -> None:
    a = make("venue", "Soirée", "2026-11-18T20:00:00+01:00", url="https://www.rockhal.lu/shows/x/")
    b = make("press", "Autre titre", "2026-11-18T20:00:00+01:00", url="http://rockhal.lu/shows/x")
    assert same_event(a, b) == Decision(
        True, 1.0, ("place unknown", "starts 0 min apart", "same page")
    )


def test_far_places_are_never_merged_even_with_the_same_page() -> None:
    a = make("venue", "Zaz", "2026-11-18T20:00:00+01:00", url="https://zaz.fr/tour", **PHIL)
    b = make(
        "press",
        "Zaz",
        "2026-11-18T20:00:00+01:00",
        url="https://zaz.fr/tour",
        lat=49.1166,
        lon=6.1717,
    )
    assert same_event(a, b).same is False


def test_cluster_groups_sources_and_keeps_one_event_per_source() -> None:
    venue = make("venue", "Brad Mehldau Trio", "2027-01-20T20:00:00+01:00", **PHIL)
    venue_other = make(
        "venue", "Brad Mehldau Trio (2e concert)", "2027-01-20T20:00:00+01:00", **PHIL
    )
    press = make("press", "Konzert: Brad Mehldau Trio", "2027-01-20T20:15:00+01:00", **PHIL)
    tourism = make("tourism", "Brad Mehldau Trio live", "2027-01-20T20:00:00+01:00", **PHIL)
    other = make("press", "Avishai Cohen", "2027-01-20T20:00:00+01:00", **PHIL)
    groups = cluster([venue, other, press, venue_other, tourism])
    assert sorted(sorted(c.external_id for c in g) for g in groups) == sorted(
        [
            sorted([venue.external_id, press.external_id, tourism.external_id]),
            [venue_other.external_id],
            [other.external_id],
        ]
    )


def test_cluster_on_the_evaluation_set_never_mixes_a_source() -> None:
    seen: dict[str, Candidate] = {}
    for _, _, _, a, b in load_pairs():
        seen[a.external_id] = a
        seen[b.external_id] = b
    groups = cluster(list(seen.values()))
    assert sum(len(g) for g in groups) == len(seen)
    assert all(len({c.source_id for c in g}) == len(g) for g in groups)
