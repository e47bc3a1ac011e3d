"""Fixtures for the networking tests: running pods, selector-less Services with explicit
addresses and hand-made Endpoints (what the headless lesson does), so the routing tests do not
depend on IP allocation or the endpoints controllers."""

from __future__ import annotations

from server.sim.cluster import Cluster


def run_pods(cluster: Cluster, name: str, image: str, replicas: int, labels: dict | None = None,
             node_names: list[str] | None = None) -> list[dict]:
    """Bare pods (pinned to nodes when ``node_names`` is given), advanced until Running."""
    for i in range(replicas):
        spec: dict = {"containers": [{"name": name.split("-")[0], "image": image}]}
        if node_names:
            spec["nodeName"] = node_names[i % len(node_names)]
        cluster.api.create({"apiVersion": "v1", "kind": "Pod",
                            "metadata": {"name": f"{name}-{i}", "namespace": "default",
                                         "labels": labels or {"app": name}},
                            "spec": spec})
    cluster.advance(60)
    pods = [cluster.store.get("Pod", "default", f"{name}-{i}") for i in range(replicas)]
    assert all(p and p["status"].get("phase") == "Running" for p in pods), [p["status"] for p in pods if p]
    return pods  # type: ignore[return-value]


def client(cluster: Cluster, name: str = "client", node: str = "node1") -> dict:
    """A busybox pod that stays up (``sleep``) on ``node``."""
    cluster.api.create({"apiVersion": "v1", "kind": "Pod",
                        "metadata": {"name": name, "namespace": "default", "labels": {"run": name}},
                        "spec": {"nodeName": node, "containers": [
                            {"name": name, "image": "busybox", "command": ["sleep", "3600"]}]}})
    cluster.advance(30)
    pod = cluster.store.get("Pod", "default", name)
    assert pod and pod["status"]["phase"] == "Running"
    return pod


def service(cluster: Cluster, name: str, pods: list[dict], *, cluster_ip: str, port: int = 80,
            target_port: int = 80, port_name: str = "", type_: str = "ClusterIP", node_port: int | None = None,
            extra_spec: dict | None = None, not_ready: list[dict] | None = None) -> None:
    """A selector-less Service and its Endpoints listing ``pods``."""
    p: dict = {"port": port, "targetPort": target_port, "protocol": "TCP"}
    if port_name:
        p["name"] = port_name
    if node_port:
        p["nodePort"] = node_port
    spec = {"type": type_, "clusterIP": cluster_ip, "ports": [p], **(extra_spec or {})}
    cluster.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                        "spec": spec})

    def addr(pod: dict) -> dict:
        return {"ip": pod["status"]["podIP"], "nodeName": pod["spec"]["nodeName"],
                "targetRef": {"kind": "Pod", "namespace": "default", "name": pod["metadata"]["name"],
                              "uid": pod["metadata"]["uid"]}}

    subset: dict = {"addresses": [addr(q) for q in pods], "ports": [{"port": target_port, "protocol": "TCP",
                                                                     **({"name": port_name} if port_name else {})}]}
    if not_ready:
        subset["notReadyAddresses"] = [addr(q) for q in not_ready]
    if not subset["addresses"]:
        del subset["addresses"]
    ep = {"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": name, "namespace": "default"},
          "subsets": [subset] if pods or not_ready else []}
    cluster.api.create(ep)
    cluster.settle()
