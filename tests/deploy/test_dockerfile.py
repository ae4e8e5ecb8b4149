"""deploy/Dockerfile: pinned bases, tzdata, a non-root user, a health check, the serve command.

CI cannot build images, so the instructions are parsed and checked one by one.
"""

from __future__ import annotations

import json

import pytest

from tests.deploy.conftest import DEPLOY


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined: list[str] = []
    pending = ""
    for line in (DEPLOY / "Dockerfile").read_text().splitlines():
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        joined.append(pending + stripped)
        pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in joined]


INSTRUCTIONS = _instructions()


def _all(name: str) -> list[str]:
    return [args for instruction, args in INSTRUCTIONS if instruction == name]


def test_base_images_are_pinned_slim_python() -> None:
    (default,) = [a for a in _all("ARG") if a.startswith("PYTHON_IMAGE=")]
    image = default.removeprefix("PYTHON_IMAGE=")
    assert image == "python:3.12-slim-bookworm"
    assert _all("FROM") == ["${PYTHON_IMAGE} AS build", "${PYTHON_IMAGE}"]


def test_tzdata_is_installed_without_recommends() -> None:
    installs = [a for a in _all("RUN") if "apt-get install" in a]
    assert len(installs) == 1
    assert "--no-install-recommends tzdata" in installs[0]
    assert installs[0].endswith("rm -rf /var/lib/apt/lists/*")


def test_runs_as_a_numeric_non_root_user() -> None:
    users = _all("USER")
    assert users == ["10001:10001"]
    # USER comes after the last RUN: nothing runs as root at run time.
    names = [instruction for instruction, _ in INSTRUCTIONS]
    assert names.index("USER") > max(i for i, name in enumerate(names) if name == "RUN")
    assert any("useradd --system --uid 10001" in a for a in _all("RUN"))


def test_the_package_is_pip_installed_from_built_wheels() -> None:
    runs = _all("RUN")
    assert "pip wheel --no-cache-dir --wheel-dir /wheels ." in runs
    assert "pip install --no-index --find-links=/wheels pluriel && rm -rf /wheels" in runs


def test_healthcheck_calls_healthz() -> None:
    (check,) = _all("HEALTHCHECK")
    options, _, command = check.partition(" CMD ")
    assert options.split() == [
        "--interval=15s",
        "--timeout=5s",
        "--start-period=30s",
        "--retries=3",
    ]
    argv = json.loads(command)
    assert argv[:2] == ["python", "-c"]
    assert "'http://127.0.0.1:8000/healthz'" in argv[2]


def test_serves_with_several_workers() -> None:
    (cmd,) = _all("CMD")
    assert json.loads(cmd) == [
        "pluriel", "serve", "--host", "0.0.0.0", "--port", "8000",
        "--workers", "4", "--log-format", "json",
    ]  # fmt: skip
    assert _all("EXPOSE") == ["8000"]


@pytest.mark.parametrize("line", ["ADD", "latest"])
def test_nothing_unpinned_or_fetched(line: str) -> None:
    assert not [args for instruction, args in INSTRUCTIONS if line in (instruction, *args.split())]


def test_build_context_is_limited() -> None:
    ignore = (DEPLOY / "Dockerfile.dockerignore").read_text().splitlines()
    assert [rule for rule in ignore if rule and not rule.startswith("#")] == [
        "**",
        "!pyproject.toml",
        "!README.md",
        "!src/",
        "**/__pycache__",
        "**/*.pyc",
    ]
