"""deploy/k8s: every built-in resource valid against the official Kubernetes schemas.

``kubernetes-validate`` ships the JSON schemas of each Kubernetes release
offline; strict mode rejects unknown fields. The CloudNativePG ``Cluster``
and the kustomization are not built-in kinds: their wiring is checked field
by field (replica, PostgreSQL 16, the -rw/-ro services the API uses).
"""

from __future__ import annotations

import copy
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.conftest import DEPLOY

K8S = DEPLOY / "k8s"
KUBERNETES = "1.30"
NOT_BUILT_IN = {"Cluster", "Kustomization"}


def _documents() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted([*K8S.glob("*.yaml"), *K8S.glob("jobs/*.yaml")]):
        for document in yaml.safe_load_all(path.read_text()):
            found.append((str(path.relative_to(K8S)), document))
    return found


DOCUMENTS = _documents()
BY_KIND = {doc["kind"]: doc for _, doc in DOCUMENTS}


def test_the_expected_resources_are_there() -> None:
    assert sorted((name, doc["kind"]) for name, doc in DOCUMENTS) == [
        ("api-deployment.yaml", "Deployment"),
        ("api-hpa.yaml", "HorizontalPodAutoscaler"),
        ("api-pdb.yaml", "PodDisruptionBudget"),
        ("api-service.yaml", "Service"),
        ("configmap.yaml", "ConfigMap"),
        ("crawl-cronjob.yaml", "CronJob"),
        ("jobs/migrate-job.yaml", "Job"),
        ("kustomization.yaml", "Kustomization"),
        ("namespace.yaml", "Namespace"),
        ("postgres-cluster.yaml", "Cluster"),
    ]


@pytest.mark.parametrize(
    ("name", "document"),
    [(name, doc) for name, doc in DOCUMENTS if doc["kind"] not in NOT_BUILT_IN],
    ids=lambda value: value if isinstance(value, str) else "",
)
def test_manifest_matches_the_kubernetes_schema(name: str, document: dict[str, Any]) -> None:
    kubernetes_validate.validate(document, KUBERNETES, strict=True)


