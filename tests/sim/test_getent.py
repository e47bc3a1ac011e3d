"""glibc's ``getent`` in the Debian-based images (coreutils.getent): hosts through the container's
/etc/hosts then the cluster DNS (IPv6 first, as gethostbyname2 is asked), passwd and group from the
image's files, and glibc's exit statuses."""

from __future__ import annotations

import pytest

from server.kubectl.parse import run
from server.sim.cluster import Cluster

WEB = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
       "spec": {"containers": [{"name": "nginx", "image": "nginx:1.27"}]}}
SUB = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "sub-0", "namespace": "default",
                                                       "labels": {"app": "sub"}},
       "spec": {"hostname": "web-0", "subdomain": "nginx", "containers": [{"name": "c", "image": "debian:12"
                                                                            , "command": ["sleep", "3600"]}]}}
HEADLESS = {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "nginx", "namespace": "default"},
            "spec": {"clusterIP": "None", "selector": {"app": "sub"}, "ports": [{"port": 80}]}}
BB = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bb", "namespace": "default"},
      "spec": {"containers": [{"name": "c", "image": "busybox:1.36", "command": ["sleep", "3600"]}]}}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=5)
    for obj in (WEB, SUB, HEADLESS, BB):
        c.api.create(obj)
    c.advance(60)
    return c


def sh(c: Cluster, line: str) -> tuple[str, int]:
    r = run(c, line)
    return r.output, r.exit_code


def test_localhost_answers_its_ipv6_line_first(lab):
    assert sh(lab, "kubectl exec web -- getent hosts localhost") == (
        "::1             localhost ip6-localhost ip6-loopback\n", 0)
    assert sh(lab, "kubectl exec web -- getent ahostsv4 localhost") == (
        "127.0.0.1       STREAM localhost\n127.0.0.1       DGRAM  \n127.0.0.1       RAW    \n", 0)


def test_a_service_name_resolves_through_the_search_list(lab):
    ip = lab.store.get("Service", "default", "kubernetes")["spec"]["clusterIP"]
    assert sh(lab, "kubectl exec web -- getent hosts kubernetes") == (
        f"{ip:<15} kubernetes.default.svc.cluster.local\n", 0)
    assert sh(lab, "kubectl exec web -- getent hosts kubernetes.default.svc.cluster.local") == (
        f"{ip:<15} kubernetes.default.svc.cluster.local\n", 0)


def test_the_pods_own_names_come_from_its_hosts_file(lab):
    pod_ip = lab.store.get("Pod", "default", "sub-0")["status"]["podIP"]
    line = f"{pod_ip:<15} web-0.nginx.default.svc.cluster.local web-0\n"
    assert sh(lab, "kubectl exec sub-0 -- getent hosts web-0") == (line, 0)
    assert sh(lab, f"kubectl exec sub-0 -- getent hosts {pod_ip}") == (line, 0)
    # from another pod the headless service's record answers, through DNS
    assert sh(lab, "kubectl exec web -- getent hosts web-0.nginx") == (
        f"{pod_ip:<15} web-0.nginx.default.svc.cluster.local\n", 0)


def test_enumerating_hosts_prints_every_entry_of_the_hosts_file(lab):
    out, rc = sh(lab, "kubectl exec web -- getent hosts")
    pod_ip = lab.store.get("Pod", "default", "web")["status"]["podIP"]
    assert rc == 0
    assert out.splitlines() == ["127.0.0.1       localhost", "::1             localhost ip6-localhost ip6-loopback",
                                "fe00::          ip6-localnet", "fe00::          ip6-mcastprefix",
                                "fe00::1         ip6-allnodes", "fe00::2         ip6-allrouters",
                                f"{pod_ip:<15} web"]


def test_an_unknown_name_exits_2_and_an_unknown_database_1(lab):
    gone = "command terminated with exit code 2\n"  # kubectl's words for the exit status
    assert sh(lab, "kubectl exec web -- getent hosts no-such-host") == (gone, 2)
    out, rc = sh(lab, "kubectl exec web -- getent hosts localhost no-such-host")
    assert (out, rc) == ("::1             localhost ip6-localhost ip6-loopback\n" + gone, 2)
    out, rc = sh(lab, "kubectl exec web -- getent nosuchdb")
    assert rc == 1 and "Unknown database: nosuchdb" in out
    out, rc = sh(lab, "kubectl exec web -- getent")
    assert rc == 1 and "getent: wrong number of arguments" in out


def test_passwd_and_group_by_name_and_by_id(lab):
    assert sh(lab, "kubectl exec web -- getent passwd root") == ("root:x:0:0:root:/root:/bin/bash\n", 0)
    assert sh(lab, "kubectl exec web -- getent passwd 101") == (
        "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n", 0)
    assert sh(lab, "kubectl exec web -- getent group nginx") == ("nginx:x:101:\n", 0)
    assert sh(lab, "kubectl exec web -- getent group 33") == ("www-data:x:33:\n", 0)
    assert sh(lab, "kubectl exec web -- getent passwd nosuchuser") == ("command terminated with exit code 2\n", 2)
    out, _ = sh(lab, "kubectl exec web -- getent passwd")
    assert out == sh(lab, "kubectl exec web -- cat /etc/passwd")[0]


def test_busybox_has_no_getent(lab):
    out, rc = sh(lab, "kubectl exec bb -- getent hosts localhost")
    assert rc != 0 and "getent" in out
