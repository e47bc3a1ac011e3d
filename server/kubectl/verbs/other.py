"""kubectl completion, plugin and certificate: the commands with little or no cluster behind them.

Owns: ``completion bash|zsh|fish|powershell`` (the script the real kubectl v1.32 generates,
captured from the binary into ``data/completion.json.gz`` and read on first use; cobra's errors for
a missing, unknown or extra shell argument), ``plugin list`` (a workstation has no ``kubectl-*``
executables on its PATH: kubectl's error and exit code 1) and ``certificate approve|deny`` (the
simulated apiserver serves no certificatesigningrequests, so kubectl's resource builder fails the
way it does against our API). The group commands ``plugin`` and ``certificate`` print kubectl's help
(``plugin`` with exit code 1 and ``certificate`` with 0, as the real binary does).

Mirrors: k8s.io/kubectl pkg/cmd/completion, pkg/cmd/plugin, pkg/cmd/certificates (v1.32).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

from ..files import read_sources
from ..parse import Flag, Invocation, KubectlError, Result, command

DATA = Path(__file__).resolve().parent.parent / "data" / "completion.json.gz"
SHELLS = ("bash", "zsh", "fish", "powershell")


@cache
def completion_scripts() -> dict[str, str]:
    """shell -> the script ``kubectl.1.32 completion SHELL`` prints."""
    with gzip.open(DATA, "rt", encoding="utf-8") as f:
        return json.load(f)


def _usage_error(message: str, what: str) -> KubectlError:
    return KubectlError(f"error: {message}\nSee 'kubectl {what} -h' for help and examples")


@command("completion")
def completion(inv: Invocation) -> Result:
    if not inv.args:
        raise _usage_error("Shell not specified.", "completion")
    if len(inv.args) > 1:
        raise _usage_error("Too many arguments. Expected only the shell type.", "completion")
    shell = inv.args[0]
    if shell not in SHELLS:
        raise _usage_error(f'Unsupported shell type "{shell}".', "completion")
    return Result(completion_scripts()[shell])


PLUGIN_HELP = 'Provides utilities for interacting with plugins.\n\n Plugins provide extended functionality that is not part of the major command-line distribution. Please refer to the documentation and examples for more information about how write your own plugins.\n\n The easiest way to discover and install plugins is via the kubernetes sub-project krew: [krew.sigs.k8s.io]. To install krew, visit https://krew.sigs.k8s.io/docs/user-guide/setup/install\n\nExamples:\n  # List all available plugins\n  kubectl plugin list\n  \n  # List only binary names of available plugins without paths\n  kubectl plugin list --name-only\n\nAvailable Commands:\n  list          List all visible plugin executables on a user\'s PATH\n\nUsage:\n  kubectl plugin [flags] [options]\n\nUse "kubectl plugin <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n'

CERTIFICATE_HELP = 'Modify certificate resources.\n\nAvailable Commands:\n  approve       Approve a certificate signing request\n  deny          Deny a certificate signing request\n\nUsage:\n  kubectl certificate SUBCOMMAND [options]\n\nUse "kubectl certificate <command> --help" for more information about a given command.\nUse "kubectl options" for a list of global command-line options (applies to all commands).\n'


@command("plugin")
def plugin(inv: Invocation) -> Result:
    if inv.args:
        raise _usage_error_unknown(inv.args[0], "plugin")
    return Result(PLUGIN_HELP, 1)


def _usage_error_unknown(word: str, group: str) -> KubectlError:
    return KubectlError(f'error: unknown command "{word}"\nSee \'kubectl {group} -h\' for help and examples')


@command("plugin list", flags=[Flag("name-only")])
def plugin_list(inv: Invocation) -> Result:
    # the workstation's PATH holds no kubectl-* executables (and no plugin can be installed)
    raise KubectlError("error: unable to find any kubectl plugins in your PATH")


@command("certificate")
def certificate(inv: Invocation) -> Result:
    # cobra's group command without a Run: help for any (or no) sub-command word, exit code 0
    return Result(CERTIFICATE_HELP)


CERTIFICATE_FLAGS = [Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                     Flag("force"), Flag("output", "o", "str"), Flag("allow-missing-template-keys", kind="bool"),
                     Flag("show-managed-fields"), Flag("template", kind="str")]


def _certificate(inv: Invocation) -> Result:
    filenames = inv.flags.get("filename") or []
    if not inv.args and not filenames and not inv.flags.get("kustomize"):
        raise KubectlError("error: one or more CSRs must be specified as <name> or -f <filename>")
    if filenames:
        read_sources(inv.cluster, filenames, inv.stdin, bool(inv.flags.get("recursive")))
    # the builder maps the certificatesigningrequests resource first, and our API serves none
    raise KubectlError('error: the server doesn\'t have a resource type "certificatesigningrequests"')


@command("certificate approve", flags=CERTIFICATE_FLAGS)
def certificate_approve(inv: Invocation) -> Result:
    return _certificate(inv)


@command("certificate deny", flags=CERTIFICATE_FLAGS)
def certificate_deny(inv: Invocation) -> Result:
    return _certificate(inv)
