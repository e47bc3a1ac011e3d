"""Pure helpers of the Deployment and ReplicaSet controllers (``pkg/controller/deployment/util``).

Owns: the pod-template-hash (FNV-1a 32 over a canonical serialisation + the apiserver's
safe-encoding), maxSurge/maxUnavailable resolution (ResolveFenceposts), NewRSNewReplicas,
proportional-scaling shares (GetProportion), revision and replica annotations, the orderings the
controllers sort ReplicaSets by, pod readiness/availability, and the Deployment conditions.

Everything here is a function of its arguments (plus an explicit ``now``): no store, no clock.
Objects are the store's plain dicts; helpers that "set" something mutate the dict they are given
and say whether they changed it, exactly like their Go counterparts.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

from ..clock import parse_time
from ..store import controller_ref as controller_ref  # re-exported: the controllers read it from here

Obj = dict[str, Any]

HASH_LABEL = "pod-template-hash"
REVISION = "deployment.kubernetes.io/revision"
REVISION_HISTORY = "deployment.kubernetes.io/revision-history"
DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas"
MAX_REPLICAS = "deployment.kubernetes.io/max-replicas"
LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
ROLLBACK_TO = "deprecated.deployment.rollback.to"
MAX_REV_HISTORY_CHARS = 2000
MAX_INT32 = 2**31 - 1

#: annotations never copied from a Deployment onto its ReplicaSets (annotationsToSkip)
ANNOTATIONS_TO_SKIP = frozenset({LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS, MAX_REPLICAS, ROLLBACK_TO})

# Condition reasons (util/deployment_util.go)
NEW_RS_CREATED = "NewReplicaSetCreated"
FOUND_NEW_RS = "FoundNewReplicaSet"
RS_UPDATED = "ReplicaSetUpdated"
NEW_RS_AVAILABLE = "NewReplicaSetAvailable"
TIMED_OUT = "ProgressDeadlineExceeded"
FAILED_RS_CREATE = "ReplicaSetCreateError"
PAUSED = "DeploymentPaused"
RESUMED = "DeploymentResumed"
MIN_AVAILABLE = "MinimumReplicasAvailable"
MIN_UNAVAILABLE = "MinimumReplicasUnavailable"

ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789"


# -- hashing ---------------------------------------------------------------------------------------
def fnv1a_32(data: bytes) -> int:
    h = 0x811C9DC5
    for b in data:
        h ^= b
        h = (h * 0x01000193) & 0xFFFFFFFF
    return h


def safe_encode(s: str) -> str:
    """apimachinery's rand.SafeEncodeString: map every character onto a vowel-free alphabet."""
    return "".join(ALPHANUMS[ord(c) % len(ALPHANUMS)] for c in s)


