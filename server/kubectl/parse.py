"""Command-line parsing and dispatch, cobra-style.

A command is registered with ``@command("rollout status", flags=[...])``. The line is walked as
cobra's ``Find`` walks kubectl v1.32's own command tree (``help/index.json``: names, aliases, and
which flags take the next word), and the command it names runs if a module registered it (under
its name, or under the alias typed); a kubectl command no module registers answers "error: kubeplay
does not simulate `kubectl X` yet", decided when the line runs. Flags follow cobra/pflag rules:
``--name=value``, ``--name value``, ``-n value``, ``-nvalue``, boolean flags with no value (or
``--flag=false``), and ``--`` ending flag parsing (the rest goes to ``Invocation.after_dash``).
Unknown flags and commands answer in kubectl's words with exit code 1.

Help is static text, there for every kubectl command served or not: ``-h``/``--help`` anywhere on a
line whose flags parse (as kubectl v1.32 defines them) prints kubectl's text for the command from
``help/`` (captured from the real binary by tools/capture_kubectl_help.py, read on first use), as do
``kubectl help …``, ``kubectl`` alone, ``kubectl options`` and a command group run without its
sub-command.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..sim.golang import quote as _go_quote

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
    #: the command prints through a template printer (jsonpath, go-template: ``output.write_printer``
    #: / ``get_printer`` set it), whose text kubectl writes as it is — ``run`` adds no newline then
    exact_output: bool = False

    @property
    def namespace(self) -> str:
        """``-n``, else the namespace of the kubeconfig's context (``--context``, ``--kubeconfig``)."""
        from .kubeconfig import current_namespace

        return self.flags.get("namespace") or current_namespace(
            self.cluster, self.flags.get("context") or None, self.flags.get("kubeconfig") or None)

    @property
    def user(self):  # noqa: ANN201 — authz.UserInfo, imported lazily (the sim stays import-light)
        """Who the command's requests are authorised as: the kubeconfig's admin, or whom the global
        ``--as``/``--as-group``/``--as-uid`` impersonate (client-go's ImpersonationConfig); ``run``
        hands an impersonated command the cluster as that user sees it (``authorized.for_command``)."""
        from ..sim import authz

        as_user = self.flags.get("as") or ""
        if not as_user:
            return authz.ADMIN
        return authz.impersonate(as_user, list(self.flags.get("as-group") or []), self.flags.get("as-uid") or "")

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
    Flag("as", kind="str", default=""),
    Flag("as-group", kind="list"),
    Flag("as-uid", kind="str", default=""),
)

#: commands that never read the kubeconfig's context for a connection (they edit or print the file,
#: or work offline): ``--context``/``--kubeconfig`` are not checked before them
_OFFLINE = ("config", "completion", "alpha", "options", "help", "kustomize", "plugin", "auth reconcile")
#: commands whose first use of the kubeconfig is ``ToRawKubeConfigLoader().Namespace()`` (client
#: config validation: "Error in configuration: context was not found …"); every other command first
#: asks for a REST config (``ClientConfig``), whose words are ``error: context "X" does not exist``
#: (both captured from kubectl v1.32 run with ``--context nope``)
_NAMESPACE_FIRST = (
    "annotate", "apply edit-last-applied", "apply set-last-applied", "apply view-last-applied", "attach", "cp",
    "create token", "debug", "delete", "describe", "edit", "events", "exec", "get", "label", "logs", "patch",
    "port-forward", "rollout", "scale", "set image", "set resources", "set selector", "set serviceaccount",
    "set sa", "set subject", "taint", "top pod", "top pods", "top po",
)
#: kubectl's exit code for a kubeconfig it cannot use, where it is not 1 (diff exits 2 on errors)
_CONFIG_EXIT = {"diff": 2}


def _under(path: str, prefixes: tuple[str, ...]) -> bool:
    return any(path == p or path.startswith(p + " ") for p in prefixes)


