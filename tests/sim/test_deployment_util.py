"""Pure helpers of the Deployment controller: hashing, fenceposts, proportions, revisions."""

from __future__ import annotations

import pytest

from server.sim.controllers import deployment_util as du


def test_fnv1a_32_reference_vectors() -> None:
    # published FNV-1a test vectors
    assert du.fnv1a_32(b"") == 0x811C9DC5
    assert du.fnv1a_32(b"a") == 0xE40C292C
    assert du.fnv1a_32(b"foobar") == 0xBF9CF968


def test_safe_encoding_maps_digits_onto_the_vowel_free_alphabet() -> None:
    assert du.safe_encode("0123456789") == "456789bcdf"


def template(image: str = "nginx:1.16", labels: dict | None = None) -> dict:
    return {"metadata": {"labels": labels or {"app": "web"}},
            "spec": {"containers": [{"name": "nginx", "image": image}]}}


def test_template_hash_is_stable_and_depends_on_content_and_collisions() -> None:
    h = du.compute_hash(template())
    assert h == du.compute_hash(template()) and set(h) <= set("456789bcdf") and 1 <= len(h) <= 10
    assert h == du.safe_encode(str(du.fnv1a_32(du.canonical(template()))))
    # key order does not matter, content does
    reordered = {"spec": template()["spec"], "metadata": template()["metadata"]}
    assert du.compute_hash(reordered) == h
    assert du.compute_hash(template("nginx:1.17")) != h
    assert du.compute_hash(template(), 1) != h
    assert du.compute_hash(template(), 1) == du.safe_encode(str(du.fnv1a_32(
        du.canonical(template()) + b"\x01\x00\x00\x00\x00\x00\x00\x00")))


def test_equal_ignore_hash() -> None:
    a = template(labels={"app": "web", "pod-template-hash": "abc"})
    assert du.equal_ignore_hash(a, template())
    assert not du.equal_ignore_hash(a, template("nginx:1.17"))
    empty = {"metadata": {"labels": {}, "annotations": {}}, "spec": {"containers": []}}
    assert du.equal_ignore_hash(empty, {"metadata": {}, "spec": {}})


@pytest.mark.parametrize(("surge", "unavailable", "replicas", "expected"), [
    ("25%", "25%", 10, (3, 2)),
    ("25%", "25%", 1, (1, 0)),
    ("25%", "25%", 3, (1, 0)),
    ("25%", "25%", 15, (4, 3)),
    (1, 1, 4, (1, 1)),
    ("0%", "0%", 10, (0, 1)),
    (0, "10%", 5, (0, 1)),
])
def test_resolve_fenceposts(surge: object, unavailable: object, replicas: int, expected: tuple[int, int]) -> None:
    assert du.resolve_fenceposts(surge, unavailable, replicas) == expected


def dep(replicas: int, strategy: dict | None = None, status_replicas: int = 0) -> dict:
    return {"metadata": {"name": "web", "generation": 1},
            "spec": {"replicas": replicas, "strategy": strategy or {"type": "RollingUpdate"}},
            "status": {"replicas": status_replicas}}


def rs(replicas: int, max_ann: int | None = None, created: str = "2025-03-03T13:00:00Z", name: str = "x") -> dict:
    ann = {} if max_ann is None else {du.MAX_REPLICAS: str(max_ann)}
    return {"metadata": {"name": name, "uid": name, "annotations": ann, "creationTimestamp": created},
            "spec": {"replicas": replicas}}


