"""kubectl apply / create: what the user sees printed and what ends up in the store."""

from __future__ import annotations

import pytest

from server.kubectl.files import examples_workspace

POD = """apiVersion: v1
kind: Pod
metadata:
  name: {name}
spec:
  containers:
  - name: c
    image: nginx:1.16
"""


@pytest.fixture
def ws(cluster):
    cluster.workspace = examples_workspace()
    return cluster


def test_apply_created_unchanged_configured(ws, kubectl):
    assert kubectl("apply -f lessons/step08-deployment1.yml") == "deployment.apps/web-deploy created\n"
    # a bare file name finds the lesson file too
    assert kubectl("apply -f step08-deployment1.yml") == "deployment.apps/web-deploy unchanged\n"
    assert kubectl("apply -f lessons/step08-deployment2.yml") == "deployment.apps/web-deploy configured\n"
    d = ws.store.get("Deployment", "default", "web-deploy")
    assert d["spec"]["replicas"] == 10
    assert "kubectl.kubernetes.io/last-applied-configuration" in d["metadata"]["annotations"]


def test_apply_missing_path(ws, kubectl):
    assert kubectl("apply -f x.yml", rc=1) == 'error: the path "x.yml" does not exist\n'


def test_apply_stdin_multi_document_continues_after_a_bad_one(cluster, kubectl):
    bad = "apiVersion: extensions/v1beta1\nkind: ReplicaSet\nmetadata:\n  name: old\nspec: {}\n"
    text = POD.format(name="a") + "---\n" + bad + "---\n" + POD.format(name="b")
    result = kubectl("apply -f -", stdin=text, rc=1)
    lines = result.splitlines()
    assert lines[:2] == ["pod/a created", "pod/b created"]
    assert 'no matches for kind "ReplicaSet" in version "extensions/v1beta1"' in result
    assert cluster.store.get("Pod", "default", "a") and cluster.store.get("Pod", "default", "b")
    assert cluster.store.get("ReplicaSet", "default", "old") is None


def test_apply_dry_run_configured_or_unchanged_as_kubectl_decides(ws, kubectl):
    # ApplyOptions.applyOneObject: only a request that computes the patch (no dry run, or a server one) can
    # find it empty and say "unchanged"; a client dry run of an existing object always says "configured"
    kubectl("apply -f step08-deployment1.yml")
    same, changed = "step08-deployment1.yml", "step08-deployment2.yml"
    assert kubectl(f"apply -f {same} --dry-run=server") == "deployment.apps/web-deploy unchanged (server dry run)\n"
    assert kubectl(f"apply -f {changed} --dry-run=server") == \
        "deployment.apps/web-deploy configured (server dry run)\n"
    assert kubectl(f"apply -f {same} --dry-run=client") == "deployment.apps/web-deploy configured (dry run)\n"
    assert kubectl(f"apply -f {changed} --dry-run=client") == "deployment.apps/web-deploy configured (dry run)\n"
    assert kubectl(f"apply -f {changed} --dry-run") == "deployment.apps/web-deploy configured (dry run)\n"
    assert ws.store.get("Deployment", "default", "web-deploy")["spec"]["replicas"] == 3  # nothing stored
    assert kubectl(f"apply -f {same}") == "deployment.apps/web-deploy unchanged\n"


def test_apply_dry_run_server_warns_about_a_missing_last_applied_annotation(ws, kubectl):
    kubectl("create deployment web --image=nginx")
    manifest = kubectl("create deployment web --image=nginx:1.27 --dry-run=client -o yaml")
    out = kubectl("apply -f - --dry-run=server", stdin=manifest)
    assert out.startswith("Warning: resource deployments.apps/web is missing the "
                          "kubectl.kubernetes.io/last-applied-configuration annotation")
    assert out.endswith("\ndeployment.apps/web configured (server dry run)\n")
    # a client dry run computes no patch, so it has nothing to warn about
    assert kubectl("apply -f - --dry-run=client", stdin=manifest) == "deployment.apps/web configured (dry run)\n"


def test_apply_directory_applies_every_file(ws, kubectl):
    out = kubectl("apply -f seeds/ --dry-run=client", rc=None)
    assert "replicaset.apps/web-deploy created (dry run)" in out
    assert ws.store.get("ReplicaSet", "default", "web-deploy") is None  # dry run stores nothing


def test_apply_output_name(cluster, kubectl):
    assert kubectl("apply -f - -o name", stdin=POD.format(name="np")) == "pod/np\n"


def test_create_from_file_then_already_exists(ws, kubectl):
    assert kubectl("create -f lessons/step08-pod.yml") == "pod/test1 created\n"
    out = kubectl("create -f lessons/step08-pod.yml", rc=1)
    assert out == ('Error from server (AlreadyExists): error when creating "lessons/step08-pod.yml": '
                   'pods "test1" already exists\n')


