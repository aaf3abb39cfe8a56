"""The collectors kubedrift knows, by the `type:` a settings-file source names."""

from __future__ import annotations

from kubedrift.registry import Registry

COLLECTORS: Registry[object] = Registry(
    "collectors",
    {
        "ack": "kubedrift.collectors.ack:AckCollector",
        "tke": "kubedrift.collectors.tke:TkeCollector",
        "kubeconfig": "kubedrift.collectors.kube:KubeconfigCollector",
        "incluster": "kubedrift.collectors.kube:InClusterCollector",
        "simulated": "kubedrift.sim.collector:SimulatedCollector",
    },
    extras={
        "ack": "ack",
        "tke": "tke",
        "kubeconfig": "k8s",
        "incluster": "k8s",
        "simulated": "ack,tke,k8s",
    },
)
