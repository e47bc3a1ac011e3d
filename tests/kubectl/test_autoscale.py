"""kubectl autoscale: kubeplay's terminal against the real kubectl v1.32 on a kubeplay server.

``--dry-run=client`` builds the autoscaling/v1 object on the client (after fetching the target),
so the real binary's output is the expected text byte for byte. A create goes to the API as a
protobuf autoscaling/v1 body, which this API cannot take (no v1.32 .proto files here, and it stores
HPAs as autoscaling/v2): those cases are checked against the text v1.32 prints on a real cluster —
the name line, or the v1 object the apiserver answers (its default CPU target of 80% included).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from server.kubectl import run
from server.kubectl.verbs.autoscale import hpa_object
from server.sim.cluster import Cluster
from server.sim.resources import BY_KIND
from tests.labserver import paused_lab
from tests.realkubectl import KUBECTL

ROOT = Path(__file__).resolve().parents[2]
DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx
"""

CASES = [
    "autoscale deploy/web --max=5 --dry-run=client -o yaml",
    "autoscale deploy/web --min=2 --max=5 --cpu-percent=80 --dry-run=client -o yaml",
    "autoscale deploy/web --max=5 --cpu-percent=0 --min=0 --dry-run=client -o yaml",
    "autoscale deployment web --max=3 --name=front -n default --dry-run=client -o yaml",
    "autoscale deploy/web --max=5 --dry-run=client",
    "autoscale deploy/web --max=5 --dry-run=client -o name",
    "autoscale deploy/web --max=5 --dry-run=client -o jsonpath={.spec.scaleTargetRef}{'\\n'}",
    "autoscale deploy web other --max=5 --dry-run=client",
    "autoscale deploy/nope --max=3",
    "autoscale svc/kubernetes --max=3",
    "autoscale deploy --max=3",
    "autoscale --max=2",
    "autoscale deploy/web",
    "autoscale deploy/web --max=0",
    "autoscale deploy/web --max=1 --min=3",
    "autoscale deploy/web --max=x",
    "autoscale deploy/web --max=3 --dry-run=bogus",
    "autoscale deploy/web --max=3 --all",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory, apply=DEPLOYMENT) as lab:
        yield lab


@pytest.mark.parametrize("line", CASES)
def test_matches_real_kubectl(lab, line):
    import subprocess

    real = subprocess.run([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                           *shlex.split(line)], cwd=lab.home, capture_output=True, text=True, timeout=60,
                          env={"HOME": str(lab.home), "PATH": "/usr/bin:/bin"})
    assert lab.engine("kubectl " + line) == real.stdout + real.stderr


def test_target_from_a_file(lab):
    """``-f``: the workstation's lesson file (the sandbox's workspace) and the same file for the real one."""
    path = ROOT / "examples/lessons/step08-deployment1.yml"
    lab.kubectl("apply", "-f", str(path))
    real = lab.kubectl("autoscale", "-f", str(path), "--max=4", "--cpu-percent=50", "--dry-run=client", "-o", "yaml")
    assert lab.engine("kubectl autoscale -f step08-deployment1.yml --max=4 --cpu-percent=50 --dry-run=client "
                      "-o yaml") == real.stdout
    assert "name: web-deploy" in real.stdout


def test_hpa_object_fields():
    """The object a client dry run prints: minReplicas only above 0, the CPU target from 0 up."""
    deploy = BY_KIND["Deployment"]
    assert hpa_object(deploy, "web", max_replicas=3)["spec"] == {
        "scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"}, "maxReplicas": 3}
    spec = hpa_object(deploy, "web", max_replicas=3, min_replicas=0, cpu_percent=0)["spec"]
    assert "minReplicas" not in spec and spec["targetCPUUtilizationPercentage"] == 0


def test_statefulset_and_replicaset_targets():
    c = Cluster(seed=1)
    for kind in ("statefulset", "replicaset"):
        c.workspace[f"{kind}.yaml"] = (DEPLOYMENT.replace("Deployment", {"statefulset": "StatefulSet",
                                                                        "replicaset": "ReplicaSet"}[kind])
                                       .replace("name: web", f"name: {kind}")
                                       .replace("replicas: 1", "replicas: 1\n  serviceName: web"
                                                if kind == "statefulset" else "replicas: 1"))
        assert run(c, f"kubectl apply -f {kind}.yaml").exit_code == 0
    out = run(c, "kubectl autoscale sts/statefulset rs/replicaset --max=2 --dry-run=client -o name")
    assert out.output == "horizontalpodautoscaler.autoscaling/statefulset\n" \
                         "horizontalpodautoscaler.autoscaling/replicaset\n"
    ds = run(c, "kubectl autoscale ds/kube-proxy -n kube-system --max=2")
    assert ds.output == ("error: cannot autoscale a DaemonSet: could not find scale subresource for "
                         "apps/v1, Resource=daemonsets in discovery information\n")


def test_create_converts_v1_to_the_stored_v2():
    """What kubectl prints after the apiserver took its v1 object: the name line; the stored object is
    the defaulted autoscaling/v2 one; ``-o yaml`` shows the v1 answer; a second create is refused."""
    c = Cluster(seed=1)
    c.workspace["web.yaml"] = DEPLOYMENT
    assert run(c, "kubectl apply -f web.yaml").exit_code == 0
    dry = run(c, "kubectl autoscale deploy/web --max=3 --dry-run=server")
    assert dry.output == "horizontalpodautoscaler.autoscaling/web autoscaled (server dry run)\n"
    assert c.store.get("HorizontalPodAutoscaler", "default", "web") is None
    out = run(c, "kubectl autoscale deploy/web --max=3 --min=2 --cpu-percent=60")
    assert (out.output, out.exit_code) == ("horizontalpodautoscaler.autoscaling/web autoscaled\n", 0)
    hpa = c.store.get("HorizontalPodAutoscaler", "default", "web")
    assert hpa["apiVersion"] == "autoscaling/v2"
    assert hpa["spec"] == {"scaleTargetRef": {"kind": "Deployment", "name": "web", "apiVersion": "apps/v1"},
                           "minReplicas": 2, "maxReplicas": 3,
                           "metrics": [{"type": "Resource", "resource": {"name": "cpu", "target": {
                               "type": "Utilization", "averageUtilization": 60}}}]}
    again = run(c, "kubectl autoscale deploy/web --max=3")
    assert again.output == ('Error from server (AlreadyExists): horizontalpodautoscalers.autoscaling "web" '
                            "already exists\n")
    assert again.exit_code == 1
    yaml_out = run(c, "kubectl autoscale deploy/web --max=4 --name=other -o yaml").output
    assert "apiVersion: autoscaling/v1\n" in yaml_out
    assert "  targetCPUUtilizationPercentage: 80\n" in yaml_out  # the v2 default metric, read back in v1
    assert "  minReplicas: 1\n" in yaml_out
    assert "status:\n  currentReplicas: 0\n  desiredReplicas: 0\n" in yaml_out
    assert run(c, "kubectl get hpa").output.splitlines()[1:] == [
        "other   Deployment/web   cpu: <unknown>/80%   1         4         0          0s",
        "web     Deployment/web   cpu: <unknown>/60%   2         3         0          0s",
    ]
