"""kubernetes.io "Debugging DNS Resolution" (tasks/administer-cluster/dns-debugging-resolution) through
the HTTP contract: the dnsutils pod (BIND's nslookup), its resolv.conf, the CoreDNS pods, Service and
endpoints; and the page's earlier busybox:1.28 variant of the same checks (busybox 1.28's nslookup
format). The tutorial's own output for nslookup is stale (it shows busybox's format for dnsutils): these
assert what the programs really print."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

DNSUTILS = """apiVersion: v1
kind: Pod
metadata:
  name: dnsutils
  namespace: default
spec:
  containers:
  - name: dnsutils
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
    command:
      - sleep
      - "infinity"
    imagePullPolicy: IfNotPresent
  restartPolicy: Always
"""
BUSYBOX = DNSUTILS.replace("name: dnsutils", "name: busybox").replace(
    "image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", "image: busybox:1.28")
RESOLV = "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"


@pytest.fixture
def term(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    base = f"/api/sandboxes/{sid}"

    def run(line: str, rc: int | None = 0, stdin: str | None = None) -> str:
        body: dict = {"command": line, **({"stdin": stdin} if stdin is not None else {})}
        r = client.post(f"{base}/run", json=body)
        assert r.status_code == 200, r.json
        if rc is not None:
            assert r.json["exitCode"] == rc, r.json
        return r.json["output"]

    def advance(seconds: float) -> None:
        assert client.post(f"{base}/clock", json={"advance": seconds}).status_code == 200

    client.post(f"{base}/clock", json={"paused": True})
    run.advance = advance  # type: ignore[attr-defined]
    yield run
    app.extensions["kubeplay.journal"].close()


def test_busybox_128_checks(term):
    assert term("kubectl apply -f -", stdin=BUSYBOX) == "pod/busybox created\n"
    term.advance(30)
    assert re.fullmatch(r"NAME +READY +STATUS +RESTARTS +AGE\nbusybox +1/1 +Running +0 +\d+s\n",
                        term("kubectl get pods busybox"))
    assert term("kubectl exec -i -t busybox -- nslookup kubernetes.default") == (
        "Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
        "Name:      kubernetes.default\nAddress 1: 10.96.0.1 kubernetes.default.svc.cluster.local\n")
    assert term("kubectl exec -ti busybox -- cat /etc/resolv.conf") == RESOLV
    missing = term("kubectl exec -i -t busybox -- nslookup kubernetes.nowhere", rc=1)
    assert missing.endswith("nslookup: can't resolve 'kubernetes.nowhere'\ncommand terminated with exit code 1\n")


def test_coredns_is_there(term):
    pods = term("kubectl get pods --namespace=kube-system -l k8s-app=kube-dns").splitlines()
    assert pods[0].split() == ["NAME", "READY", "STATUS", "RESTARTS", "AGE"] and len(pods) == 3
    assert all(re.match(r"coredns-[a-z0-9]+-[a-z0-9]{5} +1/1 +Running +0 ", p) for p in pods[1:])
    # the page's check that CoreDNS is healthy: its pods' logs (the selector's pods, in turn)
    logs = term("kubectl logs --namespace=kube-system -l k8s-app=kube-dns")
    assert logs.count(".:53\n[INFO] plugin/reload: Running configuration SHA512 = ") == 2, logs
    assert logs.count("CoreDNS-1.11.3\nlinux/amd64, go1.21.11, a6338e9\n") == 2, logs
    svc = term("kubectl get svc --namespace=kube-system").splitlines()
    assert svc[1].split()[:5] == ["kube-dns", "ClusterIP", "10.96.0.10", "<none>", "53/UDP,53/TCP,9153/TCP"]
    ep = term("kubectl get endpoints kube-dns --namespace=kube-system").splitlines()
    assert re.match(r"kube-dns +10\.244\.\d+\.\d+:53,10\.244\.\d+\.\d+:53,10\.244\.\d+\.\d+:53 \+ 3 more\.\.\. ", ep[1])
    # the page's label is not the one EndpointSlices carry (kubernetes.io/service-name): nothing, as on a cluster
    assert term("kubectl get endpointslices -l k8s.io/service-name=kube-dns --namespace=kube-system") == \
        "No resources found in kube-system namespace.\n"


def test_dnsutils(term):
    assert term("kubectl apply -f -", stdin=DNSUTILS) == "pod/dnsutils created\n"
    term.advance(30)
    assert re.fullmatch(r"NAME +READY +STATUS +RESTARTS +AGE\ndnsutils +1/1 +Running +0 +\d+s\n",
                        term("kubectl get pods dnsutils"))
    assert term("kubectl exec -i -t dnsutils -- nslookup kubernetes.default") == (
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tkubernetes.default.svc.cluster.local\n"
        "Address: 10.96.0.1\n\n")
    assert term("kubectl exec -ti dnsutils -- cat /etc/resolv.conf") == RESOLV
    assert term("kubectl exec -i -t dnsutils -- dig +short kubernetes.default.svc.cluster.local") == "10.96.0.1\n"
