"""Service allocation as the apiserver does it: cluster IPs from 10.96.0.0/12 (random in the upper
block), node ports from 30000-32767, requested values honoured or refused with the apiserver's
words (and nothing stored), allocations kept on update and released on delete."""

from __future__ import annotations

import ipaddress
from pathlib import Path

import pytest

from server.sim.admission import parse_manifests
from server.sim.api import ApiError
from server.sim.cluster import Cluster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SERVICE_FILES = ["lessons/step09-svc.yml", "lessons/step09-svc-np.yml", "lessons/step09-svc-lb.yml",
                 "lessons/step09-svc-sa.yml", "lessons/step09-svc-headless.yml", "lessons/step09-svc-ext-dns.yml",
                 "lessons/step09-svc-ext.yml", "seeds/svc-clusterip.yml", "seeds/svc-lb-nodeport.yml",
                 "seeds/svc-static-clusterip-externalip.yml", "seeds/httpd-nodeport.yml",
                 "seeds/wordpress-deployment.yml"]


def apply_file(cluster: Cluster, name: str) -> list[dict]:
    return [cluster.api.apply(doc)[0] for doc in parse_manifests((EXAMPLES / name).read_text(), name)]


def svc(name: str, spec: str) -> dict:
    return parse_manifests(f"apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{spec}", "x.yml")[0]


def in_upper_block(ip: str) -> bool:
    return ipaddress.ip_address(ip) in ipaddress.ip_network("10.96.0.0/12") and \
        ipaddress.ip_address(ip) >= ipaddress.ip_address("10.96.1.1")


@pytest.mark.parametrize("name", SERVICE_FILES)
def test_every_lesson_and_seed_service_gets_its_ip_and_ports(name: str) -> None:
    cluster = Cluster(seed=7)
    services = [o for o in apply_file(cluster, name) if o["kind"] == "Service"]
    assert services
    for s in services:
        spec = s["spec"]
        if spec["type"] == "ExternalName":
            assert "clusterIP" not in spec and "ipFamilies" not in spec
            continue
        assert spec["ipFamilies"] == ["IPv4"]
        if spec["clusterIP"] == "None":
            assert spec["clusterIPs"] == ["None"]
            continue
        assert spec["clusterIPs"] == [spec["clusterIP"]]
        assert spec["ipFamilyPolicy"] == "SingleStack" and spec["internalTrafficPolicy"] == "Cluster"
        if name.endswith("static-clusterip-externalip.yml"):
            assert spec["clusterIP"] == "10.96.253.80"
        else:
            assert in_upper_block(spec["clusterIP"]), spec["clusterIP"]
        for p in spec["ports"]:
            if spec["type"] in ("NodePort", "LoadBalancer"):
                assert 30086 <= p["nodePort"] <= 32767 or p["nodePort"] in (30080, 30082)
                assert spec["externalTrafficPolicy"] == "Cluster"
            else:
                assert "nodePort" not in p


def test_requested_node_ports_are_honoured() -> None:
    cluster = Cluster(seed=7)
    (lb,) = apply_file(cluster, "seeds/svc-lb-nodeport.yml")
    assert lb["spec"]["ports"][0]["nodePort"] == 30082
    httpd = [o for o in apply_file(cluster, "seeds/httpd-nodeport.yml") if o["kind"] == "Service"][0]
    assert httpd["spec"]["ports"][0]["nodePort"] == 30080


def test_clashing_node_port_is_refused_and_creates_nothing() -> None:
    cluster = Cluster(seed=7)
    apply_file(cluster, "seeds/httpd-nodeport.yml")
    rv = cluster.store.rv
    wordpress = parse_manifests((EXAMPLES / "seeds/wordpress-deployment.yml").read_text(), "w.yml")[0]
    with pytest.raises(ApiError) as e:
        cluster.api.apply(wordpress)
    assert e.value.code == 422 and e.value.reason == "Invalid"
    assert e.value.message == ('Service "wordpress" is invalid: spec.ports[0].nodePort: Invalid value: 30080: '
                               "provided port is already allocated")
    assert cluster.store.rv == rv and cluster.store.peek("Service", "default", "wordpress") is None


def test_clashing_cluster_ip_is_refused_with_the_apiserver_words() -> None:
    cluster = Cluster(seed=7)
    rv = cluster.store.rv
    with pytest.raises(ApiError) as e:
        cluster.api.create(svc("dns2", "  clusterIP: 10.96.0.10\n  ports:\n  - port: 53\n"))
    assert e.value.message == ('Service "dns2" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: '
                               "failed to allocate IP 10.96.0.10: provided IP is already allocated")
    assert cluster.store.rv == rv
    with pytest.raises(ApiError) as e:
        cluster.api.create(svc("far", "  clusterIP: 10.0.0.5\n  ports:\n  - port: 80\n"))
    assert e.value.message == ('Service "far" is invalid: spec.clusterIPs: Invalid value: []string{"10.0.0.5"}: '
                               "failed to allocate IP 10.0.0.5: the provided IP (10.0.0.5) is not in the valid "
                               "range. The range of valid IPs is 10.96.0.0/12")
    # the bootstrap Service "kubernetes" holds 10.96.0.1 the same way
    with pytest.raises(ApiError, match="provided IP is already allocated"):
        cluster.api.create(svc("api2", "  clusterIP: 10.96.0.1\n  ports:\n  - port: 443\n"))
    assert cluster.store.rv == rv


