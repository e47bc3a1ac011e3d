"""The Kubernetes REST API of a sandbox, without HTTP: a request in, the apiserver's answer out.

Owns: what ``/api/v1/…`` and ``/apis/<group>/<version>/…`` mean — resolving a path to a verb on a
resource (``get``, ``list``, ``watch``, ``create``, ``update``, ``patch``, ``delete``,
``deletecollection``) with its namespace, name and subresource (``status``, ``scale``, ``log``,
``eviction``, ``binding``, ``ephemeralcontainers``), the query parameters the apiserver reads
(``labelSelector``,
``fieldSelector`` with the field labels each kind supports, ``limit``/``continue``,
``resourceVersion``, ``dryRun``, ``gracePeriodSeconds``, ``propagationPolicy``, ``fieldManager``,
``force``), the ``meta.k8s.io/v1`` Table answer (the very Tables the terminal prints, from
``server.kubectl.printers``), and every failure as a ``metav1.Status`` with the apiserver's
reason, code and message.

Reads (``read``) only look at the cluster; writes (``write``) change it and are called through
the sandbox's one door (``Sandbox.execute``), which journals them, so a replay makes the same
request again. Watches are served by the web layer from ``watch_events``: the store's watch log,
filtered as this request asks.

Who a request is: ``impersonation`` (the Impersonate-* headers over the requester, who is always the
workstation's admin, as the kubeconfig the page hands out authenticates; what that user may do is
``server.sim.authorization``'s, asked by the web layer before routing), ``escalation`` (the RBAC
registry's check of a Role or binding a non-admin writes), and the review endpoints
(``review``: SelfSubjectAccessReview, SelfSubjectRulesReview, SelfSubjectReview, SubjectAccessReview,
LocalSubjectAccessReview), answered from ``server.sim.authz`` and never stored.

Hands off: admission, defaulting and storage to ``server.sim.api``; patch semantics to
``server.sim.patch`` and ``server.sim.ssa``; Table cells to ``server.kubectl.printers``; HTTP
(content negotiation, streaming, time shifting, upgrades) to ``server.web.k8s``.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from .kubectl import printers
from .kubectl.parse import KubectlError
from .kubectl.resolve import parse_selector
from .sim import authorization, authz, fields, logs, tokens, versions
from .sim.api import ApiError, not_found
from .sim.clock import parse_time
from .sim.resources import SERVED, Resource
from .sim.store import Obj, deep_copy, matches_selector

if TYPE_CHECKING:
    from .sim.cluster import Cluster

#: subresources served, by resource plural; the verbs of each follow the apiserver's routes
SUBRESOURCES: dict[str, tuple[str, ...]] = {
    "pods": ("status", "log", "eviction", "binding", "exec", "attach", "portforward", "ephemeralcontainers"),
    "deployments": ("status", "scale"),
    "replicasets": ("status", "scale"),
    "statefulsets": ("status", "scale"),
    "daemonsets": ("status",),
    "jobs": ("status",),
    "cronjobs": ("status",),
    "nodes": ("status",),
    "services": ("status",),
    "namespaces": ("status", "finalize"),
    "certificatesigningrequests": ("status", "approval"),
    "serviceaccounts": ("token",),
}
#: kinds whose registry returns the deleted object rather than a Status (``ReturnDeletedObject``)
RETURNS_DELETED = frozenset({"Pod", "Service", "Namespace", "Node"})
JSON = "application/json"
TABLE_GROUP = "meta.k8s.io"
DEFAULT_LIMIT_MAX = 500


# -- requests and answers --------------------------------------------------------------------
@dataclass
class Request:
    """One API request, resolved: which verb on which objects, with the query it came with."""

    verb: str
    resource: Resource
    namespace: str = ""  # "" for cluster-scoped kinds, and for a list across all namespaces
    name: str = ""
    subresource: str = ""
    query: dict[str, str] = field(default_factory=dict)

    @property
    def group_resource(self) -> str:
        r = self.resource
        return f"{r.plural}.{r.group}" if r.group else r.plural


@dataclass
class Answer:
    """The apiserver's answer: a status code and a JSON document (or text for logs)."""

    code: int
    body: Any
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)


def status_error(e: ApiError) -> Answer:
    body = e.status()
    body["metadata"] = {}
    if not body.get("reason"):
        del body["reason"]  # omitempty: an internal error of a library has none
    if e.details is not None:
        body["details"] = e.details
    # key order as the apiserver encodes a Status
    order = ("kind", "apiVersion", "metadata", "status", "message", "reason", "details", "code")
    return Answer(e.code, {k: body[k] for k in order if k in body})


def success(code: int = 200, details: dict | None = None) -> dict:
    out: dict = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success"}
    if details is not None:
        out["details"] = details
    if code != 200:
        out["code"] = code
    return out


def bad_request(message: str) -> ApiError:
    return ApiError(400, "BadRequest", message)


def method_not_allowed(message: str = "the server does not allow this method on the requested resource") -> ApiError:
    return ApiError(405, "MethodNotAllowed", message)


# -- paths -----------------------------------------------------------------------------------
#: every routed resource: the stored kinds, the reviews, and the extra versions (``sim/versions.py``)
_BY_GV_PLURAL: dict[tuple[str, str, str], Resource] = {
    (r.group, r.version, r.plural): r for r in (*SERVED, *versions.resources())}


