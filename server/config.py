"""The server's limits, in one place: what one client, one sandbox and the whole server may use.

Owns: ``Limits`` (a frozen dataclass, one field per limit, each with its documented default) and
``Limits.from_env(environ)``, which reads ``KUBEPLAY_<FIELD>`` variables (``KUBEPLAY_MAX_SANDBOXES=200``;
``0`` switches a limit off). README.md's "Limits" table lists the same names and defaults; ``ENV`` is
the one list both come from (``tests/web/test_limits.py`` checks the README against it).

Who enforces what (each refusal is a 429 with a message naming the limit, and changes nothing):
- ``max_sandboxes`` / ``max_sandboxes_per_client`` (per ``sandbox_window``): ``server.sandbox.Sandboxes``
  when it creates, forks or imports a sandbox (``SandboxLimit``); the web layer answers 429.
- ``rate`` / ``burst``: ``server.web.hygiene.RateLimiter``, a token bucket per client address (the
  address Werkzeug's ``ProxyFix`` resolves when ``trusted_proxies`` > 0), 429 with ``Retry-After``.
- ``max_journal_ops``: the web layer, before a write reaches a sandbox whose journal is full.
- ``max_objects`` / ``max_pods``: what one sandbox's store may hold (the simulated apiserver's own
  limit, refused as a ResourceQuota refuses: 403 Forbidden).
- ``idle_unload``: not a refusal: ``Sandboxes.unload_idle`` (the web layer calls it every so often)
  drops the sandboxes unused that long from memory, so they no longer count in ``max_sandboxes``.

Hands off: nothing here reads the wall clock or touches a sandbox; ``server.web.create_app`` puts the
``Limits`` it is given (or ``from_env()``) in ``app.config["LIMITS"]``.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Limits:
    #: sandboxes one server holds in memory (new ones are refused past it; loading a kept one never is)
    max_sandboxes: int = 1000
    #: sandboxes one client (remote address) may create (or fork, or import) per ``sandbox_window``:
    #: a classroom behind one address is 30 learners opening a few tabs each
    max_sandboxes_per_client: int = 300
    #: seconds over which ``max_sandboxes_per_client`` counts
    sandbox_window: float = 3600.0
    #: requests per second one client may make to ``/api`` and ``/k8s`` (the bucket's refill rate):
    #: kubectl's own client-side limit is 50 qps with a burst of 300, so one kubectl never meets ours
    rate: float = 50.0
    #: requests a client may make at once before ``rate`` applies
    burst: int = 300
    #: objects one sandbox's store may hold (Events and Leases included)
    max_objects: int = 200_000
    #: pods one sandbox may hold (the Kubernetes scalability envelope: 150,000 pods per cluster)
    max_pods: int = 150_000
    #: operations one sandbox's journal may hold (consecutive clock moves are one)
    max_journal_ops: int = 100_000
    #: reverse proxies in front of the server whose ``X-Forwarded-For`` is trusted (Werkzeug's ProxyFix)
    trusted_proxies: int = 0
    #: seconds after its last request at which a sandbox no page or watch follows is unloaded from
    #: memory (rebuilt from its journal on its next request)
    idle_unload: float = 3600.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Limits:
        """The limits ``KUBEPLAY_<FIELD>`` variables set, the defaults for the rest; ValueError naming
        the variable for a value that is no number, or a negative one."""
        env = os.environ if environ is None else environ
        values: dict[str, int | float] = {}
        for f in fields(cls):
            name = env_name(f.name)
            text = env.get(name)
            if text is None or not text.strip():
                continue
            try:
                value = float(text) if f.type == "float" else int(text)
            except ValueError:
                raise ValueError(f"{name}={text!r}: must be a {'number' if f.type == 'float' else 'whole number'}") \
                    from None
            if value < 0:
                raise ValueError(f"{name}={text!r}: must be 0 (no limit) or more")
            values[f.name] = value
        return replace(cls(), **values)


#: the cyclic garbage collector's thresholds for a server process (``gc.set_threshold``, after a
#: ``gc.freeze()`` of start-up's objects): a sandbox allocates millions of small acyclic dicts, and
#: with Python's defaults (700, 10, 10) the full passes over them were a quarter of a pod's cost
GC_THRESHOLDS = (50_000, 20, 20)


def env_name(field: str) -> str:
    return "KUBEPLAY_" + field.upper()


#: (variable, default) for every limit, in the dataclass's order: what README.md's table lists
ENV: tuple[tuple[str, int | float], ...] = tuple((env_name(f.name), f.default) for f in fields(Limits))  # type: ignore[misc]
