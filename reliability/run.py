"""Run the reliability drills: ``python reliability/run.py [--quick] [drill ...]``.

Without drill names every drill runs, in order: fuzz, db, graphql, xss, ssrf,
soak. ``--quick`` runs the CI-sized versions (the same sizes the tests in
tests/reliability use); the full versions are bounded in time too. Figures
are printed as JSON and written to ``--out`` (default
reliability/results-{quick,full}.json). Exit status 1 when any drill failed.
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

if __package__ in {None, ""}:  # run as a script: make `reliability` and `pluriel` importable
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

__all__ = ["DRILLS", "main"]


def _fuzz(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.fuzz import run_fuzz

    return run_fuzz(examples=args.examples or (60 if quick else 2000))


def _db(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.dbfaults import run_db_faults

    return run_db_faults(events=300 if quick else 3000, rounds=1 if quick else 3)


def _graphql(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.hostile_graphql import run_hostile_graphql

    return run_hostile_graphql(queries=args.queries or (300 if quick else 10_000))


def _xss(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.xss import run_xss

    return run_xss(browser=True)


def _ssrf(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.ssrf import run_ssrf

    return run_ssrf(crawl=True)


def _soak(quick: bool, args: argparse.Namespace) -> dict[str, Any]:
    from reliability.soak import run_soak

    seconds = 20.0 if quick else 60.0 * args.minutes
    return run_soak(seconds=seconds, concurrency=args.concurrency).as_dict()


DRILLS: dict[str, Callable[[bool, argparse.Namespace], dict[str, Any]]] = {
    "fuzz": _fuzz,
    "db": _db,
    "graphql": _graphql,
    "xss": _xss,
    "ssrf": _ssrf,
    "soak": _soak,
}


def _failed(name: str, figures: dict[str, Any]) -> bool:
    return bool(figures.get("errors")) or bool(figures.get("failures"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("drills", nargs="*", choices=[*DRILLS, []], metavar="drill")
    parser.add_argument("--quick", action="store_true", help="CI-sized versions")
    parser.add_argument("--minutes", type=float, default=10.0, help="soak length (full run)")
    parser.add_argument("--concurrency", type=int, default=16, help="soak clients")
    parser.add_argument("--examples", type=int, default=0, help="fuzz examples per target")
    parser.add_argument("--queries", type=int, default=0, help="hostile GraphQL queries")
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON figures")
    args = parser.parse_args(argv)
    names = args.drills or list(DRILLS)
    report: dict[str, Any] = {
        "started": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if args.quick else "full",
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": __import__("os").cpu_count(),
        },
        "drills": {},
    }
    status = 0
    for name in names:
        began = time.monotonic()
        print(f"== {name}", file=sys.stderr, flush=True)
        try:
            figures = DRILLS[name](args.quick, args)
        except Exception as exc:  # a drill that crashes is a failed drill, the others still run
            figures = {"failures": [f"{type(exc).__name__}: {exc}"]}
        figures["elapsed_s"] = round(time.monotonic() - began, 1)
        report["drills"][name] = figures
        if _failed(name, figures):
            status = 1
        print(json.dumps({name: figures}, indent=2, default=str), flush=True)
    out = args.out or Path(__file__).with_name(f"results-{report['mode']}.json")
    if args.drills:
        out = out.with_name(out.stem + "-" + "-".join(names) + out.suffix)
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
