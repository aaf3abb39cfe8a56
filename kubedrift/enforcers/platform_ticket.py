"""Upgrade tickets for Docker Swarm and Apache Mesos clusters: the drift and the runbook.

`platform_drift` turns a Swarm or Mesos cluster's findings into a `ClusterDrift` whose path
holds the steps `kubedrift.policies.platform_upgrade` orders (managers / masters one at a
time, the leader last, then workers / agents); `render_platform_ticket` words it in `en` or
`zh-CN`: what was found, the checks before, each step, the checks after. Nothing here touches
a cluster: the ticket is a runbook for a person.
"""

from __future__ import annotations

from collections.abc import Sequence

from kubedrift.enforcers.base import ClusterDrift, upgrade_worthy
from kubedrift.model.findings import Finding, UpgradeStep
from kubedrift.model.inventory import ClusterInventory
from kubedrift.model.plan import Target
from kubedrift.model.upgrades import UpgradePath
from kubedrift.notifiers.base import Locale
from kubedrift.notifiers.templates import CATALOGS
from kubedrift.policies.platform_upgrade import platform_path
from kubedrift.policies.rules.registry import all_rule_infos
from kubedrift.versions import InvalidVersion, MinorVersion, parse_version

_PRODUCT = {"swarm": "Docker Engine", "mesos": "Apache Mesos"}

_TEXT: dict[Locale, dict[str, str]] = {
    "en": {
        "title": "Upgrade {name} to {product} {final} (from {current})",
        "head": "**Cluster:** {name} (`{key}`, {platform}) · **{product}:** {current} → {final} ",
        "found": "## What kubedrift found",
        "before": "## Before you start",
        "steps": "## Steps (in this order)",
        "after": "## After the last step",
        "finding": "- **{severity}** {title} (`{rule}`, {component}): {summary}",
        "said.observed": "observed {observed}",
        "said.expected": "expected {expected}",
        "swarm.before": "- Back up the Raft state of one manager (`/var/lib/docker/swarm`, "
        "daemon stopped) and note `docker node ls`.\n"
        "- Check that every manager is `Reachable` and one is `Leader`: with {managers} "
        "managers, {quorum} must stay up.\n"
        "- Read the Engine release notes between {current} and {final}.",
        "mesos.before": "- Back up the masters' replicated log (`--work_dir`) and check "
        "ZooKeeper.\n"
        "- Check that the leading master is elected (`/master/redirect`) and that {quorum} of "
        "{managers} masters are up.\n"
        "- Read the Mesos upgrade notes between {current} and {final}.",
        "step.leader": "{n}. **{role} {instance}** (the leader, last of the {role}s): "
        "{from_version} → {to_version}. {how} Wait until it is back and the {role}s have "
        "elected a leader before going on.",
        "step.member": "{n}. **{role} {instance}**: {from_version} → {to_version}. {how} "
        "Wait until it is back and reachable before the next {role}.",
        "step.pool": "{n}. **{workers} in pool {pool}** ({nodes} nodes): {from_version} → "
        "{to_version}, a few at a time, only after every {role}.",
        "swarm.how": "Drain it (`docker node update --availability drain`), upgrade the Engine, "
        "restart, set it `active` again.",
        "mesos.how": "Stop it, install the new binaries, restart it.",
        "swarm.after": "- `docker node ls`: every node `Ready`, every manager `Reachable`, "
        "every Engine at {final}.\n- kubedrift's next scan closes this ticket.",
        "mesos.after": "- `/master/slaves` lists every agent at {final}, `/version` of every "
        "master says {final}.\n- kubedrift's next scan closes this ticket.",
        "unknown": "unknown",
        "nothing": "- (no finding asks for an upgrade step)",
    },
    "zh-CN": {
        "title": "【升级】{name} 升级到 {product} {final}（当前 {current}）",
        "head": "**集群：** {name}（`{key}`，{platform}）· **{product}：** {current} → {final}",
        "found": "## kubedrift 发现的问题",
        "before": "## 开始之前",
        "steps": "## 步骤（按顺序执行）",
        "after": "## 全部完成之后",
        "finding": "- **{severity}** {title}（`{rule}`，{component}）：{summary}",
        "said.observed": "当前 {observed}",
        "said.expected": "期望 {expected}",
        "swarm.before": "- 备份一个管理节点的 Raft 状态（停止守护进程后备份 "
        "`/var/lib/docker/swarm`），并记录 `docker node ls` 的输出。\n"
        "- 确认所有管理节点均为 `Reachable` 且有一个 `Leader`：共 {managers} 个管理节点，"
        "必须始终保持 {quorum} 个在线。\n"
        "- 阅读 {current} 到 {final} 之间的 Docker Engine 发行说明。",
        "mesos.before": "- 备份 master 的复制日志（`--work_dir`）并检查 ZooKeeper。\n"
        "- 确认已选出主 master（`/master/redirect`），且 {managers} 个 master 中至少 "
        "{quorum} 个在线。\n"
        "- 阅读 {current} 到 {final} 之间的 Mesos 升级说明。",
        "step.leader": "{n}. **{role} {instance}**（当前主节点，最后升级）：{from_version} → "
        "{to_version}。{how}等待其恢复且重新选出主节点后再继续。",
        "step.member": "{n}. **{role} {instance}**：{from_version} → {to_version}。{how}"
        "等待其恢复并可达后再升级下一个。",
        "step.pool": "{n}. **节点池 {pool} 的{workers}**（{nodes} 个节点）：{from_version} → "
        "{to_version}，分批进行，且须在所有{role}升级之后。",
        "swarm.how": "先排空（`docker node update --availability drain`），升级 Engine 并重启，"
        "再恢复为 `active`。",
        "mesos.how": "停止进程，安装新版本，然后重启。",
        "swarm.after": "- `docker node ls`：所有节点 `Ready`，所有管理节点 `Reachable`，"
        "Engine 均为 {final}。\n- kubedrift 下一次扫描时会关闭此工单。",
        "mesos.after": "- `/master/slaves` 中所有 agent 均为 {final}，每个 master 的 `/version` "
        "均为 {final}。\n- kubedrift 下一次扫描时会关闭此工单。",
        "unknown": "未知",
        "nothing": "- （没有需要升级步骤的问题）",
    },
}
_ROLES: dict[Locale, dict[str, tuple[str, str]]] = {
    "en": {"swarm": ("manager", "workers"), "mesos": ("master", "agents")},
    "zh-CN": {"swarm": ("管理节点", "工作节点"), "mesos": ("master", "agent")},
}


