"""Smaller fidelity gaps of issue 8 in kubeplay's kubectl, each against the real kubectl v1.32 where
it runs client-side: ``config set-credentials``/``set-cluster`` with certificate files (embedded as
``*-data`` or stored as absolute paths), and their errors."""

from __future__ import annotations

import os
import shlex
import subprocess

import pytest

from server.kubectl import kubeconfig, run
from server.sim.cluster import Cluster
from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed")
FILES = {"a.crt": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
         "keys/a.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\n",
         "ca/ca.crt": "CA\n"}


def _real(home, line: str) -> tuple[str, int]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    p = subprocess.run([KUBECTL, *shlex.split(line)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                       env={**env, "HOME": str(home)}, cwd=home, timeout=60)
    return p.stdout.replace(str(home), kubeconfig.HOME), p.returncode


def _compare(tmp_path, lines: list[str]) -> Cluster:
    """Both from the same kubeconfig and files, the same lines: the same output, codes and file."""
    c = Cluster(seed=1, empty=True)
    (tmp_path / ".kube").mkdir()
    (tmp_path / ".kube" / "config").write_text(kubeconfig.dump(kubeconfig.load(c)))
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
        c.workspace[name] = text
    for line in lines:
        want = _real(tmp_path, line)
        got = run(c, "kubectl " + line)
        assert (got.output, got.exit_code) == want, line
    real_file = (tmp_path / ".kube" / "config").read_text().replace(str(tmp_path), kubeconfig.HOME)
    assert kubeconfig.dump(kubeconfig.load(c)) == real_file
    return c


@needs_kubectl
def test_set_credentials_embeds_the_files_data(tmp_path):
    c = _compare(tmp_path, ["config set-credentials bob --client-certificate=a.crt --client-key=keys/a.key "
                            "--embed-certs", "config view --raw -o jsonpath={.users[?(@.name=='bob')].user}"])
    user = kubeconfig.load(c)["users"]["bob"]
    assert set(user) == {"client-certificate-data", "client-key-data"}


@needs_kubectl
def test_set_credentials_paths_tokens_and_their_clearing(tmp_path):
    _compare(tmp_path, [
        "config set-credentials bob --client-certificate=a.crt --client-key=keys/a.key",
        "config view -o jsonpath={.users[?(@.name=='bob')].user}",
        "config set-credentials bob --embed-certs=true --client-certificate=a.crt",  # data replaces the path
        "config set-credentials bob --token=tok",
        "config set-credentials bob --username=u --password=p",  # basic auth clears the token
        "config set-credentials bob --client-certificate=keys --embed-certs",  # a directory: no data left
        "config view --raw -o jsonpath={.users[?(@.name=='bob')].user}",
    ])


@needs_kubectl
def test_set_credentials_errors_in_kubectls_words(tmp_path):
    _compare(tmp_path, [
        "config set-credentials bob --client-certificate=nope.crt --embed-certs",
        "config set-credentials bob --client-certificate=a.crt --client-key=nope.key --embed-certs",
        "config set-credentials bob --embed-certs",
        "config set-credentials bob --token=t --username=u",
    ])


@needs_kubectl
def test_set_cluster_embeds_the_ca(tmp_path):
    _compare(tmp_path, [
        "config set-cluster lab --server=https://10.0.0.1:6443 --certificate-authority=ca/ca.crt",
        "config set-cluster lab --certificate-authority=ca/ca.crt --embed-certs",
        "config set-cluster lab --certificate-authority=nope --embed-certs",
        "config set-cluster lab --embed-certs",
        "config view --raw -o jsonpath={.clusters[?(@.name=='lab')].cluster}",
    ])
