"""The container runtime's state follows the pods: started with their env, gone with them."""

from __future__ import annotations


def test_runtime_state_lives_and_dies_with_the_pod(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}]}})
    cluster.advance(30)
    uid = cluster.store.peek("Pod", "default", "web")["metadata"]["uid"]
    inst = cluster.runtime.get(uid, "nginx")
    assert inst is not None and inst.env["KUBERNETES_SERVICE_HOST"] == "10.96.0.1"
    cluster.api.delete("Pod", "default", "web")
    cluster.advance(30)
    assert cluster.store.peek("Pod", "default", "web") is None
    assert cluster.runtime.get(uid, "nginx") is None


def test_a_restart_keeps_the_previous_instance(cluster):
    cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web", "namespace": "default"},
                        "spec": {"containers": [{"name": "nginx", "image": "nginx:1.17"}]}})
    cluster.advance(30)
    uid = cluster.store.peek("Pod", "default", "web")["metadata"]["uid"]
    cluster.runtime.log(uid, "nginx", "before the kill", cluster.clock.now())
    cluster.controller("kubelet").kill_container("default", "web", "nginx")
    cluster.advance(30)
    assert cluster.runtime.get(uid, "nginx", previous=True).logs == ["before the kill"]
    assert cluster.runtime.get(uid, "nginx").logs == []
