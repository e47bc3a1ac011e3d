"""The simulated API server: the one door through which users and controllers change objects.

Owns: the request verbs (create, replace, apply, patch-like helpers, delete with grace periods and
propagation; create and replace take ``dry_run``: the whole write, admission included, answered but
not stored) and ``ApiError``, whose ``reason`` and ``message`` are the apiserver's own
(``pods "x" not found``, ``deployments.apps "web" already exists``) so kubectl can print
``Error from server (NotFound): …`` verbatim.

Hands off: parsing and validation to ``admission`` (strict schema check against the v1.32
models), defaulting to ``defaults``, storage to ``store``. Controllers create objects here (so
their pods get the same defaulting and admission as a user's) and write status with
``update_status``.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import admission, defaults
from .clock import Clock
from .golang import quote as go_quote
from .plugins.errors import forbidden
from .resources import BY_KIND, Resource
from .store import AlreadyExists, Conflict, NotFound, Obj, Store, deep_copy

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
#: how many caught bugs an Api keeps (``internal_errors``)
MAX_INTERNAL_ERRORS = 100

log = logging.getLogger(__name__)
#: the name a sandbox's capacity refusal gives its "quota" (``Api.capacity``)
SANDBOX_QUOTA = "kubeplay-sandbox-capacity"


class ApiError(Exception):
    """A failed request, shaped like a metav1.Status."""

    def __init__(self, code: int, reason: str, message: str, *, details: Any = None) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.details = details

    def status(self) -> dict:
        return {"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": self.message,
                "reason": self.reason, "code": self.code}


def not_found(resource: Resource, name: str) -> ApiError:
    """NewNotFound: ``%s %q not found`` (the name Go-quoted)."""
    return ApiError(404, "NotFound", f'{resource.plural}{"." + resource.group if resource.group else ""} '
                    f"{go_quote(name)} not found")


def already_exists(resource: Resource, name: str) -> ApiError:
    return ApiError(409, "AlreadyExists",
                    f'{resource.plural}{"." + resource.group if resource.group else ""} {go_quote(name)} already exists')


class Api:
    def __init__(self, store: Store, clock: Clock) -> None:
        self.store = store
        self.clock = clock
        #: bugs met while checking a write (an exception in a decoder, defaulter, validator or
        #: admission plugin), as ``(kind, "Type: message")``: the write was refused with a 400
        #: instead of failing as a 500; the fuzz tests assert this stays empty
        self.internal_errors: list[tuple[str, str]] = []
        #: whether ``_on_event`` (objects whose last finalizer went) is subscribed to the store
        self._watching = False
        #: inside a dry run's admission plugins (``_dry``)
        self._dry_running = False
        #: what this sandbox's store may hold, (objects, pods); 0 is no bound. The server sets it
        #: from its limits (server/config.py ``Limits.max_objects``/``max_pods``)
        self.capacity: tuple[int, int] = (0, 0)

    @contextmanager
    def _checked(self, obj: Any) -> Iterator[None]:
        """Runs a write's checks (everything before the store is touched): an ``ApiError`` is the
        answer; any other exception is a bug of ours, logged and kept in ``internal_errors``, and
        the write is refused (400, nothing stored) rather than answered with an internal error."""
        try:
            yield
        except ApiError:
            raise
        except Exception as e:  # noqa: BLE001 - the one place a checking bug is turned into an answer
            kind = obj.get("kind") if isinstance(obj, dict) else None
            kind = kind if isinstance(kind, str) and kind else "object"
            log.exception("a check of a %s write failed", kind)
            if len(self.internal_errors) < MAX_INTERNAL_ERRORS:
                self.internal_errors.append((kind, f"{type(e).__name__}: {e}"))
            r = BY_KIND.get(kind)
            head = f'{kind} in version "{r.version}" cannot be handled as a {kind}: ' if r is not None else ""
            raise ApiError(400, "BadRequest", f"{head}kubeplay could not check this object "
                           f"({type(e).__name__}); nothing was stored") from None

    # -- reads -------------------------------------------------------------------------------
    def resource(self, kind: str) -> Resource:
        r = BY_KIND.get(kind)
        if r is None:
            raise ApiError(404, "NotFound", f"the server doesn't have a resource type \"{kind}\"")
        return r

    def get(self, kind: str, namespace: str, name: str) -> Obj:
        r = self.resource(kind)
        obj = self.store.get(kind, namespace if r.namespaced else "", name)
        if obj is None:
            raise not_found(r, name)
        return obj

    # -- writes ------------------------------------------------------------------------------
    def _prepare(self, obj: Obj, namespace: str | None, field_validation: str = "Strict",
                 warnings: list[str] | None = None, *, owned: bool = False) -> tuple[Resource, Obj]:
        """Validate, normalise the namespace and apply defaults; raises ApiError, writes nothing.
        ``field_validation`` is the request's directive for unknown fields (Strict refuses them,
        Warn drops them and adds the apiserver's warnings to ``warnings``, Ignore drops them).
        Works on a copy of ``obj`` unless the caller hands it over (``owned``)."""
        if not owned:
            obj = deep_copy(obj)
        found = admission.validate(obj, field_validation)
        if warnings is not None:
            warnings.extend(found)
        r = self.resource(obj["kind"])
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}  # ``metadata: null`` is an empty ObjectMeta (the decoder refused other types)
        meta = obj["metadata"]
        if r.namespaced:
            ns = meta.get("namespace") or namespace or "default"
            if namespace and meta.get("namespace") and meta["namespace"] != namespace:
                raise ApiError(400, "BadRequest",
                               "the namespace of the provided object does not match the namespace sent on the request")
            meta["namespace"] = ns
            if ns != "default" and self.store.peek("Namespace", "", ns) is None and obj["kind"] != "Namespace":
                raise ApiError(404, "NotFound", f'namespaces "{ns}" not found')
        else:
            meta.pop("namespace", None)
        defaults.apply(obj, self)
        admission.validate_semantics(obj, self)
        return r, obj

    def _track(self, old: Obj | None, new: Obj, manager: str | None, subresource: str = "") -> Obj:
        """managedFields after a write by ``manager`` (the fieldManager, or the client's user-agent
        prefix), as the apiserver's field manager records every create, update and patch. The
        controllers write with no manager: their fields are not tracked (yet)."""
        if not manager:
            return new
        from . import openapi, ssa

        r = self.resource(new["kind"])
        return ssa.record_update(old, new, manager, schema=openapi.schema_for(r.api_version, r.kind),
                                 now=self.clock.iso(), subresource=subresource)

    def create(self, obj: Obj, namespace: str | None = None, *, dry_run: bool = False,
               manager: str | None = None, field_validation: str = "Strict",
               warnings: list[str] | None = None, owned: bool = False) -> Obj:
        """Create ``obj`` and answer the stored object (a copy). ``owned`` as for ``Store.create``:
        the caller hands ``obj`` over (it is checked and stored without a copy, and may be changed
        on the way) and gets the stored object itself, read-only."""
        with self._checked(obj):
            r, obj = self._prepare(obj, namespace, field_validation, warnings, owned=owned)
            meta = obj["metadata"]
            if meta.get("name") and self.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"]) is not None:
                raise already_exists(r, meta["name"])
            for f in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "generation"):
                meta.pop(f, None)
            self._check_capacity(obj)
            obj = self._track(None, obj, manager)
            if dry_run:
                # dryRun=All is the whole create but the write: the mutating admission (a pod's service
                # account, tolerations, token volume, priority, LimitRanger's defaults, its initial
                # status and QoS class), the registry's steps (a Service's IPs and ports, chosen but not
                # held; a Job's generated selector), the validating plugins (a quota exceeded) with
                # their own writes (a quota's status.used) suppressed
                with self._dry():
                    admission.on_create(obj, self)
                    return self._dry_created(obj)
            admission.on_create(obj, self)
        try:
            stored = self.store.create(obj, owned=True)  # ``obj`` is this request's own copy
        except AlreadyExists as e:
            raise already_exists(r, meta["name"]) from e
        return stored if owned else deep_copy(stored)

    def replace(self, obj: Obj, namespace: str | None = None, *, manager: str | None = None,
                subresource: str = "", field_validation: str = "Strict",
                warnings: list[str] | None = None, dry_run: bool = False) -> Obj:
        """A full update (PUT) of spec and metadata; status is kept from the stored object.
        ``subresource`` names the door a write came through (``scale``) for managedFields.
        ``dry_run`` (``dryRun=All``) runs the whole update — validation, defaulting, the update's
        admission checks (a pod's immutable spec, a selector), the resourceVersion precondition and
        managedFields — and answers the object as it would be stored, storing nothing."""
        with self._checked(obj):
            r, obj = self._prepare(obj, namespace, field_validation, warnings)
            meta = obj["metadata"]
            old = self.store.get(obj["kind"], meta.get("namespace", ""), meta["name"])
            if old is None:
                raise not_found(r, meta["name"])
            if "status" in old:
                obj["status"] = old["status"]
            admission.on_update(old, obj, self)
            obj = self._track(old, obj, manager, subresource)
        conflict = ApiError(409, "Conflict",
                            f'Operation cannot be fulfilled on {r.plural}{"." + r.group if r.group else ""} '
                            f'"{meta["name"]}": the object has been modified; please apply your changes to the '
                            "latest version and try again")
        if dry_run:
            if meta.get("resourceVersion") not in (None, old["metadata"]["resourceVersion"]):
                raise conflict
            return _as_updated(old, obj)
        try:
            return self.store.update(obj, check_rv=True)
        except Conflict as e:
            raise conflict from e

    def _dry_created(self, obj: Obj) -> Obj:
        """What ``Store.create`` would store for ``obj``, without storing it: BeforeCreate's system
        fields (a generated name, ``uid``, ``creationTimestamp``) and the strategy's ``generation: 1``
        are filled as for a real create; ``resourceVersion`` stays unset, as the apiserver's dry-run
        storage (DryRunnableStorage.Create copies the object, it never reaches etcd) answers it."""
        from .store import GENERATION_KINDS

        meta = obj["metadata"]
        if not meta.get("name"):
            meta["name"] = self.store.generate_name(meta.get("generateName") or "")
        if self.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"]) is not None:
            raise already_exists(self.resource(obj["kind"]), meta["name"])
        meta["uid"] = meta.get("uid") or str(uuid.UUID(int=self.clock.rng.getrandbits(128), version=4))
        meta.setdefault("creationTimestamp", self.clock.iso())
        if obj["kind"] in GENERATION_KINDS:
            meta["generation"] = 1
        return obj

    @contextmanager
    def _dry(self) -> Iterator[None]:
        """While a dry run's admission runs, ``update_status`` stores nothing; and the random choices
        it makes (a generated name, a uid, a Service's IP) are given back: the cluster's seeded RNG is
        where it was, so a dry run — which the journal does not hold (the sandbox validates a node's
        registration with one before journalling the join) — changes nothing a replay depends on."""
        was, self._dry_running = self._dry_running, True
        rng_state = self.clock.rng.getstate()
        try:
            yield
        finally:
            self._dry_running = was
            self.clock.rng.setstate(rng_state)

    def _check_capacity(self, obj: Obj) -> None:
        """A create past the sandbox's capacity is refused as a ResourceQuota refuses one (403, the
        quota's words), so a controller records FailedCreate and retries later, as it does for a quota."""
        most, pods = self.capacity
        used = self.store.size()
        if most and used >= most:
            raise forbidden(obj, f"exceeded quota: {SANDBOX_QUOTA}, requested: count/objects=1, "
                                 f"used: count/objects={used}, limited: count/objects={most}")
        if pods and obj.get("kind") == "Pod" and (n := self.store.count("Pod")) >= pods:
            raise forbidden(obj, f"exceeded quota: {SANDBOX_QUOTA}, requested: pods=1, used: pods={n}, limited: pods={pods}")

    def update_status(self, obj: Obj, *, owned: bool = False) -> Obj:
        """Controllers' write path: no user validation, no generation bump (and no write at all
        inside a dry run's admission: the object is answered as given). ``owned`` as for
        ``Store.update``: the caller hands over a new top level sharing the stored object's parts."""
        if self._dry_running:
            return deep_copy(obj)
        try:
            return self.store.update(obj, owned=owned)
        except NotFound as e:
            raise not_found(self.resource(obj["kind"]), obj["metadata"]["name"]) from e

    def apply(self, manifest: Obj, namespace: str | None = None, *,
              manager: str | None = "kubectl-client-side-apply") -> tuple[Obj, str]:
        """``kubectl apply`` (client-side): create, or three-way merge with the last applied config.

        Returns the stored object and ``created`` / ``configured`` / ``unchanged``.
        """
        with self._checked(manifest):
            # decoded as the create or the patch will decode it (a copy: the annotation records
            # the manifest as the user wrote it, nulls included, as kubectl's does)
            admission.validate(deep_copy(manifest))
            r = self.resource(manifest["kind"])
            meta = manifest.get("metadata") or {}
            ns = (meta.get("namespace") or namespace or "default") if r.namespaced else ""
            applied = deep_copy(manifest)
            if not isinstance(applied.get("metadata"), dict):
                applied["metadata"] = {}  # ``metadata: null`` decodes as an empty ObjectMeta
            if r.namespaced:
                applied["metadata"]["namespace"] = ns
            annotation = last_applied_annotation(applied)
            # kubectl's modified config carries annotations (the last-applied one at least), so a
            # recorded ``"annotations":{}`` does not read as "the user dropped every annotation"
            applied["metadata"].setdefault("annotations", {})
            existing = self.store.get(manifest["kind"], ns, meta.get("name", ""))
            if existing is None:
                new = deep_copy(applied)
                new["metadata"].setdefault("annotations", {})[LAST_APPLIED] = annotation
            else:
                try:
                    last = json.loads((existing["metadata"].get("annotations") or {}).get(LAST_APPLIED, "{}"))
                except ValueError:
                    last = {}  # an annotation someone edited by hand: kubectl merges as if none was recorded
                merged = three_way_merge(existing, last if isinstance(last, dict) else {}, applied)
                merged["metadata"].setdefault("annotations", {})[LAST_APPLIED] = annotation
                merged["metadata"]["resourceVersion"] = existing["metadata"]["resourceVersion"]
        if existing is None:
            return self.create(new, namespace, manager=manager), "created"
        stored = self.replace(merged, namespace, manager=manager)
        changed = stored["metadata"]["resourceVersion"] != existing["metadata"]["resourceVersion"]
        return stored, "configured" if changed else "unchanged"

    def delete(self, kind: str, namespace: str, name: str, *, grace_period: int | None = None,
               propagation: str = "Background") -> Obj:
        """Delete an object. Pods are deleted gracefully: they get a deletionTimestamp and the kubelet
        removes them after the grace period (``grace_period=0`` removes at once, like ``--force``).
        Dependents are collected by the garbage collector (Background) or orphaned (Orphan)."""
        r = self.resource(kind)
        ns = namespace if r.namespaced else ""
        obj = self.store.get(kind, ns, name)
        if obj is None:
            raise not_found(r, name)
        if kind == "Namespace":
            from .controllers.namespace import delete_namespace

            return delete_namespace(self, obj)
        if propagation == "Orphan":
            for dep in self.store.dependents(obj["metadata"]["uid"]):
                dep["metadata"]["ownerReferences"] = [
                    ref for ref in dep["metadata"].get("ownerReferences", []) if ref["uid"] != obj["metadata"]["uid"]
                ]
                self.store.update(dep)
        # podStrategy.CheckGracefulDelete: an unscheduled pod, or one whose containers have all
        # terminated for good (Succeeded/Failed), has nothing to stop and goes at once.
        if (kind == "Pod" and grace_period != 0 and (obj.get("spec") or {}).get("nodeName")
                and (obj.get("status") or {}).get("phase") not in ("Succeeded", "Failed")):
            meta = obj["metadata"]
            if meta.get("deletionTimestamp"):
                return obj
            grace = grace_period if grace_period is not None else obj["spec"].get("terminationGracePeriodSeconds", 30)
            meta["deletionTimestamp"] = self.clock.iso(self.clock.now() + grace)
            meta["deletionGracePeriodSeconds"] = grace
            return self.store.update(obj)
        if obj["metadata"].get("finalizers"):
            return self._mark_finalizing(obj)
        return self.store.remove(kind, ns, name)

    def _mark_finalizing(self, obj: Obj) -> Obj:
        """The generic registry's delete of an object its finalizers hold (``updateForGracefulDeletionAndFinalizers``):
        it only gets ``deletionTimestamp`` (now) and ``deletionGracePeriodSeconds: 0`` and stays stored; the
        write that drops its last finalizer removes it (``_on_event``). A second delete changes nothing."""
        self._watch_finalized()
        meta = obj["metadata"]
        if meta.get("deletionTimestamp"):
            if meta.get("deletionGracePeriodSeconds") == 0:
                return obj
        else:
            meta["deletionTimestamp"] = self.clock.iso()
        meta["deletionGracePeriodSeconds"] = 0
        return self.store.update(obj)

    def _watch_finalized(self) -> None:
        """Subscribes ``_on_event`` once, on the first delete a finalizer holds: by then every component
        of the cluster has subscribed, so they all see the finalizer's removal before the object's."""
        if not self._watching:
            self._watching = True
            self.store.subscribe(self._on_event)

    def _on_event(self, event: Any) -> None:
        """ShouldDeleteDuringUpdate: a write that leaves an object marked for deletion with a grace period
        of 0 and no finalizers left removes it (whoever wrote it: a controller dropping its finalizer, a
        user's edit). Pods in their grace period (> 0) are the kubelet's to remove."""
        if event.type != "MODIFIED":
            return
        kind, ns, name = event.key
        live = self.store.peek(kind, ns, name)  # the latest write decides (a nested one may have followed)
        meta = (live or {}).get("metadata") or {}
        if (live is not None and kind != "Namespace" and meta.get("deletionTimestamp")
                and meta.get("deletionGracePeriodSeconds") == 0 and not meta.get("finalizers")):
            self.store.remove(kind, ns, name)


def _as_updated(old: Obj, new: Obj) -> Obj:
    """What ``Store.update`` would store for ``new`` over ``old``, without storing it (a dry run):
    the identity and server-owned metadata kept from ``old``, the generation bumped when the spec
    changes; the resourceVersion stays the stored one, as a dry-run update's answer has it."""
    out = deep_copy(new)
    meta, was = out["metadata"], old["metadata"]
    for name in ("uid", "creationTimestamp", "resourceVersion"):
        meta[name] = was[name]
    if "generation" in was:
        meta["generation"] = was["generation"] + (1 if out.get("spec") != old.get("spec") else 0)
    if meta.get("deletionTimestamp") is None and was.get("deletionTimestamp"):
        meta["deletionTimestamp"] = was["deletionTimestamp"]
        if "deletionGracePeriodSeconds" in was:
            meta["deletionGracePeriodSeconds"] = was["deletionGracePeriodSeconds"]
    return out


def last_applied_annotation(obj: Obj) -> str:
    """The ``last-applied-configuration`` kubectl records (``GetModifiedConfiguration``): the object
    without that annotation but with ``annotations`` kept (``{}`` when it was the only one),
    encoded by Go's ``json.Encoder``: keys sorted, compact, ``<>&`` escaped, a trailing newline."""
    doc = deep_copy(obj)
    if not isinstance(doc.get("metadata"), dict):
        doc["metadata"] = {}
    meta = doc["metadata"]
    meta["annotations"] = {k: v for k, v in (meta.get("annotations") or {}).items() if k != LAST_APPLIED}
    text = json.dumps(doc, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n"


def three_way_merge(live: Obj, last_applied: Obj, desired: Obj) -> Obj:
    """Client-side apply's merge: fields in ``desired`` win, fields the user dropped since the last
    apply are removed, fields set by others (status, defaults, controllers' changes) are kept.
    Lists merge as the kind's v1.32 OpenAPI says (``x-kubernetes-patch-strategy: merge`` on its
    ``patch-merge-key``: containers by name, ports by containerPort, …); every other list is
    atomic and replaced whole (tolerations, args, …)."""
    from . import openapi

    r = BY_KIND.get(desired.get("kind", ""))
    schema = openapi.schema_for(r.api_version, r.kind) if r is not None else None

    def merge(live_v: Any, last_v: Any, want: Any, node: Any) -> Any:
        if isinstance(want, dict) and isinstance(live_v, dict):
            out = dict(live_v)
            last_d = last_v if isinstance(last_v, dict) else {}
            for k in last_d:
                if k not in want:
                    out.pop(k, None)
            for k, v in want.items():
                out[k] = merge(live_v.get(k), last_d.get(k), v, node.field(k) if node is not None else None)
            return out
        if isinstance(want, list) and isinstance(live_v, list) and node is not None and "merge" in node.patch_strategy:
            last_l = last_v if isinstance(last_v, list) else []
            key = node.patch_merge_key
            if not key or not all(isinstance(w, dict) for w in want):
                # a set of scalars (finalizers): the user's, plus what others added
                return deep_copy(want) + [deep_copy(v) for v in live_v if v not in want and v not in last_l]
            live_by = {v.get(key): v for v in live_v if isinstance(v, dict)}
            last_by = {v.get(key): v for v in last_l if isinstance(v, dict)}
            wanted = {w.get(key) for w in want}
            out = [merge(live_by[w.get(key)], last_by.get(w.get(key)), w, node.items) if w.get(key) in live_by
                   else deep_copy(w) for w in want]
            # items someone else added stay; items the user dropped since the last apply go
            return out + [deep_copy(v) for v in live_v if isinstance(v, dict) and v.get(key) not in wanted
                          and v.get(key) not in last_by]
        return deep_copy(want)

    return merge(deep_copy(live), last_applied, desired, schema)
