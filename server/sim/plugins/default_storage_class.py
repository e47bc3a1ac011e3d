"""The default_storage_class admission plugin (to be written: see plugins/__init__.py)."""

from __future__ import annotations

from typing import Any


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    return None