def platform_drift(
    inventory: ClusterInventory, target: Target, findings: Sequence[Finding]
) -> ClusterDrift | None:
    """The drift of a Swarm or Mesos cluster; None when its group sets no version for it."""
    wanted = target.version_for(inventory.platform)
    constraint = target.platform_constraint(inventory.platform)
    if wanted is None or constraint is None:
        return None
    planned = platform_path(inventory, wanted, constraint)
    try:
        final = parse_version(planned.to_version)
        minor = MinorVersion(final.major, final.minor)
    except InvalidVersion:
        minor = None
    if minor is None:
        return None
    mine = tuple(f for f in findings if f.key.cluster == inventory.key)
    path = None
    if planned.steps and any(upgrade_worthy(f) for f in mine):
        current = tuple(
            c.version.raw for c in inventory.control_plane.components if c.version is not None
        )
        path = UpgradePath(
            cluster=inventory.key, current=current, target=minor, steps=planned.steps
        )
    return ClusterDrift(inventory=inventory, target=minor, findings=mine, path=path)


def render_platform_ticket(drift: ClusterDrift, locale: Locale) -> tuple[str, str]:
    """The ticket's title and Markdown body."""
    inventory, path = drift.inventory, drift.path
    platform = str(inventory.platform)
    text = _TEXT[locale]
    role, workers = _ROLES[locale][platform]
    current = inventory.control_plane.version.raw if inventory.control_plane.version else None
    steps = path.steps if path is not None else ()
    final = steps[0].to_version if steps else str(drift.target)
    managers = len(inventory.control_plane.components)
    values = {
        "name": inventory.name,
        "key": inventory.key,
        "platform": platform,
        "product": _PRODUCT[platform],
        "current": current or text["unknown"],
        "final": final,
        "target": str(drift.target),
        "managers": managers,
        "quorum": managers // 2 + 1,
    }
    lines = [text["head"].format(**values), "", text["found"]]
    worthy = [f for f in drift.findings if not f.waived and f.severity.rank > 0]
    lines += [_finding(f, locale) for f in worthy] or [text["nothing"]]
    lines += ["", text["before"], text[f"{platform}.before"].format(**values), "", text["steps"]]
    lines += [_step(s, inventory, locale, role, workers) for s in steps]
    lines += ["", text["after"], text[f"{platform}.after"].format(**values)]
    return text["title"].format(**values), "\n".join(lines) + "\n"


def _finding(finding: Finding, locale: Locale) -> str:
    titles = {info.id: info.title for info in all_rule_infos()}
    rule = finding.key.rule
    title = CATALOGS[locale].rule(rule) or titles.get(rule, rule)
    return _TEXT[locale]["finding"].format(
        severity=finding.severity.value.upper(),
        title=title,
        rule=rule,
        component=finding.key.component,
        summary=_said(finding, locale),
    )


def _said(finding: Finding, locale: Locale) -> str:
    """The finding in words: the engine's English sentence, or in Chinese its Chinese form
    (else the observed and expected values; the rule's title is on the line already), as in
    chat alerts."""
    if locale == "en":
        return finding.summary
    text, cat = _TEXT[locale], CATALOGS[locale]
    said = cat.said(finding.summary, finding.observed, finding.expected)
    if said is not None:
        return said
    parts = []
    if finding.observed is not None:
        parts.append(text["said.observed"].format(observed=finding.observed))
    if finding.expected is not None:
        expected = cat.expected_text(finding.expected)
        parts.append(text["said.expected"].format(expected=expected))
    return cat.t("sep").join(parts) or finding.summary


def _step(
    step: UpgradeStep, inventory: ClusterInventory, locale: Locale, role: str, workers: str
) -> str:
    text = _TEXT[locale]
    platform = str(inventory.platform)
    values: dict[str, object] = {
        "n": step.order,
        "role": role,
        "workers": workers,
        "from_version": step.from_version or text["unknown"],
        "to_version": step.to_version,
        "how": text[f"{platform}.how"],
    }
    if step.action == "upgrade_control_plane":
        instance = step.component.rsplit("/", 1)[-1]
        leader = any(
            c.leader and (c.instance or "?") == instance for c in inventory.control_plane.components
        )
        return text["step.leader" if leader else "step.member"].format(instance=instance, **values)
    pool_id = step.component.removeprefix("node-pool/")
    pool = next((p for p in inventory.node_pools if p.id == pool_id), None)
    nodes = pool.node_count if pool is not None and pool.node_count is not None else "?"
    name = pool.name if pool is not None else pool_id
    return text["step.pool"].format(pool=name, nodes=nodes, **values)
