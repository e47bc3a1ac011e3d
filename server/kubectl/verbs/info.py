"""``kubectl api-resources``, ``kubectl api-versions`` and ``kubectl cluster-info``.

Owns: listing the simulated API surface the way kubectl v1.32 prints it, read from the same
discovery documents the apiserver serves (``server/sim/discovery.py``), and the cluster-info
lines (control plane address, then every kube-system Service labelled
``kubernetes.io/cluster-service=true``).
"""

from __future__ import annotations

from typing import Any

from ...sim import discovery
from ...sim.api import ApiError
from .. import authorized, printers
from ..parse import Flag, Invocation, KubectlError, Result, command

#: where the simulated apiserver listens when the cluster has no ``kubernetes`` Endpoints yet
DEFAULT_CONTROL_PLANE = "https://192.168.56.10:6443"


def _usage_error(command: str, args: list[str]) -> KubectlError:
    """cmdutil.UsageErrorf(cmd, "unexpected arguments: %v", args): Go prints a slice as ``[a b]``."""
    return KubectlError(f"error: unexpected arguments: [{' '.join(args)}]\n"
                        f"See 'kubectl {command} -h' for help and examples")


def _split_slice(values: list[str] | None) -> list[str]:
    """pflag's StringSlice: every occurrence of the flag, each split at commas."""
    return [v for value in values or [] for v in value.split(",")]


def preferred_resources() -> list[tuple[str, dict[str, Any]]]:
    """client-go ``ServerPreferredResources``: (group, APIResource entry) of every top-level resource
    of each group's preferred version, read from the discovery documents the apiserver serves
    (subresources such as ``pods/log`` are not listed)."""
    gvs = [("", "v1")]
    for group in discovery.served_groups():
        doc = discovery.api_group(group)
        assert doc is not None
        gvs.append((group, doc["preferredVersion"]["version"]))
    out = []
    for group, version in gvs:
        doc = discovery.api_resource_list(group, version)
        for entry in (doc or {}).get("resources", []):
            if "/" not in entry["name"] and entry["verbs"]:
                out.append((group, {**entry, "apiVersion": f"{group}/{version}" if group else version}))
    return out


@command("api-resources", flags=[Flag("output", "o", "str", ""), Flag("no-headers"), Flag("namespaced", default=True),
                                 Flag("api-group", kind="str", default=""), Flag("sort-by", kind="str", default=""),
                                 Flag("verbs", kind="list"), Flag("cached"), Flag("categories", kind="list")])
def api_resources(inv: Invocation) -> str:
    """kubectl's pkg/cmd/apiresources: Complete (no arguments), Validate (output, sort-by), then one
    row per preferred resource that passes every filter, sorted stably by group (or name/kind), ties
    by name. Output captured from kubectl.1.32 against these discovery documents."""
    if inv.args:
        raise _usage_error("api-resources", inv.args)
    fmt = inv.flags.get("output") or ""
    if fmt not in ("", "wide", "name"):
        raise KubectlError(f"error: --output {fmt} is not available")
    sort_by = inv.flags.get("sort-by") or ""
    if sort_by not in ("", "name", "kind"):
        raise KubectlError("error: --sort-by accepts only name or kind")
    verbs = set(_split_slice(inv.flags.get("verbs")))
    categories = set(_split_slice(inv.flags.get("categories")))
    rows = []
    for group, r in preferred_resources():
        if inv.flag_given("api-group") and inv.flags["api-group"] != group:
            continue
        if inv.flag_given("namespaced") and bool(inv.flags["namespaced"]) != r["namespaced"]:
            continue
        if not verbs <= set(r["verbs"]) or not categories <= set(r.get("categories", ())):
            continue
        rows.append((group, r))
    column = {"": 0, "name": 1, "kind": 2}[sort_by]
    rows.sort(key=lambda gr: ((gr[0], gr[1]["name"], gr[1]["kind"])[column], gr[1]["name"]))
    if fmt == "name":
        return "".join(r["name"] + (f".{group}" if group else "") + "\n" for group, r in rows)
    lines = []
    if not inv.flags.get("no-headers"):
        lines.append(["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
                     + (["VERBS", "CATEGORIES"] if fmt == "wide" else []))
    for _, r in rows:
        line = [r["name"], ",".join(r.get("shortNames", ())), r["apiVersion"], str(r["namespaced"]).lower(), r["kind"]]
        if fmt == "wide":
            line += [",".join(r["verbs"]), ",".join(r.get("categories", ()))]
        lines.append(line)
    return printers.tabwrite(lines)


@command("api-versions", flags=[])
def api_versions(inv: Invocation) -> str:
    """kubectl's pkg/cmd/apiresources/apiversions.go: every group/version the server lists, sorted."""
    if inv.args:
        raise _usage_error("api-versions", inv.args)
    return "".join(gv + "\n" for gv in sorted(discovery.group_versions()))


def control_plane_url(inv: Invocation) -> str:
    # the kubeconfig's server, which kubectl knows without asking: no request of the user's
    ep = authorized.raw(inv.cluster).store.peek("Endpoints", "default", "kubernetes")
    for subset in (ep or {}).get("subsets") or []:
        addrs, ports = subset.get("addresses") or [], subset.get("ports") or []
        if addrs and ports:
            return f"https://{addrs[0]['ip']}:{ports[0]['port']}"
    return DEFAULT_CONTROL_PLANE


def kubeconfig_server(inv: Invocation) -> str:
    """cluster-info's address: the REST config's host, i.e. the kubeconfig's server for the command's
    context (kind's ``https://127.0.0.1:<port>``, minikube's ``https://192.168.49.2:8443``)."""
    from .. import kubeconfig

    try:
        config = kubeconfig.load(authorized.raw(inv.cluster), inv.flags.get("kubeconfig") or None)
    except kubeconfig.KubeconfigError:
        return control_plane_url(inv)
    return kubeconfig.server_of(config, inv.flags.get("context") or None).rstrip("/")


@command("cluster-info", flags=[])
def cluster_info(inv: Invocation) -> str | Result:
    if inv.args and inv.args[0] == "dump":
        raise KubectlError("error: cluster-info dump is not available in kubeplay")
    base = kubeconfig_server(inv)
    lines = [f"Kubernetes control plane is running at {base}"]
    hint = "To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'."
    try:
        services = inv.cluster.store.scan("Service", "kube-system", selector={"kubernetes.io/cluster-service": "true"})
    except ApiError as e:  # the list refused: nothing printed but the hint, then the error
        return Result(f"\n{hint}\nError from server ({e.reason}): {e.message}", 1)
    for svc in services:
        labels = svc["metadata"].get("labels") or {}
        name = labels.get("kubernetes.io/name") or svc["metadata"]["name"]
        ingress = ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
        if ingress:
            ip = ingress[0].get("ip") or ingress[0].get("hostname")
            port = ((svc.get("spec") or {}).get("ports") or [{}])[0].get("port", 80)
            link = f"http://{ip}:{port}"
        else:
            ports = (svc.get("spec") or {}).get("ports") or []
            port_name = ""
            if ports:
                port_name = ports[0].get("name") or str(ports[0].get("port"))
            scheme = "https:" if port_name == "https" else ""
            svc_part = f"{scheme}{svc['metadata']['name']}" + (f":{port_name}" if port_name else "")
            link = f"{base}/api/v1/namespaces/kube-system/services/{svc_part}/proxy"
        lines.append(f"{name} is running at {link}")
    lines.append("")
    lines.append(hint)
    return "\n".join(lines)
