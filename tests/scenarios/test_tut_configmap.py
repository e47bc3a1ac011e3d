"""kubernetes.io "Configure a Pod to Use a ConfigMap" (v1.32), typed as the page says, through the
HTTP contract: the multi-key ConfigMap, its keys as environment variables (``envFrom``), as files
of a volume (``ls /etc/config/``: one file per key), one key at a chosen path (``items``), and a
change to a mounted ConfigMap reaching a running pod after the kubelet's sync."""

from __future__ import annotations

import re

from tests.scenarios.volterm import term  # noqa: F401  (the fixture)

EXAMPLES = "https://kubernetes.io/examples"


def run_pod(term, url: str) -> str:  # noqa: F811
    """Create the page's dapi-test-pod, let it run to completion, return its log, delete it."""
    assert term.run(f"kubectl create -f {url}") == "pod/dapi-test-pod created\n"
    term.advance(30)
    row = term.run("kubectl get pod dapi-test-pod").splitlines()[1].split()
    assert row[:3] == ["dapi-test-pod", "0/1", "Completed"]
    log = term.run("kubectl logs dapi-test-pod")
    assert term.run("kubectl delete pod dapi-test-pod --now") == 'pod "dapi-test-pod" deleted\n'
    term.advance(5)
    return log


def test_configmap_as_env_and_as_files(term):  # noqa: F811
    assert term.run("kubectl apply -f https://k8s.io/examples/configmap/configmap-multikeys.yaml") == \
        "configmap/special-config created\n"
    env = run_pod(term, f"{EXAMPLES}/pods/pod-configmap-envFrom.yaml").splitlines()
    assert "SPECIAL_LEVEL=very" in env and "SPECIAL_TYPE=charm" in env
    # the page's output: one file per key of the ConfigMap
    assert run_pod(term, f"{EXAMPLES}/pods/pod-configmap-volume.yaml") == "SPECIAL_LEVEL\nSPECIAL_TYPE\n"
    # items: only SPECIAL_LEVEL, at /etc/config/keys
    assert run_pod(term, f"{EXAMPLES}/pods/pod-configmap-volume-specific-key.yaml") == "very"  # no newline in the value


def test_a_mounted_configmap_is_updated_in_place(term):  # noqa: F811
    """The page's sport Deployment: three alpine pods print the mounted value every 10 s; after
    the ConfigMap changes, the new value shows once the kubelet has synced each pod, not at once."""
    assert term.run("kubectl create configmap sport --from-literal=sport=football") == "configmap/sport created\n"
    assert term.run(f"kubectl apply -f {EXAMPLES}/deployments/deployment-with-configmap-as-volume.yaml") == \
        "deployment.apps/configmap-volume created\n"
    term.advance(30)
    pods = term.run("kubectl get pods --selector=app.kubernetes.io/name=configmap-volume").splitlines()[1:]
    assert len(pods) == 3 and all(p.split()[1:3] == ["1/1", "Running"] for p in pods)
    log = term.run("kubectl logs deployments/configmap-volume")
    first = log.splitlines()[0]
    assert first.startswith("Found 3 pods, using pod/configmap-volume-")
    lines = log.splitlines()[1:]
    assert lines and all(re.fullmatch(r"\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d UTC 2025 My preferred sport is football", x)
                         for x in lines)
    term.run("kubectl create configmap sport --from-literal=sport=cricket -o yaml --dry-run=client "
             "| kubectl replace -f -")
    term.advance(10)
    assert term.run("kubectl logs deployments/configmap-volume --tail=1").endswith(" is football\n")
    term.advance(90)
    log = term.run("kubectl logs deployments/configmap-volume").splitlines()[1:]
    assert log[-1].endswith(" My preferred sport is cricket")
    changed = [i for i, line in enumerate(log) if line.endswith("cricket")][0]
    assert 1 < changed and all(line.endswith("football") for line in log[:changed])
