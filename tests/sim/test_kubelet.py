"""The kubelet: pod lifecycle timelines on the virtual clock, as a user watching the pods sees them.

A small cluster of its own (two worker Nodes with pod CIDRs and their Machines), pods bound by
hand (as the scheduler does, by setting ``spec.nodeName``), and the kubectl engine's STATUS column
where that is what a user reads.
"""

from __future__ import annotations

import ipaddress
import re

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster, Machine


def make_cluster(seed: int = 1) -> Cluster:
    c = Cluster(seed=seed, empty=True)
    for ns in ("default", "kube-system", "kube-node-lease"):
        c.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns}})
    for i, name in enumerate(("node1", "node2"), start=1):
        c.machines[name] = Machine(name)
        c.store.create({"apiVersion": "v1", "kind": "Node", "metadata": {"name": name},
                        "spec": {"podCIDR": f"10.244.{i}.0/24"},
                        "status": {"addresses": [{"type": "InternalIP", "address": f"192.168.56.{10 + i}"}]}})
    c.settle()
    return c


@pytest.fixture
def cluster() -> Cluster:
    return make_cluster()


def bind(c: Cluster, name: str, node: str = "node1", ns: str = "default") -> None:
    pod = c.store.get("Pod", ns, name)
    pod["spec"]["nodeName"] = node
    c.store.update(pod)
    c.settle()


def make_pod(c: Cluster, name: str, image: str = "nginx:1.17", node: str | None = "node1", *,
             containers: list[dict] | None = None, **spec) -> None:
    c.api.create({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name},
                  "spec": {"containers": containers or [{"name": name, "image": image}], **spec}})
    if node:
        bind(c, name, node)


def pod(c: Cluster, name: str) -> dict:
    return c.store.get("Pod", "default", name)


def cstatus(c: Cluster, name: str, i: int = 0) -> dict:
    return pod(c, name)["status"]["containerStatuses"][i]


def state_of(c: Cluster, name: str) -> str:
    """waiting reason / running / terminated reason of the first container."""
    st = cstatus(c, name)["state"]
    if "running" in st:
        return "Running"
    if "terminated" in st:
        return st["terminated"]["reason"]
    return st["waiting"]["reason"]


def ready(c: Cluster, name: str) -> bool:
    return any(x["type"] == "Ready" and x["status"] == "True" for x in pod(c, name)["status"]["conditions"])


def kubectl_status(c: Cluster, name: str) -> str:
    out = run(c, f"kubectl get pod {name}").output
    return re.split(r"\s{2,}", out.splitlines()[1].strip())[2]


def events(c: Cluster, name: str, reason: str | None = None) -> list[dict]:
    p = c.store.peek("Pod", "default", name)
    evs = c.recorder.for_object(p) if p else [
        e for e in c.store.scan("Event", "default") if e["involvedObject"]["name"] == name]
    return [e for e in evs if reason is None or e["reason"] == reason]


def watch(c: Cluster, name: str, seconds: float, step: float = 0.25) -> list[tuple[float, str]]:
    """(time since start, container state) at every change over ``seconds``."""
    t0, seen = c.clock.now(), []
    end = t0 + seconds
    while c.clock.now() < end:
        s = state_of(c, name)
        if not seen or seen[-1][1] != s:
            seen.append((c.clock.now() - t0, s))
        c.advance(step)
    return seen


