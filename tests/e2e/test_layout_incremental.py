"""A layout made from the last one (static/src/layout.js lends the records of what did not change) is
the layout made afresh, through seeded sequences of random batches: layout_incremental.test.mjs
under node's built-in test runner (pure code, no browser)."""

from __future__ import annotations

from pathlib import Path

from tests.nodetests import run_node_tests

HERE = Path(__file__).resolve().parent


def test_an_incremental_layout_is_the_full_one() -> None:
    run_node_tests(HERE / "layout_incremental.test.mjs", 6, timeout=300)  # (one test per seed)