def canonical(value: Any) -> bytes:
    """A stable serialisation standing in for go-spew's ``%#v`` dump (sorted keys, no spaces)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(template: Obj, collision_count: int | None = None) -> str:
    """controller.ComputeHash: FNV-1a 32 of the template (+ the collision count), safe-encoded."""
    data = canonical(template)
    if collision_count is not None:
        # binary.LittleEndian.PutUint32 into an 8-byte slice: the count, then 4 zero bytes
        data += (collision_count & 0xFFFFFFFF).to_bytes(4, "little") + b"\x00" * 4
    return safe_encode(str(fnv1a_32(data)))


def semantic(value: Any) -> Any:
    """Drop empty maps/lists and nulls: apimachinery's semantic DeepEqual treats them as unset
    (and they do not survive a round trip through the apiserver)."""
    if isinstance(value, dict):
        out = {k: semantic(v) for k, v in value.items()}
        return {k: v for k, v in out.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [semantic(v) for v in value]
    return value


def without_hash(template: Obj | None) -> Obj:
    t = dict(template or {})
    meta = dict(t.get("metadata") or {})
    labels = dict(meta.get("labels") or {})
    labels.pop(HASH_LABEL, None)
    meta["labels"] = labels
    t["metadata"] = meta
    return t


def equal_ignore_hash(t1: Obj | None, t2: Obj | None) -> bool:
    return semantic(without_hash(t1)) == semantic(without_hash(t2))


# -- spec accessors (robust to fields the defaulting has not filled) ---------------------------------
def replicas(obj: Obj) -> int:
    r = (obj.get("spec") or {}).get("replicas")
    return 1 if r is None else int(r)


def strategy_type(d: Obj) -> str:
    return ((d.get("spec") or {}).get("strategy") or {}).get("type") or "RollingUpdate"


def is_rolling_update(d: Obj) -> bool:
    return strategy_type(d) == "RollingUpdate"


def _rolling_params(d: Obj) -> tuple[Any, Any]:
    ru = ((d["spec"].get("strategy") or {}).get("rollingUpdate")) or {}
    surge = ru.get("maxSurge")
    unavailable = ru.get("maxUnavailable")
    return ("25%" if surge is None else surge), ("25%" if unavailable is None else unavailable)


def progress_deadline(d: Obj) -> int | None:
    """spec.progressDeadlineSeconds; None (or MaxInt32) means no deadline (HasProgressDeadline)."""
    spec = d.get("spec") or {}
    v = spec.get("progressDeadlineSeconds", 600)
    if v is None or int(v) == MAX_INT32:
        return None
    return int(v)


def revision_history_limit(d: Obj) -> int | None:
    """None means keep everything (nil or MaxInt32)."""
    v = (d.get("spec") or {}).get("revisionHistoryLimit", 10)
    if v is None or int(v) == MAX_INT32:
        return None
    return int(v)


def min_ready_seconds(obj: Obj) -> int:
    return int((obj.get("spec") or {}).get("minReadySeconds") or 0)


# -- fenceposts ---------------------------------------------------------------------------------------
def scaled_value(value: Any, total: int, round_up: bool) -> int:
    """intstr.GetScaledValueFromIntOrPercent."""
    if isinstance(value, bool):
        raise ValueError(f"invalid value {value!r}")
    if isinstance(value, int):
        return value
    s = str(value)
    if not s.endswith("%"):
        # kubectl/apiserver reject this ("must be an integer or percentage"); be lenient here
        return int(s)
    pct = int(s[:-1])
    num = pct * total
    return -(-num // 100) if round_up else num // 100


def resolve_fenceposts(max_surge: Any, max_unavailable: Any, desired: int) -> tuple[int, int]:
    surge = scaled_value("25%" if max_surge is None else max_surge, desired, True)
    unavailable = scaled_value("25%" if max_unavailable is None else max_unavailable, desired, False)
    if surge == 0 and unavailable == 0:
        # Validation rules out both being 0; when percentages round down to 0 make progress possible.
        unavailable = 1
    return surge, unavailable


def max_unavailable(d: Obj) -> int:
    n = replicas(d)
    if not is_rolling_update(d) or n == 0:
        return 0
    _, unavailable = resolve_fenceposts(*_rolling_params(d), n)
    return min(unavailable, n)


def max_surge(d: Obj) -> int:
    if not is_rolling_update(d):
        return 0
    surge, _ = resolve_fenceposts(*_rolling_params(d), replicas(d))
    return surge


# -- ReplicaSet arithmetic -----------------------------------------------------------------------------
def rs_status(rs: Obj, field: str) -> int:
    return int((rs.get("status") or {}).get(field) or 0)


def spec_sum(rss: list[Obj | None]) -> int:
    """GetReplicaCountForReplicaSets."""
    return sum(replicas(rs) for rs in rss if rs is not None)


def actual_sum(rss: list[Obj | None]) -> int:
    return sum(rs_status(rs, "replicas") for rs in rss if rs is not None)


def ready_sum(rss: list[Obj | None]) -> int:
    return sum(rs_status(rs, "readyReplicas") for rs in rss if rs is not None)


def available_sum(rss: list[Obj | None]) -> int:
    return sum(rs_status(rs, "availableReplicas") for rs in rss if rs is not None)


def active(rss: list[Obj | None]) -> list[Obj]:
    """FilterActiveReplicaSets: the ones with spec.replicas > 0."""
    return [rs for rs in rss if rs is not None and replicas(rs) > 0]


def new_rs_new_replicas(d: Obj, all_rss: list[Obj | None], new_rs: Obj) -> int:
    """NewRSNewReplicas: how big the new ReplicaSet may be right now."""
    n = replicas(d)
    if strategy_type(d) == "Recreate":
        return n
    surge = scaled_value(_rolling_params(d)[0], n, True)
    current = spec_sum(all_rss)
    max_total = n + surge
    if current >= max_total:
        return replicas(new_rs)
    return replicas(new_rs) + min(max_total - current, n - replicas(new_rs))


def round_half_away(x: float) -> int:
    """Go's math.Round: halves go away from zero."""
    return int(math.floor(abs(x) + 0.5)) * (1 if x >= 0 else -1)


