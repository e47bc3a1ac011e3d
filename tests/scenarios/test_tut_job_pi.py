"""kubernetes.io "Running an example Job" (concepts/workloads/controllers/job): the ``pi`` Job whose
perl container prints π to 2000 places (``perl -Mbignum=bpi -wle 'print bpi(2000)'``), typed as the
page gives it, through the HTTP contract. ``kubectl logs jobs/pi`` prints the digits the page
shows; they are checked here against π computed independently (Gauss–Legendre over ``decimal``)."""

from __future__ import annotations

import decimal

import pytest

from tests.scenarios.tutterm import column, tutorial_term

JOB = """apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: ["perl",  "-Mbignum=bpi", "-wle", "print bpi(2000)"]
      restartPolicy: Never
  backoffLimit: 4
"""


def gauss_legendre_pi(significant: int) -> str:
    """π rounded (half even, as Math::BigFloat rounds) to ``significant`` digits."""
    with decimal.localcontext() as ctx:
        ctx.prec = significant + 30
        D = decimal.Decimal
        a, b, t, p = D(1), 1 / D(2).sqrt(), D(1) / 4, D(1)
        for _ in range(16):
            an = (a + b) / 2
            b = (a * b).sqrt()
            t -= p * (a - an) ** 2
            a, p = an, p * 2
        pi = (a + b) ** 2 / (4 * t)
    return str(decimal.Context(prec=significant, rounding=decimal.ROUND_HALF_EVEN).plus(pi))


@pytest.fixture
def term(tmp_path):
    with tutorial_term(tmp_path) as t:
        yield t


def test_the_pi_job_prints_two_thousand_digits(term):
    assert term.apply(JOB) == "job.batch/pi created\n"
    term.advance(5)
    assert column(term.run("kubectl get jobs"), "pi", "STATUS") == "Running"
    term.advance(60)  # perl:5.34.0 is 336 MB: the pull takes a while, the computation none
    jobs = term.run("kubectl get jobs")
    assert column(jobs, "pi", "STATUS") == "Complete" and column(jobs, "pi", "COMPLETIONS") == "1/1"

    described = term.run("kubectl describe job pi")
    assert "Pods Statuses:    0 Active (0 Ready) / 1 Succeeded / 0 Failed" in described
    pods = term.run("kubectl get pods --selector=batch.kubernetes.io/job-name=pi --output=jsonpath='{.items[*].metadata.name}'")
    assert pods.startswith("pi-") and len(pods.split()) == 1
    assert column(term.run("kubectl get pods"), pods, "STATUS") == "Completed"

    digits = term.run(f"kubectl logs {pods}")
    assert digits == gauss_legendre_pi(2000) + "\n"
    # what the page shows: the first and the last places
    assert digits.startswith("3.14159265358979323846264338327950288419716939937510582097494459230781640628620899")
    assert digits.endswith("42786220391949450471237137869609563643719172874677646575739624138908658326459958133904780275901\n")
    assert term.run("kubectl logs jobs/pi") == digits
    # the container ran perl and exited 0
    state = term.run(f"kubectl get pod {pods} -o jsonpath='{{.status.containerStatuses[0].state.terminated.reason}}"
                     f" {{.status.containerStatuses[0].state.terminated.exitCode}}'")
    assert state == "Completed 0"
