"""The control plane's Leases in kube-system (server/sim/controllers/leases.py): the leader-election
Leases of kube-controller-manager and kube-scheduler and the kube-apiserver identity Lease, renewed on
their periods, expiring while the control-plane machine is down and taken over by the restarted
components."""

from __future__ import annotations

import pytest

from server.kubectl import run
from server.sim.cluster import Cluster
from server.sim.controllers.leases import ControlPlaneLeases, apiserver_id


@pytest.fixture
def lab():
    c = Cluster(seed=1)
    if not any(isinstance(x, ControlPlaneLeases) for x in c.manager.controllers):
        ctl = ControlPlaneLeases(c)
        c.add_controller(ctl)
        ctl.start()
        c.manager.settle()
    return c


def test_apiserver_id_is_the_apiservers_hash():
    # sha256("master")[:16], base32 without padding, lower-cased (26 characters)
    ident = apiserver_id("master")
    assert ident.startswith("apiserver-") and len(ident) == len("apiserver-") + 26
    assert ident == ident.lower() and apiserver_id("node1") != ident


def test_kube_system_leases_as_kubectl_lists_them(lab):
    lab.advance(5)
    rows = [line.split() for line in run(lab, "kubectl get leases -n kube-system").output.splitlines()]
    assert rows[0] == ["NAME", "HOLDER", "AGE"]
    names = {r[0]: r[1] for r in rows[1:]}
    ident = apiserver_id("master")
    assert set(names) == {ident, "kube-controller-manager", "kube-scheduler"}
    assert names[ident].startswith(ident + "_")
    assert names["kube-scheduler"].startswith("master_") and names["kube-controller-manager"].startswith("master_")
    assert all(r[2] == "2d3h" for r in rows[1:])  # made with the control plane
    sched = lab.store.get("Lease", "kube-system", "kube-scheduler")["spec"]
    assert sched["leaseDurationSeconds"] == 15 and sched["leaseTransitions"] == 0
    assert sched["renewTime"] == "2025-03-03T13:00:04.000000Z"  # every 2 s
    labels = lab.store.get("Lease", "kube-system", ident)["metadata"]["labels"]
    assert labels == {"apiserver.kubernetes.io/identity": "kube-apiserver", "kubernetes.io/hostname": "master"}
    assert lab.store.get("Lease", "kube-system", ident)["spec"]["leaseDurationSeconds"] == 3600


def test_a_restarted_control_plane_takes_the_expired_leases_over(lab):
    before = lab.store.get("Lease", "kube-system", "kube-scheduler")["spec"]
    lab.machines["master"].up = False
    lab.advance(30)
    stale = lab.store.get("Lease", "kube-system", "kube-scheduler")["spec"]
    assert stale["renewTime"] == before["renewTime"]  # nobody renews while the machine is down
    lab.machines["master"].up = True
    lab.advance(4)
    after = lab.store.get("Lease", "kube-system", "kube-scheduler")["spec"]
    assert after["holderIdentity"] != before["holderIdentity"] and after["holderIdentity"].startswith("master_")
    assert after["leaseTransitions"] == 1
    assert after["acquireTime"] > before["acquireTime"]
