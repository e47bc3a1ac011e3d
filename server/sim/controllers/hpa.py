"""HorizontalPodAutoscalerController: scale a workload to hold a metric at its target
(pkg/controller/podautoscaler: horizontal.go, replica_calculator.go, metrics/utilization.go, v1.32).

Owns: one sync per HPA every 15 s (``--horizontal-pod-autoscaler-sync-period``; a new or changed HPA
waits one period, as the rate-limited queue makes it wait), reading the target's scale (spec.replicas,
status.replicas, the selector), the Resource metrics (``cpu``/``memory``: Utilization of the pods'
requests or AverageValue) from the metrics API (``server.sim.metrics``), the replica calculator
(tolerance 0.1; Pending pods ignored, pods without metrics counted as 100% of their request on a
scale-down and 0% on a scale-up, unready CPU pods inside the 5-minute initialisation period ignored
and rebalanced at 0% on a scale-up, ``ceil(ratio × ready pods)``), the normalisation — without
``spec.behavior``: the 300 s downscale stabilisation (the highest recommendation of the window) and the
scale-up limit max(2 × current, 4); with it: the stabilisation windows, the Pods/Percent policies
per period, selectPolicy Max/Min/Disabled — the write of the target's ``spec.replicas`` (the scale
subresource), the ``SuccessfulRescale`` / ``FailedGetScale`` / ``FailedGetResourceMetric`` /
``FailedComputeMetricsReplicas`` events and the status: currentReplicas, desiredReplicas,
currentMetrics, lastScaleTime and the AbleToScale / ScalingActive / ScalingLimited conditions with
the controller's reasons and messages.

Hands off: the new replica count goes to the workload's controller through its spec; metrics come
from the metrics-server add-on (no add-on: the apiserver's NotFound for pods.metrics.k8s.io).
Pods, Object and External metrics need a custom/external metrics API, which kubeplay has not: they
fail as they do on a cluster without one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..api import ApiError
from ..quantity import Quantity, new_milli_quantity
from ..resources import BY_KIND
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller
from .deployment_util import parse_time

#: what SetDefaults_HorizontalPodAutoscaler puts in an HPA without metrics (sim/autoscaling.py)
DEFAULT_METRICS = [{"type": "Resource", "resource": {"name": "cpu", "target": {"type": "Utilization",
                                                                                "averageUtilization": 80}}}]

COMPONENT = "horizontal-pod-autoscaler"
SYNC_PERIOD = 15.0
TOLERANCE = 0.1
DOWNSCALE_STABILISATION = 300.0
CPU_INITIALIZATION_PERIOD = 300.0
DELAY_OF_INITIAL_READINESS_STATUS = 30.0
SCALE_UP_LIMIT_FACTOR = 2.0
SCALE_UP_LIMIT_MINIMUM = 4.0

METRICS_NOT_REGISTERED = ("unable to fetch metrics from resource metrics API: the server could not find the "
                          "requested resource (get pods.metrics.k8s.io)")
METRICS_UNAVAILABLE = ("unable to fetch metrics from resource metrics API: the server is currently unable to "
                       "handle the request (get pods.metrics.k8s.io)")


class MetricError(Exception):
    pass


@dataclass
class _State:
    """What the real controller keeps in memory per HPA key."""

    recommendations: list[list[float]] = field(default_factory=list)  # [replicas, time]
    scale_up: list[list[float]] = field(default_factory=list)  # [change, time, outdated]
    scale_down: list[list[float]] = field(default_factory=list)


def _set_condition(hpa: Obj, ctype: str, status: str, reason: str, message: str, now: str) -> None:
    """setConditionInList: the transition time moves only when the status does."""
    conds = hpa.setdefault("status", {}).setdefault("conditions", [])
    for c in conds:
        if c.get("type") == ctype:
            break
    else:
        c = {"type": ctype}
        conds.append(c)
    if c.get("status") != status:
        c["lastTransitionTime"] = now
    c["status"], c["reason"], c["message"] = status, reason, message
    ordered = {k: c[k] for k in ("type", "status", "lastTransitionTime", "reason", "message") if k in c}
    c.clear()
    c.update(ordered)


def _selector_of(target: Obj) -> dict | None:
    sel = (target.get("spec") or {}).get("selector")
    return sel if isinstance(sel, dict) and (sel.get("matchLabels") or sel.get("matchExpressions")) else None


def _pod_ready_condition(pod: Obj) -> Obj | None:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c
    return None


def group_pods(pods: list[Obj], metrics: dict[str, tuple[int, float, float]], resource: str, now: float
               ) -> tuple[int, set[str], set[str]]:
    """groupPods: (ready pod count, ignored pods, pods missing metrics)."""
    ready, ignored, missing = 0, set(), set()
    for pod in pods:
        phase = (pod.get("status") or {}).get("phase")
        if pod["metadata"].get("deletionTimestamp") or phase == "Failed":
            continue
        name = pod["metadata"]["name"]
        if phase == "Pending":
            ignored.add(name)
            continue
        metric = metrics.get(name)
        if metric is None:
            missing.add(name)
            continue
        if resource == "cpu":
            cond = _pod_ready_condition(pod)
            start = parse_time((pod.get("status") or {}).get("startTime"))
            if cond is None or start is None:
                ignore = True
            else:
                changed = parse_time(cond.get("lastTransitionTime")) or 0.0
                if start + CPU_INITIALIZATION_PERIOD > now:
                    _value, timestamp, window = metric
                    ignore = cond.get("status") == "False" or timestamp < changed + window
                else:
                    ignore = cond.get("status") == "False" and start + DELAY_OF_INITIAL_READINESS_STATUS > changed
            if ignore:
                ignored.add(name)
                continue
        ready += 1
    return ready, ignored, missing


def pod_requests(pods: list[Obj], resource: str, container: str = "") -> dict[str, int]:
    """calculatePodRequests: the pods' requests as MilliValues (regular and sidecar containers; only
    ``container``'s for a ContainerResource metric)."""
    out: dict[str, int] = {}
    for pod in pods:
        spec = pod.get("spec") or {}
        containers = list(spec.get("containers") or [])
        containers += [c for c in spec.get("initContainers") or [] if c.get("restartPolicy") == "Always"]
        total = 0
        for c in containers:
            if container and c.get("name") != container:
                continue
            value = ((c.get("resources") or {}).get("requests") or {}).get(resource)
            if value is None:
                raise MetricError(f"missing request for {resource} in container {c.get('name')} of Pod "
                                  f"{pod['metadata']['name']}")
            total += Quantity.of(value).milli_value()
        out[pod["metadata"]["name"]] = total
    return out


