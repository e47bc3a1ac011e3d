"""The property-based test of bad input: every example manifest (examples/: the seeds, the lessons
and the kubernetes.io examples), mutated — fields dropped, nulled, retyped (huge numbers, unicode,
empty strings, lists, maps), duplicated, lists turned into maps and back — and applied with
``kubectl apply -f -`` to one lab cluster.

For every mutant: no internal error (no exception out of the kubectl engine, no ``internal error``
in what the terminal shows, nothing caught in ``Api.internal_errors``); a refused document leaves
the store's resourceVersion where it was and the terminal shows a kubectl-style error; an accepted
one can be listed, listed wide, described, read back as YAML and seen in ``get all`` afterwards,
while the controllers go on running (the clock advances a little) — then it is deleted again.

Hypothesis runs a bounded, derandomized number of examples (no example database), so the test is
the same on every run and stays well under a minute in ``make test``.
"""

from __future__ import annotations

import copy
import json
import os
import random
import re
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from server.kubectl import run
from server.sim.admission import ManifestError, parse_manifests
from server.sim.cluster import Cluster
from server.sim.resources import BY_KIND

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
#: examples per run of ``make test``; ``KUBEPLAY_FUZZ_EXAMPLES=3000`` for a deeper look, and
#: ``KUBEPLAY_FUZZ_SEED=n`` for other mutants than the derandomized ones
MAX_EXAMPLES = int(os.environ.get("KUBEPLAY_FUZZ_EXAMPLES", "300"))
SEED = os.environ.get("KUBEPLAY_FUZZ_SEED")


def _example_documents() -> list[tuple[str, dict]]:
    docs = []
    for path in sorted(EXAMPLES.rglob("*")):
        if path.suffix not in (".yaml", ".yml", ".json") or not path.is_file():
            continue
        try:
            parsed = parse_manifests(path.read_text(), path.name)
        except ManifestError:
            continue  # a seed that is bad YAML on purpose: nothing to mutate
        docs += [(str(path.relative_to(EXAMPLES)), d) for d in parsed]
    return docs


DOCUMENTS = _example_documents()

_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
#: the odd values a field may get instead of its own
ODD_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([0, -1, 1, 65536, 2**31, 2**31 - 1, 2**63, -(2**63) - 1, 10**30]),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    _TEXT,
    st.sampled_from(["", " ", "null", "x" * 300, "🚀", "ñame", "UPPER", "a b", "1Gi", "100m", "-1", "0x10",
                     "1e3", "25%", "200%", "Always", "TCP", "nginx", "app", "-", ".."]),
    st.sampled_from([[], {}, [None], {"a": None}, [{}], [[]], {"": ""}, [1, 1], ["a", "a"]]),
    st.lists(st.integers(min_value=-5, max_value=70000), max_size=2),
    st.dictionaries(_TEXT, _TEXT, max_size=2),
)
ODD_STRINGS = st.one_of(_TEXT, st.sampled_from(
    ["", " ", "x" * 300, "🚀", "ñame", "UPPER", "a b", "a_b", "-a", "a.", "1Gi", "100m", "-1", "0", "25%", "200%",
     "Always", "Never", "TCP", "udp", "None", "nginx", "nginx:", "app", "kubernetes.io/x", "a/b/c", "*", "@every 1s"]))
ODD_INTS = st.one_of(st.integers(min_value=-3, max_value=70000),
                     st.sampled_from([0, -1, 65535, 65536, 2**31 - 1, 2**31, 2**53, -(2**31) - 1]))
#: "tweak" keeps a value's type (an odd string for a string, an odd number for a number): the
#: mutants that get past decoding and meet field validation, defaulting and the controllers
OPERATIONS = ("drop", "null", "retype", "duplicate", "flip", "wrap") + ("tweak",) * 8


