"""The short cuts of the per-pod path keep what a user sees: a container's mounts made on first use
carry its start's time, a mount point inside a shared volume is there for the pod's other
containers at once, status writes keep the store's indexes right, timestamps near a second's end
round as metav1.Time does, and the event recorder notices a namespace that started terminating."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime

from server.sim.clock import Clock, iso_time, parse_time
from server.sim.fs import FileSystem, Link, Mount, Tree
from server.sim.store import Store


def apply(kubectl, text: str) -> None:
    kubectl("apply -f -", textwrap.dedent(text))


# -- deferred mounts ---------------------------------------------------------------------------------
def _view(now: list[float], deferred: bool) -> FileSystem:
    image = Tree()
    image.makedirs(["etc"], now=1.0)
    image.makedirs(["run", "secrets"], now=1.0)
    image.put("var/run", Link("/run"), now=1.0)
    vol = Tree(fstype="tmpfs", source="tmpfs")
    vol.write_file("token", "abc", now=5.0)
    fs = FileSystem(Tree.overlay(image), clock=lambda: now[0])
    mounts = [Mount("/var/run/secrets/kubernetes.io/serviceaccount", vol, read_only=True),
              Mount("/data", Tree())]
    if deferred:
        fs.defer(mounts, now[0])
    else:
        for m in mounts:
            fs.mount(m)
    return fs


def test_deferred_mounts_look_as_if_made_when_deferred():
    now = [100.0]
    eager = _view(now, deferred=False)
    lazy = _view(now, deferred=True)
    now[0] = 700.0  # the lazy view is first looked at ten minutes later
    for fs in (eager, lazy):
        # the mount point followed the image's /var/run -> /run link, and was made at 100
        assert fs.read("/var/run/secrets/kubernetes.io/serviceaccount/token") == b"abc"
        assert [m.path for m in fs.mounts()] == ["/", "/run/secrets/kubernetes.io/serviceaccount", "/data"]
        assert fs.stat("/run/secrets/kubernetes.io").mtime == 100.0
        assert fs.stat("/run/secrets").mtime == 100.0
        assert fs.listdir("/") == eager.listdir("/")
    # and the view's clock is the live one again afterwards
    lazy.write("/data/x", b"1")
    assert lazy.stat("/data/x").mtime == 700.0


def test_a_mount_point_inside_a_shared_volume_is_there_for_the_other_container(cluster, kubectl):
    kubectl("create configmap cfg --from-literal=k=v")
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: two}
        spec:
          containers:
          - name: a
            image: busybox:1.36
            command: ["sleep", "3600"]
            volumeMounts:
            - {name: shared, mountPath: /data}
            - {name: cfg, mountPath: /data/cfg}
          - name: b
            image: busybox:1.36
            command: ["sleep", "3600"]
            volumeMounts:
            - {name: shared, mountPath: /data}
          volumes:
          - {name: shared, emptyDir: {}}
          - {name: cfg, configMap: {name: cfg}}
        """)
    cluster.advance(30)
    # container a's files were never looked at: its mount point in the emptyDir was still made at its start
    assert kubectl("exec two -c b -- ls /data") == "cfg\n"
    assert kubectl("exec two -c a -- cat /data/cfg/k") == "v"


def test_a_container_first_looked_at_later_shows_its_start_times(cluster, kubectl):
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: late}
        spec:
          containers:
          - {name: main, image: busybox:1.36, command: ["sleep", "36000"]}
        """)
    cluster.advance(30)
    pod = cluster.store.peek("Pod", "default", "late")
    started = parse_time(pod["status"]["containerStatuses"][0]["state"]["running"]["startedAt"])
    cluster.advance(3 * 3600)
    out = kubectl("exec late -- stat /var/run/secrets/kubernetes.io")
    modify = next(line for line in out.splitlines() if line.startswith("Modify: "))
    made = datetime.strptime(modify[8:27], "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC).timestamp()
    # made at the container's start (startedAt is truncated to the second), not three hours on
    assert made == started


# -- the store's indexes on status writes -------------------------------------------------------------
def _pod(name: str, labels: dict, node: str = "") -> dict:
    spec = {"nodeName": node} if node else {}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "labels": labels},
            "spec": spec, "status": {"phase": "Pending"}}


def test_status_writes_and_label_or_node_changes_keep_the_indexes_right():
    store = Store(Clock())
    stored = store.create(_pod("p", {"app": "a"}, "n1"), owned=True)
    running = store.update(dict(stored, status={"phase": "Running"}), owned=True)  # a status write
    assert store.scan("Pod", "default", selector={"app": "a"}) == [running]
    assert store.scan("Pod", node="n1") == [running]
    assert store.get_by_uid(running["metadata"]["uid"])["status"] == {"phase": "Running"}
    relabelled = store.update(dict(running, metadata=dict(running["metadata"], labels={"app": "b"})), owned=True)
    assert store.scan("Pod", "default", selector={"app": "a"}) == []
    assert store.scan("Pod", "default", selector={"app": "b"}) == [relabelled]
    moved = store.update(dict(relabelled, spec={"nodeName": "n2"}), owned=True)
    assert store.scan("Pod", node="n1") == [] and store.scan("Pod", node="n2") == [moved]
    assert store.count("Pod") == 1


# -- timestamps ------------------------------------------------------------------------------------------
def test_iso_rounds_as_metav1_time_does_near_the_end_of_a_second():
    clock = Clock(start=1741006800.0)
    for t in (1741006800.0, 1741006800.4, 1741006800.9999994, 1741006800.9999996, 1741006801.0, 1741006859.99999999):
        want = datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        assert clock.iso(t) == want == iso_time(t)
    assert clock.iso(1741006800.9999996) == "2025-03-03T13:00:01Z"
    clock.advance(61.5)
    assert clock.iso() == "2025-03-03T13:01:01Z"


# -- events in a namespace that starts terminating ------------------------------------------------------
def test_no_event_is_recorded_once_its_namespace_is_terminating(cluster, kubectl):
    kubectl("create namespace gone")
    kubectl("create configmap c -n gone")
    cm = cluster.store.peek("ConfigMap", "gone", "c")
    cluster.recorder.event(cm, "Normal", "First", "recorded", "test")
    assert [e["reason"] for e in cluster.store.scan("Event", "gone")] == ["First"]
    ns = cluster.store.peek("Namespace", "", "gone")
    cluster.store.update(dict(ns, status={"phase": "Terminating"}), owned=True)
    cluster.recorder.event(cm, "Normal", "Second", "dropped", "test")
    assert [e["reason"] for e in cluster.store.scan("Event", "gone")] == ["First"]
