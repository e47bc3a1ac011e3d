"""kubectl config against the real kubectl v1.32: both start from the same kubeconfig (the engine's
kubeadm admin.conf), run the same command lines, and must print the same bytes, exit alike and
leave the same file behind. The real binary runs config commands entirely client-side."""

from __future__ import annotations

import os
import subprocess

import pytest

from server.kubectl import kubeconfig, run
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed")
ENGINE_FILE = "/home/user/.kube/config"


def real(tmp_path, args: str) -> tuple[str, int]:
    import shlex

    env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": str(tmp_path / "config")}
    p = subprocess.run([KUBECTL, *shlex.split(args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=env, timeout=60)
    return p.stdout.replace(str(tmp_path / "config"), ENGINE_FILE), p.returncode


def compare(tmp_path, lines: list[str]) -> None:
    c = Cluster(seed=1)
    (tmp_path / "config").write_text(kubeconfig.dump(kubeconfig.load(c)))
    for line in lines:
        want, code = real(tmp_path, line)
        got = run(c, "kubectl " + line)
        assert (got.output, got.exit_code) == (want, code), line
    assert kubeconfig.dump(kubeconfig.load(c)) == (tmp_path / "config").read_text()


def test_the_default_kubeconfig_is_kubeadms_admin_conf():
    c = Cluster(seed=1)
    config = kubeconfig.load(c)
    assert config["current-context"] == "kubernetes-admin@kubernetes"
    assert config["clusters"]["kubernetes"]["server"] == "https://192.168.56.10:6443"
    assert run(c, "kubectl config current-context").output == "kubernetes-admin@kubernetes\n"


@needs_kubectl
def test_view_and_reads_match_kubectl(tmp_path):
    compare(tmp_path, ["config view", "config view --raw", "config view --minify", "config view -o json",
                       "config view -o jsonpath={.users[*].name}", "config view --minify -o jsonpath={.clusters[0].cluster.server}",
                       "config view -o wide", "config get-contexts", "config get-contexts -o name",
                       "config get-contexts --no-headers", "config get-contexts nope",
                       "config get-clusters", "config get-users", "config current-context",
                       "config view --minify --context=nope", "config view -o name", "config view -o jsonpath={bad",
                       "config view -o jsonpath={.nope}", "config view -o jsonpath-as-json={.kind}",
                       "config view -o jsonpath={.nope} --allow-missing-template-keys=false"])


@needs_kubectl
def test_context_edits_match_kubectl(tmp_path):
    compare(tmp_path, ["config set-context --current --namespace=shop", "config get-contexts",
                       "config set-context dev --cluster=kubernetes --user=kubernetes-admin",
                       "config set-context dev --namespace=x", "config set-context dev --current",
                       "config set-context", "config use-context nope", "config use-context dev",
                       "config view --minify", "config current-context",
                       "config delete-context dev", "config current-context", "config get-contexts",
                       "config rename-context kubernetes-admin@kubernetes admin", "config rename-context nope x",
                       "config use-context admin", "config get-contexts admin nope", "config delete-context nope",
                       "config set-context --current", "config view"])


@needs_kubectl
def test_cluster_user_and_property_edits_match_kubectl(tmp_path):
    compare(tmp_path, ["config set-cluster foo --server=https://1.2.3.4", "config set-credentials bob --token=abc",
                       "config set-credentials eve --username=eve --password=secret", "config view",
                       "config set contexts.kubernetes-admin@kubernetes.namespace web", "config get-contexts",
                       "config unset contexts.kubernetes-admin@kubernetes.namespace", "config unset nope.x",
                       "config unset contexts.zz.namespace", "config set foo bar",
                       "config set clusters.foo.insecure-skip-tls-verify maybe",
                       "config set clusters.foo.insecure-skip-tls-verify true", "config view -o json",
                       "config set current-context foo-ctx", "config current-context", "config view --minify",
                       "config unset current-context", "config current-context", "config view --minify",
                       "config delete-cluster foo", "config delete-user bob", "config delete-user nope",
                       "config get-clusters", "config get-users"])


def test_set_context_namespace_changes_later_commands():
    c = Cluster(seed=1)
    assert run(c, "kubectl create namespace shop").exit_code == 0
    assert run(c, "kubectl create deployment web --image=nginx -n shop").exit_code == 0
    assert "No resources found in default namespace." in run(c, "kubectl get deploy").output
    out = run(c, "kubectl config set-context --current --namespace=shop")
    assert out.output == 'Context "kubernetes-admin@kubernetes" modified.\n'
    assert run(c, "kubectl get deploy").output.splitlines()[1].startswith("web ")
    assert run(c, "kubectl config view --minify -o jsonpath={..namespace}").output == "shop"


def test_kubeconfig_flag_reads_another_workspace_file():
    c = Cluster(seed=1)
    assert run(c, "kubectl config get-contexts --kubeconfig=other.yaml").output == \
        "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"
    run(c, "kubectl config set-context x --kubeconfig=/home/user/other.yaml")
    assert "name: x" in c.workspace["other.yaml"]
    assert run(c, "kubectl config get-contexts -o name").output == "kubernetes-admin@kubernetes\n"
