"""What kubectl v1.32 prints when nothing listens where its kubeconfig points.

Owns: the answer of a command whose server refuses the connection — the minikube preset's
``192.168.49.2:8443`` while ``minikube stop`` has its machine powered off, and clientcmd's default
``http://localhost:8080`` when the kubeconfig has no current context (what ``minikube stop`` leaves).
Recorded from kubectl v1.32 pointed at a closed port:

- a command that needs discovery first logs, per failed attempt of the in-memory discovery client,
  klog's ``E<mmdd> <hh:mm:ss.uuuuuu> <pid> memcache.go:265] "Unhandled Error" err="couldn't get current
  server API group list: Get \\"<server>/api?timeout=32s\\": dial tcp <host:port>: connect: connection
  refused"`` — five for ``get``/``describe``/``delete``/``label`` … (one more per extra type of a
  ``get a,b``), four for ``logs``/``exec``/``rollout``/``wait``/``cordon`` …, two for ``explain``,
  ``taint``, ``auth can-i``, one for ``run``; then ``The connection to the server <host:port> was
  refused - did you specify the right host or port?``;
- those lines come only while the disk cache (``~/.kube/cache/discovery/<host_port>``, six hours)
  has nothing fresh for that server: after a command that discovered it there, only the last line
  (``api-resources``/``api-versions`` invalidate the cache first and always log one);
- commands that ask no discovery print their own request's error (``create deployment``: ``error:
  failed to create deployment: Post "…": dial tcp …``; ``apply -f``: the OpenAPI download's), or
  only the last line (``top``, ``events``, ``version`` after its client lines).

The virtual clock gives the klog times; the pid is one per sandbox.

Hands off: ``parse.run`` asks ``answer`` before it runs a command and ``discovered`` after one ran.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from weakref import WeakKeyDictionary

from ..sim import presets

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

#: the discovery cache's lifetime (kubectl's ``--cache-dir`` client: 6 hours)
CACHE_TTL = 6 * 3600
#: per cluster: the server (host:port) -> when the workstation's kubectl last discovered it
_DISCOVERED: WeakKeyDictionary[Any, dict[str, float]] = WeakKeyDictionary()
#: per cluster: how many refused commands logged klog lines (their times move on)
_RUNS: WeakKeyDictionary[Any, int] = WeakKeyDictionary()

#: klog lines a command logs with a cold discovery cache (kubectl v1.32 against a closed port)
_DISCOVERY_ATTEMPTS = {
    "get": 5, "describe": 5, "delete": 5, "scale": 5, "label": 5, "annotate": 5, "patch": 5, "expose": 5,
    "autoscale": 5, "cluster-info": 5, "edit": 5,
    "logs": 4, "exec": 4, "attach": 4, "port-forward": 4, "rollout": 4, "wait": 4, "cordon": 4, "uncordon": 4,
    "drain": 4, "set": 4, "certificate": 4, "debug": 4,
    "explain": 2, "taint": 2, "auth can-i": 2, "run": 1,
}
#: ``kubectl create <generator>``'s own words for its failed POST (createGeneric's ``failed to create …``)
_CREATE = {
    "create deployment": ("failed to create deployment: ", "/apis/apps/v1/namespaces/{ns}/deployments"),
    "create configmap": ("failed to create configmap: ", "/api/v1/namespaces/{ns}/configmaps"),
    "create secret generic": ("failed to create secret ", "/api/v1/namespaces/{ns}/secrets"),
    "create job": ("failed to create job: ", "/apis/batch/v1/namespaces/{ns}/jobs"),
}


def server_url(cluster: Cluster, flags: dict[str, Any]) -> str:
    """The URL the command's requests go to (the kubeconfig's, ``http://localhost:8080`` without one)."""
    from . import kubeconfig as kc

    try:
        config = kc.load(cluster, flags.get("kubeconfig") or None)
    except kc.KubeconfigError:
        return ""
    return kc.server_of(config, flags.get("context") or None)


def refused_host(cluster: Cluster, url: str) -> str | None:
    """``host:port`` when nothing listens at ``url``: clientcmd's default server (no cluster in the
    kubeconfig), or minikube's apiserver while its machine is down; None when it answers."""
    parts = urlsplit(url)
    hostport = parts.netloc or url
    if url == "http://localhost:8080":
        return hostport
    if presets.apiserver_down(cluster) and hostport == f"{presets.MINIKUBE_IP}:{presets.MINIKUBE_API_PORT}":
        return hostport
    return None


