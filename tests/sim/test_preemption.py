"""DefaultPreemption (pkg/scheduler/framework/plugins/defaultpreemption, framework/preemption v1.32): a
Pending pod of higher priority evicts the fewest, lowest-priority pods of one node, respecting
PodDisruptionBudgets where it can; the victims get DisruptionTarget and the ``Preempted`` event and
terminate gracefully, the preemptor is nominated to that node and scheduled there once they are gone."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim import scheduler as scheduler_module
from server.sim.cluster import Cluster
from server.sim.scheduler import Candidate, Victim, num_candidates, pick_candidate

CLASSES = """apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: high-priority
value: 1000000
globalDefault: false
description: "This priority class should be used for XYZ service pods only."
---
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata:
  name: low-priority
value: 100
"""


def pod(name: str, cpu: str, priority_class: str = "", node: str = "", labels: str = "app: filler") -> str:
    extra = f"\n  priorityClassName: {priority_class}" if priority_class else ""
    extra += f"\n  nodeSelector:\n    kubernetes.io/hostname: {node}" if node else ""
    return f"""apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    {labels}
spec:{extra}
  containers:
  - name: c
    image: nginx
    resources:
      requests:
        cpu: {cpu}
"""


@pytest.fixture
def lab():
    c = Cluster(seed=1)
    c.workspace["classes.yaml"] = CLASSES
    assert run(c, "kubectl apply -f classes.yaml").exit_code == 0
    return c


def apply(c: Cluster, text: str) -> None:
    c.workspace["x.yaml"] = text
    r = run(c, "kubectl apply -f x.yaml")
    assert r.exit_code == 0, r.output


def test_a_high_priority_pod_preempts_the_lowest_priority_pod_of_one_node(lab):
    # node1: a priority-0 pod and a low-priority one; node2: two low-priority pods (each node 1700m of 1800m)
    apply(lab, pod("zero-1", "900m", node="node1"))
    apply(lab, pod("low-1", "800m", "low-priority", node="node1"))
    apply(lab, pod("low-2", "900m", "low-priority", node="node2"))
    apply(lab, pod("low-3", "800m", "low-priority", node="node2"))
    lab.advance(120)
    assert run(lab, "kubectl get pod zero-1 -o jsonpath={.status.phase}").output == "Running"
    apply(lab, pod("vip", "1", "high-priority", labels="app: vip"))
    vip = lab.store.get("Pod", "default", "vip")
    # node1 needs only the priority-0 pod gone (lowest highest-priority victim): one victim, there
    assert vip["status"]["nominatedNodeName"] == "node1"
    assert not vip["spec"].get("nodeName")
    zero = lab.store.get("Pod", "default", "zero-1")
    assert zero["metadata"].get("deletionTimestamp")
    target = next(c for c in zero["status"]["conditions"] if c["type"] == "DisruptionTarget")
    assert (target["status"], target["reason"], target["message"]) == (
        "True", "PreemptionByScheduler", "default-scheduler: preempting to accommodate a higher priority pod")
    for name in ("low-1", "low-2", "low-3"):
        assert not lab.store.get("Pod", "default", name)["metadata"].get("deletionTimestamp")
    events = run(lab, "kubectl get events --field-selector involvedObject.name=zero-1 -o "
                      "custom-columns=REASON:.reason,MESSAGE:.message").output
    assert f"Preempted   Preempted by pod {vip['metadata']['uid']} on node node1" in events
    failed = run(lab, "kubectl get events --field-selector involvedObject.name=vip,reason=FailedScheduling "
                      "-o jsonpath={.items[0].message}").output
    assert failed == ("0/3 nodes are available: 1 node(s) had untolerated taint "
                      "{node-role.kubernetes.io/control-plane: }, 2 Insufficient cpu.")
    lab.advance(40)  # nginx stops at once on SIGTERM; at the latest the grace period
    assert lab.store.peek("Pod", "default", "zero-1") is None
    assert lab.store.get("Pod", "default", "vip")["spec"]["nodeName"] == "node1"


def test_no_victims_message_and_never_policy(lab, monkeypatch):
    apply(lab, pod("big", "1700m", "high-priority", node="node1"))
    apply(lab, pod("big2", "1700m", "high-priority", node="node2"))
    lab.advance(10)
    scheduler = lab.controller("default-scheduler")
    walks: list[str] = []
    real = scheduler._victims_on
    monkeypatch.setattr(scheduler, "_victims_on", lambda node: walks.append(node) or real(node))
    apply(lab, pod("late", "1", "low-priority"))
    lab.advance(1)
    # no pod in the cluster has a lower priority than "late": no node's pods are walked for victims
    assert walks == []
    late = lab.store.get("Pod", "default", "late")
    cond = next(c for c in late["status"]["conditions"] if c["type"] == "PodScheduled")
    assert cond["message"] == (
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, "
        "2 Insufficient cpu. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, "
        "2 No preemption victims found for incoming pod..")  # the inner FitError's own period, then the outer
    assert "nominatedNodeName" not in late["status"]


@pytest.mark.parametrize("absolute", [100, 1])
def test_the_dry_run_stops_at_its_number_of_candidates(lab, monkeypatch, absolute):
    """DryRunPreemption looks for 10 % of the potential nodes, at least 100 (so every node of a small
    cluster), starting from a random one, and stops once it has that many with one violating no PDB."""
    assert [num_candidates(n) for n in (2, 100, 999, 1000, 5000)] == [2, 100, 100, 100, 500]
    monkeypatch.setattr(scheduler_module, "MIN_CANDIDATE_NODES_ABSOLUTE", absolute)
    for name, node in (("low-1", "node1"), ("low-2", "node2")):
        apply(lab, pod(name, "1700m", "low-priority", node=node))
    lab.advance(120)
    scheduler = lab.controller("default-scheduler")
    walks: list[str] = []
    real = scheduler._victims_on
    monkeypatch.setattr(scheduler, "_victims_on", lambda node: walks.append(node) or real(node))
    apply(lab, pod("vip", "1", "high-priority", labels="app: vip"))
    nominated = lab.store.get("Pod", "default", "vip")["status"]["nominatedNodeName"]
    if absolute == 100:  # both nodes are candidates with the same victim: the first by name
        assert (sorted(walks), nominated) == (["node1", "node2"], "node1")
    else:  # one candidate wanted: the node the offset drew, and no other, is walked and nominated
        assert len(walks) == 1 and nominated == walks[0]


def test_a_pdb_protected_pod_is_spared_when_another_victim_will_do(lab):
    apply(lab, pod("guarded", "800m", "low-priority", node="node1", labels="app: guarded"))
    apply(lab, pod("free", "800m", "low-priority", node="node2", labels="app: free"))
    apply(lab, pod("pad1", "900m", "high-priority", node="node1", labels="app: pad"))
    apply(lab, pod("pad2", "900m", "high-priority", node="node2", labels="app: pad"))
    apply(lab, """apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: guard
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: guarded
""")
    lab.advance(120)
    apply(lab, pod("vip", "500m", "high-priority", labels="app: vip"))
    assert lab.store.get("Pod", "default", "vip")["status"]["nominatedNodeName"] == "node2"
    assert lab.store.get("Pod", "default", "free")["metadata"].get("deletionTimestamp")
    assert not lab.store.get("Pod", "default", "guarded")["metadata"].get("deletionTimestamp")


def _victim(name: str, priority: int, start: str = "2025-01-01T00:00:00Z") -> Victim:
    return Victim(("Pod", "default", name), priority, start, (), None)  # type: ignore[arg-type]


def test_pick_candidate_criteria_in_order():
    fewer_violations = Candidate("b", (_victim("x", 5),), 0)
    assert pick_candidate([Candidate("a", (_victim("y", 1),), 1), fewer_violations]) == fewer_violations
    lower_top = Candidate("b", (_victim("x", 1), _victim("z", 1)), 0)
    assert pick_candidate([Candidate("a", (_victim("y", 2),), 0), lower_top]) == lower_top
    fewer = Candidate("b", (_victim("x", 1),), 0)
    assert pick_candidate([Candidate("a", (_victim("y", 1), _victim("w", 0)), 0), fewer]) == fewer
    newer = Candidate("b", (_victim("x", 1, "2025-01-02T00:00:00Z"),), 0)
    assert pick_candidate([Candidate("a", (_victim("y", 1),), 0), newer]) == newer