# -- starting ------------------------------------------------------------------------------------
def test_nginx_pod_goes_container_creating_then_running_and_ready(cluster):
    make_pod(cluster, "web")
    status = pod(cluster, "web")["status"]
    assert status["phase"] == "Pending"
    assert state_of(cluster, "web") == "ContainerCreating"
    assert kubectl_status(cluster, "web") == "ContainerCreating"
    conds = {x["type"]: x["status"] for x in status["conditions"]}
    assert conds == {"PodReadyToStartContainers": "False", "Initialized": "True", "Ready": "False",
                     "ContainersReady": "False", "PodScheduled": "True"}
    assert status["hostIP"] == "192.168.56.11" and "podIP" not in status

    timeline = watch(cluster, "web", 30)
    assert [s for _, s in timeline] == ["ContainerCreating", "Running"]
    t_running = timeline[1][0]
    assert 2 < t_running < 10, timeline  # a 72 MB pull plus sandbox, create and start
    p = pod(cluster, "web")
    assert p["status"]["phase"] == "Running" and ready(cluster, "web")
    ready_cond = next(x for x in p["status"]["conditions"] if x["type"] == "Ready")
    assert ready_cond["lastTransitionTime"] != p["status"]["startTime"]
    cs = cstatus(cluster, "web")
    assert cs["ready"] and cs["started"] and cs["restartCount"] == 0
    assert cs["image"] == "docker.io/library/nginx:1.17"
    assert re.fullmatch(r"docker\.io/library/nginx@sha256:[0-9a-f]{64}", cs["imageID"])
    assert re.fullmatch(r"containerd://[0-9a-f]{64}", cs["containerID"])
    assert ipaddress.ip_address(p["status"]["podIP"]) in ipaddress.ip_network("10.244.1.0/24")
    assert kubectl_status(cluster, "web") == "Running"

    reasons = [e["reason"] for e in events(cluster, "web")]
    assert reasons == ["Pulling", "Pulled", "Created", "Started"]
    pulled = events(cluster, "web", "Pulled")[0]
    assert re.fullmatch(r'Successfully pulled image "nginx:1\.17" in [\d.]+m?s \([\d.]+m?s including waiting\)\. '
                        r"Image size: 72187541 bytes\.", pulled["message"]), pulled["message"]
    assert pulled["source"] == {"component": "kubelet", "host": "node1"}
    assert events(cluster, "web", "Created")[0]["message"] == "Created container web"


def test_cached_image_starts_faster_and_says_already_present(cluster):
    make_pod(cluster, "first")
    first = watch(cluster, "first", 30)[1][0]
    make_pod(cluster, "second")
    second = watch(cluster, "second", 30)[1][0]
    assert second < first and second < 3
    assert [e["message"] for e in events(cluster, "second", "Pulled")] == [
        'Container image "nginx:1.17" already present on machine']
    assert not events(cluster, "second", "Pulling")
    # on the other node the image is not cached: it is pulled there
    make_pod(cluster, "third", node="node2")
    cluster.advance(30)
    assert events(cluster, "third", "Pulling")


def test_pulls_on_one_node_are_serialised(cluster):
    make_pod(cluster, "big", "wordpress:6")
    make_pod(cluster, "small", "httpd:2.4")
    cluster.advance(60)
    waits = []
    for name in ("big", "small"):
        msg = events(cluster, name, "Pulled")[0]["message"]
        pull, total = re.search(r"in ([\d.]+)s \(([\d.]+)s including waiting\)", msg).groups()
        waits.append(float(total) - float(pull))
    # whichever asked second waited for the other's pull to finish
    assert min(waits) < 0.01 and max(waits) > 1.5, waits


def test_two_container_pod_is_ready_two_of_two(cluster):
    make_pod(cluster, "two", containers=[{"name": "nginx-container", "image": "nginx:1.12"},
                                         {"name": "redis-container", "image": "redis:5.0.5"}])
    cluster.advance(30)
    assert [c["ready"] for c in pod(cluster, "two")["status"]["containerStatuses"]] == [True, True]
    assert re.search(r"^two\s+2/2\s+Running\s", run(cluster, "kubectl get pods").output, re.M)


