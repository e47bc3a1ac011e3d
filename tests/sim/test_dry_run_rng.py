"""A dry run gives back the random choices it made: a server dry run is not journalled (the sandbox
validates a joining node with one before journalling the join), so if it moved the seeded RNG a
replay would name and address the next objects differently."""

from __future__ import annotations

from server.sim.cluster import Cluster


def _names_after(dry_runs: int) -> list[str]:
    c = Cluster(seed=3)
    for _ in range(dry_runs):
        c.api.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": "node9"}}, dry_run=True)
        c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
                      "spec": {"ports": [{"port": 80}]}}, dry_run=True)
    c.api.create({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "default"},
                  "spec": {"replicas": 2, "selector": {"matchLabels": {"a": "b"}},
                           "template": {"metadata": {"labels": {"a": "b"}},
                                        "spec": {"containers": [{"name": "c", "image": "nginx"}]}}}})
    c.api.create({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s", "namespace": "default"},
                  "spec": {"ports": [{"port": 80}]}})
    c.advance(5)
    pods = sorted(p["metadata"]["name"] + "/" + p["metadata"]["uid"] for p in c.store.scan("Pod", "default"))
    return [*pods, c.store.peek("Service", "default", "s")["spec"]["clusterIP"]]


def test_dry_runs_leave_the_seeded_choices_as_they_were():
    assert _names_after(3) == _names_after(0)
