"""Admission: what a user sees when a manifest is malformed, unknown, mistyped or invalid."""

from __future__ import annotations

import time

import pytest

from server.sim.admission import MAX_DEPTH, ManifestError, parse_manifests, resolve_kind
from server.sim.api import ApiError
from server.sim.cluster import Cluster

DEPLOYMENT = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.16
"""

POD = """\
apiVersion: v1
kind: Pod
metadata:
  name: kuard
spec:
  containers:
  - name: kuard
    image: gcr.io/kuar-demo/kuard-amd64:1
"""


def one(text: str) -> dict:
    [doc] = parse_manifests(text, "x.yml")
    return doc


def refused(cluster: Cluster, doc: dict) -> ApiError:
    rv = cluster.store.rv
    with pytest.raises(ApiError) as e:
        cluster.api.apply(doc)
    assert cluster.store.rv == rv, "a refused manifest must not write anything"
    return e.value


# -- parsing ---------------------------------------------------------------------------------------
def test_multi_document_stream_skips_empty_documents() -> None:
    docs = parse_manifests("---\n" + POD + "---\n# only a comment\n---\n" + DEPLOYMENT + "---\n", "x.yml")
    assert [d["kind"] for d in docs] == ["Pod", "Deployment"]


@pytest.mark.parametrize(("text", "message"), [
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  labels: a: b\n",
     "yaml: line 5: mapping values are not allowed in this context"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels:\n  a: b\n", "yaml: line 4: did not find expected key"),
    ("apiVersion: v1\nkind: Pod\nmetadata:\n\tname: x\n", "yaml: line 4: found character that cannot start any token"),
    ("apiVersion: v1\nkind: \"Pod\nmetadata:\n  name: x\n", "yaml: line 5: found unexpected end of stream"),
    ("apiVersion: v1\nkind: Pod\nmetadata: *foo\n", "yaml: unknown anchor 'foo' referenced"),
    ("a: b: c\n", "yaml: mapping values are not allowed in this context"),
])
def test_malformed_yaml_reports_gos_message_and_line(text: str, message: str) -> None:
    # the expected texts are what kubectl v1.32 prints for these files
    with pytest.raises(ManifestError) as e:
        parse_manifests(text, "step08.yml")
    assert e.value.message == f"error: error parsing step08.yml: error converting YAML to JSON: {message}"


def test_stdin_is_named_stdin() -> None:
    with pytest.raises(ManifestError) as e:
        parse_manifests("a: b: c\n", "STDIN")
    assert e.value.message.startswith("error: error parsing STDIN: ")


def test_yaml_11_scalars_as_go_yaml_reads_them() -> None:
    doc = one("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  a: y\n  b: 2025-01-01\n  c: 1:30\n")
    # go-yaml reads `y` as a boolean (so the apiserver then refuses it) but keeps dates and 1:30 as text
    assert doc["data"] == {"a": True, "b": "2025-01-01", "c": "1:30"}


def test_alias_bomb_is_refused_fast() -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi", strict=True):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    start = time.perf_counter()
    with pytest.raises(ManifestError) as e:
        parse_manifests("\n".join(lines) + "\n", "bomb.yml")
    assert time.perf_counter() - start < 1.0
    assert e.value.message == ("error: error parsing bomb.yml: error converting YAML to JSON: "
                               "yaml: document contains excessive aliasing")


def test_modest_alias_use_is_fine() -> None:
    doc = one("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  labels: &l {app: web}\n"
              "  annotations: *l\n")
    assert doc["metadata"]["annotations"] == {"app": "web"}


def test_ten_megabyte_body_is_refused_fast_and_creates_nothing(cluster: Cluster) -> None:
    rv = cluster.store.rv
    text = POD + "  annotations:\n    big: " + "x" * (10 * 1024 * 1024) + "\n"
    start = time.perf_counter()
    with pytest.raises(ManifestError) as e:
        parse_manifests(text, "big.yml")
    assert time.perf_counter() - start < 0.5
    assert "Request entity too large: limit is 3145728" in e.value.message
    assert cluster.store.rv == rv


@pytest.mark.parametrize("text", [
    # flow style, far past every limit (libyaml's own included)
    "a: " + "[" * 20000 + "]" * 20000 + "\n",
    # block style, just past ours: only our own check can refuse it
    "".join("  " * i + f"k{i}:\n" for i in range(MAX_DEPTH + 1)) + "  " * (MAX_DEPTH + 1) + "v: 1\n",
])
def test_deep_nesting_is_refused(text: str) -> None:
    """Refused while parsing (no recursion, nothing built), with the limit named."""
    with pytest.raises(ManifestError) as e:
        parse_manifests(text, "deep.yml")
    assert e.value.message == ("error: error parsing deep.yml: error converting YAML to JSON: "
                               f"yaml: exceeded max depth of {MAX_DEPTH}")


def test_nesting_up_to_the_limit_is_accepted() -> None:
    depth = MAX_DEPTH - 2
    text = ("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nx:\n"
            + "".join("  " * i + f"k{i}:\n" for i in range(1, depth)) + "  " * depth + "v: 1\n")
    assert parse_manifests(text, "ok.yml")[0]["metadata"]["name"] == "deep"


@pytest.mark.parametrize(("text", "detail"), [
    ("kind: Pod\nmetadata:\n  name: x\n", "apiVersion not set"),
    ("apiVersion: v1\nmetadata:\n  name: x\n", "kind not set"),
    ("metadata:\n  name: x\n", "[apiVersion not set, kind not set]"),
    ("- a\n- b\n", "invalid object to validate"),
    ("hello\n", "invalid object to validate"),
])
def test_documents_kubectl_cannot_send(text: str, detail: str) -> None:
    with pytest.raises(ManifestError) as e:
        parse_manifests(text, "bad.yaml")
    assert e.value.message == (f'error: error validating "bad.yaml": error validating data: {detail}; '
                               "if you choose to ignore these errors, turn validation off with --validate=false")


def test_unknown_kind_and_wrong_version() -> None:
    with pytest.raises(ManifestError) as e:
        resolve_kind(one("apiVersion: v1\nkind: Deployment\nmetadata:\n  name: web\n  namespace: prod\n"), "x.yml")
    assert e.value.message.startswith('error: resource mapping not found for name: "web" namespace: "prod" from '
                                      '"x.yml": no matches for kind "Deployment" in version "v1"\n')
    assert '"apiVersion: apps/v1"' in e.value.message
    with pytest.raises(ManifestError) as e:
        resolve_kind(one("apiVersion: v1\nkind: pod\nmetadata:\n  name: x\n"), "x.yml")
    assert 'did you mean "kind: Pod"' in e.value.message


# -- strict decoding (400) -------------------------------------------------------------------------
def test_several_unknown_fields_are_listed_with_their_paths(cluster: Cluster) -> None:
    doc = one(DEPLOYMENT.replace("        image: nginx:1.16", "        imagee: nginx:1.16\n        portz: []")
              .replace("  replicas: 2", "  replica: 2"))
    err = refused(cluster, doc)
    assert err.code == 400
    assert err.message == (
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.replica", unknown field "spec.template.spec.containers[0].imagee", '
        'unknown field "spec.template.spec.containers[0].portz"')


def test_unknown_metadata_fields_are_refused_like_any_other(cluster: Cluster, kubectl) -> None:
    # ObjectMeta is a struct to the apiserver's strict decoder: metadata.labelz is an unknown field, at the
    # top and in a template; kubectl apply (--validate=strict) prints the 400 with the file it came from
    text = DEPLOYMENT.replace("metadata:\n  name: web\n", "metadata:\n  name: web\n  labelz: {app: web}\n", 1)
    assert "labelz" in text
    out = kubectl("apply -f -", stdin=text, rc=1)
    assert out == ('Error from server (BadRequest): error when creating "STDIN": Deployment in version "v1" cannot be '
                   'handled as a Deployment: strict decoding error: unknown field "metadata.labelz"\n')
    assert cluster.store.get("Deployment", "default", "web") is None
    kubectl("apply -f -", stdin=DEPLOYMENT)
    tpl = DEPLOYMENT.replace("      labels:", "      labelz: {x: y}\n      labels:", 1)
    assert "labelz" in tpl
    assert kubectl("apply -f -", stdin=tpl, rc=1).endswith(
        'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: '
        'unknown field "spec.template.metadata.labelz"\n')
    # managedFields entries are ManagedFieldsEntry structs, not free-form maps
    err = refused(cluster, {**one(DEPLOYMENT), "metadata": {"name": "w2", "managedFields": [{"managr": "me"}]}})
    assert (err.code, err.message) == (400, 'Deployment in version "v1" cannot be handled as a Deployment: strict '
                                             'decoding error: unknown field "metadata.managedFields[0].managr"')


@pytest.mark.parametrize(("old", "new", "message"), [
    ("  replicas: 2", '  replicas: "2"',
     "json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("  replicas: 2", "  replicas: 2.5",
     "json: cannot unmarshal number 2.5 into Go struct field DeploymentSpec.spec.replicas of type int32"),
    ("        image: nginx:1.16", "        image: 5",
     "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string"),
    ("      app: web\n  template", "      app: 1\n  template",
     "json: cannot unmarshal number into Go struct field LabelSelector.spec.selector.matchLabels of type string"),
    ("      containers:\n", "      containers: nginx\n      x:\n",
     "json: cannot unmarshal string into Go struct field PodSpec.spec.template.spec.containers of type []v1.Container"),
])
def test_wrong_types_in_gos_words(cluster: Cluster, old: str, new: str, message: str) -> None:
    err = refused(cluster, one(DEPLOYMENT.replace(old, new, 1)))
    assert (err.code, err.reason) == (400, "BadRequest")
    assert err.message == 'Deployment in version "v1" cannot be handled as a Deployment: ' + message


def test_quantities_and_int_or_string_accept_numbers(cluster: Cluster) -> None:
    doc = one(POD + "    resources:\n      limits:\n        cpu: 1\n        memory: 128Mi\n")
    cluster.api.create(doc)
    dep = one(DEPLOYMENT + "  strategy:\n    rollingUpdate:\n      maxSurge: 1\n      maxUnavailable: 0\n")
    assert cluster.api.apply(dep)[1] == "created"


# -- field validation (422) ------------------------------------------------------------------------
def test_pod_without_containers(cluster: Cluster) -> None:
    err = refused(cluster, one("apiVersion: v1\nkind: Pod\nmetadata:\n  name: kuard\nspec: {}\n"))
    assert (err.code, err.reason) == (422, "Invalid")
    assert err.message == 'Pod "kuard" is invalid: spec.containers: Required value'


def test_deployment_without_selector(cluster: Cluster) -> None:
    doc = one(DEPLOYMENT.replace("  selector:\n    matchLabels:\n      app: web\n", "")
              .replace("app: web", "app: x"))
    err = refused(cluster, doc)
    assert err.message == ('Deployment.apps "web" is invalid: [spec.selector: Required value, '
                           'spec.template.metadata.labels: Invalid value: map[string]string{"app":"x"}: '
                           '`selector` does not match template `labels`]')


def test_selector_must_match_template_labels(cluster: Cluster) -> None:
    doc = one(DEPLOYMENT.replace("        app: web", "        app: other"))
    err = refused(cluster, doc)
    assert err.message == ('Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: '
                           'map[string]string{"app":"other"}: `selector` does not match template `labels`')


def test_bad_names(cluster: Cluster) -> None:
    err = refused(cluster, one(DEPLOYMENT.replace("name: web", "name: Web_1")))
    assert err.message == (
        'Deployment.apps "Web_1" is invalid: metadata.name: Invalid value: "Web_1": a lowercase RFC 1123 '
        "subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with "
        "an alphanumeric character (e.g. 'example.com', regex used for validation is "
        r"'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    err = refused(cluster, one(POD.replace("- name: kuard", "- name: Kuard")))
    assert err.message.startswith('Pod "kuard" is invalid: spec.containers[0].name: Invalid value: "Kuard": '
                                  "a lowercase RFC 1123 label must consist of")
    err = refused(cluster, one("apiVersion: v1\nkind: Service\nmetadata:\n  name: 1web\nspec:\n  ports:\n"
                               "  - port: 80\n"))
    assert 'metadata.name: Invalid value: "1web": a DNS-1035 label must' in err.message


def test_missing_name_and_missing_image(cluster: Cluster) -> None:
    err = refused(cluster, one(POD.replace("  name: kuard\n", "  labels: {a: b}\n", 1)
                               .replace("    image: gcr.io/kuar-demo/kuard-amd64:1\n", "")))
    assert err.message == ('Pod "" is invalid: [metadata.name: Required value: name or generateName is required, '
                           "spec.containers[0].image: Required value]")


@pytest.mark.parametrize(("patch", "message"), [
    (("  replicas: 2", "  replicas: -1"), "spec.replicas: Invalid value: -1: must be greater than or equal to 0"),
    (("      containers:", "      restartPolicy: Never\n      containers:"),
     'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'),
    (("  template:", "  strategy:\n    rollingUpdate:\n      maxSurge: 0\n      maxUnavailable: 0\n  template:"),
     "spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0"),
    (("  template:", "  strategy:\n    type: Sometimes\n  template:"),
     'spec.strategy.type: Unsupported value: "Sometimes": supported values: "Recreate", "RollingUpdate"'),
    (("        image: nginx:1.16", "        image: nginx:1.16\n      - name: nginx\n        image: nginx"),
     'spec.template.spec.containers[1].name: Duplicate value: "nginx"'),
    (("        image: nginx:1.16", "        image: nginx:1.16\n        ports:\n        - containerPort: 70000"),
     "spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and "
     "65535, inclusive"),
])
def test_deployment_field_validation(cluster: Cluster, patch: tuple[str, str], message: str) -> None:
    err = refused(cluster, one(DEPLOYMENT.replace(*patch, 1)))
    assert err.message == f'Deployment.apps "web" is invalid: {message}'


def test_job_needs_never_or_onfailure(cluster: Cluster) -> None:
    doc = one("apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  template:\n    spec:\n"
              "      containers:\n      - name: pi\n        image: perl\n")
    err = refused(cluster, doc)
    assert err.message == ('Job.batch "pi" is invalid: spec.template.spec.restartPolicy: Required value: '
                           'valid values: "OnFailure", "Never"')


def test_volume_mount_must_name_a_volume(cluster: Cluster) -> None:
    err = refused(cluster, one(POD + "    volumeMounts:\n    - name: data\n      mountPath: /data\n"))
    assert err.message == 'Pod "kuard" is invalid: spec.containers[0].volumeMounts[0].name: Not found: "data"'


# -- mutating admission and updates ----------------------------------------------------------------
def test_pod_admission_adds_tolerations_service_account_and_status(cluster: Cluster) -> None:
    pod = cluster.api.create(one(POD + "    resources:\n      limits:\n        cpu: 100m\n        memory: 64Mi\n"))
    spec = pod["spec"]
    assert spec["serviceAccountName"] == spec["serviceAccount"] == "default"
    assert {(t["key"], t["effect"], t["tolerationSeconds"]) for t in spec["tolerations"]} == {
        ("node.kubernetes.io/not-ready", "NoExecute", 300), ("node.kubernetes.io/unreachable", "NoExecute", 300)}
    assert pod["status"] == {"phase": "Pending", "qosClass": "Guaranteed"}


def test_own_toleration_is_kept(cluster: Cluster) -> None:
    text = POD + ("  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n"
                  "    effect: NoExecute\n    tolerationSeconds: 6000\n")
    pod = cluster.api.create(one(text))
    assert [(t["key"], t.get("tolerationSeconds")) for t in pod["spec"]["tolerations"]] == [
        ("node.kubernetes.io/unreachable", 6000), ("node.kubernetes.io/not-ready", 300)]


@pytest.mark.parametrize(("resources", "qos"), [
    ("", "BestEffort"),
    ("    resources:\n      requests:\n        cpu: 100m\n", "Burstable"),
    ("    resources:\n      requests:\n        cpu: 100m\n        memory: 1Gi\n      limits:\n        cpu: 200m\n"
     "        memory: 1Gi\n", "Burstable"),
])
def test_qos_class(cluster: Cluster, resources: str, qos: str) -> None:
    assert cluster.api.create(one(POD + resources))["status"]["qosClass"] == qos


def test_deployment_selector_is_immutable(cluster: Cluster) -> None:
    cluster.api.apply(one(DEPLOYMENT))
    err = refused(cluster, one(DEPLOYMENT.replace("app: web", "app: web2")))
    assert err.message == ('Deployment.apps "web" is invalid: spec.selector: Invalid value: '
                           'v1.LabelSelector{MatchLabels:map[string]string{"app":"web2"}, '
                           "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable")


def test_pod_spec_is_mostly_immutable(cluster: Cluster) -> None:
    cluster.api.apply(one(POD))
    changed = cluster.api.apply(one(POD.replace("kuard-amd64:1", "kuard-amd64:2")))
    assert changed[1] == "configured"
    err = refused(cluster, one(POD + "    ports:\n    - containerPort: 8080\n"))
    assert err.message.startswith(
        'Pod "kuard" is invalid: spec: Forbidden: pod updates may not change fields other than '
        "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
        "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds`")