# -- images that do not exist ----------------------------------------------------------------------
def test_missing_tag_err_image_pull_then_image_pull_back_off_with_growing_intervals(cluster):
    make_pod(cluster, "boot", "jocatalin/kubernetes-bootcamp:v10")
    timeline = watch(cluster, "boot", 200)
    states = [s for _, s in timeline]
    assert states[:4] == ["ContainerCreating", "ErrImagePull", "ImagePullBackOff", "ErrImagePull"]
    assert set(states[1:]) == {"ErrImagePull", "ImagePullBackOff"}
    failures = [t for t, s in timeline if s == "ErrImagePull"]
    gaps = [b - a for a, b in zip(failures, failures[1:], strict=False)]
    assert len(gaps) >= 3
    for gap, backoff in zip(gaps, (10, 20, 40, 80), strict=False):
        assert backoff <= gap < backoff + 3, gaps
    cs = cstatus(cluster, "boot")
    failed = [e["message"] for e in events(cluster, "boot", "Failed")]
    expected = ('Failed to pull image "jocatalin/kubernetes-bootcamp:v10": rpc error: code = NotFound desc = failed to '
                'pull and unpack image "docker.io/jocatalin/kubernetes-bootcamp:v10": failed to resolve reference '
                '"docker.io/jocatalin/kubernetes-bootcamp:v10": docker.io/jocatalin/kubernetes-bootcamp:v10: not found')
    assert expected in failed and "Error: ErrImagePull" in failed and "Error: ImagePullBackOff" in failed
    backoff = events(cluster, "boot", "BackOff")[0]
    assert backoff["message"] == 'Back-off pulling image "jocatalin/kubernetes-bootcamp:v10"' and backoff["count"] >= 3
    # at 200 s the fifth pull failed (~154 s) and the next is 160 s away: the container waits in back-off
    assert states[-1] == "ImagePullBackOff"
    assert cs["state"] == {"waiting": {"reason": "ImagePullBackOff", "message": (
        'Back-off pulling image "jocatalin/kubernetes-bootcamp:v10": ErrImagePull: ' + expected[len(
            'Failed to pull image "jocatalin/kubernetes-bootcamp:v10": '):])}}
    assert pod(cluster, "boot")["status"]["phase"] == "Pending" and cs["restartCount"] == 0


def test_image_pull_back_off_is_capped_at_five_minutes(cluster):
    make_pod(cluster, "nope", "nginx:0.0.404")
    cluster.advance(1200)
    pulls = events(cluster, "nope", "Pulling")[0]
    # 10+20+40+80+160 = 310 s, then every 300 s: 1 + 5 + 3 attempts in 20 minutes
    assert 8 <= pulls["count"] <= 10, pulls["count"]


# -- processes that end ----------------------------------------------------------------------------
def test_busybox_without_command_completes_then_crash_loops(cluster):
    make_pod(cluster, "bb", "busybox")
    t0, states, restarts = cluster.clock.now(), [], []
    while cluster.clock.now() < t0 + 150:
        s, n = kubectl_status(cluster, "bb"), cstatus(cluster, "bb")["restartCount"]
        if not states or states[-1] != s:
            states.append(s)
        if not restarts or restarts[-1][1] != n:
            restarts.append((cluster.clock.now() - t0, n))
        cluster.advance(0.25)
    assert states[0] == "ContainerCreating"
    assert "Completed" in states and "CrashLoopBackOff" in states
    assert states.index("Completed") < states.index("CrashLoopBackOff")
    assert set(states) == {"ContainerCreating", "Completed", "CrashLoopBackOff"}, states
    assert [n for _, n in restarts] == [0, 1, 2, 3, 4]
    gaps = [b[0] - a[0] for a, b in zip(restarts[1:], restarts[2:], strict=False)]
    for gap, backoff in zip(gaps, (10, 20, 40), strict=True):
        assert backoff <= gap < backoff + 5, gaps  # first restart at once, then the back-off doubles
    cs = cstatus(cluster, "bb")
    assert cs["lastState"]["terminated"]["exitCode"] == 0
    assert cs["lastState"]["terminated"]["reason"] == "Completed"
    assert pod(cluster, "bb")["status"]["phase"] == "Running"  # restartPolicy Always never "succeeds"
    assert re.fullmatch(r"back-off 1m20s restarting failed container=bb pod=bb_default\([0-9a-f-]+\)",
                        cs["state"]["waiting"]["message"])
    backoff = events(cluster, "bb", "BackOff")[0]
    assert backoff["type"] == "Warning"
    assert backoff["message"].startswith("Back-off restarting failed container bb in pod bb_default(")


