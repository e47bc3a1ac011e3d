"""The apiserver's admission plugins beyond the ones in ``admission.py`` (ServiceAccount,
DefaultTolerationSeconds, the pod's initial status), in the order kube-apiserver v1.32 runs its
default plugin list: NamespaceLifecycle, LimitRanger, DefaultStorageClass, Priority,
DefaultIngressClass, then the webhooks (ingress-nginx's admission webhook, once the add-on is on)
and the validating ResourceQuota last (k8s.io/kubernetes pkg/kubeapiserver/options/plugins.go).

Each module exports ``admit(operation, obj, old, api)``: ``operation`` is ``CREATE`` or
``UPDATE`` (``old`` is None on create); it may change ``obj`` in place or raise ``api.ApiError``
in the plugin's words. Called from ``admission.on_create`` / ``on_update``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..api import Api

ORDER = ("namespace_lifecycle", "limitranger", "default_storage_class", "priority", "default_ingress_class",
         "ingress_nginx_webhook", "resourcequota")


def admit(operation: str, obj: dict, old: dict | None, api: Api | None) -> None:
    if api is None:
        return
    for name in ORDER:
        plugin: Any = importlib.import_module(f"{__name__}.{name}")
        plugin.admit(operation, obj, old, api)
