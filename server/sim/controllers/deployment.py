"""DeploymentController: roll a Deployment's pod template out through ReplicaSets (pkg/controller/deployment).

Owns: claiming ReplicaSets (adopt matching orphans, release non-matching ones), the new RS
(``<deployment>-<pod-template-hash>``, hash label on template and selector, revision and
desired/max-replicas annotations, the Deployment's own annotations copied on, collision count),
RollingUpdate and Recreate, proportional scaling of a rollout in flight, pause, revision
renumbering on rollback (kubectl replaces the template; the RS that matches it gets max+1 and a
revision-history entry), history cleanup (revisionHistoryLimit), the Deployment status and its
Available/Progressing conditions with the progress deadline, and the ``ScalingReplicaSet`` events
in their v1.32 wording (``Scaled up replica set web-7c74bc9bb8 from 0 to 3``).

Hands off: pods are the ReplicaSet controller's; this controller only writes ReplicaSets
(``api.create``, ``store.update`` of spec/annotations, ``api.delete`` for history) and the
Deployment's status and revision annotation. The arithmetic lives in ``deployment_util``.

The structure follows the Go code function by function (syncDeployment, rolloutRolling,
reconcileNewReplicaSet, reconcileOldReplicaSets, scale, syncRolloutStatus …) so that it can be
read side by side with it.
"""

from __future__ import annotations

from ..api import ApiError
from ..store import Key, Obj, WatchEvent, deep_copy, matches_selector
from . import Controller
from . import deployment_util as du

COMPONENT = "deployment-controller"