def test_out_of_range_node_port_is_refused() -> None:
    cluster = Cluster(seed=7)
    with pytest.raises(ApiError) as e:
        cluster.api.create(svc("np", "  type: NodePort\n  ports:\n  - port: 80\n    nodePort: 40000\n"))
    assert "spec.ports[0].nodePort: Invalid value: 40000: provided port is not in the valid range. " \
           "The range of valid ports is 30000-32767" in e.value.message


def test_allocations_are_kept_on_update_and_released_on_delete() -> None:
    cluster = Cluster(seed=7)
    (np_svc,) = apply_file(cluster, "lessons/step09-svc-np.yml")
    ip, port = np_svc["spec"]["clusterIP"], np_svc["spec"]["ports"][0]["nodePort"]
    doc = parse_manifests((EXAMPLES / "lessons/step09-svc-np.yml").read_text(), "np.yml")[0]
    again, how = cluster.api.apply(doc)
    assert how == "unchanged"
    # a full replace that omits them gets the old values back (patchAllocatedValues)
    replaced = cluster.api.replace(svc("web-service-np", "  type: NodePort\n  selector: {app: web}\n"
                                                         "  ports:\n  - port: 80\n"))
    assert replaced["spec"]["clusterIP"] == ip and replaced["spec"]["ports"][0]["nodePort"] == port
    with pytest.raises(ApiError, match=r"spec.clusterIPs\[0\]: Invalid value: \[\]string\{\"10.96.9.9\"\}: "
                                       "may not change once set"):
        cluster.api.replace(svc("web-service-np", "  type: NodePort\n  clusterIP: 10.96.9.9\n  ports:\n  - port: 80\n"))
    # taken while the Service exists, free again once it is gone
    with pytest.raises(ApiError, match="already allocated"):
        cluster.api.create(svc("other", f"  type: NodePort\n  ports:\n  - port: 80\n    nodePort: {port}\n"))
    cluster.api.delete("Service", "default", "web-service-np")
    other = cluster.api.create(svc("other", f"  clusterIP: {ip}\n  type: NodePort\n  ports:\n  - port: 80\n"
                                            f"    nodePort: {port}\n"))
    assert other["spec"]["clusterIP"] == ip and other["spec"]["ports"][0]["nodePort"] == port


def test_type_change_allocates_and_releases_node_ports() -> None:
    cluster = Cluster(seed=7)
    (s,) = apply_file(cluster, "lessons/step09-svc.yml")
    ip = s["spec"]["clusterIP"]
    np_ = cluster.api.replace(svc("web-service", "  type: NodePort\n  selector: {app: web}\n  ports:\n  - port: 80\n"))
    port = np_["spec"]["ports"][0]["nodePort"]
    assert np_["spec"]["clusterIP"] == ip and 30086 <= port <= 32767
    back = cluster.api.replace(svc("web-service", "  type: ClusterIP\n  selector: {app: web}\n  ports:\n  - port: 80\n"))
    assert "nodePort" not in back["spec"]["ports"][0]
    cluster.api.create(svc("takes-it", f"  type: NodePort\n  ports:\n  - port: 80\n    nodePort: {port}\n"))


def test_same_port_number_shares_one_node_port_and_allocation_is_seeded() -> None:
    def make(seed: int) -> dict:
        c = Cluster(seed=seed)
        return c.api.create(svc("dns", "  type: NodePort\n  ports:\n  - name: dns\n    port: 53\n    protocol: UDP\n"
                                       "  - name: dns-tcp\n    port: 53\n    protocol: TCP\n"))["spec"]
    a, b = make(3), make(3)
    assert a == b  # same seed, same operations: same IP and ports
    assert a["ports"][0]["nodePort"] == a["ports"][1]["nodePort"]


def test_many_services_get_distinct_addresses() -> None:
    cluster = Cluster(seed=1, empty=True)
    cluster.store.create({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}})
    ips, ports = set(), set()
    for i in range(300):
        s = cluster.api.create(svc(f"s{i}", "  type: NodePort\n  ports:\n  - port: 80\n"))["spec"]
        ips.add(s["clusterIP"])
        ports.add(s["ports"][0]["nodePort"])
    assert len(ips) == 300 and len(ports) == 300
