"""The other versions a stored kind is served in, with their converters (one table, read by discovery
and the REST API's router).

A v1.32 apiserver stores each kind in one version (``server/sim/resources.py``: what the store, admission
and the controllers see) and may serve it in more: ``autoscaling/v1`` HorizontalPodAutoscaler beside the
stored and preferred ``autoscaling/v2`` (kube-apiserver's ``autoscaling`` storage provider installs v2, v1
in that order; api/discovery/apis__autoscaling.json). ``EXTRA`` lists each such version with the pure
functions that convert a body of that version to the stored one and back (``server/sim/autoscaling.py``
for the HPA). Discovery lists an extra version after the stored one (so the stored stays preferred),
with the stored version's ``storageVersionHash`` (the hash names the storage version); the REST API
resolves ``/apis/<group>/<extra version>/…`` to the ``Served`` entry's resource and converts what comes
in and goes out. Category expansion (``kubectl get all``) reads the preferred version only.

A body of an extra version is decoded against *its own* schema before it is converted (``decode``): the
apiserver's strict decoder reads the request's version, and the conversion to the stored one drops what
that version has no field for, so an unknown field (``fieldValidation=Strict``) or a Go type error is
found there or never.

Hands off: the conversions themselves to the kinds' modules; the routing to ``server.apiserver``.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import admission
from .autoscaling import v1_to_v2, v2_to_v1
from .resources import BY_KIND, Resource

Obj = dict[str, Any]


@dataclass(frozen=True)
class AlsoServed(Resource):
    """A stored kind's resource in another served version: ``stored_version`` is where it lives."""

    stored_version: str = ""

    @property
    def storage_version_hash(self) -> str:
        gvk = f"{self.group}/{self.stored_version}/{self.kind}"
        return base64.b64encode(hashlib.sha256(gvk.encode()).digest()[:8]).decode()


@dataclass(frozen=True)
class Served:
    """One extra version: its resource, and body conversions to the stored version and back."""

    resource: AlsoServed
    to_stored: Callable[[Obj], Obj]
    from_stored: Callable[[Obj], Obj]


def _also(kind: str, version: str, to_stored: Callable[[Obj], Obj], from_stored: Callable[[Obj], Obj]) -> Served:
    stored = BY_KIND[kind]
    fields = {k: getattr(stored, k) for k in stored.__dataclass_fields__}
    resource = AlsoServed(**{**fields, "version": version}, stored_version=stored.version)
    return Served(resource, to_stored, from_stored)


#: every extra served version, in the order discovery lists them after their stored version
EXTRA: tuple[Served, ...] = (
    _also("HorizontalPodAutoscaler", "v1", v1_to_v2, v2_to_v1),
)

_BY_RESOURCE: dict[tuple[str, str, str], Served] = {
    (s.resource.group, s.resource.version, s.resource.plural): s for s in EXTRA}


def resources() -> list[AlsoServed]:
    """The extra versions' resources (for discovery and the router's path table)."""
    return [s.resource for s in EXTRA]


def served(resource: Resource) -> Served | None:
    """The conversions of ``resource`` when it is an extra version, None for a stored one."""
    if not isinstance(resource, AlsoServed):
        return None
    return _BY_RESOURCE.get((resource.group, resource.version, resource.plural))


def decode(resource: Resource, obj: Obj, field_validation: str = "Strict") -> list[str]:
    """The strict decoding of a body of an extra version, against that version's v1.32 schema,
    as ``admission.validate`` decodes a stored version's: raises its 400 BadRequest (``<Kind> in
    version "v1" cannot be handled as a <Kind>: strict decoding error: unknown field "spec.foo"``,
    or the Go type error); ``Warn`` drops unknown fields from ``obj`` and returns their warnings,
    ``Ignore`` drops them. Nothing to do (``[]``) for a stored version."""
    if served(resource) is None or not isinstance(obj, dict):
        return []
    return admission.decode(obj, resource.api_version, resource.kind, field_validation)


def to_stored(resource: Resource, obj: Obj) -> Obj:
    """A body of ``resource``'s version as the stored version's object (unchanged for a stored one)."""
    s = served(resource)
    return s.to_stored(obj) if s is not None else obj


def from_stored(resource: Resource, obj: Obj) -> Obj:
    """A stored object as ``resource``'s version serves it (unchanged for a stored one)."""
    s = served(resource)
    return s.from_stored(obj) if s is not None else obj