def _int_annotation(rs: Obj, key: str) -> int | None:
    v = ((rs.get("metadata") or {}).get("annotations") or {}).get(key)
    try:
        return int(v) if v is not None else None
    except ValueError:
        return None


def desired_replicas_annotation(rs: Obj) -> int | None:
    return _int_annotation(rs, DESIRED_REPLICAS)


def replica_set_fraction(rs: Obj, d: Obj) -> int:
    """getReplicaSetFraction: the RS's share of the new size, minus its current size."""
    if replicas(d) == 0:
        return -replicas(rs)
    d_max = replicas(d) + max_surge(d)
    before = _int_annotation(rs, MAX_REPLICAS)
    if not before:
        # annotation missing or edited away: fall back to the Deployment's current size
        before = int((d.get("status") or {}).get("replicas") or 0)
        if before == 0:
            return -replicas(rs)
    return round_half_away(replicas(rs) * d_max / before) - replicas(rs)


def get_proportion(rs: Obj | None, d: Obj, to_add: int, added: int) -> int:
    """GetProportion: this RS's share, capped by what is left to add (or to remove)."""
    if rs is None or replicas(rs) == 0 or to_add == 0 or to_add == added:
        return 0
    fraction = replica_set_fraction(rs, d)
    allowed = to_add - added
    return min(fraction, allowed) if to_add > 0 else max(fraction, allowed)


def is_saturated(d: Obj, rs: Obj | None) -> bool:
    if rs is None:
        return False
    desired = desired_replicas_annotation(rs)
    if desired is None:
        return False
    n = replicas(d)
    return replicas(rs) == n and desired == n and rs_status(rs, "availableReplicas") == n


def set_replicas_annotations(rs: Obj, desired: int, max_replicas: int) -> bool:
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for key, value in ((DESIRED_REPLICAS, str(desired)), (MAX_REPLICAS, str(max_replicas))):
        if ann.get(key) != value:
            ann[key] = value
            changed = True
    return changed


def replicas_annotations_need_update(rs: Obj, desired: int, max_replicas: int) -> bool:
    ann = (rs.get("metadata") or {}).get("annotations") or {}
    return ann.get(DESIRED_REPLICAS) != str(desired) or ann.get(MAX_REPLICAS) != str(max_replicas)


# -- revisions -------------------------------------------------------------------------------------------
def revision(rs: Obj) -> int | None:
    return _int_annotation(rs, REVISION)


def max_revision(rss: list[Obj]) -> int:
    return max([r for r in (revision(rs) for rs in rss) if r is not None] or [0])


def copy_deployment_annotations(d: Obj, rs: Obj) -> bool:
    """copyDeploymentAnnotationsToReplicaSet: how change-cause and friends reach the RS."""
    ann = rs["metadata"].setdefault("annotations", {})
    changed = False
    for k, v in sorted(((d.get("metadata") or {}).get("annotations") or {}).items()):
        if k in ANNOTATIONS_TO_SKIP or ann.get(k) == v:
            continue
        ann[k] = v
        changed = True
    return changed


