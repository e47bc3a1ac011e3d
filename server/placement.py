"""Which worker owns which sandbox, when several workers serve one journal (issue 11's scale-out).

Owns: ``Placement``, the ownership records in **Redis**. Each worker holds a lease,
``kubeplay:worker:<id>`` = its address (the URL clients reach it at), which expires ``lease``
seconds after its last renewal (a heartbeat thread renews it every third of that). A sandbox's
owner is ``kubeplay:owner:<sandbox id>`` = a worker id, and counts only while that worker's lease
lives: ``claim`` (one Lua script, so two workers can never both win) makes the caller the owner
unless another worker with a live lease owns it, and answers that worker's address then. A worker
that dies stops renewing; once its lease has expired, the next worker asked for one of its
sandboxes claims it and rebuilds it from the shared journal (PostgreSQL, ``server.persist``).

Placement by sandbox id (which worker a request reaches first) is the router's job (consistent
hashing on the id, ``deploy/nginx.conf``); a request that reaches another worker is redirected
to the owner (``server.web``).

Hands off: the journal is ``server.persist``'s, loading and unloading ``server.sandbox``'s; nothing
here reads a sandbox.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger(__name__)

WORKER_KEY = "kubeplay:worker:"
OWNER_KEY = "kubeplay:owner:"

#: KEYS[1] the owner key, ARGV[1] this worker's id, ARGV[2] the worker keys' prefix: {1, "kept"}
#: when this worker owned the sandbox already, {1, "taken"} when it takes it now (nobody owned it, or
#: its owner's lease is gone), {0, address} when a worker with a live lease owns it
CLAIM = """
local owner = redis.call('GET', KEYS[1])
if owner == ARGV[1] then return {1, 'kept'} end
if owner then
  local address = redis.call('GET', ARGV[2] .. owner)
  if address then return {0, address} end
end
redis.call('SET', KEYS[1], ARGV[1])
return {1, 'taken'}
"""

#: KEYS[1] the owner key: deleted only when this worker (ARGV[1]) holds it
RELEASE = """
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class Placement:
    """This worker's lease and its claims on sandboxes, in the Redis at ``url``."""

    def __init__(self, url: str, worker: str, address: str, *, lease: float = 10.0) -> None:
        import redis  # only a scale-out deployment needs it

        self._redis = redis.Redis.from_url(url)
        self.worker = worker
        self.address = address
        self.lease = lease
        self._claim = self._redis.register_script(CLAIM)
        self._release = self._redis.register_script(RELEASE)
        self._stopped = threading.Event()
        self._heartbeat: threading.Thread | None = None

    def start(self) -> None:
        """Take the lease now and keep renewing it from a thread of its own."""
        self._renew()
        self._heartbeat = threading.Thread(target=self._run, name="kubeplay-lease", daemon=True)
        self._heartbeat.start()

    def _renew(self) -> None:
        self._redis.set(WORKER_KEY + self.worker, self.address, px=int(self.lease * 1000))

    def _run(self) -> None:
        while not self._stopped.wait(self.lease / 3):
            try:
                self._renew()
            except Exception:  # noqa: BLE001 — Redis away for a moment: the next beat tries again
                log.warning("worker %s: the lease could not be renewed", self.worker, exc_info=True)

    def stop(self) -> None:
        """Give the lease up (a clean shutdown: the sandboxes move at once, not after ``lease``)."""
        self._stopped.set()
        self._redis.delete(WORKER_KEY + self.worker)

    def claim(self, sandbox_id: str) -> tuple[bool, str | None]:
        """``(taken, None)`` when this worker owns the sandbox now — ``taken`` when it did not a
        moment ago (whatever copy it held may be stale: another worker may have changed the sandbox
        meanwhile) —, else ``(False, address)`` of the live worker that owns it."""
        won, said = self._claim(keys=[OWNER_KEY + sandbox_id], args=[self.worker, WORKER_KEY])
        return (said == b"taken", None) if won else (False, said.decode())

    def release(self, sandbox_id: str) -> None:
        """This worker no longer holds the sandbox in memory: any worker may take it."""
        self._release(keys=[OWNER_KEY + sandbox_id], args=[self.worker])
