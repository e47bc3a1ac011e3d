"""Ephemeral containers: the ``pods/ephemeralcontainers`` subresource and the kubelet starting them.

Owns: ``update_ephemeral_containers(api, namespace, name, containers)`` — the apiserver's
ephemeralcontainers strategy (only ``spec.ephemeralContainers`` changes, existing ones may not be
changed or removed, names unique across the pod's containers, a completed pod refuses them) — and
``EphemeralContainerController``, the part of a kubelet that starts a new ephemeral container in a
running pod (image pulled or present, created, started, the kubelet's events) and reports it in
``status.ephemeralContainerStatuses``. Ephemeral containers are never restarted and never count for
readiness (k8s.io/kubernetes pkg/kubelet/kuberuntime computePodActions: ``EphemeralContainersToStart``).

Mirrors: k8s.io/kubernetes pkg/registry/core/pod/strategy.go (podEphemeralContainersStrategy) and
pkg/apis/core/validation ValidatePodEphemeralContainersUpdate.

Hands off: everything else of the pod's lifecycle to ``kubelet.KubeletController``, which keeps the
status fields it does not own (``status = dict(old)``), so the two writers never undo each other.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import ApiError, not_found
from .controllers import Controller
from .registry import normalize
from .resources import BY_KIND
from .store import Key, Obj, WatchEvent, deep_copy

if TYPE_CHECKING:
    from .api import Api

#: seconds from the write to the container running: image check, create, start
CHECK_DELAY, CREATE_DELAY, START_DELAY = 0.4, 0.3, 0.3


def _invalid(name: str, causes: list[str]) -> ApiError:
    detail = causes[0] if len(causes) == 1 else "[" + ", ".join(causes) + "]"
    return ApiError(422, "Invalid", f'Pod "{name}" is invalid: {detail}')


def update_ephemeral_containers(api: Api, namespace: str, name: str, containers: list[Obj]) -> Obj:
    """``PUT /api/v1/namespaces/NS/pods/NAME/ephemeralcontainers`` with the pod's new list."""
    pod = api.store.get("Pod", namespace, name)
    if pod is None:
        raise not_found(BY_KIND["Pod"], name)
    spec = pod.get("spec") or {}
    old = spec.get("ephemeralContainers") or []
    causes: list[str] = []
    # ValidatePodEphemeralContainersUpdate matches the old ones by name (a patch may reorder them)
    by_name = {c.get("name"): (i, c) for i, c in enumerate(containers)}
    for prev in old:
        found = by_name.get(prev.get("name"))
        if found is None:
            causes.append("spec.ephemeralContainers: Forbidden: existing ephemeral containers "
                          f'"{prev.get("name")}" may not be removed')
        elif _defaulted(found[1]) != prev:
            causes.append(f"spec.ephemeralContainers[{found[0]}]: Forbidden: existing ephemeral containers "
                          f'"{prev.get("name")}" may not be changed')
    taken = {c.get("name") for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]}
    seen: set[str] = set()
    for i, c in enumerate(containers):
        cname = c.get("name") or ""
        if not cname:
            causes.append(f"spec.ephemeralContainers[{i}].name: Required value")
        elif cname in taken or cname in seen:
            causes.append(f'spec.ephemeralContainers[{i}].name: Duplicate value: "{cname}"')
        if not c.get("image"):
            causes.append(f"spec.ephemeralContainers[{i}].image: Required value")
        target = c.get("targetContainerName")
        if target and target not in {x.get("name") for x in spec.get("containers") or []}:
            causes.append(f"spec.ephemeralContainers[{i}].targetContainerName: Not found: \"{target}\"")
        seen.add(cname)
    if causes:
        raise _invalid(name, causes)
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        raise ApiError(403, "Forbidden", f'cannot add ephemeral containers to a completed pod "{name}"')
    new = [_defaulted(c) for c in containers]
    pod["spec"]["ephemeralContainers"] = new
    return api.update_status(pod)


def _defaulted(c: Obj) -> Obj:
    """The apiserver's defaults for an ephemeral container (SetDefaults_EphemeralContainer)."""
    out = deep_copy(c)
    image = str(out.get("image") or "")
    if not out.get("imagePullPolicy"):
        tag = image.rpartition(":")[2] if ":" in image.rpartition("/")[2] else ""
        out["imagePullPolicy"] = "Always" if (not tag or tag == "latest") and "@" not in image else "IfNotPresent"
    out.setdefault("resources", {})
    out.setdefault("terminationMessagePath", "/dev/termination-log")
    out.setdefault("terminationMessagePolicy", "File")
    return out


