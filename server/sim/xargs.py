"""``xargs``: build command lines from standard input and run them, as GNU findutils' xargs 4.9 (the
workstation, Debian images) and busybox's do — so ``kubectl get pods -o name | xargs -n1 kubectl
delete`` runs ``kubectl delete pod/a``, then ``kubectl delete pod/b``.

Owns: ``program(dialect) -> Program`` (sh.py's interface; a generator, since the commands it runs
may wait) with ``-n N``, ``-I REPL``/``-i``, ``-0``, ``-d DELIM``, ``-r``/``--no-run-if-empty``,
``-t``, ``-L N``, ``-P`` (accepted; runs one at a time). Input words split as xargs does (blanks and
newlines, single and double quotes, backslashes), ``-I`` takes whole lines (leading blanks
dropped). The commands are the shell's programs (``ctx.lookup``; default ``echo``); the exit status
is 123 when a command failed, 127 when it was not found (``xargs: foo: No such file or directory``),
``xargs: unmatched single quote; by default quotes are special to xargs unless you use the -0
option`` exit 1.

Hands off: running a program (and its sleeps) is the shell's (``sh``).
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any


class _Unmatched(Exception):
    def __init__(self, which: str, words: list[str]) -> None:
        super().__init__(which)
        self.which, self.words = which, words


def split_words(text: str) -> list[str]:
    """xargs' default input parsing: blanks separate, quotes and backslashes protect."""
    words: list[str] = []
    cur: list[str] = []
    have = False
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in "'\"":
            end = text.find(ch, i + 1)
            nl = text.find("\n", i + 1)
            if end < 0 or 0 <= nl < end:
                raise _Unmatched("single" if ch == "'" else "double", words)
            cur.append(text[i + 1:end])
            have = True
            i = end + 1
            continue
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i + 1])
            have = True
            i += 2
            continue
        if ch in " \t\n":
            if have:
                words.append("".join(cur))
            cur, have = [], False
        else:
            cur.append(ch)
            have = True
        i += 1
    if have:
        words.append("".join(cur))
    return words


def program(dialect: str = "gnu") -> Callable[[Any, list[str], Any], Any]:
    def xargs(ctx: Any, argv: list[str], io: Any) -> Generator[Any, None, int]:
        return (yield from _xargs(ctx, argv, io, dialect))

    return xargs


def _xargs(ctx: Any, argv: list[str], io: Any, dialect: str) -> Generator[Any, None, int]:
    max_args = max_lines = 0
    repl: str | None = None
    delim: str | None = None
    no_empty = trace = False
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        value = args[i + 1] if i + 1 < len(args) else None
        if a in ("-n", "-L", "-I", "-d", "-P", "-s", "-a", "-E"):
            if value is None:
                io.err(f"xargs: option requires an argument -- '{a[1]}'\n"
                       "Usage: xargs [OPTION]... COMMAND [INITIAL-ARGS]...\n"
                       "Try 'xargs --help' for more information.\n")
                return 1
            i += 1
        elif a.startswith(("-n", "-L", "-I", "-d", "-P", "-s")) and len(a) > 2:
            a, value = a[:2], a[2:]
        if a == "-n":
            if not (value or "").isdigit() or int(value or 0) < 1:
                io.err(f"xargs: value {value} for -n option should be >= 1\nTry 'xargs --help' for more information.\n")
                return 1
            max_args = int(value or 1)
        elif a == "-L":
            max_lines = int(value or 1)
        elif a == "-I":
            repl = value
        elif a == "-i" or a.startswith("--replace"):
            repl = a.partition("=")[2] or "{}"
        elif a == "-d":
            delim = (value or "\n").encode().decode("unicode_escape")
        elif a in ("-0", "--null"):
            delim = "\0"
        elif a in ("-r", "--no-run-if-empty"):
            no_empty = True
        elif a in ("-t", "--verbose"):
            trace = True
        elif a in ("-P", "-s", "-a", "-E", "-x", "-p"):
            pass
        elif a == "--":
            i += 1
            break
        elif a.startswith("-") and len(a) > 1 and all(ch in "0rtx" for ch in a[1:]):
            delim = "\0" if "0" in a else delim
            no_empty = no_empty or "r" in a
            trace = trace or "t" in a
        elif a.startswith("-") and len(a) > 1:
            io.err(f"xargs: invalid option -- '{a[1]}'\nTry 'xargs --help' for more information.\n")
            return 1
        else:
            break
        i += 1
    command = args[i:] or ["echo"]
    text = io.read()
    try:
        if repl is not None:
            items = [ln.lstrip(" \t") for ln in (text.split(delim) if delim else text.split("\n"))]
            items = [x for x in items if x]
        elif delim is not None:
            items = text.split(delim)
            if items and items[-1] in ("", "\n") and (delim != "\n" or items[-1] == ""):
                items.pop()
        else:
            items = split_words(text)
    except _Unmatched as e:
        if dialect == "busybox":
            io.err(f"xargs: unmatched {e.which} quote\n")
            return 1
        # GNU xargs runs the command on the words before the bad quote, then gives up
        if e.words:
            yield from _run_all(ctx, io, [command + e.words], trace)
        io.err(f"xargs: unmatched {e.which} quote; by default quotes are special to xargs unless you use the "
               "-0 option\n")
        return 1
    runs: list[list[str]]
    if repl is not None:
        runs = [[w.replace(repl, item) for w in command] for item in items]
    elif max_lines:
        lines = [split_words(ln) for ln in text.splitlines() if ln.strip()]
        runs = [command + [w for ln in lines[j:j + max_lines] for w in ln] for j in range(0, len(lines), max_lines)]
    elif max_args:
        runs = [command + items[j:j + max_args] for j in range(0, len(items), max_args)]
    else:
        runs = [command + items] if items or not no_empty else []
    return (yield from _run_all(ctx, io, runs, trace))


def _run_all(ctx: Any, io: Any, runs: list[list[str]], trace: bool) -> Generator[Any, None, int]:
    """Run each command line in turn: 123 if one failed, 124/127 and stop as GNU xargs does."""
    status = 0
    for run in runs:
        if trace:
            io.err(" ".join(run) + "\n")
        prog = ctx.lookup(run[0])
        if prog is None:
            from . import sh

            external = ("echo", "printf", "test", "[", "sleep", "kill", "true", "false")
            builtin = sh.BUILTINS.get(run[0]) if run[0] in external else None
            if builtin is None:
                io.err(f"xargs: {run[0]}: No such file or directory\n")
                return 127
            prog = builtin
        result = prog(ctx.child() if hasattr(ctx, "child") else ctx, run, io.with_(stdin=""))
        code = (yield from result) if hasattr(result, "send") else int(result or 0)
        if code == 255:
            io.err(f"xargs: {run[0]}: exited with status 255; aborting\n")
            return 124
        if code:
            status = 123
    return status
