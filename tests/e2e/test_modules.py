"""The page's pure ES modules (store.js, layout.js, podstyle.js, tooltip.js, editor.js's helpers), tested with
node's built-in test runner: fast, no browser. Node is what `make install` builds the page with. Also the
terminal's handling of `stream` messages (terminal.test.mjs, the few DOM pieces it touches faked)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_front_end_modules() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    assert (ROOT / "node_modules" / "codemirror").is_dir(), "run `make install` (npm ci) first"
    proc = subprocess.run([node, "--test", str(HERE / "modules.test.mjs")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout and "# pass 13" in proc.stdout, proc.stdout


def test_the_terminal_prints_only_its_own_streams() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--test", str(HERE / "terminal.test.mjs")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "# fail 0" in proc.stdout and "# pass 1" in proc.stdout, proc.stdout
