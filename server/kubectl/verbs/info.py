"""``kubectl api-resources`` and ``kubectl cluster-info``.

Owns: listing the simulated API surface from ``server/sim/resources.py`` the way discovery and
``api-resources`` print it (sorted by group, then name), and the cluster-info lines (control
plane address, then every kube-system Service labelled ``kubernetes.io/cluster-service=true``).
"""

from __future__ import annotations

from .. import printers
from ..parse import Flag, Invocation, KubectlError, command
from ..resolve import known_resources

#: where the simulated apiserver listens when the cluster has no ``kubernetes`` Endpoints yet
DEFAULT_CONTROL_PLANE = "https://192.168.56.10:6443"


@command("api-resources", flags=[Flag("output", "o", "str", ""), Flag("no-headers"), Flag("namespaced", kind="str"),
                                 Flag("api-group", kind="str"), Flag("sort-by", kind="str", default=""),
                                 Flag("verbs", kind="list"), Flag("cached"), Flag("categories", kind="list")])
def api_resources(inv: Invocation) -> str:
    fmt = inv.flags.get("output") or ""
    if fmt not in ("", "wide", "name"):
        raise KubectlError(f'error: --output {fmt} is not available')
    resources = list(known_resources())
    if inv.flag_given("namespaced"):
        want = str(inv.flags["namespaced"]).lower() not in ("false", "0")
        resources = [r for r in resources if r.namespaced == want]
    if inv.flag_given("api-group"):
        resources = [r for r in resources if r.group == inv.flags["api-group"]]
    for verb_list in inv.flags.get("verbs") or []:
        for verb in verb_list.split(","):
            resources = [r for r in resources if verb in r.verbs]
    sort_by = inv.flags.get("sort-by") or ""
    if sort_by not in ("", "name", "kind"):
        raise KubectlError(f'error: --sort-by accepts only name or kind, got "{sort_by}"')
    # sort.Stable by group (or name/kind), ties by name
    if sort_by == "kind":
        resources.sort(key=lambda r: (r.kind, r.plural))
    elif sort_by == "name":
        resources.sort(key=lambda r: r.plural)
    else:
        resources.sort(key=lambda r: (r.group, r.plural))
    if fmt == "name":
        return "\n".join(r.plural + (f".{r.group}" if r.group else "") for r in resources)
    header = ["NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND"]
    if fmt == "wide":
        header += ["VERBS", "CATEGORIES"]
    rows = []
    for r in resources:
        row = [r.plural, ",".join(r.short_names), r.api_version, "true" if r.namespaced else "false", r.kind]
        if fmt == "wide":
            row += [",".join(sorted(r.verbs)), "all" if r.kind in ("Pod", "Service", "DaemonSet", "Deployment",
                                                                    "ReplicaSet", "StatefulSet", "Job",
                                                                    "CronJob") else ""]
        rows.append(row)
    lines = rows if inv.flags.get("no-headers") else [header, *rows]
    return printers.tabwrite(lines)


def control_plane_url(inv: Invocation) -> str:
    ep = inv.cluster.store.peek("Endpoints", "default", "kubernetes")
    for subset in (ep or {}).get("subsets") or []:
        addrs, ports = subset.get("addresses") or [], subset.get("ports") or []
        if addrs and ports:
            return f"https://{addrs[0]['ip']}:{ports[0]['port']}"
    return DEFAULT_CONTROL_PLANE


@command("cluster-info", flags=[])
def cluster_info(inv: Invocation) -> str:
    if inv.args and inv.args[0] == "dump":
        raise KubectlError("error: cluster-info dump is not available in kubeplay")
    base = control_plane_url(inv)
    lines = [f"Kubernetes control plane is running at {base}"]
    for svc in inv.cluster.store.scan("Service", "kube-system", selector={"kubernetes.io/cluster-service": "true"}):
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
    lines.append("To further debug and diagnose cluster problems, use 'kubectl cluster-info dump'.")
    return "\n".join(lines)
