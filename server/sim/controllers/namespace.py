"""The namespace controller (pkg/controller/namespace) and the namespace registry's delete.

Owns:
- ``delete_namespace``: what ``DELETE /api/v1/namespaces/foo`` does in the namespace registry
  (pkg/registry/core/namespace/storage/storage.go): after NamespaceLifecycle's immortal check, the
  first delete sets ``deletionTimestamp`` and ``status.phase: Terminating``; the namespace stays
  while ``spec.finalizers`` (``kubernetes``) or ``metadata.finalizers`` remain; a namespace with
  neither goes at once.
- ``NamespaceController``: the deleter of pkg/controller/namespace/deletion
  (namespaced_resources_deleter.go): for a namespace being deleted it deletes every namespaced
  object through the API (background propagation: pods terminate gracefully, so the namespace
  lingers for their grace period), records the five deletion conditions with their real reasons
  and messages (status_condition_utils.go), waits as the controller does (``estimate/2 + 1``
  seconds, the estimate being the longest grace period of the pods still running, 15 s for objects
  held by finalizers), then removes its ``kubernetes`` finalizer, and the namespace disappears.
- The objects every Active namespace gets from two other loops of kube-controller-manager: the
  ``default`` ServiceAccount (serviceaccounts-controller) and the ``kube-root-ca.crt`` ConfigMap
  (root-ca-cert-publisher), recreated if deleted.

Hands off: the API's delete path calls ``delete_namespace`` for kind Namespace; creating content in
a terminating namespace is refused by ``plugins/namespace_lifecycle.py``; the pods' graceful
termination is the kubelet's; dependents of deleted owners are the garbage collector's.
"""

from __future__ import annotations

import uuid

from ..api import Api, ApiError
from ..resources import BY_KIND, Resource
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller

FINALIZER = "kubernetes"
#: finalizerEstimateSeconds: how long objects held by finalizers are given before the next look
FINALIZER_ESTIMATE = 15
#: the condition types the deleter maintains, in its order, with their (reason, message) when fine
CONDITIONS: tuple[tuple[str, str, str], ...] = (
    ("NamespaceDeletionDiscoveryFailure", "ResourcesDiscovered", "All resources successfully discovered"),
    ("NamespaceDeletionGroupVersionParsingFailure", "ParsedGroupVersions", "All legacy kube types successfully parsed"),
    ("NamespaceDeletionContentFailure", "ContentDeleted",
     "All content successfully deleted, may be waiting on finalization"),
    ("NamespaceContentRemaining", "ContentRemoved", "All content successfully removed"),
    ("NamespaceFinalizersRemaining", "ContentRemoved", "All content successfully removed"),
)
#: owners first, so their controllers do not recreate what was just deleted (the real deleter's
#: order is a map's; every kind is deleted in the same pass either way)
_OWNERS_FIRST = ("CronJob", "Deployment", "StatefulSet", "DaemonSet", "Job", "ReplicaSet", "ReplicationController")
ROOT_CA_CONFIGMAP = "kube-root-ca.crt"
ROOT_CA_DESCRIPTION = ("Contains a CA bundle that can be used to verify the kube-apiserver when using internal "
                       "endpoints such as the internal service IP or kubernetes.default.svc. No other usage is "
                       "guaranteed across distributions of Kubernetes clusters.")


def _deletable() -> list[Resource]:
    """Every namespaced, stored kind that can be deleted, owners first (discovery's view)."""
    seen: dict[str, Resource] = {}
    for r in BY_KIND.values():
        if r.namespaced and r.stored and "delete" in r.verbs and r.kind not in seen:
            seen[r.kind] = r
    return sorted(seen.values(), key=lambda r: (_OWNERS_FIRST.index(r.kind) if r.kind in _OWNERS_FIRST
                                                else len(_OWNERS_FIRST), r.kind))


def derived_uid(base: str, name: str) -> str:
    """A uid for an object this controller (or the lab's bootstrap) writes on its own: derived from the
    owning namespace's uid (or a fixed base), so that writing it draws nothing from the seeded RNG
    and every other object of the simulation keeps the uid and timing it had."""
    return str(uuid.uuid5(uuid.NAMESPACE_OID, f"{base}/{name}"))


def finalizers_of(ns: Obj) -> list[str]:
    return list((ns.get("spec") or {}).get("finalizers") or [])


