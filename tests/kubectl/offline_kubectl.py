"""The real kubectl v1.32 run offline, for the client-side output the engine must match.

``real("version", "--client")`` runs the binary with a throw-away HOME and a kubeconfig whose
server (https://127.0.0.1:1) refuses connections, whose user is kubeadm's ``kubernetes-admin`` and
whose context's namespace is ``default``: what it prints before (or without) talking to a server is
what a workstation's kubectl prints. The combined stderr+stdout and the exit code come back, as
the engine's terminal shows them.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

import pytest

from tests.realkubectl import KUBECTL

needs_kubectl = pytest.mark.skipif(KUBECTL is None, reason="the real kubectl v1.32 is not installed")

KUBECONFIG = """apiVersion: v1
kind: Config
clusters:
- cluster:
    server: https://127.0.0.1:1
  name: kubernetes
contexts:
- context:
    cluster: kubernetes
    namespace: default
    user: kubernetes-admin
  name: kubernetes-admin@kubernetes
current-context: kubernetes-admin@kubernetes
users:
- name: kubernetes-admin
  user:
    token: offline
"""


def real(*args: str, cwd: str | Path | None = None, env: dict[str, str] | None = None) -> tuple[str, int]:
    assert KUBECTL is not None
    with tempfile.TemporaryDirectory() as home:
        config = Path(home) / "config"
        config.write_text(KUBECONFIG)
        # PATH: an existing directory with no kubectl-* plugins in it
        full_env = {"HOME": home, "PATH": home, "KUBECONFIG": str(config), **(env or {})}
        p = subprocess.run([KUBECTL, *args], capture_output=True, text=True, cwd=cwd or home, env=full_env,
                           timeout=60)
    return p.stderr + p.stdout, p.returncode


__all__ = ["needs_kubectl", "real"]
