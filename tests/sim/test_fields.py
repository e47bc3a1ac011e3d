"""Field selectors as the apiserver evaluates them (server/sim/fields.py)."""

from __future__ import annotations

import pytest

from server.sim import fields

POD = {"kind": "Pod", "metadata": {"name": "p", "namespace": "default"},
       "spec": {"nodeName": "node1", "hostNetwork": True},
       "status": {"phase": "Running", "podIPs": [{"ip": "10.244.1.5"}, {"ip": "fd00::5"}]}}


def test_labels_per_kind():
    assert fields.parse("spec.nodeName=node1,status.phase!=Failed", "Pod") == [
        ("spec.nodeName", True, "node1"), ("status.phase", False, "Failed")]
    assert fields.parse("spec.host=node1", "Pod") == [("spec.nodeName", True, "node1")]  # the old name
    with pytest.raises(fields.FieldSelectorError, match=r"^field label not supported: metadata.namespace$"):
        fields.parse("metadata.namespace=x", "Node")  # nodes have no namespace to select on
    with pytest.raises(fields.FieldSelectorError, match=r"^field label not supported: spec.replicas$"):
        fields.parse("spec.replicas=3", "Deployment")  # only metadata.* for kinds without a conversion
    assert fields.parse("metadata.name=web", "Deployment") == [("metadata.name", True, "web")]
    with pytest.raises(fields.FieldSelectorError, match="can't understand 'oops'"):
        fields.parse("oops", "Pod")


def test_values_as_the_registries_expose_them():
    assert fields.value(POD, "spec.hostNetwork") == "true"
    assert fields.value({"kind": "Node", "spec": {}}, "spec.unschedulable") == "false"
    assert fields.value(POD, "status.podIPs") == "10.244.1.5,fd00::5"
    assert fields.value({"kind": "Event", "source": {"component": "kubelet"}}, "source") == "kubelet"
    assert fields.matches(POD, fields.parse("spec.nodeName=node1,status.phase=Running", "Pod"))
    assert not fields.matches(POD, fields.parse("spec.nodeName!=node1", "Pod"))
