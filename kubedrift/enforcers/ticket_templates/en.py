"""English upgrade-ticket phrases. Keys and placeholders match `zh_cn.py`."""

from __future__ import annotations

STRINGS: dict[str, str] = {
    "title": "Upgrade {name} to Kubernetes {target} ({current} → {final})",
    "title.blocked": "Upgrade {name} to Kubernetes {target} ({current}; blocked)",
    "head.cluster": "**Cluster:** {name} (`{key}`, {where})",
    "head.versions": "**Current → target:** {current} → {target} ({final})",
    "head.summary": "**Pre-checks:** {failed} failing, {passed} passed, {open} to check",
    "head.never_applies": "kubedrift proposes this upgrade and never applies it.",
    "sep.detail": ": ",
    "blocked": "**Blocked:** {text}",
    "h.drift": "Drift",
    "h.checks": "Pre-upgrade checklist",
    "h.checks.auto": "Checked by kubedrift",
    "h.checks.manual": "For a person, before the first step",
    "h.steps": "Steps, in order",
    "h.pools": "Node pools: in place or replacement",
    "h.rollback": "Rollback",
    "h.warnings": "Planner warnings",
    "status.pass": "✅ pass",
    "status.fail": "❌ FAIL",
    "status.to_check": "⬜ to check",
    "legend": "Checked boxes passed; a failing check blocks the upgrade until it is fixed.",
    "check.target_offered": "Target offered by the provider",
    "check.target_offered.pass": "{provider} offers every control-plane step of the path.",
    "check.skew_now": "Version skew policy holds today",
    "check.skew_now.pass": "kubelet, kube-proxy and the API servers are within the skew policy.",
    "check.skew_path": "Version skew policy holds after each step",
    "check.skew_path.pass": "The planner checked every state the path passes through.",
    "check.addons_compatible": "Add-ons compatible with each step (the CNI especially)",
    "check.addons_compatible.pass": "Every add-on has a known compatible version at each step.",
    "check.removed_apis": "No API removed on the way to {target} still in use",
    "check.removed_apis.pass": "No request for an API removed on the way was seen.",
    "check.pool_versions": "One kubelet version per node pool",
    "check.pool_versions.pass": "Every pool's nodes run one kubelet version.",
    "check.nodes_ready": "All nodes Ready",
    "check.nodes_ready.to_check": (
        "kubedrift does not collect node conditions: `kubectl get nodes` must show every node "
        "Ready."
    ),
    "check.apiservices": "Every APIService available",
    "check.apiservices.to_check": "`kubectl get apiservices`: none may show False or Unknown.",
    "check.etcd_backup": "etcd backed up",
    "check.etcd_backup.managed": (
        "Take the provider's cluster backup (or back up the workloads and their volumes) and "
        "note where it is."
    ),
    "check.etcd_backup.self": (
        "`etcdctl snapshot save` on a member, then `etcdctl snapshot status` on the file; keep "
        "it off the cluster."
    ),
    "check.apiserver_lb": "API server load balancer healthy",
    "check.apiserver_lb.to_check": "{lb}: healthy backends, expected listeners and ACLs.",
    "check.network": "Network healthy",
    "check.network.to_check": "{network}: healthy, with free IPs for new or surged nodes.",
    "check.instances": "Instances healthy",
    "check.instances.to_check": "{instances}: running, with correct networking.",
    "check.node_os": "Node OS services and kernel parameters",
    "check.node_os.to_check": (
        "systemd, time sync and the package manager working; kernel parameters as the "
        "cluster needs them."
    ),
    "check.kubelet_runtime": "kubelet and container runtime healthy",
    "check.kubelet_runtime.to_check": "Both running and correctly configured on every node.",
    "check.capacity": "Spare capacity for the batches",
    "check.capacity.to_check": (
        "Room for the pods of one batch (in place) or quota for the surged nodes (replacement)."
    ),
    "evidence.text": "{component}: {text}",
    "evidence.bare": "{text}",
    "evidence.observed": "{component}: {observed}",
    "step.control_plane": "**Control plane** {from_version} → {to_version}",
    "step.control_plane.jump": " (the provider's jump over a minor it does not release)",
    "step.control_plane.addons": "Right after it, upgrade: {names}",
    "step.node_pool": "**Node pool {name}** (`{component}`) {from_version} → {to_version}",
    "step.addon": "**Add-on {name}** {from_version} → {to_version}",
    "step.manual": "**By hand: {name}** {from_version} → {to_version}",
    "step.batches": (
        "{strategy}, {nodes} nodes in {count} batches of {size}: "
        "maxUnavailable {max_unavailable}, maxSurge {max_surge}"
    ),
    "step.batches.unknown": (
        "{strategy}, node count unknown: one node at a time "
        "(maxUnavailable {max_unavailable}, maxSurge {max_surge})"
    ),
    "step.why": "Why: {text}",
    "step.blocked": "**Blocked:** {text}",
    "step.warning": "Warning: {text}",
    "strategy.in_place": "in place",
    "strategy.replacement": "replacement",
    "pool.line": "**{name}** (`{id}`, {nodes} nodes, kubelet {kubelet}): {strategy} — {reason}",
    "unknown": "unknown",
    "rollback.control_plane.managed": (
        "**Control plane:** {provider} does not downgrade a control plane. The way back is a "
        "new cluster at the old version restored from the backup, or failing traffic over "
        "to a standby cluster. Decide which before step 1."
    ),
    "rollback.control_plane.self": (
        "**Control plane:** not downgraded. The way back is restoring the etcd snapshot into "
        "API servers at the old version, or failing over to a standby cluster."
    ),
    "rollback.in_place": (
        "**Pools upgraded in place:** stop between batches; nodes already moved stay within "
        "the skew policy, and a bad node is replaced by a new one at the old version."
    ),
    "rollback.replacement": (
        "**Pools replaced:** cordon the old nodes instead of deleting them until the new ones "
        "have soaked; going back is uncordoning the old nodes and draining the new."
    ),
    "rollback.addons": "**Add-ons:** redeploy the previous version: {items}",
    "footer": "Ticket key: `{key}`. Updated by kubedrift as the cluster changes; closed when "
    "the drift resolves.",
}

TERMS: dict[str, dict[str, str]] = {
    "ack": {
        "lb": "The API server's SLB (CLB) instance",
        "network": "The VPC and vSwitches",
        "instances": "The ECS instances",
    },
    "tke": {
        "lb": "The API server's CLB",
        "network": "The VPC and subnets",
        "instances": "The CVM instances",
    },
    "eks": {
        "lb": "The cluster endpoint",
        "network": "The VPC and subnets",
        "instances": "The EC2 instances",
    },
    "default": {
        "lb": "The API server's load balancer",
        "network": "The cluster network",
        "instances": "The node machines",
    },
}