class DeploymentController(Controller):
    name = "deployment-controller"
    watches = ("Deployment", "ReplicaSet", "Pod")

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        self._templates: dict[tuple, bool] = {}

    def start(self) -> None:
        for d in self.store.scan("Deployment"):
            self.enqueue(("Deployment", d["metadata"]["namespace"], d["metadata"]["name"]))

    # -- event handlers -------------------------------------------------------------------------------
    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        kind = obj["kind"]
        ns = obj["metadata"].get("namespace") or ""
        if kind == "Deployment":
            self.enqueue(event.key)
        elif kind == "ReplicaSet":
            ref = du.controller_ref(obj)
            if ref is not None:
                if ref.get("kind") == "Deployment":
                    self.enqueue(("Deployment", ns, ref["name"]))
                return
            if event.type == "DELETED":
                return
            labels = obj["metadata"].get("labels") or {}
            for d in self.store.scan("Deployment", ns):
                if matches_selector(labels, d["spec"].get("selector")):
                    self.enqueue(("Deployment", ns, d["metadata"]["name"]))
        elif kind == "Pod" and event.type == "DELETED":
            # Only Recreate cares about pods: it waits for the old ones to be gone.
            ref = du.controller_ref(obj)
            if ref is None or ref.get("kind") != "ReplicaSet":
                return
            rs = self.store.peek("ReplicaSet", ns, ref["name"])
            dref = du.controller_ref(rs) if rs is not None else None
            if dref is None or dref.get("kind") != "Deployment":
                return
            d = self.store.peek("Deployment", ns, dref["name"])
            if d is not None and du.strategy_type(d) == "Recreate":
                self.enqueue(("Deployment", ns, dref["name"]))

    # -- syncDeployment ---------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        stored = self.store.peek(*key)
        if stored is None:
            return
        # the sync changes the Deployment's annotations and status only: those are copied, its spec
        # (the template) is the stored object's, read-only
        d = _writable(stored)
        d.setdefault("status", {})
        if isinstance(d["status"], dict):
            d["status"] = dict(d["status"])
        selector = d["spec"].get("selector")
        if not selector or (not selector.get("matchLabels") and not selector.get("matchExpressions")):
            self.recorder.event(d, "Warning", "SelectingAll",
                                "This deployment is selecting all pods. A non-empty selector is required.", COMPONENT)
            if int(d["status"].get("observedGeneration") or 0) < int(d["metadata"].get("generation") or 0):
                d["status"]["observedGeneration"] = d["metadata"]["generation"]
                self._write(d)
            return
        rs_list = self.claim_replicasets(d)
        if d["metadata"].get("deletionTimestamp"):
            new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, False)
            self.sync_deployment_status([*old_rss, new_rs], new_rs, d)
            return
        self.check_paused_conditions(d)
        if d["spec"].get("paused"):
            self.sync(d, rs_list)
            return
        if self.is_scaling_event(d, rs_list):
            self.sync(d, rs_list)
            return
        if du.strategy_type(d) == "Recreate":
            self.rollout_recreate(d, rs_list)
        else:
            self.rollout_rolling(d, rs_list)

    def _write(self, d: Obj) -> None:
        """UpdateStatus: the status and the revision annotation (status writes may change metadata)."""
        d["status"] = _omit_empty(d["status"])
        # the store keeps copies of what this sync goes on changing (annotations, status), and
        # shares the rest with the stored Deployment
        self.api.update_status(dict(_writable(d), status=deep_copy(d["status"])), owned=True)

    def _rs(self, rs: Obj) -> Obj:
        """The freshest stored ``rs`` (our own writes land in the store synchronously): read-only,
        whoever changes it copies it first."""
        current = self.store.peek("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
        return current if current is not None else rs

    def _same_template(self, d: Obj, rs: Obj) -> bool:
        """du.same_template, remembered per (Deployment, ReplicaSet) generation pair: the store bumps
        a generation on every spec change, and a sync would otherwise compare whole templates
        several times over on every ReplicaSet status write."""
        dm, rm = d["metadata"], rs["metadata"]
        key = (dm.get("uid"), dm.get("generation"), rm.get("uid"), rm.get("generation"))
        if None in key:
            return du.same_template(d, rs)
        same = self._templates.get(key)
        if same is None:
            if len(self._templates) >= 4096:
                self._templates.clear()
            same = self._templates[key] = du.same_template(d, rs)
        return same

    # -- claiming ---------------------------------------------------------------------------------------
    def claim_replicasets(self, d: Obj) -> list[Obj]:
        """ClaimReplicaSets: the stored objects, read-only (a change is made on a copy)."""
        return self.claim(d, "ReplicaSet")

    # -- new and old ReplicaSets ------------------------------------------------------------------------
    def get_all_rss_and_sync_revision(self, d: Obj, rs_list: list[Obj], create: bool) -> tuple[Obj | None, list[Obj]]:
        # FindOldReplicaSets and FindNewReplicaSet, the new one looked for once (the Go code does it twice)
        existing = du.find_new_rs(d, rs_list, self._same_template)
        all_old = du.others(existing, rs_list)
        return self.get_new_rs(d, rs_list, all_old, create, existing), all_old

    def get_new_rs(self, d: Obj, rs_list: list[Obj], old_rss: list[Obj], create: bool,
                   existing: Obj | None) -> Obj | None:
        """getNewReplicaSet; ``existing``: the one FindNewReplicaSet found in ``rs_list``, if any."""
        new_revision = du.max_revision(old_rss) + 1
        progress = du.progress_deadline(d) is not None
        if existing is not None:
            rs = _writable(self._rs(existing))
            annotations_updated = du.set_new_rs_annotations(d, rs, new_revision, True)
            if annotations_updated or du.min_ready_seconds(rs) != du.min_ready_seconds(d):
                rs["spec"] = dict(rs["spec"], minReadySeconds=du.min_ready_seconds(d))
                return self.store.update(rs, owned=True)  # read-only from here, as every RS here
            needs_update = du.set_deployment_revision(d, rs["metadata"]["annotations"].get(du.REVISION, ""))
            if progress and du.get_condition(d["status"], "Progressing") is None:
                du.set_condition(d["status"], du.new_condition(
                    "Progressing", "True", du.FOUND_NEW_RS, f'Found new replica set "{rs["metadata"]["name"]}"',
                    self.clock.iso()))
                needs_update = True
            if needs_update:
                self._write(d)
            return rs
        if not create:
            return None
        template = deep_copy(d["spec"].get("template") or {})
        collision = d["status"].get("collisionCount")
        pod_hash = du.compute_hash(template, collision)
        tmeta = template.setdefault("metadata", {})
        tmeta["labels"] = {**(tmeta.get("labels") or {}), du.HASH_LABEL: pod_hash}
        selector = deep_copy(d["spec"].get("selector") or {})
        selector["matchLabels"] = {**(selector.get("matchLabels") or {}), du.HASH_LABEL: pod_hash}
        name = f'{d["metadata"]["name"]}-{pod_hash}'
        new_rs: Obj = {
            "apiVersion": "apps/v1",
            "kind": "ReplicaSet",
            "metadata": {
                "name": name,
                "namespace": d["metadata"]["namespace"],
                "labels": dict(tmeta["labels"]),
                "ownerReferences": [du.controller_ref_to(d)],
            },
            "spec": {"replicas": 0, "minReadySeconds": du.min_ready_seconds(d), "selector": selector,
                     "template": template},
        }
        count = du.new_rs_new_replicas(d, [*old_rss, new_rs], new_rs)
        new_rs["spec"]["replicas"] = count
        du.set_new_rs_annotations(d, new_rs, new_revision, False)
        already_exists = False
        try:
            created = self.api.create(new_rs)
        except ApiError as e:
            if e.reason == "AlreadyExists":
                found = self.store.get("ReplicaSet", d["metadata"]["namespace"], name)
                ref = du.controller_ref(found) if found else None
                if (found is not None and ref is not None and ref.get("uid") == d["metadata"]["uid"]
                        and du.equal_ignore_hash(d["spec"].get("template"), found["spec"].get("template"))):
                    created, already_exists = found, True
                else:
                    # A hash collision: bump collisionCount; the status write requeues us.
                    d["status"]["collisionCount"] = int(collision or 0) + 1
                    self._write(d)
                    return None
            else:
                msg = f'Failed to create new replica set "{name}": {e.message}'
                if progress:
                    du.set_condition(d["status"], du.new_condition("Progressing", "False", du.FAILED_RS_CREATE, msg,
                                                                   self.clock.iso()))
                    self._write(d)
                self.recorder.event(d, "Warning", du.FAILED_RS_CREATE, msg, COMPONENT)
                return None
        if not already_exists and count > 0:
            self.recorder.event(d, "Normal", "ScalingReplicaSet",
                                f"Scaled up replica set {created['metadata']['name']} from 0 to {count}", COMPONENT)
        needs_update = du.set_deployment_revision(d, str(new_revision))
        if not already_exists and progress:
            du.set_condition(d["status"], du.new_condition(
                "Progressing", "True", du.NEW_RS_CREATED, f'Created new replica set "{created["metadata"]["name"]}"',
                self.clock.iso()))
            needs_update = True
        if needs_update:
            self._write(d)
        return created

    # -- scaling one ReplicaSet ---------------------------------------------------------------------------
    def scale_rs_and_record(self, rs: Obj, new_scale: int, d: Obj) -> tuple[bool, Obj]:
        if du.replicas(rs) == new_scale:
            return False, rs
        op = "up" if du.replicas(rs) < new_scale else "down"
        return self.scale_rs(rs, new_scale, d, op)

    def scale_rs(self, rs: Obj, new_scale: int, d: Obj, op: str) -> tuple[bool, Obj]:
        rs = self._rs(rs)
        size_changed = du.replicas(rs) != new_scale
        desired, maximum = du.replicas(d), du.replicas(d) + du.max_surge(d)
        if not size_changed and not du.replicas_annotations_need_update(rs, desired, maximum):
            return False, rs
        old = du.replicas(rs)
        rs = _writable(rs)
        rs["spec"] = dict(rs["spec"], replicas=new_scale)
        du.set_replicas_annotations(rs, desired, maximum)
        rs = self.store.update(rs, owned=True)  # the stored RS, read-only
        if size_changed:
            self.recorder.event(d, "Normal", "ScalingReplicaSet",
                                f"Scaled {op} replica set {rs['metadata']['name']} from {old} to {new_scale}", COMPONENT)
        return size_changed, rs

    # -- RollingUpdate -------------------------------------------------------------------------------------
    def rollout_rolling(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, True)
        if new_rs is None:
            return  # creation failed or collided; the status write brings us back
        all_rss = [*old_rss, new_rs]
        if self.reconcile_new_rs(all_rss, new_rs, d):
            self.sync_rollout_status(self._fresh(all_rss), self._rs(new_rs), d)
            return
        new_rs = self._rs(new_rs)
        if self.reconcile_old_rss(self._fresh(all_rss), du.active(self._fresh(old_rss)), new_rs, d):
            self.sync_rollout_status(self._fresh(all_rss), self._rs(new_rs), d)
            return
        if du.deployment_complete(d, d["status"]):
            self.cleanup(self._fresh(old_rss), d)
        self.sync_rollout_status(self._fresh(all_rss), self._rs(new_rs), d)

    def _fresh(self, rss: list[Obj]) -> list[Obj]:
        out = []
        for rs in rss:
            current = self.store.peek("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            if current is not None and current["metadata"]["uid"] == rs["metadata"]["uid"]:
                out.append(current)
        return out

    def reconcile_new_rs(self, all_rss: list[Obj], new_rs: Obj, d: Obj) -> bool:
        n = du.replicas(d)
        if du.replicas(new_rs) == n:
            return False
        if du.replicas(new_rs) > n:
            return self.scale_rs_and_record(new_rs, n, d)[0]
        return self.scale_rs_and_record(new_rs, du.new_rs_new_replicas(d, all_rss, new_rs), d)[0]

    def reconcile_old_rss(self, all_rss: list[Obj], old_rss: list[Obj], new_rs: Obj, d: Obj) -> bool:
        if du.spec_sum(old_rss) == 0:
            return False
        all_count = du.spec_sum(all_rss)
        min_available = du.replicas(d) - du.max_unavailable(d)
        new_unavailable = du.replicas(new_rs) - du.rs_status(new_rs, "availableReplicas")
        max_scaled_down = all_count - min_available - new_unavailable
        if max_scaled_down <= 0:
            return False
        # Unhealthy replicas first: deleting not-ready pods costs no availability (issue #16737).
        old_rss, cleaned = self.cleanup_unhealthy(old_rss, d, max_scaled_down)
        scaled = self.scale_down_old_for_rolling([*old_rss, new_rs], old_rss, d)
        return cleaned + scaled > 0

    def cleanup_unhealthy(self, old_rss: list[Obj], d: Obj, max_cleanup: int) -> tuple[list[Obj], int]:
        old_rss = du.sort_by_creation(old_rss)
        total = 0
        for i, rs in enumerate(old_rss):
            if total >= max_cleanup:
                break
            spec, avail = du.replicas(rs), du.rs_status(rs, "availableReplicas")
            if spec == 0 or spec == avail:
                continue
            count = min(max_cleanup - total, spec - avail)
            _, updated = self.scale_rs_and_record(rs, spec - count, d)
            # the updated copy keeps the status from before the scale, as the Go code's does
            updated = dict(updated, status=rs.get("status") or {})
            old_rss[i] = updated
            total += count
        return old_rss, total

    def scale_down_old_for_rolling(self, all_rss: list[Obj], old_rss: list[Obj], d: Obj) -> int:
        min_available = du.replicas(d) - du.max_unavailable(d)
        available = du.available_sum(all_rss)
        if available <= min_available:
            return 0
        total_to_remove = available - min_available
        total = 0
        for rs in du.sort_by_creation(old_rss):
            if total >= total_to_remove:
                break
            if du.replicas(rs) == 0:
                continue
            count = min(du.replicas(rs), total_to_remove - total)
            self.scale_rs_and_record(rs, du.replicas(rs) - count, d)
            total += count
        return total

    # -- Recreate -------------------------------------------------------------------------------------------
    def rollout_recreate(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, False)
        scaled = False
        for rs in du.active(old_rss):
            scaled = self.scale_rs_and_record(rs, 0, d)[0] or scaled
        if scaled:
            self.sync_rollout_status(self._fresh([*old_rss, *( [new_rs] if new_rs else [])]), new_rs, d)
            return
        if self.old_pods_running(new_rs, old_rss, rs_list):
            self.sync_rollout_status(self._fresh([*old_rss, *([new_rs] if new_rs else [])]), new_rs, d)
            return
        if new_rs is None:
            new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, True)
            if new_rs is None:
                return
        self.scale_rs_and_record(new_rs, du.replicas(d), d)
        if du.deployment_complete(d, d["status"]):
            self.cleanup(self._fresh(old_rss), d)
        self.sync_rollout_status(self._fresh([*old_rss, new_rs]), self._rs(new_rs), d)

    def old_pods_running(self, new_rs: Obj | None, old_rss: list[Obj], rs_list: list[Obj]) -> bool:
        if du.actual_sum(self._fresh(old_rss)) > 0:
            return True
        new_uid = new_rs["metadata"]["uid"] if new_rs else None
        for rs in rs_list:
            if rs["metadata"]["uid"] == new_uid:
                continue
            for pod in self.store.scan("Pod", rs["metadata"]["namespace"], owner_uid=rs["metadata"]["uid"]):
                if (du.controller_ref(pod) or {}).get("uid") != rs["metadata"]["uid"]:
                    continue
                # Terminating pods count as running: their containers may still be up.
                if (pod.get("status") or {}).get("phase") not in ("Failed", "Succeeded"):
                    return True
        return False

    # -- scaling (paused, or spec.replicas changed) --------------------------------------------------------
    def is_scaling_event(self, d: Obj, rs_list: list[Obj]) -> bool:
        new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, False)
        for rs in du.active(self._fresh([*old_rss, *([new_rs] if new_rs else [])])):
            desired = du.desired_replicas_annotation(rs)
            if desired is not None and desired != du.replicas(d):
                return True
        return False

    def sync(self, d: Obj, rs_list: list[Obj]) -> None:
        new_rs, old_rss = self.get_all_rss_and_sync_revision(d, rs_list, False)
        self.scale(d, new_rs, old_rss)
        old_rss = self._fresh(old_rss)
        if d["spec"].get("paused"):
            self.cleanup(old_rss, d)
        new_rs = self._rs(new_rs) if new_rs else None
        self.sync_deployment_status(self._fresh([*old_rss, *([new_rs] if new_rs else [])]), new_rs, d)

    def scale(self, d: Obj, new_rs: Obj | None, old_rss: list[Obj]) -> None:
        n = du.replicas(d)
        target = du.find_active_or_latest(new_rs, old_rss)
        if target is not None:
            if du.replicas(target) != n:
                self.scale_rs_and_record(target, n, d)
            return
        if du.is_saturated(d, new_rs):
            for rs in du.active(old_rss):
                self.scale_rs_and_record(rs, 0, d)
            return
        if not du.is_rolling_update(d):
            return
        all_rss = du.active([*old_rss, new_rs])
        allowed = n + du.max_surge(d) if n > 0 else 0
        to_add = allowed - du.spec_sum(all_rss)
        op = ""
        if to_add > 0:
            all_rss = du.sort_by_size(all_rss, newer_first=True)
            op = "up"
        elif to_add < 0:
            all_rss = du.sort_by_size(all_rss, newer_first=False)
            op = "down"
        added = 0
        sizes: dict[str, int] = {}
        for rs in all_rss:
            if to_add != 0:
                share = du.get_proportion(rs, d, to_add, added)
                sizes[rs["metadata"]["name"]] = du.replicas(rs) + share
                added += share
            else:
                sizes[rs["metadata"]["name"]] = du.replicas(rs)
        for i, rs in enumerate(all_rss):
            name = rs["metadata"]["name"]
            if i == 0 and to_add != 0:
                sizes[name] = max(0, sizes[name] + to_add - added)
            self.scale_rs(rs, sizes[name], d, op)

    # -- history --------------------------------------------------------------------------------------------
    def cleanup(self, old_rss: list[Obj], d: Obj) -> None:
        """cleanupDeployment: delete the oldest scaled-down RSs beyond revisionHistoryLimit."""
        limit = du.revision_history_limit(d)
        if limit is None:
            return
        alive = [rs for rs in old_rss if not rs["metadata"].get("deletionTimestamp")]
        diff = len(alive) - limit
        if diff <= 0:
            return
        for rs in du.sort_by_revision(alive)[:diff]:
            if (du.rs_status(rs, "replicas") != 0 or du.replicas(rs) != 0
                    or int(rs["metadata"].get("generation") or 0) > du.rs_status(rs, "observedGeneration")):
                continue
            try:
                self.api.delete("ReplicaSet", rs["metadata"]["namespace"], rs["metadata"]["name"])
            except ApiError as e:
                if e.code != 404:
                    raise

    # -- status -----------------------------------------------------------------------------------------------
    def calculate_status(self, all_rss: list[Obj], new_rs: Obj | None, d: Obj) -> Obj:
        available = du.available_sum(all_rss)
        total = du.spec_sum(all_rss)
        old = d.get("status") or {}
        status: Obj = {
            "observedGeneration": d["metadata"].get("generation") or 0,
            "replicas": du.actual_sum(all_rss),
            "updatedReplicas": du.actual_sum([new_rs]),
            "readyReplicas": du.ready_sum(all_rss),
            "availableReplicas": available,
            "unavailableReplicas": max(0, total - available),
            "conditions": deep_copy(old.get("conditions") or []),
        }
        if "collisionCount" in old:
            status["collisionCount"] = old["collisionCount"]
        now = self.clock.iso()
        if available >= du.replicas(d) - du.max_unavailable(d):
            du.set_condition(status, du.new_condition("Available", "True", du.MIN_AVAILABLE,
                                                      "Deployment has minimum availability.", now))
        else:
            du.set_condition(status, du.new_condition("Available", "False", du.MIN_UNAVAILABLE,
                                                      "Deployment does not have minimum availability.", now))
        return status

    def sync_deployment_status(self, all_rss: list[Obj], new_rs: Obj | None, d: Obj) -> None:
        status = _omit_empty(self.calculate_status(all_rss, new_rs, d))
        if status == _omit_empty(d["status"]):
            return
        d["status"] = status
        self._write(d)

    def sync_rollout_status(self, all_rss: list[Obj], new_rs: Obj | None, d: Obj) -> None:
        status = self.calculate_status(all_rss, new_rs, d)
        now_iso, now = self.clock.iso(), self.clock.now()
        has_deadline = du.progress_deadline(d) is not None
        if not has_deadline:
            du.remove_condition(status, "Progressing")
        current = du.get_condition(d["status"], "Progressing")
        complete_already = (int(status.get("replicas") or 0) == int(status.get("updatedReplicas") or 0)
                            and current is not None and current.get("reason") == du.NEW_RS_AVAILABLE)
        rs_name = new_rs["metadata"]["name"] if new_rs else None
        dname = d["metadata"]["name"]
        if has_deadline and not complete_already:
            if du.deployment_complete(d, status):
                msg = f'ReplicaSet "{rs_name}" has successfully progressed.' if rs_name else \
                    f'Deployment "{dname}" has successfully progressed.'
                du.set_condition(status, du.new_condition("Progressing", "True", du.NEW_RS_AVAILABLE, msg, now_iso))
            elif du.deployment_progressing(d, status):
                msg = f'ReplicaSet "{rs_name}" is progressing.' if rs_name else f'Deployment "{dname}" is progressing.'
                cond = du.new_condition("Progressing", "True", du.RS_UPDATED, msg, now_iso)
                if current is not None:
                    if current["status"] == "True":
                        cond["lastTransitionTime"] = current["lastTransitionTime"]
                    du.remove_condition(status, "Progressing")
                du.set_condition(status, cond)
            elif du.deployment_timed_out(d, status, now):
                msg = f'ReplicaSet "{rs_name}" has timed out progressing.' if rs_name else \
                    f'Deployment "{dname}" has timed out progressing.'
                du.set_condition(status, du.new_condition("Progressing", "False", du.TIMED_OUT, msg, now_iso))
        failure = None
        for rs in sorted(all_rss, key=lambda r: 0 if new_rs and r["metadata"]["uid"] == new_rs["metadata"]["uid"] else 1):
            failure = next((c for c in (rs.get("status") or {}).get("conditions") or []
                            if c.get("type") == "ReplicaFailure"), None)
            if failure is not None:
                break
        if failure is not None:
            du.set_condition(status, {"type": "ReplicaFailure", "status": failure["status"],
                                      "lastUpdateTime": now_iso,
                                      "lastTransitionTime": failure.get("lastTransitionTime", now_iso),
                                      "reason": failure.get("reason", ""), "message": failure.get("message", "")})
        else:
            du.remove_condition(status, "ReplicaFailure")
        status = _omit_empty(status)
        if status == _omit_empty(d["status"]):
            self.requeue_stuck(d, status)
            return
        d["status"] = status
        self._write(d)

    def requeue_stuck(self, d: Obj, status: Obj) -> None:
        """requeueStuckDeployment: come back when the progress deadline would pass."""
        deadline = du.progress_deadline(d)
        current = du.get_condition(d["status"], "Progressing")
        if deadline is None or current is None:
            return
        if du.deployment_complete(d, status) or current.get("reason") == du.TIMED_OUT:
            return
        last = du.parse_time(current.get("lastUpdateTime"))
        if last is None:
            return
        after = last + deadline - self.clock.now()
        # One second past the deadline (the Go code adds it to beat clock skew; here it makes the
        # strict "deadline < now" comparison true when the timer fires).
        key = ("Deployment", d["metadata"]["namespace"], d["metadata"]["name"])
        self.requeue_after(key, max(after, 0.0) + 1.0)

    def check_paused_conditions(self, d: Obj) -> None:
        if du.progress_deadline(d) is None:
            return
        cond = du.get_condition(d["status"], "Progressing")
        if cond is not None and cond.get("reason") == du.TIMED_OUT:
            return
        paused_exists = cond is not None and cond.get("reason") == du.PAUSED
        paused = bool(d["spec"].get("paused"))
        if paused and not paused_exists:
            du.set_condition(d["status"], du.new_condition("Progressing", "Unknown", du.PAUSED,
                                                           "Deployment is paused", self.clock.iso()))
        elif not paused and paused_exists:
            du.set_condition(d["status"], du.new_condition("Progressing", "Unknown", du.RESUMED,
                                                           "Deployment is resumed", self.clock.iso()))
        else:
            return
        self._write(d)


def _writable(obj: Obj) -> Obj:
    """A copy of ``obj`` whose top level, metadata and annotations may be changed in place (as
    ``store.get``'s deep copy could be); every other part is the stored object's, read-only."""
    meta = dict(obj["metadata"])
    ann = meta.setdefault("annotations", {})
    if isinstance(ann, dict):
        meta["annotations"] = dict(ann)
    return dict(obj, metadata=meta)


def _omit_empty(status: Obj) -> Obj:
    """DeploymentStatus fields are ``omitempty``: zeros and empty lists are not serialised."""
    return {k: v for k, v in status.items() if k == "collisionCount" or v not in (0, None, [], {})}
