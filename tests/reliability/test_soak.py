"""A 20-second soak: fixed concurrency on loopback with a crawl ingesting alongside."""

from __future__ import annotations

from reliability.soak import run_soak, slope


def test_a_short_soak_has_no_errors_and_its_crawls_succeed() -> None:
    figures = run_soak(seconds=20, concurrency=8, seed_events=200)
    assert figures.error_samples == []
    assert figures.errors == 0
    assert list(figures.statuses) == [200]
    assert figures.crawls >= 1
    assert figures.crawl_failures == 0
    assert figures.rss_max_mib - figures.rss_start_mib < 100


def test_slope_is_mib_per_minute() -> None:
    assert slope([(0.0, 100.0), (30.0, 101.0), (60.0, 102.0)]) == 2.0
    assert slope([(0.0, 100.0)]) == 0.0
