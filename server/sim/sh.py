"""The POSIX shell every simulated process runs: a container's ``sh -c "…"`` main process, exec
probes, ``kubectl exec``, the pod shells and the workstation — one interpreter, in the words of
busybox ash, dash or bash (``ShContext.dialect``), checked against the real three
(tests/sim/test_sh.py runs each test script in them and here).

Owns: the grammar (``parse(text, dialect) -> Script``, cached by text, raising ``ShSyntaxError``
whose ``message(dialect, argv0, mode)`` is the shell's own), word expansion (quotes, ``$VAR``,
``${VAR…}`` operators, ``$((…))``, ``$(…)``/backticks, IFS field splitting, tilde, bash's
braces, globbing over ``ctx.fs``), the commands (pipelines, lists, ``if``/``while``/``until``/
``for``/``case``, functions, subshells, redirections and descriptors, here-documents, background
jobs) and the builtins (echo printf test/[ [[ read cd pwd sleep export unset set shift exit
return break continue eval exec ./source command type trap wait kill local readonly umask let).

Entry points: ``run(script, ctx, io)`` (a script: ``exit`` ends it), ``run_line(line, ctx, io)``
(one line of an interactive shell: ``exit`` raises ``ShellExit``), ``drive(gen, on_sleep)``
(run either to its end synchronously; ``on_sleep`` may raise ``Interrupt``), ``programs(dialect)``
/ ``shell_program(dialect)`` (``sh``/``bash`` as programs: ``sh -c 'script' [name args…]``,
``sh file``, a script on stdin — a new process with the exported environment only),
``timeout_program(dialect)`` (``timeout DURATION CMD`` over virtual time), ``needs_more(text)``
(whether an interactive shell would prompt with PS2 for the rest of a command).

Execution is a generator: ``run`` yields ``Sleep(seconds)`` whenever virtual time must pass
(``sleep``, a program that waits) and returns the exit status, so the kubelet can run ``touch
/tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600`` over its virtual clock and an
interactive shell can advance the clock.

Conventions (the shared interface):
- ``Program = Callable[[ShContext, list[str], Streams], int | Generator[Sleep, None, int]]``:
  an external command, found through ``ctx.lookup(name)``; ``argv[0]`` is the command word as
  typed (``cat`` or ``/bin/cat``), as ``execve`` gives it. A program reads its input with
  ``io.read()`` (all that is left) or ``io.readline()``, writes with ``io.out(text)`` /
  ``io.err(text)``, and treats ``ctx`` as read-only (``ctx.env`` is its environment, ``ctx.cwd``
  its working directory, ``ctx.fs`` its files). ``ctx.resolve(path)`` makes a path absolute.
- Files: redirections write bytes through ``ctx.fs.write(path, data, append=True)`` (``>``
  truncates first), read with ``ctx.fs.read``; an error's ``errno_name`` and ``str()`` give the
  shells' words. Without a filesystem (``ctx.fs`` None) output to a file is dropped.
- ``ctx.mode`` says how the shell read its text (``-c``, ``-c+`` when ``-c`` was given a ``$0``,
  ``file``, ``stdin``, ``interactive``): the shells number their error lines accordingly.
- Pipelines run their stages one after the other while each one's output fits its pipe
  (``PIPE_CAP``); a stage that fills it is paused and its reader runs it on as far as it reads
  (``_Pipes``), so big outputs stream and ``while :; do echo y; done | head -1`` ends with the
  writer's broken pipe (status 141). Each stage runs in a subshell (its variables do not leak),
  as in ash and dash.
- A background job (``cmd &``) runs beside the foreground on the same virtual time (it runs
  until its first sleep at once, then whenever its sleeps end, between the foreground's);
  ``$!`` is its pid, ``wait`` waits for it and returns its status, ``kill`` ends it. Jobs end
  when the run (or the interactive line) ends, as a container's processes end with PID 1.
- Runaway loops: after ``BUSY_STEPS`` steps without a sleep (a builtin is one step, an external
  program ``EXEC_STEPS``) the run yields ``Busy()`` (a ``Sleep`` of ``BUSY_SECONDS``: about what
  that much work costs a real CPU; a program that waits on the network should yield its own
  ``Sleep``), so a driver that treats every ``Sleep`` as time passing keeps a busy loop running
  in virtual time without hanging. ``drive`` gives up after ``max_busy`` of them in a row and
  ends the run as Ctrl-C would (status 130).
- Recursion: functions nested ``MAX_FUNCTION_DEPTH`` deep, or text nested past Python's stack,
  end the shell with ``SEGFAULT`` (139), as a real shell's stack overflow does.
- ``trap`` is remembered in ``ctx.traps`` (``"TERM"`` → command text) for the kubelet to honour
  (run it with ``run(ctx.traps["TERM"], ctx, io)``); the EXIT trap runs when ``run`` ends.
"""

from __future__ import annotations

import bisect
import operator
import re
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field, fields
from functools import lru_cache
from typing import Any

#: steps (commands; an external program counts EXEC_STEPS) run without a sleep before ``Busy``
BUSY_STEPS = 100_000
#: the virtual time that many commands cost
BUSY_SECONDS = 0.1
#: what running an external program costs, in steps (fork and exec: about a millisecond)
EXEC_STEPS = 1000
#: functions calling functions this deep end the shell as a stack overflow would (SIGSEGV)
MAX_FUNCTION_DEPTH = 100
#: the status of a shell killed by SIGSEGV (too deep a recursion, in functions or in the text)
SEGFAULT = 139
#: what a pipe holds before its writer pauses and its reader starts (see ``_Pipes``)
PIPE_CAP = 1 << 20
#: what one pipe carries at most before its writer gets a broken pipe
PIPE_TOTAL = 16 << 20
#: what a writer that does not pause may leave unread before it gets a broken pipe (one big write
#: into a pipe holding less passes whole: ``seq 1 2000000 | tail -1``)
PIPE_HOLD = 2 << 20
#: busy steps a reader may run a paused writer through before the writer gets a broken pipe
PIPE_BUSY = 10


# -- the interface --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Sleep:
    """Virtual time must pass before the run goes on."""

    seconds: float


@dataclass(frozen=True)
class Busy(Sleep):
    """The run has executed ``BUSY_STEPS`` commands without sleeping: a busy loop."""

    seconds: float = BUSY_SECONDS


def _discard(text: str) -> None:
    return None


class _Input:
    """A process's input: ``text`` from ``pos`` on is unread. A pipe's reading end also has
    ``more``, which runs the writing stage until it writes more (True) or has ended (False)."""

    __slots__ = ("text", "pos", "more", "_tail", "_tail_len")

    def __init__(self, text: str, more: Callable[[], bool] | None = None) -> None:
        self.text = text
        self.pos = 0
        self.more = more
        self._tail: list[str] = []  # written, not yet joined to ``text``
        self._tail_len = 0

    def fill(self) -> None:
        """Everything the writer will write (a read to the end waits for the writer's end)."""
        while self.more is not None and self.more():
            pass
        self.join()

    def append(self, data: str) -> None:
        self._tail.append(data)
        self._tail_len += len(data)

    def unread(self) -> int:
        return len(self.text) - self.pos + self._tail_len

    def join(self) -> None:
        """The written chunks joined to what is unread (once per read, not per write)."""
        if self._tail:
            self.text = "".join([self.text[self.pos:], *self._tail])
            self.pos = 0
            self._tail = []
            self._tail_len = 0


class Streams:
    """A process's standard input (text, consumed as it is read) and its two outputs.

    Streams derived with ``with_`` share the input unless they get their own: a ``read`` in a
    ``while read line; do …; done < file`` loop consumes the loop's input."""

    __slots__ = ("_in", "out", "err", "fds")

    def __init__(self, stdin: str = "", out: Callable[[str], None] | None = None,
                 err: Callable[[str], None] | None = None,
                 fds: dict[int, Callable[[str], None]] | None = None) -> None:
        self._in = stdin if isinstance(stdin, _Input) else _Input(stdin or "")
        self.out = out or _discard
        self.err = err or _discard
        #: output descriptors past 2 (``exec 3>&1``, ``>&3``)
        self.fds = fds or {}

    @property
    def stdin(self) -> str:
        """What is left of the input (without consuming it)."""
        self._in.fill()
        return self._in.text[self._in.pos:] if self._in.pos else self._in.text

    def read(self) -> str:
        """All that is left of the input, consumed."""
        text = self.stdin
        self._in.pos = len(self._in.text)
        return text

    def readline(self) -> str | None:
        """The next line with its newline (the last one may have none); None at the end."""
        inp = self._in
        inp.join()
        j = inp.text.find("\n", inp.pos)
        while j < 0 and inp.more is not None:
            seen = len(inp.text) - inp.pos
            if not inp.more():
                break
            inp.join()
            j = inp.text.find("\n", inp.pos + seen)
        inp.join()
        if inp.pos >= len(inp.text):
            return None
        j = len(inp.text) if j < 0 else j + 1
        line = inp.text[inp.pos:j]
        inp.pos = j
        return line

    def with_(self, *, stdin: str | _Input | None = None, out: Callable[[str], None] | None = None,
              err: Callable[[str], None] | None = None,
              fds: dict[int, Callable[[str], None]] | None = None) -> Streams:
        return Streams(self._in if stdin is None else stdin if isinstance(stdin, _Input) else _Input(stdin),
                       out or self.out, err or self.err,
                       self.fds if fds is None else fds)


Program = Callable[["ShContext", list[str], Streams], "int | Generator[Sleep, None, int]"]


class _Counter:
    __slots__ = ("steps", "pid", "seed")

    def __init__(self) -> None:
        self.steps = 0
        self.pid = 100
        self.seed = 1


@dataclass(slots=True)
class ShContext:
    """One shell process's state. Subshells, pipeline stages and command substitutions run in a
    copy (``child()``) sharing the filesystem, the cluster and the step counter. Slotted: every
    running container's main process has one (a dict of its 40 fields was a kilobyte a pod)."""

    env: dict[str, str] = field(default_factory=dict)
    vars: dict[str, str] = field(default_factory=dict)
    cwd: str = "/"
    fs: Any = None
    lookup: Callable[[str], Program | None] = field(default=lambda name: None)
    now: Callable[[], float] = field(default=lambda: 0.0)
    hostname: str = "localhost"
    ps: Callable[[], list[tuple[int, str, list[str]]]] | None = None
    dialect: str = "busybox"
    source: Any = None
    cluster: Any = None
    #: ``$0``: how the shell was invoked (``sh``, ``/bin/sh``, ``bash``)
    argv0: str = "sh"
    #: the positional parameters ``$1``…
    args: list[str] = field(default_factory=list)
    #: how the shell reads its commands: ``-c`` (a command string), ``-c+`` (one given a ``$0``),
    #: ``file``, ``stdin`` or ``interactive`` (error messages number their lines accordingly)
    mode: str = "-c"
    #: ``set`` options in effect (``e``, ``u``, ``x``, ``f``)
    options: set[str] = field(default_factory=set)
    functions: dict[str, Any] = field(default_factory=dict)
    #: signal name (``TERM``, ``EXIT``, ``INT`` …) → the trap's command text
    traps: dict[str, str] = field(default_factory=dict)
    readonly: set[str] = field(default_factory=set)
    pid: int = 1
    status: int = 0
    last_bg: int | None = None
    lineno: int = 1
    counter: _Counter = field(default_factory=_Counter)
    #: statuses of background jobs not waited for yet (pid → status)
    jobs: dict[int, int] = field(default_factory=dict)
    #: the ``local`` variables of the functions being run (name → the outer (var, env) values)
    frames: list[dict] = field(default_factory=list)
    #: how many loops enclose the command being run (``break`` outside one does nothing)
    loops: int = 0
    #: how many ``.`` files are being read (``return`` ends one)
    sourcing: int = 0
    #: how many conditions (if/while/until, the left of && ||) enclose the command: set -e is off
    cond: int = 0
    #: command substitutions run so far (an assignment's status is its last one's)
    subs: int = 0
    #: the streams an ``exec >file`` redirection gave the rest of the shell
    exec_io: Streams | None = None
    #: when the shell started (``$SECONDS``)
    started: float | None = None
    #: the background jobs of the run in progress
    sched: Any = None
    #: lines an interactive shell has read before the current one (dash numbers them on)
    line_base: int = 0
    #: command substitutions the shell is inside (bash's set -x shows them as ++)
    xdepth: int = 0
    #: ``alias`` name → its text (ash and dash expand them in scripts too, bash only interactively)
    aliases: dict[str, str] = field(default_factory=dict)
    #: the aliases being expanded (an alias is not expanded inside itself: alias ls='ls -l')
    expanding: frozenset = frozenset()
    #: the line of the top-level command being run, and where each alias was defined: the shells
    #: expand aliases as they read, so one applies from the line after its definition
    top_line: int = 0
    alias_lines: dict[str, int] = field(default_factory=dict)
    #: getopts' place between calls: (the OPTIND it left, the character within that argument)
    getopts: tuple[int, int] = (0, 1)
    #: the streams are a terminal (``ls`` lays out columns)
    tty: bool = False
    #: the CPUs of the process's node (nginx's ``worker_processes auto``); 0: not known
    cpus: int = 0

    # -- variables ------------------------------------------------------------------------------
    def get(self, name: str) -> str | None:
        v = self.vars.get(name)
        return self.env.get(name) if v is None else v

    def set(self, name: str, value: str) -> None:
        if name in self.readonly:
            raise ShError(f"{name}: " + ("readonly variable" if self.dialect == "bash" else "is read only"),
                          1 if self.dialect == "bash" else 2)
        if name in self.env:
            self.env[name] = value
        else:
            self.vars[name] = value

    def export(self, name: str, value: str | None = None) -> None:
        if value is None:
            value = self.vars.pop(name, None)
            if value is None:
                value = self.env.get(name)
            if value is None:
                self.vars.pop(name, None)
                self.env.setdefault(name, "")
                return
        self.vars.pop(name, None)
        self.env[name] = value

    def unset(self, name: str) -> None:
        self.vars.pop(name, None)
        self.env.pop(name, None)

    def resolve(self, path: str) -> str:
        """``path`` made absolute against the working directory, ``.``/``..`` resolved."""
        if not path.startswith("/"):
            path = (self.cwd.rstrip("/") or "") + "/" + path
        parts: list[str] = []
        for p in path.split("/"):
            if p in ("", "."):
                continue
            if p == "..":
                if parts:
                    parts.pop()
            else:
                parts.append(p)
        return "/" + "/".join(parts)

    def child(self) -> ShContext:
        c = ShContext.__new__(ShContext)
        for name, value in zip(_CONTEXT_FIELDS, _context_values(self), strict=True):
            setattr(c, name, value)
        c.env = dict(self.env)
        c.vars = dict(self.vars)
        c.args = list(self.args)
        c.options = set(self.options)
        c.functions = dict(self.functions)
        c.traps = dict(self.traps)
        c.readonly = set(self.readonly)
        c.jobs = {}
        c.frames = [dict(f) for f in self.frames]
        c.aliases = dict(self.aliases)
        c.alias_lines = dict(self.alias_lines)
        return c


_CONTEXT_FIELDS = tuple(f.name for f in fields(ShContext))
_context_values = operator.attrgetter(*_CONTEXT_FIELDS)


class ShError(Exception):
    """A shell error that ends a non-interactive shell (bad substitution, arithmetic, ``set -u``):
    its message follows the shell's ``sh: `` prefix."""

    def __init__(self, message: str, status: int = 2) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class ShSyntaxError(Exception):
    """The text does not parse. ``str()`` is busybox's message; ``message(dialect, argv0, mode)``
    any shell's."""

    def __init__(self, token: str, lineno: int, *, expecting: str | None = None, kind: str = "token",
                 text: str = "") -> None:
        self.token = token  # the unexpected token; "" for end of file
        self.lineno = lineno
        self.expecting = expecting
        self.kind = kind  # token | quote | brace (a ${ without }) | redir (an unexpected redirection) | forvar
        self.text = text  # the source line (bash prints it)
        super().__init__(self.message("busybox"))

    def message(self, dialect: str, argv0: str = "sh", mode: str = "-c") -> str:
        tok, exp, n = self.token, self.expecting, self.lineno
        if dialect == "bash":
            where = f"{argv0}: " if mode == "interactive" else (
                f"{argv0}: -c: line {n}: " if mode == "-c" else f"{argv0}: line {n}: ")
            if self.kind == "quote":
                return f"{where}unexpected EOF while looking for matching `{tok}'"
            if self.kind == "brace":
                return f"{where}unexpected EOF while looking for matching `}}'"
            if self.kind == "forvar":
                return f"{where}`{tok}': not a valid identifier"
            if not tok:
                return f"{where}syntax error: unexpected end of file"
            shown = "newline" if tok == "\n" else tok
            msg = f"{where}syntax error near unexpected token `{shown}'"
            if mode != "interactive" and self.text:
                msg += f"\n{where}`{self.text}'"
            return msg
        if dialect == "dash":
            where = f"{argv0}: {n}: "
            if self.kind == "quote":
                return f"{where}Syntax error: Unterminated quoted string"
            if self.kind == "brace":
                return f"{where}Syntax error: Missing '}}'"
            if self.kind == "redir":
                return f"{where}Syntax error: redirection unexpected"
            if self.kind == "forvar":
                return f"{where}Syntax error: Bad for loop variable"
            shown = "end of file" if not tok else "newline" if tok == "\n" else f'"{tok}"'
            return f"{where}Syntax error: {shown} unexpected" + _expecting(exp)
        where = f"{argv0}: line {n}: " if mode == "file" else f"{argv0}: line {n - 1}: " if mode == "-c+" \
            else f"{argv0}: "
        if self.kind == "quote":
            return f"{where}syntax error: unterminated quoted string"
        if self.kind == "brace":
            return f"{where}syntax error: missing '}}'"
        if self.kind == "redir":
            return f"{where}syntax error: unexpected redirection"
        if self.kind == "forvar":
            return f"{where}syntax error: bad for loop variable"
        shown = "end of file" if not tok else "newline" if tok == "\n" else f'"{tok}"'
        return f"{where}syntax error: unexpected {shown}" + _expecting(exp)


def _expecting(exp: str | None) -> str:
    return "" if not exp else " (expecting word)" if exp == "word" else f' (expecting "{exp}")'


# -- the syntax tree --------------------------------------------------------------------------------
# A word is a tuple of parts; a part is one of
#   ("lit", text, quoted)                  literal characters
#   ("param", name, op, arg, quoted)       $name ${name op arg}; op "" plain, "#" length
#   ("cmd", Script, quoted)                $(…) or `…`
#   ("arith", word, quoted)                $((…))
#   ("tilde", user)                        an unquoted leading ~ or ~user
@dataclass(frozen=True, slots=True)
class Word:
    parts: tuple
    raw: str
    #: the text when the word is plain unquoted literal characters (reserved-word checks)
    lit: str | None = None
    #: the one field the word always expands to (a literal with nothing to glob or brace-expand)
    static: str | None = None


@dataclass(slots=True)
class Redir:
    fd: int
    op: str  # > >> < <> >| >& <& &> &>> << <<-
    target: Word | None
    heredoc: Word | None = None


@dataclass(slots=True)
class Simple:
    assigns: list
    words: list
    redirs: list
    lineno: int


@dataclass(slots=True)
class Pipeline:
    cmds: list
    negate: bool


@dataclass(slots=True)
class AndOr:
    first: Any
    rest: list  # [(op, pipeline)]


@dataclass(slots=True)
class Seq:
    items: list  # [(and_or, background)]
    #: for a script's top level: the line each item starts on (aliases apply from the next line)
    lines: list | None = None


@dataclass(slots=True)
class Brace:
    body: Seq


@dataclass(slots=True)
class Subshell:
    body: Seq


@dataclass(slots=True)
class If:
    clauses: list  # [(cond, body)]
    orelse: Seq | None


@dataclass(slots=True)
class Loop:
    cond: Seq
    body: Seq
    until: bool


@dataclass(slots=True)
class For:
    var: str
    words: list | None
    body: Seq
    lineno: int


@dataclass(slots=True)
class DBracket:
    items: list  # [("w", Word) | ("op", "&&" "||" "(" ")" "<" ">")]
    lineno: int


