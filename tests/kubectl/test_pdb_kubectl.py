"""PodDisruptionBudget through the real kubectl v1.32 against our API: its table, its describe,
and drain refused by the budget, compared with kubeplay's terminal."""

from __future__ import annotations

import pytest

from tests.realkubectl import KUBECTL

MANIFEST = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: web-pdb
spec:
  minAvailable: 2
  selector:
    matchLabels: {app: web}
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: nothing
spec:
  maxUnavailable: 25%
  selector:
    matchLabels: {app: none}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("the real kubectl v1.32 is not installed")
    from tests.labserver import lab_server

    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.kubectl("apply", "-f", "-", stdin=MANIFEST)
        lab.clock(advance=60)
        yield lab


@pytest.mark.parametrize("line", ["get pdb", "get pdb -o wide", "get pdb nothing", "describe pdb web-pdb",
                                  "describe pdb nothing", "get pdb -A"])
def test_real_kubectl_shows_what_the_terminal_shows(lab, line):
    real = lab.kubectl(*line.split())
    assert lab.engine("kubectl " + line) == real.stdout


def test_invalid_budget_in_the_apiservers_words(lab):
    bad = (MANIFEST.split("---\n")[1].replace("minAvailable: 2", "minAvailable: 2\n  maxUnavailable: 120%")
           .replace("name: web-pdb", "name: both"))
    real = lab.kubectl("apply", "-f", "-", stdin=bad, check=False)
    assert real.returncode == 1
    assert "minAvailable and maxUnavailable cannot be both set" in real.stderr
    # an IntOrString is a fmt.Stringer: field.Error's ErrorBody prints it unquoted
    assert "* spec.maxUnavailable: Invalid value: 120%: must not be greater than 100%\n" in real.stderr
    ours = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": "kubectl apply -f -", "stdin": bad})
    assert (ours["output"], ours["exitCode"]) == (real.stderr, 1)
