"""Server-side dry runs of updates (``dryRun=All`` on PUT and PATCH): the whole update runs — schema
and semantic validation, defaulting, the update's own checks (a pod's immutable spec) — and nothing is
stored. The real kubectl v1.32's ``--dry-run=server`` lines against a sandbox must print what
kubeplay's terminal prints for them."""

from __future__ import annotations

import json
import shlex
import urllib.error
import urllib.request

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")

DEPLOY = """apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        assert "created" in lab.engine("kubectl run bb --image=busybox -- sleep 3600")
        lab.request("POST", f"/api/sandboxes/{lab.sid}/apply", {"manifest": DEPLOY})
        lab.clock(advance=30)
        yield lab


LINES = [
    "set env pod/bb A=b --dry-run=server",
    "set image pod/bb bb=busybox:1.36 --dry-run=server",
    "set env deploy/web A=b --dry-run=server",
    "label pod bb x=y --dry-run=server",
    "patch pod bb -p {\"spec\":{\"restartPolicy\":\"Never\"}} --dry-run=server",
    "patch deploy web -p {\"spec\":{\"selector\":{\"matchLabels\":{\"app\":\"other\"}}}} --dry-run=server",
    "patch deploy web --type=merge -p {\"spec\":{\"replicas\":-1}} --dry-run=server",
    "scale deploy web --replicas=5 --dry-run=server",
]


@pytest.mark.parametrize("line", LINES)
def test_server_dry_runs_print_what_the_terminal_prints(lab, line):
    before = lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"]
    real = lab.kubectl(*shlex.split(line), check=False)
    engine = lab.request("POST", f"/api/sandboxes/{lab.sid}/run", {"command": f"kubectl {shlex.join(shlex.split(line))}"})
    assert (real.stderr + real.stdout, real.returncode) == (engine["output"], engine["exitCode"])
    assert lab.get(f"/api/sandboxes/{lab.sid}/objects")["rv"] == before


def test_a_dry_run_pod_spec_change_is_refused_as_the_update_is(lab):
    real = lab.kubectl("set", "env", "pod/bb", "A=b", "--dry-run=server", check=False)
    assert real.returncode == 1
    assert real.stderr.startswith('error: failed to patch env update to pod template: Pod "bb" is invalid: spec: '
                                  "Forbidden: pod updates may not change fields")


def put(lab, path: str, body: dict, query: str) -> tuple[int, dict]:
    req = urllib.request.Request(f"{lab.base}/k8s/{lab.sid}{path}?{query}", data=json.dumps(body).encode(),
                                 method="PUT", headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_a_dry_run_put_answers_the_object_it_would_store(lab):
    path = "/apis/apps/v1/namespaces/default/deployments/web"
    live = lab.objects("Deployment")["web"]
    sent = json.loads(json.dumps(live))
    sent["spec"]["template"]["spec"]["containers"][0]["image"] = "nginx:1.28"
    code, body = put(lab, path, sent, "dryRun=All")
    assert code == 200
    assert body["metadata"]["generation"] == live["metadata"]["generation"] + 1
    assert body["metadata"]["resourceVersion"] == live["metadata"]["resourceVersion"]
    assert body["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.28"
    assert lab.objects("Deployment")["web"] == live
    sent["metadata"]["resourceVersion"] = "1"
    code, body = put(lab, path, sent, "dryRun=All")
    assert code == 409 and body["reason"] == "Conflict"
