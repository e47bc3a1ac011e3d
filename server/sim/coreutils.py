"""The programs every image has, over the container's filesystem (``ctx.fs``, a ``fs.FileSystem``).

Owns: ``programs(dialect) -> dict[name, Program]`` — cat ls touch rm mkdir rmdir cp mv ln head
tail wc grep cut sort uniq tr date env printenv hostname id whoami uname ps df mount stat chmod
tee true false seq basename dirname readlink realpath pwd nproc base64 find du …, glibc's
``getent`` in the Debian-style images, in busybox's
words for busybox/alpine images (``dialect`` ``busybox``: ``cat: can't open '/x': No such file or
directory``, ``ls -l`` as busybox's ls.c prints it, ``df`` as its df.c, ``ps`` as ``PID   USER
TIME  COMMAND``, ``id`` with the ``wheel`` group) and GNU coreutils' for Debian/Ubuntu/CentOS
images (``cat: /x: No such file or directory``, ``ls: cannot access '/x': …`` exit 2, ``df``'s
auto-sized columns). Each ``Program`` follows ``sh.py``'s interface: ``(ctx, argv, io) -> int``
with ``argv[0]`` the command word; it reads ``io.read()``, writes ``io.out``/``io.err``.

What a program needs from its process: ``ctx.fs`` (None: no files at all), ``ctx.cwd``/
``ctx.resolve``, ``ctx.env``, ``ctx.now()`` (virtual epoch seconds), ``ctx.hostname``,
``ctx.ps()`` (pid, user, argv of the container's processes).

Hands off: the shell (``sh.py``) runs them, does redirections and the builtins (echo, printf,
test, cd, pwd, sleep …); the network tools (wget, curl, nslookup, ping) are the pod shell's.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import math
import posixpath
import re
import time
from collections.abc import Callable
from typing import Any

from .fs import FsError, Stat
from .sed import posix_regex

Program = Callable[[Any, list[str], Any], int]

BUSYBOX_BANNER = "BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary."
MONTHS = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
DAYS = "Mon Tue Wed Thu Fri Sat Sun".split()
#: the workstation's kernel (``uname -r``/``-v`` in a container): minikube's docker-driver and kind's
#: nodes are containers on it, so it is their Nodes' ``kernelVersion`` too (``presets.py``)
HOST_KERNEL = "6.8.0-51-generic"
HOST_KERNEL_BUILD = "#52-Ubuntu SMP PREEMPT_DYNAMIC Thu Dec  5 13:09:44 UTC 2024"
USERS = {0: "root", 33: "www-data", 65534: "nobody", 101: "nginx", 999: "mysql"}


def _bb(ctx: Any) -> bool:
    return getattr(ctx, "dialect", "busybox") == "busybox"


def _abs(ctx: Any, path: str) -> str:
    resolve = getattr(ctx, "resolve", None)
    if resolve is not None:
        return resolve(path)
    return posixpath.normpath(path if path.startswith("/") else posixpath.join(ctx.cwd or "/", path))


def _flags(argv: list[str], known: str = "") -> tuple[set[str], list[str]]:
    """Single-letter flags (``-la``) and operands; ``--`` ends the flags."""
    flags: set[str] = set()
    rest: list[str] = []
    done = False
    for a in argv[1:]:
        if not done and a == "--":
            done = True
        elif not done and a.startswith("-") and len(a) > 1 and not a[1:].isdigit():
            if a.startswith("--"):
                flags.add(a)
            else:
                flags.update(a[1:])
        else:
            rest.append(a)
    return flags, rest


def _err(ctx: Any, io: Any, prog: str, busybox: str, gnu: str) -> int:
    io.err(f"{prog}: {busybox if _bb(ctx) else gnu}\n")
    return 1


def _read(ctx: Any, io: Any, prog: str, name: str) -> bytes | None:
    """A file's bytes for ``prog``, or None after its error message."""
    if name == "-":
        return io.read().encode("utf-8", "surrogateescape")
    try:
        return ctx.fs.read(_abs(ctx, name))
    except FsError as e:
        if e.errno_name == "EISDIR":
            if _bb(ctx):
                io.err(f"{prog}: read error: Is a directory\n")
            else:
                io.err(f"{prog}: {name}: Is a directory\n")
        elif _bb(ctx):
            io.err(f"{prog}: can't open '{name}': {e}\n")
        elif prog in ("head", "tail"):
            io.err(f"{prog}: cannot open '{name}' for reading: {e}\n")
        else:
            io.err(f"{prog}: {name}: {e}\n")
        return None


def _inputs(ctx: Any, io: Any, prog: str, files: list[str], errors: str = "replace"
            ) -> tuple[list[tuple[str, str]], int]:
    """(name, text) of each input; bytes that are not UTF-8 decode with ``errors`` (``surrogateescape``
    keeps them countable as the bytes they are)."""
    if not files:
        return [("-", io.read())], 0
    out, status = [], 0
    for f in files:
        data = _read(ctx, io, prog, f)
        if data is None:
            status = 1
        else:
            out.append((f, data.decode("utf-8", errors)))
    return out, status


# -- file contents --------------------------------------------------------------------------------
def cat(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    status = 0
    n = 1
    for f in files or ["-"]:
        data = _read(ctx, io, "cat", f)
        if data is None:
            status = 1
            continue
        text = data.decode("utf-8", "replace")
        if "n" in flags:
            lines = text.splitlines(keepends=True)
            text = "".join(f"{n + i:6d}\t{ln}" for i, ln in enumerate(lines))
            n += len(lines)
        io.out(text)
    return status


def _count(args: list[str], default: int = 10) -> tuple[int, list[str], bool]:
    n, rest, plus = default, [], False
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-n", "-c") and i + 1 < len(args):
            v = args[i + 1]
            plus = v.startswith("+")
            n = int(v.lstrip("+-")) if v.lstrip("+-").isdigit() else n
            i += 2
            continue
        if re.fullmatch(r"-n?\d+", a):
            n = int(a.lstrip("-n"))
        elif a in ("-f", "-F", "-q"):
            pass
        else:
            rest.append(a)
        i += 1
    return n, rest, plus


def head(ctx: Any, argv: list[str], io: Any) -> int:
    n, files, _ = _count(argv[1:])
    if not files:
        # reads only the lines it prints, as head's reads end with them: a pipe's writer runs on
        # no further (``while :; do echo y; done | head -1`` ends)
        for _ in range(n):
            line = io.readline()
            if line is None:
                break
            io.out(line)
        return 0
    inputs, status = _inputs(ctx, io, "head", files)
    for i, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            io.out(("\n" if i else "") + f"==> {name} <==\n")
        io.out("".join(text.splitlines(keepends=True)[:n]))
    return status


def tail(ctx: Any, argv: list[str], io: Any) -> int:
    n, files, plus = _count(argv[1:])
    inputs, status = _inputs(ctx, io, "tail", files)
    for i, (name, text) in enumerate(inputs):
        if len(inputs) > 1:
            io.out(("\n" if i else "") + f"==> {name} <==\n")
        lines = text.splitlines(keepends=True)
        io.out("".join(lines[n - 1:] if plus else lines[-n:] if n else []))
    return status


def wc(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    which = [c for c in "lwc" if c in flags] or ["l", "w", "c"]
    inputs, status = _inputs(ctx, io, "wc", files, "surrogateescape")
    totals = {"l": 0, "w": 0, "c": 0}
    rows = []
    for name, text in inputs:
        counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode("utf-8", "surrogateescape"))}
        for k in totals:
            totals[k] += counts[k]
        rows.append((counts, name if files else ""))
    if len(inputs) > 1:
        rows.append((totals, "total"))
    if len(which) == 1 and len(rows) == 1:
        width = 0  # one count of one input: no padding (busybox and GNU alike)
    elif _bb(ctx):
        width = 7
    elif files and all(name != "-" for name, _ in inputs):
        width = len(str(totals["c"]))  # GNU sizes the columns from the files' sizes
    else:
        width = 7
    for counts, name in rows:
        io.out(" ".join(f"{counts[k]:>{width}}" for k in which) + (f" {name}" if name else "") + "\n")
    return status


