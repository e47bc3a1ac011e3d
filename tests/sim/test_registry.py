"""The simulated image registry: references, the catalogue, and what a container's command does."""

from __future__ import annotations

import pytest

from server.sim.registry import FOREVER, Registry, normalize


@pytest.fixture
def registry() -> Registry:
    return Registry()


@pytest.mark.parametrize(("ref", "full"), [
    ("nginx", "docker.io/library/nginx:latest"),
    ("nginx:1.17", "docker.io/library/nginx:1.17"),
    ("library/nginx:1.17", "docker.io/library/nginx:1.17"),
    ("jocatalin/kubernetes-bootcamp:v1", "docker.io/jocatalin/kubernetes-bootcamp:v1"),
    ("gcr.io/kuar-demo/kuard-amd64:1", "gcr.io/kuar-demo/kuard-amd64:1"),
    ("localhost:5000/app", "localhost:5000/app:latest"),
    ("registry.k8s.io/pause:3.10", "registry.k8s.io/pause:3.10"),
    ("nginx@sha256:abc", "docker.io/library/nginx@sha256:abc"),
])
def test_references_are_normalised_like_docker(ref, full):
    assert normalize(ref) == full


def test_catalogue_has_the_tutorial_images_and_not_bootcamp_v10(registry):
    for ref in ("nginx:1.14", "nginx:1.27", "nginx:1.9.10", "nginx:alpine", "httpd:2.4", "httpd", "busybox:1.36",
                "busybox", "redis:5.0.5", "mysql:5.6", "mysql:5.7", "mysql:8.0", "wordpress:4.8-apache",
                "wordpress:6", "centos:7", "centos:latest", "gcr.io/kuar-demo/kuard-amd64:blue",
                "gcr.io/kuar-demo/kuard-amd64:purple", "jocatalin/kubernetes-bootcamp:v1",
                "jocatalin/kubernetes-bootcamp:v2", "registry.k8s.io/pause:3.10",
                "registry.k8s.io/coredns/coredns:v1.11.3", "registry.k8s.io/kube-proxy:v1.32.0",
                "registry.k8s.io/etcd:3.5.16-0", "docker.io/flannel/flannel:v0.26.1"):
        assert registry.resolve(ref) is not None, ref
    assert registry.resolve("jocatalin/kubernetes-bootcamp:v10") is None
    assert registry.tags("jocatalin/kubernetes-bootcamp") == ["v1", "v2"]


def test_every_image_in_the_examples_exists(registry):
    import pathlib
    import re

    images = set()
    for path in pathlib.Path(__file__).resolve().parents[2].joinpath("examples").rglob("*.y*ml"):
        images |= set(re.findall(r"^\s*-?\s*image:\s*(\S+)", path.read_text(), re.M))
    assert "nginx:1.16" in images
    assert [i for i in sorted(images) if registry.resolve(i) is None] == []


def test_digests_are_stable_and_distinct(registry):
    a, b = registry.resolve("nginx:1.16"), registry.resolve("nginx:1.17")
    assert a.digest == Registry().resolve("nginx:1.16").digest
    assert a.digest != b.digest and a.digest.startswith("sha256:") and len(a.digest) == 71
    assert registry.resolve(f"nginx@{a.digest}") == a
    assert a.image_id == f"docker.io/library/nginx@{a.digest}"


def test_pull_error_wording(registry):
    assert registry.pull_error("jocatalin/kubernetes-bootcamp:v10") == (
        'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/jocatalin/kubernetes-bootcamp:v10": '
        'failed to resolve reference "docker.io/jocatalin/kubernetes-bootcamp:v10": '
        "docker.io/jocatalin/kubernetes-bootcamp:v10: not found")
    assert "pull access denied, repository does not exist" in registry.pull_error("nosuchuser/nosuchimage")


