"""The object store: the simulation's etcd plus the API server's storage layer.

Owns: every object (plain dicts in the Kubernetes JSON shape, keyed by (kind, namespace, name);
cluster-scoped kinds use namespace ""), the global monotonically increasing resourceVersion, the
watch log of ADDED/MODIFIED/DELETED events, and indexes by namespace, label, owner uid and node
so that callers never scan everything.

Rules: reads hand out copies; writes store a fresh copy and never mutate a stored dict afterwards,
so the objects held by watch events are stable snapshots. An update that changes nothing is
skipped (no new resourceVersion, no event). ``metadata.generation`` goes up when ``spec`` changes.
Validation and defaulting are not done here (see ``api.py``); this layer trusts its callers.

Hands off: every write is pushed synchronously to subscribers (the controller manager) and kept in
the bounded watch log that the web layer reads deltas from.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Callable
from typing import Any, NamedTuple

from .clock import Clock

Obj = dict[str, Any]
Key = tuple[str, str, str]

WATCH_LOG_SIZE = 20000
#: kinds whose registry strategy tracks metadata.generation (spec changes) in v1.32
GENERATION_KINDS = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob",
                              "ReplicationController", "Ingress", "NetworkPolicy", "PodDisruptionBudget"})
NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def deep_copy(value: Any) -> Any:
    """Copy JSON-shaped data (dicts, lists, scalars); much faster than copy.deepcopy."""
    if isinstance(value, dict):
        return {k: deep_copy(v) for k, v in value.items()}
    if isinstance(value, list):
        return [deep_copy(v) for v in value]
    return value


def uuid4_text(bits: int) -> str:
    """``str(uuid.UUID(int=bits, version=4))`` without building the UUID object (every object the
    store creates gets one: Events, Pods, Leases...)."""
    bits = (bits & ~(0xC000 << 48) | 0x8000 << 48) & ~(0xF000 << 64) | 4 << 76
    h = f"{bits:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def key_of(obj: Obj) -> Key:
    meta = obj["metadata"]
    return (obj["kind"], meta.get("namespace") or "", meta["name"])


def controller_ref(obj: Obj) -> Obj | None:
    """metav1.GetControllerOf: the ownerReference with ``controller: true``, if any."""
    for ref in (obj.get("metadata") or {}).get("ownerReferences") or []:
        if ref.get("controller"):
            return ref
    return None


class WatchEvent(NamedTuple):
    """One entry of the watch log (a named tuple: the store makes one per write, and a frozen
    dataclass's ``__init__`` cost more than the tuple)."""

    type: str  # ADDED | MODIFIED | DELETED
    rv: int
    obj: Obj  # the stored snapshot; never mutate it

    @property
    def key(self) -> Key:
        return key_of(self.obj)


class Conflict(Exception):
    """The caller's resourceVersion is stale (HTTP 409 in the real API)."""


class AlreadyExists(Exception):
    pass


class NotFound(Exception):
    pass


def matches_selector(labels: dict[str, str] | None, selector: dict | None) -> bool:
    """Match a LabelSelector (matchLabels + matchExpressions) or a plain map against labels.

    A ``None`` selector matches nothing and an empty one matches everything, as in
    ``metav1.LabelSelectorAsSelector``.
    """
    if selector is None:
        return False
    labels = labels or {}
    if "matchLabels" in selector or "matchExpressions" in selector:
        match_labels = selector.get("matchLabels") or {}
        exprs = selector.get("matchExpressions") or []
    else:
        match_labels, exprs = selector, []
    for k, v in match_labels.items():
        if labels.get(k) != v:
            return False
    for e in exprs:
        op, k, values = e.get("operator"), e.get("key"), e.get("values") or []
        if op == "In" and labels.get(k) not in values:
            return False
        if op == "NotIn" and k in labels and labels[k] in values:
            return False
        if op == "Exists" and k not in labels:
            return False
        if op == "DoesNotExist" and k in labels:
            return False
        if op in ("Gt", "Lt") and not _compares(labels.get(k), values, op):
            return False
    return True


def _compares(value: str | None, values: list, op: str) -> bool:
    """labels.Requirement.Matches for ``gt``/``lt`` (a label selector's ``a>1``): both sides integers."""
    try:
        have, want = int(value or ""), int(values[0])
    except (ValueError, IndexError, TypeError):
        return False
    return have > want if op == "Gt" else have < want


def _same_index(old: Obj, new: Obj) -> bool:
    """Whether ``new`` sits in the same indexes as ``old`` (same uid, labels, owners and node)."""
    om, nm = old["metadata"], new["metadata"]
    if (om.get("uid") != nm.get("uid") or om.get("labels") != nm.get("labels")
            or om.get("ownerReferences") != nm.get("ownerReferences")):
        return False
    return new["kind"] != "Pod" or (old.get("spec") or {}).get("nodeName") == (new.get("spec") or {}).get("nodeName")


class _Bucket(dict):
    """One kind's objects in one namespace, by name, and their names in order: a scan reads them
    sorted without sorting them each time. Names created or deleted since the last scan are kept
    apart; the next scan drops the deleted ones and sorts the new ones in (timsort merges a sorted
    list and a few new names in near-linear time, comparing strings in C, not through a key)."""

    __slots__ = ("_order", "_added", "_removed")

    def __init__(self) -> None:
        super().__init__()
        self._order: list[str] = []
        self._added: set[str] = set()  # created since, not in _order
        self._removed: set[str] = set()  # deleted since

    def put(self, name: str, obj: Obj) -> None:
        if name not in self:  # (deleted and created again: the scan drops it, then sorts it in)
            self._added.add(name)
        self[name] = obj

    def drop(self, name: str) -> None:
        if self.pop(name, None) is None:
            return
        if name in self._added:
            self._added.discard(name)
        else:
            self._removed.add(name)

    def ordered(self) -> list[Obj]:
        """The objects, by name."""
        if self._removed:
            removed = self._removed
            self._order = [n for n in self._order if n not in removed]
            removed.clear()
        if self._added:
            self._order.extend(self._added)
            self._added.clear()
            self._order.sort()
        return [self[n] for n in self._order]


class Store:
    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.rv = 0
        self._objects: dict[Key, Obj] = {}
        self._by_kind_ns: dict[tuple[str, str], _Bucket] = {}
        #: the namespaces that hold objects of each kind (a scan of a kind in every namespace
        #: visits its own buckets, not every kind's)
        self._namespaces_of: dict[str, set[str]] = defaultdict(set)
        self._by_label: dict[tuple[str, str, str], set[Key]] = defaultdict(set)
        self._by_owner: dict[str, set[Key]] = defaultdict(set)
        self._by_node: dict[str, set[Key]] = defaultdict(set)
        self._by_uid: dict[str, Key] = {}
        self._per_kind: dict[str, int] = defaultdict(int)  # objects of each kind, kept on (un)index
        self.log: deque[WatchEvent] = deque(maxlen=WATCH_LOG_SIZE)
        self._subscribers: list[Callable[[WatchEvent], None]] = []

    # -- watch ------------------------------------------------------------------------------
    def subscribe(self, fn: Callable[[WatchEvent], None]) -> None:
        self._subscribers.append(fn)

    def unsubscribe(self, fn: Callable[[WatchEvent], None]) -> None:
        if fn in self._subscribers:
            self._subscribers.remove(fn)

    def events_since(self, rv: int) -> list[WatchEvent] | None:
        """Events with resourceVersion > rv, or None when the log no longer reaches back that far."""
        if rv >= self.rv:
            return []
        if not self.log or self.log[0].rv > rv + 1:
            return None
        newer = []
        for e in reversed(self.log):  # only the events after rv: proportional to what changed
            if e.rv <= rv:
                break
            newer.append(e)
        newer.reverse()
        return newer

    def _emit(self, type_: str, obj: Obj) -> None:
        event = WatchEvent(type_, self.rv, obj)
        self.log.append(event)
        for fn in self._subscribers:
            fn(event)

    # -- indexes -----------------------------------------------------------------------------
    def _index(self, key: Key, obj: Obj) -> None:
        kind, ns, name = key
        if key not in self._objects:
            self._per_kind[kind] += 1
        self._objects[key] = obj
        bucket = self._by_kind_ns.get((kind, ns))
        if bucket is None:
            bucket = self._by_kind_ns[(kind, ns)] = _Bucket()
            self._namespaces_of[kind].add(ns)
        bucket.put(name, obj)
        meta = obj["metadata"]
        self._by_uid[meta["uid"]] = key
        for k, v in (meta.get("labels") or {}).items():
            self._by_label[(kind, k, v)].add(key)
        for ref in meta.get("ownerReferences") or []:
            self._by_owner[ref["uid"]].add(key)
        node = (obj.get("spec") or {}).get("nodeName") if kind == "Pod" else None
        if node:
            self._by_node[node].add(key)

    def _unindex(self, key: Key, obj: Obj) -> None:
        kind, ns, name = key
        if self._objects.pop(key, None) is not None:
            self._per_kind[kind] -= 1
        bucket = self._by_kind_ns.get((kind, ns))
        if bucket is not None:
            bucket.drop(name)
            if not bucket:
                del self._by_kind_ns[(kind, ns)]
                spaces = self._namespaces_of[kind]
                spaces.discard(ns)
                if not spaces:
                    del self._namespaces_of[kind]
        meta = obj["metadata"]
        self._by_uid.pop(meta["uid"], None)
        for k, v in (meta.get("labels") or {}).items():
            s = self._by_label.get((kind, k, v))
            if s is not None:
                s.discard(key)
                if not s:
                    del self._by_label[(kind, k, v)]
        for ref in meta.get("ownerReferences") or []:
            s = self._by_owner.get(ref["uid"])
            if s is not None:
                s.discard(key)
                if not s:
                    del self._by_owner[ref["uid"]]
        node = (obj.get("spec") or {}).get("nodeName") if kind == "Pod" else None
        if node and node in self._by_node:
            self._by_node[node].discard(key)
            if not self._by_node[node]:
                del self._by_node[node]

    # -- reads -------------------------------------------------------------------------------
    def get(self, kind: str, namespace: str, name: str) -> Obj | None:
        obj = self._objects.get((kind, namespace or "", name))
        return deep_copy(obj) if obj is not None else None

    def peek(self, kind: str, namespace: str, name: str) -> Obj | None:
        """The stored object itself, without a copy: read-only, for hot paths."""
        return self._objects.get((kind, namespace or "", name))

    def get_by_uid(self, uid: str) -> Obj | None:
        key = self._by_uid.get(uid)
        return deep_copy(self._objects[key]) if key else None

    def _candidates(
        self, kind: str, namespace: str | None, selector: dict | None, owner_uid: str | None, node: str | None
    ) -> list[Obj]:
        """A new list of the objects the smallest index gives, in (namespace, name) order."""
        keysets: list[set[Key]] = []
        if owner_uid is not None:
            keysets.append(self._by_owner.get(owner_uid, set()))
        if node is not None:
            keysets.append(self._by_node.get(node, set()))
        if selector is not None:
            eq = selector.get("matchLabels", {}) if ("matchLabels" in selector or "matchExpressions" in selector) else selector
            for k, v in (eq or {}).items():
                keysets.append(self._by_label.get((kind, k, v), set()))
        if keysets:
            smallest = min(keysets, key=len)
            return [self._objects[k] for k in sorted(k for k in smallest if k[0] == kind)]
        if namespace is not None:
            bucket = self._by_kind_ns.get((kind, namespace))
            return bucket.ordered() if bucket is not None else []
        buckets = self._by_kind_ns
        return [o for ns in sorted(self._namespaces_of.get(kind, ())) for o in buckets[(kind, ns)].ordered()]

    def scan(
        self,
        kind: str,
        namespace: str | None = None,
        selector: dict | None = None,
        owner_uid: str | None = None,
        node: str | None = None,
        where: Callable[[Obj], bool] | None = None,
    ) -> list[Obj]:
        """Like ``list`` but hands out the stored objects themselves: read-only."""
        if selector is None and owner_uid is None and node is None and where is None:
            return self._candidates(kind, namespace, None, None, None)  # a namespace's bucket, or all
        out = []
        for obj in self._candidates(kind, namespace, selector, owner_uid, node):  # in (namespace, name) order
            meta = obj["metadata"]
            if namespace is not None and (meta.get("namespace") or "") != namespace:
                continue
            if selector is not None and not matches_selector(meta.get("labels"), selector):
                continue
            if owner_uid is not None and not any(r["uid"] == owner_uid for r in meta.get("ownerReferences") or []):
                continue
            if node is not None and (obj.get("spec") or {}).get("nodeName") != node:
                continue
            if where is not None and not where(obj):
                continue
            out.append(obj)
        return out

    def list(self, kind: str, namespace: str | None = None, selector: dict | None = None,
             owner_uid: str | None = None, node: str | None = None,
             where: Callable[[Obj], bool] | None = None) -> list[Obj]:
        """Objects of ``kind`` (copies), sorted by namespace then name."""
        return [deep_copy(o) for o in self.scan(kind, namespace, selector, owner_uid, node, where)]

    def dependents(self, owner_uid: str) -> list[Obj]:
        """Every object (any kind) with an ownerReference to ``owner_uid`` (copies)."""
        return [deep_copy(self._objects[k]) for k in sorted(self._by_owner.get(owner_uid, ()))]

    def kinds(self) -> list[str]:
        return sorted({k for (k, _ns) in self._by_kind_ns})

    def all(self) -> list[Obj]:
        return [self._objects[k] for k in sorted(self._objects)]

    def count(self, kind: str) -> int:
        """Objects of ``kind`` (a counter: no scan)."""
        return self._per_kind.get(kind, 0)

    def size(self) -> int:
        """Objects of every kind."""
        return len(self._objects)

    # -- writes ------------------------------------------------------------------------------
    def generate_name(self, prefix: str) -> str:
        """The apiserver's generateName: base cut to 58 characters + 5 random characters."""
        suffix = "".join(self.clock.rng.choice(NAME_ALPHABET) for _ in range(5))
        return prefix[:58] + suffix

    def create(self, obj: Obj, *, owned: bool = False) -> Obj:
        """Store a new object; returns a copy of it. ``owned``: the caller hands ``obj`` over and
        touches nothing of it again (its parts may be stored objects' own, which never change), so
        only the top level and the metadata are copied, and the stored object itself is returned,
        read-only: copies only of what is written."""
        if owned:
            obj = dict(obj, metadata=dict(obj.get("metadata") or {}))
        else:
            obj = deep_copy(obj)
        meta = obj.setdefault("metadata", {})
        if not meta.get("name"):
            prefix = meta.get("generateName") or ""
            for _ in range(20):
                meta["name"] = self.generate_name(prefix)
                if key_of(obj) not in self._objects:
                    break
        key = key_of(obj)
        if key in self._objects:
            raise AlreadyExists(key)
        self.rv += 1
        meta["uid"] = meta.get("uid") or uuid4_text(self.clock.rng.getrandbits(128))
        meta["resourceVersion"] = str(self.rv)
        meta.setdefault("creationTimestamp", self.clock.iso())
        if obj["kind"] in GENERATION_KINDS:
            meta["generation"] = 1
        self._index(key, obj)
        self._emit("ADDED", obj)
        return obj if owned else deep_copy(obj)

    def update(self, obj: Obj, check_rv: bool = False, *, owned: bool = False) -> Obj:
        """Replace an object. With ``check_rv`` a stale resourceVersion raises Conflict. ``owned``
        as for ``create``: a writer that builds ``dict(stored, status=new_status)`` shares the rest."""
        obj = dict(obj, metadata=dict(obj["metadata"])) if owned else deep_copy(obj)
        key = key_of(obj)
        old = self._objects.get(key)
        if old is None:
            raise NotFound(key)
        meta = obj["metadata"]
        if check_rv and meta.get("resourceVersion") not in (None, old["metadata"]["resourceVersion"]):
            raise Conflict(key)
        # identity and server-owned fields cannot be changed by an update
        for field_name in ("uid", "creationTimestamp"):
            meta[field_name] = old["metadata"][field_name]
        meta["resourceVersion"] = old["metadata"]["resourceVersion"]
        if "generation" in old["metadata"]:
            meta["generation"] = old["metadata"]["generation"]
        if meta.get("deletionTimestamp") is None and old["metadata"].get("deletionTimestamp"):
            meta["deletionTimestamp"] = old["metadata"]["deletionTimestamp"]
            if "deletionGracePeriodSeconds" in old["metadata"]:
                meta["deletionGracePeriodSeconds"] = old["metadata"]["deletionGracePeriodSeconds"]
        if obj == old:
            return old if owned else deep_copy(old)
        if "generation" in meta and obj.get("spec") != old.get("spec"):
            meta["generation"] = old["metadata"]["generation"] + 1
        self.rv += 1
        meta["resourceVersion"] = str(self.rv)
        if _same_index(old, obj):  # a status write, say: only the object itself is replaced
            self._objects[key] = obj
            self._by_kind_ns[(key[0], key[1])][key[2]] = obj
        else:
            self._unindex(key, old)
            self._index(key, obj)
        self._emit("MODIFIED", obj)
        return obj if owned else deep_copy(obj)

    def remove(self, kind: str, namespace: str, name: str) -> Obj:
        """Take an object out of storage for good (graceful deletion lives in api.py)."""
        key = (kind, namespace or "", name)
        old = self._objects.get(key)
        if old is None:
            raise NotFound(key)
        self.rv += 1
        gone = dict(old)
        gone["metadata"] = dict(old["metadata"], resourceVersion=str(self.rv))
        self._unindex(key, old)
        self._emit("DELETED", gone)
        return deep_copy(gone)

    # -- persistence -------------------------------------------------------------------------
    def dump(self) -> dict:
        return {"rv": self.rv, "objects": [deep_copy(o) for o in self.all()]}

    def load(self, data: dict) -> None:
        """Restore objects silently (no events): used when a sandbox is reloaded from disk."""
        for obj in data["objects"]:
            self._index(key_of(obj), deep_copy(obj))
        self.rv = int(data["rv"])
