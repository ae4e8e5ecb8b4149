#!/usr/bin/env python3
"""The two commands of README.md, runnable with nothing but Python 3.11+.

    python3 dev.py demo [--port 8000]   the demo: embedded PostgreSQL, sources crawled, API served
    python3 dev.py test [pytest args]   install everything, then lint, type-check and run every test

Both create ./.venv on first use and reinstall only when pyproject.toml changes.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / "python"


def run(*cmd: str | Path) -> None:
    print("+", " ".join(str(c) for c in cmd), flush=True)
    code = subprocess.call([str(c) for c in cmd], cwd=ROOT)  # noqa: S603 - our own tools
    if code:
        sys.exit(code)


def ensure_venv(extras: str) -> None:
    if not PY.exists():
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    stamp = VENV / f".installed-{extras or 'base'}"
    if stamp.exists() and stamp.read_text() == digest:
        return
    run(PY, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    run(PY, "-m", "pip", "install", "--quiet", "-e", f".{extras}")
    stamp.write_text(digest)


def demo(args: list[str]) -> None:
    ensure_venv("")
    os.execv(str(BIN / "pluriel"), [str(BIN / "pluriel"), "demo", *args])  # noqa: S606


def test(args: list[str]) -> None:
    ensure_venv("[test]")
    paths = [p for p in ("src", "tests", "bench", "reliability", "dev.py") if (ROOT / p).exists()]
    run(BIN / "ruff", "format", "--check", *paths)
    run(BIN / "ruff", "check", *paths)
    run(BIN / "mypy")
    run(BIN / "lint-imports")
    run(PY, "-m", "pytest", *args)


def main() -> None:
    commands = {"demo": demo, "test": test}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    commands[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
