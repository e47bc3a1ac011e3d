"""Capture kubectl v1.32's help texts and command tree into server/kubectl/help/.

A developer runs it to refresh the texts after the simulated release changes:

    .venv/bin/python tools/capture_kubectl_help.py [--kubectl PATH] [--out DIR]

It walks the real binary's command tree from ``kubectl --help`` (every "Available Commands" list,
plus the root's commands that its help does not list: ``options``, ``help``, ``alpha``) and, for
each command, stores what ``kubectl <path> --help`` prints in ``help/<path words joined by .>.txt``
(``_root.txt`` for kubectl itself). ``help/index.json`` holds the tree: each command's aliases,
sub-commands, flags (name, shorthand, kind, from its "Options:" list and ``kubectl options``) and
what a group prints when run without (``bare``) or with an unknown (``unknown``) sub-command.

The environment is neutral, so the texts are what any user sees: no terminal (kubectl wraps long
lines to a terminal's width, never on a pipe), an empty PATH (kubectl lists the ``kubectl-*``
plugins it finds there under "Subcommands provided by plugins:"), a fresh HOME and a kubeconfig
that does not exist, and no KUBECTL_* variables. The one default that comes from the environment,
``--cache-dir='$HOME/.kube/cache'``, is written with the workstation's home
(``server.kubectl.kubeconfig.HOME``), the one kubeplay's kubectl lives in.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from server.kubectl.kubeconfig import HOME  # noqa: E402

DEFAULT_OUT = ROOT / "server" / "kubectl" / "help"
DEFAULT_KUBECTL = "/usr/lib/google-cloud-sdk/bin/kubectl.1.32"

#: root commands kubectl's help template leaves out of its lists
UNLISTED = ("options", "help", "alpha")
#: an argument no kubectl command takes as a sub-command name
PROBE = "zzqq"

_SUB = re.compile(r"^  (\S+)\s{2,}\S")
_FLAG = re.compile(r"^    (?:-(\S), )?--([^=\s]+)=(.*):$")


def file_name(path: str) -> str:
    return (path.replace(" ", ".") or "_root") + ".txt"


class Kubectl:
    def __init__(self, binary: str, scratch: Path) -> None:
        self.binary = binary
        self.home = str(scratch)
        empty = scratch / "empty-path"
        empty.mkdir()
        self.env = {"HOME": str(scratch), "PATH": str(empty), "KUBECONFIG": str(scratch / "no-kubeconfig")}

    def __call__(self, *args: str) -> tuple[str, int]:
        done = subprocess.run([self.binary, *args], env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60, check=False)
        return done.stdout.decode().replace(self.home, HOME), done.returncode


def sections(text: str) -> dict[str, list[str]]:
    """The help text's sections: a heading line ending in ':' at column 0, then its lines."""
    out: dict[str, list[str]] = {}
    current = None
    for line in text.split("\n"):
        if line and not line[0].isspace() and line.endswith(":"):
            current = line[:-1]
            out[current] = []
        elif current is not None:
            out[current].append(line)
    return out


def subcommands(text: str, root: bool) -> list[str]:
    found = []
    for heading, lines in sections(text).items():
        if heading == "Available Commands" or (root and "Commands" in heading):
            found += [m.group(1) for line in lines if (m := _SUB.match(line))]
    return found


def flags(text: str, heading: str = "Options") -> list[list[str]]:
    """``[name, shorthand, kind]`` of each flag in the section; kind is pflag's as far as its
    default shows it: ``bool`` (=true/false), ``list`` (=[]), ``int`` (a whole number), else ``str``."""
    out = []
    for line in sections(text).get(heading, []):
        m = _FLAG.match(line)
        if not m:
            continue
        short, name, default = m.group(1) or "", m.group(2), m.group(3)
        if default in ("true", "false"):
            kind = "bool"
        elif default.startswith("["):
            kind = "list"
        elif re.fullmatch(r"-?\d+", default):
            kind = "int"
        else:
            kind = "str"
        out.append([name, short, kind])
    return out


def capture(kubectl: Kubectl, out_dir: Path) -> dict:
    index: dict[str, dict] = {}
    texts: dict[str, str] = {}
    todo = [""]
    while todo:
        path = todo.pop(0)
        words = path.split()
        text, rc = kubectl(*words, "--help")
        entry: dict = {"subcommands": subcommands(text, root=not words)}
        if not words:
            entry["subcommands"] += [c for c in UNLISTED if c not in entry["subcommands"]]
        if rc:
            entry["help_rc"] = rc
        sec = sections(text)
        if "Aliases" in sec and sec["Aliases"]:
            entry["aliases"] = [a.strip() for a in sec["Aliases"][0].split(",")][1:]
        entry["flags"] = flags(text)
        if words and (entry["subcommands"] or path in UNLISTED):
            for key, args in (("bare", ()), ("unknown", (PROBE,))):
                got, code = kubectl(*words, *args)
                unknown = f'error: unknown command "{PROBE}"\nSee \'kubectl {path} -h\' for help and examples\n'
                kind = "help" if got == text else "unknown" if got == unknown else "run"
                entry[key] = [kind, code]
        index[path] = entry
        texts[path] = text
        todo += [f"{path} {s}".strip() for s in entry["subcommands"]]

    options, _ = kubectl("options")
    index[""]["flags"] = flags(options, "The following options can be passed to any command")
    unknown_topic, _ = kubectl("help", PROBE)
    first, _, usage = unknown_topic.partition("\n")
    assert first == f"Unknown help topic [`{PROBE}`]", first

    out_dir.mkdir(parents=True, exist_ok=True)
    for old in out_dir.glob("*.txt"):
        old.unlink()
    for path, text in texts.items():
        (out_dir / file_name(path)).write_text(text)
    (out_dir / "_options.txt").write_text(options)
    (out_dir / "_usage.txt").write_text(usage)
    version, _ = kubectl("version", "--client")
    doc = {"kubectl": version.split("\n")[0], "commands": index}
    (out_dir / "index.json").write_text(json.dumps(doc, indent=0, sort_keys=True) + "\n")
    return doc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--kubectl", default=DEFAULT_KUBECTL)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ns = ap.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        doc = capture(Kubectl(ns.kubectl, Path(scratch)), ns.out)
    print(f"{doc['kubectl']}: {len(doc['commands'])} commands written to {ns.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
