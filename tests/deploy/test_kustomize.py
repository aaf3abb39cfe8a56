"""Every kustomize target renders with `kubectl kustomize`, validates strictly against the
Kubernetes OpenAPI schemas, and keeps the promises docs/operations.md makes: read-only cluster
access, a locked-down pod, settings and secrets that match what kubedrift reads."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from kubedrift.policies.planfile import load_plan
from kubedrift.settings import load_settings
from tests.deploy.manifests import BASE, OVERLAYS, ROOT, container, one, render, targets
from tests.deploy.prometheusrule import GENERATED, prometheus_rule, text

# The oldest minor ACK and TKE still support and the newest the validator knows.
KUBERNETES_VERSIONS = ("1.30.0", kubernetes_validate.latest_version())
READ_VERBS = {"get", "list", "watch"}
REPLICAS = {"base": 2, "single-sqlite": 1, "ha-postgres": 2, "prometheus-operator": 2}
SQLITE_URL = "sqlite:////var/lib/kubedrift/kubedrift.sqlite"
STORE_URL = {
    "base": SQLITE_URL,
    "single-sqlite": SQLITE_URL,
    "ha-postgres": "postgresql://",
    "prometheus-operator": "postgresql://",
}
CRD_GROUPS = ("monitoring.coreos.com/",)


@pytest.fixture(scope="module", params=targets(), ids=lambda path: path.name)
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict[str, Any]]]:
    path: Path = request.param
    return path.name, render(path)


def test_the_overlays_are_the_documented_ones() -> None:
    names = {path.name for path in OVERLAYS.iterdir() if path.is_dir()}
    assert names == {"single-sqlite", "ha-postgres", "prometheus-operator"}


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
def test_every_document_validates_strictly(
    rendered: tuple[str, list[dict[str, Any]]], version: str
) -> None:
    _, docs = rendered
    for doc in docs:
        if doc["apiVersion"].startswith(CRD_GROUPS):
            continue  # custom resources: checked in test_prometheus_operator
        try:
            kubernetes_validate.validate(doc, version, strict=True)
        except kubernetes_validate.ValidationError as exc:
            pytest.fail(f"{doc['kind']}/{doc['metadata']['name']} ({version}): {exc.message}")


def test_every_source_file_and_patch_validates_strictly() -> None:
    # Patches are partial objects: validated without `required` only through the render above;
    # whole resource files must stand alone.
    for kustomization in sorted((ROOT / "deploy" / "kustomize").rglob("kustomization.yaml")):
        spec = yaml.safe_load(kustomization.read_text())
        for entry in spec.get("resources", []):
            path = kustomization.parent / entry
            assert path.exists(), f"{kustomization}: resource {entry} does not exist"
            if path.is_dir():
                assert (path / "kustomization.yaml").exists(), f"{path}: not a kustomization"
                continue
            for doc in yaml.safe_load_all(path.read_text()):
                if doc["apiVersion"].startswith(CRD_GROUPS):
                    continue
                kubernetes_validate.validate(doc, KUBERNETES_VERSIONS[-1], strict=True)
        for component in spec.get("components", []):
            assert (kustomization.parent / component / "kustomization.yaml").exists(), component
        for patch in spec.get("patches", []):
            assert (kustomization.parent / patch["path"]).exists(), patch
        for generator in spec.get("configMapGenerator", []):
            for file in generator.get("files", []):
                assert (kustomization.parent / file).exists(), f"{kustomization}: {file}"


def test_the_cluster_role_only_reads(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    cluster_roles = [doc for doc in docs if doc["kind"] == "ClusterRole"]
    assert [role["metadata"]["name"] for role in cluster_roles] == ["kubedrift-reader"]
    rules = cluster_roles[0]["rules"]
    for rule in rules:
        assert set(rule["verbs"]) <= READ_VERBS, rule
        assert "*" not in rule.get("resources", []) and "*" not in rule.get("apiGroups", [])
    granted = {
        (group, resource)
        for rule in rules
        for group in rule.get("apiGroups", [])
        for resource in rule.get("resources", [])
    }
    # Exactly what docs/collectors/kubeconfig.md lists, and no Secret, ConfigMap or Lease.
    assert granted == {("", "nodes"), ("", "pods"), ("apps", "deployments"), ("apps", "daemonsets")}
    urls = {url for rule in rules for url in rule.get("nonResourceURLs", [])}
    assert urls == {"/version", "/version/", "/metrics"}


def test_only_the_namespaced_role_touches_leases(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = rendered
    namespace = one(docs, "Namespace")["metadata"]["name"]
    roles = [doc for doc in docs if doc["kind"] in {"Role", "ClusterRole"}]
    writers = [
        role for role in roles if any(set(rule["verbs"]) - READ_VERBS for rule in role["rules"])
    ]
    assert [(role["kind"], role["metadata"]["name"]) for role in writers] == [
        ("Role", "kubedrift-leader-election")
    ]
    role = writers[0]
    assert role["metadata"]["namespace"] == namespace
    assert role["rules"] == [
        {"apiGroups": ["coordination.k8s.io"], "resources": ["leases"], "verbs": ["create"]},
        {
            "apiGroups": ["coordination.k8s.io"],
            "resources": ["leases"],
            "resourceNames": ["kubedrift-leader"],
            "verbs": ["get", "update"],
        },
    ]
    binding = one(docs, "RoleBinding", "kubedrift-leader-election")
    assert binding["roleRef"] == {
        "apiGroup": "rbac.authorization.k8s.io",
        "kind": "Role",
        "name": "kubedrift-leader-election",
    }


def test_bindings_name_the_deployments_service_account(
    rendered: tuple[str, list[dict[str, Any]]],
) -> None:
    _, docs = rendered
    namespace = one(docs, "Namespace")["metadata"]["name"]
    account = one(docs, "ServiceAccount")["metadata"]
    deployment = one(docs, "Deployment", "kubedrift")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == account["name"]
    for binding in (doc for doc in docs if doc["kind"] in {"RoleBinding", "ClusterRoleBinding"}):
        assert binding["subjects"] == [
            {"kind": "ServiceAccount", "name": account["name"], "namespace": namespace}
        ]
    for doc in docs:
        if doc["kind"] not in {"Namespace", "ClusterRole", "ClusterRoleBinding"}:
            assert doc["metadata"]["namespace"] == namespace, doc["metadata"]


def test_the_pod_is_locked_down(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    name, docs = rendered
    deployment = one(docs, "Deployment", "kubedrift")
    assert deployment["spec"]["replicas"] == REPLICAS[name]
    pod = deployment["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    assert pod["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    main = container(deployment)
    context = main["securityContext"]
    assert context["runAsNonRoot"] is True
    assert context["readOnlyRootFilesystem"] is True
    assert context["allowPrivilegeEscalation"] is False
    assert context.get("privileged", False) is False
    assert context["capabilities"] == {"drop": ["ALL"]}
    assert context["seccompProfile"] == {"type": "RuntimeDefault"}
    assert "hostNetwork" not in pod and "hostPID" not in pod
    assert main["resources"]["requests"] and main["resources"]["limits"]["memory"]
    assert main["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert main["readinessProbe"]["httpGet"]["path"] == "/readyz"
    # The writable paths of a read-only root: the state volume and TMPDIR.
    mounts = {mount["mountPath"]: mount for mount in main["volumeMounts"]}
    assert set(mounts) == {"/etc/kubedrift", "/var/lib/kubedrift", "/tmp"}
    assert mounts["/etc/kubedrift"]["readOnly"] is True
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    assert "emptyDir" in volumes[mounts["/tmp"]["name"]]
    state = volumes[mounts["/var/lib/kubedrift"]["name"]]
    if name == "single-sqlite":
        claim = state["persistentVolumeClaim"]["claimName"]
        assert set(state) == {"name", "persistentVolumeClaim"}
        assert one(docs, "PersistentVolumeClaim", claim)["spec"]["accessModes"] == ["ReadWriteOnce"]
        assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    else:
        assert set(state) == {"name", "emptyDir"}


def test_config_maps_and_service_wire_up(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    deployment = one(docs, "Deployment", "kubedrift")
    pod = deployment["spec"]["template"]["spec"]
    config_maps = {doc["metadata"]["name"] for doc in docs if doc["kind"] == "ConfigMap"}
    projected = next(volume for volume in pod["volumes"] if volume["name"] == "config")
    mounted = {source["configMap"]["name"] for source in projected["projected"]["sources"]}
    assert mounted == config_maps  # generated names (hash suffixes) are followed
    labels = pod.get("labels") or deployment["spec"]["template"]["metadata"]["labels"]
    selector = deployment["spec"]["selector"]["matchLabels"]
    assert selector.items() <= labels.items()
    service = one(docs, "Service", "kubedrift")
    assert service["spec"]["selector"].items() <= labels.items()
    port = next(p for p in container(deployment)["ports"] if p["name"] == "http")
    assert service["spec"]["ports"][0]["targetPort"] == "http"
    budget = one(docs, "PodDisruptionBudget", "kubedrift")
    assert budget["spec"]["selector"]["matchLabels"].items() <= labels.items()
    policy = one(docs, "NetworkPolicy", "kubedrift")
    assert policy["spec"]["podSelector"]["matchLabels"].items() <= labels.items()
    ingress_ports = {p["port"] for rule in policy["spec"]["ingress"] for p in rule["ports"]}
    assert ingress_ports == {port["containerPort"]}
    # No secret value is ever committed: Secrets are referenced, never rendered.
    assert not [doc for doc in docs if doc["kind"] == "Secret"]


def _settings_from(docs: list[dict[str, Any]], directory: Path) -> Any:
    """Writes the rendered ConfigMaps where the pod mounts them and loads them as kubedrift
    does."""
    for doc in docs:
        if doc["kind"] == "ConfigMap":
            for file, text in doc["data"].items():
                (directory / file).write_text(text)
    return load_settings(directory / "kubedrift.yaml")


def test_rendered_settings_and_plan_load(
    rendered: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    name, docs = rendered
    settings = _settings_from(docs, tmp_path)
    assert settings.plan == tmp_path / "plan.yaml"
    load_plan(settings.plan)
    assert settings.store.url == STORE_URL[name]
    _host, port = settings.http.host_port
    deployment = one(docs, "Deployment", "kubedrift")
    main = container(deployment)
    assert [p["containerPort"] for p in main["ports"]] == [port]
    assert main["args"] == ["daemon", "--config", "/etc/kubedrift/kubedrift.yaml"]


def test_every_secret_the_settings_name_comes_from_a_secret(
    rendered: tuple[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    _, docs = rendered
    settings = _settings_from(docs, tmp_path)
    named = {settings.trigger_token_env}
    for config in (*settings.sources, *settings.notifiers):
        named |= {value for field, value in config if field.endswith("_env") and value}
    # STS session tokens expire within hours: a static Secret cannot hold one; the providers'
    # default chains (RRSA, the TKE OIDC role) supply them.
    named -= {None, "ALIBABA_CLOUD_SECURITY_TOKEN", "TENCENTCLOUD_SESSION_TOKEN"}
    env = {item["name"]: item for item in container(one(docs, "Deployment", "kubedrift"))["env"]}
    from_secrets = {
        name for name, item in env.items() if "secretKeyRef" in item.get("valueFrom", {})
    }
    assert named <= from_secrets, f"not set from a Secret: {sorted(named - from_secrets)}"
    assert not [item for item in env.values() if "value" in item and "TOKEN" in item["name"]]


def test_base_plan_is_the_example_plan() -> None:
    assert (BASE / "plan.yaml").read_text() == (ROOT / "examples" / "plan.yaml").read_text()


def test_ha_postgres_settings_differ_from_the_base_only_in_the_store() -> None:
    base = yaml.safe_load((BASE / "kubedrift.yaml").read_text())
    overlay = yaml.safe_load((OVERLAYS / "ha-postgres" / "kubedrift.yaml").read_text())
    assert base.pop("store") != overlay.pop("store")
    assert base == overlay


def test_the_image_user_is_the_pods_user(rendered: tuple[str, list[dict[str, Any]]]) -> None:
    _, docs = rendered
    dockerfile = (ROOT / "Dockerfile").read_text()
    user_lines = [line.split()[1] for line in dockerfile.splitlines() if line.startswith("USER ")]
    uid, _, gid = user_lines[-1].partition(":")
    pod = one(docs, "Deployment", "kubedrift")["spec"]["template"]["spec"]
    assert pod["securityContext"]["runAsUser"] == int(uid)
    assert pod["securityContext"]["runAsGroup"] == int(gid)


def test_prometheus_operator_scrapes_the_service_and_carries_the_rules() -> None:
    docs = render(OVERLAYS / "prometheus-operator")
    service = one(docs, "Service", "kubedrift")
    monitor = one(docs, "ServiceMonitor", "kubedrift")
    namespace = one(docs, "Namespace")["metadata"]["name"]
    assert monitor["metadata"]["namespace"] == namespace
    assert (
        monitor["spec"]["selector"]["matchLabels"].items() <= service["metadata"]["labels"].items()
    )
    (endpoint,) = monitor["spec"]["endpoints"]
    assert endpoint["port"] in {port["name"] for port in service["spec"]["ports"]}
    assert endpoint["path"] == "/metrics"
    rule = one(docs, "PrometheusRule", "kubedrift")
    assert rule["metadata"]["namespace"] == namespace
    assert rule["spec"] == prometheus_rule()["spec"]
    alerts = [r for group in rule["spec"]["groups"] for r in group["rules"]]
    assert alerts and all(r.get("alert") and r.get("expr") for r in alerts)


def test_the_generated_prometheus_rule_is_up_to_date() -> None:
    assert GENERATED.read_text() == text(), (
        "deploy/prometheus/rules.yaml changed: run .venv/bin/python -m tests.deploy.prometheusrule"
    )
