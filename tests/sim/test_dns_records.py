"""DNS as a tutorial meets it (server/sim/net/dns.py, clients.py): a StatefulSet's per-pod names under
its headless Service, the pods' FQDN and /etc/hosts, busybox 1.28's nslookup (the libc resolver:
search list, reverse names), BIND's nslookup and dig (the dnsutils image), and a NetworkPolicy that
cuts a pod off from kube-dns."""

from __future__ import annotations

import re

import pytest

from server.sim.cluster import Cluster
from server.sim.net import clients, dns
from server.sim.net.proxy import Source

STS = [{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "namespace": "default",
                                                            "labels": {"app": "nginx"}},
        "spec": {"clusterIP": "None", "selector": {"app": "nginx"}, "ports": [{"port": 80, "name": "web"}]}},
       {"apiVersion": "apps/v1", "kind": "StatefulSet", "metadata": {"name": "web", "namespace": "default"},
        "spec": {"serviceName": "nginx", "replicas": 2, "selector": {"matchLabels": {"app": "nginx"}},
                 "template": {"metadata": {"labels": {"app": "nginx"}},
                              "spec": {"containers": [{"name": "nginx", "image": "nginx"}]}}}}]


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=4)
    for obj in STS:
        c.api.create(obj)
    for name, image in (("old", "busybox:1.28"), ("new", "busybox:1.36")):
        c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
                      "spec": {"containers": [{"name": name, "image": image, "command": ["sleep", "3600"]}]}})
    c.advance(120)
    return c


def ip_of(c: Cluster, pod: str) -> str:
    return c.store.peek("Pod", "default", pod)["status"]["podIP"]


def run(c: Cluster, prog, pod: str, *argv: str) -> clients.Out:
    return clients.run_sync(prog, clients.Context(c, Source.pod("default", pod)), list(argv))


def test_statefulset_pod_names(lab):
    ans = dns.lookup(lab, "web-0.nginx", pod=("default", "old"))
    assert ans.fqdn == "web-0.nginx.default.svc.cluster.local" and ans.addresses == [ip_of(lab, "web-0")]
    both = dns.lookup(lab, "nginx", pod=("default", "old"))
    assert sorted(both.addresses) == sorted([ip_of(lab, "web-0"), ip_of(lab, "web-1")])
    assert dns.pod_fqdn(lab, ("default", "web-1")) == "web-1.nginx.default.svc.cluster.local"
    assert dns.pod_fqdn(lab, ("default", "old")) == "old"
    hosts = dns.etc_hosts(lab, ("default", "web-0")).splitlines()
    assert hosts[0] == "# Kubernetes-managed hosts file."
    assert hosts[-1] == f"{ip_of(lab, 'web-0')}\tweb-0.nginx.default.svc.cluster.local\tweb-0"


def test_busybox_128_nslookup(lab):
    out = run(lab, clients.nslookup_busybox128, "old", "nslookup", "web-0.nginx")
    assert out.stdout == ("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\n"
                          f"Name:      web-0.nginx\nAddress 1: {ip_of(lab, 'web-0')} "
                          "web-0.nginx.default.svc.cluster.local\n") and out.code == 0
    missing = run(lab, clients.nslookup_busybox128, "old", "nslookup", "web-9.nginx")
    assert missing.stderr == "nslookup: can't resolve 'web-9.nginx'\n" and missing.code == 1
    # the image decides which nslookup a pod has
    assert clients.programs("busybox:1.28")["nslookup"] is clients.nslookup_busybox128
    assert clients.programs("busybox:1.36")["nslookup"] is clients.nslookup_busybox
    assert clients.programs("docker.io/library/busybox:latest")["nslookup"] is clients.nslookup_busybox


def test_busybox_136_nslookup_takes_a_dotted_name_as_given(lab):
    out = run(lab, clients.nslookup_busybox, "new", "nslookup", "web-0.nginx")
    assert out.code == 1 and "** server can't find web-0.nginx: NXDOMAIN" in out.stdout


