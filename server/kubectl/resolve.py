"""What a kubectl command's resource arguments name, and fetching those objects.

Owns: turning the words a user typed (``po``, ``pods/x``, ``deployment.apps/web``,
``deploy,rs``, ``all``, ``deployments.v1.apps``) into ``(Resource, [names])`` groups the way
cli-runtime's resource builder does for every verb (``ResourceTypeOrNameArgs``: ``TYPE1,TYPE2
NAME`` normalised to ``TYPEi/NAME``, categories expanded, each resource once) with the builder's
errors in its order and words; ``-l`` label selectors, parsed by apimachinery's ``labels.Parse``
(``server.sim.labels``: ``=``, ``==``, ``!=``, ``in``, ``notin``, ``key``, ``!key``, ``>``, ``<``)
with its error texts; and reading objects from the store with the apiserver's NotFound wording.
Shared by the read verbs (get, describe) and the write verbs (delete, label, scale, …); keep
these functions' signatures stable.

Hands off: the selector grammar to ``server.sim.labels``; rendering to ``printers``; writes to
``server.sim.api``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..sim import labels
from ..sim.api import not_found
from ..sim.discovery import resources_in_category
from ..sim.resources import RESOURCES, Resource, lookup
from ..sim.store import Obj
from .parse import KubectlError

if TYPE_CHECKING:
    from ..sim.cluster import Cluster



@dataclass
class Target:
    """One resource type and the names asked for (empty: every object of the type)."""

    resource: Resource
    names: list[str] = field(default_factory=list)


def _group_resource(word: str) -> str:
    """schema.ParseGroupResource's resource part (what "doesn't have a resource type" names)."""
    return word.partition(".")[0]


def resource_type(word: str) -> Resource:
    """The Resource a type word names (``po``, ``Pods``, ``deployment.apps``, ``deployments.v1.apps``,
    ``Pod.v1.``), or kubectl's error naming the word's resource part (``foo.bar`` → "foo")."""
    r = lookup(word) if word else None
    if r is None and word.count(".") >= 2:
        # "deployments.v1.apps", "Pod.v1.": resource (or kind), version, group
        base, version, group = word.split(".", 2)
        if re.fullmatch(r"v\d+((alpha|beta)\d+)?", version):
            r = lookup(f"{base}.{group}" if group else base)
            if r is not None and (r.version != version or r.group != group):
                r = None
    if r is None:
        raise KubectlError(f'error: the server doesn\'t have a resource type "{_group_resource(word)}"')
    return r


def split_resource_argument(word: str) -> list[str]:
    """cli-runtime's ``SplitResourceArgument``: the comma-separated words, each once, in order
    (empty words kept: ``pods,`` names a resource type "")."""
    return list(dict.fromkeys(word.split(",")))


def normalize_args(args: list[str]) -> list[str]:
    """cli-runtime's ``normalizeMultipleResourcesArgs``: ``TYPE1,TYPE2 NAME…`` means every
    ``TYPEi/NAMEj`` (so ``describe pod,svc web`` looks for a pod and a service called web)."""
    if len(args) >= 2:
        types = split_resource_argument(args[0])
        if len(types) > 1:
            return [f"{t}/{name}" for t in types for name in args[1:]]
    return list(args)


def _replace_aliases(word: str) -> list[str]:
    """The builder's ``ReplaceAliases`` then ``SplitResourceArgument``: a category (``all``) becomes
    its resources, in discovery order."""
    out: list[str] = []
    for part in word.split(","):
        expanded = resources_in_category(part) if part else []
        if expanded:
            out.extend(f"{r.plural}.{r.group}" if r.group else r.plural for r in expanded)
        else:
            out.append(part)
    return split_resource_argument(",".join(out))


def expand_types(word: str) -> list[Resource]:
    """``deploy,rs`` → [Deployment, ReplicaSet]; ``all`` → the "all" category; each resource once."""
    seen: list[Resource] = []
    for part in _replace_aliases(word):
        r = resource_type(part)
        if r not in seen:
            seen.append(r)
    return seen


_COMBINED = ("error: there is no need to specify a resource type as a separate argument when passing arguments in "
             "resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource "
             "resource/<resource_name>'")


def _split_type_name(word: str) -> tuple[str, str]:
    """``splitResourceTypeName`` of a ``TYPE/NAME`` word, with its errors."""
    seg = word.split("/")
    if len(seg) != 2:
        raise KubectlError("error: arguments in resource/name form may not have more than one slash")
    type_word, name = seg
    if not type_word or not name or len(split_resource_argument(type_word)) != 1:
        raise KubectlError("error: arguments in resource/name form must have a single resource and name")
    return type_word, name