def test_create_deployment_like_the_bootcamp(cluster, kubectl):
    out = kubectl("create deployment kubernetes-bootcamp --image=jocatalin/kubernetes-bootcamp:v1")
    assert out == "deployment.apps/kubernetes-bootcamp created\n"
    d = cluster.store.get("Deployment", "default", "kubernetes-bootcamp")
    assert d["metadata"]["labels"] == {"app": "kubernetes-bootcamp"}
    assert d["spec"]["selector"] == {"matchLabels": {"app": "kubernetes-bootcamp"}}
    (c,) = d["spec"]["template"]["spec"]["containers"]
    assert (c["name"], c["image"]) == ("kubernetes-bootcamp", "jocatalin/kubernetes-bootcamp:v1")
    again = kubectl("create deployment kubernetes-bootcamp --image=x", rc=1)
    assert again == 'error: failed to create deployment: deployments.apps "kubernetes-bootcamp" already exists\n'


def test_create_deployment_replicas_port_and_command(cluster, kubectl):
    kubectl("create deployment web --image=nginx:1.16 --replicas=3 --port=80 -- sleep 10")
    d = cluster.store.get("Deployment", "default", "web")
    assert d["spec"]["replicas"] == 3
    (c,) = d["spec"]["template"]["spec"]["containers"]
    assert c["name"] == "nginx" and c["command"] == ["sleep", "10"]
    assert c["ports"][0]["containerPort"] == 80


def test_create_deployment_flag_errors(cluster, kubectl):
    assert kubectl("create deployment web", rc=1) == 'error: required flag(s) "image" not set\n'
    assert kubectl("create deployment --image=nginx", rc=1).startswith("error: exactly one NAME is required, got 0")


def test_create_deployment_dry_run_yaml_is_not_stored(cluster, kubectl):
    out = kubectl("create deployment web --image=nginx --dry-run=client -o yaml")
    assert "creationTimestamp: null" in out and "name: nginx" in out
    assert cluster.store.get("Deployment", "default", "web") is None


def test_create_namespace(cluster, kubectl):
    assert kubectl("create namespace dev") == "namespace/dev created\n"
    assert cluster.store.get("Namespace", "", "dev") is not None
    assert kubectl("create ns dev", rc=1) == 'Error from server (AlreadyExists): namespaces "dev" already exists\n'


def test_apply_unknown_field_is_refused_in_kubectls_words(ws, kubectl):
    out = kubectl("apply -f seeds/pod-kuard-typo.yml", rc=1)
    assert out == ('Error from server (BadRequest): error when creating "seeds/pod-kuard-typo.yml": Pod in version '
                   '"v1" cannot be handled as a Pod: strict decoding error: unknown field "spec.containres"\n')
    assert ws.store.get("Pod", "default", "kuard") is None


def test_apply_removed_api_version_creates_nothing(ws, kubectl):
    out = kubectl("apply -f seeds/replicaset-extensions-v1beta1.yml", rc=1)
    assert out.startswith('error: resource mapping not found for name: "wordpress-reps" namespace: "" from '
                          '"seeds/replicaset-extensions-v1beta1.yml": no matches for kind "ReplicaSet" in version '
                          '"extensions/v1beta1"\nensure CRDs are installed first\n')
    assert ws.store.get("ReplicaSet", "default", "wordpress-reps") is None


def test_unexpected_args_are_printed_as_go_prints_a_slice(kubectl):
    assert kubectl("apply a b -f step08-pod.yml", rc=1) == ("error: Unexpected args: [a b]\n"
                                                            "See 'kubectl apply -h' for help and examples\n")
    assert kubectl("create x -f step08-pod.yml", rc=1).startswith("error: Unexpected args: [x]\n")


def test_last_applied_configuration_is_recorded_as_kubectl_encodes_it(ws, kubectl):
    kubectl("apply -f step09-svc.yml")
    out = kubectl("get svc web-service -o yaml")
    assert ("    kubectl.kubernetes.io/last-applied-configuration: |\n"
            '      {"apiVersion":"v1","kind":"Service","metadata":{"annotations":{},"name":"web-service",'
            '"namespace":"default"},"spec":{"ports":[{"port":80,"protocol":"TCP"}],"selector":{"app":"web"}}}\n'
            "  creationTimestamp:") in out
    assert kubectl("apply -f step09-svc.yml") == "service/web-service unchanged\n"


def test_reapplying_without_annotations_keeps_the_ones_others_wrote(ws, kubectl):
    kubectl("apply -f step08-deployment1.yml")
    kubectl("annotate deployment web-deploy team=blue")
    assert kubectl("apply -f step08-deployment3.yml") == "deployment.apps/web-deploy configured\n"
    assert ws.store.get("Deployment", "default", "web-deploy")["metadata"]["annotations"]["team"] == "blue"