def test_bind_nslookup_and_dig(lab):
    out = run(lab, clients.nslookup_bind, "old", "nslookup", "kubernetes.default")
    assert out.stdout == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n"
                          "Name:\tkubernetes.default.svc.cluster.local\nAddress: 10.96.0.1\n\n")
    world = run(lab, clients.nslookup_bind, "old", "nslookup", "www.yahoo.co.jp").stdout
    assert world.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nNon-authoritative answer:\n"
                            "www.yahoo.co.jp\tcanonical name = edge12.g.yimg.jp.\nName:\tedge12.g.yimg.jp\n")
    gone = run(lab, clients.nslookup_bind, "old", "nslookup", "nosuch")
    assert gone.code == 1 and gone.stdout.endswith("** server can't find nosuch: NXDOMAIN\n\n")
    short = run(lab, clients.dig, "old", "dig", "+short", "web-0.nginx.default.svc.cluster.local")
    assert short.stdout == ip_of(lab, "web-0") + "\n"
    srv = run(lab, clients.dig, "old", "dig", "+short", "SRV", "_web._tcp.nginx.default.svc.cluster.local")
    assert sorted(srv.stdout.splitlines()) == ["0 100 80 web-0.nginx.default.svc.cluster.local.",
                                               "0 100 80 web-1.nginx.default.svc.cluster.local."]
    full = run(lab, clients.dig, "old", "dig", "kubernetes.default.svc.cluster.local").stdout
    assert ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: " in full
    assert "\n;; ANSWER SECTION:\nkubernetes.default.svc.cluster.local.\t30\tIN\tA\t10.96.0.1\n" in full
    assert re.search(r";; SERVER: 10\.96\.0\.10#53\(10\.96\.0\.10\)\n", full)


def test_policy_cuts_the_pod_off_from_dns(lab):
    lab.api.create({"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
                    "metadata": {"name": "no-egress", "namespace": "default"},
                    "spec": {"podSelector": {}, "policyTypes": ["Egress"]}})
    try:
        new = run(lab, clients.nslookup_busybox, "new", "nslookup", "kubernetes.default.svc.cluster.local")
        assert new.stdout == ";; connection timed out; no servers could be reached\n\n" and new.code == 1
        old = run(lab, clients.nslookup_busybox128, "old", "nslookup", "kubernetes.default")
        assert old.stdout == "Server:    10.96.0.10\nAddress 1: 10.96.0.10\n\n"
        assert old.stderr == "nslookup: can't resolve 'kubernetes.default'\n"
    finally:
        lab.api.delete("NetworkPolicy", "default", "no-egress")


def test_coredns_logs_queries_once_the_corefile_has_log(lab):
    cm = lab.store.get("ConfigMap", "kube-system", "coredns")
    coredns = [p for p in lab.store.scan("Pod", "kube-system") if p["metadata"]["name"].startswith("coredns-")]

    def lines() -> list[str]:
        return [ln for p in coredns for ln in (lab.runtime.get(p["metadata"]["uid"], "coredns") or
                                                 type("I", (), {"logs": []})).logs if '"A IN ' in ln or "AAAA" in ln]

    before = len(lines())
    run(lab, clients.wget, "old", "wget", "-q", "-O-", "http://nginx")
    assert len(lines()) == before  # no log plugin: CoreDNS says nothing about queries
    cm["data"]["Corefile"] = cm["data"]["Corefile"].replace("    errors\n", "    log\n    errors\n")
    lab.api.replace(cm)
    try:
        run(lab, clients.wget, "old", "wget", "-q", "-O-", "http://kubernetes.default")
        new = lines()[before:]
        client = ip_of(lab, "old")
        # the search list under ndots:5: the first candidate is NXDOMAIN, the second answers (A and AAAA
        # each), spread over the two CoreDNS replicas
        assert sorted(re.sub(r"^\[INFO\] [\d.]+:\d+ - \d+ ", "", ln).rsplit(" ", 1)[0] for ln in new) == sorted([
            '"A IN kubernetes.default.default.svc.cluster.local. udp 62 false 512" NXDOMAIN qr,aa,rd 155',
            '"AAAA IN kubernetes.default.default.svc.cluster.local. udp 62 false 512" NXDOMAIN qr,aa,rd 155',
            '"A IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 106',
            '"AAAA IN kubernetes.default.svc.cluster.local. udp 54 false 512" NOERROR qr,aa,rd 147'])
        assert all(re.fullmatch(rf"\[INFO\] {re.escape(client)}:\d+ - \d+ \".+\" \S+ \S+ \d+ 0\.\d+s", ln)
                   for ln in new)
    finally:
        cm = lab.store.get("ConfigMap", "kube-system", "coredns")
        cm["data"]["Corefile"] = cm["data"]["Corefile"].replace("    log\n", "")
        lab.api.replace(cm)
