"""Smaller fidelity gaps of issue 8 in the simulation core: server-side apply's refusals of a
malformed configuration (k8s.io/apiserver handlers/patch.go applyPatcher and apimachinery's
managedfields chain, v1.32)."""

from __future__ import annotations

import pytest

from server.sim import ssa

CM = {"apiVersion": "v1", "kind": "ConfigMap"}


@pytest.mark.parametrize(("config", "code", "message"), [
    ([1, 2], 400, "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                  "array into Go value of type map[string]interface {}"),
    ("s", 400, "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
               "string into Go value of type map[string]interface {}"),
    (3, 400, "error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
             "number into Go value of type map[string]interface {}"),
    (None, 400, "invalid object type: /, Kind="),
    ({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "x"}}, 400,
     "invalid object type: apps/v1, Kind=Deployment"),
    ({**CM, "metadata": "x"}, 500,
     "failed to create typed patch object (/; /v1, Kind=ConfigMap): .metadata: expected map, got &{x}"),
    ({**CM, "metadata": [1, "a"]}, 500,
     "failed to create typed patch object (/; /v1, Kind=ConfigMap): .metadata: expected map, got &{[1 a]}"),
    ({**CM, "metadata": {"name": "x", "managedFields": []}}, 400, "metadata.managedFields must be nil"),
])
def test_a_malformed_apply_configuration_is_refused_in_the_apiservers_words(config, code, message):
    with pytest.raises(ssa.InvalidApply) as err:
        ssa.check_config(config, "v1", "ConfigMap")
    assert (err.value.code, str(err.value)) == (code, message)
    assert err.value.reason == ("BadRequest" if code == 400 else "")


def test_a_null_metadata_is_an_unset_one():
    assert ssa.check_config({**CM, "metadata": None, "data": {"a": "1"}}, "v1", "ConfigMap") == {
        **CM, "data": {"a": "1"}}
    good = {**CM, "metadata": {"name": "x"}}
    assert ssa.check_config(good, "v1", "ConfigMap") is good


def test_apply_itself_refuses_managed_fields_as_a_bad_request():
    with pytest.raises(ssa.InvalidApply) as err:
        ssa.apply(None, {**CM, "metadata": {"name": "x", "managedFields": [{}]}}, "m", force=False, schema=None,
                  now="2026-01-01T00:00:00Z")
    assert (err.value.code, str(err.value)) == (400, "metadata.managedFields must be nil")


# -- events in a terminating or deleted namespace ------------------------------------------------

def _events_about(c, name: str) -> list[dict]:
    return [e for e in c.store.list("Event") if e["involvedObject"]["name"] == name]


def test_no_event_is_recorded_in_a_terminating_or_deleted_namespace():
    from server.kubectl import run
    from server.sim.cluster import Cluster
    from server.sim.controllers.namespace import delete_namespace

    c = Cluster(seed=1)
    run(c, "kubectl create namespace shop")
    run(c, "kubectl create configmap cfg -n shop --from-literal=a=1")
    cfg = c.store.get("ConfigMap", "shop", "cfg")
    c.recorder.event(cfg, "Normal", "Touched", "before", "test")
    assert [(e["reason"], e["count"]) for e in _events_about(c, "cfg")] == [("Touched", 1)]
    # the namespace goes Terminating (a finalizer on the ConfigMap keeps it there)
    c.store.update({**cfg, "metadata": {**cfg["metadata"], "finalizers": ["example.com/hold"]}})
    delete_namespace(c.api, c.store.get("Namespace", "", "shop"))
    assert c.store.get("Namespace", "", "shop")["status"]["phase"] == "Terminating"
    held = c.store.get("ConfigMap", "shop", "cfg")
    c.recorder.event(held, "Warning", "Refused", "a new event", "test")
    assert [e["reason"] for e in _events_about(c, "cfg") if e["reason"] == "Refused"] == []
    c.settle()
    # once it is gone nothing is recorded there either; the default namespace still takes events
    c.store.update({**c.store.get("ConfigMap", "shop", "cfg"), "metadata": {
        **c.store.get("ConfigMap", "shop", "cfg")["metadata"], "finalizers": []}})
    c.advance(30)
    assert c.store.get("Namespace", "", "shop") is None
    c.recorder.event(held, "Normal", "Late", "after", "test")
    assert _events_about(c, "cfg") == []
    run(c, "kubectl create configmap here --from-literal=a=1")
    c.recorder.event(c.store.get("ConfigMap", "default", "here"), "Normal", "Touched", "ok", "test")
    assert [e["reason"] for e in _events_about(c, "here")] == ["Touched"]


