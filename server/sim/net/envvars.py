"""A container's environment as the kubelet and the runtime build it, service links included.

Owns: ``service_env(cluster, namespace)`` — the Docker-link style variables of
``pkg/kubelet/envvars`` for every Service with a cluster IP in the pod's namespace (when
``enableServiceLinks``) plus ``default/kubernetes`` always: ``NAME_SERVICE_HOST``,
``NAME_SERVICE_PORT``, ``NAME_SERVICE_PORT_<PORTNAME>``, ``NAME_PORT``, ``NAME_PORT_<p>_<PROTO>``
and its ``_PROTO``/``_PORT``/``_ADDR`` —, ``kubelet_env`` (makeEnvironmentVariables):
``envFrom`` ConfigMaps/Secrets (with ``prefix``), then ``env`` (``value`` with ``$(VAR)``
expansion, ``valueFrom`` fieldRef / resourceFieldRef / configMapKeyRef / secretKeyRef), then the
service variables for names not already set — and ``container_env``, the process environment
containerd's CRI plugin writes into the container's OCI spec from it (``buildContainerSpec``):
``PATH`` (``oci.WithDefaultPathEnv``), ``HOSTNAME``, then the image config's ``Env`` and the
kubelet's variables, each replacing a variable of that name in place or appended
(``oci.WithEnv``). ``exec_env`` is what a process ``kubectl exec`` starts gets from that: the
same, ``TERM=xterm`` with a TTY (the CRI exec's ``oci.WithEnv``), and ``HOME`` last when nothing
set it (runc's ``setupUser``, from the user's passwd entry: ``/root`` for root). A missing
ConfigMap, Secret or key that is not ``optional`` raises ``EnvError`` with the kubelet's message,
which the kubelet reports as ``CreateContainerConfigError``.

The kubelet ranges over Go maps for its variables (``tmpEnv``, then ``serviceEnv``), so a real
node's order among them differs from run to run; here they come in a fixed order — ``envFrom``
and ``env`` in spec order, then the service variables by Service name (``service_env``) — so a
sandbox replays the same.

Only Services that exist when the container is created are seen: the kubelet calls this then and
hands the result to the runtime (``cluster.runtime.start``), so a pod created before a Service
does not have its variables — the classic lesson.

Hands off: the kubelet (``kubelet.py``) calls ``container_env``; the image's ENV is the
registry's (``Image.env``); shells and ``kubectl exec`` read the runtime's copy (``exec_env``).
"""

from __future__ import annotations

import base64
import re
from typing import TYPE_CHECKING, Any

from ..store import Obj

if TYPE_CHECKING:
    from ..cluster import Cluster

MASTER_NAMESPACE = "default"
#: containerd's ``oci.WithDefaultPathEnv`` (the image's own PATH, if it has one, replaces it)
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
MASTER_SERVICES = ("kubernetes",)


class EnvError(Exception):
    """A container's environment cannot be built (the kubelet's CreateContainerConfigError)."""


def env_name(name: str) -> str:
    """makeEnvVariableName: upper case, ``-`` to ``_``."""
    return name.replace("-", "_").upper()


def _ip_set(svc: Obj) -> bool:
    ip = (svc.get("spec") or {}).get("clusterIP")
    return bool(ip) and ip != "None"


def _service_vars(svc: Obj) -> list[tuple[str, str]]:
    """envvars.FromServices for one Service, in the kubelet's order."""
    spec = svc.get("spec") or {}
    ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
    if not _ip_set(svc) or not ports:
        return []
    prefix = env_name(svc["metadata"]["name"])
    ip = spec["clusterIP"]
    out = [(f"{prefix}_SERVICE_HOST", ip), (f"{prefix}_SERVICE_PORT", str(ports[0]["port"]))]
    for p in ports:
        if p.get("name"):
            out.append((f"{prefix}_SERVICE_PORT_{env_name(p['name'])}", str(p["port"])))
    for i, p in enumerate(ports):
        proto = p.get("protocol") or "TCP"
        host_port = f"[{ip}]:{p['port']}" if ":" in ip else f"{ip}:{p['port']}"
        url = f"{proto.lower()}://{host_port}"
        if i == 0:
            out.append((f"{prefix}_PORT", url))
        pp = f"{prefix}_PORT_{p['port']}_{proto.upper()}"
        out += [(pp, url), (f"{pp}_PROTO", proto.lower()), (f"{pp}_PORT", str(p["port"])), (f"{pp}_ADDR", ip)]
    return out


