"""kubectl version, and a place for small commands. (More verbs live in sibling modules.)

Owns: ``version [--client] [-o yaml|json]`` as k8s.io/kubectl pkg/cmd/version (v1.32) prints it, in
the real binary's shapes (field order, YAML's extra newline). The engine is the kubectl of the
release it simulates, so its client version.Info is that release's — every binary of a release is
built from one commit in one job, so it equals the apiserver's ``GET /version``
(``server.sim.discovery.version_info``); ``--short`` is gone since v1.28 (pflag's unknown-flag error).
"""

from __future__ import annotations

import json

from ...sim.discovery import version_info
from ..parse import Flag, Invocation, KubectlError, command
from ..printers import to_yaml

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
    doc: dict = {"clientVersion": version_info(), "kustomizeVersion": KUSTOMIZE_VERSION}
    if not inv.flags.get("client"):
        doc["serverVersion"] = version_info()
    if out == "json":
        return json.dumps(doc, indent=2)  # json.MarshalIndent, then Fprintln (run adds the newline)
    if out == "yaml":
        return to_yaml(doc) + "\n"
    lines = [f"Client Version: {doc['clientVersion']['gitVersion']}", f"Kustomize Version: {KUSTOMIZE_VERSION}"]
    if "serverVersion" in doc:
        lines.append(f"Server Version: {doc['serverVersion']['gitVersion']}")
    return "\n".join(lines)