def utilization_ratio(metrics: dict[str, int], requests: dict[str, int], target: int) -> tuple[float, int, int]:
    """GetResourceUtilizationRatio: (ratio, current utilization %, raw average milli-value)."""
    total = req = n = 0
    for name, value in metrics.items():
        if name not in requests:
            continue
        total += value
        req += requests[name]
        n += 1
    if req == 0:
        raise MetricError("no metrics returned matched known pods")
    current = _quo(total * 100, req)
    return current / target, current, _quo(total, n)


def _int32(x: float) -> int:
    return int(x)


def _quo(a: int, b: int) -> int:
    """Go's integer division (truncated toward zero)."""
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


class HorizontalPodAutoscalerController(Controller):
    name = "horizontal-pod-autoscaler-controller"
    watches: tuple[str, ...] = ("HorizontalPodAutoscaler",)

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        self._state: dict[Key, _State] = {}

    def on_event(self, event: WatchEvent) -> None:
        if event.type == "DELETED":
            self._state.pop(event.key, None)
            return
        # AddRateLimited with the sync period: a key already waiting keeps its turn
        self.requeue_after(event.key, SYNC_PERIOD)

    def start(self) -> None:
        for hpa in self.store.scan("HorizontalPodAutoscaler"):
            self.requeue_after(("HorizontalPodAutoscaler", hpa["metadata"].get("namespace") or "",
                                hpa["metadata"]["name"]), SYNC_PERIOD)

    def reconcile(self, key: Key) -> None:
        hpa = self.store.get(*key)
        if hpa is None:
            self._state.pop(key, None)
            return
        try:
            self._reconcile(key, hpa)
        finally:
            self.requeue_after(key, SYNC_PERIOD)

    # -- the sync ------------------------------------------------------------------------------
    def _event(self, hpa: Obj, type_: str, reason: str, message: str) -> None:
        self.recorder.event(hpa, type_, reason, message, COMPONENT)

    def _write_status(self, original: Obj | None, hpa: Obj) -> None:
        if hpa.get("status") == original:
            return
        try:
            self.api.update_status(hpa)
        except ApiError:
            pass

    def _reconcile(self, key: Key, stored: Obj) -> None:
        now = self.clock.now()
        iso = self.clock.iso()
        hpa = deep_copy(stored)
        original = deep_copy(stored.get("status"))
        ns = hpa["metadata"].get("namespace") or ""
        spec = hpa.get("spec") or {}
        ref = spec.get("scaleTargetRef") or {}
        state = self._state.setdefault(key, _State())

        target, err = self._scale_target(ns, ref)
        if target is None:
            self._event(hpa, "Warning", "FailedGetScale", err)
            _set_condition(hpa, "AbleToScale", "False", "FailedGetScale",
                           f"the HPA controller was unable to get the target's current scale: {err}", iso)
            self._write_status(original, hpa)
            return
        _set_condition(hpa, "AbleToScale", "True", "SucceededGetScale",
                       "the HPA controller was able to get the target's current scale", iso)
        current = int((target.get("spec") or {}).get("replicas", 1))
        if not state.recommendations:
            state.recommendations.append([current, now])
        min_replicas = spec.get("minReplicas")
        min_replicas = 1 if min_replicas is None else int(min_replicas)
        max_replicas = int(spec.get("maxReplicas") or 0)
        statuses: list[Obj] = []
        rescale, reason, desired = True, "", 0
        if current == 0 and min_replicas != 0:
            rescale = False
            _set_condition(hpa, "ScalingActive", "False", "ScalingDisabled",
                           "scaling is disabled since the replica count of the target is zero", iso)
        elif current > max_replicas:
            reason, desired = "Current number of replicas above Spec.MaxReplicas", max_replicas
        elif current < min_replicas:
            reason, desired = "Current number of replicas below Spec.MinReplicas", min_replicas
        else:
            try:
                proposal, metric, statuses = self._compute_for_metrics(
                    hpa, target, spec.get("metrics") or DEFAULT_METRICS, current, now, iso)
            except MetricError as e:
                self._set_status(hpa, current, (hpa.get("status") or {}).get("desiredReplicas", 0),
                                 (hpa.get("status") or {}).get("currentMetrics"), False, iso,
                                 metrics_override=e.args[1] if len(e.args) > 1 else [])
                self._write_status(original, hpa)
                self._event(hpa, "Warning", "FailedComputeMetricsReplicas", str(e.args[0]))
                return
            if proposal > desired:
                desired = proposal
            if desired > current:
                reason = f"{metric} above target"
            if desired < current:
                reason = "All metrics below target"
            if spec.get("behavior") is None:
                desired = self._normalize(hpa, state, current, desired, min_replicas, max_replicas, now, iso)
            else:
                desired = self._normalize_with_behaviors(hpa, state, current, desired, min_replicas,
                                                         max_replicas, now, iso)
            rescale = desired != current
        if rescale:
            try:
                self._update_scale(target, desired)
            except ApiError as e:
                self._event(hpa, "Warning", "FailedRescale", f"New size: {desired}; reason: {reason}; error: "
                                                             f"{e.message}")
                _set_condition(hpa, "AbleToScale", "False", "FailedUpdateScale",
                               f"the HPA controller was unable to update the target scale: {e.message}", iso)
                self._set_status(hpa, current, (hpa.get("status") or {}).get("desiredReplicas", 0),
                                 (hpa.get("status") or {}).get("currentMetrics"), False, iso)
                self._write_status(original, hpa)
                return
            _set_condition(hpa, "AbleToScale", "True", "SucceededRescale",
                           f"the HPA controller was able to update the target scale to {desired}", iso)
            self._event(hpa, "Normal", "SuccessfulRescale", f"New size: {desired}; reason: {reason}")
            self._store_scale_event(spec.get("behavior"), state, current, desired, now)
        else:
            desired = current
        self._set_status(hpa, current, desired, statuses, rescale, iso)
        self._write_status(original, hpa)

    def _set_status(self, hpa: Obj, current: int, desired: int, metrics: list | None, rescale: bool, iso: str,
                    metrics_override: list | None = None) -> None:
        old = hpa.get("status") or {}
        st: Obj = {}
        if old.get("observedGeneration") is not None:
            st["observedGeneration"] = old["observedGeneration"]
        if rescale:
            st["lastScaleTime"] = iso
        elif old.get("lastScaleTime"):
            st["lastScaleTime"] = old["lastScaleTime"]
        st["currentReplicas"] = current
        st["desiredReplicas"] = desired
        shown = metrics_override if metrics_override is not None else metrics
        if shown:
            st["currentMetrics"] = shown
        if old.get("conditions"):
            st["conditions"] = old["conditions"]
        hpa["status"] = st

    def _scale_target(self, ns: str, ref: Obj) -> tuple[Obj | None, str]:
        kind = ref.get("kind") or ""
        group = (ref.get("apiVersion") or "").rpartition("/")[0] if "/" in (ref.get("apiVersion") or "") else ""
        r = BY_KIND.get(kind)
        if r is None or r.group != group:
            return None, f'no matches for kind "{kind}" in group "{group}"'
        if not any(s.name == "scale" for s in r.subresources):
            return None, (f"{r.plural}{'.' + r.group if r.group else ''} \"{ref.get('name')}\" could not be "
                          "scaled: the resource does not have a scale subresource")
        obj = self.store.get(kind, ns, ref.get("name") or "")
        if obj is None:
            return None, f"{r.plural}{'.' + r.group if r.group else ''} \"{ref.get('name')}\" not found"
        return obj, ""

    def _update_scale(self, target: Obj, desired: int) -> None:
        new = deep_copy(target)
        new["spec"]["replicas"] = desired
        self.api.replace(new, manager="kube-controller-manager", subresource="scale")

    # -- metrics ------------------------------------------------------------------------------
    def _compute_for_metrics(self, hpa: Obj, target: Obj, specs: list, current: int, now: float, iso: str
                             ) -> tuple[int, str, list[Obj]]:
        selector = _selector_of(target)
        if selector is None:
            self._event(hpa, "Warning", "SelectorRequired", "selector is required")
            _set_condition(hpa, "ScalingActive", "False", "InvalidSelector",
                           "the HPA target's scale is missing a selector", iso)
            raise MetricError("selector is required")
        ns = hpa["metadata"].get("namespace") or ""
        pods = self.store.scan("Pod", ns, selector=selector)
        statuses: list[Obj] = [{"type": ""} for _ in specs]
        replicas, metric = 0, ""
        invalid, first_error, first_condition = 0, "", None
        for i, spec in enumerate(specs):
            try:
                proposal, name, status = self._compute_for_metric(spec, pods, ns, current, now)
            except MetricError as e:
                reason, message = e.args[0], e.args[1]
                self._event(hpa, "Warning", reason, message)
                if invalid == 0:
                    first_condition = (reason, f"the HPA was unable to compute the replica count: {message}")
                    first_error = e.args[2]
                invalid += 1
                continue
            statuses[i] = status
            if replicas == 0 or proposal > replicas:
                replicas, metric = proposal, name
        # all invalid, or some invalid while the rest would scale down: no scaling on partial knowledge
        if invalid >= len(specs) or (invalid and replicas < int((target.get("spec") or {}).get("replicas", 1))):
            if first_condition is not None:
                _set_condition(hpa, "ScalingActive", "False", first_condition[0], first_condition[1], iso)
            raise MetricError(f"invalid metrics ({invalid} invalid out of {len(specs)}), first error is: "
                              f"{first_error}", statuses)
        _set_condition(hpa, "ScalingActive", "True", "ValidMetricFound",
                       f"the HPA was able to successfully calculate a replica count from {metric}", iso)
        return replicas, metric, statuses

    def _compute_for_metric(self, spec: Obj, pods: list[Obj], ns: str, current: int, now: float
                            ) -> tuple[int, str, Obj]:
        kind = spec.get("type")
        if kind in ("Pods", "Object", "External"):
            self._custom_metric_error(kind, spec, ns)
        if kind not in ("Resource", "ContainerResource"):
            msg = f'unknown metric source type "{kind}"'
            raise MetricError("InvalidMetricSourceType", msg, msg)
        field = "resource" if kind == "Resource" else "containerResource"
        res = spec.get(field) or {}
        name = res.get("name") or ""
        container = (res.get("container") or "") if kind == "ContainerResource" else ""
        target = res.get("target") or {}
        reason = "FailedGetResourceMetric" if kind == "Resource" else "FailedGetContainerResourceMetric"
        wrap = (f"failed to get {name} resource metric value: " if kind == "Resource"
                else f"failed to get {container} container metric value: ")
        try:
            metrics = self._resource_metrics(ns, name, pods, container)
            if target.get("averageValue") is not None:
                tgt = Quantity.of(target["averageValue"]).milli_value()
                replicas, raw = self._plain_replicas(metrics, pods, current, tgt, name, now)
                return replicas, f"{name} resource", _status(kind, field, name, container, {
                    "averageValue": str(new_milli_quantity(raw))})
            if target.get("averageUtilization") is None:
                raise MetricError("invalid resource metric source: neither an average utilization target nor an "
                                  "average value (usage) target was set")
            replicas, pct, raw = self._resource_replicas(metrics, pods, current, int(target["averageUtilization"]),
                                                         name, now, container)
        except MetricError as e:
            what = "usage" if target.get("averageValue") is not None else "utilization"
            msg = f"failed to get {name} {what}: {e.args[0]}" if not str(e.args[0]).startswith("invalid") \
                else str(e.args[0])
            raise MetricError(reason, msg, wrap + msg) from None
        label = "resource" if kind == "Resource" else "container resource"
        return replicas, f"{name} {label} utilization (percentage of request)", _status(
            kind, field, name, container, {"averageValue": str(new_milli_quantity(raw)), "averageUtilization": pct})

    def _custom_metric_error(self, kind: str, spec: Obj, ns: str) -> None:
        """Pods, Object and External metrics need custom.metrics.k8s.io / external.metrics.k8s.io, which no
        add-on serves: the errors the metrics clients give then, wrapped as the controller wraps them."""
        custom = ("unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) "
                  "registered")
        if kind == "Pods":
            metric = ((spec.get("pods") or {}).get("metric") or {}).get("name") or ""
            msg = f"unable to get metric {metric}: {custom}"
            raise MetricError("FailedGetPodsMetric", msg, f"failed to get pods metric value: {msg}")
        if kind == "Object":
            src = spec.get("object") or {}
            metric = (src.get("metric") or {}).get("name") or ""
            obj = src.get("describedObject") or {}
            # GetObjectMetricReplicas' format string takes its arguments one place off, as v1.32's does
            msg = f"unable to get metric {metric}: {obj.get('kind') or ''} on {ns} {obj.get('name') or ''}/{custom}"
            per_pod = (src.get("target") or {}).get("averageValue") is not None
            raise MetricError("FailedGetObjectMetric", msg, f"failed to get {metric} object metric: {msg}" if per_pod
                              else f"failed to get object metric value: {msg}")
        src = spec.get("external") or {}
        metric = (src.get("metric") or {}).get("name") or ""
        err = ("unable to fetch metrics from external metrics API: the server could not find the requested resource "
               f"(get {metric}.external.metrics.k8s.io)")
        selector = "<nil>" if not (src.get("metric") or {}).get("selector") else "&LabelSelector{...}"
        msg = f"unable to get external metric {ns}/{metric}/{selector}: {err}"
        per_pod = (src.get("target") or {}).get("averageValue") is not None
        raise MetricError("FailedGetExternalMetric", msg, f"failed to get {metric} external metric: {msg}" if per_pod
                          else f"failed to get external metric {metric}: {msg}")

    def _resource_metrics(self, ns: str, resource: str, pods: list[Obj], container: str = ""
                          ) -> dict[str, tuple[int, float, float]]:
        from .. import metrics as metrics_server

        if metrics_server.server(self.cluster) is None:
            raise MetricError(f"unable to get metrics for resource {resource}: {METRICS_NOT_REGISTERED}")
        if not metrics_server.available(self.cluster):
            raise MetricError(f"unable to get metrics for resource {resource}: {METRICS_UNAVAILABLE}")
        names = {p["metadata"]["name"] for p in pods}
        got = {n: v for n, v in metrics_server.pod_usage_milli(self.cluster, ns, resource, container).items()
               if n in names}
        if not got:
            raise MetricError(f"unable to get metrics for resource {resource}: no metrics returned from resource "
                              "metrics API")
        return got

    def _resource_replicas(self, raw: dict[str, tuple[int, float, float]], pods: list[Obj], current: int,
                           target: int, resource: str, now: float, container: str = "") -> tuple[int, int, int]:
        """GetResourceReplicas: (replicas, utilization %, raw average milli-value)."""
        if not pods:
            raise MetricError("no pods returned by selector while calculating replica count")
        ready, ignored, missing = group_pods(pods, raw, resource, now)
        metrics = {n: v[0] for n, v in raw.items() if n not in ignored}
        requests = pod_requests(pods, resource, container)
        if not metrics:
            raise MetricError("did not receive metrics for any ready pods")
        ratio, utilization, raw_avg = utilization_ratio(metrics, requests, target)
        rebalance = bool(ignored) and ratio > 1.0
        if not rebalance and not missing:
            if abs(1.0 - ratio) <= TOLERANCE:
                return current, utilization, raw_avg
            return _int32(math.ceil(ratio * ready)), utilization, raw_avg
        if missing:
            for name in missing:
                metrics[name] = requests.get(name, 0) if ratio < 1.0 else 0
        if rebalance:
            for name in ignored:
                metrics[name] = 0
        new_ratio, _, _ = utilization_ratio(metrics, requests, target)
        if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
            return current, utilization, raw_avg
        new = _int32(math.ceil(new_ratio * len(metrics)))
        if (new_ratio < 1.0 and new > current) or (new_ratio > 1.0 and new < current):
            return current, utilization, raw_avg
        return new, utilization, raw_avg

    def _plain_replicas(self, raw: dict[str, tuple[int, float, float]], pods: list[Obj], current: int, target: int,
                        resource: str, now: float) -> tuple[int, int]:
        """calcPlainMetricReplicas: (replicas, average milli-value)."""
        if not pods:
            raise MetricError("no pods returned by selector while calculating replica count")
        ready, ignored, missing = group_pods(pods, raw, resource, now)
        metrics = {n: v[0] for n, v in raw.items() if n not in ignored}
        if not metrics:
            raise MetricError("did not receive metrics for any ready pods")

        def ratio_of(m: dict[str, int]) -> tuple[float, int]:
            avg = sum(m.values()) / len(m)
            return avg / target, int(avg)

        ratio, utilization = ratio_of(metrics)
        rebalance = bool(ignored) and ratio > 1.0
        if not rebalance and not missing:
            if abs(1.0 - ratio) <= TOLERANCE:
                return current, utilization
            return _int32(math.ceil(ratio * ready)), utilization
        for name in missing:
            metrics[name] = target if ratio < 1.0 else 0
        if rebalance:
            for name in ignored:
                metrics[name] = 0
        new_ratio, _ = ratio_of(metrics)
        if abs(1.0 - new_ratio) <= TOLERANCE or (ratio < 1.0 < new_ratio) or (ratio > 1.0 > new_ratio):
            return current, utilization
        return _int32(math.ceil(new_ratio * len(metrics))), utilization

    # -- normalisation --------------------------------------------------------------------------
    def _normalize(self, hpa: Obj, state: _State, current: int, proposed: int, min_r: int, max_r: int,
                   now: float, iso: str) -> int:
        stabilized = self._stabilize(state, proposed, now)
        if stabilized != proposed:
            _set_condition(hpa, "AbleToScale", "True", "ScaleDownStabilized",
                           "recent recommendations were higher than current one, applying the highest recent "
                           "recommendation", iso)
        else:
            _set_condition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size",
                           iso)
        desired, reason, message = convert_desired_replicas_with_rules(current, stabilized, min_r, max_r)
        _set_condition(hpa, "ScalingLimited", "False" if desired == stabilized else "True", reason, message, iso)
        return desired

    def _stabilize(self, state: _State, proposed: int, now: float) -> int:
        best = proposed
        old = -1
        cutoff = now - DOWNSCALE_STABILISATION
        for i, (rec, t) in enumerate(state.recommendations):
            if t < cutoff:
                old = i
            elif rec > best:
                best = int(rec)
        if old >= 0:
            state.recommendations[old] = [proposed, now]
        else:
            state.recommendations.append([proposed, now])
        return best

    def _normalize_with_behaviors(self, hpa: Obj, state: _State, current: int, proposed: int, min_r: int,
                                  max_r: int, now: float, iso: str) -> int:
        behavior = hpa["spec"]["behavior"]
        up = behavior.get("scaleUp") or {}
        down = behavior.get("scaleDown") or {}
        up_window = int(up.get("stabilizationWindowSeconds") or 0)
        down_window = down.get("stabilizationWindowSeconds")
        down_window = int(DOWNSCALE_STABILISATION) if down_window is None else int(down_window)
        if proposed >= current:
            delay, better = up_window, min
            reason, message = ("ScaleUpStabilized", "recent recommendations were lower than current one, applying "
                               "the lowest recent recommendation")
        else:
            delay, better = down_window, max
            reason, message = ("ScaleDownStabilized", "recent recommendations were higher than current one, "
                               "applying the highest recent recommendation")
        obsolete = now - max(up_window, down_window)
        cutoff = now - delay
        stabilized, old = proposed, -1
        for i, (rec, t) in enumerate(state.recommendations):
            if t > cutoff:
                stabilized = better(int(rec), stabilized)
            if t < obsolete:
                old = i
        if old >= 0:
            state.recommendations[old] = [proposed, now]
        else:
            state.recommendations.append([proposed, now])
        if stabilized != proposed:
            _set_condition(hpa, "AbleToScale", "True", reason, message, iso)
        else:
            _set_condition(hpa, "AbleToScale", "True", "ReadyForNewScale", "recommended size matches current size",
                           iso)
        desired, reason, message = self._behavior_rate(state, current, stabilized, min_r, max_r, up, down, now)
        _set_condition(hpa, "ScalingLimited", "False" if desired == stabilized else "True", reason, message, iso)
        return desired

    def _behavior_rate(self, state: _State, current: int, desired: int, min_r: int, max_r: int, up: Obj,
                       down: Obj, now: float) -> tuple[int, str, str]:
        if desired > current:
            limit = scale_up_limit(current, state.scale_up, up, now)
            limit = max(limit, current)
            if max_r > limit:
                allowed, reason, message = limit, "ScaleUpLimit", ("the desired replica count is increasing faster "
                                                                    "than the maximum scale rate")
            else:
                allowed, reason, message = max_r, "TooManyReplicas", ("the desired replica count is more than the "
                                                                       "maximum replica count")
            if desired > allowed:
                return allowed, reason, message
        elif desired < current:
            limit = scale_down_limit(current, state.scale_down, down, now)
            limit = min(limit, current)
            if min_r < limit:
                allowed, reason, message = limit, "ScaleDownLimit", ("the desired replica count is decreasing "
                                                                      "faster than the maximum scale rate")
            else:
                allowed, reason, message = min_r, "TooFewReplicas", ("the desired replica count is less than the "
                                                                      "minimum replica count")
            if desired < allowed:
                return allowed, reason, message
        return desired, "DesiredWithinRange", "the desired count is within the acceptable range"

    def _store_scale_event(self, behavior: Obj | None, state: _State, prev: int, new: int, now: float) -> None:
        if behavior is None:
            return
        if new > prev:
            events, rules, change = state.scale_up, behavior.get("scaleUp") or {}, new - prev
        else:
            events, rules, change = state.scale_down, behavior.get("scaleDown") or {}, prev - new
        longest = max([int(p.get("periodSeconds") or 0) for p in rules.get("policies") or []] or [0])
        for e in events:
            if e[1] <= now - longest:
                e[2] = 1
        for i, e in enumerate(events):
            if e[2]:
                events[i] = [change, now, 0]
                break
        else:
            events.append([change, now, 0])


