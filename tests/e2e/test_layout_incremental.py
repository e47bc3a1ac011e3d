"""A layout made from the last one (static/src/layout.js lends the records of what did not change) is
the layout made afresh, through seeded sequences of random batches: layout_incremental.test.mjs
under node's built-in test runner (pure code, no browser)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_an_incremental_layout_is_the_full_one() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--test", str(HERE / "layout_incremental.test.mjs")], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # (the file makes one test per seed: every one it made ran and passed)
    counts = dict(re.findall(r"^# (tests|pass|fail) (\d+)$", proc.stdout, re.M))
    assert int(counts.get("tests", 0)) >= 6 and counts.get("pass") == counts["tests"] and counts.get("fail") == "0", \
        proc.stdout
