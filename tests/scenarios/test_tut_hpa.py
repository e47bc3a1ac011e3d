"""The HorizontalPodAutoscaler Walkthrough (kubernetes.io/docs/tasks/run-application/
horizontal-pod-autoscale-walkthrough/) through the HTTP contract, on the kubeadm lab with the
metrics-server add-on switched on (the tutorial's prerequisite).

The page's steps: the php-apache Deployment and Service from k8s.io/examples, ``kubectl autoscale
deployment php-apache --cpu-percent=50 --min=1 --max=10``, ``kubectl get hpa`` at 0%, a load generator
hammering ``http://php-apache``, the replicas climbing to the page's 7 (``php-apache   7/7``), the
load stopped and the Deployment back at 1 replica once the 5-minute downscale stabilisation window
has passed. The table texts are kubectl v1.32's (``TARGETS`` reads ``cpu: 0%/50%``; the page still
shows an older kubectl's ``0% / 50%``).

The load: the tutorial's generator is a busybox pod running ``while sleep 0.01; do wget -q -O-
http://php-apache; done``. Here the pod runs ``sleep`` and its requests are sent through the page's
"send traffic" door (``POST /traffic`` from that pod), 579 every 15 s — the 38.5 requests a second
one such loop manages when each answer takes php-apache's 16 ms of CPU plus the 10 ms sleep. Every
request is routed by kube-proxy to a php-apache pod and costs that pod CPU, which metrics-server
measures and the HPA reads: 0.6 cores in all, so one pod is throttled at its 500m limit (250%), 5
pods run at 61%, and 7 at the page's 44%.
"""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

PHP_APACHE = "https://k8s.io/examples/application/php-apache.yaml"


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})

    class Lab:
        def run(self, line: str, rc: int = 0, **extra) -> str:
            r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line, **extra})
            assert r.status_code == 200, r.json
            assert r.json["exitCode"] == rc, r.json
            return r.json["output"]

        def advance(self, seconds: float) -> None:
            assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200

        def addon(self, name: str, enabled: bool) -> dict:
            r = client.post(f"/api/sandboxes/{sid}/addons/{name}", json={"enabled": enabled})
            assert r.status_code == 200, r.json
            return r.json["addons"]

        def load(self, count: int) -> dict:
            """``count`` requests from the load generator, in sends of at most 200 (the door's limit)."""
            ok, pods = 0, set()
            while count > 0:
                r = client.post(f"/api/sandboxes/{sid}/traffic",
                                json={"from": {"pod": "default/load-generator"}, "to": "http://php-apache",
                                      "count": min(count, 200)})
                assert r.status_code == 200, r.json
                ok += r.json["ok"]
                pods |= {d["pod"] for d in r.json["distribution"]}
                count -= 200
            return {"ok": ok, "pods": pods}

    yield Lab()
    app.extensions["kubeplay.journal"].close()


def _row(table: str, name: str) -> list[str]:
    lines = table.splitlines()
    for line in lines[1:]:
        if line.split()[0] == name:
            return line.split(None)
    raise AssertionError(f"no row {name} in {table!r}")


def _hpa(lab) -> tuple[str, int]:
    """(TARGETS, REPLICAS) of ``kubectl get hpa``."""
    out = lab.run("kubectl get hpa")
    assert out.splitlines()[0].split() == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    line = next(ln for ln in out.splitlines()[1:] if ln.startswith("php-apache "))
    name, ref, rest = line.split(None, 2)
    assert ref == "Deployment/php-apache"
    targets = rest.split("   ")[0].strip()
    cells = rest[len(targets):].split()
    assert cells[:2] == ["1", "10"]
    return targets, int(cells[2])


