"""Protobuf request bodies (``application/vnd.kubernetes.protobuf``), as kubectl v1.32's typed clients
send them, decoded by server/web/protobuf.py and accepted by a sandbox's Kubernetes API.

Unit tests decode bodies captured from the real kubectl.1.32 (``k8s_protobuf/<name>.pb``: a local
HTTP server recorded the POST of each command in ``k8s_protobuf/commands.txt``) and compare them with
``kubectl create … --dry-run=client -o json`` of the same command (``<name>.json``: the same Go
object JSON-encoded, the JSON the client would have sent). The end-to-end tests run the real kubectl
against a real kubeplay server and compare what it created through protobuf with what that JSON
makes when POSTed to a second sandbox (kubeplay's own kubectl lacks most of these generators), and,
for ``create deployment``, with what kubeplay's engine creates.

The schema (the generated.proto files) is data outside the repository (server/web/proto/README.md):
where it is not installed, every test here is skipped and says so.
"""

from __future__ import annotations

import json
import shlex
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from server.web import protobuf
from tests.labserver import Lab
from tests.realkubectl import KUBECTL
from tests.serverproc import running_server

DATA = Path(__file__).parent / "k8s_protobuf"
COMMANDS = {name: shlex.split(cmd) for name, _, cmd in
            (line.partition("|") for line in (DATA / "commands.txt").read_text().splitlines() if line)}

pytestmark = pytest.mark.skipif(not protobuf.available(), reason=(
    f"no Kubernetes generated.proto files under {protobuf.proto_dir()} (set KUBEPLAY_K8S_PROTO; "
    "see server/web/proto/README.md)"))


# -- the decoder on captured bodies -------------------------------------------------------------
ORACLED = sorted(name for name in COMMANDS if (DATA / f"{name}.json").exists())


def test_every_command_was_captured():
    assert len(ORACLED) >= 15
    assert all((DATA / f"{name}.pb").exists() for name in COMMANDS)


@pytest.mark.parametrize("name", ORACLED)
def test_captured_body_decodes_to_the_json_the_client_would_send(name):
    body = (DATA / f"{name}.pb").read_bytes()
    assert body.startswith(b"k8s\x00")
    want = json.loads((DATA / f"{name}.json").read_text())
    api_version, kind, obj = protobuf.decode(body)
    assert (api_version, kind) == (want["apiVersion"], want["kind"])
    assert obj == want


def test_explicit_zero_replicas_survives():
    """--replicas=0: a pointer set to zero, which a zero-dropping rule would lose."""
    _, _, obj = protobuf.decode((DATA / "deploy0.pb").read_bytes())
    assert obj["spec"]["replicas"] == 0
    assert obj["spec"]["template"]["spec"]["containers"][0]["ports"] == [{"containerPort": 80}]


def test_pointer_zeros_survive_and_non_pointer_zeros_go():
    """create job --from=cronjob copies a job template (fromcron-cronjob.json) whose pointer fields
    are set to zero; the non-pointer omitempty zeros (hostNetwork, hostPort) Go's JSON leaves out."""
    _, _, job = protobuf.decode((DATA / "fromcron.pb").read_bytes())
    spec = job["spec"]
    assert (spec["backoffLimit"], spec["ttlSecondsAfterFinished"], spec["suspend"]) == (0, 0, False)
    pod = spec["template"]["spec"]
    assert (pod["automountServiceAccountToken"], pod["enableServiceLinks"], pod["priority"]) == (False, False, 0)
    assert "hostNetwork" not in pod
    container = pod["containers"][0]
    assert container["securityContext"] == {"allowPrivilegeEscalation": False, "privileged": False, "runAsUser": 0}
    assert container["ports"] == [{"containerPort": 8080, "protocol": "TCP"}]


def test_token_request_keeps_non_omitempty_status():
    """kubectl create token (no --dry-run to compare with): TokenRequestStatus has no omitempty."""
    api_version, kind, obj = protobuf.decode((DATA / "token.pb").read_bytes())
    assert (api_version, kind) == ("authentication.k8s.io/v1", "TokenRequest")
    assert obj["spec"] == {"audiences": ["api"], "expirationSeconds": 3600}
    assert obj["status"] == {"token": "", "expirationTimestamp": None}


