"""Event recording, as client-go's EventRecorder does it.

Owns: creating core/v1 Event objects for an involved object, and aggregating repeats (same
object, reason, message and source → ``count`` goes up and ``lastTimestamp`` moves) so that
``kubectl describe`` can print ``Age (xN over Y)``. Events live in the store like everything else.

A new Event is created through the apiserver's NamespaceLifecycle check (``plugins/namespace_lifecycle``):
in a namespace that is being terminated (or no longer exists) the create is refused and, as client-go's
event broadcaster does with a refusal it will not retry ("Server rejected event (will not retry!)"),
the recorder drops it. Aggregating into an existing Event is a patch, which the plugin allows.
"""

from __future__ import annotations

from types import SimpleNamespace

from .clock import Clock
from .plugins import namespace_lifecycle
from .resources import BY_KIND
from .store import Obj, Store

#: events older than this are dropped by the apiserver (its --event-ttl default, 1h)
EVENT_TTL = 3600.0


def _aggregation_key(uid: str | None, type_: str | None, reason: str | None, message: str | None,
                     component: str | None) -> tuple:
    """What makes a repeat of an Event: the same involved object, type, reason, message and source
    (the key a new Event is filed under, and read back from an Event that is gone)."""
    return (uid, type_, reason, message, component)


class Recorder:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        self._seq = 0
        #: ``_aggregation_key`` → (namespace, name) of the Event it made
        self._recent: dict[tuple, tuple[str, str]] = {}
        #: (component, host) → the Events' ``source``, one dict for all of them (stored objects are
        #: never changed in place): six Events a pod would be six copies of the same two strings' dict
        self._sources: dict[tuple[str, str], dict] = {}
        #: namespace -> (its Namespace object as last seen, whether Events may be created in it):
        #: stored objects are never changed in place, so the answer holds while the object is the same
        self._namespaces: dict[str, tuple[Obj | None, bool]] = {}

    def event(self, obj: Obj, type_: str, reason: str, message: str, component: str, host: str = "") -> None:
        """Record an Event about ``obj`` (``type_`` is Normal or Warning)."""
        meta = obj["metadata"]
        ns = meta.get("namespace") or "default"
        now = self.clock.iso()
        # aggregate with an identical earlier event
        agg_key = _aggregation_key(meta.get("uid"), type_, reason, message, component)
        earlier = self._recent.get(agg_key)
        ev = self.store.peek("Event", *earlier) if earlier else None
        if ev is not None:
            self.store.update(dict(ev, count=ev.get("count", 1) + 1, lastTimestamp=now), owned=True)
            return
        if not self._admitted(ns):
            return
        self._seq += 1
        resource = BY_KIND.get(obj["kind"])
        involved = {
            "kind": obj["kind"],
            "namespace": meta.get("namespace"),
            "name": meta["name"],
            "uid": meta.get("uid"),
            "apiVersion": resource.api_version if resource else obj.get("apiVersion"),
            "resourceVersion": meta.get("resourceVersion"),
        }
        if not meta.get("namespace"):
            involved.pop("namespace")
        source = self._sources.get((component, host))
        if source is None:
            if len(self._sources) >= 8192:  # (nodes come and go: the cache is remade, not grown without end)
                self._sources.clear()
            source = self._sources[(component, host)] = {"component": component, "host": host} if host else \
                {"component": component}
        created = self.store.create({
            "apiVersion": "v1",
            "kind": "Event",
            "metadata": {"name": f"{meta['name']}.{int(self.clock.now() * 1e9) + self._seq:x}", "namespace": ns},
            "involvedObject": involved,
            "reason": reason,
            "message": message,
            "source": source,
            "firstTimestamp": now,
            "lastTimestamp": now,
            "count": 1,
            "type": type_,
            "reportingComponent": component,
            "reportingInstance": host,
        }, owned=True)
        self._recent[agg_key] = (ns, created["metadata"]["name"])

    def forget(self, event: Obj) -> None:
        """The Event is gone (expired or deleted): a repeat of it is recorded as a new one. (Its
        aggregation key is read back from it; one whose fields a user changed leaves an entry that
        points at nothing, which the next repeat replaces.)"""
        meta = event["metadata"]
        where = (meta.get("namespace") or "", meta["name"])
        agg_key = _aggregation_key((event.get("involvedObject") or {}).get("uid"), event.get("type"),
                                   event.get("reason"), event.get("message"),
                                   (event.get("source") or {}).get("component"))
        if self._recent.get(agg_key) == where:
            del self._recent[agg_key]

    def _admitted(self, namespace: str) -> bool:
        """Whether NamespaceLifecycle lets an Event be created in ``namespace`` (asked again only when
        the Namespace object has changed since)."""
        current = self.store.peek("Namespace", "", namespace)
        seen = self._namespaces.get(namespace)
        if seen is not None and seen[0] is current:
            return seen[1]
        from .api import ApiError
        probe = {"kind": "Event", "apiVersion": "v1", "metadata": {"name": "probe", "namespace": namespace}}
        try:
            namespace_lifecycle.admit("CREATE", probe, None, SimpleNamespace(store=self.store))
            admitted = True
        except ApiError:
            admitted = False
        if len(self._namespaces) >= 4096:
            self._namespaces.clear()
        self._namespaces[namespace] = (current, admitted)
        return admitted

    def for_object(self, obj: Obj) -> list[Obj]:
        """Events about ``obj``, oldest first (what ``kubectl describe`` lists)."""
        meta = obj["metadata"]
        ns = meta.get("namespace") or "default"
        evs = self.store.scan("Event", ns, where=lambda e: e["involvedObject"].get("uid") == meta.get("uid"))
        return sorted(evs, key=lambda e: (e.get("lastTimestamp") or "", int(e["metadata"]["resourceVersion"])))
