"""A shell's grammar, small enough to model: lists (``;``, ``&&``, ``||``), pipelines (``|``),
``$VAR`` expansion, ``>``/``2>`` redirections to /dev/null (or a file the shell keeps), and the
text utilities every shell has (echo, grep, head, tail, wc, true, false).

Owns: ``Shell``, the base of the pod shell and the workstation shell: it runs a line and returns
the combined output and the last status; subclasses add their programs (``programs()``) and their
words for a missing one (``not_found``).
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable
from dataclasses import dataclass

from .fmt import Out

Program = Callable[[list[str], str], Out]

_VAR = re.compile(r"\$(?:\{(\w+)\}|(\w+)|(\?))")


@dataclass
class LineResult:
    output: str
    exit_code: int = 0
    exited: bool = False  # ``exit`` ended the shell


class ShellExit(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def split_list(line: str) -> list[tuple[str, list[list[str]]]] | None:
    """``a | b && c ; d`` → [(";", [[a], [b]]), ("&&", [[c]]), (";", [[d]])]; None if unparsable."""
    lex = shlex.shlex(line, posix=True, punctuation_chars=";&|")
    lex.whitespace_split = True
    lex.commenters = "#"
    try:
        tokens = list(lex)
    except ValueError:
        return None
    out: list[tuple[str, list[list[str]]]] = []
    sep, pipeline, words = ";", [], []  # type: ignore[var-annotated]
    for tok in tokens:
        if tok in (";", "&&", "||", "&"):
            if words:
                pipeline.append(words)
            if pipeline:
                out.append((sep, pipeline))
            sep, pipeline, words = (";" if tok == "&" else tok), [], []
        elif tok == "|":
            pipeline.append(words)
            words = []
        else:
            words.append(tok)
    if words:
        pipeline.append(words)
    if pipeline:
        out.append((sep, pipeline))
    return out


class Shell:
    """Runs lines; subclasses provide ``programs()``, ``env`` and ``not_found``."""

    name = "sh"

    def __init__(self) -> None:
        self.env: dict[str, str] = {}
        self.status = 0
        self.files: dict[str, str] = {}

    # -- to override ---------------------------------------------------------------------------
    def programs(self) -> dict[str, Program]:
        return {}

    def not_found(self, word: str) -> Out:
        return Out(stderr=f"sh: {word}: not found\n", code=127)

    def syntax_error(self) -> Out:
        return Out(stderr="sh: syntax error: unterminated quoted string\n", code=2)

    # -- running -------------------------------------------------------------------------------
    def expand(self, line: str) -> str:
        """``$NAME``/``${NAME}``/``$?`` outside single quotes (quoted, so values stay one word)."""
        out, i, quote = [], 0, ""
        while i < len(line):
            ch = line[i]
            if ch == "'" and quote != '"':
                quote = "" if quote == "'" else "'"
            elif ch == '"' and quote != "'":
                quote = "" if quote == '"' else '"'
            elif ch == "$" and quote != "'":
                m = _VAR.match(line, i)
                if m:
                    value = str(self.status) if m.group(3) else self.env.get(m.group(1) or m.group(2), "")
                    out.append(value if quote else shlex.quote(value) if value else "")
                    i = m.end()
                    continue
            out.append(ch)
            i += 1
        return "".join(out)

    def run(self, line: str) -> LineResult:
        parsed = split_list(self.expand(line))
        if parsed is None:
            r = self.syntax_error()
            self.status = r.code
            return LineResult(r.stdout + r.stderr, r.code)
        text: list[str] = []
        try:
            for sep, pipeline in parsed:
                if (sep == "&&" and self.status != 0) or (sep == "||" and self.status == 0):
                    continue
                r = self.pipeline(pipeline)
                text.append(r.stderr + r.stdout)
                self.status = r.code
        except ShellExit as e:
            self.status = e.code
            return LineResult("".join(text), e.code, exited=True)
        return LineResult("".join(text), self.status)

    def pipeline(self, commands: list[list[str]]) -> Out:
        data, errors, result = "", [], Out()
        for words in commands:
            result = self.command(words, data)
            errors.append(result.stderr)
            data = result.stdout
        return Out(stdout=data, stderr="".join(errors), code=result.code)

    def command(self, words: list[str], stdin: str) -> Out:
        words, redirect_out, redirect_err = self._redirections(words)
        if not words:
            return Out()
        # NAME=value prefixes set the variable for the command (kept simple: for the shell)
        while words and re.fullmatch(r"[A-Za-z_]\w*=.*", words[0]):
            k, _, v = words.pop(0).partition("=")
            self.env[k] = v
        if not words:
            return Out()
        prog = self.lookup(words[0])
        if prog is None:
            r = self.not_found(words[0])
        else:
            r = prog(words[1:], stdin)
        if redirect_out is not None:
            if redirect_out != "/dev/null":
                self.files[redirect_out] = r.stdout
            r = Out(stderr=r.stderr, code=r.code)
        if redirect_err == "&1":
            r = Out(stdout=r.stderr + r.stdout, code=r.code)
        elif redirect_err is not None:
            r = Out(stdout=r.stdout, code=r.code)
        return r

    def lookup(self, word: str) -> Program | None:
        progs = {**self.common(), **self.programs()}
        return progs.get(word) or progs.get(word.rsplit("/", 1)[-1] if word.startswith("/") else "")

    @staticmethod
    def _redirections(words: list[str]) -> tuple[list[str], str | None, str | None]:
        out_to = err_to = None
        rest: list[str] = []
        i = 0
        while i < len(words):
            w = words[i]
            m = re.fullmatch(r"(2|&)?>>?(.*)", w)
            if m:
                target = m.group(2)
                if not target and i + 1 < len(words):
                    i += 1
                    target = words[i]
                if m.group(1) == "2":
                    err_to = target
                elif m.group(1) == "&":
                    out_to, err_to = target, target
                else:
                    out_to = target
            else:
                rest.append(w)
            i += 1
        return rest, out_to, err_to

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
