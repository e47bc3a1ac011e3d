"""The page's pure ES modules (store.js, layout.js, podstyle.js, tooltip.js, editor.js's helpers), tested with
node's built-in test runner: fast, no browser. Node is what `make install` builds the page with. Also the
terminal's handling of `stream` messages (terminal.test.mjs, the few DOM pieces it touches faked)."""

from __future__ import annotations

from pathlib import Path

from tests.nodetests import run_node_tests

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]


def test_front_end_modules() -> None:
    assert (ROOT / "node_modules" / "codemirror").is_dir(), "run `make install` (npm ci) first"
    run_node_tests(HERE / "modules.test.mjs", 13)


def test_the_terminal_prints_only_its_own_streams() -> None:
    run_node_tests(HERE / "terminal.test.mjs", 1)
