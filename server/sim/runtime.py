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
    files: dict[str, str] = field(default_factory=dict)
    started_at: float = 0.0


class Runtime:
    def __init__(self) -> None:
        self._current: dict[tuple[str, str], Instance] = {}
        self._previous: dict[tuple[str, str], Instance] = {}

    def start(self, pod_uid: str, container: str, *, env: dict[str, str] | None = None,
              files: dict[str, str] | None = None, now: float = 0.0) -> Instance:
        key = (pod_uid, container)
        if key in self._current:
            self._previous[key] = self._current[key]
        inst = Instance(env=dict(env or {}), files=dict(files or {}), started_at=now)
        self._current[key] = inst
        return inst

    def get(self, pod_uid: str, container: str, previous: bool = False) -> Instance | None:
        return (self._previous if previous else self._current).get((pod_uid, container))

    def log(self, pod_uid: str, container: str, line: str) -> None:
        inst = self._current.get((pod_uid, container))
        if inst is None:
            inst = self.start(pod_uid, container)
        inst.logs.append(line)
        if len(inst.logs) > MAX_LOG_LINES:
            del inst.logs[: len(inst.logs) - MAX_LOG_LINES]

    def forget(self, pod_uid: str) -> None:
        """The pod is gone: its containers' state goes with it."""
        for store in (self._current, self._previous):
            for key in [k for k in store if k[0] == pod_uid]:
                del store[key]