def test_restart_policy_never_ends_succeeded_or_failed(cluster):
    make_pod(cluster, "ok", "busybox", restartPolicy="Never",
             containers=[{"name": "ok", "image": "busybox", "command": ["sh", "-c", "sleep 5; exit 0"]}])
    make_pod(cluster, "bad", "busybox", restartPolicy="Never",
             containers=[{"name": "bad", "image": "busybox", "command": ["sh", "-c", "echo hi; exit 3"]}])
    cluster.advance(5)
    assert pod(cluster, "ok")["status"]["phase"] == "Running"
    cluster.advance(20)
    assert pod(cluster, "ok")["status"]["phase"] == "Succeeded"
    assert kubectl_status(cluster, "ok") == "Completed"
    assert pod(cluster, "bad")["status"]["phase"] == "Failed"
    assert cstatus(cluster, "bad")["state"]["terminated"]["exitCode"] == 3
    assert kubectl_status(cluster, "bad") == "Error"
    cluster.advance(120)
    assert cstatus(cluster, "bad")["restartCount"] == 0
    ready_cond = next(x for x in pod(cluster, "ok")["status"]["conditions"] if x["type"] == "Ready")
    assert ready_cond["reason"] == "PodCompleted"


def test_on_failure_restarts_only_failures(cluster):
    make_pod(cluster, "job", restartPolicy="OnFailure",
             containers=[{"name": "job", "image": "centos:7", "command": ["sleep"], "args": ["30"]}])
    make_pod(cluster, "flaky", restartPolicy="OnFailure",
             containers=[{"name": "flaky", "image": "busybox:1.36", "command": ["sh", "-c", "sleep 2; false"]}])
    cluster.advance(60)
    assert pod(cluster, "job")["status"]["phase"] == "Succeeded"
    assert pod(cluster, "flaky")["status"]["phase"] == "Running"
    assert cstatus(cluster, "flaky")["restartCount"] >= 2


def test_sleep_3600_runs_for_an_hour_then_restarts(cluster):
    make_pod(cluster, "test1", "busybox:latest",
             containers=[{"name": "busybox", "image": "busybox:latest", "command": ["sh", "-c", "sleep 3600; exit 0"]}])
    cluster.advance(3590)
    assert state_of(cluster, "test1") == "Running" and cstatus(cluster, "test1")["restartCount"] == 0
    cluster.advance(30)
    cs = cstatus(cluster, "test1")
    assert cs["restartCount"] == 1 and cs["lastState"]["terminated"]["reason"] == "Completed"


def test_mysql_without_a_password_crash_loops_and_with_one_runs(cluster):
    make_pod(cluster, "nopw", containers=[{"name": "mysql", "image": "mysql:8.0"}])
    make_pod(cluster, "pw", containers=[{"name": "mysql", "image": "mysql:8.0",
                                          "env": [{"name": "MYSQL_RANDOM_ROOT_PASSWORD", "value": "yes"}]}])
    cluster.advance(90)
    assert cstatus(cluster, "nopw")["lastState"]["terminated"]["exitCode"] == 1
    assert ready(cluster, "pw") and cstatus(cluster, "pw")["restartCount"] == 0


