"""CronJobController: start Jobs on a cron schedule (pkg/controller/cronjob/cronjob_controllerv2.go, v1.32).

Owns: reading the schedule (standard 5 fields with ranges, steps, lists, month/day names and
``?``, the ``@hourly``-style descriptors, ``spec.timeZone``), working out the most recent unmet
scheduled time since ``lastScheduleTime`` (or creation; no earlier than now −
startingDeadlineSeconds), creating the Job ``<cronjob>-<scheduledTime.Unix()/60>`` from the
jobTemplate (labels, annotations, the ``batch.kubernetes.io/cronjob-scheduled-timestamp``
annotation, a controller ownerReference), concurrencyPolicy Allow/Forbid/Replace, suspend,
``status.active``/``lastScheduleTime``/``lastSuccessfulTime``, pruning finished Jobs beyond the
history limits, and the events (``SuccessfulCreate``, ``SawCompletedJob``, ``SuccessfulDelete``,
``JobAlreadyActive``, ``MissSchedule``, ``TooManyMissedTimes``, ``UnparseableSchedule``,
``UnknownTimeZone``).

Hands off: the Jobs run themselves (controllers/job.py); deleted Jobs' pods are the garbage
collector's. The controller wakes at the next scheduled time + 100ms through a timer on the
virtual clock (``requeue_after``), and when one of its Jobs changes.

Parsing uses ``cronsim`` (robfig/cron's standard semantics: day-of-month and day-of-week are ORed
unless one of them starts with ``*``); the descriptors robfig knows and cronsim does not are
expanded here.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cronsim import CronSim, CronSimError

from ..api import ApiError
from ..clock import parse_time
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller
from .deployment_util import controller_ref, controller_ref_to
from .job import is_finished, is_true

COMPONENT = "cronjob-controller"
NEXT_SCHEDULE_DELTA = 0.1
SCHEDULED_TIMESTAMP = "batch.kubernetes.io/cronjob-scheduled-timestamp"
TOO_MANY_MISSED = 100
DESCRIPTORS = {
    "@yearly": "0 0 1 1 *", "@annually": "0 0 1 1 *", "@monthly": "0 0 1 * *", "@weekly": "0 0 * * 0",
    "@daily": "0 0 * * *", "@midnight": "0 0 * * *", "@hourly": "0 * * * *",
}


class Schedule:
    """A parsed schedule in its time zone: ``next(t)`` is the first scheduled instant after ``t``."""

    def __init__(self, expr: str, tz: str | None) -> None:
        expr = DESCRIPTORS.get(expr.strip(), expr.strip())
        fields = expr.split()
        if len(fields) == 5:  # robfig reads '?' as '*' in the day fields
            fields[2] = "*" if fields[2] == "?" else fields[2]
            fields[4] = "*" if fields[4] == "?" else fields[4]
        self.expr = " ".join(fields)
        self.zone = ZoneInfo(tz) if tz else UTC
        CronSim(self.expr, datetime.fromtimestamp(0, self.zone))  # raises CronSimError when bad

    def next(self, t: float) -> float:
        start = datetime.fromtimestamp(int(t), self.zone)
        return next(CronSim(self.expr, start)).timestamp()


def job_name(cronjob: Obj, scheduled: float) -> str:
    """getJobName: the scheduled time in minutes since the epoch."""
    return f"{cronjob['metadata']['name']}-{int(scheduled) // 60}"


def _rfc1123z(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%a, %d %b %Y %H:%M:%S +0000")


class CronJobController(Controller):
    name = "cronjob-controller"
    watches = ("CronJob", "Job")

    def start(self) -> None:
        for cj in self.store.scan("CronJob"):
            self.enqueue(("CronJob", cj["metadata"]["namespace"], cj["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "CronJob":
            self.enqueue(event.key)
            return
        ref = controller_ref(obj)
        if ref is not None and ref.get("kind") == "CronJob":
            self.enqueue(("CronJob", obj["metadata"].get("namespace") or "", ref["name"]))

    def _jobs(self, cj: Obj) -> list[Obj]:
        uid = cj["metadata"]["uid"]
        return sorted((j for j in self.store.scan("Job", cj["metadata"]["namespace"], owner_uid=uid)
                       if (controller_ref(j) or {}).get("uid") == uid), key=lambda j: j["metadata"]["name"])

    def reconcile(self, key: Key) -> None:
        live = self.store.peek(*key)
        if live is None:
            return
        cj = deep_copy(live)
        status = cj.setdefault("status", {})
        jobs = self._jobs(cj)
        self._sync(key, cj, jobs)
        self._cleanup(cj, self._jobs(cj))
        if status.get("active") == []:
            status.pop("active")
        if status != (live.get("status") or {}):
            self.api.update_status(cj)

    def _sync(self, key: Key, cj: Obj, jobs: list[Obj]) -> None:
        spec, status, now = cj["spec"], cj["status"], self.clock.now()
        active: list[Obj] = status.get("active") or []
        by_uid = {j["metadata"]["uid"]: j for j in jobs}
        for j in jobs:
            uid = j["metadata"]["uid"]
            found = any(r.get("uid") == uid for r in active)
            if not found and not is_finished(j):
                self.recorder.event(cj, "Warning", "UnexpectedJob",
                                    f"Saw a job that the controller did not create or forgot: {j['metadata']['name']}",
                                    COMPONENT)
            elif found and is_finished(j):
                cond = "Complete" if is_true(j, "Complete") else "Failed"
                active = [r for r in active if r.get("uid") != uid]
                self.recorder.event(cj, "Normal", "SawCompletedJob",
                                    f"Saw completed job: {j['metadata']['name']}, condition: {cond}", COMPONENT)
            if is_true(j, "Complete"):
                done = parse_time((j.get("status") or {}).get("completionTime"))
                last = parse_time(status.get("lastSuccessfulTime"))
                if done is not None and (last is None or done > last):
                    status["lastSuccessfulTime"] = j["status"]["completionTime"]
        for r in list(active):
            if r.get("uid") not in by_uid:
                active.remove(r)
                self.recorder.event(cj, "Normal", "MissingJob", f"Active job went missing: {r.get('name')}",
                                    COMPONENT)
        status["active"] = active
        if cj["metadata"].get("deletionTimestamp"):
            return
        tz = spec.get("timeZone")
        try:
            sched = Schedule(spec.get("schedule") or "", tz)
        except ZoneInfoNotFoundError:
            self.recorder.event(cj, "Warning", "UnknownTimeZone", f"invalid timeZone: {tz!r}", COMPONENT)
            return
        except (CronSimError, ValueError) as e:
            self.recorder.event(cj, "Warning", "UnparseableSchedule",
                                f"unparseable schedule: {spec.get('schedule')!r} : {e}", COMPONENT)
            return
        if spec.get("suspend"):
            return
        scheduled, next_run = self._most_recent(cj, sched, now)
        self.requeue_after(key, next_run + NEXT_SCHEDULE_DELTA - now)
        if scheduled is None:
            return
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None and scheduled + deadline < now:
            self.recorder.event(cj, "Warning", "MissSchedule",
                                f"Missed scheduled time to start a job: {_rfc1123z(scheduled)}", COMPONENT)
            return
        name = job_name(cj, scheduled)
        if any(r.get("name") == name for r in active) or parse_time(status.get("lastScheduleTime")) == scheduled:
            return
        policy = spec.get("concurrencyPolicy", "Allow")
        if policy == "Forbid" and active:
            self.recorder.event(cj, "Normal", "JobAlreadyActive",
                                "Not starting job because prior execution is running and concurrency policy is Forbid",
                                COMPONENT)
            return
        if policy == "Replace":
            for r in list(active):
                self._delete_job(cj, r.get("name") or "")
                active.remove(r)
        try:
            job = self.api.create(self._job(cj, name, scheduled, sched))
        except ApiError as e:
            if e.code == 409:
                return  # created at an earlier sync: the Job's event brings it into active
            self.recorder.event(cj, "Warning", "FailedCreate", f"Error creating job: {e.message}", COMPONENT)
            return
        self.recorder.event(cj, "Normal", "SuccessfulCreate", f"Created job {name}", COMPONENT)
        meta = job["metadata"]
        active.append({"apiVersion": "batch/v1", "kind": "Job", "name": name, "namespace": meta["namespace"],
                       "resourceVersion": meta["resourceVersion"], "uid": meta["uid"]})
        status["lastScheduleTime"] = self.clock.iso(scheduled)

    def _most_recent(self, cj: Obj, sched: Schedule, now: float) -> tuple[float | None, float]:
        """mostRecentScheduleTime: the latest scheduled time in (earliest, now] and the next one after now."""
        status, spec = cj["status"], cj["spec"]
        earliest = parse_time(status.get("lastScheduleTime")) or parse_time(cj["metadata"].get("creationTimestamp"))
        earliest = earliest if earliest is not None else now
        deadline = spec.get("startingDeadlineSeconds")
        if deadline is not None:
            earliest = max(earliest, now - deadline)
        if earliest > now:
            return None, sched.next(now)
        t = sched.next(earliest)
        latest, missed = None, 0
        while t <= now:
            latest, missed = t, missed + 1
            if missed > 10_000:  # a schedule far behind: jump to the recent past
                t = sched.next(now - 3600)
                while t <= now:
                    latest, t = t, sched.next(t)
                break
            t = sched.next(t)
        if missed > TOO_MANY_MISSED:
            self.recorder.event(cj, "Warning", "TooManyMissedTimes",
                                f"too many missed start times: {missed}. Set or decrease .spec.startingDeadlineSeconds "
                                "or check clock skew", COMPONENT)
        return latest, t

    def _job(self, cj: Obj, name: str, scheduled: float, sched: Schedule) -> Obj:
        """getJobFromTemplate2."""
        template = cj["spec"].get("jobTemplate") or {}
        tmeta = template.get("metadata") or {}
        meta: Obj = {"name": name, "namespace": cj["metadata"]["namespace"]}
        if tmeta.get("labels"):
            meta["labels"] = deep_copy(tmeta["labels"])
        annotations = deep_copy(tmeta.get("annotations") or {})
        annotations[SCHEDULED_TIMESTAMP] = datetime.fromtimestamp(scheduled, sched.zone).isoformat().replace(
            "+00:00", "Z")
        meta["annotations"] = annotations
        meta["ownerReferences"] = [dict(controller_ref_to(cj), apiVersion="batch/v1")]
        return {"apiVersion": "batch/v1", "kind": "Job", "metadata": meta, "spec": deep_copy(template.get("spec") or {})}

    def _delete_job(self, cj: Obj, name: str) -> bool:
        try:
            self.api.delete("Job", cj["metadata"]["namespace"], name)
        except ApiError as e:
            if e.code != 404:
                self.recorder.event(cj, "Warning", "FailedDelete", f"Deleted job: {e.message}", COMPONENT)
                return False
        self.recorder.event(cj, "Normal", "SuccessfulDelete", f"Deleted job {name}", COMPONENT)
        return True

    def _cleanup(self, cj: Obj, jobs: list[Obj]) -> None:
        """cleanupFinishedJobs: keep the newest successful/failed Jobs up to the history limits."""
        spec = cj["spec"]
        for kind, limit in (("Complete", spec.get("successfulJobsHistoryLimit")),
                            ("Failed", spec.get("failedJobsHistoryLimit"))):
            if limit is None:
                continue
            done = [j for j in jobs if is_true(j, kind)]
            if len(done) <= limit:
                continue
            # byJobStartTime: oldest first, no start time last, ties by name
            done.sort(key=lambda j: (parse_time((j.get("status") or {}).get("startTime")) is None,
                                     parse_time((j.get("status") or {}).get("startTime")) or 0.0,
                                     j["metadata"]["name"]))
            for j in done[:len(done) - limit]:
                self._delete_job(cj, j["metadata"]["name"])
