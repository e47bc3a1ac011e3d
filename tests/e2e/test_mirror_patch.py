"""The mirror's merge patches and sliced batches (static/src/store.js), tested with node's built-in test
runner (mirror_patch.test.mjs): pure code, no browser."""

from __future__ import annotations

from pathlib import Path

from tests.nodetests import run_node_tests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_the_mirror_applies_patches_and_big_batches_in_slices() -> None:
    run_node_tests(HERE / "mirror_patch.test.mjs", 7)
