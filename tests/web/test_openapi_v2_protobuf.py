"""``/openapi/v2`` as protobuf (gnostic's openapi_v2.Document), which the real kubectl v1.32 asks for
when a group-version is missing from ``/openapi/v3``: it decodes it and validates client-side from
its definitions, as against a real apiserver."""

from __future__ import annotations

import json

import pytest
import yaml

from tests.labserver import paused_lab

PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"
CLAIM = "apiVersion: resource.k8s.io/v1beta1\nkind: ResourceClaim\nmetadata: {name: c}\nspec: {}\n"


def _fields(data: bytes) -> list[tuple[int, int, object]]:
    """The (field number, wire type, value) of one protobuf message, length-delimited values as bytes."""
    out, i = [], 0

    def varint() -> int:
        nonlocal i
        n = shift = 0
        while True:
            b = data[i]
            i += 1
            n |= (b & 0x7F) << shift
            shift += 7
            if b < 0x80:
                return n

    while i < len(data):
        key = varint()
        num, wire = key >> 3, key & 7
        if wire == 0:
            out.append((num, wire, varint()))
        elif wire == 1:
            out.append((num, wire, data[i:i + 8]))
            i += 8
        elif wire == 2:
            n = varint()
            out.append((num, wire, data[i:i + n]))
            i += n
        else:
            raise AssertionError(f"wire type {wire}")
    return out


def _one(data: bytes, num: int) -> bytes:
    values = [v for n, _, v in _fields(data) if n == num]
    assert len(values) == 1, (num, values)
    return values[0]


def _named(data: bytes) -> dict[str, bytes]:
    """A gnostic map (repeated Named* in field 1): name -> the value's bytes."""
    return {_one(v, 1).decode(): _one(v, 2) for n, _, v in _fields(data) if n == 1}


def test_the_v2_document_as_protobuf(client, sid):
    as_json = client.get(f"/k8s/{sid}/openapi/v2")
    doc = as_json.json
    r = client.get(f"/k8s/{sid}/openapi/v2", headers={"Accept": PROTOBUF})
    assert r.status_code == 200
    assert r.headers["Content-Type"] == "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
    assert r.headers["ETag"] == as_json.headers["ETag"]  # kube-openapi tags both with the JSON's hash
    assert client.get(f"/k8s/{sid}/openapi/v2", headers={"Accept": PROTOBUF, "If-None-Match": r.headers["ETag"]}
                      ).status_code == 304
    top = r.data
    assert _one(top, 1).decode() == doc["swagger"]
    assert _one(_one(top, 2), 1).decode() == doc["info"]["title"]
    definitions = _named(_one(top, 9))
    assert list(definitions) == list(doc["definitions"])
    # Deployment: its properties (Schema.properties = 25), required ones and its kind extension (31)
    name = "io.k8s.api.apps.v1.Deployment"
    deployment = definitions[name]
    assert list(_named(_one(deployment, 25))) == list(doc["definitions"][name]["properties"])
    extensions = {_one(v, 1).decode(): yaml.safe_load(_one(_one(v, 2), 2).decode())
                  for n, _, v in _fields(deployment) if n == 31}
    assert extensions["x-kubernetes-group-version-kind"] == doc["definitions"][name]["x-kubernetes-group-version-kind"]
    # a $ref sits in Schema field 1
    spec = _named(_one(deployment, 25))["spec"]
    assert _one(spec, 1).decode() == doc["definitions"][name]["properties"]["spec"]["$ref"]


@pytest.mark.parametrize(("accept", "served"), [
    ("application/json", "application/json"), ("", "application/json"), ("*/*", "application/json"),
    (f"application/json, {PROTOBUF}", "application/json"),
    (f"{PROTOBUF}, application/json", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"),
])
def test_the_first_acceptable_encoding_is_served(client, sid, accept, served):
    r = client.get(f"/k8s/{sid}/openapi/v2", headers={"Accept": accept} if accept else {})
    assert (r.status_code, r.headers["Content-Type"]) == (200, served)


def test_an_unknown_encoding_is_not_acceptable(client, sid):
    r = client.get(f"/k8s/{sid}/openapi/v2", headers={"Accept": "application/xml"})
    assert r.status_code == 406
    assert json.loads(r.data)["kind"] == "Status"


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with paused_lab(tmp_path_factory) as lab:
        yield lab


def test_the_real_kubectl_validates_a_group_version_v3_lacks_from_v2(lab):
    """resource.k8s.io/v1beta1 is not served (no v3 document): kubectl falls back to the v2
    protobuf, validates the manifest against its definitions, then finds no mapping."""
    out = lab.kubectl("apply", "-f", "-", stdin=CLAIM, check=False)
    assert out.returncode == 1
    assert out.stderr.startswith('error: resource mapping not found for name: "c" namespace: "" from "STDIN": '
                                 'no matches for kind "ResourceClaim" in version "resource.k8s.io/v1beta1"')
    typo = CLAIM.replace("spec: {}", "spec: {devics: {}}")
    out = lab.kubectl("apply", "-f", "-", stdin=typo, check=False)
    assert out.returncode == 1
    assert out.stderr == ('error: error validating "STDIN": error validating data: ValidationError(ResourceClaim.spec): '
                          'unknown field "devics" in io.k8s.api.resource.v1beta1.ResourceClaimSpec; if you choose to '
                          'ignore these errors, turn validation off with --validate=false\n')