# -- preemption: the preemptor's nomination holds the room its victims leave ----------------------

LOW = """apiVersion: apps/v1
kind: Deployment
metadata: {name: low}
spec:
  replicas: 6
  selector: {matchLabels: {app: low}}
  template:
    metadata: {labels: {app: low}}
    spec:
      containers: [{name: c, image: nginx, resources: {requests: {cpu: 500m}}}]
"""
VIP = """apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
---
apiVersion: v1
kind: Pod
metadata: {name: vip}
spec:
  priorityClassName: high
  containers: [{name: c, image: nginx, resources: {requests: {cpu: 1500m}}}]
"""


def _wide(c, name: str) -> list[str]:
    from server.kubectl import run

    line = next(row for row in run(c, "kubectl get pods -o wide").output.splitlines() if row.startswith(name))
    return line.split()


def test_the_preemptor_is_nominated_and_bound_where_its_victims_were():
    from server.kubectl import run
    from server.sim.cluster import Cluster

    c = Cluster(seed=1)
    run(c, "kubectl apply -f -", stdin=LOW)
    c.advance(20)
    before = {p["metadata"]["name"] for p in c.store.list("Pod", "default") if p["spec"].get("nodeName") == "node1"}
    assert len(before) == 3
    run(c, "kubectl apply -f -", stdin=VIP)
    c.settle()
    vip = _wide(c, "vip")
    assert (vip[2], vip[6], vip[7]) == ("Pending", "<none>", "node1")  # STATUS, NODE, NOMINATED NODE
    preempted = {e["involvedObject"]["name"] for e in c.store.list("Event", "default") if e["reason"] == "Preempted"}
    assert preempted and preempted <= before
    c.advance(30)
    vip = _wide(c, "vip")
    assert (vip[2], vip[6], vip[7]) == ("Running", "node1", "node1")
    # the victims' replacements did not take the room: they wait, nominated nowhere
    low = [p for p in c.store.list("Pod", "default") if p["metadata"]["name"].startswith("low-")]
    assert len(low) == 6
    on_node1 = [p for p in low if p["spec"].get("nodeName") == "node1"]
    pending = [p for p in low if not p["spec"].get("nodeName")]
    assert on_node1 == [] and len(pending) == 3
    assert all("Insufficient cpu" in p["status"]["conditions"][0]["message"] for p in pending)


# -- one lab CA ---------------------------------------------------------------------------------

def test_the_lab_has_one_ca_in_its_configmaps_volumes_and_kubeconfig():
    import base64

    import yaml
    from cryptography import x509

    from server.kubectl import kubeconfig, run
    from server.sim import certs
    from server.sim.cluster import Cluster

    c = Cluster(seed=1)
    pem = certs.cluster_ca(c.store).cert_pem
    ca = x509.load_pem_x509_certificate(pem.encode())
    assert ca.subject.rfc4514_string() == "CN=kubernetes" and pem.startswith("-----BEGIN CERTIFICATE-----\n")
    for ns in ("default", "kube-node-lease", "kube-public", "kube-system"):
        assert c.store.get("ConfigMap", ns, "kube-root-ca.crt")["data"] == {"ca.crt": pem}
    info = yaml.safe_load(c.store.get("ConfigMap", "kube-public", "cluster-info")["data"]["kubeconfig"])
    assert base64.b64decode(info["clusters"][0]["cluster"]["certificate-authority-data"]).decode() == pem
    admin = kubeconfig.load(c)["clusters"]["kubernetes"]["certificate-authority-data"]
    assert base64.b64decode(admin).decode() == pem
    # the service-account volume's ca.crt, inside a container
    run(c, "kubectl run box --image=busybox --restart=Never -- sleep 3600")
    c.advance(20)
    out = run(c, "kubectl exec box -- cat /var/run/secrets/kubernetes.io/serviceaccount/ca.crt").output
    assert out == pem
    # the same sandbox built again has the same CA, byte for byte (a journal replay)
    assert certs.cluster_ca(Cluster(seed=1).store).cert_pem == pem


