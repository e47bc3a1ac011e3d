"""One simulated cluster: the clock, the store, the API server and every control loop, wired together.

Owns: assembling the components (in the order kube-controller-manager would start them), the
machines underneath the Node objects (a halted machine's kubelet stops heartbeating and acting —
the API objects only learn about it the way a real control plane does), and the operations a
user performs on infrastructure rather than through the API: fail/recover/add/remove a node.

Hands off: everything else is a controller reacting to store events (``controllers/``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from . import bootstrap, presets, rbac_bootstrap
from .api import Api
from .clock import DEFAULT_START, Clock
from .controllers import Controller, Manager
from .events import Recorder
from .net.traffic import TrafficLog
from .registry import Registry
from .runtime import Runtime
from .store import Store


@dataclass
class Machine:
    """The (simulated) computer behind a Node object."""

    name: str
    up: bool = True
    #: images present in the container runtime's cache
    images: set[str] = field(default_factory=set)


#: The default cluster is a lab that has been up for days: it boots this long before ``start``
#: so that at ``start`` its kube-system pods are Running, not ContainerCreating.
BOOT_LEAD = 120.0


class Cluster:
    def __init__(self, *, seed: int = 0, start: float = DEFAULT_START, empty: bool = False,
                 preset: str = presets.DEFAULT) -> None:
        if preset not in presets.PRESETS:
            raise ValueError(f'unknown preset "{preset}" (one of {", ".join(presets.PRESETS)})')
        #: what the cluster was built as (``presets.py``): kubeadm (the lab), minikube or kind
        self.preset = preset
        self.clock = Clock(start=start if empty else start - BOOT_LEAD, seed=seed)
        self.store = Store(self.clock)
        self.api = Api(self.store, self.clock)
        self.recorder = Recorder(self.store, self.clock)
        self.machines: dict[str, Machine] = {}
        #: the image registry the kubelets pull from (users can publish their own images)
        self.registry = Registry()
        #: the workstation's files that ``kubectl apply -f NAME`` reads (path -> text)
        self.workspace: dict[str, str] = {}
        #: what the container runtime knows that the API objects don't (env, logs, files)
        self.runtime = Runtime()
        #: requests the simulated apps served, for the page's animation (net/traffic.py)
        self.traffic = TrafficLog()
        #: node pairs whose overlay (pod network) link is broken (net/faults.py)
        self.broken_links: set[tuple[str, str]] = set()
        self.manager = Manager()
        self.store.subscribe(self.manager.dispatch)
        self.clock.settle = self.manager.settle
        for controller_cls in controller_classes():
            self.add_controller(controller_cls(self))
        if not empty:
            rbac_bootstrap.install(self)  # the apiserver's bootstrap policy, then kubeadm's objects
            presets.build(self, preset)
        for c in self.manager.controllers:
            c.start()
        self.manager.settle()
        if not empty:
            self.clock.advance(BOOT_LEAD)

    def add_controller(self, controller: Controller) -> None:
        self.manager.add(controller)

    def controller(self, name: str) -> Controller:
        for c in self.manager.controllers:
            if c.name == name:
                return c
        raise KeyError(name)

    # -- time --------------------------------------------------------------------------------
    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)

    def settle(self) -> None:
        self.manager.settle()

    def run_until(self, deadline: float, done: Callable[[], bool]) -> bool:
        """Run the clock forward one scheduled instant at a time until ``done()`` or ``deadline``
        (then the clock stands at the deadline): what a command that waits (``kubectl wait``,
        ``rollout status``, ``delete``) does to the simulated time. Whether ``done()`` came true."""
        clock = self.clock
        while True:
            if done():
                return True
            due = clock.next_due()
            if due is None or due > deadline:
                self.advance(max(0.0, deadline - clock.now()))
                return done()
            self.advance(max(0.0, due - clock.now()))

    # -- infrastructure ----------------------------------------------------------------------
    def fail_node(self, name: str) -> None:
        """Halt the machine: its kubelet stops posting status and running pods' lifecycles."""
        self.machines[name].up = False
        kubelet = self.controller("kubelet")
        kubelet.machine_stopped(name)  # type: ignore[attr-defined]
        self.settle()

    def recover_node(self, name: str) -> None:
        self.machines[name].up = True
        kubelet = self.controller("kubelet")
        kubelet.machine_started(name)  # type: ignore[attr-defined]
        self.settle()

    def add_node(self, name: str, **kwargs: object) -> None:
        bootstrap.add_node(self, name, **kwargs)
        self.settle()

    def set_lb_pool(self, enabled: bool, cidr: str = "192.168.56.240/28") -> None:
        """Switch the simulated load-balancer address pool (MetalLB-like) on or off: when on,
        pending LoadBalancer Services get an EXTERNAL-IP from ``cidr`` (controllers/loadbalancer.py)."""
        self.controller("loadbalancer-controller").set_pool(enabled, cidr)  # type: ignore[attr-defined]
        self.settle()

    def set_addon(self, name: str, enabled: bool) -> None:
        """Switch a cluster add-on on or off (``addons.py``: storage-provisioner, metrics-server,
        ingress); raises ``addons.AddonError`` for an unknown name."""
        from . import addons

        addons.set_enabled(self, name, enabled)
        self.settle()

    def remove_node(self, name: str) -> None:
        self.machines.pop(name, None)
        if self.store.peek("Node", "", name) is not None:
            self.api.delete("Node", "", name)
        self.settle()


def controller_classes() -> list[type[Controller]]:
    """Control loops in start order. Imported here so the list is the one place to read them all."""
    from .controllers.certificates import CertificateController
    from .controllers.clusterroleaggregation import ClusterRoleAggregationController
    from .controllers.cronjob import CronJobController
    from .controllers.daemonset import DaemonSetController
    from .controllers.deployment import DeploymentController
    from .controllers.disruption import DisruptionController
    from .controllers.endpoints import EndpointsController
    from .controllers.endpointslice import EndpointSliceController
    from .controllers.eventttl import EventTTL
    from .controllers.gc import GarbageCollector
    from .controllers.hostpath import HostPathProvisioner
    from .controllers.hpa import HorizontalPodAutoscalerController
    from .controllers.ingress import IngressStatusController
    from .controllers.job import JobController
    from .controllers.leases import ControlPlaneLeases
    from .controllers.loadbalancer import LoadBalancerController
    from .controllers.namespace import NamespaceController
    from .controllers.nodelifecycle import NodeLifecycleController
    from .controllers.persistentvolume import PersistentVolumeController
    from .controllers.replicaset import ReplicaSetController
    from .controllers.resourcequota import ResourceQuotaController
    from .controllers.statefulset import StatefulSetController
    from .ephemeral import EphemeralContainerController
    from .kubelet import KubeletController
    from .scheduler import Scheduler
    from .volumes import VolumeManager

    return [
        DeploymentController,
        ReplicaSetController,
        DaemonSetController,
        JobController,
        CronJobController,
        StatefulSetController,
        GarbageCollector,
        ClusterRoleAggregationController,
        NamespaceController,
        ResourceQuotaController,
        DisruptionController,
        PersistentVolumeController,
        HostPathProvisioner,
        HorizontalPodAutoscalerController,
        NodeLifecycleController,
        Scheduler,
        KubeletController,
        VolumeManager,
        EndpointsController,
        EndpointSliceController,
        LoadBalancerController,
        IngressStatusController,
        EphemeralContainerController,
        CertificateController,
        ControlPlaneLeases,
        EventTTL,
    ]
