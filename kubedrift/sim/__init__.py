"""The simulated fleet: one `fleet.yaml` and fake ACK, TKE and Kubernetes API servers.

The fake servers speak each provider's documented wire format closely enough that the real
SDKs and kubedrift's real collectors run against them unchanged; tests, `kubedrift demo`
and the benchmarks all use them. Nothing here is imported by the daemon's normal path.
"""
