"""An add-on (server/sim/addons.py), to be written."""

from __future__ import annotations

from typing import Any


def enabled(cluster: Any) -> bool:
    return False


def enable(cluster: Any) -> None:
    raise NotImplementedError


def disable(cluster: Any) -> None:
    return None
