"""Endpoints and EndpointSlices follow the pods behind a Service: Ready pods serve, others are
listed as not ready, deleted pods leave; named target ports resolve per pod; hand-made Endpoints of
a selector-less Service stay as written; LoadBalancer EXTERNAL-IP pending until a pool is on."""

from __future__ import annotations

from server.sim.admission import parse_manifests
from server.sim.cluster import Cluster


def apply(cluster: Cluster, text: str) -> None:
    for doc in parse_manifests(text, "x.yml"):
        cluster.api.apply(doc)
    cluster.settle()


DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  replicas: REPLICAS
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.17
        ports: [{name: http, containerPort: 80}]
"""
SVC = """apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{name: http, port: 8080, targetPort: http}]
"""


def ep_ips(cluster: Cluster, name: str = "web") -> tuple[list[str], list[str]]:
    ep = cluster.store.get("Endpoints", "default", name)
    assert ep is not None
    ready = [a["ip"] for ss in ep.get("subsets") or [] for a in ss.get("addresses") or []]
    not_ready = [a["ip"] for ss in ep.get("subsets") or [] for a in ss.get("notReadyAddresses") or []]
    return ready, not_ready


def ready_condition(pod: dict) -> str | None:
    return next((c["status"] for c in pod["status"].get("conditions") or [] if c["type"] == "Ready"), None)


def slices(cluster: Cluster, name: str = "web") -> list[dict]:
    return cluster.store.list("EndpointSlice", "default", selector={"kubernetes.io/service-name": name})


def running_pods(cluster: Cluster) -> list[dict]:
    return cluster.store.list("Pod", "default", selector={"app": "web"})


def test_endpoints_follow_pods_becoming_ready_and_going_away(cluster: Cluster, kubectl) -> None:
    apply(cluster, SVC)
    assert ep_ips(cluster) == ([], [])  # created empty: ENDPOINTS <none>
    assert "web    <none>" in kubectl("get ep web")
    (placeholder,) = slices(cluster)
    assert placeholder["endpoints"] is None and "ports" not in placeholder
    apply(cluster, DEPLOY.replace("REPLICAS", "3"))
    # the moment the pods have their IPs they still pull their image: listed, as not ready, and not served
    assert cluster.run_until(cluster.clock.now() + 5, lambda: len(running_pods(cluster)) == 3 and all(
        p["status"].get("podIP") for p in running_pods(cluster)))
    pods = running_pods(cluster)
    assert not any(ready_condition(p) == "True" for p in pods)
    assert ep_ips(cluster) == ([], sorted(p["status"]["podIP"] for p in pods))
    # a subset with no ready address: formatEndpoints joins nothing, an empty cell (not "<none>")
    row = kubectl("get ep web").splitlines()[1].split()
    assert len(row) == 2 and row[0] == "web" and row[1].endswith("s")
    cluster.advance(60)
    pods = running_pods(cluster)
    ips = sorted(p["status"]["podIP"] for p in pods)
    ready, not_ready = ep_ips(cluster)
    assert sorted(ready) == ips and not_ready == []
    ep = cluster.store.get("Endpoints", "default", "web")
    sub = ep["subsets"][0]
    assert sub["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]  # named targetPort resolved
    addr = sub["addresses"][0]
    pod = next(p for p in pods if p["status"]["podIP"] == addr["ip"])
    assert addr["nodeName"] == pod["spec"]["nodeName"]
    assert addr["targetRef"] == {"kind": "Pod", "name": pod["metadata"]["name"], "namespace": "default",
                                 "uid": pod["metadata"]["uid"]}
    (sl,) = slices(cluster)
    assert sl["metadata"]["name"].startswith("web-") and len(sl["metadata"]["name"]) == len("web-") + 5
    assert sl["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == "endpointslice-controller.k8s.io"
    assert sl["ports"] == [{"name": "http", "port": 80, "protocol": "TCP"}]
    assert sorted(e["addresses"][0] for e in sl["endpoints"]) == ips
    assert all(e["conditions"] == {"ready": True, "serving": True, "terminating": False} for e in sl["endpoints"])
    assert sl["metadata"]["name"] == placeholder["metadata"]["name"]  # the slice was reused, not replaced
    # describe svc lists them
    out = kubectl("describe svc web")
    assert "Endpoints:                " + ",".join(f"{ip}:80" for ip in sorted(ready, key=lambda s: [int(x) for x in s.split('.')])) in out

    # a pod being deleted leaves Endpoints at once; its slice entry turns terminating
    victim = pods[0]
    cluster.api.delete("Pod", "default", victim["metadata"]["name"])
    cluster.settle()
    ready, _ = ep_ips(cluster)
    assert victim["status"]["podIP"] not in ready
    gone = [e for s in slices(cluster) for e in s["endpoints"] or [] if e["addresses"][0] == victim["status"]["podIP"]]
    assert gone and gone[0]["conditions"] == {"ready": False, "serving": True, "terminating": True}
    cluster.advance(60)
    assert victim["status"]["podIP"] not in [e["addresses"][0] for s in slices(cluster) for e in s["endpoints"] or []
                                              if e["targetRef"]["uid"] == victim["metadata"]["uid"]]
    assert len(ep_ips(cluster)[0]) == 3  # the replacement is in


def test_not_ready_pods_are_listed_apart(cluster: Cluster) -> None:
    apply(cluster, SVC)
    apply(cluster, DEPLOY.replace("REPLICAS", "2").replace(
        "        ports: [{name: http, containerPort: 80}]",
        "        ports: [{name: http, containerPort: 80}]\n"
        "        readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 5}"))
    cluster.advance(60)
    pods = running_pods(cluster)
    assert len(ep_ips(cluster)[0]) == 2
    kubelet = cluster.controller("kubelet")
    sick = pods[0]
    kubelet.set_healthy("default", sick["metadata"]["name"], "nginx", False)  # type: ignore[attr-defined]
    cluster.advance(30)
    ready, not_ready = ep_ips(cluster)
    assert not_ready == [sick["status"]["podIP"]] and sick["status"]["podIP"] not in ready
    entry = [e for s in slices(cluster) for e in s["endpoints"] if e["addresses"][0] == sick["status"]["podIP"]][0]
    assert entry["conditions"] == {"ready": False, "serving": False, "terminating": False}
    kubelet.set_healthy("default", sick["metadata"]["name"], "nginx", True)  # type: ignore[attr-defined]
    cluster.advance(30)
    assert len(ep_ips(cluster)[0]) == 2 and ep_ips(cluster)[1] == []


def test_pod_without_the_named_port_is_left_out(cluster: Cluster) -> None:
    apply(cluster, SVC)
    apply(cluster, "apiVersion: v1\nkind: Pod\nmetadata: {name: plain, labels: {app: web}}\n"
                   "spec:\n  containers:\n  - {name: c, image: nginx}\n")
    cluster.advance(60)
    assert ep_ips(cluster) == ([], [])


def test_label_change_moves_a_pod_out(cluster: Cluster) -> None:
    apply(cluster, SVC)
    apply(cluster, DEPLOY.replace("REPLICAS", "1"))
    cluster.advance(60)
    (pod,) = running_pods(cluster)
    assert ep_ips(cluster)[0] == [pod["status"]["podIP"]]
    pod["metadata"]["labels"] = {"app": "quarantine"}
    cluster.api.replace(pod)
    cluster.settle()
    assert pod["status"]["podIP"] not in ep_ips(cluster)[0]


def test_selectorless_headless_service_keeps_hand_made_endpoints(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f lessons/step09-svc-headless.yml")
    cluster.advance(30)
    ep = cluster.store.get("Endpoints", "default", "server1")
    assert ep["subsets"] == [{"addresses": [{"ip": "192.168.1.16"}]}]
    (mirror,) = slices(cluster, "server1")
    assert mirror["metadata"]["labels"]["endpointslice.kubernetes.io/managed-by"] == \
        "endpointslicemirroring-controller.k8s.io"
    assert mirror["endpoints"] == [{"addresses": ["192.168.1.16"], "conditions": {"ready": True}}]
    assert kubectl("get ep server1").splitlines()[1].split()[:2] == ["server1", "192.168.1.16"]
    kubectl("delete svc server1")
    assert cluster.store.get("Endpoints", "default", "server1") is None


def test_service_deleted_takes_its_endpoints_and_slices(cluster: Cluster) -> None:
    apply(cluster, SVC)
    assert slices(cluster)
    cluster.api.delete("Service", "default", "web")
    cluster.settle()
    assert cluster.store.get("Endpoints", "default", "web") is None and slices(cluster) == []


def test_kube_dns_endpoints_are_the_coredns_pods(cluster: Cluster) -> None:
    cluster.advance(60)
    ep = cluster.store.get("Endpoints", "kube-system", "kube-dns")
    coredns = cluster.store.list("Pod", "kube-system", selector={"k8s-app": "kube-dns"})
    ips = sorted(p["status"]["podIP"] for p in coredns)
    assert len(ips) == 2
    assert sorted(a["ip"] for a in ep["subsets"][0]["addresses"]) == ips
    assert {p["name"] for p in ep["subsets"][0]["ports"]} == {"dns", "dns-tcp", "metrics"}
    assert cluster.store.get("EndpointSlice", "default", "kubernetes") is not None


def test_over_capacity_is_truncated_at_1000() -> None:
    from server.sim.controllers.endpoints import EndpointsController

    cluster = Cluster(seed=2)
    apply(cluster, SVC)
    ctrl = cluster.controller("endpoint-controller")
    assert isinstance(ctrl, EndpointsController)
    # 1,001 ready pods written straight to the store, bound to a machine that is not there (nothing runs them)
    for i in range(1001):
        cluster.store.create({"apiVersion": "v1", "kind": "Pod",
                              "metadata": {"name": f"p{i}", "namespace": "default", "labels": {"app": "web"}},
                              "spec": {"nodeName": "ghost", "containers": [{"name": "c", "image": "nginx",
                                                       "ports": [{"name": "http", "containerPort": 80}]}]},
                              "status": {"phase": "Running", "podIP": f"10.1.{i // 250}.{i % 250 + 1}",
                                         "conditions": [{"type": "Ready", "status": "True"}]}})
    cluster.settle()
    ep = cluster.store.get("Endpoints", "default", "web")
    assert sum(len(ss.get("addresses") or []) for ss in ep["subsets"]) == 1000
    assert ep["metadata"]["annotations"]["endpoints.kubernetes.io/over-capacity"] == "truncated"
    sl = slices(cluster)
    assert sorted(len(s["endpoints"]) for s in sl) == [1] + [100] * 10


def test_load_balancer_pending_until_the_pool_is_switched_on(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f lessons/step09-svc-lb.yml")
    kubectl("apply -f seeds/svc-lb-nodeport.yml")
    cluster.advance(120)
    assert "<pending>" in kubectl("get svc web-service-lb")
    cluster.set_lb_pool(True)
    lb = cluster.store.get("Service", "default", "web-service-lb")
    sample = cluster.store.get("Service", "default", "sample-lb")
    got = sorted([lb["status"]["loadBalancer"]["ingress"][0]["ip"], sample["status"]["loadBalancer"]["ingress"][0]["ip"]])
    assert got == ["192.168.56.240", "192.168.56.241"]
    assert lb["status"]["loadBalancer"]["ingress"][0]["ipMode"] == "VIP"
    assert "192.168.56.24" in kubectl("get svc web-service-lb")
    assert "IPAllocated" in kubectl("describe svc web-service-lb")
    cluster.set_lb_pool(False)
    kubectl("create deployment x --image=nginx")  # unrelated work does not assign anything new
    (doc,) = parse_manifests("apiVersion: v1\nkind: Service\nmetadata: {name: late}\nspec:\n  type: LoadBalancer\n"
                             "  ports: [{port: 80}]\n", "x.yml")
    cluster.api.create(doc)
    cluster.advance(30)
    assert "<pending>" in kubectl("get svc late")


def test_pods_older_than_the_service_leave_it_when_scaled_down(cluster: Cluster, kubectl) -> None:
    apply(cluster, DEPLOY.replace("REPLICAS", "3"))
    apply(cluster, "apiVersion: v1\nkind: Pod\nmetadata: {name: solo, labels: {app: web}}\nspec:\n  containers:\n"
                   "  - name: c\n    image: nginx\n    ports: [{name: http, containerPort: 80}]\n")
    cluster.advance(60)
    apply(cluster, SVC)
    assert len(ep_ips(cluster)[0]) == 4
    # relabelling a pod that was there before the Service takes it out
    solo = cluster.store.get("Pod", "default", "solo")
    solo["metadata"]["labels"] = {"app": "elsewhere"}
    cluster.api.replace(solo)
    cluster.settle()
    assert solo["status"]["podIP"] not in ep_ips(cluster)[0]
    assert len(ep_ips(cluster)[0]) == 3
    kubectl("scale deploy web --replicas=1")
    cluster.settle()
    assert len(ep_ips(cluster)[0]) == 1  # the two being deleted left at once
    cluster.advance(60)
    assert len(ep_ips(cluster)[0]) == 1
    assert sum(len(s["endpoints"] or []) for s in slices(cluster)) == 1
    # a selector change moves the Service to other pods
    apply(cluster, "apiVersion: v1\nkind: Pod\nmetadata: {name: other, labels: {app: other}}\nspec:\n  containers:\n"
                   "  - name: c\n    image: nginx\n    ports: [{name: http, containerPort: 80}]\n")
    cluster.advance(60)
    apply(cluster, SVC.replace("selector: {app: web}", "selector: {app: other}"))
    other = cluster.store.get("Pod", "default", "other")
    assert ep_ips(cluster)[0] == [other["status"]["podIP"]]
    cluster.api.delete("Pod", "default", "other")
    cluster.settle()
    assert ep_ips(cluster) == ([], [])


def test_publish_not_ready_addresses_lists_every_pod_as_ready(cluster: Cluster, kubectl) -> None:
    # EndpointsController.addEndpointSubset (tolerateUnreadyEndpoints) and the EndpointSlice reconciler's
    # ready = publishNotReadyAddresses || (serving && !terminating)
    apply(cluster, SVC.replace("  selector: {app: web}", "  publishNotReadyAddresses: true\n  selector: {app: web}"))
    apply(cluster, DEPLOY.replace("REPLICAS", "2"))
    cluster.advance(2)  # both pods have their IPs, neither has pulled its image yet
    pods = running_pods(cluster)
    assert len(pods) == 2 and not any(ready_condition(p) == "True" for p in pods)
    ips = sorted((p["status"]["podIP"] for p in pods), key=lambda ip: [int(x) for x in ip.split(".")])
    assert ep_ips(cluster) == (ips, [])
    assert kubectl("get ep web").splitlines()[1].split()[:2] == ["web", ",".join(f"{ip}:80" for ip in ips)]
    eps = [e for s in slices(cluster) for e in s["endpoints"] or []]
    assert sorted(e["addresses"][0] for e in eps) == ips
    assert all(e["conditions"] == {"ready": True, "serving": False, "terminating": False} for e in eps)
    # a pod being deleted stays listed, still as ready (ShouldPodBeInEndpoints includes terminating ones)
    cluster.advance(60)
    victim = running_pods(cluster)[0]
    cluster.api.delete("Pod", "default", victim["metadata"]["name"])
    cluster.settle()
    assert victim["status"]["podIP"] in ep_ips(cluster)[0]
    (gone,) = [e for s in slices(cluster) for e in s["endpoints"] or [] if e["targetRef"]["uid"] == victim["metadata"]["uid"]]
    assert gone["conditions"] == {"ready": True, "serving": True, "terminating": True}