# -- killing, probes -------------------------------------------------------------------------------
def test_kill_container_restarts_it_and_counts_a_restart(cluster):
    make_pod(cluster, "web")
    cluster.advance(20)
    cluster.controller("kubelet").kill_container("default", "web", "web")
    cs = cstatus(cluster, "web")
    assert cs["state"]["terminated"]["exitCode"] == 137 and cs["state"]["terminated"]["reason"] == "Error"
    assert not ready(cluster, "web")
    cluster.advance(5)
    cs = cstatus(cluster, "web")
    assert cs["restartCount"] == 1 and "running" in cs["state"] and ready(cluster, "web")
    assert cs["lastState"]["terminated"]["exitCode"] == 137
    assert re.search(r"^web\s+1/1\s+Running\s+1 \(\d+s ago\)", run(cluster, "kubectl get pods").output, re.M)
    with pytest.raises(KeyError):
        cluster.controller("kubelet").kill_container("default", "web", "nope")


def test_kuard_liveness_probe_passes_by_default(cluster):
    probe = {"httpGet": {"path": "/healthy", "port": 8080}, "initialDelaySeconds": 5, "timeoutSeconds": 1,
             "periodSeconds": 10, "failureThreshold": 3}
    make_pod(cluster, "kuard", containers=[{"name": "kuard", "image": "gcr.io/kuar-demo/kuard-amd64:1",
                                            "livenessProbe": probe,
                                            "ports": [{"containerPort": 8080, "name": "http", "protocol": "TCP"}]}])
    cluster.advance(300)
    assert ready(cluster, "kuard") and cstatus(cluster, "kuard")["restartCount"] == 0
    assert not events(cluster, "kuard", "Unhealthy")
    # the user makes the app unhealthy (kuard's UI): three failures later it is restarted
    cluster.controller("kubelet").set_healthy("default", "kuard", "kuard", False)
    cluster.advance(40)
    unhealthy = events(cluster, "kuard", "Unhealthy")[0]
    assert unhealthy["message"] == "Liveness probe failed: HTTP probe failed with statuscode: 500"
    assert unhealthy["count"] == 3
    assert events(cluster, "kuard", "Killing")[0]["message"] == "Container kuard failed liveness probe, will be restarted"
    assert cstatus(cluster, "kuard")["restartCount"] == 1


def test_liveness_probe_on_a_missing_path_restarts_the_container(cluster):
    make_pod(cluster, "web", containers=[{"name": "web", "image": "nginx:1.17", "livenessProbe": {
        "httpGet": {"path": "/healthz", "port": 80}, "periodSeconds": 5, "failureThreshold": 3}}])
    cluster.advance(30)
    cs = cstatus(cluster, "web")
    assert cs["restartCount"] == 1
    assert cs["lastState"]["terminated"]["reason"] == "Completed"  # nginx exits 0 on SIGTERM
    msgs = {e["message"] for e in events(cluster, "web", "Unhealthy")}
    assert msgs == {"Liveness probe failed: HTTP probe failed with statuscode: 404"}


def test_readiness_probe_delays_ready_and_a_wrong_port_never_gets_ready(cluster):
    make_pod(cluster, "slow", containers=[{"name": "slow", "image": "nginx:1.17", "readinessProbe": {
        "tcpSocket": {"port": 80}, "initialDelaySeconds": 20, "periodSeconds": 5}}])
    make_pod(cluster, "wrong", node="node2", containers=[{"name": "wrong", "image": "nginx:1.17", "readinessProbe": {
        "httpGet": {"path": "/", "port": 8080}, "periodSeconds": 5}}])
    cluster.advance(15)
    assert state_of(cluster, "slow") == "Running" and not ready(cluster, "slow")
    assert re.search(r"^slow\s+0/1\s+Running\s", run(cluster, "kubectl get pods").output, re.M)
    cluster.advance(15)
    assert ready(cluster, "slow")
    assert not ready(cluster, "wrong") and cstatus(cluster, "wrong")["restartCount"] == 0
    msg = events(cluster, "wrong", "Unhealthy")[0]["message"]
    ip = pod(cluster, "wrong")["status"]["podIP"]
    assert msg == f'Readiness probe failed: Get "http://{ip}:8080/": dial tcp {ip}:8080: connect: connection refused'


