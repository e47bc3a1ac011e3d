"""The vendored v1.32 OpenAPI documents: what /openapi/v2 and /openapi/v3 serve, and the schema
facts (patch strategies, merge keys, list/map types, time fields) that patching and apply need."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from server.sim import openapi
from server.sim.bootstrap import K8S_VERSION
from server.sim.resources import RESOURCES

ROOT = Path(__file__).resolve().parents[2]


def sha512_upper(data: bytes) -> str:
    return hashlib.sha512(data).hexdigest().upper()


# -- the documents --------------------------------------------------------------------------------


def test_v2_is_the_v1_32_swagger_with_the_servers_version():
    doc = json.loads(openapi.v2_document())
    assert doc["swagger"] == "2.0"
    assert doc["info"] == {"title": "Kubernetes", "version": K8S_VERSION}
    assert K8S_VERSION.startswith("v1.32.")
    defs = doc["definitions"]
    # v1.32's API: resource.k8s.io/v1beta1 is new in 1.32, v1beta2 came in 1.33, and
    # flowcontrol v1beta3 was removed in 1.32
    assert "io.k8s.api.resource.v1beta1.ResourceClaim" in defs
    assert not any(n.startswith("io.k8s.api.resource.v1beta2.") for n in defs)
    assert not any(n.startswith("io.k8s.api.flowcontrol.v1beta3.") for n in defs)

def test_v2_definitions_are_the_repositorys():
    """Rebuilt from kubernetes-validate, the swagger definitions come back as the repository has
    them: the patch extensions on the property, formats, required lists."""
    defs = json.loads(openapi.v2_document())["definitions"]
    containers = defs["io.k8s.api.core.v1.PodSpec"]["properties"]["containers"]
    assert containers["type"] == "array" and containers["x-kubernetes-patch-merge-key"] == "name"
    assert containers["items"] == {"$ref": "#/definitions/io.k8s.api.core.v1.Container"}
    assert "enum" not in defs["io.k8s.api.apps.v1.Deployment"]["properties"]["kind"]
    assert "enum" in defs["io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps"]["properties"]
    assert defs["io.k8s.apimachinery.pkg.util.intstr.IntOrString"]["format"] == "int-or-string"
    assert defs["io.k8s.api.core.v1.ContainerPort"]["required"] == ["containerPort"]


def test_v3_documents_carry_the_paths_kubectl_checks():
    """kubectl's field-validation check reads fieldValidation among the PATCH parameters of the
    path whose operation names the kind."""
    doc = json.loads(openapi.v3_document("apis/apps/v1"))
    patch = doc["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {"group": "apps", "kind": "Deployment", "version": "v1"}
    assert "fieldValidation" in [p["name"] for p in patch["parameters"]]
    strategy = doc["components"]["schemas"]["io.k8s.api.apps.v1.DeploymentSpec"]["properties"]["strategy"]
    assert strategy["allOf"] == [{"$ref": "#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy"}]
    assert strategy["x-kubernetes-patch-strategy"] == "retainKeys"


def test_every_v3_document_parses_and_carries_the_servers_version():
    for path in openapi.v3_paths():
        doc = json.loads(openapi.v3_document(path))
        assert doc["openapi"] == "3.0.0", path
        assert doc["info"]["version"] == K8S_VERSION, path
        assert doc["components"]["schemas"], path


def test_v3_paths_cover_every_group_version_of_the_resources():
    paths = openapi.v3_paths()
    for r in RESOURCES:
        path = f"apis/{r.group}/{r.version}" if r.group else f"api/{r.version}"
        assert path in paths, r.kind
        assert openapi.v3_path_for(r.api_version) == path
    assert "apis/apps/v1" in paths and "api/v1" in paths
    # only GA group-versions are vendored: alpha/beta ones are off by default in v1.32
    assert not [p for p in paths if "alpha" in p or "beta" in p]
    assert openapi.v3_document("apis/apps/v1beta1") is None
    assert openapi.v3_document("apis/nope/v1") is None


def test_hashes_are_uppercase_sha512_of_the_served_bytes_and_stable():
    assert openapi.v2_etag() == sha512_upper(openapi.v2_document())
    assert len(openapi.v2_etag()) == 128
    for path, digest in openapi.v3_paths().items():
        assert digest == sha512_upper(openapi.v3_document(path)), path
    # the documents differ, so do their hashes
    assert len(set(openapi.v3_paths().values())) == len(openapi.v3_paths())
    # stable across processes: a fresh interpreter computes the same hashes
    code = "import json; from server.sim import openapi as o; print(json.dumps([o.v2_etag(), o.v3_paths()]))"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == [openapi.v2_etag(), openapi.v3_paths()]


def test_v3_index_is_what_client_go_parses():
    body = openapi.v3_index(["api/v1", "apis/apps/v1"])
    index = json.loads(body)
    assert index == {
        "paths": {
            "api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=" + openapi.v3_paths()["api/v1"]},
            "apis/apps/v1": {
                "serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=" + openapi.v3_paths()["apis/apps/v1"]
            },
        }
    }
    assert b" " not in body  # Go's json.Marshal: compact
    assert set(json.loads(openapi.v3_index())["paths"]) == set(openapi.v3_paths())


# -- kinds and their schemas ----------------------------------------------------------------------


@pytest.mark.parametrize("res", RESOURCES, ids=lambda r: r.kind)
def test_every_resource_kind_has_its_schema(res):
    schema = openapi.schema_for(res.api_version, res.kind)
    assert schema is not None
    assert schema.type == "object"
    assert schema.field("metadata").field("name").type == "string"
    assert schema.field("kind").type == "string"
    raw = openapi.resource_schema_doc(res.api_version, res.kind)
    group, _, version = res.api_version.rpartition("/")
    assert {"group": group, "kind": res.kind, "version": version} in raw["x-kubernetes-group-version-kind"]
    assert "metadata" in raw["properties"]


def test_unknown_kinds_and_versions_have_no_schema():
    assert openapi.schema_for("v1", "Nope") is None
    assert openapi.schema_for("apps/v1", "Pod") is None
    assert openapi.schema_for("v1", "Deployment") is None
    assert openapi.resource_schema_doc("apps/v1beta1", "Deployment") is None


def pod_spec():
    return openapi.schema_for("v1", "Pod").field("spec")


def test_pod_spec_containers_merge_by_name():
    containers = pod_spec().field("containers")
    assert containers.type == "array"
    assert (containers.patch_strategy, containers.patch_merge_key) == ("merge", "name")
    assert (containers.list_type, containers.list_map_keys) == ("map", ("name",))
    container = containers.items
    assert container.type == "object" and container.patch_strategy == ""
    assert container.field("image").type == "string"


def test_pod_spec_tolerations_is_an_atomic_list_without_merge_key():
    tolerations = pod_spec().field("tolerations")
    assert tolerations.type == "array"
    assert (tolerations.patch_strategy, tolerations.patch_merge_key) == ("", "")
    assert tolerations.list_type == "atomic"
    assert tolerations.items.field("tolerationSeconds").format == "int64"


def test_volumes_merge_and_retain_keys():
    volumes = pod_spec().field("volumes")
    assert (volumes.patch_strategy, volumes.patch_merge_key) == ("merge,retainKeys", "name")


def test_container_ports_are_a_map_list_keyed_by_port_and_protocol():
    ports = pod_spec().field("containers").items.field("ports")
    assert (ports.list_type, ports.list_map_keys) == ("map", ("containerPort", "protocol"))
    assert (ports.patch_strategy, ports.patch_merge_key) == ("merge", "containerPort")
    assert ports.items.field("containerPort").format == "int32"


def test_metadata_finalizers_merge_as_a_set():
    finalizers = openapi.schema_for("apps/v1", "Deployment").field("metadata").field("finalizers")
    assert (finalizers.patch_strategy, finalizers.patch_merge_key, finalizers.list_type) == (
        "merge",
        "",
        "set",
    )
    assert finalizers.items.type == "string"


def test_service_ports_merge_by_port():
    ports = openapi.schema_for("v1", "Service").field("spec").field("ports")
    assert (ports.patch_strategy, ports.patch_merge_key) == ("merge", "port")
    assert ports.list_map_keys == ("port", "protocol")
    target = ports.items.field("targetPort")
    assert (target.type, target.format) == ("", "int-or-string")  # IntOrString: any


def test_deployment_strategy_retains_keys_and_selector_is_atomic():
    spec = openapi.schema_for("apps/v1", "Deployment").field("spec")
    assert spec.field("strategy").patch_strategy == "retainKeys"
    assert spec.field("strategy").field("rollingUpdate").field("maxSurge").type == ""
    assert spec.field("selector").map_type == "atomic"  # LabelSelector's own extension
    template_containers = spec.field("template").field("spec").field("containers")
    assert template_containers.patch_merge_key == "name"


def test_maps_give_the_value_schema_for_any_key_and_unknown_fields_are_none():
    meta = openapi.schema_for("v1", "Pod").field("metadata")
    assert meta.field("labels").type == "object"
    assert meta.field("labels").field("app").type == "string"
    limits = pod_spec().field("containers").items.field("resources").field("limits")
    assert limits.field("cpu").type == "string"  # Quantity
    assert meta.field("noSuchField") is None
    assert meta.field("name").items is None  # not an array
    assert openapi.schema_for("apps/v1", "ControllerRevision").field("data").type == ""  # RawExtension


def test_recursive_schemas_resolve_lazily():
    crd = openapi.schema_for("apiextensions.k8s.io/v1", "CustomResourceDefinition")
    props = crd.field("spec").field("versions").items.field("schema").field("openAPIV3Schema")
    deep = props
    for _ in range(5):  # JSONSchemaProps.properties: map of JSONSchemaProps, recursively
        deep = deep.field("properties").field("anything")
    assert deep.field("type").type == "string"


# -- time fields -----------------------------------------------------------------------------------


def test_time_fields_are_the_properties_typed_meta_v1_time():
    names = openapi.time_field_names()
    assert {"creationTimestamp", "deletionTimestamp", "lastTransitionTime", "lastHeartbeatTime"} <= names
    assert {"renewTime", "acquireTime", "eventTime"} <= names  # MicroTime
    assert not names & {"name", "startingDeadlineSeconds", "activeDeadlineSeconds", "schedule", "timeZone"}
    # derived independently from the v3 documents: every property referring to Time/MicroTime
    times = {"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"}
    from_v3 = set()
    for path in openapi.v3_paths():
        for schema in json.loads(openapi.v3_document(path))["components"]["schemas"].values():
            for prop, raw in schema.get("properties", {}).items():
                refs = [raw.get("$ref", "")] + [a.get("$ref", "") for a in raw.get("allOf", ())]
                if any(r.rpartition("/")[2] in times for r in refs):
                    from_v3.add(prop)
    assert from_v3 and from_v3 <= names


def test_time_nodes_have_format_date_time():
    pod = openapi.schema_for("v1", "Pod")
    created = pod.field("metadata").field("creationTimestamp")
    assert (created.type, created.format) == ("string", "date-time")
    condition = pod.field("status").field("conditions").items
    assert condition.field("lastTransitionTime").format == "date-time"
    lease = openapi.schema_for("coordination.k8s.io/v1", "Lease")
    assert lease.field("spec").field("renewTime").format == "date-time"  # MicroTime
    assert pod.field("metadata").field("name").format == ""


# -- explain data ----------------------------------------------------------------------------------


def test_explain_data_resolves_references_in_the_kinds_document():
    raw = openapi.resource_schema_doc("apps/v1", "Deployment")
    assert openapi.definition_name("apps/v1", "Deployment") == "io.k8s.api.apps.v1.Deployment"
    assert raw["description"].startswith("Deployment enables declarative updates")
    [ref] = raw["properties"]["spec"]["allOf"]
    spec = openapi.definition("apps/v1", ref["$ref"])
    assert "replicas" in spec["properties"] and spec["required"] == ["selector", "template"]
    assert openapi.definition("apps/v1", "io.k8s.api.apps.v1.DeploymentSpec") is spec
    assert openapi.definition("apps/v1", "#/components/schemas/nope") is None


# -- laziness --------------------------------------------------------------------------------------

LAZY_PROBE = """
import sys
opened = []
def hook(event, args):
    if event == "open" and ("_definitions.json" in str(args[0]) or "swagger.json" in str(args[0])):
        opened.append(str(args[0]))
sys.addaudithook(hook)
from server.sim import openapi
print(len(opened))
openapi.v2_etag()
print(len(opened))
"""


def test_importing_reads_no_file():
    out = subprocess.run(
        [sys.executable, "-c", LAZY_PROBE], cwd=ROOT, capture_output=True, text=True, check=True
    )
    before, after = out.stdout.split()
    assert before == "0"
    assert after == "1"  # the probe sees the first use read the definitions, once