def _changes_in_period(period: float, events: list[list[float]], now: float) -> int:
    """getReplicasChangePerPeriod."""
    return int(sum(e[0] for e in events if e[1] > now - period))


def scale_up_limit(current: int, events: list[list[float]], rules: Obj, now: float) -> int:
    """calculateScaleUpLimitWithScalingRules."""
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    result = 2**31 - 1 if select == "Min" else -(2**31)
    pick = min if select == "Min" else max
    for p in rules.get("policies") or []:
        start = current - _changes_in_period(float(p.get("periodSeconds") or 0), events, now)
        if p.get("type") == "Pods":
            proposed = start + int(p.get("value") or 0)
        else:
            proposed = math.ceil(start * (1 + int(p.get("value") or 0) / 100))
        result = pick(result, proposed)
    return result


def scale_down_limit(current: int, events: list[list[float]], rules: Obj, now: float) -> int:
    """calculateScaleDownLimitWithBehaviors."""
    select = rules.get("selectPolicy") or "Max"
    if select == "Disabled":
        return current
    result = -(2**31) if select == "Min" else 2**31 - 1
    pick = max if select == "Min" else min
    for p in rules.get("policies") or []:
        start = current + _changes_in_period(float(p.get("periodSeconds") or 0), events, now)
        if p.get("type") == "Pods":
            proposed = start - int(p.get("value") or 0)
        else:
            proposed = int(start * (1 - int(p.get("value") or 0) / 100))
        result = pick(result, proposed)
    return result


def convert_desired_replicas_with_rules(current: int, desired: int, min_r: int, max_r: int) -> tuple[int, str, str]:
    """convertDesiredReplicasWithRules: (replicas, ScalingLimited reason, message)."""
    scale_up = int(max(SCALE_UP_LIMIT_FACTOR * current, SCALE_UP_LIMIT_MINIMUM))
    if max_r > scale_up:
        maximum, reason, message = scale_up, "ScaleUpLimit", ("the desired replica count is increasing faster than "
                                                              "the maximum scale rate")
    else:
        maximum, reason, message = max_r, "TooManyReplicas", "the desired replica count is more than the maximum " \
                                                             "replica count"
    if desired < min_r:
        return min_r, "TooFewReplicas", "the desired replica count is less than the minimum replica count"
    if desired > maximum:
        return maximum, reason, message
    return desired, "DesiredWithinRange", "the desired count is within the acceptable range"


def _status(kind: str, field: str, name: str, container: str, current: Obj) -> Obj:
    """A Resource / ContainerResource MetricStatus (fields in the Go struct's order)."""
    src: Obj = {"name": name}
    if container:
        src["container"] = container
    src["current"] = current
    return {"type": kind, field: src}