# -- deletion ---------------------------------------------------------------------------------------
def test_deleted_nginx_pod_is_gone_in_a_couple_of_seconds(cluster):
    make_pod(cluster, "web")
    cluster.advance(20)
    cluster.api.delete("Pod", "default", "web")
    cluster.settle()
    assert kubectl_status(cluster, "web") == "Terminating"
    assert events(cluster, "web", "Killing")[0]["message"] == "Stopping container web"
    cluster.advance(2)
    assert cluster.store.peek("Pod", "default", "web") is None


def test_deleted_bootcamp_pod_waits_for_the_grace_period(cluster):
    make_pod(cluster, "boot", containers=[{"name": "boot", "image": "jocatalin/kubernetes-bootcamp:v1"}])
    cluster.advance(20)
    assert ready(cluster, "boot")
    cluster.api.delete("Pod", "default", "boot")
    cluster.advance(29)
    assert kubectl_status(cluster, "boot") == "Terminating"
    cluster.advance(2)
    assert cluster.store.peek("Pod", "default", "boot") is None


def test_pod_deleted_before_it_started_and_unscheduled_pod_go_at_once(cluster):
    make_pod(cluster, "pending", node=None)
    cluster.api.delete("Pod", "default", "pending")
    cluster.settle()
    assert cluster.store.peek("Pod", "default", "pending") is None
    make_pod(cluster, "young", "wordpress:6")
    cluster.advance(1)
    cluster.api.delete("Pod", "default", "young")
    cluster.advance(1)
    assert cluster.store.peek("Pod", "default", "young") is None


def test_completed_pod_on_a_halted_machine_is_deleted_at_once(cluster):
    # the apiserver deletes terminated pods without a grace period: nothing is left to stop, so a
    # Completed pod never shows Terminating, even when its node's kubelet is gone
    make_pod(cluster, "job", "busybox:1.36", restartPolicy="Never",
             containers=[{"name": "job", "image": "busybox:1.36", "command": ["true"]}])
    cluster.advance(30)
    assert kubectl_status(cluster, "job") == "Completed"
    cluster.fail_node("node1")
    cluster.api.delete("Pod", "default", "job")
    assert cluster.store.peek("Pod", "default", "job") is None


def test_pod_ips_are_unique_within_the_node_cidr_and_not_reused_while_in_use(cluster):
    for i in range(6):
        make_pod(cluster, f"p{i}", node="node1" if i % 2 == 0 else "node2")
    cluster.advance(30)
    ips = {p["metadata"]["name"]: p["status"]["podIP"] for p in cluster.store.scan("Pod")}
    assert len(set(ips.values())) == 6
    for name, ip in ips.items():
        node = pod(cluster, name)["spec"]["nodeName"]
        net = "10.244.1.0/24" if node == "node1" else "10.244.2.0/24"
        assert ipaddress.ip_address(ip) in ipaddress.ip_network(net)
        assert not ip.endswith((".0", ".1", ".255"))
    cluster.api.delete("Pod", "default", "p0")
    cluster.advance(5)
    make_pod(cluster, "p6")
    cluster.advance(10)
    assert pod(cluster, "p6")["status"]["podIP"] not in ips.values()