def check_kubeconfig(cluster: Cluster, path: str, flags: dict[str, Any]) -> None:
    """kubectl's refusals of ``--kubeconfig``/``--context`` before a command talks to the cluster:
    a ``--kubeconfig`` file that does not exist (``stat``), one that does not parse, a ``--context``
    the file does not hold; and ``--as-group``/``--as-uid`` without ``--as``. Offline commands skip it."""
    from . import kubeconfig as kc

    if _under(path, _OFFLINE) or (path == "version" and flags.get("client")):
        return
    code = _CONFIG_EXIT.get(path.split(" ")[0], 1)
    file = flags.get("kubeconfig") or None
    if file is not None and kc.workspace_key(file) not in cluster.workspace:
        raise KubectlError(f"error: stat {file}: no such file or directory", code)
    context = flags.get("context") or None
    try:
        if _under(path, _NAMESPACE_FIRST):
            kc.check_context(cluster, context, file)
        elif context and context not in (kc.load(cluster, file).get("contexts") or {}):
            raise KubectlError(f'error: context "{context}" does not exist', code)
    except kc.KubeconfigError as e:
        raise KubectlError(e.message, code) from None
    if not flags.get("as") and (flags.get("as-group") or flags.get("as-uid")):
        user = (kc.load(cluster, file).get("contexts") or {}).get(
            context or kc.load(cluster, file).get("current-context") or "", {}).get("user") or ""
        raise KubectlError(f"error: requesting uid, groups or user-extra for {user} without impersonating a user",
                           code)


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


#: where a plain run of a word ends: whitespace, a quote or a backslash (shlex's posix whitespace)
_WORD_END = re.compile(r"[ \t\r\n'\"\\]")
_DOUBLE_END = re.compile(r'["\\]')
_SPACE = re.compile(r"[ \t\r\n]*")


def split_words(line: str) -> list[str]:
    """``shlex.split(line)`` (POSIX rules: quotes, backslash escapes, "No closing quotation" and "No
    escaped character" as its ValueError), in time linear in the line: shlex grows each token a
    character at a time (``self.token += c``), quadratic in a word's length — a pasted 200,000
    character argument took over a second."""
    words: list[str] = []
    i, n = _SPACE.match(line, 0).end(), len(line)
    while i < n:
        parts: list[str] = []
        while i < n:
            c = line[i]
            if c in " \t\r\n":
                break
            if c == "'":
                j = line.find("'", i + 1)
                if j < 0:
                    raise ValueError("No closing quotation")
                parts.append(line[i + 1:j])
                i = j + 1
            elif c == '"':
                i += 1
                while True:
                    m = _DOUBLE_END.search(line, i)
                    if m is None:
                        raise ValueError("No closing quotation")
                    j = m.start()
                    parts.append(line[i:j])
                    if line[j] == '"':
                        i = j + 1
                        break
                    if j + 1 >= n:
                        raise ValueError("No escaped character")
                    escaped = line[j + 1]
                    parts.append(escaped if escaped in '"\\' else "\\" + escaped)
                    i = j + 2
            elif c == "\\":
                if i + 1 >= n:
                    raise ValueError("No escaped character")
                parts.append(line[i + 1])
                i += 2
            else:
                m = _WORD_END.search(line, i)
                j = m.start() if m is not None else n
                parts.append(line[i:j])
                i = j
        words.append("".join(parts))
        i = _SPACE.match(line, i).end()
    return words


def _split(line: str) -> list[str]:
    try:
        return split_words(line)
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
    """The registered command and its invocation; kubectl's help, usage and "unknown" answers (and
    "kubeplay does not simulate" for kubectl's commands no module registers) end it as
    ``KubectlError``."""
    _load_verbs()
    had_dash = "--" in argv
    after_dash = argv[argv.index("--") + 1:] if had_dash else []
    limit = len(argv) if not had_dash else argv.index("--")
    path, typed = find_path(argv)
    cmd = COMMANDS.get(" ".join(typed))
    if cmd is None and path:
        cmd = next((COMMANDS[s] for s in _spellings(path) if s in COMMANDS), None)
    depth = len(typed)
    if cmd is None and not path:
        # a registered command whose first word is no kubectl v1.32 command (the tree finds theirs)
        alt, alt_depth = _find_command(_command_words(argv))
        if alt is not None and alt.path.split()[0] not in _children(""):
            cmd, depth = alt, alt_depth
    if cmd is None:
        _static(argv, limit, path, typed)  # always raises
    assert cmd is not None
    if path:
        # cobra answers -h/--help, whatever else the line holds, once kubectl's flags parse
        try:
            pre, _ = _parse_flags(argv, limit, (*_tree_flags(path), HELP_FLAG), path)
        except KubectlError:
            pre = {}
        if pre.get("help"):
            raise KubectlError(help_text(path), _tree()[path].get("help_rc", 0))
    flags, positional = _parse_flags(argv, limit, (*cmd.flags, *GLOBAL_FLAGS), path or cmd.path, cmd.flags)
    if flags.get("help") and path:
        raise KubectlError(help_text(path), _tree()[path].get("help_rc", 0))
    # cobra hands the command the line without the words that named it (argsMinusFirstX)
    args = _without(positional, typed) if path else positional[depth:]
    inv = Invocation(cluster, cmd.path, args, flags, stdin, after_dash if had_dash else [], had_dash)
    return cmd, inv


