"""The manifests in examples/: every good one applies unchanged, the three bad ones are refused
with the real messages and leave the store untouched."""

from __future__ import annotations

from pathlib import Path

import pytest

from server.sim.admission import ManifestError, parse_manifests, resolve_kind
from server.sim.api import ApiError
from server.sim.cluster import Cluster

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
BAD = {"seeds/pod-kuard-typo.yml", "seeds/cronjob-sample-v1beta1.yml", "seeds/replicaset-extensions-v1beta1.yml"}
GOOD = sorted(str(p.relative_to(EXAMPLES)) for p in EXAMPLES.glob("*/*.y*ml") if str(p.relative_to(EXAMPLES)) not in BAD)


@pytest.mark.parametrize("name", GOOD)
def test_good_manifest_applies_unchanged(name: str) -> None:
    cluster = Cluster(seed=7)
    docs = parse_manifests((EXAMPLES / name).read_text(), Path(name).name)
    assert docs
    for doc in docs:
        resolve_kind(doc, Path(name).name)
        stored, how = cluster.api.apply(doc)
        assert how == "created"
        meta = doc["metadata"]
        again = cluster.store.get(doc["kind"], stored["metadata"].get("namespace", ""), meta["name"])
        assert again is not None and again["metadata"]["name"] == meta["name"]
        # re-applying the same file changes nothing: defaulting and the merge agree
        assert cluster.api.apply(doc)[1] == "unchanged"


def test_kuard_typo_is_refused_naming_the_field(cluster: Cluster) -> None:
    rv = cluster.store.rv
    [doc] = parse_manifests((EXAMPLES / "seeds/pod-kuard-typo.yml").read_text(), "pod-kuard-typo.yml")
    assert resolve_kind(doc, "pod-kuard-typo.yml").kind == "Pod"
    with pytest.raises(ApiError) as e:
        cluster.api.apply(doc)
    assert (e.value.code, e.value.reason) == (400, "BadRequest")
    assert e.value.message == ('Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
                               'unknown field "spec.containres"')
    assert cluster.store.rv == rv
    assert cluster.store.get("Pod", "default", "kuard") is None


@pytest.mark.parametrize(("name", "kind", "obj_name", "version", "today"), [
    ("seeds/cronjob-sample-v1beta1.yml", "CronJob", "sample-cronjob", "batch/v1beta1", "batch/v1"),
    ("seeds/replicaset-extensions-v1beta1.yml", "ReplicaSet", "wordpress-reps", "extensions/v1beta1", "apps/v1"),
])
def test_removed_api_versions_are_refused_with_a_hint(cluster: Cluster, name: str, kind: str, obj_name: str,
                                                       version: str, today: str) -> None:
    rv = cluster.store.rv
    source = Path(name).name
    [doc] = parse_manifests((EXAMPLES / name).read_text(), source)
    with pytest.raises(ManifestError) as e:
        resolve_kind(doc, source)
    lines = e.value.message.split("\n")
    assert lines[0] == (f'error: resource mapping not found for name: "{obj_name}" namespace: "" from "{source}": '
                        f'no matches for kind "{kind}" in version "{version}"')
    assert lines[1] == "ensure CRDs are installed first"
    assert len(lines) == 3 and f'"apiVersion: {today}"' in lines[2]
    # the API refuses it too if someone skips kubectl's mapping step
    with pytest.raises(ApiError) as api_err:
        cluster.api.apply(doc)
    assert f'no matches for kind "{kind}" in version "{version}"' in api_err.value.message
    assert cluster.store.rv == rv
    assert cluster.store.get(kind, "default", obj_name) is None


def test_extensions_replicaset_hint_mentions_the_selector(cluster: Cluster) -> None:
    [doc] = parse_manifests((EXAMPLES / "seeds/replicaset-extensions-v1beta1.yml").read_text(), "rs.yml")
    with pytest.raises(ManifestError) as e:
        resolve_kind(doc, "rs.yml")
    assert "spec.selector" in e.value.message.split("\n")[2]


def test_examples_kinds_are_all_known() -> None:
    for name in GOOD:
        for doc in parse_manifests((EXAMPLES / name).read_text(), name):
            assert resolve_kind(doc, name).api_version == doc["apiVersion"]