def test_users_can_publish_images_and_tags(registry):
    assert registry.resolve("me/app:v1") is None
    registry.add("me/app", "v1", size=5_000_000, ports=[8080])
    img = registry.resolve("docker.io/me/app:v1")
    assert img.size == 5_000_000 and img.ports == (8080,) and img.server
    # a new tag of a known repository behaves like its siblings
    registry.add("jocatalin/kubernetes-bootcamp", "v10")
    v10 = registry.resolve("jocatalin/kubernetes-bootcamp:v10")
    assert v10 is not None and v10.ports == (8080,) and not v10.handles_sigterm


def proc(registry, image, **container):
    return registry.process(registry.resolve(image), {"name": "c", "image": image, **container})


def test_default_commands(registry):
    nginx = proc(registry, "nginx:1.17")
    assert nginx.server and nginx.runs_for == FOREVER and nginx.ports == (80,) and nginx.handles_sigterm
    busybox = proc(registry, "busybox")
    assert not busybox.server and busybox.runs_for == 0 and busybox.exit_code == 0
    assert proc(registry, "centos:7").runs_for == 0
    boot = proc(registry, "jocatalin/kubernetes-bootcamp:v1")
    assert boot.server and not boot.handles_sigterm
    assert proc(registry, "gcr.io/kuar-demo/kuard-amd64:1").ports == (8080,)
    # an interactive shell (kubectl run -it) waits for its terminal
    assert proc(registry, "busybox", stdin=True, tty=True).runs_for == FOREVER


@pytest.mark.parametrize(("container", "runs_for", "code"), [
    ({"command": ["sh", "-c", "sleep 3600; exit 0"]}, 3600, 0),
    ({"command": ["sh", "-c", "echo hi"]}, 0, 0),
    ({"command": ["sh", "-c", "echo hi; exit 3"]}, 0, 3),
    ({"command": ["sleep"], "args": ["30"]}, 30, 0),
    ({"args": ["sleep", "10"]}, 10, 0),
    ({"command": ["/bin/sh", "-c", "sleep 5 && false"]}, 5, 1),
    ({"command": ["sh", "-c", "false || sleep 2"]}, 2, 0),
    ({"command": ["sh", "-c", "nosuchcommand"]}, 0, 127),
    ({"command": ["sh", "-c", "while true; do sleep 5; done"]}, FOREVER, 0),
    ({"command": ["sleep", "infinity"]}, FOREVER, 0),
    ({"command": ["tail", "-f", "/dev/null"]}, FOREVER, 0),
    ({"command": ["sh", "-c", "sleep 1m"]}, 60, 0),
])
def test_commands_decide_what_busybox_does(registry, container, runs_for, code):
    p = proc(registry, "busybox:1.36", **container)
    assert (p.runs_for, p.exit_code, p.server) == (runs_for, code, False)
    assert not p.handles_sigterm  # a shell or sleep as PID 1 ignores SIGTERM


def test_commands_on_server_images(registry):
    assert not proc(registry, "nginx:1.17", command=["sleep", "5"]).server
    assert proc(registry, "nginx:1.17", args=["nginx", "-g", "daemon off;"]).server
    wrapped = proc(registry, "nginx:1.17", command=["sh", "-c", "echo starting; nginx -g 'daemon off;'"])
    assert wrapped.server and not wrapped.handles_sigterm  # SIGTERM goes to sh, not nginx
    execd = proc(registry, "nginx:1.17", command=["sh", "-c", "exec nginx -g 'daemon off;'"])
    assert execd.server and execd.handles_sigterm


def test_mysql_needs_a_password_option(registry):
    assert not proc(registry, "mysql:8.0").server
    assert proc(registry, "mysql:8.0").exit_code == 1
    assert proc(registry, "mysql:8.0", env=[{"name": "MYSQL_ROOT_PASSWORD", "value": "x"}]).server
    assert proc(registry, "mysql:8.0", envFrom=[{"secretRef": {"name": "db"}}]).server