# -- machines -------------------------------------------------------------------------------------
def test_heartbeats_renew_the_lease_every_ten_seconds_and_keep_the_node_ready(cluster):
    lease = cluster.store.get("Lease", "kube-node-lease", "node1")
    assert lease["spec"]["holderIdentity"] == "node1" and lease["spec"]["leaseDurationSeconds"] == 40
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z", lease["spec"]["renewTime"])
    ready_cond = next(x for x in cluster.store.get("Node", "", "node1")["status"]["conditions"] if x["type"] == "Ready")
    assert (ready_cond["status"], ready_cond["reason"], ready_cond["message"]) == (
        "True", "KubeletReady", "kubelet is posting ready status")
    renewals = []
    for _ in range(6):
        cluster.advance(5)
        renewals.append(cluster.store.peek("Lease", "kube-node-lease", "node1")["spec"]["renewTime"])
    assert renewals[1::2] == [f"2025-03-03T13:00:{t}0.000000Z" for t in (1, 2, 3)]  # every 10 s
    node_rv = cluster.store.peek("Node", "", "node1")["metadata"]["resourceVersion"]
    cluster.advance(60)
    assert cluster.store.peek("Node", "", "node1")["metadata"]["resourceVersion"] == node_rv  # no needless writes


def test_halted_machine_changes_nothing_then_recovery_restarts_and_removes_deleted_pods(cluster):
    make_pod(cluster, "keep")
    make_pod(cluster, "gone", node="node1")
    make_pod(cluster, "other", node="node2")
    cluster.advance(30)
    before = pod(cluster, "keep")
    lease = cluster.store.get("Lease", "kube-node-lease", "node1")
    before_fail = cluster.clock.iso()
    cluster.fail_node("node1")
    cluster.api.delete("Pod", "default", "gone")
    cluster.controller("kubelet").reconcile(("Pod", "default", "keep"))
    cluster.advance(120)
    after = pod(cluster, "keep")
    # (the node lifecycle controller may mark it not Ready; the kubelet itself writes nothing)
    for field in ("containerStatuses", "podIP", "phase"):
        assert after["status"][field] == before["status"][field]
    assert not [e for e in cluster.store.scan("Event", "default")
                if e["source"].get("host") == "node1" and e["lastTimestamp"] > before_fail]
    assert cluster.store.get("Lease", "kube-node-lease", "node1") == lease
    assert kubectl_status(cluster, "gone") == "Terminating"
    assert cluster.store.get("Lease", "kube-node-lease", "node2")["spec"]["renewTime"] != lease["spec"]["renewTime"]

    cluster.recover_node("node1")
    assert cluster.store.peek("Pod", "default", "gone") is None
    assert cluster.store.get("Lease", "kube-node-lease", "node1")["spec"]["renewTime"] != lease["spec"]["renewTime"]
    cluster.advance(10)
    cs = cstatus(cluster, "keep")
    assert cs["restartCount"] == 1 and ready(cluster, "keep")
    assert cs["lastState"]["terminated"]["exitCode"] == 255
    assert [e["reason"] for e in events(cluster, "keep", "SandboxChanged")] == ["SandboxChanged"]
    assert cstatus(cluster, "other")["restartCount"] == 0


def test_machine_halted_directly_is_noticed_and_treated_as_a_reboot():
    c = make_cluster()
    make_pod(c, "keep")
    c.advance(30)
    c.machines["node1"].up = False
    c.advance(30)
    c.machines["node1"].up = True
    c.controller("kubelet").machine_started("node1")
    c.advance(10)
    assert cstatus(c, "keep")["restartCount"] == 1 and ready(c, "keep")


def test_same_seed_and_operations_give_the_same_state():
    def scenario() -> dict:
        c = make_cluster(seed=5)
        make_pod(c, "web")
        make_pod(c, "bb", "busybox", node="node2")
        make_pod(c, "bad", "nginx:nope")
        c.advance(100)
        c.api.delete("Pod", "default", "web")
        c.advance(30)
        return c.store.dump()

    assert scenario() == scenario()


def test_steady_state_costs_only_heartbeats():
    c = make_cluster()
    for i in range(40):
        make_pod(c, f"p{i}", node="node1" if i % 2 else "node2")
    c.advance(60)
    rv = c.store.rv
    pending = c.clock.pending()
    c.advance(100)
    # two nodes × (lease renewal) × 10 heartbeats, nothing from the 40 running pods
    assert c.store.rv - rv == 20
    assert c.clock.pending() <= pending
