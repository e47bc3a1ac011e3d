"""StatefulSetController: pods with a stable identity (pkg/controller/statefulset, k8s-behavior §8.4).

Owns: claiming the pods that are members of a StatefulSet (named ``<sts>-<ordinal>``; matching
orphans adopted, owned ones that stopped matching released), the revision history
(``getStatefulSetRevisions``: one ControllerRevision ``<sts>-<hash>`` per template, the current
and the update revision, the collision count), creating the pod of each ordinal from
``spec.ordinals.start`` (hostname = its name, subdomain = serviceName, the labels
``statefulset.kubernetes.io/pod-name``, ``apps.kubernetes.io/pod-index`` and
``controller-revision-hash``, a ``persistentVolumeClaim`` volume ``<template>-<sts>-<ordinal>`` per
volumeClaimTemplate), OrderedReady (one ordinal at a time, each waiting for its predecessors to be
Running and Ready — and available with minReadySeconds; scale-down from the highest ordinal, one
at a time, waiting for termination; blocked while a pod is unhealthy) and Parallel management,
failed pods deleted and recreated under the same name once the old object is gone, RollingUpdate
(highest ordinal first, down to ``partition``, one at a time, each waiting for health) and
OnDelete, the status and the ``SuccessfulCreate`` / ``SuccessfulDelete`` events (source
``statefulset-controller``, "create Pod web-0 in StatefulSet web successful").

Claims (stateful_pod_control.go): before a pod is created, each volumeClaimTemplate's claim
``<template>-<sts>-<ordinal>`` is created if missing (the template's labels plus the selector's
matchLabels; event "create Claim www-web-0 Pod web-0 in StatefulSet web success"), again for a
Pending pod whose claims went missing; a claim being deleted blocks the pod. The
``persistentVolumeClaimRetentionPolicy`` (StatefulSetAutoDeletePVC, beta and on in v1.32) sets the
claims' ownerReferences: whenDeleted Delete → owned by the StatefulSet, whenScaled Delete → owned
by the condemned pod before it is deleted; Retain (the default) leaves them unowned, so they
outlive their pods and the StatefulSet.

Hands off: pods go through ``api.create`` / ``api.delete`` (defaults, admission, graceful
deletion); the scheduler binds them once their claims are bound (the PV controller's and the
provisioner's work) and the kubelet runs them. Deleting the StatefulSet is the garbage collector's; the headless Service's DNS names come
from the endpoints controllers, which copy hostname/subdomain.

As in the DaemonSet controller, expectations are not needed: the store delivers every write to the
controllers synchronously. Status is computed from the pods as the sync found them, and the next
sync (triggered by the pod events) brings it up to date, as in ``updateStatefulSet``.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..api import ApiError
from ..store import Key, Obj, WatchEvent, deep_copy, key_of
from . import Controller
from .deployment_util import available_at, controller_ref, controller_ref_to, is_pod_available, is_pod_ready
from .history import (
    REVISION_HASH_LABEL,
    hash_revision,
    revision_data,
    revision_matches,
    revision_name,
    template_of,
)
from .replicaset import pod_from_template

if TYPE_CHECKING:
    from ..cluster import Cluster

COMPONENT = "statefulset-controller"
REVISION_LABEL = "controller-revision-hash"
POD_NAME_LABEL = "statefulset.kubernetes.io/pod-name"
POD_INDEX_LABEL = "apps.kubernetes.io/pod-index"
_ORDINAL = re.compile(r"^(.*)-([0-9]+)$")


# -- identity -------------------------------------------------------------------------------------------------
def parent_and_ordinal(pod: Obj) -> tuple[str, int]:
    """getParentNameAndOrdinal: ``web-3`` -> ("web", 3); ("", -1) for names without an ordinal."""
    m = _ORDINAL.match(pod["metadata"]["name"])
    if not m:
        return "", -1
    return m.group(1), int(m.group(2))


def start_ordinal(sts: Obj) -> int:
    return int(((sts["spec"].get("ordinals") or {}).get("start")) or 0)


def replicas_of(sts: Obj) -> int:
    r = sts["spec"].get("replicas")
    return 1 if r is None else int(r)


def pod_revision(pod: Obj) -> str:
    return (pod["metadata"].get("labels") or {}).get(REVISION_LABEL, "")


def claim_name(template: Obj, sts: Obj, ordinal: int) -> str:
    """getPersistentVolumeClaimName: ``<template>-<sts>-<ordinal>``."""
    return f"{template['metadata']['name']}-{sts['metadata']['name']}-{ordinal}"


def _update_identity(sts: Obj, pod: Obj, ordinal: int) -> None:
    """updateIdentity: name, hostname = name, subdomain = serviceName, the pod-name/pod-index labels."""
    name = f"{sts['metadata']['name']}-{ordinal}"
    meta = pod["metadata"]
    meta["name"] = name
    meta["namespace"] = sts["metadata"]["namespace"]
    labels = meta.setdefault("labels", {})
    labels[POD_NAME_LABEL] = name
    labels[POD_INDEX_LABEL] = str(ordinal)  # PodIndexLabel: beta, on in v1.32
    pod["spec"]["hostname"] = name
    if sts["spec"].get("serviceName"):
        pod["spec"]["subdomain"] = sts["spec"]["serviceName"]
    else:
        pod["spec"].pop("subdomain", None)


def _update_storage(sts: Obj, pod: Obj, ordinal: int) -> None:
    """updateStorage: a claim volume per volumeClaimTemplate (replacing a template volume of the
    same name), then the template's other volumes."""
    templates = [t for t in sts["spec"].get("volumeClaimTemplates") or [] if (t.get("metadata") or {}).get("name")]
    if not templates:
        return
    names = {t["metadata"]["name"] for t in templates}
    volumes = [{"name": t["metadata"]["name"],
                "persistentVolumeClaim": {"claimName": claim_name(t, sts, ordinal)}} for t in templates]
    volumes += [v for v in pod["spec"].get("volumes") or [] if v.get("name") not in names]
    pod["spec"]["volumes"] = volumes


