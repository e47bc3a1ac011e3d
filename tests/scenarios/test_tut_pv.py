"""kubernetes.io "Configure a Pod to Use a PersistentVolume for Storage", through the HTTP contract:
the hostPath PV task-pv-volume (class manual), the claim task-pv-claim binding to it, the pod
task-pv-pod using the claim, and the clean-up leaving the Retain volume Released.

The tables are v1.32's columns (the page's outputs predate VOLUMEATTRIBUTESCLASS; the real
kubectl against our API prints the same text: tests/kubectl/test_storage_kubectl.py).
The page writes index.html on the node (``sudo sh -c "echo 'Hello from Kubernetes storage' >
/mnt/data/index.html"``); here a pod on that node with the node's /mnt/data as a hostPath volume
does it, and the claim's pod reads it under /usr/share/nginx/html; the page's ``curl
http://localhost/`` inside the pod gets that file from nginx, and a busybox pod gets it through the
pod's IP."""

from __future__ import annotations

import re

import pytest

from server.sim.clock import DEFAULT_START
from server.web import create_app

PV = """apiVersion: v1
kind: PersistentVolume
metadata:
  name: task-pv-volume
  labels:
    type: local
spec:
  storageClassName: manual
  capacity:
    storage: 10Gi
  accessModes:
    - ReadWriteOnce
  hostPath:
    path: "/mnt/data"
"""
PVC = """apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: task-pv-claim
spec:
  storageClassName: manual
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: 3Gi
"""
NODE_SHELL = """apiVersion: v1
kind: Pod
metadata:
  name: node-shell
spec:
  nodeName: {node}
  volumes:
    - name: host
      hostPath:
        path: /mnt/data
  containers:
    - name: shell
      image: nginx
      volumeMounts:
        - mountPath: /mnt/data
          name: host
"""
POD = """apiVersion: v1
kind: Pod
metadata:
  name: task-pv-pod
spec:
  volumes:
    - name: task-pv-storage
      persistentVolumeClaim:
        claimName: task-pv-claim
  containers:
    - name: task-pv-container
      image: nginx
      ports:
        - containerPort: 80
          name: "http-server"
      volumeMounts:
        - mountPath: "/usr/share/nginx/html"
          name: task-pv-storage
"""


@pytest.fixture
def lab(tmp_path):
    app = create_app({"DATA_DIR": str(tmp_path / "data"), "LIVE_TICKER": False, "TESTING": True},
                     seed=3, start=DEFAULT_START)
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

    yield run, advance
    app.extensions["kubeplay.journal"].close()


PV_HEADER = ("NAME             CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM                   "
             "STORAGECLASS   VOLUMEATTRIBUTESCLASS   REASON   AGE")


