"""The workstation's kubeconfig, as the engine's kubectl reads and writes it.

Owns: the file itself — YAML text in ``cluster.workspace`` at ``.kube/config`` (the workstation
user's ``$HOME`` is ``/home/user``, so kubectl knows it as ``/home/user/.kube/config``; workspace
keys are relative to that home). Until a command writes it, it holds what the preset's tool left
(``make_default``): on the kubeadm lab ``/etc/kubernetes/admin.conf`` — cluster ``kubernetes`` at
``https://<control-plane IP>:6443``, user ``kubernetes-admin``, context
``kubernetes-admin@kubernetes``, the lab's CA as ``certificate-authority-data`` and (made-up, stable)
base64 client certificate data; on minikube what ``minikube start`` writes (cluster, user and context
``minikube`` at ``https://192.168.49.2:8443``, certificates by path under ``~/.minikube``, the
``cluster_info``/``context_info`` extensions, namespace ``default``; ``minikube stop`` unsets the
current context, ``start`` writes the entries again); on kind what ``kind create cluster`` writes
(``kind-kind`` at ``https://127.0.0.1:<published port>``, data embedded). ``--kubeconfig``
names another workspace file; ``server_of`` says where a command's requests go.

The in-memory form is client-go's ``api.Config`` reduced to dicts: ``clusters``/``users``/
``contexts`` are maps from name to the entry's fields (json names as in the file: ``server``,
``certificate-authority-data``, ``user``, ``namespace``…), plus ``current-context``,
``preferences`` and ``extensions``. ``dump`` writes it as clientcmd.Write does (the v1 form: named
lists sorted by name, keys sorted, as sigs.k8s.io/yaml marshals); ``to_v1`` gives the v1 object with
its fields in Go's struct order (what ``config view -o json`` prints).

Hands off: the ``config`` verbs (``verbs/config.py``) edit it through ``load``/``save``; every other
command asks ``current_namespace`` (``Invocation.namespace``) and ``check_context``.
"""

from __future__ import annotations

import base64
import hashlib
import posixpath
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

HOME = "/home/user"
#: the workspace key of the default kubeconfig (``$HOME/.kube/config``)
PATH = ".kube/config"
CLUSTER = "kubernetes"
USER = "kubernetes-admin"
CONTEXT = f"{USER}@{CLUSTER}"

#: each entry's fields in client-go's v1 struct order (clientcmd/api/v1/types.go)
CLUSTER_FIELDS = ("server", "tls-server-name", "insecure-skip-tls-verify", "certificate-authority",
                  "certificate-authority-data", "proxy-url", "disable-compression", "extensions")
USER_FIELDS = ("client-certificate", "client-certificate-data", "client-key", "client-key-data", "token",
               "tokenFile", "as", "as-uid", "as-groups", "as-user-extra", "username", "password",
               "auth-provider", "exec", "extensions")
CONTEXT_FIELDS = ("cluster", "user", "namespace", "extensions")
#: the v1 names of the three maps: (top-level key, the key of the entry's body)
SECTIONS = {"clusters": "cluster", "users": "user", "contexts": "context"}
FIELDS = {"clusters": CLUSTER_FIELDS, "users": USER_FIELDS, "contexts": CONTEXT_FIELDS}
#: the v1 fields without ``omitempty``: always written, "" when unset
REQUIRED: dict[str, dict[str, str]] = {"clusters": {"server": ""}, "users": {}, "contexts": {"cluster": "", "user": ""}}
#: the v1 fields that hold bytes (base64 in the file) and the boolean ones
BYTES_FIELDS = ("certificate-authority-data", "client-certificate-data", "client-key-data")
BOOL_FIELDS = ("insecure-skip-tls-verify", "disable-compression")


