"""Command-line parsing and dispatch, cobra-style.

A command is registered with ``@command("rollout status", flags=[...])``; the longest registered
prefix of the positional words picks it. Flags follow cobra/pflag rules: ``--name=value``,
``--name value``, ``-n value``, ``-nvalue``, boolean flags with no value (or ``--flag=false``),
and ``--`` ending flag parsing (the rest goes to ``Invocation.after_dash``). Unknown flags and
commands answer in kubectl's words with exit code 1.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..sim.cluster import Cluster


@dataclass
class Result:
    output: str
    exit_code: int = 0


class KubectlError(Exception):
    """Ends a command: ``message`` is printed as is (include kubectl's ``error: `` prefix)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code


@dataclass(frozen=True)
class Flag:
    name: str
    short: str = ""
    kind: str = "bool"  # bool | str | int | list (repeatable / comma-joined string list)
    default: Any = None


@dataclass
class Invocation:
    cluster: Cluster
    command: str  # the registered command path, e.g. "rollout status"
    args: list[str]  # positional arguments after the command path
    flags: dict[str, Any]
    stdin: str = ""
    after_dash: list[str] = field(default_factory=list)
    had_dash: bool = False
    #: the caller follows streams (the page's terminal): ``get -w``, ``logs -f``, ``rollout status``
    #: answer a ``streaming.StreamResult`` that keeps printing as the clock runs, instead of stopping
    follow: bool = False

    @property
    def namespace(self) -> str:
        from .kubeconfig import current_namespace

        return self.flags.get("namespace") or current_namespace(self.cluster)

    def flag_given(self, name: str) -> bool:
        return name in self.flags.get("_given", set())


Handler = Callable[[Invocation], str | Result]

GLOBAL_FLAGS = (
    Flag("namespace", "n", "str"),
    Flag("help", "h"),
    Flag("context", kind="str"),
    Flag("kubeconfig", kind="str"),
    Flag("v", kind="str"),
    Flag("request-timeout", kind="str"),
)


@dataclass
class Command:
    path: str
    handler: Handler
    flags: tuple[Flag, ...]
    min_args: int = 0


COMMANDS: dict[str, Command] = {}

#: pflag's ``NoOptDefVal`` of kubectl's string flags that may stand alone: the value a bare
#: ``--dry-run`` (the deprecated boolean form tutorials still use), ``--cascade`` or ``--validate`` has
NO_OPT_DEFAULTS = {"dry-run": "unchanged", "cascade": "background", "validate": "strict"}

#: the words ``strconv.ParseBool`` accepts for a boolean flag's ``=value``
_TRUE = ("1", "t", "T", "TRUE", "true", "True")
_FALSE = ("0", "f", "F", "FALSE", "false", "False")


def command(path: str, flags: list[Flag] | tuple[Flag, ...] = ()) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        COMMANDS[path] = Command(path, fn, tuple(flags))
        return fn

    return register


def _load_verbs() -> None:
    from . import verbs  # noqa: F401  (registers every command)


def _split(line: str) -> list[str]:
    try:
        return shlex.split(line)
    except ValueError as e:
        raise KubectlError(f"error: {e}") from e


def _find_command(words: list[str]) -> tuple[Command | None, int]:
    """The longest registered command path that prefixes the positional words."""
    best: tuple[Command | None, int] = (None, 0)
    for n in range(1, min(3, len(words)) + 1):
        cmd = COMMANDS.get(" ".join(words[:n]))
        if cmd is not None:
            best = (cmd, n)
    return best


def parse(cluster: Cluster, argv: list[str], stdin: str = "") -> tuple[Command, Invocation]:
    _load_verbs()
    had_dash = "--" in argv
    after_dash = argv[argv.index("--") + 1:] if had_dash else []
    words = _command_words(argv)
    cmd, depth = _find_command(words)
    if cmd is None:
        if not words:
            raise KubectlError(USAGE, 0)
        if words[0] in GROUP_HELP:
            # cmdutil.DefaultSubCommandRun: a group without its sub-command prints its help
            if len(words) == 1:
                raise KubectlError(GROUP_HELP[words[0]])
            rest = _command_words(argv, limit=len(argv))[1:]
            raise KubectlError(f'error: unknown command "{" ".join(rest)}"\n'
                               f"See 'kubectl {words[0]} -h' for help and examples")
        # kubectl's CheckErr prints cobra's error after its own "error: " (not cobra's "Error: ")
        raise KubectlError(f'error: unknown command "{words[0]}" for "kubectl"{_suggestions(words[0])}')
    specs = {f.name: f for f in (*cmd.flags, *GLOBAL_FLAGS)}
    shorts = {f.short: f for f in (*cmd.flags, *GLOBAL_FLAGS) if f.short}
    flags: dict[str, Any] = {f.name: f.default for f in cmd.flags}
    given: set[str] = set()
    positional = []
    i = 0
    limit = len(argv) if not had_dash else argv.index("--")
    while i < limit:
        tok = argv[i]
        i += 1
        if tok.startswith("-") and len(tok) > 1 and not tok[1].isdigit():
            if tok.startswith("--"):
                name, eq, value = tok[2:].partition("=")
                spec = specs.get(name)
                shown = f"--{name}"
            else:
                name, value = tok[1], tok[2:]
                eq = "=" if value else ""
                if value.startswith("="):
                    value = value[1:]
                spec = shorts.get(name)
                shown = f"-{name}"
            if spec is None:
                what = f"flag: {shown}" if tok.startswith("--") else f"shorthand flag: '{name}' in {tok}"
                raise KubectlError(f"error: unknown {what}\nSee 'kubectl {cmd.path} --help' for usage.")
            if spec.kind == "bool" and not tok.startswith("--") and value and not tok[2:].startswith("="):
                # pflag's combined shorthands: ``-it`` is ``-i -t``
                flags[spec.name] = True
                given.add(spec.name)
                argv = [*argv[:i], f"-{value}", *argv[i:]]
                limit += 1
                continue
            # pflag names a flag in its value errors with both spellings: "-r, --replicas"
            both = f"-{spec.short}, --{spec.name}" if spec.short else f"--{spec.name}"
            if spec.kind == "bool":
                if not eq or value in _TRUE:
                    flags[spec.name] = True
                elif value in _FALSE:
                    flags[spec.name] = False
                else:
                    raise KubectlError(f'error: invalid argument "{value}" for "{both}" flag: '
                                       f'strconv.ParseBool: parsing "{value}": invalid syntax\n'
                                       f"See 'kubectl {cmd.path} --help' for usage.")
            else:
                if not eq and spec.name in NO_OPT_DEFAULTS:
                    value = NO_OPT_DEFAULTS[spec.name]
                elif not eq:
                    if i >= limit:
                        need = shown if tok.startswith("--") else f"'{name}' in {tok}"
                        raise KubectlError(f"error: flag needs an argument: {need}\n"
                                           f"See 'kubectl {cmd.path} --help' for usage.")
                    value = argv[i]
                    i += 1
                if spec.kind == "int":
                    try:
                        flags[spec.name] = int(value)
                    except ValueError as e:
                        raise KubectlError(f'error: invalid argument "{value}" for "{both}" flag: '
                                           f'strconv.ParseInt: parsing "{value}": invalid syntax\n'
                                           f"See 'kubectl {cmd.path} --help' for usage.") from e
                elif spec.kind == "list":
                    flags.setdefault(spec.name, None)
                    flags[spec.name] = (flags[spec.name] or []) + [value]
                else:
                    flags[spec.name] = value
            given.add(spec.name)
        else:
            positional.append(tok)
    flags["_given"] = given
    args = positional[depth:]
    inv = Invocation(cluster, cmd.path, args, flags, stdin, after_dash if had_dash else [], had_dash)
    return cmd, inv


def _command_words(argv: list[str], limit: int = 3) -> list[str]:
    """Leading positional words (at most ``limit``), skipping flags (and the value of a flag given
    as its own word for the global ``-n``/``--namespace``)."""
    out: list[str] = []
    i = 0
    while i < len(argv) and len(out) < limit:
        tok = argv[i]
        if tok == "--":
            break
        if tok in ("-n", "--namespace", "--context", "--kubeconfig"):
            i += 2
            continue
        if tok.startswith("-"):
            i += 1
            continue
        out.append(tok)
        i += 1
    return out


#: kubectl's top-level commands in the order ``NewKubectlCommand`` adds them (cobra suggests in
#: this order), including those kubeplay does not serve: a typo suggests what kubectl would.
KUBECTL_COMMANDS = (
    "create", "expose", "run", "set", "explain", "get", "edit", "delete", "rollout", "scale", "autoscale",
    "certificate", "cluster-info", "top", "cordon", "uncordon", "drain", "taint", "describe", "logs", "attach",
    "exec", "port-forward", "proxy", "cp", "auth", "debug", "events", "diff", "apply", "patch", "replace", "wait",
    "kustomize", "label", "annotate", "completion", "config", "plugin", "version", "api-versions",
    "api-resources", "options",
)


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def _suggestions(typed: str) -> str:
    """cobra's ``findSuggestions``: commands within Levenshtein distance 2 (case-insensitive) or
    starting with what was typed, as the "Did you mean this?" block (empty when none)."""
    low = typed.lower()
    found = [c for c in KUBECTL_COMMANDS if _levenshtein(low, c) <= 2 or c.startswith(low)]
    if not found:
        return ""
    return "\n\nDid you mean this?\n" + "".join(f"\t{c}\n" for c in found)


#: what a command group without its sub-command prints (kubectl v1.32's help), exit code 1
GROUP_HELP = {
    "rollout": """Manage the rollout of one or many resources.
        |
 Valid resource types include:

  *  deployments
  *  daemonsets
  *  statefulsets

Examples:
  # Rollback to the previous deployment
  kubectl rollout undo deployment/abc
  |
  # Check the rollout status of a daemonset
  kubectl rollout status daemonset/foo
  |
  # Restart a deployment
  kubectl rollout restart deployment/abc
  |
  # Restart deployments with the 'app=nginx' label
  kubectl rollout restart deployment --selector=app=nginx

Available Commands:
  history       View rollout history
  pause         Mark the provided resource as paused
  restart       Restart a resource
  resume        Resume a paused resource
  status        Show the status of the rollout
  undo          Undo a previous rollout

Usage:
  kubectl rollout SUBCOMMAND [options]

Use "kubectl rollout <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
""".replace("|\n", "\n"),  # "|" ends the lines whose trailing blanks kubectl prints
    "set": """Configure application resources.

 These commands help you make changes to existing application resources.

Available Commands:
  env              Update environment variables on a pod template
  image            Update the image of a pod template
  resources        Update resource requests/limits on objects with pod templates
  selector         Set the selector on a resource
  serviceaccount   Update the service account of a resource
  subject          Update the user, group, or service account in a role binding or cluster role binding

Usage:
  kubectl set SUBCOMMAND [options]

Use "kubectl set <command> --help" for more information about a given command.
Use "kubectl options" for a list of global command-line options (applies to all commands).
""",
}

USAGE = """kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Basic Commands (Beginner):
  create          Create a resource from a file or from stdin
  expose          Take a replication controller, service, deployment or pod and expose it as a new Kubernetes service
  run             Run a particular image on the cluster
  set             Set specific features on objects

Basic Commands (Intermediate):
  get             Display one or many resources
  delete          Delete resources by file names, stdin, resources and names, or by resources and label selector

Deploy Commands:
  rollout         Manage the rollout of a resource
  scale           Set a new size for a deployment, replica set, or replication controller

Cluster Management Commands:
  cluster-info    Display cluster information
  cordon          Mark node as unschedulable
  uncordon        Mark node as schedulable
  drain           Drain node in preparation for maintenance

Troubleshooting and Debugging Commands:
  describe        Show details of a specific resource or group of resources
  logs            Print the logs for a container in a pod
  exec            Execute a command in a container

Advanced Commands:
  apply           Apply a configuration to a resource by file name or stdin

Settings Commands:
  label           Update the labels on a resource
  annotate        Update the annotations on a resource

Other Commands:
  api-resources   Print the supported API resources on the server
  version         Print the client and server version information

Usage:
  kubectl [flags] [options]
"""


def run(cluster: Cluster, line: str, stdin: str = "", follow: bool = False) -> Result:
    """Run one kubectl command line against ``cluster`` (``follow``: see ``Invocation.follow``)."""
    from ..sim.api import ApiError

    try:
        argv = _split(line)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        cmd, inv = parse(cluster, argv, stdin)
        inv.follow = follow
        out = cmd.handler(inv)
        result = out if isinstance(out, Result) else Result(out)
    except KubectlError as e:
        result = Result(e.message, e.exit_code)
    except ApiError as e:
        result = Result(f"Error from server ({e.reason}): {e.message}", 1)
    finally:
        cluster.settle()
    if result.output and not result.output.endswith("\n"):
        result.output += "\n"
    return result
