"""What a kubectl command's resource arguments name, and fetching those objects.

Owns: turning the words a user typed (``po``, ``pods/x``, ``deployment.apps/web``,
``deploy,rs``, ``all``, ``deployments.v1.apps``) into ``(Resource, [names])`` groups the way
kubectl's resource builder does, parsing ``-l`` label selectors (``=``, ``==``, ``!=``, ``in``,
``notin``, ``key``, ``!key``), and reading objects from the store with the apiserver's NotFound
wording. Shared by the read verbs (get, describe) and the write verbs (delete, label, scale, …);
keep these functions' signatures stable.

Hands off: rendering to ``printers``; writes to ``server.sim.api``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..sim.api import not_found
from ..sim.discovery import resources_in_category
from ..sim.resources import RESOURCES, Resource, lookup
from ..sim.store import Obj, matches_selector
from .parse import KubectlError

if TYPE_CHECKING:
    from ..sim.cluster import Cluster



@dataclass
class Target:
    """One resource type and the names asked for (empty: every object of the type)."""

    resource: Resource
    names: list[str] = field(default_factory=list)


def resource_type(word: str) -> Resource:
    """The Resource a type word names (``po``, ``Pods``, ``deployment.apps``, ``deployments.v1.apps``)."""
    r = lookup(word)
    if r is None:
        base, _, rest = word.partition(".")
        # "deployments.v1.apps": version between the name and the group
        version, _, group = rest.partition(".")
        if group and re.fullmatch(r"v\d+((alpha|beta)\d+)?", version):
            r = lookup(f"{base}.{group}")
            if r is not None and r.version != version:
                r = None
    if r is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{word}"')
    return r


def expand_types(word: str) -> list[Resource]:
    """``deploy,rs`` → [Deployment, ReplicaSet]; ``all`` → the "all" category."""
    out: list[Resource] = []
    for part in word.split(","):
        if not part:
            continue
        if part.lower() == "all":
            # the "all" category as discovery lists it, in its order (kubectl's category expander)
            out.extend(resources_in_category("all"))
        else:
            out.append(resource_type(part))
    seen: list[Resource] = []
    for r in out:
        if r not in seen:
            seen.append(r)
    return seen


def targets(args: list[str], *, verb: str = "get") -> list[Target]:
    """Group positional arguments as kubectl's builder does.

    Either ``TYPE[,TYPE…] [NAME…]`` or only ``TYPE/NAME`` words (mixing the two forms is an
    error, as in kubectl). An empty list means no resource was given: the caller words that error.
    """
    if not args:
        return []
    if any("/" in a for a in args):
        if not all("/" in a for a in args):
            raise KubectlError(
                "error: there is no need to specify a resource type as a separate argument when passing "
                f"arguments in resource/name form (e.g. 'kubectl {verb} resource/<resource_name>' instead of "
                f"'kubectl {verb} resource resource/<resource_name>'")
        out: list[Target] = []
        for a in args:
            type_word, _, name = a.partition("/")
            if not name:
                raise KubectlError("error: arguments in resource/name form must have a single resource and name")
            r = resource_type(type_word)
            if out and out[-1].resource == r:
                out[-1].names.append(name)
            else:
                out.append(Target(r, [name]))
        return out
    types = expand_types(args[0])
    names = args[1:]
    if names and len(types) > 1:
        raise KubectlError(
            "error: you must specify only one resource type when passing names: "
            f"{args[0]}")
    return [Target(r, list(names)) for r in types]


def object_namespace(resource: Resource, namespace: str) -> str:
    """The store's namespace key for ``resource`` ("" for cluster-scoped kinds)."""
    return namespace if resource.namespaced else ""


def fetch(cluster: Cluster, resource: Resource, namespace: str, name: str) -> Obj:
    """One object (a copy), or ``ApiError`` NotFound in the apiserver's words."""
    obj = cluster.store.get(resource.kind, object_namespace(resource, namespace), name)
    if obj is None:
        raise not_found(resource, name)
    return obj


def list_objects(cluster: Cluster, resource: Resource, namespace: str | None,
                 selector: str | None = None) -> list[Obj]:
    """Objects of ``resource`` (read-only stored objects), sorted by namespace then name.

    ``namespace`` None means all namespaces; cluster-scoped kinds ignore it. ``selector`` is the
    ``-l`` string.
    """
    ns = None if (namespace is None or not resource.namespaced) else namespace
    sel = parse_selector(selector) if selector else None
    return cluster.store.scan(resource.kind, ns, selector=sel)


# -- label selectors -------------------------------------------------------------------------

_KEY = r"[A-Za-z0-9]([-A-Za-z0-9_./]*[A-Za-z0-9])?"
_VALUE = r"([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?"


def _split_requirements(text: str) -> list[str]:
    """Split on commas that are not inside ``( … )``."""
    parts, depth, cur = [], 0, ""
    for ch in text:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    parts.append(cur)
    return [p.strip() for p in parts]


def parse_selector(text: str) -> dict:
    """A ``-l`` string as a LabelSelector dict (matchLabels + matchExpressions) for ``store.scan``.

    ``a!=b`` is ``NotIn [b]``, which like Kubernetes also matches objects without the key.
    """
    match_labels: dict[str, str] = {}
    exprs: list[dict] = []
    text = text.strip()
    if not text:
        return {}
    for req in _split_requirements(text):
        m = re.fullmatch(rf"({_KEY})\s+(in|notin)\s+\((.*)\)", req)
        if m:
            values = sorted({v.strip() for v in m.group(4).split(",")})
            if any(not re.fullmatch(_VALUE, v) for v in values):
                raise _bad_selector(text)
            exprs.append({"key": m.group(1), "operator": "In" if m.group(3) == "in" else "NotIn", "values": values})
            continue
        m = re.fullmatch(rf"({_KEY})\s*(==|=|!=)\s*(\S*)", req)
        if m:
            key, op, value = m.group(1), m.group(3), m.group(4)
            if not re.fullmatch(_VALUE, value):
                raise _bad_selector(text)
            if op == "!=":
                exprs.append({"key": key, "operator": "NotIn", "values": [value]})
            elif key in match_labels and match_labels[key] != value:
                exprs.append({"key": key, "operator": "In", "values": [value]})
            else:
                match_labels[key] = value
            continue
        m = re.fullmatch(rf"(!?)\s*({_KEY})", req)
        if m:
            exprs.append({"key": m.group(2), "operator": "DoesNotExist" if m.group(1) else "Exists"})
            continue
        raise _bad_selector(text)
    return {"matchLabels": match_labels, "matchExpressions": exprs}


def _bad_selector(text: str) -> KubectlError:
    return KubectlError(f"error: unable to parse requirement: found '{text}', expected: identifier")


def selector_matches(selector: str | None, labels: dict[str, str] | None) -> bool:
    """Whether labels satisfy a ``-l`` string (no selector matches everything)."""
    if not selector:
        return True
    return matches_selector(labels, parse_selector(selector))


def known_resources() -> tuple[Resource, ...]:
    return RESOURCES
