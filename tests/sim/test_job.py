"""Job controller: pods run to completion, failures count against backoffLimit, as a user sees it
through kubectl and the store (k8s-behavior §8.1)."""

from __future__ import annotations

from server.sim.clock import parse_time
from server.sim.cluster import Cluster


def job_yaml(name: str, command: str, extra: str = "", restart: str = "Never") -> str:
    return f"""apiVersion: batch/v1
kind: Job
metadata: {{name: {name}}}
spec:
{extra}  template:
    spec:
      restartPolicy: {restart}
      containers: [{{name: c, image: busybox, command: ["sh", "-c", "{command}"]}}]
"""


def job_pods(cluster: Cluster, name: str) -> list[dict]:
    return [p for p in cluster.store.list("Pod", "default")
            if (p["metadata"].get("labels") or {}).get("batch.kubernetes.io/job-name") == name]


def test_the_sample_job_runs_its_pod_to_completion_and_prints_1_of_1(cluster, kubectl) -> None:
    assert kubectl("apply -f seeds/job-sample.yml") == "job.batch/sample-job created\n"
    cluster.advance(1)
    (pod,) = job_pods(cluster, "sample-job")
    job = cluster.store.get("Job", "default", "sample-job")
    assert pod["metadata"]["name"].startswith("sample-job-") and len(pod["metadata"]["name"]) == 16
    ref = pod["metadata"]["ownerReferences"][0]
    assert (ref["kind"], ref["uid"], ref["controller"]) == ("Job", job["metadata"]["uid"], True)
    assert job["status"]["active"] == 1 and job["status"]["startTime"]
    lines = kubectl("get jobs").splitlines()
    assert lines[0].split() == ["NAME", "STATUS", "COMPLETIONS", "DURATION", "AGE"]
    assert lines[1].split()[:3] == ["sample-job", "Running", "0/1"]
    cluster.advance(90)  # sleep 60 after the image pull
    job = cluster.store.get("Job", "default", "sample-job")
    types = [c["type"] for c in job["status"]["conditions"]]
    assert types == ["SuccessCriteriaMet", "Complete"]
    assert job["status"]["succeeded"] == 1 and "active" not in job["status"]
    assert job["status"]["completionTime"]
    row = kubectl("get jobs").splitlines()[1].split()
    assert row[:3] == ["sample-job", "Complete", "1/1"]
    assert row[3].endswith("s") and 60 <= int(row[3][:-1]) < 90  # DURATION stops at completion
    assert kubectl("get pods").count("Completed") == 1
    events = kubectl("get events --field-selector involvedObject.kind=Job")
    assert "Created pod: " + job_pods(cluster, "sample-job")[0]["metadata"]["name"] in events
    assert "Completed" in events and "Job completed" in events
    # the finished pod was counted once: its tracking finalizer is gone
    assert not job_pods(cluster, "sample-job")[0]["metadata"].get("finalizers")


def test_parallelism_caps_active_pods_and_completions_are_counted(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("par", "sleep 20", "  completions: 5\n  parallelism: 2\n"))
    cluster.advance(1)
    assert len(job_pods(cluster, "par")) == 2
    max_active = 0
    for _ in range(200):
        cluster.advance(1)
        active = [p for p in job_pods(cluster, "par") if p["status"]["phase"] in ("Pending", "Running")]
        max_active = max(max_active, len(active))
        if kubectl("get job par").splitlines()[1].split()[1] == "Complete":
            break
    assert max_active == 2
    assert kubectl("get job par").splitlines()[1].split()[2] == "5/5"
    pods = job_pods(cluster, "par")
    assert len(pods) == 5 and all(p["status"]["phase"] == "Succeeded" for p in pods)


def test_failing_pods_exhaust_the_backoff_limit_with_growing_delays(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("fail", "exit 1", "  backoffLimit: 2\n"))
    cluster.advance(300)
    pods = sorted(job_pods(cluster, "fail"), key=lambda p: p["metadata"]["creationTimestamp"])
    assert len(pods) == 3  # backoffLimit + 1 failures end the Job
    assert all(p["status"]["phase"] == "Failed" for p in pods)
    created = [parse_time(p["metadata"]["creationTimestamp"]) for p in pods]
    gaps = [b - a for a, b in zip(created, created[1:], strict=False)]
    assert 10 <= gaps[0] < 20 and 20 <= gaps[1] < 30  # 10s, then 20s back-off after each failure
    job = cluster.store.get("Job", "default", "fail")
    assert job["status"]["failed"] == 3
    failed = [c for c in job["status"]["conditions"] if c["type"] in ("FailureTarget", "Failed")]
    assert [(c["type"], c["reason"], c["message"]) for c in failed] == [
        ("FailureTarget", "BackoffLimitExceeded", "Job has reached the specified backoff limit"),
        ("Failed", "BackoffLimitExceeded", "Job has reached the specified backoff limit")]
    assert kubectl("get job fail").splitlines()[1].split()[1:3] == ["Failed", "0/1"]
    assert "Job has reached the specified backoff limit" in kubectl("get events")


def test_on_failure_restarts_count_against_the_backoff_limit(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("crash", "exit 1", "  backoffLimit: 2\n", restart="OnFailure"))
    cluster.advance(300)
    job = cluster.store.get("Job", "default", "crash")
    assert [c["type"] for c in job["status"]["conditions"]] == ["FailureTarget", "Failed"]
    # the failed Job's pod is deleted (and, its container stopped, gone) once the Job has failed
    assert job_pods(cluster, "crash") == []


def test_active_deadline_fails_a_job_that_runs_too_long(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("slow", "sleep 600", "  activeDeadlineSeconds: 30\n"))
    cluster.advance(29)
    assert kubectl("get job slow").splitlines()[1].split()[1] == "Running"
    cluster.advance(40)  # the deadline, then the pod's graceful termination
    job = cluster.store.get("Job", "default", "slow")
    assert ("Failed", "DeadlineExceeded") in [(c["type"], c["reason"]) for c in job["status"]["conditions"]]
    assert not [p for p in job_pods(cluster, "slow") if p["status"]["phase"] == "Running"]


def test_indexed_job_gives_each_pod_its_completion_index(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("idx", "sleep 5", "  completions: 3\n  parallelism: 3\n"
                                   "  completionMode: Indexed\n"))
    cluster.advance(1)
    pods = job_pods(cluster, "idx")
    indexes = sorted(p["metadata"]["annotations"]["batch.kubernetes.io/job-completion-index"] for p in pods)
    assert indexes == ["0", "1", "2"]
    assert sorted(p["metadata"]["name"][:6] for p in pods) == ["idx-0-", "idx-1-", "idx-2-"]
    cluster.advance(60)
    job = cluster.store.get("Job", "default", "idx")
    assert job["status"]["completedIndexes"] == "0-2" and job["status"]["succeeded"] == 3


def test_ttl_after_finished_deletes_the_job_and_its_pods(cluster, kubectl) -> None:
    kubectl("apply -f -", job_yaml("ttl", "true", "  ttlSecondsAfterFinished: 10\n"))
    for _ in range(60):
        cluster.advance(1)
        if "Complete" in kubectl("get job ttl"):
            break
    cluster.advance(8)  # it finished within the last second: 10s after that it goes
    assert cluster.store.get("Job", "default", "ttl") is not None
    cluster.advance(3)
    assert cluster.store.get("Job", "default", "ttl") is None
    assert job_pods(cluster, "ttl") == []
