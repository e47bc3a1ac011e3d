"""What some images' filesystems hold (sim/images_fs.py): nginx-slim's document root as its build
leaves it, jessie-dnsutils' Debian jessie, and each image's own build instant on its files, which
nginx shows in Last-Modified and ETag."""

from __future__ import annotations

import pytest

from server.kubectl.parse import run
from server.sim.cluster import Cluster


def pod(name: str, image: str, command: list[str] | None = None) -> dict:
    c: dict = {"name": "c", "image": image}
    if command:
        c["command"] = command
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default"},
            "spec": {"containers": [c]}}


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=4)
    c.api.create(pod("slim", "registry.k8s.io/nginx-slim:0.21"))
    c.api.create(pod("dnsutils", "registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3", ["sleep", "infinity"]))
    c.api.create(pod("new", "nginx:1.27.4"))
    c.api.create(pod("old", "nginx:1.14.2"))
    c.api.create(pod("bb", "busybox:1.36", ["sleep", "3600"]))
    c.advance(90)
    return c


def sh(c: Cluster, line: str) -> tuple[str, int]:
    r = run(c, line)
    return r.output, r.exit_code


def test_nginx_slim_serves_nginxs_own_pages_from_usr_share_nginx_html(lab):
    assert sh(lab, "kubectl exec slim -- ls /usr/share/nginx/html") == ("50x.html\nindex.html\n", 0)
    page, rc = sh(lab, "kubectl exec slim -- cat /usr/share/nginx/html/index.html")
    assert rc == 0 and "<title>Welcome to nginx!</title>" in page and len(page.encode()) == 612
    osr, _ = sh(lab, "kubectl exec slim -- cat /etc/os-release")
    assert 'PRETTY_NAME="Ubuntu 16.04.7 LTS"' in osr and "VERSION_CODENAME=xenial" in osr
    assert sh(lab, "kubectl exec slim -- readlink /var/log/nginx/access.log") == ("/dev/stdout\n", 0)


def test_jessie_dnsutils_is_debian_jessie(lab):
    assert sh(lab, "kubectl exec dnsutils -- cat /etc/debian_version") == ("8.11\n", 0)
    osr, _ = sh(lab, "kubectl exec dnsutils -- cat /etc/os-release")
    assert osr.splitlines()[0] == 'PRETTY_NAME="Debian GNU/Linux 8 (jessie)"'
    assert 'VERSION="8 (jessie)"' in osr


def test_nginx_1_27_4_shows_its_packages_build_time(lab):
    head, rc = sh(lab, "kubectl exec new -- curl -sI localhost")
    assert rc == 0
    assert "Last-Modified: Wed, 05 Feb 2025 11:06:32 GMT" in head
    assert 'ETag: "67a34638-267"' in head


def test_each_image_has_its_own_build_instant(lab):
    from datetime import UTC, datetime

    def mtime(p: str, path: str) -> datetime:
        out, rc = sh(lab, f"kubectl exec {p} -- stat {path}")
        assert rc == 0, out
        line = next(x for x in out.splitlines() if x.strip().startswith("Modify:"))
        return datetime.strptime(line.split(": ", 1)[1][:19], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)

    stamps = {p: mtime(p, "/etc/passwd") for p in ("slim", "dnsutils", "new", "old", "bb")}
    assert len(set(stamps.values())) == len(stamps)
    assert stamps["new"] == datetime(2025, 2, 5, 11, 6, 32, tzinfo=UTC)
    assert stamps["slim"].date().isoformat() == "2017-02-14"  # the nginx 1.11.10 it compiles
    old_head, _ = sh(lab, "kubectl exec old -- curl -sI localhost")
    index = mtime("old", "/usr/share/nginx/html/index.html")
    assert f'ETag: "{int(index.timestamp()):x}-264"' in old_head  # nginx: mtime and size (612) in hex
    assert "Last-Modified: Tue, 04 Dec 2018" in old_head  # the day nginx 1.14.2 was released
