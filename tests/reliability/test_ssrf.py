"""SSRF: every spelling of a private address, redirects and rebinding are refused."""

from __future__ import annotations

from reliability.ssrf import LITERALS, NAMES, run_ssrf


def test_private_targets_are_refused_by_the_check_and_by_a_real_crawl() -> None:
    figures = run_ssrf(crawl=True)
    assert figures["failures"] == []
    assert figures["targets_checked"] == len(LITERALS) + len(NAMES) + 3 + 6
    assert sorted(figures["crawl_outcomes"]) == sorted(
        [
            "decimal",
            "hex",
            "ipv6-link-local",
            "ipv6-loopback",
            "localhost",
            "loopback",
            "metadata",
            "redirect-decimal",
            "redirect-file",
            "redirect-ipv6",
            "redirect-localhost",
            "redirect-loopback",
            "redirect-metadata",
            "redirect-private",
        ]
    )
