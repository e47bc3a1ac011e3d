"""``minikube`` on the workstation: minikube v1.35.0's commands over the sandbox's cluster.

Owns: the command line (``ip``, ``status``, ``service``, ``dashboard``, ``addons list|enable|disable``,
``node add|delete|list``, ``stop``, ``start``, ``ssh``, ``kubectl --``, ``tunnel``, ``version``,
``profile list``) and minikube's own words for each — the emoji-prefixed lines of its
``out.Step``/``out.Styled`` (pkg/minikube/style), the ``Exiting due to …`` blocks of ``exit.Message``
with their exit codes (pkg/minikube/reason), the tablewriter tables (``table.py``). On a sandbox that
is not the minikube preset there is no minikube profile, and every command that needs one answers as
``mustload.Partial`` does (``Profile "minikube" not found``, exit 85).

Hands off: add-ons to ``server.sim.addons`` (ingress, metrics-server) or to the API (dashboard);
nodes to ``presets.add_minikube_node`` / ``cluster.remove_node``; machines to
``cluster.fail_node``/``recover_node``; ``ssh`` one-shots to the network clients with the node as the
source; ``kubectl --`` to the caller's kubectl (with the profile's cluster, as ``--cluster minikube``);
the workstation's kubeconfig to ``server.kubectl.kubeconfig`` (``start`` writes the profile's entries,
``stop`` unsets the current context). While ``minikube stop`` holds the machine down, kubectl's
requests are refused (``server/kubectl/refused.py``); ``service NAME`` and ``dashboard`` hand what the
page opens to the caller's ``opener``; the page learns which machines run from the snapshots and
deltas (``server/web/live.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from ..sim import presets
from ..sim.net.clients import Out
from . import addons as addon_cmds
from .table import render

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

__all__ = ["minikube"]

PROFILE = "minikube"
Kubectl = Callable[[list[str], str], Out]
#: what the page should open: ``minikube service``'s URL, ``minikube dashboard``'s canvas (see ``opened``)
Opener = Callable[[dict], None]

# pkg/minikube/reason/exitcodes.go
EX_PROGRAM_ERROR, EX_USAGE = 10, 14
EX_GUEST_NOT_RUNNING, EX_GUEST_NOT_FOUND = 83, 85
EX_SVC_ERROR, EX_SVC_NOT_FOUND = 110, 115

HELP = """minikube provisions and manages local Kubernetes clusters optimized for development workflows.

Basic Commands:
  start            Starts a local Kubernetes cluster
  status           Gets the status of a local Kubernetes cluster
  stop             Stops a running local Kubernetes cluster
  dashboard        Access the Kubernetes dashboard running within the minikube cluster

Images Commands:
  addons           Enable or disable a minikube addon

Configuration and Management Commands:
  profile          Get or list the current profiles (clusters)

Networking and Connectivity Commands:
  service          Returns a URL to connect to a service
  tunnel           Connect to LoadBalancer services

Advanced Commands:
  node             Add, remove, or list additional nodes
  ssh              Log into the minikube environment (for debugging)
  kubectl          Run a kubectl binary matching the cluster version

Troubleshooting Commands:
  ip               Retrieves the IP address of the specified node
  version          Print the version of minikube

Use "minikube <command> --help" for more information about a given command.
"""


def exiting(kind: str, message: str, code: int, *, issue_link: bool = False) -> Out:
    """``exit.Message``/``exit.Error``: a blank line, ``❌  Exiting due to KIND: message``, a blank line."""
    text = f"\n❌  Exiting due to {kind}: {message}\n"
    if issue_link:
        text += "\n" + _issue_box()
    return Out(stderr=text + "\n", code=code)


def _issue_box() -> str:
    lines = ["", "😿  If the above advice does not help, please let us know:",
             "👉  https://github.com/kubernetes/minikube/issues/new/choose", "",
             "Please run `minikube logs --file=logs.txt` and attach logs.txt to the GitHub issue.", ""]
    from .table import width

    inner = max(width(line) for line in lines) + 8
    body = "".join(f"│    {line}{' ' * (inner - 4 - width(line))}│\n" for line in lines)
    return f"╭{'─' * inner}╮\n{body}╰{'─' * inner}╯\n"


def no_profile() -> Out:
    """mustload.Partial when the profile was never created."""
    return Out(stdout=f'🤷  Profile "{PROFILE}" not found. Run "minikube profile list" to view all profiles.\n'
                      '👉  To start a cluster, run: "minikube start"\n', code=EX_GUEST_NOT_FOUND)


def not_running() -> Out:
    """mustload.Running when the control-plane's host is stopped."""
    return Out(stdout=f"🤷  The control-plane node {PROFILE} host is not running: state=Stopped\n"
                      '👉  To start a cluster, run: "minikube start"\n', code=EX_GUEST_NOT_RUNNING)


