"""Where ``-f`` reads from: files, directories (``-R`` for their sub-directories), ``-`` (stdin),
the kubernetes.io examples by URL (the sandbox is offline: those are served from
``examples/k8s.io/``), and ``-k`` kustomization directories; and kubectl's words for each failure
(client-side ones captured from the real binary at test time)."""

from __future__ import annotations

import os
import subprocess

import pytest

from server.kubectl import run
from server.kubectl.files import examples_workspace
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

URL = "https://k8s.io/examples/application/deployment.yaml"
#: a cluster nobody answers for: the errors under test come before kubectl would dial it
KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster: {server: "https://127.0.0.1:9"}
  name: none
contexts:
- context: {cluster: none, user: none}
  name: none
current-context: none
users:
- name: none
  user: {token: x}
"""


@pytest.fixture
def cluster() -> Cluster:
    c = Cluster(seed=1)
    c.workspace = examples_workspace()
    c.workspace["app/a.yaml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"
    c.workspace["app/notes.txt"] = "not a manifest"
    c.workspace["app/sub/b.yml"] = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n"
    c.workspace["kz/a.yaml"] = c.workspace["app/a.yaml"]
    c.workspace["kz/kustomization.yaml"] = "resources:\n- a.yaml\nnamePrefix: k-\n"
    return c


def real(tmp_path, *args: str) -> tuple[str, int]:
    """The real kubectl, offline, in a directory with the same files."""
    for rel, text in {"app/a.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n"}.items():
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(text)
    (tmp_path / "config").write_text(KUBECONFIG)
    p = subprocess.run([KUBECTL, "--kubeconfig", str(tmp_path / "config"), *args], capture_output=True, text=True,
                       cwd=tmp_path, env={**os.environ, "HOME": str(tmp_path)}, timeout=60)
    return p.stderr + p.stdout, p.returncode


@pytest.mark.parametrize("url", [URL, "https://kubernetes.io/examples/application/deployment.yaml",
                                 "https://raw.githubusercontent.com/kubernetes/website/main/content/en/examples/"
                                 "application/deployment.yaml"])
def test_the_tutorials_example_urls(cluster, url):
    out = run(cluster, f"kubectl apply -f {url}")
    assert (out.output, out.exit_code) == ("deployment.apps/nginx-deployment created\n", 0)
    d = cluster.store.get("Deployment", "default", "nginx-deployment")
    assert d["spec"]["replicas"] == 2 and d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.14.2"


def test_a_url_names_itself_in_errors(cluster):
    run(cluster, f"kubectl create -f {URL}")
    out = run(cluster, f"kubectl create -f {URL}")
    assert out.exit_code == 1
    assert out.output == (f'Error from server (AlreadyExists): error when creating "{URL}": '
                          'deployments.apps "nginx-deployment" already exists\n')


def test_the_update_and_scale_steps_of_the_deployment_tutorial(cluster):
    run(cluster, f"kubectl apply -f {URL}")
    assert run(cluster, "kubectl apply -f https://k8s.io/examples/application/deployment-update.yaml").output == \
        "deployment.apps/nginx-deployment configured\n"
    assert run(cluster, "kubectl apply -f https://k8s.io/examples/application/deployment-scale.yaml").output == \
        "deployment.apps/nginx-deployment configured\n"
    assert cluster.store.get("Deployment", "default", "nginx-deployment")["spec"]["replicas"] == 4


def test_an_unknown_url_is_not_found(cluster):
    out = run(cluster, "kubectl apply -f https://example.com/nope.yaml")
    assert (out.output, out.exit_code) == ('error: unable to read URL "https://example.com/nope.yaml", server '
                                           "reported 404 Not Found, status code=404\n", 1)


def test_directories_recursion_and_stdin(cluster):
    assert run(cluster, "kubectl apply -f app").output == "configmap/a created\n"  # not sub/, not notes.txt
    assert run(cluster, "kubectl apply -f app -R").output == "configmap/a unchanged\nconfigmap/b created\n"
    got = run(cluster, "kubectl apply -f -", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n")
    assert got.output == "configmap/c created\n"
    assert run(cluster, "kubectl apply -k kz").output == "configmap/k-a created\n"


@pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test compares with the real one")
@pytest.mark.parametrize("args", ["apply -f nope.yaml", "apply -f app -k app", "apply -f nope -R",
                                  "delete -f nope.yaml", "create -f nope.yaml"])
def test_client_side_errors_as_kubectl_words_them(cluster, tmp_path, args):
    theirs = real(tmp_path, *args.split())
    out = run(cluster, "kubectl " + args)
    assert (out.output, out.exit_code) == theirs
