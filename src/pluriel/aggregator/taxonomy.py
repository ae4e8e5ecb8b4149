"""One category tree for the whole region, and the way every source's vocabulary maps onto it.

Sources speak many vocabularies: schema.org types (``MusicEvent``), The
Events Calendar categories ("Kids & Family"), OpenAgenda keywords
("Jeune public"), UiTdatabank types ("0.50.4.0.0", "Theatervoorstelling")
and free words in five languages ("Theaterstéck", "Lesung"). All of them
live in ``data/taxonomy.json`` (versioned with the code) and are folded into
one index when first used. A value is looked up whole, then part by part
("Konzert / Klassik"), then word by word for short values ("Jazz Konzert")
including the heads of compound words ("Sommerkonzert"). What still maps to
nothing is returned as ``unmapped`` so that the caller keeps it as a tag and
a person can add it to the file.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from pluriel.model import fold

__all__ = [
    "Category",
    "Mapped",
    "Taxonomy",
    "key",
    "load_taxonomy",
    "map_categories",
    "taxonomy_rows",
]

_NON_WORD = re.compile(r"[^a-z0-9]+")
_PARTS = re.compile(r"\s*(?:[/,;|>•·]|\s-\s)\s*")
# Heads of compound words, in German, Luxembourgish and Dutch: "Sommerkonzert", "Jazzfestival".
_COMPOUND_HEADS = (
    "konzert",
    "konzerte",
    "concert",
    "concerten",
    "festival",
    "theater",
    "ausstellung",
    "tentoonstelling",
    "fuhrung",
    "feierung",
    "rondleiding",
    "lesung",
    "liesung",
    "workshop",
    "atelier",
    "film",
    "kino",
    "markt",
    "maart",
    "voorstelling",
    "party",
    "fest",
    "feest",
    "vortrag",
    "lezing",
    "kurs",
    "wanderung",
)
#: Values longer than this many words are not split into words: a sentence is not a category.
MAX_WORDS_SPLIT = 3


def key(text: str) -> str:
    """Folded, punctuation-free form used by every lookup: "Kids & Family" -> "kids family"."""
    return _NON_WORD.sub(" ", fold(text)).strip()


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    parent: str | None
    labels: Mapping[str, str]
    position: int


@dataclass(frozen=True, slots=True)
class Mapped:
    categories: tuple[str, ...]
    unmapped: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Taxonomy:
    version: int
    categories: tuple[Category, ...]  # parents before children
    index: Mapping[str, tuple[str, ...]]  # folded value -> category ids ("" ids: ignored)
    ancestors: Mapping[str, tuple[str, ...]]  # id -> its parents, nearest first

    def __contains__(self, category_id: object) -> bool:
        return category_id in self.ancestors


def _parent_first(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {str(item["id"]) for item in items}
    placed: set[str] = set()
    ordered: list[dict[str, Any]] = []
    pending = list(items)
    while pending:
        ready = [i for i in pending if i.get("parent") is None or i["parent"] in placed]
        if not ready:
            missing = sorted({str(i["parent"]) for i in pending} - ids)
            raise ValueError(f"taxonomy.json: unknown or cyclic parents {missing or pending}")
        for item in ready:
            ordered.append(item)
            placed.add(str(item["id"]))
        pending = [i for i in pending if str(i["id"]) not in placed]
    return ordered


@cache
def load_taxonomy() -> Taxonomy:
    """The tree and its folded index, read once per process."""
    raw: dict[str, Any] = json.loads(
        resources.files("pluriel.aggregator").joinpath("data/taxonomy.json").read_text("utf-8")
    )
    positions = {str(item["id"]): n for n, item in enumerate(raw["categories"])}
    categories = tuple(
        Category(
            id=str(item["id"]),
            parent=item.get("parent"),
            labels=dict(item["labels"]),
            position=positions[str(item["id"])],
        )
        for item in _parent_first(list(raw["categories"]))
    )
    parents = {c.id: c.parent for c in categories}
    ancestors: dict[str, tuple[str, ...]] = {}
    for category in categories:
        chain: list[str] = []
        parent = category.parent
        while parent is not None:
            chain.append(parent)
            parent = parents[parent]
        ancestors[category.id] = tuple(chain)

    index: dict[str, tuple[str, ...]] = {}
    for word in raw.get("ignore", ()):
        index[key(word)] = ()
    for category in raw["categories"]:
        cid = str(category["id"])
        for word in (cid, *category["labels"].values(), *category.get("keywords", ())):
            folded = key(word)
            index[folded] = tuple(dict.fromkeys([*index.get(folded, ()), cid]))
    # Source vocabularies are deliberate choices: they override free keywords.
    for vocabulary in raw["mappings"].values():
        for value, ids in vocabulary.items():
            unknown = [i for i in ids if i not in ancestors]
            if unknown:
                raise ValueError(f"taxonomy.json: {value!r} maps to unknown {unknown}")
            index[key(value)] = tuple(ids)
    return Taxonomy(int(raw["version"]), categories, index, ancestors)


def taxonomy_rows() -> list[tuple[str, str | None, dict[str, str], int]]:
    """``(id, parent_id, labels, position)`` in parent-first order, for the ``category`` table."""
    return [(c.id, c.parent, dict(c.labels), c.position) for c in load_taxonomy().categories]


def _lookup_words(index: Mapping[str, tuple[str, ...]], part: str) -> tuple[str, ...] | None:
    words = part.split()
    if len(words) > MAX_WORDS_SPLIT:
        return None
    found: list[str] = []
    for word in words:
        ids = index.get(word)
        if ids is None:
            head = next(
                (h for h in _COMPOUND_HEADS if word.endswith(h) and len(word) >= len(h) + 3),
                None,
            )
            ids = index.get(head) if head else None
        if ids:
            found.extend(ids)
    return tuple(found) if found else None


def _lookup(index: Mapping[str, tuple[str, ...]], folded: str) -> tuple[str, ...] | None:
    whole = index.get(folded)
    if whole is not None:
        return whole
    return _lookup_words(index, folded)


def map_categories(values: Iterable[str], *, ancestors: bool = True) -> Mapped:
    """Category ids for a source's categories and keywords, and the values left unmapped.

    With ``ancestors`` (the default) a child brings its parents, so that a
    filter on ``concert`` finds a ``concert-jazz`` event. Ignored words
    ("Uncategorized", "Veranstaltung") are neither categories nor tags.
    """
    taxonomy = load_taxonomy()
    index = taxonomy.index
    found: list[str] = []
    unmapped: list[str] = []
    for value in values:
        text = value.strip()
        folded = key(text)
        if not folded:
            continue
        ids = index.get(folded)
        if ids is None:
            parts = [key(p) for p in _PARTS.split(fold(text))]
            hits = [_lookup(index, p) for p in parts if p]
            if any(h is not None for h in hits):
                ids = tuple(i for h in hits if h for i in h)
            else:
                ids = _lookup_words(index, folded)
        if ids is None:
            unmapped.append(text)
            continue
        for cid in ids:
            found.append(cid)
            if ancestors:
                found.extend(taxonomy.ancestors[cid])
    order = {c.id: n for n, c in enumerate(taxonomy.categories)}
    categories = sorted(set(found), key=order.__getitem__)
    return Mapped(tuple(categories), tuple(dict.fromkeys(unmapped)))
