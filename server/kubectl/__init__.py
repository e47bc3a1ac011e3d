"""kubectl as a library: a command line (and stdin) in, kubectl's output and exit code out.

Owns: nothing of the cluster. It parses (``parse``), calls the simulated API (``cluster.api``,
``cluster.store``), and renders with pure functions (``printers``). Each verb family is a module
in ``verbs/`` that registers its commands with ``@command``.
"""

from __future__ import annotations

from .parse import Result, run

__all__ = ["Result", "run"]