class KubeconfigError(Exception):
    """A kubeconfig that cannot be read; ``message`` is kubectl's line (with ``error: ``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def workspace_key(path: str) -> str:
    """The workspace key of a path as typed (``~/x``, ``/home/user/x``, ``x``)."""
    if path.startswith("~/"):
        path = HOME + path[1:]
    if path.startswith(HOME + "/"):
        path = path[len(HOME) + 1:]
    return posixpath.normpath(path).lstrip("/")


def display_path(path: str | None) -> str:
    """The file as kubectl names it in messages (``deleted context x from /home/user/.kube/config``)."""
    if not path:
        return f"{HOME}/{PATH}"
    if path.startswith(("/", "~")):
        return path if not path.startswith("~/") else HOME + path[1:]
    return path


def _fake_pem(label: str, seed: str) -> str:
    """Stable stand-ins for kubeadm's certificates: base64 of a PEM block (never a real key)."""
    body = b"".join(hashlib.sha256(f"{seed}/{label}/{i}".encode()).digest() for i in range(24))
    lines = base64.b64encode(body).decode()
    pem = f"-----BEGIN {label}-----\n" + "".join(lines[i:i + 64] + "\n" for i in range(0, len(lines), 64))
    pem += f"-----END {label}-----\n"
    return base64.b64encode(pem.encode()).decode()


def _cluster_ca_data(cluster: Cluster) -> str:
    """The lab's CA (``sim.certs.cluster_ca``: the one in every namespace's kube-root-ca.crt), base64;
    a made-up stand-in for a cluster without a bootstrap (no kube-system namespace to key it)."""
    from ..sim import certs

    if cluster.store.peek("Namespace", "", "kube-system") is None:
        return _fake_pem("CERTIFICATE", "ca")
    return certs.cluster_ca_data(cluster.store)


def control_plane_server(cluster: Cluster) -> str:
    """The apiserver's URL, as cluster-info finds it (the ``kubernetes`` Endpoints)."""
    from .verbs.info import control_plane_url

    return control_plane_url(SimpleNamespace(cluster=cluster))  # type: ignore[arg-type]


def make_default(cluster: Cluster) -> dict[str, Any]:
    """What the preset's tool left in ``~/.kube/config``: kubeadm's admin.conf for the lab, what
    ``minikube start`` writes (``minikube_config``) or what ``kind create cluster`` writes (``kind_config``)."""
    preset = getattr(cluster, "preset", "kubeadm")
    if preset == "minikube":
        return minikube_config(cluster, _created(cluster, "minikube"))
    if preset == "kind":
        return kind_config(cluster)
    server = control_plane_server(cluster)
    return {
        "clusters": {CLUSTER: {"certificate-authority-data": _cluster_ca_data(cluster), "server": server}},
        "users": {USER: {"client-certificate-data": _fake_pem("CERTIFICATE", "admin"),
                         "client-key-data": _fake_pem("RSA PRIVATE KEY", "admin-key")}},
        "contexts": {CONTEXT: {"cluster": CLUSTER, "user": USER}},
        "current-context": CONTEXT,
        "preferences": {},
    }


def _created(cluster: Cluster, node: str) -> float:
    """When the preset's tool wrote the file: as its node registered (the store's creationTimestamp)."""
    from datetime import datetime

    obj = cluster.store.peek("Node", "", node)
    stamp = (obj or {}).get("metadata", {}).get("creationTimestamp")
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp() if stamp else cluster.clock.now()


def minikube_extension(name: str, at: float) -> list[dict[str, Any]]:
    """minikube's ``cluster_info``/``context_info`` extension (kubeconfig.NewExtension: its version, the
    provider, ``time.Now().Format(time.RFC1123)``), as the v1 list of NamedExtension holds it."""
    from email.utils import formatdate

    stamp = formatdate(at, usegmt=True).replace("GMT", "UTC")  # RFC1123 with the zone's abbreviation
    from ..sim import presets

    return [{"name": name, "extension": {"last-update": stamp, "provider": "minikube.sigs.k8s.io",
                                         "version": presets.MINIKUBE_VERSION}}]