@dataclass(slots=True)
class ArithCmd:
    word: Word
    lineno: int


@dataclass(slots=True)
class ArithFor:
    init: Word
    cond: Word
    step: Word
    body: Seq
    lineno: int


@dataclass(slots=True)
class Case:
    word: Word
    items: list  # [(patterns, body)]
    lineno: int


@dataclass(slots=True)
class FuncDef:
    name: str
    body: Any


@dataclass(slots=True)
class Redirected:
    node: Any
    redirs: list


@dataclass(slots=True)
class Script:
    body: Seq
    text: str
    #: a here-document ran to the end of the text without its delimiter line
    open_heredoc: bool = False


RESERVED = frozenset({"if", "then", "else", "elif", "fi", "do", "done", "case", "esac", "while", "until",
                      "for", "{", "}", "!", "in"})
_META = frozenset(" \t\n;&|<>()")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ASSIGN = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)=")
_ASSIGN_BASH = re.compile(r"([A-Za-z_][A-Za-z0-9_]*\+?)=")
_SPECIAL = frozenset("?$#@*!-0123456789")


# -- the parser -----------------------------------------------------------------------------------
class _Parser:
    def __init__(self, text: str, dialect: str, pos: int = 0, lines: list[int] | None = None) -> None:
        self.s = text
        self.n = len(text)
        self.i = pos
        self.dialect = dialect
        self.lines = lines if lines is not None else [m.start() for m in re.finditer("\n", text)]
        self.pending: list[tuple[Redir, str, bool, bool]] = []
        self._peeked: tuple | None = None
        self.open_heredoc = False

    # -- positions and errors --------------------------------------------------------------------
    def lineno(self, pos: int | None = None) -> int:
        return bisect.bisect_left(self.lines, self.i if pos is None else pos) + 1

    def line_text(self, pos: int) -> str:
        start = self.s.rfind("\n", 0, pos) + 1
        end = self.s.find("\n", pos)
        return self.s[start: self.n if end < 0 else end]

    def error(self, tok: tuple, expecting: str | None = None, *, word: bool = False) -> ShSyntaxError:
        """A syntax error at ``tok``; ``word``: a word was due there (bash reads the end of a ``-c``
        string as a newline then)."""
        kind, value, start = tok[0], tok[1], tok[4]
        if word and kind == "eof" and self.dialect == "bash":
            kind = "nl"
        if kind == "io":
            return ShSyntaxError(value[1], self.lineno(start), kind="redir", text=self.line_text(start))
        token = "" if kind == "eof" else "\n" if kind == "nl" else (value.raw if kind == "word" else value)
        return ShSyntaxError(token, self.lineno(start), expecting=expecting, text=self.line_text(start))

    # -- tokens ---------------------------------------------------------------------------------------
    def skip_blanks(self) -> None:
        s, n = self.s, self.n
        i = self.i
        while i < n:
            c = s[i]
            if c in " \t":
                i += 1
            elif c == "\\" and i + 1 < n and s[i + 1] == "\n":
                i += 2
            elif c == "#":
                j = s.find("\n", i)
                i = n if j < 0 else j
            else:
                break
        self.i = i

    _OPS = ("&&", "||", ";;", "<<<", "<<-", "<<", ">>", "<&", ">&", "<>", ">|", "&>>", "&>", ";", "&", "|", "(", ")",
            "<", ">")

    def peek(self) -> tuple:
        """(kind, value, start, end): kind op | word | nl | eof | io (a redirection with its fd)."""
        if self._peeked is not None and self._peeked[2] == self.i:
            return self._peeked
        save = self.i
        self.skip_blanks()
        start = self.i
        s = self.s
        if start >= self.n:
            tok: tuple = ("eof", None, start, start)
        elif s[start] == "\n":
            tok = ("nl", "\n", start, start + 1)
        else:
            tok = None  # type: ignore[assignment]
            j = start
            while j < self.n and s[j].isdigit():
                j += 1
            if j > start and j < self.n and s[j] in "<>":
                for op in self._OPS:
                    if s.startswith(op, j) and op[0] in "<>" and (op != "<<<" or self.dialect == "bash"):
                        tok = ("io", (int(s[start:j]), op), start, j + len(op))
                        break
            if tok is None:
                for op in self._OPS:
                    if s.startswith(op, start):
                        if (op.startswith("&>") or op == "<<<") and self.dialect != "bash":
                            continue
                        kind = "io" if op[0] in "<>" or op.startswith("&>") else "op"
                        tok = (kind, (None, op) if kind == "io" else op, start, start + len(op))
                        break
            if tok is None:
                word, end = self.word(start)
                tok = ("word", word, start, end)
        self.i = save
        self._peeked = (tok[0], tok[1], save, tok[3], start)
        return self._peeked

    def take(self) -> tuple:
        tok = self.peek()
        self.i = tok[3]
        self._peeked = None
        if tok[0] == "nl":
            self.read_heredocs()
        return tok

    def reserved(self, tok: tuple) -> str | None:
        return tok[1].lit if tok[0] == "word" and tok[1].lit in RESERVED else None

    def expect_word(self, word: str) -> None:
        tok = self.peek()
        if self.reserved(tok) != word:
            raise self.error(tok, word)
        self.take()

    def linebreak(self) -> None:
        while self.peek()[0] == "nl":
            self.take()

    # -- words ----------------------------------------------------------------------------------------
    def word(self, start: int) -> tuple[Word, int]:
        """The word at ``start``, up to an unquoted metacharacter."""
        s, n = self.s, self.n
        parts: list = []
        buf: list[str] = []
        i = start
        plain = True
        if s.startswith("~", i):
            j = i + 1
            while j < n and s[j] not in _META and s[j] not in "/\"'\\$`":
                j += 1
            if j >= n or s[j] in _META or s[j] == "/":
                parts.append(("tilde", s[i + 1:j]))
                plain = False
                i = j

        def flush(quoted: bool = False) -> None:
            if buf:
                parts.append(("lit", "".join(buf), quoted))
                buf.clear()

        while i < n:
            c = s[i]
            if c in _META:
                break
            if c == "\\":
                if i + 1 < n:
                    if s[i + 1] == "\n":
                        i += 2
                        plain = False
                        continue
                    flush()
                    parts.append(("lit", s[i + 1], True))
                    plain = False
                    i += 2
                    continue
                buf.append(c)
                i += 1
                continue
            if c == "'":
                j = s.find("'", i + 1)
                if j < 0:
                    raise ShSyntaxError("'", self.lineno(i), kind="quote")
                flush()
                parts.append(("lit", s[i + 1:j], True))
                plain = False
                i = j + 1
                continue
            if c == '"':
                flush()
                sub, i = self.dquoted(i + 1)
                parts.append(("lit", "", True))
                parts.extend(sub)
                plain = False
                continue
            j = self._expansion(i, False, parts, buf)
            if j is not None:
                plain = False
                i = j
                continue
            buf.append(c)
            i += 1
        flush()
        raw = s[start:i]
        lit = raw if plain else None
        static = lit if lit is not None and not _GLOBBY.search(lit) and not (
            self.dialect == "bash" and "{" in lit) else None
        return Word(tuple(parts), raw, lit, static), i

    def dquoted(self, i: int) -> tuple[list, int]:
        """The inside of "…" from ``i``: its parts (all quoted) and the index after the closing quote."""
        parts, i = self._expanding(i, '"', '$`"\\\n')
        return parts, i + 1

    def heredoc_word(self, text: str) -> Word:
        """A here-document's body with an unquoted delimiter: expanded as inside double quotes, but
        a backslash escapes only ``$``, ````` ``, ``\\`` and a newline (not ``"``)."""
        parts, _ = _Parser(text, self.dialect)._expanding(0, None, "$`\\\n")
        return Word(tuple(parts), text)

    def _expanding(self, i: int, close: str | None, escapable: str) -> tuple[list, int]:
        """Quoted text from ``i`` up to ``close`` (the end of the text when None): literal runs and
        the ``$…``/backquote expansions in it, all quoted; the index of ``close``. A backslash before
        one of ``escapable`` keeps that character (a newline: nothing), elsewhere it stays."""
        s, n = self.s, self.n
        parts: list = []
        buf: list[str] = []
        start = i
        while True:
            if i >= n:
                if close is None:
                    break
                raise ShSyntaxError(close, self.lineno(start), kind="quote")
            c = s[i]
            if c == close:
                break
            if c == "\\" and i + 1 < n and s[i + 1] in escapable:
                if s[i + 1] != "\n":
                    buf.append(s[i + 1])
                i += 2
                continue
            j = self._expansion(i, True, parts, buf)
            if j is not None:
                i = j
                continue
            buf.append(c)
            i += 1
        if buf:
            parts.append(("lit", "".join(buf), True))
        return parts, i

    def _expansion(self, i: int, quoted: bool, parts: list, buf: list[str]) -> int | None:
        """The ``$…``/backquote step of both scanners (unquoted words and quoted text): at ``i`` an
        expansion ends the literal run in ``buf`` (a part, ``quoted`` as the text around it) and is
        added after it; the index after it, or None when there is none (not ``$``/backquote, or a
        lone ``$``: the caller keeps the character)."""
        if self.s[i] not in "$`":
            return None
        part, j = self.dollar(i, quoted)
        if part is None:
            return None
        if buf:
            parts.append(("lit", "".join(buf), quoted))
            buf.clear()
        parts.append(part)
        return j

    def dollar(self, i: int, quoted: bool) -> tuple[tuple | None, int]:
        """The expansion at ``i`` (``$…`` or a backquote): (part, end), or (None, i) for a lone $."""
        s, n = self.s, self.n
        if s[i] == "`":
            j, buf = i + 1, []
            while True:
                if j >= n:
                    raise ShSyntaxError("`", self.lineno(i), kind="quote")
                c = s[j]
                if c == "`":
                    break
                if c == "\\" and j + 1 < n and s[j + 1] in "$`\\" + ('"' if quoted else ""):
                    buf.append(s[j + 1])
                    j += 2
                    continue
                buf.append(c)
                j += 1
            return ("cmd", parse("".join(buf), self.dialect), quoted), j + 1
        if i + 1 >= n:
            return None, i
        c = s[i + 1]
        if c == "'" and self.dialect in ("bash", "busybox"):
            j = i + 2
            while j < n and s[j] != "'":
                j += 2 if s[j] == "\\" else 1
            if j >= n:
                raise ShSyntaxError("'", self.lineno(i), kind="quote")
            text, _ = _escapes(s[i + 2:j].replace("\\'", "'").replace('\\"', '"'), octal0=False)
            return ("lit", text, True), j + 1
        if c == "(":
            if s.startswith("((", i + 1):
                end = self._arith_end(i + 3)
                if end is not None:
                    inner = _Parser(s[i + 3:end], self.dialect)
                    w = inner.heredoc_word(s[i + 3:end])
                    return ("arith", w, quoted), end + 2
            sub = _Parser(s, self.dialect, i + 2, self.lines)
            body = sub.seq({")"})
            tok = sub.peek()
            if tok[0] != "op" or tok[1] != ")":
                raise sub.error(tok, ")")
            script = Script(body, s[i + 2:sub.peek()[4]])
            return ("cmd", script, quoted), tok[3]
        if c == "{":
            return self.braced(i, quoted)
        if c in _SPECIAL:
            return ("param", c, "", None, quoted), i + 2
        m = _NAME.match(s, i + 1)
        if m:
            return ("param", m.group(), "", None, quoted), m.end()
        return None, i

    def _arith_end(self, i: int) -> int | None:
        depth, s, n = 0, self.s, self.n
        while i < n:
            c = s[i]
            if c == "(":
                depth += 1
            elif c == ")":
                if depth == 0:
                    return i if s.startswith("))", i) else None
                depth -= 1
            i += 1
        return None

    _OPS_PARAM = (":-", ":=", ":?", ":+", "-", "=", "?", "+", "##", "#", "%%", "%", "//", "/", ":")

    def brace_end(self, i: int) -> int:
        """The index of the ``}`` closing the ``${`` at ``i`` (quotes and nested ``${…}`` skipped)."""
        s, n = self.s, self.n
        j, depth = i + 2, 1
        while j < n:
            c = s[j]
            if c == "\\":
                j += 2
                continue
            if c == "'":
                k = s.find("'", j + 1)
                j = n if k < 0 else k + 1
                continue
            if c == "{":
                depth += 1
            elif c == "}":
                depth -= 1
                if depth == 0:
                    return j
            j += 1
        raise ShSyntaxError("}", self.lineno(i), kind="brace")

    def braced(self, i: int, quoted: bool) -> tuple[tuple, int]:
        """``${…}``; a malformed one is an error when it is expanded ("bad substitution"), as in
        the shells, and a missing ``}`` one when it is read."""
        s, n = self.s, self.n
        end = self.brace_end(i)
        bad = ("bad", s[i:end + 1], quoted), end + 1
        j = i + 2
        length = False
        if j < n and s[j] == "#" and j + 1 < n and s[j + 1] not in "}":
            length = True
            j += 1
        m = _NAME.match(s, j)
        if m:
            name, j = m.group(), m.end()
        elif j < n and s[j] in _SPECIAL:
            name, j = s[j], j + 1
            while name.isdigit() and j < n and s[j].isdigit():
                name, j = name + s[j], j + 1
        else:
            return bad
        if length:
            if j != end:
                return bad
            return ("param", name, "len", None, quoted), j + 1
        if j == end:
            return ("param", name, "", None, quoted), j + 1
        for op in self._OPS_PARAM:
            if s.startswith(op, j):
                if op in ("//", "/", ":") and self.dialect == "dash":
                    continue
                j += len(op)
                break
        else:
            return bad
        arg, j = self.param_arg(j, quoted)
        return ("param", name, op, arg, quoted), j + 1

    def param_arg(self, i: int, quoted: bool) -> tuple[Word, int]:
        s, n = self.s, self.n
        parts: list = []
        buf: list[str] = []
        start = i
        while True:
            if i >= n:
                raise ShSyntaxError("}", self.lineno(start), kind="brace")
            c = s[i]
            if c == "}":
                break
            if c == "\\" and i + 1 < n:
                if buf:
                    parts.append(("lit", "".join(buf), quoted))
                    buf.clear()
                parts.append(("lit", s[i + 1], True))
                i += 2
                continue
            if c == "'" and not quoted:
                j = s.find("'", i + 1)
                if j < 0:
                    raise ShSyntaxError("'", self.lineno(i), kind="quote")
                if buf:
                    parts.append(("lit", "".join(buf), quoted))
                    buf.clear()
                parts.append(("lit", s[i + 1:j], True))
                i = j + 1
                continue
            if c == '"':
                if buf:
                    parts.append(("lit", "".join(buf), quoted))
                    buf.clear()
                sub, i = self.dquoted(i + 1)
                parts.append(("lit", "", True))
                parts.extend(sub)
                continue
            if c == "$" or c == "`":
                part, j = self.dollar(i, quoted)
                if part is not None:
                    if buf:
                        parts.append(("lit", "".join(buf), quoted))
                        buf.clear()
                    parts.append(part)
                    i = j
                    continue
            buf.append(c)
            i += 1
        if buf:
            parts.append(("lit", "".join(buf), quoted))
        return Word(tuple(parts), s[start:i]), i

    # -- here-documents ------------------------------------------------------------------------
    def read_heredocs(self) -> None:
        s = self.s
        for redir, delim, strip, quoted in self.pending:
            body: list[str] = []
            i = self.i
            found = False
            while i < self.n:
                j = s.find("\n", i)
                line = s[i: self.n if j < 0 else j]
                i = self.n if j < 0 else j + 1
                if strip:
                    line = line.lstrip("\t")
                if line == delim:
                    found = True
                    break
                body.append(line + "\n")
            if not found:
                self.open_heredoc = True
            self.i = i
            text = "".join(body)
            redir.heredoc = Word((("lit", text, True),), text) if quoted else self.heredoc_word(text)
        self.pending = []
        self._peeked = None

    # -- the grammar ---------------------------------------------------------------------------------
    def program(self) -> Seq:
        body = self.seq(set(), top=True)
        tok = self.peek()
        if tok[0] != "eof":
            raise self.error(tok)
        if self.pending:
            self.read_heredocs()
        return body

    def seq(self, ends: set[str], top: bool = False) -> Seq:
        """A compound list up to a reserved word of ``ends``, a ``)``/``;;`` or the end."""
        items: list = []
        lines: list[int] | None = [] if top else None
        self.linebreak()
        while True:
            tok = self.peek()
            if tok[0] == "eof":
                break
            if tok[0] == "op" and tok[1] in (")", ";;"):
                break
            r = self.reserved(tok)
            if r is not None and r in ends:
                break
            if lines is not None:
                lines.append(self.lineno(tok[4]))
            node = self.and_or()
            tok = self.peek()
            bg = False
            if tok[0] == "op" and tok[1] in (";", "&"):
                bg = tok[1] == "&"
                self.take()
                items.append((node, bg))
                self.linebreak()
                continue
            items.append((node, bg))
            if tok[0] == "nl":
                self.linebreak()
                continue
            break
        return Seq(items, lines)

    def nonempty(self, ends: set[str], expecting: str) -> Seq:
        body = self.seq(ends)
        if not body.items:
            raise self.error(self.peek(), expecting if self.peek()[0] == "eof" else None)
        return body

    def and_or(self) -> Any:
        first = self.pipeline()
        rest = []
        while True:
            tok = self.peek()
            if tok[0] == "op" and tok[1] in ("&&", "||"):
                self.take()
                self.linebreak()
                rest.append((tok[1], self.pipeline()))
            else:
                break
        return AndOr(first, rest) if rest else first

    def pipeline(self) -> Any:
        negate = False
        while self.reserved(self.peek()) == "!":
            self.take()
            negate = not negate
        cmds = [self.command()]
        while True:
            tok = self.peek()
            if tok[0] == "op" and tok[1] == "|":
                self.take()
                self.linebreak()
                cmds.append(self.command())
            else:
                break
        return Pipeline(cmds, negate) if negate or len(cmds) > 1 else cmds[0]

    def command(self) -> Any:
        tok = self.peek()
        r = self.reserved(tok)
        node: Any
        if tok[0] == "op" and tok[1] == "(" and self.dialect == "bash" and self.s.startswith("((", tok[4]):
            end = self._arith_end(tok[4] + 2)
            if end is not None:
                text = self.s[tok[4] + 2:end]
                self.i = end + 2
                self._peeked = None
                node = ArithCmd(_Parser(text, self.dialect).heredoc_word(text), self.lineno(tok[4]))
                redirs = self.redirections()
                return Redirected(node, redirs) if redirs else node
        if tok[0] == "op" and tok[1] == "(":
            self.take()
            body = self.nonempty(set(), ")")
            t = self.peek()
            if t[0] != "op" or t[1] != ")":
                raise self.error(t, ")")
            self.take()
            node = Subshell(body)
        elif r == "{":
            self.take()
            body = self.nonempty({"}"}, "}")
            self.expect_word("}")
            node = Brace(body)
        elif tok[0] == "word" and tok[1].lit == "[[" and self.dialect != "dash":
            node = self.dbracket()
        elif r == "if":
            node = self.if_clause()
        elif r in ("while", "until"):
            self.take()
            cond = self.nonempty({"do"}, "do")
            self.expect_word("do")
            body = self.nonempty({"done"}, "done")
            self.expect_word("done")
            node = Loop(cond, body, r == "until")
        elif r == "for":
            node = self.for_clause()
        elif r == "case":
            node = self.case_clause()
        elif r is not None and r != "in":
            raise self.error(tok)
        else:
            return self.simple()
        redirs = self.redirections()
        return Redirected(node, redirs) if redirs else node

    def dbracket(self) -> DBracket:
        """``[[ … ]]``: its words and its own operators (``&&``, ``||``, ``!``, ``(``, ``)``, ``<``,
        ``>`` are part of the expression, not of the command line)."""
        lineno = self.lineno(self.peek()[4])
        self.take()
        items: list = []
        while True:
            tok = self.peek()
            if tok[0] == "word":
                self.take()
                if tok[1].lit == "]]":
                    return DBracket(items, lineno)
                items.append(("w", tok[1]))
            elif tok[0] == "op" and tok[1] in ("&&", "||", "(", ")"):
                self.take()
                items.append(("op", tok[1]))
            elif tok[0] == "io" and tok[1][0] is None and tok[1][1] in ("<", ">"):
                self.take()
                items.append(("op", tok[1][1]))
            elif tok[0] == "nl":
                self.take()
            else:
                raise self.error(tok, word=True)

    def redirections(self) -> list:
        out = []
        while self.peek()[0] == "io":
            out.append(self.redirection())
        return out

    def redirection(self) -> Redir:
        tok = self.take()
        fd, op = tok[1]
        if op.startswith("<<") and op != "<<<":
            t = self.peek()
            if t[0] != "word":
                raise self.error(t, word=True)
            self.take()
            w: Word = t[1]
            delim = "".join(p[1] if p[0] == "lit" else "" for p in w.parts) if w.lit is None else w.lit
            quoted = w.lit is None
            r = Redir(0 if fd is None else fd, op, None)
            self.pending.append((r, delim, op == "<<-", quoted))
            return r
        t = self.peek()
        if t[0] != "word":
            raise self.error(t, word=True)
        self.take()
        default = 0 if op[0] == "<" else 1
        return Redir(default if fd is None else fd, op, t[1])

    def simple(self) -> Any:
        lineno = self.lineno(self.peek()[4])
        assigns: list = []
        words: list = []
        redirs: list = []
        while True:
            tok = self.peek()
            if tok[0] == "io":
                redirs.append(self.redirection())
                continue
            if tok[0] != "word":
                break
            w: Word = tok[1]
            if not words:
                m = (_ASSIGN_BASH if self.dialect == "bash" else _ASSIGN).match(w.raw)
                if m and w.parts and w.parts[0][0] == "lit" and not w.parts[0][2] \
                        and w.parts[0][1].startswith(m.group()):
                    self.take()
                    first = ("lit", w.parts[0][1][m.end():], False)
                    value = Word(((first,) if first[1] else ()) + w.parts[1:], w.raw[m.end():])
                    assigns.append((m.group(1), value))
                    continue
            self.take()
            words.append(w)
            if len(words) == 1 and w.lit is not None and _NAME.fullmatch(w.lit):
                t = self.peek()
                if t[0] == "op" and t[1] == "(" and self.s.startswith(")", self._after_blanks(t[3])):
                    self.i = self._after_blanks(t[3]) + 1
                    self._peeked = None
                    self.linebreak()
                    body = self.command()
                    if not isinstance(body, (Brace, Subshell, If, Loop, For, Case, Redirected)):
                        raise self.error(self.peek())
                    return FuncDef(w.lit, body)
        if not assigns and not words and not redirs:
            raise self.error(self.peek())
        return Simple(assigns, words, redirs, lineno)

    def _after_blanks(self, i: int) -> int:
        while i < self.n and self.s[i] in " \t":
            i += 1
        return i

    def if_clause(self) -> If:
        self.take()
        clauses = []
        cond = self.nonempty({"then"}, "then")
        self.expect_word("then")
        body = self.nonempty({"elif", "else", "fi"}, "fi")
        clauses.append((cond, body))
        orelse = None
        while True:
            r = self.reserved(self.peek())
            if r == "elif":
                self.take()
                cond = self.nonempty({"then"}, "then")
                self.expect_word("then")
                body = self.nonempty({"elif", "else", "fi"}, "fi")
                clauses.append((cond, body))
            elif r == "else":
                self.take()
                orelse = self.nonempty({"fi"}, "fi")
                self.expect_word("fi")
                break
            else:
                self.expect_word("fi")
                break
        return If(clauses, orelse)

    def for_clause(self) -> For:
        lineno = self.lineno(self.peek()[4])
        self.take()
        t = self.peek()
        if t[0] == "op" and t[1] == "(" and self.dialect == "bash" and self.s.startswith("((", t[4]):
            end = self._arith_end(t[4] + 2)
            if end is not None:
                parts = self.s[t[4] + 2:end].split(";")
                if len(parts) == 3:
                    self.i = end + 2
                    self._peeked = None
                    t = self.peek()
                    if t[0] == "op" and t[1] == ";":
                        self.take()
                    self.linebreak()
                    self.expect_word("do")
                    body = self.nonempty({"done"}, "done")
                    self.expect_word("done")
                    words = [_Parser(p, self.dialect).heredoc_word(p) for p in parts]
                    return ArithFor(words[0], words[1], words[2], body, lineno)  # type: ignore[return-value]
        tok = self.take()
        if tok[0] != "word" or tok[1].lit is None or not _NAME.fullmatch(tok[1].lit):
            if tok[0] == "word" or (tok[0] == "op" and tok[1] == "("):
                raw = tok[1].raw if tok[0] == "word" else "("
                raise ShSyntaxError(raw, self.lineno(tok[4]), kind="forvar", text=self.line_text(tok[4]))
            raise self.error(tok)
        var = tok[1].lit
        words = None
        self.linebreak()
        if self.reserved(self.peek()) == "in":
            self.take()
            words = []
            while self.peek()[0] == "word":
                words.append(self.take()[1])
            t = self.peek()
            if t[0] == "op" and t[1] == ";":
                self.take()
            elif t[0] != "nl":
                raise self.error(t, "do")
        else:
            t = self.peek()
            if t[0] == "op" and t[1] == ";":
                self.take()
        self.linebreak()
        self.expect_word("do")
        body = self.nonempty({"done"}, "done")
        self.expect_word("done")
        return For(var, words, body, lineno)

    def case_clause(self) -> Case:
        lineno = self.lineno(self.peek()[4])
        self.take()
        tok = self.take()
        if tok[0] != "word":
            raise self.error(tok, "word", word=True)
        word = tok[1]
        self.linebreak()
        self.expect_word("in")
        self.linebreak()
        items = []
        while True:
            tok = self.peek()
            if self.reserved(tok) == "esac":
                self.take()
                break
            if tok[0] == "op" and tok[1] == "(":
                self.take()
                tok = self.peek()
            patterns = []
            while True:
                if tok[0] != "word":
                    raise self.error(tok)
                patterns.append(self.take()[1])
                tok = self.peek()
                if tok[0] == "op" and tok[1] == "|":
                    self.take()
                    tok = self.peek()
                    continue
                break
            if tok[0] != "op" or tok[1] != ")":
                raise self.error(tok, ")")
            self.take()
            body = self.seq({"esac"})
            items.append((patterns, body))
            tok = self.peek()
            if tok[0] == "op" and tok[1] == ";;":
                self.take()
                self.linebreak()
                continue
            self.expect_word("esac")
            break
        return Case(word, items, lineno)


