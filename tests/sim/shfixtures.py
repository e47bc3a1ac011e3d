"""Helpers for the shell tests: a small in-memory filesystem with sim/fs.py's interface, a ``cat``
program over it, and ``sh(...)`` that runs a script through server.sim.sh and returns what a
terminal would show."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass

from server.sim import sh

SHELLS = {"busybox": ("/usr/bin/busybox", "sh"), "dash": ("/usr/bin/dash", "sh"), "bash": ("/usr/bin/bash", "bash")}


class FsError(Exception):
    def __init__(self, errno_name: str, path: str) -> None:
        super().__init__(errno_name, path)
        self.errno_name = errno_name
        self.path = path

    def __str__(self) -> str:
        return {"ENOENT": "No such file or directory", "EISDIR": "Is a directory",
                "ENOTDIR": "Not a directory"}[self.errno_name]


@dataclass
class Stat:
    kind: str
    mode: int
    size: int
    mtime: float = 0.0
    target: str | None = None


class MemFS:
    def __init__(self, files: dict[str, str] | None = None) -> None:
        self.files: dict[str, bytes] = {}
        self.dirs = {"/"}
        for path, text in (files or {}).items():
            self.write(path, text.encode(), parents=True)

    def _parent(self, path: str) -> str:
        return path.rsplit("/", 1)[0] or "/"

    def write(self, path: str, data: bytes, append: bool = False, mode: int | None = None,
              parents: bool = False) -> None:
        if path in self.dirs:
            raise FsError("EISDIR", path)
        parent = self._parent(path)
        if parents:
            self.mkdir(parent, parents=True)
        elif parent not in self.dirs:
            raise FsError("ENOENT", path)
        self.files[path] = (self.files.get(path, b"") if append else b"") + bytes(data)

    def read(self, path: str) -> bytes:
        if path in self.dirs:
            raise FsError("EISDIR", path)
        if path not in self.files:
            raise FsError("ENOENT", path)
        return self.files[path]

    def mkdir(self, path: str, parents: bool = False) -> None:
        if path in self.dirs:
            return
        parent = self._parent(path)
        if parent not in self.dirs:
            if not parents:
                raise FsError("ENOENT", path)
            self.mkdir(parent, parents=True)
        self.dirs.add(path)

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.dirs

    def isdir(self, path: str) -> bool:
        return path in self.dirs

    def isfile(self, path: str) -> bool:
        return path in self.files

    def islink(self, path: str) -> bool:
        return False

    def listdir(self, path: str) -> list[str]:
        if path not in self.dirs:
            raise FsError("ENOENT" if path not in self.files else "ENOTDIR", path)
        prefix = path.rstrip("/") + "/"
        return sorted({p[len(prefix):].split("/", 1)[0] for p in (*self.files, *self.dirs)
                       if p.startswith(prefix) and p != path})

    def stat(self, path: str) -> Stat:
        if path in self.dirs:
            return Stat("dir", 0o755, 4096)
        if path in self.files:
            return Stat("file", 0o644, len(self.files[path]))
        raise FsError("ENOENT", path)


def cat(ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
    if len(argv) == 1:
        io.out(io.read())
        return 0
    status = 0
    for name in argv[1:]:
        try:
            io.out(ctx.fs.read(ctx.resolve(name)).decode())
        except FsError as e:
            io.err(f"cat: {name}: {e}\n")  # GNU cat, as on the machine the real shells run on
            status = 1
    return status


def tr(ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
    table = str.maketrans(argv[1], argv[2][:len(argv[1])].ljust(len(argv[1]), argv[2][-1:]))
    io.out(io.read().translate(table))
    return 0


PROGRAMS = {"cat": cat, "tr": tr}


def sh_run(script: str, dialect: str = "busybox", *, fs: MemFS | None = None, stdin: str = "",
           env: dict[str, str] | None = None, args: list[str] | None = None) -> tuple[str, int, list[float]]:
    """(stdout and stderr interleaved as a terminal shows them, status, the sleeps yielded)."""
    out: list[str] = []
    sleeps: list[float] = []
    if fs is None:
        fs = MemFS({"/w/.keep": "", "/tmp/.keep": ""})
    ctx = sh.ShContext(env=dict(env or {"PATH": "/usr/bin:/bin", "HOME": "/root"}), cwd="/w", fs=fs,
                       lookup=PROGRAMS.get, dialect=dialect, argv0=SHELLS[dialect][1], args=list(args or []),
                       mode="-c+" if args else "-c")
    status = sh.drive(sh.run(script, ctx, sh.Streams(stdin, out.append, out.append)),
                      lambda s: sleeps.append(s.seconds))
    return "".join(out), status, sleeps


def real_run(script: str, dialect: str, tmp_path, stdin: str = "", args: list[str] | None = None) -> tuple[str, int]:
    """The real shell's answer (in ``tmp_path``), or None when that shell is not installed."""
    exe, argv0 = SHELLS[dialect]
    if shutil.which(exe) is None:
        return None  # type: ignore[return-value]
    p = subprocess.run([argv0, "-c", script, *([argv0, *args] if args else [])], executable=exe, cwd=tmp_path, input=stdin,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=20,
                       env={"PATH": "/usr/bin:/bin", "HOME": "/root"})
    return p.stdout, p.returncode
