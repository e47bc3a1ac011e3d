"""ControllerRevision helpers shared by the DaemonSet and StatefulSet controllers
(``pkg/controller/history`` and the two controllers' ``getPatch``).

Owns: what a revision stores (the owner's pod template as a ``$patch: replace`` patch), how two
revisions are compared (``EqualRevision``: their data, as the apiserver round-trips it), the
StatefulSet-style revision hash (``HashControllerRevision``: FNV-1 32 over the data's JSON and the
collision count) and revision names (``ControllerRevisionName``).

Hands off: creating, bumping and pruning revisions stays with each controller, whose naming and
labels differ (the DaemonSet hashes its template, the StatefulSet its revision data).
"""

from __future__ import annotations

from ..store import Obj, deep_copy
from .deployment_util import canonical, safe_encode, semantic

#: history.ControllerRevisionHashLabel
REVISION_HASH_LABEL = "controller.kubernetes.io/hash"


def revision_data(owner: Obj) -> Obj:
    """getPatch: what a ControllerRevision stores and how Match compares it."""
    template = deep_copy(owner["spec"].get("template") or {})
    template["$patch"] = "replace"
    return {"spec": {"template": template}}


def template_of(revision: Obj) -> Obj:
    """ApplyRevision's result, as far as the controllers read it: the revision's pod template."""
    template = deep_copy(((revision.get("data") or {}).get("spec") or {}).get("template") or {})
    template.pop("$patch", None)
    return template


def revision_matches(owner: Obj, revision: Obj) -> bool:
    """Match / EqualRevision: the revision stores the owner's current template."""
    return semantic(revision.get("data")) == semantic(revision_data(owner))


def fnv1_32(data: bytes) -> int:
    """hash/fnv.New32 (FNV-1: multiply, then xor — not the 1a variant ComputeHash uses)."""
    h = 0x811C9DC5
    for b in data:
        h = (h * 0x01000193) & 0xFFFFFFFF
        h ^= b
    return h


def hash_revision(data: Obj, probe: int | None) -> str:
    """HashControllerRevision: the data's JSON, then the collision count in decimal."""
    raw = canonical(semantic(data))
    if probe is not None:
        raw += str(probe).encode()
    return safe_encode(str(fnv1_32(raw)))


def revision_name(prefix: str, hash_: str) -> str:
    """ControllerRevisionName: the owner's name cut to 223 characters, a dash, the hash."""
    return f"{prefix[:223]}-{hash_}"