def set_new_rs_annotations(d: Obj, rs: Obj, new_revision: int, exists: bool,
                           limit_chars: int = MAX_REV_HISTORY_CHARS) -> bool:
    """SetNewReplicaSetAnnotations: copy annotations, raise the revision, keep revision-history."""
    changed = copy_deployment_annotations(d, rs)
    ann = rs["metadata"].setdefault("annotations", {})
    old = ann.get(REVISION)
    had = old is not None
    try:
        old_int = int(old) if old else 0
    except ValueError:
        return False
    if old_int < new_revision:
        ann[REVISION] = str(new_revision)
        changed = True
        if had:
            # A rollback: this RS had a revision already; remember the old number.
            history = ann.get(REVISION_HISTORY, "")
            olds = history.split(",")
            if not olds[0]:
                ann[REVISION_HISTORY] = old
            else:
                total = len(history) + len(old) + 1
                start = 0
                while total > limit_chars and start < len(olds):
                    total -= len(olds[start]) + 1
                    start += 1
                if total <= limit_chars:
                    ann[REVISION_HISTORY] = ",".join([*olds[start:], old])
    if not exists and set_replicas_annotations(rs, replicas(d), replicas(d) + max_surge(d)):
        changed = True
    return changed


def set_deployment_revision(d: Obj, rev: str) -> bool:
    ann = d["metadata"].setdefault("annotations", {})
    if ann.get(REVISION) != rev:
        ann[REVISION] = rev
        return True
    return False


# -- orderings ----------------------------------------------------------------------------------------------
def by_creation(rs: Obj) -> tuple[float, str]:
    """ReplicaSetsByCreationTimestamp: oldest first, ties by name."""
    meta = rs["metadata"]
    return (parse_time(meta.get("creationTimestamp")) or 0.0, meta["name"])


def sort_by_creation(rss: list[Obj]) -> list[Obj]:
    return sorted(rss, key=by_creation)


def sort_by_revision(rss: list[Obj]) -> list[Obj]:
    """ReplicaSetsByRevision: ascending revision, ties by creation."""
    return sorted(rss, key=lambda rs: (revision(rs) or 0, *by_creation(rs)))


def sort_by_size(rss: list[Obj], newer_first: bool) -> list[Obj]:
    """ReplicaSetsBySizeNewer / BySizeOlder: largest first; ties newest (up) or oldest (down) first."""
    ordered = sort_by_creation(rss)
    if newer_first:
        ordered.reverse()
    # Python's sort is stable, so equal sizes keep the creation order chosen above.
    return sorted(ordered, key=lambda rs: -replicas(rs))


def same_template(d: Obj, rs: Obj) -> bool:
    """EqualIgnoreHash of a ReplicaSet's template and its Deployment's."""
    return equal_ignore_hash(rs["spec"].get("template"), d["spec"].get("template"))


def find_new_rs(d: Obj, rss: list[Obj], same: Callable[[Obj, Obj], bool] = same_template) -> Obj | None:
    """FindNewReplicaSet: the oldest RS whose template equals the Deployment's (hash label ignored).
    ``same`` is that comparison (the controller passes a memoised one)."""
    for rs in sort_by_creation(rss):
        if same(d, rs):
            return rs
    return None


def find_old_rss(d: Obj, rss: list[Obj], same: Callable[[Obj, Obj], bool] = same_template
                 ) -> tuple[list[Obj], list[Obj]]:
    """FindOldReplicaSets: (old RSs with replicas > 0, all old RSs)."""
    all_old = others(find_new_rs(d, rss, same), rss)
    return [rs for rs in all_old if replicas(rs) != 0], all_old


def others(new: Obj | None, rss: list[Obj]) -> list[Obj]:
    """The ReplicaSets of ``rss`` but ``new`` (the new one, found already): FindOldReplicaSets' all old."""
    return [rs for rs in rss if new is None or rs["metadata"]["uid"] != new["metadata"]["uid"]]


def find_active_or_latest(new_rs: Obj | None, old_rss: list[Obj]) -> Obj | None:
    if new_rs is None and not old_rss:
        return None
    newest_first = list(reversed(sort_by_creation(old_rss)))
    live = active([*newest_first, new_rs])
    if len(live) == 0:
        return new_rs if new_rs is not None else newest_first[0]
    if len(live) == 1:
        return live[0]
    return None


# -- pods ----------------------------------------------------------------------------------------------------


