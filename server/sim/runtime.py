"""The container runtime's view of running containers: what is not in the API objects.

Owns: per container instance (keyed by pod uid and container name), the environment it was
started with (env/envFrom resolved, the service links of the moment it started, HOSTNAME, …),
its log lines (what ``kubectl logs`` prints: the app's own output and the access-log lines of the
requests it served), and the files mounted into it (ConfigMap/Secret volumes, once they exist).

Hands off: the kubelet calls ``start`` when it starts a container (a restart keeps the previous
instance's logs for ``kubectl logs --previous``); network/apps append log lines; kubectl and the
pod shells read. Everything here is rebuilt by replaying a sandbox's operations, so it is not
persisted on its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: lines kept per container instance (the kubelet rotates container logs at 10 MiB)
MAX_LOG_LINES = 5000


@dataclass
class Instance:
    env: dict[str, str] = field(default_factory=dict)
    logs: list[str] = field(default_factory=list)
    #: when each line was written (virtual epoch seconds), parallel to ``logs``
    times: list[float] = field(default_factory=list)
    files: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0


class Runtime:
    def __init__(self) -> None:
        # pod uid -> container name -> instance (by pod, so a pod's removal costs its own size)
        self._current: dict[str, dict[str, Instance]] = {}
        self._previous: dict[str, dict[str, Instance]] = {}

    def start(self, pod_uid: str, container: str, *, env: dict[str, str] | None = None,
              files: dict[str, str] | None = None, now: float = 0.0) -> Instance:
        current = self._current.setdefault(pod_uid, {})
        if container in current:
            self._previous.setdefault(pod_uid, {})[container] = current[container]
        inst = Instance(env=dict(env or {}), files=dict(files or {}), started_at=now)
        current[container] = inst
        return inst

    def get(self, pod_uid: str, container: str, previous: bool = False) -> Instance | None:
        return (self._previous if previous else self._current).get(pod_uid, {}).get(container)

    def log(self, pod_uid: str, container: str, line: str, now: float) -> None:
        inst = self.get(pod_uid, container)
        if inst is None:
            inst = self.start(pod_uid, container, now=now)
        inst.logs.append(line)
        inst.times.append(now)
        if len(inst.logs) > MAX_LOG_LINES:
            del inst.logs[: len(inst.logs) - MAX_LOG_LINES]
            del inst.times[: len(inst.times) - MAX_LOG_LINES]

    def forget(self, pod_uid: str) -> None:
        """The pod is gone: its containers' state goes with it."""
        self._current.pop(pod_uid, None)
        self._previous.pop(pod_uid, None)
