"""nginx and httpd serve the files their container has now (``apps.docroot_file`` over
``volumes.serve_url``): the image's welcome page (byte for byte what the image ships), a page
written with ``kubectl exec``, a ConfigMap mounted over the document root (and its update after
the kubelet's sync), a missing file (nginx's 404 page and error-log line) and a directory with no
index (nginx's 403)."""

from __future__ import annotations

import re

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from server.sim.net.apps import HTTPD_INDEX, NGINX_INDEX, NGINX_INDEX_OLD


def kubectl(c: Cluster, line: str, stdin: str = "") -> str:
    return run(c, line, stdin=stdin).output if stdin else run(c, line).output


def ip(c: Cluster, name: str) -> str:
    return c.store.get("Pod", "default", name)["status"]["podIP"]


@pytest.fixture(scope="module")
def lab():
    c = Cluster(seed=4)
    kubectl(c, "kubectl apply -f -", """apiVersion: v1
kind: ConfigMap
metadata: {name: site}
data:
  index.html: "<h1>from a ConfigMap</h1>\\n"
  notes.txt: "plain text\\n"
---
apiVersion: v1
kind: Pod
metadata: {name: cm-web}
spec:
  containers:
  - name: nginx
    image: nginx:1.27
    volumeMounts:
    - {name: site, mountPath: /usr/share/nginx/html}
  volumes:
  - name: site
    configMap: {name: site}
""")
    for name, image in (("new", "nginx:1.27"), ("old", "nginx:1.17"), ("apache", "httpd:2.4"),
                        ("client", "busybox:1.36")):
        args = " -- sleep 3600" if name == "client" else ""
        kubectl(c, f"kubectl run {name} --image={image}{args}")
    c.advance(60)
    return c


def get(c: Cluster, url: str) -> tuple[str, int]:
    r = run(c, f"kubectl exec client -- wget -qO- {url}")
    return r.output, r.exit_code


def test_the_images_own_pages_are_unchanged(lab):
    assert get(lab, ip(lab, "new")) == (NGINX_INDEX, 0)
    assert get(lab, ip(lab, "old")) == (NGINX_INDEX_OLD, 0)
    assert get(lab, ip(lab, "apache")) == (HTTPD_INDEX, 0)
    assert (len(NGINX_INDEX), len(NGINX_INDEX_OLD), len(HTTPD_INDEX)) == (615, 612, 45)
    assert "200 615" in kubectl(lab, "kubectl logs new --tail=1")


def test_what_is_written_is_what_is_served(lab):
    run(lab, "kubectl exec new -- sh -c 'echo written by exec > /usr/share/nginx/html/index.html'")
    assert get(lab, ip(lab, "new")) == ("written by exec\n", 0)
    run(lab, "kubectl exec apache -- sh -c 'echo apache page > /usr/local/apache2/htdocs/page.html'")
    assert get(lab, f"{ip(lab, 'apache')}/page.html") == ("apache page\n", 0)
    assert re.search(r'"GET /page\.html HTTP/1\.1" 200 12$', kubectl(lab, "kubectl logs apache --tail=1"))
    headers = kubectl(lab, "kubectl exec new -- curl -sI localhost")
    assert "Content-Length: 16\r\n" in headers or "Content-Length: 16\n" in headers


def test_a_configmap_mounted_over_the_docroot(lab):
    assert get(lab, ip(lab, "cm-web")) == ("<h1>from a ConfigMap</h1>\n", 0)
    assert get(lab, f"{ip(lab, 'cm-web')}/notes.txt") == ("plain text\n", 0)
    headers = kubectl(lab, "kubectl exec cm-web -- curl -sI localhost/notes.txt")
    assert "Content-Type: text/plain" in headers
    kubectl(lab, "kubectl patch configmap site -p '{\"data\":{\"index.html\":\"<h1>updated</h1>\\n\"}}'")
    lab.advance(120)  # the kubelet's sync period and its cache
    assert get(lab, ip(lab, "cm-web")) == ("<h1>updated</h1>\n", 0)


def test_missing_files_and_directories(lab):
    out, code = get(lab, f"{ip(lab, 'new')}/nope.html")
    assert (out, code) == ("wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n",
                           1)
    log = kubectl(lab, "kubectl logs new --tail=2").splitlines()
    assert log[0].endswith(f'[error] 29#29: *1 open() "/usr/share/nginx/html/nope.html" failed (2: No such file or '
                           f'directory), client: {ip(lab, "client")}, server: localhost, request: "GET /nope.html '
                           f'HTTP/1.1", host: "{ip(lab, "new")}"')
    assert '"GET /nope.html HTTP/1.1" 404 153 "-" "Wget" "-"' in log[1]
    run(lab, "kubectl exec new -- mkdir /usr/share/nginx/html/empty")
    out, code = get(lab, f"{ip(lab, 'new')}/empty/")
    assert code == 1 and out.startswith("wget: server returned error: HTTP/1.1 403 Forbidden\n")
    assert 'directory index of "/usr/share/nginx/html/empty/" is forbidden' in kubectl(lab, "kubectl logs new --tail=2")
