"""CronJob controller: Jobs started on the schedule, concurrency policies, history limits, as a
user sees them through kubectl and the store (k8s-behavior §8.2)."""

from __future__ import annotations

from server.sim.clock import parse_time
from server.sim.cluster import Cluster


def cron_yaml(name: str, command: str, policy: str, extra: str = "") -> str:
    return f"""apiVersion: batch/v1
kind: CronJob
metadata: {{name: {name}}}
spec:
  schedule: "*/1 * * * *"
  concurrencyPolicy: {policy}
{extra}  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{{name: c, image: busybox, command: ["sh", "-c", "{command}"]}}]
"""


def jobs(cluster: Cluster, cron: str) -> list[dict]:
    uid = cluster.store.get("CronJob", "default", cron)["metadata"]["uid"]
    return cluster.store.list("Job", "default", owner_uid=uid)


def running(cluster: Cluster, cron: str) -> list[dict]:
    return [j for j in jobs(cluster, cron)
            if not any(c["type"] in ("Complete", "Failed") for c in (j.get("status") or {}).get("conditions") or [])]


def test_the_sample_cronjob_starts_a_job_every_minute_and_prunes_history(cluster, kubectl) -> None:
    assert kubectl("apply -f seeds/cronjob-sample.yml") == "cronjob.batch/sample-cronjob created\n"
    most_active = 0
    for _ in range(8 * 60 // 5):
        cluster.advance(5)
        most_active = max(most_active, len(running(cluster, "sample-cronjob")))
    assert most_active == 1
    names = sorted(j["metadata"]["name"] for j in jobs(cluster, "sample-cronjob"))
    assert len(names) == 5  # successfulJobsHistoryLimit
    for j in jobs(cluster, "sample-cronjob"):
        scheduled = parse_time(j["metadata"]["annotations"]["batch.kubernetes.io/cronjob-scheduled-timestamp"])
        assert j["metadata"]["name"] == f"sample-cronjob-{int(scheduled) // 60}" and scheduled % 60 == 0
    cj = cluster.store.get("CronJob", "default", "sample-cronjob")
    assert cj["status"]["lastScheduleTime"].endswith(":00Z") and cj["status"]["lastSuccessfulTime"]
    row = kubectl("get cronjobs").splitlines()
    assert row[0].split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST", "SCHEDULE", "AGE"]
    assert row[1].split()[:6] == ["sample-cronjob", "*/1", "*", "*", "*", "*"]
    events = kubectl("get events --field-selector involvedObject.kind=CronJob")
    assert f"Created job {names[-1]}" in events and "SawCompletedJob" in events and "Deleted job " in events
    assert "1/1" in kubectl("get jobs")


def test_forbid_skips_runs_while_a_job_is_still_active(cluster, kubectl) -> None:
    kubectl("apply -f -", cron_yaml("slow", "sleep 150", "Forbid"))
    for _ in range(5 * 12):
        cluster.advance(5)
        assert len(running(cluster, "slow")) <= 1
    assert len(jobs(cluster, "slow")) < 5
    assert "Not starting job because prior execution is running and concurrency policy is Forbid" in kubectl(
        "get events")


def test_replace_deletes_the_running_job_for_the_new_one(cluster, kubectl) -> None:
    kubectl("apply -f -", cron_yaml("rep", "sleep 600", "Replace"))
    cluster.advance(65)
    (first,) = jobs(cluster, "rep")
    cluster.advance(60)
    names = [j["metadata"]["name"] for j in jobs(cluster, "rep")]
    assert first["metadata"]["name"] not in names and len(names) == 1
    assert f"Deleted job {first['metadata']['name']}" in kubectl("get events")
    cj = cluster.store.get("CronJob", "default", "rep")
    assert [a["name"] for a in cj["status"]["active"]] == names


def test_allow_runs_jobs_side_by_side_and_suspend_stops_new_ones(cluster, kubectl) -> None:
    kubectl("apply -f -", cron_yaml("par", "sleep 600", "Allow"))
    cluster.advance(185)
    assert len(running(cluster, "par")) == 3
    kubectl("apply -f -", cron_yaml("par", "sleep 600", "Allow", "  suspend: true\n"))
    cluster.advance(180)
    assert len(jobs(cluster, "par")) == 3


def test_failed_jobs_history_limit_keeps_only_the_newest_failures(cluster, kubectl) -> None:
    kubectl("apply -f -", cron_yaml("bad", "exit 1", "Allow", "  failedJobsHistoryLimit: 1\n"
                                     "  successfulJobsHistoryLimit: 0\n").replace("    spec:\n      template",
                                                                                  "    spec:\n      backoffLimit: 0\n      template"))
    cluster.advance(60 * 4 + 30)
    done = jobs(cluster, "bad")
    assert len(done) == 1
    assert any(c["type"] == "Failed" for c in done[0]["status"]["conditions"])
