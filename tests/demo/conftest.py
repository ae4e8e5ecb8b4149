"""A demo site built for a fixed date, and one served on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from pluriel.demo import DemoSiteServer, Document, build_site, serve_site

TODAY = date(2026, 11, 21)
BASE = "http://127.0.0.1:8000"


@pytest.fixture(scope="module")
def site() -> dict[str, Document]:
    return build_site(TODAY, BASE)


@pytest.fixture
def served() -> Iterator[DemoSiteServer]:
    with serve_site(build=lambda base: build_site(TODAY, base)) as server:
        yield server
