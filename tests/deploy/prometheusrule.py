"""The PrometheusRule of the prometheus-operator component, generated from
deploy/prometheus/rules.yaml (the one source of the alert rules, with promtool tests).

    .venv/bin/python -m tests.deploy.prometheusrule     # rewrites the generated file

tests/deploy/test_kustomize.py fails while the committed file differs from what this makes.
"""

from __future__ import annotations

from typing import Any

import yaml

from tests.deploy.manifests import KUSTOMIZE, ROOT

RULES = ROOT / "deploy" / "prometheus" / "rules.yaml"
GENERATED = KUSTOMIZE / "components" / "prometheus-operator" / "prometheusrule.yaml"
HEADER = (
    "# Generated from deploy/prometheus/rules.yaml by `python -m tests.deploy.prometheusrule`:\n"
    "# edit the rules there (and their promtool tests), then regenerate. Do not edit here.\n"
)


def prometheus_rule() -> dict[str, Any]:
    groups = yaml.safe_load(RULES.read_text())["groups"]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": "kubedrift"},
        "spec": {"groups": groups},
    }


def text() -> str:
    body = yaml.safe_dump(prometheus_rule(), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


if __name__ == "__main__":
    GENERATED.write_text(text())
    print(f"wrote {GENERATED.relative_to(ROOT)}")