def test_the_schema_check_does_reject_mistakes() -> None:
    broken = copy.deepcopy(BY_KIND["Deployment"])
    broken["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["httpGet"]["paht"] = "/"
    with pytest.raises(kubernetes_validate.ValidationError) as caught:
        kubernetes_validate.validate(broken, KUBERNETES, strict=True)
    assert "'paht'" in str(caught.value)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = BY_KIND["Kustomization"]
    listed = sorted(kustomization["resources"])
    assert listed == sorted(p.name for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")
    assert kustomization["namespace"] == "pluriel"
    namespaced = [doc for _, doc in DOCUMENTS if doc["kind"] not in {"Namespace", "Kustomization"}]
    assert {doc["metadata"]["namespace"] for doc in namespaced} == {"pluriel"}
    assert BY_KIND["Namespace"]["metadata"]["name"] == "pluriel"


def _pod(kind: str) -> dict[str, Any]:
    spec = BY_KIND[kind]["spec"]
    if kind == "CronJob":
        spec = spec["jobTemplate"]["spec"]
    pod: dict[str, Any] = spec["template"]["spec"]
    return pod


@pytest.mark.parametrize("kind", ["Deployment", "CronJob", "Job"])
def test_pods_run_non_root_on_a_read_only_root(kind: str) -> None:
    pod = _pod(kind)
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 10001,
        "runAsGroup": 10001,
        "fsGroup": 10001,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    assert pod["automountServiceAccountToken"] is False
    (container,) = pod["containers"]
    assert container["securityContext"] == {
        "allowPrivilegeEscalation": False,
        "readOnlyRootFilesystem": True,
        "capabilities": {"drop": ["ALL"]},
    }
    assert container["volumeMounts"] == [{"name": "tmp", "mountPath": "/tmp"}]  # noqa: S108
    assert [v["name"] for v in pod["volumes"]] == ["tmp"]
    assert set(container["resources"]) == {"requests", "limits"}
    assert set(container["resources"]["limits"]) == {"cpu", "memory"}
    assert container["image"] == "ghcr.io/pluriel/pluriel:0.1.0"
    assert container["envFrom"] == [{"configMapRef": {"name": "pluriel-config"}}]
    password = {"name": "pluriel-db-app", "key": "password"}
    assert container["env"][0] == {"name": "PGPASSWORD", "valueFrom": {"secretKeyRef": password}}


def test_api_probes_ports_and_command() -> None:
    (container,) = _pod("Deployment")["containers"]
    assert container["args"] == [
        "pluriel", "serve", "--host", "0.0.0.0", "--port", "8000",
        "--workers", "2", "--log-format", "json",
    ]  # fmt: skip
    assert container["ports"] == [{"name": "http", "containerPort": 8000}]
    assert container["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["startupProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    # Liveness must not depend on PostgreSQL, or a database outage restarts every pod.
    assert container["livenessProbe"]["tcpSocket"] == {"port": "http"}


def test_service_hpa_and_pdb_point_at_the_api() -> None:
    deployment = BY_KIND["Deployment"]
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    assert BY_KIND["Service"]["spec"]["selector"] == selector
    assert BY_KIND["Service"]["spec"]["ports"] == [
        {"name": "http", "port": 80, "targetPort": "http"}
    ]
    assert BY_KIND["PodDisruptionBudget"]["spec"] == {
        "minAvailable": 1,
        "selector": {"matchLabels": selector},
    }
    hpa = BY_KIND["HorizontalPodAutoscaler"]["spec"]
    assert hpa["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": deployment["metadata"]["name"],
    }
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 10)
    # The PDB leaves at least one pod while the HPA keeps two.
    assert hpa["minReplicas"] > BY_KIND["PodDisruptionBudget"]["spec"]["minAvailable"]


def test_migrate_job_runs_the_migrations() -> None:
    job = BY_KIND["Job"]
    assert job["metadata"]["generateName"] == "pluriel-migrate-"
    (container,) = _pod("Job")["containers"]
    assert (container["name"], container["args"]) == ("migrate", ["pluriel", "db", "migrate"])


def test_crawl_cronjob_never_overlaps() -> None:
    cron = BY_KIND["CronJob"]["spec"]
    assert (cron["schedule"], cron["concurrencyPolicy"]) == ("*/5 * * * *", "Forbid")
    assert cron["jobTemplate"]["spec"]["backoffLimit"] == 0
    (container,) = _pod("CronJob")["containers"]
    assert container["args"] == ["pluriel", "scheduler", "--once", "--log-format", "json"]
    assert _pod("CronJob")["restartPolicy"] == "Never"


def test_postgres_cluster_has_a_replica_and_feeds_both_urls() -> None:
    cluster = BY_KIND["Cluster"]
    assert cluster["apiVersion"] == "postgresql.cnpg.io/v1"
    spec = cluster["spec"]
    assert spec["instances"] == 2
    assert spec["imageName"].startswith("ghcr.io/cloudnative-pg/postgresql:16.")
    assert spec["bootstrap"] == {"initdb": {"database": "pluriel", "owner": "pluriel"}}
    assert set(spec["storage"]) == {"size"}
    name = cluster["metadata"]["name"]
    config = BY_KIND["ConfigMap"]["data"]
    # CloudNativePG names its services <cluster>-rw (primary) and <cluster>-ro (replicas).
    assert config["DATABASE_URL"].startswith(f"host={name}-rw port=5432 dbname=pluriel ")
    assert config["DATABASE_READ_URL"].startswith(f"host={name}-ro port=5432 dbname=pluriel ")
    # ... and its application secret <cluster>-app, which the pods read the password from.
    (container,) = _pod("Deployment")["containers"]
    assert container["env"][0]["valueFrom"]["secretKeyRef"]["name"] == f"{name}-app"
