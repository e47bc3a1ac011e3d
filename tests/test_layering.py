"""The layering rule of architecture.md: data flows one way.

The simulation core imports nothing from the web layer or Flask, and the kubectl engine nothing
from the web layer; checked on the source's import statements (what import-linter would do).
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "server"


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                # resolve the relative import against the file's package
                pkg = path.relative_to(ROOT.parent).with_suffix("").parts[:-node.level]
                base = ".".join((*pkg, base)) if base else ".".join(pkg)
            names.add(base)
    return names


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for mod in imported_modules(path):
            if mod.split(".")[0] in forbidden or any(mod.startswith(f + ".") or mod == f for f in forbidden):
                out.append(f"{path.relative_to(ROOT.parent)} imports {mod}")
    return out


def test_sim_imports_no_web_code():
    assert offenders("sim", ("flask", "flask_socketio", "eventlet", "server.web", "server.kubectl")) == []


def test_kubectl_imports_no_web_code():
    assert offenders("kubectl", ("flask", "flask_socketio", "eventlet", "server.web")) == []


def test_the_checker_sees_relative_imports(tmp_path):
    # guard against a checker that cannot fail: a relative import is resolved to its full name
    mods = imported_modules(ROOT / "sim" / "cluster.py")
    assert "server.sim.api" in mods
