"""kubectl expose as kubectl v1.32 does it: the bootcamp's NodePort service (scenario D), selectors and
labels from the object, ports from --port or introspection, and kubectl's errors."""

from __future__ import annotations

import re

import yaml

from server.sim.cluster import Cluster


def test_expose_the_bootcamp_deployment_as_a_node_port(cluster: Cluster, kubectl) -> None:
    kubectl("create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1")
    assert kubectl("expose deployment/kubernetes-bootcamp --type=NodePort --port 8080") == \
        "service/kubernetes-bootcamp exposed\n"
    row = kubectl("get svc kubernetes-bootcamp").splitlines()[1].split()
    assert row[:3] == ["kubernetes-bootcamp", "NodePort", row[2]] and row[3] == "<none>"
    assert re.fullmatch(r"8080:3\d{4}/TCP", row[4])
    svc = yaml.safe_load(kubectl("get svc kubernetes-bootcamp -o yaml"))
    assert svc["metadata"]["labels"] == {"app": "kubernetes-bootcamp"}
    assert svc["spec"]["selector"] == {"app": "kubernetes-bootcamp"}
    assert svc["spec"]["ports"][0]["targetPort"] == 8080
    kubectl("scale deployments/kubernetes-bootcamp --replicas=4")
    cluster.advance(90)
    pods = cluster.store.list("Pod", "default", selector={"app": "kubernetes-bootcamp"})
    ep = cluster.store.get("Endpoints", "default", "kubernetes-bootcamp")
    assert sorted(a["ip"] for a in ep["subsets"][0]["addresses"]) == sorted(p["status"]["podIP"] for p in pods)
    assert ep["subsets"][0]["ports"] == [{"port": 8080, "protocol": "TCP"}]
    out = kubectl("describe svc kubernetes-bootcamp")
    assert re.search(r"NodePort:\s+<unset>\s+3\d{4}/TCP", out)
    assert re.search(r"Endpoints:\s+10\.244\.\d+\.\d+:8080,.* \+ 1 more\.\.\.", out)


def test_ports_by_introspection_and_target_port(cluster: Cluster, kubectl) -> None:
    kubectl("create deployment web --image=nginx --port=80")
    kubectl("expose deploy web --name web-lb --type LoadBalancer")
    spec = cluster.store.get("Service", "default", "web-lb")["spec"]
    assert [(p["port"], p["targetPort"], p["protocol"]) for p in spec["ports"]] == [(80, 80, "TCP")]
    assert "<pending>" in kubectl("get svc web-lb")
    kubectl("expose deploy web --name web-alt --port 8080 --target-port 80 --external-ip 192.168.56.200")
    spec = cluster.store.get("Service", "default", "web-alt")["spec"]
    assert spec["ports"][0]["port"] == 8080 and spec["ports"][0]["targetPort"] == 80
    assert spec["externalIPs"] == ["192.168.56.200"] and spec["type"] == "ClusterIP"
    # a service exposes its own selector
    kubectl("expose svc web-alt --name web-again --port 81")
    assert cluster.store.get("Service", "default", "web-again")["spec"]["selector"] == {"app": "web"}


def test_expose_a_pod_uses_its_labels(cluster: Cluster, kubectl) -> None:
    kubectl("apply -f seeds/httpd-nodeport.yml")
    kubectl("delete svc httpd-svc")
    kubectl("expose pod httpd --port 80 --name httpd2 --type NodePort")
    svc = cluster.store.get("Service", "default", "httpd2")
    assert svc["spec"]["selector"] == {"app": "httpd"}


def test_expose_errors(cluster: Cluster, kubectl) -> None:
    kubectl("create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1")
    assert kubectl("expose deployment kubernetes-bootcamp", rc=1) == (
        "error: couldn't find port via --port flag or introspection\n"
        "See 'kubectl expose -h' for help and examples\n")
    assert kubectl("expose", rc=1).startswith("error: You must provide one or more resources by argument or filename.")
    assert kubectl("expose node master --port 80", rc=1) == "error: cannot expose a Node\n"
    assert kubectl("expose deploy/nope --port 80", rc=1) == \
        'Error from server (NotFound): deployments.apps "nope" not found\n'
    kubectl("expose deployment kubernetes-bootcamp --port 8080")
    assert kubectl("expose deployment kubernetes-bootcamp --port 8080", rc=1) == \
        'Error from server (AlreadyExists): services "kubernetes-bootcamp" already exists\n'
    rv = cluster.store.rv
    out = kubectl("expose deployment kubernetes-bootcamp --port 8080 --name clash --cluster-ip 10.96.0.10", rc=1)
    assert out == ('Error from server (Invalid): Service "clash" is invalid: spec.clusterIPs: Invalid value: '
                   '[]string{"10.96.0.10"}: failed to allocate IP 10.96.0.10: provided IP is already allocated\n')
    assert cluster.store.rv == rv


def test_dry_run_client_prints_the_service(cluster: Cluster, kubectl) -> None:
    kubectl("create deployment web --image=nginx --port=80")
    doc = yaml.safe_load(kubectl("expose deploy web --dry-run=client -o yaml"))
    assert doc["spec"] == {"ports": [{"port": 80, "protocol": "TCP", "targetPort": 80}],
                           "selector": {"app": "web"}}
    assert cluster.store.get("Service", "default", "web") is None