def claims_for(sts: Obj, ordinal: int) -> list[Obj]:
    """getPersistentVolumeClaims: each template's claim for the ordinal, labelled with the
    template's labels and the StatefulSet's selector matchLabels."""
    match_labels = ((sts["spec"].get("selector") or {}).get("matchLabels")) or {}
    out = []
    for t in sts["spec"].get("volumeClaimTemplates") or []:
        if not (t.get("metadata") or {}).get("name"):
            continue
        claim = deep_copy(t)
        claim.pop("status", None)
        meta = claim.setdefault("metadata", {})
        meta["name"] = claim_name(t, sts, ordinal)
        meta["namespace"] = sts["metadata"]["namespace"]
        meta["labels"] = {**(meta.get("labels") or {}), **match_labels}
        claim["apiVersion"], claim["kind"] = "v1", "PersistentVolumeClaim"
        out.append(claim)
    return out


def retention_policy(sts: Obj) -> tuple[str, str]:
    policy = sts["spec"].get("persistentVolumeClaimRetentionPolicy") or {}
    return policy.get("whenDeleted") or "Retain", policy.get("whenScaled") or "Retain"


def _owner_ref(owner: Obj, api_version: str) -> Obj:
    return {"apiVersion": api_version, "kind": owner["kind"], "name": owner["metadata"]["name"],
            "uid": owner["metadata"]["uid"]}


def claim_owner_refs(sts: Obj, pod: Obj, claim: Obj, start: int, count: int) -> list[Obj] | None:
    """updateClaimOwnerRefForSetAndPod: the claim's ownerReferences under the retention policy, or
    None when they are right already."""
    when_deleted, when_scaled = retention_policy(sts)
    refs = [r for r in claim["metadata"].get("ownerReferences") or []]
    set_uid, pod_uid = sts["metadata"]["uid"], pod["metadata"].get("uid")
    scaled_down = not (start <= parent_and_ordinal(pod)[1] < start + count)
    want_set = when_deleted == "Delete" and not (when_scaled == "Delete" and scaled_down)
    want_pod = when_scaled == "Delete" and scaled_down and bool(pod_uid)
    new = [r for r in refs if r.get("uid") not in (set_uid, pod_uid)]
    if want_set:
        new.append(next((r for r in refs if r.get("uid") == set_uid), _owner_ref(sts, "apps/v1")))
    if want_pod:
        new.append(next((r for r in refs if r.get("uid") == pod_uid), _owner_ref(pod, "v1")))
    return None if new == refs else new