@lru_cache(maxsize=2048)
def parse(text: str, dialect: str = "busybox") -> Script:
    """The script in ``text`` (cached by text and dialect); ``ShSyntaxError`` if it does not parse."""
    p = _Parser(text, dialect)
    body = p.program()
    return Script(body, text, p.open_heredoc)


def needs_more(text: str, dialect: str = "busybox") -> bool:
    """Whether an interactive shell would prompt for more (PS2, ``> ``) after ``text``: an open
    quote or ``${``, an unfinished ``if``/``while``/``for``/``case``/``{``/``(``, a line ending in
    ``|``, ``&&``, ``||`` or a backslash, a here-document without its delimiter line."""
    if re.search(r"(?<!\\)(\\\\)*\\$", text):
        return True
    try:
        script = parse(text, dialect)
    except ShSyntaxError as e:
        return e.kind in ("quote", "brace") or (e.kind == "token" and e.token == "")
    except RecursionError:
        return False
    return script.open_heredoc


# -- control flow -----------------------------------------------------------------------------------
class _Exit(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _Return(Exception):
    def __init__(self, status: int) -> None:
        self.status = status


class _Break(Exception):
    def __init__(self, n: int, cont: bool) -> None:
        self.n = n
        self.cont = cont


class _PipeFull(Exception):
    pass


class Interrupt(Exception):
    """Raised by a ``drive`` callback to stop the run as Ctrl-C would (status 130)."""


Gen = Generator[Sleep, None, Any]


# -- running ----------------------------------------------------------------------------------------
def run(script: Script | str, ctx: ShContext, io: Streams) -> Generator[Sleep, None, int]:
    """Run ``script`` (text or parsed) in ``ctx``: yields ``Sleep``s, returns the exit status.
    A syntax error prints the shell's message and returns 2; ``exit`` ends the run with its
    status (the EXIT trap, if set, runs first). Background jobs run beside it on the same
    virtual time and end with it."""
    if isinstance(script, str):
        try:
            script = parse(script, ctx.dialect)
        except ShSyntaxError as e:
            io.err(_syntax_message(ctx, e) + "\n")
            ctx.status = 2
            return 2
        except RecursionError:
            ctx.status = SEGFAULT
            return SEGFAULT
    return (yield from _scheduled(ctx, _run_body(script, ctx, io)))


def _run_body(script: Script, ctx: ShContext, io: Streams) -> Gen:
    try:
        status = yield from _seq(ctx, script.body, io)
    except _Exit as e:
        status = e.status
    except RecursionError:
        status = SEGFAULT
    except ShError as e:
        io.err(_prefix(ctx) + e.message + "\n")
        status = e.status
    except (_Return, _Break):
        status = ctx.status
    ctx.status = status
    trap = ctx.traps.pop("EXIT", None) or ctx.traps.pop("0", None)
    if trap:
        try:
            yield from run(trap, ctx, io)
        except Exception:  # noqa: BLE001 - the trap's own failure does not change the status
            pass
        ctx.status = status
    return status


def run_line(script: Script | str, ctx: ShContext, io: Streams) -> Generator[Sleep, None, int]:
    """One line of an interactive shell: like ``run`` but an error ends the line, not the shell,
    and ``exit`` raises ``ShellExit``. Background jobs end with the line."""
    text = script if isinstance(script, str) else script.text
    try:
        if isinstance(script, str):
            try:
                script = parse(script, ctx.dialect)
            except ShSyntaxError as e:
                io.err(_syntax_message(ctx, e) + "\n")
                ctx.status = 2
                return ctx.status
            except RecursionError:
                ctx.status = SEGFAULT
                return SEGFAULT
        return (yield from _scheduled(ctx, _line_body(script, ctx, io)))
    finally:
        ctx.line_base += text.count("\n") + 1


def _line_body(script: Script, ctx: ShContext, io: Streams) -> Gen:
    try:
        status = yield from _seq(ctx, script.body, io)
    except _Exit as e:
        ctx.status = e.status
        raise ShellExit(e.status) from None
    except RecursionError:
        status = SEGFAULT
    except ShError as e:
        io.err(_prefix(ctx) + e.message + "\n")
        status = e.status
    except (_Return, _Break):
        status = ctx.status
    ctx.status = status
    return status


# -- background jobs ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _WaitFor(Sleep):
    """``wait``: the foreground pauses until these jobs (all when empty) have ended."""

    seconds: float = 0.0
    pids: tuple[int, ...] = ()


class _Job:
    __slots__ = ("pid", "gen", "wake")

    def __init__(self, pid: int, gen: Gen, wake: float) -> None:
        self.pid = pid
        self.gen = gen
        self.wake = wake


class _Scheduler:
    """Runs a shell's background jobs beside its foreground on one virtual timeline: the
    foreground's sleeps are cut where a job wakes, the job runs to its next sleep, and so on."""

    def __init__(self) -> None:
        self.jobs: list[_Job] = []
        self.t = 0.0
        self.done: dict[int, int] = {}

    def start(self, pid: int, gen: Gen) -> None:
        job = _Job(pid, gen, self.t)
        self.jobs.append(job)
        self.step(job)

    def step(self, job: _Job) -> None:
        """Run ``job`` until it sleeps again (or ends)."""
        try:
            item = next(job.gen)
            while isinstance(item, _WaitFor) and not self.jobs_among(item.pids, exclude=job):
                item = job.gen.send(None)
            job.wake = self.t + (item.seconds if not isinstance(item, _WaitFor) else 0.0)
        except StopIteration as stop:
            self.jobs.remove(job)
            self.done[job.pid] = stop.value or 0

    def jobs_among(self, pids: tuple[int, ...], exclude: _Job | None = None) -> list[_Job]:
        return [j for j in self.jobs if j is not exclude and (not pids or j.pid in pids)]

    def kill(self, pid: int, status: int) -> bool:
        for job in self.jobs:
            if job.pid == pid:
                self.jobs.remove(job)
                job.gen.close()
                self.done[pid] = status
                return True
        return False

    def until(self, end: float) -> Iterator[Sleep]:
        """Let the jobs that wake before ``end`` run; the sleeps between them."""
        while self.jobs:
            job = min(self.jobs, key=lambda j: j.wake)
            if job.wake > end:
                break
            if job.wake > self.t:
                yield Sleep(job.wake - self.t)
                self.t = job.wake
            self.step(job)

    def close(self) -> None:
        for job in self.jobs:
            job.gen.close()
        self.jobs = []


def _scheduled(ctx: ShContext, fg: Gen) -> Gen:
    """Drive the foreground ``fg`` with the background jobs it starts."""
    sched = _Scheduler()
    outer = ctx.sched
    ctx.sched = sched
    try:
        item = next(fg)
        while True:
            if not sched.jobs:
                sched.t += 0.0 if isinstance(item, _WaitFor) else item.seconds
                yield item
            elif isinstance(item, _WaitFor):
                while sched.jobs_among(item.pids):
                    job = min(sched.jobs_among(item.pids), key=lambda j: j.wake)
                    yield from sched.until(job.wake)
            else:
                start, end = sched.t, sched.t + item.seconds
                yield from sched.until(end)
                if sched.t == start:
                    yield item
                elif end > sched.t:
                    yield Sleep(end - sched.t)
                sched.t = end
            item = fg.send(None)
    except StopIteration as stop:
        return stop.value
    finally:
        ctx.sched = outer
        sched.close()


def _bg_job(ctx: ShContext, node: Any, io: Streams) -> Gen:
    try:
        return (yield from _node(ctx, node, io))
    except _Exit as e:
        return e.status
    except ShError as e:
        io.err(_prefix(ctx) + e.message + "\n")
        return e.status
    except (_Return, _Break):
        return ctx.status


class ShellExit(Exception):
    """``exit`` in an interactive shell's line: the shell ends with ``code``."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def drive(gen: Generator[Sleep, None, int], on_sleep: Callable[[Sleep], None] | None = None, *,
          max_busy: int = 10) -> int:
    """Run ``gen`` to its end synchronously: each ``Sleep`` goes to ``on_sleep`` (which advances a
    clock, or nothing). ``max_busy`` consecutive ``Busy`` markers (a loop that never sleeps), or
    ``Interrupt`` raised by ``on_sleep``, stop the run as Ctrl-C would: status 130."""
    busy = 0
    try:
        item = next(gen)
        while True:
            if isinstance(item, Busy):
                busy += 1
                if busy >= max_busy:
                    gen.close()
                    return 130
            else:
                busy = 0
            if on_sleep is not None:
                try:
                    on_sleep(item)
                except Interrupt:
                    gen.close()
                    return 130
            item = gen.send(None)
    except StopIteration as stop:
        return stop.value if stop.value is not None else 0


def run_sync(script: Script | str, ctx: ShContext, io: Streams,
             on_sleep: Callable[[Sleep], None] | None = None) -> int:
    """``drive(run(script, ctx, io), on_sleep)``."""
    return drive(run(script, ctx, io), on_sleep)


def _syntax_message(ctx: ShContext, e: ShSyntaxError) -> str:
    saved = e.lineno
    if ctx.dialect == "dash":
        e.lineno += ctx.line_base
    try:
        return e.message(ctx.dialect, ctx.argv0, ctx.mode)
    finally:
        e.lineno = saved


def _prefix(ctx: ShContext, builtin: str | None = None) -> str:
    """The shell's prefix for an error message (``sh: ``, ``sh: 1: ``, ``bash: line 1: `` …)."""
    a0, d, inter = ctx.argv0, ctx.dialect, ctx.mode == "interactive"
    b = f"{builtin}: " if builtin else ""
    if d == "dash":
        return f"{a0}: {ctx.lineno + ctx.line_base}: {b}"
    if d == "bash":
        if ctx.frames and ctx.mode in ("-c", "-c+"):
            a0 = "environment"  # bash 5.2 names a -c string's functions' source so
        return f"{a0}: " + ("" if inter else f"line {ctx.lineno}: ") + b
    if builtin:
        return f"{a0}: {b}" + ("" if inter else f"line {ctx.lineno - (ctx.mode in ('-c', '-c+'))}: ")
    # ash numbers its lines only when it read them from a file, or when -c was given a $0
    return f"{a0}: " + (f"line {ctx.lineno}: " if ctx.mode == "file" else
                        f"line {ctx.lineno - 1}: " if ctx.mode == "-c+" else "")


def _complain(ctx: ShContext, io: Streams, message: str, builtin: str | None = None) -> None:
    io.err(_prefix(ctx, builtin) + message + "\n")


def _seq(ctx: ShContext, seq: Seq, io: Streams) -> Gen:
    status = ctx.status
    lines = seq.lines
    for k, (node, bg) in enumerate(seq.items):
        if ctx.exec_io is not None:
            io = ctx.exec_io
        if lines is not None:
            ctx.top_line = ctx.line_base + lines[k]
        if bg:
            child = ctx.child()
            ctx.counter.pid += 1
            ctx.last_bg = ctx.counter.pid
            if ctx.sched is not None:
                ctx.sched.start(ctx.last_bg, _bg_job(child, node, io))
            else:
                ctx.jobs[ctx.last_bg] = yield from _bg_job(child, node, io)
            status = 0
        else:
            status = yield from _node(ctx, node, io)
            if status and "e" in ctx.options and not ctx.cond \
                    and not isinstance(node, AndOr) and not (isinstance(node, Pipeline) and node.negate):
                raise _Exit(status)
        ctx.status = status
    return status


def _node(ctx: ShContext, node: Any, io: Streams) -> Gen:
    return _DISPATCH[type(node)](ctx, node, io)


def _cond(ctx: ShContext, seq: Seq, io: Streams) -> Gen:
    """A condition (if/while/until, the left of && and ||): ``set -e`` does not apply in it."""
    ctx.cond += 1
    try:
        return (yield from _seq(ctx, seq, io))
    finally:
        ctx.cond -= 1


def _and_or(ctx: ShContext, node: AndOr, io: Streams) -> Gen:
    status = yield from _cond(ctx, Seq([(node.first, False)]), io)
    final = not node.rest
    for i, (op, pipe) in enumerate(node.rest):
        if (op == "&&") == (status == 0):
            last = i == len(node.rest) - 1
            if last:
                status = yield from _node(ctx, pipe, io)
                final = True
            else:
                status = yield from _cond(ctx, Seq([(pipe, False)]), io)
        ctx.status = status
    if status and final and "e" in ctx.options and not ctx.cond \
            and not (isinstance(node.rest[-1][1], Pipeline) and node.rest[-1][1].negate):
        raise _Exit(status)
    return status


def _pipeline(ctx: ShContext, node: Pipeline, io: Streams) -> Gen:
    if len(node.cmds) == 1:
        status = yield from _node(ctx, node.cmds[0], io)
    else:
        status = yield from _Pipes(ctx, node.cmds, io).run()
    if node.negate:
        status = 0 if status else 1
    ctx.status = status
    return status


class _Stage:
    """One command of a pipeline, run as a subshell: its generator, the step it was paused at, and
    its exit status once it has ended."""

    __slots__ = ("ctx", "gen", "out", "written", "status", "paused")

    def __init__(self, ctx: ShContext) -> None:
        self.ctx = ctx
        self.gen: Gen | None = None
        self.out: _Input | None = None  # the next stage's input, which this one writes
        self.written = 0
        self.status: int | None = None
        self.paused: Sleep | None = None


class _Pipes:
    """A pipeline's stages joined by pipes, run on one virtual timeline.

    The stages run one after the other while each one's output fits its pipe (``PIPE_CAP``), which
    is what a real shell shows for any output that small: the first stage's sleeps are the
    pipeline's, its output waits in the pipe, then the next stage reads it. A stage that fills its
    pipe is paused at its next step (a sleep, or a busy loop's ``Busy``), as is a busy stage that
    has written something (a real reader would be reading it by then), and the next stage starts:
    its reads run the paused writer on (``_Input.more``) as far as they need — a line for ``read``
    or ``head``, everything for ``wc`` or ``tail`` — so ``seq 1 2000000 | tail -1`` sees the
    whole output and ``while :; do echo y; done | head -1`` ends. When a reader ends, the writers
    before it that are still running end with a broken pipe (141), as SIGPIPE ends them. The
    virtual time a paused writer spends while a reader runs it passes before the reader's own next
    step. Bounds: a pipe carries at most ``PIPE_TOTAL`` characters, a writer that never pauses may
    leave at most ``PIPE_HOLD`` unread before its reader starts, and one step of a reader may run its
    writer through at most ``PIPE_BUSY`` busy steps; past them the writer gets a broken pipe and the
    reader the end of its input, where a real shell would run until Ctrl-C."""

    def __init__(self, ctx: ShContext, cmds: list, io: Streams) -> None:
        self.ctx = ctx
        self.stages: list[_Stage] = []
        self.owed: list[Sleep] = []
        self.busy = 0  # busy steps of paused writers since the running reader's last step
        self.pulling = 0  # how deep inside readers running their writers on (``more``)
        stdin: _Input | None = None
        for k, cmd in enumerate(cmds):
            stage = _Stage(ctx.child())
            if k < len(cmds) - 1:
                stage.out = _Input("", self._more_of(k))
            stage.gen = self._body(stage, cmd, io.with_(stdin=stdin, out=self._writer(k) if stage.out else None))
            self.stages.append(stage)
            stdin = stage.out

    def run(self) -> Gen:
        stages = self.stages
        try:
            for k, stage in enumerate(stages):
                if stage.status is None:
                    yield from self._foreground(k)
                if stage.status is not None:  # a reader has ended: the writers still running get SIGPIPE
                    for before in stages[:k]:
                        if before.status is None:
                            self._break(before)
        finally:
            for stage in stages:
                if stage.status is None:
                    stage.gen.close()
        status = stages[-1].status or 0
        if "P" in self.ctx.options and not status:
            status = next((s.status for s in reversed(stages) if s.status), 0)
        return status

    @staticmethod
    def _body(stage: _Stage, cmd: Any, io: Streams) -> Gen:
        """The stage as a subshell runs it (``_bg_job``'s endings), SIGPIPE's 141 besides."""
        try:
            status = yield from _bg_job(stage.ctx, cmd, io)
        except _PipeFull:
            status = 141
        stage.status = status
        return status

    def _settle(self) -> list[Sleep]:
        """What paused writers owe the timeline: one sleep (a ``Busy`` if all of it was busy)."""
        owed, self.owed = self.owed, []
        self.busy = 0
        if not owed:
            return []
        seconds = sum(o.seconds for o in owed)
        return [Busy(seconds) if all(isinstance(o, Busy) for o in owed) else Sleep(seconds)]

    def _foreground(self, k: int) -> Gen:
        """Run stage ``k`` with its sleeps the pipeline's, until it ends or fills its pipe."""
        stage = self.stages[k]
        last = k == len(self.stages) - 1
        while True:
            try:
                item = next(stage.gen)
            except StopIteration:
                break
            yield from self._settle()
            unread = 0 if last else stage.out.unread()
            if unread >= PIPE_CAP or (unread and isinstance(item, Busy)):
                stage.paused = item  # the next stage reads on from here
                return
            yield item
        yield from self._settle()

    def _more_of(self, k: int) -> Callable[[], bool]:
        def more() -> bool:
            stage = self.stages[k]
            out = stage.out
            before = out.unread()
            if stage.paused is not None:
                self.owed.append(stage.paused)
                stage.paused = None
            while stage.status is None:
                self.pulling += 1
                try:
                    item = next(stage.gen)
                except StopIteration:
                    break
                finally:
                    self.pulling -= 1
                self.owed.append(item)
                if isinstance(item, Busy):
                    self.busy += 1
                    if self.busy > PIPE_BUSY:
                        self._break(stage)
                        break
                if out.unread() > before:
                    return True
            return out.unread() > before
        return more

    def _writer(self, k: int) -> Callable[[str], None]:
        def write(text: str) -> None:
            stage = self.stages[k]
            if self.stages[k + 1].status is not None:
                raise _PipeFull()  # the reader has ended: EPIPE, and SIGPIPE ends the writer
            stage.written += len(text)
            if stage.written > PIPE_TOTAL or (not self.pulling and stage.out.unread() >= PIPE_HOLD):
                # past what a pipe carries, or a writer that never pauses (no sleep, no busy step:
                # a program looping on writes) overfilling its pipe before its reader could start
                raise _PipeFull()
            stage.out.append(text)
        return write

    @staticmethod
    def _break(stage: _Stage) -> None:
        """End a writer whose reader is gone, as SIGPIPE does (status 141)."""
        try:
            stage.gen.throw(_PipeFull())
        except (StopIteration, _PipeFull):
            pass
        if stage.status is None:
            stage.status = 141


def _brace(ctx: ShContext, node: Brace, io: Streams) -> Gen:
    return (yield from _seq(ctx, node.body, io))


def _subshell(ctx: ShContext, node: Subshell, io: Streams) -> Gen:
    child = ctx.child()
    try:
        status = yield from _seq(child, node.body, io)
    except _Exit as e:
        status = e.status
    except ShError as e:
        io.err(_prefix(child) + e.message + "\n")
        status = e.status
    except (_Return, _Break):
        status = child.status
    trap = child.traps.get("EXIT")
    if trap:
        yield from run(trap, child, io)
    return status


def _if(ctx: ShContext, node: If, io: Streams) -> Gen:
    for cond, body in node.clauses:
        st = yield from _cond(ctx, cond, io)
        if st == 0:
            return (yield from _seq(ctx, body, io))
    if node.orelse is not None:
        return (yield from _seq(ctx, node.orelse, io))
    ctx.status = 0
    return 0


def _loop(ctx: ShContext, node: Loop, io: Streams) -> Gen:
    ctx.loops += 1
    try:
        return (yield from _loop_body(ctx, node, io))
    finally:
        ctx.loops -= 1


def _loop_body(ctx: ShContext, node: Loop, io: Streams) -> Gen:
    status = 0
    while True:
        st = yield from _cond(ctx, node.cond, io)
        if (st == 0) == node.until:
            break
        try:
            status = yield from _seq(ctx, node.body, io)
        except _Break as b:
            if b.n > 1:
                b.n -= 1
                raise
            if not b.cont:
                status = 0
                break
    ctx.status = status
    return status


def _for(ctx: ShContext, node: For, io: Streams) -> Gen:
    ctx.lineno = node.lineno
    if node.words is None:
        items = list(ctx.args)
    else:
        items = []
        for w in node.words:
            items.extend((yield from expand(ctx, w, io)))
    status = 0
    ctx.loops += 1
    try:
        for item in items:
            if "x" in ctx.options and ctx.dialect == "bash":
                io.err(_ps4(ctx) + f"for {node.var} in {' '.join(_bash_quote(i) for i in items)}\n")
            ctx.set(node.var, item)
            try:
                status = yield from _seq(ctx, node.body, io)
            except _Break as b:
                if b.n > 1:
                    b.n -= 1
                    raise
                if not b.cont:
                    break
    finally:
        ctx.loops -= 1
    ctx.status = status
    return status


def _dbracket(ctx: ShContext, node: DBracket, io: Streams) -> Gen:
    """``[[ expr ]]`` with ``&&``/``||``/``!``/``( )`` (short-circuit). bash expands the words without
    splitting or globbing, the right of ``==``/``!=`` a pattern (its quoted parts literal), of
    ``=~`` a regular expression; busybox ash splits them as ``test``'s arguments."""
    ctx.lineno = node.lineno
    ctx.counter.steps += 1
    bash = ctx.dialect == "bash"
    toks: list[tuple[str, Any]] = []
    items = node.items
    for k, (kind, value) in enumerate(items):
        if kind == "op":
            toks.append(("op", value))
            continue
        prev = items[k - 1] if k else None
        if bash and prev is not None and prev[0] == "w" and prev[1].lit in ("==", "=", "!=") and k >= 2:
            toks.append(("pat", (yield from _chunks(ctx, value, io))))
        elif bash:
            toks.append(("w", (yield from expand_string(ctx, value, io))))
        else:
            toks.extend(("w", f) for f in (yield from expand(ctx, value, io)))
    pos = [0]

    def peek() -> tuple[str, Any] | None:
        return toks[pos[0]] if pos[0] < len(toks) else None

    def or_() -> tuple:
        tree = and_()
        while peek() == ("op", "||"):
            pos[0] += 1
            tree = ("or", tree, and_())
        return tree

    def and_() -> tuple:
        tree = not_()
        while peek() == ("op", "&&"):
            pos[0] += 1
            tree = ("and", tree, not_())
        return tree

    def not_() -> tuple:
        t = peek()
        if t == ("w", "!"):
            pos[0] += 1
            return ("not", not_())
        if t == ("op", "("):
            pos[0] += 1
            tree = or_()
            if peek() == ("op", ")"):
                pos[0] += 1
            return tree
        start = pos[0]
        while pos[0] < len(toks) and (toks[pos[0]][0] != "op" or toks[pos[0]][1] in ("<", ">")):
            pos[0] += 1
        return ("prim", toks[start:pos[0]])

    def shown(group: list) -> str:
        return " ".join(v if k != "pat" else "".join(t for t, _ in v) for k, v in group)

    def prim(group: list) -> bool:
        if "x" in ctx.options and bash:
            io.err(_ps4(ctx) + f"[[ {shown(group)} ]]\n")
        if len(group) == 3 and group[1][0] == "w" and group[1][1] in ("==", "=", "!="):
            rhs = group[2][1] if group[2][0] == "pat" else [(group[2][1], False)]
            hit = bool(_pattern(rhs).fullmatch(group[0][1]))
            return hit != (group[1][1] == "!=")
        if len(group) == 3 and group[1] == ("w", "=~"):
            try:
                return re.search(group[2][1], group[0][1]) is not None
            except re.error:
                raise _TestError("", "", "") from None
        if len(group) == 3 and group[1][0] == "op":
            return group[0][1] < group[2][1] if group[1][1] == "<" else group[0][1] > group[2][1]
        words = [v if k != "pat" else "".join(t for t, _ in v) for k, v in group]
        status = b_test(ctx, ["test", *words], io)
        if status == 2:
            raise _TestError("", "", "")
        return status == 0

    def evaluate(tree: tuple) -> bool:
        kind = tree[0]
        if kind == "or":
            return evaluate(tree[1]) or evaluate(tree[2])
        if kind == "and":
            return evaluate(tree[1]) and evaluate(tree[2])
        if kind == "not":
            return not evaluate(tree[1])
        return prim(tree[1])

    try:
        return 0 if evaluate(or_()) else 1
    except _TestError:
        return 2


def _arith_cmd(ctx: ShContext, node: ArithCmd, io: Streams) -> Gen:
    ctx.lineno = node.lineno
    text = yield from expand_string(ctx, node.word, io)
    return 0 if arith(ctx, text) else 1


def _arith_for(ctx: ShContext, node: ArithFor, io: Streams) -> Gen:
    ctx.lineno = node.lineno
    status = 0
    ctx.loops += 1
    try:
        text = yield from expand_string(ctx, node.init, io)
        if text.strip():
            arith(ctx, text)
        while True:
            text = yield from expand_string(ctx, node.cond, io)
            if text.strip() and not arith(ctx, text):
                break
            try:
                status = yield from _seq(ctx, node.body, io)
            except _Break as b:
                if b.n > 1:
                    b.n -= 1
                    raise
                if not b.cont:
                    break
            text = yield from expand_string(ctx, node.step, io)
            if text.strip():
                arith(ctx, text)
    finally:
        ctx.loops -= 1
    ctx.status = status
    return status


def _case(ctx: ShContext, node: Case, io: Streams) -> Gen:
    ctx.lineno = node.lineno
    subject = yield from expand_string(ctx, node.word, io)
    if "x" in ctx.options and ctx.dialect == "bash":
        io.err(_ps4(ctx) + f"case {_bash_quote(subject)} in\n")
    for patterns, body in node.items:
        for p in patterns:
            chunks = yield from _chunks(ctx, p, io)
            if _pattern(chunks).fullmatch(subject):
                return (yield from _seq(ctx, body, io))
    ctx.status = 0
    return 0


def _funcdef(ctx: ShContext, node: FuncDef, io: Streams) -> Gen:
    ctx.functions[node.name] = node.body
    return 0
    yield  # noqa: B901 - a generator like the others


def _redirected(ctx: ShContext, node: Redirected, io: Streams) -> Gen:
    new_io = yield from _redirect(ctx, node.redirs, io)
    if new_io is None:
        return _REDIRECT_FAILED[ctx.dialect == "dash"]
    return (yield from _node(ctx, node.node, new_io))


#: the status of a command whose redirection fails (dash: 2)
_REDIRECT_FAILED = (1, 2)


def _simple(ctx: ShContext, node: Simple, io: Streams) -> Gen:
    if ctx.aliases and node.words and node.words[0].lit in ctx.aliases \
            and node.words[0].lit not in ctx.expanding and (ctx.dialect != "bash" or ctx.mode == "interactive") \
            and ctx.alias_lines.get(node.words[0].lit, -1) < ctx.top_line:
        return (yield from _alias(ctx, node, io))
    ctx.lineno = node.lineno
    counter = ctx.counter
    counter.steps += 1
    if counter.steps >= BUSY_STEPS:
        counter.steps = 0
        yield Busy()
    argv: list[str] = []
    for w in node.words:
        if w.static is not None:
            argv.append(w.static)
        else:
            argv.extend((yield from expand(ctx, w, io)))
    sub_status = None
    assigns: list[tuple[str, str]] = []
    for name, w in node.assigns:
        before = ctx.subs
        value = yield from expand_string(ctx, w, io, tilde=True)
        if name.endswith("+"):  # bash: x+=more
            name = name[:-1]
            value = (ctx.get(name) or "") + value
        if ctx.subs != before:
            sub_status = ctx.status
        assigns.append((name, value))
        if not argv:
            ctx.set(name, value)  # one after the other: x=1 y=$x
    if "x" in ctx.options:
        _trace(ctx, io, assigns, argv)
    if not argv:
        status = 0 if sub_status is None else sub_status
        if node.redirs:
            new_io = yield from _redirect(ctx, node.redirs, io)
            if new_io is None:
                status = _REDIRECT_FAILED[ctx.dialect == "dash"]
        ctx.status = status
        return status
    if node.redirs:
        new_io = yield from _redirect(ctx, node.redirs, io)
        if new_io is None:
            ctx.status = _REDIRECT_FAILED[ctx.dialect == "dash"]
            return ctx.status
        if argv == ["exec"]:
            ctx.exec_io = new_io  # exec with only redirections: they stay for the rest of the shell
            ctx.status = 0
            return 0
        io = new_io
    status = yield from _command(ctx, argv, io, assigns)
    ctx.status = status
    return status


def _ps4(ctx: ShContext) -> str:
    """PS4 as ``set -x`` prints it: bash repeats its first character once per command
    substitution the command runs in (``++ echo b``)."""
    ps4 = ctx.get("PS4")
    ps4 = "+ " if ps4 is None else ps4
    if ctx.dialect == "bash" and ctx.xdepth and ps4:
        ps4 = ps4[0] * ctx.xdepth + ps4
    return ps4


def _alias(ctx: ShContext, node: Simple, io: Streams) -> Gen:
    """The command with its first word replaced by the alias's text (read again, as the shells do)."""
    name = node.words[0].lit
    text = ctx.aliases[name] + " " + " ".join(w.raw for w in node.words[1:])
    try:
        script = parse(text, ctx.dialect)
    except ShSyntaxError as e:
        io.err(_syntax_message(ctx, e) + "\n")
        return 2
    items = script.body.items
    outer = ctx.expanding
    ctx.expanding = outer | {name}
    try:
        if len(items) == 1 and not items[0][1] and isinstance(items[0][0], Simple):
            inner: Simple = items[0][0]
            merged = Simple(node.assigns + inner.assigns, inner.words, inner.redirs + node.redirs, node.lineno)
            return (yield from _simple(ctx, merged, io))
        body: Any = Redirected(script.body, node.redirs) if node.redirs else script.body
        return (yield from _node(ctx, body, io))
    finally:
        ctx.expanding = outer


def _trace(ctx: ShContext, io: Streams, assigns: list[tuple[str, str]], argv: list[str]) -> None:
    ps4 = _ps4(ctx)
    quote = _bash_quote if ctx.dialect == "bash" else _busybox_quote if ctx.dialect == "busybox" else _no_quote
    for name, value in assigns:
        io.err(f"{ps4}{name}={quote(value) if value else ''}\n")
    if argv:
        io.err(ps4 + " ".join(quote(a) for a in argv) + "\n")


def _no_quote(s: str) -> str:
    return s


_BASH_SAFE = re.compile(r"[\w@%+=:,./-]+")


def _bash_quote(s: str) -> str:
    if _BASH_SAFE.fullmatch(s):
        return s
    return _bash_single_quote(s)


def _bash_single_quote(s: str) -> str:
    return "'" + s.replace("'", "'\\''") + "'"


#: words ash's xtrace quotes although their characters need none (its keywords)
_ASH_KEYWORDS = frozenset({"!", "case", "do", "done", "elif", "else", "esac", "fi", "for", "function", "if", "in",
                           "then", "until", "while", "{", "}"})


def _busybox_quote(s: str) -> str:
    """ash's maybe_single_quote: quoted when a character needs it (control characters, space,
    !"#$%&'()*;<=>?`[\\ and past z) or the word is a keyword; an embedded ' goes in "…"."""
    if s not in _ASH_KEYWORDS and not any(c < "+" or ";" <= c <= "?" or c in "`[\\" or c > "z" for c in s):
        return s
    return _single_quote(s)


def _single_quote(s: str) -> str:
    """ash's and dash's single_quote: 'it'"'"'s'."""
    out: list[str] = []
    i = 0
    while True:
        j = s.find("'", i)
        j = len(s) if j < 0 else j
        out.append("'" + s[i:j] + "'")
        if j >= len(s):
            break
        k = j
        while k < len(s) and s[k] == "'":
            k += 1
        out.append('"' + s[j:k] + '"')
        i = k
        if i >= len(s):
            break
    return "".join(out)


SPECIAL_BUILTINS = frozenset({":", ".", "break", "continue", "eval", "exec", "exit", "export", "readonly",
                              "return", "set", "shift", "trap", "unset", "times", "source"})


def _command(ctx: ShContext, argv: list[str], io: Streams, assigns: list[tuple[str, str]]) -> Gen:
    name = argv[0]
    builtin = BUILTINS.get(name)
    if builtin is not None and _missing_builtin(ctx, name):
        builtin = None
    if builtin is not None and name in SPECIAL_BUILTINS:
        for k, v in assigns:
            ctx.set(k, v)
        return (yield from _call(ctx, builtin, argv, io))
    body = ctx.functions.get(name)
    if body is not None:
        return (yield from _call_function(ctx, body, argv, io, assigns))
    if builtin is not None:
        if not assigns:
            return (yield from _call(ctx, builtin, argv, io))
        saved = {k: (ctx.vars.get(k), ctx.env.get(k)) for k, _ in assigns}
        for k, v in assigns:
            ctx.env[k] = v
            ctx.vars.pop(k, None)
        try:
            return (yield from _call(ctx, builtin, argv, io))
        finally:
            for k, (var, env) in saved.items():
                ctx.env.pop(k, None)
                if var is not None:
                    ctx.vars[k] = var
                if env is not None:
                    ctx.env[k] = env
    prog = ctx.lookup(name)
    if prog is None:
        return _not_found(ctx, name, io)
    ctx.counter.steps += EXEC_STEPS
    pctx = ctx
    if assigns:
        pctx = ctx.child()
        for k, v in assigns:
            pctx.vars.pop(k, None)
            pctx.env[k] = v
    return (yield from _call(pctx, prog, argv, io))


def _not_found(ctx: ShContext, name: str, io: Streams) -> int:
    if ctx.dialect == "bash":
        _complain(ctx, io, f"{name}: No such file or directory" if "/" in name else f"{name}: command not found")
    else:
        _complain(ctx, io, f"{name}: not found")
    return 127


def _call(ctx: ShContext, fn: Callable, argv: list[str], io: Streams) -> Gen:
    r = fn(ctx, argv, io)
    if not isinstance(r, Iterator):
        return 0 if r is None else r
    counter = ctx.counter
    try:
        item = next(r)
        while True:
            counter.steps = 0
            yield item
            item = r.send(None)
    except StopIteration as stop:
        return 0 if stop.value is None else stop.value


def _call_function(ctx: ShContext, body: Any, argv: list[str], io: Streams,
                   assigns: list[tuple[str, str]]) -> Gen:
    if len(ctx.frames) >= MAX_FUNCTION_DEPTH:
        raise _Exit(SEGFAULT)  # a real shell recursing without end runs out of stack
    saved_args = ctx.args
    ctx.args = argv[1:]
    saved = {k: (ctx.vars.get(k), ctx.env.get(k)) for k, _ in assigns}
    for k, v in assigns:
        ctx.set(k, v)
    locals_: dict[str, tuple[str | None, str | None]] = {}
    ctx.frames.append(locals_)
    try:
        status = yield from _node(ctx, body, io)
    except _Return as r:
        status = r.status
    finally:
        ctx.frames.pop()
        for k, (var, env) in list(locals_.items()) + list(saved.items()):
            ctx.vars.pop(k, None)
            ctx.env.pop(k, None)
            if var is not None:
                ctx.vars[k] = var
            if env is not None:
                ctx.env[k] = env
        ctx.args = saved_args
    ctx.status = status
    return status


# -- redirections -----------------------------------------------------------------------------------
def _redirect(ctx: ShContext, redirs: list, io: Streams) -> Gen:
    """The streams with ``redirs`` applied, or None (the error printed) when one fails."""
    fds: dict[int, Any] = {**io.fds, 1: io.out, 2: io.err}
    stdin: str | None = None
    for r in redirs:
        op = r.op
        if op in ("<<", "<<-"):
            text = yield from expand_string(ctx, r.heredoc, io) if r.heredoc is not None else ""
            if r.fd == 0:
                stdin = text
            continue
        if op == "<<<":
            text = yield from expand_string(ctx, r.target, io)
            if r.fd == 0:
                stdin = text + "\n"
            continue
        fields = yield from expand(ctx, r.target, io, glob=False)
        if len(fields) != 1:
            _complain(ctx, io, f"{r.target.raw}: ambiguous redirect" if ctx.dialect == "bash"
                      else "ambiguous redirect" if ctx.dialect == "dash" else f"{r.target.raw}: ambiguous redirect")
            return None
        target = fields[0]
        if op in (">&", "<&"):
            if target == "-":
                if r.fd == 0:
                    stdin = ""
                else:
                    fds[r.fd] = _discard
                continue
            if target.isdigit():
                src = int(target)
                if src == 0:
                    continue
                if src not in fds:
                    _complain(ctx, io, f"{target}: Bad file descriptor" if ctx.dialect == "bash"
                              else f"{target}: Bad file descriptor")
                    return None
                fds[r.fd] = fds[src]
                continue
            if op == ">&" and r.fd == 1 and ctx.dialect == "bash":
                op = "&>"
            else:
                _complain(ctx, io, f"{target}: ambiguous redirect" if ctx.dialect == "bash" else
                          "Syntax error: Bad fd number" if ctx.dialect == "dash" else "Bad fd number")
                return None
        if op == "<" or op == "<>":
            text = _read_file(ctx, target, io)
            if text is None:
                if op == "<>":
                    text = ""
                else:
                    return None
            if r.fd == 0:
                stdin = text
            continue
        writer = _open_write(ctx, target, io, append=op in (">>", "&>>"), fds=fds)
        if writer is None:
            return None
        if op in ("&>", "&>>"):
            fds[1] = fds[2] = writer
        else:
            fds[r.fd] = writer
    return io.with_(stdin=stdin, out=fds.pop(1), err=fds.pop(2), fds=fds)


def _read_file(ctx: ShContext, target: str, io: Streams) -> str | None:
    if target == "/dev/null":
        return ""
    if target in ("/dev/stdin", "-"):
        return io.stdin
    fs = ctx.fs
    error = "ENOENT"
    if fs is not None:
        path = ctx.resolve(target)
        try:
            data = fs.read(path)
            return data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        except Exception as e:  # noqa: BLE001 - an FsError from the filesystem
            error = str(getattr(e, "errno_name", None) or getattr(e, "errno", None) or "ENOENT")
            if not error.startswith("E"):
                error = "ENOENT"
            strerror = str(e) or _STRERROR.get(error, "No such file or directory")
        else:  # pragma: no cover
            strerror = ""
    else:
        strerror = "No such file or directory"
    if ctx.dialect == "dash":
        _complain(ctx, io, f"cannot open {target}: " + ("No such file" if error == "ENOENT" else strerror))
    elif ctx.dialect == "bash":
        _complain(ctx, io, f"{target}: {strerror}")
    else:
        _complain(ctx, io, f"can't open {target}: " + ("no such file" if error == "ENOENT" else strerror))
    return None


_STRERROR = {"ENOENT": "No such file or directory", "EISDIR": "Is a directory", "EROFS": "Read-only file system",
             "ENOTDIR": "Not a directory", "EACCES": "Permission denied", "EEXIST": "File exists"}


def _open_write(ctx: ShContext, target: str, io: Streams, *, append: bool, fds: dict) -> Any:
    if target == "/dev/null":
        return _discard
    if target == "/dev/stdout":
        return fds[1]
    if target == "/dev/stderr":
        return fds[2]
    if target == "/dev/tty" or target == "/dev/console":
        return io.out
    fs = ctx.fs
    if fs is None:
        return _discard  # no filesystem: nothing keeps what is written
    path = ctx.resolve(target)
    try:
        if not append:
            fs.write(path, b"")
        else:
            fs.write(path, b"", append=True)
    except Exception as e:  # noqa: BLE001 - an FsError from the filesystem
        error = str(getattr(e, "errno_name", "") or "ENOENT")
        strerror = str(e) or _STRERROR.get(error, "No such file or directory")
        if ctx.dialect == "dash":
            _complain(ctx, io, f"cannot create {target}: " + ("Directory nonexistent" if error == "ENOENT"
                                                               else strerror))
        elif ctx.dialect == "bash":
            _complain(ctx, io, f"{target}: {strerror}")
        else:
            _complain(ctx, io, f"can't create {target}: " + ("nonexistent directory" if error == "ENOENT"
                                                            else strerror))
        return None

    def write(text: str) -> None:
        fs.write(path, text.encode(), append=True)

    return write


# -- expansion --------------------------------------------------------------------------------------
_GLOBBY = re.compile(r"[*?\[]")


def expand(ctx: ShContext, word: Word, io: Streams, *, glob: bool = True) -> Gen:
    """The fields ``word`` expands to (parameters, command substitutions, arithmetic, field
    splitting on IFS, pathname expansion over ``ctx.fs``, quote removal)."""
    if word.static is not None:
        return [word.static]
    if ctx.dialect == "bash" and glob:
        alternatives = _braces(word.parts)
        if alternatives is not None:
            out: list[str] = []
            for parts in alternatives:
                out.extend((yield from expand(ctx, Word(parts, word.raw), io, glob=True)))
            return out
    if word.lit is not None and not (glob and _GLOBBY.search(word.lit)):
        return [word.lit]
    fields: list[list[tuple[str, bool]]] = []
    cur: list[tuple[str, bool]] = []
    has = False
    at_empty = False
    ifs = ctx.get("IFS")
    ifs = " \t\n" if ifs is None else ifs
    for part in word.parts:
        kind = part[0]
        if kind == "lit":
            if part[1]:
                cur.append((part[1], part[2]))
                has = True
            elif part[2]:
                has = True
            continue
        if kind == "tilde":
            cur.append((_tilde(ctx, part[1]), True))
            has = True
            continue
        quoted = part[-1]
        if kind == "param" and part[1] in "@*" and not part[2]:
            values = list(ctx.args)
            if quoted and part[1] == "@":
                if not values:
                    at_empty = True
                for k, v in enumerate(values):
                    if k:
                        fields.append(cur)
                        cur = []
                    cur.append((v, True))
                    has = True
                continue
            if quoted:
                cur.append(((ifs[:1]).join(values), True))
                has = True
                continue
            for k, v in enumerate(values):
                if k and (cur or has):
                    fields.append(cur)
                    cur, has = [], False
                cur, has = _split_into(v, ifs, fields, cur, has)
            continue
        value = yield from _value(ctx, part, io)
        if quoted:
            cur.append((value, True))
            has = True
        else:
            cur, has = _split_into(value, ifs, fields, cur, has)
    if cur or has:
        fields.append(cur)
    if at_empty and fields == [[]] and all(p[0] == "lit" and not p[1] for p in word.parts
                                           if not (p[0] == "param" and p[1] == "@")):
        fields = []
    out: list[str] = []
    for f in fields:
        if glob and ctx.fs is not None and "f" not in ctx.options and any(not q and _GLOBBY.search(t)
                                                                          for t, q in f):
            matches = _glob(ctx, f)
            if matches:
                out.extend(matches)
                continue
        out.append("".join(t for t, _ in f))
    return out


_SEQUENCE = re.compile(r"(-?\d+|[A-Za-z])\.\.(-?\d+|[A-Za-z])(?:\.\.(-?\d+))?")


def _braces(parts: tuple) -> list[tuple] | None:
    """bash's brace expansion of the first ``{a,b}`` / ``{1..3}`` in an unquoted literal part:
    the words it makes (each expanded again), or None when there is none."""
    for k, part in enumerate(parts):
        if part[0] != "lit" or part[2] or "{" not in part[1]:
            continue
        text = part[1]
        start = text.find("{")
        while start >= 0:
            depth, j, commas = 0, start, []
            while j < len(text):
                c = text[j]
                if c == "{":
                    depth += 1
                elif c == "}":
                    depth -= 1
                    if depth == 0:
                        break
                elif c == "," and depth == 1:
                    commas.append(j)
                j += 1
            if j < len(text):
                inner = text[start + 1:j]
                items: list[str] | None = None
                if commas:
                    cuts = [start, *commas, j]
                    items = [text[cuts[i] + 1:cuts[i + 1]] for i in range(len(cuts) - 1)]
                else:
                    m = _SEQUENCE.fullmatch(inner)
                    if m:
                        items = _sequence(m.group(1), m.group(2), m.group(3))
                if items is not None:
                    before, after = text[:start], text[j + 1:]
                    out = []
                    for item in items:
                        new = parts[:k] + (("lit", before + item + after, False),) + parts[k + 1:]
                        out.extend(_braces(new) or [new])
                    return out
            start = text.find("{", start + 1)
    return None


def _sequence(a: str, b: str, step_text: str | None) -> list[str] | None:
    step = abs(int(step_text)) if step_text else 1
    step = step or 1
    if a.lstrip("-").isdigit() and b.lstrip("-").isdigit():
        x, y = int(a), int(b)
        width = max(len(a), len(b)) if (a.lstrip("-").startswith("0") and len(a.lstrip("-")) > 1) or \
            (b.lstrip("-").startswith("0") and len(b.lstrip("-")) > 1) else 0
        rng = range(x, y + 1, step) if x <= y else range(x, y - 1, -step)
        return [str(v).zfill(width) if width else str(v) for v in rng]
    if len(a) == 1 and len(b) == 1 and a.isalpha() and b.isalpha():
        x, y = ord(a), ord(b)
        rng = range(x, y + 1, step) if x <= y else range(x, y - 1, -step)
        return [chr(v) for v in rng]
    return None


def _split_into(value: str, ifs: str, fields: list, cur: list, has: bool) -> tuple[list, bool]:
    if not value:
        return cur, has
    if not ifs:
        cur.append((value, False))
        return cur, True
    pieces = _ifs_regex(ifs).split(value)
    # pieces: text, delimiter, text, delimiter, … (the regex has one group)
    first = pieces[0]
    if first:
        cur.append((first, False))
        has = True
    for k in range(1, len(pieces), 2):
        delim, text = pieces[k], pieces[k + 1]
        if cur or has or delim.strip(" \t\n"):
            if any(c not in " \t\n" for c in delim) or cur or has:
                fields.append(cur)
        cur, has = [], False
        if text:
            cur.append((text, False))
            has = True
    return cur, has


@lru_cache(maxsize=64)
def _ifs_regex(ifs: str) -> re.Pattern:
    ws = "".join(c for c in ifs if c in " \t\n")
    nws = "".join(c for c in ifs if c not in " \t\n")
    alts = []
    if nws:
        w = f"[{re.escape(ws)}]*" if ws else ""
        alts.append(f"{w}[{re.escape(nws)}]{w}")
    if ws:
        alts.append(f"[{re.escape(ws)}]+")
    return re.compile("(" + "|".join(alts) + ")")


def expand_string(ctx: ShContext, word: Word, io: Streams, *, tilde: bool = False) -> Gen:
    """``word`` expanded to one string, without field splitting or globbing (assignments, here-
    documents, ``case`` subjects)."""
    if word.lit is not None:
        return word.lit
    out: list[str] = []
    for part in word.parts:
        kind = part[0]
        if kind == "lit":
            out.append(part[1])
        elif kind == "tilde":
            out.append(_tilde(ctx, part[1]))
        elif kind == "param" and part[1] in "@*" and not part[2]:
            out.append(" ".join(ctx.args))
        else:
            out.append((yield from _value(ctx, part, io)))
    return "".join(out)


def _chunks(ctx: ShContext, word: Word, io: Streams) -> Gen:
    """``word`` as (text, quoted) chunks: a pattern (case, ${x#pattern})."""
    if word.lit is not None:
        return [(word.lit, False)]
    out: list[tuple[str, bool]] = []
    for part in word.parts:
        kind = part[0]
        if kind == "lit":
            out.append((part[1], part[2]))
        elif kind == "tilde":
            out.append((_tilde(ctx, part[1]), True))
        else:
            out.append(((yield from _value(ctx, part, io)), part[-1]))
    return out


def _tilde(ctx: ShContext, user: str) -> str:
    if not user:
        home = ctx.get("HOME")
        return home if home is not None else "/root" if ctx.dialect == "bash" else "~"
    return "/root" if user == "root" else f"/home/{user}"


def _special(ctx: ShContext, name: str) -> str | None:
    if name == "?":
        return str(ctx.status)
    if name == "$":
        return str(ctx.pid)
    if name == "#":
        return str(len(ctx.args))
    if name == "!":
        return "" if ctx.last_bg is None else str(ctx.last_bg)
    if name == "-":
        return "".join(sorted(ctx.options))
    if name == "0":
        return ctx.argv0
    if name.isdigit():
        k = int(name)
        return ctx.args[k - 1] if k <= len(ctx.args) else None
    if name in "@*":
        return " ".join(ctx.args) if ctx.args else None
    return None


def _random(ctx: ShContext) -> str:
    """``$RANDOM``: 0…32767 from the cluster's seeded RNG (or a fixed sequence without one)."""
    rng = getattr(getattr(ctx.cluster, "clock", None), "rng", None)
    if rng is not None:
        return str(rng.randrange(32768))
    ctx.counter.seed = (ctx.counter.seed * 1103515245 + 12345) & 0x7FFFFFFF
    return str((ctx.counter.seed >> 16) & 0x7FFF)


def _lineno(ctx: ShContext) -> str:
    return str(ctx.lineno - (ctx.dialect == "busybox" and ctx.mode in ("-c", "-c+")))


def _seconds(ctx: ShContext) -> str:
    if ctx.started is None:
        ctx.started = ctx.now()
    return str(int(ctx.now() - ctx.started))


#: variables the shell computes when they are not set (as bash and ash do)
_DYNAMIC: dict[str, Callable[[ShContext], str]] = {
    "RANDOM": _random, "LINENO": _lineno, "SECONDS": _seconds, "PPID": lambda ctx: "0",
    "PWD": lambda ctx: ctx.cwd, "IFS": lambda ctx: " \t\n", "OPTIND": lambda ctx: "1",
    "PS4": lambda ctx: "+ ", "UID": lambda ctx: "0", "EUID": lambda ctx: "0",
}
#: the dynamic variables each shell has (dash: none of bash's and ash's own)
_DYNAMIC_IN = {"dash": frozenset({"PPID", "PWD", "IFS", "OPTIND", "PS4"}),
               "busybox": frozenset({"RANDOM", "LINENO", "SECONDS", "PPID", "PWD", "IFS", "OPTIND", "PS4"}),
               "bash": frozenset(_DYNAMIC)}


def _value(ctx: ShContext, part: tuple, io: Streams) -> Gen:
    kind = part[0]
    if kind == "bad":
        if ctx.dialect == "bash":
            raise ShError(f"{part[1]}: bad substitution", 1)
        raise ShError("Bad substitution" if ctx.dialect == "dash" else "syntax error: bad substitution")
    if kind == "cmd":
        return (yield from _command_sub(ctx, part[1], io))
    if kind == "arith":
        text = yield from expand_string(ctx, part[1], io)
        return str(arith(ctx, text))
    _, name, op, arg, quoted = part
    value = _special(ctx, name) if name[0] in _SPECIAL else ctx.get(name)
    if value is None and name in _DYNAMIC and name in _DYNAMIC_IN.get(ctx.dialect, ()):
        value = _DYNAMIC[name](ctx)
    if op == "":
        if value is None:
            if "u" in ctx.options and name not in "@*":
                raise ShError(f"{name}: unbound variable" if ctx.dialect == "bash" else f"{name}: parameter not set",
                              127 if ctx.dialect == "bash" else 2)
            return ""
        return value
    if op == "len":
        if value is None and "u" in ctx.options:
            raise ShError(f"{name}: unbound variable" if ctx.dialect == "bash" else f"{name}: parameter not set")
        return str(len(value or ""))
    null = value is None or (op.startswith(":") and value == "")
    if op in (":-", "-"):
        return (yield from expand_string(ctx, arg, io, tilde=True)) if null else value
    if op in (":=", "="):
        if null:
            value = yield from expand_string(ctx, arg, io, tilde=True)
            if name[0] in _SPECIAL:
                raise ShError(f"${name}: cannot assign in this way" if ctx.dialect == "bash"
                              else f"{name}: bad variable name" if ctx.dialect == "dash"
                              else f"{name}: bad variable name")
            ctx.set(name, value)
        return value
    if op in (":?", "?"):
        if null:
            msg = yield from expand_string(ctx, arg, io)
            if not msg:
                msg = "parameter not set" if op == "?" else (
                    "parameter null or not set" if ctx.dialect == "bash" else "parameter not set or null")
            raise ShError(f"{name}: {msg}", 127 if ctx.dialect == "bash" else 2)
        return value
    if op in (":+", "+"):
        return "" if null else (yield from expand_string(ctx, arg, io, tilde=True))
    value = value or ""
    if op in ("#", "##", "%", "%%"):
        chunks = yield from _chunks(ctx, arg, io)
        rx = _pattern(chunks)
        return _remove(value, rx, op)
    if op in ("/", "//"):
        text = yield from expand_string(ctx, arg, io)
        pat, _, rep = text.partition("/")
        rx = _pattern([(pat, False)])
        if not pat:
            return value
        if op == "//":
            return _replace_all(value, rx, rep)
        for start in range(len(value)):
            for end in range(len(value), start - 1, -1):
                if rx.fullmatch(value, start, end):
                    return value[:start] + rep + value[end:]
        return value
    if op == ":":
        text = yield from expand_string(ctx, arg, io)
        off_text, colon, len_text = text.partition(":")
        off = arith(ctx, off_text) if off_text.strip() else 0
        if off < 0:
            off = max(0, len(value) + off)
        if colon:
            ln = arith(ctx, len_text) if len_text.strip() else 0
            return value[off:off + ln] if ln >= 0 else value[off:len(value) + ln]
        return value[off:]
    return value  # pragma: no cover


def _replace_all(value: str, rx: re.Pattern, rep: str) -> str:
    out, i = [], 0
    while i < len(value):
        for end in range(len(value), i, -1):
            if rx.fullmatch(value, i, end):
                out.append(rep)
                i = end
                break
        else:
            out.append(value[i])
            i += 1
    return "".join(out)


def _remove(value: str, rx: re.Pattern, op: str) -> str:
    n = len(value)
    if op == "#":
        for k in range(n + 1):
            if rx.fullmatch(value, 0, k):
                return value[k:]
    elif op == "##":
        for k in range(n, -1, -1):
            if rx.fullmatch(value, 0, k):
                return value[k:]
    elif op == "%":
        for k in range(n, -1, -1):
            if rx.fullmatch(value, k, n):
                return value[:k]
    else:
        for k in range(n + 1):
            if rx.fullmatch(value, k, n):
                return value[:k]
    return value


def _command_sub(ctx: ShContext, script: Script, io: Streams) -> Gen:
    child = ctx.child()
    child.xdepth += 1
    buf: list[str] = []
    sub_io = io.with_(out=buf.append)
    try:
        status = yield from _seq(child, script.body, sub_io)
    except _Exit as e:
        status = e.status
    except ShError as e:
        io.err(_prefix(child) + e.message + "\n")
        status = e.status
    except (_Return, _Break):
        status = child.status
    ctx.status = status
    ctx.subs += 1
    return "".join(buf).rstrip("\n")


# -- patterns ---------------------------------------------------------------------------------------
def _pattern(chunks: list[tuple[str, bool]]) -> re.Pattern:
    return _pattern_cached(tuple(chunks))


@lru_cache(maxsize=1024)
def _pattern_cached(chunks: tuple) -> re.Pattern:
    """The pattern of a word's chunks, scanned as one run of characters that know whether they
    were quoted: a quoted one is always itself, also inside a bracket expression that its unquoted
    neighbours open and close (``a[\\&]b``, ``[a"-"z]``: literal members, not an operator)."""
    chars = [(c, quoted) for text, quoted in chunks for c in text]
    out: list[str] = []
    i, n = 0, len(chars)
    while i < n:
        c, quoted = chars[i]
        if quoted:
            out.append(re.escape(c))
        elif c == "*":
            out.append(".*")
        elif c == "?":
            out.append(".")
        elif c == "\\" and i + 1 < n:
            out.append(re.escape(chars[i + 1][0]))
            i += 1
        elif c == "[":
            j = i + 1
            neg = j < n and chars[j] in (("!", False), ("^", False))
            if neg:
                j += 1
            first = j
            if j < n and chars[j][0] == "]":
                j += 1
            while j < n and chars[j] != ("]", False):
                if chars[j] == ("[", False) and j + 1 < n and chars[j + 1] == (":", False):
                    end = _class_end(chars, j)
                    if end is not None:  # [:alpha:] inside: its "]" does not close
                        j = end
                        continue
                j += 2 if chars[j] == ("\\", False) and j + 1 < n else 1
            if j >= n:
                out.append(re.escape(c))
            else:
                out.append("[" + ("^" if neg else "") + _bracket(chars[first:j]) + "]")
                i = j
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out), re.DOTALL)