def test_secret_bytes_are_base64_and_empty_map_values_kept():
    _, _, obj = protobuf.decode((DATA / "secret.pb").read_bytes())
    assert obj["data"] == {"password": "aHVudGVyMg==", "empty": ""}
    _, _, cm = protobuf.decode((DATA / "cm.pb").read_bytes())
    assert cm["data"] == {"a": "b", "c": ""}


# -- the special JSON forms, on hand-encoded messages ------------------------------------------
def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1
    out = bytearray()
    while True:
        out.append((n & 0x7F) | (0x80 if n > 0x7F else 0))
        n >>= 7
        if not n:
            return bytes(out)


def _len(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def _int(number: int, value: int) -> bytes:
    return _varint(number << 3) + _varint(value)


def _envelope(api_version: str, kind: str, raw: bytes) -> bytes:
    return b"k8s\x00" + _len(1, _len(1, api_version.encode()) + _len(2, kind.encode())) + _len(2, raw)


def test_time_intorstring_quantity_and_packed_numbers():
    meta = _len(1, b"p") + _len(8, _int(1, 1_700_000_000)) + _len(9, _int(1, 1_700_000_001))
    # Container: name=1, resources=8, readinessProbe=11 {handler=1 (inline) {httpGet=2 {port=2}}}
    probe = _len(1, _len(2, _len(2, _int(1, 1) + _len(3, b"http"))))
    resources = _len(1, _len(1, b"cpu") + _len(2, _len(1, b"250m")))  # limits map<string, Quantity>
    container = _len(1, b"c") + _len(8, resources) + _len(11, probe)
    # PodSecurityContext.supplementalGroups (repeated int64 = 4), packed and unpacked
    security = _len(4, _varint(1000) + _varint(2000)) + _int(4, 3000)
    spec = _len(2, container) + _len(14, security)
    _, _, pod = protobuf.decode(_envelope("v1", "Pod", _len(1, meta) + _len(2, spec)))
    assert pod["metadata"]["creationTimestamp"] == "2023-11-14T22:13:20Z"
    assert pod["metadata"]["deletionTimestamp"] == "2023-11-14T22:13:21Z"
    c = pod["spec"]["containers"][0]
    assert c["resources"] == {"limits": {"cpu": "250m"}}
    assert c["readinessProbe"] == {"httpGet": {"port": "http"}}
    assert pod["spec"]["securityContext"] == {"supplementalGroups": [1000, 2000, 3000]}


def test_microtime_and_duration():
    # coordination/v1 Lease spec: renewTime=4 (MicroTime), leaseDurationSeconds=2
    lease_spec = _len(4, _int(1, 1_700_000_000) + _int(2, 123_456_789)) + _int(2, 0)
    _, _, lease = protobuf.decode(_envelope("coordination.k8s.io/v1", "Lease", _len(2, lease_spec)))
    # leaseDurationSeconds is a *int32: present on the wire means set, so its zero stays
    assert lease["spec"] == {"renewTime": "2023-11-14T22:13:20.123456Z", "leaseDurationSeconds": 0}
    assert protobuf._go_duration(90 * 10**9) == "1m30s"  # noqa: SLF001
    assert protobuf._go_duration(1_500_000) == "1.5ms"  # noqa: SLF001
    assert protobuf._go_duration(3600 * 10**9) == "1h0m0s"  # noqa: SLF001


def test_parse_proto_nested_maps_and_references():
    text = """syntax = "proto2";
package a.b;
import "x/generated.proto";
option go_package = "a/b";
// +protobuf.nullable=true
message Outer {
  message Inner { optional string v = 1; }
  optional Inner inner = 1;
  map<string, .a.b.Outer.Inner> byName = 2;
  repeated int64 nums = 3 [packed = true];
}
"""
    parsed = protobuf.parse_proto(text)
    assert parsed.package == "a.b" and parsed.imports == ["x/generated.proto"]
    reg = protobuf.Registry([parsed])
    outer = reg.messages["a.b.Outer"].fields
    assert outer[1].type == "a.b.Outer.Inner"
    assert (outer[2].map_key, outer[2].type, outer[2].repeated) == ("string", "a.b.Outer.Inner", True)
    assert (outer[3].type, outer[3].repeated) == ("int64", True)


@pytest.mark.parametrize(("body", "message"), [
    (b"", "empty data"),
    (b'{"kind":"ConfigMap"}', "provided data does not appear to be a protobuf message, expected prefix "
                              "[107 56 115 0]"),
    (b"k8s\x00", "empty body"),
    (b"k8s\x00\x0a\xff", "unexpected EOF"),
])
def test_undecodable_bodies_in_the_serializers_words(body, message):
    with pytest.raises(protobuf.ProtobufError) as e:
        protobuf.decode(body)
    assert str(e.value) == message


def test_envelope_without_type_meta_takes_the_endpoints_kind():
    """The serializer's copyKindDefaults: an Unknown without apiVersion/kind is the handler's kind."""
    body = b"k8s\x00" + _len(2, _len(1, _len(1, b"cm")) + _len(2, _len(1, b"k") + _len(2, b"v")))
    assert protobuf.decode(body, ("v1", "ConfigMap"))[2] == {
        "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "cm"}, "data": {"k": "v"}}
    with pytest.raises(protobuf.ProtobufError) as e:
        protobuf.decode(body)
    assert str(e.value) == "Object 'Kind' is missing in 'runtime.TypeMeta{APIVersion:\"\", Kind:\"\"}'"


def test_meta_kinds_in_any_group_version_and_errors_inside_the_object():
    # DeleteOptions (meta/v1) as a typed apps/v1 client sends it: propagationPolicy = 4, dryRun = 5
    body = _envelope("apps/v1", "DeleteOptions", _len(4, b"Foreground") + _len(5, b"All"))
    assert protobuf.decode(body)[2] == {"apiVersion": "apps/v1", "kind": "DeleteOptions",
                                        "propagationPolicy": "Foreground", "dryRun": ["All"]}
    with pytest.raises(protobuf.ProtobufError) as e:
        protobuf.decode(_envelope("v1", "ConfigMap", b"\x0a\x05ab"))  # metadata: 5 bytes promised, 2 sent
    assert (str(e.value), e.value.kind, e.value.version) == ("unexpected EOF", "ConfigMap", "v1")
    with pytest.raises(protobuf.ProtobufError) as e:
        protobuf.decode(_envelope("v1", "Gadget", b""))
    assert str(e.value) == ('no kind "Gadget" is registered for version "v1" in scheme '
                            '"pkg/api/legacyscheme/scheme.go:30"')


# -- end to end: the real kubectl against a real server ----------------------------------------
VOLATILE = ("uid", "resourceVersion", "creationTimestamp", "managedFields", "generation")


def _comparable(obj: dict) -> dict:
    """An object without what differs between two creations of it: ids, times, status, the
    allocated cluster IPs; the object's uid (in a Job's selector labels) as a placeholder."""
    uid = obj["metadata"].get("uid", "")
    obj = json.loads(json.dumps(obj).replace(uid, "<uid>") if uid else json.dumps(obj))
    for key in VOLATILE:
        obj["metadata"].pop(key, None)
    obj.pop("status", None)
    for key in ("clusterIP", "clusterIPs"):
        if obj.get("kind") == "Service" and obj["spec"].get(key) not in ("None", ["None"]):
            obj["spec"].pop(key, None)
    return obj


def _owners(obj: dict) -> list:
    return [(e["manager"], e["operation"], e.get("fieldsV1")) for e in obj["metadata"].get("managedFields", [])]


@pytest.fixture(scope="module")
def labs(tmp_path_factory):
    if KUBECTL is None:
        pytest.skip("no kubectl installed: the real-client test needs one")
    data = tmp_path_factory.mktemp("data")
    with running_server(data, mode="eventlet") as (port, _log):
        made = []
        for _ in range(2):
            req = urllib.request.Request(f"http://127.0.0.1:{port}/api/sandboxes", data=b"", method="POST")
            with urllib.request.urlopen(req, timeout=30) as resp:
                made.append(Lab(port, json.loads(resp.read())["id"], tmp_path_factory.mktemp("home")))
        yield made


LIVE = ["deploy", "cm", "secret", "ns", "svc", "job", "cronjob", "sa"]
PLURAL = {"Deployment": "deployments.apps", "ConfigMap": "configmaps", "Secret": "secrets",
          "Namespace": "namespaces", "Service": "services", "Job": "jobs.batch", "CronJob": "cronjobs.batch",
          "ServiceAccount": "serviceaccounts"}


@pytest.mark.parametrize("name", LIVE)
def test_real_kubectl_create_through_protobuf(labs, name):
    """The object kubectl created through protobuf equals the one the same client's JSON makes
    (its --dry-run=client -o json, POSTed as kubectl would, to a second sandbox)."""
    real, other = labs
    want = json.loads((DATA / f"{name}.json").read_text())
    kind, obj_name = want["kind"], want["metadata"]["name"]
    shown = {"Deployment": "deployment.apps", "Job": "job.batch", "CronJob": "cronjob.batch"}.get(kind, kind.lower())
    result = real.kubectl(*COMMANDS[name])
    assert result.stdout == f"{shown}/{obj_name} created\n"
    resource, _, group = PLURAL[kind].partition(".")
    prefix = f"/apis/{group}/v1" if group else "/api/v1"
    where = "" if kind == "Namespace" else "/namespaces/default"
    sent = other.request("POST", f"/k8s/{other.sid}{prefix}{where}/{resource}"
                                 "?fieldManager=kubectl-create&fieldValidation=Strict", want)
    assert sent["metadata"]["name"] == obj_name
    got = json.loads(real.kubectl("get", PLURAL[kind], obj_name, "-o", "json", "--show-managed-fields").stdout)
    expected = json.loads(other.kubectl("get", PLURAL[kind], obj_name, "-o", "json", "--show-managed-fields").stdout)
    assert _owners(got) == _owners(expected)
    assert all(manager == "kubectl-create" for manager, _, _ in _owners(got))
    assert _comparable(got) == _comparable(expected)


def test_engine_and_protobuf_deployment_agree(labs):
    """Where kubeplay's own kubectl has the generator, the object equals the engine's."""
    real, other = labs
    real.kubectl("create", "deployment", "same", "--image=nginx", "--replicas=3")
    assert other.engine("kubectl create deployment same --image=nginx --replicas=3").strip() == \
        "deployment.apps/same created"
    got = json.loads(real.kubectl("get", "deployment", "same", "-o", "json").stdout)
    expected = json.loads(other.kubectl("get", "deployment", "same", "-o", "json").stdout)
    assert got["spec"]["replicas"] == 3
    assert _comparable(got) == _comparable(expected)


def test_job_from_cronjob_keeps_its_pointer_zeros(labs):
    real, _ = labs
    cronjob = json.loads((DATA / "fromcron-cronjob.json").read_text())
    del cronjob["metadata"]["namespace"]  # its own namespace: the create tests made a "tick" in default
    real.kubectl("create", "namespace", "fromcron")
    made = real.kubectl("create", "-n", "fromcron", "-f", "-", stdin=json.dumps(cronjob)).stdout
    assert made == "cronjob.batch/tick created\n"
    assert real.kubectl("-n", "fromcron", *COMMANDS["fromcron"]).stdout == "job.batch/manual created\n"
    job = json.loads(real.kubectl("-n", "fromcron", "get", "job", "manual", "-o", "json").stdout)
    assert job["metadata"]["ownerReferences"][0]["name"] == "tick"
    assert (job["spec"]["backoffLimit"], job["spec"]["ttlSecondsAfterFinished"]) == (0, 0)
    pod = job["spec"]["template"]["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["containers"][0]["securityContext"]["allowPrivilegeEscalation"] is False


def test_a_protobuf_body_that_does_not_decode_is_a_bad_request(labs):
    real, _ = labs
    req = urllib.request.Request(f"{real.base}/k8s/{real.sid}/api/v1/namespaces/default/configmaps",
                                 data=b"\x0a\x02hi", method="POST",
                                 headers={"Content-Type": "application/vnd.kubernetes.protobuf"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 400
    status = json.loads(e.value.read())
    assert status["reason"] == "BadRequest"
    assert status["message"] == ("the object provided is unrecognized (must be of type ConfigMap): provided data "
                                 "does not appear to be a protobuf message, expected prefix [107 56 115 0] "
                                 "(0a026869)")
    req = urllib.request.Request(f"{real.base}/k8s/{real.sid}/api/v1/namespaces/default/configmaps",
                                 data=_envelope("v1", "ConfigMap", b"\x0a\x05ab"), method="POST",
                                 headers={"Content-Type": "application/vnd.kubernetes.protobuf"})
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code == 400
    assert json.loads(e.value.read())["message"] == ('ConfigMap in version "v1" cannot be handled as a ConfigMap: '
                                                     "unexpected EOF")
