"""The workstation's shell: the terminal panel's ``$`` prompt, a machine outside the cluster.

Owns: the programs the workstation has — ``kubectl`` (the kubectl engine), GNU ``base64`` (the
Secret tutorials' ``… -o jsonpath='{.data.password}' | base64 --decode``: coreutils.py's, the one
every Debian image has too), ``curl`` and ``ping``
(the network's "outside" source, 192.168.56.1: node IPs, NodePorts, load-balancer IPs and the
external world answer; cluster IPs and pod IPs do not route from here), ``clear``, ``help`` and
the shell's text utilities, ``helm`` (v3, ``server.helm.cli``: its repositories file and cache
live in this shell's files, as helm keeps them under ``$HOME``) — and bash's words for anything
else (``bash: foo: command not found``). A ``kubectl run -it``/``exec -it`` asks to attach: ``attach`` carries that request to
the session keeper. A line stopped by one of the terminal's limits (core.py: a loop that never
waits, a wait past ``MAX_LINE_WAIT``, output past ``MAX_LINE_OUTPUT``) ends with ``^C`` and a
``kubeplay:`` note under it that names the limit (``LIMIT_NOTES``): a real bash would run on until
the user pressed Ctrl-C, so the note says who did.

Hands off: kubectl lines to ``server.kubectl.run``; helm lines to ``server.helm.cli.helm``; requests to
``netio``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..minikube import minikube
from ..sim import sh
from .core import MAX_LINE_BUSY, MAX_LINE_OUTPUT, MAX_LINE_WAIT, Program, Shell
from .fmt import Out
from .pod import curl, ping
from .workspace import HOME, Workspace, workstation_fs

if TYPE_CHECKING:
    from ..kubectl.parse import Result
    from ..kubectl.streaming import Stream
    from ..sim.cluster import Cluster

PROMPT = "$ "
HELP = """kubeplay workstation shell. Programs on this machine:
  kubectl ...        talk to the cluster (kubectl v1.32)
  helm ...           install charts (helm v3): helm repo add stable https://charts.helm.sh/stable
  minikube ...       drive the minikube preset's cluster (v1.35): status, ip, service NAME, addons, stop, start
  curl [-s|-v|-I] URL   HTTP from outside the cluster (node IP:nodePort, load-balancer IP)
  wget, nslookup, dig, ping   the network from outside the cluster
  ls cat head tail grep sed awk jq xargs sort uniq cut tr tee wc base64 env date ...   (GNU words)
  watch [-n N] CMD   run CMD every N seconds of the cluster's clock until Ctrl-C
  vi FILE            edit a workspace file in the page's editor (also vim, nano)
  history, clear, help
