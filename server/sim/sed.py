"""``sed``, the stream editor, as GNU sed 4.9 (the workstation, Debian images) and busybox (busybox
images) run the scripts tutorials use.

Owns: ``program(dialect) -> Program`` (sh.py's ``(ctx, argv, io) -> int``; ``dialect`` ``gnu`` or
``busybox``: the error words differ) with ``-n``, ``-e SCRIPT`` (several join with newlines),
``-f FILE``, ``-E``/``-r``, ``-i[SUFFIX]`` (in place, through ``ctx.fs``), ``-s``; addresses (a line
number, ``$``, ``/regex/`` with ``I``, ``first~step``, ``addr1,addr2`` ranges, ``addr,+N``, ``!``);
the commands ``s`` (flags ``g``, ``p``, a number, ``I``/``i``; ``&``, ``\\1``–``\\9``, ``\\n`` and
``\\U``/``\\L``/``\\u``/``\\l``/``\\E`` in the replacement), ``p``, ``d``, ``q``/``Q`` [exit code],
``=``, ``a``/``i``/``c`` text, ``y/src/dst/``, ``{…}`` blocks, ``n``/``N``; and
``posix_regex(pattern, extended) -> str``: a POSIX BRE/ERE (bracket expressions with
``[:class:]``, ``\\+ \\? \\|`` in BRE, GNU's ``\\w \\s \\b \\< \\>``) in Python's ``re`` syntax — awk's
regular expressions go through it too. Errors are GNU's (``sed: -e expression #1, char 5:
unterminated `s' command``, ``sed: can't read f: No such file or directory`` exit 2).

Hands off: reading files is ``ctx.fs``'s; the shell does redirections.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

_CLASSES = {"alpha": "a-zA-Z", "digit": "0-9", "alnum": "a-zA-Z0-9", "upper": "A-Z", "lower": "a-z",
            "space": r" \t\n\r\f\v", "blank": r" \t", "punct": r"!-/:-@\[-`{-~", "xdigit": "0-9A-Fa-f",
            "print": r" -~", "graph": r"!-~", "cntrl": r"\x00-\x1f\x7f"}
_GNU_ESCAPES = {"w": r"\w", "W": r"\W", "s": r"\s", "S": r"\S", "b": r"\b", "B": r"\B", "<": r"\b(?=\w)",
                ">": r"\b(?<=\w)", "`": r"\A", "'": r"\Z", "n": "\n", "t": "\t"}


class SedError(Exception):
    """A script that does not compile: GNU's words (``-e expression #1, char N: …``) and busybox's."""

    def __init__(self, gnu: str, busybox: str = "") -> None:
        super().__init__(gnu)
        self.busybox = busybox or gnu

    def words(self, dialect: str) -> str:
        return self.busybox if dialect == "busybox" else str(self)


#: busybox sed's words for GNU's messages
_BUSYBOX = {"unknown option to `s'": "bad option in substitution expression", "missing command": "missing command",
            "unterminated address regex": "unmatched '/'"}


def _bracket(pattern: str, i: int) -> tuple[str, int]:
    """A bracket expression starting at ``pattern[i] == '['``: its Python form and the index after it."""
    j = i + 1
    out = ["["]
    if j < len(pattern) and pattern[j] == "^":
        out.append("^")
        j += 1
    first = True
    while j < len(pattern):
        ch = pattern[j]
        if ch == "]" and not first:
            out.append("]")
            return "".join(out), j + 1
        if ch == "[" and pattern.startswith("[:", j):
            end = pattern.find(":]", j + 2)
            if end > 0 and pattern[j + 2:end] in _CLASSES:
                out.append(_CLASSES[pattern[j + 2:end]])
                j = end + 2
                first = False
                continue
        out.append("\\" + ch if ch in "\\[]^" and not (ch == "^" and not first) or ch == "]" else ch)
        first = False
        j += 1
    raise SedError("unterminated address regex")


def posix_regex(pattern: str, extended: bool) -> str:
    """A POSIX regular expression (BRE, or ERE with ``extended``) as Python ``re`` syntax."""
    out: list[str] = []
    i = 0
    n = len(pattern)
    while i < n:
        ch = pattern[i]
        if ch == "[":
            text, i = _bracket(pattern, i)
            out.append(text)
            continue
        if ch == "\\" and i + 1 < n:
            nxt = pattern[i + 1]
            i += 2
            if not extended and nxt in "(){}|+?":
                out.append(nxt)
            elif nxt in _GNU_ESCAPES:
                out.append(_GNU_ESCAPES[nxt])
            elif nxt.isdigit():
                out.append("\\" + nxt)
            else:
                out.append(re.escape(nxt))
            continue
        i += 1
        if extended:
            out.append(ch if ch in "(){}|+?.*^$" else re.escape(ch))
        elif ch in "(){}|+?":
            out.append("\\" + ch)
        elif ch == "*" and (not out or out[-1] in ("^", "(")):
            out.append(r"\*")  # a leading * is literal in a BRE
        else:
            out.append(ch if ch in ".*^$" else re.escape(ch))
    return "".join(out)


# -- the script --------------------------------------------------------------------------------------
@dataclass
class Addr:
    kind: str  # "line" "last" "re" "step" "plus"
    value: Any = None
    step: int = 0


@dataclass
class Cmd:
    name: str
    a1: Addr | None = None
    a2: Addr | None = None
    negate: bool = False
    arg: Any = None
    # ranges: whether this command's range is active, and where it ends (addr,+N)
    active: bool = False
    end_line: int = 0
    block_end: int = 0  # "{": index of the matching "}"


@dataclass
class Subst:
    regex: re.Pattern
    repl: list  # [("lit", text) | ("group", n) | ("case", c)]
    glob: bool = False
    nth: int = 1
    print_: bool = False


@dataclass
class _Parser:
    text: str
    extended: bool
    pos: int = 0
    cmds: list[Cmd] = field(default_factory=list)
    #: the delimiter of the s/y command or address being read (busybox names it when unmatched)
    delim: str = "/"

    def error(self, msg: str, at: int | None = None) -> SedError:
        busybox = _BUSYBOX.get(msg, msg)
        if msg.startswith("unterminated `"):
            busybox = f"unmatched '{self.delim}'"
        elif msg.startswith("unknown command: `"):
            busybox = f"unsupported command {msg[18:-1]}"
        return SedError(f"-e expression #1, char {self.pos if at is None else at}: {msg}", busybox)

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def take(self) -> str:
        ch = self.peek()
        self.pos += 1
        return ch

    def skip_ws(self) -> None:
        while self.peek() in (" ", "\t"):
            self.pos += 1

    def number(self) -> int:
        start = self.pos
        while self.peek().isdigit():
            self.pos += 1
        return int(self.text[start:self.pos])

    def delimited(self, delim: str, what: str) -> str:
        """Text up to an unescaped ``delim`` (consumed); ``\\delim`` is the delimiter itself."""
        self.delim = delim
        out = []
        while True:
            if self.pos >= len(self.text) or self.peek() == "\n":
                self.pos = len(self.text) if self.pos >= len(self.text) else self.pos + 1
                raise self.error(f"unterminated {what}")
            ch = self.take()
            if ch == "\\" and self.pos < len(self.text):
                nxt = self.take()
                if nxt == delim:
                    out.append(delim if delim not in ".*[]^$\\+?(){}|/" or delim == "/" else "\\" + delim)
                elif nxt == "n":
                    out.append("\n")
                else:
                    out.append("\\" + nxt)
                continue
            if ch == "[" and what != "`y' command":
                # a bracket expression may hold the delimiter
                end = self.pos
                if end < len(self.text) and self.text[end] == "^":
                    end += 1
                if end < len(self.text) and self.text[end] == "]":
                    end += 1
                close = self.text.find("]", end)
                if close > 0 and "\n" not in self.text[self.pos:close]:
                    out.append("[" + self.text[self.pos:close + 1])
                    self.pos = close + 1
                    continue
            if ch == delim:
                return "".join(out)
            out.append(ch)

    def compile(self, pattern: str, flags: int) -> re.Pattern:
        try:
            return re.compile(posix_regex(pattern, self.extended), flags)
        except (re.error, SedError) as e:
            detail = "unterminated address regex" if isinstance(e, SedError) else "Invalid preceding regular expression"
            raise self.error(detail) from None

    def address(self) -> Addr | None:
        ch = self.peek()
        if ch.isdigit():
            n = self.number()
            if self.peek() == "~":
                self.pos += 1
                return Addr("step", n, self.number() if self.peek().isdigit() else 0)
            return Addr("line", n)
        if ch == "$":
            self.pos += 1
            return Addr("last")
        if ch in ("/", "\\"):
            self.pos += 1
            delim = "/" if ch == "/" else self.take()
            pattern = self.delimited(delim, "address regex")
            flags = 0
            while self.peek() in ("I", "M"):
                flags |= re.I if self.take() == "I" else re.M
            if pattern == "":
                raise self.error("no previous regular expression")
            return Addr("re", self.compile(pattern, flags))
        return None

    def text_arg(self) -> str:
        """``a text``, ``a\\`` + newline + text (GNU's one-liner form too)."""
        if self.peek() == "\\":
            self.pos += 1
            if self.peek() == "\n":
                self.pos += 1
        else:
            self.skip_ws()
        out = []
        while self.pos < len(self.text):
            ch = self.take()
            if ch == "\\" and self.pos < len(self.text):
                out.append(self.take())
                continue
            if ch == "\n":
                break
            out.append(ch)
        return "".join(out)

    def parse(self) -> list[Cmd]:
        opened: list[int] = []
        while True:
            while self.peek() in (" ", "\t", "\n", ";"):
                self.pos += 1
            if self.pos >= len(self.text):
                break
            if self.peek() == "#":
                while self.pos < len(self.text) and self.take() != "\n":
                    pass
                continue
            cmd = Cmd("")
            cmd.a1 = self.address()
            if cmd.a1 is not None and self.peek() == ",":
                self.pos += 1
                self.skip_ws()
                if self.peek() == "+":
                    self.pos += 1
                    cmd.a2 = Addr("plus", self.number() if self.peek().isdigit() else 0)
                else:
                    cmd.a2 = self.address()
                if cmd.a2 is None:
                    raise self.error("unexpected `,'")
            self.skip_ws()
            while self.peek() == "!":
                cmd.negate = True
                self.pos += 1
                self.skip_ws()
            if self.pos >= len(self.text):
                raise self.error("missing command")
            name = self.take()
            cmd.name = name
            if name == "{":
                opened.append(len(self.cmds))
                self.cmds.append(cmd)
                continue
            elif name == "}":
                if not opened or cmd.a1 is not None:
                    raise self.error("unexpected `}'")
                self.cmds[opened.pop()].block_end = len(self.cmds)
            elif name == "s":
                cmd.arg = self.subst()
            elif name == "y":
                delim = self.take()
                src = self.delimited(delim, "`y' command")
                dst = self.delimited(delim, "`y' command")
                src, dst = (s.replace("\\\\", "\\") for s in (src, dst))
                if len(src) != len(dst):
                    raise self.error("strings for `y' command are different lengths")
                cmd.arg = str.maketrans(src, dst)
            elif name in "aic":
                cmd.arg = self.text_arg()
                self.cmds.append(cmd)
                continue
            elif name in "qQ":
                self.skip_ws()
                cmd.arg = self.number() if self.peek().isdigit() else 0
            elif name in "pdnN=Dhgx":
                pass
            else:
                raise self.error(f"unknown command: `{name}'")
            self.cmds.append(cmd)
            self.skip_ws()
            if self.peek() not in ("", "\n", ";", "}", "#"):
                raise self.error("extra characters after command", self.pos + 1)
        if opened:
            raise self.error("unmatched `{'", 0)
        return self.cmds

    def subst(self) -> Subst:
        delim = self.take()
        if delim in ("", "\n", "\\"):
            raise self.error("unterminated `s' command")
        pattern = self.delimited(delim, "`s' command")
        repl_text = self.delimited(delim, "`s' command")
        sub = Subst(re.compile(""), [])
        flags = 0
        while self.peek() and self.peek() not in "\n;}# \t":
            ch = self.take()
            if ch == "g":
                sub.glob = True
            elif ch == "p":
                sub.print_ = True
            elif ch in "Ii":
                flags |= re.I
            elif ch == "m" or ch == "M":
                flags |= re.M
            elif ch.isdigit():
                self.pos -= 1
                sub.nth = self.number()
                if sub.nth == 0:
                    raise self.error("number option to `s' command may not be zero")
            else:
                raise self.error("unknown option to `s'")
        sub.regex = self.compile(pattern, flags) if pattern else re.compile("")
        sub.repl = _replacement(repl_text)
        return sub


def _replacement(text: str) -> list:
    out: list = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            nxt = text[i + 1]
            i += 2
            if nxt.isdigit():
                out.append(("group", int(nxt)))
            elif nxt in "ULulE":
                out.append(("case", nxt))
            elif nxt == "n":
                out.append(("lit", "\n"))
            elif nxt == "t":
                out.append(("lit", "\t"))
            else:
                out.append(("lit", nxt))
            continue
        if ch == "&":
            out.append(("group", 0))
        else:
            out.append(("lit", ch))
        i += 1
    return out


def _expand(repl: list, m: re.Match) -> str:
    out: list[str] = []
    mode = one = ""
    for kind, v in repl:
        if kind == "case":
            if v in "ul":
                one = v
            else:
                mode = "" if v == "E" else v
            continue
        text = v if kind == "lit" else (m.group(v) or "") if v <= (m.re.groups or 0) else ""
        if mode == "U":
            text = text.upper()
        elif mode == "L":
            text = text.lower()
        if one and text:
            text = (text[0].upper() if one == "u" else text[0].lower()) + text[1:]
            one = ""
        out.append(text)
    return "".join(out)


def substitute(sub: Subst, line: str) -> tuple[str, bool]:
    count = 0
    done = False
    pieces: list[str] = []
    pos = 0
    for m in sub.regex.finditer(line):
        count += 1
        if count < sub.nth or done:
            continue
        pieces.append(line[pos:m.start()])
        pieces.append(_expand(sub.repl, m))
        pos = m.end()
        if not sub.glob:
            done = True
    if pos == 0 and not pieces:
        return line, False
    pieces.append(line[pos:])
    return "".join(pieces), True


# -- running ----------------------------------------------------------------------------------------
class _Quit(Exception):
    def __init__(self, code: int, print_: bool) -> None:
        self.code, self.print_ = code, print_


def _matches(a: Addr, n: int, last: bool, line: str) -> bool:
    if a.kind == "line":
        return n == a.value
    if a.kind == "last":
        return last
    if a.kind == "step":
        return n == a.value if a.step <= 0 else n >= a.value and (n - a.value) % a.step == 0
    return bool(a.value.search(line))


def _selected(c: Cmd, n: int, last: bool, line: str) -> bool:
    if c.a1 is None:
        hit = True
    elif c.a2 is None:
        hit = _matches(c.a1, n, last, line)
    elif c.active:
        a2 = c.a2
        if a2.kind == "plus":
            end = n >= c.end_line
        elif a2.kind == "line":
            end = n >= a2.value
        else:
            end = _matches(a2, n, last, line)
        if end:
            c.active = False
        hit = True
    elif _matches(c.a1, n, last, line):
        hit = True
        a2 = c.a2
        if a2.kind == "plus":
            c.end_line = n + a2.value
            c.active = a2.value > 0
        elif a2.kind == "line":
            c.active = a2.value > n
        else:
            c.active = not last
    else:
        hit = False
    return hit != c.negate


def run_script(cmds: list[Cmd], lines: list[str], quiet: bool, out: Callable[[str], None],
               final_newline: bool = True) -> int:
    """Run the compiled script over ``lines`` (without their newlines); the exit status (``q N``)."""
    i = 0
    total = len(lines)
    for c in cmds:
        c.active = False
    while i < total:
        space = lines[i]
        i += 1
        appended: list[str] = []
        deleted = False
        pc = 0
        try:
            while pc < len(cmds):
                c = cmds[pc]
                pc += 1
                if c.name == "}":
                    continue
                if not _selected(c, i, i == total, space):
                    if c.name == "{":
                        pc = c.block_end + 1
                    continue
                name = c.name
                if name == "s":
                    space, changed = substitute(c.arg, space)
                    if changed and c.arg.print_:
                        out(space + "\n")
                elif name == "p":
                    out(space + "\n")
                elif name == "d":
                    deleted = True
                    break
                elif name == "=":
                    out(f"{i}\n")
                elif name == "a":
                    appended.append(c.arg + "\n")
                elif name == "i":
                    out(c.arg + "\n")
                elif name == "c":
                    if c.a2 is None or not c.active:
                        out(c.arg + "\n")
                    deleted = True
                    break
                elif name == "y":
                    space = space.translate(c.arg)
                elif name == "n":
                    if i >= total:
                        break
                    if not quiet:
                        out(space + "\n")
                    space = lines[i]
                    i += 1
                elif name == "N":
                    if i >= total:
                        break
                    space += "\n" + lines[i]
                    i += 1
                elif name in "qQ":
                    raise _Quit(c.arg, name == "q")
        except _Quit as q:
            if q.print_ and not quiet:
                out(space + "\n")
            for a in appended:
                out(a)
            return q.code
        if not deleted and not quiet:
            out(space + ("\n" if final_newline or i < total else ""))
        for a in appended:
            out(a)
    return 0


USAGE = """Usage: {prog} [OPTION]... {{script-only-if-no-other-script}} [input-file]...

  -n, --quiet, --silent
                 suppress automatic printing of pattern space
      --debug
                 annotate program execution
  -e script, --expression=script
                 add the script to the commands to be executed
  -f script-file, --file=script-file
                 add the contents of script-file to the commands to be executed
  --follow-symlinks
                 follow symlinks when processing in place
  -i[SUFFIX], --in-place[=SUFFIX]
                 edit files in place (makes backup if SUFFIX supplied)
  -l N, --line-length=N
                 specify the desired line-wrap length for the `l' command
  --posix
                 disable all GNU extensions.
  -E, -r, --regexp-extended
                 use extended regular expressions in the script
                 (for portability use POSIX -E).
  -s, --separate
                 consider files as separate rather than as a single,
                 continuous long stream.
      --sandbox
                 operate in sandbox mode (disable e/r/w commands).
  -u, --unbuffered
                 load minimal amounts of data from the input files and flush
                 the output buffers more often
  -z, --null-data
                 separate lines by NUL characters
      --help     display this help and exit
      --version  output version information and exit

If no -e, --expression, -f, or --file option is given, then the first
non-option argument is taken as the sed script to interpret.  All
remaining arguments are names of input files; if no input files are
specified, then the standard input is read.

GNU sed home page: <https://www.gnu.org/software/sed/>.
General help using GNU software: <https://www.gnu.org/gethelp/>.
"""


def _usage(prog: str) -> str:
    return USAGE.format(prog=prog)


def program(dialect: str = "gnu") -> Callable[[Any, list[str], Any], int]:
    """``sed`` in ``dialect`` (``gnu`` or ``busybox``)."""

    def sed(ctx: Any, argv: list[str], io: Any) -> int:
        return _sed(ctx, argv, io, dialect)

    return sed


def _sed(ctx: Any, argv: list[str], io: Any, dialect: str) -> int:
    quiet = extended = False
    in_place: str | None = None
    scripts: list[str] = []
    files: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            files.extend(args[i + 1:])
            break
        if a in ("-n", "--quiet", "--silent"):
            quiet = True
        elif a in ("-E", "-r", "--regexp-extended"):
            extended = True
        elif a in ("-s", "--separate", "-u", "--unbuffered", "-z"):
            pass
        elif a == "-e" or a == "--expression":
            if i + 1 >= len(args):
                io.err("sed: option requires an argument -- 'e'\n" + _usage("sed"))
                return 1
            scripts.append(args[i + 1])
            i += 1
        elif a.startswith("--expression="):
            scripts.append(a.split("=", 1)[1])
        elif a == "-f":
            data = _read(ctx, args[i + 1] if i + 1 < len(args) else "")
            if data is None:
                io.err(f"sed: couldn't open file {args[i + 1] if i + 1 < len(args) else ''}: "
                       "No such file or directory\n")
                return 1
            scripts.append(data.rstrip("\n"))
            i += 1
        elif a.startswith("-i") or a.startswith("--in-place"):
            in_place = a[2:] if a.startswith("-i") else a.partition("=")[2]
        elif a.startswith("-") and len(a) > 1 and a[1] != "-" and all(ch in "nErsu" for ch in a[1:]):
            quiet = quiet or "n" in a
            extended = extended or "E" in a or "r" in a
        elif a.startswith("-e") and len(a) > 2:
            scripts.append(a[2:])
        elif a.startswith("-") and a != "-":
            word = a[2:] if a.startswith("--") else a[1]
            io.err(f"sed: unrecognized option '{a}'\n" if a.startswith("--") else f"sed: invalid option -- '{word}'\n")
            io.err(_usage("sed"))
            return 1
        else:
            files.append(a)
        i += 1
    if not scripts:
        if not files:
            io.err(_usage("sed"))
            return 1
        scripts.append(files.pop(0))
    try:
        cmds = _Parser("\n".join(scripts), extended).parse()
    except SedError as e:
        io.err(f"sed: {e.words(dialect)}\n")
        return 1
    if in_place is not None:
        if not files:
            io.err("sed: no input files\n")
            return 1 if dialect == "busybox" else 4
        status = 0
        for f in files:
            path = ctx.resolve(f) if hasattr(ctx, "resolve") else f
            text = _read(ctx, f)
            if text is None:
                io.err(f"sed: can't read {f}: No such file or directory\n")
                status = 2
                continue
            buf: list[str] = []
            run_script(cmds, text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else [],
                       quiet, buf.append, text.endswith("\n"))
            if in_place:
                ctx.fs.write(path + in_place, text.encode())
            ctx.fs.write(path, "".join(buf).encode())
        return status
    texts: list[str] = []
    status = 0
    for f in files or ["-"]:
        text = io.read() if f == "-" else _read(ctx, f)
        if text is None:
            io.err(f"sed: can't read {f}: No such file or directory\n" if dialect != "busybox"
                   else f"sed: {f}: No such file or directory\n")
            status = 2 if dialect != "busybox" else 1
            continue
        texts.append(text)
    # GNU sed reads the files as one stream; a file without a final newline still ends its line
    lines: list[str] = []
    ends_newline = True
    for t in texts:
        if not t:
            continue
        parts = t.split("\n")
        ends_newline = t.endswith("\n")
        lines.extend(parts[:-1] if ends_newline else parts)
    code = run_script(cmds, lines, quiet, io.out, ends_newline)
    return code or status


def _read(ctx: Any, name: str) -> str | None:
    fs = getattr(ctx, "fs", None)
    if fs is None or not name:
        return None
    path = ctx.resolve(name) if hasattr(ctx, "resolve") else name
    try:
        return fs.read(path).decode("utf-8", "replace")
    except OSError:
        return None
    except Exception as e:  # the shells' small filesystems raise their own errors
        if hasattr(e, "errno_name"):
            return None
        raise
