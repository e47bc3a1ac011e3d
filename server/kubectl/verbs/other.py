"""kubectl completion and plugin: the commands with little or no cluster behind them.

Owns: ``completion bash|zsh|fish|powershell`` (the script the real kubectl v1.32 generates,
captured from the binary into ``data/completion.json.gz`` and read on first use; cobra's errors for
a missing, unknown or extra shell argument), and ``plugin list`` (a workstation has no ``kubectl-*``
executables on its PATH: kubectl's error and exit code 1). The group command ``plugin`` prints
kubectl's help with exit code 1, as the real binary does. ``certificate`` is in certificate.py.

Mirrors: k8s.io/kubectl pkg/cmd/completion, pkg/cmd/plugin (v1.32).
"""

from __future__ import annotations

import gzip
import json
from functools import cache
from pathlib import Path

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