def minikube(cluster: Cluster, args: list[str], stdin: str = "", *, kubectl: Kubectl | None = None,
             opener: Opener | None = None) -> Out:
    """Run ``minikube ARGS`` against ``cluster``: what it prints and its exit status. Where minikube
    would open the browser (``service NAME``, ``dashboard``), ``opener`` gets what the page opens."""
    if not args or args[0] in ("-h", "--help", "help"):
        return Out(stdout=HELP)
    cmd, rest = args[0], args[1:]
    if cmd == "version":
        if "--short" in rest:
            return Out(stdout=f"{presets.MINIKUBE_VERSION}\n")
        return Out(stdout=f"minikube version: {presets.MINIKUBE_VERSION}\ncommit: {presets.MINIKUBE_COMMIT}\n")
    handler = COMMANDS.get(cmd)
    if handler is None:
        return Out(stderr=f'Error: unknown command "{cmd}" for "minikube"\n'
                          "Run 'minikube --help' for usage.\n", code=EX_USAGE)
    if getattr(cluster, "preset", presets.DEFAULT) != "minikube":
        if cmd == "profile":
            out = exiting("MK_USAGE_NO_PROFILE", "No minikube profile was found.", EX_USAGE)
            # the reason's advice, indented by indentMultiLine as it spans lines
            out.stderr = out.stderr[:-1] + "💡  Suggestion: \n\n    You can create one using 'minikube start'.\n    \n\n"
            return out
        if cmd == "kubectl":
            return _kubectl(cluster, rest, stdin, kubectl)
        return no_profile()
    if cmd in ("service", "dashboard"):
        return handler(cluster, rest, stdin, kubectl, opener=opener)  # type: ignore[call-arg]
    return handler(cluster, rest, stdin, kubectl)


# -- helpers ---------------------------------------------------------------------------------------
def running(cluster: Cluster, node: str = PROFILE) -> bool:
    machine = cluster.machines.get(node)
    return machine is not None and machine.up


def nodes(cluster: Cluster) -> list[str]:
    """The profile's machines in minikube's order: ``minikube``, ``minikube-m02`` …"""
    names = [n["metadata"]["name"] for n in cluster.store.scan("Node")]
    names += [m for m in cluster.machines if m not in names]
    return sorted(set(names), key=lambda n: (n != PROFILE, n))


def node_ip(cluster: Cluster, name: str) -> str | None:
    node = cluster.store.peek("Node", "", name)
    for addr in ((node or {}).get("status") or {}).get("addresses") or []:
        if addr.get("type") == "InternalIP":
            return addr["address"]
    return None


def _flag(args: list[str], *names: str) -> tuple[str | None, list[str]]:
    """``-n ns`` / ``--namespace=ns`` out of ``args``: (value, the other arguments)."""
    value, rest, i = None, [], 0
    while i < len(args):
        a = args[i]
        if a in names and i + 1 < len(args):
            value, i = args[i + 1], i + 2
            continue
        long = next((n for n in names if n.startswith("--") and a.startswith(n + "=")), None)
        if long:
            value = a.split("=", 1)[1]
        else:
            rest.append(a)
        i += 1
    return value, rest