def new_pod(sts: Obj, template: Obj, ordinal: int, revision: str) -> Obj:
    """newStatefulSetPod + setPodRevision: the template's pod with the ordinal's identity."""
    pod = pod_from_template({"kind": sts["kind"], "apiVersion": sts.get("apiVersion"),
                             "metadata": sts["metadata"], "spec": {"template": template}})
    _update_identity(sts, pod, ordinal)
    _update_storage(sts, pod, ordinal)
    pod["metadata"]["labels"][REVISION_LABEL] = revision
    return pod


def identity_matches(sts: Obj, pod: Obj) -> bool:
    parent, ordinal = parent_and_ordinal(pod)
    labels = pod["metadata"].get("labels") or {}
    spec = pod.get("spec") or {}
    return (ordinal >= 0 and parent == sts["metadata"]["name"]
            and pod["metadata"].get("namespace") == sts["metadata"]["namespace"]
            and labels.get(POD_NAME_LABEL) == pod["metadata"]["name"]
            and labels.get(POD_INDEX_LABEL) == str(ordinal)
            and spec.get("hostname") == pod["metadata"]["name"]
            and (spec.get("subdomain") or "") == (sts["spec"].get("serviceName") or ""))


# -- pod predicates (stateful_set_utils.go) -------------------------------------------------------------------
def _phase(pod: Obj) -> str:
    return (pod.get("status") or {}).get("phase") or ""


def is_created(pod: Obj) -> bool:
    return _phase(pod) != ""


def is_terminating(pod: Obj) -> bool:
    return bool(pod["metadata"].get("deletionTimestamp"))


def is_running_and_ready(pod: Obj) -> bool:
    return _phase(pod) == "Running" and is_pod_ready(pod)


def is_running_and_available(pod: Obj, min_ready: int, now: float) -> bool:
    return _phase(pod) == "Running" and is_pod_available(pod, min_ready, now)


def is_healthy(pod: Obj) -> bool:
    return is_running_and_ready(pod) and not is_terminating(pod)


