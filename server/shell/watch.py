"""procps-ng's ``watch`` on the workstation: run a command every N seconds of the cluster's clock and
show its output as a full-screen frame, until Ctrl-C.

Owns: ``parse_args(argv) -> WatchArgs | str`` (``-n``/``--interval`` SECS, ``-t``/``--no-title``,
``-x``/``--exec``, ``-d``/``-p``/``-c``/``-b``/``-e``/``-g`` accepted; an error is watch's usage
text) and ``WatchStream``, a ``kubectl.streaming.Stream``: ``frame()`` runs the command (``sh -c``
with the words joined by spaces, as watch.c does, or the argv itself with ``-x``) and returns the
screen it paints — the terminal's clear (``ESC[H ESC[J``), watch's title ``Every 2.0s: CMD`` with
``HOST: DATE`` right-aligned on the 80-column line, a blank line, then the output — and ``poll()``
paints the next frame once the clock has passed the interval since the last one (the page's
ticker and the HTTP contract's ``watchSeconds`` poll after each scheduled instant of the clock, so
a frame shows the cluster as it is at that poll). Ctrl-C (``stop``) ends it with nothing more.

Hands off: the command runs in the workstation's shell programs (``HostShell.native``); the stream
is followed by the sandbox like ``kubectl get -w``'s (``server.kubectl.streaming``).
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..kubectl.streaming import Stream
from ..sim import sh

if TYPE_CHECKING:
    from .host import HostShell

CLEAR = "\x1b[H\x1b[J"
WIDTH = 80
USAGE = """
Usage:
 watch [options] command

Options:
  -b, --beep             beep if command has a non-zero exit
  -c, --color            interpret ANSI color and style sequences
  -d, --differences[=<permanent>]
                         highlight changes between updates
  -e, --errexit          exit if command has a non-zero exit
  -g, --chgexit          exit when output from command changes
  -n, --interval <secs>  seconds to wait between updates
  -p, --precise          attempt run command in precise intervals
  -t, --no-title         turn off header
  -w, --no-wrap          turn off line wrapping
  -x, --exec             pass command to exec instead of "sh -c"

 -h, --help     display this help and exit
 -v, --version  output version information and exit

For more details see watch(1).
"""
_NOARG = {"-b": "--beep", "-c": "--color", "-d": "--differences", "-e": "--errexit", "-g": "--chgexit",
          "-p": "--precise", "-t": "--no-title", "-w": "--no-wrap", "-x": "--exec"}


@dataclass
class WatchArgs:
    interval: float
    command: list[str]
    title: bool = True
    exec_: bool = False


def parse_args(argv: list[str]) -> WatchArgs | str:
    """watch's options up to the first operand (the command's words follow it untouched)."""
    interval, title, exec_ = 2.0, True, False
    i = 1
    while i < len(argv) and argv[i].startswith("-") and argv[i] != "-":
        a = argv[i]
        if a == "--":
            i += 1
            break
        value: str | None = None
        if a in ("-n", "--interval"):
            if i + 1 >= len(argv):
                return f"watch: option requires an argument -- '{a.lstrip('-')[0]}'\n{USAGE}"
            value, i = argv[i + 1], i + 1
        elif a.startswith("--interval="):
            value = a.split("=", 1)[1]
        elif a.startswith("-n") and len(a) > 2:
            value = a[2:]
        elif a in _NOARG or a in _NOARG.values() or a.startswith("--differences"):
            title = title and a not in ("-t", "--no-title")
            exec_ = exec_ or a in ("-x", "--exec")
        elif len(a) > 2 and not a.startswith("--") and all(f"-{c}" in _NOARG for c in a[1:]):
            title = title and "t" not in a
            exec_ = exec_ or "x" in a
        else:
            word = a[2:] if a.startswith("--") else a[1:2]
            kind = "unrecognized option" if a.startswith("--") else "invalid option --"
            return f"watch: {kind} '{word}'\n{USAGE}"
        if value is not None:
            try:
                interval = float(value.replace(",", "."))
            except ValueError:
                return f"watch: failed to parse argument: '{value}'\n"
            interval = max(0.1, interval)
        i += 1
    command = argv[i:]
    if not command:
        return USAGE.lstrip("\n")
    return WatchArgs(interval, command, title, exec_)


def title_line(interval: float, command: str, host: str, now: float, width: int = WIDTH) -> str:
    """watch.c's header: ``Every 2.0s: CMD`` left, ``HOST: Tue Dec  1 17:49:47 2026`` right."""
    tm = time.gmtime(now)
    stamp = time.strftime("%a %b ", tm) + f"{tm.tm_mday:>2}" + time.strftime(" %H:%M:%S %Y", tm)
    right = f"{host}: {stamp}"
    left = f"Every {interval:.1f}s: {command}"
    room = width - len(right) - 1
    if len(left) > room:
        left = left[:max(0, room - 3)] + "..."
    return left + " " * (width - len(left) - len(right)) + right


class WatchStream(Stream):
    """One ``watch`` on the workstation: a frame now and one per interval of the cluster's clock."""

    def __init__(self, shell: HostShell, args: WatchArgs, ctx: sh.ShContext) -> None:
        self.shell = shell
        self.args = args
        self.ctx = ctx.child()
        self.clock = shell.cluster.clock
        self.next_due = self.clock.now() + args.interval

    def frame(self) -> str:
        now = self.clock.now()
        text: list[str] = []
        io = sh.Streams("", text.append, text.append)
        a = self.args
        argv = a.command if a.exec_ else ["sh", "-c", " ".join(a.command)]
        prog: Any = self.shell.native()["sh"] if not a.exec_ else self.ctx.lookup(argv[0])
        if prog is None:
            text.append(f"sh: 1: {argv[0]}: not found\n")
        else:
            try:
                sh.drive(_gen(prog(self.ctx.child(), argv, io)), max_busy=3)
            except (sh.Interrupt, sh.ShellExit):
                pass
        self.next_due = now + a.interval
        head = title_line(a.interval, " ".join(a.command), self.ctx.hostname, now) + "\n\n" if a.title else ""
        return CLEAR + head + "".join(text)

    def poll(self) -> str:
        if self.done or self.clock.now() < self.next_due:
            return ""
        return self.frame()


def _gen(result: Any) -> Any:
    if isinstance(result, int) or result is None:
        return _const(result or 0)
    return result


def _const(code: int) -> Any:
    return code
    yield  # pragma: no cover — makes this a generator
