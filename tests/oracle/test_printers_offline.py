"""The oracle's findings kept where no kubectl is installed: the jsonpath, custom-columns and
sort.Sort ports in ``server.kubectl.printers``, each expected value captured from kubectl v1.32
(``kubectl get cm probe probe2 -o jsonpath=…`` against a sandbox holding these two ConfigMaps)."""

from __future__ import annotations

import random

import pytest

from server.kubectl import printers


def _cm(name: str, labels: dict, data: dict) -> dict:
    return {"apiVersion": "v1", "kind": "ConfigMap", "data": data,
            "metadata": {"name": name, "namespace": "default", "labels": labels}}


LIST = printers.as_list([
    _cm("probe", {"app": "web", "tier": "front"}, {"b": "2", "a": "1", "url": "http://x/?a=1&b=<2>"}),
    _cm("probe2", {"app": "db"}, {"a": "9"}),
])


@pytest.mark.parametrize(("template", "printed"), [
    ("{.items[*].metadata.name}", "probe probe2"),
    ("{.items[0].data}", '{"a":"1","b":"2","url":"http://x/?a=1\\u0026b=\\u003c2\\u003e"}'),
    ("{.items[*].metadata.labels.app}", "web db"),
    ('{range .items[*]}{.metadata.name}={.data.a}{"\\n"}{end}', "probe=1\nprobe2=9\n"),
    ('{.items[?(@.metadata.labels.app=="db")].metadata.name}', "probe2"),
    ("{.items[-1:].metadata.name}", "probe2"),
    ("{.items[0].data.url}", "http://x/?a=1&b=<2>"),
    ("{.items[*].nope}", ""),
    ("{..a}", "1 9"),
    ('{.items[0].metadata.labels}{"|"}{.items[1].data.a}', '{"app":"web","tier":"front"}|9'),
])
def test_jsonpath_prints_what_kubectl_prints(template, printed):
    assert printers.jsonpath(template, LIST) == printed


def test_jsonpath_index_out_of_range_is_an_error():
    with pytest.raises(printers.JSONPathError, match="array index out of bounds: index 2, length 2"):
        printers.jsonpath("{.items[2].metadata.name}", LIST)


def test_custom_columns():
    items = LIST["items"]
    assert printers.custom_columns("NAME:.metadata.name,APP:.metadata.labels.app,DATA:.data", items) == (
        "NAME     APP   DATA\n"
        "probe    web   map[a:1 b:2 url:http://x/?a=1&b=<2>]\n"
        "probe2   db    map[a:9]\n")
    assert printers.custom_columns("N:{.metadata.name},X:.nope", items) == (
        "N        X\nprobe    <none>\nprobe2   <none>\n")
    with pytest.raises(printers.JSONPathError, match="expected <header>:<json-path-expr>"):
        printers.custom_columns("NAME", items)


def test_go_sort_sorts():
    rng = random.Random(5)
    for n in range(200):
        xs = [rng.randint(0, n // 3 + 1) for _ in range(n)]
        assert printers.go_sort(xs, lambda a, b: a < b) == sorted(xs)
    # last=k: the whole sort's last k items, ties (told apart by their second half) in its order
    for n in (13, 60, 500):
        xs = [(rng.randint(0, 9), i) for i in range(n)]
        whole = printers.go_sort(xs, lambda a, b: a[0] < b[0])
        for k in (1, 7, n // 2, n):
            assert printers.go_sort(xs, lambda a, b: a[0] < b[0], last=k)[-k:] == whole[-k:]


def test_go_sort_is_not_stable_past_twelve_elements():
    """Insertion sort up to 12 elements keeps equal ones in order; beyond, pdqsort moves them (as
    kubectl's --sort-by does: the oracle checks the exact order against it)."""
    short = [(k % 2, i) for i, k in enumerate(range(12))]
    assert printers.go_sort(short, lambda a, b: a[0] < b[0]) == sorted(short, key=lambda p: p[0])
    long = [(k % 2, i) for i, k in enumerate(range(60))]
    moved = printers.go_sort(long, lambda a, b: a[0] < b[0])
    assert [p[0] for p in moved] == sorted(p[0] for p in long)
    assert moved != sorted(long, key=lambda p: p[0])
