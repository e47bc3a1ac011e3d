"""kubectl top node|pod: resource usage from the metrics.k8s.io API (kubectl/pkg/cmd/top).

Owns: the commands' argument and flag checks in kubectl v1.32's order (Complete: at most one
NAME; Validate: ``--sort-by`` is cpu or memory, NAME and a selector exclude each other; Run:
the ``-l`` selector parses, then discovery must serve ``metrics.k8s.io`` or the answer is
``error: Metrics API not available`` — what a bare kubeadm cluster, today's sandbox, says), and
the tables ``metricsutil.TopCmdPrinter`` prints once metrics exist, as pure functions over
NodeMetrics / PodMetrics objects (``node_metrics_table``, ``pod_metrics_table``): the columns,
``CPU(%)``/``MEMORY(%)`` against allocatable (or capacity), ``<unknown>`` rows for nodes without
metrics, ``--containers``, ``--sort-by`` (``sort.Sort``, descending usage, unstable like Go's),
``--sum``, ``--no-headers`` and ``-A``'s NAMESPACE column, through Go's tabwriter as kubectl sets it
up (every cell tab-terminated, so the last column is padded too).

With ``--as``, the metrics request is authorized as the user first (``get``/``list`` on
``pods``/``nodes`` in ``metrics.k8s.io``: the apiserver's 403, before the aggregator's 503); what
metrics-server reads to answer it (pods, nodes, its own pod) is its own, not the user's.

Hands off: where metrics come from — ``server.sim.metrics`` (the metrics-server add-on): discovery
lists ``metrics.k8s.io`` while the add-on is on; until its pod is Ready the aggregated API answers
503 (``Error from server (ServiceUnavailable): the server is currently unable to handle the request
(get pods.metrics.k8s.io)``), then ``error: metrics not available yet`` until it has two scrapes.
"""

from __future__ import annotations

from collections.abc import Sequence

from ...sim import authorization
from ...sim import metrics as metrics_server
from ...sim.quantity import Quantity
from ...sim.resources import BY_KIND
from ...sim.store import Obj
from .. import authorized, printers, resolve
from ..parse import Flag, Invocation, KubectlError, Result, command

METRICS_GROUP = metrics_server.GROUP
SORT_KEYS = ("cpu", "memory")
NODE_COLUMNS = ("NAME", "CPU(cores)", "CPU(%)", "MEMORY(bytes)", "MEMORY(%)")
POD_COLUMNS = ("NAME", "CPU(cores)", "MEMORY(bytes)")
MEASURED = ("cpu", "memory")
UNKNOWN = "<unknown>"


# -- the printers (metricsutil.TopCmdPrinter) ---------------------------------------------------

def _usage_cell(resource: str, amount: int) -> str:
    """``printSingleResourceUsage``: CPU in millicores, memory in whole MiB (truncated)."""
    return f"{amount}m" if resource == "cpu" else f"{amount // (1024 * 1024)}Mi"


def _amount(resource: str, value: object) -> int:
    """MilliValue for CPU, Value for memory (both round up, as Quantity does)."""
    q = Quantity.of(value)
    return q.milli_value() if resource == "cpu" else q.value()


def _usage(usage: dict | None) -> dict[str, int]:
    usage = usage or {}
    return {r: _amount(r, usage.get(r, "0")) for r in MEASURED}


def _sum(pods: Sequence[Obj]) -> dict[str, int]:
    """``getPodMetrics`` / ``ResourceAdder``: the containers' usage Quantities added exactly, then one
    MilliValue (CPU) or Value (memory) of the total — not a sum of rounded-up parts."""
    total = {r: Quantity.parse("0") for r in MEASURED}
    for m in pods:
        for c in m.get("containers") or []:
            for r in MEASURED:
                value = (c.get("usage") or {}).get(r)
                if value is not None:
                    total[r] = total[r] + Quantity.of(value)
    return {r: (q.milli_value() if r == "cpu" else q.value()) for r, q in total.items()}


def _pod_usage(m: Obj) -> dict[str, int]:
    """``getPodMetrics``: the containers' usage summed."""
    return _sum([m])


def _usage_cells(usage: dict[str, int], available: dict | None) -> list[str]:
    cells: list[str] = []
    for r in MEASURED:
        cells.append(_usage_cell(r, usage[r]))
        if available is not None and r in available:
            cap = _amount(r, available[r])
            if not cap:
                # v1.32 divides anyway: int64(±Inf or NaN) is the smallest int64 on amd64
                cells.append(f"{-(2**63)}%")
                continue
            # a fraction of MilliValues, truncated toward zero as Go's int64(float64) does
            used = usage[r] if r == "cpu" else usage[r] * 1000
            cells.append(f"{int(used / (cap if r == 'cpu' else cap * 1000) * 100)}%")
    return cells


def _by_usage(sort_by: str, usage_of) -> object:
    def less(a: Obj, b: Obj) -> bool:
        return usage_of(a)[sort_by] > usage_of(b)[sort_by]

    return less


