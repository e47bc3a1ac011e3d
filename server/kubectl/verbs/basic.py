"""version, and a place for small commands. (More verbs live in sibling modules.)"""

from __future__ import annotations

import json

from ..parse import Flag, Invocation, KubectlError, command

CLIENT_VERSION = "v1.32.4"
SERVER_VERSION = "v1.32.4"


@command("version", flags=[Flag("output", "o", "str"), Flag("client")])
def version(inv: Invocation) -> str:
    client = {"major": "1", "minor": "32", "gitVersion": CLIENT_VERSION, "platform": "linux/amd64"}
    server = {"major": "1", "minor": "32", "gitVersion": SERVER_VERSION, "platform": "linux/amd64"}
    out = inv.flags.get("output")
    if out == "json":
        doc = {"clientVersion": client, "kustomizeVersion": "v5.5.0"}
        if not inv.flags.get("client"):
            doc["serverVersion"] = server
        return json.dumps(doc, indent=2)
    if out not in (None, "yaml"):
        raise KubectlError("error: --output must be 'yaml' or 'json'")
    lines = [f"Client Version: {CLIENT_VERSION}", "Kustomize Version: v5.5.0"]
    if not inv.flags.get("client"):
        lines.append(f"Server Version: {SERVER_VERSION}")
    return "\n".join(lines)
