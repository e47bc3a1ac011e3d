"""rollout.js's and nodefail.js's pure parts (rollout cards, chart points, node countdowns), tested
with node's built-in test runner: fast, no browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_rollout_and_node_failure_modules() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--test", str(HERE / "rollout_nodefail.test.mjs")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout and "# pass 6" in proc.stdout, proc.stdout
