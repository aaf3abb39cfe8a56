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
        "swarm": "kubedrift.collectors.swarm:SwarmCollector",
        "mesos": "kubedrift.collectors.mesos:MesosCollector",
        "simulated": "kubedrift.sim.collector:SimulatedCollector",
    },
    extras={
        "ack": "ack",
        "tke": "tke",
        "kubeconfig": "k8s",
        "incluster": "k8s",
        "swarm": "swarm",
        "mesos": "mesos",
        "simulated": "ack,tke,k8s,swarm,mesos",
    },
)