def ephemeral_status(pod: Obj, name: str) -> dict[str, Any]:
    for cs in (pod.get("status") or {}).get("ephemeralContainerStatuses") or []:
        if cs.get("name") == name:
            return cs
    return {}


class EphemeralContainerController(Controller):
    """Starts each new ephemeral container of a running pod once, on the pod's node."""

    name = "ephemeral-containers"
    watches = ("Pod",)

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        #: (pod uid, container) already handed to the runtime
        self._started: set[tuple[str, str]] = set()

    def start(self) -> None:
        for pod in self.store.scan("Pod", where=lambda p: bool((p.get("spec") or {}).get("ephemeralContainers"))):
            self.enqueue(("Pod", pod["metadata"]["namespace"], pod["metadata"]["name"]))

    def reconcile(self, key: Key) -> None:
        pod = self.store.peek(*key)
        if pod is None:
            return
        spec, status = pod.get("spec") or {}, pod.get("status") or {}
        if status.get("phase") != "Running" or pod["metadata"].get("deletionTimestamp"):
            return
        uid = pod["metadata"].get("uid", "")
        reported = {cs.get("name") for cs in status.get("ephemeralContainerStatuses") or []}
        for c in spec.get("ephemeralContainers") or []:
            if c["name"] in reported or (uid, c["name"]) in self._started:
                continue
            self._started.add((uid, c["name"]))
            self._start(key, uid, c)

    def _event(self, key: Key, uid: str, type_: str, reason: str, message: str) -> None:
        pod = self.store.peek(*key)
        if pod is None or pod["metadata"].get("uid") != uid:
            return
        self.recorder.event(pod, type_, reason, message, "kubelet", (pod.get("spec") or {}).get("nodeName", ""))

    def _start(self, key: Key, uid: str, c: Obj) -> None:
        image = str(c.get("image") or "")
        node = ((self.store.peek(*key) or {}).get("spec") or {}).get("nodeName", "")
        machine = getattr(self.cluster, "machines", {}).get(node)
        present = machine is not None and (normalize(image) in machine.images or image in machine.images)
        pull = c.get("imagePullPolicy") == "Always" or not present
        resolved = self.cluster.registry.resolve(image)

        def pulled() -> None:
            if resolved is None:
                self._event(key, uid, "Warning", "Failed", f'Failed to pull image "{image}": '
                            f"{self.cluster.registry.pull_error(image)}")
                self._write(key, uid, c, {"waiting": {"reason": "ErrImagePull",
                                                      "message": self.cluster.registry.pull_error(image)}})
                return
            if pull:
                if machine is not None:
                    machine.images.add(normalize(image))
                self._event(key, uid, "Normal", "Pulled", f'Successfully pulled image "{image}" in 1.2s '
                            f"(1.2s including waiting). Image size: {resolved.size} bytes.")
            else:
                self._event(key, uid, "Normal", "Pulled", f'Container image "{image}" already present on machine')
            self.clock.call_at(self.clock.now() + CREATE_DELAY, created)

        def created() -> None:
            self._event(key, uid, "Normal", "Created", f"Created container {c['name']}")
            self.clock.call_at(self.clock.now() + START_DELAY, started)

        def started() -> None:
            pod = self.store.peek(*key)
            if pod is None or pod["metadata"].get("uid") != uid:
                return
            self.cluster.runtime.start(uid, c["name"], env={}, now=self.clock.now())
            self._event(key, uid, "Normal", "Started", f"Started container {c['name']}")
            self._write(key, uid, c, {"running": {"startedAt": self.clock.iso()}})

        if pull:
            self._event(key, uid, "Normal", "Pulling", f'Pulling image "{image}"')
        self.clock.call_at(self.clock.now() + (1.2 if pull else CHECK_DELAY), pulled)

    def _write(self, key: Key, uid: str, c: Obj, state: dict) -> None:
        pod = self.store.get(*key)
        if pod is None or pod["metadata"].get("uid") != uid:
            return
        image = str(c.get("image") or "")
        cs: dict[str, Any] = {"image": normalize(image) if image else "", "imageID": "", "lastState": {},
                              "name": c["name"], "ready": False, "restartCount": 0, "state": state}
        if "running" in state:
            digest = self.cluster.registry.resolve(image)
            cs["containerID"] = "containerd://" + "".join(f"{self.clock.rng.getrandbits(32):08x}" for _ in range(8))
            cs["imageID"] = getattr(digest, "image_id", "") or ""
        status = pod.setdefault("status", {})
        statuses = [s for s in status.get("ephemeralContainerStatuses") or [] if s.get("name") != c["name"]]
        status["ephemeralContainerStatuses"] = [*statuses, cs]
        self.store.update(pod)

    def on_event(self, event: WatchEvent) -> None:
        self.enqueue(event.key)
