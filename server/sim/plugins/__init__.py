"""The apiserver's admission plugins beyond the ones in ``admission.py`` (ServiceAccount,
DefaultTolerationSeconds, the pod's initial status), in the order kube-apiserver v1.32 runs its
plugins (k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go AllOrderedPlugins): NamespaceLifecycle,
LimitRanger, Priority, DefaultStorageClass, StorageObjectInUseProtection, DefaultIngressClass, then the
validating ones — PersistentVolumeClaimResize (listed before DefaultIngressClass, but only validating,
so the apiserver runs it after every mutating plugin), the webhooks (ingress-nginx's admission webhook,
once the add-on is on) and ResourceQuota last.

Each module exports ``admit(operation, obj, old, api)``: ``operation`` is ``CREATE`` or
``UPDATE`` (``old`` is None on create); it may change ``obj`` in place or raise ``api.ApiError``
in the plugin's words. Called from ``admission.on_create`` / ``on_update``.
"""

from __future__ import annotations

import functools
import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api import Api

ORDER = ("namespace_lifecycle", "limitranger", "serviceaccount", "priority", "default_storage_class", "storage_object_in_use_protection",
         "default_ingress_class", "persistentvolumeclaim_resize", "ingress_nginx_webhook", "resourcequota")


def admit(operation: str, obj: dict, old: dict | None, api: Api | None) -> None:
    if api is None:
        return
    for plugin in _plugins():
        plugin.admit(operation, obj, old, api)


@functools.cache
def _plugins() -> tuple[Any, ...]:
    """The plugin modules in ``ORDER``, imported once (on first use: they import the API layer)."""
    return tuple(importlib.import_module(f"{__name__}.{name}") for name in ORDER)