_CLASSES = {"[:alpha:]": "a-zA-Z", "[:digit:]": "0-9", "[:alnum:]": "a-zA-Z0-9", "[:space:]": " \\t\\n",
            "[:upper:]": "A-Z", "[:lower:]": "a-z"}


def _class_end(chars: list[tuple[str, bool]], i: int) -> int | None:
    """After a known POSIX class (``[:alpha:]``, unquoted) starting at ``i``: its end, else None."""
    for k in range(i + 2, len(chars) - 1):
        if chars[k] == (":", False) and chars[k + 1] == ("]", False):
            name = "".join(c for c, _ in chars[i:k + 2])
            return k + 2 if name in _CLASSES and not any(q for _, q in chars[i:k + 2]) else None
    return None


def _bracket(members: list[tuple[str, bool]]) -> str:
    """A bracket expression's members as a regex set: POSIX classes (unquoted) expanded, quoted
    characters literal (a quoted ``-`` is no range; an unquoted backslash quotes the next one, as
    fnmatch does with a pattern that came from an expansion), and the characters Python's sets treat
    specially (a nested ``[``, ``&&``/``||``/``~~``/``--`` set operations, a backslash, ``^``)
    escaped, so ``[[]`` matches a literal bracket as the shells' fnmatch does."""
    out: list[str] = []
    i, n = 0, len(members)
    while i < n:
        c, quoted = members[i]
        if not quoted and c == "[" and i + 1 < n and members[i + 1] == (":", False):
            end = _class_end(members, i)
            if end is not None:
                out.append(_CLASSES["".join(ch for ch, _ in members[i:end])])
                i = end
                continue
        if not quoted and c == "\\" and i + 1 < n:  # an unquoted backslash (from an expansion) escapes
            i += 1
            c, quoted = members[i][0], True
        if quoted or c in "[\\&~|^" or (c == "-" and out and out[-1] == "-"):
            out.append("\\" + c if not c.isalnum() else c)
        else:
            out.append(c)
        i += 1
    return "".join(out)


