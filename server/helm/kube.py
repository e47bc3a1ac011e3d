"""A release's objects in the cluster, as helm's kube client handles them (pkg/kube/client.go,
pkg/action/validate.go).

Owns: ``build(manifest, namespace)`` (the manifest's documents as objects, each with the label
``app.kubernetes.io/managed-by: Helm`` and the annotations ``meta.helm.sh/release-name`` /
``meta.helm.sh/release-namespace`` that setMetadataVisitor adds, namespaced ones in the release's
namespace), ``conflicts`` (existingResourceConflict's words for an object that exists and is
not the release's), ``create`` (in the order the manifest holds — install order), ``update``
(an upgrade or rollback: a three-way merge of the previous manifest, the new one and the live
object — fields others set are kept — new objects created, dropped ones deleted) and
``delete`` (uninstall: in kind_sorter's uninstall order, missing objects ignored, ``kept`` ones —
``helm.sh/resource-policy: keep`` — left alone) and ``wait`` (``--wait``: ready.go's checks, polled
every 2 s of virtual time until the timeout).

All writes go through the cluster's API (``c.api``) with helm's field manager.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..sim.api import ApiError, three_way_merge
from ..sim.resources import BY_KIND
from .render import UNINSTALL_ORDER, split_manifests
from .storage import MANAGER

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

MANAGED_BY = "app.kubernetes.io/managed-by"
RELEASE_NAME = "meta.helm.sh/release-name"
RELEASE_NAMESPACE = "meta.helm.sh/release-namespace"
RESOURCE_POLICY = "helm.sh/resource-policy"


class KubeError(Exception):
    """helm's message for a failed cluster call."""


def _namespaced(kind: str) -> bool:
    r = BY_KIND.get(kind)
    return r.namespaced if r is not None else True


def build(manifest: str, release: str, namespace: str, own: bool = True) -> list[dict[str, Any]]:
    """The manifest's objects; ``own`` adds helm's ownership metadata (hooks are built without it)."""
    out = []
    for doc in split_manifests(manifest):
        doc = "\n".join(ln for ln in doc.splitlines() if not ln.startswith("# Source: "))
        try:
            obj = yaml.safe_load(doc)
        except yaml.YAMLError as e:
            raise KubeError(f"unable to build kubernetes objects from release manifest: error parsing : "
                            f"error converting YAML to JSON: yaml: {e}") from None
        if not isinstance(obj, dict):
            continue
        if obj.get("kind") not in BY_KIND:
            raise KubeError("unable to build kubernetes objects from release manifest: resource mapping not "
                            f'found for name: "{(obj.get("metadata") or {}).get("name", "")}" namespace: '
                            f'"{(obj.get("metadata") or {}).get("namespace", "")}" from "": no matches for kind '
                            f'"{obj.get("kind")}" in version "{obj.get("apiVersion")}"\n'
                            "ensure CRDs are installed first")
        if not isinstance(obj.get("metadata"), dict):
            obj["metadata"] = {}
        meta = obj["metadata"]
        if _namespaced(obj["kind"]):
            meta.setdefault("namespace", namespace)
        else:
            meta.pop("namespace", None)
        if own:
            labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else {}
            meta["labels"] = {**labels, MANAGED_BY: "Helm"}
            annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
            meta["annotations"] = {**annotations, RELEASE_NAME: release, RELEASE_NAMESPACE: namespace}
        out.append(obj)
    return out


def _key(obj: dict[str, Any]) -> tuple[str, str, str]:
    meta = obj["metadata"]
    return obj["kind"], meta.get("namespace", "") if _namespaced(obj["kind"]) else "", meta.get("name", "")


def _live(cluster: Cluster, obj: dict[str, Any]) -> dict[str, Any] | None:
    kind, ns, name = _key(obj)
    return cluster.store.get(kind, ns, name)


