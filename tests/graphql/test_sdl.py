from __future__ import annotations

import difflib
from pathlib import Path

from pluriel.graphql import sdl

COMMITTED = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_schema_matches_the_code() -> None:
    expected = COMMITTED.read_text("utf-8")
    actual = sdl()
    diff = "".join(
        difflib.unified_diff(
            expected.splitlines(keepends=True),
            actual.splitlines(keepends=True),
            "schema.graphql (committed)",
            "schema from the code",
        )
    )
    assert not diff, (
        "the API schema changed; review the diff, then regenerate with\n"
        "  python -c 'import sys; from pluriel.graphql import sdl; sys.stdout.write(sdl())'"
        " > schema.graphql\n\n" + diff
    )