def minikube_entries(at: float) -> dict[str, Any]:
    """The cluster, user and context ``minikube start`` writes for the profile (kubeconfig.PopulateFromSettings:
    the certificates by path under ``~/.minikube``, not embedded, and the context's ``default`` namespace)."""
    from ..sim import presets

    name = presets.MINIKUBE_PROFILE
    server = f"https://{presets.MINIKUBE_IP}:{presets.MINIKUBE_API_PORT}"
    return {
        "clusters": {name: {"certificate-authority": f"{HOME}/.minikube/ca.crt",
                            "extensions": minikube_extension("cluster_info", at), "server": server}},
        "users": {name: {"client-certificate": f"{HOME}/.minikube/profiles/{name}/client.crt",
                         "client-key": f"{HOME}/.minikube/profiles/{name}/client.key"}},
        "contexts": {name: {"cluster": name, "extensions": minikube_extension("context_info", at),
                            "namespace": "default", "user": name}},
    }


def minikube_config(cluster: Cluster, at: float) -> dict[str, Any]:
    """``~/.kube/config`` after ``minikube start`` (at ``at``) on a workstation without one."""
    from ..sim import presets

    return {**minikube_entries(at), "current-context": presets.MINIKUBE_PROFILE, "preferences": {}}


def minikube_started(cluster: Cluster, at: float, *, activate: bool = True) -> None:
    """``minikube start`` updates the file (kubeconfig.Update): the profile's entries afresh and, unless
    ``--keep-context``, the current context."""
    from ..sim import presets

    config = load(cluster)
    for section, entries in minikube_entries(at).items():
        config[section].update(entries)
    if activate:
        config["current-context"] = presets.MINIKUBE_PROFILE
    save(cluster, config)


def minikube_stopped(cluster: Cluster) -> None:
    """``minikube stop`` without ``--keep-context-active`` (kubeconfig.UnsetCurrentContext): the current
    context is cleared when it is the profile's; kubectl then has no server (``localhost:8080``)."""
    from ..sim import presets

    config = load(cluster)
    if config.get("current-context") == presets.MINIKUBE_PROFILE:
        config["current-context"] = ""
        save(cluster, config)


def kind_api_port(cluster: Cluster) -> int:
    """The host port kind published the apiserver on (``127.0.0.1:0``'s pick from Linux's ephemeral
    range 32768-60999), stable per sandbox: derived from the control plane's uid."""
    node = cluster.store.peek("Node", "", "kind-control-plane") or {}
    uid = node.get("metadata", {}).get("uid") or "kind"
    return 32768 + int(hashlib.sha256(uid.encode()).hexdigest(), 16) % (60999 - 32768 + 1)


def kind_config(cluster: Cluster) -> dict[str, Any]:
    """What ``kind create cluster`` writes (kind's kubeconfig.Export): ``kind-kind`` cluster, user and
    context, the apiserver at its published ``https://127.0.0.1:<port>``, CA and client keys embedded."""
    name = "kind-kind"
    return {
        "clusters": {name: {"certificate-authority-data": _cluster_ca_data(cluster),
                            "server": f"https://127.0.0.1:{kind_api_port(cluster)}"}},
        "users": {name: {"client-certificate-data": _fake_pem("CERTIFICATE", "kind-admin"),
                         "client-key-data": _fake_pem("RSA PRIVATE KEY", "kind-admin-key")}},
        "contexts": {name: {"cluster": name, "user": name}},
        "current-context": name,
        "preferences": {},
    }


def server_of(config: dict[str, Any], context: str | None = None, cluster_name: str | None = None,
              server: str | None = None) -> str:
    """The URL kubectl sends requests to (``--server`` > ``--cluster`` > the context's cluster), or
    clientcmd's default ``http://localhost:8080`` when the kubeconfig names none."""
    if server:
        return server
    ctx = (config.get("contexts") or {}).get(context or config.get("current-context") or "") or {}
    entry = (config.get("clusters") or {}).get(cluster_name or ctx.get("cluster") or "") or {}
    return entry.get("server") or "http://localhost:8080"


def empty() -> dict[str, Any]:
    return {"clusters": {}, "users": {}, "contexts": {}, "current-context": "", "preferences": {}}


