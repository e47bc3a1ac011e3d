"""Cluster DNS: records, the pod's search path and ndots, busybox nslookup's output."""

from __future__ import annotations

from server.sim.net import dns

from .nethelpers import client, run_pods, service

ME = ("default", "client")


def _svc(cluster, name: str, spec: dict) -> None:
    cluster.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": name, "namespace": "default"},
                        "spec": spec})
    cluster.settle()


def test_search_path_and_ndots(cluster):
    client(cluster)
    service(cluster, "web-service", [], cluster_ip="10.96.100.30")
    short = dns.lookup(cluster, "web-service", pod=ME)
    assert short.addresses == ["10.96.100.30"] and short.fqdn == "web-service.default.svc.cluster.local"
    assert short.tried == ["web-service.default.svc.cluster.local"]
    # one dot (< ndots 5): the search list still comes first; <ns>.svc.cluster.local misses, svc.cluster.local hits
    dotted = dns.lookup(cluster, "web-service.default", pod=ME)
    assert dotted.addresses == ["10.96.100.30"]
    assert dotted.tried == ["web-service.default.default.svc.cluster.local", "web-service.default.svc.cluster.local"]
    fqdn = dns.lookup(cluster, "web-service.default.svc.cluster.local.", pod=ME)
    assert fqdn.addresses == ["10.96.100.30"] and fqdn.tried == ["web-service.default.svc.cluster.local"]
    # an external name with few dots walks the whole search list before going out as is
    ext = dns.lookup(cluster, "www.google.com", pod=ME)
    assert ext.tried[-1] == "www.google.com" and len(ext.tried) == 4 and ext.addresses
    assert not ext.authoritative


def test_unknown_names_are_nxdomain(cluster):
    client(cluster)
    ans = dns.lookup(cluster, "no-such-svc", pod=ME)
    assert ans.nxdomain and not ans.addresses and len(ans.tried) == 4
    assert dns.query(cluster, "no-such-svc.default.svc.cluster.local").rcode == "NXDOMAIN"


def test_cluster_names_do_not_resolve_from_the_workstation(cluster):
    service(cluster, "web-service", [], cluster_ip="10.96.100.30")
    assert dns.lookup(cluster, "web-service.default.svc.cluster.local").nxdomain
    assert dns.lookup(cluster, "www.yahoo.co.jp").addresses


def test_external_name_is_a_cname_followed_outside(cluster):
    client(cluster)
    _svc(cluster, "yahoo", {"type": "ExternalName", "externalName": "www.yahoo.co.jp"})
    ans = dns.lookup(cluster, "yahoo", pod=ME)
    assert ans.fqdn == "yahoo.default.svc.cluster.local"
    assert ans.cname == ["www.yahoo.co.jp", "edge12.g.yimg.jp"]
    assert ans.addresses == dns.EXTERNAL["edge12.g.yimg.jp"]
    text, status = dns.nslookup_text(cluster, "yahoo", pod=ME)
    assert "yahoo.default.svc.cluster.local\tcanonical name = www.yahoo.co.jp\n" in text
    assert "Name:\tedge12.g.yimg.jp\nAddress: 182.22.25.252\n" in text


def test_headless_service_returns_ready_pod_ips_and_hostnames(cluster):
    pods = run_pods(cluster, "web", "nginx", 3, node_names=["node1", "node2"])
    client(cluster)
    service(cluster, "hl", pods[:2], cluster_ip="None", port_name="http", not_ready=pods[2:])
    ans = dns.lookup(cluster, "hl", pod=ME)
    assert sorted(ans.addresses) == sorted(p["status"]["podIP"] for p in pods[:2])
    ip = pods[0]["status"]["podIP"]
    assert dns.lookup(cluster, f"{ip.replace('.', '-')}.hl", pod=ME).addresses == [ip]
    srv = dns.lookup(cluster, "_http._tcp.hl", pod=ME, qtype="SRV")
    assert sorted(s[3] for s in srv.srv) == sorted(
        f"{p['status']['podIP'].replace('.', '-')}.hl.default.svc.cluster.local" for p in pods[:2])


def test_headless_lesson_endpoints_and_no_ready_endpoint(cluster):
    client(cluster)
    _svc(cluster, "server1", {"clusterIP": "None"})
    assert dns.lookup(cluster, "server1", pod=ME).nxdomain  # no endpoints yet
    cluster.api.create({"apiVersion": "v1", "kind": "Endpoints", "metadata": {"name": "server1", "namespace": "default"},
                        "subsets": [{"addresses": [{"ip": "192.168.1.16"}]}]})
    cluster.settle()
    assert dns.lookup(cluster, "server1", pod=ME).addresses == ["192.168.1.16"]


def test_srv_for_named_ports_only(cluster):
    client(cluster)
    service(cluster, "named", [], cluster_ip="10.96.100.31", port=8080, port_name="http-port")
    srv = dns.lookup(cluster, "_http-port._tcp.named", pod=ME, qtype="SRV")
    assert srv.srv == [(0, 100, 8080, "named.default.svc.cluster.local")]
    service(cluster, "unnamed", [], cluster_ip="10.96.100.32")
    assert dns.query(cluster, "_http._tcp.unnamed.default.svc.cluster.local", "SRV").rcode == "NXDOMAIN"


def test_pod_records_and_ptr(cluster):
    assert dns.query(cluster, "10-244-1-5.default.pod.cluster.local").records[0].value == "10.244.1.5"
    ptr = dns.query(cluster, "10.0.96.10.in-addr.arpa", "PTR")
    assert ptr.records[0].value == "kube-dns.kube-system.svc.cluster.local"


def test_resolv_conf(cluster):
    pod = client(cluster)
    assert dns.resolv_conf(cluster, pod) == ("search default.svc.cluster.local svc.cluster.local cluster.local\n"
                                             "nameserver 10.96.0.10\noptions ndots:5\n")


def test_busybox_nslookup_short_name(cluster):
    client(cluster)
    service(cluster, "web-service", [], cluster_ip="10.96.100.30")
    text, status = dns.nslookup_text(cluster, "web-service", pod=ME)
    assert text.startswith("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                           "Name:\tweb-service.default.svc.cluster.local\nAddress: 10.96.100.30\n\n")
    assert text.count("** server can't find web-service.svc.cluster.local: NXDOMAIN\n") == 2
    assert text.count("** server can't find web-service.cluster.local: NXDOMAIN\n") == 2


def test_busybox_nslookup_ignores_ndots_for_dotted_names(cluster):
    client(cluster)
    service(cluster, "web-service", [], cluster_ip="10.96.100.30")
    text, status = dns.nslookup_text(cluster, "web-service.default", pod=ME)
    assert text == ("Server:\t\t10.96.0.10\nAddress:\t10.96.0.10:53\n\n"
                    "** server can't find web-service.default: NXDOMAIN\n\n"
                    "** server can't find web-service.default: NXDOMAIN\n\n")
    assert status == 1
    text, status = dns.nslookup_text(cluster, "web-service.default.svc.cluster.local", pod=ME)
    assert "Name:\tweb-service.default.svc.cluster.local\nAddress: 10.96.100.30\n" in text and status == 0
