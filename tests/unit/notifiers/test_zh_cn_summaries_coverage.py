"""Every summary the rules and the engine write has its Chinese form, and every form is used.

Findings are generated broadly: the simulated fleet's evaluation against the example plan,
and the rule tests' clusters (`tests/unit/policies/rules/builders.py`) varied over what each
rule looks at (versions behind, ahead, unknown, out of the skew policy; live and packaged
support dates; add-ons missing, pending, incomparable; removed APIs; Swarm and Mesos lines),
evaluated by the engine under plans with groups, waivers (live, expiring, expired) and a
cluster no group selects, plus collection failures and a rule that raises. A failure lists
the English parts no form reads; a form no summary (nor a case of `test_zh_cn_summaries`)
uses is listed too, so the table holds no dead forms.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from kubedrift.calendar import load_calendar
from kubedrift.model.findings import Finding
from kubedrift.model.inventory import ClusterInventory, ClusterRef, CollectionFailed
from kubedrift.model.plan import VersionPlan
from kubedrift.notifiers.templates.zh_cn_forms import Form
from kubedrift.notifiers.templates.zh_cn_summaries import SUMMARIES, SUMMARY_FORMS
from kubedrift.policies.engine import collection_findings, evaluate
from kubedrift.policies.rules.base import stamp
from kubedrift.policies.rules.control_plane import ControlPlaneAhead
from kubedrift.policies.rules.parts import rule_error
from kubedrift.policies.rules.registry import all_rule_infos
from tests.unit.notifiers.test_zh_cn_summaries import CASES, fleet_findings
from tests.unit.policies.rules.builders import cluster
from tests.unit.policies.rules.test_platforms import mesos, swarm

NOW = datetime(2026, 11, 26, 9, tzinfo=UTC)
SOURCE = {"id": "live", "title": "API", "url": "https://example.invalid", "retrieved": "2026-11-26"}


def _support(provider: str, minor: str, end: str, final: str | None = None) -> dict[str, Any]:
    window: dict[str, Any] = {
        "provider": provider,
        "minor": minor,
        "released": {"value": "2024-08-20", "source": SOURCE},
        "end_of_support": {"value": end, "source": SOURCE},
    }
    if final is not None:
        window["end_of_maintenance"] = {"value": final, "source": SOURCE}
    return window


def kubernetes_clusters() -> Iterator[ClusterInventory]:
    """Clusters that trip every Kubernetes rule one way or another (labelled by group)."""

    def make(name: str, group: str, version: str | None = "1.30.2", **fields: Any) -> Any:
        labels = {"group": group, **fields.pop("labels", {})}
        return cluster(version, name=name, labels=labels, **fields)

    # Control plane: behind (within, beyond, catch-up), ahead, patches, offers.
    yield make("behind", "strict", "1.27.3")
    yield make("behind-catch-up", "catch-up", "1.27.3")
    yield make("within", "lenient", "1.29.4")
    yield make("ahead", "strict", "1.33.1")
    yield make("patch-rejected", "patch-range", "1.30.2")
    yield make("patch-behind", "patches", "v1.31.1")
    yield make("patch-behind-live", "patches", "1.31.1", available=("1.31.1", "1.31.9"))
    yield make("patch-unknown", "future", "1.99.0")
    yield make("patch-behind-ack", "patches", "1.31.1-aliyun.1", provider="ack", region="r")
    yield make("not-offered", "strict", "1.30.1-aliyun.1", provider="ack", region="cn-hangzhou",
               available=("1.30.1-aliyun.1", "1.30.7-aliyun.1"))  # fmt: skip
    yield make("not-offered-anywhere", "strict", "1.30.1-aliyun.1", provider="ack",
               available=("1.30.1-aliyun.1", "1.30.7-aliyun.1"))  # fmt: skip
    yield make("offer-unknown", "strict", "1.30.1-tke.1", provider="tke", region="ap-guangzhou")
    # End of support: packaged, live (alone, disagreeing with the package, with maintenance
    # after it), a published estimate, an unpublished date, older than every minor.
    yield make("eos-upstream", "lenient", "v1.28.9")
    yield make("eos-soon", "eos-window", "v1.35.1")
    yield make("eos-live", "lenient", "1.30.0", provider="tke", region="ap-guangzhou",
               support=_support("tke", "1.30", "2026-11-20"))  # fmt: skip
    yield make("eos-live-soon", "lenient", "1.30.0", provider="tke", region="ap-guangzhou",
               support=_support("tke", "1.30", "2026-12-20"))  # fmt: skip
    yield make("eos-maintained", "lenient", "1.29.1", provider="tke", region="ap-guangzhou",
               support=_support("tke", "1.29", "2026-10-01", "2027-01-01"))  # fmt: skip
    yield make("eos-estimated", "lenient", "1.32.2", provider="tke", region="ap-guangzhou")
    yield make("eos-unpublished", "lenient", "1.30.5-tke.1", provider="tke", region="ap-guangzhou")
    yield make("eos-unlisted", "lenient", "1.36.1-aliyun.1", provider="ack", region="cn-hangzhou")
    yield make("eos-ancient", "lenient", "1.16.9-aliyun.1", provider="ack", region="cn-hangzhou")
    yield make("eos-ancient-upstream", "upstream-calendar", "1.16.9-aliyun.1", provider="ack",
               region="cn-hangzhou")  # fmt: skip
    # Skew: HA API servers (one minor apart, two), components, kubelets, kube-proxies.
    yield make("ha-mixed", "lenient", apiservers=("1.30.1", "1.30.4"))
    yield make("ha-apart", "lenient", apiservers=("1.28.1", "1.30.4"))
    yield make("components", "lenient", "1.30.2", apiservers=("1.30.2",),
               components=(("kube-scheduler", "1.28.1"), ("kube-controller-manager", "1.31.0"),
                           ("cloud-controller-manager", "2.0.1")))  # fmt: skip
    yield make("kubelets", "lenient", "1.30.2", pools=(
        {"kubelet_version": "1.26.3"}, {"kubelet_version": "1.31.0"},
        {"kubelet_version": "1.23.1"}, {"kubelet_version": "2.0.1"},
        {"kubelet_version": "1.29.1", "kube_proxy_version": "1.25.1"},
        {"kubelet_version": "1.30.2", "kube_proxy_version": "1.27.0"},
        {"kubelet_version": "1.24.1", "kube_proxy_version": "1.23.0"},
    ))  # fmt: skip
    yield make("no-apiserver", "lenient", None, pools=({"kubelet_version": "1.29.1"},))
    # Node pools: behind (skew policy, plan limit), mixed, uncounted, unreadable.
    yield make("pools", "pool-limit", "1.30.2", pools=(
        {"kubelet_version": "1.28.1"},
        {"versions_seen": {"1.30.1": 2, "1.29.8": 3}},
        {"kubelet_version": "1.30.2", "node_count": 3},
        {"kubelet_version": "1.30.2", "versions_seen": {"1.30.2": 2, "garbage": 1}},
        {"kubelet_version": None},
    ))  # fmt: skip
    yield make("pools-policy", "lenient", "1.30.2", pools=({"kubelet_version": "1.28.1"},))
    # Add-ons: incompatible, outside the plan (comparable, unreadable, following the control
    # plane, a provider's own versions), missing (unread, managed, another in the role),
    # pending, unknown.
    yield make("addons", "addons", "1.28.9", addons=(
        {"name": "calico-node", "kind": "cni", "version": "v3.26.4", "running_version": "v3.26.1"},
        {"name": "coredns", "kind": "dns", "version": "v1.8.6"},
        {"name": "kube-proxy", "kind": "proxy", "version": "v1.28.9"},
        {"name": "ingress-nginx-controller", "kind": "ingress", "version": "x"},
        {"name": "metrics-server", "kind": "metrics"},
    ))  # fmt: skip
    yield make("addons-ack", "addons", "1.28.9-aliyun.1", provider="ack", region="cn-hangzhou",
               addons=({"name": "coredns", "kind": "dns", "version": "v1.9.3.10-7dfca203-aliyun"},
                       {"name": "nginx-ingress-controller", "kind": "ingress",
                        "version": "v1.10.4-custom"},
                       {"name": "flannel", "kind": "cni", "version": "v0.22.0"}))  # fmt: skip
    yield make(
        "addons-tke",
        "addons",
        "1.30.2-tke.1",
        provider="tke",
        region="ap-guangzhou",
        addons=({"name": "nginx-ingress", "kind": "ingress", "version": "1.2.0"},),
    )
    yield make("addons-unread", "addons", "1.30.2", unknown=("addons",))
    yield make("addons-none", "addons", "1.30.2")
    # Removed APIs: the next minor (reported, from the guide), on the way, not collected.
    yield make("apis", "strict", "1.26.3", deprecated=[
        {"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta2",
         "resource": "flowschemas", "removed_release": "1.29"},
        {"group": "policy", "version": "v1beta1", "resource": "podsecuritypolicies"},
        {"group": "flowcontrol.apiserver.k8s.io", "version": "v1beta3",
         "resource": "prioritylevelconfigurations"},
    ])  # fmt: skip
    yield make("apis-next", "strict", "1.24.3", deprecated=[
        {"group": "policy", "version": "v1beta1", "resource": "podsecuritypolicies"},
    ])  # fmt: skip
    yield make("apis-unread", "strict", "1.30.2", deprecated=None)
    # Unknown versions and parts.
    yield make("unknowns", "strict", None, components=(("kube-scheduler", None),),
               unknown=("node_pools", "control_plane.support"))  # fmt: skip
    # Waivers: one live and expiring, one expired.
    yield make("waived", "strict", "1.28.3", labels={"waive": "yes"})
    # No group selects it.
    yield cluster("1.30.2", name="stray", labels={"dc": "sh"})
    yield cluster("1.30.2", name="stray-bare")


GROUPS: dict[str, dict[str, Any]] = {
    "strict": {"kubernetes": "1.31"},
    "catch-up": {"kubernetes": "1.31", "since": "2026-11-01", "allowed_lag": {"days": 60}},
    "lenient": {"kubernetes": ">=1.28.0-0 <1.33.0-0", "allowed_lag": {"minors": 1}},
    "patch-range": {"kubernetes": ">=1.30.5 <1.31.0"},
    "patches": {"kubernetes": "1.31", "allowed_lag": {"patches": 2}},
    "future": {"kubernetes": "1.99", "allowed_lag": {"patches": 1}},
    "eos-window": {"kubernetes": "1.35", "end_of_support": {"warn_days": 60}},
    "upstream-calendar": {"kubernetes": "1.31", "end_of_support": {"calendar": "upstream"}},
    "pool-limit": {"kubernetes": "1.30", "node_pools": {"max_minor_skew": 1}},
    "addons": {
        "kubernetes": ">=1.28.0-0 <1.33.0-0",
        "addons": {
            "coredns": {"version": ">=1.11.1 <1.13.0"},
            "calico": {"version": ">=3.27.0"},
            "ingress-nginx": {"version": ">=1.10.0"},
            "nginx-ingress": {"version": ">=1.10.0"},
            "kube-proxy": {"version": ">=1.31.0", "required": True},
            "terway": {
                "version": ">=1.8.0",
                "required": True,
                "aliases": ["terway-eniip"],
            },
            "metrics-server": {"required": True},
        },
    },
}


def kubernetes_plan() -> VersionPlan:
    groups = [
        {"name": name, "selector": {"labels": {"group": name}}, "target": target}
        for name, target in GROUPS.items()
    ]
    waivers = [
        {"id": "soon", "rule": "control-plane-*", "selector": {"labels": {"waive": "yes"}},
         "reason": "r", "owner": "team a", "expires": "2026-11-26"},
        {"id": "later", "rule": "end-of-support", "selector": {"labels": {"waive": "yes"}},
         "reason": "r", "owner": "team a", "expires": "2026-12-01"},
        {"id": "gone", "rule": "removed-api-*", "selector": {"labels": {"group": "strict"}},
         "reason": "r", "owner": "team b", "expires": "2026-10-01"},
    ]  # fmt: skip
    return VersionPlan.model_validate({"version": 1, "groups": groups, "waivers": waivers})


def platform_findings() -> list[Finding]:
    """Swarm and Mesos clusters: behind, ahead, workers behind and newer, every line status,
    newer than the calendar; and a Swarm whose group sets no `docker_engine`."""
    inventories = [
        swarm({"m1": "26.1.4", "m2": "27.5.1"}, {"web": {"27.5.1": 2}, "batch": {"28.5.2": 1}}),
        swarm({"m1": "29.0.1"}, {"w": {"29.0.1": 1}}, name="s-ahead"),
        swarm({"m1": "20.10.24"}, {"w": {"20.10.24": 1}}, name="s-old"),
        swarm({"m1": "99.0.1"}, {"w": {"28.5.2": 1}}, name="s-future"),
        swarm({"m1": "25.0.5"}, {"w": {"25.0.5": 1}}, name="s-25"),
        mesos({"a": "1.10.0", "b": "1.10.0"}, {"r1": "1.10.0", "r2": "1.11.0", "r3": "1.2.0"}),
    ]
    plan = VersionPlan.model_validate(
        {
            "version": 1,
            "groups": [
                {"name": "ahead", "selector": {"name": "s-ahead"},
                 "target": {"docker_engine": "28"}},
                {"name": "swarm", "selector": {"platform": "swarm"},
                 "target": {"docker_engine": "29", "end_of_support": {"warn_days": 400}}},
                {"name": "rest", "target": {"mesos": "1.11"}},
            ],
        }
    )  # fmt: skip
    only_kubernetes = VersionPlan.model_validate(
        {"version": 1, "groups": [{"name": "k8s", "target": {"kubernetes": "1.31"}}]}
    )
    calendar = load_calendar()
    return evaluate(plan, inventories, NOW, calendar) + evaluate(
        only_kubernetes, inventories[:1], NOW, calendar
    )


def failures() -> list[Finding]:
    """Collection failures (a cluster, a whole source) and a rule that raised."""
    ref = ClusterRef(provider="ack", source="ack-prod", id="c1", name="pay (hz)", region="r")
    failed = [
        CollectionFailed(source="ack-prod", cluster=ref, reason="throttled", message="slow down",
                         at=NOW),
        CollectionFailed(source="tke-prod", cluster=None, reason="auth",
                         message="AuthFailure: secret id not found", at=NOW),
    ]  # fmt: skip
    raised = rule_error(ControlPlaneAhead, KeyError("control_plane"))
    return collection_findings(failed) + stamp("ack/r/c1", [raised])


def generated() -> list[Finding]:
    clusters = list(kubernetes_clusters())
    found = evaluate(kubernetes_plan(), clusters, NOW, load_calendar())
    return [*fleet_findings(), *found, *platform_findings(), *failures()]


def parts(english: str) -> Iterator[tuple[Form, str]]:
    """The form that reads `english`, and those of the sentences inside it."""
    form = SUMMARIES.match(english)
    if form is None:
        return
    yield form, english
    found = form.pattern.fullmatch(english)
    assert found is not None
    for group, value in found.groupdict(default="").items():
        if group.startswith("text"):
            yield from parts(value)


def test_every_generated_summary_reads_in_chinese() -> None:
    findings = generated()
    # Every built-in rule and the engine's own write some of them.
    assert {f.key.rule for f in findings} == {info.id for info in all_rule_infos()}
    missed = {
        f.summary: SUMMARIES.untranslated(f.summary)
        for f in findings
        if SUMMARIES.untranslated(f.summary)
    }
    assert not missed, "summaries without a Chinese form:\n" + "\n".join(
        f"{text}\n  no form for: {' | '.join(parts)}" for text, parts in missed.items()
    )


def test_every_form_reads_some_summary() -> None:
    texts = [f.summary for f in generated()] + [english for english, _ in CASES]
    used = {id(form) for text in texts for form, _ in parts(text)}
    unused = [form.pattern.pattern for form in SUMMARY_FORMS if id(form) not in used]
    assert not unused, "forms no summary uses:\n" + "\n".join(unused)


def test_the_generated_summaries_cover_the_hard_shapes() -> None:
    """The shapes a regular expression gets wrong first are among the generated ones."""
    texts = " | ".join(f.summary for f in generated())
    for shape in (
        r"\(waiver gone expired on 2026-10-01\)",
        r"maintenance only until",
        r"estimated: ",
        r"; also ",
        r"catch-up period runs to",
        r"and older \(",
        r"could not collect source tke-prod",
    ):
        assert re.search(shape, texts), shape