def test_max_unavailable_and_surge_for_recreate_and_zero_replicas() -> None:
    assert (du.max_surge(dep(10)), du.max_unavailable(dep(10))) == (3, 2)
    assert (du.max_surge(dep(10, {"type": "Recreate"})), du.max_unavailable(dep(10, {"type": "Recreate"}))) == (0, 0)
    assert du.max_unavailable(dep(0)) == 0
    assert du.max_unavailable(dep(2, {"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 5}})) == 2


def test_new_rs_new_replicas() -> None:
    new, old = rs(0, name="new"), rs(10, name="old")
    assert du.new_rs_new_replicas(dep(10), [old, new], new) == 3
    assert du.new_rs_new_replicas(dep(10), [rs(8), rs(3)], rs(3)) == 5
    assert du.new_rs_new_replicas(dep(10), [rs(8), rs(5)], rs(5)) == 5
    assert du.new_rs_new_replicas(dep(10, {"type": "Recreate"}), [old, new], new) == 10


def test_proportions_of_the_worked_scaling_example() -> None:
    d = dep(15)
    old, new = rs(8, 13, name="old"), rs(5, 13, name="new")
    assert du.get_proportion(old, d, 6, 0) == 4
    assert du.get_proportion(new, d, 6, 4) == 2
    # the share is capped by what is left to add, and scaling to zero takes everything
    assert du.get_proportion(new, d, 6, 5) == 1
    assert du.get_proportion(old, dep(0), -8, 0) == -8
    # without the annotation the Deployment's current size is the base: round(5 * 25 / 10) - 5
    assert du.get_proportion(rs(5), dep(20, status_replicas=10), 15, 0) == 8


def test_round_half_away_from_zero() -> None:
    assert [du.round_half_away(x) for x in (0.5, 1.5, 2.5, -0.5, -2.5, 11.69)] == [1, 2, 3, -1, -3, 12]


def test_rollback_annotations_record_the_old_revision() -> None:
    d = {"metadata": {"annotations": {"kubernetes.io/change-cause": "undo", du.LAST_APPLIED: "{}"}},
         "spec": {"replicas": 3}}
    r = {"metadata": {"annotations": {du.REVISION: "1"}}, "spec": {"replicas": 0}}
    assert du.set_new_rs_annotations(d, r, 3, True)
    ann = r["metadata"]["annotations"]
    assert ann[du.REVISION] == "3" and ann[du.REVISION_HISTORY] == "1"
    assert ann["kubernetes.io/change-cause"] == "undo" and du.LAST_APPLIED not in ann
    assert du.DESIRED_REPLICAS not in ann  # existing RSs get replica annotations when scaled
    du.set_new_rs_annotations(d, r, 5, True)
    assert ann[du.REVISION_HISTORY] == "1,3"
    # a lower revision never overwrites a higher one
    assert not du.set_new_rs_annotations(d, r, 4, True) and ann[du.REVISION] == "5"


def test_revision_history_is_capped_in_characters() -> None:
    d = {"metadata": {}, "spec": {"replicas": 1}}
    r = {"metadata": {"annotations": {du.REVISION: "9", du.REVISION_HISTORY: "1,2,3,4"}}, "spec": {}}
    du.set_new_rs_annotations(d, r, 10, True, limit_chars=8)
    assert r["metadata"]["annotations"][du.REVISION_HISTORY] == "2,3,4,9"
    r["metadata"]["annotations"].update({du.REVISION: "9", du.REVISION_HISTORY: "1,2,3,4"})
    du.set_new_rs_annotations(d, r, 10, True, limit_chars=6)
    assert r["metadata"]["annotations"][du.REVISION_HISTORY] == "3,4,9"


def test_find_new_rs_prefers_the_oldest_equal_template() -> None:
    d = {"spec": {"template": template()}}
    younger = {**rs(1, created="2025-03-03T13:00:05Z", name="b"), "spec": {"template": template()}}
    older = {**rs(1, created="2025-03-03T13:00:01Z", name="c"), "spec": {"template": template()}}
    other = {**rs(1, name="a"), "spec": {"template": template("x")}}
    assert du.find_new_rs(d, [younger, other, older])["metadata"]["name"] == "c"


def test_sort_by_size_breaks_ties_by_age_in_the_scaling_direction() -> None:
    a = rs(5, created="2025-03-03T13:00:01Z", name="a")
    b = rs(5, created="2025-03-03T13:00:02Z", name="b")
    big = rs(9, created="2025-03-03T13:00:03Z", name="big")
    assert [x["metadata"]["name"] for x in du.sort_by_size([a, b, big], newer_first=True)] == ["big", "b", "a"]
    assert [x["metadata"]["name"] for x in du.sort_by_size([b, a, big], newer_first=False)] == ["big", "a", "b"]


def test_pod_availability_is_strictly_after_min_ready_seconds() -> None:
    t0 = du.parse_time("2025-03-03T13:00:00Z")
    pod = {"metadata": {}, "status": {"conditions": [
        {"type": "Ready", "status": "True", "lastTransitionTime": "2025-03-03T13:00:00Z"}]}}
    assert du.is_pod_available(pod, 0, t0)
    assert not du.is_pod_available(pod, 10, t0 + 10)
    assert du.is_pod_available(pod, 10, t0 + 10.5)
    pod["status"]["conditions"][0]["status"] = "False"
    assert not du.is_pod_available(pod, 0, t0 + 100)
