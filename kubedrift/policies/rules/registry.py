"""The built-in rules, by id, imported on first use; plus the engine's own rule metadata.

Adding a rule is one class in its family module and one line here. Third-party rules
register through the entry-point group `kubedrift.rules` (`Registry` reads it).
"""

from __future__ import annotations

from kubedrift.policies.rules.base import Rule, RuleInfo
from kubedrift.policies.rules.meta import ENGINE_RULES
from kubedrift.registry import Registry

_P = "kubedrift.policies.rules"

BUILTIN_RULES: dict[str, str] = {
    "control-plane-minor-lag": f"{_P}.control_plane:ControlPlaneMinorLag",
    "control-plane-patch-lag": f"{_P}.control_plane:ControlPlanePatchLag",
    "control-plane-ahead": f"{_P}.control_plane:ControlPlaneAhead",
    "target-not-offered": f"{_P}.control_plane:TargetNotOffered",
    "end-of-support": f"{_P}.support:EndOfSupport",
    "skew-apiserver-ha": f"{_P}.skew_rules:SkewApiserverHa",
    "skew-control-plane-components": f"{_P}.skew_rules:SkewControlPlaneComponents",
    "skew-kubelet": f"{_P}.skew_rules:SkewKubelet",
    "skew-kube-proxy": f"{_P}.skew_rules:SkewKubeProxy",
    "node-pool-behind": f"{_P}.node_pools:NodePoolBehind",
    "node-pool-mixed-versions": f"{_P}.node_pools:NodePoolMixedVersions",
    "addon-incompatible": f"{_P}.addons:AddonIncompatible",
    "addon-behind-plan": f"{_P}.addon_plan:AddonBehindPlan",
    "addon-missing": f"{_P}.addons:AddonMissing",
    "addon-not-running": f"{_P}.addons:AddonNotRunning",
    "removed-api-in-use": f"{_P}.apis:RemovedApiInUse",
    "platform-version-behind": f"{_P}.platforms:PlatformVersionBehind",
    "platform-workers-behind": f"{_P}.platforms:PlatformWorkersBehind",
    "platform-workers-newer": f"{_P}.platforms:PlatformWorkersNewer",
    "platform-end-of-support": f"{_P}.platforms:PlatformEndOfSupport",
    "version-unknown": f"{_P}.meta:VersionUnknown",
}

RULES: Registry[Rule] = Registry("rules", BUILTIN_RULES)


def rule_classes() -> list[type[Rule]]:
    """Every registered rule class, in registry order (built-ins first, as listed)."""
    names = list(BUILTIN_RULES) + [n for n in RULES.names() if n not in BUILTIN_RULES]
    return [RULES.get(name) for name in names]


def all_rule_infos() -> list[RuleInfo]:
    """The metadata of every rule, the engine's own included, sorted by id."""
    infos = [cls.info for cls in rule_classes()] + list(ENGINE_RULES)
    return sorted(infos, key=lambda info: info.id)
