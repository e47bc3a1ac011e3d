"""Helpers for the text tools' comparison tests: run one command line through the real tool on this
machine (in a temporary directory holding ``files``) and through kubeplay's program (over a sim
FileSystem holding the same files, cwd ``/w``), each giving (stdout, stderr, exit status)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from server.sim import sh
from server.sim.fs import FileSystem, Tree


def ours(program, argv: list[str], stdin: str = "", files: dict[str, str] | None = None,
         fs: FileSystem | None = None) -> tuple[str, str, int]:
    if fs is None:
        fs = FileSystem(Tree())
        fs.mkdir("/w", parents=True)
    for name, text in (files or {}).items():
        fs.write("/w/" + name, text)
    ctx = sh.ShContext(env={"HOME": "/w", "PATH": "/usr/bin:/bin"}, cwd="/w", fs=fs, dialect="bash")
    out: list[str] = []
    err: list[str] = []
    result = program(ctx, argv, sh.Streams(stdin, out.append, err.append))
    if hasattr(result, "send"):
        result = sh.drive(result)
    return "".join(out), "".join(err), int(result or 0)


def real(argv: list[str], stdin: str = "", files: dict[str, str] | None = None,
         tmp: Path | None = None) -> tuple[str, str, int]:
    assert tmp is not None
    for name, text in (files or {}).items():
        (tmp / name).write_text(text)
    p = subprocess.run(argv, input=stdin, capture_output=True, text=True, cwd=tmp, timeout=30)
    return p.stdout, p.stderr, p.returncode


def have(tool: str) -> bool:
    return shutil.which(tool) is not None
