"""Inside a pod: ``localhost`` is the pod's own network namespace (every container of the pod, no
NetworkPolicy in the way), names come from the container's /etc/hosts before DNS, and ``hostname -f``
is the first name of the pod's line there — what ``kubectl exec`` users see on a real cluster."""

from __future__ import annotations

import pytest

from server.kubectl.parse import run
from server.sim.cluster import Cluster
from server.sim.net import dns

SIDECAR = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two", "namespace": "default",
                                                           "labels": {"app": "two"}},
           "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"},
                                   {"name": "bb", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
CLIENT = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "client", "namespace": "default"},
          "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}
HEADLESS = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "namespace": "default"},
            "spec": {"clusterIP": "None", "selector": {"app": "sub"}, "ports": [{"port": 80}]}}
SUBDOMAIN = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sub-0", "namespace": "default",
                                                             "labels": {"app": "sub"}},
             "spec": {"hostname": "web-0", "subdomain": "nginx",
                      "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=3)
    for obj in (SIDECAR, CLIENT, HEADLESS, SUBDOMAIN):
        c.api.create(obj)
    c.advance(60)
    return c


def sh(c: Cluster, line: str) -> tuple[str, int]:
    r = run(c, line)
    return r.output, r.exit_code


def test_curl_localhost_reaches_the_containers_own_server(lab):
    out, code = sh(lab, "kubectl exec two -c nginx -- curl -s localhost")
    assert code == 0
    assert "<title>Welcome to nginx!</title>" in out
    # from the loopback (curl 8 goes over ::1 first, not modelled: kubeplay's curl uses 127.0.0.1)
    log, _ = sh(lab, "kubectl logs two -c nginx --tail=1")
    assert log.split(" ", 1)[0] in ("127.0.0.1", "::1")
    assert log.endswith('"GET / HTTP/1.1" 200 615 "-" "curl/8.11.1" "-"\n')
    # busybox wget prefers IPv4 (FEATURE_PREFER_IPV4_ADDRESS): 127.0.0.1
    sh(lab, "kubectl exec two -c bb -- wget -qO- localhost")
    log, _ = sh(lab, "kubectl logs two -c nginx --tail=1")
    assert log.startswith("127.0.0.1 - - [") and log.endswith('"GET / HTTP/1.1" 200 615 "-" "Wget" "-"\n')


def test_nothing_listening_on_localhost_is_refused_at_once(lab):
    assert sh(lab, "kubectl exec two -c nginx -- curl localhost:81") == (
        "curl: (7) Failed to connect to localhost port 81 after 0 ms: Couldn't connect to server\n"
        "command terminated with exit code 7\n", 7)
    assert sh(lab, "kubectl exec two -c bb -- wget -O- localhost:81") == (
        "Connecting to localhost:81 (127.0.0.1:81)\n"
        "wget: can't connect to remote host (127.0.0.1): Connection refused\n"
        "command terminated with exit code 1\n", 1)
    # the client pod runs no server: its own localhost answers nothing, whatever the other pods serve
    out, code = sh(lab, "kubectl exec client -- wget -qO- 127.0.0.1")
    assert (out, code) == ("wget: can't connect to remote host (127.0.0.1): Connection refused\n"
                           "command terminated with exit code 1\n", 1)


def test_a_sidecar_shares_the_pods_network_namespace(lab):
    out, code = sh(lab, "kubectl exec two -c bb -- wget -qO- localhost")
    assert code == 0 and "<h1>Welcome to nginx!</h1>" in out
    # its own hostname is in /etc/hosts (the pod's IP): no DNS query needed
    out, code = sh(lab, "kubectl exec two -c bb -- wget -qO- two")
    assert code == 0 and "<h1>Welcome to nginx!</h1>" in out


def test_etc_hosts_comes_before_dns(lab):
    assert sh(lab, "kubectl exec client -- wget -qO- myapp.example") == (
        "wget: bad address 'myapp.example'\ncommand terminated with exit code 1\n", 1)
    two_ip = lab.store.get("Pod", "default", "two")["status"]["podIP"]
    sh(lab, f"kubectl exec client -- sh -c 'echo \"{two_ip} myapp.example\" >> /etc/hosts'")
    out, code = sh(lab, "kubectl exec client -- wget -qO- myapp.example")
    assert code == 0 and "<h1>Welcome to nginx!</h1>" in out
    out, _ = sh(lab, "kubectl exec client -- ping -c 1 localhost")
    assert out.startswith("PING localhost (127.0.0.1): 56 data bytes\n64 bytes from 127.0.0.1: seq=0 ttl=64 time=")


def test_localhost_is_not_policed(lab):
    policy = {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
              "metadata": {"name": "deny-two", "namespace": "default"},
              "spec": {"podSelector": {"matchLabels": {"app": "two"}}, "policyTypes": ["Ingress", "Egress"]}}
    lab.api.create(policy)
    try:
        lab.advance(1)
        out, code = sh(lab, "kubectl exec two -c bb -- wget -qO- -T 2 localhost")
        assert code == 0 and "<h1>Welcome to nginx!</h1>" in out
        out, code = sh(lab, f"kubectl exec client -- wget -qO- -T 2 {lab.store.get('Pod', 'default', 'two')['status']['podIP']}")
        assert (out, code) == ("wget: download timed out\ncommand terminated with exit code 1\n", 1)
    finally:
        lab.api.delete("NetworkPolicy", "default", "deny-two")


def test_hostname_f_is_the_first_name_of_the_pods_hosts_line(lab):
    assert sh(lab, "kubectl exec client -- hostname") == ("client\n", 0)
    assert sh(lab, "kubectl exec client -- hostname -f") == ("client\n", 0)
    fqdn = "web-0.nginx.default.svc.cluster.local"
    assert sh(lab, "kubectl exec sub-0 -- hostname -f") == (fqdn + "\n", 0)
    assert sh(lab, "kubectl exec sub-0 -- hostname -d") == ("nginx.default.svc.cluster.local\n", 0)
    pod = lab.store.get("Pod", "default", "sub-0")
    hosts, _ = sh(lab, "kubectl exec sub-0 -- cat /etc/hosts")
    assert hosts == dns.etc_hosts(lab, pod)
    assert hosts.splitlines()[-1] == f"{pod['status']['podIP']}\t{fqdn}\tweb-0"
    assert dns.pod_fqdn(lab, pod) == fqdn


def test_a_nodes_localhost_is_its_own_servers(lab):
    from server.sim.net import proxy

    r = proxy.route(lab, proxy.Source.node("master"), "127.0.0.1", 6443)
    assert r.ok and r.pod == ("kube-system", "kube-apiserver-master") and r.client_ip == "127.0.0.1"
    # node1 runs no apiserver: its own loopback refuses, it does not reach the master's
    r = proxy.route(lab, proxy.Source.node("node1"), "127.0.0.1", 6443)
    assert not r.ok and r.error == proxy.REFUSED
    # a hostNetwork pod shares its node's loopback: etcd listens there on the master
    r = proxy.route(lab, proxy.Source.pod("kube-system", "kube-apiserver-master"), "127.0.0.1", 2379)
    assert r.ok and r.pod == ("kube-system", "etcd-master")


FQ = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "fq", "namespace": "default"},
      "spec": {"hostname": "fq", "subdomain": "nginx", "setHostnameAsFQDN": True,
               "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


@pytest.fixture(scope="module")
def fq(lab):
    lab.api.create(FQ)
    lab.advance(30)
    return lab


def test_hostname_f_with_set_hostname_as_fqdn(fq):
    fqdn = "fq.nginx.default.svc.cluster.local"
    assert sh(fq, "kubectl exec fq -- cat /etc/hostname") == (fqdn + "\n", 0)
    assert sh(fq, "kubectl exec fq -- hostname -f") == (fqdn + "\n", 0)
    assert sh(fq, "kubectl exec fq -- hostname -s") == ("fq\n", 0)


def test_hostname_is_the_fqdn_with_set_hostname_as_fqdn(fq):
    assert sh(fq, "kubectl exec fq -- hostname") == ("fq.nginx.default.svc.cluster.local\n", 0)


def test_uname_n_is_the_fqdn_with_set_hostname_as_fqdn(fq):
    assert sh(fq, "kubectl exec fq -- uname -n") == ("fq.nginx.default.svc.cluster.local\n", 0)
    assert sh(fq, "kubectl exec fq -- hostname -d") == ("nginx.default.svc.cluster.local\n", 0)


#: 70 characters, a '-' at the 63rd: the kubelet cuts the hostname to 62 (GeneratePodHostNameAndDomain)
LONG = "a" * 30 + "-" + "b" * 31 + "-" + "c" * 7


@pytest.fixture(scope="module")
def long_named(lab):
    lab.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": LONG, "namespace": "default"},
                    "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}})
    lab.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "hostnet", "namespace": "default"},
                    "spec": {"hostNetwork": True, "nodeName": "node2",
                             "containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}})
    lab.advance(30)
    return lab


def test_a_long_pod_name_is_cut_to_63_characters_without_a_trailing_dash(long_named):
    short = LONG[:62]
    assert len(short) == 62 and not short.endswith("-")
    assert sh(long_named, f"kubectl exec {LONG} -- hostname") == (short + "\n", 0)
    assert sh(long_named, f"kubectl exec {LONG} -- hostname -f") == (short + "\n", 0)
    assert sh(long_named, f"kubectl exec {LONG} -- cat /etc/hostname") == (short + "\n", 0)
    pod = long_named.store.get("Pod", "default", LONG)
    hosts, _ = sh(long_named, f"kubectl exec {LONG} -- cat /etc/hosts")
    assert hosts.splitlines()[-1] == f"{pod['status']['podIP']}\t{short}"
    assert dns.pod_fqdn(long_named, pod) == short


def test_a_host_network_pod_has_its_nodes_hostname(long_named):
    assert sh(long_named, "kubectl exec hostnet -- hostname") == ("node2\n", 0)
    assert sh(long_named, "kubectl exec hostnet -- uname -n") == ("node2\n", 0)


def test_resolve_all_gives_localhost_ipv6_first_then_the_pods_names_then_dns(lab):
    assert dns.resolve_all(lab, "localhost", pod=("default", "client")) == ["::1", "127.0.0.1"]
    hosts, _ = sh(lab, "kubectl exec sub-0 -- cat /etc/hosts")
    ip = lab.store.get("Pod", "default", "sub-0")["status"]["podIP"]
    assert dns.resolve_all(lab, "web-0", pod=("default", "sub-0"), hosts_text=hosts) == [ip]
    assert dns.resolve_all(lab, "ip6-allnodes", hosts_text=hosts) == ["fe00::1"]
    kubernetes = lab.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"]
    assert dns.resolve_all(lab, "kubernetes", pod=("default", "client")) == [kubernetes]
    assert dns.resolve_all(lab, "no-such-name", pod=("default", "client")) == []
    assert dns.resolve_all(lab, "::1") == ["::1"]