def grep(ctx: Any, argv: list[str], io: Any) -> int:
    flags: set[str] = set()
    patterns: list[str] = []
    files: list[str] = []
    i = 1
    while i < len(argv):
        a = argv[i]
        if a == "-e" and i + 1 < len(argv):
            patterns.append(argv[i + 1])
            i += 2
            continue
        if a.startswith("-") and len(a) > 1 and not files and (patterns or True) and a != "-":
            if a.startswith("--"):
                flags.add(a)
            else:
                flags.update(a[1:])
        elif not patterns and "e" not in flags:
            patterns.append(a)
        else:
            files.append(a)
        i += 1
    if not patterns:
        if _bb(ctx):
            io.err(f"{BUSYBOX_BANNER}\n\nUsage: grep [-HhnlLoqvsrRiwFE] [-m N] [-A|B|C N] "
                   "{ PATTERN | -e PATTERN... | -f FILE... } [FILE]...\n")
        else:
            io.err("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n")
        return 2
    try:
        rxs = [re.compile(re.escape(p) if "F" in flags else posix_regex(p, "E" in flags), re.I if "i" in flags else 0)
               for p in patterns]
    except re.error:
        rxs = [re.compile(re.escape(p)) for p in patterns]
    recursive = "r" in flags or "R" in flags
    targets: list[tuple[str, str]] = []
    status = 0
    if recursive and files:
        for f in files:
            try:
                for path, data in sorted(ctx.fs.files_under(_abs(ctx, f)).items()):
                    shown = f.rstrip("/") + path[len(_abs(ctx, f).rstrip("/")):] if path != _abs(ctx, f) else f
                    targets.append((shown, data.decode("utf-8", "replace")))
            except FsError as e:
                io.err(f"grep: {f}: {e}\n")
                status = 2
    else:
        for f in files or ["-"]:
            if f != "-" and ctx.fs is not None and ctx.fs.isdir(_abs(ctx, f)):
                io.err(f"grep: {f}: Is a directory\n")
                continue
            if f == "-":
                targets.append(("(standard input)", io.read()))
                continue
            try:
                targets.append((f, ctx.fs.read(_abs(ctx, f)).decode("utf-8", "replace")))
            except FsError as e:
                if "s" not in flags:
                    io.err(f"grep: {f}: {e}\n")
                status = 2
    show_name = (len(targets) > 1 or recursive) and "h" not in flags or "H" in flags
    found = False
    for name, text in targets:
        hits = 0
        for n, line in enumerate(text.splitlines(), 1):
            match = any(r.search(line) for r in rxs)
            if "w" in flags:
                match = any(re.search(rf"(?<!\w)(?:{r.pattern})(?!\w)", line, r.flags) for r in rxs)
            if "x" in flags:
                match = any(r.fullmatch(line) for r in rxs)
            if match == ("v" not in flags):
                hits += 1
                found = True
                if "q" in flags:
                    return 0
                if "c" in flags or "l" in flags:
                    continue
                prefix = (f"{name}:" if show_name else "") + (f"{n}:" if "n" in flags else "")
                if "o" in flags and "v" not in flags:
                    for r in rxs:
                        for m in r.finditer(line):
                            io.out(prefix + m.group(0) + "\n")
                else:
                    io.out(prefix + line + "\n")
        if "c" in flags:
            io.out((f"{name}:" if show_name else "") + f"{hits}\n")
        elif "l" in flags and hits:
            io.out(name + "\n")
    if status == 2 and not found:
        return 2
    return 0 if found else 1


def cut(ctx: Any, argv: list[str], io: Any) -> int:
    delim, fields, chars, files = "\t", "", "", []
    i = 1
    while i < len(argv):
        a = argv[i]
        for opt in ("-d", "-f", "-c"):
            if a.startswith(opt):
                value = a[2:] or (argv[i + 1] if i + 1 < len(argv) else "")
                if not a[2:]:
                    i += 1
                if opt == "-d":
                    delim = value
                elif opt == "-f":
                    fields = value
                else:
                    chars = value
                break
        else:
            files.append(a)
        i += 1

    def picks(spec: str, n: int) -> list[int]:
        out: list[int] = []
        for part in spec.split(","):
            lo, dash, hi = part.partition("-")
            a = int(lo) if lo else 1
            b = (int(hi) if hi else n) if dash else a
            out.extend(range(a, min(b, n) + 1))
        return out

    inputs, status = _inputs(ctx, io, "cut", files)
    for _, text in inputs:
        for line in text.splitlines():
            if chars:
                io.out("".join(line[k - 1] for k in picks(chars, len(line))) + "\n")
            elif delim not in line:
                io.out(line + "\n")
            else:
                parts = line.split(delim)
                io.out(delim.join(parts[k - 1] for k in picks(fields, len(parts))) + "\n")
    return status