def _write(rows: list[list[str]]) -> str:
    """``printers.GetNewTabWriter`` (minwidth 6, padding 3) over lines whose every cell ends in a tab."""
    return printers.go_tabwriter("".join("".join(f"{c}\t" for c in row) + "\n" for row in rows), 6, 3)


def node_metrics_table(metrics: Sequence[Obj], available: dict[str, dict], *, no_headers: bool = False,
                       sort_by: str = "") -> str:
    """``PrintNodeMetrics``: one line per NodeMetrics (``available``: node name -> its allocatable or
    capacity ResourceList), then ``<unknown>`` lines for the nodes in ``available`` without metrics
    (in Go's map order, which is random; here sorted). Empty when there are no metrics."""
    if not metrics:
        return ""
    if sort_by in SORT_KEYS:
        ordered = printers.go_sort(list(metrics), _by_usage(sort_by, lambda m: _usage(m.get("usage"))))
    else:
        ordered = printers.go_sort(list(metrics), lambda a, b: a["metadata"]["name"] < b["metadata"]["name"])
    rows: list[list[str]] = [] if no_headers else [list(NODE_COLUMNS)]
    missing = dict(available)
    for m in ordered:
        name = m["metadata"]["name"]
        rows.append([name, *_usage_cells(_usage(m.get("usage")), available.get(name))])
        missing.pop(name, None)
    for name in sorted(missing):
        rows.append([name, *[UNKNOWN] * (2 * len(MEASURED))])
    return _write(rows)


def pod_metrics_table(metrics: Sequence[Obj], *, containers: bool = False, with_namespace: bool = False,
                      no_headers: bool = False, sort_by: str = "", total: bool = False) -> str:
    """``PrintPodMetrics``: NAME CPU(cores) MEMORY(bytes) per pod (``containers``: POD NAME … per
    container), NAMESPACE first with ``with_namespace`` (``-A``), the ``--sum`` line under them."""
    if not metrics:
        return ""
    rows: list[list[str]] = []
    header: list[str] = []
    if with_namespace:
        header.append("NAMESPACE")
    if containers:
        header.append("POD")
    header.extend(POD_COLUMNS)
    if not no_headers:
        rows.append(header)
    if sort_by in SORT_KEYS:
        ordered = printers.go_sort(list(metrics), _by_usage(sort_by, _pod_usage))
    else:
        def by_name(a: Obj, b: Obj) -> bool:
            if with_namespace and a["metadata"].get("namespace") != b["metadata"].get("namespace"):
                return a["metadata"].get("namespace", "") < b["metadata"].get("namespace", "")
            return a["metadata"]["name"] < b["metadata"]["name"]

        ordered = printers.go_sort(list(metrics), by_name)
    for m in ordered:
        meta = m["metadata"]
        lead = [meta.get("namespace", "")] if with_namespace else []
        if containers:
            cs = list(m.get("containers") or [])
            if sort_by in SORT_KEYS:
                cs = printers.go_sort(cs, _by_usage(sort_by, lambda c: _usage(c.get("usage"))))
            else:
                cs = printers.go_sort(cs, lambda a, b: a["name"] < b["name"])
            for c in cs:
                rows.append([*lead, meta["name"], c["name"], *_usage_cells(_usage(c.get("usage")), None)])
        else:
            rows.append([*lead, meta["name"], *_usage_cells(_pod_usage(m), None)])
    if total:
        # PrintPodMetrics widens its column count only while it prints the headers
        width = len(POD_COLUMNS) if no_headers else len(header)
        summed = _sum(metrics)
        rows.append([*[""] * (width - 2), "________", "________"])
        rows.append([*[""] * (width - 3), "", *_usage_cells(summed, None)])
    return _write(rows)


# -- the commands ---------------------------------------------------------------------------------

def metrics_api_available(inv: Invocation) -> bool:
    """``SupportedMetricsAPIVersionAvailable``: discovery lists the metrics.k8s.io group (while the
    metrics-server add-on, its APIService, is there). Discovery is every user's (system:discovery)."""
    return metrics_server.server(authorized.raw(inv.cluster)) is not None


def _authorize(inv: Invocation, verb: str, resource: str, namespace: str | None, name: str) -> None:
    """The kube-apiserver's authorization of the metrics request, before kube-aggregator proxies it
    (so a user without ``get``/``list`` on ``pods``/``nodes`` in ``metrics.k8s.io`` gets the 403 even
    while metrics-server is unavailable); nothing for a command that impersonates no one."""
    cluster = inv.cluster
    if isinstance(cluster, authorized.AuthorizedCluster):
        attrs = authorization.resource_attributes(verb, resource, METRICS_GROUP, namespace or "", name)
        authorization.check(cluster.unwrapped.store, cluster.user, attrs)  # the 403 ApiError, printed as kubectl does


