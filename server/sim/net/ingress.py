"""The ``ingress`` add-on: the ingress-nginx controller, as ingress-nginx's "baremetal" deploy.yaml
(controller v1.11.3, what ``minikube addons enable ingress`` also installs) puts it on a kubeadm lab.

Owns:
- ``enable(cluster)`` / ``disable(cluster)`` / ``enabled(cluster)``: the manifests' objects, created
  through the API so they show in ``kubectl get`` and on the canvas — namespace ``ingress-nginx``,
  the ServiceAccounts, their Roles/ClusterRoles and bindings, the controller's ConfigMap, the ``ingress-nginx-controller`` NodePort Service
  (80:3xxxx, 443:3xxxx), the ``ingress-nginx-controller-admission`` Service, the Deployment
  ``ingress-nginx-controller``, the two admission Jobs (``ingress-nginx-admission-create`` /
  ``-patch``) and the IngressClass ``nginx`` (controller ``k8s.io/ingress-nginx``). The webhook's
  Secret ``ingress-nginx-admission`` is not in the manifests: the create Job's kube-webhook-certgen
  writes it (``no secret found`` / ``creating new secret``), and until then the controller pod waits
  in ContainerCreating on its ``webhook-cert`` volume (FailedMount), as on a real cluster.
- ``controller_start_lines(now, api_host)``: what the controller prints as it starts (the
  ``NGINX Ingress controller`` banner of version.String on stdout, then its klog start-up lines). The images (``registry.k8s.io/ingress-nginx/controller:v1.11.3``,
  ``kube-webhook-certgen:v1.4.4``) are published to the cluster's registry when it lacks them.
- ``serve(cluster, route, method, path, host, ua, headers)``: what the controller pod's nginx
  answers (``apps.APP_SERVERS["ingress-nginx"]``). It matches the request against the Ingresses of
  class ``nginx`` as ingress-nginx builds its servers and locations: the Host header picks the
  server (an exact host, else a ``*.`` wildcard of one label, else the catch-all ``_`` of rules
  without a host) and only its locations count; the longest matching path wins (``Exact`` before
  ``Prefix`` of the same length; ``Prefix`` matches whole path elements; ``ImplementationSpecific``
  is a prefix, as nginx's own location; with ``rewrite-target`` or ``use-regex`` paths are
  case-insensitive regexes and ``$1``… of the target are their groups), a server with no match falls
  to its Ingresses' ``defaultBackend``, and with none the controller's default backend answers
  ``404 Not Found`` with the ``<center>nginx</center>`` page.
  A match is proxied to one of the backend Service's ready endpoints (round robin, ingress-nginx's
  default balancer) through ``apps.http`` from the controller pod, so the backend logs the request,
  NetworkPolicies apply, and the traffic log shows both legs; a Service with no endpoints is a
  ``503 Service Temporarily Unavailable``. The backend's time to answer is the client's wait too
  (``HttpResult.elapsed``: ``wget -T``/``curl -m`` time out through the ingress as they would at the
  pod), up to nginx's ``proxy-read-timeout`` of 60 s, after which the client gets a ``504``. Every request writes the controller's access-log line in
  ingress-nginx's ``log-format-upstream``.

Hands off: ``controllers/ingress.py`` writes the Ingresses' ``status.loadBalancer`` (ADDRESS);
``proxy`` routes NodePort traffic to the controller pod; ``apps`` calls ``serve``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..api import ApiError

if TYPE_CHECKING:
    from ..cluster import Cluster
    from .apps import HttpResult
    from .proxy import Route

NAMESPACE = "ingress-nginx"
VERSION = "1.11.3"
CONTROLLER_IMAGE = f"registry.k8s.io/ingress-nginx/controller:v{VERSION}"
CERTGEN_IMAGE = "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4"
CLASS = "nginx"
CONTROLLER_CLASS = "k8s.io/ingress-nginx"
#: the controller's health and metrics port (its probes' /healthz)
HEALTH_PORT = 10254
#: ingress-nginx's ``proxy-read-timeout`` (its ConfigMap default, seconds): nginx waits that long for a
#: backend's answer, then gives the client a 504
PROXY_READ_TIMEOUT = 60.0


def _labels(component: str | None) -> dict[str, str]:
    out = {"app.kubernetes.io/instance": "ingress-nginx", "app.kubernetes.io/name": "ingress-nginx",
           "app.kubernetes.io/part-of": "ingress-nginx", "app.kubernetes.io/version": VERSION}
    if component:
        out = {"app.kubernetes.io/component": component, **out}
    return out


def _selector(component: str) -> dict[str, str]:
    return {"app.kubernetes.io/component": component, "app.kubernetes.io/instance": "ingress-nginx",
            "app.kubernetes.io/name": "ingress-nginx"}


_FIELD_ENV = [{"name": "POD_NAME", "valueFrom": {"fieldRef": {"fieldPath": "metadata.name"}}},
              {"name": "POD_NAMESPACE", "valueFrom": {"fieldRef": {"fieldPath": "metadata.namespace"}}}]
_PROBE = {"failureThreshold": 5, "httpGet": {"path": "/healthz", "port": HEALTH_PORT, "scheme": "HTTP"},
          "initialDelaySeconds": 10, "periodSeconds": 10, "successThreshold": 1, "timeoutSeconds": 1}


def _job(name: str, args: list[str]) -> dict:
    labels = _labels("admission-webhook")
    return {"apiVersion": "batch/v1", "kind": "Job",
            "metadata": {"name": name, "namespace": NAMESPACE, "labels": labels},
            "spec": {"template": {
                "metadata": {"name": name, "labels": labels},
                "spec": {"containers": [{
                    "name": args[0], "image": CERTGEN_IMAGE, "imagePullPolicy": "IfNotPresent", "args": args,
                    "env": [_FIELD_ENV[1]],
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]},
                                        "readOnlyRootFilesystem": True, "runAsNonRoot": True, "runAsUser": 65532,
                                        "seccompProfile": {"type": "RuntimeDefault"}}}],
                    "nodeSelector": {"kubernetes.io/os": "linux"}, "restartPolicy": "OnFailure",
                    "serviceAccountName": "ingress-nginx-admission"}}}}


def _rule(groups: list[str], resources: list[str], verbs: list[str], names: list[str] | None = None) -> dict:
    rule: dict = {"apiGroups": groups, "resources": resources, "verbs": verbs}
    if names:
        rule = {"apiGroups": groups, "resourceNames": names, "resources": resources, "verbs": verbs}
    return rule


_WATCH = ["get", "list", "watch"]
_NET = "networking.k8s.io"
#: deploy.yaml's Role and ClusterRole rules for the controller's service account
ROLE_RULES = [
    _rule([""], ["namespaces"], ["get"]), _rule([""], ["configmaps", "pods", "secrets", "endpoints"], _WATCH),
    _rule([""], ["services"], _WATCH), _rule([_NET], ["ingresses"], _WATCH), _rule([_NET], ["ingresses/status"], ["update"]),
    _rule([_NET], ["ingressclasses"], _WATCH),
    _rule(["coordination.k8s.io"], ["leases"], ["get", "update"], ["ingress-nginx-leader"]),
    _rule(["coordination.k8s.io"], ["leases"], ["create"]), _rule([""], ["events"], ["create", "patch"]),
    _rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch", "get"]),
]
CLUSTER_ROLE_RULES = [
    _rule([""], ["configmaps", "endpoints", "nodes", "pods", "secrets", "namespaces"], ["list", "watch"]),
    _rule(["coordination.k8s.io"], ["leases"], ["list", "watch"]), _rule([""], ["nodes"], ["get"]),
    _rule([""], ["services"], _WATCH), _rule([_NET], ["ingresses"], _WATCH), _rule([""], ["events"], ["create", "patch"]),
    _rule([_NET], ["ingresses/status"], ["update"]), _rule([_NET], ["ingressclasses"], _WATCH),
    _rule(["discovery.k8s.io"], ["endpointslices"], ["list", "watch", "get"]),
]


def _rbac(kind: str, name: str, component: str, rules: list[dict] | None = None, sa: str | None = None) -> dict:
    meta: dict = {"name": name, "labels": _labels(component) if component else _labels(None)}
    if kind in ("Role", "RoleBinding"):
        meta["namespace"] = NAMESPACE
    obj: dict = {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": kind, "metadata": meta}
    if rules is not None:
        obj["rules"] = rules
    else:
        obj["roleRef"] = {"apiGroup": "rbac.authorization.k8s.io", "kind": kind.removesuffix("Binding"), "name": name}
        obj["subjects"] = [{"kind": "ServiceAccount", "name": sa or name, "namespace": NAMESPACE}]
    return obj


def manifests() -> list[dict]:
    """The add-on's objects, in deploy.yaml's order (the ValidatingWebhookConfiguration aside: that
    kind is not served)."""
    controller = _labels("controller")
    return [
        {"apiVersion": "v1", "kind": "Namespace",
         "metadata": {"name": NAMESPACE, "labels": {"app.kubernetes.io/instance": "ingress-nginx",
                                                     "app.kubernetes.io/name": "ingress-nginx"}}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": True,
         "metadata": {"name": "ingress-nginx", "namespace": NAMESPACE, "labels": controller}},
        {"apiVersion": "v1", "kind": "ServiceAccount", "automountServiceAccountToken": True,
         "metadata": {"name": "ingress-nginx-admission", "namespace": NAMESPACE,
                      "labels": _labels("admission-webhook")}},
        _rbac("Role", "ingress-nginx", "controller", ROLE_RULES),
        _rbac("Role", "ingress-nginx-admission", "admission-webhook", [_rule([""], ["secrets"], ["get", "create"])]),
        _rbac("ClusterRole", "ingress-nginx", "", CLUSTER_ROLE_RULES),
        _rbac("ClusterRole", "ingress-nginx-admission", "admission-webhook",
              [_rule(["admissionregistration.k8s.io"], ["validatingwebhookconfigurations"], ["get", "update"])]),
        _rbac("RoleBinding", "ingress-nginx", "controller"),
        _rbac("RoleBinding", "ingress-nginx-admission", "admission-webhook"),
        _rbac("ClusterRoleBinding", "ingress-nginx", ""),
        _rbac("ClusterRoleBinding", "ingress-nginx-admission", "admission-webhook"),
        {"apiVersion": "v1", "kind": "ConfigMap", "data": {"allow-snippet-annotations": "false"},
         "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": controller}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": controller},
         "spec": {"ipFamilies": ["IPv4"], "ipFamilyPolicy": "SingleStack", "type": "NodePort",
                  "ports": [{"appProtocol": "http", "name": "http", "port": 80, "protocol": "TCP",
                             "targetPort": "http"},
                            {"appProtocol": "https", "name": "https", "port": 443, "protocol": "TCP",
                             "targetPort": "https"}],
                  "selector": _selector("controller")}},
        {"apiVersion": "v1", "kind": "Service",
         "metadata": {"name": "ingress-nginx-controller-admission", "namespace": NAMESPACE, "labels": controller},
         "spec": {"type": "ClusterIP", "ports": [{"appProtocol": "https", "name": "https-webhook", "port": 443,
                                                  "targetPort": "webhook"}],
                  "selector": _selector("controller")}},
        {"apiVersion": "apps/v1", "kind": "Deployment",
         "metadata": {"name": "ingress-nginx-controller", "namespace": NAMESPACE, "labels": controller},
         "spec": {"minReadySeconds": 0, "revisionHistoryLimit": 10, "selector": {"matchLabels": _selector("controller")},
                  "strategy": {"rollingUpdate": {"maxUnavailable": 1}, "type": "RollingUpdate"},
                  "template": {"metadata": {"labels": controller}, "spec": {
                      "containers": [{
                          "name": "controller", "image": CONTROLLER_IMAGE, "imagePullPolicy": "IfNotPresent",
                          "args": ["/nginx-ingress-controller", "--election-id=ingress-nginx-leader",
                                   f"--controller-class={CONTROLLER_CLASS}", f"--ingress-class={CLASS}",
                                   "--configmap=$(POD_NAMESPACE)/ingress-nginx-controller",
                                   "--validating-webhook=:8443",
                                   "--validating-webhook-certificate=/usr/local/certificates/cert",
                                   "--validating-webhook-key=/usr/local/certificates/key", "--enable-metrics=false"],
                          "env": [*_FIELD_ENV, {"name": "LD_PRELOAD", "value": "/usr/local/lib/libmimalloc.so"}],
                          "lifecycle": {"preStop": {"exec": {"command": ["/wait-shutdown"]}}},
                          "livenessProbe": dict(_PROBE), "readinessProbe": dict(_PROBE, failureThreshold=3),
                          "ports": [{"containerPort": 80, "name": "http", "protocol": "TCP"},
                                    {"containerPort": 443, "name": "https", "protocol": "TCP"},
                                    {"containerPort": 8443, "name": "webhook", "protocol": "TCP"}],
                          "resources": {"requests": {"cpu": "100m", "memory": "90Mi"}},
                          "securityContext": {"allowPrivilegeEscalation": False,
                                              "capabilities": {"add": ["NET_BIND_SERVICE"], "drop": ["ALL"]},
                                              "readOnlyRootFilesystem": False, "runAsNonRoot": True,
                                              "runAsUser": 101, "seccompProfile": {"type": "RuntimeDefault"}},
                          "volumeMounts": [{"mountPath": "/usr/local/certificates/", "name": "webhook-cert",
                                            "readOnly": True}]}],
                      "dnsPolicy": "ClusterFirst", "nodeSelector": {"kubernetes.io/os": "linux"},
                      "serviceAccountName": "ingress-nginx", "terminationGracePeriodSeconds": 300,
                      "volumes": [{"name": "webhook-cert", "secret": {"secretName": "ingress-nginx-admission"}}]}}}},
        _job("ingress-nginx-admission-create",
             ["create", "--host=ingress-nginx-controller-admission,ingress-nginx-controller-admission."
                        "$(POD_NAMESPACE).svc", "--namespace=$(POD_NAMESPACE)",
              "--secret-name=ingress-nginx-admission"]),
        _job("ingress-nginx-admission-patch",
             ["patch", "--webhook-name=ingress-nginx-admission", "--namespace=$(POD_NAMESPACE)",
              "--patch-mutating=false", "--secret-name=ingress-nginx-admission", "--patch-failure-policy=Fail"]),
        {"apiVersion": "networking.k8s.io/v1", "kind": "IngressClass",
         "metadata": {"name": CLASS, "labels": controller}, "spec": {"controller": CONTROLLER_CLASS}},
    ]


#: the commit v1.11.3 was built from (kubernetes/k8s.io#7384, its promotion) and its nginx
BUILD = "0106de65cfccb74405a6dfa7d9daffc6f0a6ef1a"
NGINX_VERSION = "1.25.5"


def controller_start_lines(now: float, api_host: str) -> tuple[list[str], list[str]]:
    """(stdout, stderr) lines of ``/nginx-ingress-controller`` starting at ``now`` against the
    apiserver at ``api_host`` (``https://10.96.0.1:443``): main.go's ``fmt.Println(version.String())``
    (the banner, nginx's ``-v`` line inside it with its newline), then klog's lines (process 7, as
    under dumb-init) up to ``Starting NGINX Ingress controller``."""
    from ..discovery import version_info

    banner = ["-" * 79, "NGINX Ingress controller", f"  Release:       v{VERSION}", f"  Build:         {BUILD}",
              "  Repository:    https://github.com/kubernetes/ingress-nginx",
              f"  nginx version: nginx/{NGINX_VERSION}", "", "-" * 79, ""]
    t = datetime.fromtimestamp(now, UTC).strftime("%m%d %H:%M:%S.%f")
    info = version_info()

    def klog(level: str, source: str, text: str) -> str:
        return f"{level}{t}       7 {source}] {text}"

    err = [
        klog("W", "client_config.go:659", "Neither --kubeconfig nor --master was specified.  Using the "
             "inClusterConfig.  This might not work."),
        klog("I", "main.go:205", f'"Creating API client" host="{api_host}"'),
        klog("I", "main.go:248", f'"Running in Kubernetes cluster" major="{info["major"]}" minor="{info["minor"]}" '
             f'git="{info["gitVersion"]}" state="{info["gitTreeState"]}" commit="{info["gitCommit"]}" '
             f'platform="{info["platform"]}"'),
        klog("I", "main.go:101", '"SSL fake certificate created" '
             'file="/etc/ingress-controller/ssl/default-fake-certificate.pem"'),
        klog("I", "ssl.go:535", '"loading tls certificate" path="/usr/local/certificates/cert" '
             'key="/usr/local/certificates/key"'),
        klog("I", "nginx.go:271", '"Starting NGINX Ingress controller"'),
    ]
    return banner, err


def _publish_images(cluster: Cluster) -> None:
    registry = cluster.registry
    if registry.resolve(CONTROLLER_IMAGE) is None:
        repo, _, tag = CONTROLLER_IMAGE.rpartition(":")
        registry.add(repo, tag, size=105_412_633, entrypoint=("/usr/bin/dumb-init", "--"),
                     cmd=("/nginx-ingress-controller",), server=True, ports=(80, 443, 8443, HEALTH_PORT),
                     http_paths=None, app="ingress-nginx", handles_sigterm=True,
                     server_binaries=frozenset({"/nginx-ingress-controller", "nginx-ingress-controller"}))
    if registry.resolve(CERTGEN_IMAGE) is None:
        repo, _, tag = CERTGEN_IMAGE.rpartition(":")
        registry.add(repo, tag, size=23_523_460, entrypoint=("/kube-webhook-certgen",), cmd=(), server=False,
                     ports=(), runs_for=1.0, exit_code=0, http_paths=None, app="kube-webhook-certgen",
                     handles_sigterm=True, server_binaries=frozenset())


def enabled(cluster: Any) -> bool:
    return cluster.store.peek("Deployment", NAMESPACE, "ingress-nginx-controller") is not None


def enable(cluster: Any) -> list[str]:
    """Create the add-on's objects, as ``kubectl apply -f deploy.yaml`` does: one by one, an object
    the apiserver refuses (already there; its namespace still terminating after a ``disable``) is
    skipped and the rest go on. Returns the refusals' messages (empty when all went in)."""
    _publish_images(cluster)
    refused = []
    for obj in manifests():
        try:
            cluster.api.create(obj, obj["metadata"].get("namespace"), manager="kubectl-client-side-apply")
        except ApiError as e:
            if e.code != 409:
                refused.append(str(e.message))
    return refused


def disable(cluster: Any) -> None:
    """``minikube addons disable ingress``: the objects go (the namespace takes the rest with it)."""
    for obj in reversed(manifests()):
        meta = obj["metadata"]
        if cluster.store.peek(obj["kind"], meta.get("namespace") or "", meta["name"]) is None:
            continue
        try:
            cluster.api.delete(obj["kind"], meta.get("namespace") or "", meta["name"])
        except ApiError as e:
            if e.code != 404:
                raise


# -- the controller's nginx ---------------------------------------------------------------------------
def _error_page(status: int, text: str) -> str:
    return (f"<html>\r\n<head><title>{status} {text}</title></head>\r\n<body>\r\n<center><h1>{status} {text}</h1>"
            "</center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n")


NOT_FOUND = _error_page(404, "Not Found")
UNAVAILABLE = _error_page(503, "Service Temporarily Unavailable")


def ingress_class(ing: dict) -> str | None:
    """The class an Ingress asks for: ``spec.ingressClassName``, else the deprecated annotation."""
    return ((ing.get("spec") or {}).get("ingressClassName")
            or (ing["metadata"].get("annotations") or {}).get("kubernetes.io/ingress.class"))


def ours(ing: dict) -> bool:
    """Whether this controller (``--ingress-class=nginx``, ``--watch-ingress-without-class=false``)
    serves the Ingress."""
    return ingress_class(ing) == CLASS and not ing["metadata"].get("deletionTimestamp")


def _host_matches(rule_host: str, host: str) -> int:
    """2 for an exact host, 1 for a one-label wildcard match, 0 for none."""
    if rule_host == host:
        return 2
    if rule_host.startswith("*.") and "." in host:
        first, _, rest = host.partition(".")
        return 1 if first and rest == rule_host[2:] else 0
    return 0


def _path_matches(kind: str, want: str, path: str) -> bool:
    if kind == "Exact":
        return path == want
    if kind == "Prefix":
        want = want.rstrip("/")
        return not want or path == want or path.startswith(want + "/")
    return path.startswith(want)  # ImplementationSpecific: nginx's own prefix location


REWRITE = "nginx.ingress.kubernetes.io/rewrite-target"
USE_REGEX = "nginx.ingress.kubernetes.io/use-regex"


@dataclass
class Match:
    """Where the controller sends a request: the Ingress and backend, and the path it passes on
    (rewritten when the Ingress asks for ``rewrite-target``)."""

    ingress: dict
    backend: dict
    path: str


def _regex_mode(ing: dict) -> bool:
    notes = ing["metadata"].get("annotations") or {}
    return REWRITE in notes or notes.get(USE_REGEX) == "true"


def _location(ing: dict, p: dict, clean: str) -> tuple[tuple[int, int], str] | None:
    """(rank, path to pass on) when the path rule ``p`` of ``ing`` matches ``clean``."""
    kind = p.get("pathType") or "ImplementationSpecific"
    want = p.get("path") or "/"
    notes = ing["metadata"].get("annotations") or {}
    if _regex_mode(ing) and kind != "Exact":
        # location ~* "^<path>": a case-insensitive regex anchored at the start
        try:
            m = re.match(want, clean, re.IGNORECASE)
        except re.error:
            return None
        if m is None:
            return None
        target = notes.get(REWRITE)
        out = clean
        if target is not None:
            out = re.sub(r"\$(\d)", lambda g: (m.group(int(g.group(1))) or "") if int(g.group(1)) <= (m.re.groups or 0)
                         else "", target)
            out = out or "/"
        return (len(want), 0), out
    if not _path_matches(kind, want, clean):
        return None
    return (len(want.rstrip("/") or "/"), 1 if kind == "Exact" else 0), clean


def match(cluster: Cluster, host: str, path: str) -> Match | None:
    """Where a request goes, or None for the controller's default backend. As ingress-nginx builds
    its configuration: the Host picks one server (an exact host, else a one-label wildcard, else the
    catch-all ``_`` of rules without a host) and only that server's locations are searched (the
    longest path wins, ``Exact`` over ``Prefix``); a server with no matching location falls to the
    ``defaultBackend`` of the Ingresses that define it (the catch-all: of the oldest Ingress that has
    no rules)."""
    host = host.rsplit(":", 1)[0].lower() if not host.startswith("[") else host
    query = path.partition("?")[2]
    clean = path.split("?", 1)[0] or "/"
    ingresses = sorted((i for i in cluster.store.scan("Ingress") if ours(i)),
                       key=lambda i: (i["metadata"].get("creationTimestamp") or "", i["metadata"].get("namespace") or "",
                                      i["metadata"]["name"]))
    servers: dict[int, list[tuple[dict, dict]]] = {2: [], 1: [], 0: []}
    for ing in ingresses:
        for rule in (ing.get("spec") or {}).get("rules") or []:
            rule = rule or {}
            rule_host = (rule.get("host") or "").lower()
            score = _host_matches(rule_host, host) if rule_host else 0
            if not rule_host or score:
                servers[score].append((ing, rule))
    level = next((k for k in (2, 1) if servers[k]), 0)
    chosen = servers[level]
    best: tuple[tuple[int, int], Match] | None = None
    for ing, rule in chosen:
        for p in ((rule.get("http") or {}).get("paths") or []):
            hit = _location(ing, p or {}, clean)
            if hit is not None and (best is None or hit[0] > best[0]):
                out = hit[1] + (f"?{query}" if query else "")
                best = (hit[0], Match(ing, (p or {}).get("backend") or {}, out))
    if best is not None:
        return best[1]
    # a host's server: the defaultBackend of the Ingresses defining it; the catch-all: that of an
    # Ingress without rules ("special catch all case" of createServers)
    owners = [ing for ing, _rule in chosen] if level else \
        [i for i in ingresses if not (i.get("spec") or {}).get("rules")]
    for ing in owners:
        backend = (ing.get("spec") or {}).get("defaultBackend")
        if backend:
            return Match(ing, backend, path)
    return None


def _endpoint(cluster: Cluster, namespace: str, backend: dict) -> tuple[str, int, str] | None:
    """A ready endpoint (ip, port) of the backend Service's port and the upstream's name
    (``<ns>-<svc>-<port>``), round robin over the ready ones."""
    from . import proxy

    svc_ref = backend.get("service") or {}
    name = svc_ref.get("name") or ""
    want = svc_ref.get("port") or {}
    svc = cluster.store.peek("Service", namespace, name)
    if svc is None:
        return None
    port = None
    for p in (svc.get("spec") or {}).get("ports") or []:
        if ("number" in want and int(p.get("port") or 0) == int(want["number"])) or \
                (want.get("name") and p.get("name") == want["name"]):
            port = p
            break
    if port is None:
        return None
    upstream = f"{namespace}-{name}-{want.get('number') or want.get('name')}"
    port_name = port.get("name") or ""
    ready = [e for e in proxy.service_endpoints(cluster, namespace, name) if e.ready and port_name in e.ports]
    if not ready:
        return None
    counters: dict[str, int] = cluster.__dict__.setdefault("_ingress_rr", {})
    n = counters.get(upstream, 0)
    counters[upstream] = n + 1
    ep = ready[n % len(ready)]
    return ep.ip, ep.ports[port_name][0], upstream


def _request_length(method: str, path: str, host: str, ua: str, headers: dict[str, str]) -> int:
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", f"User-Agent: {ua}", "Accept: */*"]
    lines += [f"{k}: {v}" for k, v in headers.items() if k.lower() not in ("host", "user-agent", "accept")]
    return len("\r\n".join(lines)) + 4


def serve(cluster: Cluster, route: Route, method: str, path: str, host: str, ua: str,
          headers: dict[str, str]) -> HttpResult:
    """The controller pod's answer to one request (see the module docstring)."""
    from . import apps
    from .proxy import Source

    now = cluster.clock.now()
    res = apps.HttpResult(route=route)
    if route.target_port == HEALTH_PORT:
        ok = path.split("?", 1)[0] == "/healthz"
        res.status, res.body = (200, "ok") if ok else (404, "404 page not found\n")
        res.headers = {"Content-Type": "text/plain; charset=utf-8", "Date": apps._http_date(now)}
        return res
    hit = match(cluster, host, path)
    upstream, upstream_addr, up_len, up_status = "upstream-default-backend", "-", "0", "-"
    waited = 0.0  # how long the backend kept nginx (and so the client) waiting
    if hit is None:  # the controller's own default backend (127.0.0.1:8181 in its pod)
        status, body, ctype = 404, NOT_FOUND, "text/html"
        back_headers: dict[str, str] = {}
        upstream_addr, up_len, up_status = "127.0.0.1:8181", str(len(NOT_FOUND)), "404"
    else:
        ing, backend = hit.ingress, hit.backend
        ns = ing["metadata"].get("namespace") or ""
        ep = _endpoint(cluster, ns, backend)
        svc_ref = backend.get("service") or {}
        want = svc_ref.get("port") or {}
        upstream = f"{ns}-{svc_ref.get('name')}-{want.get('number') or want.get('name')}"
        if ep is None or route.pod is None:
            status, body, ctype, back_headers = 503, UNAVAILABLE, "text/html", {}
        else:
            ip, port, upstream = ep
            fwd = dict(headers)
            fwd.update({"Host": host, "X-Forwarded-For": route.client_ip, "X-Real-IP": route.client_ip,
                        "X-Forwarded-Host": host, "X-Forwarded-Port": str(route.dest_port), "X-Forwarded-Proto": "http",
                        "X-Scheme": "http"})
            answer = apps.http(cluster, Source.pod(*route.pod), f"http://{ip}:{port}{hit.path}", method,
                               user_agent=ua, headers=fwd)
            upstream_addr = f"{ip}:{port}"
            if answer.error is not None:
                status, body, ctype, back_headers = 502 if "refused" in answer.error.lower() else 504, \
                    _error_page(502, "Bad Gateway") if "refused" in answer.error.lower() else \
                    _error_page(504, "Gateway Time-out"), "text/html", {}
            elif answer.elapsed >= PROXY_READ_TIMEOUT:
                status, body, ctype, back_headers = 504, _error_page(504, "Gateway Time-out"), "text/html", {}
                waited = PROXY_READ_TIMEOUT
                up_status = "504"
            else:
                waited = answer.elapsed
                status, body = int(answer.status or 0), answer.body
                back_headers = {k: v for k, v in answer.headers.items()
                                if k not in ("Server", "Date", "Connection", "Content-Length", "Transfer-Encoding")}
                ctype = back_headers.pop("Content-Type", "text/plain")
                up_len, up_status = str(len(body.encode())), str(status)
    size = len(body.encode())
    res.status, res.body, res.elapsed = status, body, waited
    res.headers = {"Date": apps._http_date(now), "Content-Type": ctype, "Content-Length": str(size),
                   "Connection": "keep-alive", **back_headers}
    if hit is None or status >= 500:
        res.headers["Server"] = "nginx"
    req_id = f"{cluster.clock.rng.getrandbits(128):032x}"
    request_time = "0.000" if hit is None else f"{waited + 0.002:.3f}"
    up_time = "-" if upstream_addr == "-" else request_time
    line = (f'{route.client_ip} - - [{datetime.fromtimestamp(now, UTC).strftime("%d/%b/%Y:%H:%M:%S +0000")}] '
            f'"{method} {path} HTTP/1.1" {status} {size} "-" "{ua}" {_request_length(method, path, host, ua, headers)} '
            f"{request_time} [{upstream}] [] {upstream_addr} {up_len} {up_time} {up_status} {req_id}")
    if route.pod_uid and route.container:
        cluster.runtime.log(route.pod_uid, route.container, line, now)
    return res
