"""Container processes on the virtual clock: what a container's command writes and when, how it
ends (its exit status, the stop signal, the OOM killer, a binary the image does not have), and the
exec probes run inside it — as ``kubectl logs``/``get``/``describe`` show them."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.runtime import Driver
from server.sim.sh import Sleep
from tests.sim.test_kubelet import cstatus, events, make_cluster, make_pod, pod


@pytest.fixture
def cluster():
    return make_cluster()


def kubectl(c, line: str) -> str:
    return run(c, line).output


def busybox(c, name: str, script: str, **spec) -> None:
    make_pod(c, name, containers=[{"name": name, "image": "busybox:1.36", "command": ["sh", "-c", script],
                                   **spec.pop("container", {})}], **spec)


def test_echo_and_date_are_in_the_log_at_the_time_they_ran(cluster):
    busybox(cluster, "hello", "echo hello; sleep 5; echo world >&2; date +%s", restartPolicy="Never")
    cluster.advance(2)
    started = cluster.runtime.get(pod(cluster, "hello")["metadata"]["uid"], "hello").started_at
    assert kubectl(cluster, "logs hello") == "hello\n"  # the rest is still to come
    cluster.advance(10)
    assert kubectl(cluster, "logs hello") == f"hello\nworld\n{int(started + 5)}\n"
    inst = cluster.runtime.get(pod(cluster, "hello")["metadata"]["uid"], "hello")
    assert inst.times[1] - inst.times[0] == pytest.approx(5.0, abs=1e-3)
    assert cstatus(cluster, "hello")["state"]["terminated"]["reason"] == "Completed"
    assert pod(cluster, "hello")["status"]["phase"] == "Succeeded"


def test_exit_status_of_the_script_is_the_containers(cluster):
    busybox(cluster, "fails", "echo about to fail; exit 3", restartPolicy="Never")
    cluster.advance(10)
    term = cstatus(cluster, "fails")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (3, "Error")
    assert kubectl(cluster, "get pod fails").split("\n")[1].split()[2] == "Error"
    assert kubectl(cluster, "logs fails") == "about to fail\n"


def test_a_busy_loop_of_short_sleeps_costs_few_clock_events(cluster):
    busybox(cluster, "loop", "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.01; done")
    cluster.advance(5)
    fired = []
    clock = cluster.clock
    original = clock.call_at

    def counting(when, fn):
        fired.append(when)
        return original(when, fn)

    clock.call_at = counting
    try:
        cluster.advance(10)
    finally:
        clock.call_at = original
    logged = kubectl(cluster, "logs loop").splitlines()
    assert len(logged) > 900  # about a hundred lines a second
    assert len(fired) < 60  # the loop runs ahead a second at a time, not one event per iteration
    inst = cluster.runtime.get(pod(cluster, "loop")["metadata"]["uid"], "loop")
    gaps = [b - a for a, b in zip(inst.times[-100:], inst.times[-99:], strict=False)]
    assert all(0.0099 < g < 0.0102 for g in gaps)  # each line stamped with its own time
    assert max(inst.times) > cluster.clock.now()  # written ahead of the clock ...
    shown = kubectl(cluster, "logs loop").splitlines()
    assert len(shown) < len(inst.logs)  # ... but not shown before the clock gets there


def test_driver_runs_ahead_by_a_quantum_and_ends_at_the_exact_time(cluster):
    ended = []

    def program():
        for _ in range(250):
            yield Sleep(0.01)
        yield Sleep(7)
        return 4

    clock = cluster.clock
    t0 = clock.now()
    d = Driver(clock, program(), lambda code, t: ended.append((code, t, clock.now())))
    d.start()
    assert not ended
    clock.advance(20)
    code, t, at = ended[0]
    assert code == 4 and t == pytest.approx(t0 + 2.5 + 7, abs=1e-6) and at == pytest.approx(t)


def test_a_shell_as_pid_1_ignores_sigterm_unless_it_traps_it(cluster):
    busybox(cluster, "plain", "sleep 3600")
    busybox(cluster, "trapped", "trap 'echo bye; exit 0' TERM; while true; do sleep 1; done")
    cluster.advance(10)
    run(cluster, "delete pod plain trapped --wait=false")
    cluster.advance(5)
    assert cluster.store.peek("Pod", "default", "trapped") is None  # its TERM trap exits at once
    assert cluster.store.peek("Pod", "default", "plain") is not None  # waits for its 30 s grace period
    cluster.advance(30)
    assert cluster.store.peek("Pod", "default", "plain") is None


def test_nginx_stops_gracefully_and_writes_it_to_the_previous_log(cluster):
    make_pod(cluster, "web", image="nginx:1.27.4")
    cluster.advance(15)
    log = kubectl(cluster, "logs web")
    assert log.startswith("/docker-entrypoint.sh: /docker-entrypoint.d/ is not empty, will attempt to perform "
                          "configuration\n")
    assert "[notice] 1#1: nginx/1.27.4\n" in log and "[notice] 1#1: start worker processes\n" in log
    p = pod(cluster, "web")
    p["spec"]["containers"][0]["image"] = "nginx:1.27.3"
    cluster.store.update(p)
    cluster.advance(20)
    previous = kubectl(cluster, "logs web --previous")
    assert "[notice] 1#1: signal 3 (SIGQUIT) received, shutting down\n" in previous
    assert previous.endswith("[notice] 1#1: exit\n")
    assert cstatus(cluster, "web")["lastState"]["terminated"]["exitCode"] == 0


def test_old_nginx_writes_nothing_at_start(cluster):
    make_pod(cluster, "old", image="nginx:1.17")
    cluster.advance(15)
    assert kubectl(cluster, "logs old") == ""


def test_a_command_the_image_does_not_have_is_a_start_error(cluster):
    make_pod(cluster, "typo", containers=[{"name": "typo", "image": "busybox:1.36", "command": ["slep", "10"]}])
    cluster.advance(3)
    term = cstatus(cluster, "typo")["lastState"].get("terminated") or cstatus(cluster, "typo")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (128, "StartError")
    assert 'exec: "slep": executable file not found in $PATH: unknown' in term["message"]
    failed = [e["message"] for e in events(cluster, "typo", "Failed")]
    assert any(m.startswith("Error: failed to create containerd task: ") for m in failed)
    cluster.advance(30)
    assert "CrashLoopBackOff" in kubectl(cluster, "get pod typo")


def test_stress_past_its_limit_is_oom_killed(cluster):
    make_pod(cluster, "hog", containers=[{
        "name": "hog", "image": "polinux/stress", "command": ["stress"],
        "args": ["--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1"],
        "resources": {"limits": {"memory": "100Mi"}}}], restartPolicy="Never")
    cluster.advance(15)
    term = cstatus(cluster, "hog")["state"]["terminated"]
    assert (term["exitCode"], term["reason"]) == (137, "OOMKilled")
    assert kubectl(cluster, "get pod hog").split("\n")[1].split()[2] == "OOMKilled"


def test_stress_under_its_limit_runs_and_reports_its_usage(cluster):
    make_pod(cluster, "fits", containers=[{
        "name": "fits", "image": "polinux/stress", "command": ["stress"],
        "args": ["--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1", "--cpu", "1"],
        "resources": {"limits": {"memory": "200Mi"}}}])
    cluster.advance(15)
    assert cstatus(cluster, "fits")["state"].get("running")
    uid = pod(cluster, "fits")["metadata"]["uid"]
    assert cluster.runtime.usage(uid, "fits") == (1.0, 150 * 1024 * 1024)
    assert kubectl(cluster, "logs fits") == "stress: info: [1] dispatching hogs: 1 cpu, 0 io, 1 vm, 0 hdd\n"


def test_exec_probe_times_out(cluster):
    busybox(cluster, "slowprobe", "sleep 3600", container={"livenessProbe": {
        "exec": {"command": ["sh", "-c", "sleep 5"]}, "timeoutSeconds": 1, "periodSeconds": 5}})
    cluster.advance(20)
    assert any(e["message"].startswith("Liveness probe failed") for e in events(cluster, "slowprobe", "Unhealthy"))


def test_exec_probe_sees_the_containers_files(cluster):
    busybox(cluster, "filecheck", "echo ok > /tmp/ready; sleep 3600", container={"readinessProbe": {
        "exec": {"command": ["cat", "/tmp/ready"]}, "periodSeconds": 2}})
    cluster.advance(10)
    assert cstatus(cluster, "filecheck")["ready"] is True
    assert not events(cluster, "filecheck", "Unhealthy")


def test_postgres_without_a_password_says_why(cluster):
    make_pod(cluster, "db", image="postgres:16")
    cluster.advance(30)
    log = kubectl(cluster, "logs db")
    assert log.startswith("Error: Database is uninitialized and superuser password is not specified.\n")
    assert cstatus(cluster, "db")["restartCount"] >= 1


def test_python_buffers_its_stdout_unless_told_not_to(cluster):
    for name, env in (("buffered", []), ("unbuffered", [{"name": "PYTHONUNBUFFERED", "value": "1"}])):
        make_pod(cluster, name, containers=[{"name": name, "image": "python:3.12", "env": env,
                                             "command": ["python3", "-m", "http.server", "8000"]}])
    cluster.advance(30)
    assert kubectl(cluster, "logs buffered") == ""
    assert kubectl(cluster, "logs unbuffered") == "Serving HTTP on 0.0.0.0 port 8000 (http://0.0.0.0:8000/) ...\n"


def test_termination_messages(cluster):
    busybox(cluster, "file", "echo 'all done' > /dev/termination-log; exit 0", restartPolicy="Never")
    busybox(cluster, "fallback", "echo first; echo 'it broke'; exit 2", restartPolicy="Never",
            container={"terminationMessagePolicy": "FallbackToLogsOnError"})
    cluster.advance(15)
    assert cstatus(cluster, "file")["state"]["terminated"]["message"] == "all done\n"
    assert cstatus(cluster, "fallback")["state"]["terminated"]["message"] == "first\nit broke\n"
    assert "      Message:  first\nit broke\n" in kubectl(cluster, "describe pod fallback")


def test_a_missing_configmap_volume_keeps_the_pod_creating_until_it_exists(cluster):
    make_pod(cluster, "cfg", containers=[{
        "name": "c", "image": "busybox:1.36", "command": ["sh", "-c", "cat /etc/config/a; echo; sleep 3600"],
        "volumeMounts": [{"name": "v", "mountPath": "/etc/config"}]}],
        volumes=[{"name": "v", "configMap": {"name": "special"}}])
    cluster.advance(30)
    assert "ContainerCreating" in kubectl(cluster, "get pod cfg")
    assert "podIP" not in pod(cluster, "cfg")["status"]  # no sandbox while a volume cannot be mounted
    failed = events(cluster, "cfg", "FailedMount")
    assert failed and failed[0]["message"] == 'MountVolume.SetUp failed for volume "v" : configmap "special" not found'
    assert failed[0]["count"] >= 5  # retried with a doubling back-off
    run(cluster, "create configmap special --from-literal=a=hello")
    cluster.advance(130)  # the next retry comes at most 2m2s later
    assert "Running" in kubectl(cluster, "get pod cfg")
    assert kubectl(cluster, "logs cfg") == "hello\n"


def test_a_slow_app_fails_its_http_probe_with_the_probers_timeout(cluster):
    make_pod(cluster, "slow", containers=[{"name": "web", "image": "nginx:1.27.4", "livenessProbe": {
        "httpGet": {"path": "/", "port": 80}, "periodSeconds": 5, "timeoutSeconds": 1}}])
    cluster.advance(15)
    assert not events(cluster, "slow", "Unhealthy")
    cluster.controller("kubelet").set_slow("default", "slow", "web", 3)
    cluster.advance(16)
    ip = pod(cluster, "slow")["status"]["podIP"]
    msgs = [e["message"] for e in events(cluster, "slow", "Unhealthy")]
    assert msgs == [f'Liveness probe failed: Get "http://{ip}:80/": context deadline exceeded (Client.Timeout '
                    "exceeded while awaiting headers)"]
    assert events(cluster, "slow", "Killing")


def test_processes_replay_identically():
    def logs_after(seconds: float) -> list[tuple[float, str]]:
        c = make_cluster(seed=3)
        busybox(c, "loop", "while true; do date +%s; echo $RANDOM; sleep 0.37; done")
        make_pod(c, "web", image="nginx:1.27.4", node="node2")
        c.advance(seconds)
        out = []
        for name in ("loop", "web"):
            inst = c.runtime.get(pod(c, name)["metadata"]["uid"], name)
            out += list(zip(inst.times, inst.logs, strict=True))
        return out

    first = logs_after(20)
    assert len(first) > 60 and first == logs_after(20)


def test_the_ports_a_process_listens_on(cluster):
    make_pod(cluster, "py", containers=[{"name": "py", "image": "python:3.12",
                                         "command": ["python3", "-m", "http.server", "9000"]}])
    make_pod(cluster, "net", containers=[{"name": "agnhost", "image": "registry.k8s.io/e2e-test-images/agnhost:2.40",
                                          "args": ["netexec", "--http-port=8081"]}])
    make_pod(cluster, "sleeper", containers=[{"name": "s", "image": "busybox:1.36", "command": ["sleep", "3600"]}])
    cluster.advance(30)
    rt = cluster.runtime
    assert rt.listening(pod(cluster, "py")["metadata"]["uid"], "py") == (9000,)
    assert rt.listening(pod(cluster, "net")["metadata"]["uid"], "agnhost") == (8081,)
    assert rt.listening(pod(cluster, "sleeper")["metadata"]["uid"], "s") == ()


def test_following_a_chatty_container_goes_on_past_the_log_cap(cluster):
    from server.sim import logs
    from server.sim.runtime import MAX_LOG_LINES

    busybox(cluster, "chatty", "i=0; while true; do echo line $i; i=$((i+1)); sleep 0.001; done")
    cluster.advance(3)
    p = pod(cluster, "chatty")
    first = logs.entries(cluster, p, "chatty")
    follow = logs.Follow(cluster, p, "chatty", sent=len(first))
    got = [line for _t, line in first]
    for _ in range(12):
        cluster.advance(1)
        new, ended = follow.poll()
        assert not ended
        got += [line for _t, line in new]
    assert len(got) > MAX_LOG_LINES * 2  # far more than the runtime keeps
    assert got == [f"line {i}" for i in range(len(got))]  # none lost, none twice


def test_output_without_a_newline_is_a_partial_line(cluster):
    busybox(cluster, "noeol", "printf hello; printf ' world'", restartPolicy="Never")
    busybox(cluster, "okok", "while true; do printf 'OK!'; sleep 0.001; done")
    cluster.advance(20)
    assert kubectl(cluster, "logs noeol") == "hello world"  # containerd writes the rest at EOF, unterminated
    got = kubectl(cluster, "logs okok")
    assert "\n" not in got and len(got) % (16 * 1024) == 0 and got.startswith("OK!OK!OK!")  # 16 KiB pieces