def _metrics(inv: Invocation, kind: str, namespace: str | None, name: str, selector: str | None) -> list[Obj]:
    """The NodeMetrics / PodMetrics the aggregated API lists (``-l`` matches the pods' or nodes'
    labels, which metrics-server copies), or the errors its requests meet. metrics-server reads pods
    and nodes with its own credentials: only the request itself is the user's."""
    resource = "pods" if kind == "PodMetrics" else "nodes"
    _authorize(inv, "get" if name else "list", resource, namespace, name)
    cluster = authorized.raw(inv.cluster)
    if not metrics_server.available(cluster):
        raise KubectlError("Error from server (ServiceUnavailable): the server is currently unable to handle "
                           f"the request (get {resource}.{METRICS_GROUP})")
    if name:
        found = (metrics_server.pod_metrics(cluster, namespace or "", {name}) if kind == "PodMetrics"
                 else metrics_server.node_metrics(cluster, {name}))
        if not found:
            shown = f"{namespace}/{name}" if kind == "PodMetrics" else name
            raise KubectlError(f'Error from server (NotFound): {kind.lower()}.{METRICS_GROUP} "{shown}" not found')
        return found
    if kind == "PodMetrics":
        names = None
        if selector:
            names = {p["metadata"]["name"] for p in resolve.list_objects(cluster, BY_KIND["Pod"], namespace, selector)}
        return metrics_server.pod_metrics(cluster, namespace, names)
    names = None
    if selector:
        names = {n["metadata"]["name"] for n in resolve.list_objects(cluster, BY_KIND["Node"], None, selector)}
    return metrics_server.node_metrics(cluster, names)


def _common_checks(inv: Invocation, usage: str, both_message: str, selector_given: bool) -> str:
    if len(inv.args) > 1:
        # cobra's CommandPath names the command by its own name, not the alias typed
        raise KubectlError(f"error: {usage}\nSee 'kubectl top {usage.split()[0]} -h' for help and examples")
    name = inv.args[0] if inv.args else ""
    sort_by = inv.flags.get("sort-by") or ""
    if sort_by and sort_by not in SORT_KEYS:
        raise KubectlError("error: --sort-by accepts only cpu or memory")
    if name and selector_given:
        raise KubectlError(f"error: {both_message}")
    if inv.flags.get("selector"):
        resolve.parse_selector(inv.flags["selector"])
    return name


TOP_FLAGS = [Flag("selector", "l", "str"), Flag("sort-by", kind="str"), Flag("no-headers"),
             Flag("use-protocol-buffers", default=True)]


@command("top node", flags=[*TOP_FLAGS, Flag("show-capacity")])
def top_node(inv: Invocation) -> Result:
    name = _common_checks(inv, "node [NAME | -l label]", "only one of NAME or --selector can be provided",
                          bool(inv.flags.get("selector")))
    if not metrics_api_available(inv):
        raise KubectlError("error: Metrics API not available")
    metrics = _metrics(inv, "NodeMetrics", None, name, inv.flags.get("selector"))
    if not metrics:
        raise KubectlError("error: metrics not available yet")
    node_r = BY_KIND["Node"]
    nodes = ([resolve.fetch(inv.cluster, node_r, "", name)] if name
             else resolve.list_objects(inv.cluster, node_r, None, inv.flags.get("selector")))
    key = "capacity" if inv.flags.get("show-capacity") else "allocatable"
    available = {n["metadata"]["name"]: (n.get("status") or {}).get(key) or {} for n in nodes}
    return Result(node_metrics_table(metrics, available, no_headers=bool(inv.flags.get("no-headers")),
                                     sort_by=inv.flags.get("sort-by") or ""))


@command("top nodes", flags=[*TOP_FLAGS, Flag("show-capacity")])
def top_nodes(inv: Invocation) -> Result:
    return top_node(inv)


@command("top no", flags=[*TOP_FLAGS, Flag("show-capacity")])
def top_no(inv: Invocation) -> Result:
    return top_node(inv)


POD_FLAGS = [*TOP_FLAGS, Flag("field-selector", kind="str"), Flag("containers"), Flag("all-namespaces", "A"),
             Flag("sum")]


@command("top pod", flags=POD_FLAGS)
def top_pod(inv: Invocation) -> Result:
    f = inv.flags
    name = _common_checks(inv, "pod [NAME | -l label]", "only one of NAME or selector can be provided",
                          bool(f.get("selector") or f.get("field-selector")))
    if not metrics_api_available(inv):
        raise KubectlError("error: Metrics API not available")
    all_ns = bool(f.get("all-namespaces"))
    metrics = _metrics(inv, "PodMetrics", None if all_ns else inv.namespace, name, f.get("selector"))
    head = ""
    if not metrics:
        pods = resolve.list_objects(inv.cluster, BY_KIND["Pod"], inv.namespace, f.get("selector"))
        if pods:
            raise KubectlError("error: metrics not available yet")
        head = "No resources found\n" if all_ns else f"No resources found in {inv.namespace} namespace.\n"
    table = pod_metrics_table(metrics, containers=bool(f.get("containers")), with_namespace=all_ns,
                              no_headers=bool(f.get("no-headers")), sort_by=f.get("sort-by") or "",
                              total=bool(f.get("sum")))
    return Result(head + table)


@command("top pods", flags=POD_FLAGS)
def top_pods(inv: Invocation) -> Result:
    return top_pod(inv)


@command("top po", flags=POD_FLAGS)
def top_po(inv: Invocation) -> Result:
    return top_pod(inv)
