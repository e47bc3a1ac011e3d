"""Defaulting: what `kubectl get -o yaml` shows a real v1.32 cluster filled in."""

from __future__ import annotations

import pytest

from server.sim import defaults
from server.sim.admission import parse_manifests
from server.sim.cluster import Cluster
from server.sim.store import deep_copy


def create(cluster: Cluster, text: str) -> dict:
    [doc] = parse_manifests(text, "x.yml")
    return cluster.api.create(doc)


DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.16
        ports:
        - containerPort: 80
        readinessProbe:
          httpGet: {port: 80}
"""


def test_deployment_defaults(cluster: Cluster) -> None:
    d = create(cluster, DEPLOYMENT)
    spec = d["spec"]
    assert spec["replicas"] == 1
    assert spec["strategy"] == {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%", "maxUnavailable": "25%"}}
    assert spec["revisionHistoryLimit"] == 10
    assert spec["progressDeadlineSeconds"] == 600
    tpl = spec["template"]
    assert tpl["metadata"]["creationTimestamp"] is None
    pod_spec = tpl["spec"]
    assert {k: pod_spec[k] for k in ("restartPolicy", "dnsPolicy", "schedulerName", "terminationGracePeriodSeconds",
                                     "securityContext")} == {
        "restartPolicy": "Always", "dnsPolicy": "ClusterFirst", "schedulerName": "default-scheduler",
        "terminationGracePeriodSeconds": 30, "securityContext": {}}
    # admission plugins act on pods, not on templates
    assert "priority" not in pod_spec and "tolerations" not in pod_spec and "enableServiceLinks" not in pod_spec
    c = pod_spec["containers"][0]
    assert c["imagePullPolicy"] == "IfNotPresent"
    assert c["terminationMessagePath"] == "/dev/termination-log" and c["terminationMessagePolicy"] == "File"
    assert c["resources"] == {}
    assert c["ports"] == [{"containerPort": 80, "protocol": "TCP"}]
    assert c["readinessProbe"] == {"httpGet": {"port": 80, "path": "/", "scheme": "HTTP"}, "timeoutSeconds": 1,
                                   "periodSeconds": 10, "successThreshold": 1, "failureThreshold": 3}
    assert d["status"] == {}


def test_recreate_strategy_gets_no_rolling_update(cluster: Cluster) -> None:
    d = create(cluster, DEPLOYMENT.replace("  template:", "  strategy: {type: Recreate}\n  template:"))
    assert d["spec"]["strategy"] == {"type": "Recreate"}


def test_explicit_values_are_kept(cluster: Cluster) -> None:
    text = DEPLOYMENT.replace("  selector:", "  replicas: 0\n  revisionHistoryLimit: 2\n  strategy:\n"
                              "    rollingUpdate: {maxSurge: 1}\n  selector:")
    spec = create(cluster, text)["spec"]
    assert spec["replicas"] == 0 and spec["revisionHistoryLimit"] == 2
    assert spec["strategy"]["rollingUpdate"] == {"maxSurge": 1, "maxUnavailable": "25%"}


@pytest.mark.parametrize(("image", "policy"), [
    ("nginx", "Always"), ("nginx:latest", "Always"), ("nginx:1.17", "IfNotPresent"),
    ("localhost:5000/app", "Always"), ("localhost:5000/app:v2", "IfNotPresent"),
    ("nginx@sha256:" + "a" * 64, "IfNotPresent"),
])
def test_image_pull_policy_from_the_tag(image: str, policy: str) -> None:
    assert defaults.image_pull_policy(image) == policy


def test_pod_defaults(cluster: Cluster) -> None:
    pod = create(cluster, "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
                          "  - name: c\n    image: busybox\n    resources:\n      limits: {memory: 64Mi}\n"
                          "  volumes:\n  - name: scratch\n  - name: cfg\n    configMap: {name: cfg}\n")
    spec = pod["spec"]
    assert spec["enableServiceLinks"] is True
    assert spec["priority"] == 0 and spec["preemptionPolicy"] == "PreemptLowerPriority"
    assert spec["containers"][0]["imagePullPolicy"] == "Always"
    # limits without requests: the requests become the limits
    assert spec["containers"][0]["resources"] == {"limits": {"memory": "64Mi"}, "requests": {"memory": "64Mi"}}
    # (then the ServiceAccount admission's kube-api-access token volume)
    assert spec["volumes"][:2] == [{"name": "scratch", "emptyDir": {}},
                                   {"name": "cfg", "configMap": {"name": "cfg", "defaultMode": 420}}]
    assert [v["name"][:16] for v in spec["volumes"][2:]] == ["kube-api-access-"]
    assert pod["status"]["phase"] == "Pending"


def test_service_defaults(cluster: Cluster) -> None:
    svc = create(cluster, "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: NodePort\n"
                          "  selector: {app: web}\n  ports:\n  - port: 80\n")
    spec = svc["spec"]
    nodeport = spec["ports"][0].pop("nodePort")  # allocated by net/alloc (tests/sim/test_services.py)
    assert spec["ports"] == [{"port": 80, "protocol": "TCP", "targetPort": 80}]
    assert 30000 <= nodeport <= 32767
    assert spec["sessionAffinity"] == "None"
    assert spec["externalTrafficPolicy"] == "Cluster" and spec["internalTrafficPolicy"] == "Cluster"
    assert svc["status"] == {"loadBalancer": {}}


def test_namespace_defaults(cluster: Cluster) -> None:
    ns = create(cluster, "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n")
    assert ns["spec"] == {"finalizers": ["kubernetes"]}
    assert ns["status"] == {"phase": "Active"}
    assert ns["metadata"]["labels"] == {"kubernetes.io/metadata.name": "prod"}


def test_job_and_cronjob_defaults(cluster: Cluster) -> None:
    job = create(cluster, "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n"
                          "    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n"
                          "        image: perl:5.34\n")
    spec = job["spec"]
    assert (spec["completions"], spec["parallelism"], spec["backoffLimit"], spec["completionMode"],
            spec["suspend"]) == (1, 1, 6, "NonIndexed", False)
    uid = job["metadata"]["uid"]
    assert spec["selector"] == {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}}
    assert spec["template"]["metadata"]["labels"]["batch.kubernetes.io/job-name"] == "pi"
    cj = create(cluster, "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: tick\nspec:\n"
                         "  schedule: '*/1 * * * *'\n  jobTemplate:\n    spec:\n      template:\n        spec:\n"
                         "          restartPolicy: OnFailure\n          containers:\n          - name: c\n"
                         "            image: busybox\n")
    spec = cj["spec"]
    assert (spec["concurrencyPolicy"], spec["suspend"], spec["successfulJobsHistoryLimit"],
            spec["failedJobsHistoryLimit"]) == ("Allow", False, 3, 1)
    assert spec["jobTemplate"]["spec"]["template"]["spec"]["dnsPolicy"] == "ClusterFirst"


def test_nulls_mean_unset(cluster: Cluster) -> None:
    d = create(cluster, DEPLOYMENT.replace("  selector:", "  replicas: null\n  strategy: null\n  selector:"))
    assert d["spec"]["replicas"] == 1 and d["spec"]["strategy"]["type"] == "RollingUpdate"


@pytest.mark.parametrize("kind_text", [
    DEPLOYMENT,
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  sessionAffinity: ClientIP\n  ports:\n  - port: 80\n",
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: d\nspec:\n  selector: {matchLabels: {a: b}}\n"
    "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: busybox}]\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: s\nspec:\n  serviceName: s\n"
    "  selector: {matchLabels: {a: b}}\n"
    "  template:\n    metadata: {labels: {a: b}}\n    spec:\n      containers: [{name: c, image: busybox}]\n",
])
def test_defaulting_is_idempotent(cluster: Cluster, kind_text: str) -> None:
    [doc] = parse_manifests(kind_text, "x.yml")
    once = deep_copy(doc)
    defaults.apply(once, cluster.api)
    twice = deep_copy(once)
    defaults.apply(twice, cluster.api)
    assert once == twice and once != doc