def _glob(ctx: ShContext, chunks: list[tuple[str, bool]]) -> list[str]:
    """Pathname expansion of a field over ``ctx.fs``: sorted matches, [] when none."""
    # split the chunks into path components on unquoted and quoted slashes alike
    comps: list[list[tuple[str, bool]]] = [[]]
    for text, quoted in chunks:
        pieces = text.split("/")
        for k, piece in enumerate(pieces):
            if k:
                comps.append([])
            if piece:
                comps[-1].append((piece, quoted))
    absolute = not comps[0]
    if absolute:
        comps = comps[1:]
    fs = ctx.fs
    results = ["/" if absolute else ""]
    for k, comp in enumerate(comps):
        last = k == len(comps) - 1
        if not comp:
            results = [r + "/" if r and not r.endswith("/") else r for r in results] if last else results
            continue
        magic = any(not q and _GLOBBY.search(t) for t, q in comp)
        nxt: list[str] = []
        for base in results:
            dir_path = ctx.resolve(base or ".")
            if not magic:
                name = "".join(t for t, _ in comp)
                cand = base + ("" if not base or base.endswith("/") else "/") + name
                try:
                    ok = fs.exists(ctx.resolve(cand)) or (not last and fs.isdir(ctx.resolve(cand)))
                except Exception:  # noqa: BLE001
                    ok = False
                if ok:
                    nxt.append(cand)
                continue
            try:
                if not fs.isdir(dir_path):
                    continue
                names = sorted(fs.listdir(dir_path))
            except Exception:  # noqa: BLE001
                continue
            rx = _pattern(comp)
            dot = "".join(t for t, _ in comp).startswith(".")
            for name in names:
                if name.startswith(".") and not dot:
                    continue
                if rx.fullmatch(name):
                    cand = base + ("" if not base or base.endswith("/") else "/") + name
                    if last or fs.isdir(ctx.resolve(cand)):
                        nxt.append(cand)
        results = nxt
        if not results:
            return []
    return sorted(results) if results != ["/"] else results


