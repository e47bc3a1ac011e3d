"""``minikube ssh -- CMD``: one command in the node's own network namespace (the docker user's shell
on the minikube machine): ``curl``/``wget``/``ping``/``nslookup`` go out from the node (so a ClusterIP
answers, through the node's kube-proxy rules), ``hostname`` is the node's name.

Hands off: the requests to ``server.sim.net.clients`` with ``Source.node``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..sim.net.clients import Out

if TYPE_CHECKING:
    from ..sim.cluster import Cluster


def run(cluster: Cluster, node: str, argv: list[str], stdin: str = "") -> Out:
    from ..sim.net import clients
    from ..sim.net.proxy import Source

    if len(argv) == 1 and " " in argv[0]:
        import shlex

        argv = shlex.split(argv[0])  # minikube ssh "curl -s 10.96.0.1": the remote shell splits it
    prog = argv[0].rsplit("/", 1)[-1]
    if prog == "hostname":
        return Out(stdout=node + "\n")
    tools = {"curl": clients.curl, "wget": clients.BUSYBOX_TOOLS.get("wget"),
             "ping": clients.BUSYBOX_TOOLS.get("ping"), "nslookup": clients.BUSYBOX_TOOLS.get("nslookup")}
    tool = tools.get(prog)
    if tool is None:
        return Out(stderr=f"bash: line 1: {prog}: command not found\n", code=127)
    return clients.run_sync(tool, clients.Context(cluster, Source.node(node)), [prog, *argv[1:]], stdin)
