"""rollout.js's and nodefail.js's pure parts (rollout cards, chart points, node countdowns), tested
with node's built-in test runner: fast, no browser."""

from __future__ import annotations

from pathlib import Path

from tests.nodetests import run_node_tests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_rollout_and_node_failure_modules() -> None:
    run_node_tests(HERE / "rollout_nodefail.test.mjs", 6)