# -- arithmetic -------------------------------------------------------------------------------------
_INT = re.compile(r"-?\d+")
_HEX = re.compile(r"0[xX][0-9a-fA-F]+")
_ECHO_OPTS = re.compile(r"-[neE]+")
_DURATION = re.compile(r"(\d+\.?\d*|\.\d+)([smhd]?)")
_ARITH_TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||"
                          r"[-+*/%&|^]=|\*\*|[-+*/%<>=!~&|^?:(),])")


def arith(ctx: ShContext, text: str) -> int:
    """``$((text))``: C's integer arithmetic over the shell's variables (names without ``$``).
    The expression is parsed once per text (cached), then evaluated."""
    tree = _arith_tree(text, ctx.dialect)
    if tree is None:
        return 0
    return _ArithEval(ctx, tree[1]).eval(tree[0])


@lru_cache(maxsize=4096)
def _arith_tree(text: str, dialect: str) -> tuple | None:
    tokens: list[str] = []
    starts: list[int] = []
    pos = 0
    if dialect == "bash":
        text = text.lstrip()
    shown = text if dialect != "busybox" else text.strip()
    while pos < len(text):
        m = _ARITH_TOKEN.match(text, pos)
        if not m:
            if text[pos:].strip() == "":
                break
            raise _arith_error(dialect, shown, text[pos:].strip())
        if m.group(1) == "**" and dialect == "dash":  # dash has no power operator: two products
            tokens += ["*", "*"]
            starts += [m.start(1), m.start(1) + 1]
        else:
            tokens.append(m.group(1))
            starts.append(m.start(1))
        pos = m.end()
    if not tokens:
        return None
    p = _ArithParser(dialect, tokens, starts, shown)
    tree = p.expr()
    while p.peek() == "," and dialect != "dash":  # the comma operator: the last value
        p.take()
        tree = ("b", ",", tree, p.expr())
    if p.k < len(tokens):
        rest = text[starts[p.k]:].rstrip() if dialect == "bash" else " ".join(tokens[p.k:])
        raise _arith_error(dialect, shown, rest)
    return tree, (shown, tokens[-1])


def _bad_octal(dialect: str, number: str, text: str, *, literal: bool) -> ShError:
    """A number with a leading 0 and an 8 or 9 in it: not octal."""
    if dialect == "bash":
        return ShError(f'{number}: value too great for base (error token is "{number}")', 1)
    if dialect == "dash":
        return ShError(f'arithmetic expression: expecting EOF: "{text}"' if literal else f"Illegal number: {number}")
    return ShError("arithmetic syntax error")


def _arith_error(dialect: str, text: str, rest: str) -> ShError:
    if dialect == "dash":
        return ShError(f'arithmetic expression: expecting EOF: "{text}"')
    if dialect == "bash":
        return ShError(f'{text}: syntax error in expression (error token is "{rest}")', 1)
    return ShError("arithmetic syntax error")


#: binary operators by precedence (higher binds tighter)
_ARITH_PREC = {"||": 1, "&&": 2, "|": 3, "^": 4, "&": 5, "==": 6, "!=": 6, "<": 7, "<=": 7, ">": 7, ">=": 7,
               "<<": 8, ">>": 8, "+": 9, "-": 9, "*": 10, "/": 10, "%": 10}
_ARITH_ASSIGN = frozenset(("=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "|=", "^="))


class _ArithParser:
    """Tokens → a tree of tuples: ("n", v) ("v", name) ("u", op, x) ("b", op, x, y) ("?", c, x, y)
    ("=", name, op, x) ("pre", op, name) ("post", op, name)."""

    def __init__(self, dialect: str, tokens: list[str], starts: list[int], text: str) -> None:
        self.dialect = dialect
        self.t = tokens
        self.starts = starts
        self.k = 0
        self.text = text

    def peek(self) -> str | None:
        return self.t[self.k] if self.k < len(self.t) else None

    def take(self) -> str:
        if self.k >= len(self.t):
            raise self.operand()
        self.k += 1
        return self.t[self.k - 1]

    def operand(self) -> ShError:
        if self.dialect == "dash":
            return ShError(f'arithmetic expression: expecting primary: "{self.text}"')
        if self.dialect == "bash":
            k = min(self.k, len(self.t) - 1)
            token = self.text[self.starts[k]:] if self.starts else self.text
            return ShError(f'{self.text}: syntax error: operand expected (error token is "{token}")', 1)
        return ShError("arithmetic syntax error")

    def expr(self) -> tuple:
        tok = self.peek()
        if tok is not None and _NAME.fullmatch(tok) and self.k + 1 < len(self.t) and self.t[self.k + 1] in _ARITH_ASSIGN:
            name = self.take()
            op = self.take()
            return ("=", name, op, self.expr())
        cond = self.binary(1)
        if self.peek() == "?":
            self.take()
            a = self.expr()
            if self.peek() != ":":
                raise self.operand()
            self.take()
            return ("?", cond, a, self.expr())
        return cond

    def binary(self, min_prec: int) -> tuple:
        left = self.power()
        while True:
            op = self.peek()
            prec = _ARITH_PREC.get(op or "")
            if prec is None or prec < min_prec:
                return left
            self.take()
            left = ("b", op, left, self.binary(prec + 1))

    def power(self) -> tuple:
        base = self.unary()
        if self.peek() == "**" and self.dialect != "dash":
            self.take()
            return ("b", "**", base, self.power())
        return base

    def unary(self) -> tuple:
        tok = self.peek()
        if tok in ("-", "+", "!", "~"):
            self.take()
            return ("u", tok, self.unary())
        if tok in ("++", "--") and self.dialect != "dash":
            self.take()
            name = self.take()
            if not _NAME.fullmatch(name):
                self.k -= 1
                raise self.operand()
            return ("pre", tok, name)
        return self.primary()

    def primary(self) -> tuple:
        tok = self.take()
        if tok == "(":
            v = self.expr()
            if self.peek() != ")":
                raise self.operand()
            self.take()
            return v
        if tok[0].isdigit():
            try:
                if tok.lower().startswith("0x"):
                    return ("n", int(tok, 16))
                return ("n", int(tok, 8) if len(tok) > 1 and tok.startswith("0") else int(tok))
            except ValueError:
                raise _bad_octal(self.dialect, tok, self.text, literal=True) from None
        if _NAME.fullmatch(tok):
            nxt = self.peek()
            if nxt in ("++", "--") and self.dialect != "dash":
                self.take()
                return ("post", nxt, tok)
            return ("v", tok)
        self.k -= 1
        raise self.operand()


class _ArithEval:
    def __init__(self, ctx: ShContext, info: tuple[str, str]) -> None:
        self.ctx = ctx
        self.text, self.last = info

    def var(self, name: str) -> int:
        v = self.ctx.get(name)
        if v is None:
            if "u" in self.ctx.options:
                raise ShError(f"{name}: parameter not set")
            return 0
        t = v.strip()
        if not t:
            return 0
        if _INT.fullmatch(t):
            body = t.lstrip("-")
            if len(body) > 1 and body.startswith("0"):
                if not set(body) <= set("01234567"):
                    raise _bad_octal(self.ctx.dialect, t, self.text, literal=False)
                n = int(body, 8)
            else:
                n = int(body)
            return -n if t.startswith("-") else n
        if _HEX.fullmatch(t):
            return int(t, 16)
        return arith(self.ctx, t)

    def eval(self, node: tuple) -> int:
        kind = node[0]
        if kind == "n":
            return node[1]
        if kind == "v":
            return self.var(node[1])
        if kind == "b":
            op = node[1]
            if op == "&&":
                return int(bool(self.eval(node[2])) and bool(self.eval(node[3])))
            if op == "||":
                return int(bool(self.eval(node[2])) or bool(self.eval(node[3])))
            if op == ",":
                self.eval(node[2])
                return self.eval(node[3])
            return self.binop(op, self.eval(node[2]), self.eval(node[3]))
        if kind == "u":
            v = self.eval(node[2])
            op = node[1]
            return -v if op == "-" else v if op == "+" else int(not v) if op == "!" else ~v
        if kind == "?":
            return self.eval(node[2]) if self.eval(node[1]) else self.eval(node[3])
        if kind == "=":
            _, name, op, expr = node
            value = self.eval(expr)
            if op != "=":
                value = self.binop(op[:-1], self.var(name), value)
            self.ctx.set(name, str(value))
            return value
        name = node[2]
        old = self.var(name)
        new = old + (1 if node[1] == "++" else -1)
        self.ctx.set(name, str(new))
        return new if kind == "pre" else old

    def binop(self, op: str, a: int, b: int) -> int:
        if op in ("/", "%"):
            if b == 0:
                d = self.ctx.dialect
                if d == "dash":
                    raise ShError(f'arithmetic expression: division by zero: "{self.text}"')
                if d == "bash":
                    raise ShError(f'{self.text}: division by 0 (error token is "{self.last}")', 1)
                raise ShError("divide by zero")
            q = abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)
            return q if op == "/" else a - q * b
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "**":
            return a ** b if b >= 0 else 0
        if op == "<<":
            return a << b if b >= 0 else 0
        if op == ">>":
            return a >> b if b >= 0 else 0
        return {"<": int(a < b), "<=": int(a <= b), ">": int(a > b), ">=": int(a >= b), "==": int(a == b),
                "!=": int(a != b), "&": a & b, "|": a | b, "^": a ^ b}[op]


_DISPATCH: dict[type, Callable] = {
    Simple: _simple, Pipeline: _pipeline, AndOr: _and_or, Seq: _seq, Brace: _brace, Subshell: _subshell,
    If: _if, Loop: _loop, For: _for, Case: _case, FuncDef: _funcdef, Redirected: _redirected,
    ArithCmd: _arith_cmd, ArithFor: _arith_for, DBracket: _dbracket,
}


# -- builtins -----------------------------------------------------------------------------------------
def _special_error(ctx: ShContext, io: Streams, message: str, builtin: str, status: int = 2) -> int:
    """An error in a special builtin: ash and dash end a non-interactive shell with it."""
    _complain(ctx, io, message, builtin)
    if ctx.dialect != "bash" and ctx.mode != "interactive":
        raise _Exit(status)
    return status


def b_colon(ctx: ShContext, argv: list[str], io: Streams) -> int:
    return 0


def b_false(ctx: ShContext, argv: list[str], io: Streams) -> int:
    return 1


_ECHO_ESC = re.compile(r"\\(0[0-7]{0,3}|[0-7]{1,3}|x[0-9a-fA-F]{1,2}|.)", re.DOTALL)


def _escapes(text: str, *, octal0: bool, hex: bool = True) -> tuple[str, bool]:
    """Backslash escapes as echo -e / printf %b read them: (text, stop) — ``\\c`` stops output."""
    stop = False
    out: list[str] = []
    pos = 0
    for m in _ECHO_ESC.finditer(text):
        out.append(text[pos:m.start()])
        pos = m.end()
        e = m.group(1)
        if e == "c":
            stop = True
            break
        simple = {"n": "\n", "t": "\t", "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "r": "\r", "v": "\v",
                  "e": "\x1b"}
        if e in simple:
            out.append(simple[e])
        elif e[0] == "0" and octal0:
            out.append(chr(int(e[1:] or "0", 8) & 0xFF))
        elif e[0] in "01234567" and not octal0:
            out.append(chr(int(e, 8) & 0xFF))
        elif e[0] == "x" and len(e) > 1 and hex:
            out.append(chr(int(e[1:], 16)))
        else:
            out.append("\\" + e)
    else:
        out.append(text[pos:])
    return "".join(out), stop


def b_echo(ctx: ShContext, argv: list[str], io: Streams) -> int:
    args = argv[1:]
    newline, escapes = True, ctx.dialect == "dash"
    if ctx.dialect == "dash":
        while args and args[0] == "-n":
            newline = False
            args = args[1:]
    else:
        while args and _ECHO_OPTS.fullmatch(args[0]):
            for ch in args[0][1:]:
                if ch == "n":
                    newline = False
                elif ch == "e":
                    escapes = True
                else:
                    escapes = False
            args = args[1:]
    text = " ".join(args)
    if escapes:
        text, stop = _escapes(text, octal0=True, hex=ctx.dialect != "dash")
        if stop:
            io.out(text)
            return 0
    io.out(text + ("\n" if newline else ""))
    return 0


_PRINTF_SPEC = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d*))?([diouxXeEfFgGcsb%])")


