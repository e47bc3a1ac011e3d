"""The page's pure modules are tested with node's built-in test runner (``tests/**/*.test.mjs``);
``run_node_tests`` runs one such file from the repository root for pytest, so ``make test`` runs them all."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_node_tests(path: Path, at_least: int, timeout: float = 120) -> None:
    """Every test ``path`` makes passes, and it makes at least ``at_least`` (a file that made none,
    or lost some, would otherwise pass)."""
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--test", str(path)], cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    counts = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", proc.stdout, re.M))
    assert int(counts.get("tests", 0)) >= at_least, proc.stdout
    assert counts.get("pass") == counts["tests"] and counts.get("fail") == "0", proc.stdout
