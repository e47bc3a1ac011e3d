"""kubectl label and annotate."""

from __future__ import annotations

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: web
spec:
  containers:
  - name: c
    image: nginx
"""


def labels(cluster, name):
    return cluster.store.get("Pod", "default", name)["metadata"].get("labels") or {}


def test_label_add_overwrite_remove(cluster, kubectl):
    kubectl("apply -f -", stdin=POD.format(name="x"))
    assert kubectl("label pod x tier=front") == "pod/x labeled\n"
    assert labels(cluster, "x") == {"app": "web", "tier": "front"}
    assert kubectl("label pod x app=db", rc=1) == "error: 'app' already has a value (web), and --overwrite is false\n"
    assert kubectl("label pod x app=db --overwrite") == "pod/x labeled\n"
    assert kubectl("label pods/x tier-") == "pod/x unlabeled\n"
    assert labels(cluster, "x") == {"app": "db"}
    assert kubectl("label pod x nope-") == 'label "nope" not found.\npod/x not labeled\n'


def test_label_by_selector_and_all(cluster, kubectl):
    for n in ("a", "b"):
        kubectl("apply -f -", stdin=POD.format(name=n))
    assert kubectl("label pods -l app=web env=prod") == "pod/a labeled\npod/b labeled\n"
    assert kubectl("label pods --all env-") == "pod/a unlabeled\npod/b unlabeled\n"
    assert "env" not in labels(cluster, "a")


def test_label_errors(cluster, kubectl):
    # captured: kubectl.1.32 label pod; kubectl.1.32 annotate pod x (exit 1, before any request)
    assert kubectl("label pod", rc=1) == "error: at least one label update is required\n"
    assert kubectl("annotate pod x", rc=1) == "error: at least one annotation update is required\n"
    assert kubectl("label pod nope a=b", rc=1) == 'Error from server (NotFound): pods "nope" not found\n'


def test_annotate(cluster, kubectl):
    kubectl("apply -f -", stdin=POD.format(name="x"))
    assert kubectl("annotate pod x note=hello") == "pod/x annotated\n"
    ann = cluster.store.get("Pod", "default", "x")["metadata"]["annotations"]
    assert ann["note"] == "hello"
    assert kubectl("annotate pod x note=bye", rc=1) == (
        "error: --overwrite is false but found the following declared annotation(s): 'note' already has a value "
        "(hello)\n")
    assert kubectl("annotate pod x note=bye --overwrite") == "pod/x annotated\n"
    assert kubectl("annotate pod x note-") == "pod/x annotated\n"
    assert "note" not in (cluster.store.get("Pod", "default", "x")["metadata"].get("annotations") or {})