def _parse_flags(argv: list[str], limit: int, known: tuple[Flag, ...], path: str,
                 own: tuple[Flag, ...] = ()) -> tuple[dict[str, Any], list[str]]:
    """pflag's parse of ``argv[:limit]`` with the ``known`` flags: their values (``own`` flags start
    at their defaults; ``"_given"`` is the set of flags the line gave) and the positional words.
    Errors name ``kubectl <path>`` as kubectl's flag errors do."""
    where = " ".join(["kubectl", *path.split()])
    see = f"See '{where} --help' for usage."
    specs = {f.name: f for f in known}
    shorts = {f.short: f for f in known if f.short}
    flags: dict[str, Any] = {f.name: f.default for f in own}
    given: set[str] = set()
    positional = []
    i = 0
    while i < limit:
        tok = argv[i]
        i += 1
        if tok.startswith("-") and len(tok) > 1 and not tok[1].isdigit():
            if tok.startswith("--"):
                if tok[2:3] in ("", "-", "="):
                    raise KubectlError(f"error: bad flag syntax: {tok}\n{see}")
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
                raise KubectlError(f"error: unknown {what}\n{see}")
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
                                       f'strconv.ParseBool: parsing "{value}": invalid syntax\n{see}')
            else:
                if not eq and spec.name in NO_OPT_DEFAULTS:
                    value = NO_OPT_DEFAULTS[spec.name]
                elif not eq:
                    if i >= limit:
                        need = shown if tok.startswith("--") else f"'{name}' in {tok}"
                        raise KubectlError(f"error: flag needs an argument: {need}\n{see}")
                    value = argv[i]
                    i += 1
                if spec.kind == "int":
                    try:
                        flags[spec.name] = int(value)
                    except ValueError as e:
                        raise KubectlError(f'error: invalid argument "{value}" for "{both}" flag: '
                                           f'strconv.ParseInt: parsing "{value}": invalid syntax\n{see}') from e
                elif spec.kind == "list":
                    flags.setdefault(spec.name, None)
                    flags[spec.name] = (flags[spec.name] or []) + [value]
                else:
                    flags[spec.name] = value
            given.add(spec.name)
        else:
            positional.append(tok)
    flags["_given"] = given
    return flags, positional


def _command_words(argv: list[str], limit: int = 3) -> list[str]:
    """Leading positional words (at most ``limit``), skipping flags (and the value of a flag given
    as its own word for the global ``-n``/``--namespace``)."""
    out: list[str] = []
    i = 0
    while i < len(argv) and len(out) < limit:
        tok = argv[i]
        if tok == "--":
            break
        if tok in ("-n", "--namespace", "--context", "--kubeconfig", "--as", "--as-group", "--as-uid"):
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


# -- kubectl v1.32's command tree and help texts ---------------------------------------------------
# server/kubectl/help/ holds what the real binary prints for ``kubectl <path> --help`` (one file a
# command) and its command tree (index.json: aliases, sub-commands, flags, what a group prints run
# bare or with an unknown sub-command); tools/capture_kubectl_help.py captures them. Help is static
# text, so it is there for every command, served or not; read on first use.

HELP_DIR = Path(__file__).with_name("help")

#: cobra's help flag, which it adds to the command it runs (not to those it walks through finding it)
HELP_FLAG = Flag("help", "h")


@functools.cache
def _tree() -> dict[str, dict[str, Any]]:
    return json.loads((HELP_DIR / "index.json").read_bytes())["commands"]


def is_kubectl_command(path: str) -> bool:
    """Whether kubectl v1.32 has the command ``path`` (its words, canonical names: "create secret tls")."""
    return path in _tree()


@functools.cache
def help_text(path: str) -> str:
    """What ``kubectl <path> --help`` prints in kubectl v1.32 (``path`` "" is kubectl itself)."""
    return _help_file((path.replace(" ", ".") or "_root") + ".txt")


@functools.cache
def _help_file(name: str) -> str:
    return (HELP_DIR / name).read_bytes().decode()


@functools.cache
def _tree_flags(path: str) -> tuple[Flag, ...]:
    """The flags kubectl v1.32 defines for the command: its own and the global ones."""
    tree = _tree()
    rows = [*tree[path]["flags"], *(tree[""]["flags"] if path else ())]
    return tuple(Flag(name, short, kind) for name, short, kind in rows)


