"""JobController: run a Job's pods to completion (pkg/controller/job/job_controller.go, v1.32).

Owns: creating the Job's pods (``generateName: <job>-``, or ``<job>-<index>-`` in Indexed mode,
a controller ownerReference and the ``batch.kubernetes.io/job-tracking`` finalizer), as many as
``min(parallelism, completions - succeeded)``; counting finished pods exactly once (a finished pod
still carrying the finalizer is uncounted: it is counted and its finalizer removed in the same
sync); the pod re-creation back-off (10s x 2^(failures-1), capped at 10 min as v1.32's
``MaxJobPodFailureBackOff``); backoffLimit (failed pods, or with OnFailure the restarts of running
pods), activeDeadlineSeconds, suspend/resume; the status (active, ready, terminating, succeeded,
failed, startTime, completionTime, completedIndexes, uncountedTerminatedPods) and conditions as
v1.32 writes them: the interim ``SuccessCriteriaMet``/``FailureTarget`` first, then ``Complete``/
``Failed`` once no pod is terminating; the events (``SuccessfulCreate``, ``SuccessfulDelete``,
``Completed``, ``BackoffLimitExceeded``/``DeadlineExceeded``, ``Suspended``/``Resumed``), and the
TTL-after-finished controller's deletion of finished Jobs (``ttlSecondsAfterFinished``).

Hands off: pods are created and deleted through the API (admission has already put the
``batch.kubernetes.io/controller-uid``/``job-name`` labels and the selector on the template);
running them is the scheduler's and the kubelet's. The store does not enforce finalizers, so a
pod removed while still uncounted is remembered from its DELETED event and counted at the next
sync, which is what the finalizer guarantees in a real cluster. Orphan pods matching the
selector are not adopted (the generated selector names the Job's uid, so only a user's
``manualSelector`` Job could have any).

Pod events reach the sync after ``syncJobBatchPeriod`` (1s), as in the real controller: the Job
reports a pod's completion a second after it happened.
"""

from __future__ import annotations

from ..api import ApiError
from ..clock import parse_time
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller
from .deployment_util import controller_ref, controller_ref_to, is_pod_ready

COMPONENT = "job-controller"
TRACKING_FINALIZER = "batch.kubernetes.io/job-tracking"
INDEX_ANNOTATION = "batch.kubernetes.io/job-completion-index"
SYNC_BATCH_PERIOD = 1.0
DEFAULT_POD_FAILURE_BACKOFF = 10.0
MAX_POD_FAILURE_BACKOFF = 600.0  # MaxJobPodFailureBackOff = 10 * time.Minute (v1.27+)
MAX_POD_CREATE_DELETE_PER_SYNC = 500


# -- helpers ------------------------------------------------------------------------------------
def condition(job: Obj, type_: str) -> Obj | None:
    return next((c for c in (job.get("status") or {}).get("conditions") or [] if c.get("type") == type_), None)


def is_true(job: Obj, type_: str) -> bool:
    c = condition(job, type_)
    return c is not None and c.get("status") == "True"


def is_finished(job: Obj) -> bool:
    """IsJobFinished: a Complete or Failed condition that is True."""
    return is_true(job, "Complete") or is_true(job, "Failed")


def _phase(pod: Obj) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def _has_finalizer(pod: Obj) -> bool:
    return TRACKING_FINALIZER in (pod["metadata"].get("finalizers") or [])


def _is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp")) and _phase(pod) not in ("Succeeded", "Failed")


def _is_failed(pod: Obj, job: Obj) -> bool:
    """isPodFailed: Failed, or (policy TerminatingOrFailed) deleted before it succeeded."""
    if (job["spec"].get("podReplacementPolicy") == "Failed"):
        return _phase(pod) == "Failed"
    return _phase(pod) == "Failed" or _is_terminating(pod)


def _finish_time(pod: Obj, now: float) -> float:
    """getFinishedTime: the last container's finishedAt, else now."""
    times = [parse_time((cs.get("state") or {}).get("terminated", {}).get("finishedAt"))
             for cs in (pod.get("status") or {}).get("containerStatuses") or []]
    times = [t for t in times if t is not None]
    return max(times) if times else now