def targets(args: list[str], *, verb: str = "get", selector: str | None = None) -> list[Target]:
    """Group positional arguments as cli-runtime's builder (``ResourceTypeOrNameArgs``) does, for
    every verb that takes ``TYPE[,TYPE…] [NAME…]`` or ``TYPE/NAME…``, with its errors in its order.

    ``TYPE1,TYPE2 NAME…`` is normalised to every ``TYPEi/NAME``; ``TYPE/NAME`` words may not be
    mixed with a bare type (kubectl's example then always says ``kubectl get``, whatever ``verb``
    is); a category (``all``) with names is "you must specify only one resource". With a
    ``selector`` (``-l``) the builder refuses names ("name cannot be provided when a selector is
    specified") and ``TYPE/NAME`` words. Consecutive names of one resource form one Target. An
    empty list means no resource was given: the caller words that error.
    """
    del verb  # kubectl words the combined-form error with "get" for every verb (builder.go)
    if not args:
        return []
    args = normalize_args(args)
    slashed = sum("/" in a for a in args)
    if slashed:
        if slashed != len(args):
            raise KubectlError(_COMBINED)
        tuples = [_split_type_name(a) for a in args]
        if selector and selector.strip():
            raise KubectlError("error: selectors and the all flag cannot be used when passing resource/name arguments")
        mapped: dict[str, Resource] = {}
        out: list[Target] = []
        for type_word, name in tuples:
            r = mapped.get(type_word) or mapped.setdefault(type_word, resource_type(type_word))
            if out and out[-1].resource == r:
                out[-1].names.append(name)
            else:
                out.append(Target(r, [name]))
        return out
    type_words = _replace_aliases(args[0])
    names = args[1:]
    if names and selector and selector.strip():
        raise KubectlError("error: name cannot be provided when a selector is specified")
    if names and len(type_words) > 1:
        raise KubectlError("error: you must specify only one resource")
    types: list[Resource] = []
    for word in type_words:
        r = resource_type(word)
        if r not in types:  # the builder maps each GroupVersionKind once
            types.append(r)
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


# -- label selectors -------------------------------------------------------------------------


def selector_requirements(text: str) -> list[labels.Requirement]:
    """A ``-l`` string parsed by apimachinery's ``labels.Parse`` (``server.sim.labels``); its error
    as kubectl prints a client-side parse (``error: unable to parse requirement: …``)."""
    try:
        return labels.parse(text)
    except labels.SelectorError as e:
        raise KubectlError(f"error: {e.message}") from None


def parse_selector(text: str) -> dict:
    """A ``-l`` string as a LabelSelector dict (matchLabels + matchExpressions) for ``store.scan``.

    ``a!=b`` is ``NotIn [b]``, which like Kubernetes also matches objects without the key; ``a>1``
    and ``a<1`` appear as ``Gt``/``Lt`` expressions (``list_objects`` applies them).
    """
    if not text.strip():
        return {}
    return labels.to_label_selector(selector_requirements(text))


def _has_order(reqs: list[labels.Requirement]) -> bool:
    return any(r.operator in ("gt", "lt") for r in reqs)


def list_objects(cluster: Cluster, resource: Resource, namespace: str | None,
                 selector: str | None = None) -> list[Obj]:
    """Objects of ``resource`` (read-only stored objects), sorted by namespace then name.

    ``namespace`` None means all namespaces; cluster-scoped kinds ignore it. ``selector`` is the
    ``-l`` string.
    """
    ns = None if (namespace is None or not resource.namespaced) else namespace
    reqs = selector_requirements(selector) if selector and selector.strip() else []
    objs = cluster.store.scan(resource.kind, ns, selector=labels.to_label_selector(reqs) if reqs else None)
    if _has_order(reqs):  # the store's matcher has no Gt/Lt
        objs = [o for o in objs if labels.matches(reqs, o["metadata"].get("labels"))]
    return objs


def selector_matches(selector: str | None, object_labels: dict[str, str] | None) -> bool:
    """Whether labels satisfy a ``-l`` string (no selector matches everything)."""
    if not selector or not selector.strip():
        return True
    return labels.matches(selector_requirements(selector), object_labels)


def known_resources() -> tuple[Resource, ...]:
    return RESOURCES
