"""The store's scans hand out objects in (namespace, name) order, as the apiserver lists them, while
each bucket keeps its names' order from scan to scan (store._Bucket): random creations, deletions,
re-creations, relabellings (which re-index an object) and status writes, each followed by scans of
one namespace, of all, and by label, must read what a fresh sort reads."""

from __future__ import annotations

import random

from server.sim.clock import Clock
from server.sim.store import Store


def _pod(ns: str, name: str, app: str) -> dict:
    return {"kind": "Pod", "apiVersion": "v1", "metadata": {"name": name, "namespace": ns, "labels": {"app": app}},
            "spec": {}, "status": {}}


def test_scans_read_in_namespace_and_name_order_through_random_writes():
    rng = random.Random(7)
    store = Store(Clock())
    live: dict[tuple[str, str], str] = {}  # (namespace, name) -> app label
    names = [f"p{i}" for i in range(40)] + [f"a{i}" for i in range(10)]
    spaces = ["default", "kube-system", "b"]
    for _round in range(600):
        ns, name = rng.choice(spaces), rng.choice(names)
        op = rng.random()
        if (ns, name) not in live:
            app = rng.choice("xyz")
            store.create(_pod(ns, name, app))
            live[(ns, name)] = app
        elif op < 0.4:
            store.remove("Pod", ns, name)
            del live[(ns, name)]
        elif op < 0.7:  # a new label: out of its indexes and back in (the bucket may empty and return)
            obj = store.get("Pod", ns, name)
            obj["metadata"]["labels"]["app"] = live[(ns, name)] = rng.choice("xyz")
            store.update(obj)
        else:  # a status write: the same indexes
            obj = store.get("Pod", ns, name)
            obj["status"]["phase"] = rng.choice(["Pending", "Running"])
            store.update(obj)
        if rng.random() < 0.3:
            continue  # several writes between two scans
        want_all = sorted(live)
        assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in store.scan("Pod")] == want_all
        ns = rng.choice(spaces)
        assert [o["metadata"]["name"] for o in store.scan("Pod", ns)] == [n for s, n in want_all if s == ns]
        app = rng.choice("xyz")
        assert [(o["metadata"]["namespace"], o["metadata"]["name"]) for o in store.scan("Pod", selector={"app": app})] \
            == [k for k in want_all if live[k] == app]