def _describe(obj: dict[str, Any]) -> str:
    kind, ns, name = _key(obj)
    return f'{kind} "{name}" in namespace "{ns}"' if ns else f'{kind} "{name}"'


def conflicts(cluster: Cluster, objs: list[dict[str, Any]], release: str, namespace: str) -> str | None:
    """existingResourceConflict: an object that exists without this release's ownership metadata."""
    for obj in objs:
        live = _live(cluster, obj)
        if live is None:
            continue
        meta = live["metadata"]
        labels, annotations = meta.get("labels") or {}, meta.get("annotations") or {}
        errs = []
        if labels.get(MANAGED_BY) != "Helm":
            errs.append(f'label validation error: missing key "{MANAGED_BY}": must be set to "Helm"'
                        if MANAGED_BY not in labels else
                        f'label validation error: key "{MANAGED_BY}" must equal "Helm": current value is '
                        f'"{labels[MANAGED_BY]}"')
        for key, want in ((RELEASE_NAME, release), (RELEASE_NAMESPACE, namespace)):
            if annotations.get(key) != want:
                errs.append(f'annotation validation error: missing key "{key}": must be set to "{want}"'
                            if key not in annotations else
                            f'annotation validation error: key "{key}" must equal "{want}": current value is '
                            f'"{annotations[key]}"')
        if errs:
            kind, ns, name = _key(obj)
            where = f' in namespace "{ns}"' if ns else ""
            return (f'{kind} "{name}"{where} exists and cannot be imported into the current release: invalid '
                    f"ownership metadata; {'; '.join(errs)}")
    return None


def create(cluster: Cluster, objs: list[dict[str, Any]]) -> None:
    for obj in objs:
        try:
            cluster.api.create(obj, manager=MANAGER)
        except ApiError as e:
            raise KubeError(e.message) from None


def update(cluster: Cluster, original: list[dict[str, Any]], target: list[dict[str, Any]]) -> None:
    before = {_key(o): o for o in original}
    wanted = {_key(o) for o in target}
    for obj in target:
        live = _live(cluster, obj)
        try:
            if live is None:
                cluster.api.create(obj, manager=MANAGER)
                continue
            merged = three_way_merge(live, before.get(_key(obj), {}), obj)
            merged["metadata"]["resourceVersion"] = live["metadata"]["resourceVersion"]
            cluster.api.replace(merged, manager=MANAGER)
        except ApiError as e:
            raise KubeError(f"cannot patch \"{obj['metadata'].get('name')}\" with kind {obj['kind']}: "
                            f"{e.message}") from None
    for key, obj in before.items():
        if key not in wanted and _live(cluster, obj) is not None:
            try:
                cluster.api.delete(key[0], key[1], key[2])
            except ApiError:
                pass


