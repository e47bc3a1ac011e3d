"""kubectl delete: messages, grace periods, --force, selectors, -f and errors."""

from __future__ import annotations

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
  labels:
    app: {app}
spec:
  nodeName: node1
  containers:
  - name: c
    image: nginx:1.16
"""


def make(kubectl, name, app="web"):
    kubectl("apply -f -", stdin=POD.format(name=name, app=app))


def test_delete_pod_is_graceful_and_waits_until_it_is_gone(cluster, kubectl):
    make(kubectl, "test1")
    cluster.advance(20)
    assert kubectl("get pod test1").splitlines()[1].split()[2] == "Running"
    start = cluster.clock.now()
    # --wait (the default): the command returns once the pod has gone, which is when the kubelet
    # has stopped nginx (it exits on SIGTERM) — within its 30 s grace period
    assert kubectl("delete pod test1") == 'pod "test1" deleted\n'
    assert cluster.store.get("Pod", "default", "test1") is None
    assert 0 < cluster.clock.now() - start <= 30
    assert kubectl("get pod test1", rc=1) == 'Error from server (NotFound): pods "test1" not found\n'


def test_delete_without_waiting_leaves_the_pod_terminating(cluster, kubectl):
    make(kubectl, "test1")
    cluster.advance(20)
    start = cluster.clock.now()
    assert kubectl("delete pod test1 --wait=false") == 'pod "test1" deleted\n'
    assert cluster.clock.now() == start
    pod = cluster.store.get("Pod", "default", "test1")
    assert pod["metadata"]["deletionGracePeriodSeconds"] == 30
    assert pod["metadata"]["deletionTimestamp"] == cluster.clock.iso(cluster.clock.now() + 30)
    assert kubectl("get pod test1").splitlines()[1].split()[2] == "Terminating"
    cluster.advance(30)
    assert kubectl("get pod test1", rc=1) == 'Error from server (NotFound): pods "test1" not found\n'


def test_delete_times_out_as_kubectl_words_it(cluster, kubectl):
    make(kubectl, "stuck")
    cluster.advance(20)
    cluster.fail_node("node1")  # nobody is left to stop the container: the pod stays Terminating
    out = kubectl("delete pod stuck --timeout=10s", rc=1)
    assert out == 'pod "stuck" deleted\nerror: timed out waiting for the condition on pods/stuck\n'


def test_a_followed_delete_is_a_stream_that_ends_when_the_pod_is_gone(cluster):
    from server.kubectl import run

    make(lambda line, stdin: run(cluster, line, stdin), "test1")
    cluster.advance(20)
    result = run(cluster, "kubectl delete pod test1", follow=True)
    assert result.output == 'pod "test1" deleted\n' and not result.stream.done
    for _ in range(40):
        cluster.advance(1)
        result.stream.poll()
        if result.stream.done:
            break
    assert result.stream.done and result.stream.exit_code == 0
    assert cluster.store.get("Pod", "default", "test1") is None


def test_delete_force_warns_and_removes_at_once(cluster, kubectl):
    make(kubectl, "test1")
    out = kubectl("delete pod test1 --force")
    assert out == ("Warning: Immediate deletion does not wait for confirmation that the running resource has "
                   "been terminated. The resource may continue to run on the cluster indefinitely.\n"
                   'pod "test1" force deleted\n')
    assert cluster.store.get("Pod", "default", "test1") is None


def test_delete_not_found_after_the_others(cluster, kubectl):
    make(kubectl, "a")
    out = kubectl("delete pods nope a", rc=1)
    assert out == 'pod "a" deleted\nError from server (NotFound): pods "nope" not found\n'
    assert kubectl("delete pod nope --ignore-not-found") == "No resources found\n"


def test_delete_by_selector_and_all(cluster, kubectl):
    make(kubectl, "a", "web")
    make(kubectl, "b", "web")
    make(kubectl, "c", "db")
    assert kubectl("delete pod -l app=web --grace-period=0 --force").splitlines()[1:] == [
        'pod "a" force deleted', 'pod "b" force deleted']
    assert kubectl("delete pods -l app=nothing") == "No resources found\n"
    assert kubectl("delete po --all --now") == 'pod "c" deleted\n'


def test_delete_from_stdin_and_name_output(cluster, kubectl):
    make(kubectl, "a")
    assert kubectl("delete -f - -o name --force", stdin=POD.format(name="a", app="x")).endswith("pod/a\n")
    assert cluster.store.get("Pod", "default", "a") is None
    out = kubectl("delete -f -", stdin=POD.format(name="a", app="x"), rc=1)
    assert out == 'Error from server (NotFound): error when deleting "STDIN": pods "a" not found\n'


def test_delete_option_errors(cluster, kubectl):
    assert kubectl("delete", rc=1).startswith("error: You must provide one or more resources by argument or filename.")
    assert kubectl("delete pods", rc=1) == "error: resource(s) were provided, but no name was specified\n"
    assert kubectl("delete pod x --now --grace-period=5", rc=1) == (
        "error: --now and --grace-period cannot be specified together\n")
    assert kubectl("delete pod x --force --grace-period=5", rc=1) == (
        "error: --force and --grace-period greater than 0 cannot be specified together\n")
    assert kubectl("delete pod x --cascade=sideways", rc=1) == (
        'error: invalid cascade value (sideways). Must be "background", "foreground", or "orphan"\n')


def test_delete_orphan_keeps_dependents(cluster, kubectl):
    rs = cluster.store.create({"apiVersion": "apps/v1", "kind": "ReplicaSet",
                               "metadata": {"name": "rs", "namespace": "default"},
                               "spec": {"replicas": 0, "selector": {"matchLabels": {"app": "o"}},
                                        "template": {"metadata": {"labels": {"app": "o"}},
                                                     "spec": {"containers": [{"name": "c", "image": "x"}]}}}})
    ref = {"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs", "uid": rs["metadata"]["uid"],
           "controller": True}
    cluster.store.create({"apiVersion": "v1", "kind": "Pod",
                          "metadata": {"name": "o1", "namespace": "default", "ownerReferences": [ref]},
                          "spec": {"containers": [{"name": "c", "image": "x"}]}})
    assert kubectl("delete rs rs --cascade=orphan") == 'replicaset.apps "rs" deleted\n'
    cluster.advance(5)
    pod = cluster.store.get("Pod", "default", "o1")
    assert pod is not None and not pod["metadata"].get("ownerReferences")
