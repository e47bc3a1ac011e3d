"""The workstation's ``~/.kube/config`` on the minikube and kind presets, as those tools write it, and
kubectl's reading of it against the real kubectl v1.32: both start from the same file, run the same
``config`` lines, print the same bytes, exit alike and leave the same file. Then what the file
points kubectl at: ``cluster-info``'s address, and after ``minikube stop`` (which unsets the current
context) the refused ``localhost:8080``."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from server.kubectl import kubeconfig, run
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed")
ENGINE_FILE = "/home/user/.kube/config"


@pytest.fixture(scope="module")
def minikube() -> Cluster:
    return Cluster(seed=1, preset="minikube")


@pytest.fixture(scope="module")
def kind() -> Cluster:
    return Cluster(seed=1, preset="kind")


def real(tmp_path, args: str) -> tuple[str, int]:
    env = {**os.environ, "HOME": str(tmp_path), "KUBECONFIG": str(tmp_path / "config")}
    p = subprocess.run([KUBECTL, *shlex.split(args)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       text=True, env=env, timeout=60)
    return p.stdout.replace(str(tmp_path / "config"), ENGINE_FILE), p.returncode


def compare(tmp_path, preset: str | Cluster, lines: list[str]) -> Cluster:
    c = Cluster(seed=1, preset=preset) if isinstance(preset, str) else preset
    (tmp_path / "config").write_text(kubeconfig.dump(kubeconfig.load(c)))
    for line in lines:
        want, code = real(tmp_path, line)
        got = run(c, "kubectl " + line)
        assert (got.output, got.exit_code) == (want, code), line
    assert kubeconfig.dump(kubeconfig.load(c)) == (tmp_path / "config").read_text()
    return c


READS = ["config view", "config view --raw", "config view --minify", "config view -o json", "config get-contexts",
         "config get-clusters", "config get-users", "config current-context",
         "config view --minify -o jsonpath={.clusters[0].cluster.server}"]


def test_minikubes_kubeconfig_is_what_minikube_start_writes(minikube):
    config = kubeconfig.load(minikube)
    assert config["current-context"] == "minikube"
    assert config["clusters"]["minikube"]["server"] == "https://192.168.49.2:8443"
    assert config["clusters"]["minikube"]["certificate-authority"] == "/home/user/.minikube/ca.crt"
    assert config["users"]["minikube"] == {"client-certificate": "/home/user/.minikube/profiles/minikube/client.crt",
                                           "client-key": "/home/user/.minikube/profiles/minikube/client.key"}
    assert config["contexts"]["minikube"]["namespace"] == "default"
    [ext] = config["clusters"]["minikube"]["extensions"]
    assert ext["name"] == "cluster_info"
    assert ext["extension"]["provider"] == "minikube.sigs.k8s.io" and ext["extension"]["version"] == "v1.35.0"
    # RFC1123 of when the node registered
    created = minikube.store.get("Node", "", "minikube")["metadata"]["creationTimestamp"]
    day, time_ = created[:10], created[11:19]
    assert ext["extension"]["last-update"].endswith(f" {time_} UTC")
    assert ext["extension"]["last-update"][5:7] == day[8:10]
    assert config["contexts"]["minikube"]["extensions"][0]["name"] == "context_info"


def test_kinds_kubeconfig_is_what_kind_create_cluster_writes(kind):
    config = kubeconfig.load(kind)
    assert config["current-context"] == "kind-kind"
    server = config["clusters"]["kind-kind"]["server"]
    host, port = server.removeprefix("https://").split(":")
    assert host == "127.0.0.1" and 32768 <= int(port) <= 60999
    assert set(config["users"]["kind-kind"]) == {"client-certificate-data", "client-key-data"}
    assert config["contexts"]["kind-kind"] == {"cluster": "kind-kind", "user": "kind-kind"}
    assert kubeconfig.load(Cluster(seed=1, preset="kind"))["clusters"]["kind-kind"]["server"] == server  # stable


@needs_kubectl
@pytest.mark.parametrize("preset", ["minikube", "kind"])
def test_config_reads_match_kubectl(tmp_path, preset):
    compare(tmp_path, preset, READS)


@needs_kubectl
def test_context_edits_match_kubectl(tmp_path):
    compare(tmp_path, "minikube", ["config unset current-context", "config current-context", "config get-contexts",
                                   "config use-context minikube", "config set-context --current --namespace=dev",
                                   "config get-contexts", "config view --minify", "config use-context nope"])


@needs_kubectl
def test_after_minikube_stop_and_start_the_file_reads_as_kubectl_reads_it(tmp_path):
    from server.minikube import minikube as minikube_cli

    c = Cluster(seed=1, preset="minikube")
    assert minikube_cli(c, ["stop"]).code == 0
    assert kubeconfig.load(c)["current-context"] == ""  # UnsetCurrentContext
    compare(tmp_path, c, READS)
    c.advance(300)
    assert minikube_cli(c, ["start"]).code == 0
    config = kubeconfig.load(c)
    assert config["current-context"] == "minikube"
    stamp = config["clusters"]["minikube"]["extensions"][0]["extension"]["last-update"]
    from email.utils import parsedate_to_datetime

    assert parsedate_to_datetime(stamp).timestamp() == int(c.clock.now())  # written afresh by start
    compare(tmp_path, c, READS)


def test_cluster_info_names_the_kubeconfigs_server(minikube, kind):
    out = run(minikube, "kubectl cluster-info").output
    assert out.startswith("Kubernetes control plane is running at https://192.168.49.2:8443\n"
                          "CoreDNS is running at https://192.168.49.2:8443/api/v1/namespaces/kube-system/services/"
                          "kube-dns:dns/proxy\n")
    server = kubeconfig.load(kind)["clusters"]["kind-kind"]["server"]
    assert run(kind, "kubectl cluster-info").output.startswith(f"Kubernetes control plane is running at {server}\n")


def columns(table: str) -> list[dict[str, str]]:
    """A kubectl table's rows by column name (columns start where their header does)."""
    import re

    head, *rows = table.splitlines()
    starts = [m.start() for m in re.finditer(r"\S+", head)]
    names = head.split()
    return [{n: row[a:b].strip() for n, a, b in zip(names, starts, [*starts[1:], None], strict=True)} for row in rows]


def test_minikube_nodes_wide_are_the_docker_drivers(minikube):
    [row] = columns(run(minikube, "kubectl get nodes -o wide").output)
    assert (row["NAME"], row["ROLES"], row["VERSION"], row["INTERNAL-IP"], row["OS-IMAGE"], row["CONTAINER-RUNTIME"]) == \
        ("minikube", "control-plane", "v1.32.0", "192.168.49.2", "Ubuntu 22.04.5 LTS", "docker://27.4.1")


def test_without_a_current_context_kubectl_is_refused_at_localhost_8080():
    c = Cluster(seed=1)
    assert run(c, "kubectl config unset current-context").exit_code == 0
    out = run(c, "kubectl get pods")
    lines = out.output.splitlines()
    assert out.exit_code == 1
    assert lines[-1] == "The connection to the server localhost:8080 was refused - did you specify the right host or port?"
    assert len(lines) == 6 and all(" memcache.go:265] " in line and "http://localhost:8080/api?timeout=32s" in line
                                   for line in lines[:-1])
    version = run(c, "kubectl version").output
    assert version.startswith("Client Version: v1.32") and version.endswith(
        "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n")
    assert run(c, "kubectl config use-context kubernetes-admin@kubernetes").exit_code == 0
    assert run(c, "kubectl get ns default --no-headers").output.startswith("default ")
