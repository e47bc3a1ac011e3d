"""Field validation of the policy kinds (LimitRange, ResourceQuota, PriorityClass), in the apiserver's words
(pkg/apis/.../validation). Each validator is ``fn(errs, obj, resource)``, as in admission.py."""

from __future__ import annotations

from typing import Any

#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {}