def _index(pod: Obj) -> int | None:
    v = (pod["metadata"].get("annotations") or {}).get(INDEX_ANNOTATION)
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def format_indexes(indexes: set[int]) -> str:
    """orderedIntervals.String: ``0-2,4``."""
    out: list[str] = []
    items = sorted(indexes)
    i = 0
    while i < len(items):
        j = i
        while j + 1 < len(items) and items[j + 1] == items[j] + 1:
            j += 1
        out.append(str(items[i]) if i == j else f"{items[i]}-{items[j]}")
        i = j + 1
    return ",".join(out)


def parse_indexes(text: str | None) -> set[int]:
    out: set[int] = set()
    for part in (text or "").split(","):
        if not part:
            continue
        lo, _, hi = part.partition("-")
        out.update(range(int(lo), int(hi or lo) + 1))
    return out


def new_condition(type_: str, reason: str, message: str, now_iso: str) -> Obj:
    return {"type": type_, "status": "True", "lastProbeTime": now_iso, "lastTransitionTime": now_iso,
            "reason": reason, "message": message}


class _Backoff:
    """backoffRecord: failures since the last success and when the last one happened."""

    __slots__ = ("failures", "last_failure")

    def __init__(self) -> None:
        self.failures = 0
        self.last_failure: float | None = None

    def record(self, succeeded: list[float], failed: list[float]) -> None:
        if not succeeded:
            if failed:
                self.failures += len(failed)
                self.last_failure = max(failed)
            return
        last_success = max(succeeded)
        after = [t for t in failed if t > last_success]
        self.failures = len(after)
        self.last_failure = max(after) if after else None

    def remaining(self, now: float) -> float:
        if self.failures == 0 or self.last_failure is None:
            return 0.0
        delay = DEFAULT_POD_FAILURE_BACKOFF
        for _ in range(1, self.failures):
            delay *= 2
            if delay >= MAX_POD_FAILURE_BACKOFF:
                break
        delay = min(delay, MAX_POD_FAILURE_BACKOFF)
        elapsed = now - self.last_failure
        return 0.0 if delay < elapsed else delay - elapsed


