"""Hostile event text through every way in: plain in GraphQL, inert in the widget (Chromium)."""

from __future__ import annotations

import shutil

import pytest
from reliability.xss import PAYLOADS, run_xss

from tests.conftest import require_runtime

pytestmark = pytest.mark.browser


def test_hostile_text_never_reaches_the_api_as_markup_nor_runs_in_the_widget(db_url: str) -> None:
    require_runtime(shutil.which("chromium") is not None, "Chromium is not installed")
    figures = run_xss(browser=True, database_url=db_url)
    assert figures["failures"] == []
    n = len(PAYLOADS)
    # 3 feeds, the CLI import, the API (one accepted variant per payload) and an upload.
    assert figures["events_checked_in_graphql"] == 6 * n
    assert figures["ways_in"]["api_and_upload"] == {
        "invalid": 3 * (n - 1) + 1,
        "approved": n,
        "upload:approved": 1,
    }
    browser = figures["browser"]
    assert (browser["dialogs_fired"], browser["marker"], browser["injected_elements"]) == (
        [],
        0,
        [],
    )
    assert browser["details_opened"] == 6 * n
    form = figures["form"]
    assert (form["dialogs"], form["marker"], form["injected_elements"]) == ([], 0, [])
    assert form["pages"] == ["/submit", "/submit/mine", "/submit/upload", "/moderation"]
    assert form["place_suggestions"] >= 1
    assert form["queued_upload"] == "pending"
