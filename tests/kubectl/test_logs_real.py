"""``kubectl logs`` of container processes, the real kubectl v1.32 against our API beside kubeplay's
terminal: a pod with an init container, a script that writes over virtual time and exits 3 (so
it restarts and has a previous log), and nginx (start-up lines): ``-c``, ``--tail``,
``--all-containers``, ``--prefix``, ``--previous``, ``--since``, an unknown container, and ``-f``
streaming what the script writes as the clock runs, until it exits."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the real-client tests need one")

POD = """apiVersion: v1
kind: Pod
metadata:
  name: two
spec:
  initContainers:
  - name: init
    image: busybox:1.36
    command: ["sh", "-c", "echo init done"]
  containers:
  - name: a
    image: busybox:1.36
    command: ["sh", "-c", "i=0; while [ $i -lt 5 ]; do echo a $i; i=$((i+1)); sleep 2; done; exit 3"]
  - name: b
    image: nginx:1.27.4
"""

COUNTER = """apiVersion: v1
kind: Pod
metadata:
  name: counter
spec:
  restartPolicy: Never
  containers:
  - name: count
    image: busybox:1.36
    command: ["sh", "-c", "i=0; while [ $i -lt 6 ]; do echo n=$i; i=$((i+1)); sleep 1; done"]
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.kubectl("apply", "-f", "-", stdin=POD)
        lab.clock(advance=30)
        yield lab


@pytest.mark.parametrize("args", [
    ["-c", "a"], ["-c", "a", "--tail=2"], ["--all-containers"], ["--all-containers", "--prefix"],
    ["-c", "a", "--previous"], ["-c", "a", "-p", "--tail=1"], ["-c", "b", "--since=1h"], ["-c", "b", "--tail=3"],
    ["-c", "init"],
])
def test_logs_match_the_real_kubectl(lab, args):
    real = lab.kubectl("logs", "two", *args)
    ours = lab.engine("kubectl logs two " + " ".join(args))
    if "--all-containers" in args:
        # kubectl v1.32 reads the containers' logs from a Go map: in no fixed order
        assert sorted(ours.splitlines()) == sorted(real.stdout.splitlines())
        assert ours.startswith("init done\n" if "--prefix" not in args else "[pod/two/init] init done\n")
    else:
        assert ours == real.stdout
    assert real.stdout  # every case has lines to show


def test_the_script_and_nginx_wrote_their_lines(lab):
    assert lab.kubectl("logs", "two", "-c", "a", "--previous").stdout == "".join(f"a {i}\n" for i in range(5))
    nginx = lab.kubectl("logs", "two", "-c", "b").stdout
    assert nginx.startswith("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty")
    assert "[notice] 1#1: nginx/1.27.4\n" in nginx


def test_defaulted_container_and_unknown_container(lab):
    real = lab.kubectl("logs", "two")
    assert real.stderr == 'Defaulted container "a" out of: a, b, init (init)\n'
    assert lab.engine("kubectl logs two") == real.stderr + real.stdout  # the note first, as on a terminal
    bad = lab.kubectl("logs", "two", "-c", "nope", check=False)
    assert bad.returncode == 1
    assert lab.engine("kubectl logs two -c nope") == bad.stderr == "error: container nope is not valid for pod two\n"


def test_follow_streams_as_the_clock_runs_and_ends_with_the_container(lab):
    lab.kubectl("apply", "-f", "-", stdin=COUNTER)
    # until its container runs: the node it lands on may still have to pull busybox (which node
    # depends on the sandbox's seed), so the time that takes varies from run to run
    for _ in range(60):
        lab.clock(advance=1)
        if lab.engine("kubectl get pod counter -o jsonpath={.status.phase}") == "Running":
            break
    follow = subprocess.Popen([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                               "logs", "-f", "counter"], stdout=subprocess.PIPE, text=True,
                              env={**os.environ, "HOME": str(lab.home)})
    try:
        assert follow.stdout.readline() == "n=0\n"  # what was there
        lab.clock(advance=10)  # the rest is written, then the container exits and the stream ends
        rest = follow.stdout.read()
        assert follow.wait(timeout=30) == 0
    finally:
        follow.kill()
        follow.wait(timeout=30)  # reaped here, not warned about in a later test
        follow.stdout.close()
    lines = ["n=0"] + rest.splitlines()
    assert lines == [f"n={i}" for i in range(6)]


def test_limit_bytes_and_an_unterminated_last_line_match_the_real_kubectl(lab):
    lab.kubectl("apply", "-f", "-", stdin=COUNTER.replace("name: counter", "name: noeol").replace(
        '"i=0; while [ $i -lt 6 ]; do echo n=$i; i=$((i+1)); sleep 1; done"', '"echo first; printf second"'))
    lab.clock(advance=10)
    for args in (["--limit-bytes=3"], ["--limit-bytes=8"], []):
        real = lab.kubectl("logs", "noeol", *args)
        assert lab.engine("kubectl logs noeol " + " ".join(args)) == real.stdout
    assert real.stdout == "first\nsecond"
