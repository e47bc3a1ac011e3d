"""``minikube addons list|enable|disable``: minikube v1.35.0's add-on catalogue (pkg/minikube/assets/addons.go)
mapped onto the sandbox.

``ingress`` and ``metrics-server`` are kubeplay's add-ons (``server.sim.addons``: the same objects
minikube's manifests create); ``dashboard`` creates the kubernetes-dashboard namespace, its two
Deployments and Services through the API; ``storage-provisioner`` is the preset's hostpath provisioner (the same
kubeplay add-on name, which on the minikube preset is ``controllers/hostpath.py``) and
``default-storageclass`` its ``standard`` class. The others are remembered as enabled (their
workloads are not simulated).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ..sim import addons as sim_addons
from ..sim import presets
from ..sim.api import ApiError
from ..sim.net.clients import Out
from .table import render

if TYPE_CHECKING:
    from ..sim.cluster import Cluster

#: name -> maintainer, as ``assets.Addons`` declares them (v1.35.0)
CATALOGUE = dict((
    ('auto-pause', 'minikube'), ('dashboard', 'Kubernetes'), ('default-storageclass', 'Kubernetes'),
    ('pod-security-policy', '3rd party (unknown)'), ('storage-provisioner', 'minikube'),
    ('storage-provisioner-gluster', '3rd party (Gluster)'), ('storage-provisioner-rancher', '3rd party (Rancher)'),
    ('efk', '3rd party (Elastic)'), ('ingress', 'Kubernetes'), ('istio-provisioner', '3rd party (Istio)'),
    ('istio', '3rd party (Istio)'), ('inspektor-gadget', '3rd party (inspektor-gadget.io)'),
    ('kong', '3rd party (Kong HQ)'), ('kubevirt', '3rd party (KubeVirt)'), ('metrics-server', 'Kubernetes'),
    ('olm', '3rd party (Operator Framework)'), ('registry', 'minikube'),
    ('registry-creds', '3rd party (UPMC Enterprises)'), ('registry-aliases', '3rd party (unknown)'),
    ('freshpod', 'Google'), ('nvidia-driver-installer', '3rd party (NVIDIA)'),
    ('nvidia-gpu-device-plugin', '3rd party (NVIDIA)'), ('amd-gpu-device-plugin', '3rd party (AMD)'),
    ('logviewer', '3rd party (unknown)'), ('gvisor', 'minikube'), ('ingress-dns', 'minikube'),
    ('metallb', '3rd party (MetalLB)'), ('ambassador', '3rd party (Ambassador)'), ('gcp-auth', 'Google'),
    ('volcano', 'third-party (volcano)'), ('volumesnapshots', 'Kubernetes'), ('csi-hostpath-driver', 'Kubernetes'),
    ('portainer', '3rd party (Portainer.io)'), ('inaccel', '3rd party (InAccel [info@inaccel.com])'),
    ('headlamp', '3rd party (kinvolk.io)'), ('cloud-spanner', 'Google'), ('kubeflow', '3rd party'),
    ('nvidia-device-plugin', '3rd party (NVIDIA)'), ('yakd', '3rd party (marcnuri.com)'),
))
OFFICIAL = ("Google", "Kubernetes", "minikube")
#: the images ``out.Infof("Using image …")`` names when the add-on is enabled
IMAGES = {
    "dashboard": ("docker.io/kubernetesui/dashboard:v2.7.0", "docker.io/kubernetesui/metrics-scraper:v1.0.8"),
    "ingress": ("registry.k8s.io/ingress-nginx/controller:v1.11.3",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4",
                "registry.k8s.io/ingress-nginx/kube-webhook-certgen:v1.4.4"),
    "metrics-server": ("registry.k8s.io/metrics-server/metrics-server:v0.7.2",),
    "storage-provisioner": (presets.STORAGE_PROVISIONER_IMAGE,),
}
#: kubeplay's add-ons behind minikube's names
SIMULATED = {"ingress": "ingress", "metrics-server": "metrics-server", "storage-provisioner": "storage-provisioner"}
#: add-ons whose pods ``addons.go`` waits for (addonPodLabels)
VERIFIED = ("ingress",)
DASHBOARD_NS = "kubernetes-dashboard"


def _remembered(cluster: Cluster) -> set[str]:
    """The catalogue's add-ons kubeplay does not simulate, as the profile's config remembers them."""
    state = getattr(cluster, "minikube_addons", None)
    if state is None:
        state = set()
        cluster.minikube_addons = state  # type: ignore[attr-defined]
    return state


def is_enabled(cluster: Cluster, name: str) -> bool:
    if name in SIMULATED:
        return sim_addons.states(cluster).get(SIMULATED[name], False)
    if name == "dashboard":
        return cluster.store.peek("Deployment", DASHBOARD_NS, "kubernetes-dashboard") is not None
    if name == "default-storageclass":
        sc = cluster.store.peek("StorageClass", "", presets.STANDARD_CLASS)
        return sc is not None and (sc["metadata"].get("annotations") or {}).get(
            "storageclass.kubernetes.io/is-default-class") == "true"
    return name in _remembered(cluster)


def enabled_names(cluster: Cluster) -> list[str]:
    return [n for n in sorted(CATALOGUE) if is_enabled(cluster, n)]


def image_lines(name: str) -> str:
    return "".join(f"    ▪ Using image {image}\n" for image in IMAGES.get(name, ()))


def set_enabled(cluster: Cluster, name: str, on: bool) -> None:
    if name in SIMULATED:
        cluster.set_addon(SIMULATED[name], on)
    elif name == "dashboard":
        (_dashboard_on if on else _dashboard_off)(cluster)
    elif name == "default-storageclass":
        sc = cluster.store.peek("StorageClass", "", presets.STANDARD_CLASS)
        if on and sc is None:
            obj = presets.standard_class(presets.HOSTPATH_PROVISIONER, "Immediate", "", minikube=True)
            del obj["metadata"]["creationTimestamp"]
            cluster.api.create(obj)
        elif not on and sc is not None:
            cluster.api.delete("StorageClass", "", presets.STANDARD_CLASS)
    elif on:
        _remembered(cluster).add(name)
    else:
        _remembered(cluster).discard(name)
    cluster.settle()


def command(cluster: Cluster, args: list[str]) -> Out:
    from . import EX_PROGRAM_ERROR, EX_USAGE, exiting, not_running, running

    sub, rest = (args[0], args[1:]) if args else ("", [])
    if sub == "list":
        rows = [[n, "minikube", f"enabled {'✅'}" if is_enabled(cluster, n) else "disabled    ", CATALOGUE[n]]
                for n in sorted(CATALOGUE)]
        return Out(stdout=render(["Addon Name", "Profile", "Status", "Maintainer"], rows))
    if sub not in ("enable", "disable"):
        return Out(stdout="addons modifies minikube addons files using subcommands like \"minikube addons enable dashboard\"\n\n"
                          "Available Commands:\n  configure     Configures the addon w/ADDON_NAME within minikube "
                          "(example: minikube addons configure registry-creds). For a list of available addons use: "
                          "minikube addons list\n  disable       Disables the addon w/ADDON_NAME within minikube "
                          "(example: minikube addons disable dashboard). For a list of available addons use: "
                          "minikube addons list\n  enable        Enables the addon w/ADDON_NAME within minikube. "
                          "For a list of available addons use: minikube addons list\n  images        List image "
                          "names the addon w/ADDON_NAME used. For a list of available addons use: minikube addons "
                          "list\n  list          Lists all available minikube addons as well as their current "
                          "statuses (enabled/disabled)\n")
    names = [a for a in rest if not a.startswith("-")]
    if len(names) != 1:
        return exiting("MK_USAGE", f"usage: minikube addons {sub} ADDON_NAME", EX_USAGE)
    name = names[0]
    if not running(cluster):
        return not_running()
    if sub == "disable":
        if name not in CATALOGUE:
            return exiting("SVC_ADDON_UNSUPPORTED", f"\"'{name}' is not a valid minikube addon", 116)
        set_enabled(cluster, name, False)
        return Out(stdout=f"🌑  \"The '{name}' addon is disabled\n")
    if name not in CATALOGUE:
        return exiting("MK_ADDON_ENABLE", f"enable failed: run callbacks: {name} is not a valid addon",
                       EX_PROGRAM_ERROR, issue_link=True)
    maintainer = CATALOGUE[name]
    text = ""
    if maintainer in OFFICIAL:
        text += (f"💡  {name} is an addon maintained by {maintainer}. For any concerns contact minikube on GitHub.\n"
                 "You can view the list of minikube maintainers at: https://github.com/kubernetes/minikube/blob/master/OWNERS\n")
    else:
        text += (f"❗  {name} is a 3rd party addon and is not maintained or verified by minikube maintainers, "
                 "enable at your own risk.\n"
                 f"❗  {name} does not currently have an associated maintainer.\n")
    if not is_enabled(cluster, name):
        text += image_lines(name)
        set_enabled(cluster, name, True)
        if name in VERIFIED:
            text += f"🔎  Verifying {name} addon...\n"
    if name == "dashboard":
        text += ("💡  Some dashboard features require the metrics-server addon. To enable all features please run:\n\n"
                 "\tminikube addons enable metrics-server\n\n")
    return Out(stdout=text + f"🌟  The '{name}' addon is enabled\n")


# -- the dashboard add-on's objects (dashboard/*.yaml) -------------------------------------------------
def _dashboard_objects() -> list[dict]:
    ns = DASHBOARD_NS
    labels = {"addonmanager.kubernetes.io/mode": "Reconcile", "kubernetes.io/minikube-addons": "dashboard"}

    def deployment(name: str, image: str, port: int) -> dict:
        app = {"k8s-app": name}
        return {"apiVersion": "apps/v1", "kind": "Deployment",
                "metadata": {"name": name, "namespace": ns, "labels": {**labels, **app}},
                "spec": {"replicas": 1, "revisionHistoryLimit": 10, "selector": {"matchLabels": app},
                         "template": {"metadata": {"labels": {**labels, **app}}, "spec": {
                             "serviceAccountName": "kubernetes-dashboard", "nodeSelector": {"kubernetes.io/os": "linux"},
                             "containers": [{"name": name, "image": image,
                                             "ports": [{"containerPort": port, "protocol": "TCP"}]}]}}}}

    def service(name: str, port: int, target: int) -> dict:
        return {"apiVersion": "v1", "kind": "Service",
                "metadata": {"name": name, "namespace": ns, "labels": {**labels, "k8s-app": name}},
                "spec": {"selector": {"k8s-app": name}, "ports": [{"port": port, "targetPort": target}]}}

    return [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": ns, "labels": dict(labels)}},
        {"apiVersion": "v1", "kind": "ServiceAccount",
         "metadata": {"name": "kubernetes-dashboard", "namespace": ns, "labels": {**labels, "k8s-app": "kubernetes-dashboard"}}},
        deployment("dashboard-metrics-scraper", IMAGES["dashboard"][1], 8000),
        deployment("kubernetes-dashboard", IMAGES["dashboard"][0], 9090),
        service("dashboard-metrics-scraper", 8000, 8000),
        service("kubernetes-dashboard", 80, 9090),
    ]


def _dashboard_on(cluster: Cluster) -> None:
    for repo, tag, port in (("docker.io/kubernetesui/dashboard", "v2.7.0", 9090),
                            ("docker.io/kubernetesui/metrics-scraper", "v1.0.8", 8000)):
        if cluster.registry.resolve(f"{repo}:{tag}") is None:
            cluster.registry.add(repo, tag, size=75_000_000, ports=(port,), server=True,
                                 server_binaries=frozenset({"/dashboard", "/metrics-sidecar"}))
    if cluster.store.peek("Namespace", "", DASHBOARD_NS) is not None:
        def gone() -> bool:
            obj = cluster.store.peek("Namespace", "", DASHBOARD_NS)
            return obj is None or not obj["metadata"].get("deletionTimestamp")
        cluster.run_until(cluster.clock.now() + sim_addons.TERMINATING_WAIT, gone)
    for obj in _dashboard_objects():
        meta = obj["metadata"]
        if cluster.store.peek(obj["kind"], meta.get("namespace", ""), meta["name"]) is None:
            cluster.api.create(json.loads(json.dumps(obj)))


def _dashboard_off(cluster: Cluster) -> None:
    try:
        cluster.api.delete("Namespace", "", DASHBOARD_NS)
    except ApiError:
        pass
