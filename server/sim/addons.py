"""Cluster add-ons a user switches on and off: what ``minikube addons enable`` installs and what a
kubeadm lab's administrator adds by hand (a storage provisioner, metrics-server, an ingress
controller).

Owns: the list of add-ons, their one-line descriptions and the switch. Each add-on is a module
that exports ``enable(cluster)``, ``disable(cluster)`` and ``enabled(cluster) -> bool``; enabling
creates the objects the real add-on's manifests create (its namespace, Deployment, Service,
StorageClass, IngressClass …) through the API, so they show up in ``kubectl get`` and on the
canvas as on a real cluster, and starts the simulated component behind them.

On the minikube preset ``storage-provisioner`` is minikube's own (``controllers/hostpath.py``: the
``k8s.io/minikube-hostpath`` provisioner pod the preset starts with) rather than local-path.

Hands off: the sandbox journals the switch (``op: addon``) and the HTTP API exposes it
(``POST /api/sandboxes/<id>/addons/<name>``); issue 9's ``minikube addons`` reads the same list.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .cluster import Cluster


@dataclass(frozen=True)
class Addon:
    name: str
    module: str  # import path of the module with enable/disable/enabled
    description: str
    #: preset -> the module that is this add-on there (minikube's storage-provisioner is its own)
    by_preset: tuple[tuple[str, str], ...] = ()


ADDONS: dict[str, Addon] = {a.name: a for a in (
    Addon("storage-provisioner", "server.sim.controllers.provisioner",
          "a dynamic provisioner of hostPath volumes (local-path) and its default StorageClass",
          by_preset=(("minikube", "server.sim.controllers.hostpath"),)),
    Addon("metrics-server", "server.sim.metrics",
          "metrics-server: resource usage of nodes and pods for kubectl top and the HPA"),
    Addon("ingress", "server.sim.net.ingress",
          "the ingress-nginx controller, its NodePort Service and the nginx IngressClass"),
)}


class AddonError(KeyError):
    pass


def _module(name: str, cluster: Any = None) -> Any:
    """The module behind add-on ``name`` on ``cluster``'s preset."""
    addon = ADDONS.get(name)
    if addon is None:
        raise AddonError(f'addon "{name}" does not exist (known: {", ".join(sorted(ADDONS))})')
    module = dict(addon.by_preset).get(getattr(cluster, "preset", ""), addon.module)
    return importlib.import_module(module)


#: how long enabling waits for the add-on's namespace of an earlier disable to finish terminating
TERMINATING_WAIT = 120.0


def set_enabled(cluster: Cluster, name: str, enabled: bool) -> None:
    """Switch an add-on. Enabling one whose own namespace is still being deleted (it was just switched
    off) first lets the clock run until the namespace controller has removed it, as ``minikube addons
    enable`` retries its apply until the namespace can take new objects."""
    module = _module(name, cluster)
    if bool(module.enabled(cluster)) == enabled:
        return
    ns = getattr(module, "NAMESPACE", None)
    if enabled and ns and ns not in ("default", "kube-system"):
        def gone() -> bool:
            obj = cluster.store.peek("Namespace", "", ns)
            return obj is None or not obj["metadata"].get("deletionTimestamp")
        cluster.run_until(cluster.clock.now() + TERMINATING_WAIT, gone)
    (module.enable if enabled else module.disable)(cluster)


def states(cluster: Cluster) -> dict[str, bool]:
    """name -> enabled, for every add-on (sorted by name)."""
    out = {}
    for name in sorted(ADDONS):
        try:
            out[name] = bool(_module(name, cluster).enabled(cluster))
        except (ImportError, AttributeError):
            out[name] = False
    return out
