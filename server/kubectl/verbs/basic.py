"""kubectl version, and a place for small commands. (More verbs live in sibling modules.)

Owns: ``version [--client] [-o yaml|json]`` as k8s.io/kubectl pkg/cmd/version (v1.32) prints it:
the client's version.Info is the real kubectl v1.32.5 binary's (what a workstation with kubectl
v1.32 installed reports), the server's is the simulated apiserver's ``GET /version``
(``server.sim.discovery.version_info``); ``--short`` is gone since v1.28 (pflag's unknown-flag error).
"""

from __future__ import annotations

import json

from ...sim.discovery import version_info
from ..parse import Flag, Invocation, KubectlError, command
from ..printers import to_yaml

#: ``kubectl.1.32 version --client -o json`` of the real binary, in version.Info's field order
CLIENT_INFO = {
    "major": "1",
    "minor": "32",
    "gitVersion": "v1.32.5",
    "gitCommit": "9894294ef13a5b32803e3ca2c0d620a088cc84d1",
    "gitTreeState": "clean",
    "buildDate": "2025-05-15T09:12:10Z",
    "goVersion": "go1.23.8",
    "compiler": "gc",
    "platform": "linux/amd64",
}
CLIENT_VERSION = CLIENT_INFO["gitVersion"]
#: the kustomize module kubectl v1.32 vendors
KUSTOMIZE_VERSION = "v5.5.0"


@command("version", flags=[Flag("output", "o", "str", ""), Flag("client")])
def version(inv: Invocation) -> str:
    if inv.args:
        raise KubectlError(f"error: extra arguments: [{' '.join(inv.args)}]")
    out = inv.flags.get("output") or ""
    if out not in ("", "yaml", "json"):
        raise KubectlError("error: --output must be 'yaml' or 'json'")
    # the Version struct's field order: clientVersion, kustomizeVersion, serverVersion
    doc: dict = {"clientVersion": dict(CLIENT_INFO), "kustomizeVersion": KUSTOMIZE_VERSION}
    if not inv.flags.get("client"):
        doc["serverVersion"] = version_info()
    if out == "json":
        return json.dumps(doc, indent=2)  # json.MarshalIndent, then Fprintln (run adds the newline)
    if out == "yaml":
        return to_yaml(doc) + "\n"
    lines = [f"Client Version: {CLIENT_VERSION}", f"Kustomize Version: {KUSTOMIZE_VERSION}"]
    if "serverVersion" in doc:
        lines.append(f"Server Version: {doc['serverVersion']['gitVersion']}")
    return "\n".join(lines)