def ready_condition(pod: Obj) -> Obj | None:
    for c in (pod.get("status") or {}).get("conditions") or []:
        if c.get("type") == "Ready":
            return c
    return None


def is_pod_ready(pod: Obj) -> bool:
    c = ready_condition(pod)
    return c is not None and c.get("status") == "True"


def available_at(pod: Obj, min_ready: int) -> float | None:
    """When a Ready pod becomes (or became) available: lastTransitionTime + minReadySeconds."""
    if not is_pod_ready(pod):
        return None
    if min_ready == 0:
        return float("-inf")
    t = parse_time((ready_condition(pod) or {}).get("lastTransitionTime"))
    return None if t is None else t + min_ready


def is_pod_available(pod: Obj, min_ready: int, now: float) -> bool:
    """IsPodAvailable: Ready, and Ready for more than minReadySeconds (strictly)."""
    at = available_at(pod, min_ready)
    return at is not None and (min_ready == 0 or at < now)


def is_pod_active(pod: Obj) -> bool:
    """IsPodActive: not Succeeded/Failed and not being deleted."""
    phase = (pod.get("status") or {}).get("phase")
    return phase not in ("Succeeded", "Failed") and not pod["metadata"].get("deletionTimestamp")


def controller_ref_to(owner: Obj) -> Obj:
    """metav1.NewControllerRef."""
    return {
        "apiVersion": owner.get("apiVersion") or "apps/v1",
        "kind": owner["kind"],
        "name": owner["metadata"]["name"],
        "uid": owner["metadata"]["uid"],
        "controller": True,
        "blockOwnerDeletion": True,
    }


# -- Deployment conditions and status ---------------------------------------------------------------------
def get_condition(status: Obj, type_: str) -> Obj | None:
    for c in status.get("conditions") or []:
        if c.get("type") == type_:
            return c
    return None


def new_condition(type_: str, status: str, reason: str, message: str, now_iso: str) -> Obj:
    return {"type": type_, "status": status, "lastUpdateTime": now_iso, "lastTransitionTime": now_iso,
            "reason": reason, "message": message}


def set_condition(status: Obj, cond: Obj) -> None:
    """SetDeploymentCondition: same status and reason is a no-op; a new one goes to the end."""
    current = get_condition(status, cond["type"])
    if current is not None and current["status"] == cond["status"] and current.get("reason") == cond.get("reason"):
        return
    cond = dict(cond)
    if current is not None and current["status"] == cond["status"]:
        cond["lastTransitionTime"] = current["lastTransitionTime"]
    remove_condition(status, cond["type"])
    status.setdefault("conditions", []).append(cond)


def remove_condition(status: Obj, type_: str) -> None:
    conds = [c for c in status.get("conditions") or [] if c.get("type") != type_]
    if conds:
        status["conditions"] = conds
    else:
        status.pop("conditions", None)


def deployment_complete(d: Obj, status: Obj) -> bool:
    n = replicas(d)
    return (int(status.get("updatedReplicas") or 0) == n and int(status.get("replicas") or 0) == n
            and int(status.get("availableReplicas") or 0) == n
            and int(status.get("observedGeneration") or 0) >= int(d["metadata"].get("generation") or 0))


def deployment_progressing(d: Obj, new: Obj) -> bool:
    old = d.get("status") or {}

    def g(s: Obj, f: str) -> int:
        return int(s.get(f) or 0)

    return (g(new, "updatedReplicas") > g(old, "updatedReplicas")
            or g(new, "replicas") - g(new, "updatedReplicas") < g(old, "replicas") - g(old, "updatedReplicas")
            or g(new, "readyReplicas") > g(old, "readyReplicas")
            or g(new, "availableReplicas") > g(old, "availableReplicas"))


def deployment_timed_out(d: Obj, status: Obj, now: float) -> bool:
    deadline = progress_deadline(d)
    if deadline is None:
        return False
    cond = get_condition(status, "Progressing")
    if cond is None or cond.get("reason") == NEW_RS_AVAILABLE:
        return False
    if cond.get("reason") == TIMED_OUT:
        return True
    last = parse_time(cond.get("lastUpdateTime"))
    return last is not None and last + deadline < now
