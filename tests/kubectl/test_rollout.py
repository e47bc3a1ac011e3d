"""kubectl rollout: history, undo, pause/resume/restart and status.

History and undo are client-side reads of the ReplicaSets a Deployment owns, so these tests seed
the ReplicaSets the deployment controller would have made (revision annotations, hash labels)
and check what kubectl prints and writes back.
"""

from __future__ import annotations

import re

import pytest


def template(image: str, hash_: str | None = None) -> dict:
    labels = {"app": "web"} | ({"pod-template-hash": hash_} if hash_ else {})
    return {"metadata": {"labels": labels}, "spec": {"containers": [{"name": "nginx", "image": image}]}}


def with_hash(t: dict, hash_: str) -> dict:
    t = {**t, "metadata": {**t.get("metadata", {})}}
    t["metadata"]["labels"] = {**t["metadata"].get("labels", {}), "pod-template-hash": hash_}
    return t


@pytest.fixture
def web(cluster, kubectl):
    """web at nginx:1.17 (revision 2) with the nginx:1.16 ReplicaSet as revision 1."""
    kubectl("create deployment web --image=nginx:1.16 --replicas=3")
    d = cluster.store.get("Deployment", "default", "web")
    d["spec"]["template"] = template("nginx:1.17")
    d = cluster.api.replace(d)
    owner = {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web", "uid": d["metadata"]["uid"],
             "controller": True, "blockOwnerDeletion": True}
    defaulted = d["spec"]["template"]  # what the controller copies: the template with defaults applied
    for rev, (h, image) in enumerate((("aaaa4", "nginx:1.16"), ("bbbb5", "nginx:1.17")), 1):
        ann = {"deployment.kubernetes.io/revision": str(rev)}
        if rev == 2:
            ann["kubernetes.io/change-cause"] = "image to 1.17"
        if cluster.store.get("ReplicaSet", "default", f"web-{h}") is None:
            cluster.store.create({
                "apiVersion": "apps/v1", "kind": "ReplicaSet",
                "metadata": {"name": f"web-{h}", "namespace": "default", "annotations": ann,
                             "labels": {"app": "web", "pod-template-hash": h}, "ownerReferences": [owner]},
                "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "web", "pod-template-hash": h}},
                         "template": with_hash(defaulted, h) if rev == 2 else template(image, h)}})
    return d


def test_history_table(web, kubectl):
    out = kubectl("rollout history deployment.apps/web")
    rows = re.findall(r"^(\d+)\s+(.+)$", out, re.M)
    assert ("1", "<none>") in rows and ("2", "image to 1.17") in rows
    assert out.startswith("deployment.apps/web \nREVISION  CHANGE-CAUSE\n")


def test_history_revision_prints_the_template(web, kubectl):
    out = kubectl("rollout history deploy/web --revision=1")
    assert out.startswith("deployment.apps/web with revision #1\nPod Template:\n")
    assert "    Image:\tnginx:1.16\n" in out
    assert "pod-template-hash=aaaa4" in out
    assert kubectl("rollout history deploy/web --revision=9", rc=1) == "error: unable to find the specified revision\n"


def test_undo_copies_the_previous_template_without_the_hash_label(cluster, web, kubectl):
    assert kubectl("rollout undo deployment.apps/web") == "deployment.apps/web rolled back\n"
    d = cluster.store.get("Deployment", "default", "web")
    assert d["spec"]["template"]["spec"]["containers"][0]["image"] == "nginx:1.16"
    assert d["spec"]["template"]["metadata"]["labels"] == {"app": "web"}


def test_undo_to_revision_and_skips(cluster, web, kubectl):
    assert kubectl("rollout undo deploy/web --to-revision=2") == (
        "deployment.apps/web skipped rollback (current template already matches revision 2)\n")
    assert kubectl("rollout undo deploy/web --to-revision=7", rc=1) == (
        "error: unable to find specified revision 7 in history\n")


