"""The files that run crawl workers: valid Kubernetes and Compose, wired to one Redis URL.

``deploy/k8s-workers`` is a Kustomize overlay on ``deploy/k8s`` and
``deploy/compose.workers.yaml`` an override of ``deploy/compose.yaml``;
both are checked offline with the schemas ``tests/deploy`` uses.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import kubernetes_validate
import pytest
import yaml

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
OVERLAY = DEPLOY / "k8s-workers"
COMPOSE_SCHEMA = Path(__file__).resolve().parents[1] / "deploy" / "compose_spec.json"
KUBERNETES = "1.30"
REDIS_URL = "redis://pluriel-redis:6379/0"


def _manifests() -> list[tuple[str, dict[str, Any]]]:
    return [
        (path.name, document)
        for path in sorted(OVERLAY.glob("*.yaml"))
        for document in yaml.safe_load_all(path.read_text())
    ]


MANIFESTS = _manifests()
BY_KIND = {doc["kind"]: doc for name, doc in MANIFESTS if name != "crawl-cronjob-dispatch.yaml"}


def test_the_overlay_holds_the_queue_and_the_workers() -> None:
    assert sorted((name, doc["kind"]) for name, doc in MANIFESTS) == [
        ("crawl-cronjob-dispatch.yaml", "CronJob"),
        ("crawl-worker-hpa.yaml", "HorizontalPodAutoscaler"),
        ("crawl-worker.yaml", "Deployment"),
        ("kustomization.yaml", "Kustomization"),
        ("redis.yaml", "Deployment"),
        ("redis.yaml", "NetworkPolicy"),
        ("redis.yaml", "Service"),
    ]
    kustomization = BY_KIND["Kustomization"]
    assert kustomization["resources"][0] == "../k8s"
    listed = set(kustomization["resources"][1:]) | {p["path"] for p in kustomization["patches"]}
    assert listed == {name for name, _ in MANIFESTS} - {"kustomization.yaml"}


@pytest.mark.parametrize(
    ("name", "document"),
    [
        (name, doc)
        for name, doc in MANIFESTS
        if doc["kind"] != "Kustomization" and name != "crawl-cronjob-dispatch.yaml"
    ],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_manifest_matches_the_kubernetes_schema(name: str, document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES, strict=True)


def _env(container: dict[str, Any]) -> dict[str, str]:
    return {item["name"]: item.get("value", "") for item in container.get("env", [])}


def test_workers_and_the_cronjob_share_the_queue_and_workers_never_see_the_database() -> None:
    deployments = {
        doc["metadata"]["name"]: doc for _, doc in MANIFESTS if doc["kind"] == "Deployment"
    }
    (container,) = deployments["pluriel-crawl-worker"]["spec"]["template"]["spec"]["containers"]
    assert container["args"][:2] == ["pluriel", "crawl-worker"]
    assert _env(container) == {"PLURIEL_REDIS_URL": REDIS_URL, "TZ": "Etc/UTC"}
    assert "envFrom" not in container  # the ConfigMap holds DATABASE_URL
    patch = dict(MANIFESTS)["crawl-cronjob-dispatch.yaml"]
    (cron,) = patch["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"]
    assert (cron["name"], _env(cron)) == ("crawl", {"PLURIEL_REDIS_URL": REDIS_URL})
    service = BY_KIND["Service"]
    assert (service["metadata"]["name"], service["spec"]["ports"][0]["port"]) == (
        "pluriel-redis",
        6379,
    )


def test_the_compose_override_is_valid_and_wired() -> None:
    override: dict[str, Any] = yaml.safe_load((DEPLOY / "compose.workers.yaml").read_text())
    validator = jsonschema.Draft201909Validator(json.loads(COMPOSE_SCHEMA.read_text()))
    assert sorted(error.message for error in validator.iter_errors(override)) == []
    services = override["services"]
    assert sorted(services) == ["crawl-worker", "redis", "scheduler"]
    url = "redis://redis:6379/0"
    assert services["scheduler"]["environment"] == {"PLURIEL_REDIS_URL": url}
    assert services["crawl-worker"]["environment"]["PLURIEL_REDIS_URL"] == url
    assert "DATABASE_URL" not in services["crawl-worker"]["environment"]
    assert services["crawl-worker"]["command"][:2] == ["pluriel", "crawl-worker"]
