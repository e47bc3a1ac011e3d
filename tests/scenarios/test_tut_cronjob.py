"""kubernetes.io "Running Automated Tasks with a CronJob" (tasks/job/automated-tasks-with-cron-jobs),
typed as the page gives it, through the HTTP contract: the ``hello`` CronJob runs every minute a
busybox:1.28 container whose ``/bin/sh -c "date; echo Hello from the Kubernetes cluster"`` writes
the two lines the page shows — the date in busybox's format, at the time the container ran."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from tests.scenarios.tutterm import column, tutorial_term

CRONJOB = """apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
"""


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def test_hello_runs_every_minute_and_logs_the_date(term):
    assert term.apply(CRONJOB) == "cronjob.batch/hello created\n"
    listed = term.run("kubectl get cronjob hello")
    assert listed.splitlines()[0].split() == ["NAME", "SCHEDULE", "TIMEZONE", "SUSPEND", "ACTIVE", "LAST",
                                              "SCHEDULE", "AGE"]
    assert column(listed, "hello", "SCHEDULE") == "* * * * *"
    assert column(listed, "hello", "LAST SCHEDULE") == "<none>"

    term.advance(75)  # the next minute's job has run
    jobs = term.run("kubectl get jobs")
    names = [ln.split()[0] for ln in jobs.splitlines()[1:] if ln.startswith("hello-")]
    assert names and column(jobs, names[0], "STATUS") == "Complete"
    job = names[0]
    assert re.fullmatch(r"hello-\d{8}", job)  # the scheduled time in minutes since the epoch

    pods = term.run(f"kubectl get pods --selector=batch.kubernetes.io/job-name={job} "
                    "--output=jsonpath={.items[*].metadata.name}")
    assert pods.startswith(job + "-")
    log = term.run(f"kubectl logs {pods}")
    date_line, hello, *rest = log.split("\n")
    assert hello == "Hello from the Kubernetes cluster" and rest == [""]
    # busybox date: "Fri Feb 22 11:02:09 UTC 2019" — the moment the container ran
    assert re.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d UTC \d{4}", date_line), date_line
    started = term.run(f"kubectl get pod {pods} "
                       "-o jsonpath={.status.containerStatuses[0].state.terminated.startedAt}")
    printed = datetime.strptime(date_line, "%a %b %d %H:%M:%S UTC %Y").replace(tzinfo=UTC)
    ran = datetime.strptime(started, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    assert 0 <= (printed - ran).total_seconds() <= 1
    # the job's scheduled minute is in its name
    assert int(job.split("-")[1]) * 60 <= ran.timestamp() < int(job.split("-")[1]) * 60 + 60

    term.advance(60)
    later = term.run("kubectl get jobs")
    assert len([ln for ln in later.splitlines()[1:] if ln.startswith("hello-")]) == 2
    assert column(term.run("kubectl get cronjob hello"), "hello", "LAST SCHEDULE") != "<none>"
    assert term.run("kubectl delete cronjob hello") == 'cronjob.batch "hello" deleted\n'