# -- the ingress add-on: the certgen Job writes the webhook Secret ---------------------------------

def test_the_ingress_addons_webhook_secret_comes_from_its_certgen_job():
    import json

    from server.kubectl import run
    from server.sim.cluster import Cluster
    from server.sim.net import ingress

    c = Cluster(seed=1)
    c.set_addon("ingress", True)
    c.settle()
    assert c.store.get("Secret", "ingress-nginx", "ingress-nginx-admission") is None
    c.advance(90)
    secret = c.store.get("Secret", "ingress-nginx", "ingress-nginx-admission")
    assert secret is not None and set(secret["data"]) == {"ca", "cert", "key"}
    assert [m["manager"] for m in secret["metadata"]["managedFields"]] == ["kube-webhook-certgen"]
    logs = run(c, "kubectl logs -n ingress-nginx job/ingress-nginx-admission-create").output.splitlines()
    msgs = [json.loads(line)["msg"] for line in logs if line.startswith("{")]
    assert msgs == ["no secret found", "creating new secret"]
    controller = [p for p in c.store.list("Pod", "ingress-nginx") if p["metadata"]["name"].startswith("ingress-nginx-controller-")]
    assert [p["status"]["phase"] for p in controller] == ["Running"]
    waited = [e["message"] for e in c.store.list("Event", "ingress-nginx")
              if e["reason"] == "FailedMount" and e["involvedObject"]["name"] == controller[0]["metadata"]["name"]]
    assert waited and all('secret "ingress-nginx-admission" not found' in m for m in waited)
    out, err = ingress.controller_start_lines(0.0, "https://10.96.0.1:443")
    assert out[:3] == ["-" * 79, "NGINX Ingress controller", "  Release:       v1.11.3"]
    assert out[5:] == ["  nginx version: nginx/1.25.5", "", "-" * 79, ""]
    assert err[1] == 'I0101 00:00:00.000000       7 main.go:205] "Creating API client" host="https://10.96.0.1:443"'
    assert err[-1].endswith('nginx.go:271] "Starting NGINX Ingress controller"')


# -- sh: bracket expressions with quoted members ------------------------------------------------

FILES = ": > 'a&b'; : > 'a\\b'; : > a-b; : > axb; : > 'a]b'; : > a5b; : > awb; "
GLOBS = [
    "echo a[\\&]b", "echo a[x\\&]b", 'echo a["-"]b', "echo a[\\]]b", 'echo a["w-y"]b', "echo a[w-y]b",
    "echo a['&'x]b", "echo a[[:digit:]x]b", "echo a[![:alpha:]]b", 'p="a[\\&]b"; echo $p',
    "case 'a&b' in a[\\&]b) echo yes;; *) echo no;; esac", "x='a-b'; echo ${x#a[\\-]}",
]


@pytest.mark.parametrize("dialect", ["busybox", "dash", "bash"])
@pytest.mark.parametrize("script", GLOBS)
def test_a_quoted_character_in_a_bracket_is_a_literal_member(script, dialect, tmp_path):
    from tests.sim.shfixtures import real_run, sh_run

    real = real_run(FILES + script, dialect, tmp_path)
    if real is None:
        pytest.skip(f"no {dialect} here")
    assert sh_run(FILES + script, dialect)[:2] == real
