"""The workstation's shell: the terminal panel's ``$`` prompt, a machine outside the cluster.

Owns: the programs the workstation has — ``kubectl`` (the kubectl engine), ``base64`` (for the
Secret tutorials' ``… -o jsonpath='{.data.password}' | base64 --decode``), ``curl`` and ``ping``
(the network's "outside" source, 192.168.56.1: node IPs, NodePorts, load-balancer IPs and the
external world answer; cluster IPs and pod IPs do not route from here), ``clear``, ``help`` and
the shell's text utilities, ``helm`` (v3, ``server.helm.cli``: its repositories file and cache
live in this shell's files, as helm keeps them under ``$HOME``) — and bash's words for anything
else (``bash: foo: command not found``). A ``kubectl run -it``/``exec -it`` asks to attach: ``attach`` carries that request to
the session keeper.

Hands off: kubectl lines to ``server.kubectl.run``; helm lines to ``server.helm.cli.helm``; requests to
``netio``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .core import Program, Shell
from .fmt import Out
from .pod import curl, ping

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

PROMPT = "$ "
HELP = """kubeplay workstation shell. Programs on this machine:
  kubectl ...        talk to the cluster (kubectl v1.32)
  helm ...           install charts (helm v3): helm repo add stable https://charts.helm.sh/stable
  curl [-s|-v|-I] URL   HTTP from outside the cluster (node IP:nodePort, load-balancer IP)
  ping [-c N] HOST   ICMP from outside the cluster
  clear              clear the terminal
  help               this text
Inside a pod: kubectl exec -it POD -- sh, or kubectl run -it NAME --image=busybox --rm --restart=Never -- sh
"""
#: commands that can change the cluster (or the RNG, the logs, the traffic log): journalled
STATEFUL = frozenset({"kubectl", "curl", "ping", "helm"})


def stateful(line: str) -> bool:
    """Whether the line may change anything (so the sandbox must journal it for replay)."""
    words = line.replace("|", " ").replace(";", " ").replace("&", " ").split()
    return any(w in STATEFUL for w in words)


class HostShell(Shell):
    name = "bash"

    def __init__(self, cluster: Cluster, kubectl_run: Any = None) -> None:
        super().__init__()
        self.cluster = cluster
        self.env = {"HOME": "/home/user", "USER": "user", "PATH": "/usr/local/bin:/usr/bin:/bin",
                    "SHELL": "/bin/bash", "PWD": "/home/user"}
        if kubectl_run is None:
            from ..kubectl import run as kubectl_run
        self._kubectl = kubectl_run
        #: set by a kubectl command that asks for an interactive session (``kubectl.verbs.run``)
        self.attach: Any = None

    prompt = PROMPT

    def not_found(self, word: str) -> Out:
        return Out(stderr=f"bash: {word}: command not found\n", code=127)

    def syntax_error(self) -> Out:
        return Out(stderr="bash: unexpected EOF while looking for matching quote\n", code=2)

    def programs(self) -> dict[str, Program]:
        return {"kubectl": self.kubectl, "curl": lambda a, s: curl(self.cluster, None, a),
                "ping": lambda a, s: ping(self.cluster, None, a), "help": lambda a, s: Out(stdout=HELP),
                "clear": lambda a, s: Out(stdout="\x1b[H\x1b[J"), "exit": lambda a, s: Out(),
                "base64": base64_program, "helm": self.helm}

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
        fs = ctx.fs if ctx is not None else getattr(self, "fs", None)
        if fs is None:
            from .core import DictFS

            fs = DictFS(self)
        return helm(self.cluster, args, stdin, fs=fs, env=self.env, cwd=ctx.cwd if ctx is not None else "/")

    stdin = ""

    def run_line(self, line: str, stdin: str = "") -> tuple[str, int, Any]:
        """One line: (output, exit code, attach request or None)."""
        self.attach = None
        self.stdin = stdin
        try:
            r = self.run(line)
        finally:
            self.stdin = ""
        return r.output, r.exit_code, self.attach


def base64_program(args: list[str], stdin: str) -> Out:
    """GNU coreutils' ``base64`` on its standard input: encode (lines wrapped at 76 columns, ``-w N``,
    ``-w 0`` for none) or ``-d``/``--decode`` (``-i`` ignores garbage), with its words for bad input."""
    import base64
    import binascii

    decode = ignore = False
    wrap = 76
    i = 0
    while i < len(args):
        a = args[i]
        if a in ("-d", "--decode"):
            decode = True
        elif a in ("-i", "--ignore-garbage"):
            ignore = True
        elif a in ("-w", "--wrap") and i + 1 < len(args) or a.startswith(("-w", "--wrap=")):
            value = args[i + 1] if a in ("-w", "--wrap") else a.split("=", 1)[1] if "=" in a else a[2:]
            i += a in ("-w", "--wrap")
            if not value.isdigit():
                return Out(stderr=f"base64: invalid wrap size: \u2018{value}\u2019\n", code=1)
            wrap = int(value)
        elif a.startswith("-") and a != "-":
            return Out(stderr=f"base64: invalid option -- '{a.lstrip('-')[:1]}'\n"
                              "Try 'base64 --help' for more information.\n", code=1)
        i += 1
    if decode:
        text = "".join(stdin.split())
        if ignore:
            text = "".join(ch for ch in text if ch.isalnum() or ch in "+/=")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):
            return Out(stderr="base64: invalid input\n", code=1)
        return Out(stdout=raw.decode("utf-8", errors="replace"))
    encoded = base64.b64encode(stdin.encode()).decode()
    if wrap:
        encoded = "\n".join(encoded[j:j + wrap] for j in range(0, len(encoded), wrap))
    return Out(stdout=encoded + "\n" if encoded else "")
