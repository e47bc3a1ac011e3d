"""The storage kinds' server-side text, compared with the real kubectl v1.32 against our API: the
PV/PVC/StorageClass tables (printers.go v1.32: VOLUMEATTRIBUTESCLASS, REASON, ``(default)``; -o wide's
VOLUMEMODE), describe pv/pvc/sc, and the errors of invalid storage objects."""

from __future__ import annotations

import subprocess

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL, within_age_rounding

OBJECTS = """apiVersion: v1
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
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: spare
spec:
  capacity:
    storage: 1536Mi
  accessModes: [ReadWriteOnce, ReadOnlyMany, ReadWriteMany]
  persistentVolumeReclaimPolicy: Delete
  hostPath:
    path: /tmp/spare
---
apiVersion: v1
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
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: waiting
spec:
  storageClassName: fast
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 1Gi
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: fast
  annotations:
    storageclass.kubernetes.io/is-default-class: "true"
provisioner: kubernetes.io/no-provisioner
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata:
  name: slow
provisioner: example.com/slow
reclaimPolicy: Retain
allowVolumeExpansion: true
parameters:
  type: pd-standard
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ReadWriteOnce]
      resources:
        requests:
          storage: 1Gi
"""

CASES = [
    "get pv", "get pv -o wide", "get pvc", "get pvc -o wide", "get sc", "get pv,pvc,sc",
    "get pv task-pv-volume", "get pvc task-pv-claim -o wide", "get pvc -A",
    "describe pv task-pv-volume", "describe pvc task-pv-claim", "describe pvc waiting", "describe sc fast",
    "describe sc slow", "get pvc -l app=nginx", "describe pod web-0",
    "describe pvc www-web-0",
]

BAD = [
    """apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: bad}
spec:
  resources: {requests: {storage: "0"}}
""",
    """apiVersion: v1
kind: PersistentVolume
metadata: {name: badpv}
spec:
  accessModes: [ReadWriteOncePod, ReadWriteOnce]
  capacity: {storage: 1Gi}
""",
    """apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: badsc}
provisioner: ""
reclaimPolicy: Recycle
""",
]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.kubectl("apply", "-f", "-", stdin=OBJECTS)
        lab.clock(advance=20)
        yield lab


def _real(lab, *args: str, stdin: str | None = None) -> str:
    real = subprocess.run([KUBECTL, "--kubeconfig", str(lab.kubeconfig), "--cache-dir", str(lab.home / "cache"),
                           *args], input=stdin, cwd=lab.home, capture_output=True, text=True, timeout=60,
                          env={"HOME": str(lab.home), "PATH": "/usr/bin:/bin"})
    return real.stdout + real.stderr


@pytest.mark.parametrize("line", CASES)
def test_matches_real_kubectl(lab, line):
    real = _real(lab, *line.split())
    ours = lab.engine("kubectl " + line)
    if not within_age_rounding(ours, real):  # the real kubectl's ages may cross a second (see there)
        assert ours == real


def test_describe_statefulset_volume_claims(lab):
    """describe sts prints its claim templates; its CreationTimestamp is the one line that differs (the API
    serves the sandbox's times shifted to the wall clock, the terminal shows them as they are)."""
    def without_time(text: str) -> str:
        return "".join(line for line in text.splitlines(keepends=True) if not line.startswith("CreationTimestamp:"))

    real = _real(lab, "describe", "statefulset", "web")
    assert without_time(lab.engine("kubectl describe statefulset web")) == without_time(real)
    assert "Volume Claims:\n  Name:          www\n" in real


def test_what_the_tables_say(lab):
    """The values themselves: binding, the smallest fitting volume, the default class, AGE."""
    pv = _real(lab, "get", "pv").splitlines()
    assert pv[0].split() == ["NAME", "CAPACITY", "ACCESS", "MODES", "RECLAIM", "POLICY", "STATUS", "CLAIM",
                             "STORAGECLASS", "VOLUMEATTRIBUTESCLASS", "REASON", "AGE"]
    rows = {line.split()[0]: line.split() for line in pv[1:]}
    assert rows["task-pv-volume"][1:] == ["10Gi", "RWO", "Retain", "Bound", "default/task-pv-claim", "manual",
                                          "<unset>", "20s"]
    assert rows["spare"][1:] == ["1536Mi", "RWO,ROX,RWX", "Delete", "Available", "<unset>", "20s"]
    sc = _real(lab, "get", "sc").splitlines()
    assert [line.split()[:2] for line in sc[1:]] == [["fast", "(default)"], ["slow", "example.com/slow"]]
    # the claim of a WaitForFirstConsumer class waits for a pod, in the PV controller's words
    assert "waiting for first consumer to be created before binding" in _real(lab, "describe", "pvc", "waiting")
    # web-0's claim got the default class (no-provisioner): no node can bind it, and web-1 waits for web-0
    assert [line.split()[:2] for line in _real(lab, "get", "pods", "-l", "app=nginx").splitlines()[1:]] == \
        [["web-0", "0/1"]]
    assert "2 node(s) didn't find available persistent volumes to bind." in _real(lab, "describe", "pod", "web-0")
    assert _real(lab, "get", "pvc", "www-web-0", "-o", "jsonpath={.spec.storageClassName}") == "fast"


@pytest.mark.parametrize("manifest", BAD)
def test_invalid_objects_as_real_kubectl_reports_them(lab, manifest):
    real = _real(lab, "apply", "-f", "-", stdin=manifest)
    assert "is invalid" in real
    assert lab.request("POST", f"/api/sandboxes/{lab.sid}/run",
                       {"command": "kubectl apply -f -", "stdin": manifest})["output"] == real


PROVISIONED = """apiVersion: v1
kind: Namespace
metadata:
  name: dyn
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: notes
  namespace: dyn
spec:
  storageClassName: local-path
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: 10Mi
---
apiVersion: v1
kind: Pod
metadata:
  name: writer
  namespace: dyn
spec:
  containers:
  - name: writer
    image: nginx
    volumeMounts:
    - {name: data, mountPath: /data}
  volumes:
  - name: data
    persistentVolumeClaim:
      claimName: notes
"""


@pytest.fixture(scope="module")
def dynamic(tmp_path_factory):
    """A lab with the storage-provisioner add-on on and a claim it provisioned for a pod."""
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.request("POST", f"/api/sandboxes/{lab.sid}/addons/storage-provisioner", {"enabled": True})
        lab.kubectl("apply", "-f", "-", stdin=PROVISIONED)
        lab.clock(advance=60)
        yield lab


@pytest.mark.parametrize("line", ["get pv", "get pv -o wide", "get pvc -n dyn -o wide", "describe pvc notes -n dyn",
                                  "get sc", "describe sc local-path", "get pods -n local-path-storage"])
def test_provisioned_volumes_match_real_kubectl(dynamic, line):
    assert dynamic.engine("kubectl " + line) == _real(dynamic, *line.split())


def test_describe_of_a_provisioned_volume(dynamic):
    name = _real(dynamic, "get", "pvc", "notes", "-n", "dyn", "-o", "jsonpath={.spec.volumeName}")
    real = _real(dynamic, "describe", "pv", name)
    assert dynamic.engine(f"kubectl describe pv {name}") == real
    node = _real(dynamic, "get", "pod", "writer", "-n", "dyn", "-o", "jsonpath={.spec.nodeName}")
    assert f"    Term 0:        kubernetes.io/hostname in [{node}]\n" in real
    assert f"    Path:          /opt/local-path-provisioner/{name}_dyn_notes\n" in real
    assert "    HostPathType:  DirectoryOrCreate\n" in real