@functools.cache
def _no_opt_flags(path: str) -> frozenset[str]:
    """``--name`` and ``-x`` of the command's flags that take no value of their own (pflag's
    ``NoOptDefVal``): the booleans and ``NO_OPT_DEFAULTS``."""
    out = set()
    for f in _tree_flags(path):
        if f.kind == "bool" or f.name in NO_OPT_DEFAULTS:
            out.add(f"--{f.name}")
            if f.short:
                out.add(f"-{f.short}")
    return frozenset(out)


@functools.cache
def _children(path: str) -> dict[str, str]:
    """A command's sub-commands by name and alias, to their paths."""
    tree = _tree()
    out = {}
    for name in tree[path]["subcommands"]:
        child = f"{path} {name}".strip()
        out[name] = child
        for alias in tree[child].get("aliases", ()):
            out.setdefault(alias, child)
    return out


@functools.cache
def _spellings(path: str) -> tuple[str, ...]:
    """Every way to name the command with its words' names and aliases, its own path first: a
    module may register it under any of them."""
    out = [""]
    parent = ""
    for word in path.split():
        child = f"{parent} {word}".strip()
        names = [word, *_tree()[child].get("aliases", ())]
        out = [f"{o} {n}".strip() for o in out for n in names]
        parent = child
    return tuple(out)


def _takes_value(tok: str, path: str) -> bool:
    """cobra's test in ``stripFlags``: a flag without ``=`` whose value is the next word (any flag
    not known to take none, so an unknown ``--x`` or ``-x`` takes it too)."""
    if "=" in tok:
        return False
    if tok.startswith("--"):
        return tok not in _no_opt_flags(path)
    return len(tok) == 2 and tok not in _no_opt_flags(path)


def _strip_flags(args: list[str], path: str) -> list[str]:
    """cobra's ``stripFlags``: the words of ``args`` that are not flags or their values."""
    words: list[str] = []
    i = 0
    while i < len(args):
        tok = args[i]
        i += 1
        if tok == "--":
            break
        if tok.startswith("-") and _takes_value(tok, path):
            if len(args) - i <= 1:
                break  # cobra stops when the value would be the last word
            i += 1
        elif tok and not tok.startswith("-"):
            words.append(tok)
    return words


def _minus_first(args: list[str], word: str, path: str) -> list[str]:
    """cobra's ``argsMinusFirstX``: ``args`` without the first ``word`` that is not a flag's value."""
    i = 0
    while i < len(args):
        tok = args[i]
        if tok == "--":
            break
        if tok.startswith("-") and _takes_value(tok, path):
            i += 2
            continue
        if not tok.startswith("-") and tok == word:
            return [*args[:i], *args[i + 1:]]
        i += 1
    return args


def find_path(argv: list[str]) -> tuple[str, list[str]]:
    """cobra's ``Command.Find`` on kubectl v1.32's tree: the command a line names (its canonical
    path, "" for kubectl itself) and the words that named it (aliases as typed)."""
    path, typed, args = "", [], argv
    while True:
        words = _strip_flags(args, path)
        child = _children(path).get(words[0]) if words else None
        if child is None:
            return path, typed
        typed.append(words[0])
        args = _minus_first(args, words[0], path)
        path = child


def _not_simulated(path: str) -> KubectlError:
    return KubectlError(f"error: kubeplay does not simulate `kubectl {path}` yet")


