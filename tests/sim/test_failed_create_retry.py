"""A workload controller whose pod create was refused retries it with the workqueue's backoff
(client-go's DefaultControllerRateLimiter: 5 ms × 2^failures), so fixing the cause — here creating
the missing ServiceAccount — brings the pods without any other event."""

from __future__ import annotations

from server.sim.cluster import Cluster


def _deployment(name: str) -> dict:
    labels = {"app": name}
    return {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": name, "namespace": "default"},
            "spec": {"replicas": 2, "selector": {"matchLabels": labels},
                     "template": {"metadata": {"labels": labels},
                                  "spec": {"serviceAccountName": "builder",
                                           "containers": [{"name": "c", "image": "nginx"}]}}}}


def _pods(c: Cluster, app: str) -> list[dict]:
    return [p for p in c.store.scan("Pod", "default") if (p["metadata"].get("labels") or {}).get("app") == app]


def test_replicaset_retries_a_refused_create_until_the_cause_is_fixed():
    c = Cluster(seed=1)
    c.api.create(_deployment("web"))
    c.advance(5)
    assert _pods(c, "web") == []
    rs = next(r for r in c.store.scan("ReplicaSet", "default") if r["metadata"]["name"].startswith("web-"))
    events = [e for e in c.store.scan("Event", "default")
              if e["involvedObject"]["name"] == rs["metadata"]["name"] and e["reason"] == "FailedCreate"]
    # retried: the one aggregated event counts several attempts within those 5 s (5 ms, 10 ms, 20 ms …)
    assert events and events[0]["count"] > 5
    c.api.create({"apiVersion": "v1", "kind": "ServiceAccount",
                  "metadata": {"name": "builder", "namespace": "default"}})
    c.advance(30)  # no other event: only the backoff's next retry (at most ~10 s later here) can create them
    assert len(_pods(c, "web")) == 2


def test_the_backoff_grows_and_is_capped():
    c = Cluster(seed=1)
    ctrl = c.controller("replicaset-controller")
    key = ("ReplicaSet", "default", "nothing")
    delays = []
    for _ in range(20):
        before = c.clock.now()
        ctrl.requeue_rate_limited(key)
        delays.append(round(ctrl._timers[key].when - before, 3))  # the armed timer
        ctrl._timers.pop(key).cancel()
    assert delays[:4] == [0.005, 0.01, 0.02, 0.04]
    assert delays[-1] == 1000.0
    ctrl.forget(key)
    ctrl.requeue_rate_limited(key)
    assert round(ctrl._timers[key].when - c.clock.now(), 3) == 0.005