def _pid(cluster: Cluster) -> int:
    ns = cluster.store.peek("Namespace", "", "kube-system") or {}
    uid = ns.get("metadata", {}).get("uid") or "kubeplay"
    return 1000 + int(hashlib.sha256(f"kubectl/{uid}".encode()).hexdigest(), 16) % 60000


def klog_lines(cluster: Cluster, url: str, count: int) -> str:
    """``count`` of memcache.go's discovery errors, klog's header on the virtual clock."""
    import datetime as _dt

    parts = urlsplit(url)
    dial = parts.netloc.replace("localhost", "127.0.0.1", 1)
    err = (f'"Unhandled Error" err="couldn\'t get current server API group list: Get \\"{url}/api?timeout=32s\\": '
           f'dial tcp {dial}: connect: connection refused"')
    now = cluster.clock.now()
    pid = _pid(cluster)
    out = []
    # each run starts a little later within the clock's second, as commands typed one after another
    runs = _RUNS[cluster] = _RUNS.get(cluster, 0) + 1
    t = now + 0.021 + ((runs * 137 + int(now * 1000)) % 900) / 1000 + (pid * runs % 997) / 1_000_000
    for i in range(count):
        stamp = _dt.datetime.fromtimestamp(t, _dt.UTC)
        out.append(f"E{stamp:%m%d %H:%M:%S}.{stamp.microsecond:06d} {pid:7d} memcache.go:265] {err}\n")
        t += 0.0013 + ((pid + i * 7919) % 400) / 1_000_000
    return "".join(out)


def _warm(cluster: Cluster, hostport: str) -> bool:
    at = _DISCOVERED.get(cluster, {}).get(hostport)
    return at is not None and cluster.clock.now() - at < CACHE_TTL


def discovered(cluster: Cluster, command: str, flags: dict[str, Any]) -> None:
    """A command ran against its server: its discovery (if it asks one) is cached for six hours."""
    if _attempts(command, []) or command in ("api-resources", "api-versions"):
        hostport = urlsplit(server_url(cluster, flags)).netloc
        if hostport:
            _DISCOVERED.setdefault(cluster, {})[hostport] = cluster.clock.now()


def _attempts(command: str, args: list[str]) -> int:
    count = _DISCOVERY_ATTEMPTS.get(command) or _DISCOVERY_ATTEMPTS.get(command.split(" ")[0], 0)
    if command == "get" and args and "," in args[0] and "/" not in args[0]:
        count += args[0].count(",")
    return count


def answer(cluster: Cluster, command: str, args: list[str], flags: dict[str, Any], namespace: str) -> str | None:
    """What the command prints when its server refuses the connection (None when the server answers).
    The text ends without the final newline, as ``Result``'s output does."""
    url = server_url(cluster, flags)
    host = refused_host(cluster, url)
    if host is None:
        return None
    last = f"The connection to the server {host} was refused - did you specify the right host or port?"
    dial = f"dial tcp {urlsplit(url).netloc.replace('localhost', '127.0.0.1', 1)}: connect: connection refused"
    files = flags.get("filename") or []
    if command in ("apply", "create", "replace") and files:
        shown = "STDIN" if files[0] == "-" else files[0]
        return (f'error: error validating "{shown}": error validating data: failed to download openapi: '
                f'Get "{url}/openapi/v2?timeout=32s": {dial}; if you choose to ignore these errors, '
                "turn validation off with --validate=false")
    if command in _CREATE:
        words, path = _CREATE[command]
        return (f'error: {words}Post "{url}{path.format(ns=namespace)}?fieldManager=kubectl-create'
                f'&fieldValidation=Strict": {dial}')
    if command in ("api-resources", "api-versions"):
        head = klog_lines(cluster, url, 1)
        if command == "api-versions":
            return f'{head}error: couldn\'t get available api versions from server: Get "{url}/api?timeout=32s": {dial}'
        return f"{head}NAME   SHORTNAMES   APIVERSION   NAMESPACED   KIND\n{last}"
    if command in ("delete", "diff") and files:
        head = "" if _warm(cluster, urlsplit(url).netloc) else klog_lines(cluster, url, 1)
        shown = "STDIN" if files[0] == "-" else files[0]
        return f'{head}error: unable to recognize "{shown}": Get "{url}/api?timeout=32s": {dial}'
    count = 0 if _warm(cluster, urlsplit(url).netloc) else _attempts(command, args)
    head = klog_lines(cluster, url, count)
    if command == "cluster-info":
        head += "\nTo further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.\n"
    elif command == "auth can-i" and count and args and not flags.get("list"):
        head += f"Warning: the server doesn't have a resource type '{args[1] if len(args) > 1 else args[0]}'\n\n"
    return head + last
