"""Client-side apply's three-way merge follows the kind's OpenAPI patch strategies (the v1.32
document), not a hand list of merge keys."""

from __future__ import annotations

from server.sim.api import three_way_merge

TOL_A = {"key": "a", "operator": "Exists", "effect": "NoSchedule"}
TOL_B = {"key": "b", "operator": "Exists", "effect": "NoSchedule"}


def pod(**spec) -> dict:
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": spec}


def test_tolerations_are_atomic():
    """PodSpec.tolerations has no patch merge key: the applied list replaces the live one whole,
    even where its items carry a ``key`` field (the old hand list matched on it)."""
    live = pod(containers=[{"name": "c", "image": "nginx"}], tolerations=[TOL_A, TOL_B])
    last = pod(containers=[{"name": "c", "image": "nginx"}], tolerations=[TOL_A, TOL_B])
    want = pod(containers=[{"name": "c", "image": "nginx"}], tolerations=[{**TOL_B, "effect": "NoExecute"}])
    assert three_way_merge(live, last, want)["spec"]["tolerations"] == [{**TOL_B, "effect": "NoExecute"}]
    # a field someone else set inside an item goes too: the list is the user's, whole
    live = pod(containers=[{"name": "c", "image": "nginx"}], tolerations=[{**TOL_A, "tolerationSeconds": 60}])
    last = want = pod(containers=[{"name": "c", "image": "nginx"}], tolerations=[TOL_A])
    assert three_way_merge(live, last, want)["spec"]["tolerations"] == [TOL_A]


def test_containers_merge_by_name_and_keep_what_others_set():
    live = pod(containers=[{"name": "web", "image": "nginx:1.16", "imagePullPolicy": "IfNotPresent"},
                           {"name": "sidecar", "image": "envoy"}])
    last = pod(containers=[{"name": "web", "image": "nginx:1.16"}])
    want = pod(containers=[{"name": "web", "image": "nginx:1.17"}])
    merged = three_way_merge(live, last, want)["spec"]["containers"]
    # the defaulted field stays on the merged item; the container someone else added stays too
    assert merged == [{"name": "web", "image": "nginx:1.17", "imagePullPolicy": "IfNotPresent"},
                      {"name": "sidecar", "image": "envoy"}]


def test_an_item_dropped_since_the_last_apply_goes():
    live = pod(containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    last = pod(containers=[{"name": "a", "image": "x"}, {"name": "b", "image": "y"}])
    want = pod(containers=[{"name": "a", "image": "x"}])
    assert [c["name"] for c in three_way_merge(live, last, want)["spec"]["containers"]] == ["a"]


def test_container_args_are_replaced():
    live = pod(containers=[{"name": "a", "image": "x", "args": ["1", "2"]}])
    last = pod(containers=[{"name": "a", "image": "x", "args": ["1", "2"]}])
    want = pod(containers=[{"name": "a", "image": "x", "args": ["2"]}])
    assert three_way_merge(live, last, want)["spec"]["containers"][0]["args"] == ["2"]