def service_env(cluster: Cluster, namespace: str, *, enable_service_links: bool = True) -> dict[str, str]:
    """getServiceEnvVarMap: the service variables a container in ``namespace`` starts with now."""
    chosen: dict[str, Obj] = {}
    for name in MASTER_SERVICES:
        svc = cluster.store.peek("Service", MASTER_NAMESPACE, name)
        if svc is not None and _ip_set(svc):
            chosen[name] = svc
    if enable_service_links:
        for svc in cluster.store.scan("Service", namespace):
            if _ip_set(svc):
                chosen[svc["metadata"]["name"]] = svc  # the pod's namespace wins over default/kubernetes
    env: dict[str, str] = {}
    for name in sorted(chosen):
        env.update(_service_vars(chosen[name]))
    return env


# -- the container's own env ------------------------------------------------------------------------
_REF = re.compile(r"\$\$|\$\(([^)]*)\)")


def expand(value: str, env: dict[str, str]) -> str:
    """third_party/forked/golang/expansion: ``$(VAR)`` from what is defined, ``$$`` is ``$``,
    unknown references stay as written."""
    def sub(m: re.Match[str]) -> str:
        if m.group(0) == "$$":
            return "$"
        name = m.group(1)
        return env[name] if name in env else m.group(0)

    return _REF.sub(sub, value)


def _decode(secret: Obj, key: str) -> str | None:
    data = secret.get("data") or {}
    if key in data:
        try:
            return base64.b64decode(data[key]).decode("utf-8", "replace")
        except (ValueError, TypeError):
            return str(data[key])
    string_data = secret.get("stringData") or {}
    return str(string_data[key]) if key in string_data else None


def _source(cluster: Cluster, kind: str, ns: str, name: str, optional: bool) -> Obj | None:
    obj = cluster.store.peek(kind, ns, name)
    if obj is None and not optional:
        raise EnvError(f'{kind.lower()} "{name}" not found')
    return obj


def _field(pod: Obj, path: str, pod_ip: str, host_ip: str) -> str:
    meta, spec = pod["metadata"], pod.get("spec") or {}
    m = re.fullmatch(r"metadata\.(labels|annotations)\['([^']*)'\]", path)
    if m:
        return str((meta.get(m.group(1)) or {}).get(m.group(2), ""))
    simple = {"metadata.name": meta.get("name"), "metadata.namespace": meta.get("namespace"),
              "metadata.uid": meta.get("uid"), "spec.nodeName": spec.get("nodeName"),
              "spec.serviceAccountName": spec.get("serviceAccountName"), "status.hostIP": host_ip,
              "status.hostIPs": host_ip, "status.podIP": pod_ip, "status.podIPs": pod_ip}
    return str(simple.get(path) or "")


def _resource(container: Obj, ref: Obj) -> str:
    res = ref.get("resource", "")
    kind, _, what = res.partition(".")
    value: Any = ((container.get("resources") or {}).get(kind) or {}).get(what)
    if value is None:
        # unset limits are the node's allocatable (the lab's workers: 2 CPUs, ~4 GiB)
        value = {"cpu": "2", "memory": "4025040Ki", "ephemeral-storage": "19430032Ki"}.get(what, "0")
    if what == "cpu":
        s = str(value)
        cores = float(s[:-1]) / 1000 if s.endswith("m") else float(s)
        import math

        return str(max(1, math.ceil(cores)))  # divisor 1: cores rounded up
    return str(value)


def container_env(cluster: Cluster, pod: Obj, container: Obj, *, pod_ip: str = "", host_ip: str = "") -> dict[str, str]:
    """The environment the runtime starts ``container`` of ``pod`` with (see the module's
    docstring for the order); raises EnvError like the kubelet."""
    from . import dns

    image = cluster.registry.resolve(str(container.get("image") or "")) if container.get("image") else None
    # containerd sets HOSTNAME to the sandbox's hostname (the kubelet's GetNodenameForKernel: the
    # FQDN under setHostnameAsFQDN; none under hostNetwork, where it takes the node's own)
    hostname = dns.kernel_hostname(cluster, pod)
    return process_env(image.env if image is not None else (),
                       kubelet_env(cluster, pod, container, pod_ip=pod_ip, host_ip=host_ip), hostname)


