"""Accessibility on one shared vocabulary, whatever the source called it.

OpenAgenda sends codes (``mi``, ``hi``…), UiTdatabank facility ids or Dutch
names, schema.org ``accessibilityFeature`` names, and many sites write free
text ("accessible PMR", "mit Induktionsschleife"). Codes match a whole value
only (``vi`` inside a sentence means nothing); words are also found inside
longer text, longest phrase first so that "toilettes PMR" is not read as
"PMR" alone. The vocabulary is loaded and indexed once.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pluriel.aggregator.taxonomy import key

__all__ = ["Feature", "Vocabulary", "features", "map_accessibility"]


@dataclass(frozen=True, slots=True)
class Feature:
    id: str
    labels: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    features: tuple[Feature, ...]
    codes: Mapping[str, str]  # exact folded value -> feature id
    words: Mapping[str, str]  # folded phrase -> feature id
    pattern: re.Pattern[str]


@cache
def _vocabulary() -> Vocabulary:
    raw: dict[str, Any] = json.loads(
        resources.files("pluriel.aggregator").joinpath("data/accessibility.json").read_text("utf-8")
    )
    found: list[Feature] = []
    codes: dict[str, str] = {}
    words: dict[str, str] = {}
    for item in raw["features"]:
        fid = str(item["id"])
        found.append(Feature(fid, dict(item["labels"])))
        codes[key(fid)] = fid
        for code in item.get("codes", ()):
            codes[key(code)] = fid
        for word in item.get("words", ()):
            words[key(word)] = fid
    phrases = sorted(words, key=len, reverse=True)
    pattern = re.compile(r"(?<![a-z0-9])(?:" + "|".join(map(re.escape, phrases)) + r")(?![a-z0-9])")
    return Vocabulary(tuple(found), codes, words, pattern)


def features() -> tuple[Feature, ...]:
    """The vocabulary, in display order, with labels in the five languages."""
    return _vocabulary().features


def map_accessibility(values: Iterable[str]) -> tuple[str, ...]:
    """Shared feature ids for the source's values, in vocabulary order, without duplicates.

    Values that match nothing are dropped: accessibility is a filter, and a
    filter on an unknown word would only ever find one event.
    """
    vocab = _vocabulary()
    found: set[str] = set()
    for value in values:
        folded = key(value)
        if not folded:
            continue
        exact = vocab.codes.get(folded) or vocab.words.get(folded)
        if exact is not None:
            found.add(exact)
            continue
        found.update(vocab.words[m.group(0)] for m in vocab.pattern.finditer(folded))
    return tuple(f.id for f in vocab.features if f.id in found)