def b_printf(ctx: ShContext, argv: list[str], io: Streams) -> int:
    if len(argv) < 2:
        if ctx.dialect == "bash":
            _complain(ctx, io, "usage: printf [-v var] format [arguments]", "printf")
        elif ctx.dialect == "dash":
            _complain(ctx, io, "usage: printf format [arg ...]", "printf")
        else:
            io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
                   "Usage: printf FORMAT [ARG]...\n\nFormat and print ARG(s) according to FORMAT (a-la C printf)\n")
        return 2 if ctx.dialect != "busybox" else 1
    if argv[1] == "--":
        argv = argv[1:]
        if len(argv) < 2:
            return 0
    fmt = argv[1]
    args = argv[2:]
    status = 0
    out: list[str] = []
    k = 0

    def num(a: str, kind: str) -> int | float:
        nonlocal status
        text = a.strip()
        if text[:1] in "'\"" and len(text) > 1:
            return ord(text[1])
        try:
            if kind == "f":
                return float(text) if text else 0.0
            if not text and ctx.dialect == "busybox":
                raise ValueError(text)
            return int(text, 0) if text else 0
        except ValueError:
            m = re.match(r"[-+]?\d+", text)
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{a}: invalid number", "printf")
            elif ctx.dialect == "dash":
                _complain(ctx, io, f"{a}: expected numeric value", "printf")
            else:
                io.out("".join(out))  # busybox has written what came before
                out.clear()
                io.err(f"{ctx.argv0}: invalid number '{a}'\n")
            status = 1
            return (int(m.group()) if m else 0) if kind != "f" else float(m.group() if m else 0)

    while True:
        pos = 0
        consumed = False
        stop = False
        for m in _PRINTF_SPEC.finditer(fmt):
            lit, stop = _escapes(fmt[pos:m.start()], octal0=False)
            out.append(lit)
            pos = m.end()
            if stop:
                break
            flags, width, prec, conv = m.groups()
            if conv == "%":
                out.append("%")
                continue
            if width == "*":
                width = str(num(args[k], "d")) if k < len(args) else "0"
                k += 1
            if prec == "*":
                prec = str(num(args[k], "d")) if k < len(args) else "0"
                k += 1
            arg = args[k] if k < len(args) else None
            if arg is not None:
                consumed = True
            k += 1
            spec = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
            if conv in "sb":
                value = arg or ""
                if conv == "b":
                    value, stop = _escapes(value, octal0=True)
                out.append((spec + "s") % value)
                if stop:
                    break
            elif conv == "c":
                out.append((spec + "s") % ((arg or "")[:1] or "\0"))
            elif conv in "diouxX":
                missing = "" if ctx.dialect == "busybox" else None  # busybox reads a missing one as ''
                v = int(num(arg, "d")) if arg is not None else int(num(missing, "d")) if missing is not None else 0
                out.append((spec + ("d" if conv in "iu" else conv)) % v)
            else:
                v = float(num(arg, "f")) if arg is not None else 0.0
                out.append((spec + conv) % v)
        if not stop:
            lit, stop = _escapes(fmt[pos:], octal0=False)
            out.append(lit)
        if stop or not consumed or k >= len(args):
            break
    io.out("".join(out))
    return status


def b_test(ctx: ShContext, argv: list[str], io: Streams) -> int:
    name = argv[0]
    args = argv[1:]
    if name == "[":
        if not args or args[-1] != "]":
            if ctx.dialect == "bash":
                _complain(ctx, io, "missing `]'", "[")
            elif ctx.dialect == "dash":
                _complain(ctx, io, "missing ]", "[")
            else:
                io.err(f"{ctx.argv0}: missing ]\n")
            return 2
        args = args[:-1]
    try:
        return 0 if _Test(ctx, args, name).run() else 1
    except _TestError as e:
        if ctx.dialect == "bash":
            _complain(ctx, io, e.bash, name)
        elif ctx.dialect == "dash":
            _complain(ctx, io, e.dash, name)
        else:
            io.err(f"{ctx.argv0}: {e.busybox}\n")
        return 2


class _TestError(Exception):
    def __init__(self, busybox: str, dash: str, bash: str) -> None:
        self.busybox, self.dash, self.bash = busybox, dash, bash


_UNARY = frozenset("-b -c -d -e -f -g -h -k -L -n -p -r -s -S -t -u -w -x -z -G -O".split())
_BINARY = frozenset("= == != -eq -ne -lt -le -gt -ge -nt -ot -ef < >".split())


class _Test:
    def __init__(self, ctx: ShContext, args: list[str], name: str) -> None:
        self.ctx = ctx
        self.a = args
        self.k = 0

    def run(self) -> bool:
        a = self.a
        n = len(a)
        if n == 0:
            return False
        if n == 1:
            return a[0] != ""
        if n == 2:
            if a[0] == "!":
                return a[1] == ""
            if a[0] in _UNARY:
                return self.unary(a[0], a[1])
            raise _TestError(f"{a[0]}: unknown operand", f"{a[0]}: unexpected operator",
                             f"{a[0]}: unary operator expected")
        if n == 3:
            if a[1] in _BINARY:
                return self.binary(a[0], a[1], a[2])
            if a[0] == "!":
                return not _Test(self.ctx, a[1:], "").run()
            if a[0] == "(" and a[2] == ")":
                return a[1] != ""
            if a[1] in ("-a", "-o"):
                return (a[0] != "" and a[2] != "") if a[1] == "-a" else (a[0] != "" or a[2] != "")
            raise _TestError(f"{a[1]}: unknown operand", f"{a[1]}: unexpected operator",
                             f"{a[1]}: binary operator expected")
        if n == 4 and a[0] == "!":
            return not _Test(self.ctx, a[1:], "").run()
        value = self.or_()
        if self.k < n:
            raise _TestError(f"{a[self.k]}: unknown operand", f"{a[self.k]}: unexpected operator",
                             "too many arguments")
        return value

    def or_(self) -> bool:
        v = self.and_()
        while self.k < len(self.a) and self.a[self.k] == "-o":
            self.k += 1
            v = self.and_() or v
        return v

    def and_(self) -> bool:
        v = self.not_()
        while self.k < len(self.a) and self.a[self.k] == "-a":
            self.k += 1
            v = self.not_() and v
        return v

    def not_(self) -> bool:
        if self.k < len(self.a) and self.a[self.k] == "!":
            self.k += 1
            return not self.not_()
        return self.prim()

    def prim(self) -> bool:
        a, k = self.a, self.k
        if k >= len(a):
            raise _TestError("argument expected", "argument expected", "argument expected")
        if a[k] == "(":
            self.k += 1
            v = self.or_()
            if self.k >= len(a) or a[self.k] != ")":
                raise _TestError("closing paren expected", "closing paren expected", "`)' expected")
            self.k += 1
            return v
        if k + 2 < len(a) + 0 and k + 1 < len(a) and a[k + 1] in _BINARY:
            self.k += 3
            return self.binary(a[k], a[k + 1], a[k + 2])
        if a[k] in _UNARY and k + 1 < len(a):
            self.k += 2
            return self.unary(a[k], a[k + 1])
        self.k += 1
        return a[k] != ""

    def unary(self, op: str, arg: str) -> bool:
        if op == "-n":
            return arg != ""
        if op == "-z":
            return arg == ""
        if op == "-t":
            return False
        fs = self.ctx.fs
        if fs is None:
            return False
        path = self.ctx.resolve(arg) if arg else ""
        if not path:
            return False
        try:
            if op == "-e":
                return bool(fs.exists(path))
            if op == "-f":
                return bool(fs.isfile(path))
            if op == "-d":
                return bool(fs.isdir(path))
            if op in ("-h", "-L"):
                return bool(fs.islink(path))
            if op == "-s":
                return bool(fs.exists(path)) and fs.stat(path).size > 0
            if op in ("-r", "-w", "-x"):
                if not fs.exists(path):
                    return False
                if op == "-x":
                    return bool(fs.isdir(path)) or bool(fs.stat(path).mode & 0o111)
                return True
            return bool(fs.exists(path)) and op in ("-G", "-O")
        except Exception:  # noqa: BLE001 - an FsError: the test is false
            return False

    def integer(self, text: str) -> int:
        t = text.strip()
        if re.fullmatch(r"[-+]?\d+", t):
            return int(t)
        raise _TestError(f"{text}: bad number", f"Illegal number: {text}",
                         f"{text}: integer expression expected")

    def binary(self, left: str, op: str, right: str) -> bool:
        if op in ("=", "=="):
            return left == right
        if op == "!=":
            return left != right
        if op == "<":
            return left < right
        if op == ">":
            return left > right
        if op in ("-nt", "-ot", "-ef"):
            return False
        a, b = self.integer(left), self.integer(right)
        return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}[op]


def b_dbracket(ctx: ShContext, argv: list[str], io: Streams) -> int:
    """``[[ … ]]`` as a command (bash and busybox ash: ``test`` plus ``==`` patterns and ``=~``
    regular expressions; ``&&``/``||`` inside it are not supported)."""
    args = argv[1:]
    if not args or args[-1] != "]]":
        _complain(ctx, io, "missing ]]" if ctx.dialect != "bash" else "missing `]]'", "[[")
        return 2
    args = args[:-1]
    negate = False
    if args and args[0] == "!":
        negate, args = True, args[1:]
    if len(args) == 3 and args[1] in ("==", "=", "!="):
        hit = bool(_pattern([(args[2], False)]).fullmatch(args[0]))
        return 0 if (hit != (args[1] == "!=")) != negate else 1
    if len(args) == 3 and args[1] == "=~":
        try:
            hit = re.search(args[2], args[0]) is not None
        except re.error:
            return 2
        return 0 if hit != negate else 1
    if negate:
        args = ["!", *args]
    return b_test(ctx, ["test", *args], io)


def b_exit(ctx: ShContext, argv: list[str], io: Streams) -> int:
    status = ctx.status
    if len(argv) > 1:
        text = argv[1]
        if not re.fullmatch(r"-?\d+", text) or (text.startswith("-") and ctx.dialect != "bash"):
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{text}: numeric argument required", "exit")
                raise _Exit(2)
            _complain(ctx, io, f"Illegal number: {text}", "exit")
            raise _Exit(2)
        status = int(text) & 0xFF
    raise _Exit(status)


def _valid_name(ctx: ShContext, io: Streams, name: str, builtin: str, arg: str) -> bool:
    if _NAME.fullmatch(name):
        return True
    if ctx.dialect == "bash":
        _complain(ctx, io, f"`{arg}': not a valid identifier", builtin)
        return False
    _special_error(ctx, io, f"{name}: bad variable name", builtin)
    return False


def b_export(ctx: ShContext, argv: list[str], io: Streams) -> int:
    args = [a for a in argv[1:] if a != "-p"]
    if not args:
        for k in sorted(ctx.env):
            v = ctx.env[k].replace("'", "'\\''")
            io.out(f"declare -x {k}=\"{ctx.env[k]}\"\n" if ctx.dialect == "bash" else f"export {k}='{v}'\n")
        return 0
    status = 0
    for a in args:
        name, eq, value = a.partition("=")
        if not _valid_name(ctx, io, name, argv[0], a):
            status = 1
            continue
        if name in ctx.readonly and eq:
            ctx.set(name, value)
        ctx.export(name, value if eq else None)
    return status


def b_readonly(ctx: ShContext, argv: list[str], io: Streams) -> int:
    for a in argv[1:]:
        if a == "-p":
            continue
        name, eq, value = a.partition("=")
        if not _valid_name(ctx, io, name, "readonly", a):
            return 1
        if eq:
            ctx.set(name, value)
        ctx.readonly.add(name)
    return 0


def b_local(ctx: ShContext, argv: list[str], io: Streams) -> int:
    if not ctx.frames:
        if ctx.dialect == "bash":
            _complain(ctx, io, "can only be used in a function", "local")
            return 1
        _complain(ctx, io, "not in a function", "local")
        return 2
    frame = ctx.frames[-1]
    for a in argv[1:]:
        name, eq, value = a.partition("=")
        if not _valid_name(ctx, io, name, "local", a):
            return 1
        if name not in frame:
            frame[name] = (ctx.vars.get(name), ctx.env.get(name))
        if eq:
            ctx.set(name, value)
    return 0


def b_unset(ctx: ShContext, argv: list[str], io: Streams) -> int:
    funcs = False
    for a in argv[1:]:
        if a in ("-f", "-v"):
            funcs = a == "-f"
            continue
        if funcs:
            ctx.functions.pop(a, None)
            continue
        if a in ctx.readonly:
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{a}: cannot unset: readonly variable", "unset")
                return 1
            return _special_error(ctx, io, f"{a}: is read only", "unset")
        ctx.unset(a)
    return 0


def b_set(ctx: ShContext, argv: list[str], io: Streams) -> int:
    args = argv[1:]
    if not args:
        for k in sorted({**ctx.env, **{k: v for k, v in ctx.vars.items() if not k.startswith("\0")}}):
            v = ctx.get(k) or ""
            io.out(f"{k}='" + v.replace("'", "'\\''") + "'\n" if not re.fullmatch(r"[\w./:-]+", v)
                   or ctx.dialect != "bash" else f"{k}={v}\n")
        return 0
    long_names = {"errexit": "e", "nounset": "u", "xtrace": "x", "noglob": "f", "verbose": "v", "pipefail": "P"}
    k = 0
    while k < len(args):
        a = args[k]
        if a == "--":
            ctx.args = args[k + 1:]
            return 0
        if a in ("-o", "+o") and k + 1 < len(args):
            if ctx.dialect == "dash" and args[k + 1] == "pipefail":
                return _special_error(ctx, io, f"Illegal option {a} {args[k + 1]}", "set")
            opt = long_names.get(args[k + 1])
            if opt:
                (ctx.options.add if a == "-o" else ctx.options.discard)(opt)
            k += 2
            continue
        if a[:1] in "-+" and len(a) > 1:
            for ch in a[1:]:
                (ctx.options.add if a[0] == "-" else ctx.options.discard)(ch)
            k += 1
            continue
        ctx.args = args[k:]
        return 0
    return 0


def b_shift(ctx: ShContext, argv: list[str], io: Streams) -> int:
    n = 1
    if len(argv) > 1:
        if not argv[1].isdigit():
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{argv[1]}: numeric argument required", "shift")
                return 1
            return _special_error(ctx, io, f"Illegal number: {argv[1]}", "shift")
        n = int(argv[1])
    if n > len(ctx.args):
        if ctx.dialect == "dash":
            return _special_error(ctx, io, "can't shift that many", "shift")
        return 1
    ctx.args = ctx.args[n:]
    return 0


def b_read(ctx: ShContext, argv: list[str], io: Streams) -> int:
    raw = False
    names: list[str] = []
    args = argv[1:]
    k = 0
    while k < len(args):
        a = args[k]
        if a == "-r":
            raw = True
        elif a in ("-p", "-t", "-n", "-d", "-u") and k + 1 < len(args):
            if a == "-p":
                io.err(args[k + 1])
            k += 1
        elif a in ("-s",):
            pass
        else:
            names = args[k:]
            break
        k += 1
    if not names:
        if ctx.dialect == "bash":
            names = ["REPLY"]
        else:
            _complain(ctx, io, "arg count", "read")
            return 2
    text_parts: list[str] = []
    got_newline = False
    while True:
        line = io.readline()
        if line is None:
            break
        if line.endswith("\n"):
            body, got_newline = line[:-1], True
        else:
            body = line
        if not raw and body.endswith("\\") and not body.endswith("\\\\") and got_newline:
            text_parts.append(body[:-1])
            got_newline = False
            continue
        text_parts.append(body)
        break
    text = "".join(text_parts)
    if not raw:
        text = re.sub(r"\\(.)", r"\1", text)
    ifs = ctx.get("IFS")
    ifs = " \t\n" if ifs is None else ifs
    ws = "".join(c for c in ifs if c in " \t\n")
    text = text.strip(ws) if ws else text
    values: list[str] = []
    rest = text
    for i, _ in enumerate(names):
        if i == len(names) - 1:
            values.append(rest.rstrip(ws) if ws else rest)
            break
        if not ifs:
            values.append(rest)
            rest = ""
            continue
        m = _ifs_regex(ifs).search(rest)
        if m is None:
            values.append(rest)
            rest = ""
        else:
            values.append(rest[:m.start()])
            rest = rest[m.end():]
    for name, value in zip(names, values + [""] * (len(names) - len(values)), strict=False):
        ctx.set(name, value)
    return 0 if got_newline else 1


def b_cd(ctx: ShContext, argv: list[str], io: Streams) -> int:
    args = [a for a in argv[1:] if a not in ("-L", "-P")]
    if not args:
        target = ctx.get("HOME") or "/"
    elif args[0] == "-":
        target = ctx.get("OLDPWD") or ctx.cwd
        io.out(target + "\n")
    else:
        target = args[0]
    path = ctx.resolve(target)
    fs = ctx.fs
    ok, reason = True, "No such file or directory"
    if fs is not None:
        try:
            if not fs.isdir(path):
                ok = False
                reason = "Not a directory" if fs.exists(path) else reason
        except Exception as e:  # noqa: BLE001 - an FsError
            ok, reason = False, str(e) or reason
    if not ok:
        if ctx.dialect == "bash":
            _complain(ctx, io, f"{target}: {reason}", "cd")
            return 1
        if ctx.dialect == "dash":
            _complain(ctx, io, f"can't cd to {target}", "cd")
            return 2
        _complain(ctx, io, f"can't cd to {target}: {reason}", "cd")
        return 2
    if ctx.get("PWD") is not None or True:
        ctx.set("OLDPWD", ctx.cwd)
        ctx.set("PWD", path)
    ctx.cwd = path
    return 0


def b_pwd(ctx: ShContext, argv: list[str], io: Streams) -> int:
    io.out(ctx.cwd + "\n")
    return 0


_SLEEP_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float | None:
    """GNU sleep's NUMBER[SUFFIX] (s m h d, fractions, ``infinity``); None if it does not read."""
    t = text.strip()
    if t.lower() in ("inf", "infinity"):
        return float("inf")
    m = _DURATION.fullmatch(t)
    if not m:
        return None
    return float(m.group(1)) * _SLEEP_UNITS[m.group(2)]


def b_sleep(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    """``sleep`` (an external program in real images, the same words): yields the time to pass."""
    args = argv[1:]
    if not args:
        if ctx.dialect == "busybox":
            io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: sleep [N]...\n\n"
                   "Pause for a time equal to the total of the args given, where each arg can\n"
                   "have an optional suffix of (s)econds, (m)inutes, (h)ours, or (d)ays\n")
        else:
            io.err("sleep: missing operand\nTry 'sleep --help' for more information.\n")
        return 1
    total = 0.0
    for a in args:
        d = parse_duration(a)
        if d is None:
            if ctx.dialect == "busybox":
                io.err(f"sleep: invalid number '{a}'\n")
            else:
                io.err(f"sleep: invalid time interval '{a}'\nTry 'sleep --help' for more information.\n")
            return 1
        total += d
    ctx.counter.steps = 0
    if total > 0:
        yield Sleep(total)
    return 0