# -- commands --------------------------------------------------------------------------------------
def _ip(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    name, _ = _flag(args, "-n", "--node")
    target = PROFILE if name in (None, "", PROFILE, "m01") else name if name.startswith(PROFILE) else f"{PROFILE}-{name}"
    if not running(cluster):
        return not_running()
    ip = node_ip(cluster, target)
    if ip is None:
        return exiting("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {name}", EX_GUEST_NOT_FOUND,
                       issue_link=True)
    return Out(stdout=ip + "\n")


def _status(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    text, code = [], 0
    for name in nodes(cluster):
        up = running(cluster, name)
        state = "Running" if up else "Stopped"
        if name == PROFILE:
            text.append(f"{name}\ntype: Control Plane\nhost: {state}\nkubelet: {state}\napiserver: {state}\n"
                        f"kubeconfig: {'Configured' if up else 'Stopped'}\n\n")
            code |= 0 if up else 7
        else:
            text.append(f"{name}\ntype: Worker\nhost: {state}\nkubelet: {state}\n\n")
            code |= 0 if up else 3
    return Out(stdout="".join(text), code=code)


def _service(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None,
             opener: Opener | None = None) -> Out:
    namespace, args = _flag(args, "-n", "--namespace")
    namespace = namespace or "default"
    url_mode = "--url" in args
    names = [a for a in args if not a.startswith("-")]
    if not running(cluster):
        return not_running()
    if names and names[0] == "list":
        return _service_list(cluster, namespace if "-n" in args or namespace != "default" else None)
    if not names:
        return exiting("MK_USAGE", "You must specify service name(s) or --all", EX_USAGE)
    name = names[0]
    svc = cluster.store.peek("Service", namespace, name)
    if svc is None:
        return exiting("SVC_NOT_FOUND", f"Service '{name}' was not found in '{namespace}' namespace.\n"
                       f"You may select another namespace by using 'minikube service {name} -n <namespace>'. "
                       "Or list out all the services using 'minikube service list'", EX_SVC_NOT_FOUND)
    ip = node_ip(cluster, PROFILE) or presets.MINIKUBE_IP
    urls, port_names = _urls(svc, ip)
    stdout = ""
    if urls:
        if url_mode:
            stdout += "\n".join(urls) + "\n"
        else:
            stdout += render(["Namespace", "Name", "Target Port", "URL"],
                             [[namespace, name, "\n".join(port_names), "\n".join(urls)]])
    else:
        if not url_mode:
            stdout += render(["Namespace", "Name", "Target Port", "URL"], [[namespace, name, "", "No node port"]])
        stdout += f"😿  service {namespace}/{name} has no node port\n"
    if not _has_running_pod(cluster, svc):
        err = exiting("SVC_UNREACHABLE", f"service not available: no running pod for service {name} found",
                      EX_SVC_NOT_FOUND, issue_link=True)
        return Out(stdout=stdout, stderr=err.stderr, code=err.code)
    if not urls:
        tunnel = f"http://127.0.0.1:{_tunnel_port(svc)}"
        if opener is not None:
            port = ((svc.get("spec") or {}).get("ports") or [{}])[0].get("port", 80)
            opener(opened_service(cluster, svc, tunnel, f"http://{svc['spec'].get('clusterIP')}:{port}"))
        return Out(stdout=stdout + render(["Namespace", "Name", "Target Port", "URL"],
                                          [[namespace, name, "", tunnel]])
                   + f"🎉  Opening service {namespace}/{name} in default browser...\n")
    if not url_mode:
        stdout += f"🎉  Opening service {namespace}/{name} in default browser...\n"
        if opener is not None:
            opener(opened_service(cluster, svc, urls[0], urls[0]))
    return Out(stdout=stdout)


def opened_service(cluster: Cluster, svc: dict, url: str, via: str) -> dict:
    """What the page's browser panel shows for ``minikube service``: the URL minikube opens and what
    the simulated service answers there (``curl`` of ``via`` from the node: the same app, the same
    route through kube-proxy), as ``{"kind": "service", "url", "title", "status", "body"}``."""
    from . import node_shell

    answer = node_shell.run(cluster, PROFILE, ["curl", "-s", "-w", "\n%{http_code}", via])
    body, _, code = answer.stdout.rpartition("\n")
    status = int(code) if code.isdigit() else 0
    meta = svc["metadata"]
    return {"kind": "service", "url": url, "title": f"{meta['namespace']}/{meta['name']}",
            "status": status, "body": body if answer.code == 0 else answer.stderr or body}


def _urls(svc: dict, ip: str) -> tuple[list[str], list[str]]:
    """printURLsForService: one ``http://IP:NODEPORT`` per port with a node port, and its port name."""
    urls, names = [], []
    for port in (svc.get("spec") or {}).get("ports") or []:
        if port.get("nodePort"):
            urls.append(f"http://{ip}:{port['nodePort']}")
            names.append(f"{port['name']}/{port['port']}" if port.get("name") else str(port["port"]))
    return urls, names


def _tunnel_port(svc: dict) -> int:
    """The local port ``minikube service`` forwards a ClusterIP Service on (stable per Service)."""
    import hashlib

    return 32768 + int(hashlib.sha256(svc["metadata"]["uid"].encode()).hexdigest()[:6], 16) % 28000


def _has_running_pod(cluster: Cluster, svc: dict) -> bool:
    """service.CheckServicePods: a Running pod behind the Service's selector."""
    selector = (svc.get("spec") or {}).get("selector")
    if not selector:
        return True
    ns = svc["metadata"]["namespace"]
    return any((p.get("status") or {}).get("phase") == "Running"
               for p in cluster.store.scan("Pod", ns, selector={"matchLabels": selector}))


def _service_list(cluster: Cluster, namespace: str | None) -> Out:
    ip = node_ip(cluster, PROFILE) or presets.MINIKUBE_IP
    rows = []
    for svc in sorted(cluster.store.scan("Service", namespace), key=lambda s: (s["metadata"]["namespace"],
                                                                               s["metadata"]["name"])):
        urls, names = _urls(svc, ip)
        rows.append([svc["metadata"]["namespace"], svc["metadata"]["name"], "\n".join(names) if urls else "No node port",
                     "\n".join(urls)] if urls else [svc["metadata"]["namespace"], svc["metadata"]["name"],
                                                    "No node port", ""])
    return Out(stdout=render(["Namespace", "Name", "Target Port", "URL"], rows))


def _dashboard(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None,
               opener: Opener | None = None) -> Out:
    if not running(cluster):
        return not_running()
    err = ""
    if not addon_cmds.is_enabled(cluster, "dashboard"):
        err += "🔌  Enabling dashboard ...\n"
        err += addon_cmds.image_lines("dashboard")
        addon_cmds.set_enabled(cluster, "dashboard", True)
        err += ("💡  Some dashboard features require the metrics-server addon. To enable all features please run:\n\n"
                "\tminikube addons enable metrics-server\n\n")
    err += "🤔  Verifying dashboard health ...\n🚀  Launching proxy ...\n🤔  Verifying proxy health ...\n"
    url = (f"http://127.0.0.1:{DASHBOARD_PROXY_PORT}/api/v1/namespaces/kubernetes-dashboard/services/"
           "http:kubernetes-dashboard:/proxy/")
    if "--url" not in args:
        if opener is not None:
            opener({"kind": "dashboard", "url": url, "title": "Kubernetes Dashboard"})  # the page's canvas
        return Out(stderr=err, stdout=f"🎉  Opening {url} in your default browser...\n")
    return Out(stderr=err, stdout=url + "\n")


DASHBOARD_PROXY_PORT = 36143


def _addons(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    return addon_cmds.command(cluster, args)


def _node(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    sub, rest = (args[0], args[1:]) if args else ("", [])
    if sub == "list":
        return Out(stdout="".join(f"{n}\t{node_ip(cluster, n) or ''}\n" for n in nodes(cluster)))
    if sub == "add":
        existing = nodes(cluster)
        index = 2
        while f"{PROFILE}-m{index:02d}" in existing:
            index += 1
        short, machine = f"m{index:02d}", f"{PROFILE}-m{index:02d}"
        presets.add_minikube_node(cluster, machine)
        return Out(stdout=f"😄  Adding node {short} to cluster {PROFILE} as [worker]\n"
                          "❗  Cluster was created without any CNI, adding a node to it might cause broken networking.\n"
                          f'👍  Starting "{machine}" worker node in "{PROFILE}" cluster\n'
                          "🚜  Pulling base image v0.0.46 ...\n"
                          "🔥  Creating docker container (CPUs=2, Memory=2200MB) ...\n"
                          f"🐳  Preparing Kubernetes {presets.MINIKUBE_K8S} on Docker 27.4.1 ...\n"
                          "🔎  Verifying Kubernetes components...\n"
                          f"🏄  Successfully added {short} to {PROFILE}!\n")
    if sub == "delete":
        if len(rest) != 1:
            return exiting("MK_USAGE", "Usage: minikube node delete [name]", EX_USAGE)
        short = rest[0]
        machine = short if short.startswith(PROFILE + "-") else f"{PROFILE}-{short}"
        if short in (PROFILE, "m01") or machine not in nodes(cluster):
            return exiting("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {short}",
                           EX_GUEST_NOT_FOUND, issue_link=True)
        short = machine[len(PROFILE) + 1:]
        cluster.remove_node(machine)
        return Out(stdout=f"🔥  Deleting node {short} from cluster {PROFILE}\n"
                          f'✋  Stopping node "{machine}"  ...\n'
                          f'🛑  Powering off "{machine}" via SSH ...\n'
                          f'🔥  Deleting "{machine}" in docker ...\n'
                          f"💀  Node {short} was successfully deleted.\n")
    return Out(stdout="Operations on nodes\n\nAvailable Commands:\n  add           Adds a node to the given cluster.\n"
                      "  delete        Deletes a node from a cluster.\n  list          List nodes.\n"
                      "  start         Starts a node.\n  stop          Stops a node in a cluster.\n")


def _stop(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    """The profile's machines power off (the page's canvas draws them halted from the machines its
    snapshots and deltas carry); without ``--keep-context-active`` the kubeconfig's current context is
    unset (kubeconfig.UnsetCurrentContext), so kubectl is left with ``localhost:8080``."""
    from ..kubectl import kubeconfig

    text, count = [], 0
    for name in nodes(cluster):
        text.append(f'✋  Stopping node "{name}"  ...\n')
        if running(cluster, name):
            text.append(f'🛑  Powering off "{name}" via SSH ...\n')
            cluster.fail_node(name)
        count += 1
    text.append(f"🛑  {count} node{'s' if count > 1 else ''} stopped.\n")
    if not _keep(args, "--keep-context-active"):
        kubeconfig.minikube_stopped(cluster)
    return Out(stdout="".join(text))


def _keep(args: list[str], name: str) -> bool:
    """A boolean flag given as ``--name``, ``--name=true`` (or ``=false``)."""
    value = next((a.split("=", 1)[1] if "=" in a else "true" for a in args if a.split("=", 1)[0] == name), "false")
    return value.lower() in ("true", "1", "t")


def _start(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    """The machines power on again; the kubeconfig's profile entries are written afresh (their
    ``last-update``) and, unless ``--keep-context``, its context becomes the current one."""
    from ..kubectl import kubeconfig

    was_up = running(cluster)
    text = ["😄  minikube v1.35.0 on Ubuntu 22.04\n", "✨  Using the docker driver based on existing profile\n",
            f'👍  Starting "{PROFILE}" primary control-plane node in "{PROFILE}" cluster\n',
            "🚜  Pulling base image v0.0.46 ...\n",
            f'🏃  Updating the running docker "{PROFILE}" container ...\n' if was_up
            else f'🔄  Restarting existing docker container for "{PROFILE}" ...\n',
            f"🐳  Preparing Kubernetes {presets.MINIKUBE_K8S} on Docker 27.4.1 ...\n",
            "🔎  Verifying Kubernetes components...\n",
            f"    ▪ Using image {presets.STORAGE_PROVISIONER_IMAGE}\n"]
    for name in nodes(cluster):
        if name in cluster.machines and not running(cluster, name):
            cluster.recover_node(name)
    enabled = [a for a in ("storage-provisioner", "default-storageclass") if addon_cmds.is_enabled(cluster, a)]
    enabled += [a for a in addon_cmds.enabled_names(cluster) if a not in enabled]
    if enabled:
        text.append(f"🌟  Enabled addons: {', '.join(enabled)}\n")
    keep = _keep(args, "--keep-context")
    kubeconfig.minikube_started(cluster, cluster.clock.now(), activate=not keep)
    text.append(f'🏄  Done! kubectl is now configured to use "{PROFILE}" cluster and "default" namespace by default\n')
    return Out(stdout="".join(text))


def _kubectl(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    if args and args[0] == "--":
        args = args[1:]
    if len(args) > 1 and args[0] != "--help":
        # minikube runs ``kubectl --cluster minikube ARGS``: the profile's server even when ``minikube
        # stop`` unset the current context (kubeplay's kubectl takes the context holding that cluster)
        from ..kubectl import kubeconfig

        config = kubeconfig.load(cluster)
        if config.get("current-context") != PROFILE and PROFILE in (config.get("contexts") or {}) \
                and "--context" not in args and not any(a.startswith("--context=") for a in args):
            args = ["--context", PROFILE, *args]
    if kubectl is None:
        import shlex

        from ..kubectl import run

        r = run(cluster, "kubectl " + shlex.join(args), stdin)
        return Out(stdout=r.output, code=r.exit_code) if r.exit_code == 0 else Out(stderr=r.output, code=r.exit_code)
    return kubectl(args, stdin)


def _ssh(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    name, args = _flag(args, "-n", "--node")
    machine = PROFILE if name in (None, "", PROFILE, "m01") else name if name.startswith(PROFILE) else f"{PROFILE}-{name}"
    if not running(cluster):
        return not_running()
    if machine not in cluster.machines:
        return exiting("GUEST_NODE_RETRIEVE", f"retrieving node: Could not find node {name}", EX_GUEST_NOT_FOUND,
                       issue_link=True)
    if args and args[0] == "--":
        args = args[1:]
    if not args:
        return Out(stderr="minikube ssh: an interactive shell is not available in this terminal; "
                          "run one command: minikube ssh -- curl 10.96.0.1\n", code=1)
    from . import node_shell

    return node_shell.run(cluster, machine, args, stdin)


def _tunnel(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    if not running(cluster):
        return not_running()
    patched = []
    for svc in sorted(cluster.store.scan("Service"), key=lambda s: (s["metadata"]["namespace"], s["metadata"]["name"])):
        spec = svc.get("spec") or {}
        if spec.get("type") != "LoadBalancer" or not spec.get("clusterIP"):
            continue
        patched.append(svc["metadata"]["name"])
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if [i.get("ip") for i in ingress] != [spec["clusterIP"]]:
            status = dict(svc.get("status") or {})
            status["loadBalancer"] = {"ingress": [{"ip": spec["clusterIP"]}]}
            cluster.api.update_status(dict(svc, status=status))
    cluster.settle()
    pid = 1000 + int(cluster.clock.now()) % 60000
    ip = node_ip(cluster, PROFILE) or presets.MINIKUBE_IP
    return Out(stdout=f"Status:\t\n\tmachine: {PROFILE}\n\tpid: {pid}\n\troute: 10.96.0.0/12 -> {ip}\n"
                      f"\tminikube: Running\n\tservices: [{', '.join(patched)}]\n"
                      "    errors: \n\t\tminikube: no errors\n\t\trouter: no errors\n"
                      "\t\tloadbalancer emulator: no errors\n")


def _profile(cluster: Cluster, args: list[str], stdin: str, kubectl: Kubectl | None) -> Out:
    if args[:1] != ["list"]:
        return Out(stdout=f"{PROFILE}\n")
    up = running(cluster)
    ip = node_ip(cluster, PROFILE) or presets.MINIKUBE_IP
    row = [PROFILE, "docker", "docker", ip, str(presets.MINIKUBE_API_PORT), presets.MINIKUBE_K8S,
           "OK" if up else "Stopped", str(len(nodes(cluster))), "*", "*"]
    return Out(stdout=render(["Profile", "VM Driver", "Runtime", "IP", "Port", "Version", "Status", "Nodes",
                              "Active Profile", "Active Kubecontext"], [row], auto_format=False))


COMMANDS = {"ip": _ip, "status": _status, "service": _service, "dashboard": _dashboard, "addons": _addons,
            "node": _node, "stop": _stop, "start": _start, "kubectl": _kubectl, "ssh": _ssh, "tunnel": _tunnel,
            "profile": _profile}