Inside a pod: kubectl exec -it POD -- sh, or kubectl run -it NAME --image=busybox --rm --restart=Never -- sh
"""
#: the workstation's host name (``watch``'s title, ``hostname``)
HOSTNAME = "workstation"
#: programs that change nothing outside their output (and the files their redirections name):
#: a line made only of these, without a writing redirection or a shell-state change, is not journalled
PURE = frozenset({
    "echo", "printf", "true", "false", ":", "test", "[", "[[", "cat", "ls", "head", "tail", "wc", "grep",
    "egrep", "fgrep", "sort", "uniq", "cut", "tr", "base64", "env", "printenv", "date", "pwd", "help",
    "clear", "history", "jq", "awk", "basename", "dirname", "readlink", "realpath", "stat", "find", "du",
    "df", "id", "whoami", "uname", "hostname", "nproc", "seq", "ps", "free", "type", "which", "mount",
})
_STOPPED = "kubeplay: the line was stopped as Ctrl-C would stop it: "
#: the note under a line one of the terminal's limits stopped (``Shell.interrupted``)
LIMIT_NOTES = {
    "busy": f"{_STOPPED}it ran {MAX_LINE_BUSY * sh.BUSY_STEPS} steps without waiting for anything "
            "(a loop that never ends?)\n",
    "wait": f"{_STOPPED}it would wait more than {MAX_LINE_WAIT:g} seconds of the cluster's clock\n",
    "output": f"{_STOPPED}its output passed {MAX_LINE_OUTPUT} characters\n",
    "truncated": f"kubeplay: the output past {MAX_LINE_OUTPUT} characters was dropped\n",
}
#: redirections that write a file (``>&2``, ``2>&1`` and ``/dev/null`` do not)
_WRITES = frozenset({">", ">>", ">|", "<>", "&>", "&>>"})


def stateful(line: str) -> bool:
    """Whether the line may change anything — the cluster, the clock, the workspace's files, the
    shell's variables, functions or directory — so the sandbox must journal it for replay. Read
    from the parsed line: any command not in ``PURE`` (kubectl, curl, helm, rm, tee, sed, watch,
    vi …, or a command word only known when it runs), a redirection to a file (``cat > f``,
    ``echo … >> f``), an assignment, a function definition. A line that does not parse changes
    nothing (the shell prints its syntax error)."""
    from ..sim import sh

    try:
        script = sh.parse(line, "bash")
    except sh.ShSyntaxError:
        return False
    except RecursionError:
        return True
    return _writes(script.body)


def _writes(node: Any) -> bool:
    from ..sim import sh

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, sh.Simple):
            if n.assigns:
                return True
            if n.words:
                word = n.words[0].static
                if word is None or word.rsplit("/", 1)[-1] not in PURE:
                    return True
            for r in n.redirs:
                if _redirect_writes(r):
                    return True
            stack.extend(n.words)
            stack.extend(r.heredoc for r in n.redirs if r.heredoc is not None)
            stack.extend(r.target for r in n.redirs if r.target is not None)
        elif isinstance(n, sh.FuncDef | sh.For | sh.ArithCmd | sh.ArithFor):
            return True  # a function stays defined, a loop's variable stays set, (( )) may assign
        elif isinstance(n, sh.Redirected):
            if any(_redirect_writes(r) for r in n.redirs):
                return True
            stack.append(n.node)
        elif isinstance(n, sh.Word):
            for part in n.parts:
                if part[0] == "cmd":
                    stack.append(part[1].body)
                elif part[0] == "param" and part[2] in ("=", ":="):
                    return True  # ${X:=default} assigns
                elif part[0] == "arith":
                    return True
        elif isinstance(n, sh.Script):
            stack.append(n.body)
        elif isinstance(n, tuple | list):
            stack.extend(n)
        elif hasattr(n, "__slots__") and not isinstance(n, str):
            stack.extend(getattr(n, f) for f in n.__slots__)
    return False


def _redirect_writes(r: Any) -> bool:
    if r.op not in _WRITES:
        return False
    target = r.target.static if r.target is not None else None
    return target != "/dev/null"


@dataclass
class FileEdit:
    """``vi FILE``: the page's editor opens ``text`` (the file's, or nothing for a new one); what it
    saves is written back (``finish``), as the editor's ``:w`` would. ``file`` is the path as typed."""

    shell: HostShell
    path: str
    file: str
    text: str
    #: the program the user typed (``vi``, ``vim``, ``nano``): the page's editor names it
    editor: str = "vi"

    def finish(self, text: str) -> Result:
        from ..kubectl.parse import Result
        from ..sim.fs import FsError

        if text == self.text and not self.shell.fs.exists(self.path):
            return Result("", 0)  # quit without writing: a new file is not created
        try:
            self.shell.fs.write(self.path, text)
        except FsError as e:
            return Result(f'"{self.file}" E212: Can\'t open file for writing: {e}\n', 1)
        return Result("", 0)


