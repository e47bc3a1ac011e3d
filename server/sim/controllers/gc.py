"""GarbageCollector: background cascading deletion through ownerReferences (pkg/controller/garbagecollector).

Owns: noticing that an object's owner is gone and deleting the dependent. An owner is gone when
no object of the referenced kind and name exists in the dependent's namespace (or cluster scope
for cluster-scoped kinds) with the referenced uid, so an owner deleted and re-created under the
same name still counts as gone, as in attemptToDeleteItem. A dependent with some owners gone and
some alive only loses the dangling references.

Hands off: deletion goes through ``api.delete``, so pods are deleted gracefully (the kubelet
removes them) and a deleted ReplicaSet's own dependents are collected in turn. ``Orphan``
propagation is done by ``api.delete`` itself (it strips the references before removing the
owner); foreground deletion is not modelled.

Triggers: the DELETED event of any object enqueues its dependents (found through the store's
owner index); an ADDED or MODIFIED object whose owner does not exist is enqueued itself (the
real collector's "virtual node" check, e.g. a pod created for a ReplicaSet being deleted).
"""

from __future__ import annotations

from ..api import ApiError
from ..resources import BY_KIND, RESOURCES
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller

#: marks a queue key that stands for "the dependents of this uid"
OWNER_GONE = "#owner-gone"


class GarbageCollector(Controller):
    name = "garbage-collector"
    # Events own nothing and are the busiest kind; everything else may be an owner or a dependent.
    watches = tuple(r.kind for r in RESOURCES if r.kind != "Event")

    def start(self) -> None:
        for obj in self.store.all():
            if obj["metadata"].get("ownerReferences") and self._dangling(obj):
                self.enqueue(_key(obj))

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        if event.type == "DELETED":
            self.enqueue((OWNER_GONE, "", obj["metadata"]["uid"]))
            return
        for ref in obj["metadata"].get("ownerReferences") or ():  # (a pod's write: one peek)
            if not self._owner_alive(obj, ref):
                self.enqueue(event.key)
                return

    def _owner_alive(self, obj: Obj, ref: Obj) -> bool:
        resource = BY_KIND.get(ref.get("kind", ""))
        if resource is None:
            # A kind this simulator does not serve: it cannot be looked up, so do not collect.
            return True
        ns = (obj["metadata"].get("namespace") or "") if resource.namespaced else ""
        owner = self.store.peek(ref["kind"], ns, ref.get("name", ""))
        return owner is not None and owner["metadata"].get("uid") == ref.get("uid")

    def _dangling(self, obj: Obj) -> list[Obj]:
        return [r for r in obj["metadata"].get("ownerReferences") or [] if not self._owner_alive(obj, r)]

    def reconcile(self, key: Key) -> None:
        if key[0] == OWNER_GONE:
            for dep in self.store.dependents(key[2]):
                self._attempt_to_delete(dep)
            return
        obj = self.store.get(*key)
        if obj is not None:
            self._attempt_to_delete(obj)

    def _attempt_to_delete(self, obj: Obj) -> None:
        refs = obj["metadata"].get("ownerReferences") or []
        dangling = self._dangling(obj)
        if not dangling:
            return
        if len(dangling) < len(refs):
            # Some owners are still alive: only drop the references to the ones that are gone.
            gone = {r.get("uid") for r in dangling}
            updated = deep_copy(obj)
            updated["metadata"]["ownerReferences"] = [r for r in refs if r.get("uid") not in gone]
            self.store.update(updated)
            return
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            return  # already on its way out
        try:
            self.api.delete(obj["kind"], meta.get("namespace") or "", meta["name"])
        except ApiError as e:
            if e.code != 404:
                raise


def _key(obj: Obj) -> Key:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace") or "", meta["name"])
