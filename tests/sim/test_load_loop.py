"""The HPA walkthrough's load generator as a real container process: ``while sleep 0.01; do wget -q -O-
http://php-apache; done`` run by the kubelet through the shell on the virtual clock. Each ``wget``
waits while php-apache answers (server/sim/metrics.py ``record_request``: 16 ms of CPU per request
under the container's CFS quota), so the request rate is what the loop and the app's CPU limit
allow, and the per-container request counters that metrics-server reads follow it exactly."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.kubectl import run
from server.sim import metrics
from server.sim.cluster import Cluster
from server.sim.net import traffic

PHP = (Path(__file__).resolve().parents[2] / "examples/k8s.io/examples/application/php-apache.yaml").read_text()
LOOP = ('kubectl run load-generator --image=busybox:1.28 --restart=Never -- /bin/sh -c '
        '"while sleep 0.01; do wget -q -O- http://php-apache; done"')


def served(c: Cluster) -> int:
    return sum(e.count for (ns, pod, _), e in metrics.requests(c).entries.items() if pod.startswith("php-apache-"))


def top_php(c: Cluster) -> list[int]:
    out = run(c, "kubectl top pods -l run=php-apache").output
    return [int(line.split()[1].removesuffix("m")) for line in out.splitlines()[1:]]


@pytest.fixture
def lab():
    c = Cluster(seed=3)
    c.workspace["php.yaml"] = PHP
    c.set_addon("metrics-server", True)
    assert run(c, "kubectl apply -f php.yaml").exit_code == 0
    c.advance(60)
    return c


def test_one_pod_is_pinned_at_its_limit(lab):
    assert run(lab, LOOP).output == "pod/load-generator created\n"
    lab.advance(30)
    before = served(lab)
    lab.advance(60)
    rate = (served(lab) - before) / 60
    # one pod limited to 500m answers at most 0.5 / 0.016 = 31.25 requests a second
    assert 30 <= rate <= 31.5, rate
    assert top_php(lab) == [500]  # its CPU at the limit: the walkthrough's 250% of its 200m request
    # the answers have no newline: containerd passes the stream on in 16 KiB pieces, the first after
    # 16384 / (31.25 x 3 bytes) = 175 s
    assert run(lab, "kubectl logs load-generator").output == ""
    lab.advance(100)
    assert run(lab, "kubectl logs load-generator").output == ("OK!" * 5462)[:16384]  # a partial line: no newline


def test_spread_over_pods_the_loop_sets_the_rate(lab):
    assert run(lab, "kubectl scale deployment php-apache --replicas=3").exit_code == 0
    lab.advance(30)
    assert run(lab, LOOP).exit_code == 0
    lab.advance(45)
    before, first_id = served(lab), traffic.log(lab).last_id
    lab.advance(60)
    count = served(lab) - before
    # one request in flight at a time, 16 ms each plus the loop's 10 ms sleep: 38.5 a second
    assert 37 <= count / 60 <= 39, count / 60
    # more than the traffic log keeps: the usage comes from the counters, not from what the log still holds
    assert count > traffic.MAX_RECORDS and traffic.log(lab).last_id - first_id >= count
    cpu = top_php(lab)
    assert len(cpu) == 3 and 0.85 * 616 <= sum(cpu) <= 1.15 * 616, cpu  # 38.5/s x 16 ms = 0.616 cores


def test_the_counters_stop_with_the_generator(lab):
    assert run(lab, LOOP).exit_code == 0
    lab.advance(30)
    assert served(lab) > 500
    assert run(lab, "kubectl delete pod load-generator --now").exit_code == 0
    lab.advance(5)
    stopped = served(lab)
    lab.advance(60)
    assert served(lab) == stopped
    assert all(m <= 2 for m in top_php(lab))  # back to the idle baseline
