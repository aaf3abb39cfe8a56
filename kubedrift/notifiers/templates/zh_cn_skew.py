"""简体中文 for the skew policy's verdicts (`policies/skew.py`, `skew_checks.py`).

A verdict's reason is one violation message, or several joined by "; also ", with the
component's place in front (`node-pool/np-a: `, `control-plane: `) in a cluster's verdicts;
the planner's reasons and warnings embed them, so these forms are shared by every table that
reads a planner sentence (`zh_cn_planner`).
"""

from __future__ import annotations

from kubedrift.notifiers.templates.zh_cn_forms import forms

_MINORS = r"(?P<n>\d+) minors?"
_LIMIT = r"(?P<limit>\d+) minors?"
_PROXY = (
    rf"kube-proxy (?P<version>\S+) is {_MINORS} (?P<direction>older|newer) than its node's "
    r"kubelet (?P<kubelet>\S+); "
)
_PROXY_ZH = "kube-proxy {version} 比所在节点的 kubelet {kubelet} {direction} {n} 个小版本；"

SKEW = forms(
    # Where the component runs, then the verdict; several broken rules in one verdict.
    (r"control-plane: (?P<text>.+)", "控制面：{text}"),
    (r"node-pool/(?P<pool>.+?): (?P<text>.+)", "节点池 {pool}：{text}"),
    (r"(?P<text>.+?); also (?P<text2>.+)", "{text}；此外，{text2}"),
    (
        r"(?P<text>.+); no kube-apiserver version is known, so its rules were not checked",
        "{text}；kube-apiserver 版本未知，与它相关的规则未检查",
    ),
    (
        r"(?P<text>cannot determine the skew of .+?); (?P<text2>cannot determine the skew of .+)",
        "{text}；{text2}",
    ),
    (
        rf"kube-apiserver (?P<version>\S+) is {_MINORS} (?P<direction>older|newer) than "
        r"kube-apiserver (?P<server>\S+); the API servers of one cluster must be within 1 minor "
        r"of each other",
        "kube-apiserver {version} 比 kube-apiserver {server} {direction} {n} 个小版本；"
        "同一集群的各个 API Server 之间最多相差 1 个小版本",
    ),
    (
        rf"kubectl (?P<version>\S+) is {_MINORS} (?P<direction>older|newer) than kube-apiserver "
        r"(?P<server>\S+); kubectl must be within 1 minor \(older or newer\) of every API server",
        "kubectl {version} 比 kube-apiserver {server} {direction} {n} 个小版本；"
        "kubectl 与每个 API Server 最多相差 1 个小版本（新旧均可）",
    ),
    (
        rf"(?P<name>\S+) (?P<version>\S+) is {_MINORS} newer than kube-apiserver (?P<server>\S+); "
        r"(?:a )?(?P=name) must not be newer than any API server",
        "{name} {version} 比 kube-apiserver {server} 新 {n} 个小版本；"
        "{name} 的版本不能高于任何一个 API Server",
    ),
    (
        rf"(?P<name>\S+) (?P<version>\S+) is {_MINORS} older than kube-apiserver (?P<server>\S+); "
        rf"(?:a )?(?P=name) older than (?P<since>\S+) may be at most {_LIMIT} older",
        "{name} {version} 比 kube-apiserver {server} 旧 {n} 个小版本；"
        "低于 {since} 的 {name} 最多只能比 API Server 旧 {limit} 个小版本",
    ),
    (
        rf"(?P<name>\S+) (?P<version>\S+) is {_MINORS} older than kube-apiserver (?P<server>\S+); "
        rf"(?:a )?(?P=name) may be at most {_LIMIT} older",
        "{name} {version} 比 kube-apiserver {server} 旧 {n} 个小版本；"
        "{name} 最多只能比 API Server 旧 {limit} 个小版本",
    ),
    (
        rf"{_PROXY}kube-proxy must match its kubelet's minor while an API server is older than "
        r"(?P<since>\S+) \(kube-apiserver (?P<server>\S+)\)",
        _PROXY_ZH + "只要还有低于 {since} 的 API Server（kube-apiserver {server}），"
        "kube-proxy 就必须与 kubelet 的小版本一致",
    ),
    (
        rf"{_PROXY}a kube-proxy older than (?P<since>\S+) may be at most {_LIMIT} older or newer "
        r"than its kubelet",
        _PROXY_ZH + "低于 {since} 的 kube-proxy 与 kubelet 最多相差 {limit} 个小版本",
    ),
    (
        rf"{_PROXY}kube-proxy may be at most {_LIMIT} older or newer than its kubelet",
        _PROXY_ZH + "kube-proxy 与 kubelet 最多相差 {limit} 个小版本",
    ),
    (
        r"cannot determine the skew of (?P<name>\S+) (?P<version>\S+) against (?P<other>\S+) "
        r"(?P<against>\S+): different major versions, and the skew policy counts minor versions "
        r"within one major",
        "无法判断 {name} {version} 与 {other} {against} 的版本偏差：两者主版本不同，"
        "而版本偏差策略只在同一主版本内计算小版本差",
    ),
    (
        r"cannot determine whether (?P<name>\S+) (?P<version>\S+) is within the skew policy: no "
        r"kube-apiserver version is known",
        "无法判断 {name} {version} 是否符合版本偏差策略：kube-apiserver 版本未知",
    ),
)
