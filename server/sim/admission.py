"""Admission: turning manifest text into objects and refusing bad ones with the apiserver's words.

Owns: YAML parsing (safe loader, alias-bomb and size limits), the removed-API-version check
("no matches for kind"), strict schema validation against the pydantic models of v1.32
(unknown fields, wrong types, missing required fields), semantic validation (DNS-1123 names,
selector vs template labels, …) and the mutating admission plugins (DefaultTolerationSeconds).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .store import Obj

if TYPE_CHECKING:
    from .api import Api


def validate(obj: Obj) -> None:
    """Schema check of a raw manifest; raises ApiError. (Filled in by the admission work.)"""


def validate_semantics(obj: Obj, api: Api) -> None:
    """Checks that need defaults applied or the store (names, selectors, immutable fields)."""


def on_create(obj: Obj, api: Api) -> None:
    """Mutating admission on create (e.g. DefaultTolerationSeconds for pods)."""


def on_update(old: Obj, new: Obj, api: Api) -> None:
    """Update-time checks (immutable fields such as a Deployment's selector)."""