def _paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every path to a value inside ``value`` (not the document itself), outermost first."""
    out: list[tuple] = []
    stack = [(value, prefix)]
    while stack:
        v, p = stack.pop()
        items = v.items() if isinstance(v, dict) else enumerate(v) if isinstance(v, list) else ()
        for k, child in items:
            out.append((*p, k))
            stack.append((child, (*p, k)))
    return sorted(out, key=lambda p: (len(p), [str(x) for x in p]))


#: counts a controller acts on one by one: a mutant asks for a few more, never for millions of pods
#: (the apiserver takes ``replicas: 2147483647`` too; the test has no time to watch it run)
SCALE_FIELDS = frozenset({"replicas", "parallelism", "completions"})


def _mutate(doc: dict, path: tuple, operation: str, odd: Any) -> None:
    parent: Any = doc
    for k in path[:-1]:
        parent = parent[k]
    key = path[-1]
    value = parent[key]
    if key in SCALE_FIELDS and isinstance(odd, (int, float)) and not isinstance(odd, bool) and odd > 5:
        odd = 5
    if operation == "drop":
        del parent[key]
    elif operation == "null":
        parent[key] = None
    elif operation in ("retype", "tweak"):
        parent[key] = copy.deepcopy(odd)
    elif operation == "duplicate":
        if isinstance(parent, list):
            parent.insert(key, copy.deepcopy(value))  # two containers, ports, env vars … of one name
        else:
            for sibling in parent:
                if sibling != key:
                    parent[sibling] = copy.deepcopy(value)
                    break
    elif operation == "flip":
        if isinstance(value, list):
            parent[key] = {str(i): x for i, x in enumerate(value)}
        elif isinstance(value, dict):
            parent[key] = list(value.values()) or [value]
        else:
            parent[key] = {"value": value}
    else:
        parent[key] = [value]


@st.composite
def mutants(draw: st.DrawFn) -> tuple[str, str]:
    # where to mutate is picked by a Random seeded from Hypothesis (its own choices, st.randoms
    # included, lean to the first item of a list: most mutants would drop apiVersion)
    rng = random.Random(draw(st.integers(min_value=0, max_value=2**64)))
    source, doc = rng.choice(DOCUMENTS)
    doc = copy.deepcopy(doc)
    steps = []
    for _ in range(rng.choice((1, 1, 1, 2, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = rng.choice(paths)
        operation = rng.choice(OPERATIONS)
        odd = draw(ODD_VALUES) if operation == "retype" else _tweaked(draw, rng, doc, path) if operation == "tweak" \
            else None
        _mutate(doc, path, operation, odd)
        steps.append(f"{operation} {'.'.join(map(str, path))}" + (f" = {odd!r}" if odd is not None else ""))
    text = json.dumps(doc, ensure_ascii=False) if draw(st.booleans()) else _yaml(doc)
    return f"{source}: {'; '.join(steps)}", text


def _tweaked(draw: st.DrawFn, rng: Any, doc: dict, path: tuple) -> Any:
    value: Any = doc
    for k in path:
        value = value[k]
    if isinstance(value, bool):
        return not value
    if isinstance(value, str):
        return draw(ODD_STRINGS)
    if isinstance(value, (int, float)):
        return draw(ODD_INTS)
    if isinstance(value, list):
        return [] if not value or rng.random() < 0.5 else value + value[:1]
    if isinstance(value, dict):
        return {} if rng.random() < 0.5 else {**value, draw(ODD_STRINGS): draw(ODD_STRINGS)}
    return draw(ODD_VALUES)


def _yaml(doc: dict) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


_CLUSTER: list[Cluster] = []


def _cluster() -> Cluster:
    """One lab cluster for the whole run (Hypothesis calls the test many times; the examples are
    derandomized, so the sequence of states is the same on every run)."""
    if not _CLUSTER:
        _CLUSTER.append(Cluster(seed=1))
    return _CLUSTER[0]


KUBECTL_ERROR = re.compile(r'(error: |Error from server \(|The [A-Za-z.]+ "[^"\n]*" is invalid)')
INTERNAL = ("internal error", "Traceback")


def _kubectl(c: Cluster, line: str, stdin: str = "", *, ok: bool = True) -> str:
    result = run(c, line, stdin)  # an exception here is an internal error: the test fails with it
    for word in INTERNAL:
        assert word not in result.output, (line, result.output)
    if ok:
        assert result.exit_code == 0, (line, result.output)
    return result.output


def _user_objects(c: Cluster) -> dict[tuple, dict]:
    """The objects nobody owns (what a user's apply leaves; their dependents go with them), but
    the Events and Leases the components write on their own."""
    return {(o["kind"], o["metadata"].get("namespace") or "", o["metadata"]["name"]): o for o in c.store.all()
            if not o["metadata"].get("ownerReferences") and o["kind"] not in ("Event", "Lease")}


@settings(max_examples=MAX_EXAMPLES, derandomize=SEED is None, database=None, deadline=None, print_blob=False,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@seed(int(SEED or 0))
@given(mutants())
def test_a_mutated_example_is_refused_cleanly_or_works(mutant: tuple[str, str]) -> None:
    what, text = mutant
    c = _cluster()
    c.api.internal_errors.clear()  # only this example's
    before = _user_objects(c)
    rv = c.store.rv
    out = _kubectl(c, "kubectl apply -f -", text, ok=False)
    assert c.api.internal_errors == [], (what, c.api.internal_errors)
    created = {k: o for k, o in _user_objects(c).items() if k not in before}
    if not re.search(r" (created|configured|unchanged)$", out, re.M):
        assert c.store.rv == rv, (what, out)
        first = next(line for line in out.split("\n") if not line.startswith("Warning: "))
        assert KUBECTL_ERROR.match(first), (what, out)
        return
    for kind in sorted({k[0] for k in created}) or ["pods"]:
        plural = BY_KIND[kind].plural if kind in BY_KIND else kind
        _kubectl(c, f"kubectl get {plural} -A")
        _kubectl(c, f"kubectl get {plural} -A -o wide")
        _kubectl(c, f"kubectl describe {plural} -A")
    for kind, ns, name in sorted(created):
        flag = f" -n {ns}" if ns else ""
        shown = yaml.safe_load(_kubectl(c, f"kubectl get {BY_KIND[kind].plural} {name}{flag} -o yaml"))
        assert shown["metadata"]["name"] == name, (what, shown)
    _kubectl(c, "kubectl get all -A")
    c.advance(5)  # the controllers, scheduler and kubelets take the new object in
    _kubectl(c, "kubectl get all -A -o wide")
    _kubectl(c, "kubectl get events -A")
    for kind, ns, name in sorted(created):
        c.api.delete(kind, ns, name, grace_period=0)
    c.advance(1)
    assert c.api.internal_errors == [], (what, c.api.internal_errors)


def test_the_examples_are_there() -> None:
    """The property above has something to mutate: every kind the seeds and tutorials use."""
    kinds = {doc["kind"] for _, doc in DOCUMENTS}
    assert {"Pod", "Deployment", "Service", "ConfigMap", "Secret", "Job", "CronJob", "ReplicaSet"} <= kinds


# -- the same mutants through the Kubernetes REST API (what a real kubectl or client-go sends) ---
#: (method, content type, query) of each writing door: create, update, the three patches, server-side apply
DOORS = [("POST", "application/json", {}), ("POST", "application/json", {"dryRun": "All"}),
         ("PUT", "application/json", {}), ("PUT", "application/json", {"dryRun": "All"}),
         ("PATCH", "application/merge-patch+json", {}),
         ("PATCH", "application/strategic-merge-patch+json", {}),
         ("PATCH", "application/apply-patch+yaml", {"fieldManager": "fuzz"}),
         ("PATCH", "application/apply-patch+yaml", {"fieldManager": "fuzz", "force": "true"}),
         ("APPLY-CREATE", "application/apply-patch+yaml", {"fieldManager": "fuzz"})]
#: "APPLY-CREATE" is the PATCH of server-side apply to an object that does not exist yet: a create


def _rest_path(kind: str, namespace: str, name: str | None) -> tuple[str, str, list[str]]:
    r = BY_KIND[kind]
    group, _, version = r.api_version.rpartition("/")
    segments = (["namespaces", namespace] if r.namespaced else []) + [r.plural] + ([name] if name else [])
    return group, version, segments


@settings(max_examples=MAX_EXAMPLES // 2, derandomize=SEED is None, database=None, deadline=None,
          print_blob=False, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@seed(int(SEED or 0) + 1)
@given(mutants(), st.sampled_from(DOORS))
def test_a_mutant_through_the_rest_api_is_a_status_or_a_working_object(mutant: tuple[str, str], door) -> None:
    """POST, PUT (over the unmutated original), merge/strategic patches and server-side apply of a
    mutant: the answer is a Status with a 4xx code (and nothing stored) or the object, never a 5xx."""
    from server import apiserver

    what, text = mutant
    method, content_type, query = door
    creates = method in ("POST", "APPLY-CREATE")
    method = "PATCH" if method == "APPLY-CREATE" else method
    c = _cluster()
    c.api.internal_errors.clear()
    source = what.partition(":")[0]
    original = next(d for s, d in DOCUMENTS if s == source)
    kind = original["kind"]
    if kind not in BY_KIND or BY_KIND[kind].api_version != original["apiVersion"]:
        return  # a removed API version: kubectl refuses it before any request
    name = original["metadata"]["name"]
    ns = original["metadata"].get("namespace") or "default"
    if not creates:  # the object exists: the update and the patches change it
        if c.store.peek(kind, ns if BY_KIND[kind].namespaced else "", name) is None and \
                run(c, "kubectl apply -f -", json.dumps(original)).exit_code != 0:
            return  # a seed that is wrong on purpose (a typo the learner is to find)
    body = text
    if content_type != "application/apply-patch+yaml" and not text.lstrip().startswith("{"):
        body = json.dumps(yaml.safe_load(text))
    group, version, segments = _rest_path(kind, ns, None if method == "POST" else name)
    before = _user_objects(c)
    rv = c.store.rv
    try:
        req = apiserver.resolve(method, group, version, segments, dict(query))
    except Exception as e:  # noqa: BLE001 - resolve only refuses with ApiError
        raise AssertionError((what, door, e)) from e
    answer = apiserver.write(c, req, body, content_type, "kubectl/v1.32.0 (linux/amd64) kubernetes/70d3cc9")
    # the one 500 the real apiserver gives here too: a strategic merge patch that strategicpatch
    # cannot merge (a list item without its merge key, a list where a map was …): patchResource's
    # interpretStrategicMergePatchError maps only a few of its errors to 4xx; the others are raw
    # and server-side apply's metadata that is no map: v1.32 returns the typed conversion's failure
    # as a plain error (failed to create typed patch object …; a 400 only after v1.32)
    real_500 = answer.code == 500 and not answer.body.get("reason") and (
        content_type == "application/strategic-merge-patch+json" or
        (content_type == "application/apply-patch+yaml" and
         answer.body["message"].startswith("failed to create typed patch object")))
    assert answer.code < 500 or real_500, (what, door, answer.code, answer.body)
    assert c.api.internal_errors == [], (what, door, c.api.internal_errors)
    if answer.code >= 400 or real_500:
        assert answer.body["kind"] == "Status" and answer.body["status"] == "Failure", (what, door, answer.body)
        assert c.store.rv == rv, (what, door, answer.body)
    elif query.get("dryRun") == "All":
        assert c.store.rv == rv, (what, door, "a dry run stored something")
    else:
        created = [k for k in _user_objects(c) if k not in before]
        for k, _namespace, _name in created or [(kind, ns, name)]:
            plural = BY_KIND[k].plural
            _kubectl(c, f"kubectl get {plural} -A -o wide")
            _kubectl(c, f"kubectl describe {plural} -A")
        c.advance(3)
        _kubectl(c, "kubectl get all -A")
    for key in [k for k in _user_objects(c) if k not in before] + [(kind, ns, name)]:
        if c.store.peek(*key) is not None:
            c.api.delete(*key, grace_period=0)
    c.advance(1)