def test_configure_a_pod_to_use_a_persistent_volume(lab):
    run, advance = lab
    assert run("kubectl apply -f -", PV) == "persistentvolume/task-pv-volume created\n"
    advance(4)
    assert run("kubectl get pv task-pv-volume") == (
        "NAME             CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS      CLAIM   STORAGECLASS   "
        "VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
        "task-pv-volume   10Gi       RWO            Retain           Available           manual         "
        "<unset>                          4s\n")

    assert run("kubectl apply -f -", PVC) == "persistentvolumeclaim/task-pv-claim created\n"
    advance(30)
    assert run("kubectl get pv task-pv-volume") == (
        "NAME             CAPACITY   ACCESS MODES   RECLAIM POLICY   STATUS   CLAIM                   STORAGECLASS   "
        "VOLUMEATTRIBUTESCLASS   REASON   AGE\n"
        "task-pv-volume   10Gi       RWO            Retain           Bound    default/task-pv-claim   manual         "
        "<unset>                          34s\n")
    # the claim asked for 3Gi and got the whole 10Gi volume
    assert run("kubectl get pvc task-pv-claim") == (
        "NAME            STATUS   VOLUME           CAPACITY   ACCESS MODES   STORAGECLASS   VOLUMEATTRIBUTESCLASS   AGE\n"
        "task-pv-claim   Bound    task-pv-volume   10Gi       RWO            manual         <unset>                 30s\n")

    assert run("kubectl apply -f -", POD) == "pod/task-pv-pod created\n"
    advance(30)
    line = run("kubectl get pod task-pv-pod").splitlines()[1]
    assert re.match(r"task-pv-pod\s+1/1\s+Running\s+0\s+30s$", line), line
    node = run("kubectl get pod task-pv-pod -o jsonpath={.spec.nodeName}")
    assert node in ("node1", "node2")
    # "on the node": write the page's index.html into the node's /mnt/data, the PV's hostPath
    run("kubectl apply -f -", NODE_SHELL.format(node=node))
    advance(20)
    assert run("kubectl exec node-shell -- sh -c \"echo 'Hello from Kubernetes storage' > /mnt/data/index.html\"") == ""
    assert run("kubectl exec task-pv-pod -- cat /usr/share/nginx/html/index.html") == "Hello from Kubernetes storage\n"
    assert run("kubectl exec task-pv-pod -- ls /usr/share/nginx/html") == "index.html\n"
    # the page's check: nginx serves what the volume holds
    assert run("kubectl exec task-pv-pod -- curl http://localhost/") == "Hello from Kubernetes storage\n"
    ip = run("kubectl get pod task-pv-pod -o jsonpath={.status.podIP}")
    run("kubectl run client --image=busybox:1.36 --restart=Never -- sleep 3600")
    advance(20)
    assert run(f"kubectl exec client -- wget -qO- http://{ip}/") == "Hello from Kubernetes storage\n"
    assert run(f"kubectl exec client -- wget -qO- http://{ip}/missing.html", rc=1) == (
        "wget: server returned error: HTTP/1.1 404 Not Found\ncommand terminated with exit code 1\n")
    log = run("kubectl logs task-pv-pod --tail=4").splitlines()  # the access log: 30 bytes sent
    # curl tries localhost's ::1 first, where nginx also listens (the image's listen-on-ipv6 entrypoint step)
    assert re.fullmatch(r'::1 - - \[.+\] "GET / HTTP/1\.1" 200 30 "-" "curl/8\.11\.1" "-"', log[0]), log
    assert re.fullmatch(r'10\.244\.\d+\.\d+ - - \[.+\] "GET / HTTP/1\.1" 200 30 "-" "Wget" "-"', log[1]), log
    assert re.search(r'\[error\] 29#29: \*1 open\(\) "/usr/share/nginx/html/missing\.html" failed \(2: No such file or '
                     r'directory\)', log[2]), log
    assert re.fullmatch(r'10\.244\.\d+\.\d+ - - \[.+\] "GET /missing\.html HTTP/1\.1" 404 153 "-" "Wget" "-"', log[3]), log
    # what the pod writes lands on the node, under the PV's path
    run("kubectl exec task-pv-pod -- sh -c 'echo from the pod > /usr/share/nginx/html/pod.txt'")
    assert run("kubectl exec node-shell -- cat /mnt/data/pod.txt") == "from the pod\n"
    described = run("kubectl describe pvc task-pv-claim")
    assert re.search(r"^Used By:\s+task-pv-pod$", described, re.M), described
    assert re.search(r"^Finalizers:\s+\[kubernetes.io/pvc-protection\]$", described, re.M)

    # clean up as the page does: the Retain volume keeps its data and goes Released
    assert run("kubectl delete pod task-pv-pod") == 'pod "task-pv-pod" deleted\n'
    assert run("kubectl exec node-shell -- cat /mnt/data/index.html") == "Hello from Kubernetes storage\n"
    assert run("kubectl delete pvc task-pv-claim") == 'persistentvolumeclaim "task-pv-claim" deleted\n'
    advance(5)
    row = run("kubectl get pv task-pv-volume").splitlines()[1]
    assert re.match(r"task-pv-volume\s+10Gi\s+RWO\s+Retain\s+Released\s+default/task-pv-claim\s+manual\s+<unset>\s+\d+s$",
                    row), row
    assert run("kubectl delete pv task-pv-volume") == 'persistentvolume "task-pv-volume" deleted\n'
    assert run("kubectl get pv") == "No resources found\n"


def test_a_claim_without_a_matching_volume_stays_pending_with_the_real_event(lab):
    run, advance = lab
    run("kubectl apply -f -", PV.replace("10Gi", "1Gi"))
    run("kubectl apply -f -", PVC.replace("storageClassName: manual", 'storageClassName: ""'))
    advance(3)
    row = run("kubectl get pvc task-pv-claim").splitlines()[1]
    assert re.match(r"task-pv-claim\s+Pending\s+<unset>\s+3s$", row), row
    events = run("kubectl describe pvc task-pv-claim").split("Events:\n", 1)[1]
    assert "Normal  FailedBinding  3s    persistentvolume-controller  no persistent volumes available for this claim " \
           "and no storage class is set" in events
    # the pod that uses it is not scheduled, in the scheduler's words
    run("kubectl apply -f -", POD)
    advance(2)
    events = run("kubectl describe pod task-pv-pod").split("Events:\n", 1)[1]
    assert ("0/3 nodes are available: pod has unbound immediate PersistentVolumeClaims. preemption: 0/3 nodes are "
            "available: 3 Preemption is not helpful for scheduling..") in events