class HostShell(Shell):
    name = "bash"

    def __init__(self, cluster: Cluster, kubectl_run: Any = None) -> None:
        super().__init__()
        self.cluster = cluster
        self.env = {"HOME": HOME, "USER": "user", "LOGNAME": "user", "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "SHELL": "/bin/bash", "PWD": HOME, "LANG": "C.UTF-8", "TERM": "xterm-256color"}
        #: the workstation's files; ``cluster.workspace`` (what kubectl reads) becomes a view of them
        self.fs = workstation_fs(dict(getattr(cluster, "workspace", None) or {}), clock=cluster.clock.now)
        cluster.workspace = Workspace(self.fs)
        self.cwd = HOME
        if kubectl_run is None:
            from ..kubectl import run as kubectl_run
        self._kubectl = kubectl_run
        #: set by a kubectl command that asks for an interactive session (``kubectl.verbs.run``)
        self.attach: Any = None
        #: set by ``vi FILE``: the page's editor opens it (``sandbox._open_edit``)
        self.edit: FileEdit | None = None
        #: set by ``minikube service NAME`` / ``minikube dashboard``: what the page opens (the answer's ``open``)
        self.open: dict | None = None
        #: set by a line that is only ``watch …`` when the caller follows: it goes on printing
        self.stream: Stream | None = None
        #: bash's history of this terminal (``history``): the lines as typed
        self.history: list[str] = []
        self._follow = False
        self._line = ""
        self._native: dict[str, sh.Program] | None = None

    prompt = PROMPT

    def not_found(self, word: str) -> Out:
        return Out(stderr=f"bash: {word}: command not found\n", code=127)

    def syntax_error(self) -> Out:
        return Out(stderr="bash: unexpected EOF while looking for matching quote\n", code=2)

    def context(self) -> sh.ShContext:
        ctx = super().context()
        ctx.now = self.cluster.clock.now
        ctx.hostname = HOSTNAME
        return ctx

    def on_sleep(self, pause: sh.Sleep) -> None:
        """``sleep 5`` on the workstation lets the cluster's clock run 5 simulated seconds."""
        if pause.seconds > 0 and not isinstance(pause, sh.Busy):
            self.cluster.advance(pause.seconds)

    def programs(self) -> dict[str, Program]:
        return {"kubectl": self.kubectl, "curl": lambda a, s: curl(self.cluster, None, a),
                "ping": lambda a, s: ping(self.cluster, None, a), "help": lambda a, s: Out(stdout=HELP),
                "clear": lambda a, s: Out(stdout="\x1b[H\x1b[J"), "exit": lambda a, s: Out(),
                "helm": self.helm,
                "minikube": lambda a, s: minikube(self.cluster, a, s, kubectl=self.kubectl, opener=self._opened),
                "wget": self._net("wget"), "nslookup": self._net("nslookup"), "dig": self._net("dig")}

    def native(self) -> dict[str, sh.Program]:
        """The workstation's programs in sh.py's interface: GNU coreutils and procps, sed, awk, jq,
        xargs, bash itself, and its own ``watch``, ``history``, ``vi``."""
        if self._native is None:
            from ..sim import awk, coreutils, jq, sed, xargs

            progs: dict[str, sh.Program] = {**coreutils.programs("bash"), **coreutils.PROCPS,
                                            **sh.programs("bash")}
            progs.update({"sed": sed.program("gnu"), "awk": awk.program("mawk"), "mawk": awk.program("mawk"),
                          "jq": jq.program, "xargs": xargs.program("gnu"), "watch": self.watch,
                          "history": self.history_program, "vi": self.vi, "vim": self.vi, "nano": self.vi,
                          "hostname": _hostname})
            self._native = progs
        return self._native

    def _lookup_program(self, name: str) -> sh.Program | None:
        base = name.rsplit("/", 1)[-1] if name.startswith("/") else name
        if base in self.programs():
            return super()._lookup_program(name)
        prog = self.native().get(base)
        return prog if prog is not None else super()._lookup_program(name)

    def _net(self, name: str) -> Program:
        def program(args: list[str], stdin: str) -> Out:
            from . import netio

            clients = netio.clients()
            prog = {"wget": clients.wget, "nslookup": clients.nslookup_bind, "dig": clients.dig}[name]
            return netio.run(self.cluster, None, prog, [name, *args], stdin)

        return program

    def _opened(self, what: dict) -> None:
        """A program would open the browser: the page offers it (the last one of the line wins)."""
        self.open = what

    def kubectl(self, args: list[str], stdin: str) -> Out:
        import shlex

        result = self._kubectl(self.cluster, "kubectl " + shlex.join(args), self.stdin or stdin)
        attach = getattr(result, "attach", None)
        if attach is not None:
            self.attach = attach
        # kubectl writes errors on stderr: grep does not filter them
        if result.exit_code != 0:
            return Out(stderr=result.output, code=result.exit_code)
        return Out(stdout=result.output, code=result.exit_code)

    def helm(self, args: list[str], stdin: str) -> Out:
        from ..helm.cli import helm

        ctx = self._ctx
        return helm(self.cluster, args, stdin, fs=self.fs, env=self.env, cwd=ctx.cwd if ctx is not None else self.cwd)

    # -- the workstation's own programs ------------------------------------------------------------
    def history_program(self, ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
        """bash's ``history [N]`` (``%5d  line``), ``history -c`` clears it."""
        args = argv[1:]
        if args == ["-c"]:
            self.history.clear()
            return 0
        if args and not args[0].isdigit():
            if args[0].startswith("-"):
                io.err(f"bash: history: {args[0][:2]}: invalid option\n"
                       "history: usage: history [-c] [-d offset] [n] or history -anrw [filename] or "
                       "history -ps arg [arg...]\n")
                return 2
            io.err(f"bash: history: {args[0]}: numeric argument required\n")
            return 1
        first = max(0, len(self.history) - int(args[0])) if args else 0
        io.out("".join(f"{n + 1:5d}  {line}\n" for n, line in enumerate(self.history) if n >= first))
        return 0

    def vi(self, ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
        """``vi FILE`` (``vim``, ``nano``): the page's editor opens the file; saving writes it."""
        names = [a for a in argv[1:] if not a.startswith(("-", "+"))]
        if not names:
            io.err(f"{argv[0]}: a file name is needed here: {argv[0]} FILE opens it in the editor\n")
            return 1
        path = ctx.resolve(names[0])
        if self.fs.isdir(path):
            io.err(f'"{names[0]}" is a directory\n')
            return 1
        text = self.fs.read(path).decode("utf-8", "replace") if self.fs.isfile(path) else ""
        self.edit = FileEdit(self, path, names[0], text, argv[0].rsplit("/", 1)[-1])
        return 0

    def watch(self, ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
        from .watch import WatchStream, parse_args

        parsed = parse_args(argv)
        if isinstance(parsed, str):
            io.err(parsed)
            return 1
        stream = WatchStream(self, parsed, ctx)
        io.out(stream.frame())
        if self._follow and self._only_watch():
            self.stream = stream
        return 0

    def remember(self, line: str) -> None:
        """A line typed at this prompt, for ``history`` (the sandbox runs plain kubectl lines itself)."""
        if line.strip() and not line.startswith((" ", "\t")) and (not self.history or self.history[-1] != line):
            self.history.append(line)  # Debian's .bashrc: HISTCONTROL=ignoreboth

    def _only_watch(self) -> bool:
        try:
            items = sh.parse(self._line, "bash").body.items
        except sh.ShSyntaxError:
            return False
        if len(items) != 1 or items[0][1]:
            return False
        first = items[0][0]
        pipe = first.first if isinstance(first, sh.AndOr) and not first.rest else first
        cmds = pipe.cmds if isinstance(pipe, sh.Pipeline) else [pipe]
        return len(cmds) == 1 and isinstance(cmds[0], sh.Simple) and bool(cmds[0].words) \
            and cmds[0].words[0].static == "watch"

    stdin = ""

    def run_line(self, line: str, stdin: str = "", follow: bool = False) -> tuple[str, int, Any]:
        """One line: (output, exit code, attach request or None). ``follow``: a line that is only
        ``watch …`` leaves its stream in ``self.stream``; ``vi`` leaves its file in ``self.edit``;
        ``minikube service``/``dashboard`` leave what the page opens in ``self.open``."""
        self.attach = self.edit = self.stream = self.open = None
        self.stdin = stdin
        self._follow, self._line = follow, line
        self.remember(line)
        try:
            r = self.run(line)
        finally:
            self.stdin = ""
            self._follow = False
        note = LIMIT_NOTES.get(self.interrupted or "", "")
        if note and r.output and not r.output.endswith("\n"):
            note = "\n" + note
        return r.output + note, r.exit_code, self.attach


def _hostname(ctx: sh.ShContext, argv: list[str], io: sh.Streams) -> int:
    io.out(HOSTNAME + "\n")
    return 0
