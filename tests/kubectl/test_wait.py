"""kubectl wait on the virtual clock, and its words against the real kubectl v1.32.

The engine's own behaviour (no kubectl needed): ``wait`` runs the simulated clock until the
condition holds (and no further), or exactly to the deadline; ``--timeout=0`` looks once without
moving time; ``--for=create`` notices on kubectl's half-second poll; one deadline for every object.
Against a kubeplay server (its clock paused, so nothing changes between the two runs) the real
kubectl and kubeplay's terminal must print the same for the same objects.
"""

from __future__ import annotations

import shlex

import pytest

from server.kubectl import run
from server.kubectl.verbs.wait import Condition, condition_met, parse_condition
from server.sim.cluster import Cluster
from tests.labserver import lab_server
from tests.realkubectl import KUBECTL


@pytest.fixture
def cluster() -> Cluster:
    return Cluster(seed=1)


def _waited(c: Cluster, line: str) -> tuple[str, int, float]:
    start = c.clock.now()
    r = run(c, line)
    return r.output, r.exit_code, c.clock.now() - start


def test_waits_until_the_pod_is_ready_and_no_longer(cluster):
    run(cluster, "kubectl run p1 --image=nginx")
    out, code, _ = _waited(cluster, "kubectl wait --for=condition=Ready pod/p1 --timeout=0")
    assert (out, code) == ("error: condition not met for pods/p1\n", 1)
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pod/p1")
    assert (out, code) == ("pod/p1 condition met\n", 0)
    assert 0 < waited < 30
    assert run(cluster, "kubectl get pod p1").output.split("\n")[1].split()[1:3] == ["1/1", "Running"]
    # the instant before, it was not ready: the wait stopped at the first instant it was
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pod/p1 --timeout=0")
    assert (out, code, waited) == ("pod/p1 condition met\n", 0, 0)


def test_times_out_at_the_deadline(cluster):
    run(cluster, "kubectl run broken --image=nosuchimage:zz")
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pod/broken --timeout=7s")
    assert (out, code, waited) == ("error: timed out waiting for the condition on pods/broken\n", 1, 7)
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pod/broken")
    assert (code, waited) == (1, 30)  # the default --timeout


def test_one_deadline_for_every_object(cluster):
    run(cluster, "kubectl run a-broken --image=nosuchimage:zz")
    run(cluster, "kubectl run b-fine --image=nginx")
    cluster.advance(30)
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pods --all --timeout=5s")
    # after the first object used the time up, the next times out too (kubectl's shared context),
    # and several errors print one per line without "error: "
    assert (out, code, waited) == ("timed out waiting for the condition on pods/a-broken\n"
                                   "timed out waiting for the condition on pods/b-fine\n", 1, 5)
    out, code, _ = _waited(cluster, "kubectl wait --for=condition=Ready pod/a-broken pod/b-fine --timeout=0")
    assert (out, code) == ("pod/b-fine condition met\nerror: condition not met for pods/a-broken\n", 1)


def test_waits_for_a_deletion(cluster):
    run(cluster, "kubectl run p1 --image=nginx")
    cluster.advance(30)
    assert run(cluster, "kubectl delete pod p1 --wait=false").exit_code == 0
    out, code, waited = _waited(cluster, "kubectl wait --for=delete pod/p1 --timeout=60s")
    assert (out, code) == ("pod/p1 condition met\n", 0)
    assert 0 < waited < 60
    assert run(cluster, "kubectl get pod p1").exit_code == 1
    # gone already: nothing to say
    assert _waited(cluster, "kubectl wait --for=delete pod/p1") == ("", 0, 0)


def test_waits_for_every_listed_pod_to_go(cluster):
    run(cluster, "kubectl create deployment web --image=nginx --replicas=3")
    assert run(cluster, "kubectl wait --for=condition=Available deploy/web --timeout=120s").exit_code == 0
    pods = sorted(p["metadata"]["name"] for p in cluster.store.scan("Pod", "default"))
    run(cluster, "kubectl delete deploy web --wait=false")
    out, code, waited = _waited(cluster, "kubectl wait --for=delete pods -l app=web --timeout=60s")
    # the list is taken once: pods gone before their turn are met at the first look
    assert (out, code) == ("".join(f"pod/{p} condition met\n" for p in pods), 0)
    assert 0 < waited < 60 and cluster.store.scan("Pod", "default") == []


def test_create_notices_on_the_half_second_poll(cluster):
    pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "later", "namespace": "default"},
           "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    cluster.clock.call_later(3.2, lambda: cluster.api.create(pod))
    out, code, waited = _waited(cluster, "kubectl wait --for=create pod/later --timeout=10s")
    assert (out, code, waited) == ("pod/later condition met\n", 0, 3.5)
    out, code, waited = _waited(cluster, "kubectl wait --for=create pod/never --timeout=2s")
    assert (out, code, waited) == ("error: timed out waiting for the condition\n", 1, 2)


def test_jsonpath_on_a_deployment(cluster):
    run(cluster, "kubectl create deployment web --image=nginx --replicas=2")
    out, code, waited = _waited(cluster, "kubectl wait --for=jsonpath={.status.readyReplicas}=2 deploy/web")
    assert (out, code) == ("deployment.apps/web condition met\n", 0)
    assert waited > 0
    assert run(cluster, "kubectl get deploy web").output.split("\n")[1].split()[1] == "2/2"