def resolve(method: str, group: str, version: str, segments: list[str], query: dict[str, str]) -> Request:
    """``GET /api/v1/namespaces/default/pods/web/log`` → ``Request("get", pods, "default", "web", "log")``.

    ``segments`` is what follows ``/api/v1`` or ``/apis/<group>/<version>``. Raises ApiError 404
    (the apiserver's "the server could not find the requested resource") for what it does not serve.
    """
    nothing = ApiError(404, "NotFound", "the server could not find the requested resource")
    namespace = ""
    segs = list(segments)
    if len(segs) >= 3 and segs[0] == "namespaces":
        namespace, segs = segs[1], segs[2:]
        r = _BY_GV_PLURAL.get((group, version, segs[0]))
        if r is None and group == "" and segs[0] in SUBRESOURCES["namespaces"] and len(segs) == 1:
            # /api/v1/namespaces/<name>/status: a subresource of the Namespace itself
            return _with_verb(method, _BY_GV_PLURAL[("", "v1", "namespaces")], "", namespace, segs[0], query)
        if r is None or not r.namespaced:
            raise nothing
        segs = segs[1:]
    elif segs:
        r = _BY_GV_PLURAL.get((group, version, segs[0]))
        if r is None:
            raise nothing
        segs = segs[1:]
    else:
        raise nothing
    if len(segs) > 2:
        raise nothing
    name = segs[0] if segs else ""
    sub = segs[1] if len(segs) == 2 else ""
    if sub and sub not in SUBRESOURCES.get(r.plural, ()):
        raise nothing
    if not r.namespaced and namespace:
        raise nothing
    if not r.stored:
        # a review endpoint: POST to the collection only (the installer registers no other route)
        if name:
            raise nothing
        if method != "POST":
            raise method_not_allowed()
        return Request("create", r, namespace, "", "", query)
    return _with_verb(method, r, namespace, name, sub, query)


def _with_verb(method: str, r: Resource, namespace: str, name: str, sub: str, query: dict[str, str]) -> Request:
    watch = query.get("watch") in ("true", "1")
    collection = not name
    verbs = {
        "GET": ("watch" if watch else "list") if collection else "get",
        "POST": "create",
        "PUT": "update",
        "PATCH": "patch",
        "DELETE": "deletecollection" if collection else "delete",
    }
    verb = verbs.get(method)
    if verb is None or (collection and method in ("PUT", "PATCH")) or (name and method == "POST" and not sub):
        raise method_not_allowed()
    if watch and name:
        verb = "watch"
    if sub == "log" and method != "GET":
        raise method_not_allowed()
    if sub in ("eviction", "binding", "token") and method != "POST":
        raise method_not_allowed()
    return Request(verb, r, namespace, name, sub, query)


# -- selectors -------------------------------------------------------------------------------
def label_selector(req: Request) -> dict | None:
    text = req.query.get("labelSelector") or ""
    if not text:
        return None
    try:
        return parse_selector(text)
    except KubectlError as e:
        raise bad_request(e.message.removeprefix("error: ")) from None  # labels.Parse's own words


def field_selector(req: Request) -> list[fields.Requirement]:
    """``fieldSelector`` as requirements, refused (400) for labels the kind does not support."""
    try:
        return fields.parse(req.query.get("fieldSelector") or "", req.resource.kind)
    except fields.FieldSelectorError as e:
        raise bad_request(str(e)) from None


def selects(obj: Obj, labels: dict | None, reqs: list[fields.Requirement]) -> bool:
    if labels is not None and not matches_selector(obj["metadata"].get("labels"), labels):
        return False
    return fields.matches(obj, reqs)


# -- reads -----------------------------------------------------------------------------------
def _int(req: Request, name: str) -> int | None:
    raw = req.query.get(name)
    if raw in (None, ""):
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(f'invalid value for "{name}": {raw!r} is not an integer') from None


def _continue_token(rv: int, key: str) -> str:
    token = json.dumps({"v": "meta.k8s.io/v1", "rv": rv, "start": key + "\x00"}, separators=(",", ":"))
    return base64.urlsafe_b64encode(token.encode()).decode().rstrip("=")


def _continue_start(token: str) -> str:
    try:
        data = json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
        start = data["start"]
        if data.get("v") != "meta.k8s.io/v1" or not isinstance(start, str):
            raise ValueError(start)
    except (ValueError, KeyError, TypeError, binascii.Error):
        raise bad_request("continue key is not valid: incorrect encoded start resourceVersion "
                          "(version meta.k8s.io/v1)") from None
    return start.removesuffix("\x00")


def _key(obj: Obj) -> str:
    meta = obj["metadata"]
    return f"{meta['namespace']}/{meta['name']}" if meta.get("namespace") else meta["name"]


def list_objects(cluster: Cluster, req: Request) -> tuple[list[Obj], dict]:
    """The objects a list selects (stored, read-only) and the list's metadata (resourceVersion,
    ``continue`` and ``remainingItemCount`` when ``limit`` cut it)."""
    labels = label_selector(req)
    reqs = field_selector(req)
    r = req.resource
    ns = req.namespace if r.namespaced and req.namespace else None
    node = fields.equal_to(reqs, "spec.nodeName") if r.kind == "Pod" else None
    name = fields.equal_to(reqs, "metadata.name")
    if name is not None and (ns is not None or not r.namespaced):
        one = cluster.store.peek(r.kind, ns or "", name)
        candidates = [one] if one is not None else []
    else:
        candidates = cluster.store.scan(r.kind, ns, selector=labels, node=node or None)
    objs = [o for o in candidates if selects(o, labels, reqs)]
    meta: dict = {"resourceVersion": str(cluster.store.rv)}
    start = req.query.get("continue") or ""
    if start:
        after = _continue_start(start)
        objs = [o for o in objs if _key(o) > after]
    limit = _int(req, "limit")
    if limit is not None and limit > 0 and len(objs) > limit:
        meta["continue"] = _continue_token(cluster.store.rv, _key(objs[limit - 1]))
        meta["remainingItemCount"] = len(objs) - limit
        objs = objs[:limit]
    return objs, meta


def get_object(cluster: Cluster, req: Request) -> Obj:
    r = req.resource
    obj = cluster.store.peek(r.kind, req.namespace if r.namespaced else "", req.name)
    if obj is None:
        raise not_found(r, req.name)
    return obj


def with_type(obj: Obj) -> Obj:
    """An object as the apiserver encodes it: apiVersion and kind first."""
    from .sim.resources import BY_KIND

    r = BY_KIND.get(obj.get("kind", ""))
    out = {"apiVersion": obj.get("apiVersion") or (r.api_version if r else "v1"), "kind": obj.get("kind")}
    out.update((k, v) for k, v in obj.items() if k not in out)
    return out


def served(req: Request, obj: Obj) -> Obj:
    """A stored object as the request's version serves it (``sim/versions.py``), typed."""
    return with_type(versions.from_stored(req.resource, obj)) if versions.served(req.resource) else with_type(obj)


