"""A terminal's shell over ``server.sim.sh``, the one interpreter every simulated process uses
(quotes, ``$VAR`` and ``${…}``, ``$((…))``, ``$(…)``, pipes, ``;``/``&&``/``||``, ``if``/``for``/
``while``/``case``, functions, redirections, here-documents, the builtins), in the words of the
shell it stands for. The workstation's ``$`` prompt (``host.HostShell``) is one; the pod shell
(``pod.PodShell``) drives sh.py itself, with the container's FileSystem and coreutils.

Owns: ``Shell``, the base of such a terminal shell: it keeps one ``ShContext``
per shell (variables, functions, the working directory and ``$?`` carry from line to line), runs
a line and returns the combined output and the last status; subclasses add their programs
(``programs()``, the older ``(args, stdin) -> Out`` signature, adapted here to sh's ``Program``)
and the text utilities every shell has (grep, head, tail, wc). Which shell's words: ``dialect``
(bash for a ``bash`` shell, busybox ash for busybox images, dash for other ``sh``).

Files: a subclass that has ``fs`` (a sim/fs.FileSystem) gets it; otherwise redirections, ``cd``,
``test -f`` and globs see ``DictFS``, a view of the shell's ``all_files()``/``directories()`` whose
writes land in ``self.files``. ``sleep`` yields virtual time to ``on_sleep`` (by default nothing
waits: the line answers at once); a line that would wait more than ``MAX_LINE_WAIT`` or loop
without sleeping past ``MAX_LINE_BUSY`` is interrupted as Ctrl-C would (``^C``, status 130), and
so is one whose output passes ``MAX_LINE_OUTPUT`` characters (what it printed past the limit is
dropped, so ``while true; do echo x; done`` answers a bounded text). ``Shell.interrupted`` says
which limit stopped the last line (``"busy"``, ``"wait"``, ``"output"``; ``"truncated"`` for a
line that ended by itself with its output cut; None), for the terminal's note.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from ..sim import sh
from .fmt import Out

Program = Callable[[list[str], str], Out]

#: virtual seconds one line may wait (``sleep``) before it is interrupted as Ctrl-C would
MAX_LINE_WAIT = 1000.0
#: ``Busy`` markers (100,000 steps each) a line may run without sleeping before it is interrupted
MAX_LINE_BUSY = 3
#: characters of output one line may print before it is interrupted (a pipe's capacity, sh.PIPE_CAP)
MAX_LINE_OUTPUT = sh.PIPE_CAP


@dataclass
class LineResult:
    output: str
    exit_code: int = 0
    exited: bool = False  # ``exit`` ended the shell


ShellExit = sh.ShellExit


class _FsError(Exception):
    _WORDS = {"ENOENT": "No such file or directory", "EISDIR": "Is a directory", "ENOTDIR": "Not a directory"}

    def __init__(self, errno_name: str, path: str) -> None:
        super().__init__(errno_name, path)
        self.errno_name = errno_name
        self.path = path

    def __str__(self) -> str:
        return self._WORDS.get(self.errno_name, self.errno_name)


@dataclass
class _Stat:
    kind: str
    mode: int
    size: int
    mtime: float = 0.0
    target: str | None = None


class DictFS:
    """The files a shell without a real filesystem knows (``all_files()`` path → text, the
    ``directories()`` it has), with sim/fs.py's interface; writes go to ``shell.files``."""

    def __init__(self, shell: Shell) -> None:
        self.shell = shell

    def _files(self) -> dict[str, str]:
        files = getattr(self.shell, "all_files", None)
        return files() if callable(files) else self.shell.files

    def _dirs(self, files: dict[str, str]) -> set[str]:
        dirs_fn = getattr(self.shell, "directories", None)
        dirs = set(dirs_fn()) if callable(dirs_fn) else {"/"}
        for path in files:
            parent = path.rsplit("/", 1)[0]
            while parent and parent not in dirs:
                dirs.add(parent)
                parent = parent.rsplit("/", 1)[0]
        dirs.add("/")
        return dirs

    def read(self, path: str) -> bytes:
        files = self._files()
        if path in files:
            return files[path].encode()
        if path in self._dirs(files):
            raise _FsError("EISDIR", path)
        raise _FsError("ENOENT", path)

    def read_text(self, path: str) -> str:
        return self.read(path).decode()

    def write(self, path: str, data: bytes | str, append: bool = False, mode: int | None = None) -> None:
        files = self._files()
        if path in self._dirs(files):
            raise _FsError("EISDIR", path)
        text = data.decode() if isinstance(data, bytes) else data
        self.shell.files[path] = (files.get(path, "") if append else "") + text

    def exists(self, path: str) -> bool:
        files = self._files()
        return path in files or path in self._dirs(files)

    def isdir(self, path: str) -> bool:
        return path in self._dirs(self._files())

    def isfile(self, path: str) -> bool:
        return path in self._files()

    def islink(self, path: str) -> bool:
        return False

    def listdir(self, path: str) -> list[str]:
        files = self._files()
        dirs = self._dirs(files)
        if path not in dirs:
            raise _FsError("ENOTDIR" if path in files else "ENOENT", path)
        prefix = "/" if path == "/" else path + "/"
        return sorted({p[len(prefix):].split("/", 1)[0] for p in (*files, *dirs)
                       if p.startswith(prefix) and p != path})

    def stat(self, path: str) -> _Stat:
        files = self._files()
        if path in files:
            return _Stat("file", 0o644, len(files[path].encode()))
        if path in self._dirs(files):
            return _Stat("dir", 0o755, 4096)
        raise _FsError("ENOENT", path)


