"""Defaulting, as the apiserver's SetDefaults_* functions do it for v1.32.

Owns: filling in every field the real apiserver fills (strategy 25%/25%, revisionHistoryLimit 10,
progressDeadlineSeconds 600, restartPolicy Always, terminationGracePeriodSeconds 30,
imagePullPolicy from the tag, protocol TCP, …) so that ``-o yaml`` looks like the real thing and
pod-template hashes are computed over defaulted templates.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .store import Obj

if TYPE_CHECKING:
    from .api import Api


def apply(obj: Obj, api: Api) -> None:
    """Default ``obj`` in place. (Filled in by the admission work.)"""