class StatefulSetController(Controller):
    name = COMPONENT
    watches = ("StatefulSet", "Pod")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: when the ready-but-not-yet-available pods of the last sync become available
        self._next_available: list[float | None] = []

    def start(self) -> None:
        for sts in self.store.scan("StatefulSet"):
            self.enqueue(("StatefulSet", sts["metadata"]["namespace"], sts["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if obj["kind"] == "StatefulSet":
            self.enqueue(event.key)
            return
        self.enqueue_controller_of(event, "StatefulSet")

    # -- sync -------------------------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        sts = self.store.peek(*key)
        if sts is None:
            return
        pods = self._claim_pods(sts)
        current, update, collisions, old = self._revisions(key)
        sts = self.store.peek(*key)
        if sts is None:
            return
        status = self._update_stateful_set(sts, current, update, collisions, pods)
        self._update_status(key, status)
        self._truncate_history(key, current, update, old)

    def _claim_pods(self, sts: Obj) -> list[Obj]:
        """getPodsForStatefulSet: ClaimPods restricted to members (``<sts>-<ordinal>``)."""
        name = sts["metadata"]["name"]
        return self.claim(sts, keep=lambda pod: parent_and_ordinal(pod)[0] == name)

    # -- history ----------------------------------------------------------------------------------------------
    def _revisions(self, key: Key) -> tuple[Obj, Obj, int, list[Obj]]:
        """getStatefulSetRevisions: (current, update, collisionCount, every revision but those two)."""
        sts = self.store.peek(*key)
        assert sts is not None
        ns, uid = sts["metadata"]["namespace"], sts["metadata"]["uid"]
        revisions = sorted((r for r in self.store.scan("ControllerRevision", ns, owner_uid=uid)
                            if (controller_ref(r) or {}).get("uid") == uid),
                           key=lambda r: (int(r.get("revision") or 0), r["metadata"]["name"]))
        collisions = int((sts.get("status") or {}).get("collisionCount") or 0)
        next_revision = (int(revisions[-1].get("revision") or 0) + 1) if revisions else 1
        equal = [r for r in revisions if revision_matches(sts, r)]
        if equal and equal[-1] is revisions[-1]:
            update = revisions[-1]  # the template has not changed since the last revision
        elif equal:
            # a rollback to an earlier template: its revision becomes the newest again
            bumped = deep_copy(equal[-1])
            bumped["revision"] = next_revision
            update = self.store.update(bumped)
        else:
            update, collisions = self._create_revision(sts, next_revision, collisions)
        status_current = (sts.get("status") or {}).get("currentRevision")
        current = next((r for r in revisions if r["metadata"]["name"] == status_current), update)
        if current["metadata"]["name"] == update["metadata"]["name"]:
            current = update
        keep = {current["metadata"]["name"], update["metadata"]["name"]}
        old = [r for r in revisions if r["metadata"]["name"] not in keep]
        return current, update, collisions, old

    def _create_revision(self, sts: Obj, number: int, collisions: int) -> tuple[Obj, int]:
        """newRevision + CreateControllerRevision: on a name clash with different data, bump the
        collision count and hash again."""
        data = revision_data(sts)
        labels = dict(((sts["spec"].get("template") or {}).get("metadata") or {}).get("labels") or {})
        while True:
            hash_ = hash_revision(data, collisions)
            meta: Obj = {"name": revision_name(sts["metadata"]["name"], hash_),
                         "namespace": sts["metadata"]["namespace"],
                         "labels": {**labels, REVISION_HASH_LABEL: hash_},
                         "ownerReferences": [controller_ref_to(sts)]}
            if sts["metadata"].get("annotations"):
                meta["annotations"] = dict(sts["metadata"]["annotations"])
            revision = {"apiVersion": "apps/v1", "kind": "ControllerRevision", "metadata": meta,
                        "data": deep_copy(data), "revision": number}
            try:
                return self.api.create(revision), collisions
            except ApiError as e:
                if e.code != 409:
                    raise
            existing = self.store.peek("ControllerRevision", meta["namespace"], meta["name"])
            if existing is not None and revision_matches(sts, existing):
                return existing, collisions
            collisions += 1

    def _truncate_history(self, key: Key, current: Obj, update: Obj, old: list[Obj]) -> None:
        """truncateHistory: beyond revisionHistoryLimit, the oldest revisions no pod uses go."""
        sts = self.store.peek(*key)
        if sts is None:
            return
        limit = sts["spec"].get("revisionHistoryLimit")
        live = {pod_revision(p) for p in self.store.scan("Pod", sts["metadata"]["namespace"],
                                                         owner_uid=sts["metadata"]["uid"])}
        history = [r for r in old if r["metadata"]["name"] not in live]
        to_kill = len(history) - (10 if limit is None else int(limit))
        for rev in history[:max(to_kill, 0)]:
            try:
                self.api.delete("ControllerRevision", rev["metadata"]["namespace"], rev["metadata"]["name"])
            except ApiError:
                pass

    # -- updateStatefulSet ------------------------------------------------------------------------------------
    def _update_stateful_set(self, sts: Obj, current: Obj, update: Obj, collisions: int, pods: list[Obj]) -> Obj:
        now, min_ready = self.clock.now(), int(sts["spec"].get("minReadySeconds") or 0)
        current_name, update_name = current["metadata"]["name"], update["metadata"]["name"]
        status: Obj = {"observedGeneration": sts["metadata"].get("generation") or 0,
                       "currentRevision": current_name, "updateRevision": update_name,
                       "collisionCount": collisions}
        counts = dict.fromkeys(("replicas", "readyReplicas", "availableReplicas", "currentReplicas",
                                "updatedReplicas"), 0)
        for pod in pods:  # computeReplicaStatus
            if is_created(pod):
                counts["replicas"] += 1
            if is_running_and_ready(pod):
                counts["readyReplicas"] += 1
                if is_running_and_available(pod, min_ready, now):
                    counts["availableReplicas"] += 1
            if is_created(pod) and not is_terminating(pod):
                rev = pod_revision(pod)
                counts["currentReplicas"] += rev == current_name
                counts["updatedReplicas"] += rev == update_name
        status.update(counts)
        self._next_available = [available_at(p, min_ready) for p in pods
                                if is_running_and_ready(p) and not is_running_and_available(p, min_ready, now)]

        start, count = start_ordinal(sts), replicas_of(sts)
        replicas: list[Obj | None] = [None] * count
        condemned: list[Obj] = []
        for pod in pods:
            ordinal = parent_and_ordinal(pod)[1]
            if start <= ordinal < start + count:
                replicas[ordinal - start] = pod
            elif ordinal >= 0:
                condemned.append(pod)
        condemned.sort(key=lambda p: -parent_and_ordinal(p)[1])
        strategy = sts["spec"].get("updateStrategy") or {}
        rolling = (strategy.get("type") or "RollingUpdate") == "RollingUpdate"
        ru = strategy.get("rollingUpdate")
        partition = int((ru or {}).get("partition") or 0)
        current_template, update_template = template_of(current), template_of(update)

        def versioned(ordinal: int) -> Obj:
            """newVersionedStatefulSetPod: below the partition, the current revision's template."""
            old_cap = (start + int((sts.get("status") or {}).get("currentReplicas") or 0)) if ru is None \
                else start + partition
            if rolling and ordinal < old_cap:
                return new_pod(sts, current_template, ordinal, current_name)
            return new_pod(sts, update_template, ordinal, update_name)

        if sts["metadata"].get("deletionTimestamp"):
            return status
        monotonic = (sts["spec"].get("podManagementPolicy") or "OrderedReady") != "Parallel"
        first_unhealthy = next((p for p in replicas if p is not None and not is_healthy(p)), None)
        if first_unhealthy is None:
            first_unhealthy = next((p for p in reversed(condemned) if not is_healthy(p)), None)

        for i in range(count):
            if self._process_replica(sts, replicas[i], start + i, versioned, monotonic, min_ready, now) and monotonic:
                return status
        for pod in condemned:
            if is_terminating(pod):
                if monotonic:
                    return status
                continue
            if monotonic and pod is not first_unhealthy and not is_running_and_available(pod, min_ready, now):
                return status
            self._delete_pod(sts, pod)
            if monotonic:
                return status
        if not rolling:
            return status  # OnDelete: pods are updated when the user deletes them
        for target in range(count - 1, partition - 1, -1):
            pod = replicas[target]
            if pod is None:
                continue
            if pod_revision(pod) != update_name and not is_terminating(pod):
                self._delete_pod(sts, pod)
                status["currentReplicas"] -= 1
                return status
            if not is_healthy(pod):
                return status  # wait for the replaced pod to be healthy
        return status

    def _process_replica(self, sts: Obj, pod: Obj | None, ordinal: int, versioned, monotonic: bool,
                         min_ready: int, now: float) -> bool:
        """processReplica: True when the sync must stop here (in OrderedReady)."""
        if pod is not None and _phase(pod) in ("Failed", "Succeeded"):
            # recreated under the same name on a later sync, once the old object is gone
            if not is_terminating(pod):
                self._delete_pod(sts, pod)
            return True
        if pod is None or not is_created(pod):
            if pod is None:
                self._create_pod(sts, versioned(ordinal))
            return True
        if _phase(pod) == "Pending" and not is_terminating(pod):
            self._create_claims(sts, pod)  # createMissingPersistentVolumeClaims
        if is_terminating(pod):
            return True
        if not is_running_and_ready(pod) or not is_running_and_available(pod, min_ready, now):
            return True
        if not identity_matches(sts, pod):
            fixed = deep_copy(pod)
            _update_identity(sts, fixed, ordinal)
            self.store.update(fixed)
        return False

    def _create_claims(self, sts: Obj, pod: Obj) -> list[str]:
        """createPersistentVolumeClaims: the errors (none: every claim is there and usable)."""
        errors = []
        for claim in claims_for(sts, parent_and_ordinal(pod)[1]):
            meta = claim["metadata"]
            existing = self.store.peek("PersistentVolumeClaim", meta["namespace"], meta["name"])
            if existing is not None:
                if existing["metadata"].get("deletionTimestamp"):
                    errors.append(f"pvc {meta['name']} is being deleted")
                continue
            what = f"Claim {meta['name']} Pod {pod['metadata']['name']} in StatefulSet {sts['metadata']['name']}"
            try:
                self.api.create(claim)
            except ApiError as e:
                errors.append(f"failed to create PVC {meta['name']}: {e.message}")
                if e.code != 409:
                    self.recorder.event(sts, "Warning", "FailedCreate",
                                        f"create {what.replace(' Pod ', ' for Pod ')} failed error: {e.message}",
                                        COMPONENT)
                continue
            self.recorder.event(sts, "Normal", "SuccessfulCreate", f"create {what} success", COMPONENT)
        return errors

    def _update_claim_retention(self, sts: Obj, pod: Obj) -> None:
        """UpdatePodClaimForRetentionPolicy: each claim's ownerReferences as the policy says."""
        if not sts["spec"].get("volumeClaimTemplates"):
            return
        start, count = start_ordinal(sts), replicas_of(sts)
        for claim in claims_for(sts, parent_and_ordinal(pod)[1]):
            stored = self.store.peek("PersistentVolumeClaim", claim["metadata"]["namespace"], claim["metadata"]["name"])
            if stored is None:
                continue
            refs = claim_owner_refs(sts, pod, stored, start, count)
            if refs is None:
                continue
            new = deep_copy(stored)
            if refs:
                new["metadata"]["ownerReferences"] = refs
            else:
                new["metadata"].pop("ownerReferences", None)
            self.store.update(new)

    def _create_pod(self, sts: Obj, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        errors = self._create_claims(sts, pod)
        if errors:
            # CreateStatefulPod: the pod waits for its claims, and says why (an Aggregate's text)
            text = errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"
            self.recorder.event(sts, "Warning", "FailedCreate",
                                f"create Pod {name} in StatefulSet {sts['metadata']['name']} failed error: {text}",
                                COMPONENT)
            return
        try:
            pod = self.api.create(pod)
        except ApiError as e:
            if e.code == 409:
                return  # the old object still exists (being deleted): wait for it to go
            self.recorder.event(sts, "Warning", "FailedCreate",
                                f"create Pod {name} in StatefulSet {sts['metadata']['name']} failed error: {e.message}",
                                COMPONENT)
            self.requeue_rate_limited(key_of(sts))  # the sync's error: retried with the queue's backoff
            return
        self.forget(key_of(sts))
        self._update_claim_retention(sts, pod)
        self.recorder.event(sts, "Normal", "SuccessfulCreate",
                            f"create Pod {name} in StatefulSet {sts['metadata']['name']} successful", COMPONENT)

    def _delete_pod(self, sts: Obj, pod: Obj) -> None:
        name = pod["metadata"]["name"]
        self._update_claim_retention(sts, pod)  # a condemned pod owns its claims under whenScaled: Delete
        try:
            self.api.delete("Pod", pod["metadata"]["namespace"], name)
        except ApiError as e:
            if e.code != 404:
                self.recorder.event(sts, "Warning", "FailedDelete", f"delete Pod {name} in StatefulSet "
                                    f"{sts['metadata']['name']} failed error: {e.message}", COMPONENT)
            return
        self.recorder.event(sts, "Normal", "SuccessfulDelete",
                            f"delete Pod {name} in StatefulSet {sts['metadata']['name']} successful", COMPONENT)

    # -- status -----------------------------------------------------------------------------------------------
    def _update_status(self, key: Key, status: Obj) -> None:
        sts = self.store.peek(*key)
        if sts is None:
            return
        strategy = (sts["spec"].get("updateStrategy") or {}).get("type") or "RollingUpdate"
        # completeRollingUpdate: every pod updated and ready -> the update revision is current
        if strategy == "RollingUpdate" and status["updatedReplicas"] == status["replicas"] \
                and status["readyReplicas"] == status["replicas"]:
            status["currentReplicas"] = status["updatedReplicas"]
            status["currentRevision"] = status["updateRevision"]
        old = sts.get("status") or {}
        new_status: Obj = {k: v for k, v in old.items() if k == "conditions"}
        always = ("replicas", "availableReplicas", "collisionCount")
        for k in ("availableReplicas", "collisionCount", "currentReplicas", "currentRevision", "observedGeneration",
                  "readyReplicas", "replicas", "updateRevision", "updatedReplicas"):
            if status.get(k) or k in always:
                new_status[k] = status[k]
        if new_status != old:
            new = deep_copy(sts)
            new["status"] = new_status
            self.api.update_status(new)
        # minReadySeconds: look again the moment the next ready pod becomes available
        pending = [t for t in self._next_available if t is not None]
        if pending:
            self.requeue_after(key, max(min(pending) - self.clock.now(), 0) + 0.001)