def test_a_week_is_a_negative_timeout(cluster):
    run(cluster, "kubectl run p1 --image=nginx")
    out, code, waited = _waited(cluster, "kubectl wait --for=condition=Ready pod/p1 --timeout=-1s")
    assert (out, code) == ("pod/p1 condition met\n", 0) and waited < 30


def test_conditions():
    assert parse_condition("Delete") == Condition("delete")
    assert parse_condition("condition=Available") == Condition("condition", name="Available", value="true")
    assert parse_condition("jsonpath={.status.phase}=Running").value == "Running"
    assert parse_condition("jsonpath=.status.phase").path == "{.status.phase}"
    pod = {"metadata": {"generation": 2}, "status": {"observedGeneration": 1, "conditions": [
        {"type": "Ready", "status": "True"}]}}
    # a condition observed for an older generation does not count
    assert not condition_met(parse_condition("condition=ready"), pod)
    pod["status"]["observedGeneration"] = 2
    assert condition_met(parse_condition("condition=ready=TRUE"), pod)
    assert condition_met(parse_condition("jsonpath={.status.conditions[0].status}=True"), pod)
    assert condition_met(parse_condition("jsonpath={.status.observedGeneration}=2"), pod)
    assert not condition_met(parse_condition("jsonpath={.status.missing}"), pod)


# -- the same words as the real kubectl -----------------------------------------------------------

@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the comparisons need the real one")
    with lab_server(tmp_path_factory) as lab:
        lab.clock(paused=True)
        lab.engine("kubectl run p1 --image=nginx")
        lab.engine("kubectl run broken --image=nosuchimage:zz")
        lab.clock(advance=60)
        yield lab


@pytest.mark.parametrize("line", [
    "wait --for=condition=Ready pod/p1",
    "wait --for=condition=Ready pod/p1 --timeout=0",
    "wait --for=condition=Ready pod/broken --timeout=0",
    "wait --for=condition=Ready pod/broken pod/p1 --timeout=0",
    "wait --for=condition=Ready=false pod/broken --timeout=0",
    "wait --for=condition=ready=FALSE pod/broken --timeout=0",
    "wait --for=condition=Ready pod/broken --timeout=1s",
    "wait --for=condition=Ready pod/nope",
    "wait --for=condition=Ready pod/nope pod/p1 --timeout=0",
    "wait --for=condition=Ready pods --all --timeout=0",
    "wait --for=condition=Ready pods --all -A --timeout=0",
    "wait --for=condition=Ready pods -l run=p1 --timeout=0",
    "wait --for=condition=Ready pods -l app=none",
    "wait --for=condition=Ready pods",
    "wait --for=condition=Ready",
    "wait --for=condition=Available deploy/coredns -n kube-system --timeout=0",
    "wait --for=condition=Ready pod/p1 -o name",
    "wait --for=condition=Ready pod/p1 -o jsonpath={.metadata.name}{'\\n'}",
    "wait --for=delete pod/nope",
    "wait --for=delete pods nope1 nope2",
    "wait --for=Delete pod/p1 --timeout=0",
    "wait --for=delete",
    "wait --for=create pod/p1 --timeout=1s",
    "wait --for=create pod/nope --timeout=1s",
    "wait --for=create pods -l a=b --timeout=1s",
    "wait --for=bogus pod/p1",
    "wait pod/p1",
    "wait --for=bogus",
    "wait --for=jsonpath={.status.phase} pod/p1 --timeout=0",
    "wait --for=jsonpath={.status.phase}=Running pod/p1",
    "wait --for=jsonpath='{.status.phase}'=Running pod/p1",
    "wait --for=jsonpath={.status.phase}= pod/p1",
    "wait --for=jsonpath={.status.phase pod/p1",
    "wait --for=jsonpath={.status.phase}=a=b pod/p1",
    "wait --for=jsonpath= pod/p1",
    "wait --for=jsonpath={.status}=x pod/p1",
    "wait --for=jsonpath={.status.containerStatuses[*].ready}=true pod/p1",
    "wait --for=jsonpath={.metadata.labels.run}=p1 pod/p1",
    "wait --for=condition=Ready pod/p1 --timeout=xx",
    "wait --for=condition=Ready pod/p1 --timeout=-1s",
])
def test_matches_real_kubectl(lab, line):
    real = lab.kubectl(*shlex.split(line), check=False)
    got = lab.engine("kubectl " + line)
    # the real kubectl's client-go logs a reflector line (E1201 …) when a watch ends at its deadline
    stderr = "".join(x + "\n" for x in real.stderr.splitlines() if not x.startswith(("E1", "W1", "I1")))
    expected = real.stdout + stderr
    if not expected.endswith("\n") and expected:
        expected += "\n"  # the terminal ends every answer with a newline
    assert got == expected


@pytest.mark.parametrize(("line", "command"), [
    ("wait --for=delete -k .", "wait"), ("autoscale -k . --max=2", "autoscale"), ("set env -k . A=1", "set env"),
    ("set resources -k . --limits=cpu=1", "set resources"), ("set selector -k . a=b", "set selector"),
    ("set serviceaccount -k . sa", "set serviceaccount")])
def test_kustomize_is_not_simulated_yet(cluster, line, command):
    r = run(cluster, "kubectl " + line)
    assert (r.output, r.exit_code) == (f"error: kubeplay does not simulate `kubectl {command} -k` yet\n", 1)