def list_body(req: Request, objs: list[Obj], meta: dict) -> dict:
    r = req.resource
    return {"kind": f"{r.kind}List", "apiVersion": r.api_version, "metadata": meta,
            "items": [served(req, o) for o in objs]}


def wants_table(accept: str) -> bool:
    """Whether the Accept header asks for ``as=Table`` (kubectl get sends it first, then JSON)."""
    for part in accept.split(","):
        params = {k.strip(): v.strip() for k, _, v in (p.partition("=") for p in part.split(";")[1:])}
        if params.get("as") == "Table" and params.get("g") == TABLE_GROUP and params.get("v") in ("v1", "v1beta1"):
            return True
        if part.split(";")[0].strip() in (JSON, "*/*", "application/*") and "as" not in params:
            return False
    return False


def table(cluster: Cluster, req: Request, objs: list[Obj], meta: dict | None = None) -> dict:
    """The ``meta.k8s.io/v1`` Table of ``objs``: kubectl's own columns and cells; each row's
    object as ``includeObject`` asks (Metadata by default, Object or None)."""
    include = req.query.get("includeObject") or "Metadata"
    if include not in ("None", "Metadata", "Object"):
        raise bad_request(f'includeObject: Unsupported value: "{include}": supported values: "Metadata", "None", "Object"')
    out = printers.server_table(req.resource.kind, objs, cluster.clock.now())
    out["metadata"] = dict(meta or {"resourceVersion": str(cluster.store.rv)})
    for row, obj in zip(out["rows"], objs, strict=True):
        if include == "None":
            row.pop("object", None)
        elif include == "Object":
            row["object"] = with_type(obj)
    return out


