"""``kubectl port-forward`` checks its target and ports as kubectl v1.32 does and prints the same
``Forwarding from`` lines — compared with the real kubectl against a real kubeplay server (the
real one keeps running: its first lines are read, then it is stopped). Skipped where no kubectl
is installed."""

from __future__ import annotations

import os
import re
import subprocess
import threading

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: this test compares with the real one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.engine("kubectl create deployment web --image=nginx --port=80")
        lab.engine("kubectl expose deployment web --port=8000 --target-port=80")
        lab.clock(advance=30)
        lab.engine("kubectl run pending --image=nginx")
        lab.pod = next(n for n in lab.objects("Pod") if n.startswith("web-"))
        yield lab


def real(lab, args: list[str], lines: int) -> tuple[str, int | None]:
    """The real kubectl's output until it has printed ``lines`` lines or exited."""
    proc = subprocess.Popen([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                             "port-forward", *args], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            env={**os.environ, "HOME": str(lab.home)})
    got: list[str] = []
    enough, ended = threading.Event(), threading.Event()

    def read() -> None:
        for line in proc.stdout:
            got.append(line)
            if len(got) >= lines:
                enough.set()
        ended.set()
        enough.set()

    threading.Thread(target=read, daemon=True).start()
    enough.wait(30)
    code = proc.wait(30) if ended.is_set() else proc.poll()
    proc.terminate()
    proc.communicate(timeout=30)
    return "".join(got), code


@pytest.mark.parametrize("args, lines", [
    ("POD 8080:80", 2), ("POD 8080", 2), ("POD 8080:80 9090:80", 4), ("deploy/web 8080:80", 2),
    ("svc/web 8080:8000", 2), ("--address 0.0.0.0 deploy/web 8080:80", 1), ("POD 8080:80:9", 2),
])
def test_forwarding_lines(lab, args, lines):
    argv = args.replace("POD", lab.pod).split()
    theirs, code = real(lab, argv, lines)
    assert code is None  # still running
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl port-forward " + " ".join(argv)})
    assert (ours["output"], ours["exitCode"]) == (theirs, 0)


@pytest.mark.parametrize("args", [
    "POD abc", "POD 99999", "POD 80000:80", "POD 8080:http", "pod/nosuch 8080:80", "pending 8080:80",
    "svc/web 8080:9999", "POD", "--address 1.2.3.4 deploy/web 8080:80", "POD 8080:0",
])
def test_refusals(lab, args):
    argv = args.replace("POD", lab.pod).split()
    theirs, code = real(lab, argv, 10)
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl port-forward " + " ".join(argv)})
    assert (ours["output"], ours["exitCode"]) == (theirs, code)


def test_a_free_local_port(lab):
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": f"kubectl port-forward {lab.pod} :80"})
    assert re.fullmatch(r"Forwarding from 127\.0\.0\.1:(\d+) -> 80\nForwarding from \[::1\]:\1 -> 80\n", ours["output"])
