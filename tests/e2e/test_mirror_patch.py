"""The mirror's merge patches and sliced batches (static/src/store.js), tested with node's built-in test
runner (mirror_patch.test.mjs): pure code, no browser."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_the_mirror_applies_patches_and_big_batches_in_slices() -> None:
    node = shutil.which("node")
    assert node, "node is needed to build and test the page (make install)"
    proc = subprocess.run([node, "--test", str(HERE / "mirror_patch.test.mjs")], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    tests = (HERE / "mirror_patch.test.mjs").read_text().count("\ntest(")  # every test in the file ran and passed
    assert "# fail 0" in proc.stdout and f"# pass {tests}\n" in proc.stdout, proc.stdout
