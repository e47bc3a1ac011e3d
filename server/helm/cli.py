"""The ``helm`` program (placeholder while the CLI is written)."""

from __future__ import annotations

from typing import Any

from ..shell.fmt import Out


def helm(cluster: Any, args: list[str], stdin: str, *, fs: Any, env: dict[str, str], cwd: str) -> Out:
    return Out(stderr="Error: unknown command\n", code=1)