def parse(text: str, shown: str) -> dict[str, Any]:
    """The file's text in the in-memory form (clientcmd.Load)."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as e:
        raise KubeconfigError(f"error: error loading config file \"{shown}\": yaml: {e}") from None
    if not isinstance(data, dict):
        raise KubeconfigError(f'error: error loading config file "{shown}": couldn\'t get version/kind; '
                              "json parse error: json: cannot unmarshal string into Go value of type struct "
                              '{ APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string '
                              '"json:\\"kind,omitempty\\"" }')
    config = empty()
    for section, body in SECTIONS.items():
        for entry in data.get(section) or []:
            if isinstance(entry, dict) and entry.get("name") is not None:
                config[section][str(entry["name"])] = dict(entry.get(body) or {})
    config["current-context"] = str(data.get("current-context") or "")
    config["preferences"] = data.get("preferences") or {}
    if data.get("extensions"):
        config["extensions"] = data["extensions"]
    return config


def load(cluster: Cluster, path: str | None = None) -> dict[str, Any]:
    """The kubeconfig (``path``: a ``--kubeconfig`` value; None for ``$HOME/.kube/config``).

    A missing default file is kubeadm's admin.conf; a missing ``--kubeconfig`` file reads as an
    empty config (kubectl creates it on the first write)."""
    workspace = cluster.workspace
    key = workspace_key(path) if path else PATH
    text = workspace.get(key)
    if text is None:
        return empty() if path else make_default(cluster)
    return parse(text, display_path(path))


def to_v1(config: dict[str, Any]) -> dict[str, Any]:
    """The v1 ``Config`` object, fields in Go's struct order, lists sorted by name (JSON form)."""
    out: dict[str, Any] = {"kind": "Config", "apiVersion": "v1", "preferences": config.get("preferences") or {}}
    for section in ("clusters", "users", "contexts"):
        body, order = SECTIONS[section], FIELDS[section]
        entries = config.get(section) or {}
        required = REQUIRED[section]
        out[section] = [{"name": name, body: {k: _named_extensions(v) if k == "extensions" else v
                                              for k, v in sorted(({**required, **entries[name]}).items(),
                                                                 key=lambda kv: _field_rank(order, kv[0]))}}
                        for name in sorted(entries)]
    out["current-context"] = config.get("current-context") or ""
    if config.get("extensions"):
        out["extensions"] = _named_extensions(config["extensions"])
    return out


def _named_extensions(items: Any) -> Any:
    """v1's ``[]NamedExtension`` in its struct order (``name``, ``extension``), sorted by name as
    clientcmd's conversion from the map writes it."""
    if not isinstance(items, list):
        return items
    named = [i for i in items if isinstance(i, dict)]
    return [{"name": i.get("name", ""), "extension": i.get("extension")}
            for i in sorted(named, key=lambda i: str(i.get("name", "")))]


def _field_rank(order: tuple[str, ...], name: str) -> tuple[int, str]:
    return (order.index(name), name) if name in order else (len(order), name)


def dump(config: dict[str, Any]) -> str:
    """clientcmd.Write: YAML with sorted keys (``clusters: null`` when there are none)."""
    v1 = to_v1(config)
    for section in ("clusters", "users", "contexts"):
        if not v1[section]:
            v1[section] = None
    from .printers import to_yaml

    return to_yaml(v1)


def save(cluster: Cluster, config: dict[str, Any], path: str | None = None) -> None:
    cluster.workspace[workspace_key(path) if path else PATH] = dump(config)


def namespace_of(config: dict[str, Any], context: str | None = None) -> str:
    """The namespace of ``context`` (default: the current one); ``default`` when it names none."""
    name = context or config.get("current-context") or ""
    return (config.get("contexts") or {}).get(name, {}).get("namespace") or "default"


def check_context(cluster: Cluster, context: str | None, path: str | None = None) -> None:
    """kubectl's refusal (client config validation) of a ``--context`` the kubeconfig does not hold."""
    if context and context not in (load(cluster, path).get("contexts") or {}):
        raise KubeconfigError(f"Error in configuration: context was not found for specified context: {context}")


def current_namespace(cluster: Cluster, context: str | None = None, path: str | None = None) -> str:
    """The namespace of the current context (or of ``context``), ``default`` when it names none."""
    if path is None and context is None and PATH not in cluster.workspace:
        return "default"  # kubeadm's admin.conf names no namespace
    try:
        return namespace_of(load(cluster, path), context)
    except KubeconfigError:
        return "default"
