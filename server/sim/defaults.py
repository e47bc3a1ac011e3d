"""Defaulting, as the apiserver's SetDefaults_* functions do it for v1.32.

Owns: filling in every field the real apiserver fills (strategy 25%/25%, revisionHistoryLimit 10,
progressDeadlineSeconds 600, restartPolicy Always, terminationGracePeriodSeconds 30,
imagePullPolicy from the tag, protocol TCP, …) so that ``-o yaml`` looks like the real thing and
pod-template hashes are computed over defaulted templates.

Sources: ``pkg/apis/core/v1/defaults.go``, ``pkg/apis/apps/v1/defaults.go``,
``pkg/apis/batch/v1/defaults.go``, ``pkg/apis/rbac/v1/defaults.go`` (bindings' roleRef and subjects),
``pkg/apis/scheduling/v1``, ``pkg/apis/autoscaling/v2`` (through ``autoscaling.set_defaults``). Only what those functions set lives here; what admission
plugins add to *pods* (priority, preemptionPolicy, service account, default tolerations, initial
status) is in ``admission.on_create``, which is why templates do not carry those fields.

Hands off: nothing; ``api._prepare`` calls ``apply`` between schema validation and semantic
validation. ``apply`` is idempotent: defaulting a defaulted object changes nothing.
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from .store import Obj

if TYPE_CHECKING:
    from .api import Api


def apply(obj: Obj, api: Api | None = None) -> None:
    """Default ``obj`` in place. Tolerates incomplete objects: validation reports what is missing."""
    _prune_nulls(obj)
    fn = _BY_KIND.get(obj.get("kind", ""))
    if fn is not None:
        fn(obj)


# -- helpers -------------------------------------------------------------------------------------
def _prune_nulls(value: Any) -> None:
    """Drop ``field: null``: decoding into Go structs turns null into "unset", so defaults apply."""
    stack = [value]
    while stack:
        v = stack.pop()
        if isinstance(v, dict):
            for k in [k for k, x in v.items() if x is None]:
                del v[k]
            stack.extend(x for x in v.values() if isinstance(x, (dict, list)))
        elif isinstance(v, list):
            stack.extend(x for x in v if isinstance(x, (dict, list)))


def _dict(parent: dict, key: str) -> dict | None:
    """``parent[key]`` when it is a mapping (created empty when missing); None when it is malformed."""
    v = parent.setdefault(key, {})
    return v if isinstance(v, dict) else None


def _items(parent: dict, key: str) -> list[dict]:
    v = parent.get(key)
    return [x for x in v if isinstance(x, dict)] if isinstance(v, list) else []


def image_pull_policy(image: str) -> str:
    """Always for ``:latest`` or no tag (a digest counts as pinned), else IfNotPresent."""
    if "@" in image:
        return "IfNotPresent"
    last = image.rsplit("/", 1)[-1]
    if ":" not in last:
        return "Always"
    return "Always" if last.rsplit(":", 1)[1] == "latest" else "IfNotPresent"


# -- core/v1 -------------------------------------------------------------------------------------
def _probe(probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    probe.setdefault("timeoutSeconds", 1)
    probe.setdefault("periodSeconds", 10)
    probe.setdefault("successThreshold", 1)
    probe.setdefault("failureThreshold", 3)
    http = probe.get("httpGet")
    if isinstance(http, dict):
        http.setdefault("path", "/")
        http.setdefault("scheme", "HTTP")
    grpc = probe.get("grpc")
    if isinstance(grpc, dict):
        grpc.setdefault("service", "")


def _container(c: dict) -> None:
    image = c.get("image")
    if isinstance(image, str) and image:
        c.setdefault("imagePullPolicy", image_pull_policy(image))
    c.setdefault("terminationMessagePath", "/dev/termination-log")
    c.setdefault("terminationMessagePolicy", "File")
    c.setdefault("resources", {})
    for p in _items(c, "ports"):
        p.setdefault("protocol", "TCP")
    for name in ("livenessProbe", "readinessProbe", "startupProbe"):
        _probe(c.get(name))
    for lc in ("postStart", "preStop"):
        handler = (c.get("lifecycle") or {}).get(lc) if isinstance(c.get("lifecycle"), dict) else None
        if isinstance(handler, dict) and isinstance(handler.get("httpGet"), dict):
            handler["httpGet"].setdefault("path", "/")
            handler["httpGet"].setdefault("scheme", "HTTP")
    for env in _items(c, "env"):
        field_ref = (env.get("valueFrom") or {}).get("fieldRef") if isinstance(env.get("valueFrom"), dict) else None
        if isinstance(field_ref, dict):
            field_ref.setdefault("apiVersion", "v1")


def _volume(v: dict) -> None:
    sources = [k for k in v if k != "name"]
    if not sources:
        v["emptyDir"] = {}  # SetDefaults_Volume: a volume with no source is an emptyDir
    for key in ("secret", "configMap", "downwardAPI", "projected"):
        src = v.get(key)
        if isinstance(src, dict):
            src.setdefault("defaultMode", 420)
    for item in _items(v.get("downwardAPI") or {}, "items") if isinstance(v.get("downwardAPI"), dict) else []:
        if isinstance(item.get("fieldRef"), dict):
            item["fieldRef"].setdefault("apiVersion", "v1")
    host_path = v.get("hostPath")
    if isinstance(host_path, dict):
        host_path.setdefault("type", "")


def pod_spec(spec: dict) -> None:
    """SetDefaults_PodSpec + the container/volume/probe defaults beneath it (pods and templates)."""
    spec.setdefault("restartPolicy", "Always")
    spec.setdefault("terminationGracePeriodSeconds", 30)
    spec.setdefault("dnsPolicy", "ClusterFirst")
    spec.setdefault("securityContext", {})
    spec.setdefault("schedulerName", "default-scheduler")
    for c in _items(spec, "initContainers") + _items(spec, "containers"):
        _container(c)
        if spec.get("hostNetwork") is True:
            for p in _items(c, "ports"):
                p.setdefault("hostPort", p.get("containerPort"))
    for v in _items(spec, "volumes"):
        _volume(v)


def _pod_template(tpl: Any) -> None:
    if not isinstance(tpl, dict):
        return
    meta = _dict(tpl, "metadata")
    if meta is not None:
        # metav1.Time's zero value marshals as null: a real server shows it in every template
        meta.setdefault("creationTimestamp", None)
    spec = _dict(tpl, "spec")
    if spec is not None:
        pod_spec(spec)


def _pod(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    pod_spec(spec)
    spec.setdefault("enableServiceLinks", True)  # SetDefaults_Pod, not the template's PodSpec
    for c in _items(spec, "initContainers") + _items(spec, "containers"):
        # SetDefaults_Pod: limits without requests make the requests equal the limits
        res = c.get("resources")
        if isinstance(res, dict) and isinstance(res.get("limits"), dict):
            requests = res.setdefault("requests", {})
            if isinstance(requests, dict):
                for k, v in res["limits"].items():
                    requests.setdefault(k, v)


def _service(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    svc_type = spec.setdefault("type", "ClusterIP")
    spec.setdefault("sessionAffinity", "None")
    if spec.get("sessionAffinity") == "ClientIP":
        cfg = _dict(spec, "sessionAffinityConfig")
        client_ip = _dict(cfg, "clientIP") if cfg is not None else None
        if client_ip is not None:
            client_ip.setdefault("timeoutSeconds", 10800)
    for p in _items(spec, "ports"):
        p.setdefault("protocol", "TCP")
        if "targetPort" not in p and "port" in p:
            p["targetPort"] = p["port"]
    if svc_type in ("NodePort", "LoadBalancer"):
        spec.setdefault("externalTrafficPolicy", "Cluster")
    if svc_type == "LoadBalancer":
        spec.setdefault("allocateLoadBalancerNodePorts", True)
    if svc_type != "ExternalName":
        spec.setdefault("internalTrafficPolicy", "Cluster")
    status = _dict(obj, "status")
    if status is not None:
        status.setdefault("loadBalancer", {})


def _namespace(obj: Obj) -> None:
    name = (obj.get("metadata") or {}).get("name")
    if isinstance(name, str) and name and isinstance(obj.get("metadata"), dict):
        labels = _dict(obj["metadata"], "labels")
        if labels is not None:
            labels["kubernetes.io/metadata.name"] = name  # SetDefaults_Namespace, always overwritten
    spec = _dict(obj, "spec")
    if spec is not None:
        spec.setdefault("finalizers", ["kubernetes"])
    status = _dict(obj, "status")
    if status is not None:
        status.setdefault("phase", "Active")


def _secret(obj: Obj) -> None:
    """SetDefaults_Secret, after the v1 → internal conversion (Convert_v1_Secret_To_core_Secret):
    ``stringData`` is written over ``data`` as bytes (base64 in the API) and is gone from what is
    stored, on create and on every update."""
    string_data = obj.pop("stringData", None)
    if isinstance(string_data, dict) and string_data:
        data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
        for k, v in string_data.items():
            data[k] = base64.b64encode(str(v).encode()).decode()
        obj["data"] = dict(sorted(data.items()))  # a Go map: marshalled in key order
    obj.setdefault("type", "Opaque")


def _endpoints(obj: Obj) -> None:
    for subset in _items(obj, "subsets"):
        for p in _items(subset, "ports"):
            p.setdefault("protocol", "TCP")


def _endpoint_slice(obj: Obj) -> None:
    for p in _items(obj, "ports"):
        p.setdefault("protocol", "TCP")


# -- apps/v1 -------------------------------------------------------------------------------------
def _deployment(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    spec.setdefault("replicas", 1)
    strategy = _dict(spec, "strategy")
    if strategy is not None:
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = _dict(strategy, "rollingUpdate")
            if ru is not None:
                ru.setdefault("maxUnavailable", "25%")
                ru.setdefault("maxSurge", "25%")
    spec.setdefault("revisionHistoryLimit", 10)
    spec.setdefault("progressDeadlineSeconds", 600)
    _pod_template(spec.get("template"))


def _replica_set(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    spec.setdefault("replicas", 1)
    _pod_template(spec.get("template"))


def _daemon_set(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    strategy = _dict(spec, "updateStrategy")
    if strategy is not None:
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = _dict(strategy, "rollingUpdate")
            if ru is not None:
                ru.setdefault("maxUnavailable", 1)
                ru.setdefault("maxSurge", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    _pod_template(spec.get("template"))


def _stateful_set(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    spec.setdefault("replicas", 1)
    spec.setdefault("podManagementPolicy", "OrderedReady")
    strategy = _dict(spec, "updateStrategy")
    if strategy is not None:
        strategy.setdefault("type", "RollingUpdate")
        if strategy["type"] == "RollingUpdate":
            ru = _dict(strategy, "rollingUpdate")
            if ru is not None:
                ru.setdefault("partition", 0)
    spec.setdefault("revisionHistoryLimit", 10)
    retention = _dict(spec, "persistentVolumeClaimRetentionPolicy")
    if retention is not None:
        retention.setdefault("whenDeleted", "Retain")
        retention.setdefault("whenScaled", "Retain")
    _pod_template(spec.get("template"))
    for tpl in _items(spec, "volumeClaimTemplates"):
        # SetDefaults_StatefulSet: each claim template is a PersistentVolumeClaim, defaulted as one
        tpl.setdefault("apiVersion", "v1")
        tpl.setdefault("kind", "PersistentVolumeClaim")
        claim_spec_defaults(tpl.get("spec"))
        status = _dict(tpl, "status")
        if status is not None:
            status.setdefault("phase", "Pending")


# -- batch/v1 ------------------------------------------------------------------------------------
def _job(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    if "completions" not in spec and "parallelism" not in spec:
        spec["completions"] = 1
        spec["parallelism"] = 1
    spec.setdefault("parallelism", 1)
    spec.setdefault("backoffLimit", 6)
    spec.setdefault("completionMode", "NonIndexed")
    spec.setdefault("suspend", False)
    spec.setdefault("podReplacementPolicy", "TerminatingOrFailed")
    _pod_template(spec.get("template"))


def _cron_job(obj: Obj) -> None:
    spec = _dict(obj, "spec")
    if spec is None:
        return
    spec.setdefault("concurrencyPolicy", "Allow")
    spec.setdefault("suspend", False)
    spec.setdefault("successfulJobsHistoryLimit", 3)
    spec.setdefault("failedJobsHistoryLimit", 1)
    jt = spec.get("jobTemplate")
    if isinstance(jt, dict):
        meta = _dict(jt, "metadata")
        if meta is not None:
            meta.setdefault("creationTimestamp", None)
        jspec = jt.get("spec")
        if isinstance(jspec, dict):
            _pod_template(jspec.get("template"))


# -- storage (core/v1 PersistentVolume, PersistentVolumeClaim; storage/v1 StorageClass) --------------
def claim_spec_defaults(spec: Any) -> None:
    """SetDefaults_PersistentVolumeClaimSpec (also a StatefulSet's volumeClaimTemplates')."""
    if isinstance(spec, dict):
        spec.setdefault("volumeMode", "Filesystem")


def _persistent_volume(obj: Obj) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict):
        spec.setdefault("persistentVolumeReclaimPolicy", "Retain")
        spec.setdefault("volumeMode", "Filesystem")
        if isinstance(spec.get("hostPath"), dict):
            spec["hostPath"].setdefault("type", "")


def _persistent_volume_claim(obj: Obj) -> None:
    claim_spec_defaults(obj.get("spec"))


def _storage_class(obj: Obj) -> None:
    obj.setdefault("reclaimPolicy", "Delete")
    obj.setdefault("volumeBindingMode", "Immediate")


# -- networking/v1 ---------------------------------------------------------------------------------
def _network_policy(obj: Obj) -> None:
    """SetDefaults_NetworkPolicyPort (protocol TCP) and SetDefaults_NetworkPolicy (``policyTypes``
    ["Ingress"], plus "Egress" when egress rules are given, when none are stated)."""
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        return
    for direction in ("ingress", "egress"):
        for rule in _items(spec, direction):
            for port in _items(rule, "ports"):
                port.setdefault("protocol", "TCP")
    if not spec.get("policyTypes"):
        types = ["Ingress"]
        if isinstance(spec.get("egress"), list) and spec["egress"]:
            types.append("Egress")
        spec["policyTypes"] = types


# -- core/v1 LimitRange, scheduling/v1 PriorityClass, autoscaling/v2 HPA -----------------------------
def limit_range_item_defaults(item: dict) -> None:
    """SetDefaults_LimitRangeItem, in place: a Container item's ``default`` from ``max``,
    ``defaultRequest`` from ``default`` then ``min``."""
    if item.get("type") != "Container":
        return
    default = item.setdefault("default", {}) if isinstance(item.get("default", {}), dict) else None
    request = item.setdefault("defaultRequest", {}) if isinstance(item.get("defaultRequest", {}), dict) else None
    if default is None or request is None:
        return
    for k, v in (item.get("max") or {}).items():
        default.setdefault(k, v)
    for k, v in default.items():
        request.setdefault(k, v)
    for k, v in (item.get("min") or {}).items():
        request.setdefault(k, v)
    if not default:
        item.pop("default")
    if not request:
        item.pop("defaultRequest")


def _limit_range(obj: Obj) -> None:
    spec = obj.get("spec")
    if isinstance(spec, dict):
        for item in _items(spec, "limits"):
            limit_range_item_defaults(item)


def _priority_class(obj: Obj) -> None:
    """SetDefaults_PriorityClass: ``preemptionPolicy: PreemptLowerPriority``."""
    obj.setdefault("preemptionPolicy", "PreemptLowerPriority")


def _horizontal_pod_autoscaler(obj: Obj) -> None:
    from .autoscaling import set_defaults

    spec = obj.get("spec", {})
    if not isinstance(spec, dict):
        return
    # an explicit ``policies: []`` is a non-nil slice Go's copyHPAScalingRules keeps (validation then
    # refuses it); autoscaling._rules replaces any empty list, so those are put back
    behavior = spec.get("behavior") if isinstance(spec.get("behavior"), dict) else {}
    empty = [k for k in ("scaleUp", "scaleDown")
             if isinstance(behavior.get(k), dict) and behavior[k].get("policies") == []]
    set_defaults(obj)
    for k in empty:
        obj["spec"]["behavior"][k]["policies"] = []


# -- rbac.authorization.k8s.io/v1 ------------------------------------------------------------------
RBAC_GROUP = "rbac.authorization.k8s.io"


def _subject(subject: dict) -> None:
    """SetDefaults_Subject: a User or Group subject names the RBAC group; a ServiceAccount's is ""
    (omitted when served)."""
    if not subject.get("apiGroup") and subject.get("kind") in ("User", "Group"):
        subject["apiGroup"] = RBAC_GROUP


def _binding(obj: Obj) -> None:
    """SetDefaults_RoleBinding / SetDefaults_ClusterRoleBinding: ``roleRef.apiGroup`` is the RBAC
    group when empty; then every subject's defaults."""
    ref = obj.get("roleRef")
    if isinstance(ref, dict) and not ref.get("apiGroup"):
        ref["apiGroup"] = RBAC_GROUP
    for subject in _items(obj, "subjects"):
        _subject(subject)


_BY_KIND = {
    "Pod": _pod,
    "Service": _service,
    "Namespace": _namespace,
    "Secret": _secret,
    "Endpoints": _endpoints,
    "EndpointSlice": _endpoint_slice,
    "Deployment": _deployment,
    "ReplicaSet": _replica_set,
    "DaemonSet": _daemon_set,
    "StatefulSet": _stateful_set,
    "Job": _job,
    "CronJob": _cron_job,
    "PersistentVolume": _persistent_volume,
    "PersistentVolumeClaim": _persistent_volume_claim,
    "StorageClass": _storage_class,
    "NetworkPolicy": _network_policy,
    "LimitRange": _limit_range,
    "PriorityClass": _priority_class,
    "HorizontalPodAutoscaler": _horizontal_pod_autoscaler,
    "RoleBinding": _binding,
    "ClusterRoleBinding": _binding,
}
