"""The volume manager's syncs are event-driven (sim/volumes.py): an update of a ConfigMap/Secret still
reaches the pods that mount it after the kubelet's sync delay (60 s plus up to 30 s of jitter), a
projected token is renewed after 80 % of its lifetime, and pods whose sources do not change cost
nothing per period."""

from __future__ import annotations

import textwrap

import pytest

from server.sim.volumes import VolumeManager


def apply(kubectl, text: str) -> None:
    kubectl("apply -f -", textwrap.dedent(text))


def pod(name: str, cm: str, labels: str = "{}") -> str:
    return f"""
        apiVersion: v1
        kind: Pod
        metadata: {{name: {name}, labels: {labels}}}
        spec:
          containers:
          - name: main
            image: busybox:1.36
            command: ["sleep", "36000"]
            volumeMounts:
            - {{name: cfg, mountPath: /etc/config}}
            - {{name: info, mountPath: /etc/podinfo}}
          volumes:
          - {{name: cfg, configMap: {{name: {cm}}}}}
          - name: info
            downwardAPI:
              items: [{{path: labels, fieldRef: {{fieldPath: metadata.labels}}}}]
        """


@pytest.fixture
def syncs(cluster, kubectl, monkeypatch):
    """The cluster with two ConfigMaps, three pods mounting ``a`` and two mounting ``b``; yields a
    counter of the volume manager's pod syncs by pod name."""
    kubectl("create configmap a --from-literal=level=one")
    kubectl("create configmap b --from-literal=level=uno")
    for name, cm in (("a1", "a"), ("a2", "a"), ("a3", "a"), ("b1", "b"), ("b2", "b")):
        apply(kubectl, pod(name, cm))
    cluster.advance(60)
    seen: dict[str, int] = {}
    real = VolumeManager._refresh

    def counting(self, obj, pv):
        seen[obj["metadata"]["name"]] = seen.get(obj["metadata"]["name"], 0) + 1
        return real(self, obj, pv)

    monkeypatch.setattr(VolumeManager, "_refresh", counting)
    return seen


def read(kubectl, pod_name: str, path: str = "/etc/config/level") -> str:
    return kubectl(f"exec {pod_name} -- cat {path}")


def test_nothing_is_done_per_pod_per_period_when_nothing_changes(cluster, syncs):
    cluster.advance(900)  # ten or more periodic syncs of every pod
    assert syncs == {}


def test_an_update_reaches_only_the_pods_that_mount_it_after_the_sync_delay(cluster, kubectl, syncs):
    kubectl("patch configmap a -p '{\"data\":{\"level\":\"two\"}}'")
    assert [read(kubectl, p) for p in ("a1", "a2", "a3")] == ["one"] * 3  # not yet: the kubelet syncs later
    seen_at: dict[str, int] = {}
    for second in range(1, 91):
        cluster.advance(1)
        for p in ("a1", "a2", "a3"):
            if p not in seen_at and read(kubectl, p) == "two":
                seen_at[p] = second
    assert sorted(seen_at) == ["a1", "a2", "a3"]  # every pod of the ConfigMap within 90 s
    assert syncs == {"a1": 1, "a2": 1, "a3": 1}  # one sync each; b's pods untouched
    assert [read(kubectl, p) for p in ("b1", "b2")] == ["uno", "uno"]
    cluster.advance(600)
    assert syncs == {"a1": 1, "a2": 1, "a3": 1}


def test_two_updates_before_the_sync_are_written_once(cluster, kubectl, syncs):
    kubectl("patch configmap b -p '{\"data\":{\"level\":\"dos\"}}'")
    kubectl("patch configmap b -p '{\"data\":{\"level\":\"tres\"}}'")
    cluster.advance(91)
    assert [read(kubectl, p) for p in ("b1", "b2")] == ["tres", "tres"]
    assert syncs == {"b1": 1, "b2": 1}
    ls = kubectl("exec b1 -- ls -a /etc/config").split()
    assert [n for n in ls if n.startswith("..2")] and len([n for n in ls if n.startswith("..2")]) == 1


def test_a_configmap_created_after_the_pod_fills_an_optional_volume(cluster, kubectl):
    apply(kubectl, """
        apiVersion: v1
        kind: Pod
        metadata: {name: late}
        spec:
          containers:
          - {name: main, image: busybox:1.36, command: ["sleep", "3600"],
             volumeMounts: [{name: cfg, mountPath: /etc/config}]}
          volumes:
          - {name: cfg, configMap: {name: later, optional: true}}
        """)
    cluster.advance(30)
    assert kubectl("exec late -- ls /etc/config") == ""
    kubectl("create configmap later --from-literal=k=v")
    cluster.advance(91)
    assert kubectl("exec late -- cat /etc/config/k") == "v"


def test_a_label_change_reaches_the_downward_api_file_at_the_next_sync(cluster, kubectl, syncs):
    kubectl("label pod a2 tier=db")
    assert read(kubectl, "a2", "/etc/podinfo/labels") == ""
    cluster.advance(91)
    assert read(kubectl, "a2", "/etc/podinfo/labels") == 'tier="db"'
    assert syncs == {"a2": 1}
    kubectl("annotate pod a2 note=x")  # the file shows labels only, but the kubelet cannot tell: one sync
    cluster.advance(91)
    assert syncs == {"a2": 2}


def test_the_projected_token_is_renewed_after_80_percent_of_its_lifetime(cluster, kubectl, syncs):
    path = "/var/run/secrets/kubernetes.io/serviceaccount/token"
    first = read(kubectl, "b1", path)
    assert first.count(".") == 2
    cluster.advance(0.8 * 3607 - 120)  # 48 minutes: the token manager keeps it
    assert read(kubectl, "b1", path) == first
    assert syncs == {}
    cluster.advance(120 + 91)
    second = read(kubectl, "b1", path)
    assert second != first and second.count(".") == 2
    mine = {p: n for p, n in syncs.items() if p in ("a1", "a2", "a3", "b1", "b2")}
    assert mine == {p: 1 for p in ("a1", "a2", "a3", "b1", "b2")}  # one renewal per pod, nothing else
    assert all(n == 1 for n in syncs.values())  # the kube-system pods' tokens: one renewal each too
