"""Events expire an hour after their last write (the apiserver's --event-ttl lease): a one-off
Event is gone from the store and from `kubectl get events` an hour on, a repeating one lives while
it repeats, and a repeat after expiry is recorded as a new Event."""

from __future__ import annotations

from server.sim.cluster import Cluster
from server.sim.events import EVENT_TTL


def _events(cluster: Cluster, reason: str) -> list[dict]:
    return [e for e in cluster.store.scan("Event", "default") if e["reason"] == reason]


def test_an_event_expires_an_hour_after_its_last_write(cluster: Cluster) -> None:
    pod = cluster.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
                              "spec": {"containers": [{"name": "c", "image": "nginx"}]}})
    seen: list[tuple[str, str]] = []
    cluster.store.subscribe(lambda ev: seen.append((ev.type, ev.obj["reason"])) if ev.obj["kind"] == "Event" else None)
    cluster.recorder.event(pod, "Normal", "Once", "said once", "tester")
    cluster.recorder.event(pod, "Normal", "Again", "said again", "tester")
    cluster.advance(EVENT_TTL - 10)
    cluster.recorder.event(pod, "Normal", "Again", "said again", "tester")  # count 2: a new lease
    cluster.advance(9)
    assert len(_events(cluster, "Once")) == 1
    cluster.advance(2)
    assert _events(cluster, "Once") == [] and ("DELETED", "Once") in seen
    assert [e["count"] for e in _events(cluster, "Again")] == [2]
    cluster.advance(EVENT_TTL)
    assert _events(cluster, "Again") == []
    cluster.recorder.event(pod, "Normal", "Again", "said again", "tester")
    assert [e["count"] for e in _events(cluster, "Again")] == [1]  # a new Event, not a lost one's count


def test_expired_events_leave_kubectl_get_events(cluster: Cluster) -> None:
    from server.kubectl import run

    assert run(cluster, "kubectl create deployment web --image=nginx").exit_code == 0
    cluster.advance(60)
    assert "Scheduled" in run(cluster, "kubectl get events").output
    cluster.advance(EVENT_TTL)
    assert run(cluster, "kubectl get events").output == "No resources found in default namespace.\n"
