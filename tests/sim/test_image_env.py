"""What ``kubectl exec POD -- env`` shows of an image's own ENV (its Dockerfile's, in order, after
containerd's PATH and HOSTNAME), and HOSTNAME itself: containerd sets it to the sandbox's hostname
(the FQDN under ``setHostnameAsFQDN``, the node's name under ``hostNetwork``)."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster

PODS = {
    "redis": "redis:7.4", "mysql57": "mysql:5.7.30", "mysql8": "mysql:8.0", "pg": "postgres:16",
    "py": "python:3.12-slim", "py13": "python:3.13", "wp": "wordpress:6.7", "bb": "busybox:1.36",
    "perl": "perl:5.40",
}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=8)
    docs = []
    for name, image in PODS.items():
        env = ("    env: [{name: MYSQL_ROOT_PASSWORD, value: pw}, {name: POSTGRES_PASSWORD, value: pw}]\n"
               if name.startswith(("mysql", "pg")) else "")
        docs.append(f"apiVersion: v1\nkind: Pod\nmetadata: {{name: {name}}}\nspec:\n  containers:\n"
                    f"  - name: c\n    image: {image}\n    command: [sleep, '3600']\n{env}")
    docs.append("""apiVersion: v1
kind: Service
metadata: {name: sub}
spec: {clusterIP: None, selector: {app: fq}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Pod
metadata: {name: fq, labels: {app: fq}}
spec:
  hostname: web
  subdomain: sub
  setHostnameAsFQDN: true
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
---
apiVersion: v1
kind: Pod
metadata: {name: hostnet}
spec:
  hostNetwork: true
  containers: [{name: c, image: busybox:1.36, command: [sleep, "3600"]}]
""")
    run(c, "kubectl apply -f -", stdin="---\n".join(docs))
    c.advance(40)
    return c


def image_vars(c: Cluster, pod: str) -> list[str]:
    """The pod's env lines up to the first variable the kubelet adds (the service links)."""
    out = run(c, f"kubectl exec {pod} -- env").output.splitlines()
    assert out[1].startswith("HOSTNAME="), out
    return [ln for ln in out[:next(i for i, ln in enumerate(out) if ln.startswith("KUBERNETES_"))]
            if not ln.startswith(("HOSTNAME=", "MYSQL_ROOT_PASSWORD=", "POSTGRES_PASSWORD="))]


def test_redis(lab):
    assert image_vars(lab, "redis") == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "GOSU_VERSION=1.17",
        "REDIS_VERSION=7.4.2", "REDIS_DOWNLOAD_URL=http://download.redis.io/releases/redis-7.4.2.tar.gz",
        "REDIS_DOWNLOAD_SHA=4ddebbf09061cbb589011786febdb34f29767dd7f89dbe712d2b68e808af6a1f"]


def test_mysql_5_7_and_8_0(lab):
    assert image_vars(lab, "mysql57")[1:] == ["GOSU_VERSION=1.12", "MYSQL_MAJOR=5.7",
                                              "MYSQL_VERSION=5.7.30-1debian10"]
    assert image_vars(lab, "mysql8")[1:] == ["GOSU_VERSION=1.17", "MYSQL_MAJOR=8.0", "MYSQL_VERSION=8.0.41-1.el9",
                                             "MYSQL_SHELL_VERSION=8.0.41-1.el9"]


def test_postgres_puts_its_bin_on_path(lab):
    assert image_vars(lab, "pg") == [
        "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin:/usr/lib/postgresql/16/bin",
        "GOSU_VERSION=1.17", "LANG=en_US.utf8", "PG_MAJOR=16", "PG_VERSION=16.8-1.pgdg120+1",
        "PGDATA=/var/lib/postgresql/data"]


def test_python_3_12_has_lang_and_3_13_does_not(lab):
    path = "PATH=/usr/local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    assert image_vars(lab, "py") == [
        path, "LANG=C.UTF-8", "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.12.9",
        "PYTHON_SHA256=7220835d9f90b37c006e9842a8dff4580aaca4318674f947302b8d28f3f81112"]
    assert image_vars(lab, "py13") == [
        path, "GPG_KEY=7169605F62C751356D054A26A821E680E5FA6305", "PYTHON_VERSION=3.13.2",
        "PYTHON_SHA256=d984bcc57cd67caab26f7def42e523b1c015bbc5dc07836cf4f0b63fa159eb56"]


def test_wordpress_has_php_apaches(lab):
    names = [ln.split("=", 1)[0] for ln in image_vars(lab, "wp")]
    assert names == ["PATH", "PHPIZE_DEPS", "PHP_INI_DIR", "APACHE_CONFDIR", "APACHE_ENVVARS", "PHP_CFLAGS",
                     "PHP_CPPFLAGS", "PHP_LDFLAGS", "GPG_KEYS", "PHP_VERSION", "PHP_URL", "PHP_ASC_URL", "PHP_SHA256"]
    assert "PHP_VERSION=8.2.27" in image_vars(lab, "wp")


def test_busybox_and_perl_set_nothing_but_path(lab):
    for pod in ("bb", "perl"):
        assert image_vars(lab, pod) == ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], pod


def test_hostname_under_set_hostname_as_fqdn_and_host_network(lab):
    fqdn = "web.sub.default.svc.cluster.local"
    assert run(lab, "kubectl exec fq -- hostname").output == fqdn + "\n"
    assert f"\nHOSTNAME={fqdn}\n" in run(lab, "kubectl exec fq -- env").output
    node = lab.store.get("Pod", "default", "hostnet")["spec"]["nodeName"]
    assert run(lab, "kubectl exec hostnet -- hostname").output == node + "\n"
    assert f"\nHOSTNAME={node}\n" in run(lab, "kubectl exec hostnet -- env").output
    assert "\nHOSTNAME=bb\n" in run(lab, "kubectl exec bb -- env").output
