"""The DefaultIngressClass admission plugin (plugin/pkg/admission/network/defaultingressclass): an
Ingress created with neither ``spec.ingressClassName`` nor the ``kubernetes.io/ingress.class``
annotation gets the default IngressClass — the one annotated
``ingressclass.kubernetes.io/is-default-class: "true"``, the newest when several are (ties by
name) — and is left alone when there is none. Updates are not defaulted."""

from __future__ import annotations

from typing import Any

DEFAULT_ANNOTATION = "ingressclass.kubernetes.io/is-default-class"
CLASS_ANNOTATION = "kubernetes.io/ingress.class"


def default_class(classes: Any) -> dict | None:
    """getDefaultClass: the newest default IngressClass (ties: the smaller name)."""
    marked = [c for c in classes if (c["metadata"].get("annotations") or {}).get(DEFAULT_ANNOTATION) == "true"]
    if not marked:
        return None
    marked.sort(key=lambda c: c["metadata"]["name"])
    marked.sort(key=lambda c: c["metadata"].get("creationTimestamp") or "", reverse=True)
    return marked[0]


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    if operation != "CREATE" or obj.get("kind") != "Ingress":
        return
    spec = obj.get("spec")
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    if not isinstance(spec, dict) or spec.get("ingressClassName") is not None \
            or CLASS_ANNOTATION in (meta.get("annotations") or {}):
        return
    chosen = default_class(api.store.scan("IngressClass"))
    if chosen is not None:
        spec["ingressClassName"] = chosen["metadata"]["name"]
