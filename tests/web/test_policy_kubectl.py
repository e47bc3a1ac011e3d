"""The policy kinds as the real kubectl v1.32 renders them from our API (tables from ``as=Table``,
describers from the objects, the admission plugins' errors) — the same text kubeplay's terminal prints.
Each LimitRange item names one resource: kubectl's describer walks a Go map, so two resources of one
item come out in either order. Skipped where no kubectl is installed."""

from __future__ import annotations

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: the real-client tests need one")

POLICY = """apiVersion: v1
kind: Namespace
metadata:
  name: policy
---
apiVersion: v1
kind: ResourceQuota
metadata:
  name: mem-cpu-demo
  namespace: policy
spec:
  hard:
    requests.cpu: "1"
    requests.memory: 1Gi
    limits.cpu: "2"
    limits.memory: 2Gi
    pods: "10"
---
apiVersion: v1
kind: LimitRange
metadata:
  name: cpu-limit-range
  namespace: policy
spec:
  limits:
  - default:
      cpu: 500m
    defaultRequest:
      cpu: 250m
    type: Container
  - max:
      cpu: "2"
    min:
      cpu: 100m
    maxLimitRequestRatio:
      cpu: "4"
    type: Pod
---
apiVersion: v1
kind: LimitRange
metadata:
  name: mem-limit-range
  namespace: policy
spec:
  limits:
  - default:
      memory: 512Mi
    defaultRequest:
      memory: 256Mi
    type: Container
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high-priority
value: 1000000
description: "This priority class should be used for XYZ service pods only."
"""

POD = """apiVersion: v1
kind: Pod
metadata:
  name: demo
  namespace: policy
spec:
  containers:
  - name: demo
    image: nginx
"""

TOO_BIG = """apiVersion: v1
kind: Pod
metadata:
  name: too-big
  namespace: policy
spec:
  containers:
  - name: big
    image: nginx
    resources:
      requests:
        memory: 900Mi
        cpu: 300m
      limits:
        memory: 1Gi
        cpu: 600m
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        applied = lab.kubectl("apply", "-f", "-", stdin=POLICY).stdout
        assert applied == ("namespace/policy created\nresourcequota/mem-cpu-demo created\n"
                           "limitrange/cpu-limit-range created\nlimitrange/mem-limit-range created\n"
                           "priorityclass.scheduling.k8s.io/high-priority created\n")
        assert lab.kubectl("apply", "-f", "-", stdin=POD).stdout == "pod/demo created\n"
        lab.clock(advance=5)
        yield lab


@pytest.mark.parametrize("args", [
    ["get", "priorityclass"], ["get", "quota", "-n", "policy"], ["get", "limits", "-n", "policy"],
    ["get", "quota", "-A"], ["describe", "namespace", "policy"], ["describe", "quota", "-n", "policy"],
    ["describe", "limits", "-n", "policy"], ["describe", "priorityclass", "high-priority"],
    ["get", "pod", "demo", "-n", "policy", "-o", "jsonpath={.spec.containers[0].resources}"],
])
def test_the_terminal_prints_what_kubectl_prints(lab, args):
    real = lab.kubectl(*args)
    assert real.stdout == lab.engine("kubectl " + " ".join(args))


def test_the_defaults_and_the_quota_as_kubectl_reads_them(lab):
    resources = lab.kubectl("get", "pod", "demo", "-n", "policy", "-o", "jsonpath={.spec.containers[0].resources}")
    assert resources.stdout == '{"limits":{"cpu":"500m","memory":"512Mi"},"requests":{"cpu":"250m","memory":"256Mi"}}'
    quota = lab.kubectl("get", "quota", "mem-cpu-demo", "-n", "policy", "-o", "jsonpath={.status.used}")
    assert quota.stdout == ('{"limits.cpu":"500m","limits.memory":"512Mi","pods":"1","requests.cpu":"250m",'
                            '"requests.memory":"256Mi"}')


def test_an_exceeded_quota_reads_as_the_apiserver_words_it(lab):
    refused = lab.kubectl("apply", "-f", "-", stdin=TOO_BIG, check=False)
    assert refused.returncode == 1
    assert refused.stderr == ('Error from server (Forbidden): error when creating "STDIN": pods "too-big" is '
                              "forbidden: exceeded quota: mem-cpu-demo, requested: requests.memory=900Mi, used: "
                              "requests.memory=256Mi, limited: requests.memory=1Gi\n")


def test_a_limit_range_refusal_reads_as_the_plugin_words_it(lab):
    greedy = TOO_BIG.replace("too-big", "greedy").replace("memory: 900Mi", "memory: 100Mi") \
        .replace("cpu: 600m", "cpu: 1500m")
    refused = lab.kubectl("apply", "-f", "-", stdin=greedy, check=False)
    assert refused.stderr == ('Error from server (Forbidden): error when creating "STDIN": pods "greedy" is forbidden: '
                              "cpu max limit to request ratio per Pod is 4, but provided ratio is 5.000000.\n")
