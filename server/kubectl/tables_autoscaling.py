"""The table columns and rows of the autoscaling kinds (HorizontalPodAutoscaler), as the apiserver's printers
(pkg/printers/internalversion/printers.go) build them; merged into ``printers.TABLES``."""

from __future__ import annotations

from typing import Any

#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {}