def _static(argv: list[str], limit: int, path: str, typed: list[str]) -> None:
    """Answer a line no module serves: kubectl's help, usage and unknown-command texts, where they
    are static, else "kubeplay does not simulate". Always raises ``KubectlError``."""
    if not path:
        words = _strip_flags(argv, "")
        if words:
            # kubectl looks for a kubectl-<word> plugin first, refusing a line that starts with a flag
            first = next((a for a in argv if not a.startswith("-")), "")
            if argv[0].startswith("-") and first != "help":
                raise KubectlError(f"Error: flags cannot be placed before plugin name: {argv[0]}")
            # kubectl's CheckErr prints cobra's error after its own "error: " (not cobra's "Error: ")
            raise KubectlError(f'error: unknown command "{words[0]}" for "kubectl"{_suggestions(words[0])}')
    flags_of = (*_tree_flags(path), HELP_FLAG)
    try:
        flags, positional = _parse_flags(argv, limit, flags_of, path)
    except KubectlError as e:
        if path == "options":
            raise KubectlError(e.message.replace("See 'kubectl options --help' for usage.",
                                                 "Run 'kubectl options' without flags.")) from None
        raise
    node = _tree()[path]
    if flags.get("help"):
        raise KubectlError(help_text(path), node.get("help_rc", 0))
    if not path:
        raise KubectlError(help_text(""), 0)  # kubectl alone prints its help
    if path == "help":
        raise KubectlError(_help_topic(_without(positional, typed)), 0)
    if path == "options":
        raise KubectlError(_help_file("_options.txt"), 0)
    rest = _without(positional, typed) + argv[limit + 1:]
    kind, code = node.get("unknown" if rest else "bare", ("run", 1))
    if kind == "help":
        raise KubectlError(help_text(path), code)
    if kind == "unknown":
        # cmdutil.DefaultSubCommandRun: RequireNoArguments joins every argument
        raise KubectlError(f'error: unknown command "{" ".join(rest)}"\n'
                           f"See 'kubectl {path} -h' for help and examples", code)
    raise _not_simulated(path)


def _without(positional: list[str], typed: list[str]) -> list[str]:
    """The positional words after the command's own words."""
    rest = list(positional)
    for word in typed:
        if word in rest:
            rest.remove(word)
    return rest


def _help_topic(topic: list[str]) -> str:
    """cobra's help command: the help of the command ``topic`` names, else "Unknown help topic"
    (Go's ``%#q`` of the words) and kubectl's usage."""
    path, _ = find_path(topic)
    if not path and _strip_flags(topic, ""):
        return f"Unknown help topic [{' '.join(_go_quote_backquoted(t) for t in topic)}]\n" + _help_file("_usage.txt")
    return help_text(path)


def _go_quote_backquoted(s: str) -> str:
    """Go's ``%#q``: a raw (backquoted) string when ``strconv.CanBackquote``, else ``strconv.Quote``."""
    if "`" not in s and "\ufeff" not in s and all(c == "\t" or (c >= " " and c != "\x7f") for c in s):
        return f"`{s}`"
    return _go_quote(s)




def refused_answer(cluster: Cluster, inv: Invocation) -> str | None:
    """What the command prints when its server refuses the connection (``refused.py``), else None;
    ``version`` prints its client lines first."""
    from . import refused

    text = refused.answer(cluster, inv.command, inv.args, inv.flags, inv.namespace)
    if text is not None and inv.command == "version":
        client = run(cluster, "kubectl version --client" + (f" -o {inv.flags['output']}"
                                                             if inv.flags.get("output") else ""))
        text = client.output + ("\n" if inv.flags.get("output") else "") + text.rsplit("\n", 1)[-1]
    return text


def run(cluster: Cluster, line: str, stdin: str = "", follow: bool = False) -> Result:
    """Run one kubectl command line against ``cluster`` (``follow``: see ``Invocation.follow``)."""
    from ..sim.api import ApiError
    from . import authorized

    inv: Invocation | None = None
    try:
        argv = _split(line)
        if argv and argv[0] == "kubectl":
            argv = argv[1:]
        cmd, inv = parse(cluster, argv, stdin)
        check_kubeconfig(cluster, inv.command, inv.flags)
        online = not (_under(inv.command, _OFFLINE) or (inv.command == "version" and inv.flags.get("client")))
        refused = refused_answer(cluster, inv) if online else None
        if refused is not None:  # nothing listens there: ``minikube stop``, or no server in the kubeconfig
            raise KubectlError(refused, 1)
        # ``--as``: every request the command makes is authorized as the impersonated user
        inv.cluster = authorized.for_command(cluster, inv.command, inv.user)
        inv.follow = follow
        if online:  # the server answers: its discovery is in the cache for the next commands
            from . import refused as _refused

            _refused.discovered(cluster, inv.command, inv.flags)
        out = cmd.handler(inv)
        result = out if isinstance(out, Result) else Result(out)
    except KubectlError as e:
        result = Result(e.message, e.exit_code)
    except ApiError as e:
        result = Result(f"Error from server ({e.reason}): {e.message}", 1)
    finally:
        cluster.settle()
    # a template printer's output is printed as it is (``-o jsonpath={.metadata.name}`` ends without
    # a newline, as kubectl's does); an error message, and every other output, ends with one
    exact = inv is not None and inv.exact_output and result.exit_code == 0
    if result.output and not exact and not result.output.endswith("\n"):
        result.output += "\n"
    return result