def kept(objs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The objects annotated ``helm.sh/resource-policy: keep``: an uninstall leaves them."""
    return [o for o in objs if str((o["metadata"].get("annotations") or {}).get(RESOURCE_POLICY, "")).lower()
            == "keep"]


def delete(cluster: Cluster, objs: list[dict[str, Any]]) -> list[str]:
    """Delete in uninstall order; the errors of objects that could not be deleted (not-found ignored)."""
    order = {k: i for i, k in enumerate(UNINSTALL_ORDER)}
    errors = []
    for obj in sorted(objs, key=lambda o: (order.get(o["kind"], len(order)), )):
        kind, ns, name = _key(obj)
        try:
            cluster.api.delete(kind, ns, name)
        except ApiError as e:
            if e.code != 404:
                errors.append(e.message)
    return errors


# -- --wait (pkg/kube/ready.go) -------------------------------------------------------------------
def _max_unavailable(dep: dict[str, Any], replicas: int) -> int:
    """deploymentutil.MaxUnavailable: a RollingUpdate's maxUnavailable (25% by default, rounded down)."""
    strategy = (dep.get("spec") or {}).get("strategy") or {}
    if strategy.get("type", "RollingUpdate") != "RollingUpdate" or replicas == 0:
        return 0
    value = (strategy.get("rollingUpdate") or {}).get("maxUnavailable", "25%")
    if isinstance(value, str) and value.endswith("%"):
        return int(replicas * int(value[:-1]) / 100)
    return min(int(value), replicas)


def is_ready(obj: dict[str, Any] | None) -> bool:
    """ReadyChecker.IsReady for what kubeplay's charts create (others count as ready)."""
    if obj is None:
        return False
    kind, spec, status = obj["kind"], obj.get("spec") or {}, obj.get("status") or {}
    if kind == "Pod":
        return any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
    if kind == "Deployment":
        if status.get("observedGeneration") != obj["metadata"].get("generation"):
            return False
        replicas = spec.get("replicas", 1)
        expected = replicas - _max_unavailable(obj, replicas)
        return status.get("updatedReplicas", 0) >= expected and status.get("readyReplicas", 0) >= expected
    if kind == "StatefulSet":
        return status.get("readyReplicas", 0) >= spec.get("replicas", 1)
    if kind == "DaemonSet":
        return status.get("numberReady", 0) >= status.get("desiredNumberScheduled", 0)
    if kind == "PersistentVolumeClaim":
        return status.get("phase") == "Bound"
    if kind == "Service":
        if spec.get("type") == "ExternalName":
            return True
        if not spec.get("clusterIP"):
            return False
        if spec.get("type") == "LoadBalancer" and not spec.get("externalIPs"):
            return bool((status.get("loadBalancer") or {}).get("ingress"))
    return True


def wait(cluster: Cluster, objs: list[dict[str, Any]], timeout: float) -> bool:
    """``--wait``: poll every 2 s of virtual time (wait.go's interval) until every object is ready or
    ``timeout`` passes; whether they became ready."""
    deadline = cluster.clock.now() + timeout
    while True:
        if all(is_ready(_live(cluster, o)) for o in objs):
            return True
        if cluster.clock.now() + 2 > deadline:
            cluster.advance(max(0.0, deadline - cluster.clock.now()))
            return False
        cluster.advance(2)


def ensure_namespace(cluster: Cluster, namespace: str) -> None:
    """``--create-namespace``: the namespace with helm's ``name`` label (AlreadyExists is fine)."""
    if cluster.store.peek("Namespace", "", namespace) is not None:
        return
    try:
        cluster.api.create({"apiVersion": "v1", "kind": "Namespace",
                            "metadata": {"name": namespace, "labels": {"name": namespace}}}, manager=MANAGER)
    except ApiError as e:
        if e.code != 409:
            raise KubeError(e.message) from None


def delete_and_wait(cluster: Cluster, objs: list[dict[str, Any]], timeout: float) -> None:
    """deleteHookByPolicy: delete, then wait (on the virtual clock) until they are gone."""
    delete(cluster, objs)
    deadline = cluster.clock.now() + timeout
    cluster.run_until(deadline, lambda: all(_live(cluster, o) is None for o in objs))


def run_to_completion(cluster: Cluster, obj: dict[str, Any], timeout: float) -> str:
    """watchUntilReady for a hook Pod (or Job): the clock runs until it succeeds or fails; its phase
    (``Succeeded``, ``Failed``) or ``""`` when the timeout passed first."""
    deadline = cluster.clock.now() + timeout

    def phase() -> str:
        live = _live(cluster, obj)
        if live is None:
            return ""
        if obj["kind"] == "Job":
            for c in (live.get("status") or {}).get("conditions") or []:
                if c.get("status") == "True" and c.get("type") in ("Complete", "Failed"):
                    return "Succeeded" if c["type"] == "Complete" else "Failed"
            return ""
        if obj["kind"] != "Pod":
            return "Succeeded"
        p = (live.get("status") or {}).get("phase", "")
        return p if p in ("Succeeded", "Failed") else ""

    cluster.run_until(deadline, lambda: phase() != "")
    return phase()