def delete_namespace(api: Api, ns: Obj) -> Obj:
    """The namespace registry's Delete: returns the namespace as stored (Terminating), or as removed."""
    from ..plugins import namespace_lifecycle

    name = ns["metadata"]["name"]
    namespace_lifecycle.admit_delete("Namespace", name)
    held = bool(finalizers_of(ns) or ns["metadata"].get("finalizers"))
    if not ns["metadata"].get("deletionTimestamp") and held:
        new = deep_copy(ns)
        new["metadata"]["deletionTimestamp"] = api.clock.iso()
        new.setdefault("status", {})["phase"] = "Terminating"
        return api.store.update(new)
    if held:
        return deep_copy(ns)
    return api.store.remove("Namespace", "", name)


class NamespaceController(Controller):
    name = "namespace-controller"
    watches: tuple[str, ...] = ("Namespace", "ServiceAccount", "ConfigMap")

    def __init__(self, cluster: object) -> None:
        super().__init__(cluster)  # type: ignore[arg-type]
        #: consecutive failed passes per namespace, for the rate-limited requeue
        self._failures: dict[str, int] = {}

    def start(self) -> None:
        for ns in self.store.scan("Namespace"):
            self.enqueue(("Namespace", "", ns["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        kind, ns, name = event.key
        if kind == "Namespace":
            self.enqueue(event.key)
        elif event.type == "DELETED" and ((kind == "ServiceAccount" and name == "default")
                                           or (kind == "ConfigMap" and name == ROOT_CA_CONFIGMAP)):
            self.enqueue(("Namespace", "", ns))

    def reconcile(self, key: Key) -> None:
        ns = self.store.peek(*key)
        if ns is None:
            self._failures.pop(key[2], None)
            self._orphaned_content(key[2])
            return
        if not ns["metadata"].get("deletionTimestamp"):
            self._provision(ns)
            return
        self._delete(key, ns)

    # -- an Active namespace's own objects -------------------------------------------------------
    def _provision(self, ns: Obj) -> None:
        if (ns.get("status") or {}).get("phase") == "Terminating":
            return
        name, uid = ns["metadata"]["name"], ns["metadata"]["uid"]
        if self.store.peek("ServiceAccount", name, "default") is None:
            self.store.create({"apiVersion": "v1", "kind": "ServiceAccount",
                               "metadata": {"name": "default", "namespace": name,
                                            "uid": derived_uid(uid, f"{self.clock.now()}/sa")}})
        if self.store.peek("ConfigMap", name, ROOT_CA_CONFIGMAP) is None:
            from .. import certs

            self.store.create({"apiVersion": "v1", "kind": "ConfigMap",
                               "metadata": {"name": ROOT_CA_CONFIGMAP, "namespace": name,
                                            "uid": derived_uid(uid, f"{self.clock.now()}/ca"),
                                            "annotations": {"kubernetes.io/description": ROOT_CA_DESCRIPTION}},
                               "data": {"ca.crt": certs.cluster_ca(self.store).cert_pem}})

    # -- deletion (namespacedResourcesDeleter.Delete) --------------------------------------------
    def _delete(self, key: Key, ns: Obj) -> None:
        name = ns["metadata"]["name"]
        if (ns.get("status") or {}).get("phase") != "Terminating":
            new = deep_copy(ns)
            new.setdefault("status", {})["phase"] = "Terminating"
            ns = self.api.update_status(new)
        if FINALIZER not in finalizers_of(ns):
            self._purge_if_finalized(ns)
            return
        estimate, remaining, by_finalizer, unexpected = self._delete_all_content(ns)
        self._set_conditions(ns, remaining, by_finalizer, unexpected)
        if estimate > 0:
            self.requeue_after(key, estimate // 2 + 1)
            return
        if unexpected:
            failures = self._failures.get(name, 0)
            self._failures[name] = failures + 1
            self.requeue_after(key, min(1000.0, 0.005 * 2 ** failures))  # the workqueue's rate limiter
            return
        self._failures.pop(name, None)
        current = self.store.peek(*key)
        if current is None:
            return
        new = deep_copy(current)
        new["spec"]["finalizers"] = sorted({f for f in finalizers_of(current) if f != FINALIZER})
        self._purge_if_finalized(self.api.update_status(new))

    def _orphaned_content(self, name: str) -> None:
        """A namespace removed outright (a delete that skipped ``delete_namespace``) leaves nothing
        behind either: what it held is deleted as the deleter would have."""
        for r in _deletable():
            for obj in list(self.store.scan(r.kind, name)):
                if obj["metadata"].get("deletionTimestamp"):
                    continue
                try:
                    self.api.delete(r.kind, name, obj["metadata"]["name"])
                except ApiError:  # gone already, or refused: nothing more to do here
                    continue

    def _purge_if_finalized(self, ns: Obj) -> None:
        """ShouldDeleteNamespaceDuringUpdate: once no finalizer of either kind is left, it goes."""
        if not finalizers_of(ns) and not ns["metadata"].get("finalizers"):
            self.store.remove("Namespace", "", ns["metadata"]["name"])

    def _delete_all_content(self, ns: Obj) -> tuple[int, dict[str, int], dict[str, int], list[str]]:
        """deleteAllContent: (estimate seconds, remaining count per ``resource.group``, remaining
        count per finalizer, the resources left with neither an estimate nor a finalizer)."""
        name = ns["metadata"]["name"]
        deleted_at = _epoch(ns["metadata"]["deletionTimestamp"])
        now = self.clock.now()
        estimate = 0
        remaining: dict[str, int] = {}
        by_finalizer: dict[str, int] = {}
        unexpected: list[str] = []
        for r in _deletable():
            local = self._pod_estimate(name) if r.kind == "Pod" else 0
            if now - deleted_at >= local:
                local = 0
            for obj in list(self.store.scan(r.kind, name)):
                meta = obj["metadata"]
                if meta.get("deletionTimestamp") and r.kind != "Pod":
                    continue
                try:
                    self.api.delete(r.kind, name, meta["name"])
                except ApiError as e:  # NotFound (already gone) or a refusal: the next pass sees it
                    if e.reason != "NotFound":
                        unexpected.append(f"{r.plural}.{r.group}")
            left = self.store.scan(r.kind, name)
            if not left:
                continue
            finalizers: dict[str, int] = {}
            for obj in left:
                for f in obj["metadata"].get("finalizers") or []:
                    finalizers[f] = finalizers.get(f, 0) + 1
            remaining[f"{r.plural}.{r.group}"] = len(left)
            for f, n in finalizers.items():
                by_finalizer[f] = by_finalizer.get(f, 0) + n
            if local:
                estimate = max(estimate, local)
            elif finalizers:
                estimate = max(estimate, FINALIZER_ESTIMATE)
            else:
                unexpected.append(f"unexpected items still remain in namespace: {name} for gvr: "
                                  f"{r.group + '/' if r.group else '/'}{r.version}, Resource={r.plural}")
        return estimate, remaining, by_finalizer, unexpected

    def _pod_estimate(self, namespace: str) -> int:
        """estimateGracefulTerminationForPods: the longest grace period of the non-terminal pods."""
        estimate = 0
        for pod in self.store.scan("Pod", namespace):
            if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
                continue
            grace = (pod.get("spec") or {}).get("terminationGracePeriodSeconds")
            if isinstance(grace, int) and grace > estimate:
                estimate = grace
        return estimate

    def _set_conditions(self, ns: Obj, remaining: dict[str, int], by_finalizer: dict[str, int],
                        errors: list[str]) -> None:
        """namespaceConditionUpdater.Update: every condition type present, failing ones True."""
        failing: dict[str, tuple[str, str]] = {}
        if errors:
            msgs = sorted(errors)
            failing["NamespaceDeletionContentFailure"] = (
                "ContentDeletionFailed", f"Failed to delete all resource types, {len(msgs)} remaining: {', '.join(msgs)}")
        if remaining:
            items = sorted(f"{res} has {n} resource instances" for res, n in remaining.items())
            failing["NamespaceContentRemaining"] = ("SomeResourcesRemain",
                                                    f"Some resources are remaining: {', '.join(items)}")
        if by_finalizer:
            items = sorted(f"{f} in {n} resource instances" for f, n in by_finalizer.items())
            failing["NamespaceFinalizersRemaining"] = (
                "SomeFinalizersRemain", f"Some content in the namespace has finalizers remaining: {', '.join(items)}")
        now = self.clock.iso()
        conditions = [dict(c) for c in (ns.get("status") or {}).get("conditions") or []]
        changed = False
        for type_, ok_reason, ok_message in CONDITIONS:
            status, (reason, message) = ("True", failing[type_]) if type_ in failing else ("False", (ok_reason, ok_message))
            old = next((c for c in conditions if c.get("type") == type_), None)
            if old is None:
                conditions.append({"type": type_, "status": status, "lastTransitionTime": now,
                                   "reason": reason, "message": message})
                changed = True
            elif (old.get("status"), old.get("reason"), old.get("message")) != (status, reason, message):
                if old.get("status") != status:
                    old["lastTransitionTime"] = now
                old.update(status=status, reason=reason, message=message)
                changed = True
        if changed:
            new = deep_copy(self.store.peek("Namespace", "", ns["metadata"]["name"]) or ns)
            new.setdefault("status", {})["conditions"] = conditions
            self.api.update_status(new)


def _epoch(ts: str) -> float:
    from ..clock import parse_time

    return parse_time(ts)
