"""The error every admission plugin refuses with: ``admission.NewForbidden`` (k8s.io/apiserver
pkg/admission/errors.go), which names the request's resource and object as
``apierrors.NewForbidden`` words it — ``pods "web" is forbidden: …``; an object that has no name
yet is named by its ``generateName`` (names are generated after admission), else ``Unknown``
(extractResourceName)."""

from __future__ import annotations

from typing import Any

from ..resources import BY_KIND


def forbidden(obj: dict, reason: str, *, causes: list[dict] | None = None) -> Any:
    """An ``ApiError`` 403 Forbidden about ``obj`` with the plugin's ``reason`` text."""
    from ..api import ApiError

    kind = obj.get("kind") or ""
    r = BY_KIND.get(kind)
    resource = (f"{r.plural}.{r.group}" if r.group else r.plural) if r is not None else kind.lower()
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name = meta.get("name") or meta.get("generateName") or "Unknown"
    message = f'{resource} "{name}" is forbidden: {reason}'
    details: dict[str, Any] = {"name": name}  # metav1.StatusDetails' field order
    if r is not None and r.group:
        details["group"] = r.group
    details["kind"] = r.plural if r is not None else resource
    if causes:
        details["causes"] = causes
    return ApiError(403, "Forbidden", message, details=details)