def sort(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    inputs, status = _inputs(ctx, io, "sort", files)
    lines = [ln for _, text in inputs for ln in text.splitlines()]

    def num(s: str) -> float:
        m = re.match(r"\s*(-?\d+(?:\.\d+)?)", s)
        return float(m.group(1)) if m else 0.0

    lines.sort(key=num if "n" in flags else (lambda s: s.lower()) if "f" in flags else None,
               reverse="r" in flags)
    if "u" in flags:
        seen: set[str] = set()
        lines = [x for x in lines if not (x in seen or seen.add(x))]  # type: ignore[func-returns-value]
    io.out("".join(ln + "\n" for ln in lines))
    return status


def uniq(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    inputs, status = _inputs(ctx, io, "uniq", files[:1])
    groups: list[list] = []
    for _, text in inputs:
        for ln in text.splitlines():
            if groups and groups[-1][0] == ln:
                groups[-1][1] += 1
            else:
                groups.append([ln, 1])
    for ln, n in groups:
        if "d" in flags and n < 2 or "u" in flags and n > 1:
            continue
        io.out((f"{n:>7} " if "c" in flags else "") + ln + "\n")
    return status


def tr(ctx: Any, argv: list[str], io: Any) -> int:
    flags, sets = _flags(argv)

    def expand(s: str) -> str:
        s = s.replace("[:upper:]", "A-Z").replace("[:lower:]", "a-z").replace("[:digit:]", "0-9")
        s = s.replace("\\n", "\n").replace("\\t", "\t")
        out, i = [], 0
        while i < len(s):
            if i + 2 < len(s) and s[i + 1] == "-":
                out.extend(chr(c) for c in range(ord(s[i]), ord(s[i + 2]) + 1))
                i += 3
            else:
                out.append(s[i])
                i += 1
        return "".join(out)

    text = io.read()
    if "d" in flags and sets:
        drop = set(expand(sets[0]))
        io.out("".join(c for c in text if c not in drop))
        return 0
    if len(sets) < 2:
        io.err("tr: missing operand\n")
        return 1
    a, b = expand(sets[0]), expand(sets[1])
    b = b + b[-1:] * (len(a) - len(b)) if b else b
    io.out(text.translate(str.maketrans(a, b[:len(a)])))
    return 0


def tee(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    text = io.read()
    status = 0
    for f in files:
        try:
            ctx.fs.write(_abs(ctx, f), text.encode(), append="a" in flags)
        except FsError as e:
            io.err(f"tee: {f}: {e}\n" if not _bb(ctx) else f"tee: can't open '{f}': {e}\n")
            status = 1
    io.out(text)
    return status


_B64_ALPHABET = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")
BASE64_BUSYBOX_USAGE = ("Usage: base64 [-d] [-w COL] [FILE]\n\nBase64 encode or decode FILE to standard output\n\n"
                        "\t-d\tDecode data\n\t-w COL\tWrap lines at COL (default 76, 0 disables)\n")


def _b64_decode(text: bytes, *, ignore: bool, busybox: bool) -> tuple[bytes, str]:
    """(what decodes, the error that stopped it or ""), four characters at a time as both tools
    read: GNU stops at the first character outside the alphabet (``-i`` drops them first) and
    decodes a last partial group before saying ``invalid input``; busybox skips such characters,
    and a group cut short (or data after a padded one) is ``truncated input``."""
    if ignore or busybox:
        text = bytes(b for b in text if b in _B64_ALPHABET)
    out = bytearray()
    for k in range(0, len(text), 4):
        group = text[k:k + 4]
        pad = group.find(b"=")
        if busybox and (len(group) < 4 or (pad >= 0 and k + 4 < len(text))):
            if len(group) == 4:
                out += base64.b64decode(group)
            return bytes(out), "truncated input"
        bad = next((n for n, b in enumerate(group) if b not in _B64_ALPHABET), -1)
        if bad >= 0 or len(group) < 4 or 0 <= pad < 2 or (pad >= 0 and group[pad:] != b"=" * (4 - pad)):
            good = group[:bad if bad >= 0 else len(group)].split(b"=", 1)[0]
            if len(good) >= 2:
                out += base64.b64decode(good + b"=" * (4 - len(good)))
            return bytes(out), "invalid input"
        out += base64.b64decode(group)
    return bytes(out), ""


def base64_(ctx: Any, argv: list[str], io: Any) -> int:
    """``base64 [-d] [-w COL] [FILE]``: GNU coreutils' (``--decode``, ``-i``/``--ignore-garbage``,
    ``--wrap=COL``; a bad option's ``Try 'base64 --help'…``) or busybox's (no long options:
    ``base64 --decode`` is ``unrecognized option`` and the usage, exit 1). Encoding wraps at 76
    columns (``-w 0``: not at all); decoding ignores newlines, and anything else that is not base64
    is ``base64: invalid input`` (exit 1) after what decoded before it."""
    bb = _bb(ctx)
    decode = ignore = False
    wrap, files, i = 76, [], 1
    args = argv
    while i < len(args):
        a = args[i]
        i += 1
        if a == "--":
            files.extend(args[i:])
            break
        if a.startswith("--") and not bb:
            name, eq, value = a[2:].partition("=")
            if name == "decode":
                decode = True
            elif name == "ignore-garbage":
                ignore = True
            elif name == "wrap":
                if not eq:
                    if i >= len(args):
                        io.err("base64: option '--wrap' requires an argument\n"
                               "Try 'base64 --help' for more information.\n")
                        return 1
                    value, i = args[i], i + 1
                if not value.isdigit():
                    io.err(f"base64: invalid wrap size: \u2018{value}\u2019\n")
                    return 1
                wrap = int(value)
            else:
                io.err(f"base64: unrecognized option '{a}'\nTry 'base64 --help' for more information.\n")
                return 1
            continue
        if a.startswith("--"):
            io.err(f"base64: unrecognized option '{a}'\n{BUSYBOX_BANNER}\n\n{BASE64_BUSYBOX_USAGE}")
            return 1
        if a.startswith("-") and a != "-":
            j = 1
            while j < len(a):
                ch = a[j]
                if ch == "d":
                    decode = True
                elif ch == "i" and not bb:
                    ignore = True
                elif ch == "w":
                    value = a[j + 1:]
                    if not value:
                        if i >= len(args):
                            io.err("base64: option requires an argument -- 'w'\n" +
                                   (f"{BUSYBOX_BANNER}\n\n{BASE64_BUSYBOX_USAGE}" if bb else
                                    "Try 'base64 --help' for more information.\n"))
                            return 1
                        value, i = args[i], i + 1
                    if not value.isdigit():
                        io.err(f"base64: invalid number '{value}'\n" if bb else
                               f"base64: invalid wrap size: \u2018{value}\u2019\n")
                        return 1
                    wrap = int(value)
                    break
                else:
                    io.err(f"base64: invalid option -- '{ch}'\n" +
                           (f"{BUSYBOX_BANNER}\n\n{BASE64_BUSYBOX_USAGE}" if bb else
                            "Try 'base64 --help' for more information.\n"))
                    return 1
                j += 1
            continue
        files.append(a)
    if len(files) > 1:
        io.err(f"base64: extra operand \u2018{files[1]}\u2019\nTry 'base64 --help' for more information.\n"
               if not bb else f"{BUSYBOX_BANNER}\n\n{BASE64_BUSYBOX_USAGE}")
        return 1
    inputs, status = _inputs(ctx, io, "base64", [f for f in files if f != "-"], errors="surrogateescape")
    if status:
        return status
    data = "".join(t for _, t in inputs).encode("utf-8", "surrogateescape")
    if decode:
        raw, error = _b64_decode(data.replace(b"\n", b""), ignore=ignore, busybox=bb)
        io.out(raw.decode("utf-8", "surrogateescape"))
        if error:
            io.err(f"base64: {error}\n")
            return 1
        return 0
    enc = base64.b64encode(data).decode()
    if wrap:
        io.out("".join(enc[k:k + wrap] + "\n" for k in range(0, len(enc), wrap)))
    else:
        io.out(enc)
    return 0


# -- files and directories --------------------------------------------------------------------------
def touch(ctx: Any, argv: list[str], io: Any) -> int:
    _, files = _flags(argv)
    status = 0
    for f in files:
        try:
            ctx.fs.touch(_abs(ctx, f))
        except FsError as e:
            status = _err(ctx, io, "touch", f"{f}: {e}", f"cannot touch '{f}': {e}")
    return status


def mkdir(ctx: Any, argv: list[str], io: Any) -> int:
    flags, dirs = _flags(argv)
    status = 0
    for d in dirs:
        try:
            ctx.fs.mkdir(_abs(ctx, d), parents="p" in flags)
        except FsError as e:
            status = _err(ctx, io, "mkdir", f"can't create directory '{d}': {e}", f"cannot create directory '{d}': {e}")
    return status


def rmdir(ctx: Any, argv: list[str], io: Any) -> int:
    _, dirs = _flags(argv)
    status = 0
    for d in dirs:
        try:
            if not ctx.fs.isdir(_abs(ctx, d)) and ctx.fs.exists(_abs(ctx, d)):
                raise FsError("ENOTDIR", d)
            ctx.fs.remove(_abs(ctx, d))
        except FsError as e:
            status = _err(ctx, io, "rmdir", f"'{d}': {e}", f"failed to remove '{d}': {e}")
    return status


def rm(ctx: Any, argv: list[str], io: Any) -> int:
    flags, files = _flags(argv)
    status = 0
    for f in files:
        path = _abs(ctx, f)
        try:
            st = ctx.fs.lstat(path)
        except FsError as e:
            if "f" not in flags:
                status = _err(ctx, io, "rm", f"can't remove '{f}': {e}", f"cannot remove '{f}': {e}")
            continue
        if st.kind == "dir" and not ({"r", "R"} & flags):
            status = _err(ctx, io, "rm", f"'{f}' is a directory", f"cannot remove '{f}': Is a directory")
            continue
        try:
            ctx.fs.remove(path, recursive=True)
        except FsError as e:
            status = _err(ctx, io, "rm", f"can't remove '{f}': {e}", f"cannot remove '{f}': {e}")
    return status


def _copy(ctx: Any, src: str, dst: str, recursive: bool) -> None:
    fs = ctx.fs
    st = fs.stat(src)
    if st.kind == "dir":
        if not recursive:
            raise FsError("EISDIR", src)
        if not fs.isdir(dst):
            fs.mkdir(dst)
        for name in fs.listdir(src):
            _copy(ctx, posixpath.join(src, name), posixpath.join(dst, name), True)
        return
    fs.write(dst, fs.read(src), mode=st.mode)


def cp(ctx: Any, argv: list[str], io: Any) -> int:
    flags, args = _flags(argv)
    if len(args) < 2:
        io.err("cp: missing file operand\n" if not _bb(ctx) else f"{BUSYBOX_BANNER}\n\nUsage: cp [-arPLHpfinlsTu] "
               "SOURCE DEST\n")
        return 1
    *srcs, dst = args
    status = 0
    dst_abs = _abs(ctx, dst)
    into = ctx.fs.isdir(dst_abs)
    for s in srcs:
        src_abs = _abs(ctx, s)
        if not ctx.fs.exists(src_abs):
            status = _err(ctx, io, "cp", f"can't stat '{s}': No such file or directory",
                          f"cannot stat '{s}': No such file or directory")
            continue
        target = posixpath.join(dst_abs, posixpath.basename(src_abs)) if into else dst_abs
        try:
            if ctx.fs.isdir(src_abs) and not ({"r", "R", "a"} & flags):
                status = _err(ctx, io, "cp", f"omitting directory '{s}'",
                              f"-r not specified; omitting directory '{s}'")
                continue
            _copy(ctx, src_abs, target, bool({"r", "R", "a"} & flags))
        except FsError as e:
            status = _err(ctx, io, "cp", f"can't create '{dst}': {e}", f"cannot create regular file '{dst}': {e}")
    return status


def mv(ctx: Any, argv: list[str], io: Any) -> int:
    _, args = _flags(argv)
    if len(args) < 2:
        io.err("mv: missing file operand\n")
        return 1
    *srcs, dst = args
    status = 0
    for s in srcs:
        try:
            ctx.fs.rename(_abs(ctx, s), _abs(ctx, dst))
        except FsError as e:
            if e.errno_name == "EXDEV":
                try:
                    _copy(ctx, _abs(ctx, s), _abs(ctx, dst), True)
                    ctx.fs.remove(_abs(ctx, s), recursive=True)
                    continue
                except FsError as e2:
                    e = e2
            status = _err(ctx, io, "mv", f"can't rename '{s}': {e}",
                          f"cannot stat '{s}': {e}" if e.errno_name == "ENOENT" else f"cannot move '{s}' to '{dst}': {e}")
    return status


def ln(ctx: Any, argv: list[str], io: Any) -> int:
    flags, args = _flags(argv)
    if len(args) < 2:
        io.err("ln: missing file operand\n")
        return 1
    target, link = args[0], args[1]
    path = _abs(ctx, link)
    if ctx.fs.isdir(path):
        path = posixpath.join(path, posixpath.basename(target))
    try:
        if "f" in flags and ctx.fs.lookup(path, follow=False) is not None:
            ctx.fs.remove(path)
        if "s" in flags:
            ctx.fs.symlink(target, path)
        else:
            st = ctx.fs.stat(_abs(ctx, target))
            ctx.fs.write(path, ctx.fs.read(_abs(ctx, target)), mode=st.mode)
    except FsError as e:
        return _err(ctx, io, "ln", f"{link}: {e}", f"failed to create symbolic link '{link}': {e}")
    return 0


def chmod(ctx: Any, argv: list[str], io: Any) -> int:
    flags, args = _flags(argv)
    if len(args) < 2:
        io.err("chmod: missing operand\n")
        return 1
    spec, files = args[0], args[1:]
    status = 0
    for f in files:
        path = _abs(ctx, f)
        try:
            cur = ctx.fs.stat(path).mode
            ctx.fs.chmod(path, _mode(spec, cur))
        except (FsError, ValueError) as e:
            status = _err(ctx, io, "chmod", f"{f}: {e}", f"cannot access '{f}': {e}")
    return status


def _mode(spec: str, cur: int) -> int:
    if re.fullmatch(r"[0-7]{1,4}", spec):
        return int(spec, 8)
    mode = cur
    for clause in spec.split(","):
        m = re.fullmatch(r"([ugoa]*)([+\-=])([rwxXst]*)", clause)
        if not m:
            raise ValueError("invalid mode")
        who = m.group(1) or "a"
        bits = 0
        for p in m.group(3):
            for w in ("u", "g", "o"):
                if w in who or "a" in who:
                    shift = {"u": 6, "g": 3, "o": 0}[w]
                    bits |= {"r": 4, "w": 2, "x": 1, "X": 1}.get(p, 0) << shift
        if m.group(2) == "+":
            mode |= bits
        elif m.group(2) == "-":
            mode &= ~bits
        else:
            mode = (mode & ~0o777) | bits
    return mode


def readlink(ctx: Any, argv: list[str], io: Any) -> int:
    flags, args = _flags(argv)
    status = 0
    for a in args:
        try:
            io.out((ctx.fs.realpath(_abs(ctx, a)) if "f" in flags else ctx.fs.readlink(_abs(ctx, a))) + "\n")
        except FsError:
            status = 1
    return status


def realpath(ctx: Any, argv: list[str], io: Any) -> int:
    _, args = _flags(argv)
    for a in args:
        io.out(ctx.fs.realpath(_abs(ctx, a)) + "\n")
    return 0


def basename(ctx: Any, argv: list[str], io: Any) -> int:
    if len(argv) < 2:
        io.err("basename: missing operand\n")
        return 1
    name = posixpath.basename(argv[1].rstrip("/")) or "/"
    if len(argv) > 2 and name.endswith(argv[2]) and name != argv[2]:
        name = name[: -len(argv[2])]
    io.out(name + "\n")
    return 0


def dirname(ctx: Any, argv: list[str], io: Any) -> int:
    if len(argv) < 2:
        io.err("dirname: missing operand\n")
        return 1
    io.out((posixpath.dirname(argv[1].rstrip("/")) or ".") + "\n")
    return 0


def find(ctx: Any, argv: list[str], io: Any) -> int:
    args = argv[1:]
    roots = []
    while args and not args[0].startswith("-"):
        roots.append(args.pop(0))
    name = typ = None
    maxdepth = 1 << 30
    while args:
        a = args.pop(0)
        if a == "-name" and args:
            name = args.pop(0)
        elif a == "-type" and args:
            typ = args.pop(0)
        elif a == "-maxdepth" and args:
            maxdepth = int(args.pop(0))
    status = 0
    for root in roots or ["."]:
        start = _abs(ctx, root)
        if ctx.fs.lookup(start, follow=False) is None:
            io.err(f"find: {root}: No such file or directory\n" if _bb(ctx)
                   else f"find: '{root}': No such file or directory\n")
            status = 1
            continue
        stack = [(root, start, 0)]
        while stack:
            shown, path, depth = stack.pop()
            st = ctx.fs.lstat(path)
            kind = {"file": "f", "dir": "d", "link": "l"}[st.kind]
            if (name is None or fnmatch.fnmatchcase(posixpath.basename(path) or "/", name)) and \
                    (typ is None or typ == kind):
                io.out(shown + "\n")
            if st.kind == "dir" and depth < maxdepth:
                for n in reversed(ctx.fs.listdir(path)):
                    stack.append((shown.rstrip("/") + "/" + n if shown != "/" else "/" + n, posixpath.join(path, n),
                                  depth + 1))
    return status


# -- ls -------------------------------------------------------------------------------------------------
def _mode_string(st: Stat) -> str:
    kind = {"file": "-", "dir": "d", "link": "l"}[st.kind]
    m = st.mode
    out = [kind]
    for shift in (6, 3, 0):
        r, w, x = (m >> shift) & 4, (m >> shift) & 2, (m >> shift) & 1
        special = (shift == 6 and m & 0o4000) or (shift == 3 and m & 0o2000) or (shift == 0 and m & 0o1000)
        xs = ("t" if shift == 0 else "s") if special else "x"
        out += ["r" if r else "-", "w" if w else "-", (xs if x else xs.upper()) if special else ("x" if x else "-")]
    return "".join(out)


def _ls_time(t: float, now: float) -> str:
    tm = time.gmtime(t)
    day = f"{tm.tm_mday:>2}"
    if now - 15778476 < t <= now + 15 * 60:  # six months (GNU: 365.2425 / 2 days)
        return f"{MONTHS[tm.tm_mon - 1]} {day} {tm.tm_hour:02d}:{tm.tm_min:02d}"
    return f"{MONTHS[tm.tm_mon - 1]} {day}  {tm.tm_year}"


def _blocks(st: Stat) -> int:
    """1K blocks as ``ls -s``/``total`` count them (``st_blocks`` / 2)."""
    return st.blocks // 2


def _columns(names: list[str], width: int = 80, gnu: bool = True) -> str:
    """ls's columns on a terminal: filled down the columns; GNU sizes each column to its names."""
    if not names:
        return ""
    if not gnu:
        col = max(len(n) for n in names) + 2
        per_row = max(1, width // col)
        rows = math.ceil(len(names) / per_row)
        out = []
        for r in range(rows):
            cells = [names[c * rows + r] for c in range(per_row) if c * rows + r < len(names)]
            out.append("".join(n.ljust(col) for n in cells[:-1]) + cells[-1])
        return "\n".join(out) + "\n"
    for cols in range(len(names), 0, -1):
        rows = math.ceil(len(names) / cols)
        widths = []
        for c in range(cols):
            chunk = names[c * rows:(c + 1) * rows]
            if chunk:
                widths.append(max(len(n) for n in chunk) + 2)
        if sum(widths) - 2 <= width or cols == 1:
            out = []
            for r in range(rows):
                cells = [(names[c * rows + r], widths[c]) for c in range(len(widths)) if c * rows + r < len(names)]
                out.append("".join(n.ljust(w) for n, w in cells[:-1]) + cells[-1][0])
            return "\n".join(out) + "\n"
    return "\n".join(names) + "\n"


def ls(ctx: Any, argv: list[str], io: Any) -> int:
    flags, paths = _flags(argv)
    fs = ctx.fs
    bb = _bb(ctx)
    now = ctx.now()
    tty = bool(getattr(ctx, "tty", False)) and "1" not in flags
    long = "l" in flags
    status = 0
    files: list[str] = []
    dirs: list[str] = []
    for p in paths or ["."]:
        path = _abs(ctx, p)
        try:
            st = fs.stat(path) if not long or p.endswith("/") or "L" in flags else fs.lstat(path)
            if st.kind == "link":  # ls -l DIR-LINK lists the link itself (no -H); ls LINK-TO-DIR lists the dir
                st = fs.stat(path) if not long else st
        except FsError as e:
            io.err(f"ls: {p}: {e}\n" if bb else f"ls: cannot access '{p}': {e}\n")
            status = 1 if bb else 2
            continue
        (dirs if st.kind == "dir" and "d" not in flags else files).append(p)

    def entries(d: str, names: list[str]) -> list[tuple[str, Stat | None, str]]:
        out = []
        for n in names:
            full = posixpath.join(_abs(ctx, d), n) if d is not None else _abs(ctx, n)
            try:
                st = fs.stat(full) if "L" in flags else fs.lstat(full)
            except FsError:
                try:
                    st = fs.lstat(full)  # a dangling link: ls shows the link
                except FsError:
                    st = None
            out.append((n, st, full))
        return out

    def render(items: list[tuple[str, Stat | None, str]], total: bool) -> None:
        if not long:
            names = [n + (_classify(st) if "F" in flags else "") for n, st, _ in items]
            io.out(_columns(names, gnu=not bb) if tty else "".join(n + "\n" for n in names))
            return
        if total:
            io.out(f"total {sum(_blocks(st) for _, st, _ in items if st)}\n")
        rows = []
        for n, st, _ in items:
            if st is None:
                continue
            user = USERS.get(st.uid, str(st.uid))
            group = USERS.get(st.gid, str(st.gid))
            size = _human(st.size) if "h" in flags else str(st.size)
            shown = n + (f" -> {st.target}" if st.kind == "link" else "")
            rows.append((_mode_string(st), str(st.nlink), user, group, size, _ls_time(st.mtime, now), shown))
        if bb:
            for mode, nl, user, group, size, when, shown in rows:
                io.out(f"{mode:<10} {nl:>4} {user:<8.8} {group:<8.8} {size:>9} {when} {shown}\n")
        else:
            w = [max((len(r[i]) for r in rows), default=0) for i in range(5)]
            for mode, nl, user, group, size, when, shown in rows:
                io.out(f"{mode} {nl:>{w[1]}} {user:<{w[2]}} {group:<{w[3]}} {size:>{w[4]}} {when} {shown}\n")

    def sorted_names(d: str) -> list[str]:
        names = fs.listdir(_abs(ctx, d))
        if "a" in flags:
            names = [".", ".."] + names
        elif "A" not in flags:
            names = [n for n in names if not n.startswith(".")]
        if "t" in flags:
            names.sort(key=lambda n: -fs.lstat(posixpath.join(_abs(ctx, d), n)).mtime)
        if "r" in flags:
            names.reverse()
        return names

    if files:
        render(entries(None, sorted(files)), False)  # type: ignore[arg-type]
    for i, d in enumerate(sorted(dirs)):
        if len(dirs) > 1 or files:
            io.out(("\n" if files or i else "") + f"{d}:\n")
        try:
            render(entries(d, sorted_names(d)), True)
        except FsError as e:
            io.err(f"ls: {d}: {e}\n")
            status = 1 if bb else 2
    return status


def _classify(st: Stat | None) -> str:
    if st is None:
        return ""
    if st.kind == "dir":
        return "/"
    if st.kind == "link":
        return "@"
    return "*" if st.mode & 0o111 else ""


def _human(n: int) -> str:
    if n < 1024:
        return str(n)
    v = float(n)
    for unit in "KMGTPE":
        v /= 1024
        if v < 1024:
            return f"{v:.1f}{unit}" if v < 10 else f"{math.ceil(v)}{unit}"
    return str(n)


def stat(ctx: Any, argv: list[str], io: Any) -> int:
    flags, args = _flags(argv)
    status = 0
    for a in args:
        path = _abs(ctx, a)
        try:
            st = ctx.fs.lstat(path) if "L" not in flags else ctx.fs.stat(path)
        except FsError as e:
            status = _err(ctx, io, "stat", f"can't stat '{a}': {e}", f"cannot statx '{a}': {e}")
            continue
        kind = {"file": "regular file" if st.size else "regular empty file", "dir": "directory",
                "link": "symbolic link"}[st.kind]
        name = f"'{a}' -> '{st.target}'" if st.kind == "link" else (f"'{a}'" if not _bb(ctx) else f"'{a}'")
        stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(st.mtime)) + f".{int(st.mtime % 1 * 1e9):09d} +0000"
        user, group = USERS.get(st.uid, str(st.uid)), USERS.get(st.gid, str(st.gid))
        mode = f"{st.mode & 0o7777:04o}/{_mode_string(st)}"
        io.out(f"  File: {name}\n  Size: {st.size:<15} Blocks: {_blocks(st) * 2:<10} IO Block: 4096   {kind}\n"
               f"Device: 0,66\tInode: {_inode(path):<11} Links: {st.nlink}\n"
               f"Access: ({mode})  Uid: (    {st.uid}/    {user})   Gid: (    {st.gid}/    {group})\n"
               f"Access: {stamp}\nModify: {stamp}\nChange: {stamp}\n")
    return status


def _inode(path: str) -> int:
    """A stable inode number for a path (the same in every run and replay)."""
    return 1_000_000 + int.from_bytes(hashlib.sha256(path.encode()).digest()[:4], "big") % 9_000_000


# -- the process and the system ---------------------------------------------------------------------
def date(ctx: Any, argv: list[str], io: Any) -> int:
    now = ctx.now()
    fmt = next((a[1:] for a in argv[1:] if a.startswith("+")), None)
    tm = time.gmtime(now)
    if fmt is None:
        io.out(f"{DAYS[tm.tm_wday]} {MONTHS[tm.tm_mon - 1]} {tm.tm_mday:>2} {tm.tm_hour:02d}:{tm.tm_min:02d}:"
               f"{tm.tm_sec:02d} UTC {tm.tm_year}\n")
        return 0
    fmt = fmt.replace("%s", str(int(now))).replace("%N", f"{int(now % 1 * 1e9):09d}").replace("%Z", "UTC")
    io.out(time.strftime(fmt, tm) + "\n")
    return 0


def env(ctx: Any, argv: list[str], io: Any) -> int:
    io.out("".join(f"{k}={v}\n" for k, v in ctx.env.items()))
    return 0


def printenv(ctx: Any, argv: list[str], io: Any) -> int:
    names = argv[1:]
    if not names:
        return env(ctx, argv, io)
    found = [ctx.env[n] for n in names if n in ctx.env]
    io.out("".join(v + "\n" for v in found))
    return 0 if len(found) == len(names) else 1


def _hosts_line(ctx: Any) -> list[str]:
    try:
        text = ctx.fs.read_text("/etc/hosts")
    except (FsError, AttributeError):
        return []
    name = _nodename(ctx)
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1 and name in fields[1:]:
            return fields
    return []


def _fqdn(ctx: Any) -> str:
    """``hostname -f``: the canonical name the resolver gives the hostname — the first name of its
    line in /etc/hosts (the kubelet writes ``dns.pod_fqdn`` there); without a readable hosts file,
    the pod's FQDN from the DNS model itself, else the hostname."""
    line = _hosts_line(ctx)
    if line:
        return line[1]
    source, cluster = getattr(ctx, "source", None), getattr(ctx, "cluster", None)
    if cluster is not None and source is not None and getattr(source, "kind", "") == "pod":
        from .net import dns

        return dns.pod_fqdn(cluster, source) or ctx.hostname
    return ctx.hostname


def _node_kernel(ctx: Any) -> str:
    """uname's release: a container shares its node's kernel (the Node's ``kernelVersion``, as the
    kubelet reports it); the workstation and anything outside a node run the host's."""
    source, cluster = getattr(ctx, "source", None), getattr(ctx, "cluster", None)
    if cluster is None or source is None or getattr(source, "kind", "") not in ("pod", "node"):
        return HOST_KERNEL
    node_name = source.name
    if source.kind == "pod":
        pod = cluster.store.peek("Pod", source.namespace, source.name)
        node_name = ((pod or {}).get("spec") or {}).get("nodeName") or ""
    node = cluster.store.peek("Node", "", node_name) if node_name else None
    return (((node or {}).get("status") or {}).get("nodeInfo") or {}).get("kernelVersion") or HOST_KERNEL


def _nodename(ctx: Any) -> str:
    """uname's nodename: the pod sandbox's hostname (``dns.kernel_hostname``: the FQDN with
    ``setHostnameAsFQDN``, the node's for a hostNetwork pod) for a process in a pod, else the
    context's."""
    source, cluster = getattr(ctx, "source", None), getattr(ctx, "cluster", None)
    if cluster is not None and source is not None and getattr(source, "kind", "") == "pod":
        from .net import dns

        return dns.kernel_hostname(cluster, source) or ctx.hostname
    return ctx.hostname


def hostname(ctx: Any, argv: list[str], io: Any) -> int:
    flags, _ = _flags(argv)
    if "f" in flags or "--fqdn" in flags:
        io.out(_fqdn(ctx) + "\n")
    elif "i" in flags or "I" in flags:
        line = _hosts_line(ctx)
        io.out((line[0] if line else "") + ("\n" if "i" in flags else " \n"))
    elif "s" in flags:
        io.out(_nodename(ctx).split(".")[0] + "\n")
    elif "d" in flags:
        io.out(_fqdn(ctx).partition(".")[2] + "\n")
    else:
        io.out(_nodename(ctx) + "\n")
    return 0


def id_(ctx: Any, argv: list[str], io: Any) -> int:
    flags, _ = _flags(argv)
    if "u" in flags:
        io.out("root\n" if "n" in flags else "0\n")
    elif "g" in flags:
        io.out("root\n" if "n" in flags else "0\n")
    else:
        io.out("uid=0(root) gid=0(root) groups=0(root)" + (",10(wheel)" if _bb(ctx) else "") + "\n")
    return 0


def whoami(ctx: Any, argv: list[str], io: Any) -> int:
    io.out("root\n")
    return 0


def uname(ctx: Any, argv: list[str], io: Any) -> int:
    flags, _ = _flags(argv)
    kernel, release, version = "Linux", _node_kernel(ctx), HOST_KERNEL_BUILD
    if "a" in flags:
        io.out(f"{kernel} {_nodename(ctx)} {release} {version} x86_64 GNU/Linux\n")
        return 0
    parts = []
    for f, v in (("s", kernel), ("n", _nodename(ctx)), ("r", release), ("v", version), ("m", "x86_64")):
        if f in flags:
            parts.append(v)
    io.out(" ".join(parts or [kernel]) + "\n")
    return 0


def nproc(ctx: Any, argv: list[str], io: Any) -> int:
    io.out("2\n")
    return 0


def ps(ctx: Any, argv: list[str], io: Any) -> int:
    procs = list(ctx.ps() if getattr(ctx, "ps", None) else [])
    procs.append(((procs[-1][0] if procs else 0) + 6, "root", list(argv)))  # ps itself
    if _bb(ctx):
        io.out("PID   USER     TIME  COMMAND\n")
        for pid, user, args in procs:
            io.out(f"{pid:>5} {user:<8.8} {'0:00':>5} {' '.join(args)}\n")
        return 0
    flags = "".join(argv[1:])
    if "e" in flags or "a" in flags or "x" in flags:
        if "u" in flags:
            io.out("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n")
            for pid, user, args in procs:
                io.out(f"{user:<10} {pid:>5}  0.0  0.1   4624  3712 ?        Ss   00:00   0:00 {' '.join(args)}\n")
            return 0
        io.out("    PID TTY          TIME CMD\n")
        for pid, _, args in procs:
            io.out(f"{pid:>7} ?        00:00:00 {posixpath.basename(args[0]) if args else ''}\n")
        return 0
    io.out("    PID TTY          TIME CMD\n")
    for pid, _, args in procs[-2:]:
        io.out(f"{pid:>7} pts/0    00:00:00 {posixpath.basename(args[0]) if args else ''}\n")
    return 0


def _df_rows(ctx: Any) -> list[tuple[str, int, int, str]]:
    """(device, size, used, mount point) of the mounts ``df`` shows (pseudo filesystems of size 0 left out)."""
    rows = []
    for m in ctx.fs.mounts():
        tree = m.tree
        size = tree.size
        if not size:
            continue
        # a tmpfs holds just its files; the node's disk (overlay root, bind mounts, disk volumes)
        # shows the same figures wherever it is mounted
        used = tree.used() if tree.fstype == "tmpfs" else getattr(tree, "base_used", 0) or tree.used()
        rows.append((m.device, size, min(used, size), m.path))
    return rows


def df(ctx: Any, argv: list[str], io: Any) -> int:
    flags, paths = _flags(argv)
    human = "h" in flags
    rows = _df_rows(ctx)
    if paths:  # the filesystem each operand is on: the mount with the longest prefix of its real path
        picked = []
        for p in paths:
            try:
                real = ctx.fs.realpath(_abs(ctx, p))
            except FsError as e:
                _err(ctx, io, "df", f"{p}: {e}", f"{p}: {e}")
                continue
            if not ctx.fs.exists(real):
                _err(ctx, io, "df", f"{p}: No such file or directory", f"{p}: No such file or directory")
                continue
            best = max((r for r in rows if real == r[3] or real.startswith(r[3].rstrip("/") + "/")),
                       key=lambda r: len(r[3]), default=None)
            if best is not None:
                picked.append(best)
        rows = picked
    if _bb(ctx):
        io.out("Filesystem           " + ("     Size" if human else "1K-blocks") +
               "      Used Available Use% Mounted on\n")
        for dev, size, used, path in rows:
            avail = size - used
            pct = (used * 100 + (used + avail) // 2) // (used + avail) if used + avail else 0

            def fmt(n: int) -> str:
                return _bb_human(n) if human else str(n // 1024)

            line = f"{dev:<20}"
            if len(dev) > 20:
                line += "\n" + " " * 20
            io.out(f"{line} {fmt(size):>9} {fmt(used):>9} {fmt(avail):>9} {pct:>3}% {path}\n")
        return 0
    table = [("Filesystem", "Size" if human else "1K-blocks", "Used", "Avail" if human else "Available", "Use%",
              "Mounted on")]
    for dev, size, used, path in rows:
        avail = size - used
        pct = math.ceil(used * 100 / (used + avail)) if used + avail else 0

        def fmt(n: int) -> str:
            return _gnu_human(n) if human else str(math.ceil(n / 1024))

        table.append((dev, fmt(size), fmt(used), fmt(avail), f"{pct}%", path))
    # df.c's field_data: the columns' minimum widths (source 14, sizes 5, Use% 4)
    w = [max([len(r[i]) for r in table] + [(14, 5, 5, 5, 4)[i]]) for i in range(5)]
    for r in table:
        io.out(f"{r[0]:<{w[0]}} " + " ".join(f"{r[i]:>{w[i]}}" for i in range(1, 5)) + f" {r[5]}\n")
    return 0


def _bb_human(n: int) -> str:
    if n == 0:
        return "0"
    v = n / 1024
    for unit in "KMGTPE":
        if v < 1024 or unit == "E":
            return f"{v:.1f}{unit}"
        v /= 1024
    return str(n)


def _gnu_human(n: int) -> str:
    if n == 0:
        return "0"
    v = float(n)
    unit = ""
    for u in "KMGTPE":
        if v < 1024:
            break
        v /= 1024
        unit = u
    if not unit:
        return str(n)
    if v < 10:
        v = math.ceil(v * 10) / 10
        return f"{v:.1f}{unit}" if v < 10 else f"{math.ceil(v)}{unit}"
    return f"{math.ceil(v)}{unit}"


def mount(ctx: Any, argv: list[str], io: Any) -> int:
    for m in ctx.fs.mounts():
        opts = m.options or ("ro" if m.read_only or m.tree.read_only else "rw") + ",relatime"
        io.out(f"{m.device} on {m.path} type {m.device_type} ({opts})\n")
    return 0


def seq(ctx: Any, argv: list[str], io: Any) -> int:
    nums = argv[1:]
    try:
        vals = [int(x) for x in nums]
    except ValueError:
        io.err(f"seq: invalid number '{nums[0] if nums else ''}'\n")
        return 1
    if len(vals) == 1:
        first, step, last = 1, 1, vals[0]
    elif len(vals) == 2:
        first, step, last = vals[0], 1, vals[1]
    elif len(vals) == 3:
        first, step, last = vals
    else:
        io.err("seq: missing operand\n")
        return 1
    if step == 0:
        return 1
    io.out("".join(f"{i}\n" for i in range(first, last + (1 if step > 0 else -1), step)))
    return 0


def du(ctx: Any, argv: list[str], io: Any) -> int:
    flags, paths = _flags(argv)
    for p in paths or ["."]:
        try:
            files = ctx.fs.files_under(_abs(ctx, p))
        except FsError as e:
            _err(ctx, io, "du", f"{p}: {e}", f"cannot access '{p}': {e}")
            continue
        kb = sum(4 * math.ceil(len(d) / 4096) for d in files.values()) + 4
        io.out(f"{_human(kb * 1024) if 'h' in flags else kb}\t{p}\n")
    return 0


# -- tar (what kubectl cp runs in the container) ------------------------------------------------------
def _tar_header(name: str, size: int, mode: int, mtime: float, kind: str, link: str = "") -> bytes:
    """A POSIX ustar header block."""
    def octal(n: int, width: int) -> bytes:
        return f"{n:0{width - 1}o}".encode() + b"\0"

    prefix = ""
    if len(name.encode()) > 100 and "/" in name:
        prefix, name = name.rsplit("/", 1)
    head = (name.encode()[:100].ljust(100, b"\0") + octal(mode & 0o7777, 8) + octal(0, 8) + octal(0, 8)
            + octal(size, 12) + octal(int(mtime), 12) + b" " * 8 + kind.encode() + link.encode()[:100].ljust(100, b"\0")
            + b"ustar\x0000" + b"root".ljust(32, b"\0") + b"root".ljust(32, b"\0") + octal(0, 8) + octal(0, 8)
            + prefix.encode()[:155].ljust(155, b"\0"))
    head = head.ljust(512, b"\0")
    checksum = f"{sum(head):06o}".encode() + b"\0 "
    return head[:148] + checksum + head[156:]


def _tar_create(ctx: Any, io: Any, paths: list[str], base: str) -> tuple[bytes, int]:
    fs = ctx.fs
    out: list[bytes] = []
    status = 0
    told = False
    for p in paths:
        full = posixpath.normpath(posixpath.join(base, p)) if not p.startswith("/") else posixpath.normpath(p)
        member = p
        if member.startswith("/"):
            member = member.lstrip("/")
            if not told:
                io.err("tar: removing leading '/' from member names\n" if _bb(ctx)
                       else "tar: Removing leading `/' from member names\n")
                told = True
        try:
            fs.lstat(full)
        except FsError as e:
            io.err(f"tar: {p}: {e}\n" if _bb(ctx) else f"tar: {p}: Cannot stat: {e}\n")
            status = 1 if _bb(ctx) else 2
            continue
        stack = [(full, member.rstrip("/") or ".")]
        while stack:
            path, name = stack.pop()
            st = fs.lstat(path)
            if st.kind == "dir":
                out.append(_tar_header(name + "/", 0, st.mode, st.mtime, "5"))
                for child in reversed(fs.listdir(path)):
                    stack.append((posixpath.join(path, child), f"{name}/{child}"))
            elif st.kind == "link":
                out.append(_tar_header(name, 0, 0o777, st.mtime, "2", st.target))
            else:
                data = fs.read(path)
                out.append(_tar_header(name, len(data), st.mode, st.mtime, "0"))
                out.append(data + b"\0" * (-len(data) % 512))
    out.append(b"\0" * 1024)
    archive = b"".join(out)
    if not _bb(ctx):
        archive += b"\0" * (-len(archive) % 10240)  # GNU tar writes whole 10 KiB records
    if status and not _bb(ctx):
        io.err("tar: Exiting with failure status due to previous errors\n")
    return archive, status


def _tar_extract(ctx: Any, io: Any, data: bytes, base: str) -> int:
    fs = ctx.fs
    pos = 0
    while pos + 512 <= len(data):
        head = data[pos:pos + 512]
        pos += 512
        if not head.strip(b"\0"):
            break
        name = head[:100].rstrip(b"\0").decode("utf-8", "replace")
        prefix = head[345:500].rstrip(b"\0").decode("utf-8", "replace")
        if prefix:
            name = prefix + "/" + name
        size = int(head[124:136].strip(b"\0 ") or b"0", 8)
        mode = int(head[100:108].strip(b"\0 ") or b"644", 8)
        kind = head[156:157].decode() or "0"
        body = data[pos:pos + size]
        pos += size + (-size % 512)
        target = posixpath.normpath(posixpath.join(base, name.lstrip("/")))
        try:
            if kind == "5":
                fs.mkdir(target, parents=True)
            elif kind == "2":
                fs.symlink(head[157:257].rstrip(b"\0").decode(), target)
            elif kind in ("0", "\0"):
                parent = posixpath.dirname(target)
                if not fs.isdir(parent):
                    fs.mkdir(parent, parents=True)
                fs.write(target, body, mode=mode)
        except FsError as e:
            io.err(f"tar: can't open '{name}': {e}\n" if _bb(ctx) else f"tar: {name}: Cannot open: {e}\n")
            return 1 if _bb(ctx) else 2
    return 0


def tar(ctx: Any, argv: list[str], io: Any) -> int:
    """``tar cf - PATH…`` and ``tar xmf - -C DIR``: what ``kubectl cp`` runs in the container; the
    archive is bytes carried in the text stream as every program's output is: UTF-8, the bytes that
    are not UTF-8 as surrogate escapes (the REST exec stream encodes it back byte for byte)."""
    args = argv[1:]
    if args and not args[0].startswith("-"):
        args[0] = "-" + args[0]  # tar's old-style bundled first argument (``cf``)
    mode, file, base, paths = "", "-", _abs(ctx, "."), []
    i = 0
    while i < len(args):
        a = args[i]
        if a == "-C" and i + 1 < len(args):
            base = _abs(ctx, args[i + 1])
            i += 2
            continue
        if a.startswith("-") and len(a) > 1 and not a.startswith("--"):
            for j, ch in enumerate(a[1:]):
                if ch in "cxt":
                    mode = ch
                elif ch == "f":
                    rest = a[j + 2:]
                    file = rest if rest else (args[i + 1] if i + 1 < len(args) else "-")
                    if not rest:
                        i += 1
                    break
        elif not a.startswith("--"):
            paths.append(a)
        i += 1
    if file != "-":
        io.err("tar: only archives on stdin/stdout are simulated\n")
        return 2
    if mode == "c":
        if not paths:
            io.err("tar: empty archive\n" if _bb(ctx) else "tar: Cowardly refusing to create an empty archive\n")
            return 1 if _bb(ctx) else 2
        if not ctx.fs.isdir(base):
            io.err(f"tar: can't change directory to '{base}': No such file or directory\n")
            return 1
        archive, status = _tar_create(ctx, io, paths, base)
        io.out(archive.decode("utf-8", "surrogateescape"))
        return status
    if mode == "x":
        if not ctx.fs.isdir(base):
            if _bb(ctx):
                io.err(f"tar: can't change directory to '{base}': No such file or directory\n")
                return 1
            io.err(f"tar: {base}: Cannot open: No such file or directory\ntar: Error is not recoverable: exiting now\n")
            return 2
        return _tar_extract(ctx, io, io.read().encode("utf-8", "surrogateescape"), base)
    io.err("tar: need to specify one of -c, -t, -x\n" if _bb(ctx)
           else "tar: You must specify one of the '-Acdtrux', '--delete' or '--test-label' options\n")
    return 2


def _true(ctx: Any, argv: list[str], io: Any) -> int:
    return 0


def _false(ctx: Any, argv: list[str], io: Any) -> int:
    return 1


def pwd(ctx: Any, argv: list[str], io: Any) -> int:
    io.out(ctx.cwd + "\n")
    return 0


def free(ctx: Any, argv: list[str], io: Any) -> int:
    if _bb(ctx):
        io.out("              total        used        free      shared  buff/cache   available\n"
               "Mem:        4025040      912344      421224        3284     2691472     2866236\n"
               "Swap:             0           0           0\n")
    else:
        io.out("               total        used        free      shared  buff/cache   available\n"
               "Mem:         4025040      912344      421224        3284     2691472     2866236\n"
               "Swap:              0           0           0\n")
    return 0


COMMON: dict[str, Program] = {
    "cat": cat, "ls": ls, "touch": touch, "rm": rm, "mkdir": mkdir, "rmdir": rmdir, "cp": cp, "mv": mv, "ln": ln,
    "head": head, "tail": tail, "wc": wc, "grep": grep, "cut": cut, "sort": sort, "uniq": uniq, "tr": tr,
    "tee": tee, "base64": base64_, "date": date, "env": env, "printenv": printenv, "hostname": hostname,
    "id": id_, "whoami": whoami, "uname": uname, "nproc": nproc, "df": df, "mount": mount, "stat": stat,
    "chmod": chmod, "seq": seq, "true": _true, "false": _false, "basename": basename, "dirname": dirname,
    "readlink": readlink, "realpath": realpath, "find": find, "du": du, "pwd": pwd, "tar": tar,
}
def _builtin(name: str) -> Program:
    """A program that is also a shell builtin (``/bin/echo``, ``/bin/sleep``…): what ``kubectl exec
    POD -- echo hi`` or a container's ``command: [echo, …]`` runs — the builtin's own code."""

    def program(ctx: Any, argv: list[str], io: Any) -> Any:
        from . import sh

        return sh.BUILTINS[name](ctx, argv, io)

    program.__name__ = name
    return program


for _name in ("echo", "printf", "test", "[", "sleep", "kill"):
    COMMON[_name] = _builtin(_name)

# -- getent (glibc's libc-bin: nss/getent.c) -----------------------------------------------------------
GETENT_SEE = "Try `getent --help' or `getent --usage' for more information.\n"
GETENT_DATABASES = ("ahosts", "ahostsv4", "ahostsv6", "aliases", "ethers", "group", "gshadow", "hosts",
                    "initgroups", "netgroup", "networks", "passwd", "protocols", "rpc", "services", "shadow")


def _hosts_entries(ctx: Any) -> list[tuple[str, list[str]]]:
    """/etc/hosts as the files backend reads it: (address, names) per line, comments dropped."""
    try:
        text = ctx.fs.read_text("/etc/hosts")
    except (FsError, AttributeError):
        return []
    out = []
    for line in text.splitlines():
        fields = line.split("#", 1)[0].split()
        if len(fields) > 1:
            out.append((fields[0], fields[1:]))
    return out


def _inet(text: str, family: int) -> str | None:
    """inet_pton then inet_ntop: the address in its canonical text, or None if not of ``family``."""
    import ipaddress

    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return None
    return str(ip) if ip.version == family else None


def _hosts_by_name(ctx: Any, name: str, family: int) -> tuple[list[str], str, list[str]] | None:
    """gethostbyname2(name, AF_INET6 or AF_INET): /etc/hosts first (``multi on``: every matching
    line's address), then the cluster's DNS through the pod's resolv.conf (no AAAA records there).
    (addresses, official name, aliases) or None."""
    addrs: list[str] = []
    first: list[str] = []
    for addr, names in _hosts_entries(ctx):
        ip = _inet(addr, family)
        if ip is not None and name.lower() in (n.lower() for n in names):
            if not addrs:
                first = names
            addrs.append(ip)
    if addrs:
        return addrs, first[0], first[1:]
    cluster = getattr(ctx, "cluster", None)
    if family != 4 or cluster is None:
        return None
    from .net import dns

    ans = dns.lookup(cluster, name, pod=getattr(ctx, "source", None))
    if ans.nxdomain or not ans.addresses:
        return None
    if ans.fqdn == name and _inet(name, 4):
        return None
    chain = [ans.fqdn, *ans.cname]  # getanswer: each CNAME owner becomes an alias of the final name
    return list(ans.addresses), chain[-1], chain[:-1]


def _hosts_by_addr(ctx: Any, ip: str, family: int) -> tuple[list[str], str, list[str]] | None:
    for addr, names in _hosts_entries(ctx):
        if _inet(addr, family) == ip:
            return [ip], names[0], names[1:]
    cluster = getattr(ctx, "cluster", None)
    if family != 4 or cluster is None:
        return None
    from .net import dns

    ans = dns.lookup(cluster, ".".join(reversed(ip.split("."))) + ".in-addr.arpa.",
                     pod=getattr(ctx, "source", None), qtype="PTR")
    if ans.nxdomain or not ans.ptr:
        return None
    return [ip], ans.ptr[0].rstrip("."), []


def _print_hosts(io: Any, entry: tuple[list[str], str, list[str]]) -> None:
    addrs, name, aliases = entry
    for ip in addrs:
        io.out(f"{ip:<15} {name}" + "".join(" " + a for a in aliases) + "\n")


def _getent_db(ctx: Any, path: str, fallback: str) -> list[list[str]]:
    try:
        text = ctx.fs.read_text(path)
    except (FsError, AttributeError):
        text = fallback
    return [line.split(":") for line in text.splitlines() if line and not line.startswith("#")]


def getent(ctx: Any, argv: list[str], io: Any) -> int:
    """``getent DATABASE [KEY...]`` as glibc's: ``hosts`` (an address is a reverse lookup, a name
    gethostbyname2's AF_INET6 then AF_INET — so ``localhost`` answers ``::1`` — each entry printed
    ``%-15s name aliases``; no key: every /etc/hosts entry), ``passwd``/``group``/``shadow`` (a key
    is a name, or an id when numeric); exit 2 when a key is not found, 1 for an unknown database."""
    args = [a for a in argv[1:] if a != "--"]
    if not args:
        io.err("getent: wrong number of arguments\n")
        io.out(GETENT_SEE)
        return 1
    db, keys = args[0], args[1:]
    if db not in GETENT_DATABASES:
        io.err(f"Unknown database: {db}\n")
        io.out(GETENT_SEE)
        return 1
    status = 0
    if db in ("hosts", "ahosts", "ahostsv4", "ahostsv6"):
        if not keys:
            for addr, names in _hosts_entries(ctx):
                ip = _inet(addr, 4) or _inet(addr, 6)
                if ip is not None:
                    _print_hosts(io, ([ip], names[0], names[1:]))
            return 0
        for key in keys:
            if _inet(key, 6):
                entry = _hosts_by_addr(ctx, _inet(key, 6) or key, 6)
            elif _inet(key, 4):
                entry = _hosts_by_addr(ctx, key, 4)
            elif db == "ahostsv4":
                entry = _hosts_by_name(ctx, key, 4)
            else:
                entry = _hosts_by_name(ctx, key, 6) or _hosts_by_name(ctx, key, 4)
            if entry is None:
                status = 2
            elif db == "hosts":
                _print_hosts(io, entry)
            else:  # getaddrinfo's view: a line per address and socket type, the canonical name once
                for n, ip in enumerate(entry[0]):
                    io.out(f"{ip:<15} STREAM {entry[1] if n == 0 else ''}\n{ip:<15} DGRAM  \n{ip:<15} RAW    \n")
        return status
    files = {"passwd": ("/etc/passwd", 2), "group": ("/etc/group", 2), "shadow": ("/etc/shadow", -1),
             "gshadow": ("/etc/gshadow", -1)}
    if db not in files:
        return 2 if keys else 0
    path, id_field = files[db]
    rows = _getent_db(ctx, path, "")
    if not keys:
        io.out("".join(":".join(r) + "\n" for r in rows))
        return 0
    for key in keys:
        by_id = key.isdigit() and id_field >= 0
        row = next((r for r in rows if len(r) > max(id_field, 0) and
                    (r[id_field] == str(int(key)) if by_id else r[0] == key)), None)
        if row is None:
            status = 2
        else:
            io.out(":".join(row) + "\n")
    return status


#: what busybox has and a slim Debian image does not (procps' ps and free are not installed there)
BUSYBOX_ONLY: dict[str, Program] = {"ps": ps, "free": free}
PROCPS: dict[str, Program] = {"ps": ps, "free": free}
#: glibc's own tools, in every Debian/Ubuntu/CentOS image (libc-bin)
GLIBC: dict[str, Program] = {"getent": getent}


def programs(dialect: str) -> dict[str, Program]:
    """The coreutils of an image whose userland is ``dialect``: ``busybox``, or ``bash``/``dash`` for a
    Debian-style image with GNU coreutils (without procps: an image that has it adds ``PROCPS``);
    with the text tools of each: busybox's ``sed``/``awk``/``xargs`` applets, or GNU sed, mawk and
    GNU xargs (``sed.py``, ``awk.py``, ``xargs.py`` in that dialect)."""
    from . import awk, sed, xargs

    out = dict(COMMON)
    if dialect == "busybox":
        out.update(BUSYBOX_ONLY)
        out.update({"sed": sed.program("busybox"), "awk": awk.program("busybox"), "xargs": xargs.program("busybox")})
    else:
        out.update(GLIBC)
        # Debian's sed and findutils; its awk is mawk (the ``awk`` alternative points at it)
        mawk = awk.program("mawk")
        out.update({"sed": sed.program("gnu"), "awk": mawk, "mawk": mawk, "xargs": xargs.program("gnu")})
    return out
