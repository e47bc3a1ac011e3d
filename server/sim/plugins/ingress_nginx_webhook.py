"""The ingress add-on's validating webhook, ``validate.nginx.ingress.kubernetes.io`` (ingress-nginx's
internal/admission/controller, behind the ``ingress-nginx-admission`` ValidatingWebhookConfiguration
of deploy.yaml: CREATE and UPDATE of every Ingress, ``failurePolicy: Fail``), called where
kube-apiserver calls ValidatingAdmissionWebhook — after the mutating plugins, before ResourceQuota.

While the add-on is installed: with no ready endpoint behind ``ingress-nginx-controller-admission``
the apiserver cannot call it, and the request fails (the error a learner meets when applying an
Ingress right after enabling the add-on); once the controller runs, an Ingress of its class
(``nginx``) whose host and path another Ingress already defines is denied with ingress-nginx's
words. Ingresses of other classes are allowed (the webhook ignores them).

Hands off: routing is ``server/sim/net/ingress.py``'s; the add-on's objects are created there.
"""

from __future__ import annotations

from typing import Any

NAME = "validate.nginx.ingress.kubernetes.io"
SERVICE = "ingress-nginx-controller-admission"
URL = f"https://{SERVICE}.ingress-nginx.svc:443/networking/v1/ingresses?timeout=10s"


def _ready(api: Any) -> bool:
    """Whether the webhook Service has a ready endpoint (what the apiserver's resolver needs)."""
    from ..net import ingress

    for s in api.store.scan("EndpointSlice", ingress.NAMESPACE, selector={"kubernetes.io/service-name": SERVICE}):
        if any((e.get("conditions") or {}).get("ready") is not False for e in s.get("endpoints") or []):
            return True
    return False


def overlap(api: Any, obj: dict) -> str | None:
    """ingress-nginx's checkOverlap: the first host/path of ``obj`` another Ingress of the class defines."""
    from ..net import ingress

    meta = obj.get("metadata") or {}
    me = (meta.get("namespace") or "default", meta.get("name"))
    for rule in ((obj.get("spec") or {}).get("rules") or []):
        host = (rule or {}).get("host")
        if not host:
            continue
        for p in (((rule or {}).get("http") or {}).get("paths") or []):
            path, kind = (p or {}).get("path") or "/", (p or {}).get("pathType")
            for other in api.store.scan("Ingress"):
                om = other["metadata"]
                if (om.get("namespace"), om["name"]) == me or not ingress.ours(other):
                    continue
                for orule in (other.get("spec") or {}).get("rules") or []:
                    if (orule or {}).get("host") != host:
                        continue
                    for op in (((orule or {}).get("http") or {}).get("paths") or []):
                        if ((op or {}).get("path") or "/") == path and (op or {}).get("pathType") == kind:
                            return (f'host "{host}" and path "{path}" is already defined in ingress '
                                    f"{om.get('namespace')}/{om['name']}")
    return None


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    if obj.get("kind") != "Ingress" or operation not in ("CREATE", "UPDATE"):
        return  # (before the imports: every object of every kind comes through here)
    from ..api import ApiError
    from ..net import ingress

    if api.store.peek("Service", ingress.NAMESPACE, SERVICE) is None:
        return  # the add-on is not installed: no webhook configuration either
    if not _ready(api):
        raise ApiError(500, "InternalError", f'Internal error occurred: failed calling webhook "{NAME}": failed to '
                                             f'call webhook: Post "{URL}": no endpoints available for service '
                                             f'"{SERVICE}"')
    if not isinstance(obj.get("spec"), dict) or ingress.ingress_class(obj) != ingress.CLASS:
        return
    problem = overlap(api, obj)
    if problem:
        raise ApiError(400, "BadRequest", f'admission webhook "{NAME}" denied the request: {problem}')