def test_horizontal_pod_autoscaler_walkthrough(lab):
    # metrics-server is not part of a kubeadm cluster: top has nothing until it is added
    assert lab.run("kubectl top pods", rc=1) == "error: Metrics API not available\n"
    assert lab.addon("metrics-server", True)["metrics-server"] is True

    assert lab.run(f"kubectl apply -f {PHP_APACHE}") == "deployment.apps/php-apache created\nservice/php-apache created\n"
    lab.advance(60)
    deploy = _row(lab.run("kubectl get deployment php-apache"), "php-apache")
    assert deploy[1:4] == ["1/1", "1", "1"]
    top = lab.run("kubectl top pods")
    assert top.splitlines()[0].split() == ["NAME", "CPU(cores)", "MEMORY(bytes)"]
    php = [ln.split() for ln in top.splitlines()[1:] if ln.startswith("php-apache-")]
    assert len(php) == 1 and php[0][1] in ("0m", "1m") and php[0][2].endswith("Mi")

    assert lab.run("kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10") == \
        "horizontalpodautoscaler.autoscaling/php-apache autoscaled\n"
    # the controller's first sync is one period (15 s) after the HPA appears
    assert _hpa(lab) == ("cpu: <unknown>/50%", 0)
    lab.advance(30)
    assert _hpa(lab) == ("cpu: 0%/50%", 1)

    assert lab.run("kubectl run load-generator --image=busybox:1.28 --restart=Never -- sleep 3600") == \
        "pod/load-generator created\n"
    lab.advance(20)
    seen_targets: list[str] = []
    replicas: list[int] = []
    for _ in range(14):
        sent = lab.load(579)
        assert sent["ok"] == 579 and all(p.startswith("php-apache-") for p in sent["pods"])
        lab.advance(15)
        targets, n = _hpa(lab)
        seen_targets.append(targets)
        replicas.append(n)
    # up within a minute, never down while loaded, settled where the page's run settles: 7 pods
    assert replicas == sorted(replicas) and replicas[0] == 1 and replicas[-1] == 7
    assert any(int(t.split()[1].split("%")[0]) > 100 for t in seen_targets)  # the single pod, throttled at 500m
    assert seen_targets[-1] == "cpu: 44%/50%"  # the page's "php-apache ... 44%/50% ... 7"
    deploy = _row(lab.run("kubectl get deployment php-apache"), "php-apache")
    assert deploy[1:4] == ["7/7", "7", "7"]
    described = lab.run("kubectl describe hpa php-apache")
    assert "New size: 4; reason: cpu resource utilization (percentage of request) above target" in described
    assert "  ScalingActive   True    ValidMetricFound" in described
    cpu = [int(ln.split()[1][:-1]) for ln in lab.run("kubectl top pods -l run=php-apache").splitlines()[1:]]
    assert len(cpu) == 7 and all(60 <= m <= 140 for m in cpu), cpu

    # stop the load: the recommendation drops at once, the replicas only after the 5-minute window
    assert lab.run("kubectl delete pod load-generator --now") == 'pod "load-generator" deleted\n'
    lab.advance(60)
    assert _hpa(lab) == ("cpu: 0%/50%", 7)
    lab.advance(180)
    assert _hpa(lab)[1] == 7
    # the page's "kubectl get hpa php-apache --watch": a row whenever the HPA's status changes
    watched = lab.run("kubectl get hpa php-apache --watch", watchSeconds=120).splitlines()
    assert watched[0].split() == ["NAME", "REFERENCE", "TARGETS", "MINPODS", "MAXPODS", "REPLICAS", "AGE"]
    first, last = watched[1].split(), watched[-1].split()
    assert first[:7] == ["php-apache", "Deployment/php-apache", "cpu:", "0%/50%", "1", "10", "7"]
    assert last[:7] == ["php-apache", "Deployment/php-apache", "cpu:", "0%/50%", "1", "10", "1"]
    assert _hpa(lab) == ("cpu: 0%/50%", 1)
    lab.advance(30)
    deploy = _row(lab.run("kubectl get deployment php-apache"), "php-apache")
    assert deploy[1:4] == ["1/1", "1", "1"]
    assert "New size: 1; reason: All metrics below target" in lab.run("kubectl describe hpa php-apache")

    lab.run("kubectl delete hpa php-apache")
    assert lab.run("kubectl get hpa") == "No resources found in default namespace.\n"