def scale_of(obj: Obj) -> dict:
    """``autoscaling/v1`` Scale of a Deployment, ReplicaSet or StatefulSet."""
    meta = obj["metadata"]
    spec, status = obj.get("spec") or {}, obj.get("status") or {}
    return {
        "kind": "Scale", "apiVersion": "autoscaling/v1",
        "metadata": {k: meta[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp") if k in meta},
        "spec": {"replicas": spec.get("replicas", 1)},
        "status": {"replicas": status.get("replicas", 0),
                   "selector": printers.selector_string(spec.get("selector"))},
    }


def read(cluster: Cluster, req: Request, accept: str = JSON, offset: float = 0.0) -> Answer:
    """get and list (watches are streamed by the web layer from ``watch_events``); ``offset`` is
    the web layer's time shift, for what is text rather than JSON (log timestamps)."""
    try:
        if req.verb == "list":
            objs, meta = list_objects(cluster, req)
            if wants_table(accept):
                return Answer(200, table(cluster, req, objs, meta))
            return Answer(200, list_body(req, objs, meta))
        if req.verb != "get":
            raise method_not_allowed()
        obj = get_object(cluster, req)
        if req.subresource == "log":
            return pod_log(cluster, req, obj, offset)
        if req.subresource == "scale":
            return Answer(200, scale_of(obj))
        if req.subresource in ("exec", "attach", "portforward"):
            raise bad_request("Upgrade request required")
        if wants_table(accept) and not req.subresource:
            return Answer(200, table(cluster, req, [obj]))
        return Answer(200, served(req, deep_copy(obj)))
    except ApiError as e:
        return status_error(e)


def pod_log(cluster: Cluster, req: Request, pod: Obj, offset: float = 0.0) -> Answer:
    """``pods/log``: the container's lines as text, as the kubelet's options in the query ask
    (``follow`` is streamed by the web layer from ``log_entries``). ``offset`` is the web layer's
    time shift: timestamps are printed, and ``sinceTime`` read, on the client's clock."""
    opts = log_options(cluster, req, offset)
    return Answer(200, "".join(logs.render(log_entries(cluster, req, pod), opts, offset)).encode(), "text/plain")


def log_entries(cluster: Cluster, req: Request, pod: Obj) -> list[tuple[float, str]]:
    """(time, line) of the container the request names (the only one, when it names none)."""
    containers = [c["name"] for c in (pod.get("spec") or {}).get("containers") or []]
    name = req.query.get("container") or ""
    if not name:
        if len(containers) != 1:
            raise bad_request(f"a container name must be specified for pod {pod['metadata']['name']}, "
                              f"choose one of: [{' '.join(containers)}]")
        name = containers[0]
    try:
        return logs.entries(cluster, pod, name, req.query.get("previous") == "true")
    except logs.LogError as e:
        raise bad_request(e.message) from None


def log_options(cluster: Cluster, req: Request, offset: float = 0.0) -> logs.LogOptions:
    since = None
    seconds = _int(req, "sinceSeconds")
    if seconds is not None and req.query.get("sinceTime"):
        raise bad_request("at most one of `sinceTime` or `sinceSeconds` may be specified")
    if seconds is not None:
        if seconds < 1:
            raise ApiError(422, "Invalid", f'PodLogOptions "{req.name}" is invalid: sinceSeconds: Invalid value: '
                           f"{seconds}: must be greater than 0")
        since = cluster.clock.now() - seconds
    elif req.query.get("sinceTime"):
        try:
            since = parse_time(req.query["sinceTime"]) - offset
        except (ValueError, TypeError):
            raise bad_request(f'parsing time "{req.query["sinceTime"]}" as "2006-01-02T15:04:05Z07:00": cannot '
                              f'parse "{req.query["sinceTime"]}" as "2006"') from None
    tail = _int(req, "tailLines")
    limit = _int(req, "limitBytes")
    if limit is not None and limit < 1:
        raise ApiError(422, "Invalid", f'PodLogOptions "{req.name}" is invalid: limitBytes: Invalid value: {limit}: '
                       "must be greater than 0")
    return logs.LogOptions(previous=req.query.get("previous") == "true",
                           tail=tail if tail is not None and tail >= 0 else None, since=since, limit_bytes=limit,
                           timestamps=req.query.get("timestamps") == "true")


# -- watches ---------------------------------------------------------------------------------
def watch_filter(req: Request):  # noqa: ANN201 — a predicate over stored objects
    """What a watch request selects: kind, namespace, name, labels, fields (validated now)."""
    labels = label_selector(req)
    reqs = field_selector(req)
    r = req.resource
    if req.name:
        reqs = [*reqs, ("metadata.name", True, req.name)]

    def match(obj: Obj) -> bool:
        if obj.get("kind") != r.kind:
            return False
        if r.namespaced and req.namespace and obj["metadata"].get("namespace") != req.namespace:
            return False
        return selects(obj, labels, reqs)

    return match


def gone(rv: int, oldest: int) -> dict:
    """The ERROR event a watch gets when its resourceVersion is older than the log reaches."""
    return {"type": "ERROR", "object": {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                                        "message": f"too old resource version: {rv} ({oldest})",
                                        "reason": "Expired", "code": 410}}


# -- writes ----------------------------------------------------------------------------------
def parse_body(body: str, content_type: str) -> Any:
    """A request body (JSON, or YAML when the Content-Type says so)."""
    from .sim import admission

    media = content_type.split(";")[0].strip().lower()
    kind = "yaml" if "yaml" in media else "json"
    try:
        if media in ("application/yaml", "application/apply-patch+yaml"):
            admission.check_depth(body)  # block nesting, which the web layer's JSON check cannot see
            return yaml.safe_load(body)
        return json.loads(body)
    except (ValueError, yaml.YAMLError) as e:
        raise bad_request(f"error decoding {kind}: {e}") from None
    except admission.ManifestError as e:
        raise bad_request(f"error decoding {kind}: {e.message}") from None
    except RecursionError:
        raise bad_request(f"error decoding {kind}: {kind}: exceeded max depth of {admission.MAX_DEPTH}") from None


def _body_object(req: Request, body: str, content_type: str) -> Obj:
    media = content_type.split(";")[0].strip().lower()
    if media not in (JSON, "application/yaml", ""):
        raise ApiError(415, "UnsupportedMediaType",
                       'the body of the request was in an unknown format - accepted media types include: '
                       'application/json, application/yaml, application/vnd.kubernetes.protobuf, '
                       'application/cbor')
    obj = parse_body(body, content_type)
    if not isinstance(obj, dict):
        raise bad_request(f"Object '{'Kind'}' is missing in '{body[:64]}'")
    r = req.resource
    want = {"scale": "autoscaling/v1", "token": "authentication.k8s.io/v1"}.get(req.subresource, r.api_version)
    want_kind = {"scale": "Scale", "eviction": "Eviction", "binding": "Binding",
                 "token": "TokenRequest"}.get(req.subresource, r.kind)
    obj.setdefault("apiVersion", want)
    obj.setdefault("kind", want_kind)
    if req.subresource == "eviction":
        want = "policy/v1" if obj["apiVersion"] == "policy/v1" else want
    if obj["kind"] != want_kind or (obj["apiVersion"] != want and req.subresource != "eviction"):
        raise bad_request(f'the API version in the data ({obj["apiVersion"]}) does not match the expected API '
                          f'version ({want})' if obj["kind"] == want_kind else
                          f'{obj["kind"]} in version "{obj["apiVersion"]}" cannot be handled as a {want_kind}: '
                          f'the kind in the data does not match the expected kind')
    meta = obj.get("metadata")
    if meta is not None and not isinstance(meta, dict):
        raise bad_request(f'{r.kind} in version "{r.version}" cannot be handled as a {r.kind}: '
                          "json: cannot unmarshal into Go struct field .metadata of type v1.ObjectMeta")
    # an update's name and namespace are checkName's (``_check_name``), in its words
    if req.verb != "update" and r.namespaced and req.namespace and \
            (meta or {}).get("namespace") not in (None, "", req.namespace):
        raise bad_request("the namespace of the provided object does not match the namespace sent on the request")
    return obj


def _dry_run(req: Request) -> bool:
    value = req.query.get("dryRun") or ""
    if value not in ("", "All"):
        raise bad_request(f'Invalid dryRun value: "{value}": supported values: "All"')
    return value == "All"


@dataclass
class Writer:
    """Who writes and how strictly: the manager recorded in managedFields, the request's
    fieldValidation directive, and the warnings the answer carries (``Warning: 299 - "…"``)."""

    manager: str | None
    field_validation: str = "Strict"
    warnings: list[str] = field(default_factory=list)

    def options(self) -> dict:
        return {"manager": self.manager, "field_validation": self.field_validation, "warnings": self.warnings}


#: what each verb's options are called in the apiserver's refusal of a bad directive
_OPTIONS_KIND = {"create": "CreateOptions", "update": "UpdateOptions", "patch": "PatchOptions"}


def field_validation(req: Request) -> str:
    """``fieldValidation``: Strict, Warn or Ignore; the apiserver takes Warn when it is missing."""
    value = req.query.get("fieldValidation", "")
    if value == "":
        return "Warn"
    if value not in ("Ignore", "Strict", "Warn"):
        kind = _OPTIONS_KIND.get(req.verb, "CreateOptions")
        raise ApiError(422, "Invalid", f'{kind}.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: '
                       f'"{value}": supported values: "Ignore", "Strict", "Warn"')
    return value


def warning_header(warnings: list[str]) -> str:
    """RFC 7234 warn-codes as the apiserver sends them (``299 - "text"``, Go-quoted), comma-joined."""
    return ", ".join("299 - " + json.dumps(w, ensure_ascii=False) for w in warnings)


def manager_of(req: Request, user_agent: str) -> str:
    """Who writes, for managedFields: ``fieldManager``, else the user-agent up to its first "/"
    (``kubectl/v1.32.4 (linux/amd64) …`` → ``kubectl``), as the apiserver's field manager names it."""
    return req.query.get("fieldManager") or user_agent.split("/")[0][:128]


def write(cluster: Cluster, req: Request, body: str, content_type: str, user_agent: str = "") -> Answer:
    """create, update, patch, delete (and the writing subresources). The caller holds the sandbox
    lock and journals the request; the controllers settle before the answer is built."""
    try:
        manager = req.query.get("fieldManager") or ""
        if len(manager) > 128:
            raise ApiError(422, "Invalid", 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Too long: may not '
                           "be more than 128 bytes")
        w = Writer(manager_of(req, user_agent), field_validation(req) if req.verb in _OPTIONS_KIND else "Strict")
        answer = _write(cluster, req, body, content_type, w)
        if w.warnings:
            answer.headers["Warning"] = warning_header(w.warnings)
    except ApiError as e:
        answer = status_error(e)
    finally:
        cluster.settle()
    return answer


def _write(cluster: Cluster, req: Request, body: str, content_type: str, w: Writer) -> Answer:
    api = cluster.api
    r = req.resource
    ns = req.namespace if r.namespaced else None
    dry = _dry_run(req)
    if req.verb == "create" and not req.subresource:
        obj = _to_stored(req, _body_object(req, body, content_type), w)
        if not r.namespaced:
            (obj.get("metadata") or {}).pop("namespace", None)
        created = api.create(obj, ns or ("default" if r.namespaced else None), dry_run=dry, **w.options())
        return Answer(201, served(req, created))
    if req.verb == "create" and req.subresource == "eviction":
        return _evict(cluster, req, _body_object(req, body, content_type), dry)
    if req.verb == "create" and req.subresource == "binding":
        return _bind(cluster, req, _body_object(req, body, content_type), dry)
    if req.verb == "create" and req.subresource == "token":
        # serviceaccounts/<name>/token: the TokenRequest API (nothing is stored, so dry run changes nothing)
        return Answer(201, tokens.request_token(cluster, req.namespace, req.name, _body_object(req, body, content_type)))
    if req.verb == "update":
        obj = _body_object(req, body, content_type)
        _check_name(obj, req)  # update.go: after decoding, before admission
        if req.subresource in ("", "status"):
            obj = _to_stored(req, obj, w)
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}
        obj["metadata"]["name"] = req.name
        if req.subresource == "scale":
            return _set_scale(cluster, req, obj, dry, w)
        if r.kind == "CertificateSigningRequest" and req.subresource in ("approval", "status"):
            return _set_csr(cluster, req, obj, dry)
        if req.subresource == "status":
            return _set_status(cluster, req, obj, dry)
        if req.subresource == "ephemeralcontainers":
            return _set_ephemeral(cluster, req, obj, dry)
        if r.namespaced:
            obj["metadata"]["namespace"] = req.namespace
        return Answer(200, served(req, _replace(cluster, obj, ns, dry, w)))
    if req.verb == "patch":
        return _patch(cluster, req, body, content_type, dry, w)
    if req.verb == "delete":
        return _delete(cluster, req, body, dry)
    if req.verb == "deletecollection":
        objs, _ = list_objects(cluster, req)
        for obj in list(objs):
            one = Request("delete", r, obj["metadata"].get("namespace") or "", obj["metadata"]["name"], query=req.query)
            _delete(cluster, one, body, dry)
        return Answer(200, success())
    raise method_not_allowed()


def _to_stored(req: Request, obj: Obj, w: Writer) -> Obj:
    """A body in the request's version as the stored version's object: one of an extra served
    version is strictly decoded against its own schema first (the conversion drops unknown fields)."""
    w.warnings += versions.decode(req.resource, obj, w.field_validation)
    return versions.to_stored(req.resource, obj)


def _replace(cluster: Cluster, obj: Obj, ns: str | None, dry: bool, w: Writer, subresource: str = "") -> Obj:
    """An update (PUT or a patch's result); a dry run goes through every check of the update
    (``Api.replace(dry_run=True)``: an immutable pod spec is refused as the real update is)."""
    return cluster.api.replace(obj, ns, subresource=subresource, dry_run=dry, **w.options())


def _go_type(value: Any) -> str:
    return {str: "string", bool: "bool", int: "number", float: "number", list: "array"}.get(type(value), "object")


def _require_object(obj: Obj, field_name: str, kind: str, version: str, go_struct: str, go_type: str) -> None:
    """Go's decoding refusal for a field that must be a JSON object (``metadata``, ``spec``)."""
    value = obj.get(field_name)
    if value is not None and not isinstance(value, dict):
        raise bad_request(f'{kind} in version "{version}" cannot be handled as a {kind}: json: cannot unmarshal '
                          f"{_go_type(value)} into Go struct field {go_struct}.{field_name} of type {go_type}")


def _set_scale(cluster: Cluster, req: Request, scale: Obj, dry: bool, w: Writer) -> Answer:
    _require_object(scale, "metadata", "Scale", "v1", "Scale", "v1.ObjectMeta")
    _require_object(scale, "spec", "Scale", "v1", "Scale", "v1.ScaleSpec")
    obj = deep_copy(get_object(cluster, req))
    replicas = (scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or isinstance(replicas, bool):
        raise ApiError(422, "Invalid", f'Scale.autoscaling "{req.name}" is invalid: spec.replicas: Invalid value: '
                       f'{json.dumps(replicas)}: must be greater than or equal to 0')
    if replicas < 0:
        raise ApiError(422, "Invalid", f'Scale.autoscaling "{req.name}" is invalid: spec.replicas: Invalid value: '
                       f"{replicas}: must be greater than or equal to 0")
    rv = (scale.get("metadata") or {}).get("resourceVersion")
    obj["spec"]["replicas"] = replicas
    if rv:
        obj["metadata"]["resourceVersion"] = rv
    stored = cluster.api.replace(obj, req.namespace, manager=w.manager, subresource="scale", dry_run=dry)
    return Answer(200, scale_of(stored))


def _set_csr(cluster: Cluster, req: Request, new: Obj, dry: bool) -> Answer:
    """``certificatesigningrequests/<name>/approval`` and ``/status``: their own update rules (the
    approval door takes the conditions, the status door the certificate) — controllers/certificates.py."""
    from .sim.controllers.certificates import update_subresource

    return Answer(200, with_type(update_subresource(cluster.api, new, req.subresource, dry_run=dry)))


def _set_status(cluster: Cluster, req: Request, new: Obj, dry: bool) -> Answer:
    r = req.resource
    _require_object(new, "status", r.kind, r.version, r.kind, f"{r.version}.{r.kind}Status")
    obj = deep_copy(get_object(cluster, req))
    rv = (new.get("metadata") or {}).get("resourceVersion")
    if rv and rv != obj["metadata"]["resourceVersion"]:
        raise _conflict(req)
    obj["status"] = new.get("status") or {}
    stored = obj if dry else cluster.api.update_status(obj)
    return Answer(200, served(req, stored))


def _set_ephemeral(cluster: Cluster, req: Request, new: Obj, dry: bool) -> Answer:
    """``pods/ephemeralcontainers`` (PUT, or a patch of the pod through it): only the new
    ``spec.ephemeralContainers`` counts, as the ephemeralcontainers strategy keeps the rest of the
    stored pod; ``server.sim.ephemeral`` validates and stores it. A dry run answers the pod with the
    list it would hold, unvalidated."""
    from .sim import ephemeral

    _require_object(new, "spec", "Pod", "v1", "Pod", "v1.PodSpec")
    live = get_object(cluster, req)
    rv = (new.get("metadata") or {}).get("resourceVersion")
    if rv and rv != live["metadata"]["resourceVersion"]:
        raise _conflict(req)
    containers = (new.get("spec") or {}).get("ephemeralContainers") or []
    if not isinstance(containers, list) or not all(isinstance(c, dict) for c in containers):
        raise bad_request('Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal into Go struct '
                          "field PodSpec.spec.ephemeralContainers of type []v1.EphemeralContainer")
    if dry:
        out = deep_copy(live)
        out["spec"]["ephemeralContainers"] = containers
        return Answer(200, with_type(out))
    stored = ephemeral.update_ephemeral_containers(cluster.api, req.namespace, req.name, containers)
    return Answer(200, with_type(stored))


def _conflict(req: Request) -> ApiError:
    return ApiError(409, "Conflict", f'Operation cannot be fulfilled on {req.group_resource} "{req.name}": the object '
                    "has been modified; please apply your changes to the latest version and try again")


def _patch(cluster: Cluster, req: Request, body: str, content_type: str, dry: bool, w: Writer) -> Answer:
    from .sim import openapi, patch

    r = req.resource
    if content_type.split(";")[0].strip() == patch.APPLY_PATCH:
        return _server_side_apply(cluster, req, body, dry)
    live = get_object(cluster, req)
    doc = scale_of(live) if req.subresource == "scale" else served(req, deep_copy(live))
    schema = None if req.subresource == "scale" else openapi.schema_for(r.api_version, r.kind)
    try:
        patched = patch.apply_patch(doc, body.encode(), content_type, schema)
    except patch.PatchError as e:
        raise ApiError(e.code, e.reason, e.message) from None
    if req.subresource == "scale":
        return _set_scale(cluster, req, patched, dry, w)
    _require_object(patched, "metadata", r.kind, r.version, r.kind, "v1.ObjectMeta")
    if r.kind == "CertificateSigningRequest" and req.subresource in ("approval", "status"):
        return _set_csr(cluster, req, patched, dry)
    if req.subresource == "status":
        return _set_status(cluster, req, _to_stored(req, patched, w), dry)
    if req.subresource == "ephemeralcontainers":
        return _set_ephemeral(cluster, req, patched, dry)
    meta = patched.setdefault("metadata", {})
    if meta.get("name") != req.name or (r.namespaced and meta.get("namespace") != req.namespace):
        raise bad_request("metadata.name and metadata.namespace cannot be changed by a patch")
    if patched.get("kind") != r.kind or patched.get("apiVersion") != r.api_version:
        raise bad_request(f'the API version in the data ({patched.get("apiVersion")}) does not match the expected '
                          f'API version ({r.api_version})')
    # a patch that names no resourceVersion applies to whatever is stored (no conflict check)
    if "resourceVersion" not in meta or meta["resourceVersion"] == live["metadata"]["resourceVersion"]:
        meta["resourceVersion"] = live["metadata"]["resourceVersion"]
    patched = _to_stored(req, patched, w)
    patched["status"] = deep_copy(live.get("status")) if "status" in live else patched.get("status")
    if patched.get("status") is None:
        patched.pop("status", None)
    return Answer(200, served(req, _replace(cluster, patched, req.namespace or None, dry, w)))


def _server_side_apply(cluster: Cluster, req: Request, body: str, dry: bool) -> Answer:
    """PATCH ``application/apply-patch+yaml``: patchResource with the applyPatcher — the field
    manager's checks of the configuration (``ssa.check_config``), the merge into the live object
    (or an empty one: a create), then ``checkName`` of the merged object against the URL."""
    from .sim import openapi, ssa

    r = req.resource
    config = parse_body(body, "application/apply-patch+yaml")
    manager = req.query.get("fieldManager") or ""
    if not manager:
        raise bad_request("PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch")
    force = req.query.get("force") in ("true", "1")
    live = cluster.store.peek(r.kind, req.namespace if r.namespaced else "", req.name)
    schema = openapi.schema_for(r.api_version, r.kind)
    try:  # in the request's version: the live object converted to it, the result converted back
        config = ssa.check_config(config, r.api_version, r.kind)
        applied = ssa.apply(served(req, deep_copy(live)) if live is not None else None, config, manager,
                            force=force, schema=schema, now=cluster.clock.iso())
    except ssa.InvalidApply as e:
        raise ApiError(e.code, e.reason, str(e)) from None
    except ssa.ApplyConflict as e:
        raise ApiError(409, "Conflict", e.message,
                       details={"causes": [{"reason": "FieldManagerConflict", "message": f'conflict with "{m}"',
                                            "field": f} for m, f in e.conflicts]}) from None
    _check_name(applied, req)
    applied = versions.to_stored(r, applied)
    if not r.namespaced:  # BeforeCreate/BeforeUpdate clear a cluster-scoped object's namespace
        applied["metadata"].pop("namespace", None)
    if live is None:
        return Answer(201, served(req, cluster.api.create(applied, req.namespace or None, dry_run=dry)))
    applied["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
    if "status" in live:
        applied["status"] = deep_copy(live["status"])
    # the apply itself wrote managedFields: no second record
    return Answer(200, served(req, _replace(cluster, applied, req.namespace or None, dry, Writer(None))))


def _check_name(obj: Obj, req: Request) -> None:
    """rest.go checkName: the object's name (namer.go ObjectName: ``name must be provided`` when
    empty) is the URL's, and its namespace, when it names one, the request's."""
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    name, namespace = meta.get("name") or "", meta.get("namespace") or ""
    if not name:
        raise bad_request(f"the name of the object ({req.name} based on URL) was undeterminable: name must be provided")
    if name != req.name:
        raise bad_request(f"the name of the object ({name}) does not match the name on the URL ({req.name})")
    if req.namespace and namespace and namespace != req.namespace:
        raise bad_request(f"the namespace of the object ({namespace}) does not match the namespace on the "
                          f"request ({req.namespace})")


def delete_options(req: Request, body: str) -> dict:
    """DeleteOptions from the body (kubectl sends one) and the query (which wins)."""
    opts: dict = {}
    if body.strip():
        data = parse_body(body, JSON)
        if not isinstance(data, dict):
            raise bad_request("the body of a delete must be a DeleteOptions object")
        opts.update(data)
    if "gracePeriodSeconds" in req.query:
        opts["gracePeriodSeconds"] = _int(req, "gracePeriodSeconds")
    if "propagationPolicy" in req.query:
        opts["propagationPolicy"] = req.query["propagationPolicy"]
    if req.query.get("orphanDependents") in ("true", "false"):
        opts["orphanDependents"] = req.query["orphanDependents"] == "true"
    return opts


def _delete(cluster: Cluster, req: Request, body: str, dry: bool) -> Answer:
    r = req.resource
    opts = delete_options(req, body)
    if "All" in (opts.get("dryRun") or []):
        dry = True
    policy = opts.get("propagationPolicy")
    if policy is None and opts.get("orphanDependents") is not None:
        policy = "Orphan" if opts["orphanDependents"] else "Background"
    if policy not in (None, "Background", "Foreground", "Orphan"):
        raise ApiError(422, "Invalid", f'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: '
                       f'"{policy}": supported values: "Foreground", "Background", "Orphan", "nil"')
    grace = opts.get("gracePeriodSeconds")
    if grace is not None and (not isinstance(grace, int) or isinstance(grace, bool)):
        raise bad_request("gracePeriodSeconds must be an integer")
    obj = get_object(cluster, req)
    pre = opts.get("preconditions") or {}
    if pre.get("uid") and pre["uid"] != obj["metadata"]["uid"]:
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {req.group_resource} "{req.name}": '
                       f'Precondition failed: UID in precondition: {pre["uid"]}, UID in object meta: '
                       f'{obj["metadata"]["uid"]}')
    if pre.get("resourceVersion") and pre["resourceVersion"] != obj["metadata"]["resourceVersion"]:
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on {req.group_resource} "{req.name}": '
                       f'Precondition failed: ResourceVersion in precondition: {pre["resourceVersion"]}, '
                       f'ResourceVersion in object meta: {obj["metadata"]["resourceVersion"]}')
    if dry:
        return Answer(200, with_type(deep_copy(obj)) if r.kind in RETURNS_DELETED else
                      success(details=_details(r, obj)))
    result = cluster.api.delete(r.kind, req.namespace, req.name, grace_period=grace,
                                propagation="Orphan" if policy == "Orphan" else "Background")
    if r.kind in RETURNS_DELETED:
        return Answer(200, with_type(result))
    return Answer(200, success(details=_details(r, obj)))


def _details(r: Resource, obj: Obj) -> dict:
    out = {"name": obj["metadata"]["name"]}
    if r.group:
        out["group"] = r.group
    out["kind"] = r.plural
    out["uid"] = obj["metadata"]["uid"]
    return out


def _evict(cluster: Cluster, req: Request, eviction: Obj, dry: bool) -> Answer:
    """``pods/eviction``: the pod is deleted as the Eviction's deleteOptions say, if its
    PodDisruptionBudget allows it (``server/sim/eviction.py``)."""
    from .sim import eviction as evictions

    get_object(cluster, req)
    opts = eviction.get("deleteOptions") or {}
    evictions.evict(cluster, req.namespace, req.name, grace_period=opts.get("gracePeriodSeconds"),
                    dry_run=dry or "All" in (opts.get("dryRun") or []))
    return Answer(201, success(201))


def _bind(cluster: Cluster, req: Request, binding: Obj, dry: bool) -> Answer:
    pod = deep_copy(get_object(cluster, req))
    target = (binding.get("target") or {}).get("name") or ""
    if pod["spec"].get("nodeName"):
        raise ApiError(409, "Conflict", f'Operation cannot be fulfilled on pods/binding "{req.name}": pod '
                       f'{req.name} is already assigned to node "{pod["spec"]["nodeName"]}"')
    if not target:
        raise ApiError(422, "Invalid", f'Binding "{req.name}" is invalid: target.name: Required value')
    if not dry:
        pod["spec"]["nodeName"] = target
        cluster.api.update_status(pod)
    return Answer(201, success(201))


# -- who a request is, and the reviews (pkg/registry/authorization, authentication) -----------
#: the impersonation headers (k8s.io/api/authentication/v1 ``ImpersonateUserHeader`` …)
IMPERSONATE_USER = "Impersonate-User"
IMPERSONATE_GROUP = "Impersonate-Group"
IMPERSONATE_UID = "Impersonate-Uid"


def impersonation(cluster: Cluster, requester: authz.UserInfo, headers: list[tuple[str, str]]) -> authz.UserInfo:
    """The user a request acts as (the impersonation filter, k8s.io/apiserver pkg/endpoints/filters/
    impersonation.go): the ``requester`` itself without impersonation headers; else, once the
    requester may ``impersonate`` each thing asked (the user — a service account's username as
    ``serviceaccounts`` in its namespace —, every group, the uid), the impersonated user. Groups or a
    uid without a user are refused as the filter refuses them (an internal error)."""
    user = next((v for k, v in headers if k.lower() == IMPERSONATE_USER.lower() and v), "")
    groups = [v for k, v in headers if k.lower() == IMPERSONATE_GROUP.lower()]
    uid = next((v for k, v in headers if k.lower() == IMPERSONATE_UID.lower() and v), "")
    if not user:
        if groups or uid:
            raise ApiError(500, "InternalError", "Internal error occurred: requested "
                           + ", ".join([*(f"group {g!r}" for g in groups), *([f"uid {uid!r}"] if uid else [])])
                           + " without impersonating a user")
        return requester
    parts = user.split(":")
    if len(parts) == 4 and parts[:2] == ["system", "serviceaccount"] and parts[2] and parts[3]:
        asked = [authz.Attributes("impersonate", "serviceaccounts", namespace=parts[2], name=parts[3])]
    else:
        asked = [authz.Attributes("impersonate", "users", name=user)]
    asked += [authz.Attributes("impersonate", "groups", name=g) for g in groups]
    if uid:
        asked.append(authz.Attributes("impersonate", "uids", "authentication.k8s.io", name=uid))
    for attrs in asked:
        authorization.check(cluster.store, requester, attrs)
    return authz.impersonate(user, groups, uid)


def escalation(cluster: Cluster, req: Request, body: str, content_type: str, user: authz.UserInfo) -> Answer | None:
    """The RBAC registry's escalation refusal of a create, update or patch of a Role, ClusterRole,
    RoleBinding or ClusterRoleBinding by ``user`` (the 403 answer), judged on the object the write would
    store; None when it may (system:masters, the escalate/bind verb, rules it holds) and for any other
    request. A body the write itself refuses (not decodable, a failing patch) is left to the write."""
    from .sim import openapi, patch, ssa

    r = req.resource
    if (authz.SYSTEM_MASTERS in user.groups or r.kind not in authorization.RBAC_PLURALS or req.subresource
            or req.verb not in ("create", "update", "patch")):
        return None
    try:
        if req.verb != "patch":
            obj: Any = _body_object(req, body, content_type)
            meta = obj.get("metadata")
            if isinstance(meta, dict) and r.namespaced and req.namespace:
                meta["namespace"] = req.namespace
            if isinstance(meta, dict) and req.name:
                meta["name"] = req.name
        else:
            live = cluster.store.peek(r.kind, req.namespace if r.namespaced else "", req.name)
            schema = openapi.schema_for(r.api_version, r.kind)
            if content_type.split(";")[0].strip() == patch.APPLY_PATCH:
                config = ssa.check_config(parse_body(body, patch.APPLY_PATCH), r.api_version, r.kind)
                obj = ssa.apply(served(req, deep_copy(live)) if live is not None else None, config,
                                req.query.get("fieldManager") or "", force=req.query.get("force") in ("true", "1"),
                                schema=schema, now=cluster.clock.iso())
            elif live is None:
                return None  # the patch answers NotFound
            else:
                obj = patch.apply_patch(served(req, deep_copy(live)), body.encode(), content_type, schema)
        authorization.check_escalation(cluster.store, user, obj)
    except ApiError as e:
        return status_error(e) if e.code == 403 else None
    except (patch.PatchError, ssa.ApplyConflict, ValueError, TypeError, AttributeError, KeyError):
        return None  # the write answers it in its own words
    return None


def _review_spec_errors(kind: str, spec: dict) -> list[str]:
    """ValidateSelfSubjectAccessReviewSpec / ValidateSubjectAccessReviewSpec."""
    errs = []
    ra, nra = spec.get("resourceAttributes"), spec.get("nonResourceAttributes")
    if ra is not None and nra is not None:
        errs.append("spec.nonResourceAttributes: Invalid value: \"object\": cannot be specified in combination "
                    "with resourceAttributes")
    if ra is None and nra is None:
        errs.append('spec.resourceAttributes: Invalid value: "null": exactly one of nonResourceAttributes or '
                    "resourceAttributes must be specified")
    if kind in ("SubjectAccessReview", "LocalSubjectAccessReview") and not spec.get("user") and not spec.get("groups"):
        errs.append('spec.user: Invalid value: "": at least one of user or group must be specified')
    return errs


def review(cluster: Cluster, req: Request, body: str, content_type: str, user: authz.UserInfo) -> Answer:
    """``POST`` to a review endpoint: 201 and the review with its status, computed by
    ``server.sim.authz`` for ``user`` (the self reviews) or for the subject the spec names
    (SubjectAccessReview, LocalSubjectAccessReview in the request's namespace). Nothing is stored
    (so a dry run answers the same)."""
    try:
        _dry_run(req)
        doc = _body_object(req, body, content_type)
        kind = req.resource.kind
        spec = doc.get("spec") or {}
        if not isinstance(spec, dict):
            raise bad_request(f'{kind} in version "v1" cannot be handled as a {kind}: json: cannot unmarshal '
                              f"{_go_type(spec)} into Go struct field {kind}.spec of type v1.{kind}Spec")
        if kind == "SelfSubjectReview":
            return Answer(201, authz.self_subject_review(user))
        if kind == "SelfSubjectRulesReview":
            return Answer(201, authz.rules_review(cluster.store, user, doc))
        errs = _review_spec_errors(kind, spec)
        if kind == "LocalSubjectAccessReview":
            ra = spec.get("resourceAttributes")
            if ra is not None and (ra.get("namespace") or "") != req.namespace:
                errs.append(f'spec.resourceAttributes.namespace: Invalid value: "{ra.get("namespace") or ""}": '
                            "must match metadata.namespace")
            if spec.get("nonResourceAttributes") is not None:
                errs.append('spec.nonResourceAttributes: Invalid value: "object": disallowed on this kind of request')
        if errs:
            head = f'{kind}.authorization.k8s.io "" is invalid: '
            raise ApiError(422, "Invalid", head + (errs[0] if len(errs) == 1 else "[" + ", ".join(errs) + "]"))
        if kind == "SelfSubjectAccessReview":
            return Answer(201, authz.access_review(cluster.store, user, doc))
        subject = authz.UserInfo(spec.get("user") or "", tuple(spec.get("groups") or ()), spec.get("uid") or "")
        answered = authz.access_review(cluster.store, subject, doc)
        answered["kind"] = kind
        if kind == "LocalSubjectAccessReview":
            answered["metadata"]["namespace"] = req.namespace
        return Answer(201, answered)
    except ApiError as e:
        return status_error(e)
