"""The simulated registry's images as the tutorials use them: every tutorial image pulls (old
k8s.gcr.io names too), a missing one fails with the real ErrImagePull events plus kubeplay's note in
``describe pod``, a user's own image answers and logs what its document says, and the images' apps
answer as the real ones do (agnhost, hello-app, hpa-example)."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.net import apps
from server.sim.net.proxy import Source
from server.sim.programs import nginx_entrypoint_lines, pi_digits
from server.sim.registry import Registry
from tests.sim.test_kubelet import cstatus, events, make_cluster, make_pod, pod

TUTORIAL_IMAGES = [
    "perl:5.34.0", "perl", "python:3.12", "python:3.11-slim", "postgres:16", "postgres", "polinux/stress",
    "registry.k8s.io/hpa-example", "registry.k8s.io/e2e-test-images/agnhost:2.40",
    "registry.k8s.io/e2e-test-images/agnhost:2.48", "registry.k8s.io/echoserver:1.4",
    "registry.k8s.io/echoserver:1.10", "registry.k8s.io/nginx-slim:0.21", "registry.k8s.io/nginx-slim:0.8",
    "registry.k8s.io/busybox", "registry.k8s.io/busybox:1.27.2", "gcr.io/google-samples/hello-app:1.0",
    "gcr.io/google-samples/hello-app:2.0", "registry.k8s.io/liveness", "registry.k8s.io/goproxy:0.1",
    "k8s.gcr.io/busybox", "k8s.gcr.io/echoserver:1.4", "k8s.gcr.io/liveness", "docker.io/library/node:20",
    "golang:1.23", "debian:bookworm", "mysql:8.0", "wordpress:6.7", "redis", "busybox:1.28", "nginx:1.27.4",
]


@pytest.fixture
def cluster():
    return make_cluster()


@pytest.mark.parametrize("ref", TUTORIAL_IMAGES)
def test_every_tutorial_image_is_known(ref):
    img = Registry().resolve(ref)
    assert img is not None, ref
    assert img.size > 0 and img.digest.startswith("sha256:")


def test_k8s_gcr_io_names_keep_their_own_name():
    img = Registry().resolve("k8s.gcr.io/busybox")
    assert img is not None and img.ref == "k8s.gcr.io/busybox:latest"


def test_pi_digits_are_rounded_as_bignum_rounds():
    assert pi_digits(1) == "3" and pi_digits(3) == "3.14" and pi_digits(5) == "3.1416"
    assert pi_digits(10) == "3.141592654"
    assert pi_digits(50) == "3.1415926535897932384626433832795028841971693993751"
    assert len(pi_digits(2000)) == 2001 and pi_digits(2000).endswith("4780275901")


def test_nginx_entrypoint_lines_follow_the_image_version():
    assert nginx_entrypoint_lines("1.17.10") == []
    old = nginx_entrypoint_lines("1.19.10")
    assert "/docker-entrypoint.sh: Launching /docker-entrypoint.d/20-envsubst-on-templates.sh" in old
    assert not any("30-tune-worker-processes" in line for line in old)
    new = nginx_entrypoint_lines("1.27.4")
    assert new[-1] == "/docker-entrypoint.sh: Configuration complete; ready for start up"
    assert "/docker-entrypoint.sh: Sourcing /docker-entrypoint.d/15-local-resolvers.envsh" in new


def test_an_unknown_image_fails_as_on_a_cluster_with_kubeplays_note(cluster):
    make_pod(cluster, "typo", image="ngnix:1.27")
    cluster.advance(10)
    assert cstatus(cluster, "typo")["state"]["waiting"]["reason"] in ("ErrImagePull", "ImagePullBackOff")
    assert [e["message"] for e in events(cluster, "typo", "Failed")][:2] == [
        'Failed to pull image "ngnix:1.27": rpc error: code = Unknown desc = failed to pull and unpack image '
        '"docker.io/library/ngnix:1.27": failed to resolve reference "docker.io/library/ngnix:1.27": pull access '
        "denied, repository does not exist or may require authorization: server message: insufficient_scope: "
        "authorization failed", "Error: ErrImagePull"]
    described = run(cluster, "describe pod typo").output
    events_at = described.index("\nEvents:\n")
    note = described.rstrip("\n").rsplit("\n", 1)[1]
    assert described.index(note) > events_at
    assert note.startswith('kubeplay: the simulated registry has no image "ngnix:1.27"')
    # the status stays the real one: no kubeplay words in the API object
    assert "kubeplay" not in str(pod(cluster, "typo")["status"])


def test_a_wrong_tag_of_a_known_image_names_the_tags_it_has(cluster):
    make_pod(cluster, "badtag", image="perl:9")
    cluster.advance(10)
    note = run(cluster, "describe pod badtag").output.rstrip("\n").rsplit("\n", 1)[1]
    assert note.startswith('kubeplay: the simulated registry has no image "perl:9"; it has perl tags ')


def test_a_users_image_from_a_manifest_answers_and_logs(cluster):
    cluster.registry.add_from_manifest({"kind": "Image", "name": "acme/shop", "tag": "v2", "ports": [8080],
                                        "logs": ["shop v2 listening on :8080"],
                                        "answers": {"/": "Welcome to the shop\n",
                                                    "/healthz": {"status": 500, "body": "down"}}})
    make_pod(cluster, "shop", image="acme/shop:v2")
    make_pod(cluster, "probed", containers=[{"name": "shop", "image": "acme/shop:v2", "livenessProbe": {
        "httpGet": {"path": "/healthz", "port": 8080}, "periodSeconds": 2, "failureThreshold": 1}}])
    cluster.advance(6)
    assert run(cluster, "logs shop").output.startswith("shop v2 listening on :8080\n")
    ip = pod(cluster, "shop")["status"]["podIP"]
    got = apps.http(cluster, Source.node("node2"), f"http://{ip}:8080/")
    assert (got.status, got.body) == (200, "Welcome to the shop\n")
    assert apps.http(cluster, Source.node("node2"), f"http://{ip}:8080/nope").status == 404
    assert any(e["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
               for e in events(cluster, "probed", "Unhealthy"))


@pytest.mark.parametrize("doc, error", [
    ({"kind": "Image"}, "name: Required value"),
    ({"kind": "Image", "name": "x", "ports": ["eighty"]}, "ports: must be a list of port numbers"),
    ({"kind": "Image", "name": "x", "tag": "a b"}, 'tag: Invalid value: "a b"'),
])
def test_a_bad_image_document_is_refused(doc, error):
    with pytest.raises(ValueError, match=error):
        Registry().add_from_manifest(doc)


def test_hello_app_and_agnhost_answer_as_the_real_ones(cluster):
    make_pod(cluster, "hello", image="gcr.io/google-samples/hello-app:1.0")
    make_pod(cluster, "netexec", containers=[{"name": "agnhost", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40",
                                              "args": ["netexec", "--http-port=8080"]}])
    make_pod(cluster, "php", image="registry.k8s.io/hpa-example")
    cluster.advance(20)
    node = Source.node("node1")
    hello = apps.http(cluster, node, f"http://{pod(cluster, 'hello')['status']['podIP']}:8080/")
    assert hello.body == "Hello, world!\nVersion: 1.0.0\nHostname: hello\n"
    assert run(cluster, "logs hello").output.splitlines()[-1].endswith(" Serving request: /")
    ne = pod(cluster, "netexec")["status"]["podIP"]
    assert apps.http(cluster, node, f"http://{ne}:8080/hostname").body == "netexec"
    assert apps.http(cluster, node, f"http://{ne}:8080/echo?msg=hi").body == "hi"
    assert "Started HTTP server on port 8080" in run(cluster, "logs netexec").output
    php = apps.http(cluster, node, f"http://{pod(cluster, 'php')['status']['podIP']}/")
    assert (php.status, php.body) == (200, "OK!")
    assert "AH00094: Command line: 'apache2 -D FOREGROUND'" in run(cluster, "logs php").output


def test_httpd_and_wordpress_start_up_lines(cluster):
    make_pod(cluster, "web", image="httpd:2.4")
    make_pod(cluster, "wp", containers=[{"name": "wp", "image": "wordpress:6.7", "env": [
        {"name": "WORDPRESS_DB_HOST", "value": "wordpress-mysql"}]}])
    cluster.advance(30)
    ip = pod(cluster, "web")["status"]["podIP"]
    lines = run(cluster, "logs web").output.splitlines()
    assert lines[:2] == [f"AH00558: httpd: Could not reliably determine the server's fully qualified domain name, "
                         f"using {ip}. Set the 'ServerName' directive globally to suppress this message"] * 2
    assert lines[2].endswith("[mpm_event:notice] [pid 1:tid 1] AH00489: Apache/2.4.63 (Unix) configured -- "
                             "resuming normal operations")
    assert lines[3].endswith("[core:notice] [pid 1:tid 1] AH00094: Command line: 'httpd -D FOREGROUND'")
    wp = run(cluster, "logs wp").output.splitlines()
    assert wp[:2] == ["WordPress not found in /var/www/html - copying now...",
                      "Complete! WordPress has been successfully copied to /var/www/html"]
    assert wp[-1].endswith("[core:notice] [pid 1] AH00094: Command line: 'apache2 -D FOREGROUND'")


def test_the_old_liveness_image_under_its_k8s_gcr_io_name(cluster):
    make_pod(cluster, "liveness-http", containers=[{
        "name": "liveness", "image": "k8s.gcr.io/liveness", "args": ["/server"],
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": 8080,
                                      "httpHeaders": [{"name": "X-Custom-Header", "value": "Awesome"}]},
                          "initialDelaySeconds": 3, "periodSeconds": 3}}])
    cluster.advance(12)
    assert not events(cluster, "liveness-http", "Unhealthy")  # /healthz is 200 for its first 10 s
    cluster.advance(12)
    assert [e["message"] for e in events(cluster, "liveness-http", "Unhealthy")] == [
        "Liveness probe failed: HTTP probe failed with statuscode: 500"]
    assert cstatus(cluster, "liveness-http")["image"] == "k8s.gcr.io/liveness:latest"