def b_wait(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    """``wait [pid…]``: until those background jobs (all of them) have ended; the last one's status."""
    pids = tuple(int(a) for a in argv[1:] if a.isdigit())
    sched = ctx.sched
    if sched is not None and sched.jobs_among(pids):
        yield _WaitFor(pids=pids)
    done = {**ctx.jobs, **(sched.done if sched is not None else {})}
    if not argv[1:]:
        return 0
    status = 127
    for a in argv[1:]:
        status = done.get(int(a), 127) if a.isdigit() else 127
    return status


_SIGNALS = {"0": "EXIT", "1": "HUP", "2": "INT", "3": "QUIT", "9": "KILL", "15": "TERM", "10": "USR1",
            "12": "USR2", "17": "CHLD"}


def b_trap(ctx: ShContext, argv: list[str], io: Streams) -> int:
    args = argv[1:]
    if not args:
        for sig, action in sorted(ctx.traps.items(), key=lambda kv: _SIGNUMS.get(kv[0], 99)):
            q = action.replace("'", "'\\''")
            shown = "SIG" + sig if ctx.dialect == "bash" and sig != "EXIT" else sig
            io.out(f"trap -- '{q}' {shown}\n")
        return 0
    if args[0] == "--":
        args = args[1:]
    if len(args) == 1 or args[0] == "-" or re.fullmatch(r"\d+", args[0]):
        sigs = args if len(args) == 1 or re.fullmatch(r"\d+", args[0]) else args[1:]
        for s in sigs:
            ctx.traps.pop(_signame(s), None)
        return 0
    action = args[0]
    for s in args[1:]:
        ctx.traps[_signame(s)] = action
    return 0


_SIGNUMS = {name: int(num) for num, name in _SIGNALS.items()}


def _signame(s: str) -> str:
    s = s.upper()
    if s.startswith("SIG"):
        s = s[3:]
    return _SIGNALS.get(s, s)


def b_kill(ctx: ShContext, argv: list[str], io: Streams) -> int:
    """``kill [-SIG] pid…``: a background job of this shell ends (128 + the signal); other pids
    are accepted and left alone."""
    signal = 15
    for a in argv[1:]:
        if a.startswith("-"):
            name = _signame(a[1:].removeprefix("s ").strip())
            signal = int(a[1:]) if a[1:].isdigit() else _SIGNUMS.get(name, 15)
            continue
        if a.isdigit() and ctx.sched is not None and signal != 0:
            ctx.sched.kill(int(a), 128 + signal)
    return 0


def b_eval(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    text = " ".join(argv[1:])
    if not text.strip():
        return 0
    try:
        script = parse(text, ctx.dialect)
    except ShSyntaxError as e:
        io.err(_syntax_message(ctx, e) + "\n")
        if ctx.mode != "interactive" and ctx.dialect != "bash":
            raise _Exit(2) from None
        return 2
    return (yield from _seq(ctx, script.body, io))


def b_exec(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    if len(argv) == 1:
        return 0
    status = yield from _command(ctx, argv[1:], io, [])
    raise _Exit(status)


def b_source(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    if len(argv) < 2:
        if ctx.dialect == "bash":
            _complain(ctx, io, "filename argument required", argv[0])
            return 2
        return 0
    name = argv[1]
    text = None
    if ctx.fs is not None:
        try:
            data = ctx.fs.read(ctx.resolve(name))
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
        except Exception:  # noqa: BLE001 - an FsError
            text = None
    if text is None:
        if ctx.dialect == "bash":
            _complain(ctx, io, f"{name}: No such file or directory")
            return 1
        return _dot_missing(ctx, io, argv[0], name)
    saved = ctx.args
    if len(argv) > 2:
        ctx.args = argv[2:]
    ctx.sourcing += 1
    try:
        script = parse(text, ctx.dialect)
        return (yield from _seq(ctx, script.body, io))
    except ShSyntaxError as e:
        io.err(_syntax_message(ctx, e) + "\n")
        return 2
    except _Return as r:
        return r.status
    finally:
        ctx.sourcing -= 1
        ctx.args = saved


def _dot_missing(ctx: ShContext, io: Streams, word: str, name: str) -> int:
    if ctx.dialect == "dash":
        _complain(ctx, io, f"{word}: cannot open {name}: No such file")
    else:
        _complain(ctx, io, f"{word}: can't open '{name}': No such file or directory")
    if ctx.mode != "interactive":
        raise _Exit(2)
    return 2


def b_return(ctx: ShContext, argv: list[str], io: Streams) -> int:
    status = ctx.status
    if len(argv) > 1:
        if not re.fullmatch(r"-?\d+", argv[1]):
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{argv[1]}: numeric argument required", "return")
                status = 2
            else:
                return _special_error(ctx, io, f"Illegal number: {argv[1]}", "return")
        else:
            status = int(argv[1]) & 0xFF
    if not ctx.frames and not ctx.sourcing:
        if ctx.dialect == "bash":
            _complain(ctx, io, "can only `return' from a function or sourced script", "return")
            return 2
        raise _Exit(status)  # ash and dash: return outside a function ends the script
    raise _Return(status)


def _loop_control(ctx: ShContext, argv: list[str], io: Streams, cont: bool) -> int:
    n = 1
    if len(argv) > 1:
        if not argv[1].isdigit() or int(argv[1]) < 1:
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{argv[1]}: loop count out of range", argv[0])
                return 1
            return _special_error(ctx, io, f"Illegal number: {argv[1]}", argv[0])
        n = int(argv[1])
    if not ctx.loops:
        if ctx.dialect == "bash":
            _complain(ctx, io, "only meaningful in a `for', `while', or `until' loop", argv[0])
        return 0
    raise _Break(min(n, ctx.loops), cont)


def b_break(ctx: ShContext, argv: list[str], io: Streams) -> int:
    return _loop_control(ctx, argv, io, False)


def b_continue(ctx: ShContext, argv: list[str], io: Streams) -> int:
    return _loop_control(ctx, argv, io, True)


def _missing_builtin(ctx: ShContext, name: str) -> bool:
    return ctx.dialect == "dash" and name in _NOT_DASH


def _describe(ctx: ShContext, name: str) -> tuple[str, str] | None:
    """(kind, text) of what runs for ``name``: alias/keyword/function/builtin/file."""
    if name in RESERVED - {"in"}:
        return "keyword", name
    if name in ctx.functions:
        return "function", name
    if name in BUILTINS and not _missing_builtin(ctx, name) and name not in _EXTERNAL_BUILTINS:
        return "builtin", name
    if ctx.lookup(name) is not None:
        return "file", which(ctx, name)
    if name in _EXTERNAL_BUILTINS:
        return "file", f"/bin/{name}"
    return None


def which(ctx: ShContext, name: str) -> str:
    """Where ``name`` is found on ``$PATH`` (the first directory of PATH that is a bin directory the
    image's programs live in; ``/bin`` when the filesystem cannot tell)."""
    if "/" in name:
        return name
    path = (ctx.get("PATH") or "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin").split(":")
    fs = ctx.fs
    if fs is not None:
        for d in path:
            try:
                if d and fs.exists(d.rstrip("/") + "/" + name):
                    return d.rstrip("/") + "/" + name
            except Exception:  # noqa: BLE001
                continue
    return "/bin/" + name


def b_command(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    args = argv[1:]
    verbose = None
    while args and args[0].startswith("-") and args[0] != "-":
        if args[0] == "--":
            args = args[1:]
            break
        if "v" in args[0]:
            verbose = "v"
        if "V" in args[0]:
            verbose = "V"
        args = args[1:]
    if not args:
        return 0
    if verbose:
        status = 0
        for name in args:
            d = _describe(ctx, name)
            if d is None:
                if verbose == "V":
                    _type_missing(ctx, io, name, "command")
                status = 1 if ctx.dialect == "bash" else 127
                continue
            kind, text = d
            if verbose == "v":
                io.out((text if kind == "file" else name) + "\n")
            else:
                io.out(_type_line(ctx, name, kind, text))
        return status
    name = args[0]
    builtin = BUILTINS.get(name)
    if builtin is not None:
        return (yield from _call(ctx, builtin, args, io))
    prog = ctx.lookup(name)
    if prog is None:
        return _not_found(ctx, name, io)
    return (yield from _call(ctx, prog, args, io))


def _type_line(ctx: ShContext, name: str, kind: str, text: str) -> str:
    if kind == "keyword":
        return f"{name} is a shell keyword\n" if ctx.dialect != "busybox" else f"{name} is a shell keyword\n"
    if kind == "function":
        return f"{name} is a shell function\n" if ctx.dialect == "dash" else f"{name} is a function\n"
    if kind == "builtin":
        special = name in SPECIAL_BUILTINS and ctx.dialect != "bash"
        return f"{name} is a {'special ' if special else ''}shell builtin\n"
    return f"{name} is {text}\n"


def _type_missing(ctx: ShContext, io: Streams, name: str, builtin: str) -> None:
    if ctx.dialect == "bash":
        _complain(ctx, io, f"{name}: not found", builtin)
    else:
        io.out(f"{name}: not found\n")


def b_type(ctx: ShContext, argv: list[str], io: Streams) -> int:
    status = 0
    for name in argv[1:]:
        d = _describe(ctx, name)
        if d is None:
            _type_missing(ctx, io, name, "type")
            status = 1 if ctx.dialect == "bash" else 127
            continue
        io.out(_type_line(ctx, name, *d))
    return status


def b_alias(ctx: ShContext, argv: list[str], io: Streams) -> int:
    prefix = "alias " if ctx.dialect == "bash" else ""
    _sq = _bash_single_quote if ctx.dialect == "bash" else _single_quote
    if len(argv) == 1:
        for name in sorted(ctx.aliases):
            io.out(f"{prefix}{name}={_sq(ctx.aliases[name])}\n")
        return 0
    status = 0
    for a in argv[1:]:
        name, eq, value = a.partition("=")
        if eq:
            ctx.aliases[name] = value
            ctx.alias_lines[name] = ctx.top_line
        elif name in ctx.aliases:
            io.out(f"{prefix}{name}={_sq(ctx.aliases[name])}\n")
        else:
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{name}: not found", "alias")
            else:
                io.err(f"alias: {name} not found\n")
            status = 1
    return status


def b_unalias(ctx: ShContext, argv: list[str], io: Streams) -> int:
    status = 0
    for name in argv[1:]:
        if name == "-a":
            ctx.aliases.clear()
        elif name in ctx.aliases:
            del ctx.aliases[name]
        else:
            if ctx.dialect == "bash":
                _complain(ctx, io, f"{name}: not found", "unalias")
            else:
                io.err(f"unalias: {name} not found\n")
            status = 1
    return status


def b_getopts(ctx: ShContext, argv: list[str], io: Streams) -> int:
    """``getopts optstring name [arg…]``: the next option of the arguments (``$@`` by default)."""
    if len(argv) < 3:
        _complain(ctx, io, "usage: getopts optstring name [arg ...]" if ctx.dialect == "bash"
                  else "Usage: getopts optstring var [arg]", "getopts")
        return 2
    spec, name = argv[1], argv[2]
    args = argv[3:] if len(argv) > 3 else ctx.args
    silent = spec.startswith(":")
    spec = spec.lstrip(":")
    try:
        optind = int(ctx.get("OPTIND") or "1")
    except ValueError:
        optind = 1
    state = ctx.getopts
    pos = state[1] if state[0] == optind else 1

    def unset_optarg() -> None:
        ctx.unset("OPTARG")

    if optind < 1 or optind > len(args) or not args[optind - 1].startswith("-") or args[optind - 1] == "-":
        ctx.set(name, "?")
        return 1
    arg = args[optind - 1]
    if arg == "--":
        ctx.set("OPTIND", str(optind + 1))
        ctx.set(name, "?")
        return 1
    c = arg[pos]
    pos += 1
    k = spec.find(c) if c != ":" else -1
    if k < 0:
        if silent:
            ctx.set("OPTARG", c)
        else:
            io.err(f"{ctx.argv0}: illegal option -- {c}\n" if ctx.dialect == "bash" else f"Illegal option -{c}\n")
            unset_optarg()
        ctx.set(name, "?")
    elif spec[k + 1:k + 2] == ":":
        if pos < len(arg):
            ctx.set("OPTARG", arg[pos:])
            pos = len(arg)
            ctx.set(name, c)
        elif optind < len(args):
            ctx.set("OPTARG", args[optind])
            optind += 1
            pos = len(arg)
            ctx.set(name, c)
        elif silent:
            ctx.set("OPTARG", c)
            ctx.set(name, ":")
        else:
            io.err(f"{ctx.argv0}: option requires an argument -- {c}\n" if ctx.dialect == "bash"
                   else f"No arg for -{c} option\n")
            unset_optarg()
            ctx.set(name, "?")
    else:
        if ctx.dialect == "bash":
            unset_optarg()
        else:
            ctx.set("OPTARG", "")
        ctx.set(name, c)
    if pos >= len(arg):
        optind += 1
        pos = 1
    ctx.set("OPTIND", str(optind))
    ctx.getopts = (optind, pos)
    return 0


def b_umask(ctx: ShContext, argv: list[str], io: Streams) -> int:
    if len(argv) == 1:
        io.out("0022\n")
    return 0


def b_let(ctx: ShContext, argv: list[str], io: Streams) -> int:
    value = 0
    for a in argv[1:]:
        value = arith(ctx, a)
    return 0 if value else 1


def b_times(ctx: ShContext, argv: list[str], io: Streams) -> int:
    io.out("0m0.000s 0m0.000s\n0m0.000s 0m0.000s\n")
    return 0


#: builtins dash does not have (busybox ash and bash do)
_NOT_DASH = frozenset({"[[", "let", "source"})
#: programs every shell script may call that real images have as files (``type sleep`` → a file)
_EXTERNAL_BUILTINS = frozenset({"sleep", "kill"})

BUILTINS: dict[str, Callable] = {
    ":": b_colon, "true": b_colon, "false": b_false, "echo": b_echo, "printf": b_printf, "test": b_test,
    "[": b_test, "exit": b_exit, "export": b_export, "readonly": b_readonly, "local": b_local, "unset": b_unset,
    "set": b_set, "shift": b_shift, "read": b_read, "cd": b_cd, "pwd": b_pwd, "sleep": b_sleep, "wait": b_wait,
    "trap": b_trap, "kill": b_kill, "eval": b_eval, "exec": b_exec, ".": b_source, "source": b_source,
    "return": b_return, "break": b_break, "continue": b_continue, "command": b_command, "type": b_type,
    "umask": b_umask, "let": b_let, "times": b_times, "hash": b_colon, "ulimit": b_colon, "alias": b_alias,
    "unalias": b_unalias,
    "[[": b_dbracket, "getopts": b_getopts,
}


# -- the shell as a program -----------------------------------------------------------------------------
def shell_program(dialect: str) -> Program:
    """The ``sh`` (or ``bash``) program of an image whose shell is ``dialect``: ``sh -c 'script'
    [name [args…]]``, ``sh [-ex] file [args…]``, or the script on its standard input. It is a new
    process: it inherits the exported variables, the working directory and the filesystem, not the
    caller's shell variables, functions or traps."""

    def main(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
        return (yield from _shell_main(dialect, ctx, argv, io))

    return main


def programs(dialect: str) -> dict[str, Program]:
    """The shells an image with ``dialect`` as its ``/bin/sh`` has, by name and path."""
    names = {"busybox": ("sh", "ash"), "dash": ("sh", "dash"), "bash": ("sh", "bash")}.get(dialect, ("sh",))
    progs: dict[str, Program] = {}
    for name in names:
        prog = shell_program("bash" if name == "bash" else "dash" if name == "dash" else dialect)
        progs[name] = prog
        progs["/bin/" + name] = prog
    if dialect == "dash":
        progs["bash"] = progs["/bin/bash"] = shell_program("bash")
    return progs


#: what each shell exports of its own when it starts (in ``env``'s output): busybox ash and bash
#: keep SHLVL, all three export PWD (dash has no SHLVL)
SHELL_VARS = {"busybox": ("SHLVL", "PWD"), "bash": ("SHLVL", "PWD"), "dash": ("PWD",)}


def shell_start_env(dialect: str, env: dict[str, str], cwd: str) -> dict[str, str]:
    """The environment a starting shell of ``dialect`` exports: what it inherited plus SHLVL one more
    than the inherited level (ash, bash) and PWD, its working directory (all three)."""
    out = dict(env)
    for name in SHELL_VARS.get(dialect, ()):
        if name == "SHLVL":
            level = out.get("SHLVL", "0")
            out["SHLVL"] = str(int(level) + 1 if level.strip().lstrip("-").isdigit() else 1)
        else:
            out["PWD"] = cwd
    return out


def _shell_main(dialect: str, ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    name = argv[0]
    d = "bash" if name.rsplit("/", 1)[-1] == "bash" else dialect
    args = list(argv[1:])
    options: set[str] = set()
    command = False
    while args and args[0][:1] in "-+" and args[0] not in ("-", "--", "+"):
        a = args.pop(0)
        if a in ("-o", "+o"):
            if args:
                opt = {"errexit": "e", "nounset": "u", "xtrace": "x", "noglob": "f"}.get(args.pop(0))
                if opt and a == "-o":
                    options.add(opt)
            continue
        for ch in a[1:]:
            if ch == "c":
                command = True
            elif ch in "euxfv" and a[0] == "-":
                options.add(ch)
    if args and args[0] in ("-", "--"):
        args.pop(0)
    new = ShContext(env=shell_start_env(d, ctx.env, ctx.cwd), cwd=ctx.cwd, fs=ctx.fs, lookup=ctx.lookup, now=ctx.now,
                    hostname=ctx.hostname, ps=ctx.ps, dialect=d, source=ctx.source, cluster=ctx.cluster,
                    argv0=name, options=options, counter=ctx.counter)
    ctx.counter.pid += 1
    new.pid = ctx.counter.pid
    if command:
        if not args:
            if d == "bash":
                io.err(f"{name}: -c: option requires an argument\n")
            elif d == "dash":
                io.err(f"{name}: 0: -c requires an argument\n")
            else:
                io.err(f"{name}: -c requires an argument\n")
            return 2
        script = args[0]
        if len(args) > 1:
            new.argv0, new.args = args[1], args[2:]
            new.mode = "-c+"
        else:
            new.mode = "-c"
    elif args:
        path = args[0]
        text = None
        if ctx.fs is not None:
            try:
                data = ctx.fs.read(ctx.resolve(path))
                text = data.decode("utf-8", "replace") if isinstance(data, bytes) else str(data)
            except Exception:  # noqa: BLE001 - an FsError
                text = None
        if text is None:
            if d == "bash":
                io.err(f"{name}: {path}: No such file or directory\n")
                return 127
            io.err(f"{name}: 0: cannot open {path}: No such file\n" if d == "dash"
                   else f"{name}: can't open '{path}': No such file or directory\n")
            return 2
        script = text
        new.argv0, new.args, new.mode = path, args[1:], "file"
    else:
        script = io.read()
        new.mode = "stdin"
    return (yield from run(script, new, io))


# -- timeout ------------------------------------------------------------------------------------------
def timeout_program(dialect: str) -> Program:
    """``timeout DURATION COMMAND [ARG]…`` (GNU coreutils; busybox's ``timeout [-s SIG] SECS PROG``):
    runs the program (found through ``ctx.lookup``) and ends it when DURATION of virtual time has
    passed — GNU's status 124, busybox's 128 + the signal, as the caller sees the killed program."""

    def main(ctx: ShContext, argv: list[str], io: Streams) -> Gen:
        return (yield from _timeout_main(dialect, ctx, argv, io))

    return main


def _timeout_main(dialect: str, ctx: ShContext, argv: list[str], io: Streams) -> Gen:
    gnu = dialect != "busybox"
    args = list(argv[1:])
    signal, preserve = 15, False
    while args and args[0].startswith("-") and args[0] != "-":
        a = args.pop(0)
        if a == "--":
            break
        if a in ("-s", "--signal") and args:
            name = _signame(args.pop(0))
            signal = _SIGNUMS.get(name, 15) if not name.isdigit() else int(name)
        elif a.startswith("--signal="):
            signal = _SIGNUMS.get(_signame(a.split("=", 1)[1]), 15)
        elif a == "--preserve-status":
            preserve = True
        elif a in ("-k", "--kill-after", "-t") and args:
            args.pop(0)
    if not args:
        if gnu:
            io.err("timeout: missing operand\nTry 'timeout --help' for more information.\n")
            return 125
        io.err("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\n"
               "Usage: timeout [-s SIG] [-k KILL_SECS] SECS PROG ARGS\n\n"
               "Run PROG. Send SIG to it if it is not gone in SECS seconds.\n"
               "Default SIG: TERM.If it still exists in KILL_SECS seconds, send KILL.\n")
        return 1
    limit = parse_duration(args[0])
    if limit is None:
        if gnu:
            io.err(f"timeout: invalid time interval '{args[0]}'\nTry 'timeout --help' for more information.\n")
            return 125
        io.err(f"timeout: invalid number '{args[0]}'\n")
        return 1
    command = args[1:]
    if not command:
        if gnu:
            io.err("timeout: missing operand\nTry 'timeout --help' for more information.\n")
            return 125
        return 1
    prog = ctx.lookup(command[0])
    if prog is None:
        io.err(f"timeout: failed to run command '{command[0]}': No such file or directory\n" if gnu
               else f"timeout: can't execute '{command[0]}': No such file or directory\n")
        return 127
    r = prog(ctx, command, io)
    if not isinstance(r, Iterator):
        return 0 if r is None else r
    elapsed = 0.0
    try:
        item = next(r)
        while True:
            if limit and elapsed + item.seconds >= limit:
                if limit > elapsed:
                    yield Sleep(limit - elapsed)
                r.close()
                return 128 + signal if preserve or not gnu else 124
            elapsed += item.seconds
            yield item
            item = r.send(None)
    except StopIteration as stop:
        return 0 if stop.value is None else stop.value
