"""The HorizontalPodAutoscaler Walkthrough (kubernetes.io/docs/tasks/run-application/
horizontal-pod-autoscale-walkthrough/) through the HTTP contract, on the kubeadm lab with the
metrics-server add-on switched on (the tutorial's prerequisite).

The page's steps: the php-apache Deployment and Service from k8s.io/examples, ``kubectl autoscale
deployment php-apache --cpu-percent=50 --min=1 --max=10``, ``kubectl get hpa`` at 0%, a load generator
hammering ``http://php-apache``, the replicas climbing to the page's 7 (``php-apache   7/7``), the
load stopped and the Deployment back at 1 replica once the 5-minute downscale stabilisation window
has passed. The table texts are kubectl v1.32's (``TARGETS`` reads ``cpu: 0%/50%``; the page still
shows an older kubectl's ``0% / 50%``).

The load is the tutorial's own generator: a busybox:1.28 pod running ``while sleep 0.01; do wget -q
-O- http://php-apache; done`` through the shell on the virtual clock. Each ``wget`` is routed by
kube-proxy to a php-apache pod and waits while the app answers (16 ms of CPU per ``index.php``, its
CFS quota at the 500m limit stretching that when one pod gets every request), so the loop sends
what it can: 31 requests a second to a single pod (its CPU pinned at the limit, 250% of 200m), 38.5
once the load is spread. metrics-server reads each pod's request counter, the HPA the metrics: 0.6
cores in all, 5 pods at 61%, 7 at the page's 44%. The generator is started with the page's own
``kubectl run -i --tty load-generator --rm …`` followed as the page's terminal follows it (``follow``:
the page's socket): the loop's ``OK!OK!…`` arrives over the socket as the clock runs, and the page's
"hit Ctrl+C" (``POST …/streams/<id>/stop``) is the ``^C`` on the container's TTY: the shell exits 130,
``--rm`` deletes the pod and kubectl reports the container's end.
"""

from __future__ import annotations

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app, socketio_of
from tests.labserver import lab_server