def test_undo_refuses_a_paused_deployment(cluster, web, kubectl):
    assert kubectl("rollout pause deploy/web") == "deployment.apps/web paused\n"
    assert kubectl("rollout undo deploy/web", rc=1) == (
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try "
        "again\n")


def test_undo_without_history(cluster, kubectl):
    kubectl("create deployment solo --image=nginx")
    # whatever the controller made, a single revision gives nothing to go back to
    for rs in cluster.store.list("ReplicaSet", "default"):
        cluster.store.remove("ReplicaSet", "default", rs["metadata"]["name"])
    assert kubectl("rollout undo deploy/solo", rc=1) == 'error: no rollout history found for deployment "solo"\n'


def test_pause_resume_restart(cluster, kubectl):
    kubectl("create deployment web --image=nginx")
    assert kubectl("rollout pause deploy/web") == "deployment.apps/web paused\n"
    assert cluster.store.get("Deployment", "default", "web")["spec"]["paused"] is True
    assert kubectl("rollout pause deploy/web", rc=1) == 'error: deployments.apps "web" is already paused\n'
    assert kubectl("rollout restart deploy/web", rc=1) == (
        "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n")
    assert kubectl("rollout resume deploy/web") == "deployment.apps/web resumed\n"
    assert kubectl("rollout resume deploy/web", rc=1) == 'error: deployments.apps "web" is not paused\n'
    assert kubectl("rollout restart deploy/web") == "deployment.apps/web restarted\n"
    ann = cluster.store.get("Deployment", "default", "web")["spec"]["template"]["metadata"]["annotations"]
    assert ann["kubectl.kubernetes.io/restartedAt"] == cluster.clock.iso()


def test_rollout_requires_a_resource(kubectl):
    assert kubectl("rollout history", rc=1) == "error: required resource not specified\n"
    assert kubectl("rollout status deploy/nope", rc=1) == (
        'Error from server (NotFound): deployments.apps "nope" not found\n')


def test_status_reports_progress_from_the_deployment_status(cluster, kubectl):
    kubectl("create deployment web --image=nginx --replicas=3")
    d = cluster.store.get("Deployment", "default", "web")
    gen = d["metadata"]["generation"]
    d["status"] = {"observedGeneration": gen, "replicas": 3, "updatedReplicas": 1, "availableReplicas": 0}
    cluster.store.update(d)  # status written by hand, read before the controller runs again
    assert kubectl("rollout status deploy/web --watch=false") == (
        'Waiting for deployment "web" rollout to finish: 1 out of 3 new replicas have been updated...\n')


def test_status_waits_on_the_virtual_clock_until_rolled_out(cluster, kubectl):
    kubectl("create deployment web --image=nginx:1.16 --replicas=3")
    start = cluster.clock.now()
    result = kubectl("rollout status deployment/web --timeout=120s", rc=None)
    lines = result.splitlines()
    ready = [p for p in cluster.store.scan("Pod", "default")
             if any(c["type"] == "Ready" and c["status"] == "True" for c in (p.get("status") or {}).get("conditions", []))]
    assert len(ready) == 3
    assert lines[-1] == 'deployment "web" successfully rolled out', result
    assert 0 < cluster.clock.now() - start < 120  # the wait moved the virtual clock, and ended before --timeout
    assert len(lines) == len(set(lines))  # each distinct line printed once
    assert all(line.startswith('Waiting for deployment "web"') for line in lines[:-1])


def test_status_gives_up_at_its_timeout_on_the_virtual_clock(cluster, kubectl):
    kubectl("create deployment stuck --image=nginx:0.0.0-nope --replicas=2")
    start = cluster.clock.now()
    out = kubectl("rollout status deploy/stuck --timeout=30s", rc=1)
    assert out.splitlines()[0] == 'Waiting for deployment "stuck" rollout to finish: 0 of 2 updated replicas are available...'
    assert out.endswith("error: timed out waiting for the condition\n")
    assert cluster.clock.now() - start == pytest.approx(30)
