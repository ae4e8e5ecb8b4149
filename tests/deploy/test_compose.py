"""deploy/compose.yaml: valid against the Compose Specification, and wired as documented.

``compose_spec.json`` is the compose-spec JSON Schema as shipped in
docker-compose 1.29.2 (Apache-2.0), kept here so the check runs offline.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from tests.deploy.conftest import DEPLOY

SCHEMA = json.loads((Path(__file__).parent / "compose_spec.json").read_text())
# The containers' tmpfs, not a temporary file of this test.
TMP = "/tmp"  # noqa: S108
PASSWORD = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in deploy/.env}"


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.yaml").read_text())
    return loaded


def _errors(document: dict[str, Any]) -> list[str]:
    validator = jsonschema.Draft201909Validator(SCHEMA)
    return sorted(error.message for error in validator.iter_errors(document))


def test_compose_file_matches_the_compose_spec(compose: dict[str, Any]) -> None:
    assert _errors(compose) == []


def test_the_schema_does_catch_mistakes(compose: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(compose))
    broken["services"]["api"]["healthcheck"]["tset"] = ["CMD", "true"]
    broken["services"]["db"]["depends_on"] = {"api": {"condition": "service_ready"}}
    assert _errors(broken) == [
        "'tset' does not match any of the regexes: '^x-'",
        "{'api': {'condition': 'service_ready'}} is not valid under any of the given schemas",
    ]


def test_services_and_images(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert sorted(services) == ["api", "cache", "db", "migrate", "scheduler"]
    images = {name: service["image"] for name, service in services.items()}
    assert images == {
        "db": "postgres:16-bookworm",
        "migrate": "pluriel:${PLURIEL_VERSION:-0.1.0}",
        "api": "pluriel:${PLURIEL_VERSION:-0.1.0}",
        "scheduler": "pluriel:${PLURIEL_VERSION:-0.1.0}",
        "cache": "nginxinc/nginx-unprivileged:1.27-alpine",
    }
    for name in ["migrate", "api", "scheduler"]:
        assert services[name]["build"] == {"context": "..", "dockerfile": "deploy/Dockerfile"}


def test_commands(compose: dict[str, Any]) -> None:
    commands = {name: s.get("command") for name, s in compose["services"].items()}
    assert commands == {
        "db": [
            "postgres",
            "-c",
            "shared_buffers=512MB",
            "-c",
            "effective_cache_size=1536MB",
            "-c",
            "max_connections=100",
        ],
        "migrate": ["pluriel", "db", "migrate"],
        "api": [
            "pluriel",
            "serve",
            "--host",
            "0.0.0.0",
            "--port",
            "8000",
            "--workers",
            "4",
            "--log-format",
            "json",
        ],
        "scheduler": [
            "pluriel",
            "scheduler",
            "--interval",
            "300",
            "--log-format",
            "json",
            "--metrics-port",
            "9100",
            "--metrics-host",
            "0.0.0.0",
        ],
        "cache": None,
    }


def test_start_order_waits_for_health_and_migrations(compose: dict[str, Any]) -> None:
    depends = {name: s.get("depends_on") for name, s in compose["services"].items()}
    after_migrations = {
        "db": {"condition": "service_healthy"},
        "migrate": {"condition": "service_completed_successfully"},
    }
    assert depends == {
        "db": None,
        "migrate": {"db": {"condition": "service_healthy"}},
        "api": after_migrations,
        "scheduler": after_migrations,
        "cache": {"api": {"condition": "service_healthy"}},
    }


def test_healthchecks(compose: dict[str, Any]) -> None:
    tests = {name: s.get("healthcheck", {}).get("test") for name, s in compose["services"].items()}
    assert tests == {
        "db": ["CMD-SHELL", "pg_isready -U pluriel -d pluriel"],
        "migrate": None,
        "api": [
            "CMD",
            "python",
            "-c",
            "import sys, urllib.request; sys.exit(urllib.request.urlopen("
            "'http://127.0.0.1:8000/healthz', timeout=4).status != 200)",
        ],
        "scheduler": [
            "CMD",
            "python",
            "-c",
            "import urllib.request; urllib.request.urlopen("
            "'http://127.0.0.1:9100/metrics', timeout=4)",
        ],
        "cache": ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/nginx-health"],
    }


def test_only_the_cache_is_published_and_data_lives_in_volumes(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert {name: s.get("ports") for name, s in services.items() if s.get("ports")} == {
        "cache": ["8080:8080"]
    }
    assert services["api"]["expose"] == ["8000"]
    assert services["scheduler"]["expose"] == ["9100"]
    assert services["db"]["volumes"] == ["pgdata:/var/lib/postgresql/data"]
    assert services["cache"]["volumes"] == [
        "./nginx/nginx.conf:/etc/nginx/nginx.conf:ro",
        "nginx-cache:/var/cache/nginx",
    ]
    assert compose["volumes"] == {"pgdata": None, "nginx-cache": None}
    assert (DEPLOY / "nginx" / "nginx.conf").is_file()


def test_app_containers_are_read_only_with_a_tmpfs(compose: dict[str, Any]) -> None:
    for name in ["migrate", "api", "scheduler", "cache"]:
        service = compose["services"][name]
        assert (name, service["read_only"], service["tmpfs"]) == (name, True, [TMP])


def test_database_urls_and_secrets(compose: dict[str, Any]) -> None:
    services = compose["services"]
    url = f"postgresql://pluriel:{PASSWORD}@db:5432/pluriel"
    for name in ["migrate", "api", "scheduler"]:
        env = services[name]["environment"]
        assert (env["DATABASE_URL"], env["DATABASE_READ_URL"]) == (url, url)
    assert services["api"]["environment"]["PROMETHEUS_MULTIPROC_DIR"] == f"{TMP}/prometheus"
    assert "PROMETHEUS_MULTIPROC_DIR" not in services["scheduler"]["environment"]
    assert services["db"]["environment"] == {
        "POSTGRES_DB": "pluriel",
        "POSTGRES_USER": "pluriel",
        "POSTGRES_PASSWORD": PASSWORD,
    }
    # The password is never written in the file itself.
    assert "POSTGRES_PASSWORD=\n" in (DEPLOY / "env.example").read_text()