PHP_APACHE = "https://k8s.io/examples/application/php-apache.yaml"
#: the page's load generator, as typed there
LOAD_GENERATOR = ('kubectl run -i --tty load-generator --rm --image=busybox:1.28 --restart=Never -- /bin/sh -c '
                  '"while sleep 0.01; do wget -q -O- http://php-apache; done"')


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=7, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})

    socket = socketio_of(app).test_client(app, flask_test_client=client)
    socket.emit("join", {"sandbox": sid}, callback=True)

    class Lab:
        def answer(self, line: str, rc: int = 0, **extra) -> dict:
            r = client.post(f"/api/sandboxes/{sid}/run", json={"command": line, **extra})
            assert r.status_code == 200, r.json
            assert r.json["exitCode"] == rc, r.json
            return r.json

        def run(self, line: str, rc: int = 0, **extra) -> str:
            return self.answer(line, rc, **extra)["output"]

        def follow(self, line: str) -> dict:
            """The page's terminal: the command goes on printing over this socket."""
            return self.answer(line, follow=socketio_of(app).server.manager.sid_from_eio_sid(socket.eio_sid, "/"))

        def printed(self, stream_id: str) -> str:
            """What the followed command printed over the socket since the last look."""
            got = [m["args"][0] for m in socket.get_received() if m["name"] == "stream"]
            return "".join(m["output"] for m in got if m["id"] == stream_id)

        def ctrl_c(self, stream_id: str) -> dict:
            r = client.post(f"/api/sandboxes/{sid}/streams/{stream_id}/stop", json={})
            assert r.status_code == 200, r.json
            return r.json

        def advance(self, seconds: float) -> None:
            assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200

        def addon(self, name: str, enabled: bool) -> dict:
            r = client.post(f"/api/sandboxes/{sid}/addons/{name}", json={"enabled": enabled})
            assert r.status_code == 200, r.json
            return r.json["addons"]

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

    # the page's generator: kubectl waits for the pod to run, then prints what the loop writes
    generator = lab.follow(LOAD_GENERATOR)
    assert generator["output"] == "If you don't see a command prompt, try pressing enter.\n"
    stream = generator["stream"]["id"]
    lab.printed(stream)
    seen_targets: list[str] = []
    replicas: list[int] = []
    terminal = []
    for _ in range(15):
        lab.advance(15)
        terminal.append(lab.printed(stream))
        targets, n = _hpa(lab)
        seen_targets.append(targets)
        replicas.append(n)
    # the generator's terminal: php-apache's answers, one after the other, arriving as the clock runs
    assert all(len(chunk) > 15 * 3 * 20 and chunk == "OK!" * (len(chunk) // 3) for chunk in terminal), \
        [len(chunk) for chunk in terminal]
    assert lab.run("kubectl logs load-generator --tail=1")[:30] == "OK!" * 10
    # up within a minute, never down while loaded, settled where the page's run settles: 7 pods
    assert replicas == sorted(replicas) and replicas[0] == 1 and replicas[-1] == 7
    assert any(int(t.split()[1].split("%")[0]) > 100 for t in seen_targets)  # the single pod, throttled at 500m
    # the page's "php-apache ... 44%/50% ... 7": the loop's ~0.6 cores over 7 pods, under the target
    settled = [int(t.split()[1].split("%")[0]) for t in seen_targets[-4:]]
    assert replicas[-4:] == [7] * 4 and all(40 <= pct < 50 for pct in settled), seen_targets
    deploy = _row(lab.run("kubectl get deployment php-apache"), "php-apache")
    assert deploy[1:4] == ["7/7", "7", "7"]
    described = lab.run("kubectl describe hpa php-apache")
    assert "New size: 4; reason: cpu resource utilization (percentage of request) above target" in described
    assert "  ScalingActive   True    ValidMetricFound" in described
    cpu = [int(ln.split()[1][:-1]) for ln in lab.run("kubectl top pods -l run=php-apache").splitlines()[1:]]
    assert len(cpu) == 7 and all(60 <= m <= 140 for m in cpu), cpu

    # stop the load, as the page says: Ctrl-C in the generator's terminal is the ^C on its TTY; the loop's
    # shell exits 130, --rm deletes the pod, and kubectl reports the container's end with its exit code
    stopped = lab.ctrl_c(stream)
    assert stopped["exitCode"] == 130
    assert stopped["output"].endswith('pod "load-generator" deleted\npod default/load-generator terminated (Error)\n')
    assert set(stopped["output"].split("pod ")[0]) <= set("OK!")
    assert lab.run("kubectl get pod load-generator", rc=1) == \
        'Error from server (NotFound): pods "load-generator" not found\n'
    # the recommendation drops at once, the replicas only after the 5-minute window
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


@pytest.fixture
def real(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        yield lab


def test_the_real_kubectl_reads_the_loaded_autoscaler(real):
    """The tables of the walkthrough's ``kubectl get hpa`` / ``get deployment`` as the real kubectl v1.32
    renders our API's objects while the load generator's loop runs, and kubeplay's terminal alike."""
    real.request("POST", f"/api/sandboxes/{real.sid}/addons/metrics-server", {"enabled": True})
    assert real.engine(f"kubectl apply -f {PHP_APACHE}") == \
        "deployment.apps/php-apache created\nservice/php-apache created\n"
    real.clock(advance=60)
    real.engine("kubectl autoscale deployment php-apache --cpu-percent=50 --min=1 --max=10")
    real.clock(advance=30)
    started = real.request("POST", f"/api/sandboxes/{real.sid}/run", {"command": LOAD_GENERATOR, "follow": "page"})
    assert started["stream"]["id"]  # followed by a page (here none listens): the load runs on as the clock does
    for _ in range(12):
        real.clock(advance=15)
    for line in ("get hpa", "get hpa php-apache -o wide", "get deployment php-apache"):
        got = real.kubectl(*line.split()).stdout
        assert real.engine("kubectl " + line) == got, line
    # this sandbox's seed is the lab server's: the first, partial window decides between the page's 7 and a
    # 6 at 51% (within the 10% tolerance), as on a real cluster
    n = int(real.kubectl("get", "hpa", "php-apache").stdout.splitlines()[1].split()[-2])
    assert n in (6, 7)
    assert real.kubectl("get", "deployment", "php-apache").stdout.splitlines()[1].split()[1:4] == [f"{n}/{n}",
                                                                                                    str(n), str(n)]