class Shell:
    """Runs lines; subclasses provide ``programs()``, ``env`` and ``not_found``."""

    name = "sh"

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self.status = 0
        self.files: dict[str, str] = {}
        self._ctx: sh.ShContext | None = None
        #: which limit interrupted the last line: "busy", "wait", "output", "truncated" (module doc) or None
        self.interrupted: str | None = None

    # -- to override ---------------------------------------------------------------------------
    def programs(self) -> dict[str, Program]:
        return {}

    def not_found(self, word: str) -> Out:
        return Out(stderr=f"sh: {word}: not found\n", code=127)

    def syntax_error(self) -> Out:
        return Out(stderr="sh: syntax error: unterminated quoted string\n", code=2)

    def on_sleep(self, pause: sh.Sleep) -> None:
        """Virtual time a line asks for (``sleep 5``); the terminal answers at once by default."""

    def _waiter(self) -> Callable[[sh.Sleep], None]:
        waited = [0.0]

        def on_sleep(pause: sh.Sleep) -> None:
            if self.interrupted == "output":
                raise sh.Interrupt()
            if not isinstance(pause, sh.Busy):
                waited[0] += pause.seconds
                if waited[0] > MAX_LINE_WAIT:
                    self.interrupted = "wait"
                    raise sh.Interrupt()
            self.on_sleep(pause)

        return on_sleep

    @property
    def dialect(self) -> str:
        if self.name == "bash" or getattr(self, "bash", False):
            return "bash"
        return "busybox" if getattr(self, "busybox", True) else "dash"

    # -- running -------------------------------------------------------------------------------
    def context(self) -> sh.ShContext:
        """The shell's process state, kept from line to line (its ``env`` is ``self.env``)."""
        ctx = self._ctx
        if ctx is None or ctx.env is not self.env:
            fs = getattr(self, "fs", None)
            ctx = sh.ShContext(env=self.env, cwd=getattr(self, "cwd", "/"),
                               fs=fs if fs is not None else DictFS(self), lookup=self._lookup_program,
                               dialect=self.dialect, argv0=self.name, mode="interactive",
                               hostname=self.env.get("HOSTNAME", "localhost"),
                               cluster=getattr(self, "cluster", None))
            self._ctx = ctx
        ctx.status = self.status
        ctx.exec_io = None  # an ``exec >file`` of an earlier line wrote to that line's output
        if hasattr(self, "cwd"):
            ctx.cwd = self.cwd
        return ctx

    def run(self, line: str) -> LineResult:
        ctx = self.context()
        text: list[str] = []
        room = [MAX_LINE_OUTPUT]

        def write(chunk: str) -> None:
            if room[0] <= 0:
                return  # past the limit: the line is interrupted at its next step
            text.append(chunk[:room[0]])
            room[0] -= len(chunk)
            if room[0] <= 0:
                self.interrupted = "output"

        io = sh.Streams(getattr(self, "stdin", "") or "", write, write)
        exited = False
        self.interrupted = None
        try:
            code = sh.drive(sh.run_line(line, ctx, io), self._waiter(), max_busy=MAX_LINE_BUSY)
        except ShellExit as e:
            code, exited = e.code, True
        else:
            if code == 130 and ctx.status != 130:
                self.interrupted = self.interrupted or "busy"
                text.append("^C\n")  # interrupted: it would have run on until Ctrl-C
            elif self.interrupted == "output":
                self.interrupted = "truncated"  # it ended by itself, its output cut at the limit
        self.status = ctx.status = code
        if hasattr(self, "cwd") and ctx.cwd != self.cwd:
            self.cwd = ctx.cwd
        return LineResult("".join(text), code, exited=exited)

    def _lookup_program(self, name: str) -> sh.Program | None:
        prog = self.lookup(name)
        if prog is None:
            return None

        def program(ctx: sh.ShContext, argv: list[str], io: sh.Streams, prog: Program = prog) -> int:
            r = prog(argv[1:], io.read())
            if r.stderr:
                io.err(r.stderr)
            if r.stdout:
                io.out(r.stdout)
            return r.code

        return program

    def lookup(self, word: str) -> Program | None:
        progs = {**self.common(), **self.programs()}
        return progs.get(word) or progs.get(word.rsplit("/", 1)[-1] if word.startswith("/") else "")

    # -- utilities every shell has ---------------------------------------------------------------
    def common(self) -> dict[str, Program]:
        return {"echo": self.echo, "true": lambda a, s: Out(), ":": lambda a, s: Out(),
                "false": lambda a, s: Out(code=1), "grep": self.grep, "head": self.head, "tail": self.tail,
                "wc": self.wc, "exit": self.exit}

    def exit(self, args: list[str], stdin: str) -> Out:
        code = self.status
        if args:
            try:
                code = int(args[0]) % 256
            except ValueError:
                return Out(stderr=f"{self.name}: exit: Illegal number: {args[0]}\n", code=2)
        raise ShellExit(code)

    @staticmethod
    def echo(args: list[str], stdin: str) -> Out:
        newline = True
        if args and args[0] == "-n":
            newline, args = False, args[1:]
        return Out(stdout=" ".join(args) + ("\n" if newline else ""))

    @staticmethod
    def grep(args: list[str], stdin: str) -> Out:
        flags, pattern, files = set(), None, []
        for a in args:
            if a.startswith("-") and len(a) > 1 and pattern is None:
                flags.update(a[1:])
            elif pattern is None:
                pattern = a
            else:
                files.append(a)
        if pattern is None:
            return Out(stderr="BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                              "Usage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] { PATTERN | -e PATTERN... | "
                              "-f FILE... } [FILE]...\n", code=2)
        try:
            rx = re.compile(pattern if "F" not in flags else re.escape(pattern), re.I if "i" in flags else 0)
        except re.error:
            rx = re.compile(re.escape(pattern))
        lines = stdin.splitlines()
        hits = [ln for ln in lines if bool(rx.search(ln)) != ("v" in flags)]
        if "c" in flags:
            return Out(stdout=f"{len(hits)}\n", code=0 if hits else 1)
        if "q" in flags:
            return Out(code=0 if hits else 1)
        return Out(stdout="".join(h + "\n" for h in hits), code=0 if hits else 1)

    @staticmethod
    def _count(args: list[str], default: int = 10) -> int:
        n = default
        for i, a in enumerate(args):
            if a == "-n" and i + 1 < len(args):
                n = int(args[i + 1]) if args[i + 1].lstrip("-").isdigit() else n
            elif re.fullmatch(r"-n?\d+", a):
                n = int(a.lstrip("-n"))
        return n

    def head(self, args: list[str], stdin: str) -> Out:
        lines = stdin.splitlines(keepends=True)
        return Out(stdout="".join(lines[: self._count(args)]))

    def tail(self, args: list[str], stdin: str) -> Out:
        n = self._count(args)
        lines = stdin.splitlines(keepends=True)
        return Out(stdout="".join(lines[-n:] if n else []))

    @staticmethod
    def wc(args: list[str], stdin: str) -> Out:
        lines = stdin.count("\n")
        if "-l" in args:
            return Out(stdout=f"{lines}\n")
        return Out(stdout=f"{lines:>9} {len(stdin.split()):>9} {len(stdin.encode()):>9}\n")