def process_env(image_env: Any, kubelet: dict[str, str], hostname: str) -> dict[str, str]:
    """containerd's process env: PATH, HOSTNAME, the image's ENV pairs, the kubelet's variables
    (a dict keeps a replaced name at its first place, as ``replaceOrAppendEnvValues`` does)."""
    env = {"PATH": DEFAULT_PATH, "HOSTNAME": hostname}
    for k, v in image_env:
        env[k] = v
    env.update(kubelet)
    return env


def exec_env(record: dict[str, str], *, tty: bool = False, home: str = "/root") -> dict[str, str]:
    """The environment of a process exec'd in a running container whose runtime record is
    ``record``: ``TERM=xterm`` with a TTY, then ``HOME`` unless already set."""
    env = dict(record)
    if tty:
        env["TERM"] = "xterm"
    env.setdefault("HOME", home)
    return env


def home_of(pod: Obj, container: Obj) -> str:
    """The HOME runc gives a process whose environment has none (``setupUser``: the user's passwd
    entry — ``/root`` for root; a uid the image's passwd does not list gets ``/``)."""
    user = ((container.get("securityContext") or {}).get("runAsUser"))
    if user is None:
        user = ((pod.get("spec") or {}).get("securityContext") or {}).get("runAsUser")
    return "/root" if user in (None, 0) else "/"


def kubelet_env(cluster: Cluster, pod: Obj, container: Obj, *, pod_ip: str = "", host_ip: str = "") -> dict[str, str]:
    """makeEnvironmentVariables for ``container`` of ``pod``; raises EnvError like the kubelet."""
    meta, spec = pod["metadata"], pod.get("spec") or {}
    ns = meta.get("namespace") or "default"
    env: dict[str, str] = {}
    for src in container.get("envFrom") or []:
        prefix = src.get("prefix") or ""
        if src.get("configMapRef"):
            ref = src["configMapRef"]
            cm = _source(cluster, "ConfigMap", ns, ref.get("name", ""), bool(ref.get("optional")))
            if cm is not None:
                for k, v in {**(cm.get("data") or {})}.items():
                    env[prefix + k] = str(v)
        elif src.get("secretRef"):
            ref = src["secretRef"]
            secret = _source(cluster, "Secret", ns, ref.get("name", ""), bool(ref.get("optional")))
            if secret is not None:
                keys = sorted(set(secret.get("data") or {}) | set(secret.get("stringData") or {}))
                for k in keys:
                    env[prefix + k] = _decode(secret, k) or ""
    services = service_env(cluster, ns, enable_service_links=spec.get("enableServiceLinks", True) is not False)
    for e in container.get("env") or []:
        name = e.get("name", "")
        if "valueFrom" not in e:
            env[name] = expand(str(e.get("value") if e.get("value") is not None else ""), {**services, **env})
            continue
        vf = e["valueFrom"] or {}
        if vf.get("fieldRef"):
            env[name] = _field(pod, vf["fieldRef"].get("fieldPath", ""), pod_ip, host_ip)
        elif vf.get("resourceFieldRef"):
            env[name] = _resource(container, vf["resourceFieldRef"])
        elif vf.get("configMapKeyRef"):
            ref = vf["configMapKeyRef"]
            optional = bool(ref.get("optional"))
            cm = _source(cluster, "ConfigMap", ns, ref.get("name", ""), optional)
            if cm is None:
                continue
            data = {**(cm.get("binaryData") or {}), **(cm.get("data") or {})}
            if ref.get("key") not in data:
                if optional:
                    continue
                raise EnvError(f"couldn't find key {ref.get('key')} in ConfigMap {ns}/{ref.get('name')}")
            env[name] = str(data[ref["key"]])
        elif vf.get("secretKeyRef"):
            ref = vf["secretKeyRef"]
            optional = bool(ref.get("optional"))
            secret = _source(cluster, "Secret", ns, ref.get("name", ""), optional)
            if secret is None:
                continue
            value = _decode(secret, ref.get("key", ""))
            if value is None:
                if optional:
                    continue
                raise EnvError(f"couldn't find key {ref.get('key')} in Secret {ns}/{ref.get('name')}")
            env[name] = value
    for k, v in services.items():
        env.setdefault(k, v)
    return env


__all__ = ["DEFAULT_PATH", "EnvError", "container_env", "env_name", "exec_env", "expand", "home_of",
           "kubelet_env", "process_env", "service_env"]
