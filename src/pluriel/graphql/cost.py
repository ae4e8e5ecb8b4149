"""What a query costs against a client's per-minute budget, from the document alone.

The cost of a selection is the sum, over its fields, of one point plus the
field's multiplier times the cost of what is selected under it (in a
connection, only ``edges`` repeat: ``pageInfo`` and ``totalCount`` come once).
A field taking ``first`` multiplies by that page size; when ``first`` is a variable
it counts as the largest page (:data:`MAX_FIRST`), so the cost depends only
on the document's text and is computed once per document (an LRU cache keyed
on the text), whatever the variables.

    { events(first: 10) { edges { node { title place { name } } } } }
    node = title 1 + place (1 + name 1) = 3, plus 1 → 4; edges = 1 + 4 = 5
    events = 1 + 10 × 5 = 51

Fragments are expanded where they are spread; with several operations in one
document the most expensive one is charged. A document that does not parse
costs one point: the schema rejects it without running anything.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from functools import lru_cache

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    SelectionSetNode,
    parse,
)

__all__ = ["DEFAULT_PAGE", "MAX_FIRST", "document_cost", "query_cost"]

_MEMO: ContextVar[dict[tuple[int, str, bool], int]] = ContextVar("fragment_costs")

MAX_FIRST = 100
#: Page sizes assumed when ``first`` is left out, by field name.
DEFAULT_PAGE: Mapping[str, int] = {
    "events": 20,
    "occurrences": 20,
    "places": 20,
    "institutions": 20,
    "changes": 100,
}
#: Lists without ``first`` that still fan out: an event's dates, a facet group.
_LIST_GUESS: Mapping[str, int] = {"occurrences": 10, "sources": 3, "categories": 3}
_MAX_TOKENS = 4000
#: Fragments nested deeper than this are not followed (a guard for the interpreter stack).
_MAX_SPREAD_DEPTH = 100
#: A cost above this is already far beyond any budget; stop adding.
_CAP = 10**9


@lru_cache(maxsize=1024)
def query_cost(text: str) -> int:
    """Points charged for ``text``; 1 when it does not parse."""
    try:
        document = parse(text, no_location=True, max_tokens=_MAX_TOKENS)
    except GraphQLError:
        return 1
    return document_cost(document)


def document_cost(document: DocumentNode) -> int:
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    token = _MEMO.set({})
    try:
        costs = [
            _selection_cost(d.selection_set, fragments, 0, is_root=True)
            for d in document.definitions
            if isinstance(d, OperationDefinitionNode)
        ]
    finally:
        _MEMO.reset(token)
    return max(costs, default=1) or 1


def _selection_cost(
    selection_set: SelectionSetNode | None,
    fragments: Mapping[str, FragmentDefinitionNode],
    depth: int,
    *,
    is_root: bool = False,
) -> int:
    if selection_set is None or depth > _MAX_SPREAD_DEPTH:
        return 0
    total = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            total += 1 + _field_cost(selection, fragments, depth, is_root=is_root)
        elif isinstance(selection, InlineFragmentNode):
            total += _selection_cost(selection.selection_set, fragments, depth + 1, is_root=is_root)
        elif isinstance(selection, FragmentSpreadNode):
            total += _fragment_cost(selection.name.value, fragments, depth, is_root=is_root)
    return min(total, _CAP)


def _fragment_cost(
    name: str, fragments: Mapping[str, FragmentDefinitionNode], depth: int, *, is_root: bool
) -> int:
    """A fragment's cost, computed once per document however often it is spread.

    Without the memo, fragments that each spread the next one twice would
    cost exponential time to price; a cycle (which validation refuses later)
    counts as nothing here.
    """
    memo = _MEMO.get()
    key = (id(fragments), name, is_root)
    if key in memo:
        return memo[key]
    fragment = fragments.get(name)
    memo[key] = 0
    if fragment is None:
        return 0
    cost = _selection_cost(fragment.selection_set, fragments, depth + 1, is_root=is_root)
    memo[key] = cost
    return cost


def _field_cost(
    field: FieldNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    depth: int,
    *,
    is_root: bool,
) -> int:
    """What is selected under ``field``; in a connection only ``edges``/``nodes`` repeat."""
    multiplier = _multiplier(field, is_root=is_root)
    selection_set = field.selection_set
    if selection_set is None:
        return 0
    if multiplier == 1 or not _is_connection(selection_set):
        return multiplier * _selection_cost(selection_set, fragments, depth)
    total = 0
    for child in selection_set.selections:
        part = _selection_cost(SelectionSetNode(selections=(child,)), fragments, depth)
        repeats = isinstance(child, FieldNode) and child.name.value in ("edges", "nodes")
        total += multiplier * part if repeats else part
    return total


def _is_connection(selection_set: SelectionSetNode) -> bool:
    return any(
        isinstance(s, FieldNode) and s.name.value in ("edges", "nodes", "pageInfo", "totalCount")
        for s in selection_set.selections
    )


def _multiplier(field: FieldNode, *, is_root: bool) -> int:
    first = _argument(field.arguments, "first")
    if first is not None:
        if isinstance(first.value, IntValueNode):
            return max(1, min(int(first.value.value), MAX_FIRST))
        return MAX_FIRST
    name = field.name.value
    if is_root and name in DEFAULT_PAGE:
        return DEFAULT_PAGE[name]
    if not is_root and name in _LIST_GUESS and field.selection_set is not None:
        return _LIST_GUESS[name]
    return 1


def _argument(arguments: tuple[ArgumentNode, ...] | None, name: str) -> ArgumentNode | None:
    return next((a for a in arguments or () if a.name.value == name), None)