class JobController(Controller):
    name = "job-controller"
    watches = ("Job", "Pod")

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        self._backoff: dict[Key, _Backoff] = {}
        #: uncounted pods that left the store before a sync saw them: job key -> uid -> (succeeded, time)
        self._gone: dict[Key, dict[str, tuple[bool, float]]] = {}

    def start(self) -> None:
        for job in self.store.scan("Job"):
            self.enqueue(("Job", job["metadata"]["namespace"], job["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "Job":
            self.enqueue(event.key)
            return
        ref = controller_ref(obj)
        if ref is None or ref.get("kind") != "Job":
            return
        key: Key = ("Job", obj["metadata"].get("namespace") or "", ref["name"])
        if event.type == "DELETED" and _has_finalizer(obj):
            job = self.store.peek(*key)
            if job is not None and job["metadata"]["uid"] == ref.get("uid"):
                ok = _phase(obj) == "Succeeded"
                self._gone.setdefault(key, {})[obj["metadata"]["uid"]] = (ok, _finish_time(obj, self.clock.now()))
        self.requeue_after(key, SYNC_BATCH_PERIOD)

    # -- sync ---------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        job = self.store.peek(*key)
        if job is None:
            self._backoff.pop(key, None)
            self._gone.pop(key, None)
            return
        if is_finished(job):
            self._backoff.pop(key, None)
            self._gone.pop(key, None)
            self._ttl(key, job)
            return
        job = deep_copy(job)
        spec, now, now_iso = job["spec"], self.clock.now(), self.clock.iso()
        status = job.setdefault("status", {})
        old_status = deep_copy(status)
        status.setdefault("uncountedTerminatedPods", {})
        uid = job["metadata"]["uid"]
        ns = job["metadata"]["namespace"]
        pods = sorted((p for p in self.store.scan("Pod", ns, owner_uid=uid)
                       if (controller_ref(p) or {}).get("uid") == uid), key=lambda p: p["metadata"]["name"])
        active_pods = [p for p in pods if _phase(p) not in ("Succeeded", "Failed")
                       and not p["metadata"].get("deletionTimestamp")]
        terminating = sum(1 for p in pods if _is_terminating(p))
        ready = sum(1 for p in active_pods if is_pod_ready(p))
        indexed = spec.get("completionMode") == "Indexed"
        suspended = bool(spec.get("suspend"))
        completions = spec.get("completions")

        # Pods finished since the last sync (they still carry the tracking finalizer).
        gone = self._gone.pop(key, {})
        new_ok = [t for ok, t in gone.values() if ok]
        new_failed = [t for ok, t in gone.values() if not ok]
        uncounted = [p for p in pods if _has_finalizer(p) and (_phase(p) == "Succeeded" or _is_failed(p, job))]
        done_indexes = parse_indexes(status.get("completedIndexes"))
        for p in uncounted:
            if _phase(p) == "Succeeded":
                new_ok.append(_finish_time(p, now))
                ix = _index(p)
                if indexed and ix is not None and completions is not None and ix < completions:
                    done_indexes.add(ix)
            else:
                new_failed.append(_finish_time(p, now))
        succeeded = len(done_indexes) if indexed else status.get("succeeded", 0) + len(new_ok)
        failed = status.get("failed", 0) + len(new_failed)
        backoff = self._backoff.setdefault(key, _Backoff())
        backoff.record(new_ok, new_failed)

        if not status.get("startTime") and not suspended:
            status["startTime"] = now_iso

        # The verdict: success or failure already reached, or reached now.
        finished: Obj | None = condition(job, "SuccessCriteriaMet") if is_true(job, "SuccessCriteriaMet") else None
        if finished is None and is_true(job, "FailureTarget"):
            finished = condition(job, "FailureTarget")
        if finished is None:
            if failed > spec.get("backoffLimit", 6) or self._past_backoff_limit_on_failure(job, pods):
                finished = new_condition("FailureTarget", "BackoffLimitExceeded",
                                         "Job has reached the specified backoff limit", now_iso)
            elif self._past_deadline(job, now):
                finished = new_condition("FailureTarget", "DeadlineExceeded",
                                         "Job was active longer than specified deadline", now_iso)
            elif spec.get("activeDeadlineSeconds") is not None and not suspended and status.get("startTime"):
                start = parse_time(status["startTime"]) or now
                self.requeue_after(key, spec["activeDeadlineSeconds"] - (now - start))

        active = len(active_pods)
        if finished is not None:
            # Failed: stop whatever still runs (it counts as failed once it is terminating).
            for p in active_pods:
                self._delete_pod(job, p)
                terminating += 1
                ready -= is_pod_ready(p)
                failed += 1 if finished["type"] == "FailureTarget" else 0
            active = 0
        elif not job["metadata"].get("deletionTimestamp"):
            active = self._manage(key, job, active_pods, succeeded, done_indexes, backoff, now)
            done = succeeded > 0 if completions is None else succeeded >= completions
            if done and active == 0:
                finished = new_condition("SuccessCriteriaMet", "CompletionsReached",
                                         "Reached expected number of succeeded pods", now_iso)
            else:
                self._suspend_condition(job, status, suspended, now_iso)

        # Count the finished pods: drop their finalizers, move them into the counters.
        for p in uncounted:
            self._remove_finalizer(p)
        if finished is not None:
            for p in pods:
                if _has_finalizer(p) and p not in uncounted:
                    self._remove_finalizer(p)
        status["active"] = active
        status["ready"] = ready
        status["terminating"] = terminating
        status["succeeded"] = succeeded
        status["failed"] = failed
        if indexed:
            status["completedIndexes"] = format_indexes(done_indexes)
        conditions = status.setdefault("conditions", [])
        terminal: Obj | None = None
        if finished is not None:
            if condition(job, finished["type"]) is None:
                conditions.append(finished)
            if terminating == 0:
                final_type = "Complete" if finished["type"] == "SuccessCriteriaMet" else "Failed"
                terminal = new_condition(final_type, finished["reason"], finished["message"], now_iso)
                conditions.append(terminal)
                if final_type == "Complete":
                    status["completionTime"] = now_iso
        for f in ("active", "succeeded", "failed", "conditions"):
            if not status.get(f):
                status.pop(f, None)
        if status != old_status:
            self.api.update_status(job)
        if terminal is not None:
            if terminal["type"] == "Complete":
                self.recorder.event(job, "Normal", "Completed", "Job completed", COMPONENT)
            else:
                self.recorder.event(job, "Warning", terminal["reason"], terminal["message"], COMPONENT)

    def _manage(self, key: Key, job: Obj, active_pods: list[Obj], succeeded: int, done_indexes: set[int],
                backoff: _Backoff, now: float) -> int:
        """manageJob: delete surplus pods, create missing ones (after the failure back-off)."""
        spec = job["spec"]
        active = len(active_pods)
        if spec.get("suspend"):
            for p in active_pods:
                self._delete_pod(job, p)
            return 0
        parallelism = spec.get("parallelism", 1)
        completions = spec.get("completions")
        if completions is None:
            want = active if succeeded > 0 else parallelism
        else:
            want = max(0, min(completions - succeeded, parallelism))
        surplus = active - want
        if surplus > 0:
            # activePodsForRemoval: the newest, least advanced pods go first
            victims = sorted(active_pods, key=lambda p: (bool((p.get("spec") or {}).get("nodeName")),
                                                         _phase(p) == "Running", is_pod_ready(p),
                                                         [-ord(c) for c in p["metadata"].get("creationTimestamp", "")]))
            for p in victims[:min(surplus, MAX_POD_CREATE_DELETE_PER_SYNC)]:
                self._delete_pod(job, p)
                active -= 1
            return active
        diff = want - active
        if spec.get("podReplacementPolicy") == "Failed":
            diff -= sum(1 for p in self.store.scan("Pod", job["metadata"]["namespace"],
                                                   owner_uid=job["metadata"]["uid"]) if _is_terminating(p))
        if diff <= 0:
            return active
        wait = backoff.remaining(now)
        if wait > 0:
            self.requeue_after(key, wait)
            return active
        diff = min(diff, MAX_POD_CREATE_DELETE_PER_SYNC)
        indexes: list[int | None] = [None] * diff
        if spec.get("completionMode") == "Indexed":
            busy = {_index(p) for p in active_pods}
            indexes = [i for i in range(completions or 0) if i not in done_indexes and i not in busy][:diff]  # type: ignore[misc]
        for ix in indexes:
            try:
                pod = self.api.create(self._pod(job, ix))
            except ApiError as e:
                self.recorder.event(job, "Warning", "FailedCreate", f"Error creating: {e.message}", COMPONENT)
                self.requeue_rate_limited(key)  # syncJob's error: retried with the queue's backoff
                break
            self.forget(key)
            active += 1
            self.recorder.event(job, "Normal", "SuccessfulCreate", f"Created pod: {pod['metadata']['name']}",
                                COMPONENT)
        return active

    def _pod(self, job: Obj, index: int | None) -> Obj:
        """GetPodFromTemplate plus the tracking finalizer (and the completion index)."""
        template = job["spec"].get("template") or {}
        tmeta = template.get("metadata") or {}
        name = job["metadata"]["name"]
        meta: Obj = {"generateName": f"{name}-", "namespace": job["metadata"]["namespace"]}
        for f in ("labels", "annotations", "finalizers"):
            if tmeta.get(f):
                meta[f] = deep_copy(tmeta[f])
        meta.setdefault("finalizers", [])
        if TRACKING_FINALIZER not in meta["finalizers"]:
            meta["finalizers"].append(TRACKING_FINALIZER)
        meta["ownerReferences"] = [controller_ref_to(job)]
        pod_spec = deep_copy(template.get("spec") or {})
        if index is not None:
            meta["generateName"] = f"{name}-{index}-"
            meta.setdefault("annotations", {})[INDEX_ANNOTATION] = str(index)
            meta.setdefault("labels", {})[INDEX_ANNOTATION] = str(index)
            pod_spec["hostname"] = f"{name}-{index}"
            env_var = {"name": "JOB_COMPLETION_INDEX", "valueFrom": {"fieldRef": {
                "fieldPath": f"metadata.labels['{INDEX_ANNOTATION}']"}}}
            for c in (pod_spec.get("initContainers") or []) + (pod_spec.get("containers") or []):
                if not any(e.get("name") == "JOB_COMPLETION_INDEX" for e in c.get("env") or []):
                    c.setdefault("env", []).append(deep_copy(env_var))
        return {"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": pod_spec}

    def _delete_pod(self, job: Obj, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        try:
            self.api.delete("Pod", pod["metadata"]["namespace"], name)
        except ApiError as e:
            if e.code != 404:
                self.recorder.event(job, "Warning", "FailedDelete", f"Error deleting: {e.message}", COMPONENT)
            return
        self.recorder.event(job, "Normal", "SuccessfulDelete", f"Deleted pod: {name}", COMPONENT)

    def _remove_finalizer(self, pod: Obj) -> None:
        live = self.store.peek("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"])
        if live is None or not _has_finalizer(live):
            return
        new = deep_copy(live)
        rest = [f for f in new["metadata"]["finalizers"] if f != TRACKING_FINALIZER]
        if rest:
            new["metadata"]["finalizers"] = rest
        else:
            new["metadata"].pop("finalizers")
        self.store.update(new)

    def _suspend_condition(self, job: Obj, status: Obj, suspended: bool, now_iso: str) -> None:
        """ensureJobConditionStatus(Suspended): only written once a Job has been suspended."""
        cond = condition(job, "Suspended")
        want = "True" if suspended else "False"
        if cond is None and not suspended:
            return
        if cond is not None and cond.get("status") == want:
            return
        reason, message = ("JobSuspended", "Job suspended") if suspended else ("JobResumed", "Job resumed")
        new = {"type": "Suspended", "status": want, "lastProbeTime": now_iso, "lastTransitionTime": now_iso,
               "reason": reason, "message": message}
        conditions = [c for c in status.get("conditions") or [] if c.get("type") != "Suspended"]
        conditions.append(new)
        status["conditions"] = conditions
        self.recorder.event(job, "Normal", "Suspended" if suspended else "Resumed", message, COMPONENT)
        if not suspended:
            status["startTime"] = now_iso  # a resumed Job's activeDeadlineSeconds counts from now

    @staticmethod
    def _past_backoff_limit_on_failure(job: Obj, pods: list[Obj]) -> bool:
        """pastBackoffLimitOnFailure: with OnFailure, restarts of running/pending pods count."""
        template_spec = (job["spec"].get("template") or {}).get("spec") or {}
        if template_spec.get("restartPolicy") != "OnFailure":
            return False
        restarts = 0
        for p in pods:
            if _phase(p) in ("Running", "Pending"):
                st = p.get("status") or {}
                for cs in (st.get("initContainerStatuses") or []) + (st.get("containerStatuses") or []):
                    restarts += int(cs.get("restartCount") or 0)
        limit = job["spec"].get("backoffLimit", 6)
        return restarts > 0 if limit == 0 else restarts >= limit

    @staticmethod
    def _past_deadline(job: Obj, now: float) -> bool:
        ads = job["spec"].get("activeDeadlineSeconds")
        start = parse_time((job.get("status") or {}).get("startTime"))
        if ads is None or start is None or job["spec"].get("suspend"):
            return False
        return now - start >= ads

    def _ttl(self, key: Key, job: Obj) -> None:
        """The TTL-after-finished controller: delete a finished Job ``ttlSecondsAfterFinished``
        after its Complete/Failed condition."""
        ttl = job["spec"].get("ttlSecondsAfterFinished")
        if ttl is None or job["metadata"].get("deletionTimestamp"):
            return
        cond = condition(job, "Complete") if is_true(job, "Complete") else condition(job, "Failed")
        finished_at = parse_time((cond or {}).get("lastTransitionTime")) or self.clock.now()
        remaining = finished_at + ttl - self.clock.now()
        if remaining > 0:
            self.requeue_after(key, remaining)
            return
        try:
            self.api.delete("Job", key[1], key[2])
        except ApiError:
            pass
