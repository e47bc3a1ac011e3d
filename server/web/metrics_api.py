"""metrics.k8s.io/v1beta1 over the Kubernetes REST API, as kube-aggregator proxies it to metrics-server.

Owns the documents and answers of the aggregated group, framework-free: whether the group is listed
(``listed``: while the metrics-server add-on's APIService exists), its ``APIGroup`` and its entry in
``/apis`` and in the aggregated ``APIGroupDiscoveryList``, its ``APIResourceList`` (``nodes`` and
``pods``: get, list), and ``answer`` for the GETs ``kubectl top`` and the HPA make:
``/apis/metrics.k8s.io/v1beta1/nodes[/<name>]``, ``…/pods``, ``…/namespaces/<ns>/pods[/<name>]`` with
``labelSelector``. While the metrics-server pod is not Ready the aggregator answers 503 with a plain
text body (client-go words it ``the server is currently unable to handle the request``); a missing
object is metrics-server's NotFound (``podmetrics.metrics.k8s.io "default/web" not found``).
A request reaches ``answer`` only once the kube-apiserver's own authorization filter has let the user
``get``/``list`` ``pods``/``nodes`` in ``metrics.k8s.io`` (``k8s.authorize_request``, before every route:
the same 403 Status as for a built-in resource, and before the 503), as kube-aggregator sits behind it.

Hands off: the numbers to ``server.sim.metrics``; routing, time shifting and content negotiation to
``server/web/k8s.py``, which calls ``listed``/``api_group``/``resource_list``/``aggregated_item``/
``answer`` (see the hook described in this module's functions).
"""

from __future__ import annotations

from typing import Any

from ..sim import labels, metrics

GROUP = metrics.GROUP
VERSION = metrics.VERSION
GROUP_VERSION = f"{GROUP}/{VERSION}"
#: the APIService's groupPriorityMinimum (components.yaml): last in /apis
PRIORITY = 100
_RESOURCES = metrics.API_RESOURCES


def listed(cluster: Any) -> bool:
    """The group is in discovery: the v1beta1.metrics.k8s.io APIService exists (the add-on is on)."""
    return metrics.server(cluster) is not None


def api_group() -> dict[str, Any]:
    """``GET /apis/metrics.k8s.io`` (and this group's entry in ``/apis``)."""
    gv = {"groupVersion": GROUP_VERSION, "version": VERSION}
    return {"kind": "APIGroup", "apiVersion": "v1", "name": GROUP, "versions": [gv], "preferredVersion": dict(gv)}


def resource_list() -> dict[str, Any]:
    """``GET /apis/metrics.k8s.io/v1beta1``, as metrics-server v0.7 answers it."""
    return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": GROUP_VERSION, "resources": [
        {"name": name, "singularName": "", "namespaced": namespaced, "kind": kind, "verbs": ["get", "list"]}
        for name, kind, namespaced in _RESOURCES]}


def aggregated_item() -> dict[str, Any]:
    """This group's APIGroupDiscovery in the aggregated ``/apis`` list (after every built-in group)."""
    return {"metadata": {"name": GROUP, "creationTimestamp": None}, "versions": [{
        "version": VERSION, "freshness": "Current", "resources": [
            {"resource": name, "responseKind": {"group": "", "version": "", "kind": kind},
             "scope": "Namespaced" if namespaced else "Cluster", "singularResource": "", "verbs": ["get", "list"]}
            for name, kind, namespaced in _RESOURCES]}]}


def _status(code: int, reason: str, message: str, details: dict | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": message, "reason": reason}
    if details:
        body["details"] = details
    body["code"] = code
    return body


def _select(objs: list[dict], selector: str | None) -> list[dict]:
    if not selector:
        return objs
    reqs = labels.parse(selector)
    return [o for o in objs if labels.matches(reqs, o["metadata"].get("labels"))]


def answer(cluster: Any, method: str, parts: list[str], query: dict[str, str]) -> tuple[int, Any]:
    """(HTTP status, body) for a request under ``/apis/metrics.k8s.io/v1beta1/``; a ``str`` body is
    plain text (the aggregator's 503), a dict is JSON."""
    if not listed(cluster):
        return 404, _status(404, "NotFound", "the server could not find the requested resource")
    if not metrics.available(cluster):
        return 503, "service unavailable\n"
    if method != "GET":
        return 405, _status(405, "MethodNotAllowed", "the server does not allow this method on the requested "
                                                     "resource")
    ns: str | None = None
    if len(parts) >= 2 and parts[0] == "namespaces":
        ns, parts = parts[1], parts[2:]
    if not parts or parts[0] not in ("nodes", "pods") or len(parts) > 2 or (ns is not None and parts[0] == "nodes"):
        return 404, _status(404, "NotFound", "the server could not find the requested resource")
    resource, name = parts[0], parts[1] if len(parts) == 2 else ""
    try:
        if resource == "nodes":
            items = _select(metrics.node_metrics(cluster, {name} if name else None), query.get("labelSelector"))
            kind = "NodeMetrics"
        else:
            items = _select(metrics.pod_metrics(cluster, ns, {name} if name else None), query.get("labelSelector"))
            kind = "PodMetrics"
    except labels.SelectorError as e:
        return 400, _status(400, "BadRequest", str(e))
    if name:
        if not items:
            shown = f"{ns or 'default'}/{name}" if resource == "pods" else name
            return 404, _status(404, "NotFound", f'{kind.lower()}.{GROUP} "{shown}" not found',
                                {"name": shown, "group": GROUP, "kind": resource})
        return 200, items[0]
    return 200, {"kind": f"{kind}List", "apiVersion": GROUP_VERSION, "metadata": {}, "items": items}
