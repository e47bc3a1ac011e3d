"""kubernetes.io "StatefulSet Basics" on the kubeadm lab, through the HTTP contract: the lab has no
StorageClass, so web's claims stay Pending (FailedBinding) and web-0 waits with the scheduler's
real message; enabling the storage-provisioner add-on (local-path, default, WaitForFirstConsumer)
provisions www-web-0 then www-web-1 in order, the pods run, deleting them brings them back with
the same claims and their data (each pod's hostname in its index.html), and scaling down keeps the
claims (persistentVolumeClaimRetentionPolicy Retain). TODO(parts 2/6): the page reads the pages with
``curl http://localhost/`` inside the pods; they are read with cat here until nginx serves them."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

WEB = """apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: "nginx"
  replicas: 2
  minReadySeconds: 10
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      terminationGracePeriodSeconds: 10
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ "ReadWriteOnce" ]
      resources:
        requests:
          storage: 1Gi
"""


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=5, start=DEFAULT_START)
    client = app.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})

    def run(line: str, stdin: str | None = None, rc: int = 0) -> str:
        body = {"command": line} if stdin is None else {"command": line, "stdin": stdin}
        r = client.post(f"/api/sandboxes/{sid}/run", json=body)
        assert r.status_code == 200 and r.json["exitCode"] == rc, r.json
        return r.json["output"]

    def advance(seconds: float) -> None:
        assert client.post(f"/api/sandboxes/{sid}/clock", json={"advance": seconds}).status_code == 200

    def addon(name: str, enabled: bool) -> dict:
        r = client.post(f"/api/sandboxes/{sid}/addons/{name}", json={"enabled": enabled})
        assert r.status_code == 200, r.json
        return r.json["addons"]

    yield run, advance, addon
    app.extensions["kubeplay.journal"].close()


def _rows(text: str) -> list[list[str]]:
    return [line.split() for line in text.splitlines()[1:]]


def test_statefulset_basics_claims(lab):
    run, advance, addon = lab
    assert run("kubectl apply -f -", WEB) == "service/nginx created\nstatefulset.apps/web created\n"
    advance(20)
    # no StorageClass in a kubeadm lab: the claim waits, and so does web-0 (web-1 is not created yet)
    assert run("kubectl get sc") == "No resources found\n"
    assert [r[:2] for r in _rows(run("kubectl get pvc -l app=nginx"))] == [["www-web-0", "Pending"]]
    assert [r[:3] for r in _rows(run("kubectl get pods -l app=nginx"))] == [["web-0", "0/1", "Pending"]]
    pod_events = run("kubectl describe pod web-0").split("Events:\n", 1)[1]
    assert ("default-scheduler  0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. "
            "preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling..") in pod_events
    claim = run("kubectl describe pvc www-web-0")
    assert re.search(r"^Labels:\s+app=nginx$", claim, re.M), claim
    assert "persistentvolume-controller  no persistent volumes available for this claim and no storage class " \
           "is set" in claim
    sts_events = run("kubectl describe statefulset web").split("Events:\n", 1)[1]
    assert "create Claim www-web-0 Pod web-0 in StatefulSet web success" in sts_events
    assert "create Pod web-0 in StatefulSet web successful" in sts_events

    assert addon("storage-provisioner", True)["storage-provisioner"] is True
    sc = run("kubectl get sc")
    assert sc.splitlines()[0].split() == ["NAME", "PROVISIONER", "RECLAIMPOLICY", "VOLUMEBINDINGMODE",
                                          "ALLOWVOLUMEEXPANSION", "AGE"]
    assert _rows(sc)[0][:6] == ["local-path", "(default)", "rancher.io/local-path", "Delete", "WaitForFirstConsumer",
                                "false"]
    advance(90)
    pods = _rows(run("kubectl get pods -l app=nginx"))
    assert [p[:3] for p in pods] == [["web-0", "1/1", "Running"], ["web-1", "1/1", "Running"]]
    claims = _rows(run("kubectl get pvc -l app=nginx"))
    assert [c[:2] for c in claims] == [["www-web-0", "Bound"], ["www-web-1", "Bound"]]
    assert all(re.fullmatch(r"pvc-[0-9a-f-]{36}", c[2]) and c[3:7] == ["1Gi", "RWO", "local-path", "<unset>"]
               for c in claims), claims
    volumes = {r[0]: r for r in _rows(run("kubectl get pv"))}
    assert {v[5] for v in volumes.values()} == {"default/www-web-0", "default/www-web-1"}
    assert all(v[1:5] == ["1Gi", "RWO", "Delete", "Bound"] for v in volumes.values())
    # each volume lives on the node its pod was scheduled to
    node0 = run("kubectl get pod web-0 -o jsonpath={.spec.nodeName}")
    pv0 = claims[0][2]
    assert run(f"kubectl get pv {pv0} -o jsonpath={{.spec.nodeAffinity.required.nodeSelectorTerms[0]"
               ".matchExpressions[0].values[0]}") == node0
    assert run(f"kubectl get pv {pv0} -o jsonpath={{.spec.hostPath.path}}") == \
        f"/opt/local-path-provisioner/{pv0}_default_www-web-0"
    events = run("kubectl describe pvc www-web-0").split("Events:\n", 1)[1]
    for text in ("Waiting for a volume to be created either by the external provisioner 'rancher.io/local-path' or "
                 "manually by the system administrator.", 'External provisioner is provisioning volume for claim '
                 '"default/www-web-0"', f"Successfully provisioned volume {pv0}"):
        assert text in events, events
    assert re.search(r"^Used By:\s+web-0$", run("kubectl describe pvc www-web-0"), re.M)

    # Writing to Stable Storage: each pod's hostname into its own volume's index.html
    for i in (0, 1):
        assert run(f"kubectl exec web-{i} -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'") == ""
    assert [run(f"kubectl exec web-{i} -- cat /usr/share/nginx/html/index.html") for i in (0, 1)] == \
        ["web-0\n", "web-1\n"]

    # pods deleted come back under the same names, with the same claims, on the volumes' nodes
    assert run("kubectl delete pod -l app=nginx") == 'pod "web-0" deleted\npod "web-1" deleted\n'
    advance(60)
    assert [p[:3] for p in _rows(run("kubectl get pods -l app=nginx"))] == [["web-0", "1/1", "Running"],
                                                                            ["web-1", "1/1", "Running"]]
    assert run("kubectl get pod web-0 -o jsonpath={.spec.nodeName}") == node0
    assert _rows(run("kubectl get pvc -l app=nginx"))[0][2] == pv0
    # and the data is still there
    assert [run(f"kubectl exec web-{i} -- cat /usr/share/nginx/html/index.html") for i in (0, 1)] == \
        ["web-0\n", "web-1\n"]

    # scaling down keeps the claims
    assert run("kubectl scale sts web --replicas=1") == "statefulset.apps/web scaled\n"
    advance(30)
    assert [p[0] for p in _rows(run("kubectl get pods -l app=nginx"))] == ["web-0"]
    assert [c[:2] for c in _rows(run("kubectl get pvc -l app=nginx"))] == [["www-web-0", "Bound"],
                                                                           ["www-web-1", "Bound"]]
    # scaled up again, web-1 gets its old claim back, with its data
    assert run("kubectl scale sts web --replicas=2") == "statefulset.apps/web scaled\n"
    advance(60)
    assert [p[:3] for p in _rows(run("kubectl get pods -l app=nginx"))] == [["web-0", "1/1", "Running"],
                                                                            ["web-1", "1/1", "Running"]]
    assert run("kubectl exec web-1 -- cat /usr/share/nginx/html/index.html") == "web-1\n"
    assert len(_rows(run("kubectl get pv"))) == 2  # nothing new was provisioned
    # and deleting the StatefulSet keeps them too (whenDeleted: Retain)
    run("kubectl delete statefulset web")
    advance(30)
    assert run("kubectl get pods -l app=nginx") == "No resources found in default namespace.\n"
    assert len(_rows(run("kubectl get pvc -l app=nginx"))) == 2


def test_the_provisioned_claims_replay_the_same_after_a_restart(tmp_path):
    """The add-on switch is journalled: a server that starts afresh replays it with the rest, to the
    same objects (provisioned volume names, events and provisioner identity included)."""
    def app():
        return create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                          seed=5, start=DEFAULT_START)

    first = app()
    client = first.test_client()
    sid = client.post("/api/sandboxes").json["id"]
    client.post(f"/api/sandboxes/{sid}/clock", json={"paused": True})
    client.post(f"/api/sandboxes/{sid}/run", json={"command": "kubectl apply -f -", "stdin": WEB})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 10})
    client.post(f"/api/sandboxes/{sid}/addons/storage-provisioner", json={"enabled": True})
    client.post(f"/api/sandboxes/{sid}/clock", json={"advance": 90})
    before = client.get(f"/api/sandboxes/{sid}/objects")
    assert sum(o["kind"] == "PersistentVolume" for o in before.json["objects"]) == 2
    first.extensions["kubeplay.journal"].close()
    second = app()
    after = second.test_client().get(f"/api/sandboxes/{sid}/objects")
    second.extensions["kubeplay.journal"].close()
    assert after.data == before.data
