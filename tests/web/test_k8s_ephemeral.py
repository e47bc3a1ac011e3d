"""``pods/ephemeralcontainers`` over the REST API: the real kubectl v1.32's ``kubectl debug POD
--image=busybox`` (a strategic merge patch through the subresource) against a sandbox, compared with
what kubeplay's own terminal does for the same line; GET, PUT, merge and JSON patches of the
subresource as the apiserver's ephemeralcontainers strategy answers them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

import pytest

from tests.labserver import lab_server
from tests.realkubectl import KUBECTL

pytestmark = pytest.mark.skipif(KUBECTL is None, reason="no kubectl installed: these tests drive the real one")


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    with lab_server(tmp_path_factory) as lab:
        for name in ("web", "mine", "api"):
            assert "created" in lab.engine(f"kubectl run {name} --image=nginx")
        lab.clock(advance=30)
        yield lab


def call(lab, method: str, path: str, body, content_type: str = "application/json") -> tuple[int, dict]:
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(f"{lab.base}/k8s/{lab.sid}/api/v1/namespaces/default/{path}", data=data,
                                 method=method, headers={"Content-Type": content_type})
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def test_the_real_kubectl_debug_adds_an_ephemeral_container_as_the_terminal_does(lab):
    real = lab.kubectl("debug", "web", "--image=busybox", check=False)
    assert real.returncode == 0, real.stderr
    mine = lab.engine("kubectl debug mine --image=busybox")
    # the same words (the deprecation warning on stderr, then the name), but for the generated name

    def name_in(text: str) -> str:
        line = next(x for x in text.splitlines() if x.startswith("Defaulting debug container name to "))
        return line.rsplit(" ", 1)[-1].rstrip(".")

    theirs_name, mine_name = name_in(real.stdout), name_in(mine)
    assert real.stderr + real.stdout == mine.replace(mine_name, theirs_name)
    lab.clock(advance=10)
    pods = lab.objects("Pod")
    theirs, ours = pods["web"], pods["mine"]
    [t_ec], [o_ec] = theirs["spec"]["ephemeralContainers"], ours["spec"]["ephemeralContainers"]
    assert {**t_ec, "name": ""} == {**o_ec, "name": ""}
    [t_st] = theirs["status"]["ephemeralContainerStatuses"]
    assert "running" in t_st["state"] and t_st["image"] == "docker.io/library/busybox:latest"
    # the terminal reaches the container the real kubectl added
    out = lab.engine(f"kubectl exec web -c {theirs_name} -- cat /etc/hostname")
    assert out == "web\n"
    # a second one is appended after the first
    again = lab.kubectl("debug", "web", "--image=busybox:1.36", "-c", "second", check=False)
    assert again.returncode == 0, again.stderr
    names = [c["name"] for c in lab.objects("Pod")["web"]["spec"]["ephemeralContainers"]]
    assert names == [theirs_name, "second"]


def test_get_answers_the_pod(lab):
    code, body = call(lab, "GET", "pods/api/ephemeralcontainers", None)
    assert code == 200 and body["kind"] == "Pod" and body["metadata"]["name"] == "api"


def test_put_and_patches_set_the_list(lab):
    code, pod = call(lab, "GET", "pods/api/ephemeralcontainers", None)
    pod["spec"]["ephemeralContainers"] = [{"name": "dbg1", "image": "busybox", "stdin": True, "tty": True}]
    code, body = call(lab, "PUT", "pods/api/ephemeralcontainers", pod)
    assert code == 200, body
    assert [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["dbg1"]
    assert body["spec"]["ephemeralContainers"][0]["imagePullPolicy"] == "Always"
    # the order directive kubectl's two-way merge patch carries (kubectl debug sends one)
    patch = {"spec": {"$setElementOrder/ephemeralContainers": [{"name": "dbg1"}, {"name": "dbg2"}],
                      "ephemeralContainers": [{"name": "dbg2", "image": "busybox:1.36"}]}}
    code, body = call(lab, "PATCH", "pods/api/ephemeralcontainers", patch, "application/strategic-merge-patch+json")
    assert code == 200, body
    assert [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["dbg1", "dbg2"]
    ops = [{"op": "add", "path": "/spec/ephemeralContainers/-", "value": {"name": "dbg3", "image": "busybox"}}]
    code, body = call(lab, "PATCH", "pods/api/ephemeralcontainers", ops, "application/json-patch+json")
    assert code == 200, body
    assert [c["name"] for c in body["spec"]["ephemeralContainers"]] == ["dbg1", "dbg2", "dbg3"]
    lab.clock(advance=10)
    names = [s["name"] for s in lab.objects("Pod")["api"]["status"]["ephemeralContainerStatuses"]]
    assert sorted(names) == ["dbg1", "dbg2", "dbg3"]


def test_existing_ephemeral_containers_may_not_be_removed(lab):
    code, body = call(lab, "PATCH", "pods/web/ephemeralcontainers", {"spec": {"ephemeralContainers": []}},
                      "application/merge-patch+json")
    assert code == 422 and body["reason"] == "Invalid"
    assert "may not be removed" in body["message"]


def test_a_duplicate_name_is_refused(lab):
    patch = {"spec": {"ephemeralContainers": [{"name": "api", "image": "busybox"}]}}
    code, body = call(lab, "PATCH", "pods/api/ephemeralcontainers", patch, "application/strategic-merge-patch+json")
    assert code == 422 and 'Duplicate value: "api"' in body["message"]
